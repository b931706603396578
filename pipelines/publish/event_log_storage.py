"""Dagster's SQLite event log, keeping its database connections open between events.

Dagster's `SqliteEventLogStorage` builds a SQLAlchemy engine and opens the SQLite file anew for every
event it stores (twice for an asset or check event: the run's shard and the cross-run index). A city
refresh stores ~950 events (a planned and an evaluation event per dbt test and asset, an output per
step result): at ~6 ms per open that was ~8 s of a 60 s refresh. This storage is the same tables, files
and SQL, with one engine (SQLAlchemy's connection pool) per shard for the life of the process. SQLite's
WAL mode, which Dagster sets on every shard, lets the webserver and other processes read and write the
same files meanwhile, as before. Engines are kept for the few shards in use (a refresh writes its run's
shard and the index); a long-lived process (the webserver reading many runs, the daemon) disposes the
least recently used beyond `MAX_OPEN_SHARDS`, so its open files stay bounded.

`pipelines.publish.dagster_home` names it in the dagster.yaml of a Dagster home it creates.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

MAX_OPEN_SHARDS = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one pooled engine per shard in use instead of one engine per event."""

    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # The same lock, one-time schema set-up and transaction per use as the parent's `_connect`.
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
                )
                self._engines[shard] = engine
                while len(self._engines) > MAX_OPEN_SHARDS:  # the lock is held: none of them is in use
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def wipe(self) -> None:
        # Wiping unlinks the run shards' files: their pooled connections must not outlive them.
        self._dispose_engines()
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()

    def _dispose_engines(self) -> None:
        with self._db_lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            engine.dispose()
