"""Writing batches to disk: CSV streamed chunk by chunk, XLSX buffered per file.

Output must be byte-identical for a seed: CSV is plain text; XLSX is a zip whose entry
timestamps and document properties openpyxl would otherwise take from the clock, so both
are pinned here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pipelines.generate.formats import Columns, FileSpec, render

FIXED_TIME = dt.datetime(2025, 1, 1, 9, 0, 0)
_ZIP_TIME = (2025, 1, 1, 9, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass
class _FileState:
    source: str
    spec: FileSpec
    rows_written: int = 0
    xlsx_headers: list[str] | None = None
    xlsx_rows: list[list[object]] = field(default_factory=list)


class DropWriter:
    """Appends canonical row chunks to the files of a drop; `close()` finishes XLSX files."""

    def __init__(self, root: Path, region_names: dict[str, str]) -> None:
        self.root = root
        self.region_names = region_names
        self._files: dict[str, _FileState] = {}
        self.rows_per_source: dict[str, int] = {}

    def paths(self) -> list[str]:
        return sorted(self._files)

    def write(self, source: str, name: str, spec: FileSpec, rows: Columns | pd.DataFrame) -> None:
        if isinstance(rows, pd.DataFrame):
            rows = {c: rows[c].to_numpy() for c in rows.columns}
        rel = f"{source}/{name}"
        state = self._files.get(rel)
        if state is None:
            state = _FileState(source, spec)
            self._files[rel] = state
            (self.root / source).mkdir(parents=True, exist_ok=True)
        elif state.spec != spec:
            raise ValueError(f"{rel}: one file cannot have two formats")
        headers, cells = render(source, rows, spec, self.region_names, state.rows_written)
        n = len(next(iter(rows.values()))) if rows else 0
        records = [list(r) for r in zip(*cells, strict=True)] if n else []
        if spec.fmt == "xlsx":
            state.xlsx_headers = headers
            state.xlsx_rows.extend(records)
        else:
            self._append_csv(self.root / rel, spec, headers, records, first=state.rows_written == 0)
        state.rows_written += n
        self.rows_per_source[source] = self.rows_per_source.get(source, 0) + n

    @staticmethod
    def _append_csv(
        path: Path, spec: FileSpec, headers: list[str], records: list[list[object]], first: bool
    ) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n" if spec.crlf else "\n")
        if first:
            writer.writerow(headers)
        writer.writerows(records)
        text = buf.getvalue()
        if spec.encoding == "utf-8-sig":
            data = (("\ufeff" if first else "") + text).encode("utf-8")
        else:
            data = text.encode(spec.encoding)
        with open(path, "wb" if first else "ab") as fh:
            fh.write(data)

    def close(self) -> None:
        for rel, state in self._files.items():
            if state.spec.fmt == "xlsx":
                write_xlsx(self.root / rel, state.spec, state.xlsx_headers or [], state.xlsx_rows)


def write_xlsx(
    path: Path, spec: FileSpec, headers: list[str], rows: list[list[object]]
) -> None:
    # Write-only mode streams rows; the title sits alone in A1 as in most exported lists.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    if spec.title:
        title = WriteOnlyCell(ws, value=spec.title)
        title.font = Font(bold=True, size=14)
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.properties.creator = "sti generate"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_pin_zip_times(buf.getvalue()))


def _pin_zip_times(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified whatever we set.
                data = _MODIFIED.sub(rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()
