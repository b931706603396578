"""What the Dagster UI shows of the refresh (issue 11, item 6), read from a real Dagster instance after
real refreshes of the tiny drop: row counts and column lineage on the dbt models, a freshness check
per source from the contract's thresholds, a webhook for failed and rejected refreshes, and a rejected
refresh that leaves the marts' health as it was.

One story on its own DAGSTER_HOME: the tiny warehouse, whose patents last had a new batch 200 days ago
(the contract allows 100), gets a new regions file (R1: published), then a file with a bad USCC (R2:
rejected).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus, build_run_status_sensor_context
from dagster._core.definitions.asset_health.asset_check_health import AssetCheckHealthState
from dagster._core.definitions.asset_health.asset_health import AssetHealthStatus
from dagster._core.definitions.asset_health.asset_materialization_health import AssetMaterializationHealthState
from dagster._core.loader import LoadingContextForTest

from pipelines.contract.sources import SOURCES
from pipelines.failure_webhook import AlertWebhook, refresh_failure_webhook, refresh_rejection_webhook
from pipelines.publish import dbt_events
from pipelines.publish.column_metadata_cache import cache_key
from pipelines.publish.dagster_home import dagster_yaml
from tests import drops
from tests.drops import CERT_HEADERS, TIANNING, uscc
from tests.harness import refresh

BAD_FILE = "hightech_certificates/2023-补充-坏代码.csv"


@dataclass
class Story:
    instance: DagsterInstance
    warehouse: Path
    published_run: str  # R1
    rejected_run: str  # R2
    column_cache: Path  # the column metadata cache of these refreshes, absent before R1


def _latest_run_id(instance: DagsterInstance) -> str:
    return instance.get_runs(limit=1)[0].run_id


@pytest.fixture(scope="module")
def story(tiny_drop, good_warehouse, tmp_path_factory) -> Iterator[Story]:
    root = tmp_path_factory.mktemp("ui")
    warehouse = root / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, root / "drop")
    con = duckdb.connect(str(warehouse / "build.duckdb"))
    con.execute("UPDATE audit.load_ledger SET published_at = published_at - INTERVAL 200 DAY WHERE source = 'patents'")
    con.close()
    home = Path(tempfile.mkdtemp(prefix="sti-ui-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    (home / "dagster.yaml").write_text(dagster_yaml(home), encoding="utf-8")  # as `sti refresh` writes it
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(home))
        # R1 works the column metadata out (through the dbt adapter StiDbtCliResource opens on demand)
        column_cache = home / "sti_column_metadata.json"
        env.setattr(dbt_events, "COLUMN_METADATA_CACHE", column_cache)
        instance = DagsterInstance.get()
        drops.extra_good_file(drop, "regions")
        first = refresh(drop, warehouse)
        assert first.code == 0, first.text
        published = _latest_run_id(instance)
        bad = uscc(21)[:17] + ("0" if uscc(21)[17] != "0" else "1")
        drops.add_table(drop, "hightech_certificates", BAD_FILE.split("/")[1], CERT_HEADERS,
                        [["常州子科技有限公司", bad, "GR202332000402", "2023-12-01", TIANNING]])
        second = refresh(drop, warehouse)
        assert second.code == 1 and "REJECTED" in second.out, second.text
        yield Story(instance, warehouse, published, _latest_run_id(instance), column_cache)
        instance.dispose()
    shutil.rmtree(home, ignore_errors=True)


def _marts(instance: DagsterInstance) -> list[AssetKey]:
    from pipelines.publish.serving_asset import MART_KEYS

    assert len(MART_KEYS) > 10
    return MART_KEYS


def test_dbt_models_carry_row_counts_column_schemas_and_column_lineage(story: Story):
    event = story.instance.get_latest_materialization_event(AssetKey(["marts", "fct_indicator_value"]))
    assert event and event.run_id == story.published_run
    meta = event.asset_materialization.metadata
    con = duckdb.connect(str(story.warehouse / "build.duckdb"), read_only=True)
    rows = con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0]
    con.close()
    assert meta["dagster/row_count"].value == rows
    columns = {c.name: c.type for c in meta["dagster/column_schema"].schema.columns}
    assert {"indicator_code", "region_code", "year", "value", "obs_status"} <= set(columns)
    lineage = meta["dagster/column_lineage"].column_lineage.deps_by_column
    assert lineage["indicator_code"]  # each column names the upstream columns it is computed from
    region = story.instance.get_latest_materialization_event(AssetKey(["marts", "dim_region"]))
    deps = region.asset_materialization.metadata["dagster/column_lineage"].column_lineage.deps_by_column
    assert {(d.asset_key.path[-1], d.column_name) for d in deps["region_name"]} == {("int_regions", "region_name")}
    # views are not counted (dagster-dbt would run their SQL), but their columns are shown
    view = story.instance.get_latest_materialization_event(AssetKey(["staging", "stg_regions"]))  # R1 adds regions
    assert "dagster/row_count" not in view.asset_materialization.metadata
    assert "dagster/column_schema" in view.asset_materialization.metadata
    # worked out by R1, which found no cache, and kept for the next refresh of this project
    cache = json.loads(story.column_cache.read_text(encoding="utf-8"))
    assert cache["key"] == cache_key() and "dagster/column_lineage" in cache["events"]["marts__dim_region"]


def _check_evaluation(instance: DagsterInstance, run_id: str, asset: AssetKey, name: str):
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.asset_key == asset and evaluation.check_name == name:
            return evaluation
    return None


def test_every_source_has_a_freshness_check_with_the_contract_threshold(story: Story):
    from pipelines.definitions import defs

    params = {}
    for checks_def in defs.asset_checks:
        for spec in checks_def.check_specs:
            if spec.name == "freshness_check":
                params[spec.asset_key.path[-1]] = spec.metadata["dagster/freshness_params"].value
    assert set(params) == set(SOURCES)
    for source, spec in SOURCES.items():
        assert params[source]["lower_bound_delta_seconds"] == spec.max_days_without_batch * 86400
    # judged by when the source's latest batch was published, not by the raw materialization's time
    patents = _check_evaluation(story.instance, story.published_run, AssetKey(["raw", "patents"]), "freshness_check")
    regions = _check_evaluation(story.instance, story.published_run, AssetKey(["raw", "regions"]), "freshness_check")
    assert patents and not patents.passed and patents.severity.value == "WARN"
    assert regions and regions.passed
    raw_patents = story.instance.get_latest_materialization_event(AssetKey(["raw", "patents"]))
    updated = raw_patents.asset_materialization.metadata["dagster/last_updated_timestamp"].value
    age = dt.datetime.now(dt.UTC).timestamp() - updated
    assert 199 * 86400 < age < 201 * 86400


def _health(instance: DagsterInstance, key: AssetKey) -> tuple[AssetHealthStatus, AssetHealthStatus]:
    from pipelines.definitions import defs

    context = LoadingContextForTest(instance)
    checks = set(defs.resolve_asset_graph().get_check_keys_for_assets({key}))
    materialization = asyncio.run(AssetMaterializationHealthState.compute_for_asset(key, None, context))
    check_health = asyncio.run(AssetCheckHealthState.compute_for_asset_checks(checks, context))
    return materialization.health_status, check_health.health_status


def test_a_rejected_refresh_leaves_the_marts_health_as_it_was(story: Story):
    run = story.instance.get_run_by_id(story.rejected_run)
    assert run.status == DagsterRunStatus.SUCCESS and run.tags["sti/outcome"] == "rejected"
    # R1 (a regions file) built the marts that read the regions; this instance never built the others
    built = [key for key in _marts(story.instance) if story.instance.get_latest_materialization_event(key)]
    assert len(built) > 10
    for key in built:
        latest = story.instance.get_latest_materialization_event(key)
        assert latest.run_id == story.published_run, key
        materialization, checks = _health(story.instance, key)
        assert materialization == AssetHealthStatus.HEALTHY, key
        assert checks in (AssetHealthStatus.HEALTHY, AssetHealthStatus.NOT_APPLICABLE), key
    # what did fail shows where it failed: the contract check of the landing asset the file belongs to
    landing = AssetKey(["landing", "hightech_certificates"])
    evaluation = _check_evaluation(story.instance, story.rejected_run, landing, "contract")
    assert evaluation and not evaluation.passed and evaluation.metadata["files_rejected"].value == [BAD_FILE]
    assert _health(story.instance, landing)[1] == AssetHealthStatus.DEGRADED


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list]]:
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/sti", _Receiver.received
    server.shutdown()
    server.server_close()


def _run_event(instance: DagsterInstance, run_id: str, kind: DagsterEventType):
    return instance.all_logs(run_id, of_type=kind)[0].dagster_event


def test_failed_and_rejected_refreshes_are_posted_to_the_webhook(story: Story, receiver, tmp_path, monkeypatch):
    from pipelines.definitions import defs

    url, received = receiver
    instance = story.instance
    rejected = instance.get_run_by_id(story.rejected_run)
    context = build_run_status_sensor_context(
        sensor_name="refresh_rejection_webhook", dagster_instance=instance, dagster_run=rejected,
        dagster_event=_run_event(instance, rejected.run_id, DagsterEventType.RUN_SUCCESS),
        resources={"alert_webhook": AlertWebhook(url=url)},
    )  # fmt: skip
    refresh_rejection_webhook(context)
    # a run that fails: the warehouse directory is a file
    (tmp_path / "not-a-dir").write_text("", encoding="utf-8")
    config = {"sources_dir": str(tmp_path), "warehouse_dir": str(tmp_path / "not-a-dir")}
    failed = defs.resolve_job_def("refresh").execute_in_process(
        run_config={"resources": {"warehouse": {"config": config}}}, instance=instance, raise_on_error=False
    )
    assert not failed.success
    monkeypatch.setenv("STI_ALERT_WEBHOOK", url)  # the default resource reads the variable it names
    context = build_run_status_sensor_context(
        sensor_name="refresh_failure_webhook", dagster_instance=instance, dagster_run=failed.dagster_run,
        dagster_event=failed.get_run_failure_event(), resources={"alert_webhook": AlertWebhook()},
    ).for_run_failure()  # fmt: skip
    refresh_failure_webhook(context)

    assert [(path, kind) for path, kind, _ in received] == [("/hooks/sti", "application/json; charset=utf-8")] * 2
    (_, _, posted_rejection), (_, _, posted_failure) = received
    assert posted_rejection["event"] == "refresh_rejected" and posted_rejection["run_id"] == rejected.run_id
    assert posted_rejection["rejected_files"] == [BAD_FILE] and BAD_FILE in posted_rejection["text"]
    assert posted_rejection["warehouse_dir"] == str(story.warehouse)
    assert posted_failure["event"] == "refresh_failed" and posted_failure["run_id"] == failed.run_id
    assert posted_failure["outcome"] == "failed" and posted_failure["text"].startswith("sti refresh failed: ")
    # the published refresh is not announced, and without a URL nothing is called
    published = instance.get_run_by_id(story.published_run)
    quiet = build_run_status_sensor_context(
        sensor_name="refresh_rejection_webhook", dagster_instance=instance, dagster_run=published,
        dagster_event=_run_event(instance, published.run_id, DagsterEventType.RUN_SUCCESS),
        resources={"alert_webhook": AlertWebhook(url=url)},
    )  # fmt: skip
    assert refresh_rejection_webhook(quiet).skip_message == "the refresh was not rejected"
    monkeypatch.delenv("STI_ALERT_WEBHOOK")
    unset = build_run_status_sensor_context(
        sensor_name="refresh_failure_webhook", dagster_instance=instance, dagster_run=failed.dagster_run,
        dagster_event=failed.get_run_failure_event(), resources={"alert_webhook": AlertWebhook()},
    ).for_run_failure()  # fmt: skip
    assert "STI_ALERT_WEBHOOK unset" in refresh_failure_webhook(unset).skip_message
    assert len(received) == 2


def test_make_docs_builds_the_dbt_docs_against_the_build_database(good_warehouse, tmp_path):
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    # -o: `setup` counts as done (the suite runs in the installed virtualenv; never re-install from a test)
    made = subprocess.run(
        ["make", "--no-print-directory", "-o", "setup", "-o", ".venv/.installed", "docs", f"WAREHOUSE={warehouse}"],
        cwd=repo, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    docs = repo / "dbt_project" / "target" / "docs"
    assert "dbt docs: dbt_project/target/docs/static_index.html" in made.stdout
    catalog = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    node = catalog["nodes"]["model.sti.fct_indicator_value"]
    assert node["metadata"]["schema"] == "marts" and {"indicator_code", "value", "obs_status"} <= set(node["columns"])
    assert (docs / "static_index.html").stat().st_size > 1_000_000  # manifest and catalog inlined: no server
