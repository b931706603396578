"""The serving file: the marts of build.duckdb copied into a new DuckDB file (schema `marts` only), or
into a copy of the served file where only the contribution rows a by-enterprise build changed are
replaced (serving_patch.py says when).

Readers (BI tools) keep the old file open and keep reading it; the rename swaps the directory
entry atomically, so a query never sees half a refresh and a refresh never waits for readers.

The file is written in DuckDB's oldest 1.x storage format (version 64), not the running DuckDB's
own: the DuckDB CLI from PyPI, DBeaver's and Metabase's drivers, duckdb-engine under Superset and
the ODBC/JDBC drivers are DuckDB 1.x and refuse a 2.x file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.publish import duckdb_config

# Readable by every DuckDB 1.x (1.0 and later) as well as 2.x.
SERVING_STORAGE_VERSION = "v1.0.0"

CONTRIBUTIONS = "fct_indicator_contribution"
CHANGED_ENTERPRISES = "int_enterprises_changed"
# The rows of the contribution mart a by-enterprise build may have changed (serving_patch.py): those of
# the enterprises the rules' own pre-hook deletes (dbt_project/macros/entity_delta.sql), and the
# region-level figure rows.
CHANGED_ROWS = f"value_region_code IS NOT NULL OR entity_key IN (SELECT uscc FROM {CHANGED_ENTERPRISES})"


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string body (ATTACH takes no parameters)."""
    return str(path).replace("'", "''")


def write_serving_file(build_db: Path, target: Path, patch_from: Path | None = None) -> tuple[list[str], bool]:
    """Write every table/view of build schema `marts` as a table of schema `marts` in a new file
    `target`, synced to disk; return the table names and whether the file was patched. With
    `patch_from` (serving_patch.py says when), start from a copy of that served file and replace in the
    contribution mart only the rows the build may have changed. Renaming it into place is the caller's step."""
    patched = patch_from is not None and patch_from.exists()
    if patched:
        shutil.copyfile(patch_from, target)
    con = duckdb_config.connect()
    try:
        # An in-memory database spills to ./.tmp by default: to build.duckdb's own spill folder instead.
        con.execute(f"SET temp_directory = '{sql_path(build_db.with_name(build_db.name + '.tmp'))}'")
        # A table's rows in no particular order (a query orders what it needs): DuckDB then writes the
        # 5M-row contribution mart without keeping its threads' batches in sequence (~0.4 s of 3.5 s at city).
        con.execute("SET preserve_insertion_order = false")
        # An existing file keeps the storage version it was written with (the served file's: this one).
        version = "" if patched else f" (STORAGE_VERSION '{SERVING_STORAGE_VERSION}')"
        con.execute(f"ATTACH '{sql_path(target)}' AS serving{version}")
        con.execute("USE serving")
        con.execute(f"ATTACH '{sql_path(build_db)}' AS build (READ_ONLY)")
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'build' AND table_schema = 'marts' ORDER BY table_name"
            ).fetchall()
        ]
        patched = patched and _patch_contributions(con, names)
        if not patched:
            con.execute("DROP SCHEMA IF EXISTS marts CASCADE")
            con.execute("CREATE SCHEMA marts")
        for name in names:
            if not (patched and name == CONTRIBUTIONS):
                con.execute(f'CREATE OR REPLACE TABLE marts."{name}" AS SELECT * FROM build.marts."{name}"')
        for (gone,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'serving' "
            "AND table_schema = 'marts' AND NOT list_contains(?, table_name)", [names]
        ).fetchall():  # fmt: skip
            con.execute(f'DROP TABLE marts."{gone}"')
        con.execute("DETACH build")
        con.execute("CHECKPOINT serving")
        con.execute("USE memory")
        con.execute("DETACH serving")
    finally:
        con.close()
    with target.open("rb") as fh:
        os.fsync(fh.fileno())
    return names, patched


def _patch_contributions(con: duckdb.DuckDBPyConnection, names: list[str]) -> bool:
    """Replace the rows of the served contribution mart the build may have changed; False (nothing done)
    when the copy has no such mart, or when the result would not have the new mart's row count."""
    present = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = 'serving' AND table_schema = 'marts' "
        "AND table_name = ?", [CONTRIBUTIONS]
    ).fetchone()[0]  # fmt: skip
    if CONTRIBUTIONS not in names or not present:
        return False
    changed = f"SELECT DISTINCT uscc FROM build.intermediate.{CHANGED_ENTERPRISES}"
    con.execute(f"CREATE TEMP TABLE {CHANGED_ENTERPRISES} AS {changed}")  # before: one database per transaction
    con.execute("BEGIN")
    con.execute(f"DELETE FROM marts.{CONTRIBUTIONS} WHERE {CHANGED_ROWS}")
    con.execute(
        f"INSERT INTO marts.{CONTRIBUTIONS} BY NAME SELECT * FROM build.marts.{CONTRIBUTIONS} WHERE {CHANGED_ROWS}"
    )
    # A guard, not the proof (tests/test_refresh_scope.py compares the patched file with a whole copy):
    # a count that differs means the build changed rows outside CHANGED_ROWS; the whole copy is made.
    served, built = (
        con.execute(f"SELECT count(*) FROM {db}.marts.{CONTRIBUTIONS}").fetchone()[0] for db in ("serving", "build")
    )
    con.execute("COMMIT" if served == built else "ROLLBACK")
    return served == built
