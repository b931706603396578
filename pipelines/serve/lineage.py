"""`sti lineage CODE --region R --year Y [--contributors] [--as-of TIME]`: the full story of one
published value.

Everything comes from the served marts (`dim_indicator`, `dim_region`, `fct_indicator_value`,
`indicator_lineage`, `fct_indicator_contribution`, and for `--as-of` `dim_publication` and
`fct_indicator_value_history`), so a statistician can run it against a copied sti.duckdb alone:
no private schema is named here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

# The rows behind one value: rows of the region and its descendants, except region-level figures,
# which the mart lists under the region whose value they make up (value_region_code).
CONTRIBUTORS_SQL = """
    WITH RECURSIVE subtree(region_code) AS (
        SELECT ?::VARCHAR
        UNION
        SELECT r.region_code FROM marts.dim_region r JOIN subtree s ON r.parent_code = s.region_code
    )
    SELECT role, entity_key, entity_name, amount, source, load_id, source_file, row_number,
           region_code, vintage_status
    FROM marts.fct_indicator_contribution
    WHERE indicator_code = ? AND year = ?
      AND (value_region_code = ?
           OR (value_region_code IS NULL AND region_code IN (SELECT region_code FROM subtree)))
    ORDER BY role DESC, entity_key, source_file, row_number
"""


class LineageError(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


def _records(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def parse_as_of(text: str) -> dt.datetime:
    """An --as-of TIME: an ISO date and time (UTC, as dim_publication.published_at), or a date
    alone, read as the end of that day (a review on 2026-03-15 saw what was served that day)."""
    try:
        if len(text.strip()) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text.strip()), dt.time(23, 59, 59))
        return dt.datetime.fromisoformat(text.strip().replace("T", " ")).replace(tzinfo=None)
    except ValueError:
        raise LineageError(
            f"--as-of {text!r} is not a date or time",
            "write it as YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]' (UTC, as `sti history` prints publications)",
        ) from None


def _publication_at(con: duckdb.DuckDBPyConnection, as_of: dt.datetime) -> dict[str, Any]:
    """The publication current at `as_of` (the latest published at or before it), and the current one."""
    try:
        rows = _records(
            con.execute("SELECT publication_id, published_at FROM marts.dim_publication ORDER BY publication_id")
        )
    except duckdb.CatalogException:
        raise LineageError(
            "this sti.duckdb has no publication history (marts.dim_publication)",
            "run `sti refresh` with this version of sti; publications are recorded from then on",
        ) from None
    if not rows:
        raise LineageError("this sti.duckdb records no publication", "run `sti refresh` to publish the marts")
    at = [r for r in rows if r["published_at"] <= as_of]
    if not at:
        first = rows[0]
        raise LineageError(
            f"--as-of {as_of} is before the first publication (publication {first['publication_id']}, "
            f"published {first['published_at']} UTC): nothing was served then",
            f"give a time at or after {first['published_at']}, or leave out --as-of for the current value",
        )
    return {**at[-1], "current_publication_id": rows[-1]["publication_id"],
            "is_current": at[-1]["publication_id"] == rows[-1]["publication_id"]}


def _value_at(con: duckdb.DuckDBPyConnection, key: list[Any], publication_id: int) -> list[dict[str, Any]]:
    return _records(
        con.execute(
            "SELECT value, obs_status FROM marts.fct_indicator_value_history "
            "WHERE indicator_code = ? AND region_code = ? AND year = ? AND valid_from_publication <= ? "
            "AND (valid_to_publication IS NULL OR valid_to_publication > ?)",
            [*key, publication_id, publication_id],
        )
    )


def lineage(
    serving: Path, code: str, region: str, year: int, contributors: bool = False, as_of: dt.datetime | None = None
) -> dict[str, Any]:
    if not serving.exists():
        raise LineageError(f"{serving} does not exist", "run `sti refresh` first (or pass --warehouse DIR)")
    con = duckdb.connect(str(serving), read_only=True)
    try:
        indicator = _records(con.execute("SELECT * FROM marts.dim_indicator WHERE indicator_code = ?", [code]))
        if not indicator:
            codes = [r[0] for r in con.execute("SELECT indicator_code FROM marts.dim_indicator ORDER BY 1").fetchall()]
            raise LineageError(f"unknown indicator code {code!r}", "use one of: " + ", ".join(codes))
        regions = _records(
            con.execute(
                "SELECT region_code, region_name, level FROM marts.dim_region WHERE region_code = ? OR region_name = ?",
                [region, region],
            )
        )
        if not regions:
            raise LineageError(f"unknown region {region!r}", "give a region code or exact name from marts.dim_region")
        region_row = regions[0]
        key = [code, region_row["region_code"], year]
        value = _records(
            con.execute(
                "SELECT value, numerator, denominator, unit, obs_status, from_children FROM marts.fct_indicator_value "
                "WHERE indicator_code = ? AND region_code = ? AND year = ?",
                key,
            )
        )
        inputs = _records(
            con.execute(
                "SELECT * FROM marts.indicator_lineage WHERE indicator_code = ? AND region_code = ? AND year = ? "
                "ORDER BY input_role DESC, source, superseded, load_id",
                key,
            )
        )
        publication = _publication_at(con, as_of) if as_of is not None else None
        past = _value_at(con, key, publication["publication_id"]) if publication is not None else None
        rows = (
            _records(con.execute(CONTRIBUTORS_SQL, [region_row["region_code"], code, year, region_row["region_code"]]))
            if contributors
            else None
        )
    finally:
        con.close()
    if publication is not None:
        return _story_as_of(indicator[0], region_row, year, publication, past or [], value, inputs, rows)
    if not value:
        raise LineageError(
            f"no value of {code} for {region_row['region_code']} {region_row['region_name']} in {year}",
            "a ratio has no row when an input is missing or its denominator is 0 (DESIGN §4); "
            "check the inputs' sources for that region and year",
        )
    story: dict[str, Any] = {
        "indicator": indicator[0],
        "region": region_row,
        "year": year,
        "value": value[0],
        "inputs": inputs,
    }
    if rows is not None:
        story["contributors"] = rows
    return story


def _story_as_of(
    indicator: dict[str, Any],
    region_row: dict[str, Any],
    year: int,
    publication: dict[str, Any],
    past: list[dict[str, Any]],
    current: list[dict[str, Any]],
    inputs: list[dict[str, Any]],
    rows: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """The value served by an earlier publication: value and obs_status from the history; the
    numerator, denominator and inputs are kept for the current publication only, so they are
    shown only when the publication asked for is the current one."""
    if not past:
        raise LineageError(
            f"publication {publication['publication_id']} (published {publication['published_at']} UTC) served no "
            f"value of {indicator['indicator_code']} for {region_row['region_code']} {region_row['region_name']} "
            f"in {year}",
            "`sti history` lists the publications; try a later --as-of, or leave it out for the current value",
        )
    if publication["is_current"] and current:
        value = current[0]
    else:
        value = {**past[0], "unit": indicator["unit"], "numerator": None, "denominator": None, "from_children": None}
    story: dict[str, Any] = {
        "indicator": indicator,
        "region": region_row,
        "year": year,
        "publication": publication,
        "value": value,
        "current_value": current[0] if current else None,
        "inputs": inputs,
    }
    if rows is not None:
        story["contributors"] = rows
    return story


def _fmt(number: Any) -> str:
    if number is None:
        return "—"
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.6g}" if abs(number) < 1000 else f"{number:,.2f}"
    return f"{int(number):,}" if isinstance(number, (int, float)) else str(number)


def _input_line(row: dict[str, Any]) -> str:
    if row.get("load_id") is None:
        where = row["source"] or "no source holds rows for this input"
        return f"    {row['input_role']:<11} {where}: no contributing row (count 0)"
    vintage = f", vintage {row['vintage_status']}" if row.get("vintage_status") else ""
    text = (
        f"{row['source']}: load {row['load_id']} {row['file']} (sha256 {str(row['sha256'])[:12]}…, "
        f"published {row.get('published_at')}) — {_fmt(row['row_count'])} row(s){vintage}"
    )
    if row.get("superseded"):
        return f"    {'':<11} superseded by the figure above: {text}, amount {_fmt(row.get('amount'))}"
    return f"    {row['input_role']:<11} {text}"


def _contributor_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [f"  contributing rows ({len(rows):,}): role, key (USCC / number / name / region), name, amount, file:row"]
    for row in rows:
        vintage = f" [{row['vintage_status']}]" if row.get("vintage_status") else ""
        lines.append(
            f"    {row['role']:<11} {row['entity_key']}  {row['entity_name'] or ''}  {_fmt(row['amount'])}{vintage}  "
            f"{row['source_file']}:{row['row_number']}"
        )
    return lines


def render(story: dict[str, Any]) -> str:
    ind, reg, val = story["indicator"], story["region"], story["value"]
    status = "provisional (an input is a 初步 figure)" if val.get("obs_status") == "P" else "final"
    lines = [
        f"{ind['indicator_code']} · {ind['name_zh']} ({ind['name_en']})",
        f"  region {reg['region_code']} {reg['region_name']} ({reg['level']}), year {story['year']}",
    ]
    pub = story.get("publication")
    if pub is not None:
        lines.append(
            f"  as of:       publication {pub['publication_id']}, published {pub['published_at']} UTC"
            + (" (the current one)" if pub["is_current"] else f" (the current one is {pub['current_publication_id']})")
        )
    lines += [
        f"  value:       {_fmt(val['value'])} {val['unit']} — {status}"
        + (", a region-level input summed from the children" if val.get("from_children") else ""),
        f"  formula:     {ind['formula']}",
    ]
    if pub is not None and not pub["is_current"]:
        cur = story.get("current_value")
        now = f"{_fmt(cur['value'])} ({cur['obs_status']})" if cur else "no value"
        lines.append(f"  current:     {now} in publication {pub['current_publication_id']}")
        lines.append(
            f"  inputs of the current publication {pub['current_publication_id']} (earlier ones are not kept):"
        )
        lines += [_input_line(row) for row in story["inputs"]]
        return "\n".join(lines)
    lines.append(f"  numerator:   {_fmt(val['numerator'])} — {ind['numerator']}")
    if val["denominator"] is not None:
        lines.append(f"  denominator: {_fmt(val['denominator'])} — {ind['denominator']}")
    lines.append("  inputs (source batch, rows that fed this value):")
    lines += [_input_line(row) for row in story["inputs"]]
    if "contributors" in story:
        lines += _contributor_lines(story["contributors"])
    else:
        lines.append("  add --contributors to list the enterprises and rows behind the value")
    return "\n".join(lines)
