"""A refresh of a drop with nothing new is a run of the raw step alone, and leaves the state a run of the
whole job leaves (pipelines/publish/refresh_scope.py); anything that could need the other steps runs them."""

from __future__ import annotations

import shutil

import duckdb
from dagster import DagsterInstance

from pipelines.publish.refresh_scope import RAW_ONLY, refresh_selection
from tests import drops
from tests.drops import CERT_HEADERS, TIANNING, uscc
from tests.harness import refresh


def _latest_run():
    instance = DagsterInstance.get()
    return instance.get_runs(limit=1)[0]


def _run_record(warehouse, run_id: str) -> str:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        return con.execute("SELECT status FROM audit.refresh_log WHERE refresh_id = ?", [run_id]).fetchone()[0]
    finally:
        con.close()


def test_nothing_new_runs_the_raw_step_alone_and_anything_else_the_whole_job(tiny_drop, good_warehouse, tmp_path):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, tmp_path / "drop")
    (drop / "说明.txt").write_text("not a batch\n", encoding="utf-8")  # reported by the lifecycle, not landed

    assert refresh_selection(drop, warehouse) == RAW_ONLY
    run = refresh(drop, warehouse)
    assert run.code == 0 and "write+audit: 12/12 sources checked, no new file" in run.out, run.text
    assert "说明.txt" in run.out  # the drop's other entries are still reported
    dagster_run = _latest_run()
    assert set(dagster_run.step_keys_to_execute or []) - {k for k in dagster_run.step_keys_to_execute or []
                                                           if k.startswith("freshness_check")} == {"raw_tables"}
    assert _run_record(warehouse, dagster_run.run_id) == "unchanged"

    # a new file: the whole job
    drops.extra_good_file(drop, "regions")
    assert refresh_selection(drop, warehouse) is None
    assert refresh(drop, warehouse).code == 0
    assert refresh_selection(drop, warehouse) == RAW_ONLY

    # a rejected file left in the drop is audited (and rejected) again by every refresh
    bad = uscc(21)[:17] + ("0" if uscc(21)[17] != "0" else "1")
    drops.add_table(drop, "hightech_certificates", "坏代码.csv", CERT_HEADERS,
                    [["常州子科技有限公司", bad, "GR202332000402", "2023-12-01", TIANNING]])  # fmt: skip
    assert refresh_selection(drop, warehouse) is None
    assert refresh(drop, warehouse).code == 1
    assert refresh_selection(drop, warehouse) is None
    (drop / "hightech_certificates" / "坏代码.csv").unlink()
    assert refresh_selection(drop, warehouse) == RAW_ONLY

    # marts built by other code than this project's: rebuilt
    con = duckdb.connect(str(warehouse / "build.duckdb"))
    con.execute("UPDATE audit.refresh_log SET project_fingerprint = 'older' WHERE status = 'published'")
    con.close()
    assert refresh_selection(drop, warehouse) is None
