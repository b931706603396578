"""A functional zone renamed by a later `regions` batch (DESIGN §2: region codes are stable, names
may change, and every name a code has ever had keeps resolving to it), through `sti refresh`.

1. The tiny drop of `tests/drops.py` is refreshed (常州经开区, code CZJKQ, under 常州市).
2. A second regions batch renames CZJKQ to 常州经济开发区, and in the same refresh a new
   tech_sme_registry batch names the zone by its OLD name in one row and by its NEW name in
   another: exit 0, both enterprises count for the zone and for the city, dim_region shows the
   new name.
3. A later refresh brings a hightech_certificates batch that still writes the old name: the
   audit knows it (it was published once) and dbt resolves it: exit 0, counted for the zone.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main as sti
from tests.drops import (
    CERT_HEADERS,
    CITY,
    PROVINCE,
    REGIONS_HEADERS,
    SME_HEADERS,
    ZONE,
    add_table,
    copy_drop,
    uscc,
)

OLD_NAME, NEW_NAME = "常州经开区", "常州经济开发区"


def _refresh(drop: Path, warehouse: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = sti(["refresh", "--sources", str(drop), "--warehouse", str(warehouse)])
    return code, out.getvalue()


def _values(warehouse: Path, indicator: str, year: int) -> dict[str, float]:
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT region_code, value FROM marts.fct_indicator_value WHERE indicator_code = ? AND year = ?",
            [indicator, year],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def _region_names(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        return dict(con.execute("SELECT region_code, region_name FROM marts.dim_region").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def renamed(tiny_drop, good_warehouse, tmp_path_factory):
    """(drop, warehouse, tech_sme_count 2023 before the rename, output of the rename refresh)."""
    drop = copy_drop(tiny_drop, tmp_path_factory.mktemp("rename") / "drop")
    warehouse = tmp_path_factory.mktemp("rename") / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    assert _region_names(warehouse)[ZONE] == OLD_NAME
    before = _values(warehouse, "tech_sme_count", 2023)

    add_table(drop, "regions", "regions-2024-更名.csv", REGIONS_HEADERS, [[ZONE, NEW_NAME, CITY, "功能区"]])
    add_table(
        drop,
        "tech_sme_registry",
        "入库名单-2024.csv",
        SME_HEADERS,
        [
            ["常州癸科技有限公司", uscc(10), "2023320400000301", 2023, OLD_NAME],
            ["常州子科技有限公司", uscc(11), "2023320400000302", 2023, NEW_NAME],
        ],
    )
    code, out = _refresh(drop, warehouse)
    return drop, warehouse, before, code, out


def test_rename_and_rows_by_old_and_new_name_publish(renamed):
    _drop, warehouse, before, code, out = renamed
    assert code == 0, out
    assert "REJECTED" not in out and "FAILED" not in out
    after = _values(warehouse, "tech_sme_count", 2023)
    # one row by the old name + one by the new name, both in the zone and so in its city and
    # province; no other region changes
    assert after[ZONE] == before[ZONE] + 2
    assert after[CITY] == before[CITY] + 2
    assert {r: after[r] - before[r] for r in before} == {r: 2 if r in (ZONE, CITY, PROVINCE) else 0 for r in before}


def test_dim_region_shows_the_new_name(renamed):
    _drop, warehouse, *_ = renamed
    names = _region_names(warehouse)
    assert names[ZONE] == NEW_NAME
    assert OLD_NAME not in names.values()


def test_old_name_still_resolves_in_a_later_refresh(renamed):
    drop, warehouse, *_ = renamed
    before = _values(warehouse, "hightech_enterprise_count", 2023)
    add_table(
        drop,
        "hightech_certificates",
        "2024-补充.csv",
        CERT_HEADERS,
        [["常州丑新能源有限公司", uscc(12), "GR202332000401", "2023-12-15", OLD_NAME]],
    )
    code, out = _refresh(drop, warehouse)
    assert code == 0, out
    after = _values(warehouse, "hightech_enterprise_count", 2023)
    assert after[ZONE] == before[ZONE] + 1
    assert after[CITY] == before[CITY] + 1
    assert _region_names(warehouse)[ZONE] == NEW_NAME
