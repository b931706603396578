"""`sti report`: one self-contained HTML page of every indicator and target, with charts.

Charts are inline SVG drawn here, so the page opens offline and in any browser a bureau has.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

import duckdb

_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _svg_lines(series: dict[str, list[tuple[int, float]]], width: int = 420, height: int = 160) -> str:
    points = [p for s in series.values() for p in s]
    if not points:
        return ""
    years = sorted({y for y, _v in points})
    lo, hi = min(v for _y, v in points), max(v for _y, v in points)
    lo = min(lo, 0.0)
    span_y = (hi - lo) or 1.0
    pad = 30

    def x(year: int) -> float:
        if len(years) == 1:
            return width / 2
        return pad + (year - years[0]) / (years[-1] - years[0]) * (width - 2 * pad)

    def y(value: float) -> float:
        return height - pad - (value - lo) / span_y * (height - 2 * pad)

    parts = [f'<svg width="{width}" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    parts.append(f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>')
    for year in years:
        parts.append(f'<text x="{x(year):.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{year}</text>')
    parts.append(f'<text x="2" y="{pad - 8}" font-size="10">{hi:,.4g}</text>')
    for i, (name, pts) in enumerate(sorted(series.items())):
        color = _PALETTE[i % len(_PALETTE)]
        path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in sorted(pts))
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}">'
            f"<title>{_e(name)}</title></polyline>"
        )
        parts.append(
            f'<text x="{width - pad + 2}" y="{y(sorted(pts)[-1][1]):.1f}" font-size="9" fill="{color}">'
            f"{_e(name[:6])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def build_report(serving: Path, out: Path) -> Path:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        indicators = con.execute(
            "SELECT indicator_code, name_zh, name_en, unit, formula FROM marts.dim_indicator ORDER BY indicator_code"
        ).fetchall()
        values = con.execute(
            """
            SELECT v.indicator_code, r.region_name, r.parent_code IS NULL AS is_top, v.year, v.value, v.obs_status
            FROM marts.fct_indicator_value v JOIN marts.dim_region r USING (region_code)
            ORDER BY 1, 2, 4
            """
        ).fetchall()
        has_progress = bool(
            con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
                "AND table_name = 'fct_target_progress'"
            ).fetchone()[0]
        )
        progress = (
            con.execute(
                """
                SELECT plan_name, region_code, indicator_code, kind, period_year, comparator, target_value,
                       actual_year, actual_value, completion_pct, status, clause,
                       obs_status = 'P' AS is_provisional
                FROM marts.fct_target_progress ORDER BY plan_name, region_code, indicator_code, period_year
                """
            ).fetchall()
            if has_progress
            else []
        )
    finally:
        con.close()
    by_code: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
    provisional: dict[str, list[str]] = defaultdict(list)
    for code, region, is_top, year, value, obs_status in values:
        if is_top:  # charts show the top-level regions; the table below has every region
            by_code[code][region].append((int(year), float(value)))
        if obs_status == "P":
            provisional[code].append(f"{region} {year}")
    sections = []
    for code, zh, en, unit, formula in indicators:
        chart = _svg_lines(by_code.get(code, {}))
        sections.append(
            f"<section><h3>{_e(zh)} · {_e(en)} <small>({_e(code)}, {_e(unit)})</small></h3>"
            f"<p class='f'>{_e(formula)}</p>{chart or '<p>no values</p>'}"
            + (
                f"<p class='p'>初步(P) · provisional: {_e(', '.join(provisional[code]))}</p>"
                if provisional.get(code)
                else ""
            )
            + "</section>"
        )
    def _cell(value: object) -> str:
        return f"<td>{_e(value if not isinstance(value, float) else round(value, 4))}</td>"

    # the last column says whether the actual rests on a 初步 figure: marked on the actual, not shown
    rows = "".join(
        f"<tr class='{_e(r[10])}'>"
        + "".join(_cell(c) for c in r[:8])
        + (f"<td>{_e(round(r[8], 4))} <b>初步(P)</b></td>" if r[12] and r[8] is not None else _cell(r[8]))
        + "".join(_cell(c) for c in r[9:12])
        + "</tr>"
        for r in progress
    ) or "<tr><td colspan=12>no targets</td></tr>"
    page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>科技创新指标报告 · STI indicator report</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em; }}
section {{ display: inline-block; vertical-align: top; width: 460px; margin: 0 1em 1.5em 0; }}
h3 {{ font-size: 14px; margin: 0 }} p.f {{ font-size: 11px; color: #555; margin: 2px 0 }}
table {{ border-collapse: collapse; font-size: 12px }} td, th {{ border: 1px solid #ccc; padding: 3px 6px }}
tr.achieved td {{ background: #e6f4ea }} tr.on_track td {{ background: #eef6ff }}
tr.behind td, tr.missed td {{ background: #fde8e8 }} tr.not_measurable td {{ color: #888 }}
p.p {{ font-size: 11px; color: #a15c00; margin: 2px 0 }}
</style></head><body>
<h1>科技创新指标报告 · STI indicator report</h1>
<h2>指标 · Indicators</h2>
{''.join(sections)}
<h2>规划目标进展 · Plan target progress</h2>
<table><tr><th>plan</th><th>region</th><th>indicator</th><th>kind</th><th>period</th><th>cmp</th><th>target</th>
<th>actual year</th><th>actual</th><th>完成率 %</th><th>status</th><th>clause</th></tr>{rows}</table>
</body></html>"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
