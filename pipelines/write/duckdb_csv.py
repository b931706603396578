"""Fast path of the write step: DuckDB's own CSV reader fills the strings table of a large CSV.

The Python path (readers.open_csv → convert.load_strings) builds the all-VARCHAR strings table
cell by cell; for a 130K-row file that is about a second of Python. Here DuckDB's multi-threaded
reader parses the data part (after the header row, which Python has already found) into the
same table: the same s-columns, the same `_extra` JSON text and the same `_row_number`.

DuckDB has no line numbers, and its parser differs from Python's `csv` module on unusual input
(a space before an opening quote, text after a closing quote, empty lines, lone CRs). So the
fast path is only taken when the bytes prove that every record is exactly one physical line and
every quote is used the plain RFC 4180 way; then record k of the data part is line
header_line + k, exactly as `csv.reader.line_num` counts. Anything else — and any DuckDB error —
returns None and the caller reads the file the Python way, whose findings (corrupt_csv with its
line, ...) are the reference.
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.write.headers import MatchedColumn

log = logging.getLogger(__name__)

# Below this size the Python path is as fast (DuckDB's fixed cost per read_csv call plus the
# checks is some milliseconds); measured on the city drop, see docs/decisions.md.
FAST_PATH_MIN_BYTES = 256 << 10

# What Python's str.strip() removes: every Unicode whitespace character (U+3000, \xa0, ...).
WHITESPACE = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())
_WS_SQL = "'" + WHITESPACE + "'"  # no quote among them
_WS_CLASS = "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in WHITESPACE) + "]"  # RE2, UTF-8 aware

# A line on which every quote is used the RFC 4180 way: each field either holds no quote at all
# or is wholly quoted with "" inside. Python's csv module and DuckDB read such a line alike; on
# any other use of quotes they may not (` "a,b"` is two cells for Python, one for DuckDB).
_FIELD = rb'(?:[^",\r\n]*|"[^"]*(?:""[^"]*)*")'
_PLAIN_LINE = re.compile(rb"%s(?:,%s)*\r?" % (_FIELD, _FIELD))


@dataclass(frozen=True)
class CsvLayout:
    """What the Python reader learned of a CSV file that DuckDB needs to read its data part."""

    path: Path
    encoding: str  # utf-8, utf-8-sig or gb18030 (as detect_encoding found)
    header_line: int  # physical line of the header row: DuckDB skips this many lines
    width: int  # cells in the header row


def _refusal(body: bytes, header_line: int) -> tuple[str | None, int]:
    """(why the fast path cannot prove identity or None, number of lines after the header)."""
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        return "a lone CR (Python counts it as a line break, DuckDB does not)", 0
    start = 0
    for _ in range(header_line):
        nl = body.find(b"\n", start)
        if nl < 0 or nl + 1 == len(body):
            return "no data after the header row", 0
        start = nl + 1
    # Empty lines need no search: DuckDB skips them, so they show as fewer records than lines.
    lines = body.count(b"\n", start) + (not body.endswith(b"\n"))
    # Every line holding a quote, the title rows included (DuckDB's skip follows quotes too);
    # found quote by quote, so a file without quotes costs one search and no list of lines.
    quote = body.find(b'"')
    while quote >= 0:
        begin = body.rfind(b"\n", 0, quote) + 1
        end = body.find(b"\n", quote)
        end = len(body) if end < 0 else end
        if not _PLAIN_LINE.fullmatch(body, begin, end):
            line = body.count(b"\n", 0, begin) + 1
            return f"quotes used in a way the two parsers may read differently (line {line})", 0
        quote = body.find(b'"', end)
    return None, lines


def _json_string(expr: str) -> str:
    """SQL: `expr` (VARCHAR, not NULL) as json.dumps(ensure_ascii=False) writes a string."""
    out = f"replace(replace({expr}, '\\', '\\\\'), '\"', '\\\"')"
    for code in range(1, 0x20):  # NUL never gets here: detect_encoding rejects it
        escaped = json.dumps(chr(code))[1:-1]  # \n, \t, ... or \u001f, as json writes it
        out = f"replace({out}, chr({code}), '{escaped}')"
    # Only cells holding a quote, backslash or control character pay for the replaces.
    test = f"regexp_matches({expr}, '[\\x01-\\x1f\"\\\\]')"
    return f"""('"' || CASE WHEN {test} THEN {out} ELSE {expr} END || '"')"""


def _extra_sql(extra: list[tuple[int, str]], cell) -> str:
    """SQL: the `_extra` JSON text, byte for byte what convert._extra_json makes of a row."""
    if not extra:
        return "CAST(NULL AS VARCHAR)"
    # A header written twice is one key of the dict: placed first, holding the later cell.
    last: dict[str, int] = {}
    for pos, header in extra:
        last[header] = pos
    parts: list[str] = []
    for i, (header, pos) in enumerate(last.items()):
        key = json.dumps(header, ensure_ascii=False) + ": "
        key = ("" if i == 0 else ", ") + key
        value = f"coalesce({_json_string(cell(pos))}, 'null')"
        parts.append("'" + key.replace("'", "''") + "' || " + value)
    return "('{' || " + " || ".join(parts) + " || '}')"


def _database_dir(con: duckdb.DuckDBPyConnection) -> str | None:
    """The folder of the connection's database file (None in memory): a transcoded copy goes on
    the warehouse's own filesystem, not a possibly small /tmp."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return os.path.dirname(os.path.abspath(row[0])) if row and row[0] else None


def load_csv_strings(
    con: duckdb.DuckDBPyConnection,
    table: str,
    layout: CsvLayout,
    columns: list[MatchedColumn],
    extra: list[tuple[int, str]],
    min_bytes: int | None = None,
) -> int | None:
    """Create and fill the temporary table `table` as convert.load_strings would from the
    Python rows of the file. Returns the row count, or None when the fast path was not taken
    (`table` is then untouched or dropped) and the caller must read the file the Python way.
    `min_bytes`: smaller files are left to the Python path (default FAST_PATH_MIN_BYTES)."""
    if layout.path.stat().st_size < (FAST_PATH_MIN_BYTES if min_bytes is None else min_bytes):
        return None
    # The whole file in memory (the largest national file is ~200 MB): the checks below are
    # C-speed searches over it, and a GB18030 file needs its UTF-8 copy anyway.
    body = layout.path.read_bytes()
    if layout.encoding == "gb18030":
        body = body.decode("gb18030").encode("utf-8")
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    reason, lines = _refusal(body, layout.header_line)
    if reason is not None:
        log.debug("%s: Python CSV path: %s", layout.path, reason)
        return None
    copy: str | None = None
    try:
        if layout.encoding == "gb18030":
            # DuckDB reads no GB18030 (and may download nothing): it reads a UTF-8 copy.
            fd, copy = tempfile.mkstemp(prefix=".sti-csv-", suffix=".csv", dir=_database_dir(con))
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
        return _read(con, table, layout, Path(copy) if copy else layout.path, lines, columns, extra)
    finally:
        if copy:
            os.unlink(copy)


def _read(
    con: duckdb.DuckDBPyConnection,
    table: str,
    layout: CsvLayout,
    path: Path,
    lines: int,
    columns: list[MatchedColumn],
    extra: list[tuple[int, str]],
) -> int | None:
    raw_table = "_csv_raw"
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(layout.width))
    literal = "'" + str(path).replace("'", "''") + "'"
    # Every option forced: no sniffing, RFC 4180 quoting, short rows padded, long rows and any
    # line longer than Python's field limit an error (so the Python path reports them).
    options = (
        f"columns={{{cols}}}, auto_detect=false, header=false, skip={layout.header_line}, "
        "delim=',', quote='\"', escape='\"', comment='', encoding='utf-8', all_varchar=true, "
        f"null_padding=true, strict_mode=true, ignore_errors=false, max_line_size={csv.field_size_limit()}"
    )
    try:
        (ordered,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
        if not ordered:
            log.debug("%s: Python CSV path: preserve_insertion_order is off (rowid is no line order)", layout.path)
            return None
        con.execute(f"CREATE OR REPLACE TEMP TABLE {raw_table} AS SELECT * FROM read_csv({literal}, {options})")
        (count,) = con.execute(f"SELECT count(*) FROM {raw_table}").fetchone()
        if count != lines:
            log.debug("%s: Python CSV path: DuckDB read %d records from %d lines", layout.path, count, lines)
            return None

        def cell(pos: int) -> str:
            # trim() with a character list is slow; most cells have no whitespace at either end.
            c = f"c{pos}"
            edges = f"regexp_matches({c}, '^{_WS_CLASS}|{_WS_CLASS}$')"
            return f"nullif(CASE WHEN {edges} THEN trim({c}, {_WS_SQL}) ELSE {c} END, '')"

        selects = [f"{cell(m.position)} AS s{i}" for i, m in enumerate(columns)]
        selects.append(f"{_extra_sql(extra, cell)} AS _extra")
        selects.append(f"CAST(rowid + {layout.header_line + 1} AS INTEGER) AS _row_number")
        everything = "concat(" + ", ".join(f"c{i}" for i in range(layout.width)) + ")"
        not_blank = f"regexp_matches({everything}, '[^{_WS_CLASS[1:]}')"  # a cell with a non-space
        # rowid is the record's place in the file (insertion order is kept); blank rows are
        # dropped after numbering, as the Python reader skips them but counts their lines.
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {', '.join(selects)} "
            f"FROM {raw_table} WHERE {not_blank} ORDER BY rowid"
        )
        (rows,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(rows)
    except duckdb.Error as exc:
        log.debug("%s: Python CSV path: DuckDB: %s", layout.path, exc)
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    finally:
        con.execute(f"DROP TABLE IF EXISTS {raw_table}")
