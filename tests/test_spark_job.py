"""The refresh job with STI_ENGINE=spark, end to end, against the DuckDB refresh of the same drop (issue 13).

The committed sample drop refreshed twice through `run_refresh` (what `sti refresh` runs: the job
in-process, with the real Dagster instance of the session's DAGSTER_HOME, tests/conftest.py): once with
the default engine, once with the code location loaded with STI_ENGINE=spark (landing and raw as always;
the seeds, the lake's Parquet, GX on Spark and `dbt build --target spark` in the Spark venv; the lake's
marts published by the same atomic publish). Every table of the two sti.duckdb files must be equal, row
for row, columns and types included, the publication's own time aside (each refresh publishes at its
own instant).

Slow (the Spark venv's JVM, dbt on Spark and GX on 82 batches: several minutes), so `make test-spark` runs
it (STI_TEST_SPARK=1), not `make test`; skipped, saying why, when the Spark venv cannot be built.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey

import pipelines.definitions
from pipelines.publish.run_refresh import dagster_instance, run_refresh
from pipelines.spark.compare import compare_databases
from pipelines.spark.resources import ENGINE_ENV
from tests.conftest import SAMPLE

pytestmark = pytest.mark.skipif(
    os.environ.get("STI_TEST_SPARK") != "1", reason="slow (several minutes of Spark): run by `make test-spark`"
)


def _publication_time(serving: Path):
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return con.execute("select published_at from marts.dim_publication").fetchall()
    finally:
        con.close()


def test_the_spark_configured_job_serves_the_marts_of_the_duckdb_refresh(spark_python, tmp_path, monkeypatch):
    duckdb_run = run_refresh(SAMPLE, tmp_path / "duckdb")
    assert duckdb_run.status == "published", duckdb_run.error

    monkeypatch.setenv(ENGINE_ENV, "spark")
    try:
        importlib.reload(pipelines.definitions)  # run_refresh takes the job from the reloaded module
        spark_run = run_refresh(SAMPLE, tmp_path / "spark")
        again = run_refresh(SAMPLE, tmp_path / "spark")  # nothing new: no Spark, the served file stands
    finally:
        monkeypatch.delenv(ENGINE_ENV)
        importlib.reload(pipelines.definitions)
    log = tmp_path / "spark" / "logs" / "spark-build.log"
    assert spark_run.status == "published", f"{spark_run.error}\n{log.read_text()[-3000:] if log.exists() else ''}"
    assert [b.status for b in spark_run.batches] == [b.status for b in duckdb_run.batches]
    assert again.status == "unchanged", again.error

    # The marts were the Spark build's: the step that materialized them, with the GX findings of Spark
    event = dagster_instance().get_latest_materialization_event(AssetKey(["marts", "fct_indicator_value"]))
    assert event is not None and event.run_id == spark_run.run_id
    metadata = event.asset_materialization.metadata
    assert metadata["engine"].value == "spark"
    validated = json.loads((tmp_path / "spark" / "lake" / "findings.json").read_text(encoding="utf-8"))["batches"]
    published = [b for b in duckdb_run.batches if b.status == "published"]  # not the drop's other entries
    assert len(validated) == metadata["spark_validated_batches"].value == len(published)

    duckdb_serving, spark_serving = tmp_path / "duckdb" / "sti.duckdb", tmp_path / "spark" / "sti.duckdb"
    [(duckdb_time,)], [(spark_time,)] = _publication_time(duckdb_serving), _publication_time(spark_serving)
    compared = compare_databases(spark_serving, duckdb_serving, same_times={spark_time: duckdb_time})
    equal = [c for c in compared if c.equal]
    rows = sum(c.rows for c in compared)
    print(f"{len(equal)} of {len(compared)} mart tables equal via the Dagster job ({rows:,} rows)")
    assert len(compared) >= 12 and len(equal) == len(compared), "\n".join(
        f"{c.table}: {c.detail}" for c in compared if not c.equal
    )
