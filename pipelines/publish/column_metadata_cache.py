"""The column schema and column lineage of the dbt models, worked out once per version of the project.

dagster-dbt derives both from the models' compiled SQL and the columns of their parents (sqlglot parses
every model: 8-16 s of a city refresh on two cores). They depend on the dbt project and on the tables it
reads (the raw and audit tables `schema.py` creates), never on the rows: a refresh whose project and
table definitions are those of the cached entry reuses it, any change of either recomputes it. Several
refreshes (of different warehouses) may write it at once: each writes a whole file and renames it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from pathlib import Path
from typing import Any

from dagster import deserialize_value, serialize_value

from pipelines.contract.sources import SOURCES
from pipelines.project import project_fingerprint, sti_dbt_project
from pipelines.publish import schema

CACHED_KEYS = ("dagster/column_schema", "dagster/column_lineage")
# Beside the manifest it is derived from, like dbt's partial_parse.msgpack: an artifact of the project,
# shared by every warehouse it builds (a new warehouse's first refresh pays nothing either).
COLUMN_METADATA_CACHE = sti_dbt_project.manifest_path.parent / "sti_column_metadata.json"


def cache_key() -> str:
    digest = hashlib.sha256(project_fingerprint().encode())
    digest.update(inspect.getsource(schema).encode())  # the ledger and audit tables' DDL
    for source in SOURCES:
        digest.update(schema.raw_table_ddl(source).encode())
    return digest.hexdigest()[:16]


def event_name(event: Any) -> str | None:
    """What identifies a model's event across refreshes: its output name (or asset key)."""
    if hasattr(event, "output_name"):
        return str(event.output_name)
    key = getattr(event, "asset_key", None)
    return key.to_user_string() if key is not None else None


class ColumnMetadataCache:
    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key

    def load(self) -> dict[str, dict[str, Any]] | None:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if stored.get("key") != self.key:
            return None
        try:
            return {
                name: {k: deserialize_value(v) for k, v in meta.items()} for name, meta in stored["events"].items()
            }
        except Exception:  # written by another dagster version: recompute
            return None

    def save(self, events: list[Any]) -> None:
        entries: dict[str, dict[str, str]] = {}
        for event in events:
            name = event_name(event)
            metadata = getattr(event, "metadata", None) or {}
            if name is not None:
                entries[name] = {k: serialize_value(metadata[k]) for k in CACHED_KEYS if k in metadata}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": self.key, "events": entries}), encoding="utf-8")
        tmp.replace(self.path)

    @staticmethod
    def attach(events: list[Any], cached: dict[str, dict[str, Any]]) -> list[Any] | None:
        """`events` with their cached metadata; None when some event is not in the cache."""
        out = []
        for event in events:
            name = event_name(event)
            if name is None or not hasattr(event, "with_metadata"):
                out.append(event)
                continue
            if name not in cached:
                return None
            out.append(event.with_metadata({**(event.metadata or {}), **cached[name]}) if cached[name] else event)
        return out
