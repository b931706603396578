"""`sti generate`: write a synthetic source drop and its ground truth (pipelines/generate/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.console import EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from pipelines.generate import generate

    out = Path(args.out)
    summary = generate(args.scale, out, seed=args.seed)
    print(f"sti generate: {args.scale} drop (seed {args.seed}) written to {out} in {summary.seconds:.1f}s")
    print(
        f"  {summary.regions} regions, {summary.enterprises:,} enterprises, {len(summary.files)} files, "
        f"{summary.bytes / 1e6:.1f} MB"
    )
    for source, rows in summary.rows.items():
        print(f"    {source:<24} {rows:>12,} rows")
    truth = (
        f"{summary.truth_rows:,} ground-truth values in expected_indicators.csv"
        if summary.truth_rows
        else "no ground truth"
    )
    print(f"  {truth}{' — ' + summary.truth_note if summary.truth_note else ''}")
    return EXIT_OK
