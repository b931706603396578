"""The Dagster home a refresh uses: its dagster.yaml, and the event log keeping its SQLite connections.

A real DagsterInstance on a temporary home: events of a run and asset events (mirrored in the cross-run
index) stored through the pooled storage and read back as Dagster reads them, a second instance on
the same files (what the webserver is) seeing them, and an operator's own dagster.yaml left alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance
from dagster._core.test_utils import create_run_for_test

from pipelines.publish.dagster_home import dagster_home, dagster_yaml
from pipelines.publish.event_log_storage import MAX_OPEN_SHARDS, PooledSqliteEventLogStorage


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return dagster_home()


def test_a_new_home_gets_the_pooled_event_log_and_keeps_dagsters_layout(home: Path):
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(home)
    instance = DagsterInstance.from_config(str(home))
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    assert not instance.telemetry_enabled

    run = create_run_for_test(instance, job_name="refresh")
    for i in range(25):
        instance.report_engine_event(f"step {i}", run)
    instance.report_runless_asset_event(AssetMaterialization(AssetKey(["marts", "fct_indicator_value"])))
    messages = [e.message for e in instance.all_logs(run.run_id)]
    assert [m for m in messages if m.startswith("step ")] == [f"step {i}" for i in range(25)]
    # Dagster's default files: the run's own shard, the index, the run storage
    assert (home / "history" / "runs" / f"{run.run_id}.db").exists()
    assert (home / "history" / "runs" / "index.db").exists() and (home / "history" / "runs.db").exists()

    # another process's instance (the webserver) reads the same files while this one holds connections
    other = DagsterInstance.from_config(str(home))
    assert len(other.all_logs(run.run_id)) == len(messages)
    latest = other.get_latest_materialization_event(AssetKey(["marts", "fct_indicator_value"]))
    assert latest is not None

    # wiping removes the run shards although their connections were pooled; storing works afterwards
    instance.wipe()
    assert not (home / "history" / "runs" / f"{run.run_id}.db").exists()
    again = create_run_for_test(instance, job_name="refresh")
    instance.report_engine_event("after wipe", again)
    assert [e.message for e in instance.all_logs(again.run_id)][-1] == "after wipe"
    instance.dispose()
    other.dispose()


def test_a_long_lived_process_keeps_a_bounded_number_of_shards_open(home: Path):
    # the webserver or the daemon touch the shard of every run they show or launch
    instance = DagsterInstance.from_config(str(home))
    storage = instance.event_log_storage
    runs = [create_run_for_test(instance, job_name="refresh") for _ in range(MAX_OPEN_SHARDS + 5)]
    for run in runs:
        instance.report_engine_event("started", run)
    assert len(storage._engines) <= MAX_OPEN_SHARDS
    for run in runs:  # a disposed shard opens again when read
        assert [e.message for e in instance.all_logs(run.run_id)][-1] == "started"
    assert len(storage._engines) <= MAX_OPEN_SHARDS
    instance.dispose()


def test_an_operators_dagster_yaml_is_kept_and_the_earlier_default_upgraded(tmp_path, monkeypatch):
    mine = tmp_path / "operator"
    mine.mkdir()
    (mine / "dagster.yaml").write_text("telemetry:\n  enabled: false\nrun_monitoring:\n  enabled: true\n")
    monkeypatch.setenv("DAGSTER_HOME", str(mine))
    assert dagster_home() == mine
    assert "run_monitoring" in (mine / "dagster.yaml").read_text()

    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # what earlier versions wrote
    monkeypatch.setenv("DAGSTER_HOME", str(earlier))
    dagster_home()
    assert "PooledSqliteEventLogStorage" in (earlier / "dagster.yaml").read_text()

    moved = tmp_path / "moved"
    earlier.rename(moved)  # ours names the old folder: rewritten for the new one
    monkeypatch.setenv("DAGSTER_HOME", str(moved))
    dagster_home()
    assert (moved / "dagster.yaml").read_text() == dagster_yaml(moved)
    edited = dagster_yaml(tmp_path / "elsewhere") + "run_monitoring:\n  enabled: true\n"
    (moved / "dagster.yaml").write_text(edited)  # edited by the operator: theirs now
    dagster_home()
    assert (moved / "dagster.yaml").read_text() == edited
