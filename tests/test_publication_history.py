"""Publication history (DESIGN §4, §5): dim_publication and fct_indicator_value_history across real
refreshes through the CLI. A region-level figure revised from 初步 to 正式 keeps its old value with its
interval, `sti lineage --as-of` between the two publications answers with the old one, `sti history`
lists the publications; a refresh that fails or changes nothing adds no publication."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb

from tests import drops
from tests.harness import assert_history_committed, refresh, run_sti
from tests.test_bad_drops import _rd_unit_error

CODE, REGION, YEAR = "rd_intensity", drops.ZHONGLOU, 2023


def _served(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _audit(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _publications(warehouse: Path) -> list[tuple]:
    return _served(
        warehouse,
        "SELECT publication_id, published_at, batches, indicator_values_added, indicator_values_changed, "
        "indicator_values_removed FROM marts.dim_publication ORDER BY publication_id",
    )


def _history(warehouse: Path) -> list[tuple]:
    return _served(
        warehouse,
        "SELECT round(value, 9), obs_status, valid_from_publication, valid_to_publication "
        "FROM marts.fct_indicator_value_history WHERE indicator_code = ? AND region_code = ? AND year = ? "
        "ORDER BY valid_from_publication",
        [CODE, REGION, YEAR],
    )


def _case(tiny_drop: Path, good_warehouse: Path, tmp_path: Path) -> tuple[Path, Path]:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    return drops.copy_drop(tiny_drop, tmp_path / "drop"), warehouse


def test_a_revised_figure_keeps_its_old_value_and_interval(tiny_drop, good_warehouse, tmp_path):
    drop, warehouse = _case(tiny_drop, good_warehouse, tmp_path)
    first = _publications(warehouse)
    assert len(first) == 1 and first[0][0] == 1 and first[0][2] == len(drops.TINY_FILES)
    assert first[0][3] == _served(warehouse, "SELECT count(*) FROM marts.fct_indicator_value")[0][0]
    [(old_value, *interval)] = _history(warehouse)
    assert interval == ["P", 1, None]  # 钟楼区 2023 R&D is a 初步 figure in the tiny drop
    assert_history_committed(warehouse)

    # The 正式 figure arrives (38.4 亿元 instead of the 初步 37.9).
    drops.extra_good_file(drop, "rd_spending")
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    pubs = _publications(warehouse)
    assert [p[0] for p in pubs] == [1, 2] and pubs[1][1] > pubs[0][1]
    _pid, _at, batches, added, changed, removed = pubs[1]
    assert (batches, added, removed) == (1, 0, 0) and changed >= 1
    (v1, *first_interval), (v2, *second_interval) = _history(warehouse)
    assert first_interval == ["P", 1, 2] and second_interval == ["A", 2, None]
    assert v1 == old_value and v2 > v1
    current = _served(
        warehouse,
        "SELECT round(value, 9), obs_status FROM marts.fct_indicator_value "
        "WHERE indicator_code = ? AND region_code = ? AND year = ?",
        [CODE, REGION, YEAR],
    )
    assert current == [(v2, "A")]
    assert_history_committed(warehouse)

    # --as-of between the two publications: the old value, flagged provisional, naming publication 1.
    between = pubs[1][1] - dt.timedelta(seconds=1)
    assert between >= pubs[0][1]
    args = ["lineage", CODE, "--region", REGION, "--year", str(YEAR), "--warehouse", str(warehouse)]
    old = run_sti(*args, "--as-of", between.isoformat(sep=" "))
    assert old.code == 0, old.text
    assert f"publication 1, published {pubs[0][1]} UTC" in old.out and "the current one is 2" in old.out
    assert "provisional" in old.out and f"{v1:.4g}"[:4] in old.out
    as_json = run_sti(*args, "--as-of", between.isoformat(), "--json")
    assert as_json.code == 0 and '"publication_id": 1' in as_json.out
    now = run_sti(*args, "--as-of", (pubs[1][1] + dt.timedelta(days=1)).date().isoformat())
    assert now.code == 0 and "publication 2" in now.out and "(the current one)" in now.out and "final" in now.out
    early = run_sti(*args, "--as-of", "2001-01-01")
    assert early.code == 2 and "before the first publication (publication 1" in early.err
    assert "fix:" in early.err and "Traceback" not in early.text
    bad = run_sti(*args, "--as-of", "last March")
    assert bad.code == 2 and "YYYY-MM-DD" in bad.err

    history = run_sti("history", "--warehouse", str(warehouse))
    assert history.code == 0 and "publications (2)" in history.out
    assert re.search(rf"^\s+2\s+{re.escape(str(pubs[1][1]))}\s+1 batches\s+\+0 ~{changed} -0 values", history.out, re.M)

    # Nothing new: no publication, nothing in the history changes.
    again = refresh(drop, warehouse)
    assert again.code == 0, again.text
    assert [p[0] for p in _publications(warehouse)] == [1, 2]
    assert len(_audit(warehouse, "SELECT * FROM audit.publication")) == 2
    assert_history_committed(warehouse)


def test_a_failed_refresh_adds_no_publication(tiny_drop, good_warehouse, tmp_path):
    drop, warehouse = _case(tiny_drop, good_warehouse, tmp_path)
    history_before = _audit(warehouse, "SELECT * FROM audit.indicator_value_history ORDER BY ALL")
    bad_file = _rd_unit_error(drop)  # passes its audit, fails a dbt reconciliation test
    run = refresh(drop, warehouse)
    assert run.code == 2, run.text
    assert [p[0] for p in _publications(warehouse)] == [1]
    assert _audit(warehouse, "SELECT publication_id, status FROM audit.publication") == [(1, "published")]
    assert _audit(warehouse, "SELECT * FROM audit.indicator_value_history ORDER BY ALL") == history_before
    assert_history_committed(warehouse)

    # The fix publishes as publication 2: the failed attempt left no gap and no phantom row.
    (drop / bad_file).unlink()
    drops.extra_good_file(drop, "rd_spending")
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert [p[0] for p in _publications(warehouse)] == [1, 2]
    assert [r[2:] for r in _history(warehouse)] == [(1, 2), (2, None)]
    assert_history_committed(warehouse)


def test_a_retracted_batch_closes_its_values(tiny_drop, good_warehouse, tmp_path):
    drop, warehouse = _case(tiny_drop, good_warehouse, tmp_path)
    drops.extra_good_file(drop, "rd_spending")
    assert refresh(drop, warehouse).code == 0
    load_id = _audit(
        warehouse, "SELECT load_id FROM audit.load_ledger WHERE file = 'rd_spending/extra-rd_spending.csv'"
    )[0][0]
    done = run_sti("retract", str(load_id), "--reason", "正式数有误", "--warehouse", str(warehouse))
    assert done.code == 0, done.text
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    pubs = _publications(warehouse)
    assert [p[0] for p in pubs] == [1, 2, 3] and pubs[2][2] == 0  # a rebuild: no new batch
    # The 初步 figure is back, as a new interval; the retracted 正式 one is closed, not erased.
    rows = _history(warehouse)
    assert [r[1:] for r in rows] == [("P", 1, 2), ("A", 2, 3), ("P", 3, None)] and rows[2][0] == rows[0][0]
    assert_history_committed(warehouse)
