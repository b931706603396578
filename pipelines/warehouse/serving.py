"""Publish step: copy the marts of build.duckdb into a new sti.duckdb and rename it into place.

Readers (BI tools) keep the old file open and keep reading it; the rename swaps the directory
entry atomically, so a query never sees half a refresh and a refresh never waits for readers.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string body (ATTACH takes no parameters)."""
    return str(path).replace("'", "''")


def publish_serving(build_db: Path, serving_db: Path) -> list[str]:
    """Write every table/view of build schema `marts` as a table of schema `marts`; return names."""
    tmp = serving_db.with_name(f".{serving_db.stem}.{uuid.uuid4().hex[:8]}.duckdb.tmp")
    try:
        con = duckdb.connect(str(tmp))
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
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, serving_db)
        return names
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
