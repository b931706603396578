"""The serving file: the marts of build.duckdb copied into a new DuckDB file (schema `marts` only).

Readers (BI tools) keep the old file open and keep reading it; the rename swaps the directory
entry atomically, so a query never sees half a refresh and a refresh never waits for readers.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string body (ATTACH takes no parameters)."""
    return str(path).replace("'", "''")


def write_serving_file(build_db: Path, target: Path) -> list[str]:
    """Write every table/view of build schema `marts` as a table of schema `marts` in a new file
    `target`, synced to disk; return the table names. Renaming it into place is the caller's step."""
    con = duckdb.connect(str(target))
    try:
        con.execute(f"ATTACH '{sql_path(build_db)}' AS build (READ_ONLY)")
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'build' AND table_schema = 'marts' ORDER BY table_name"
            ).fetchall()
        ]
        con.execute("CREATE SCHEMA marts")
        for name in names:
            con.execute(f'CREATE TABLE marts."{name}" AS SELECT * FROM build.marts."{name}"')
        con.execute("DETACH build")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    with target.open("rb") as fh:
        os.fsync(fh.fileno())
    return names
