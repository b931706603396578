"""What the PostgreSQL mirror reads from and writes to the server's catalog besides rows: the tables
a schema holds and their columns, the grants a recreated table inherits, the comments taken from the
dbt documentation (dbt's manifest, where doc blocks are rendered), the advisory lock that serialises
mirrors of one schema, and the sessions in the way of a lock."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

STAGE_SUFFIX = "__sti_new"  # a table loaded beside the one it replaces, renamed at the end


@dataclass(frozen=True)
class TableDoc:
    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)


def table_docs(manifest: Path) -> dict[str, TableDoc]:
    """table -> its description and column descriptions (whitespace collapsed), from the one reader
    of the marts' dbt documentation; empty when the manifest is missing or unreadable (the mirror
    then carries no comments, nothing else)."""
    from pipelines.serve.mart_docs import mart_docs

    try:
        docs = mart_docs(json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
    return {
        table: TableDoc(" ".join(doc.description.split()), {c: " ".join(d.split()) for c, d in doc.columns.items()})
        for table, doc in docs.items()
    }


def table_shapes(cur: psycopg.Cursor, schema: str) -> dict[str, list[tuple[str, str]]]:
    cur.execute(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
        ORDER BY c.relname, a.attnum
        """,
        [schema],
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, typ in cur.fetchall():
        out.setdefault(table, []).append((column, typ))
    return out


def advisory_key(schema: str) -> int:
    """The advisory lock that serialises mirrors into one schema (a signed 64-bit key)."""
    return int.from_bytes(hashlib.blake2b(f"sti mirror {schema}".encode(), digest_size=8).digest(), "big", signed=True)


def copy_grants(cur: psycopg.Cursor, schema: str, table: str) -> None:
    """Privileges granted on a table that is recreated are granted again on its successor."""
    cur.execute(
        """
        SELECT CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, g.privilege_type, g.is_grantable
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) g
             LEFT JOIN pg_roles r ON r.oid = g.grantee
        WHERE n.nspname = %s AND c.relname = %s AND g.grantee <> c.relowner
        """,
        [schema, table],
    )
    stage = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table + STAGE_SUFFIX))
    for grantee, privilege, grantable in cur.fetchall():
        cur.execute(
            sql.SQL("GRANT {} ON {} TO {}{}").format(
                sql.SQL(privilege), stage, sql.SQL(grantee), sql.SQL(" WITH GRANT OPTION" if grantable else "")
            )
        )


def comments_sql(
    schema: str,
    tables: Mapping[str, list[tuple[str, str]]],
    docs: Mapping[str, TableDoc],
    publication: tuple[int | None, str | None],
) -> sql.Composed:
    pid, published_at = publication
    what = f"publication {pid} of {published_at} UTC" if pid is not None else "the served marts"
    statements = [
        sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
            sql.Identifier(schema),
            sql.Literal(
                f"科技创新指标数据仓库 marts 镜像 / STI indicator marts mirrored from sti.duckdb ({what}); "
                "replaced as a whole by every publish: do not edit"
            ),
        )
    ]
    for table, columns in tables.items():
        doc = docs.get(table, TableDoc())
        name = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        if doc.description:
            statements.append(sql.SQL("COMMENT ON TABLE {} IS {}").format(name, sql.Literal(doc.description)))
        for column, _type in columns:
            if doc.columns.get(column):
                statements.append(
                    sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                        name, sql.Identifier(column), sql.Literal(doc.columns[column])
                    )
                )
    return sql.SQL("; ").join(statements)


def lock_holders(pg: psycopg.Connection, relation: str | None) -> str:
    """The sessions holding a lock on `schema.table` (the transaction was rolled back already)."""
    if relation is None:
        return "other sessions"
    schema, _, table = relation.partition(".")
    try:
        with pg.cursor() as cur:
            cur.execute(
                """
                SELECT DISTINCT a.pid, a.usename, a.application_name, a.xact_start
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                     JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE l.granted AND l.pid <> pg_backend_pid() AND n.nspname = %s AND c.relname = %s
                ORDER BY a.pid
                """,
                [schema, table],
            )
            found = cur.fetchall()
        pg.rollback()
    except psycopg.Error:
        return f"the sessions reading {relation}"
    if not found:
        return f"the sessions reading {relation}"
    sessions = ", ".join(
        f"pid {pid} (user {user}, application '{app or '?'}'"
        + (f", transaction open since {start:%Y-%m-%d %H:%M:%S %Z}" if start else "")
        + ")"
        for pid, user, app, start in found
    )
    return f"session(s) {sessions} using {relation}"
