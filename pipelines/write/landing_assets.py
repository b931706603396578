"""Write and audit steps of write-audit-publish, as Dagster assets.

`landing/<source>`: every new file (sha256 not yet settled in the ledger) of the source is parsed into
a typed landing table; the same step then evaluates the asset's `contract` check on it
(`pipelines/audit/contract_checks.py`), and the publish step (`pipelines/publish/raw_assets.py`)
appends what passed to `raw`.
"""

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from pipelines.audit.contract_checks import contract_check_spec, evaluate_contract
from pipelines.contract.sources import REGIONS, SOURCES
from pipelines.publish import ledger
from pipelines.publish.warehouse_resource import WarehouseResource
from pipelines.write.file_hashes import FileHashes
from pipelines.write.landing import land_new_batches


def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


def build_landing_asset(source: str) -> AssetsDefinition:
    spec = SOURCES[source]
    key = landing_key(source)

    @asset(
        key=key,
        group_name="ingest",
        # regions lands (and is audited) first: every audit checks region codes and names against it
        deps=[] if source == REGIONS else [landing_key(REGIONS)],
        check_specs=[contract_check_spec(key, source)],
        description=f"New files of `{source}` ({spec.title_zh}) parsed into typed landing tables.",
        kinds={"duckdb"},
    )
    def _landing(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        refresh_id = context.run.run_id

        def parsed(file: str, rows: int) -> None:
            warehouse.progress("files", detail=f"{file} ({rows:,} rows)")

        hashes = FileHashes(warehouse.root)
        with warehouse.connect() as con:
            settled = set(ledger.settled_shas(con))
            summary = land_new_batches(con, warehouse.drop, source, refresh_id, settled, on_file=parsed, hashes=hashes)
        hashes.save()
        for finding in summary.findings:
            context.log.warning(finding.one_line())
        check = evaluate_contract(warehouse, source, refresh_id, key, batches=len(summary.files))
        new = f"{len(summary.files)} new file(s)" if summary.files else "no new file"
        warehouse.progress("sources", total=len(SOURCES), detail=f"{source}: {new}, {summary.skipped} already loaded")
        return MaterializeResult(
            metadata={
                "new_batches": MetadataValue.json(summary.files),
                "rows": summary.rows,
                "unchanged_batches_skipped": summary.skipped,
            },
            check_results=[check],
        )

    return _landing


landing_assets = [build_landing_asset(source) for source in SOURCES]
