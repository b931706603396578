"""`sti lineage CODE --region R --year Y [--contributors]`: the full story of one published value.

Everything comes from the served marts (`dim_indicator`, `dim_region`, `fct_indicator_value`,
`indicator_lineage`, `fct_indicator_contribution`), so a statistician can run it against a copied
sti.duckdb alone: no private schema is named here.
"""

from __future__ import annotations

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


def lineage(serving: Path, code: str, region: str, year: int, contributors: bool = False) -> dict[str, Any]:
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
        rows = (
            _records(con.execute(CONTRIBUTORS_SQL, [region_row["region_code"], code, year, region_row["region_code"]]))
            if contributors
            else None
        )
    finally:
        con.close()
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
        f"  value:       {_fmt(val['value'])} {val['unit']} — {status}"
        + (", a region-level input summed from the children" if val.get("from_children") else ""),
        f"  formula:     {ind['formula']}",
        f"  numerator:   {_fmt(val['numerator'])} — {ind['numerator']}",
    ]
    if val["denominator"] is not None:
        lines.append(f"  denominator: {_fmt(val['denominator'])} — {ind['denominator']}")
    lines.append("  inputs (source batch, rows that fed this value):")
    lines += [_input_line(row) for row in story["inputs"]]
    if "contributors" in story:
        lines += _contributor_lines(story["contributors"])
    else:
        lines.append("  add --contributors to list the enterprises and rows behind the value")
    return "\n".join(lines)
