"""Audit step of write-audit-publish: the `contract` asset check of every `landing/<source>`.

The check is evaluated in the landing step itself, right after the source's new files landed
(`pipelines/write/landing_assets.py`): parse findings of the write step plus the source's GX suite on
every new batch. A failing batch is marked rejected in the ledger, its file copied to quarantine/,
its landing table dropped; the raw publish then appends nothing (`pipelines/publish/raw_assets.py`).
Warnings (e.g. row count far from the previous batch of the source) are listed in the check's
metadata and the report but never reject a batch: supplementary lists of a few rows are normal.

Not a blocking check: the gate is the raw step, which refuses the whole refresh when any batch or
drop entry was rejected (all-or-nothing across sources, which per-asset blocking cannot say). A failed
blocking check would fail the Dagster run, and a failed run marks every asset it planned — every
mart — as failed in the UI although nothing downstream was touched (docs/decisions.md, "Progress and
the Dagster UI"). Evaluated in the landing step, the check also runs strictly before the raw step
and after landing/regions, whose new regions every other audit reads.
"""

from __future__ import annotations

import shutil

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from pipelines.publish.warehouse_resource import WarehouseResource

CONTRACT_CHECK = "contract"


def contract_check_spec(asset_key: AssetKey, source: str) -> AssetCheckSpec:
    return AssetCheckSpec(
        CONTRACT_CHECK,
        asset=asset_key,
        blocking=False,
        description=f"DESIGN §2 rules and the GX suite expectations/{source}.json on every new batch.",
    )


def _quarantine(warehouse: WarehouseResource, source: str, file: str, sha: str) -> None:
    target = warehouse.folder("quarantine") / source / f"{sha[:12]}-{file.rsplit('/', 1)[-1]}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(warehouse.drop / file, target)


def evaluate_contract(
    warehouse: WarehouseResource, source: str, refresh_id: str, asset_key: AssetKey, batches: int
) -> AssetCheckResult:
    """Audit the `batches` new batches of `source` landed by this refresh; the check's result."""
    findings = []
    if batches:
        # Imported here: Great Expectations takes ~2 s to import, which a refresh of an unchanged drop
        # (nothing to audit) should not pay.
        from pipelines.audit.landed_batches import audit_source

        with warehouse.connect() as con:
            findings = audit_source(
                con, source, refresh_id, on_reject=lambda file, sha: _quarantine(warehouse, source, file, sha)
            )
    errors = [f for f in findings if f.severity == "ERROR"]
    warnings = [f for f in findings if f.severity == "WARN"]
    rejected = sorted({f.file for f in errors})
    if batches:
        verdict = f"{len(rejected)} rejected" if rejected else "all passed"
        warehouse.progress("suites", advance=batches, detail=f"{source}: {batches} batch(es), {verdict}")
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=CONTRACT_CHECK,
        passed=not errors,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "batches_audited": batches,
            "failing_rules": len(errors),
            "warnings": len(warnings),
            "files_rejected": MetadataValue.json(rejected),
            "findings": MetadataValue.json([f.to_dict() for f in findings][:50]),
            "summary": MetadataValue.md("\n".join(f"- {f.one_line()}" for f in findings[:50]) or "all rules pass"),
        },
    )
