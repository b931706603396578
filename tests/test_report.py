"""`sti report` on the refreshed sample: a self-contained page per plan, drawn in headless Chromium.

The pages are checked as files (every plan linked from the index, plotly.js inlined once, no
network reference, a CJK font named), as figures (each target's actual, path and target are the
mart's), and as a browser shows them: Debian's `chromium` renders every page with the network
blocked, and every chart div must hold plotly's drawn SVG with its traces, without a console
message. A screenshot of each plan page is kept under the test's tmp dir and copied to the
warehouse's reports/ folder.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from plotly.offline import get_plotlyjs

from pipelines.cli import main as sti
from pipelines.serve.report.data import load
from pipelines.serve.report.district_charts import district_scope
from pipelines.serve.report.target_charts import annual_target_figure, level_target_figure
from tests.system_packages import ensure_debian_packages

CHART_DIV = re.compile(r'<div id="([^"]+)" class="plotly-graph-div"')
PROVISIONAL = "初步(P) · provisional"


@pytest.fixture(scope="module")
def report(refreshed) -> dict[str, Path]:
    """{plan name: its page}, plus "index" and "indicators"."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert sti(["report", "--warehouse", str(refreshed.warehouse)]) == 0
    reports = refreshed.warehouse / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="(plans/[^"]+)">([^<]+)</a>', index)
    pages = {html.unescape(name): reports / unquote(href) for href, name in links}
    return {**pages, "index": reports / "index.html", "indicators": reports / "indicators.html"}


def test_index_links_a_page_for_every_plan(refreshed, report):
    data = load(refreshed.warehouse / "sti.duckdb")
    assert set(report) - {"index", "indicators"} == set(data.plans()) and len(data.plans()) == 5
    for name, path in report.items():
        page = path.read_text(encoding="utf-8")
        text = page.replace(get_plotlyjs(), "")  # the library's own source names URLs it never loads here
        assert "<script src" not in text and "<link" not in text and "https://cdn" not in text, name
        assert '"Noto Sans CJK SC"' in text.split("</style>")[0], f"{name}: no CJK font in the page's CSS"
        if name != "index":
            assert page.count("* plotly.js v") == 1, f"{name}: plotly.js must be inlined once"
            assert "Noto Sans CJK SC" in text.split("</style>")[1], f"{name}: charts without the CJK font"


def test_plan_page_shows_targets_ranking_trends_and_provisional_values(refreshed, report):
    data = load(refreshed.warehouse / "sti.duckdb")
    for plan in data.plans():
        text = report[plan].read_text(encoding="utf-8")
        rows = [t for t in data.targets if t["plan_name"] == plan]
        measurable = [t for t in rows if t["indicator_code"] in data.indicators]
        codes = {t["indicator_code"] for t in measurable}
        groups = {(t["region_code"], t["indicator_code"], t["target_year"], t["kind"]) for t in measurable}
        ids = CHART_DIV.findall(text)
        assert sum(i.startswith("target-") for i in ids) == len(groups), plan
        provisional_shown = False
        for region in {t["region_code"] for t in rows}:
            parent, members = district_scope(data, region)
            ranked = {c for c in codes if parent and data.ranking.get((c, parent))}
            assert sum(i.startswith(f"ranking-{region}-") for i in ids) == len(ranked), plan
            assert sum(i.startswith(f"trend-{region}-") for i in ids) == len(codes), plan
            provisional_shown |= any(p.provisional for c in codes for m in members for p in data.values.get((c, m), []))
        for t in rows:
            ind = data.indicators.get(t["indicator_code"])
            assert html.escape(ind.name_zh if ind else t["indicator_code"]) in text and t["status"] in text
        if any(t["obs_status"] == "P" for t in rows):
            assert f'<span class="p">{PROVISIONAL}</span>' in text, f"{plan}: a provisional actual is not marked"
        if provisional_shown:  # a chart draws a provisional value: its legend and the page's note say so
            assert f'"name":"{PROVISIONAL}"' in text and "P</span> = " in text, plan
    assert any(t["obs_status"] == "P" for t in data.targets), "the sample has a target on a provisional value"


def _xy(trace) -> set[tuple]:
    return {(x, y) for x, y in zip(trace.x or (), trace.y or (), strict=True) if y is not None}


def test_each_target_chart_draws_the_marts_actual_path_and_target(refreshed):
    data = load(refreshed.warehouse / "sti.duckdb")
    annual: dict[tuple, list[dict]] = {}
    checked = Counter()
    for t in data.targets:
        if t["indicator_code"] not in data.indicators:
            continue
        if t["kind"] == "年度":
            annual.setdefault((t["plan_name"], t["region_code"], t["indicator_code"], t["target_year"]), []).append(t)
            continue
        points = set().union(*(_xy(tr) for tr in level_target_figure(data, t).data))
        if t["actual_value"] is not None:
            assert (t["actual_year"], t["actual_value"]) in points
        if t["path_value"] is not None:
            assert (t["actual_year"], t["path_value"]) in points
        if t["target_value"] is not None and t["base_value"] is not None:
            assert {(t["base_year"], t["base_value"]), (t["target_year"], t["target_value"])} <= points
        if t["kind"] == "累计" and t["actual_value"] is not None:  # the drawn running sum ends on the mart's actual
            cumulative = next(tr for tr in level_target_figure(data, t).data if "cumulative" in tr.name)
            assert cumulative.x[-1] == t["actual_year"] and cumulative.y[-1] == pytest.approx(t["actual_value"])
        checked[t["kind"]] += 1
    for rows in annual.values():
        bars, *others = annual_target_figure(data, rows).data
        assert list(bars.x) == [r["period_year"] for r in rows]  # one bar per period_year
        assert list(bars.y) == [r["actual_value"] for r in rows]
        assert all(list(o.y) == [r["target_value"] for r in rows] for o in others if o.name.startswith("目标"))
        checked["年度"] += 1
    assert checked["存量"] and checked["累计"] and checked["年度"], checked


class _DrawnCharts(HTMLParser):
    """Per chart div of a rendered DOM: how many plotly SVGs (.main-svg) and trace groups it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        self.svgs: Counter[str] = Counter()
        self.traces: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "plotly-graph-div" in classes:
            self.current = dict(attrs)["id"]
        elif self.current and tag == "svg" and "main-svg" in classes:
            self.svgs[self.current] += 1
        elif self.current and tag == "g" and "trace" in classes:
            self.traces[self.current] += 1

    handle_startendtag = handle_starttag


def _chromium(page: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess:
    """Headless Chromium on `page` with the network blocked (the page must need none)."""
    command = [
        shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
        "--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--virtual-time-budget=30000",
        "--window-size=1400,2400", *mode, page.as_uri(),
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_every_chart_draws_in_headless_chromium(refreshed, report, tmp_path):
    ensure_debian_packages("chromium", "fonts-noto-cjk")
    font = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True, check=True).stdout
    assert "Noto Sans CJK" in font, f"the CJK font the pages name first is not installed: {font}"
    shots = refreshed.warehouse / "reports" / "screenshots"
    shots.mkdir(exist_ok=True)
    for n, (name, page) in enumerate(sorted(report.items())):
        if name == "index":
            continue
        expected = CHART_DIV.findall(page.read_text(encoding="utf-8"))
        assert expected, f"{name}: no chart"
        run = _chromium(page, tmp_path / f"profile-{n}", "--dump-dom")
        drawn = _DrawnCharts()
        drawn.feed(run.stdout)
        blank = [c for c in expected if drawn.svgs[c] < 1 or drawn.traces[c] < 1]
        assert not blank, f"{name}: {len(blank)} of {len(expected)} charts did not draw: {blank[:5]}"
        console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
        assert not console, f"{name}: the page logged {console[:3]}"
        if name != "indicators":
            shot = tmp_path / f"{page.stem}.png"
            _chromium(page, tmp_path / f"profile-{n}-shot", f"--screenshot={shot}")
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
            shutil.copy(shot, shots / shot.name)
