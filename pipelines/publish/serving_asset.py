"""Publish step: after dbt built and tested the marts, swap sti.duckdb and the ledger together."""

import json

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.project import project_fingerprint
from pipelines.publish.dbt_assets import sti_dbt_models
from pipelines.publish.publication import publish
from pipelines.publish.serving_patch import rebuilt_rules_whole
from pipelines.publish.warehouse_resource import WarehouseResource

SERVING_KEY = AssetKey(["serving", "sti_duckdb"])
# Every dbt model of the marts folder is published; they are found through the dbt assets.
MART_KEYS = [key for key, group in sti_dbt_models.group_names_by_key.items() if group == "marts"]


@asset(
    key=SERVING_KEY,
    deps=MART_KEYS,
    group_name="serving",
    description="warehouse/sti.duckdb: schema `marts` only, replaced by rename after every test passed.",
    kinds={"duckdb"},
)
def serving_database(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    result = publish(
        warehouse.build_db,
        warehouse.serving_db,
        warehouse.connect,
        context.run.run_id,
        project_fingerprint(),
        rules_rebuilt_whole=rebuilt_rules_whole(context.run.asset_selection),
    )
    # patched: the contribution rows of the enterprises this refresh changed replaced in a copy of the
    # served file (pipelines/publish/serving_patch.py); else every mart copied
    serving_file = "patched" if result["patched"] else "copied"
    summary = {
        "batches_published": result["batches"],
        "indicator_values": {k: result[k] for k in ("added", "changed", "removed")},
        "tables": result["tables"],
        "serving_file": serving_file,
    }
    (warehouse.folder("reports") / "last_publish.json").write_text(json.dumps(summary, indent=2))
    warehouse.progress("publish", total=1, detail=f"{warehouse.serving_db.name} replaced ({result['batches']} batches)")
    return MaterializeResult(
        metadata={
            "batches_published": result["batches"],
            "indicator_values_added": result["added"],
            "indicator_values_changed": result["changed"],
            "indicator_values_removed": result["removed"],
            "tables": MetadataValue.json(result["tables"]),
            "serving_file": serving_file,
        }
    )
