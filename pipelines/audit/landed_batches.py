"""Audit step of write-audit-publish as a plain function, shared by the refresh's asset
checks and `sti validate`: parse findings of the write step + the GX suite of the source +
the checks against other batches; the verdict goes into the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import duckdb

from pipelines.audit.cross_batch_checks import known_regions, row_count_findings
from pipelines.audit.findings import Finding
from pipelines.audit.runner import validate_batch
from pipelines.publish import ledger
from pipelines.write.landing import landing_table


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


