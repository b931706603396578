"""STI_ENGINE switches the code location's transform step between DuckDB and Spark (issue 13, item 4).

The definitions are loaded again with each setting (pipelines/definitions.py reads STI_ENGINE when it
loads); the refresh job must then hold the same assets (landing, raw, the dbt models, serving), built
by dagster-dbt on DuckDB or by the Spark build (pipelines/spark/assets.py), with the Spark resource
only in the Spark configuration. Fast: no Spark runs here (tests/test_spark_job.py runs the job).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from dagster import AssetKey, Definitions

import pipelines.definitions
from pipelines.contract.sources import SOURCES
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
