"""The tables Spark built (Parquet under its warehouse folder) against DuckDB's build, row for row.

Rows are compared as multisets, columns by name (DuckDB orders a contracted mart's columns as its
contract does). Doubles are equal within 1e-9 relative (sums of doubles are not bit-identical even
between two DuckDB builds: parallel aggregation order), and so are the decimal numbers written
inside text (alert messages); timestamps by their ISO text (Spark reads DuckDB's TIMESTAMP back as
timestamp_ntz). Runs in the main venv (DuckDB reads Spark's Parquet).

As a command (`make test-spark`): every table of a schema of DuckDB's build against Spark's, printing
`N of N <schema> tables equal` (and, for a table that differs, a few of its differing rows); exit 1
unless all are equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

NUMBER = re.compile(r"-?\d+\.\d+(?:[eE][+-]?\d+)?")
RELATIVE = 1e-9


@dataclass(frozen=True)
class TableComparison:
    schema: str
    table: str
    rows: int
    equal: bool
    detail: str = ""


def _coarse(value: Any, digits: int) -> Any:
    """A value with its doubles (also those inside text) rounded to `digits` significant digits."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}") if math.isfinite(value) else value
    if isinstance(value, str) and NUMBER.search(value):
        return NUMBER.sub(lambda m: f"{float(m.group()):.{digits}g}", value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isfinite(a) and abs(a - b) <= RELATIVE * max(abs(a), abs(b), 1e-300))
    if isinstance(a, str) and isinstance(b, str):
        parts_a, parts_b = NUMBER.split(a), NUMBER.split(b)
        numbers_a, numbers_b = NUMBER.findall(a), NUMBER.findall(b)
        return (
            parts_a == parts_b
            and len(numbers_a) == len(numbers_b)
            and all(_close(float(x), float(y)) for x, y in zip(numbers_a, numbers_b, strict=True))
        )
    return _coarse(a, 17) == _coarse(b, 17)


def rows_equal(left: list[tuple], right: list[tuple]) -> bool:
    if len(left) != len(right):
        return False

    def coarse_rows(rows: list[tuple]) -> Counter:
        return Counter(tuple(_coarse(v, 10) for v in row) for row in rows)

    if coarse_rows(left) == coarse_rows(right):
        return True

    # values near a rounding boundary: pair the rows up in a coarse order, then compare within the tolerance
    def key(row: tuple) -> tuple:
        return tuple((v is None, str(_coarse(v, 6))) for v in row)

    pairs = zip(sorted(left, key=key), sorted(right, key=key), strict=True)
    return all(_close(a, b) for x, y in pairs for a, b in zip(x, y, strict=True))


def differing_rows(left: list[tuple], right: list[tuple], n: int = 3) -> str:
    """A few rows only one side has (values rounded to 10 significant digits), for a failure message."""
    coarse_left = Counter(tuple(_coarse(v, 10) for v in row) for row in left)
    coarse_right = Counter(tuple(_coarse(v, 10) for v in row) for row in right)
    lines = [f"  only on Spark: {row}" for row in list((coarse_left - coarse_right).elements())[:n]]
    lines += [f"  only on DuckDB: {row}" for row in list((coarse_right - coarse_left).elements())[:n]]
    return "\n".join(lines)


def compare_tables(spark_warehouse: Path, build_db: Path, schemas: tuple[str, ...]) -> list[TableComparison]:
    """Every table Spark wrote under `<spark_warehouse>/<schema>.db/` against the same table of `build_db`."""
    out: list[TableComparison] = []
    con = duckdb.connect()
    try:
        con.execute("attach ? as build (read_only)", [str(build_db)])
        for schema in schemas:
            for folder in sorted((spark_warehouse / f"{schema}.db").glob("*")):
                table = folder.name
                files = str(folder / "*.parquet").replace("'", "''")
                columns = [r[0] for r in con.execute(f'describe build."{schema}"."{table}"').fetchall()]
                described = con.execute(f"describe select * from read_parquet('{files}')").fetchall()
                spark_columns = [r[0] for r in described]
                if sorted(spark_columns) != sorted(columns):
                    out.append(TableComparison(schema, table, 0, False, f"columns {spark_columns} vs {columns}"))
                    continue
                select = ", ".join(f'"{c}"' for c in columns)
                spark_rows = con.execute(f"select {select} from read_parquet('{files}')").fetchall()
                duckdb_rows = con.execute(f'select {select} from build."{schema}"."{table}"').fetchall()
                equal = rows_equal(spark_rows, duckdb_rows)
                detail = "" if equal else f"{len(spark_rows)} rows on Spark, {len(duckdb_rows)} on DuckDB"
                if not equal and (examples := differing_rows(spark_rows, duckdb_rows)):
                    detail += f"; columns {columns}\n{examples}"
                out.append(TableComparison(schema, table, len(duckdb_rows), equal, detail))
    finally:
        con.close()
    return out


def compare_databases(
    left_db: Path, right_db: Path, schema: str = "marts", same_times: Mapping[Any, Any] | None = None
) -> list[TableComparison]:
    """Every table of `schema` in `right_db` (e.g. the DuckDB refresh's sti.duckdb) against the same table of
    `left_db` (the Spark refresh's), row for row as `compare_tables` does; a table `left_db` lacks, or with
    other columns or types, is unequal (a BI tool sees the types). `same_times` maps timestamps of the left
    onto the right's: two refreshes of the same drop publish at different instants (`published_at`)."""
    times = dict(same_times or {})

    def aligned(row: tuple) -> tuple:
        return tuple(times.get(v, v) if isinstance(v, dt.datetime) else v for v in row)

    out: list[TableComparison] = []
    con = duckdb.connect()
    try:
        con.execute("attach ? as l (read_only)", [str(left_db)])
        con.execute("attach ? as r (read_only)", [str(right_db)])

        def columns(catalog: str, table: str) -> list[tuple[str, str]]:
            return con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = ?"
                " and table_schema = ? and table_name = ? order by ordinal_position",
                [catalog, schema, table],
            ).fetchall()

        for table in duckdb_tables(right_db, schema):
            right_columns, left_columns = columns("r", table), columns("l", table)
            if left_columns != right_columns:
                out.append(TableComparison(schema, table, 0, False, f"columns {left_columns} vs {right_columns}"))
                continue
            select = ", ".join(f'"{c}"' for c, _ in right_columns)
            left = [aligned(row) for row in con.execute(f'select {select} from l."{schema}"."{table}"').fetchall()]
            right = con.execute(f'select {select} from r."{schema}"."{table}"').fetchall()
            equal = rows_equal(left, right)
            detail = "" if equal else f"{len(left)} rows vs {len(right)}\n{differing_rows(left, right)}"
            out.append(TableComparison(schema, table, len(right), equal, detail))
    finally:
        con.close()
    return out


def duckdb_tables(build_db: Path, schema: str) -> list[str]:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        rows = con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [schema],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Spark's tables of a schema against DuckDB's build, row for row")
    parser.add_argument("--spark-warehouse", type=Path, required=True, help="the Spark build's warehouse dir")
    parser.add_argument("--build-db", type=Path, required=True, help="DuckDB's build.duckdb of the same sources")
    parser.add_argument("--schema", default="marts")
    args = parser.parse_args(argv)
    expected = duckdb_tables(args.build_db, args.schema)
    compared = {c.table: c for c in compare_tables(args.spark_warehouse, args.build_db, (args.schema,))}
    differ = [f"{t}: not built on Spark" for t in expected if t not in compared]
    differ += [f"{c.table}: {c.detail}" for c in compared.values() if not c.equal]
    equal = sum(1 for t in expected if t in compared and compared[t].equal)
    rows = sum(c.rows for c in compared.values())
    print(f"{equal} of {len(expected)} {args.schema.rstrip('s')} tables equal ({rows:,} rows on DuckDB)")
    for line in differ:
        print(f"differs: {line}")
    return 0 if expected and equal == len(expected) and len(compared) == len(expected) else 1


if __name__ == "__main__":
    sys.exit(main())
