"""`sti` — the command line of the warehouse (DESIGN §5)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from pathlib import Path

EXIT_OK, EXIT_REJECTED, EXIT_ERROR = 0, 1, 2


def _fail(message: str, fix: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if fix:
        print(f"  fix: {fix}", file=sys.stderr)
    return EXIT_ERROR


def _print_findings(findings: list[dict], indent: str = "    ") -> None:
    for f in findings:
        where = f.get("header") or f.get("column") or ("file" if f.get("source") else "entry")
        rows = ", ".join(
            f"row {e['row']}: {e['value']!r}" if e.get("value") else f"row {e['row']}"
            for e in f.get("examples", [])[:5]
            if e.get("row") is not None
        )
        count = f" — {f['failing_count']} row(s)" if f.get("failing_count") else ""
        print(f"{indent}[{f['severity']}] {where}: {f['rule']}{count}: {f['message']}")
        if rows:
            print(f"{indent}    e.g. {rows}")
        print(f"{indent}    fix: {f['fix']}")


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
        return _fail(f"source drop {sources} is not a directory", "pass --sources DIR with one sub-folder per source")
    print(f"sti refresh: {sources} -> {warehouse}")
    try:
        # Taken before Dagster is even imported, so that a second refresh exits at once.
        with _sigterm_as_interrupt(), warehouse_lock(warehouse, "sti refresh"):
            from pipelines.publish.run_refresh import run_refresh

            outcome = run_refresh(sources, warehouse)
    except WarehouseBusy as exc:
        return _fail(f"{exc}; nothing was done", "run `sti history` after it finishes to see what it published")
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
            _print_findings(b.findings)
    not_loaded = [b for b in outcome.batches if b.status == "not_loaded"]
    if not_loaded:
        print(f"  reported, not loaded ({len(not_loaded)} entr{'y' if len(not_loaded) == 1 else 'ies'} of the drop):")
        for b in not_loaded:
            print(f"  {b.file}")
            _print_findings(b.findings)
    for load_id, file, reason in outcome.retracted:
        print(f"  retracted, kept out of the marts: {file} (load {load_id}: {reason})")
    if outcome.rejected:
        print(f"  REJECTED {len(outcome.rejected)} batch(es) or drop entries — nothing was published, sti.duckdb is unchanged:")
        for b in outcome.rejected:
            print(f"  {b.file}")
            _print_findings(b.findings)
        if undone:
            print(f"  not loaded because of the rejection (loaded next time): {', '.join(b.file for b in undone)}")
        return EXIT_REJECTED
    if outcome.status not in ("published", "unchanged"):
        print(f"  FAILED — nothing was published, sti.duckdb is unchanged: {outcome.error or 'the refresh stopped'}", file=sys.stderr)
        if undone:
            print(f"  not published (loaded again by the next refresh): {', '.join(b.file for b in undone)}", file=sys.stderr)
        if "fix:" in (outcome.error or ""):
            pass  # the error says what to fix itself
        elif _disk_full(outcome, warehouse):
            print(f"  fix: the disk is full — free space where {warehouse} lives (df -h) and run sti refresh again", file=sys.stderr)
        else:
            print("  fix: correct what the error names and run sti refresh again; the next refresh starts from the "
                  "published state", file=sys.stderr)
        print(f"  details: {warehouse / 'logs' / 'refresh-latest.log'} and the Dagster run {outcome.run_id} (make ui)", file=sys.stderr)
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
    return EXIT_OK


def cmd_retract(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.publish import ledger
    from pipelines.publish.lock import WarehouseBusy, warehouse_lock

    warehouse = Path(args.warehouse)
    build = warehouse / "build.duckdb"
    if not build.exists():
        return _fail(f"{build} does not exist", "retract needs a warehouse that has published batches")
    if not args.reason.strip():
        return _fail("--reason is empty", "say why the batch is withdrawn; it is kept in the ledger")
    try:
        with warehouse_lock(warehouse, "sti retract"):
            con = duckdb.connect(str(build))
            try:
                ledger.ensure_schemas(con)
                source, file, rows = ledger.retract(con, args.load_id, args.reason.strip())
            finally:
                con.close()
    except (WarehouseBusy, ledger.LedgerError) as exc:
        return _fail(str(exc))
    print(f"sti retract: batch {args.load_id} ({file}, {source}) withdrawn: {rows:,} rows left raw")
    print("  sti.duckdb still serves it until the next `sti refresh`, which republishes the marts without it;")
    print("  the file stays out while its bytes are unchanged (a corrected file is a new batch)")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.publish import ledger

    warehouse = Path(args.warehouse)
    build = warehouse / "build.duckdb"
    if not build.exists():
        return _fail(f"{build} does not exist", "run `sti refresh` first")
    try:
        con = duckdb.connect(str(build), read_only=True)
    except duckdb.IOException:
        return _fail(f"{build} is in use by a refresh", "run `sti history` again when the refresh has finished")
    try:
        runs, batches = ledger.history(con)
    finally:
        con.close()
    print(f"sti history: {warehouse}")
    print(f"  refreshes ({len(runs)}):")
    for run_id, started, finished, status, loaded, rejected in runs:
        print(f"    {str(started):<19}  {status:<9} {loaded or 0:>4} published {rejected or 0:>3} rejected  run {run_id}"
              + ("" if finished else "  (no end recorded)"))
    print(f"  batches ({len(batches)}):")
    for load_id, source, file, status, rows, loaded_at, published_at, retracted_at, reason in batches:
        lid = f"{load_id:>5}" if load_id is not None else "    -"
        when = published_at or loaded_at
        extra = f"  retracted {retracted_at}: {reason}" if status == "retracted" else ""
        print(f"    {lid}  {status:<11} {str(when):<19} {source:<22} {rows or 0:>9,} rows  {file}{extra}")
    return EXIT_OK


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


def cmd_validate(args: argparse.Namespace) -> int:
    from pipelines.audit.validate_drop import validate_drop
    from pipelines.publish.lock import WarehouseBusy

    drop = Path(args.drop)
    if not drop.is_dir():
        return _fail(f"source drop {drop} is not a directory", "pass a directory with one sub-folder per source")
    try:
        batches, report = validate_drop(drop, Path(args.warehouse))
    except WarehouseBusy as exc:
        return _fail(str(exc))
    print(f"sti validate: {drop} ({len(batches)} file(s)); nothing was published")
    rejected = [b for b in batches if b["status"] == "rejected"]
    for b in batches:
        mark = "REJECTED" if b["status"] == "rejected" else "ok"
        print(f"  {mark:<8} {b['file']} ({b['rows']:,} rows)")
        if b["findings"]:
            _print_findings(b["findings"])
    if report:
        print(f"  report: {report} (and .html)")
    print(f"  {len(rejected)} file(s) rejected" if rejected else "  every file passes")
    return EXIT_REJECTED if rejected else EXIT_OK


def cmd_lineage(args: argparse.Namespace) -> int:
    import json

    from pipelines.serve.lineage import LineageError, lineage, render

    try:
        story = lineage(Path(args.warehouse) / "sti.duckdb", args.code, args.region, args.year)
    except LineageError as exc:
        return _fail(exc.message, exc.fix)
    if args.json:
        print(json.dumps(story, ensure_ascii=False, indent=2, default=str))
    else:
        print(render(story))
    return EXIT_OK


def _serving_or_fail(warehouse: str) -> Path | None:
    serving = Path(warehouse) / "sti.duckdb"
    return serving if serving.exists() else None


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.serve.indicator_report import build_report

    serving = _serving_or_fail(args.warehouse)
    if serving is None:
        return _fail(f"{Path(args.warehouse) / 'sti.duckdb'} does not exist", "run `sti refresh` first")
    out = build_report(serving, Path(args.warehouse) / "reports" / "indicators.html")
    print(f"sti report: {out}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.serve.export import export_marts

    serving = _serving_or_fail(args.warehouse)
    if serving is None:
        return _fail(f"{Path(args.warehouse) / 'sti.duckdb'} does not exist", "run `sti refresh` first")
    out = Path(args.out) if args.out else Path(args.warehouse) / "exports"
    for path in export_marts(serving, out, args.format):
        print(f"  {path}")
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from pipelines.generate import generate

    out = Path(args.out)
    summary = generate(args.scale, out, seed=args.seed)
    print(f"sti generate: {args.scale} drop (seed {args.seed}) written to {out} in {summary.seconds:.1f}s")
    print(f"  {summary.regions} regions, {summary.enterprises:,} enterprises, {len(summary.files)} files, {summary.bytes / 1e6:.1f} MB")
    for source, rows in summary.rows.items():
        print(f"    {source:<24} {rows:>12,} rows")
    truth = f"{summary.truth_rows:,} ground-truth values in expected_indicators.csv" if summary.truth_rows else "no ground truth"
    print(f"  {truth}{' — ' + summary.truth_note if summary.truth_note else ''}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sti", description="Science-and-technology indicator warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("refresh", help="load new batches, audit, rebuild the marts, publish sti.duckdb")
    p.add_argument("--sources", default="sources/sample", help="source drop directory (default sources/sample)")
    p.add_argument("--warehouse", default="warehouse", help="warehouse directory (default warehouse/)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("validate", help="audit a drop against the contract; publishes nothing")
    p.add_argument("drop", help="source drop directory")
    p.add_argument("--warehouse", default="warehouse", help="regions already published here count as known")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("retract", help="withdraw a published batch; the next refresh republishes without it")
    p.add_argument("load_id", type=int, help="the batch's load id (see `sti history`)")
    p.add_argument("--reason", required=True, help="why it is withdrawn (kept in the ledger)")
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_retract)

    p = sub.add_parser("history", help="refreshes and batches: published, rejected, rolled back, retracted")
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("lineage", help="value, formula, inputs and source batches of one indicator value")
    p.add_argument("code", help="indicator code, e.g. rd_intensity")
    p.add_argument("--region", required=True, help="region code or exact name")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--warehouse", default="warehouse")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_lineage)

    p = sub.add_parser("report", help="HTML report of every indicator and plan target, with charts")
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="the served marts as Parquet, CSV or XLSX files")
    p.add_argument("--warehouse", default="warehouse")
    p.add_argument("--format", choices=["parquet", "csv", "xlsx"], default="parquet")
    p.add_argument("--out", help="directory (default <warehouse>/exports)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("generate", help="write a synthetic source drop")
    p.add_argument("--scale", choices=["sample", "city", "province", "nation"], default="sample")
    p.add_argument("--out", required=True, help="directory to write the drop to")
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(func=cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return _fail(
            "interrupted; nothing was published by this command",
            "run it again; a refresh cut short is finished or undone by the next one (`sti history` shows which)",
        )
    except BrokenPipeError:  # `sti ... | head` closed the pipe: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a sentence, and the trace on request
        if os.environ.get("STI_DEBUG"):
            print("".join(traceback.format_exception(exc)), file=sys.stderr)
        return _fail(
            f"{type(exc).__name__}: {exc}",
            "if this does not say what to fix, it is a bug in sti: rerun with STI_DEBUG=1 and report the trace",
        )


if __name__ == "__main__":
    sys.exit(main())
