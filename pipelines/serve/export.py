"""`sti export`: every table of the served marts as Parquet, CSV or XLSX under warehouse/exports/.

Spreadsheet safety (DESIGN §5, OWASP "CSV injection"): in CSV and XLSX a text cell that starts
with one of `= + - @`, a tab or a carriage return is written as text prefixed with `'`, so that
Excel or LibreOffice never evaluates it as a formula (a plan name `=cmd|' /C calc'!A0` comes
from a source file, i.e. from outside). Only text columns are touched: numbers (negative ones
included), dates and booleans keep their type. In XLSX every text cell is a string cell, never a
formula cell. Parquet is a data format, not a spreadsheet, and is written unchanged.

CSV is UTF-8 with a byte-order mark (Excel on Chinese Windows reads BOM-less UTF-8 as GBK).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.publish.serving_file import sql_path

FORMATS = ("parquet", "csv", "xlsx")

# The characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The same list as SQL literals.
_SQL_TRIGGERS = "'=', '+', '-', '@', chr(9), chr(13)"
UTF8_BOM = b"\xef\xbb\xbf"

# Column types whose values are text in a spreadsheet cell.
_TEXT_TYPES = ("VARCHAR", "JSON")


def neutralise(value: object) -> object:
    """The cell value as a spreadsheet must receive it: text starting with a formula trigger
    gets a leading `'`; anything else is returned unchanged."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_text(data_type: str) -> bool:
    return data_type.upper() in _TEXT_TYPES or data_type.upper().startswith("ENUM")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [
        (name, data_type)
        for name, data_type in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def safe_select(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, list[str]]:
    """A SELECT of `marts.table` with every text column neutralised (see `neutralise`), and the
    names of those text columns."""
    items, text_columns = [], []
    for name, data_type in _columns(con, table):
        col = _quote_ident(name)
        if _is_text(data_type):
            text_columns.append(name)
            items.append(
                f"CASE WHEN left(CAST({col} AS VARCHAR), 1) IN ({_SQL_TRIGGERS}) "
                f"THEN '''' || CAST({col} AS VARCHAR) ELSE CAST({col} AS VARCHAR) END AS {col}"
            )
        else:
            items.append(col)
    return f"SELECT {', '.join(items)} FROM marts.{_quote_ident(table)}", text_columns


def _write_csv(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> None:
    select, text_columns = safe_select(con, table)
    # Text cells are always quoted (OWASP: quote every text field) so that a quote or a
    # separator inside one cannot start a new, unneutralised cell.
    force_quote = f", FORCE_QUOTE ({', '.join(_quote_ident(c) for c in text_columns)})" if text_columns else ""
    body = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        con.execute(f"COPY ({select}) TO '{sql_path(body)}' (FORMAT csv, HEADER true{force_quote})")
        with target.open("wb") as dst, body.open("rb") as src:
            dst.write(UTF8_BOM)
            shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        body.unlink(missing_ok=True)


def _string_cell(ws, text: str):
    """A string cell whatever the text: openpyxl would otherwise turn any value starting with
    '=' into a formula cell. `neutralise` is idempotent (a leading ' is no trigger), so text
    already neutralised by `safe_select` is left as it is."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=neutralise(text))
    cell.data_type = "s"
    return cell


def _write_xlsx(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> None:
    from openpyxl import Workbook

    select, _text_columns = safe_select(con, table)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=table[:31])
    cursor = con.execute(select)
    ws.append([_string_cell(ws, d[0]) for d in cursor.description])
    # Excel caps a sheet at 1,048,576 rows (header included); a bigger mart belongs in Parquet.
    remaining = 1_048_575
    while remaining > 0:
        rows = cursor.fetchmany(min(10_000, remaining))
        if not rows:
            break
        remaining -= len(rows)
        for row in rows:
            ws.append([_string_cell(ws, v) if isinstance(v, str) else v for v in row])
    wb.save(target)


def export_marts(serving: Path, out: Path, fmt: str) -> list[Path]:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(serving), read_only=True)
    written: list[Path] = []
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        for table in tables:
            target = out / f"{table}.{fmt}"
            if fmt == "xlsx":
                _write_xlsx(con, table, target)
            elif fmt == "csv":
                _write_csv(con, table, target)
            else:
                con.execute(
                    f"COPY (SELECT * FROM marts.{_quote_ident(table)}) TO '{sql_path(target)}' (FORMAT parquet)"
                )
            written.append(target)
    finally:
        con.close()
    return written
