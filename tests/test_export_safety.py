"""`sti export --format csv|xlsx` never hands a spreadsheet a formula (DESIGN §5, OWASP CSV injection).

The tiny drop of `tests/drops.py` is refreshed once with plan targets whose texts come from
outside and start with a formula trigger: a plan name `=cmd|' /C calc'!A0` (the classic DDE
payload), a document number `-2+3+cmd|' /C calc'!A0`, clauses `@SUM(1+1)*cmd|' /C calc'!A0`,
`+1` and `-1`, and one target whose value is a negative number. Both exports must write every
such text cell as text prefixed with `'` (XLSX: a string cell, never a formula cell), keep
numbers as numbers (the negative target value included, unprefixed), and CSV must be UTF-8
with a BOM.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.cli import main as sti
from tests.drops import CITY, TARGET_HEADERS, TARGET_ROWS, ZHONGLOU, add_table, write_tiny_drop

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DDE = "=cmd|' /C calc'!A0"
DOC_NO = "-2+3+cmd|' /C calc'!A0"
AT_CLAUSE = "@SUM(1+1)*cmd|' /C calc'!A0"
PLAN = "常州市科技创新行动方案"

HOSTILE_TARGETS = [
    # 规划名称, 文号, 地区, 指标代码, 目标类型, 基期年, 基期值, 起始年, 目标年, 比较, 目标值, 原文
    [DDE, None, CITY, "tech_sme_count", "存量", None, None, 2022, 2025, ">=", 10, "到2025年，科技型中小企业达到10家。"],
    [PLAN, DOC_NO, CITY, "gazelle_count", "存量", None, None, 2022, 2025, ">=", 3, AT_CLAUSE],
    [PLAN, None, ZHONGLOU, "hightech_enterprise_count", "存量", None, None, 2022, 2025, ">=", 2, "+1"],
    [PLAN, None, ZHONGLOU, "tech_sme_count", "存量", None, None, 2022, 2025, ">=", 2, "-1"],
    # a free code (not yet measurable) with a negative target: a number, not text
    [PLAN, None, CITY, "energy_intensity_change_pct", "存量", None, None, 2022, 2025, "<=", -13.5,
     "单位地区生产总值能耗下降13.5%。"],
]


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = sti(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    drop = write_tiny_drop(tmp_path_factory.mktemp("drop"))
    add_table(drop, "plan_targets", "targets.csv", TARGET_HEADERS, TARGET_ROWS + HOSTILE_TARGETS, encoding="utf-8-sig")
    wh = tmp_path_factory.mktemp("warehouse")
    code, out = _run("refresh", "--sources", str(drop), "--warehouse", str(wh))
    assert code == 0, out
    return wh


@pytest.fixture(scope="module")
def text_columns(warehouse) -> dict[str, set[str]]:
    """The VARCHAR columns of every mart (an empty set for a mart without text), from the served file."""
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        tables = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND data_type = 'VARCHAR'"
        ).fetchall()
    finally:
        con.close()
    columns: dict[str, set[str]] = {table: set() for (table,) in tables}
    for table, column in rows:
        columns[table].add(column)
    return columns


def _export(warehouse: Path, fmt: str, out: Path) -> None:
    code, text = _run("export", "--warehouse", str(warehouse), "--format", fmt, "--out", str(out))
    assert code == 0, text


def test_the_hostile_texts_reached_the_marts(warehouse):
    """Otherwise the export tests below would prove nothing."""
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT plan_name, document_no, clause, target_value FROM marts.fct_target_progress"
        ).fetchall()
    finally:
        con.close()
    assert DDE in {r[0] for r in rows}
    assert DOC_NO in {r[1] for r in rows}
    assert {AT_CLAUSE, "+1", "-1"} <= {r[2] for r in rows}
    assert -13.5 in {r[3] for r in rows}


def test_csv_text_cells_are_quoted_text_and_numbers_stay_numbers(warehouse, text_columns, tmp_path):
    _export(warehouse, "csv", tmp_path)
    files = sorted(tmp_path.glob("*.csv"))
    assert {f.stem for f in files} == set(text_columns)
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: CSV must be UTF-8 with BOM"
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        for i, row in enumerate(rows, start=2):
            for column in text_columns[path.stem]:
                cell = row[column]
                assert cell[:1] not in TRIGGERS, f"{path.name} line {i} {column}: {cell!r} would be a formula"

    text = (tmp_path / "fct_target_progress.csv").read_text("utf-8-sig")
    targets = list(csv.DictReader(io.StringIO(text, newline="")))
    plans = {r["plan_name"] for r in targets}
    assert "'" + DDE in plans and DDE not in plans
    assert "'" + DOC_NO in {r["document_no"] for r in targets}
    assert {"'" + AT_CLAUSE, "'+1", "'-1"} <= {r["clause"] for r in targets}
    # numbers are written as numbers: the negative target unprefixed, a year as digits
    negative = [r for r in targets if r["indicator_code"] == "energy_intensity_change_pct"]
    assert len(negative) == 1 and float(negative[0]["target_value"]) == -13.5
    assert negative[0]["target_value"].startswith("-") and negative[0]["target_year"] == "2025"
    # a text cell is quoted in the file (a ';' inside it cannot split it in a ';'-locale Excel)
    text = (tmp_path / "fct_target_progress.csv").read_text("utf-8-sig")
    assert f'"\'{DDE}"' in text and ",-13.5," in text


def test_xlsx_has_no_formula_cell_and_text_is_a_string_cell(warehouse, text_columns, tmp_path):
    _export(warehouse, "xlsx", tmp_path)
    files = sorted(tmp_path.glob("*.xlsx"))
    assert {f.stem for f in files} == set(text_columns)
    for path in files:
        ws = load_workbook(path).worksheets[0]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for column, cell in zip(header, row, strict=True):
                assert cell.data_type != "f", f"{path.name} {cell.coordinate}: formula {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{path.name} {cell.coordinate}: {cell.data_type}"
                    assert cell.value[:1] not in TRIGGERS, f"{path.name} {cell.coordinate}: {cell.value!r}"
                if cell.value is not None and column not in text_columns[path.stem]:
                    where = f"{path.name} {cell.coordinate} {column}"
                    assert not isinstance(cell.value, str), f"{where}: number became text"

    ws = load_workbook(tmp_path / "fct_target_progress.xlsx").worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert "plan_name" in header
    plans = {r["plan_name"] for r in body}
    assert "'" + DDE in plans and DDE not in plans
    assert "'" + DOC_NO in {r["document_no"] for r in body}
    assert {"'" + AT_CLAUSE, "'+1", "'-1"} <= {r["clause"] for r in body}
    negative = [r for r in body if r["indicator_code"] == "energy_intensity_change_pct"]
    assert len(negative) == 1 and negative[0]["target_value"] == -13.5 and negative[0]["target_year"] == 2025


def test_every_trigger_of_owasp_in_both_formats(tmp_path):
    """Tab and carriage return too (OWASP lists them); NULL stays empty; numbers and booleans keep
    their type; a text that merely contains a trigger later on is left alone."""
    from pipelines.serve.export import export_marts

    serving = tmp_path / "sti.duckdb"
    con = duckdb.connect(str(serving))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.t (k INTEGER, s VARCHAR, x DOUBLE, b BOOLEAN)")
    texts = ["=1+1", "+1", "-1", "@A1", "\t=1+1", "\r=1+1", "a=b", "'=kept", None]
    con.executemany(
        "INSERT INTO marts.t VALUES (?, ?, ?, ?)", [[i, s, -1.5 * i, i % 2 == 0] for i, s in enumerate(texts)]
    )
    con.close()
    expected = ["'=1+1", "'+1", "'-1", "'@A1", "'\t=1+1", "'\r=1+1", "a=b", "'=kept", None]

    export_marts(serving, tmp_path / "csv", "csv")
    raw = (tmp_path / "csv" / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    # (Python's csv reader turns the CR inside a quoted cell into LF: compare the bytes for it)
    assert [r["s"] or None for r in rows][:5] + [r["s"] or None for r in rows][6:] == expected[:5] + expected[6:]
    assert b"\"'\r=1+1\"" in raw
    assert [float(r["x"]) for r in rows] == [-1.5 * i for i in range(len(texts))]
    assert rows[1]["x"] == "-1.5"

    export_marts(serving, tmp_path / "xlsx", "xlsx")
    ws = load_workbook(tmp_path / "xlsx" / "t.xlsx").worksheets[0]
    assert [c.value for c in ws[1]] == ["k", "s", "x", "b"]
    body = list(ws.iter_rows(min_row=2))
    # (XML reading turns a raw CR into LF, in openpyxl as in Excel; the prefix is what matters)
    lf = [None if e is None else e.replace("\r", "\n") for e in expected]
    assert [r[1].value for r in body] == lf
    assert all(r[1].data_type == "s" for r in body if r[1].value is not None)
    assert [r[2].value for r in body] == [-1.5 * i for i in range(len(texts))]
    assert all(r[2].data_type == "n" for r in body)
    assert [r[3].value for r in body] == [i % 2 == 0 for i in range(len(texts))]
