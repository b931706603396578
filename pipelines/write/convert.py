"""Turn the string cells of a batch into a typed landing table in DuckDB.

Strings go into DuckDB first (Arrow, in chunks), so a million-row file is converted by
vectorised SQL rather than a Python loop per cell. Every non-empty cell that does not convert
becomes a Finding with its row number; nothing is dropped silently.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator

import duckdb
import pyarrow as pa

from pipelines.audit.findings import MAX_EXAMPLES, Finding
from pipelines.contract.sources import SQL_TYPE, Source
from pipelines.write.headers import MatchedColumn
from pipelines.write.readers import Row
from pipelines.write.values import describe_allowed, enum_lookup, parse_bool, parse_date, parse_enum


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_strings(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[MatchedColumn],
    extra: list[tuple[int, str]],
    chunks: Iterator[list[Row]],
) -> int:
    """Create the temporary table `table` (all VARCHAR: s0..sN, _extra, _row_number) and fill it
    from the rows a reader yields. Returns rows. (duckdb_csv.load_csv_strings makes the same
    table from a CSV file with DuckDB's reader.)"""
    names = [f"s{i}" for i in range(len(columns))]
    ddl = ", ".join(f"{n} VARCHAR" for n in names)
    # Temporary: the strings only live until convert() has made the typed landing table, and a
    # table in the database file costs a compressed write (~0.4 s for a 130K-row patents file).
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({ddl}, _extra VARCHAR, _row_number INTEGER)")
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


# DESIGN §2: `.` is the decimal point; `,` or `，` only groups thousands (a first group of 1-3
# digits not starting with 0, then groups of exactly three); a leading sign; scientific notation
# on ungrouped numbers (xlsx float cells come through repr: `1e-05`, `1.5e+20`). Anything else
# — `604,97`, `1.234,5`, `0,125`, full-width digits, `—`, `NA` — is rejected, never read as some
# other number. Checked in SQL (RE2's regexp_full_match), then cast.
_PLAIN = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_GROUPED = r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?|[1-9][0-9]{0,2}(?:，[0-9]{3})+(?:\.[0-9]+)?"
NUMBER_PATTERN = rf"[+-]?(?:{_PLAIN}|{_GROUPED})"
_YEAR_SUFFIX = r"\s*(年度|年)$"  # integer columns: years may be written 2023年 / 2023年度


def _number_text(col: str, m: MatchedColumn) -> str:
    """SQL: the cell as the number rule sees it (integer columns drop a 年/年度 suffix)."""
    if m.column.kind == "int":
        return f"regexp_replace({col}, '{_YEAR_SUFFIX}', '')"
    return col


def _number_format_ok(col: str, m: MatchedColumn) -> str:
    """SQL: does the cell follow the number rule?"""
    return f"regexp_full_match({_number_text(col, m)}, '{NUMBER_PATTERN}')"


def _parsed_number(col: str, m: MatchedColumn) -> str:
    """SQL: the cell as a DOUBLE in the file's unit when it follows the number rule, else NULL.
    (Whatever the pattern accepts casts once the separators are removed: NULL means badly written.)"""
    text = _number_text(col, m)
    number = f"TRY_CAST(replace(replace({text}, ',', ''), '，', '') AS DOUBLE)"
    return f"CASE WHEN {_number_format_ok(col, m)} THEN {number} END"


def _typed_number(parsed: str, m: MatchedColumn) -> str:
    """SQL: a parsed number (a column or parenthesised expression) as the contract's value;
    NULL when not finite or, for integer columns, not a whole number in BIGINT range."""
    if m.column.kind == "int":
        return f"CASE WHEN {parsed} = floor({parsed}) THEN TRY_CAST({parsed} AS BIGINT) END"
    v = f"({parsed} * {m.factor!r})" if m.factor != 1.0 else parsed
    return f"CASE WHEN isfinite({v}) THEN {v} END"


_MINUS_SIGNS = "−–—‒"  # U+2212 and dashes that Word or a PDF copy put for a minus
_NO_VALUE = {"-", "--", "—", "——", "–", "/", "na", "n/a", "#n/a", "null", "none", "nan", "无", "空", "不详", "…", "..."}


def number_fix(value: str, integer: bool = False) -> tuple[str, str]:
    """(kind, what to write instead) for a cell that breaks the number rule (`integer`: a
    column of whole numbers, where a year may carry 年/年度)."""
    text = unicodedata.normalize("NFKC", value).strip()  # full-width digits and commas → ASCII
    if integer:
        text = re.sub(_YEAR_SUFFIX, "", text)
    if text.lower() in _NO_VALUE:
        return "no_value", f"{value!r}: leave the cell empty when there is no value (a dash, NA or 无 is not a number)"
    if text != value.strip() and re.fullmatch(NUMBER_PATTERN, text):
        return "full_width", f"{value!r}: write it in half-width characters: {text}"
    if text[:1] in _MINUS_SIGNS and re.fullmatch(NUMBER_PATTERN, "-" + text[1:]):
        return "minus_sign", f"{value!r}: write the minus sign as a plain hyphen-minus: -{text[1:]}"
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", text):
        return "comma_decimal", (
            f"{value!r}: a comma only separates thousands (1,234.5); write the decimal with a point: "
            f"{text.replace(',', '.')}"
        )
    if re.fullmatch(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+", text):
        fixed = text.replace(".", "").replace(",", ".")
        return "european", (
            f"{value!r}: the point is the decimal point and a comma only separates thousands; write {fixed}"
        )
    if re.fullmatch(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3}){2,}", text):
        fixed = text.replace(".", ",")
        return "european", f"{value!r}: the point is the decimal point, not a thousands separator; write {fixed}"
    unit = r"(?:%|[A-Za-z$]|[^\x00-\x7f])"
    if not re.fullmatch(r"[+-]?[0-9][0-9.,]*[eE][+-]?[0-9]+", text) and re.fullmatch(
        rf"[+-]?[0-9][0-9.,]*\s*{unit}.*|{unit}.*?\s*[+-]?[0-9][0-9.,]*", text
    ):
        return "unit_or_text", (
            f"{value!r}: write the number alone (no unit, % or text in the cell; the unit belongs in the header)"
        )
    return "other", (
        f"{value!r}: write a plain number: half-width digits, a point for the decimal, "
        "a comma only between groups of three digits (1,234.5)"
    )


def _number_format_fix(examples: list, integer: bool) -> str:
    """The fix of a bad_number_format finding: one hint per kind of mistake among the examples."""
    hints: dict[str, str] = {}
    for _row, value in examples:
        kind, hint = number_fix(str(value), integer)
        hints.setdefault(kind, hint)
    return "; ".join(list(hints.values())[:3])


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
    parsed: list[str] = []  # numbers parsed once in a subquery: the regex is the costly part
    joins: list[str] = []
    # (column, raw cell, converted value, parsed number or None); failing cells are reported
    checks: list[tuple[MatchedColumn, str, str, str | None]] = []
    by_name = {m.column.name: (i, m) for i, m in enumerate(columns)}
    for col in source.columns:
        if col.name not in by_name:
            selects.append(f"CAST(NULL AS {SQL_TYPE[col.kind]}) AS {_q(col.name)}")
            continue
        i, m = by_name[col.name]
        raw = f"t.s{i}"
        number = None
        if col.kind in ("text", "uscc", "region"):
            expr = raw
        elif col.kind in ("int", "number", "money"):
            parsed.append(f"{_parsed_number(raw, m)} AS n{i}")
            number = f"t.n{i}"
            expr = _typed_number(number, m)
        else:
            map_table = _mapped_values(con, strings_table, f"s{i}", m, token)
            joins.append(f"LEFT JOIN {map_table} m{i} ON m{i}.raw = t.s{i}")
            expr = f"m{i}.val"
        selects.append(f"{expr} AS {_q(col.name)}")
        if col.kind not in ("text", "uscc", "region"):
            checks.append((m, raw, expr, number))
    rows = f"(SELECT {', '.join(['t.*', *parsed])} FROM {strings_table} t) t {' '.join(joins)}"
    con.execute(
        f"CREATE OR REPLACE TABLE {landing_table} AS SELECT {', '.join(selects)}, "
        f"t._extra AS _extra, t._row_number AS _row_number FROM {rows}"
    )
    findings = _failing_cells(con, source, strings_table, landing_table, checks, file)
    # After the failing cells are counted: an unreadable cell is reported, never implied.
    fill_implied(con, source, landing_table)
    return findings


def fill_implied(con: duckdb.DuckDBPyConnection, source: Source, table: str) -> None:
    """Read empty cells the way the contract says (Column.implied), in place."""
    for col in source.columns:
        if col.implied is not None:
            con.execute(
                f"UPDATE {table} SET {_q(col.name)} = {col.implied.sql(_q(col.implied.by))} "
                f"WHERE {_q(col.name)} IS NULL"
            )


def _failing_cells(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    strings_table: str,
    landing_table: str,
    checks: list[tuple[MatchedColumn, str, str, str | None]],
    file: str,
) -> list[Finding]:
    # Failing cells: in the file but NULL once converted. Counted on the landing table next to
    # the strings (joined by row number: no regex or lookup evaluated a second time), in one scan.
    if not checks:
        return []
    both = f"{strings_table} t JOIN {landing_table} l ON l._row_number = t._row_number"
    failing = [f"{raw} IS NOT NULL AND l.{_q(m.column.name)} IS NULL" for m, raw, _e, _n in checks]
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {w})" for w in failing) + f" FROM {both}"
    ).fetchone()
    findings: list[Finding] = []
    for (m, raw, _expr, number), where, count in zip(checks, failing, counts, strict=True):
        if not count:
            continue
        # A number cell either breaks the number rule (bad_number_format) or is well written
        # but unusable (not a whole number, out of range): two findings with their own fixes.
        if number is None:
            groups = [(False, where, count)]
        else:
            ok = _number_format_ok(raw, m)
            split = [(True, f"{where} AND NOT {ok}"), (False, f"{where} AND {ok}")]
            n = con.execute(
                "SELECT " + ", ".join(f"count(*) FILTER (WHERE {w})" for _b, w in split) + f" FROM {both}"
            ).fetchone()
            groups = [(bad, w, c) for (bad, w), c in zip(split, n, strict=True)]
        for badly_written, cond, n_failing in groups:
            if not n_failing:
                continue
            examples = con.execute(
                f"SELECT t._row_number, {raw} FROM {both} WHERE {cond} ORDER BY t._row_number LIMIT {MAX_EXAMPLES}"
            ).fetchall()
            findings.append(_unconvertible(source, file, m, n_failing, examples, badly_written=badly_written))
    return findings


def _unconvertible(
    source: Source, file: str, m: MatchedColumn, count: int, examples: list, badly_written: bool = False
) -> Finding:
    kind = m.column.kind
    allowed = describe_allowed(m.column)
    if badly_written:
        rule, what = "bad_number_format", (
            "is not a number as the contract writes one (the point is the decimal point; "
            "a comma only separates thousands, e.g. 1,234.5)"
        )
        fix = _number_format_fix(examples, integer=kind == "int")
    else:
        rule, what = {
            "date": ("unparseable_date", "is not a date"),
            "bool": ("unparseable_yes_no", "is not a yes/no value"),
            "enum": ("unknown_category", "is not an allowed value"),
            "int": ("not_an_integer", "is not a whole number (or too large for one)"),
        }.get(kind, ("number_out_of_range", "is too large to be a number (it overflows)"))
        if allowed:
            fix = f"write one of: {allowed}"
        elif kind == "int":
            fix = "write a whole number (no decimals; a year may be written 2023 or 2023年)"
        elif kind in ("number", "money"):
            fix = "write the actual figure (a number this large is a typo or an overflowed formula)"
        else:
            fix = "write a plain value"
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
