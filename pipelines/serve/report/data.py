"""What the report reads from the served marts, read once into plain Python objects.

Nothing is computed here beyond grouping: values, statuses, base points, path values and ranks are
the marts' own (fct_indicator_value, fct_target_progress, fct_district_ranking).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    formula: str
    value_type: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str | None
    level: str


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    provisional: bool  # obs_status P: an input is a 初步 figure


@dataclass
class ReportData:
    indicators: dict[str, Indicator]
    regions: dict[str, Region]
    values: dict[tuple[str, str], list[Point]]  # (indicator, region) -> points by year
    targets: list[dict]  # rows of fct_target_progress
    ranking: dict[tuple[str, str], list[dict]]  # (indicator, parent) -> rows of fct_district_ranking
    publication: tuple[int, object] | None = None  # (id, published_at) of the served file
    children: dict[str, list[str]] = field(default_factory=dict)

    def point(self, code: str, region: str, year: int) -> Point | None:
        return next((p for p in self.values.get((code, region), []) if p.year == year), None)

    def plans(self) -> list[str]:
        return sorted({t["plan_name"] for t in self.targets})


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()
    }


def load(serving: Path) -> ReportData:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        tables = _tables(con)
        indicators = {
            r["indicator_code"]: Indicator(
                r["indicator_code"], r["name_zh"], r["name_en"], r["unit"], r["formula"], r["value_type"]
            )
            for r in _rows(con, "SELECT * FROM marts.dim_indicator ORDER BY indicator_code")
        }
        regions = {
            r["region_code"]: Region(r["region_code"], r["region_name"], r["parent_code"], r["level"])
            for r in _rows(con, "SELECT * FROM marts.dim_region ORDER BY region_code")
        }
        values: dict[tuple[str, str], list[Point]] = defaultdict(list)
        for code, region, year, value, status in con.execute(
            "SELECT indicator_code, region_code, year, value, obs_status FROM marts.fct_indicator_value "
            "ORDER BY indicator_code, region_code, year"
        ).fetchall():
            values[(code, region)].append(Point(int(year), float(value), status == "P"))
        targets = (
            _rows(
                con,
                "SELECT * FROM marts.fct_target_progress "
                "ORDER BY plan_name, region_code, indicator_code, target_year, kind, period_year",
            )
            if "fct_target_progress" in tables
            else []
        )
        ranking: dict[tuple[str, str], list[dict]] = defaultdict(list)
        if "fct_district_ranking" in tables:
            for r in _rows(
                con, "SELECT * FROM marts.fct_district_ranking ORDER BY indicator_code, parent_code, year, rank"
            ):
                ranking[(r["indicator_code"], r["parent_code"])].append(r)
        publication = None
        if "dim_publication" in tables:
            publication = con.execute(
                "SELECT publication_id, published_at FROM marts.dim_publication ORDER BY publication_id DESC LIMIT 1"
            ).fetchall()
            publication = publication[0] if publication else None
    finally:
        con.close()
    children: dict[str, list[str]] = defaultdict(list)
    for region in regions.values():
        if region.parent:
            children[region.parent].append(region.code)
    return ReportData(indicators, regions, dict(values), targets, dict(ranking), publication, dict(children))
