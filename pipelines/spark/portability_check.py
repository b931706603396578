"""Compile the dbt project for Spark and run every model and data test in one local Spark session.

Run by the Spark venv (`make spark-setup`), from the repository root:

    .venv-spark/bin/python -m pipelines.spark.portability_check --parquet DIR --work DIR --report FILE

One JVM for everything (its start-up is most of the cost): the session is made first, and dbt-spark's
session method then reuses it (`SparkSession.builder.getOrCreate`) for `dbt compile` and, with
--unit-tests [SELECTOR], for `dbt test --select test_type:unit` (or the selector's unit tests).
The tables are those of `pipelines.spark.export` (`<schema>.<table>.parquet`), registered under their
schema. Models run in dependency order as dbt would materialise them (tables created, views
defined; ephemeral ones are inlined in their readers and only analysed), then every data test is
counted. Spark analyses a statement when it is
submitted, so a DuckDB-only function or syntax fails at once, with Spark's error.

The report (JSON): one entry per node with its status (`ok`, `error`, `skipped`: a parent failed),
the failing rows of a test, its severity, the seconds it took and the error's first lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO / "dbt_project"

# The session of the `spark` output of dbt_project/profiles.yml, but with Spark's in-memory catalog
# (no Hive metastore to start: the check keeps nothing).
SESSION_CONFIG = {
    "spark.master": "local[2]",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.driver.memory": "2g",
}


def spark_session(work: Path, app: str = "sti-portability-check", **config: str) -> Any:
    """The check's session (SESSION_CONFIG, files under `work`), with `config` on top."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    for key, value in {
        **SESSION_CONFIG,
        "spark.sql.warehouse.dir": str(work / "warehouse"),
        "spark.local.dir": str(work / "scratch"),
        **config,
    }.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def run_dbt(args: list[str], work: Path, quiet: bool = True) -> Any:
    """dbt in this process (so dbt-spark finds the session); returns dbt's result object."""
    from dbt.cli.main import dbtRunner

    os.environ["STI_SPARK_DIR"] = str(work)
    return dbtRunner().invoke(
        [*args, "--target", "spark", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs"), *(["--quiet"] if quiet else [])]
    )  # fmt: skip


def first_lines(error: BaseException, n: int = 6) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return "\n".join(lines[:n])


def register_tables(session: Any, parquet_dir: Path) -> list[str]:
    """Every `<schema>.<table>.parquet` as the table schema.table; returns the names."""
    names = []
    for path in sorted(parquet_dir.glob("*.parquet")):
        schema, table = path.name.removesuffix(".parquet").split(".", 1)
        session.sql(f"create database if not exists {schema}")
        session.sql(f"drop table if exists {schema}.{table}")
        location = str(path).replace("\\", "\\\\").replace("'", "\\'")
        session.sql(f"create table {schema}.{table} using parquet options (path '{location}')")
        names.append(f"{schema}.{table}")
    return names


def in_dependency_order(nodes: dict[str, dict]) -> list[str]:
    """Node ids with every parent (among `nodes`) before its children; ties by id."""
    done: set[str] = set()
    order: list[str] = []

    def visit(node_id: str, path: tuple[str, ...] = ()) -> None:
        if node_id in done:
            return
        if node_id in path:
            raise ValueError(f"dependency cycle: {' -> '.join(path + (node_id,))}")
        for parent in sorted(nodes[node_id]["depends_on"]["nodes"]):
            if parent in nodes:
                visit(parent, path + (node_id,))
        done.add(node_id)
        order.append(node_id)

    for node_id in sorted(nodes):
        visit(node_id)
    return order


def _failed_parents(node: dict, results: dict[str, dict]) -> list[str]:
    return sorted(p for p in node["depends_on"]["nodes"] if results.get(p, {}).get("status") in ("error", "skipped"))


def run_model(session: Any, node: dict) -> dict[str, Any]:
    materialized = node["config"]["materialized"]
    entry: dict[str, Any] = {"kind": "model", "materialized": materialized, "path": node["original_file_path"]}
    relation = f"{node['schema']}.{node['alias']}"
    sql = node["compiled_code"]
    started = time.monotonic()
    try:
        if materialized == "ephemeral":
            session.sql(sql)  # analysed only: its readers inline it
        elif materialized == "view":
            session.sql(f"create or replace view {relation} as\n{sql}")
        else:
            session.sql(f"drop table if exists {relation}")
            session.sql(f"create table {relation} using parquet as\n{sql}")
        entry["status"] = "ok"
    except Exception as error:  # every Spark error is a finding of the check
        entry.update(status="error", error=first_lines(error))
    entry["seconds"] = round(time.monotonic() - started, 2)
    return entry


def run_models(session: Any, manifest: dict, workers: int) -> dict[str, dict]:
    """Every model once all its parents are done, `workers` at a time (independent models overlap)."""
    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    for schema in sorted({v["schema"] for v in models.values()}):
        session.sql(f"create database if not exists {schema}")
    order = in_dependency_order(models)
    results: dict[str, dict] = {}
    running: dict[Future, str] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while len(results) < len(order):
            for node_id in order:
                node = models[node_id]
                parents = [p for p in node["depends_on"]["nodes"] if p in models]
                if node_id in results or node_id in running.values() or any(p not in results for p in parents):
                    continue
                failed_parents = _failed_parents(node, results)
                if failed_parents:
                    results[node_id] = {
                        "kind": "model", "materialized": node["config"]["materialized"],
                        "path": node["original_file_path"], "status": "skipped",
                        "error": f"parent failed: {', '.join(failed_parents)}",
                    }  # fmt: skip
                    continue
                running[pool.submit(run_model, session, node)] = node_id
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                results[running.pop(future)] = future.result()
    return results


def run_test(session: Any, node: dict, model_results: dict[str, dict]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": "test", "severity": str(node["config"].get("severity", "error")).lower(),
        "path": node["original_file_path"],
    }  # fmt: skip
    failed_parents = _failed_parents(node, model_results)
    if failed_parents:
        entry.update(status="skipped", error=f"parent failed: {', '.join(failed_parents)}")
        return entry
    started = time.monotonic()
    try:
        counted = session.sql(f"select count(*) as failures from (\n{node['compiled_code']}\n) as t")
        entry["failures"] = counted.first()[0]
        entry["status"] = "ok"
    except Exception as error:
        entry.update(status="error", error=first_lines(error))
    entry["seconds"] = round(time.monotonic() - started, 2)
    return entry


def run_tests(session: Any, manifest: dict, model_results: dict[str, dict], workers: int) -> dict[str, dict]:
    tests = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "test"}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {node_id: pool.submit(run_test, session, tests[node_id], model_results) for node_id in sorted(tests)}
        return {node_id: future.result() for node_id, future in futures.items()}


def run_unit_tests(work: Path, selector: str) -> dict[str, dict]:
    done = run_dbt(["test", "--select", selector], work)
    results: dict[str, dict] = {}
    for result in getattr(done.result, "results", None) or []:
        node = result.node
        status = str(result.status)
        results[node.unique_id] = {
            "kind": "unit_test", "path": node.original_file_path,
            "status": "ok" if status == "pass" else "error",
            "error": "" if status == "pass" else first_lines(Exception(result.message or status), 12),
            "seconds": round(result.execution_time or 0.0, 2),
        }  # fmt: skip
    if not results:
        results["dbt test"] = {"kind": "unit_test", "status": "error", "error": first_lines(Exception(done.exception))}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parquet", type=Path, required=True, help="the files of pipelines.spark.export")
    parser.add_argument("--work", type=Path, required=True, help="a throwaway folder (Spark tables, dbt target)")
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument(
        "--unit-tests", nargs="?", const="test_type:unit", metavar="SELECTOR",
        help="also run dbt's unit tests on Spark (all of them, or those of a dbt selector)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=3, help="statements submitted to Spark at once")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.monotonic()
    session = spark_session(args.work)
    timings["spark_start"] = time.monotonic() - started

    mark = time.monotonic()
    compiled = run_dbt(["compile"], args.work)
    timings["dbt_compile"] = time.monotonic() - mark
    if not compiled.success:
        args.report.write_text(json.dumps({"compile_error": first_lines(Exception(compiled.exception), 20)}))
        print(f"dbt compile for Spark failed: {compiled.exception}", file=sys.stderr)
        return 2
    manifest = json.loads((args.work / "target" / "manifest.json").read_text(encoding="utf-8"))

    mark = time.monotonic()
    tables = register_tables(session, args.parquet)
    models = run_models(session, manifest, args.workers)
    timings["models"] = time.monotonic() - mark
    mark = time.monotonic()
    tests = run_tests(session, manifest, models, args.workers)
    timings["tests"] = time.monotonic() - mark
    unit_tests: dict[str, dict] = {}
    if args.unit_tests:
        mark = time.monotonic()
        unit_tests = run_unit_tests(args.work, args.unit_tests)
        timings["unit_tests"] = time.monotonic() - mark
    timings["total"] = time.monotonic() - started
    report = {
        "spark_version": session.version,
        "tables": tables,
        "nodes": {**models, **tests, **unit_tests},
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }
    args.report.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    session.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
