"""One page per plan (fct_target_progress.plan_name): what a bureau meeting looks at.

1. every measurable target: a table (base point, target, actual, path value, 完成率, status) and a
   chart of its actual against its straight-line path and target (target_charts);
2. 赛马: the ranking of the districts for each of the plan's indicators (district_charts);
3. the same indicators year by year, one line per district;
4. the targets not measurable yet (an indicator outside the catalogue), with their clause.
Provisional values (obs_status P, a 初步 input) are marked in the tables and in every chart.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from pipelines.serve.report.data import ReportData
from pipelines.serve.report.district_charts import district_scope, ranking_figure, trend_figure
from pipelines.serve.report.page import PROVISIONAL, badge, chart, esc, num, page
from pipelines.serve.report.target_charts import annual_target_figure, level_target_figure

_TABLE_HEAD = (
    "<tr><th>指标 indicator</th><th>类型 kind</th><th>考核年 period</th><th>基期 base</th><th>目标 target</th>"
    "<th>实际 actual (年 year)</th><th>路径值 path</th><th>完成率 %</th><th>状态 status</th><th>原文 clause</th></tr>"
)


def _indicator_name(data: ReportData, code: str) -> str:
    ind = data.indicators.get(code)
    return f"{esc(ind.name_zh)}<br><small>{esc(code)}</small>" if ind else esc(code)


def _row(data: ReportData, r: dict) -> str:
    base = f"{num(r['base_value'])} ({r['base_year']})" if r["base_year"] is not None else "—"
    multiple = f" ({num(r['target_multiple'])}×)" if r["target_multiple"] is not None else ""
    actual = "—"
    if r["actual_value"] is not None:
        p = f' <span class="p">{PROVISIONAL}</span>' if r["obs_status"] == "P" else ""
        actual = f"{num(r['actual_value'])} ({r['actual_year']}){p}"
    cells = [
        _indicator_name(data, r["indicator_code"]),
        esc(r["kind"]),
        esc(r["period_year"]),
        base,
        f"{esc(r['comparator'])} {num(r['target_value'])}{multiple}",
        actual,
        num(r["path_value"]),
        num(r["completion_pct"], 3),
        badge(r["status"]),
        f"<small>{esc(r['clause'])}</small>",
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _targets(data: ReportData, rows: list[dict]) -> tuple[str, str]:
    """(the table, the chart cards) of the plan's measurable targets."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["region_code"], r["indicator_code"], r["target_year"], r["kind"])].append(r)
    cards = []
    for i, ((region, _code, _year, kind), group) in enumerate(groups.items(), start=1):
        fig = annual_target_figure(data, group) if kind == "年度" else level_target_figure(data, group[0])
        where = data.regions[region].name if region in data.regions else region
        cards.append(
            f'<div class="card">{chart(fig, f"target-{i}")}<p class="note">{esc(where)} · '
            f"{' '.join(dict.fromkeys(badge(r['status']) for r in group))}</p></div>"
        )
    table = f"<table>{_TABLE_HEAD}{''.join(_row(data, r) for r in rows)}</table>"
    return table, f'<div class="grid">{"".join(cards)}</div>'


def _districts(data: ReportData, region: str, codes: list[str], until: int) -> tuple[str, str]:
    """(赛马 charts for the latest year up to `until`, trend charts) for the plan's indicators around `region`."""
    parent, members = district_scope(data, region)
    name = data.regions[region].name if region in data.regions else region
    ranking, trends = [], []
    for i, code in enumerate(codes, start=1):
        fig = ranking_figure(data, code, parent, region, until) if parent else None
        if fig is not None:
            ranking.append(f'<div class="card">{chart(fig, f"ranking-{region}-{i}")}</div>')
        trends.append(
            f'<div class="card">{chart(trend_figure(data, code, members, region), f"trend-{region}-{i}")}</div>'
        )
    scope = (
        f"{esc(data.regions[parent].name)}下辖地区" if parent and parent in data.regions else f"{esc(name)}(无下辖地区)"
    )
    mark = f" · 红色为{esc(name)} · {esc(name)} in red" if region in members else ""
    rank_html = (
        f'<p class="meta">{scope}{mark}</p><div class="grid">{"".join(ranking)}</div>'
        if ranking
        else f'<p class="note">{esc(name)}既无下辖地区也无上级地区,没有可比的赛马排名 · no districts to rank.</p>'
    )
    return rank_html, f'<p class="meta">{scope}</p><div class="grid">{"".join(trends)}</div>'


def plan_html(data: ReportData, plan: str, index_href: str) -> str:
    rows = [t for t in data.targets if t["plan_name"] == plan]
    measurable = [r for r in rows if r["indicator_code"] in data.indicators]
    unmeasurable = [r for r in rows if r["indicator_code"] not in data.indicators]
    regions = list(dict.fromkeys(r["region_code"] for r in rows))
    codes = list(dict.fromkeys(r["indicator_code"] for r in measurable))
    counts = Counter(r["status"] for r in rows)
    doc_no = next((r["document_no"] for r in rows if r["document_no"]), None)
    region_names = "、".join(data.regions[c].name if c in data.regions else c for c in regions)
    table, cards = _targets(data, measurable)
    parts = [
        f'<nav><a href="{esc(index_href)}">← 全部规划 · all plans</a></nav>',
        f"<h1>{esc(plan)}</h1>",
        f'<p class="meta">{esc(doc_no or "无文号")} · {esc(region_names)} · {len(rows)} 行目标 target rows · '
        + " ".join(f"{badge(s)} {n}" for s, n in counts.most_common())
        + "</p>",
        '<h2 id="targets">目标进展:实际值、直线路径与目标 · Targets: actual against path and target</h2>',
        cards if measurable else '<p class="note">本规划没有可测的目标 · no measurable target.</p>',
        table if measurable else "",
    ]
    links = ['<a href="#targets">目标 targets</a>']
    for region in regions if codes else []:
        until = max(r["target_year"] for r in rows if r["region_code"] == region)
        ranking, trends = _districts(data, region, codes, until)
        where = f" · {esc(data.regions[region].name)}" if len(regions) > 1 and region in data.regions else ""
        parts += [
            f'<h2 id="ranking-{esc(region)}">赛马:区县排名 · District ranking{where}</h2>',
            ranking,
            f'<h2 id="trends-{esc(region)}">分区县趋势 · Indicator trends by district{where}</h2>',
            trends,
        ]
        links += [
            f'<a href="#ranking-{esc(region)}">赛马 ranking</a>',
            f'<a href="#trends-{esc(region)}">趋势 trends</a>',
        ]
    if unmeasurable:
        links.append('<a href="#not-measurable">暂不可测 not measurable</a>')
    parts[0] = parts[0].replace("</nav>", " " + " ".join(links) + "</nav>")
    if unmeasurable:
        parts += [
            '<h2 id="not-measurable">暂不可测的目标 · Targets not measurable yet</h2>',
            "<p class='note'>指标代码不在指标目录中 · the indicator is not in the catalogue.</p>",
            f"<table>{_TABLE_HEAD}{''.join(_row(data, r) for r in unmeasurable)}</table>",
        ]
    parts.append(
        f"<p class='note'><span class='p'>P</span> = {PROVISIONAL}:该值的某个地区级输入为初步数 · "
        "an input of the value is a 初步 (provisional) figure.</p>"
    )
    return page(f"{plan} · 规划目标进展", "\n".join(parts))
