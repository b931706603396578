"""Write step of write-audit-publish, as Dagster assets.

`landing/<source>`: every new file (sha256 not yet settled in the ledger) of the source is parsed into
a typed landing table; the audit's blocking checks (`pipelines/audit/contract_checks.py`) then run
on it, and the publish step (`pipelines/publish/raw_assets.py`) appends what passed to `raw`.
"""

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from pipelines.contract.sources import REGIONS, SOURCES
from pipelines.publish import ledger
from pipelines.publish.warehouse_resource import WarehouseResource
from pipelines.write.landing import land_new_batches


def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


def build_landing_asset(source: str) -> AssetsDefinition:
    spec = SOURCES[source]

    @asset(
        key=landing_key(source),
        group_name="ingest",
        # regions lands first: every audit checks region codes and names against it
        deps=[] if source == REGIONS else [landing_key(REGIONS)],
        description=f"New files of `{source}` ({spec.title_zh}) parsed into typed landing tables.",
        kinds={"duckdb"},
    )
    def _landing(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        refresh_id = context.run.run_id
        with warehouse.connect() as con:
            summary = land_new_batches(con, warehouse.drop, source, refresh_id, set(ledger.settled_shas(con)))
        for finding in summary.findings:
            context.log.warning(finding.one_line())
        return MaterializeResult(
            metadata={
                "new_batches": MetadataValue.json(summary.files),
                "rows": summary.rows,
                "unchanged_batches_skipped": summary.skipped,
            }
        )

    return _landing


landing_assets = [build_landing_asset(source) for source in SOURCES]
