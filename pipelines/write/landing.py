"""Write step of write-audit-publish: one file of the drop → one typed landing table.

The landing table lives in schema `landing` of build.duckdb, named after the file's sha256,
and holds the contract's typed columns plus `_extra` and `_row_number`. Publishing copies it
into `raw` and drops it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.audit.findings import Finding
from pipelines.contract.sources import SOURCES, Source
from pipelines.publish import ledger
from pipelines.write.convert import convert, load_strings
from pipelines.write.drop import batch_files
from pipelines.write.duckdb_csv import load_csv_strings
from pipelines.write.file_hashes import FileHashes
from pipelines.write.headers import HeaderMatch, match_header
from pipelines.write.readers import OpenedFile, ReadError, note_findings, open_batch


def landing_table(sha256: str) -> str:
    return f"landing.b_{sha256[:16]}"


@dataclass
class LandedBatch:
    source: str
    file: str  # relative to the drop root, with forward slashes
    sha256: str
    table: str | None  # typed landing table, None when the file could not be read
    row_count: int = 0
    encoding: str | None = None
    header_row: int | None = None
    header_map: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return any(f.severity == "ERROR" for f in self.findings)


def land_file(con: duckdb.DuckDBPyConnection, source_name: str, drop: Path, path: Path, sha256: str) -> LandedBatch:
    source = SOURCES[source_name]
    rel = path.relative_to(drop).as_posix()
    batch = LandedBatch(source_name, rel, sha256, table=None)
    try:
        opened = open_batch(source, path)
        batch.encoding = opened.encoding
        batch.header_row = opened.header_row
        batch.findings += note_findings(source_name, rel, opened)
        match = match_header(source, opened.header)
        batch.findings += _header_findings(source, rel, match, opened.header_row)
        if batch.rejected:
            return batch
        batch.header_map = {m.column.name: m.header for m in match.columns}
        con.execute("CREATE SCHEMA IF NOT EXISTS landing")
        token = sha256[:16]
        strings = f"s_{token}"  # a temporary table of this connection
        batch.row_count = _load_strings(con, strings, match, opened)
        table = landing_table(sha256)
        batch.findings += convert(con, source, strings, table, match.columns, rel, token)
        con.execute(f"DROP TABLE IF EXISTS {strings}")
        batch.table = table
    except ReadError as exc:
        batch.findings.append(
            Finding(
                source=source_name,
                file=rel,
                rule=exc.rule,
                message=exc.message,
                fix=exc.fix,
                examples=[(exc.row, "")] if exc.row else [],
                failing_count=0,
            )
        )
    return batch


def _load_strings(con: duckdb.DuckDBPyConnection, table: str, match: HeaderMatch, opened: OpenedFile) -> int:
    """Fill the strings table: by DuckDB's CSV reader when it provably reads the file as the
    Python reader does (large CSVs), else from the Python rows."""
    if opened.csv_layout is not None:
        count = load_csv_strings(con, table, opened.csv_layout, match.columns, match.extra)
        if count is not None:
            opened.close()
            return count
    return load_strings(con, table, match.columns, match.extra, opened.rows)


def _header_findings(source: Source, file: str, match, header_row: int) -> list[Finding]:
    findings: list[Finding] = []
    for col in match.missing_required(source):
        findings.append(
            Finding(
                source=source.name,
                file=file,
                rule="missing_column",
                message=f"required column {col.header_zh} ({col.name}) is not in the header row (row {header_row})",
                fix=f"add a column headed {col.header_zh}" + (f"({col.unit})" if col.kind == "money" else "")
                + f" or {col.name}",
                column=col.name,
                examples=[(header_row, "")],
            )
        )
    for col, header in match.unitless_money:
        findings.append(
            Finding(
                source=source.name,
                file=file,
                rule="money_header_without_unit",
                message=f"money column {header!r} does not say its unit, so its amounts cannot be normalised to 万元",
                fix=f"write the unit in the header, e.g. {col.header_zh}(万元), {col.header_zh}(元) "
                f"or {col.header_zh}(亿元)",
                column=col.name,
                header=header,
                examples=[(header_row, header)],
            )
        )
    for col, header, unit in match.bad_unit:
        findings.append(
            Finding(
                source=source.name,
                file=file,
                rule="unknown_unit",
                message=f"column {header!r} has unit {unit!r}, which is not one this column can be converted from",
                fix="use 元, 万元 or 亿元 for money" if col.kind == "money" else f"use {col.unit}",
                column=col.name,
                header=header,
                examples=[(header_row, header)],
            )
        )
    for col, headers in match.duplicated:
        findings.append(
            Finding(
                source=source.name,
                file=file,
                rule="duplicate_column",
                message=f"{len(headers)} headers name the column {col.name}: {', '.join(headers)}",
                fix="keep one of them",
                column=col.name,
                examples=[(header_row, h) for h in headers],
            )
        )
    return findings


@dataclass
class LandingSummary:
    files: list[str] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)


def land_new_batches(
    con: duckdb.DuckDBPyConnection,
    drop: Path,
    source: str,
    refresh_id: str,
    skip_shas: set[str],
    on_file: Callable[[str, int], None] | None = None,
    hashes: FileHashes | None = None,
) -> LandingSummary:
    """Land every file of `source` whose sha256 is not in `skip_shas`; record each in the ledger.
    `on_file(file, rows)` is told of each file landed (the refresh's progress display); `hashes` knows the
    sha256 of files unchanged since a refresh of the same warehouse hashed them."""
    summary = LandingSummary()
    seen_now: set[str] = set()
    hashes = hashes or FileHashes(None)
    for path in batch_files(drop, source):
        sha = hashes.sha256(path)
        if sha in skip_shas or sha in seen_now:
            summary.skipped += 1
            continue
        seen_now.add(sha)
        batch = land_file(con, source, drop, path, sha)
        ledger.record_landed(
            con,
            refresh_id=refresh_id,
            source=source,
            file=batch.file,
            sha256=sha,
            row_count=batch.row_count,
            status="rejected" if batch.rejected else "landed",
            header_map=batch.header_map,
            findings=batch.findings,
        )
        summary.files.append(batch.file)
        summary.rows += batch.row_count
        summary.findings += batch.findings
        if on_file:
            on_file(batch.file, batch.row_count)
    return summary
