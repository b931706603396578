"""The load ledger: which batch (by sha256) was seen, published or rejected, and when.

A batch moves landed → pending (appended to raw by this refresh) → published (the serving
file now includes it). A refresh that fails after appending rolls its pending rows back, and
any refresh starts by rolling back what an interrupted one left pending, so raw only ever
holds published batches plus those of the refresh under way.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from pipelines.spec import SOURCES
from pipelines.validation.findings import Finding
from pipelines.warehouse.schema import all_ddl


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in all_ddl():
        con.execute(stmt)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def published_shas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 → file of every batch already in raw for good."""
    rows = con.execute("SELECT sha256, file FROM audit.load_ledger WHERE status = 'published'").fetchall()
    return dict(rows)


def previous_row_count(con: duckdb.DuckDBPyConnection, source: str) -> int | None:
    row = con.execute(
        "SELECT row_count FROM audit.load_ledger WHERE source = ? AND status = 'published' "
        "ORDER BY load_id DESC LIMIT 1",
        [source],
    ).fetchone()
    return None if row is None else int(row[0])


def record_landed(
    con: duckdb.DuckDBPyConnection,
    *,
    refresh_id: str,
    source: str,
    file: str,
    sha256: str,
    row_count: int,
    status: str,
    header_map: dict[str, str],
    findings: list[Finding],
) -> None:
    con.execute(
        "INSERT INTO audit.load_ledger (load_id, source, file, sha256, row_count, status, refresh_id, "
        "loaded_at, published_at, header_map, report) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        [
            source,
            file,
            sha256,
            row_count,
            status,
            refresh_id,
            now(),
            json.dumps(header_map, ensure_ascii=False),
            json.dumps([f.to_dict() for f in findings], ensure_ascii=False),
        ],
    )


def landed_batches(con: duckdb.DuckDBPyConnection, refresh_id: str) -> list[tuple[str, str, str]]:
    """(source, file, sha256) of this refresh's accepted batches, in publication order."""
    return con.execute(
        "SELECT source, file, sha256 FROM audit.load_ledger WHERE refresh_id = ? AND status = 'landed' "
        "ORDER BY file",
        [refresh_id],
    ).fetchall()


def rejected_batches(con: duckdb.DuckDBPyConnection, refresh_id: str) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT source, file, report FROM audit.load_ledger WHERE refresh_id = ? AND status = 'rejected' "
        "ORDER BY file",
        [refresh_id],
    ).fetchall()


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM audit.load_ledger").fetchone()[0])


def mark_pending(
    con: duckdb.DuckDBPyConnection, refresh_id: str, sha256: str, load_id: int, published_at: dt.datetime
) -> None:
    """`published_at` is set here, not at the final publish, so that the lineage mart built by
    this very refresh can name it; a rollback clears the whole row's status anyway."""
    con.execute(
        "UPDATE audit.load_ledger SET status = 'pending', load_id = ?, published_at = ? "
        "WHERE refresh_id = ? AND sha256 = ? AND status = 'landed'",
        [load_id, published_at, refresh_id, sha256],
    )


def mark_published(con: duckdb.DuckDBPyConnection, refresh_id: str) -> int:
    rows = con.execute(
        "UPDATE audit.load_ledger SET status = 'published' "
        "WHERE refresh_id = ? AND status = 'pending' RETURNING load_id",
        [refresh_id],
    ).fetchall()
    return len(rows)


def roll_back_unpublished(con: duckdb.DuckDBPyConnection, keep_refresh_id: str | None = None) -> int:
    """Remove from raw every batch that is not published (except the refresh under way)."""
    rows = con.execute(
        "SELECT load_id, source, refresh_id FROM audit.load_ledger WHERE status = 'pending'"
        + (" AND refresh_id <> ?" if keep_refresh_id else ""),
        [keep_refresh_id] if keep_refresh_id else [],
    ).fetchall()
    for load_id, source, _refresh in rows:
        if source in SOURCES:
            con.execute(f'DELETE FROM raw."{source}" WHERE _load_id = ?', [load_id])
    con.execute(
        "UPDATE audit.load_ledger SET status = 'rolled_back', load_id = NULL, published_at = NULL "
        "WHERE status IN ('pending', 'landed')"
        + (" AND refresh_id <> ?" if keep_refresh_id else ""),
        [keep_refresh_id] if keep_refresh_id else [],
    )
    if keep_refresh_id:
        # Landing tables of interrupted refreshes are garbage; the refresh under way has none yet.
        con.execute("DROP SCHEMA IF EXISTS landing CASCADE")
    return len(rows)
