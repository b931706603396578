"""赛马 and trends by district for one indicator of a plan.

The districts are the children of the plan's region; for a region without children (a district's
own plan) its siblings, with the region highlighted; a region with neither is shown alone and has
no ranking. The ranking is fct_district_ranking's (rank, rank_change, growth), for the latest year
it ranks; the trend is fct_indicator_value year by year. Values resting on a 初步 figure (obs_status
P) are hatched / circled and labelled P.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pipelines.serve.report.data import ReportData
from pipelines.serve.report.page import (
    PALETTE,
    PROVISIONAL,
    PROVISIONAL_LEGEND,
    mark_provisional_points,
    num,
    provisional_bars,
    style,
)

HIGHLIGHT = "#c62828"


def district_scope(data: ReportData, region: str) -> tuple[str | None, list[str]]:
    """(the parent whose children are ranked, the regions to draw) for a plan's region."""
    if data.children.get(region):
        return region, data.children[region]
    parent = data.regions[region].parent if region in data.regions else None
    if parent:
        return parent, data.children.get(parent, [region])
    return None, [region]


def _name(data: ReportData, region: str) -> str:
    return data.regions[region].name if region in data.regions else region


def _change(rank_change: int | None) -> str:
    if rank_change is None:
        return "新"
    return f"↑{rank_change}" if rank_change > 0 else f"↓{-rank_change}" if rank_change < 0 else "→"


def ranking_figure(data: ReportData, code: str, parent: str, highlight: str, until: int) -> go.Figure | None:
    """Bars of the children's values in rank order for the latest ranked year up to `until` (the
    plan's last target year; the earliest ranked year when all are later), or None without one."""
    rows = data.ranking.get((code, parent), [])
    if not rows:
        return None
    years = {r["year"] for r in rows}
    year = max((y for y in years if y <= until), default=min(years))
    rows = sorted((r for r in rows if r["year"] == year), key=lambda r: (r["rank"], r["region_name"]))
    ind = data.indicators[code]
    top = max((abs(r["value"]) for r in rows), default=0.0)
    provisional = [bool((p := data.point(code, r["region_code"], year)) and p.provisional) for r in rows]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[r["region_name"] for r in rows],
            x=[r["value"] for r in rows],
            text=[
                f"第{r['rank']}名 {_change(r['rank_change'])} · {num(r['value'])}{' P' if p else ''}"
                for r, p in zip(rows, provisional, strict=True)
            ],
            # inside a long bar, beside a short one (a bar of 0 still shows its rank)
            textposition=["inside" if r["value"] > 0.45 * top else "outside" for r in rows],
            cliponaxis=False,
            hovertext=[
                f"增速 growth {num(r['growth_pct'])}% · 增速第{r['growth_rank']}名"
                if r["growth_pct"] is not None
                else ""
                for r in rows
            ],
            marker={
                "color": [HIGHLIGHT if r["region_code"] == highlight else "#5b8def" for r in rows],
                **provisional_bars(provisional),
            },
            name=f"{year} 指标值 · value",
        )
    )
    if any(provisional):
        fig.add_bar(x=[None], y=[None], orientation="h", name=PROVISIONAL, marker=PROVISIONAL_LEGEND)
    parent_value = rows[0]["parent_value"]
    if ind.value_type == "ratio" and parent_value is not None:
        fig.add_vline(
            x=parent_value,
            line={"dash": "dash", "color": "#424242"},
            annotation_text=f"{rows[0]['parent_name']} {num(parent_value)}",
            annotation_position="top",
        )
    fig.update_yaxes(autorange="reversed")
    scope = f"{rows[0]['parent_name']}下辖 {len(rows)} 地区 · 名次变化较上年 rank change on last year"
    title = f"赛马 · {ind.name_zh}({ind.unit}),{year}年<br><sup>{scope}</sup>"
    style(fig, title, height=150 + 30 * len(rows))
    fig.update_xaxes(dtick=None, tickformat=None)
    return fig


def trend_figure(data: ReportData, code: str, regions: list[str], highlight: str) -> go.Figure:
    """One line per region over the warehouse's years; the plan's region drawn thicker in red."""
    ind = data.indicators[code]
    fig = go.Figure()
    marked_x, marked_y = [], []
    for i, region in enumerate(sorted(regions, key=lambda r: (r != highlight, r))):
        points = data.values.get((code, region), [])
        mine = region == highlight
        fig.add_scatter(
            x=[p.year for p in points],
            y=[p.value for p in points],
            mode="lines+markers",
            name=_name(data, region),
            line={"width": 3.5 if mine else 1.8, "color": HIGHLIGHT if mine else PALETTE[i % len(PALETTE)]},
            marker={"size": 6},
        )
        marked_x += [p.year for p in points if p.provisional]
        marked_y += [p.value for p in points if p.provisional]
    mark_provisional_points(fig, marked_x, marked_y)
    return style(fig, f"分区县趋势 · {ind.name_zh}({ind.unit})<br><sup>trend by district</sup>", height=340)
