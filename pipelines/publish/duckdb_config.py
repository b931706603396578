"""How much memory DuckDB may take, the same for every connection a refresh opens and for dbt.

DuckDB's default is 80 % of the machine's memory per database instance; a refresh holds two at once
(its own process and dbt's), and GX's pandas frames come on top. With a limit DuckDB spills to a
temporary folder beside the database file instead (`<file>.tmp`), so a national drop fits one machine.
`STI_DUCKDB_MEMORY_LIMIT` sets it (`8GB`, `40%`, anything DuckDB's `memory_limit` accepts).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

MEMORY_LIMIT_ENV = "STI_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "40%"


def memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT


LIMIT_FIX = "write it like 8GB, 512MB or 40%"


class MemoryLimitError(ValueError):
    """STI_DUCKDB_MEMORY_LIMIT is set to something DuckDB does not take as a memory limit."""

    def __init__(self, message: str, fix: str = LIMIT_FIX) -> None:
        super().__init__(f"{message}; fix: {fix}")
        self.message = message
        self.fix = fix


def connect(path: Path | str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection under the configured memory limit (a bad value fails here, naming the variable)."""
    try:
        return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": memory_limit()})
    except (duckdb.InvalidInputException, duckdb.ParserException) as exc:
        if os.environ.get(MEMORY_LIMIT_ENV, "").strip() and "memory" in str(exc).lower():
            raise MemoryLimitError(
                f"{MEMORY_LIMIT_ENV}={os.environ[MEMORY_LIMIT_ENV]!r} is not a memory limit DuckDB accepts ({exc})"
            ) from exc
        raise


def check_memory_limit() -> None:
    """Raise the MemoryLimitError of `connect` now: commands check before they start a run, whose resources would
    otherwise fail with it deep inside Dagster."""
    connect().close()
