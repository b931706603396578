"""STI_ENGINE switches the code location's transform step between DuckDB and Spark (issue 13, item 4).

The definitions are loaded again with each setting (pipelines/definitions.py reads STI_ENGINE when it
loads); the refresh job must then hold the same assets (landing, raw, the dbt models, serving), built
by dagster-dbt on DuckDB or by the Spark build (pipelines/spark/assets.py), with the Spark resource
only in the Spark configuration. And the DuckDB side of the Spark step on small inputs (lake.py). Fast: no
Spark runs here (tests/test_spark_job.py runs the job).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator

import duckdb
import pytest
from dagster import AssetKey, Definitions

import pipelines.definitions
from pipelines.contract.sources import SOURCES
from pipelines.spark import lake
from pipelines.spark.resources import ENGINE_ENV, SparkResource, engine_from_env

SERVING = AssetKey(["serving", "sti_duckdb"])


@pytest.fixture
def load_definitions(monkeypatch) -> Iterator:
    """Load the code location with STI_ENGINE=<value>; the module is loaded again as it was afterwards."""

    def load(value: str | None) -> Definitions:
        if value is None:
            monkeypatch.delenv(ENGINE_ENV, raising=False)
        else:
            monkeypatch.setenv(ENGINE_ENV, value)
        return importlib.reload(pipelines.definitions).defs

    yield load
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    importlib.reload(pipelines.definitions)


def _job_nodes(defs: Definitions) -> tuple[set[AssetKey], set[str]]:
    job = defs.resolve_job_def("refresh")
    return set(job.asset_layer.executable_asset_keys), {node.name for node in job.graph.node_defs}


def test_each_engine_setting_gives_the_same_assets_with_its_own_transform_step(load_definitions):
    duckdb_keys, duckdb_ops = _job_nodes(load_definitions(None))
    assert "sti_dbt_models" in duckdb_ops and "spark_dbt_build" not in duckdb_ops
    assert _job_nodes(load_definitions("duckdb"))[1] == duckdb_ops  # the default, spelt out

    spark_defs = load_definitions(" Spark ")  # case and spaces as an operator may write them
    spark_keys, spark_ops = _job_nodes(spark_defs)
    assert spark_keys == duckdb_keys  # landing, raw, every dbt model and seed, serving, mirror
    assert "spark_dbt_build" in spark_ops and "sti_dbt_models" not in spark_ops
    for source in SOURCES:  # the engine-independent steps are the very same ops
        assert f"landing__{source}" in spark_ops
    assert {"raw_tables", "serving__sti_duckdb"} <= spark_ops

    job = spark_defs.resolve_job_def("refresh")
    graph = job.asset_layer.asset_graph
    for mart in ("fct_indicator_value", "dim_publication", "indicator_lineage"):
        key = AssetKey(["marts", mart])
        assert spark_defs.resolve_assets_def(key).op.name == "spark_dbt_build", mart
        assert key in graph.get(SERVING).parent_keys  # the publish waits for the Spark build's marts
    spark_parents = graph.get(AssetKey(["staging", "stg_patents"])).parent_keys
    assert AssetKey(["raw", "patents"]) in spark_parents  # ... which waits for the raw step
    # A refresh with new batches of some sources selects their models only (refresh_scope.py): the Spark step
    # plans with a subset of its keys (it builds the whole project, and reports the selected ones)
    subset = {*(AssetKey(["raw", source]) for source in SOURCES), AssetKey(["marts", "fct_indicator_value"]), SERVING}
    assert subset <= set(job.get_subset(asset_selection=subset).asset_layer.executable_asset_keys)
    assert "spark" in job.resource_defs and "spark" not in load_definitions(None).resources


def test_spark_resource_defaults_and_an_unknown_engine_fails_at_load(load_definitions, tmp_path):
    spark = load_definitions("spark").resources["spark"]
    assert isinstance(spark, SparkResource) and spark.validate_on_spark
    assert spark.interpreter().name == "python" and spark.interpreter().parent.parent.name == ".venv-spark"
    assert spark.lake(tmp_path) == tmp_path / "lake"
    with pytest.raises(ValueError, match="STI_ENGINE='sprak': must be one of duckdb, spark"):
        load_definitions("sprak")
    load_definitions(None)
    assert engine_from_env() == "duckdb"


def _finding(rule: str, severity: str = "ERROR", count: int = 1) -> dict:
    return {"rule": rule, "column": "uscc", "severity": severity, "failing_count": count, "message": f"{rule}."}


def test_a_spark_error_the_landing_audit_did_not_make_is_a_disagreement(tmp_path):
    """What fails the Spark step before anything is loaded (pipelines/spark/lake.py): an ERROR finding of
    GX on Spark absent from the batch's ledger report; warnings, and findings both made, are not."""
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema audit; create table audit.load_ledger (load_id bigint, report varchar)")
    con.execute("insert into audit.load_ledger values (1, ?), (2, null)", [json.dumps([_finding("uscc_check")])])
    validated = {"batches": [
        {"load_id": 1, "file": "a/1.csv", "findings": [_finding("uscc_check"), _finding("future", "WARNING")]},
        {"load_id": 2, "file": "a/2.csv", "findings": [_finding("uscc_check", count=3)]},
    ]}  # fmt: skip
    (tmp_path / "findings.json").write_text(json.dumps(validated), encoding="utf-8")
    count, lines = lake.disagreements(con, tmp_path / "findings.json")
    assert count == 3
    assert lines == ["a/2.csv: uscc_check (uscc, 3 rows): uscc_check."]


def test_the_lakes_marts_replace_build_marts_in_contract_order_and_types(tmp_path):
    """lake.load_marts: a mart's Parquet with its columns in another order and an instant with a zone
    (as a writer may give them) loaded as the contract says, wall-clock UTC; a stale relation dropped."""
    marts = tmp_path / "marts"
    (marts / "dim_publication").mkdir(parents=True)
    writer = duckdb.connect()
    writer.execute(
        "copy (select 4320 as indicator_values_added, timestamptz '2026-01-02 03:04:05+00' as published_at,"
        " 1::bigint as publication_id, 82::bigint as batches, 0 as indicator_values_changed,"
        " 0 as indicator_values_removed) to ? (format parquet)",
        [str(marts / "dim_publication" / "part-0.parquet")],
    )
    writer.execute("set TimeZone = 'Asia/Shanghai'")  # the loader must not depend on the machine's zone
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("set TimeZone = 'Asia/Shanghai'")
    con.execute("create schema marts; create view marts.stale as select 1 as x")
    assert lake.load_marts(con, marts) == ["dim_publication"]
    described = con.execute("describe marts.dim_publication").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        (c, t.upper()) for c, t in lake.mart_contracts()["dim_publication"]
    ]
    row = con.execute("select publication_id, published_at, batches from marts.dim_publication").fetchone()
    assert row == (1, dt.datetime(2026, 1, 2, 3, 4, 5), 82)
    assert con.execute("select count(*) from information_schema.tables where table_name = 'stale'").fetchone() == (0,)
