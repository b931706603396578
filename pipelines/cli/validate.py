"""`sti validate DIR`: audit a drop the way a refresh would, publish nothing, print the findings."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.console import EXIT_OK, EXIT_REJECTED, fail, print_findings


def cmd_validate(args: argparse.Namespace) -> int:
    from pipelines.audit.validate_drop import validate_drop
    from pipelines.publish.duckdb_config import MemoryLimitError
    from pipelines.publish.lock import WarehouseBusy

    drop = Path(args.drop)
    if not drop.is_dir():
        return fail(f"source drop {drop} is not a directory", "pass a directory with one sub-folder per source")
    try:
        batches, report = validate_drop(drop, Path(args.warehouse))
    except WarehouseBusy as exc:
        return fail(str(exc))
    except MemoryLimitError as exc:
        return fail(exc.message, exc.fix)
    print(f"sti validate: {drop} ({len(batches)} file(s)); nothing was published")
    rejected = [b for b in batches if b["status"] == "rejected"]
    for b in batches:
        mark = "REJECTED" if b["status"] == "rejected" else "ok"
        print(f"  {mark:<8} {b['file']} ({b['rows']:,} rows)")
        if b["findings"]:
            print_findings(b["findings"])
    if report:
        print(f"  report: {report} (and .html)")
    print(f"  {len(rejected)} file(s) rejected" if rejected else "  every file passes")
    return EXIT_REJECTED if rejected else EXIT_OK
