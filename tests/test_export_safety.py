"""`sti export --format csv|xlsx` never hands a spreadsheet a formula (DESIGN §5, OWASP CSV injection).

The tiny drop of `tests/drops.py` is refreshed once with plan targets whose texts come from
outside and start with a formula trigger: a plan name `=cmd|' /C calc'!A0` (the classic DDE
payload), a document number `-2+3+cmd|' /C calc'!A0`, clauses `@SUM(1+1)*cmd|' /C calc'!A0`,
`+1` and `-1`, and one target whose value is a negative number. Both exports must write every
such text cell as text prefixed with `'` (XLSX: a string cell, never a formula cell), keep
numbers as numbers (the negative target value included, unprefixed), and CSV must be UTF-8
with a BOM. The XLSX layout (one workbook, a sheet per mart, Chinese and English header rows,
frozen, rows in natural-key order) is checked on the same warehouse.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
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


def _sheets(path: Path) -> dict[str, list[tuple]]:
    """{sheet: rows as value tuples} of a workbook (not read-only: that mode cuts trailing empty cells)."""
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in load_workbook(path).worksheets}


def test_xlsx_has_no_formula_cell_and_text_is_a_string_cell(warehouse, text_columns, tmp_path):
    _export(warehouse, "xlsx", tmp_path)
    assert [f.name for f in tmp_path.glob("*.xlsx")] == ["marts.xlsx"]
    wb = load_workbook(tmp_path / "marts.xlsx")
    assert set(wb.sheetnames) == set(text_columns), "one sheet per mart"
    for ws in wb.worksheets:
        header = [c.value for c in ws[2]]  # row 1: Chinese names, row 2: column names
        for row in ws.iter_rows():
            for column, cell in zip(header, row, strict=True):
                where = f"{ws.title} {cell.coordinate}"
                assert cell.data_type != "f", f"{where}: formula {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{where}: {cell.data_type}"
                    assert cell.value[:1] not in TRIGGERS, f"{where}: {cell.value!r}"
                if cell.row > 2 and cell.value is not None and column not in text_columns[ws.title]:
                    assert not isinstance(cell.value, str), f"{where} {column}: number became text"

    rows = _sheets(tmp_path / "marts.xlsx")["fct_target_progress"]
    header, body = rows[1], [dict(zip(rows[1], r, strict=True)) for r in rows[2:]]
    assert "plan_name" in header
    plans = {r["plan_name"] for r in body}
    assert "'" + DDE in plans and DDE not in plans
    assert "'" + DOC_NO in {r["document_no"] for r in body}
    assert {"'" + AT_CLAUSE, "'+1", "'-1"} <= {r["clause"] for r in body}
    negative = [r for r in body if r["indicator_code"] == "energy_intensity_change_pct"]
    assert len(negative) == 1 and negative[0]["target_value"] == -13.5 and negative[0]["target_year"] == 2025


def _sort_key(row: tuple) -> tuple:
    return tuple((v is None, v) for v in row)


def test_xlsx_headers_in_chinese_and_english_frozen_and_rows_in_key_order(warehouse, text_columns, tmp_path):
    """Row 1 the Chinese column names of the dbt YAML ("中文 / English" descriptions, the full one as
    the cell's comment), row 2 the column names, both frozen; rows ordered by the mart's natural key
    (its unique_combination_of_columns or unique test), in XLSX as in CSV and Parquet."""
    from pipelines.serve.mart_docs import mart_docs

    docs = mart_docs()
    assert docs["fct_indicator_value"].key == ["indicator_code", "region_code", "year"]
    assert docs["fct_target_progress"].key[:3] == ["plan_name", "region_code", "indicator_code"]
    assert docs["dim_region"].key == ["region_code"]
    _export(warehouse, "xlsx", tmp_path)
    wb = load_workbook(tmp_path / "marts.xlsx")
    sheets = _sheets(tmp_path / "marts.xlsx")
    assert sheets["fct_target_progress"][0][:5] == ("规划名称", "文号(可为空)", "目标所属地区", "指标代码", "目标类型")
    assert sheets["dim_indicator"][0][:4] == ("指标代码", "指标名称", "英文名称", "单位")
    for title, rows in sheets.items():
        ws = wb[title]
        assert ws.freeze_panes == "A3", title
        zh, columns = rows[0], rows[1]
        assert list(columns) == list(docs[title].columns), title
        for i, (label, column) in enumerate(zip(zh, columns, strict=True), start=1):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), f"{title}.{column}: {label!r} is not Chinese"
            comment = ws.cell(row=1, column=i).comment
            assert comment is not None and "/ " in comment.text and comment.text.startswith(label[:2])
        key = docs[title].key or list(columns)
        positions = [columns.index(c) for c in key]
        body = [tuple(r[p] for p in positions) for r in rows[2:]]
        assert body == sorted(body, key=_sort_key), f"{title}: rows not in {key} order"
        assert len(body) == len(set(body)) or not docs[title].key, f"{title}: {key} is not a key"

    _export(warehouse, "csv", tmp_path / "csv")
    text = (tmp_path / "csv" / "fct_target_progress.csv").read_text("utf-8-sig")
    xlsx_body = [tuple("" if v is None else str(v) for v in r[:5]) for r in sheets["fct_target_progress"][2:]]
    csv_body = [tuple(r[:5]) for r in csv.reader(io.StringIO(text, newline=""))][1:]
    assert csv_body == xlsx_body
    _export(warehouse, "parquet", tmp_path / "parquet")
    table = pq.read_table(tmp_path / "parquet" / "fct_indicator_value.parquet")
    keys = list(zip(*(table.column(c).to_pylist() for c in docs["fct_indicator_value"].key), strict=True))
    assert keys == sorted(keys) and len(keys) > 0


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
    ws = load_workbook(tmp_path / "xlsx" / "marts.xlsx")["t"]
    # a table the dbt project does not describe: its column names on both header rows
    assert [c.value for c in ws[1]] == [c.value for c in ws[2]] == ["k", "s", "x", "b"]
    body = list(ws.iter_rows(min_row=3))
    # (XML reading turns a raw CR into LF, in openpyxl as in Excel; the prefix is what matters)
    lf = [None if e is None else e.replace("\r", "\n") for e in expected]
    assert [r[1].value for r in body] == lf
    assert all(r[1].data_type == "s" for r in body if r[1].value is not None)
    assert [r[2].value for r in body] == [-1.5 * i for i in range(len(texts))]
    assert all(r[2].data_type == "n" for r in body)
    assert [r[3].value for r in body] == [i % 2 == 0 for i in range(len(texts))]
