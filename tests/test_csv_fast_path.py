"""DuckDB's CSV reader (pipelines/write/duckdb_csv.py) against the Python reader it replaces.

Each file is read both ways into the strings table; the two tables must be identical, row
order, `_extra` text and `_row_number` included. Each case also says whether the fast path must
be taken, so the test fails if it silently always falls back (or wrongly accepts odd input).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest

from pipelines.contract.sources import SOURCES
from pipelines.write import duckdb_csv
from pipelines.write.convert import load_strings
from pipelines.write.duckdb_csv import WHITESPACE, load_csv_strings
from pipelines.write.file_hashes import sha256_of
from pipelines.write.headers import match_header
from pipelines.write.landing import land_file
from pipelines.write.readers import ReadError, open_batch

SOURCE = "patents"
HEADER = "申请号,专利类型,申请日,授权日,失效日期,专利权人,专利权人统一社会信用代码,所属地区,是否高价值"
ROW = "2023109333269,发明,2023/1/1,,,常州腾锐计算机有限公司,91320412MAP12LTJ1E,武进区,否"


def _tables(tmp_path: Path, content: bytes, name: str = "a.csv") -> tuple[int | None, list, list]:
    """(fast path's row count or None, fast table rows, Python table rows)."""
    folder = tmp_path / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    source = SOURCES[SOURCE]
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        opened = open_batch(source, path)
        match = match_header(source, opened.header)
        count = None
        if opened.csv_layout is not None:
            count = load_csv_strings(con, "s_fast", opened.csv_layout, match.columns, match.extra, min_bytes=0)
        opened.close()
        fast = con.execute("SELECT * FROM s_fast").fetchall() if count is not None else []
        opened = open_batch(source, path)
        n = load_strings(con, "s_py", match.columns, match.extra, opened.rows)
        python = con.execute("SELECT * FROM s_py").fetchall()
        assert n == len(python)
        if count is not None:
            assert count == len(fast)
            types = [r[1:3] for r in con.execute("DESCRIBE s_fast").fetchall()]
            assert types == [r[1:3] for r in con.execute("DESCRIBE s_py").fetchall()]
    finally:
        con.close()
    # No transcoded copy is left beside the database.
    assert not list(tmp_path.glob(".sti-csv-*"))
    return count, fast, python


def _csv(*lines: str, end: str = "\n", final: bool = True) -> str:
    return end.join(lines) + (end if final else "")


FAST_CASES = {
    "plain": _csv(HEADER, ROW, ROW.replace("发明", "实用新型")),
    "crlf": _csv(HEADER, ROW, ROW, end="\r\n"),
    "no trailing newline": _csv(HEADER, ROW, ROW, final=False),
    "crlf no trailing newline": _csv(HEADER, ROW, ROW, end="\r\n", final=False),
    "title rows": _csv("2023年专利数据", "单位：件,,", HEADER, ROW, ROW),
    "empty line in the title rows": _csv("2023年专利数据", "", HEADER, ROW),
    "empty crlf lines in the title rows": _csv("", "2023年专利数据", "", HEADER, ROW, end="\r\n"),
    "quoted title row": _csv('"标题,含逗号",x', HEADER, ROW),
    "quoted cells with commas": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", '"常州腾锐, 计算机有限公司"')),
    "doubled quotes inside": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", '"常州""腾锐""公司"'), ROW),
    "empty quoted cells": _csv(HEADER, '"",发明,"",,"",甲,"  ",武进区,否'),
    "rows of only commas": _csv(HEADER, ROW, ",,,,,,,,", ROW, ",,,"),
    "whitespace-only rows": _csv(HEADER, ROW, "   ", " , \u3000,\xa0", ROW),
    "short rows": _csv(HEADER, ROW, "2023109333269,发明", "x"),
    "full-width and other spaces around cells": _csv(
        HEADER,
        "\u3000 2023109333269\xa0,\t发明 ,2023/1/1\u2003,,,\u00a0甲 公司\u3000,"
        "\u202f91320412MAP12LTJ1E,武进区\x85,否\x1f",
        ROW,
    ),
    "spaces only inside": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", "常州 腾锐\u3000计算机")),
    "unknown extra headers": _csv(
        HEADER + ",备注,来源 ",
        ROW + ',"说明, ""引号"" \\ 反斜杠",  ',
        ROW + ",,x\x01y\x0bz",
        ROW + ",\u3000",
        ROW,
    ),
    "extra header written twice": _csv(HEADER + ",备注,其他,备注", ROW + ",a,b,c", ROW + ",a,,", ROW),
    "quoted last line, no trailing newline": _csv(
        HEADER, ROW, ROW.replace("常州腾锐计算机有限公司", '"甲,""乙"""'), final=False
    ),
    "empty header cells": _csv(HEADER + ",,", ROW + ",x,y", ROW),
    "year suffix and numbers": _csv(HEADER, ROW.replace("2023/1/1", "2023年"), ROW.replace("2023/1/1", '"1,234.5"')),
    "a control character inside a cell": _csv(HEADER, ROW.replace("武进区", "武进\x0c区")),
}

# Inputs on which the two parsers may differ, or line numbers cannot be proved: Python reads them.
FALLBACK_CASES = {
    "embedded newline": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", '"常州\n腾锐"'), ROW),
    "embedded crlf": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", '"常州\r\n腾锐"'), ROW, end="\r\n"),
    "multi-line title row": _csv('"标题\n第二行"', HEADER, ROW),
    "blank line in the middle": _csv(HEADER, ROW, "", ROW),
    "blank crlf line in the middle": _csv(HEADER, ROW, "", ROW, end="\r\n"),
    "blank line at the end": _csv(HEADER, ROW, ROW, "", ""),
    "blank line right after the header": _csv(HEADER, "", ROW),
    "long row": _csv(HEADER, ROW, ROW + ",多出来的"),
    "lone CR": _csv(HEADER, ROW, ROW, end="\r"),
    "mixed line endings": HEADER + "\n" + ROW + "\r\n" + ROW + "\n",
    "space before an opening quote": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", ' "甲,乙"')),
    "quote inside an unquoted cell": _csv(HEADER, ROW, ROW.replace("常州腾锐", 'AB"C')),
    "odd quote in a title row": _csv('标题," x"y', HEADER, ROW),
    "text after a closing quote": _csv(HEADER, ROW.replace("常州腾锐计算机有限公司", '"甲"乙')),
    "unclosed quote": _csv(HEADER, ROW, ROW.replace("常州腾锐计算机有限公司", '"甲')),
    "header only": _csv(HEADER),
    "header only, no newline": _csv(HEADER, final=False),
}


def _encode(text: str, encoding: str) -> bytes:
    return b"\xef\xbb\xbf" + text.encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("case", list(FAST_CASES))
def test_fast_path_reads_what_python_reads(tmp_path, case, encoding):
    text = FAST_CASES[case]
    if encoding == "gb18030" and any(ch in text for ch in "\x85\u202f\u2003"):
        text = text.replace("\x85", "").replace("\u202f", "").replace("\u2003", "")  # keep it GBK-like
    count, fast, python = _tables(tmp_path, _encode(text, encoding))
    assert count is not None, "the fast path must be taken"
    assert fast == python
    assert python, "every case has data rows"


@pytest.mark.parametrize("case", list(FALLBACK_CASES))
def test_odd_files_are_left_to_python(tmp_path, case):
    try:
        count, _fast, _python = _tables(tmp_path, FALLBACK_CASES[case].encode("utf-8"))
    except ReadError:
        return  # the Python reader's own finding (e.g. corrupt_csv) stands
    assert count is None


def test_a_field_over_pythons_limit_is_left_to_python(tmp_path):
    # Python's csv module refuses a field over 128 KiB (corrupt_csv); DuckDB must not accept it.
    # (past the header search rows, so the file opens and the limit is met while reading data)
    content = _csv(HEADER, *[ROW] * 40, ROW.replace("常州腾锐计算机有限公司", "甲" * 140_000)).encode()
    with pytest.raises(ReadError) as exc:
        _tables(tmp_path, content)
    assert exc.value.rule == "corrupt_csv"
    folder = tmp_path / "again"
    folder.mkdir()
    path = folder / "a.csv"
    path.write_bytes(content)
    opened = open_batch(SOURCES[SOURCE], path)
    match = match_header(SOURCES[SOURCE], opened.header)
    con = duckdb.connect()
    assert load_csv_strings(con, "s", opened.csv_layout, match.columns, match.extra, min_bytes=0) is None
    opened.close()


def test_extra_json_is_the_text_python_writes(tmp_path):
    # Every control character, quote and backslash, in an unknown column: the same JSON text.
    specials = "".join(chr(c) for c in range(1, 0x20) if chr(c) not in "\r\n") + '\\"/\x7f\u2028é年'
    cell = '"' + ("a" + specials + "z").replace('"', '""') + '"'
    content = _csv(HEADER + ",备注", ROW + "," + cell, ROW + ",x").encode()
    count, fast, python = _tables(tmp_path, content)
    assert count == 2
    assert fast == python
    assert json.loads(fast[0][-2])["备注"] == "a" + specials + "z"


def test_strip_matches_python_for_every_whitespace_character(tmp_path):
    lines = [HEADER + ",备注"]
    for ch in WHITESPACE:
        if ch in "\r\n":
            continue
        lines.append(f"{ch}1{ch},{ch}发明{ch}{ch},,,,{ch}甲{ch}乙{ch},,武进区,否,{ch}x{ch}")
        lines.append(f"{ch},{ch}{ch},,,,,,,,{ch}")  # blank: only whitespace
    count, fast, python = _tables(tmp_path, _csv(*lines).encode())
    assert count is not None
    assert fast == python


def test_a_large_messy_file_reads_identically(tmp_path):
    # Enough rows for DuckDB to split the file between threads; cells drawn from the cases above.
    rng = random.Random(12)
    cells = ["", " ", "\u3000", "甲", " 乙 ", '"丙,丁"', '"戊""己"', "2023年", '"1,234"', "\xa0x\xa0", "a\tb"]
    lines = ["标题：2023年专利", HEADER + ",备注,附注"]
    for i in range(60_000):
        width = rng.choice([11, 11, 11, 11, 9, 3])
        row = [str(i)] + [rng.choice(cells) for _ in range(width - 1)]
        lines.append(",".join(row))
    count, fast, python = _tables(tmp_path, _csv(*lines, end="\r\n").encode("gb18030"))
    assert count is not None
    assert len(fast) > 50_000
    assert fast == python


def _land(tmp_path: Path, content: bytes, min_bytes: int, monkeypatch) -> tuple:
    monkeypatch.setattr(duckdb_csv, "FAST_PATH_MIN_BYTES", min_bytes)
    drop = tmp_path / f"drop{min_bytes}"
    (drop / SOURCE).mkdir(parents=True)
    path = drop / SOURCE / "专利数据.csv"
    path.write_bytes(content)
    con = duckdb.connect(str(tmp_path / f"w{min_bytes}.duckdb"))
    try:
        batch = land_file(con, SOURCE, drop, path, sha256_of(path))
        rows = con.execute(f"SELECT * FROM {batch.table} ORDER BY _row_number").fetchall() if batch.table else None
        leftovers = con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 's_%'").fetchall()
    finally:
        con.close()
    assert not leftovers, "the strings table is dropped"
    findings = [(f.rule, f.column, f.failing_count, f.examples) for f in batch.findings]
    return batch.row_count, batch.header_row, findings, rows


def test_land_file_takes_the_fast_path_for_large_files_with_the_same_result(tmp_path, monkeypatch):
    bad = ROW.replace("2023/1/1", "2023-02-30").replace(",否", ",也许")
    text = _csv("专利数据", HEADER + ",备注", ROW + ",x", ",,,", bad, ROW.replace("武进区", "不存在区"))
    content = text.encode("gb18030")
    taken: list[int | None] = []
    real = duckdb_csv.load_csv_strings

    def spy(*args, **kwargs):
        taken.append(real(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr("pipelines.write.landing.load_csv_strings", spy)
    fast = _land(tmp_path, content, 0, monkeypatch)
    python = _land(tmp_path, content, 1 << 40, monkeypatch)
    assert taken == [3, None]  # the row of commas is blank
    assert fast == python
    assert {f[0] for f in fast[2]} >= {"unparseable_date", "unparseable_yes_no"}
