"""The tables the dbt project reads, from a DuckDB build database to Parquet (one file per table).

`raw` holds the published batches, `audit` the ledger and the served history, `reference` the
seeds as dbt loaded them (dbt-spark's own seed loader reads a quote inside a value wrongly and a
NULL as the text 'None', so the checks take the seeds as DuckDB's build has them).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMAS = ("raw", "audit", "reference")


def parquet_name(schema: str, table: str) -> str:
    """`<schema>.<table>.parquet`: portability_check registers each file as that Spark table."""
    return f"{schema}.{table}.parquet"


def export_parquet(build_db: Path, out_dir: Path, schemas: tuple[str, ...] = SCHEMAS) -> list[Path]:
    """Write every table of `schemas` in `build_db` to `out_dir`; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' and table_schema in (select unnest(?))"
            " order by table_schema, table_name",
            [list(schemas)],
        ).fetchall()
        for schema, table in tables:
            target = out_dir / parquet_name(schema, table)
            quoted = str(target).replace("'", "''")
            con.execute(f'copy (select * from "{schema}"."{table}") to \'{quoted}\' (format parquet)')
            written.append(target)
    finally:
        con.close()
    return written
