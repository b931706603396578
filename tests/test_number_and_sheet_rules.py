"""DESIGN §2 (issue 7): the number rule and the first visible sheet of an xlsx.

Numbers: `.` is the decimal point; `,` and `，` only group thousands. `604,97` or `1.234,5`
must never become another number (they were read as 60497 and 1.2345): they are rejected
naming the file, the column as written, the row and the value, with a fix saying what to write.

xlsx: hidden sheets are never read; the first visible sheet is the list; a second visible
sheet holding the same header makes the workbook ambiguous. Skipped hidden sheets are reported.

Every case goes through the code a refresh uses (`land_file` on a real DuckDB connection, or
`sti validate` on a tiny drop), with real files on disk.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pytest

from pipelines.cli import main as sti
from pipelines.contract.sources import SOURCES
from pipelines.write.convert import NUMBER_PATTERN
from pipelines.write.readers import ReadError, note_findings, open_batch
from tests import drops
from tests.drops import ROSTER_HEADERS, SME_HEADERS, SME_ROWS, TIANNING, ZHONGLOU, uscc
from tests.harness import land_and_read

RD_HEADER = "所属地区,年度,R&D经费内部支出(万元),数据状态"


def _land_path(path: Path, source: str, drop: Path):
    return land_and_read(source, drop, path)


def _land_csv(tmp_path: Path, source: str, text: str, name: str = "f.csv"):
    path = drops.add_bytes(tmp_path / "drop", source, name, text.encode("utf-8"))
    return _land_path(path, source, tmp_path / "drop")


def _rd_file(tmp_path: Path, amount: str, year: str = "2023", header: str = RD_HEADER):
    """An rd_spending CSV with a title row: the cell under test is on row 3."""
    line = ",".join(f'"{c}"' for c in (TIANNING, year, amount, "正式"))
    return _land_csv(tmp_path, "rd_spending", f"R&D经费\n{header}\n{line}\n")


# ---------------------------------------------------------------------------------------
# The number rule, one spelling at a time


@pytest.mark.parametrize(
    "text, value",
    [
        ("604.97", 604.97),
        ("1,234.5", 1234.5),
        ("12,345", 12345.0),
        ("1,234,567.25", 1234567.25),
        ("1，234", 1234.0),  # full-width comma groups thousands too
        ("1，234，567.5", 1234567.5),
        ("999", 999.0),
        ("0", 0.0),
        ("0.5", 0.5),
        (".5", 0.5),
        ("-3.5", -3.5),
        ("+2", 2.0),
        ("-1,234.5", -1234.5),
        ("1e-05", 1e-05),  # repr(float) of an xlsx cell
        ("1.5e+20", 1.5e20),
        ("2.5E3", 2500.0),
        (" 604.97 ", 604.97),  # surrounding blanks are trimmed
    ],
)
def test_accepted_number_spellings(tmp_path, text, value):
    batch, rows = _rd_file(tmp_path, text)
    assert not batch.findings, [f.one_line() for f in batch.findings]
    assert rows["rd_expenditure"] == [pytest.approx(value)]


@pytest.mark.parametrize(
    "text, hint",
    [
        ("604,97", "write the decimal with a point: 604.97"),
        ("1,23", "write the decimal with a point: 1.23"),
        ("0,125", "write the decimal with a point: 0.125"),  # not 125: a group never starts the number with 0
        ("1,2345", "write the decimal with a point: 1.2345"),
        ("1.234,5", "write 1234.5"),
        ("1.234.567", "write 1,234,567"),
        ("12,34,567", "groups of three digits"),
        ("1,234.", "groups of three digits"),
        ("1,234e5", "groups of three digits"),
        ("1，234,567", "half-width characters: 1,234,567"),  # mixed separators
        ("１２３", "half-width characters: 123"),
        ("１，２３４.５", "half-width characters: 1,234.5"),
        ("—", "leave the cell empty"),
        ("-", "leave the cell empty"),
        ("--", "leave the cell empty"),
        ("/", "leave the cell empty"),
        ("NA", "leave the cell empty"),
        ("N/A", "leave the cell empty"),
        ("无", "leave the cell empty"),
        ("12%", "the unit belongs in the header"),
        ("100万元", "the unit belongs in the header"),
        ("约100", "the unit belongs in the header"),
        ("1 234", "a comma only between groups of three digits"),
        ("1_000", "a comma only between groups of three digits"),
        ("inf", "a comma only between groups of three digits"),
        ("nan", "leave the cell empty"),
        ("0x10", "the unit belongs in the header"),
        ("−5", "plain hyphen-minus: -5"),  # U+2212 minus sign
        ("++1", "a comma only between groups of three digits"),
        ("abc", "a comma only between groups of three digits"),
    ],
)
def test_rejected_number_spellings_name_the_cell(tmp_path, text, hint):
    batch, rows = _rd_file(tmp_path, text)
    assert batch.rejected
    [finding] = batch.findings
    assert finding.rule == "bad_number_format", finding.one_line()
    assert finding.severity == "ERROR"
    assert finding.file == "rd_spending/f.csv"
    assert finding.column == "rd_expenditure" and finding.header == "R&D经费内部支出(万元)"
    assert finding.failing_count == 1
    assert finding.examples == [(3, text.strip())]
    assert "decimal point" in finding.message
    assert hint in finding.fix, finding.fix
    # the cell never becomes some other number in the landing table
    assert rows["rd_expenditure"] == [None]


def test_comma_is_only_a_thousands_separator_in_any_unit(tmp_path):
    """元 → 万元: `1,234,500` 元 is 123.45 万元; `604,97` 元 is rejected, not 6.0497 万元."""
    header = RD_HEADER.replace("(万元)", "(元)")
    batch, rows = _rd_file(tmp_path, "1,234,500", header=header)
    assert not batch.findings and rows["rd_expenditure"] == [pytest.approx(123.45)]
    batch, rows = _rd_file(tmp_path, "604,97", header=header)
    assert [(f.rule, f.header, f.examples) for f in batch.findings] == [
        ("bad_number_format", "R&D经费内部支出(元)", [(3, "604,97")])
    ]


@pytest.mark.parametrize(
    "text, year",
    [("2023", 2023), ("2023年", 2023), ("2023年度", 2023), ("2023 年", 2023), ("+2023", 2023), ("2,023", 2023)],
)
def test_accepted_integer_spellings(tmp_path, text, year):
    batch, rows = _rd_file(tmp_path, "10.5", year=text)
    assert not batch.findings, [f.one_line() for f in batch.findings]
    assert rows["year"] == [year]


@pytest.mark.parametrize(
    "text, rule, hint",
    [
        ("2023.5", "not_an_integer", "whole number"),
        ("1e30", "not_an_integer", "whole number"),  # beyond BIGINT: reported, not a crash
        ("２０２３年", "bad_number_format", "half-width characters: 2023"),
        ("二〇二三", "bad_number_format", "groups of three digits"),
        ("2,0,2,3", "bad_number_format", "groups of three digits"),
        ("2023年底", "bad_number_format", "the unit belongs in the header"),
    ],
)
def test_rejected_integer_spellings(tmp_path, text, rule, hint):
    batch, rows = _rd_file(tmp_path, "10.5", year=text)
    [finding] = batch.findings
    assert (finding.rule, finding.column, finding.examples) == (rule, "year", [(3, text)])
    assert hint in finding.fix, finding.fix
    assert rows["year"] == [None]


def test_overflowing_number_is_reported(tmp_path):
    batch, rows = _rd_file(tmp_path, "1e999")
    assert [(f.rule, f.examples) for f in batch.findings] == [("number_out_of_range", [(3, "1e999")])]
    assert rows["rd_expenditure"] == [None]


def test_many_bad_cells_one_finding_per_column_with_rows_and_fixes(tmp_path):
    lines = [
        f"{TIANNING},2019,604.97,正式",
        f"{TIANNING},2020,\"604,97\",正式",
        f"{ZHONGLOU},2020.5,\"1.234,5\",正式",
        f"{ZHONGLOU},2021,—,初步",
        f"{ZHONGLOU},2022,\"1,234.5\",初步",
    ]
    batch, rows = _land_csv(tmp_path, "rd_spending", RD_HEADER + "\n" + "\n".join(lines) + "\n")
    by_rule = {f.rule: f for f in batch.findings}
    assert set(by_rule) == {"bad_number_format", "not_an_integer"}
    money = by_rule["bad_number_format"]
    assert money.failing_count == 3 and money.examples == [(3, "604,97"), (4, "1.234,5"), (5, "—")]
    assert "604.97" in money.fix and "1234.5" in money.fix and "leave the cell empty" in money.fix
    assert by_rule["not_an_integer"].examples == [(4, "2020.5")]
    # the good cells convert; the bad ones are NULL, never a wrong number
    assert rows["rd_expenditure"] == [pytest.approx(604.97), None, None, None, pytest.approx(1234.5)]
    assert rows["year"] == [2019, 2020, None, 2021, 2022]
    # the CLI's one-line form names the file, the column as written, row and value
    line = money.one_line()
    assert "rd_spending/f.csv column R&D经费内部支出(万元)" in line and "row 3: '604,97'" in line


def test_xlsx_number_cells_and_text_cells(tmp_path):
    """Float cells come through repr (1e-05, 1.5e+20) and are numbers; a text cell `604,97` is not."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(RD_HEADER.split(","))
    ws.append([TIANNING, 2022, 1e-05, "正式"])
    ws.append([TIANNING, 2023.0, 1.5e20, "正式"])
    ws.append([ZHONGLOU, "2023年", 604.97, "正式"])
    ws.append([ZHONGLOU, 2022, "604,97", "正式"])
    path = tmp_path / "drop" / "rd_spending" / "rd.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    batch, rows = _land_path(path, "rd_spending", tmp_path / "drop")
    assert [(f.rule, f.examples) for f in batch.findings] == [("bad_number_format", [(5, "604,97")])]
    assert rows["rd_expenditure"][:3] == [pytest.approx(1e-05), pytest.approx(1.5e20), pytest.approx(604.97)]
    assert rows["year"] == [2022, 2023, 2023, 2022]


def test_generator_never_writes_a_number_the_rule_rejects():
    """The generated drops' number texts (formats._number_strings) all follow the rule."""
    from pipelines.generate.formats import _number_strings

    rng = np.random.default_rng(7)
    texts: list[str] = []
    for decimals in (0, 2, 3, 6, 10):
        for scale in (1e-6, 1e-3, 1.0, 1e3, 1e6, 1e9, 1e12):
            values = rng.normal(0, scale, 200)
            texts += [t for t in _number_strings(values, decimals).tolist() if t]
    texts += [t for t in _number_strings(np.array([1e17, -2.5e16, 1e-07, 123456789.123]), 6).tolist() if t]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (s VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[t] for t in texts])
    bad = con.execute(f"SELECT s FROM t WHERE NOT regexp_full_match(s, '{NUMBER_PATTERN}')").fetchall()
    assert not bad, bad[:10]
    assert all(re.fullmatch(NUMBER_PATTERN, t) for t in texts)


# ---------------------------------------------------------------------------------------
# xlsx: the first visible sheet


def _sheet(wb: openpyxl.Workbook, title: str, rows: list[list[object]], state: str = "visible", first: bool = False):
    if first:
        ws = wb.active
        ws.title = title
    else:
        ws = wb.create_sheet(title)
    for row in rows:
        ws.append(list(row))
    ws.sheet_state = state
    return ws


DRAFT_ROWS = [
    ["常州草稿科技有限公司", uscc(40), "DRAFT-1", 2023, TIANNING],
    ["常州草稿二有限公司", "not-a-uscc", "DRAFT-2", 2023, TIANNING],
]


def _save(wb: openpyxl.Workbook, drop: Path, name: str = "名单.xlsx", source: str = "tech_sme_registry") -> Path:
    """Save into drop/source/name, with the first visible sheet active (as Excel would)."""
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if visible:
        wb.active = wb.worksheets.index(visible[0])
    path = drop / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _rewrite(path: Path, member: str, edit) -> None:
    """Rewrite one part of a saved workbook (for what openpyxl refuses to write)."""
    data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = edit(body)
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())


def _registration_numbers(rows) -> list[str]:
    return rows["registration_no"]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_first_sheet_is_not_read(tmp_path, state):
    wb = openpyxl.Workbook()
    _sheet(wb, "草稿", [SME_HEADERS, *DRAFT_ROWS], state=state, first=True)
    _sheet(wb, "名单", [["2023年科技型中小企业入库名单"], SME_HEADERS, *SME_ROWS])
    path = _save(wb, tmp_path / "drop")
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert not batch.rejected, [f.one_line() for f in batch.findings]
    assert batch.header_row == 2
    assert rows["_row_number"] == [3, 4, 5, 6]
    assert _registration_numbers(rows) == [str(r[2]) for r in SME_ROWS]
    # the skipped sheet is reported (as a WARN finding once land_file adds the notes)
    opened = open_batch(SOURCES["tech_sme_registry"], path)
    assert opened.sheet == "名单"
    [finding] = note_findings("tech_sme_registry", "tech_sme_registry/名单.xlsx", opened)
    assert finding.severity == "WARN" and finding.rule == "hidden_sheet_not_read"
    assert "'草稿'" in finding.message and state in finding.message and "'名单'" in finding.message
    assert finding.file == "tech_sme_registry/名单.xlsx" and finding.fix


def test_hidden_sheets_between_and_after_are_not_read_either(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS[:2]], first=True)
    _sheet(wb, "旧版", [SME_HEADERS, *DRAFT_ROWS], state="hidden")
    _sheet(wb, "说明", [["填表说明：请勿修改表头"], ["数据来源：市科技局"]])  # visible, no header: fine
    _sheet(wb, "备份", [SME_HEADERS, *SME_ROWS], state="veryHidden")
    path = _save(wb, tmp_path / "drop")
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert not batch.rejected, [f.one_line() for f in batch.findings]
    assert _registration_numbers(rows) == [str(r[2]) for r in SME_ROWS[:2]]
    opened = open_batch(SOURCES["tech_sme_registry"], path)
    [note] = opened.notes
    assert "'旧版' (hidden)" in note.message and "'备份' (veryHidden)" in note.message
    assert "说明" not in note.message


def test_workbook_without_hidden_sheets_has_no_note(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS], first=True)
    path = _save(wb, tmp_path / "drop")
    opened = open_batch(SOURCES["tech_sme_registry"], path)
    assert opened.notes == [] and note_findings("tech_sme_registry", "x", opened) == []


def test_two_visible_sheets_with_the_header_are_ambiguous(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "第一批", [["2023年第一批"], SME_HEADERS, *SME_ROWS[:2]], first=True)
    _sheet(wb, "第二批", [SME_HEADERS, *SME_ROWS[2:]])
    path = _save(wb, tmp_path / "drop")
    with pytest.raises(ReadError) as exc:
        open_batch(SOURCES["tech_sme_registry"], path)
    assert exc.value.rule == "ambiguous_workbook"
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert batch.rejected and rows is None
    [finding] = batch.findings
    assert finding.rule == "ambiguous_workbook" and finding.severity == "ERROR"
    assert "'第一批'" in finding.message and "'第二批'" in finding.message
    assert "one visible sheet" in finding.fix and "delete" in finding.fix and "hide" in finding.fix


def test_english_header_on_a_second_visible_sheet_is_ambiguous_too(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS], first=True)
    _sheet(wb, "list", [["enterprise_name", "uscc", "registration_no", "year", "region"], *SME_ROWS])
    path = _save(wb, tmp_path / "drop")
    batch, _ = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert [f.rule for f in batch.findings] == ["ambiguous_workbook"]


def test_hidden_copy_of_the_list_is_not_ambiguous(tmp_path):
    """Hiding the other sheet is the documented way out of an ambiguous workbook."""
    wb = openpyxl.Workbook()
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS], first=True)
    _sheet(wb, "第二批", [SME_HEADERS, *DRAFT_ROWS], state="hidden")
    path = _save(wb, tmp_path / "drop")
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert not batch.rejected and len(rows["_row_number"]) == len(SME_ROWS)


def test_list_on_the_second_visible_sheet_says_where_it_is(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "封面", [["常州市科技局"], ["2023年科技型中小企业入库名单"]], first=True)
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS])
    path = _save(wb, tmp_path / "drop")
    batch, _ = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    [finding] = batch.findings
    assert finding.rule == "no_header_row"
    assert "'封面'" in finding.message and "'名单'" in finding.message and "first visible sheet" in finding.fix


def test_empty_first_visible_sheet_is_named(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "Sheet1", [], first=True)
    _sheet(wb, "草稿", [SME_HEADERS, *DRAFT_ROWS], state="hidden")
    path = _save(wb, tmp_path / "drop")
    batch, _ = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    [finding] = batch.findings
    assert finding.rule == "empty_file" and "'Sheet1'" in finding.message


def test_workbook_with_no_visible_sheet_is_rejected(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS], first=True)
    path = _save(wb, tmp_path / "drop")
    # openpyxl refuses to hide the only sheet; Excel files in the wild can still say so
    _rewrite(path, "xl/workbook.xml", lambda b: b.replace(b'state="visible"', b'state="hidden"'))
    assert b'state="hidden"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert rows is None
    [finding] = batch.findings
    assert finding.rule == "no_visible_sheet" and finding.severity == "ERROR"
    assert "'名单' (hidden)" in finding.message and "Unhide" in finding.fix


def test_wrong_dimension_on_the_visible_sheet_still_reads_every_row(tmp_path):
    """reset_dimensions() applies to the sheet that is read, not only to the first one."""
    wb = openpyxl.Workbook()
    _sheet(wb, "草稿", [SME_HEADERS, *DRAFT_ROWS], state="hidden", first=True)
    _sheet(wb, "名单", [["科技型中小企业入库名单"], SME_HEADERS, *SME_ROWS])
    path = _save(wb, tmp_path / "drop")

    def wrong_dimension(body: bytes) -> bytes:
        body, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', body)
        assert n == 1
        return body

    _rewrite(path, "xl/worksheets/sheet2.xml", wrong_dimension)
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert not batch.rejected, [f.one_line() for f in batch.findings]
    assert rows["_row_number"] == [3, 4, 5, 6]
    assert rows["region"] == [str(r[4]) for r in SME_ROWS]


# ---------------------------------------------------------------------------------------
# Through the CLI: `sti validate` on the tiny drop


def _validate(drop: Path, warehouse: Path) -> tuple[int, str]:
    warehouse.mkdir(parents=True, exist_ok=True)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = sti(["validate", str(drop), "--warehouse", str(warehouse)])
    return code, out.getvalue() + err.getvalue()


def test_validate_rejects_a_comma_decimal_money_cell(tiny_drop, tmp_path):
    drop = drops.copy_drop(tiny_drop, tmp_path / "drop")
    rows = [
        [uscc(30), "常州午精密有限公司", 2023, ZHONGLOU, "3421", 1200, 1150, 300, 0, 0, 20, "否"],
        [uscc(31), "常州未电子有限公司", 2023, TIANNING, "3976", "604,97", 600, 150, 0, 0, 10, "否"],
    ]
    drops.add_table(
        drop, "above_scale_industry", "2023-补充.csv", ROSTER_HEADERS, rows, title="规上工业企业名录（补充）"
    )
    code, out = _validate(drop, tmp_path / "warehouse")
    assert code == 1, out
    assert "Traceback" not in out
    assert "REJECTED above_scale_industry/2023-补充.csv" in out, out
    assert out.count("REJECTED ") == 1, out  # every other file passes
    block = out[out.index("REJECTED above_scale_industry/2023-补充.csv") :]
    assert "工业总产值(万元): bad_number_format" in block, block  # the column as written in the header
    assert "row 4: '604,97'" in block, block  # title row 1, header row 2: the second data row is row 4
    assert "write the decimal with a point: 604.97" in block, block


def test_validate_reads_the_visible_sheet_not_the_hidden_draft(tiny_drop, tmp_path):
    drop = drops.copy_drop(tiny_drop, tmp_path / "drop")
    wb = openpyxl.Workbook()
    # the hidden draft: three rows, one with an invalid USCC — rejected if it were read
    _sheet(wb, "草稿", [SME_HEADERS, *DRAFT_ROWS, ["常州草稿三有限公司", uscc(41), "DRAFT-3", 2023, ZHONGLOU]],
           state="hidden", first=True)
    _sheet(wb, "名单", [["2023年科技型中小企业入库名单（第二批）"], SME_HEADERS,
                       ["常州壬医疗器械有限公司", uscc(9), "2023320400000201", 2023, TIANNING]])
    _save(wb, drop, name="第二批.xlsx")
    code, out = _validate(drop, tmp_path / "warehouse")
    assert code == 0, out
    assert "ok       tech_sme_registry/第二批.xlsx (1 rows)" in out, out
    assert "hidden_sheet_not_read" in out and "草稿" in out  # the skipped draft is reported, not silent
    assert "every file passes" in out


def test_damaged_workbook_part_is_a_corrupt_xlsx_not_a_crash(tmp_path):
    wb = openpyxl.Workbook()
    _sheet(wb, "名单", [SME_HEADERS, *SME_ROWS], first=True)
    path = _save(wb, tmp_path / "drop")
    _rewrite(path, "xl/workbook.xml", lambda b: b.replace(b'state="visible"', b'state="visible" state="hidden"'))
    batch, rows = _land_path(path, "tech_sme_registry", tmp_path / "drop")
    assert rows is None and [f.rule for f in batch.findings] == ["corrupt_xlsx"]
