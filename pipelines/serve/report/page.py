"""The HTML shell every report page shares: fonts, styles, plotly.js inlined once, chart embedding.

A page is self-contained: plotly.js is written into it (what `include_plotlyjs=True` writes, once
per page rather than once per chart), so it opens offline from a file or an e-mail attachment.
Chinese text is set in a CJK font named first in every font list, in the page and in the charts.
"""

from __future__ import annotations

import html
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio

# Simplified-Chinese fonts first (Linux, macOS, Windows), then Latin fallbacks.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", Arial, sans-serif'
)

STATUS_ZH = {
    "achieved": "已完成",
    "on_track": "进度正常",
    "behind": "进度滞后",
    "missed": "未完成",
    "no_data": "暂无数据",
    "not_measurable": "暂不可测",
}
STATUS_COLOR = {
    "achieved": "#2e7d32",
    "on_track": "#1565c0",
    "behind": "#ef6c00",
    "missed": "#c62828",
    "no_data": "#757575",
    "not_measurable": "#9e9e9e",
}
PROVISIONAL = "初步(P) · provisional"
# A bar resting on a 初步 figure: paler, with an amber outline (plotly.js cannot combine per-bar colours
# with per-bar hatching without warnings); and the legend entry that explains it.
PROVISIONAL_COLOR = "#a15c00"
PROVISIONAL_LEGEND = {"color": "#ffffff", "line": {"color": PROVISIONAL_COLOR, "width": 3}}


def provisional_bars(flags: list[bool]) -> dict:
    """The marker attributes marking the provisional bars of a bar trace."""
    return {
        "opacity": [0.55 if f else 1.0 for f in flags],
        "line": {
            "color": [PROVISIONAL_COLOR if f else "rgba(0,0,0,0)" for f in flags],
            "width": [3 if f else 0 for f in flags],
        },
    }


def mark_provisional_points(fig: go.Figure, xs: list, ys: list) -> None:
    """Circle the provisional points of line charts with a "P" (one legend entry for all of them)."""
    if xs:
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            name=PROVISIONAL,
            text=["P"] * len(xs),
            textposition="top center",
            marker={"symbol": "circle-open", "size": 14, "color": PROVISIONAL_COLOR, "line": {"width": 2}},
        )


PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f"]

_CSS = f"""
body {{ font-family: {FONT_FAMILY}; margin: 24px 32px; color: #212121; background: #fff; }}
h1 {{ font-size: 24px; margin: 0 0 4px }} h2 {{ font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #e0e0e0 }}
h3 {{ font-size: 14px; margin: 0 }} p.meta, p.note {{ color: #555; font-size: 13px; margin: 4px 0 }}
a {{ color: #1565c0 }} nav a {{ margin-right: 1em }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px 20px; }}
.card {{ border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px 10px; min-width: 0 }}
table {{ border-collapse: collapse; font-size: 13px; margin: 6px 0 }}
td, th {{ border: 1px solid #d9d9d9; padding: 3px 8px; text-align: left; vertical-align: top }}
th {{ background: #f3f6fa }} td.n {{ text-align: right; font-variant-numeric: tabular-nums }}
.badge {{ display: inline-block; border-radius: 10px; padding: 1px 8px; color: #fff; font-size: 12px;
  white-space: nowrap }}
.p {{ color: #a15c00; font-weight: bold }}
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def num(value: float | None, digits: int = 4) -> str:
    """A value as a bureau reads it: thousands separators, two decimals at most (small values:
    `digits` significant ones), no trailing zeros."""
    if value is None:
        return "—"
    if abs(value) < 1 and value != 0:
        return f"{value:.{digits}g}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def badge(status: str) -> str:
    color = STATUS_COLOR.get(status, "#757575")
    return f'<span class="badge" style="background:{color}">{esc(STATUS_ZH.get(status, status))} · {esc(status)}</span>'


def style(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    """The layout every chart shares: CJK font, compact margins, legend below."""
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0.01, "xanchor": "left"},
        font={"family": FONT_FAMILY, "size": 12},
        height=height,
        margin={"l": 56, "r": 16, "t": 56, "b": 40},
        legend={"orientation": "h", "y": -0.16, "font": {"size": 11}},
        template="plotly_white",
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.update_xaxes(dtick=1, tickformat="d")
    return fig


def chart(fig: go.Figure, div_id: str) -> str:
    """The figure as a <div class="chart"> drawn by the page's plotly.js (no script of its own)."""
    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        config={
            "displaylogo": False,
            "responsive": True,
            # saving a chart as PNG (for slides) and resetting a zoom; no lasso and selection tools
            "modeBarButtons": [["toImage", "resetScale2d"]],
        },
    )
    return f'<div class="chart" data-chart="{esc(div_id)}">{div}</div>'


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def page(title: str, body: str, *, charts: bool = True) -> str:
    script = (
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        f'<script charset="utf-8">{_plotly_js()}</script>'
        if charts
        else ""
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{_CSS}</style>
{script}
</head><body>
{body}
</body></html>
"""
