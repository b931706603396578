"""`sti lineage`, `sti report`, `sti export` on the refreshed generated drop."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main as sti


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = sti(args)
    return code, out.getvalue(), err.getvalue()


def _one_value(warehouse, code: str):
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT region_code, year, value, numerator, denominator FROM marts.fct_indicator_value "
            "WHERE indicator_code = ? ORDER BY region_code, year LIMIT 1",
            [code],
        ).fetchone()
    finally:
        con.close()


def test_lineage_tells_value_formula_and_batches(refreshed):
    region, year, value, numerator, denominator = _one_value(refreshed.warehouse, "rd_intensity")
    args = ["lineage", "rd_intensity", "--region", region, "--year", str(year), "--warehouse", str(refreshed.warehouse)]
    code, out, err = _run([*args, "--json"])
    assert code == 0, err
    story = json.loads(out)
    assert story["value"]["value"] == value
    assert story["indicator"]["formula"]
    sources = {row["source"] for row in story["inputs"]}
    assert {"rd_spending", "regional_economy"} <= sources
    for row in story["inputs"]:
        if row["load_id"] is not None:
            assert row["file"].startswith(row["source"] + "/") and len(row["sha256"]) == 64
    code, text, _ = _run(args)
    assert code == 0 and "rd_spending/" in text
    assert "build.duckdb" not in text and "intermediate." not in text


def _served_only(refreshed, tmp_path):
    """A warehouse directory holding sti.duckdb alone: what a statistician copies."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(refreshed.warehouse / "sti.duckdb", served / "sti.duckdb")
    return served


def test_lineage_contributors_from_the_served_file_alone(refreshed, tmp_path):
    served = _served_only(refreshed, tmp_path)
    con = duckdb.connect(str(served / "sti.duckdb"), read_only=True)
    try:
        region, year, value = con.execute(
            "SELECT region_code, year, value "
            "FROM marts.fct_indicator_value v JOIN marts.dim_region USING (region_code) "
            "WHERE indicator_code = 'hightech_enterprise_count' AND parent_code IS NOT NULL AND value > 0 "
            "ORDER BY value DESC, region_code LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    args = ["lineage", "hightech_enterprise_count", "--region", region, "--year", str(year), "--warehouse", str(served)]
    code, out, err = _run([*args, "--contributors", "--json"])
    assert code == 0, err
    rows = json.loads(out)["contributors"]
    assert len({r["entity_key"] for r in rows}) == value
    assert all(r["source_file"].startswith("hightech_certificates/") and r["row_number"] >= 1 for r in rows)
    assert all(len(r["entity_key"]) == 18 and r["entity_name"] for r in rows)
    code, text, err = _run([*args, "--contributors"])
    assert code == 0, err
    assert rows[0]["entity_key"] in text and f"{rows[0]['source_file']}:{rows[0]['row_number']}" in text
    for private in ("build.duckdb", "intermediate.", "staging.", "raw."):
        assert private not in text and private not in out


def test_contributors_add_up_to_every_value_of_a_region(refreshed, tmp_path):
    """For every indicator of one city and year, the listed rows make up the numerator and the
    denominator the way the catalogue says they add up."""
    from pipelines.serve.lineage import lineage

    served = _served_only(refreshed, tmp_path)
    con = duckdb.connect(str(served / "sti.duckdb"), read_only=True)
    try:
        region, year = con.execute(
            "SELECT region_code, max(year) FROM marts.dim_region JOIN marts.fct_indicator_value USING (region_code) "
            "WHERE level = '市' GROUP BY 1 ORDER BY 1 LIMIT 1"
        ).fetchone()
        values = con.execute(
            "SELECT v.indicator_code, v.numerator, v.denominator, i.numerator_rollup, i.denominator_rollup "
            "FROM marts.fct_indicator_value v JOIN marts.dim_indicator i USING (indicator_code) "
            "WHERE region_code = ? AND year = ?",
            [region, year],
        ).fetchall()
    finally:
        con.close()
    assert len(values) >= 20
    for code, numerator, denominator, num_rollup, den_rollup in values:
        rows = lineage(served / "sti.duckdb", code, region, year, contributors=True)["contributors"]
        for role, expected, rollup in (("numerator", numerator, num_rollup), ("denominator", denominator, den_rollup)):
            if expected is None:
                continue
            mine = [r for r in rows if r["role"] == role]
            got = len({r["entity_key"] for r in mine}) if rollup == "count_distinct" else sum(r["amount"] for r in mine)
            assert got == pytest.approx(expected), (code, role)


def test_lineage_unknown_code_is_a_clear_error(refreshed):
    args = ["lineage", "no_such_indicator", "--region", "x", "--year", "2020", "--warehouse", str(refreshed.warehouse)]
    code, _out, err = _run(args)
    assert code != 0 and "unknown indicator code" in err and "rd_intensity" in err and "Traceback" not in err


def test_export_parquet_matches_marts(refreshed, tmp_path):
    args = ["export", "--warehouse", str(refreshed.warehouse), "--format", "parquet", "--out", str(tmp_path)]
    code, out, err = _run(args)
    assert code == 0, err
    table = pq.read_table(tmp_path / "fct_indicator_value.parquet")
    con = duckdb.connect(str(refreshed.warehouse / "sti.duckdb"), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0]
    finally:
        con.close()
    assert table.num_rows == n > 0


def test_report_has_every_indicator(refreshed):
    """reports/indicators.html: one section per catalogue indicator, each with its plotly chart
    (drawn in a browser by tests/test_report.py), and the provisional values marked."""
    code, out, err = _run(["report", "--warehouse", str(refreshed.warehouse)])
    assert code == 0, err
    assert str(refreshed.warehouse / "reports" / "index.html") in out
    page = (refreshed.warehouse / "reports" / "indicators.html").read_text(encoding="utf-8")
    con = duckdb.connect(str(refreshed.warehouse / "sti.duckdb"), read_only=True)
    try:
        codes = [r[0] for r in con.execute("SELECT indicator_code FROM marts.dim_indicator").fetchall()]
        n_provisional = con.execute(
            "SELECT count(*) FROM marts.fct_indicator_value WHERE obs_status = 'P'"
        ).fetchone()[0]
    finally:
        con.close()
    sections = page.split("<section")[1:]
    assert len(sections) == len(codes) == 48
    for code in codes:
        mine = [s for s in sections if f"({code}, " in s]
        assert len(mine) == 1 and 'class="plotly-graph-div"' in mine[0], code
    # provisional values (a 初步 input) are marked on the page
    assert n_provisional == 0 or "初步(P) · provisional" in page
