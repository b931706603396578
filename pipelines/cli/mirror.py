"""`sti publish --postgres URL`: mirror the served marts into PostgreSQL now; and what `sti refresh` says
about the mirror that followed its publish (docs/decisions.md, "PostgreSQL publish target")."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipelines.cli.console import EXIT_MIRROR_FAILED, EXIT_OK, fail

URL_HELP = "PostgreSQL URL, e.g. postgresql://sti@db:5432/bi (default: $STI_POSTGRES_URL)"


def postgres_resource(args: argparse.Namespace):
    """The mirror's resource for `sti refresh`: --postgres, else STI_POSTGRES_URL; None when neither is
    given (the code location's own binding then applies, which is the same variable)."""
    from pipelines.publish.postgres_resource import ENV_SCHEMA, ENV_URL, PostgresMirrorResource

    url = (args.postgres or os.environ.get(ENV_URL, "")).strip()
    if not url:
        return None
    schema = (args.postgres_schema or os.environ.get(ENV_SCHEMA, "")).strip()
    return PostgresMirrorResource(url=url, **({"schema_name": schema} if schema else {}))


def cmd_publish(args: argparse.Namespace) -> int:
    from pipelines.project import ensure_manifest
    from pipelines.publish.lock import WarehouseBusy, warehouse_lock
    from pipelines.publish.postgres_mirror import MirrorError
    from pipelines.publish.postgres_resource import mirror_and_record
    from pipelines.publish.warehouse_resource import WarehouseResource

    resource = postgres_resource(args)
    if resource is None:
        return fail(
            "no PostgreSQL target given",
            "pass --postgres postgresql://USER@HOST:5432/DATABASE or set STI_POSTGRES_URL",
        )
    target = resource.target()
    warehouse = Path(args.warehouse)
    if not (warehouse / "sti.duckdb").exists():
        return fail(f"{warehouse / 'sti.duckdb'} does not exist: nothing is published yet", "run sti refresh first")
    print(f"sti publish: {warehouse / 'sti.duckdb'} -> {target.display}, schema {target.schema}")
    try:
        # Under the warehouse lock: a refresh under way would replace sti.duckdb and mirror it itself.
        with warehouse_lock(warehouse, "sti publish"):
            ensure_manifest()  # the column comments come from the dbt documentation
            wh = WarehouseResource(warehouse_dir=str(warehouse))
            result = mirror_and_record(wh.serving_db, wh.connect, target, refresh_id=None)
    except WarehouseBusy as exc:
        return fail(f"{exc}; nothing was mirrored", "a refresh mirrors what it publishes; run sti publish after it")
    except MirrorError as exc:
        return fail(f"PostgreSQL mirror failed: {exc.message}", exc.fix)
    _print_result(
        result.target, result.schema, len(result.rows), result.total_rows, result.seconds, result.publication_id
    )
    return EXIT_OK


def _print_result(target: str, schema: str, tables: int, rows: int, seconds: float, publication: int | None) -> None:
    what = f"publication {publication}" if publication is not None else "the served marts"
    print(f"  mirrored {what} into {schema} at {target}: {tables} tables, {rows:,} rows in {seconds:.1f} s")


def report_mirror(warehouse: Path, run_id: str, configured: bool, error: str | None = None) -> int:
    """After `sti refresh`: the mirror that followed this run's publish, done or failed (the exit code
    says which: 3 when it failed); when the refresh published nothing and a target is configured, a note if
    the last mirror failed."""
    import duckdb

    from pipelines.publish import ledger

    try:
        con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    except duckdb.Error:
        return EXIT_OK
    try:
        this_run, latest = ledger.mirrors(con, run_id), ledger.mirrors(con)[:1]
    except duckdb.Error:  # a warehouse from before the mirror existed
        return EXIT_OK
    finally:
        con.close()
    if this_run:
        record = this_run[0]
        if record.status == "mirrored":
            seconds = (record.finished_at - record.started_at).total_seconds()
            _print_result(
                record.target, record.schema_name, record.tables or 0, record.row_count or 0, seconds,
                record.publication_id,
            )  # fmt: skip
            return EXIT_OK
        print(
            f"  PostgreSQL mirror FAILED — sti.duckdb is published all the same, and schema {record.schema_name} "
            f"keeps the previous mirror: {record.error}",
            file=sys.stderr,
        )
        return EXIT_MIRROR_FAILED
    if error and "postgres_mirror" in error:  # the step failed without a record (the ledger was not writable)
        print(f"  PostgreSQL mirror FAILED — sti.duckdb is published all the same: {error}", file=sys.stderr)
        return EXIT_MIRROR_FAILED
    if configured and latest and latest[0].status == "failed":
        print(
            f"  note: the last PostgreSQL mirror (into {latest[0].schema_name} at {latest[0].target}, "
            f"{latest[0].finished_at:%Y-%m-%d %H:%M} UTC) failed and nothing new was published since; "
            "`sti publish --postgres URL` mirrors the served marts now"
        )
    return EXIT_OK
