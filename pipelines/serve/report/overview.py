"""The index page (every plan, linked) and the all-indicators page (one section per catalogue indicator)."""

from __future__ import annotations

from collections import Counter

import plotly.graph_objects as go

from pipelines.serve.report.data import ReportData
from pipelines.serve.report.page import PALETTE, PROVISIONAL, badge, chart, esc, mark_provisional_points, page, style

TITLE = "科技创新指标报告 · STI indicator report"


def _publication(data: ReportData) -> str:
    if data.publication is None:
        return "sti.duckdb"
    pub_id, at = data.publication
    return f"sti.duckdb · 发布 publication {pub_id} · {esc(at)} UTC"


def index_html(data: ReportData, plan_links: dict[str, str], indicators_href: str) -> str:
    rows = []
    for plan, href in plan_links.items():
        targets = [t for t in data.targets if t["plan_name"] == plan]
        regions = dict.fromkeys(
            data.regions[t["region_code"]].name if t["region_code"] in data.regions else t["region_code"]
            for t in targets
        )
        doc_no = next((t["document_no"] for t in targets if t["document_no"]), "")
        statuses = " ".join(f"{badge(s)} {n}" for s, n in Counter(t["status"] for t in targets).most_common())
        cells = [f'<a href="{esc(href)}">{esc(plan)}</a>', esc(doc_no), esc("、".join(regions))]
        rows.append(
            "<tr>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + f'<td class="n">{len(targets)}</td><td>{statuses}</td></tr>'
        )
    body = f"""<h1>{TITLE}</h1>
<p class="meta">{_publication(data)}</p>
<h2>规划目标进展 · Plans</h2>
<table><tr><th>规划 plan</th><th>文号</th><th>地区 region</th><th>目标行 rows</th><th>状态 status</th></tr>
{"".join(rows) or '<tr><td colspan="5">没有规划目标 · no plan targets</td></tr>'}</table>
<h2>全部指标 · All indicators</h2>
<p><a href="{esc(indicators_href)}">{len(data.indicators)} 个指标的趋势 · trends of every catalogue indicator</a></p>"""
    return page(TITLE, body, charts=False)


def _indicator_figure(data: ReportData, code: str, top: list[str]) -> go.Figure:
    ind = data.indicators[code]
    fig = go.Figure()
    marked_x, marked_y = [], []
    for i, region in enumerate(top):
        points = data.values.get((code, region), [])
        fig.add_scatter(
            x=[p.year for p in points],
            y=[p.value for p in points],
            mode="lines+markers",
            name=data.regions[region].name,
            line={"color": PALETTE[i % len(PALETTE)]},
        )
        marked_x += [p.year for p in points if p.provisional]
        marked_y += [p.value for p in points if p.provisional]
    mark_provisional_points(fig, marked_x, marked_y)
    return style(fig, f"{ind.name_zh}({ind.unit})<br><sup>{ind.name_en}</sup>", height=300)


def indicators_html(data: ReportData, index_href: str) -> str:
    """One <section> per catalogue indicator: its formula, a chart of the top-level regions, and
    every provisional value of any region listed."""
    top = [r.code for r in data.regions.values() if r.parent is None]
    sections = []
    for i, (code, ind) in enumerate(data.indicators.items(), start=1):
        provisional = [
            f"{data.regions[region].name if region in data.regions else region} {p.year}"
            for (c, region), points in data.values.items()
            if c == code
            for p in points
            if p.provisional
        ]
        note = f'<p class="note p">{PROVISIONAL}: {esc("、".join(provisional))}</p>' if provisional else ""
        has_values = any(data.values.get((code, r)) for r in top)
        sections.append(
            f'<section class="card"><h3>{esc(ind.name_zh)} · {esc(ind.name_en)} <small>({esc(code)}, {esc(ind.unit)})'
            f'</small></h3><p class="note">{esc(ind.formula)}</p>'
            + (
                chart(_indicator_figure(data, code, top), f"indicator-{i}")
                if has_values
                else "<p>暂无数值 · no values</p>"
            )
            + note
            + "</section>"
        )
    body = (
        f'<nav><a href="{esc(index_href)}">← 报告首页 · report index</a></nav><h1>全部指标 · All indicators</h1>'
        f'<p class="meta">{_publication(data)} · 图中为顶级地区 top-level regions</p>'
        f'<div class="grid">{"".join(sections)}</div>'
    )
    return page(f"全部指标 · {TITLE}", body)
