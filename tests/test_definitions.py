"""The Dagster code location: one Definitions object, the refresh job, checks, sensor."""

from __future__ import annotations

from dagster import AssetKey, RunRequest, SkipReason, build_sensor_context

from pipelines.contract.sources import SOURCES
from pipelines.definitions import defs
from pipelines.publish.warehouse_resource import WarehouseResource
from pipelines.sensors import new_files_in_drop


def test_refresh_job_covers_every_source_the_dbt_marts_and_serving():
    job = defs.resolve_job_def("refresh")
    keys = job.asset_layer.executable_asset_keys
    for source in SOURCES:
        assert AssetKey(["landing", source]) in keys
        assert AssetKey(["raw", source]) in keys
    for mart in ("dim_region", "dim_indicator", "fct_indicator_value", "fct_target_progress", "indicator_lineage"):
        assert AssetKey(["marts", mart]) in keys
    assert AssetKey(["serving", "sti_duckdb"]) in keys


def test_every_source_has_a_contract_check_evaluated_in_its_landing_step():
    """The audit is the landing asset's own check, so it runs before the raw step (the gate) without
    Dagster's blocking, which would fail a rejected run and mark every mart failed (decisions.md)."""
    for source in SOURCES:
        landing = defs.resolve_assets_def(AssetKey(["landing", source]))
        specs = {spec.name: spec for spec in landing.check_specs}
        assert "contract" in specs, source
        assert not specs["contract"].blocking
    job = defs.resolve_job_def("refresh")
    graph = job.asset_layer.asset_graph
    blocking = [key for key in graph.asset_check_keys if graph.get_check_spec(key).blocking]
    assert not blocking  # dbt tests fail `dbt build` and so the dbt step; see pipelines/publish/dbt_assets.py


def test_sensor_requests_a_run_only_when_the_drop_changes(tmp_path):
    (tmp_path / "patents").mkdir()
    (tmp_path / "patents" / "a.csv").write_text("x\n", encoding="utf-8")
    resources = {"warehouse": WarehouseResource(sources_dir=str(tmp_path), warehouse_dir=str(tmp_path / "wh"))}
    # The resource has a run lifecycle (lock, recovery); a sensor evaluation only reads its paths.
    with build_sensor_context(cursor=None, resources=resources) as context:
        first = new_files_in_drop(context)
    assert isinstance(first, RunRequest)
    with build_sensor_context(cursor=first.run_key, resources=resources) as context:
        assert isinstance(new_files_in_drop(context), SkipReason)
        (tmp_path / "patents" / "b.csv").write_text("y\n", encoding="utf-8")
        assert isinstance(new_files_in_drop(context), RunRequest)
        # An unknown folder wakes the refresh too, which then reports it.
        cursor = context.cursor
    (tmp_path / "patent").mkdir()
    with build_sensor_context(cursor=cursor, resources=resources) as context:
        assert isinstance(new_files_in_drop(context), RunRequest)
    assert not (tmp_path / "wh" / "refresh.lock").exists()  # evaluating the sensor took no lock
