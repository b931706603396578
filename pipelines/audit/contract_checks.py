"""Audit step of write-audit-publish: blocking Dagster asset checks on the landing tables.

`landing/<source>` → check `contract` (ERROR, blocking): parse findings of the write step plus
the source's GX suite on every new batch. A failing batch is marked rejected in the ledger,
its file copied to quarantine/, its landing table dropped; the raw publish then refuses to run.
Warnings (e.g. row count far from the previous batch of the source) are listed in the check's
metadata and the report but never reject a batch: supplementary lists of a few rows are normal.
"""


import shutil

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from pipelines.audit.landed_batches import audit_source
from pipelines.contract.sources import SOURCES
from pipelines.publish.warehouse_resource import WarehouseResource
from pipelines.write.landing_assets import landing_key


def _quarantine(warehouse: WarehouseResource, source: str, file: str, sha: str) -> None:
    target = warehouse.folder("quarantine") / source / f"{sha[:12]}-{file.rsplit('/', 1)[-1]}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(warehouse.drop / file, target)


def build_contract_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=landing_key(source),
        name="contract",
        blocking=True,
        description=f"DESIGN §2 rules and the GX suite expectations/{source}.json on every new batch.",
    )
    def _contract(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect() as con:
            findings = audit_source(
                con,
                source,
                context.op_execution_context.run_id,
                on_reject=lambda file, sha: _quarantine(warehouse, source, file, sha),
            )
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
