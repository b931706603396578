"""`sti report` and `sti export`: the served marts as an HTML page or as Parquet/CSV/XLSX files."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.console import EXIT_OK, fail


def _serving(warehouse: str) -> Path | None:
    """The warehouse's sti.duckdb, or None when no refresh has published one yet."""
    serving = Path(warehouse) / "sti.duckdb"
    return serving if serving.exists() else None


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.serve.report import build_report

    serving = _serving(args.warehouse)
    if serving is None:
        return fail(f"{Path(args.warehouse) / 'sti.duckdb'} does not exist", "run `sti refresh` first")
    pages = build_report(serving, Path(args.warehouse) / "reports")
    print(f"sti report: {pages[0]} (open it in a browser; no network needed)")
    for path in pages[1:]:
        print(f"  {path}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.serve.export import export_marts

    serving = _serving(args.warehouse)
    if serving is None:
        return fail(f"{Path(args.warehouse) / 'sti.duckdb'} does not exist", "run `sti refresh` first")
    out = Path(args.out) if args.out else Path(args.warehouse) / "exports"
    for path in export_marts(serving, out, args.format):
        print(f"  {path}")
    return EXIT_OK
