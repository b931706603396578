"""Audit step of write-audit-publish as a plain function, shared by the refresh's asset
checks and `sti validate`: parse findings of the write step + the GX suite of the source +
the checks against other batches; the verdict goes into the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.audit.cross_batch_checks import known_regions, row_count_findings
from pipelines.audit.findings import Finding
from pipelines.audit.result_findings import ROW
from pipelines.audit.runner import SPLIT_COLUMNS_ABOVE_ROWS, Batch, validate_batches
from pipelines.contract.sources import SOURCES
from pipelines.publish import ledger
from pipelines.write.landing import landing_table

# Landed batches smaller than this are validated in groups of at most GROUP_ROWS rows (their
# frames are held together while the group is validated).
GROUP_BATCHES_BELOW_ROWS = SPLIT_COLUMNS_ABOVE_ROWS
GROUP_ROWS = 200_000
_STR = pd.StringDtype(na_value=np.nan)  # pandas' default str dtype, Arrow-backed
_NULLABLE_INT = {
    pa.int8(): "Int8",
    pa.int16(): "Int16",
    pa.int32(): "Int32",
    pa.int64(): "Int64",
    pa.uint8(): "UInt8",
    pa.uint16(): "UInt16",
    pa.uint32(): "UInt32",
    pa.uint64(): "UInt64",
}


def _findings_from_report(report: str | None) -> list[Finding]:
    findings = []
    for d in json.loads(report or "[]"):
        d = dict(d)
        d["examples"] = [(e.get("row"), e.get("value")) for e in d.get("examples", [])]
        findings.append(Finding(**d))
    return findings


def fetch_batch(con: duckdb.DuckDBPyConnection, source: str, table: str) -> pd.DataFrame:
    """The landing table as the audit needs it: the contract columns and the row numbers
    (not `_extra`, the cells of columns outside the contract), with the dtypes DuckDB's `.df()`
    gives, built from Arrow (`.df()` makes a Python string per VARCHAR cell: ~3x slower)."""
    have = {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description}
    wanted = [c.name for c in SOURCES[source].columns if c.name in have] + [ROW]
    query = f"SELECT {', '.join(_q(c) for c in wanted)} FROM {table}"
    arrow = con.sql(query).to_arrow_table()
    columns = {}
    for name, chunked in zip(arrow.column_names, arrow.columns, strict=True):
        column = _like_df(chunked)
        if column is None:  # a type not mapped here: DuckDB's own conversion
            return con.execute(query).df()
        columns[name] = column
    return pd.DataFrame(columns, copy=False)


def _like_df(chunked: pa.ChunkedArray) -> pd.Series | None:
    """An Arrow column as DuckDB's `.df()` converts it: str (an all-NULL VARCHAR: objects),
    numpy int / bool unless there are NULLs (then Int32 / Int64 / boolean), datetime64[us],
    float64. None for any other type."""
    t, nulls, n = chunked.type, chunked.null_count, len(chunked)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        if nulls == n:  # also no rows at all
            return pd.Series([None] * n, dtype=object)
        return pd.Series(chunked.to_pandas(types_mapper={t: _STR}.get), dtype=_STR)
    if pa.types.is_integer(t):
        if nulls:
            return pd.Series(chunked.to_pandas(types_mapper={t: pd.ArrowDtype(t)}.get).astype(_NULLABLE_INT[t]))
        return pd.Series(chunked.to_numpy())
    if pa.types.is_boolean(t):
        if nulls:
            return pd.Series(chunked.to_pandas(types_mapper={t: pd.BooleanDtype()}.get), dtype="boolean")
        return pd.Series(chunked.to_numpy(), dtype=bool)
    if pa.types.is_date32(t) or (pa.types.is_timestamp(t) and t.tz is None):
        return pd.Series(chunked.cast(pa.timestamp("us")).to_pandas(coerce_temporal_nanoseconds=False))
    if pa.types.is_float64(t):
        return pd.Series(chunked.to_numpy(), dtype="float64")
    return None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _segments(batches: list[tuple]) -> list[list[tuple]]:
    """The ledger rows in order, cut into the groups validated together: consecutive landed
    batches of fewer than GROUP_BATCHES_BELOW_ROWS rows, at most GROUP_ROWS rows per group;
    every other batch alone."""
    segments: list[list[tuple]] = []
    grouping, rows = False, 0  # is the last segment a group of small batches; its rows
    for batch in batches:
        status, row_count = batch[2], int(batch[5] or 0)
        small = status == "landed" and row_count < GROUP_BATCHES_BELOW_ROWS
        if small and grouping and rows + row_count <= GROUP_ROWS:
            segments[-1].append(batch)
            rows += row_count
        else:
            segments.append([batch])
            grouping, rows = small, row_count
    return segments


def audit_source(
    con: duckdb.DuckDBPyConnection,
    source: str,
    refresh_id: str,
    on_reject: Callable[[str, str], None] | None = None,
) -> list[Finding]:
    """Validate every new batch of `source`; update the ledger; return all findings.

    `on_reject(file, sha256)` is called for each rejected batch (the refresh quarantines it).
    Small batches are validated a group at a time (`runner.validate_batches`: same findings,
    far fewer GX runs); the ledger is updated batch by batch in file order.
    """
    batches = con.execute(
        "SELECT file, sha256, status, report, header_map, row_count FROM audit.load_ledger "
        "WHERE refresh_id = ? AND source = ? AND status IN ('landed', 'rejected') ORDER BY file",
        [refresh_id, source],
    ).fetchall()
    if not batches:
        return []
    regions = known_regions(con, refresh_id)
    today = dt.date.today()
    everything: list[Finding] = []
    for segment in _segments(batches):
        landed = [b for b in segment if b[2] == "landed"]
        inputs = [
            Batch(
                fetch_batch(con, source, landing_table(sha)),
                file,
                json.loads(header_map or "{}"),
                skip_null_check={f.column for f in _findings_from_report(report) if f.column},
            )
            for file, sha, _status, report, header_map, _rows in landed
        ]
        validated = dict(
            zip(
                [b[1] for b in landed],
                validate_batches(source, inputs, known_regions=regions, today=today),
                strict=True,
            )
        )
        del inputs
        for file, sha, status, report, header_map, row_count in segment:
            findings = _findings_from_report(report)
            if status == "landed":
                findings += validated[sha]
                findings += row_count_findings(
                    con, source, file=file, row_count=int(row_count or 0), columns=set(json.loads(header_map or "{}"))
                )
            rejected = ledger.record_audit(con, refresh_id, source, sha, findings)
            if rejected:
                con.execute(f"DROP TABLE IF EXISTS {landing_table(sha)}")
                if on_reject:
                    on_reject(file, sha)
            everything += findings
    return everything
