"""`sti refresh`: run the refresh job on a drop and print what it published, rejected or recovered."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from pipelines.cli.console import EXIT_ERROR, EXIT_REJECTED, fail, print_findings
from pipelines.cli.mirror import postgres_resource, report_mirror


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a service manager, `kill`) stops a refresh the way Ctrl-C does: Dagster interrupts the
    step, dagster-dbt passes the interrupt to dbt and waits for it, the job's lifecycle rolls back."""
    import signal

    previous = signal.signal(signal.SIGTERM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _disk_full(outcome, warehouse: Path) -> bool:
    from pipelines.publish.publication import DISK_FULL_MARKERS

    log = warehouse / "logs" / "refresh-latest.log"
    texts = [outcome.error or ""]
    if log.exists():
        texts.append(log.read_text(encoding="utf-8", errors="replace")[-200_000:])
    return any(marker in t for t in texts for marker in DISK_FULL_MARKERS)


def cmd_refresh(args: argparse.Namespace) -> int:
    from pipelines.publish.lock import WarehouseBusy, warehouse_lock

    sources, warehouse = Path(args.sources), Path(args.warehouse)
    if not sources.is_dir():
        return fail(f"source drop {sources} is not a directory", "pass --sources DIR with one sub-folder per source")
    from pipelines.publish.duckdb_config import MemoryLimitError, check_memory_limit

    try:
        check_memory_limit()
    except MemoryLimitError as exc:
        return fail(exc.message, exc.fix)
    print(f"sti refresh: {sources} -> {warehouse}")
    print(f"  log: {warehouse / 'logs' / 'refresh-latest.log'} (Dagster and dbt output of this refresh); "
          f"dbt's SQL log: {warehouse / 'logs' / 'dbt.log'}")  # fmt: skip
    try:
        # Taken before Dagster is even imported, so that a second refresh exits at once.
        with _sigterm_as_interrupt(), warehouse_lock(warehouse, "sti refresh"):
            from pipelines.cli.refresh_display import RefreshDisplay
            from pipelines.publish.refresh_progress import listening
            from pipelines.publish.run_refresh import run_refresh

            postgres = postgres_resource(args)
            with RefreshDisplay(sys.stdout) as display, listening(display):
                outcome = run_refresh(sources, warehouse, postgres=postgres)
    except WarehouseBusy as exc:
        return fail(f"{exc}; nothing was done", "run `sti history` after it finishes to see what it published")
    for note in outcome.recovery:
        print(f"  recovered: {note}")
    loaded = [b for b in outcome.batches if b.status == "published"]
    undone = [b for b in outcome.batches if b.status in ("rolled_back", "pending")]
    if loaded:
        print("  new batches published:")
        for source in sorted({b.source for b in loaded}):
            files = [b for b in loaded if b.source == source]
            print(f"    {source:<24} {len(files):>3} file(s) {sum(b.rows for b in files):>10,} rows")
    elif outcome.status in ("published", "unchanged"):
        print("  new batches: none (every file of the drop is already loaded)")
    for b in outcome.batches:
        if b.findings and b.status not in ("rejected", "not_loaded"):
            print(f"  warnings for {b.file}:")
            print_findings(b.findings)
    not_loaded = [b for b in outcome.batches if b.status == "not_loaded"]
    if not_loaded:
        entries = f"{len(not_loaded)} entr{'y' if len(not_loaded) == 1 else 'ies'} of the drop"
        print(f"  reported, not loaded ({entries}):")
        for b in not_loaded:
            print(f"  {b.file}")
            print_findings(b.findings)
    for load_id, file, reason in outcome.retracted:
        print(f"  retracted, kept out of the marts: {file} (load {load_id}: {reason})")
    if outcome.rejected:
        print(
            f"  REJECTED {len(outcome.rejected)} batch(es) or drop entries — nothing was published, "
            "sti.duckdb is unchanged:"
        )
        for b in outcome.rejected:
            print(f"  {b.file}")
            print_findings(b.findings)
        if undone:
            print(f"  not loaded because of the rejection (loaded next time): {', '.join(b.file for b in undone)}")
        return EXIT_REJECTED
    if outcome.status not in ("published", "unchanged"):
        _print_failure(outcome, warehouse, undone)
        return EXIT_ERROR
    if outcome.status == "published":
        c = outcome.changes or {}
        print(
            f"  published {warehouse / 'sti.duckdb'}: indicator values {c.get('added', 0):,} added, "
            f"{c.get('changed', 0):,} changed, {c.get('removed', 0):,} removed"
        )
    else:
        print(f"  nothing new to publish; {warehouse / 'sti.duckdb'} is unchanged")
    _print_headline(warehouse / "sti.duckdb")
    return report_mirror(warehouse, outcome.run_id, configured=postgres is not None, error=outcome.error)


def _print_failure(outcome, warehouse: Path, undone: list) -> None:
    """A refresh that failed after its audit: what stopped it, what to fix, where the details are."""
    err = sys.stderr
    error = outcome.error or "the refresh stopped"
    print(f"  FAILED — nothing was published, sti.duckdb is unchanged: {error}", file=err)
    if undone:
        print(f"  not published (loaded again by the next refresh): {', '.join(b.file for b in undone)}", file=err)
    if "fix:" in (outcome.error or ""):
        pass  # the error says what to fix itself
    elif _disk_full(outcome, warehouse):
        print(
            f"  fix: the disk is full — free space where {warehouse} lives (df -h) and run sti refresh again",
            file=err,
        )
    else:
        print(
            "  fix: correct what the error names and run sti refresh again; the next refresh starts from the "
            "published state",
            file=err,
        )
    log = warehouse / "logs" / "refresh-latest.log"
    dbt_log = warehouse / "logs" / "dbt.log"
    print(f"  details: {log}, dbt's SQL log {dbt_log} and the Dagster run {outcome.run_id} (make ui)", file=err)


def _print_headline(serving: Path) -> None:
    import duckdb

    if not serving.exists():
        return
    con = duckdb.connect(str(serving), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT v.indicator_code, count(*), count(DISTINCT v.region_code), min(v.year), max(v.year)
            FROM marts.fct_indicator_value v GROUP BY 1 ORDER BY 1
            """
        ).fetchall()
        statuses = con.execute(
            "SELECT status, count(*) FROM marts.fct_target_progress GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    finally:
        con.close()
    print(f"  {len(rows)} indicators in marts.fct_indicator_value:")
    for code, n, regions, y0, y1 in rows:
        print(f"    {code:<42} {n:>5} values, {regions:>3} regions, {y0}-{y1}")
    if statuses:
        print("  plan targets (marts.fct_target_progress): " + ", ".join(f"{n} {s}" for s, n in statuses))
