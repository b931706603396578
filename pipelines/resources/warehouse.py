"""Where the drop is read from and where the warehouse lives (DESIGN §3 files on disk)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from pipelines.warehouse.ledger import ensure_schemas


class WarehouseResource(ConfigurableResource):
    """All warehouse state lives under `warehouse_dir`; nothing inside it stores absolute paths."""

    sources_dir: str = "sources/sample"
    warehouse_dir: str = "warehouse"

    @property
    def drop(self) -> Path:
        return Path(self.sources_dir).resolve()

    @property
    def root(self) -> Path:
        root = Path(self.warehouse_dir).resolve()
        root.mkdir(parents=True, exist_ok=True)
        return root

    @property
    def build_db(self) -> Path:
        return self.root / "build.duckdb"

    @property
    def serving_db(self) -> Path:
        return self.root / "sti.duckdb"

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Read-write connection to build.duckdb; closed on exit so dbt can open the file."""
        con = duckdb.connect(str(self.build_db))
        try:
            ensure_schemas(con)
            yield con
        finally:
            con.close()
