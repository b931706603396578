"""The Dagster events of a `dbt build`, with the build's progress reported and row counts and column
lineage attached to the models.

dagster-dbt turns each dbt event into Dagster events (`DbtCliEventMessage.to_default_asset_events`,
what `DbtCliInvocation.stream()` does); this does the same, and on the way counts every node dbt
finishes — models, seeds and tests, against dbt's own total — for the progress display.
`attach_row_counts()` then adds `dagster/row_count` to the table models (one query over build.duckdb,
where dagster-dbt's `fetch_row_counts()` opened a dbt adapter connection per model: ~1.8 s of a city
refresh), and `fetch_column_metadata()` the column schema and column lineage (worked out once per
version of the project: `column_metadata_cache.py`). Both read build.duckdb once dbt has exited (DuckDB
has one writer), so the events reach Dagster after the build; the progress is reported as dbt goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetMaterialization, Output
from dagster._core.definitions.metadata import TableMetadataSet  # what dagster-dbt attaches, as it does
from dagster_dbt import DbtCliInvocation
from dagster_dbt.core.dbt_event_iterator import DbtEventIterator

from pipelines.publish.column_metadata_cache import COLUMN_METADATA_CACHE, ColumnMetadataCache, cache_key
from pipelines.publish.dbt_resource import StiDbtCliResource
from pipelines.publish.warehouse_resource import WarehouseResource

# dbt events that carry `index` / `total` but do not mean a node is done.
_NOT_DONE = ("LogStartLine", "LogHookStartLine", "LogHookEndLine")


def _node_done(raw_event: dict[str, Any]) -> tuple[int, str] | None:
    """(dbt's node total, "node status") when this dbt event says a node finished: the result lines
    dbt prints as "12 of 427 OK ..." carry `index` and the total (`num_models` for tests)."""
    data = raw_event.get("data") or {}
    total = data.get("total") or data.get("num_models")
    if not total or "index" not in data or raw_event["info"]["name"] in _NOT_DONE:
        return None
    node = data.get("node_info") or {}
    return int(total), f"{node.get('node_name', '?')} {node.get('node_status', '')}".strip()


def build_events(invocation: DbtCliInvocation, warehouse: WarehouseResource) -> Iterator[Any]:
    """The invocation's Dagster events, as `invocation.stream()` makes them, reporting each finished node."""
    for message in invocation.stream_raw_events():
        done = _node_done(message.raw_event)
        if done:
            warehouse.progress("dbt", total=done[0], detail=done[1])
        yield from message.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=invocation.context,
            target_path=invocation.target_path,
            project=invocation.project,
        )
    warehouse.progress("metadata", advance=0, detail="reading row counts and column schemas from build.duckdb")


def events_with_metadata(
    invocation: DbtCliInvocation, warehouse: WarehouseResource, dbt: StiDbtCliResource
) -> Iterator[Any]:
    """`build_events` with each model's row count, column schema and column lineage attached.

    Each stage is drained into a list before the next reads it. dagster-dbt's post-processing reads its
    input in a worker thread while its main loop polls the results without sleeping as long as none
    is ready (`dagster._core.utils.imap`); fed the live dbt stream, that loop spun for the whole build
    and took a CPU from dbt (the dbt step of the tiny drop went from 30 s to 65 s on two cores). With
    dbt-duckdb it waits for dbt to exit anyway, so draining first changes nothing else.
    """
    events = list(build_events(invocation, warehouse))  # dbt runs here
    try:
        events = attach_row_counts(events, invocation, warehouse.build_db)
        cache = ColumnMetadataCache(COLUMN_METADATA_CACHE, cache_key())
        cached = cache.load()
        with_columns = ColumnMetadataCache.attach(events, cached) if cached is not None else None
        if with_columns is None:
            dbt.attach_adapter(invocation)  # only a refresh that works the columns out reads through dbt
            with_columns = list(DbtEventIterator(iter(events), invocation).fetch_column_metadata())
            cache.save(with_columns)
        events = with_columns
    finally:
        release_adapter(invocation)
    warehouse.progress("metadata", total=1, detail="row counts and column lineage attached")
    yield from events


def attach_row_counts(events: list[Any], invocation: DbtCliInvocation, build_db: Path) -> list[Any]:
    """Each table model's event with `dagster/row_count` (and the storage kind), as dagster-dbt's
    `fetch_row_counts()` attaches them; views are not counted (that would run their SQL)."""
    nodes = invocation.manifest["nodes"]
    tables: dict[int, str] = {}
    for i, event in enumerate(events):
        if isinstance(event, AssetMaterialization | Output) and "unique_id" in event.metadata:
            node = nodes.get(event.metadata["unique_id"].value) or {}
            if node.get("resource_type") in ("model", "seed") and node.get("config", {}).get("materialized") != "view":
                tables[i] = node["relation_name"]
    if not tables:
        return events
    relations = sorted(set(tables.values()))
    query = " UNION ALL ".join(f"SELECT {n} AS i, count(*) AS n FROM {r}" for n, r in enumerate(relations))
    try:
        con = duckdb.connect(str(build_db), read_only=True)
        try:
            counts = {relations[i]: n for i, n in con.execute(query).fetchall()}
        finally:
            con.close()
    except duckdb.Error:  # a figure for the UI: never in the way of the build's own outcome
        return events
    kind = invocation.manifest.get("metadata", {}).get("adapter_type")
    return [
        event.with_metadata({**event.metadata, **TableMetadataSet(row_count=counts[tables[i]], storage_kind=kind)})
        if i in tables
        else event
        for i, event in enumerate(events)
    ]


def release_adapter(invocation: DbtCliInvocation) -> None:
    """Close the read-only DuckDB database the metadata was read through. dbt-duckdb keeps it open for
    the process (its connection manager's environment), and DuckDB refuses a read-write connection
    to a file this process holds read-only: the publish step that follows would fail."""
    adapter = invocation.adapter
    if adapter is None:
        return
    adapter.cleanup_connections()
    manager = type(adapter.connections)
    environment = getattr(manager, "_ENV", None)
    manager.close_all_connections()  # forgets the environment; closing it releases the file
    if environment is not None and hasattr(environment, "close"):
        environment.close()
