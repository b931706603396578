"""`sti export`: every table of the served marts as Parquet, CSV or XLSX under warehouse/exports/.

Parquet and CSV: one file per mart. XLSX: one workbook, `marts.xlsx`, with one sheet per mart
(a mart longer than Excel's 1,048,576 rows continues on `<mart>_2`, ...). Each sheet has two
header rows, frozen: the column's Chinese name, then its column name (the English name used in
SQL, CSV and Parquet); the Chinese header cell carries the column's full "中文 / English"
description as a comment. Both come from the dbt YAML beside each mart (`mart_docs`). In every
format the rows are ordered by the mart's natural key.

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
from pipelines.serve.mart_docs import MartDoc, mart_docs

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


def order_by(columns: list[str], key: list[str]) -> str:
    """ORDER BY the natural key (the columns of it the table has), else by every column."""
    present = [c for c in key if c in columns]
    return f" ORDER BY {', '.join(_quote_ident(c) for c in present)}" if present else " ORDER BY ALL"


def safe_select(con: duckdb.DuckDBPyConnection, table: str, key: list[str] | None = None) -> tuple[str, list[str]]:
    """A SELECT of `marts.table` with every text column neutralised (see `neutralise`), ordered
    by `key` (see `order_by`), and the names of those text columns."""
    items, text_columns, names = [], [], []
    for name, data_type in _columns(con, table):
        col = _quote_ident(name)
        names.append(name)
        if _is_text(data_type):
            text_columns.append(name)
            items.append(
                f"CASE WHEN left(CAST({col} AS VARCHAR), 1) IN ({_SQL_TRIGGERS}) "
                f"THEN '''' || CAST({col} AS VARCHAR) ELSE CAST({col} AS VARCHAR) END AS {col}"
            )
        else:
            items.append(col)
    select = f"SELECT {', '.join(items)} FROM marts.{_quote_ident(table)}{order_by(names, key or [])}"
    return select, text_columns


def _write_csv(con: duckdb.DuckDBPyConnection, table: str, key: list[str], target: Path) -> None:
    select, text_columns = safe_select(con, table, key)
    # Text cells are always quoted (OWASP: quote every text field) so that a quote or a
    # separator inside one cannot start a new, unneutralised cell.
    force_quote = f", FORCE_QUOTE ({', '.join(_quote_ident(c) for c in text_columns)})" if text_columns else ""
    body = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        con.execute(f"COPY ({select}) TO '{sql_path(body)}' (FORMAT csv, HEADER true{force_quote})").fetchall()
        with target.open("wb") as dst, body.open("rb") as src:
            dst.write(UTF8_BOM)
            shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        body.unlink(missing_ok=True)


def _write_parquet(con: duckdb.DuckDBPyConnection, table: str, key: list[str], target: Path) -> None:
    names = [name for name, _type in _columns(con, table)]
    select = f"SELECT * FROM marts.{_quote_ident(table)}{order_by(names, key)}"
    con.execute(f"COPY ({select}) TO '{sql_path(target)}' (FORMAT parquet)").fetchall()


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
        ).fetchall()
    ]


def export_marts(serving: Path, out: Path, fmt: str, docs: dict[str, MartDoc] | None = None) -> list[Path]:
    """Write the marts of `serving` in `fmt` under `out`; the files written. `docs` (default: read
    from the dbt project, see `mart_docs`) gives the natural keys and the XLSX headers."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    docs = mart_docs() if docs is None else docs
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(serving), read_only=True)
    try:
        tables = _tables(con)
        if fmt == "xlsx":
            from pipelines.serve.export_xlsx import XLSX_NAME, write_workbook

            return [write_workbook(con, tables, docs, out / XLSX_NAME)]
        written: list[Path] = []
        for table in tables:
            target = out / f"{table}.{fmt}"
            key = docs[table].key if table in docs else []
            (_write_csv if fmt == "csv" else _write_parquet)(con, table, key, target)
            written.append(target)
        return written
    finally:
        con.close()
