"""STI_DUCKDB_MEMORY_LIMIT bounds every DuckDB database a refresh opens (pipelines/publish/duckdb_config.py)."""

from __future__ import annotations

import json

import pytest

from pipelines.publish import duckdb_config
from pipelines.publish.dbt_assets import dbt_vars
from pipelines.publish.warehouse_resource import WarehouseResource
from tests import drops
from tests.harness import refresh


def _limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_limit_applies_to_the_refresh_databases_and_to_dbt(tmp_path, monkeypatch):
    monkeypatch.setenv(duckdb_config.MEMORY_LIMIT_ENV, "1GB")
    warehouse = WarehouseResource(sources_dir=str(tmp_path), warehouse_dir=str(tmp_path / "wh"))
    with warehouse.connect() as con:
        assert _limit(con) == "953.6 MiB"  # 1 GB as DuckDB prints it
    assert json.loads(dbt_vars(warehouse))["memory_limit"] == "1GB"  # profiles.yml: settings.memory_limit
    monkeypatch.delenv(duckdb_config.MEMORY_LIMIT_ENV)
    con = duckdb_config.connect()
    try:
        assert duckdb_config.memory_limit() == "40%" and _limit(con) != "953.6 MiB"
    finally:
        con.close()


def test_a_bad_limit_fails_the_refresh_naming_the_variable(tiny_drop, tmp_path, monkeypatch):
    monkeypatch.setenv(duckdb_config.MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match="STI_DUCKDB_MEMORY_LIMIT='lots'.*8GB"):
        duckdb_config.connect()
    run = refresh(drops.copy_drop(tiny_drop, tmp_path / "drop"), tmp_path / "wh")
    assert run.code != 0
    assert "STI_DUCKDB_MEMORY_LIMIT='lots'" in run.text, run.text


def test_a_model_out_of_memory_is_told_as_such_with_the_variable_to_raise(tmp_path):
    from pipelines.publish.dbt_failures import describe_dbt_failures

    message = "Runtime Error in model m\n  Out of Memory Error: could not allocate block of size 256.0 KiB"
    text = describe_dbt_failures(
        {"results": [{"unique_id": "model.sti.int_indicator_values", "status": "error", "message": message}]},
        tmp_path / "build.duckdb",
    )
    assert "int_indicator_values needed more memory" in text and "fix: raise STI_DUCKDB_MEMORY_LIMIT" in text
    assert "failing rows come from the data" not in text  # the data is not at fault
