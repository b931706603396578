"""`sti history`, `sti retract`, `sti lineage`: what was published, withdrawing a batch, where a value
came from."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.console import EXIT_OK, fail


def cmd_retract(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.publish import ledger
    from pipelines.publish.lock import WarehouseBusy, warehouse_lock

    warehouse = Path(args.warehouse)
    build = warehouse / "build.duckdb"
    if not build.exists():
        return fail(f"{build} does not exist", "retract needs a warehouse that has published batches")
    if not args.reason.strip():
        return fail("--reason is empty", "say why the batch is withdrawn; it is kept in the ledger")
    try:
        with warehouse_lock(warehouse, "sti retract"):
            con = duckdb.connect(str(build))
            try:
                ledger.ensure_schemas(con)
                source, file, rows = ledger.retract(con, args.load_id, args.reason.strip())
            finally:
                con.close()
    except (WarehouseBusy, ledger.LedgerError) as exc:
        return fail(str(exc))
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
        return fail(f"{build} does not exist", "run `sti refresh` first")
    try:
        con = duckdb.connect(str(build), read_only=True)
    except duckdb.IOException:
        return fail(f"{build} is in use by a refresh", "run `sti history` again when the refresh has finished")
    try:
        runs, batches, publications = ledger.history(con)
    finally:
        con.close()
    print(f"sti history: {warehouse}")
    print(
        f"  publications ({len(publications)}): "
        "id, published (UTC), new batches, indicator values added/changed/removed"
    )
    for pid, published_at, n_batches, added, changed, removed, run_id in publications:
        print(
            f"    {pid:>5}  {str(published_at):<19}  {n_batches or 0:>4} batches  "
            f"+{added or 0:,} ~{changed or 0:,} -{removed or 0:,} values  run {run_id}"
        )
    print(f"  refreshes ({len(runs)}):")
    for run_id, started, finished, status, loaded, rejected in runs:
        print(
            f"    {str(started):<19}  {status:<9} {loaded or 0:>4} published {rejected or 0:>3} rejected  run {run_id}"
            + ("" if finished else "  (no end recorded)")
        )
    print(f"  batches ({len(batches)}):")
    for load_id, source, file, status, rows, loaded_at, published_at, retracted_at, reason in batches:
        lid = f"{load_id:>5}" if load_id is not None else "    -"
        when = published_at or loaded_at
        extra = f"  retracted {retracted_at}: {reason}" if status == "retracted" else ""
        print(f"    {lid}  {status:<11} {str(when):<19} {source:<22} {rows or 0:>9,} rows  {file}{extra}")
    return EXIT_OK


def cmd_lineage(args: argparse.Namespace) -> int:
    import json

    from pipelines.serve.lineage import LineageError, lineage, parse_as_of, render

    try:
        as_of = parse_as_of(args.as_of) if args.as_of else None
        story = lineage(
            Path(args.warehouse) / "sti.duckdb",
            args.code,
            args.region,
            args.year,
            contributors=args.contributors,
            as_of=as_of,
        )
    except LineageError as exc:
        return fail(exc.message, exc.fix)
    if args.json:
        print(json.dumps(story, ensure_ascii=False, indent=2, default=str))
    else:
        print(render(story))
    return EXIT_OK
