"""Publish step: after dbt built and tested the marts, replace sti.duckdb atomically."""


import json

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.assets.dbt import sti_dbt_models
from pipelines.project import project_fingerprint
from pipelines.resources import WarehouseResource
from pipelines.warehouse import ledger
from pipelines.warehouse.serving import publish_serving, sql_path

SERVING_KEY = AssetKey(["serving", "sti_duckdb"])
# Every dbt model of the marts folder is published; they are found through the dbt assets.
MART_KEYS = [key for key, group in sti_dbt_models.group_names_by_key.items() if group == "marts"]


def indicator_changes(build_db, serving_db) -> dict[str, int]:
    """How many indicator values the new marts add, change or remove against the served ones."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{sql_path(build_db)}' AS new (READ_ONLY)")
        if not serving_db.exists():
            n = con.execute("SELECT count(*) FROM new.marts.fct_indicator_value").fetchone()[0]
            return {"added": int(n), "changed": 0, "removed": 0}
        con.execute(f"ATTACH '{sql_path(serving_db)}' AS old (READ_ONLY)")
        row = con.execute(
            """
            SELECT
              count(*) FILTER (WHERE o.value IS NULL),
              count(*) FILTER (WHERE n.value IS NULL),
              count(*) FILTER (WHERE o.value IS NOT NULL AND n.value IS NOT NULL
                               AND abs(o.value - n.value) > 1e-9 * greatest(1, abs(o.value)))
            FROM new.marts.fct_indicator_value n
            FULL JOIN old.marts.fct_indicator_value o
              USING (indicator_code, region_code, year)
            """
        ).fetchone()
        return {"added": int(row[0]), "removed": int(row[1]), "changed": int(row[2])}
    finally:
        con.close()


@asset(
    key=SERVING_KEY,
    deps=MART_KEYS,
    group_name="serving",
    description="warehouse/sti.duckdb: schema `marts` only, replaced by rename after every test passed.",
    kinds={"duckdb"},
)
def serving_database(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    refresh_id = context.run.run_id
    changes = indicator_changes(warehouse.build_db, warehouse.serving_db)
    tables = publish_serving(warehouse.build_db, warehouse.serving_db)
    with warehouse.connect() as con:
        published = ledger.mark_published(con, refresh_id)
        con.execute(
            "INSERT INTO audit.refresh_log (refresh_id, started_at, finished_at, status, sources_dir, "
            "batches_loaded, batches_rejected, project_fingerprint) VALUES (?, ?, ?, 'published', ?, ?, 0, ?)",
            [refresh_id, ledger.now(), ledger.now(), warehouse.sources_dir, published, project_fingerprint()],
        )
    summary = {"batches_published": published, "indicator_values": changes, "tables": tables}
    (warehouse.folder("reports") / "last_publish.json").write_text(json.dumps(summary, indent=2))
    return MaterializeResult(
        metadata={
            "batches_published": published,
            "indicator_values_added": changes["added"],
            "indicator_values_changed": changes["changed"],
            "indicator_values_removed": changes["removed"],
            "tables": MetadataValue.json(tables),
        }
    )
