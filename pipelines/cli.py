"""`sti` — the command line of the warehouse (DESIGN §5)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections import Counter
from pathlib import Path

EXIT_OK, EXIT_REJECTED, EXIT_ERROR = 0, 1, 2


def _fail(message: str, fix: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if fix:
        print(f"  fix: {fix}", file=sys.stderr)
    return EXIT_ERROR


def _print_findings(findings: list[dict], indent: str = "    ") -> None:
    for f in findings:
        where = f.get("header") or f.get("column") or "file"
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


def cmd_refresh(args: argparse.Namespace) -> int:
    from pipelines.refresh import run_refresh

    sources, warehouse = Path(args.sources), Path(args.warehouse)
    if not sources.is_dir():
        return _fail(f"source drop {sources} is not a directory", "pass --sources DIR with one sub-folder per source")
    print(f"sti refresh: {sources} -> {warehouse}")
    outcome = run_refresh(sources, warehouse)
    loaded = [b for b in outcome.batches if b.status in ("published", "pending", "rolled_back")]
    per_source = Counter(b.source for b in loaded)
    rows = Counter()
    for b in loaded:
        rows[b.source] += b.rows
    if loaded:
        print("  new batches:")
        for source in sorted(per_source):
            print(f"    {source:<24} {per_source[source]:>3} file(s) {rows[source]:>10,} rows")
    else:
        print("  new batches: none (every file of the drop is already loaded)")
    for b in outcome.batches:
        if b.findings and b.status != "rejected":
            print(f"  warnings for {b.file}:")
            _print_findings(b.findings)
    if outcome.rejected:
        print(f"  REJECTED {len(outcome.rejected)} batch(es) — nothing was published, sti.duckdb is unchanged:")
        for b in outcome.rejected:
            print(f"  {b.file}")
            _print_findings(b.findings)
        return EXIT_REJECTED
    if not outcome.success:
        print(f"  FAILED — nothing was published, sti.duckdb is unchanged: {outcome.error}", file=sys.stderr)
        rolled_back = [b.file for b in outcome.batches if b.status == "rolled_back"]
        if rolled_back:
            print(f"  rolled back (not in raw; loaded again by the next refresh): {', '.join(rolled_back)}", file=sys.stderr)
        print(f"  details: {warehouse / 'logs' / 'refresh-latest.log'} and the Dagster run {outcome.run_id} (make ui)", file=sys.stderr)
        return EXIT_ERROR
    if outcome.published:
        c = outcome.changes or {}
        print(
            f"  published {warehouse / 'sti.duckdb'}: indicator values {c.get('added', 0):,} added, "
            f"{c.get('changed', 0):,} changed, {c.get('removed', 0):,} removed"
        )
    else:
        print(f"  nothing new to publish; {warehouse / 'sti.duckdb'} is unchanged")
    _print_headline(warehouse / "sti.duckdb")
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
    from pipelines.validate import validate_drop

    drop = Path(args.drop)
    if not drop.is_dir():
        return _fail(f"source drop {drop} is not a directory", "pass a directory with one sub-folder per source")
    batches, report = validate_drop(drop, Path(args.warehouse))
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

    from pipelines.lineage import LineageError, lineage, render

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
    from pipelines.indicator_report import build_report

    serving = _serving_or_fail(args.warehouse)
    if serving is None:
        return _fail(f"{Path(args.warehouse) / 'sti.duckdb'} does not exist", "run `sti refresh` first")
    out = build_report(serving, Path(args.warehouse) / "reports" / "indicators.html")
    print(f"sti report: {out}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.export import export_marts

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
        return _fail("interrupted")
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
