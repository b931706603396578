"""The load ledger and the run records: the one module that writes the `audit` tables.

A batch moves landed → pending (appended to raw by this refresh) → published (the serving
file now includes it), and may later be retracted. A refresh that fails after appending rolls
its pending rows back, and any refresh starts by rolling back what an interrupted one left
pending, so raw only ever holds published batches plus those of the refresh under way.

Each publish is also a publication (`audit.publication`): allocated as a candidate before dbt
builds, committed with the history rows its marts opened and closed in the same transaction that
marks its batches published, deleted with the pending batches when the publish does not complete.

Longer than the house limit of ~300 lines on purpose: one owner for the `audit` state matters more
than small files, and every function here is a statement on those tables.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

import duckdb

from pipelines.audit.findings import Finding
from pipelines.contract.sources import SOURCES
from pipelines.publish.schema import all_ddl


class BatchStatus(enum.StrEnum):
    LANDED = "landed"  # parsed into a landing table, audit under way
    REJECTED = "rejected"  # failed its audit; quarantined, rejected again while unchanged
    PENDING = "pending"  # appended to raw by the refresh under way
    PUBLISHED = "published"  # in raw and in the served marts
    ROLLED_BACK = "rolled_back"  # its refresh failed or was interrupted; loaded again next time
    RETRACTED = "retracted"  # withdrawn by `sti retract`; stays out while the file is unchanged


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    PUBLISHED = "published"
    UNCHANGED = "unchanged"  # nothing new and the marts are current
    REJECTED = "rejected"  # a batch or the drop failed its audit
    FAILED = "failed"  # a step failed (dbt tests, disk full, interrupted)


class LedgerError(Exception):
    """A request the ledger cannot honour, in a sentence that says why and what to do."""


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in all_ddl():
        con.execute(stmt)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def settled_shas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 → file of every batch a refresh must not load again: published or retracted."""
    rows = con.execute(
        "SELECT sha256, file FROM audit.load_ledger WHERE status IN ('published', 'retracted')"
    ).fetchall()
    return dict(rows)


def previous_row_count(con: duckdb.DuckDBPyConnection, source: str, columns: set[str]) -> int | None:
    """Rows of the latest published batch of `source` holding the same columns (like with like:
    a revocation list is compared with revocation lists, not with the certificate lists)."""
    for count, header_map in con.execute(
        "SELECT row_count, header_map FROM audit.load_ledger WHERE source = ? AND status = 'published' "
        "ORDER BY load_id DESC",
        [source],
    ).fetchall():
        if set(json.loads(header_map or "{}")) == columns:
            return int(count)
    return None


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


def record_audit(
    con: duckdb.DuckDBPyConnection, refresh_id: str, source: str, sha256: str, findings: list[Finding]
) -> bool:
    """The audit's verdict on a landed batch: its report, and `rejected` when a finding is an ERROR."""
    rejected = any(f.severity == "ERROR" for f in findings)
    con.execute(
        "UPDATE audit.load_ledger SET status = ?, report = ? WHERE refresh_id = ? AND sha256 = ? AND source = ?",
        [
            str(BatchStatus.REJECTED if rejected else BatchStatus.LANDED),
            json.dumps([f.to_dict() for f in findings], ensure_ascii=False),
            refresh_id,
            sha256,
            source,
        ],
    )
    return rejected


def landed_batches(con: duckdb.DuckDBPyConnection, refresh_id: str) -> list[tuple[str, str, str]]:
    """(source, file, sha256) of this refresh's accepted batches, in publication order."""
    return con.execute(
        "SELECT source, file, sha256 FROM audit.load_ledger WHERE refresh_id = ? AND status = 'landed' ORDER BY file",
        [refresh_id],
    ).fetchall()


def rejected_batches(con: duckdb.DuckDBPyConnection, refresh_id: str) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT source, file, report FROM audit.load_ledger WHERE refresh_id = ? AND status = 'rejected' ORDER BY file",
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


def open_candidate_publication(con: duckdb.DuckDBPyConnection, refresh_id: str, published_at: dt.datetime) -> int:
    """Allocate the publication this refresh will make, before dbt builds its marts: the history
    marts then include it, so that once sti.duckdb is swapped in it serves its own publication.
    Called in the transaction that appends the batches; `roll_back_unpublished` drops it again if
    the publish does not complete. Returns its id."""
    con.execute("DELETE FROM audit.publication WHERE refresh_id = ? AND status = 'candidate'", [refresh_id])
    publication_id = int(
        con.execute("SELECT coalesce(max(publication_id), 0) + 1 FROM audit.publication").fetchone()[0]
    )
    con.execute(
        "INSERT INTO audit.publication (publication_id, refresh_id, published_at, status) "
        "VALUES (?, ?, ?, 'candidate')",
        [publication_id, refresh_id, published_at],
    )
    return publication_id


# (audit table, mart it is copied from, key columns, attribute columns)
_HISTORIES = [
    (
        "indicator_value_history",
        "fct_indicator_value_history",
        ["indicator_code", "region_code", "year"],
        ["value", "obs_status"],
    ),
    (
        "target_status_history",
        "fct_target_status_history",
        ["plan_name", "region_code", "indicator_code", "kind", "target_year", "period_year"],
        ["status"],
    ),
]


def _commit_history(con: duckdb.DuckDBPyConnection, refresh_id: str) -> None:
    """Make the candidate publication of `refresh_id` published: the rows its marts opened
    (valid_from = it) are added and the rows they closed (valid_to = it) are closed, copied from
    the history marts dbt built. Which value is "the same" is defined once, in those marts (macro
    publication_history); here nothing is computed, so what is kept is exactly what was served.
    A no-op when the candidate is already published (the roll-forward runs it again)."""
    row = con.execute(
        "SELECT publication_id FROM audit.publication WHERE refresh_id = ? AND status = 'candidate'", [refresh_id]
    ).fetchone()
    if row is None:
        return
    pid = int(row[0])
    for table, mart, keys, attrs in _HISTORIES:
        match = " AND ".join(f"h.{k} IS NOT DISTINCT FROM m.{k}" for k in keys)
        con.execute(
            f"UPDATE audit.{table} h SET valid_to_publication = ? FROM marts.{mart} m "
            f"WHERE {match} AND h.valid_from_publication = m.valid_from_publication "
            "AND h.valid_to_publication IS NULL AND m.valid_to_publication = ?",
            [pid, pid],
        )
        cols = ", ".join([*keys, *attrs, "valid_from_publication", "valid_to_publication"])
        con.execute(
            f"INSERT INTO audit.{table} ({cols}) SELECT {cols} FROM marts.{mart} WHERE valid_from_publication = ?",
            [pid],
        )
    con.execute(
        """
        UPDATE audit.publication p SET status = 'published', batches = d.batches,
          indicator_values_added = d.indicator_values_added,
          indicator_values_changed = d.indicator_values_changed,
          indicator_values_removed = d.indicator_values_removed
        FROM marts.dim_publication d
        WHERE p.publication_id = ? AND d.publication_id = p.publication_id
        """,
        [pid],
    )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block as one transaction: committed when it ends, rolled back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def commit_publication(con: duckdb.DuckDBPyConnection, refresh_id: str, fingerprint: str | None) -> int:
    """Step 4 of the publish transaction (pipelines.publish.publication), idempotent: the refresh's
    batches become published, its run record says so, its candidate publication and the history
    rows it opened and closed are committed, and the served values are remembered."""
    with transaction(con):
        published = len(
            con.execute(
                "UPDATE audit.load_ledger SET status = 'published' "
                "WHERE refresh_id = ? AND status = 'pending' RETURNING load_id",
                [refresh_id],
            ).fetchall()
        )
        open_run(con, refresh_id, None)
        con.execute(
            "UPDATE audit.refresh_log SET status = 'published', finished_at = ?, project_fingerprint = ?, "
            "batches_loaded = (SELECT count(*) FROM audit.load_ledger WHERE refresh_id = ? AND status = 'published') "
            "WHERE refresh_id = ?",
            [now(), fingerprint, refresh_id, refresh_id],
        )
        _commit_history(con, refresh_id)
        con.execute("DELETE FROM audit.published_indicator_value")
        con.execute(
            "INSERT INTO audit.published_indicator_value "
            "SELECT indicator_code, region_code, year, value FROM marts.fct_indicator_value"
        )
    return published


def indicator_changes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many indicator values the marts just built add, change or remove against the served
    ones: the candidate publication's row of marts.dim_publication (one definition of a change)."""
    row = con.execute(
        "SELECT d.indicator_values_added, d.indicator_values_changed, d.indicator_values_removed "
        "FROM marts.dim_publication d JOIN audit.publication p USING (publication_id) WHERE p.status = 'candidate'"
    ).fetchone()
    if row is None:
        return {"added": 0, "removed": 0, "changed": 0}
    return {"added": int(row[0]), "changed": int(row[1]), "removed": int(row[2])}


def open_run(
    con: duckdb.DuckDBPyConnection, refresh_id: str, sources_dir: str | None, recovery: list[str] | None = None
) -> None:
    """The run record of a refresh, `running` until `close_run` (or a later refresh) settles it."""
    con.execute(
        "INSERT INTO audit.refresh_log (refresh_id, started_at, status, sources_dir, recovery) "
        "SELECT ?, ?, 'running', ?, ? WHERE NOT EXISTS (SELECT 1 FROM audit.refresh_log WHERE refresh_id = ?)",
        [refresh_id, now(), sources_dir, json.dumps(recovery or [], ensure_ascii=False), refresh_id],
    )


def mark_unchanged(con: duckdb.DuckDBPyConnection, refresh_id: str) -> None:
    con.execute("UPDATE audit.refresh_log SET status = 'unchanged' WHERE refresh_id = ?", [refresh_id])


def close_run(con: duckdb.DuckDBPyConnection, refresh_id: str) -> RunStatus:
    """Settle the run record from what the ledger says happened; return the outcome."""
    status = con.execute("SELECT status FROM audit.refresh_log WHERE refresh_id = ?", [refresh_id]).fetchone()
    rejected = con.execute(
        "SELECT (SELECT count(*) FROM audit.load_ledger WHERE refresh_id = ? AND status = 'rejected'), "
        "(SELECT count(*) FROM audit.drop_findings WHERE refresh_id = ? AND severity = 'ERROR')",
        [refresh_id, refresh_id],
    ).fetchone()
    current = RunStatus(status[0]) if status else RunStatus.RUNNING
    if current in (RunStatus.PUBLISHED, RunStatus.UNCHANGED):
        outcome = current
    elif sum(rejected):
        outcome = RunStatus.REJECTED
    else:
        outcome = RunStatus.FAILED
    con.execute(
        "UPDATE audit.refresh_log SET status = ?, finished_at = coalesce(finished_at, ?), batches_rejected = ? "
        "WHERE refresh_id = ?",
        [str(outcome), now(), int(rejected[0]), refresh_id],
    )
    return outcome


def fail_interrupted_runs(con: duckdb.DuckDBPyConnection, keep_refresh_id: str | None) -> int:
    """Run records a killed refresh left `running` become `failed`."""
    return len(
        con.execute(
            "UPDATE audit.refresh_log SET status = 'failed', finished_at = ? "
            "WHERE status = 'running' AND refresh_id IS DISTINCT FROM ? RETURNING refresh_id",
            [now(), keep_refresh_id],
        ).fetchall()
    )


def record_drop_findings(con: duckdb.DuckDBPyConnection, refresh_id: str, findings: list[Finding]) -> None:
    con.execute("DELETE FROM audit.drop_findings WHERE refresh_id = ?", [refresh_id])
    for f in findings:
        con.execute(
            "INSERT INTO audit.drop_findings VALUES (?, ?, ?, ?, ?, ?)",
            [refresh_id, f.file, f.rule, f.severity, f.message, f.fix],
        )


def drop_rejections(con: duckdb.DuckDBPyConnection, refresh_id: str) -> list[str]:
    """Entries of the drop that reject this refresh (unknown folders, symlinks)."""
    return [
        path
        for (path,) in con.execute(
            "SELECT path FROM audit.drop_findings WHERE refresh_id = ? AND severity = 'ERROR' ORDER BY path",
            [refresh_id],
        ).fetchall()
    ]


def needs_rebuild(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """With no new batch, the marts are still rebuilt when other code built them or a batch was
    retracted since the last publication."""
    row = con.execute(
        "SELECT project_fingerprint, finished_at FROM audit.refresh_log WHERE status = 'published' "
        "ORDER BY finished_at DESC LIMIT 1"
    ).fetchone()
    if row is None or row[0] != fingerprint:
        return True
    retracted = con.execute(
        "SELECT count(*) FROM audit.load_ledger WHERE status = 'retracted' AND retracted_at >= ?", [row[1]]
    ).fetchone()[0]
    return bool(retracted)


def start_build(
    con: duckdb.DuckDBPyConnection, refresh_id: str, covered: list[str], rules_by_enterprise: bool = False
) -> None:
    """Before dbt builds for `refresh_id`: the sources whose batches are pending in it, and those whose
    models it rebuilds whole (`covered`), are no longer current; the covered ones are again once this
    refresh is published (current_sources). Models of other sources that the build rebuilds read only
    their published rows, so they stay what they were even if the build fails. The run record keeps
    whether the enterprise rules are built by enterprise (entity_delta.py), for the publish step."""
    pending = pending_sources(con, refresh_id)
    with transaction(con):
        con.execute(
            "UPDATE audit.refresh_log SET rules_by_enterprise = ? WHERE refresh_id = ?",
            [rules_by_enterprise, refresh_id],
        )
        con.execute("DELETE FROM audit.source_builds WHERE list_contains(?, source)", [sorted({*pending, *covered})])
        started = now()
        for source in covered:
            con.execute("INSERT INTO audit.source_builds VALUES (?, ?, ?)", [source, refresh_id, started])


def rules_built_by_enterprise(con: duckdb.DuckDBPyConnection, refresh_id: str) -> bool:
    """Whether `refresh_id`'s dbt build kept the enterprise rules up to date by enterprise (start_build)."""
    row = con.execute("SELECT rules_by_enterprise FROM audit.refresh_log WHERE refresh_id = ?", [refresh_id]).fetchone()
    return bool(row and row[0])


def pending_sources(con: duckdb.DuckDBPyConnection, refresh_id: str) -> set[str]:
    """The sources with batches appended to raw by `refresh_id` and not yet published."""
    rows = con.execute(
        "SELECT DISTINCT source FROM audit.load_ledger WHERE refresh_id = ? AND status = 'pending'", [refresh_id]
    ).fetchall()
    return {source for (source,) in rows}


def current_sources(con: duckdb.DuckDBPyConnection, fingerprint: str) -> set[str]:
    """The sources whose dbt models hold exactly their published batches, as this project builds them:
    the last refresh that rebuilt them whole was published with this project's fingerprint."""
    rows = con.execute(
        "SELECT b.source FROM audit.source_builds AS b "
        "INNER JOIN audit.refresh_log AS r ON r.refresh_id = b.refresh_id "
        "WHERE r.status = 'published' AND r.project_fingerprint = ?",
        [fingerprint],
    ).fetchall()
    return {source for (source,) in rows}


def retracted_batches(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    """(load_id, file, reason) of every batch withdrawn by `sti retract`."""
    return con.execute(
        "SELECT load_id, file, retract_reason FROM audit.load_ledger WHERE status = 'retracted' ORDER BY load_id"
    ).fetchall()


def run_record(con: duckdb.DuckDBPyConnection, refresh_id: str) -> tuple[str, list[str]] | None:
    """(status, what it recovered of an earlier refresh) of one run, None when it left no record."""
    row = con.execute("SELECT status, recovery FROM audit.refresh_log WHERE refresh_id = ?", [refresh_id]).fetchone()
    return None if row is None else (row[0], json.loads(row[1] or "[]"))


def history(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every run record, oldest first, every batch, in publication order (unpublished last), and
    every publication (id, time, batches, values added, changed, removed, refresh), oldest first."""
    runs = con.execute(
        "SELECT refresh_id, started_at, finished_at, status, batches_loaded, batches_rejected "
        "FROM audit.refresh_log ORDER BY started_at, refresh_id"
    ).fetchall()
    batches = con.execute(
        "SELECT load_id, source, file, status, row_count, loaded_at, published_at, retracted_at, retract_reason "
        "FROM audit.load_ledger ORDER BY coalesce(load_id, 1e18), loaded_at, file"
    ).fetchall()
    publications = con.execute(
        "SELECT publication_id, published_at, batches, indicator_values_added, indicator_values_changed, "
        "indicator_values_removed, refresh_id FROM audit.publication WHERE status = 'published' "
        "ORDER BY publication_id"
    ).fetchall()
    return runs, batches, publications


def retract(con: duckdb.DuckDBPyConnection, load_id: int, reason: str) -> tuple[str, str, int]:
    """Withdraw a published batch: its rows leave raw now, the marts at the next refresh.
    Returns (source, file, rows removed)."""
    row = con.execute("SELECT source, file, status FROM audit.load_ledger WHERE load_id = ?", [load_id]).fetchone()
    if row is None:
        raise LedgerError(f"no batch has load id {load_id}; `sti history` lists the batches and their load ids")
    source, file, status = row
    if status != BatchStatus.PUBLISHED:
        raise LedgerError(f"batch {load_id} ({file}) is {status}; only a published batch can be retracted")
    with transaction(con):
        removed = len(con.execute(f'DELETE FROM raw."{source}" WHERE _load_id = ? RETURNING 1', [load_id]).fetchall())
        con.execute(
            "UPDATE audit.load_ledger SET status = 'retracted', retracted_at = ?, retract_reason = ? WHERE load_id = ?",
            [now(), reason, load_id],
        )
    return source, file, removed


@dataclass(frozen=True)
class MirrorRecord:
    refresh_id: str | None
    publication_id: int | None
    target: str  # URL without password
    schema_name: str
    started_at: dt.datetime
    finished_at: dt.datetime
    status: str  # mirrored | failed
    tables: int | None
    row_count: int | None
    error: str | None


def record_mirror(con: duckdb.DuckDBPyConnection, record: MirrorRecord) -> None:
    """One mirror of the served marts into PostgreSQL, done or failed (it never changes what is published)."""
    names = [f.name for f in fields(MirrorRecord)]
    con.execute(
        f"INSERT INTO audit.postgres_mirror ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [getattr(record, name) for name in names],
    )


def mirrors(con: duckdb.DuckDBPyConnection, refresh_id: str | None = None) -> list[MirrorRecord]:
    """Mirror records, newest first: of one refresh, or all."""
    where, params = ("WHERE refresh_id = ?", [refresh_id]) if refresh_id else ("", [])
    names = ", ".join(f.name for f in fields(MirrorRecord))
    rows = con.execute(
        f"SELECT {names} FROM audit.postgres_mirror {where} ORDER BY started_at DESC, finished_at DESC", params
    ).fetchall()
    return [MirrorRecord(*row) for row in rows]


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
        "WHERE status IN ('pending', 'landed')" + (" AND refresh_id <> ?" if keep_refresh_id else ""),
        [keep_refresh_id] if keep_refresh_id else [],
    )
    # The publication a failed or undone refresh had allocated was never served: it leaves no trace.
    con.execute(
        "DELETE FROM audit.publication WHERE status = 'candidate'"
        + (" AND refresh_id <> ?" if keep_refresh_id else ""),
        [keep_refresh_id] if keep_refresh_id else [],
    )
    # Landing tables are garbage once their refresh ends; the refresh under way has none yet.
    con.execute("DROP SCHEMA IF EXISTS landing CASCADE")
    return len(rows)
