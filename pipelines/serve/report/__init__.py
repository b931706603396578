"""`sti report`: self-contained HTML pages of the served marts, charts drawn by plotly.

    <out>/index.html         every plan, with its statuses, linked; the link to the indicators
    <out>/indicators.html    one section per catalogue indicator
    <out>/plans/<plan>.html  per plan: targets against their path, 赛马, trends by district

Modules: `data` (what is read from sti.duckdb), `page` (shell, fonts, plotly.js inlined once per
page), `target_charts`, `district_charts`, `plan_page`, `overview` (index and indicators pages).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from pipelines.serve.report.data import load
from pipelines.serve.report.overview import index_html, indicators_html
from pipelines.serve.report.plan_page import plan_html

# Characters no file name on Windows, macOS or Linux may hold, and the quotes a plan name often has.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f“”「」\s]+')


def plan_file_names(plans: list[str]) -> dict[str, str]:
    """{plan: file name}: the plan's name made safe, unique by a counter when two names collide."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for plan in plans:
        stem = _UNSAFE.sub("_", plan).strip("._")[:80] or "plan"
        name, n = f"{stem}.html", 1
        while name.lower() in used:
            n += 1
            name = f"{stem}-{n}.html"
        used.add(name.lower())
        names[plan] = name
    return names


def _write(path: Path, text: str) -> Path:
    """Written beside and renamed into place: a browser never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def build_report(serving: Path, out: Path) -> list[Path]:
    """Write the report of `serving` under the directory `out`; the pages written, index first."""
    data = load(serving)
    files = plan_file_names(data.plans())
    written = [
        _write(
            out / "index.html", index_html(data, {p: f"plans/{quote(f)}" for p, f in files.items()}, "indicators.html")
        ),
        _write(out / "indicators.html", indicators_html(data, "index.html")),
    ]
    for plan, name in files.items():
        written.append(_write(out / "plans" / name, plan_html(data, plan, "../index.html")))
    return written
