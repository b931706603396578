"""Audit step of write-audit-publish: blocking Dagster asset checks on the landing tables.

`landing/<source>` → check `contract` (ERROR, blocking): parse findings of the write step plus
the source's GX suite on every new batch. A failing batch is marked rejected in the ledger,
its file copied to quarantine/, its landing table dropped; the raw publish then refuses to run.
Warnings (e.g. row count far from the previous batch of the source) are listed in the check's
metadata and the report but never reject a batch: supplementary lists of a few rows are normal.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    MetadataValue,
    asset_check,
)

from pipelines.assets.ingest import REGIONS, landing_key
from pipelines.ingest.landing import landing_table
from pipelines.resources import WarehouseResource
from pipelines.spec import SOURCES
from pipelines.validation.findings import Finding
from pipelines.validation.runner import compare_with_previous, validate_batch
from pipelines.warehouse import ledger


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


def _quarantine(warehouse: WarehouseResource, source: str, file: str, sha: str) -> None:
    target = warehouse.folder("quarantine") / source / f"{sha[:12]}-{file.rsplit('/', 1)[-1]}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(warehouse.drop / file, target)


def audit_source(con: duckdb.DuckDBPyConnection, warehouse: WarehouseResource, source: str, refresh_id: str) -> list[Finding]:
    """Validate every new batch of `source`; update the ledger; return all findings."""
    batches = con.execute(
        "SELECT file, sha256, status, report, header_map, row_count FROM audit.load_ledger "
        "WHERE refresh_id = ? AND source = ? AND status IN ('landed', 'rejected') ORDER BY file",
        [refresh_id, source],
    ).fetchall()
    if not batches:
        return []
    regions = known_regions(con, refresh_id)
    today = dt.date.today()
    previous = ledger.previous_row_count(con, source)
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
            findings += compare_with_previous(source, file=file, row_count=int(row_count or 0), previous_row_count=previous)
        rejected = any(f.severity == "ERROR" for f in findings)
        con.execute(
            "UPDATE audit.load_ledger SET status = ?, report = ? WHERE refresh_id = ? AND sha256 = ? AND source = ?",
            [
                "rejected" if rejected else "landed",
                json.dumps([f.to_dict() for f in findings], ensure_ascii=False),
                refresh_id,
                sha,
                source,
            ],
        )
        if rejected:
            con.execute(f"DROP TABLE IF EXISTS {landing_table(sha)}")
            _quarantine(warehouse, source, file, sha)
        everything += findings
    return everything


def build_contract_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=landing_key(source),
        name="contract",
        blocking=True,
        description=f"DESIGN §2 rules and the GX suite expectations/{source}.json on every new batch.",
    )
    def _contract(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect() as con:
            findings = audit_source(con, warehouse, source, context.run_id)
        errors = [f for f in findings if f.severity == "ERROR"]
        warnings = [f for f in findings if f.severity == "WARN"]
        return AssetCheckResult(
            passed=not errors,
            severity=AssetCheckSeverity.ERROR,
            metadata={
                "failing_rules": len(errors),
                "warnings": len(warnings),
                "files_rejected": MetadataValue.json(sorted({f.file for f in errors})),
                "findings": MetadataValue.json([f.to_dict() for f in findings][:50]),
                "summary": MetadataValue.md("\n".join(f"- {f.one_line()}" for f in findings[:50]) or "all rules pass"),
            },
        )

    return _contract


contract_checks = [build_contract_check(source) for source in SOURCES]
