"""Audit step of write-audit-publish as a plain function, shared by the refresh's asset
checks and `sti validate`: parse findings of the write step + the GX suite of the source.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import duckdb

from pipelines.audit.findings import Finding
from pipelines.audit.runner import compare_with_previous, validate_batch
from pipelines.contract.sources import REGIONS
from pipelines.publish import ledger
from pipelines.write.landing import landing_table


def known_regions(con: duckdb.DuckDBPyConnection, refresh_id: str) -> set[str]:
    """Codes and names of published regions plus those landing in this refresh."""
    known: set[str] = set()
    for code, name in con.execute("SELECT region_code, region_name FROM raw.regions").fetchall():
        known.update(v for v in (code, name) if v)
    for (sha,) in con.execute(
        "SELECT sha256 FROM audit.load_ledger WHERE refresh_id = ? AND source = ? AND status = 'landed'",
        [refresh_id, REGIONS],
    ).fetchall():
        for code, name in con.execute(f"SELECT region_code, region_name FROM {landing_table(sha)}").fetchall():
            known.update(v for v in (code, name) if v)
    return known


def _findings_from_report(report: str | None) -> list[Finding]:
    findings = []
    for d in json.loads(report or "[]"):
        d = dict(d)
        d["examples"] = [(e.get("row"), e.get("value")) for e in d.get("examples", [])]
        findings.append(Finding(**d))
    return findings


def audit_source(
    con: duckdb.DuckDBPyConnection,
    source: str,
    refresh_id: str,
    on_reject: Callable[[str, str], None] | None = None,
) -> list[Finding]:
    """Validate every new batch of `source`; update the ledger; return all findings.

    `on_reject(file, sha256)` is called for each rejected batch (the refresh quarantines it).
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
    for file, sha, status, report, header_map, row_count in batches:
        findings = _findings_from_report(report)
        if status == "landed":
            table = landing_table(sha)
            frame = con.execute(f"SELECT * FROM {table}").df()
            parse_failed = {f.column for f in findings if f.column}
            findings += validate_batch(
                source,
                frame,
                file=file,
                header_map=json.loads(header_map or "{}"),
                known_regions=regions,
                today=today,
                skip_null_check=parse_failed,
            )
            previous = ledger.previous_row_count(con, source, set(json.loads(header_map or "{}")))
            findings += compare_with_previous(
                source, file=file, row_count=int(row_count or 0), previous_row_count=previous
            )
        rejected = ledger.record_audit(con, refresh_id, source, sha, findings)
        if rejected:
            con.execute(f"DROP TABLE IF EXISTS {landing_table(sha)}")
            if on_reject:
                on_reject(file, sha)
        everything += findings
    return everything


