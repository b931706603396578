"""Write and publish steps of write-audit-publish, as Dagster assets.

- `landing/<source>`: every new file (sha256 not yet published) of the source is parsed into
  a typed landing table; the audit checks in `checks.py` then run on it.
- `raw/<source>`: one multi-asset appends all accepted batches of the refresh to `raw` in one
  transaction — only if no batch of the refresh was rejected (all-or-nothing).
"""


from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from pipelines.ingest.audit import REGIONS  # lands first: every audit checks regions against it
from pipelines.ingest.landing import land_new_batches, landing_table
from pipelines.project import project_fingerprint
from pipelines.resources import WarehouseResource
from pipelines.spec import SOURCES
from pipelines.warehouse import ledger
from pipelines.warehouse.schema import typed_columns



def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


def raw_key(source: str) -> AssetKey:
    return AssetKey(["raw", source])


def build_landing_asset(source: str) -> AssetsDefinition:
    spec = SOURCES[source]

    @asset(
        key=landing_key(source),
        group_name="ingest",
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
            raise Failure(
                description=f"{len(rejected)} batch(es) or drop entries rejected, nothing published: {', '.join(rejected)}",
                metadata={"rejected": MetadataValue.json(rejected)},
            )
        batches = ledger.landed_batches(con, refresh_id)
        if not batches and warehouse.serving_db.exists() and not ledger.needs_rebuild(con, project_fingerprint()):
            context.log.info("no new batch and the served marts are current: nothing to publish")
            ledger.mark_unchanged(con, refresh_id)
            return
        appended: dict[str, int] = {source: 0 for source in SOURCES}
        con.execute("BEGIN TRANSACTION")
        load_id = ledger.next_load_id(con)
        published_at = ledger.now()
        for source, file, sha in batches:
            cols = ", ".join(f'"{name}"' for name, _t in typed_columns(source))
            table = landing_table(sha)
            count = con.execute(
                f'INSERT INTO raw."{source}" SELECT {cols}, _extra, ?, ?, _row_number FROM {table}',
                [load_id, file],
            ).fetchone()[0]
            ledger.mark_pending(con, refresh_id, sha, load_id, published_at)
            appended[source] += int(count)
            load_id += 1
        con.execute("COMMIT")
        for _source, _file, sha in batches:
            con.execute(f"DROP TABLE IF EXISTS {landing_table(sha)}")
    for source, count in appended.items():
        yield MaterializeResult(asset_key=raw_key(source), metadata={"rows_appended": count})
