"""The served marts mirrored into a PostgreSQL schema (default `sti_marts`), for BI tools that only talk
to a server database (FineBI, Tableau, many bureau installations). DuckDB stays the system of record:
the mirror reads the published `sti.duckdb` and never changes it.

One PostgreSQL transaction replaces the whole mirror, so a reader sees the previous mirror or the new
one, never a mix and never a half-loaded table (docs/decisions.md, "PostgreSQL publish target"):

- a mart whose columns are unchanged keeps its table: `DELETE` every row, `COPY` the new ones in.
  Both take ROW EXCLUSIVE, which no reader's ACCESS SHARE conflicts with: the mirror never waits for a
  BI session, and MVCC shows every reader the old rows until the commit (a REPEATABLE READ transaction
  keeps seeing them to its end). Grants, indexes a DBA added and views on the tables survive;
- a mart that is new or whose columns changed (a new version of sti) is loaded as `<name>__sti_new`
  and swapped in at the end (DROP + RENAME, ACCESS EXCLUSIVE), as is a table no longer served dropped:
  that waits at most `lock_timeout` for readers, then fails naming the sessions in the way;
- any failure rolls the transaction back: the previous mirror stays as it was.

Rows travel as Arrow record batches from DuckDB, written as CSV (every non-NULL value quoted, so NULL
and '' stay apart; doubles in their shortest round-trip form) into `COPY ... FROM STDIN`. Comments on
the schema, tables and columns come from the dbt documentation (中文 / English).
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
import pyarrow.csv as pa_csv
from psycopg import sql

from pipelines.publish.postgres_catalog import (
    STAGE_SUFFIX,
    TableDoc,
    advisory_key,
    comments_sql,
    copy_grants,
    lock_holders,
    table_shapes,
)

DEFAULT_SCHEMA = "sti_marts"
BATCH_ROWS = 100_000
_CSV = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")

# DuckDB type -> PostgreSQL type, spelled as PostgreSQL's format_type() spells it (compared with it).
PG_TYPES = {
    "VARCHAR": "text",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp without time zone",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")

RERUN = "the DuckDB publish is not affected; `sti publish --postgres URL` mirrors the served marts again"


class MirrorError(Exception):
    """A mirror that did not happen, in a sentence, with what to do about it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix
        self.publication_id: int | None = None  # the publication it was mirroring, once known

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.fix}"


@dataclass(frozen=True)
class MirrorTarget:
    url: str  # libpq URL or key=value string; the password best in ~/.pgpass
    schema: str = DEFAULT_SCHEMA
    lock_timeout_s: float = 10.0
    connect_timeout_s: int = 10

    @property
    def display(self) -> str:
        return redact(self.url)


@dataclass
class MirrorResult:
    target: str  # redacted URL
    schema: str
    publication_id: int | None
    rows: dict[str, int]  # table -> rows copied
    replaced: list[str]  # tables created or recreated (new, or their columns changed)
    dropped: list[str]  # tables no longer served, removed
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def redact(url: str) -> str:
    """The URL without its password (for output, logs and the ledger)."""
    url = re.sub(r"^([a-z]+://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)
    return re.sub(r"(password\s*=\s*)('[^']*'|[^&\s]*)", r"\1***", url)


def pg_type(table: str, column: str, duck_type: str) -> str:
    if duck_type in PG_TYPES:
        return PG_TYPES[duck_type]
    decimal = _DECIMAL.fullmatch(duck_type)
    if decimal:
        return f"numeric({decimal[1]},{decimal[2]})"
    raise MirrorError(
        f"marts.{table}.{column} has DuckDB type {duck_type}, which the PostgreSQL mirror does not map",
        f"cast it in the dbt model to one of {', '.join(PG_TYPES)} or DECIMAL; {RERUN}",
    )


def mirror_marts(serving_db: Path, target: MirrorTarget, docs: Mapping[str, TableDoc] | None = None) -> MirrorResult:
    """Replace the PostgreSQL schema `target.schema` with the marts of `serving_db`, atomically."""
    started = time.monotonic()
    if not serving_db.exists():
        raise MirrorError(f"{serving_db} does not exist: no marts are published yet", "run sti refresh first")
    try:
        duck = duckdb.connect(str(serving_db), read_only=True)
    except duckdb.Error as exc:
        raise MirrorError(
            f"cannot open {serving_db} read-only: {exc}", f"close the program that holds it read-write; {RERUN}"
        ) from exc
    try:
        tables = _mart_columns(duck)
        publication = _publication(duck)
        try:
            with _connect(target) as pg:
                rows, replaced, dropped = _replace(pg, duck, target, tables, docs or {}, publication)
        except MirrorError as exc:
            exc.publication_id = publication[0]
            raise
    finally:
        duck.close()
    seconds = time.monotonic() - started
    return MirrorResult(target.display, target.schema, publication[0], rows, replaced, dropped, seconds)


def _mart_columns(duck: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """table -> [(column, PostgreSQL type)] of every table of schema marts, in column order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, duck_type in duck.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' ORDER BY table_name, ordinal_position"
    ).fetchall():
        out.setdefault(table, []).append((column, pg_type(table, column, duck_type)))
    if not out:
        raise MirrorError("the served sti.duckdb holds no table in schema marts", "run sti refresh first")
    return out


def _publication(duck: duckdb.DuckDBPyConnection) -> tuple[int | None, str | None]:
    """(id, published_at) of the publication the served file holds, when it has dim_publication."""
    try:
        rows = duck.execute(
            "SELECT publication_id, published_at FROM marts.dim_publication ORDER BY publication_id DESC LIMIT 1"
        ).fetchall()
    except duckdb.Error:
        return None, None
    return (int(rows[0][0]), str(rows[0][1])) if rows else (None, None)


def _connect(target: MirrorTarget) -> psycopg.Connection:
    try:
        pg = psycopg.connect(target.url, connect_timeout=target.connect_timeout_s, application_name="sti mirror")
    except psycopg.Error as exc:
        text = str(exc).strip()
        if "password authentication failed" in text or "no password supplied" in text:
            fix = "check the user and its password (in ~/.pgpass, PGPASSWORD or the URL)"
        elif "does not exist" in text and "database" in text:
            fix = "create the database first: createdb -E UTF8 -T template0 NAME, or name an existing one in the URL"
        else:
            fix = (
                "check that the PostgreSQL server runs and that host, port, database and user in the URL are "
                "right (psql 'URL' -c 'SELECT 1' tries the same connection)"
            )
        said = " ".join(text.replace("connection failed: ", "").split())[:500] or type(exc).__name__
        raise MirrorError(f"cannot connect to PostgreSQL at {target.display}: {said}", f"{fix}; {RERUN}") from exc
    encoding = pg.execute("SHOW server_encoding").fetchone()[0]
    if encoding.upper() not in ("UTF8", "UTF-8"):
        pg.close()
        raise MirrorError(
            f"the PostgreSQL database at {target.display} is encoded {encoding}, which cannot hold Chinese text",
            f"mirror into a UTF8 database (createdb -E UTF8 -T template0 NAME); {RERUN}",
        )
    pg.execute("SET client_encoding TO 'UTF8'")
    pg.commit()
    return pg


def _replace(
    pg: psycopg.Connection,
    duck: duckdb.DuckDBPyConnection,
    target: MirrorTarget,
    tables: Mapping[str, list[tuple[str, str]]],
    docs: Mapping[str, TableDoc],
    publication: tuple[int | None, str | None],
) -> tuple[dict[str, int], list[str], list[str]]:
    schema = sql.Identifier(target.schema)
    rows: dict[str, int] = {}
    step, relation = "starting", None  # what is under way, and the table it locks (for the error)
    try:
        with pg.transaction(), pg.cursor() as cur:
            cur.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(target.lock_timeout_s * 1000)}ms"])
            cur.execute("SELECT set_config('statement_timeout', '0', true)")  # a role's default would cut COPY
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [advisory_key(target.schema)])
            if not cur.fetchone()[0]:
                raise MirrorError(
                    f"another mirror into schema {target.schema} at {target.display} is running",
                    "two warehouses (or two machines) mirror into the same schema: give each its own schema; " + RERUN,
                )
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [target.schema])
            if cur.fetchone() is None:
                step = f"creating schema {target.schema}"
                cur.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
            existing = table_shapes(cur, target.schema)
            replaced = [t for t in tables if existing.get(t) != tables[t]]
            for table, columns in tables.items():
                step, relation = f"copying marts.{table}", f"{target.schema}.{table}"
                if table in replaced:
                    name = sql.Identifier(table + STAGE_SUFFIX)
                    cur.execute(sql.SQL("DROP TABLE IF EXISTS {}.{}").format(schema, name))
                    ddl = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns)
                    cur.execute(sql.SQL("CREATE TABLE {}.{} ({})").format(schema, name, ddl))
                else:
                    name = sql.Identifier(table)
                    cur.execute(sql.SQL("DELETE FROM {}.{}").format(schema, name))
                rows[table] = _copy(cur, duck, table, [c for c, _t in columns], sql.SQL("{}.{}").format(schema, name))
                cur.execute(sql.SQL("ANALYZE {}.{}").format(schema, name))
            # Last, so that the exclusive locks are held for the shortest time before the commit.
            dropped = [t for t in existing if t not in tables and not t.endswith(STAGE_SUFFIX)]
            for table in replaced:
                step = f"replacing {target.schema}.{table}"
                relation = f"{target.schema}.{table}"
                if table in existing:
                    copy_grants(cur, target.schema, table)
                    cur.execute(sql.SQL("DROP TABLE {}.{}").format(schema, sql.Identifier(table)))
                cur.execute(
                    sql.SQL("ALTER TABLE {}.{} RENAME TO {}").format(
                        schema, sql.Identifier(table + STAGE_SUFFIX), sql.Identifier(table)
                    )
                )
            for table in dropped:
                step = f"dropping {target.schema}.{table} (no longer served)"
                relation = f"{target.schema}.{table}"
                cur.execute(sql.SQL("DROP TABLE {}.{}").format(schema, sql.Identifier(table)))
            step, relation = "writing comments", None
            cur.execute(comments_sql(target.schema, tables, docs, publication))
    except MirrorError:
        raise
    except psycopg.errors.LockNotAvailable as exc:
        raise MirrorError(
            f"{step}: waited {target.lock_timeout_s:g} s for {lock_holders(pg, relation)} to let go of it; "
            f"schema {target.schema} still holds the previous mirror",
            "a table whose columns changed (a new version of sti) or that is no longer served is swapped "
            "with an exclusive lock: wait for those sessions to end (or end them: SELECT "
            "pg_terminate_backend(pid)), or raise the lock timeout; " + RERUN,
        ) from exc
    except psycopg.Error as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MirrorError(
            f"PostgreSQL at {target.display} failed while {step}: {detail}; schema {target.schema} still holds "
            "the previous mirror",
            "correct what PostgreSQL names (privileges: the user needs CREATE on the database or ownership of the "
            f"schema); {RERUN}",
        ) from exc
    return rows, replaced, dropped


def _copy(
    cur: psycopg.Cursor, duck: duckdb.DuckDBPyConnection, table: str, columns: list[str], into: sql.Composed
) -> int:
    """Every row of marts.<table> into `into` by COPY (CSV from Arrow batches); returns the row count."""
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    reader = duck.sql(f'SELECT {select} FROM marts."{table}"').to_arrow_reader(BATCH_ROWS)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        into, sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with cur.copy(statement) as copy:
        for batch in reader:
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, _CSV)
            copy.write(buffer.getbuffer())
    return cur.rowcount
