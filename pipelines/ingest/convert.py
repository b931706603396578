"""Turn the string cells of a batch into a typed landing table in DuckDB.

Strings go into DuckDB first (Arrow, in chunks), so a million-row file is converted by
vectorised SQL rather than a Python loop per cell. Every non-empty cell that does not convert
becomes a Finding with its row number; nothing is dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import duckdb
import pyarrow as pa

from pipelines.ingest.headers import MatchedColumn
from pipelines.ingest.readers import Row
from pipelines.ingest.values import describe_allowed, enum_lookup, parse_bool, parse_date, parse_enum
from pipelines.spec import SQL_TYPE, Source
from pipelines.validation.findings import MAX_EXAMPLES, Finding


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_strings(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[MatchedColumn],
    extra: list[tuple[int, str]],
    chunks: Iterator[list[Row]],
) -> int:
    """Create `table` (all VARCHAR: s0..sN, _extra, _row_number) and fill it. Returns rows."""
    names = [f"s{i}" for i in range(len(columns))]
    ddl = ", ".join(f"{n} VARCHAR" for n in names)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({ddl}, _extra VARCHAR, _row_number INTEGER)")
    total = 0
    for chunk in chunks:
        arrays: list[pa.Array] = []
        for m in columns:
            arrays.append(pa.array([_cell(cells, m.position) for _n, cells in chunk], pa.string()))
        arrays.append(pa.array([_extra_json(cells, extra) for _n, cells in chunk], pa.string()))
        arrays.append(pa.array([n for n, _c in chunk], pa.int32()))
        batch = pa.Table.from_arrays(arrays, names=[*names, "_extra", "_row_number"])
        con.register("_chunk", batch)
        con.execute(f"INSERT INTO {table} SELECT * FROM _chunk")
        con.unregister("_chunk")
        total += len(chunk)
    return total


def _cell(cells: list[str | None], pos: int) -> str | None:
    if pos >= len(cells) or cells[pos] is None:
        return None
    text = str(cells[pos]).strip()
    return text or None


def _extra_json(cells: list[str | None], extra: list[tuple[int, str]]) -> str | None:
    if not extra:
        return None
    values = {h: _cell(cells, pos) for pos, h in extra}
    return json.dumps(values, ensure_ascii=False)


_NUMERIC = "TRY_CAST(replace(replace({s}, ',', ''), '，', '') AS DOUBLE)"


def _numeric_expr(col: str, m: MatchedColumn) -> str:
    expr = _NUMERIC.format(s=col)
    if m.column.kind == "int":
        # Years may be written 2023年; counts may carry thousands separators.
        stripped = f"regexp_replace({col}, '\\s*(年度|年)$', '')"
        d = _NUMERIC.format(s=stripped)
        return f"CASE WHEN {d} = floor({d}) THEN CAST({d} AS BIGINT) END"
    if m.factor != 1.0:
        return f"({expr} * {m.factor!r})"
    return expr


def _mapped_values(
    con: duckdb.DuckDBPyConnection, table: str, col: str, m: MatchedColumn, token: str
) -> str:
    """Build a lookup table for a date/bool/enum column from its distinct values."""
    distinct = [r[0] for r in con.execute(f"SELECT DISTINCT {col} FROM {table} WHERE {col} IS NOT NULL").fetchall()]
    kind = m.column.kind
    if kind == "date":
        pairs = [(v, parse_date(v)) for v in distinct]
    elif kind == "bool":
        pairs = [(v, parse_bool(v)) for v in distinct]
    else:
        lookup = enum_lookup(m.column)
        pairs = [(v, parse_enum(m.column, v, lookup)) for v in distinct]
    map_table = f"map_{token}_{col}"
    sql_type = SQL_TYPE[kind]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {map_table} (raw VARCHAR, val {sql_type})")
    if pairs:
        # Arrow, not executemany: a patents file has thousands of distinct dates.
        arrow_type = {"date": pa.date32(), "bool": pa.bool_()}.get(kind, pa.string())
        lookup = pa.table(
            {"raw": pa.array([p[0] for p in pairs], pa.string()), "val": pa.array([p[1] for p in pairs], arrow_type)}
        )
        con.register("_lookup", lookup)
        con.execute(f"INSERT INTO {map_table} SELECT raw, val FROM _lookup")
        con.unregister("_lookup")
    return map_table


def convert(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    strings_table: str,
    landing_table: str,
    columns: list[MatchedColumn],
    file: str,
    token: str,
) -> list[Finding]:
    """Create `landing_table` with the contract's typed columns; report cells that do not convert."""
    selects: list[str] = []
    joins: list[str] = []
    checks: list[tuple[MatchedColumn, str, str]] = []  # (column, raw expr, converted expr)
    by_name = {m.column.name: (i, m) for i, m in enumerate(columns)}
    for col in source.columns:
        if col.name not in by_name:
            selects.append(f"CAST(NULL AS {SQL_TYPE[col.kind]}) AS {_q(col.name)}")
            continue
        i, m = by_name[col.name]
        raw = f"t.s{i}"
        if col.kind in ("text", "uscc", "region"):
            expr = raw
        elif col.kind in ("int", "number", "money"):
            expr = _numeric_expr(raw, m)
        else:
            map_table = _mapped_values(con, strings_table, f"s{i}", m, token)
            joins.append(f"LEFT JOIN {map_table} m{i} ON m{i}.raw = t.s{i}")
            expr = f"m{i}.val"
        selects.append(f"{expr} AS {_q(col.name)}")
        if col.kind not in ("text", "uscc", "region"):
            checks.append((m, raw, expr))
    con.execute(
        f"CREATE OR REPLACE TABLE {landing_table} AS SELECT {', '.join(selects)}, "
        f"t._extra AS _extra, t._row_number AS _row_number FROM {strings_table} t {' '.join(joins)}"
    )
    findings: list[Finding] = []
    for m, raw, expr in checks:
        bad_sql = f"FROM {strings_table} t {' '.join(joins)} WHERE {raw} IS NOT NULL AND ({expr}) IS NULL"
        count = con.execute(f"SELECT count(*) {bad_sql}").fetchone()[0]
        if not count:
            continue
        examples = con.execute(
            f"SELECT t._row_number, {raw} {bad_sql} ORDER BY t._row_number LIMIT {MAX_EXAMPLES}"
        ).fetchall()
        findings.append(_unconvertible(source, file, m, count, examples))
    return findings


def _unconvertible(source: Source, file: str, m: MatchedColumn, count: int, examples: list) -> Finding:
    kind = m.column.kind
    allowed = describe_allowed(m.column)
    rule, what = {
        "date": ("unparseable_date", "is not a date"),
        "bool": ("unparseable_yes_no", "is not a yes/no value"),
        "enum": ("unknown_category", "is not an allowed value"),
        "int": ("not_an_integer", "is not a whole number"),
    }.get(kind, ("not_a_number", "is not a number"))
    fix = f"write one of: {allowed}" if allowed else "write a plain number (no units or text in the cell; the unit belongs in the header)"
    return Finding(
        source=source.name,
        file=file,
        rule=rule,
        message=f"the value {what}",
        fix=fix,
        column=m.column.name,
        header=m.header,
        failing_count=int(count),
        examples=[(int(r), str(v)) for r, v in examples],
    )
