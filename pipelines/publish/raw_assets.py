"""Publish step, part 1: append the refresh's audited batches to `raw`, as one Dagster multi-asset.

`raw/<source>`: all accepted batches of the refresh go to `raw` in one transaction (ledger status
`pending` until the serving file includes them) — only if no batch of the refresh and no entry of
the drop was rejected (all-or-nothing). Then `dbt_assets.py` builds and tests the marts and
`serving_asset.py` publishes them.

A rejected refresh appends nothing and materializes nothing: the step succeeds without output, so
dbt and the publish are skipped and the run stays a success whose failed `contract` check (on the
landing asset) and run tag `sti/outcome: rejected` say what happened. A failed run would mark every
mart it planned as failed in the UI although the served marts are untouched.

Each materialization carries `dagster/last_updated_timestamp`: when the source last had a new batch,
which is what its freshness check (`source_freshness.py`) judges — raw/<source> is materialized at
every publication, with or without a new batch of that source.
"""

import datetime as dt

import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from pipelines.contract.sources import SOURCES
from pipelines.project import project_fingerprint
from pipelines.publish import ledger
from pipelines.publish.schema import typed_columns
from pipelines.publish.warehouse_resource import OUTCOME_TAG, WarehouseResource
from pipelines.write.landing import landing_table
from pipelines.write.landing_assets import landing_key


def raw_key(source: str) -> AssetKey:
    return AssetKey(["raw", source])


@multi_asset(
    specs=[
        AssetSpec(raw_key(source), deps=[landing_key(source)], skippable=True, group_name="ingest", kinds={"duckdb"})
        for source in SOURCES
    ],
    can_subset=False,
)
def raw_tables(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Append this refresh's accepted batches to `raw` (status pending until the marts are served)."""
    refresh_id = context.run.run_id
    with warehouse.connect() as con:
        rejected = [f for _s, f, _r in ledger.rejected_batches(con, refresh_id)]
        rejected += ledger.drop_rejections(con, refresh_id)
        if rejected:
            context.log.error(
                f"{len(rejected)} batch(es) or drop entries rejected, nothing published: {', '.join(rejected)}"
            )
            context.instance.add_run_tags(context.run.run_id, {OUTCOME_TAG: "rejected"})
            warehouse.progress("raw", advance=0, total=0, detail=f"{len(rejected)} rejected: nothing appended")
            return
        batches = ledger.landed_batches(con, refresh_id)
        if not batches and warehouse.serving_db.exists() and not ledger.needs_rebuild(con, project_fingerprint()):
            context.log.info("no new batch and the served marts are current: nothing to publish")
            ledger.mark_unchanged(con, refresh_id)
            warehouse.progress("raw", advance=0, total=0, detail="nothing new: dbt build and publish skipped")
            return
        appended: dict[str, int] = {source: 0 for source in SOURCES}
        con.execute("BEGIN TRANSACTION")
        load_id = ledger.next_load_id(con)
        published_at = ledger.now()
        # Allocated before dbt builds, so that the marts served by this publication include it
        # in dim_publication and the histories; dropped again if the publish does not complete.
        ledger.open_candidate_publication(con, refresh_id, published_at)
        for source, file, sha in batches:
            cols = ", ".join(f'"{name}"' for name, _t in typed_columns(source))
            table = landing_table(sha)
            count = con.execute(
                # by name: a raw table migrated to a newer contract has its added columns at the end
                f'INSERT INTO raw."{source}" ({cols}, _extra, _load_id, _source_file, _row_number) '
                f"SELECT {cols}, _extra, ?, ?, _row_number FROM {table}",
                [load_id, file],
            ).fetchone()[0]
            ledger.mark_pending(con, refresh_id, sha, load_id, published_at)
            appended[source] += int(count)
            load_id += 1
        con.execute("COMMIT")
        for _source, _file, sha in batches:
            con.execute(f"DROP TABLE IF EXISTS {landing_table(sha)}")
        latest = latest_batch_times(con)
    warehouse.progress("raw", advance=len(batches), total=len(batches), detail=f"{len(batches)} batch(es) appended")
    for source, count in appended.items():
        metadata: dict = {"rows_appended": count}
        if source in latest:
            metadata[LAST_UPDATED] = MetadataValue.timestamp(latest[source])
        yield MaterializeResult(asset_key=raw_key(source), metadata=metadata)


# Dagster's own key: freshness checks take the data's update time from it instead of the event's.
LAST_UPDATED = "dagster/last_updated_timestamp"


def latest_batch_times(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Per source, when its latest batch in raw was published (POSIX seconds; ledger times are UTC)."""
    rows = con.execute(
        "SELECT source, max(published_at) FROM audit.load_ledger "
        "WHERE status IN ('published', 'pending') AND published_at IS NOT NULL GROUP BY source"
    ).fetchall()
    return {source: at.replace(tzinfo=dt.UTC).timestamp() for source, at in rows}
