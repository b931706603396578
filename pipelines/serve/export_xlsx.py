"""`sti export --format xlsx`: the marts as one workbook, one sheet per mart.

Each sheet starts with two frozen header rows: the column's Chinese name (`zh_label` of its
"中文 / English" description, which the cell carries as a comment), then the column name that
SQL, CSV and Parquet use. Rows come in the mart's natural key order. Every text cell is a string
cell, neutralised (see `export.neutralise`); numbers, dates and booleans keep their type. A mart
longer than a sheet (Excel: 1,048,576 rows) continues on `<mart>_2`, `<mart>_3`, ...
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipelines.serve.export import neutralise, safe_select
from pipelines.serve.mart_docs import MartDoc, zh_label

XLSX_NAME = "marts.xlsx"
EXCEL_ROWS = 1_048_576
HEADER_ROWS = 2
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _string_cell(ws, text: str) -> WriteOnlyCell:
    """A string cell whatever the text: openpyxl would otherwise turn any value starting with
    '=' into a formula cell. `neutralise` is idempotent (a leading ' is no trigger), so text
    already neutralised by `safe_select` is left as it is."""
    cell = WriteOnlyCell(ws, value=neutralise(text))
    cell.data_type = "s"
    return cell


def _header_cell(ws, text: str, comment: str | None = None) -> WriteOnlyCell:
    cell = _string_cell(ws, text)
    cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
    if comment:
        cell.comment = Comment(comment, "sti")
    return cell


def _sheet_name(table: str, part: int) -> str:
    return table[:31] if part == 1 else f"{table[:27]}_{part}"


def _new_sheet(wb: Workbook, table: str, part: int, columns: list[str], doc: MartDoc | None):
    ws = wb.create_sheet(title=_sheet_name(table, part))
    ws.freeze_panes = f"A{HEADER_ROWS + 1}"  # write-only: set before the first row
    descriptions = [" ".join(((doc.columns.get(c) if doc else None) or "").split()) for c in columns]
    labels = [zh_label(d) or c for d, c in zip(descriptions, columns, strict=True)]
    for i, (label, column) in enumerate(zip(labels, columns, strict=True), start=1):
        width = max(len(label.encode("gbk", "replace")), len(column)) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 40)
    ws.append([_header_cell(ws, label, d or None) for label, d in zip(labels, descriptions, strict=True)])
    ws.append([_header_cell(ws, column) for column in columns])
    return ws


def _write_mart(wb: Workbook, con: duckdb.DuckDBPyConnection, table: str, doc: MartDoc | None) -> None:
    select, _text_columns = safe_select(con, table, doc.key if doc else [])
    cursor = con.execute(select)
    columns = [d[0] for d in cursor.description]
    part, room = 1, EXCEL_ROWS - HEADER_ROWS
    ws = _new_sheet(wb, table, part, columns, doc)  # an empty mart still gets its sheet
    while rows := cursor.fetchmany(10_000):
        for row in rows:
            if room == 0:
                part, room = part + 1, EXCEL_ROWS - HEADER_ROWS
                ws = _new_sheet(wb, table, part, columns, doc)
            ws.append([_string_cell(ws, v) if isinstance(v, str) else v for v in row])
            room -= 1


def write_workbook(con: duckdb.DuckDBPyConnection, tables: list[str], docs: dict[str, MartDoc], target: Path) -> Path:
    """`target`, one sheet per table, written beside it and renamed into place."""
    wb = Workbook(write_only=True)
    for table in tables:
        _write_mart(wb, con, table, docs.get(table))
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        wb.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
