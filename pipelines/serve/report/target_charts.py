"""One chart per plan target: its actual against its straight-line path and its target.

存量 / 累计 (one row of fct_target_progress): the path is the straight line from the base point
(base_year, base_value) to (target_year, target_value); the actual is drawn year by year (for 累计
the running sum from start_year, the line starting at (start_year − 1, 0)), and the row's own
actual (actual_year, actual_value) and path_value are marked — those two are the mart's, the
status is judged on them. 年度 (one row per period_year): a bar per year and the year's target.
Values resting on a 初步 figure (obs_status P) are drawn hollow / hatched and labelled P.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pipelines.serve.report.data import Indicator, Point, ReportData
from pipelines.serve.report.page import (
    PROVISIONAL,
    PROVISIONAL_LEGEND,
    STATUS_COLOR,
    STATUS_ZH,
    num,
    provisional_bars,
    style,
)


def _title(ind: Indicator | None, rows: list[dict]) -> str:
    r = rows[-1]
    name = f"{ind.name_zh}({ind.unit})" if ind else r["indicator_code"]
    horizon = f"{r['start_year']}–{r['target_year']}"
    target = f"{r['comparator']} {num(r['target_value'])}" if r["target_value"] is not None else "目标值待定"
    return f"{name}<br><sup>{r['kind']} · {horizon} · 目标 target {target}</sup>"


def _trajectory(data: ReportData, row: dict) -> list[Point]:
    """The actual year by year up to the judged year: the values (存量) or their running sum (累计)."""
    points = data.values.get((row["indicator_code"], row["region_code"]), [])
    last = row["actual_year"] or row["target_year"]
    if row["kind"] == "累计":
        out, total, provisional = [Point(row["start_year"] - 1, 0.0, False)], 0.0, False
        for p in points:
            if row["start_year"] <= p.year <= last:
                total, provisional = total + p.value, provisional or p.provisional
                out.append(Point(p.year, total, provisional))
        return out
    first = row["base_year"] if row["base_year"] is not None else row["start_year"] - 1
    return [p for p in points if first <= p.year <= last]


def _provisional_trace(points: list[Point]) -> list[go.Scatter]:
    marked = [p for p in points if p.provisional]
    if not marked:
        return []
    return [
        go.Scatter(
            x=[p.year for p in marked],
            y=[p.value for p in marked],
            mode="markers+text",
            name=PROVISIONAL,
            text=["P"] * len(marked),
            textposition="top center",
            marker={"symbol": "circle-open", "size": 16, "color": "#a15c00", "line": {"width": 2}},
        )
    ]


def level_target_figure(data: ReportData, row: dict) -> go.Figure:
    """存量 or 累计: path, actual by year, the judged actual, the path value at its year, the target."""
    ind = data.indicators.get(row["indicator_code"])
    status, color = row["status"], STATUS_COLOR.get(row["status"], "#757575")
    fig = go.Figure()
    if row["base_year"] is not None and row["base_value"] is not None and row["target_value"] is not None:
        fig.add_scatter(
            x=[row["base_year"], row["target_year"]],
            y=[row["base_value"], row["target_value"]],
            mode="lines+markers",
            name="直线路径 · path",
            line={"dash": "dash", "color": "#757575"},
            marker={"size": 6},
        )
    trajectory = _trajectory(data, row)
    label = "累计实际 · cumulative actual" if row["kind"] == "累计" else "实际 · actual"
    fig.add_scatter(
        x=[p.year for p in trajectory],
        y=[p.value for p in trajectory],
        mode="lines+markers",
        name=label,
        line={"color": "#1f77b4", "width": 2},
    )
    if row["actual_value"] is not None:
        p = " 初步(P)" if row["obs_status"] == "P" else ""
        fig.add_scatter(
            x=[row["actual_year"]],
            y=[row["actual_value"]],
            mode="markers+text",
            name=f"{row['actual_year']} 实际{p} · {STATUS_ZH.get(status, status)}",
            text=[f"{num(row['actual_value'])}{' P' if p else ''}"],
            textposition="middle left",
            marker={"size": 13, "color": color, "line": {"width": 1, "color": "#fff"}},
        )
    if row["path_value"] is not None:
        fig.add_scatter(
            x=[row["actual_year"]],
            y=[row["path_value"]],
            mode="markers",
            name="路径值 · path value",
            marker={"symbol": "diamond-open", "size": 12, "color": "#424242", "line": {"width": 2}},
        )
    if row["target_value"] is not None:
        fig.add_scatter(
            x=[row["target_year"]],
            y=[row["target_value"]],
            mode="markers+text",
            name="目标 · target",
            text=[num(row["target_value"])],
            textposition="middle left",
            marker={"symbol": "star", "size": 16, "color": "#c62828"},
        )
    for trace in _provisional_trace(trajectory):
        fig.add_trace(trace)
    return style(fig, _title(ind, [row]))


def annual_target_figure(data: ReportData, rows: list[dict]) -> go.Figure:
    """年度: one bar per period_year (its status's colour, hatched when provisional), the target per year."""
    ind = data.indicators.get(rows[0]["indicator_code"])
    fig = go.Figure()
    fig.add_bar(
        x=[r["period_year"] for r in rows],
        y=[r["actual_value"] for r in rows],
        name="实际 · actual",
        marker={
            "color": [STATUS_COLOR.get(r["status"], "#757575") for r in rows],
            **provisional_bars([r["obs_status"] == "P" for r in rows]),
        },
        text=[
            (num(r["actual_value"]) + (" P" if r["obs_status"] == "P" else ""))
            if r["actual_value"] is not None
            else "暂无数据"
            for r in rows
        ],
        textposition="outside",
        hovertext=[f"{STATUS_ZH.get(r['status'], r['status'])} · {r['status']}" for r in rows],
    )
    if any(r["target_value"] is not None for r in rows):
        fig.add_scatter(
            x=[r["period_year"] for r in rows],
            y=[r["target_value"] for r in rows],
            mode="lines+markers",
            name="目标 · target",
            line={"dash": "dash", "color": "#c62828"},
            marker={"symbol": "star", "size": 12},
        )
    if any(r["obs_status"] == "P" for r in rows):
        fig.add_bar(x=[None], y=[None], name=PROVISIONAL, marker=PROVISIONAL_LEGEND)
    return style(fig, _title(ind, rows))
