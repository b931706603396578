"""A refresh started without the CLI — the refresh job launched on a Dagster instance with run
config, as the schedule, the sensor and the UI launch it — leaves the same state as `sti refresh`
when it fails: the roll-back and the run record belong to the job (its warehouse resource), not
to the command line (issue 8)."""

from __future__ import annotations

import json
import shutil

import duckdb
from dagster import DagsterInstance

from tests import drops
from tests.conftest import sha256_file
from tests.drops import ZHONGLOU
from tests.harness import ledger_rows, raw_counts, refresh, snapshot


def _rd_unit_error(drop) -> str:
    # passes the audit (non-negative money), fails the dbt reconciliation (rd_intensity 28 %)
    drops.add_table(drop, "rd_spending", "zz-钟楼区2023正式.csv",
                    ["所属地区", "年度", "R&D经费内部支出(万元)", "数据状态"], [[ZHONGLOU, 2023, 3790000, "正式"]])
    return "rd_spending/zz-钟楼区2023正式.csv"


def _copies(tiny_drop, good_warehouse, root):
    warehouse = root / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, root / "drop")
    return drop, warehouse


def _state(warehouse) -> dict:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        runs = con.execute(
            "SELECT status, finished_at IS NOT NULL FROM audit.refresh_log ORDER BY started_at"
        ).fetchall()
    finally:
        con.close()
    report = json.loads((warehouse / "reports" / "refresh-latest.json").read_text(encoding="utf-8"))
    return {"raw": raw_counts(warehouse), "serving": sha256_file(warehouse / "sti.duckdb"),
            "last_run": runs[-1], "report_outcome": report["outcome"]}


def test_a_failed_run_launched_like_the_schedule_leaves_the_state_of_a_failed_cli_refresh(
    tiny_drop, good_warehouse, tmp_path
):
    from pipelines.definitions import defs

    cli_drop, cli_wh = _copies(tiny_drop, good_warehouse, tmp_path / "cli")
    job_drop, job_wh = _copies(tiny_drop, good_warehouse, tmp_path / "job")
    before = snapshot(job_wh)
    bad = _rd_unit_error(cli_drop)
    assert _rd_unit_error(job_drop) == bad

    assert refresh(cli_drop, cli_wh).code == 2
    result = defs.resolve_job_def("refresh").execute_in_process(
        run_config={
            "resources": {"warehouse": {"config": {"sources_dir": str(job_drop), "warehouse_dir": str(job_wh)}}}
        },
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success

    job_state, cli_state = _state(job_wh), _state(cli_wh)
    assert job_state == cli_state
    assert job_state["raw"] == before.raw and job_state["serving"] == before.serving_sha
    assert job_state["last_run"] == ("failed", True) and job_state["report_outcome"] == "failed"
    assert [e["status"] for e in ledger_rows(job_wh, bad)] == ["rolled_back"]
    assert [e["status"] for e in ledger_rows(cli_wh, bad)] == ["rolled_back"]
