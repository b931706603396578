"""What the CLI-level tests share: run `sti` in-process, and read a warehouse back."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.cli import main as sti
from pipelines.contract.sources import SOURCES
from tests.conftest import sha256_file


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_sti(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = sti(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def refresh(drop: Path, warehouse: Path) -> Run:
    return run_sti("refresh", "--sources", str(drop), "--warehouse", str(warehouse))


def raw_counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        return {s: con.execute(f'SELECT count(*) FROM raw."{s}"').fetchone()[0] for s in SOURCES}
    finally:
        con.close()


def raw_files(warehouse: Path) -> set[str]:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        files: set[str] = set()
        for s in SOURCES:
            files |= {r[0] for r in con.execute(f'SELECT DISTINCT _source_file FROM raw."{s}"').fetchall()}
        return files
    finally:
        con.close()


def ledger_rows(warehouse: Path, file: str) -> list[dict]:
    """Ledger entries of one file, oldest first."""
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        cur = con.execute(
            "SELECT status, sha256, refresh_id, row_count, report FROM audit.load_ledger "
            "WHERE file = ? ORDER BY loaded_at, refresh_id",
            [file],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def marts_value(warehouse: Path, code: str, region: str, year: int) -> float | None:
    con = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        row = con.execute(
            "SELECT value FROM marts.fct_indicator_value WHERE indicator_code = ? AND region_code = ? AND year = ?",
            [code, region, year],
        ).fetchone()
    finally:
        con.close()
    return None if row is None else float(row[0])


@dataclass
class Snapshot:
    serving_sha: str
    build_sha: str
    raw: dict[str, int]


def snapshot(warehouse: Path) -> Snapshot:
    return Snapshot(
        sha256_file(warehouse / "sti.duckdb"), sha256_file(warehouse / "build.duckdb"), raw_counts(warehouse)
    )


def land_and_read(source: str, drop: Path, path: Path):
    """(batch, {column: values in row order} or None): one file through the refresh's own `land_file`."""
    from pipelines.write.file_hashes import sha256_of
    from pipelines.write.landing import land_file

    con = duckdb.connect()
    try:
        batch = land_file(con, source, drop, path, sha256_of(path))
        rows = None
        if batch.table:
            cur = con.execute(f"SELECT * FROM {batch.table} ORDER BY _row_number")
            names = [d[0] for d in cur.description]
            records = cur.fetchall()
            rows = {n: [r[i] for r in records] for i, n in enumerate(names)}
    finally:
        con.close()
    return batch, rows


def _read(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def served_publication_ids(warehouse: Path) -> list[int]:
    rows = _read(warehouse / "sti.duckdb", "SELECT publication_id FROM marts.dim_publication ORDER BY 1")
    return [r[0] for r in rows]


def assert_history_committed(warehouse: Path) -> None:
    """What sti.duckdb serves is what the ledger committed: no candidate left, the same publications
    and the same history rows."""
    build, served = warehouse / "build.duckdb", warehouse / "sti.duckdb"
    assert not _read(build, "SELECT publication_id FROM audit.publication WHERE status <> 'published'")
    committed = _read(build, "SELECT publication_id FROM audit.publication ORDER BY 1")
    assert served_publication_ids(warehouse) == [r[0] for r in committed]
    cols = "indicator_code, region_code, year, round(value, 9), obs_status, valid_from_publication, "
    cols += "valid_to_publication"
    assert set(_read(served, f"SELECT {cols} FROM marts.fct_indicator_value_history")) == set(
        _read(build, f"SELECT {cols} FROM audit.indicator_value_history")
    )
    tcols = "plan_name, region_code, indicator_code, kind, target_year, period_year, status, valid_from_publication"
    assert set(_read(served, f"SELECT {tcols} FROM marts.fct_target_status_history")) == set(
        _read(build, f"SELECT {tcols} FROM audit.target_status_history")
    )


# Marts whose rows follow the publications themselves (a whole rebuild is one more publication).
PER_PUBLICATION = {"dim_publication", "fct_indicator_value_history", "fct_target_status_history"}


def differences(a, b, database: str, schema: str, tables=None, ignore: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows of each table of `<warehouse>/<database>` schema `schema` (all but the per-publication marts, or
    `tables`) in warehouse `a` and not in `b`, either way, over all columns but `ignore`; tables without a
    difference are left out."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{a / database}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b / database}' AS b (READ_ONLY)")
        if tables is None:
            tables = [t for (t,) in con.execute(
                f"SELECT table_name FROM duckdb_tables() WHERE database_name = 'a' AND schema_name = '{schema}'"
            ).fetchall() if t not in PER_PUBLICATION]  # fmt: skip
            assert len(tables) >= 8, tables
        found = {}
        for t in tables:
            columns = ", ".join(f'"{c}"' for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' AND schema_name = ? "
                "AND table_name = ? ORDER BY column_index", [schema, t]).fetchall() if c not in ignore)  # fmt: skip
            a_rows, b_rows = f"SELECT {columns} FROM a.{schema}.{t}", f"SELECT {columns} FROM b.{schema}.{t}"
            n = con.execute(
                f"SELECT count(*) FROM (({a_rows} EXCEPT ALL {b_rows}) UNION ALL ({b_rows} EXCEPT ALL {a_rows}))"
            ).fetchone()[0]
            if n:
                found[t] = n
        return found
    finally:
        con.close()
