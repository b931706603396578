"""The full `dbt build --target spark` of the sample in one local Spark session (`make test-spark`).

Run by the Spark venv (`make spark-setup`), from the repository root:

    .venv-spark/bin/python -m pipelines.spark.full_build --parquet DIR --work DIR

One Python process: a Hive-enabled local[2] session is made first (warehouse folder and Derby
metastore under --work, as the `spark` output of dbt_project/profiles.yml says with
STI_SPARK_DIR=--work), the `raw`, `audit` and `reference` tables of pipelines.spark.export are
registered in it, and dbt runs in-process (dbt-spark's session method reuses the session). Seeds
are excluded (`reference` holds them as DuckDB's build loaded them: dbt-spark's seed loader reads a
quote inside a value wrongly and a NULL as the text 'None'), and so are dbt's unit tests (the fast
check runs the portable macros' ones). Every model and data test must succeed: exit 0, else 1.
The marts are then Parquet under `<work>/warehouse/marts.db/` (pipelines.spark.compare).

For the Dagster job on Spark (STI_ENGINE=spark, pipelines/spark/assets.py) two options more, in the
same session: `--validate PLAN --findings OUT` runs the GX suites on the plan's batches before dbt
(pipelines.spark.lake_validation), and `--marts-out DIR` writes every relation of schema `marts`
(tables and views) after a successful build as `DIR/<name>/` Parquet: the lake's marts, which the
serving copy is made from.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pipelines.spark import portability_check
from pipelines.spark.portability_check import register_tables

BUILD_ARGS = ["--exclude-resource-type", "seed", "--exclude-resource-type", "unit_test"]


def spark_session(work: Path) -> Any:
    """The check's session with a Hive metastore (dbt-spark lists relations through it)."""
    return portability_check.spark_session(
        work,
        "sti-full-build",
        **{
            "spark.sql.catalogImplementation": "hive",
            # DuckDB's TIMESTAMP (Parquet, not adjusted to UTC) read as Spark's `timestamp`, the type the
            # marts' contracts declare, rather than timestamp_ntz; in UTC, so the wall-clock time is kept
            "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={work}/metastore_db;create=true",
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={work}",
        },
    )


def dbt_build(work: Path, extra: list[str]) -> Any:
    """`dbt build --target spark` in this process, with its log lines; returns dbt's result object."""
    return portability_check.run_dbt(["build", *BUILD_ARGS, *extra], work, quiet=False)


def summarise(result: Any) -> tuple[Counter, list[str]]:
    """Counts by (resource type, status) and one line per model or data test that did not succeed
    (the exposure is a no-op)."""
    counts: Counter = Counter()
    problems: list[str] = []
    for node_result in getattr(result.result, "results", None) or []:
        node, status = node_result.node, str(node_result.status)
        counts[(node.resource_type, status)] += 1
        if node.resource_type in ("model", "test") and status not in ("success", "pass"):
            message = (node_result.message or "").strip().splitlines()
            problems.append(f"{status}: {node.unique_id}: {message[0] if message else ''}")
    return counts, problems


def write_marts(session: Any, out: Path) -> list[str]:
    """Every table and view of schema `marts` as Parquet under `out/<name>/`; returns the names. Views
    too (fct_indicator_contribution): the serving copy holds them as tables, as DuckDB's publish does."""
    names = sorted(row.tableName for row in session.sql("show tables in marts").collect() if not row.isTemporary)
    for name in names:
        session.table(f"marts.{name}").write.mode("overwrite").parquet(str(out / name))
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parquet", type=Path, required=True, help="the files of pipelines.spark.export")
    parser.add_argument("--work", type=Path, required=True, help="a throwaway folder (tables, metastore)")
    parser.add_argument("--validate", type=Path, help="a plan of batches to validate first (lake_validation)")
    parser.add_argument("--findings", type=Path, help="where --validate writes the findings (JSON)")
    parser.add_argument("--marts-out", type=Path, help="write the built marts here as Parquet")
    parser.add_argument("dbt_args", nargs="*", help="more arguments for dbt build (after --)")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # the USCC expectation's pandas UDF: its Python workers need this venv's interpreter (gx_spark.py)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = spark_session(work)
    tables = register_tables(session, args.parquet)
    up = time.monotonic() - started
    print(f"Spark {session.version} up, {len(tables)} tables registered ({up:.0f} s)", flush=True)
    if args.validate:
        from pipelines.spark.lake_validation import validate_plan

        validated = validate_plan(session, args.validate, args.findings or work / "findings.json")
        print(f"GX on Spark: {validated} batch(es) validated ({time.monotonic() - started:.0f} s)", flush=True)
    result = dbt_build(work, args.dbt_args)
    counts, problems = summarise(result)
    if args.marts_out and result.success and not problems and counts:
        written = write_marts(session, args.marts_out.resolve())
        print(f"{len(written)} marts written to {args.marts_out} ({time.monotonic() - started:.0f} s)", flush=True)
    session.stop()
    summary = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(counts.items()))
    print(f"dbt build --target spark: {summary or 'nothing ran'} ({time.monotonic() - started:.0f} s)")
    for line in problems:
        print(line, file=sys.stderr)
    if not result.success or problems or not counts:
        if result.exception:
            print(f"dbt: {result.exception}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
