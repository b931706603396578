"""The serving file: the marts of build.duckdb copied into a new DuckDB file (schema `marts` only).

Readers (BI tools) keep the old file open and keep reading it; the rename swaps the directory
entry atomically, so a query never sees half a refresh and a refresh never waits for readers.

The file is written in DuckDB's oldest 1.x storage format (version 64), not the running DuckDB's
own: the DuckDB CLI from PyPI, DBeaver's and Metabase's drivers, duckdb-engine under Superset and
the ODBC/JDBC drivers are DuckDB 1.x and refuse a 2.x file.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.publish import duckdb_config

# Readable by every DuckDB 1.x (1.0 and later) as well as 2.x.
SERVING_STORAGE_VERSION = "v1.0.0"


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string body (ATTACH takes no parameters)."""
    return str(path).replace("'", "''")


def write_serving_file(build_db: Path, target: Path) -> list[str]:
    """Write every table/view of build schema `marts` as a table of schema `marts` in a new file
    `target`, synced to disk; return the table names. Renaming it into place is the caller's step."""
    con = duckdb_config.connect()
    try:
        # An in-memory database spills to ./.tmp by default: to build.duckdb's own spill folder instead.
        con.execute(f"SET temp_directory = '{sql_path(build_db.with_name(build_db.name + '.tmp'))}'")
        # A table's rows in no particular order (a query orders what it needs): DuckDB then writes the
        # 5M-row contribution mart without keeping its threads' batches in sequence (~0.4 s of 3.5 s at city).
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"ATTACH '{sql_path(target)}' AS serving (STORAGE_VERSION '{SERVING_STORAGE_VERSION}')")
        con.execute("USE serving")
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
        con.execute("CHECKPOINT serving")
        con.execute("USE memory")
        con.execute("DETACH serving")
    finally:
        con.close()
    with target.open("rb") as fh:
        os.fsync(fh.fileno())
    return names
