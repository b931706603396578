"""`sti lineage`, `sti report`, `sti export` on the refreshed generated drop."""

from __future__ import annotations

import contextlib
import io
import json

import duckdb
import pyarrow.parquet as pq

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
    code, out, err = _run(["lineage", "rd_intensity", "--region", region, "--year", str(year), "--warehouse", str(refreshed.warehouse), "--json"])
    assert code == 0, err
    story = json.loads(out)
    assert story["value"]["value"] == value
    assert story["indicator"]["formula"]
    sources = {row["source"] for row in story["inputs"]}
    assert {"rd_spending", "regional_economy"} <= sources
    for row in story["inputs"]:
        if row["load_id"] is not None:
            assert row["file"].startswith(row["source"] + "/") and len(row["sha256"]) == 64
    code, text, _ = _run(["lineage", "rd_intensity", "--region", region, "--year", str(year), "--warehouse", str(refreshed.warehouse)])
    assert code == 0 and "rd_spending/" in text and "build.duckdb" in text


def test_lineage_unknown_code_is_a_clear_error(refreshed):
    code, _out, err = _run(["lineage", "no_such_indicator", "--region", "x", "--year", "2020", "--warehouse", str(refreshed.warehouse)])
    assert code != 0 and "unknown indicator code" in err and "rd_intensity" in err and "Traceback" not in err


def test_export_parquet_matches_marts(refreshed, tmp_path):
    code, out, err = _run(["export", "--warehouse", str(refreshed.warehouse), "--format", "parquet", "--out", str(tmp_path)])
    assert code == 0, err
    table = pq.read_table(tmp_path / "fct_indicator_value.parquet")
    con = duckdb.connect(str(refreshed.warehouse / "sti.duckdb"), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0]
    finally:
        con.close()
    assert table.num_rows == n > 0


def test_report_has_every_indicator(refreshed):
    code, out, err = _run(["report", "--warehouse", str(refreshed.warehouse)])
    assert code == 0, err
    page = (refreshed.warehouse / "reports" / "indicators.html").read_text(encoding="utf-8")
    assert page.count("<section>") == 28 and "<svg" in page
