"""Publish step, part 3 (optional): after sti.duckdb was swapped in, its marts are mirrored into PostgreSQL.

The mirror is downstream of the publish and never undoes it: DuckDB is the system of record. A failed
mirror fails this step — the run shows it, and `sti refresh` exits 3 — while the publication stands and
the previous mirror stays intact. Without a configured target the step materializes nothing.
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, Failure, MaterializeResult, MetadataValue, asset

from pipelines.publish.postgres_mirror import MirrorError
from pipelines.publish.postgres_resource import PostgresMirrorResource, mirror_and_record
from pipelines.publish.serving_asset import SERVING_KEY
from pipelines.publish.warehouse_resource import WarehouseResource

MIRROR_KEY = AssetKey(["serving", "postgres_mirror"])


@asset(
    key=MIRROR_KEY,
    deps=[SERVING_KEY],
    group_name="serving",
    description="The published marts mirrored into a PostgreSQL schema (default sti_marts) in one transaction; "
    "optional: set STI_POSTGRES_URL or the postgres resource's url.",
    kinds={"postgres"},
    output_required=False,
)
def postgres_mirror(
    context: AssetExecutionContext, warehouse: WarehouseResource, postgres: PostgresMirrorResource
) -> Iterator[MaterializeResult]:
    if not postgres.enabled:
        context.log.info("no PostgreSQL target configured (STI_POSTGRES_URL): nothing mirrored")
        return
    target = postgres.target()
    try:
        result = mirror_and_record(warehouse.serving_db, warehouse.connect, target, context.run.run_id)
    except MirrorError as exc:
        raise Failure(
            description=f"PostgreSQL mirror failed; sti.duckdb is published all the same: {exc.message}\n"
            f"  fix: {exc.fix}",
            metadata={"target": target.display, "schema": target.schema},
        ) from exc
    context.log.info(
        f"mirrored {len(result.rows)} tables, {result.total_rows:,} rows into {target.schema} at {target.display} "
        f"in {result.seconds:.1f} s"
    )
    yield MaterializeResult(
        metadata={
            "target": target.display,
            "schema": target.schema,
            "publication_id": result.publication_id if result.publication_id is not None else -1,
            "rows": MetadataValue.json(result.rows),
            "tables_replaced": MetadataValue.json(result.replaced),
            "seconds": round(result.seconds, 2),
        }
    )
