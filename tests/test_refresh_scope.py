"""A refresh of a drop with nothing new is a run of the raw step alone, and leaves the state a run of the
whole job leaves (pipelines/publish/refresh_scope.py); anything that could need the other steps runs them."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance

from pipelines.contract.sources import SOURCES
from pipelines.publish.refresh_scope import RAW_ONLY, Scope, refresh_selection, scope_of
from pipelines.publish.serving_asset import SERVING_KEY
from tests import drops
from tests.drops import CERT_HEADERS, CITY, GROWTH_HEADERS, SME_HEADERS, TIANNING, ZHONGLOU, ZONE, uscc
from tests.harness import differences, refresh


def _latest_run():
    instance = DagsterInstance.get()
    return instance.get_runs(limit=1)[0]


def _planned_assets(run_id: str) -> set[AssetKey]:
    """The assets a run planned to materialize (the CLI runs a subset of the job: pipelines/publish/run_refresh.py)."""
    records = DagsterInstance.get().get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED, limit=10_000
    ).records
    return {r.event_log_entry.dagster_event.event_specific_data.asset_key for r in records}


def _run_record(warehouse, run_id: str) -> str:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        return con.execute("SELECT status FROM audit.refresh_log WHERE refresh_id = ?", [run_id]).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def copies(tiny_drop, good_warehouse, tmp_path):
    """(drop, warehouse): fresh copies of the tiny drop and of its refreshed warehouse."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    return drops.copy_drop(tiny_drop, tmp_path / "drop"), warehouse


def test_nothing_new_runs_the_raw_step_alone_and_anything_else_the_whole_job(copies):
    drop, warehouse = copies
    (drop / "说明.txt").write_text("not a batch\n", encoding="utf-8")  # reported by the lifecycle, not landed

    assert refresh_selection(drop, warehouse) == RAW_ONLY
    run = refresh(drop, warehouse)
    assert run.code == 0 and "write+audit: 12/12 sources checked, no new file" in run.out, run.text
    assert "说明.txt" in run.out  # the drop's other entries are still reported
    dagster_run = _latest_run()
    assert set(dagster_run.step_keys_to_execute or []) - {k for k in dagster_run.step_keys_to_execute or []
                                                           if k.startswith("freshness_check")} == {"raw_tables"}
    assert _run_record(warehouse, dagster_run.run_id) == "unchanged"

    # a new regions file: every model that reads the regions, not those reading other sources only
    drops.extra_good_file(drop, "regions")
    selection = refresh_selection(drop, warehouse)
    assert selection is not None and AssetKey(["marts", "fct_indicator_value"]) in selection
    assert AssetKey(["staging", "stg_patents"]) not in selection
    assert refresh(drop, warehouse).code == 0
    assert refresh_selection(drop, warehouse) == RAW_ONLY

    # a rejected file left in the drop is audited (and rejected) again by every refresh
    bad = uscc(21)[:17] + ("0" if uscc(21)[17] != "0" else "1")
    drops.add_table(drop, "hightech_certificates", "坏代码.csv", CERT_HEADERS,
                    [["常州子科技有限公司", bad, "GR202332000402", "2023-12-01", TIANNING]])  # fmt: skip
    certificates = AssetKey(["staging", "stg_hightech_certificates"])
    assert certificates in (refresh_selection(drop, warehouse) or [])
    assert refresh(drop, warehouse).code == 1
    assert certificates in (refresh_selection(drop, warehouse) or [])
    (drop / "hightech_certificates" / "坏代码.csv").unlink()
    assert refresh_selection(drop, warehouse) == RAW_ONLY

    # no record of which models are current (a warehouse built before there was one): nothing new is still
    # nothing to build; a new file then rebuilds everything
    con = duckdb.connect(str(warehouse / "build.duckdb"))
    con.execute("DELETE FROM audit.source_builds")
    con.close()
    assert refresh_selection(drop, warehouse) == RAW_ONLY
    extra = drops.extra_good_file(drop, "patents")
    assert refresh_selection(drop, warehouse) is None
    extra.unlink()

    # marts built by other code than this project's: rebuilt
    con = duckdb.connect(str(warehouse / "build.duckdb"))
    con.execute("UPDATE audit.refresh_log SET project_fingerprint = 'older' WHERE status = 'published'")
    con.close()
    assert refresh_selection(drop, warehouse) is None


def _served_differences(a, b) -> dict[str, int]:
    """Rows of each mart of sti.duckdb in one warehouse and not in the other (either way)."""
    return differences(a, b, "sti.duckdb", "marts")


def test_a_new_batch_rebuilds_its_sources_models_and_those_a_failed_build_left(copies, tmp_path):
    drop, warehouse = copies
    assert scope_of(drop, warehouse) == Scope(new_batches=False, stale=frozenset())

    # A build that fails after its tables changed: rd_spending's and patents' models hold rolled-back rows.
    drops.extra_good_file(drop, "patents")
    # 379 亿元 of R&D under a 万元 header: passes the load audit, fails dbt's rd_intensity test
    bad = drops.add_table(drop, "rd_spending", "zz-钟楼区2023正式.csv",
                          ["所属地区", "年度", "R&D经费内部支出(万元)", "数据状态"],
                          [[ZHONGLOU, 2023, 3790000, "正式"]])  # fmt: skip
    assert refresh(drop, warehouse).code == 2
    bad.unlink()
    (drop / "patents" / "extra-patents.csv").unlink()
    assert scope_of(drop, warehouse) == Scope(new_batches=False, stale=frozenset({"patents", "rd_spending"}))
    assert refresh_selection(drop, warehouse) == RAW_ONLY  # the served file is the last publication's

    # A new certificate batch: its models, those of the failed build's sources and the audit tables' only.
    drops.extra_good_file(drop, "hightech_certificates")
    stale = {"hightech_certificates", "patents", "rd_spending"}
    assert scope_of(drop, warehouse) == Scope(new_batches=True, stale=frozenset(stale))
    selection = set(refresh_selection(drop, warehouse) or [])
    for source in SOURCES:
        assert (AssetKey(["staging", f"stg_{source}"]) in selection) == (source in stale), source
    assert AssetKey(["marts", "fct_indicator_value"]) in selection and SERVING_KEY in selection
    assert AssetKey(["marts", "dim_indicator"]) not in selection
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert _planned_assets(_latest_run().run_id) == selection
    assert scope_of(drop, warehouse) == Scope(new_batches=False, stale=frozenset())

    # What it serves is what a rebuild of every model from the same batches serves.
    whole = _whole_rebuild(drop, warehouse, tmp_path / "whole")
    assert _served_differences(warehouse, whole) == {}


def _whole_rebuild(drop, warehouse, whole):
    """A copy of `warehouse` refreshed with every model rebuilt whole (as after a change of the project)."""
    shutil.copytree(warehouse, whole)
    con = duckdb.connect(str(whole / "build.duckdb"))
    con.execute("UPDATE audit.refresh_log SET project_fingerprint = 'older' WHERE status = 'published'")
    con.close()
    assert refresh_selection(drop, whole) is None
    assert refresh(drop, whole).code == 0
    assert "--full-refresh" in _dbt_command(whole)
    return whole


def _dbt_command(warehouse) -> str:
    """The dbt command line of the warehouse's latest refresh, as its log records it."""
    log = (warehouse / "logs" / "refresh-latest.log").read_text(encoding="utf-8")
    return log[log.rindex("Finished dbt command: ") :].splitlines()[0]


INCREMENTAL_RULES = (
    "int_contributions__enterprises",
    "int_contributions__hightech_coverage",
    "int_contributions__above_scale",
)


def _serving_file(warehouse) -> str:
    """How the latest publication wrote sti.duckdb: "patched" or "copied" (pipelines/publish/serving_patch.py)."""
    return json.loads((warehouse / "reports" / "last_publish.json").read_text(encoding="utf-8"))["serving_file"]


def _rule_differences(a, b) -> dict[str, int]:
    con = duckdb.connect(str(a / "build.duckdb"), read_only=True)
    try:
        assert all(con.execute(f"SELECT count(*) FROM intermediate.{t}").fetchone()[0] for t in INCREMENTAL_RULES)
    finally:
        con.close()
    return differences(a, b, "build.duckdb", "intermediate", INCREMENTAL_RULES)


def test_enterprise_lists_alone_replace_the_rules_rows_of_the_enterprises_they_change(copies, tmp_path):
    """The enterprise rules are incremental (dbt_project/macros/entity_delta.sql): a refresh whose only new
    batches are certificate, tech-SME or growth-firm lists rewrites the rows of the enterprises they change,
    and the result is what a whole rebuild makes; a refresh with any other new batch rebuilds them whole."""
    drop, warehouse = copies
    headers = [*CERT_HEADERS, "取消日期"]
    drops.add_table(drop, "hightech_certificates", "2025年第一批.csv", headers, [
        ["常州新科技有限公司", uscc(30), "GR202532000501", "2025-06-20", ZHONGLOU, None],  # a new enterprise
        ["常州甲科技有限公司", uscc(1), "GR202532000502", "2025-06-20", TIANNING, None],  # renews
        ["常州戊科技有限公司", uscc(31), "GR202332000202", "2023-12-01", CITY, None],  # a correction: was uscc(4)
        ["常州乙智能装备有限公司", uscc(2), "GR202232000102", "2022-11-06", "钟楼区", "2023-06-30"],  # revoked
    ])  # fmt: skip
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert "--full-refresh" not in _dbt_command(warehouse)
    # the served file too: the contribution rows of those enterprises replaced in a copy of the served one
    assert _serving_file(warehouse) == "patched"
    whole = _whole_rebuild(drop, warehouse, tmp_path / "whole")
    assert _serving_file(whole) == "copied"
    assert _rule_differences(warehouse, whole) == {}
    assert _served_differences(warehouse, whole) == {}

    # a tech-SME registration moved to another enterprise and a growth list: the same, by enterprise
    drops.add_table(drop, "tech_sme_registry", "2023-更正.csv", SME_HEADERS, [
        ["常州庚科技有限公司", uscc(32), "2022320400000102", 2022, ZHONGLOU],  # was uscc(5)
    ])  # fmt: skip
    drops.add_table(drop, "growth_firm_lists", "2023-瞪羚补充.csv", GROWTH_HEADERS, [
        ["常州丙新材料有限公司", uscc(3), "瞪羚企业", 2023, ZONE],
    ])  # fmt: skip
    assert refresh(drop, warehouse).code == 0
    assert "--full-refresh" not in _dbt_command(warehouse)
    assert _serving_file(warehouse) == "patched"
    whole = _whole_rebuild(drop, warehouse, tmp_path / "whole-2")
    assert _rule_differences(warehouse, whole) == {}
    assert _served_differences(warehouse, whole) == {}

    # a new batch of another source: the enterprise rules are rebuilt whole
    drops.extra_good_file(drop, "above_scale_industry")
    assert refresh(drop, warehouse).code == 0
    assert "--full-refresh" in _dbt_command(warehouse)
    assert _serving_file(warehouse) == "copied"
