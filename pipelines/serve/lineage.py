"""`sti lineage CODE --region R --year Y`: the full story of one published value.

Everything comes from the served marts (`dim_indicator`, `fct_indicator_value`,
`indicator_lineage`), so a statistician can run it against a copied sti.duckdb too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


class LineageError(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


def _records(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def lineage(serving: Path, code: str, region: str, year: int) -> dict[str, Any]:
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
        value = _records(
            con.execute(
                "SELECT value, numerator, denominator, unit FROM marts.fct_indicator_value "
                "WHERE indicator_code = ? AND region_code = ? AND year = ?",
                [code, region_row["region_code"], year],
            )
        )
        inputs = _records(
            con.execute(
                "SELECT * FROM marts.indicator_lineage WHERE indicator_code = ? AND region_code = ? AND year = ? "
                "ORDER BY input_role DESC, source, load_id",
                [code, region_row["region_code"], year],
            )
        )
    finally:
        con.close()
    if not value:
        raise LineageError(
            f"no value of {code} for {region_row['region_code']} {region_row['region_name']} in {year}",
            "a ratio has no row when an input is missing or its denominator is 0 (DESIGN §4); "
            "check the inputs' sources for that region and year",
        )
    return {
        "indicator": indicator[0],
        "region": region_row,
        "year": year,
        "value": value[0],
        "inputs": inputs,
    }


def _fmt(number: Any) -> str:
    if number is None:
        return "—"
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.6g}" if abs(number) < 1000 else f"{number:,.2f}"
    return f"{int(number):,}" if isinstance(number, (int, float)) else str(number)


def render(story: dict[str, Any]) -> str:
    ind, reg, val = story["indicator"], story["region"], story["value"]
    lines = [
        f"{ind['indicator_code']} · {ind['name_zh']} ({ind['name_en']})",
        f"  region {reg['region_code']} {reg['region_name']} ({reg['level']}), year {story['year']}",
        f"  value:       {_fmt(val['value'])} {val['unit']}",
        f"  formula:     {ind['formula']}",
        f"  numerator:   {_fmt(val['numerator'])} — {ind['numerator']}",
    ]
    if val["denominator"] is not None:
        lines.append(f"  denominator: {_fmt(val['denominator'])} — {ind['denominator']}")
    lines.append("  inputs (source batch, rows that fed this value):")
    queries: list[str] = []
    for row in story["inputs"]:
        published = row.get("published_at")
        vintage = f", vintage {row['vintage_status']}" if row.get("vintage_status") else ""
        if row.get("load_id") is None:
            lines.append(f"    {row['input_role']:<11} {row['source']}: no contributing row (count 0)")
        else:
            lines.append(
                f"    {row['input_role']:<11} {row['source']}: load {row['load_id']} {row['file']} "
                f"(sha256 {str(row['sha256'])[:12]}…, published {published}) — {_fmt(row['row_count'])} row(s){vintage}"
            )
        sql = row.get("contributors_sql")
        if sql and sql not in queries:
            queries.append(sql)
    if queries:
        lines.append("  to list the contributing enterprises/rows, run against warehouse/build.duckdb:")
        lines += [f"    {q}" for q in queries]
    return "\n".join(lines)
