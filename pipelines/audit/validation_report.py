"""Validation reports of a refresh (or of `sti validate`): JSON for machines, HTML for people."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import duckdb


def batches_of(con: duckdb.DuckDBPyConnection, refresh_id: str) -> list[dict]:
    """The batches a refresh saw, then the drop entries it reported (unknown folders, symlinks, nested
    folders, stray files) as entries of status `rejected` (they reject the refresh) or `not_loaded`."""
    rows = con.execute(
        "SELECT source, file, sha256, status, row_count, report FROM audit.load_ledger "
        "WHERE refresh_id = ? ORDER BY file",
        [refresh_id],
    ).fetchall()
    batches = [
        {
            "source": source,
            "file": file,
            "sha256": sha,
            "status": status,
            "rows": int(count or 0),
            "findings": json.loads(report or "[]"),
        }
        for source, file, sha, status, count, report in rows
    ]
    for path, rule, severity, message, fix in con.execute(
        "SELECT path, rule, severity, message, fix FROM audit.drop_findings WHERE refresh_id = ? ORDER BY path",
        [refresh_id],
    ).fetchall():
        finding = {"source": "", "file": path, "rule": rule, "severity": severity, "message": message, "fix": fix,
                   "column": None, "header": None, "failing_count": 0, "examples": []}
        batches.append(
            {"source": "(drop)", "file": path, "sha256": None, "rows": 0, "findings": [finding],
             "status": "rejected" if severity == "ERROR" else "not_loaded"}
        )
    return batches


def write_report(
    reports_dir: Path, refresh_id: str, kind: str, outcome: str, batches: list[dict], error: str | None = None
) -> Path:
    """Write `<kind>-<time>-<run>.json/.html` and refresh `latest.json/.html`; return the JSON path.

    `error`: why a refresh failed after every batch passed its audit (e.g. the dbt tests that failed)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {
        "kind": kind,
        "refresh_id": refresh_id,
        "written_at": stamp,
        "outcome": outcome,
        "batches": batches,
        "rejected": [b["file"] for b in batches if b["status"] == "rejected"],
        "error": error,
    }
    stem = f"{kind}-{stamp}-{refresh_id[:8]}"
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    page = render_html(doc)
    for name in (stem, f"{kind}-latest"):
        (reports_dir / f"{name}.json").write_text(text, encoding="utf-8")
        (reports_dir / f"{name}.html").write_text(page, encoding="utf-8")
    return reports_dir / f"{stem}.json"


def _e(value: object) -> str:
    return html.escape(str(value))


_FINDING_COLUMNS = ("file", "column", "rule", "severity", "rows", "problem", "examples (row in file)", "fix")


def render_html(doc: dict) -> str:
    rows = []
    for b in doc["batches"]:
        status_class = "bad" if b["status"] == "rejected" else "ok"
        rows.append(
            f"<tr class='{status_class}'><td>{_e(b['source'])}</td><td>{_e(b['file'])}</td>"
            f"<td>{_e(b['status'])}</td><td class='n'>{b['rows']:,}</td><td>{len(b['findings'])}</td></tr>"
        )
    details = []
    for b in doc["batches"]:
        for f in b["findings"]:
            examples = "; ".join(
                f"row {_e(x['row'])}: {_e(x['value'])}" if x.get("value") else f"row {_e(x['row'])}"
                for x in f.get("examples", [])
                if x.get("row") is not None
            )
            details.append(
                f"<tr class='{'bad' if f['severity'] == 'ERROR' else 'warn'}'><td>{_e(b['file'])}</td>"
                f"<td>{_e(f.get('header') or f.get('column') or '')}</td><td>{_e(f['rule'])}</td>"
                f"<td>{_e(f['severity'])}</td><td class='n'>{_e(f.get('failing_count') or '')}</td>"
                f"<td>{_e(f['message'])}</td><td>{examples}</td><td>{_e(f['fix'])}</td></tr>"
            )
    error_html = f"<h2>Why the refresh failed · 失败原因</h2><pre>{_e(doc['error'])}</pre>" if doc.get("error") else ""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>STI {_e(doc['kind'])} report {_e(doc['written_at'])}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin-bottom: 2em; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }}
tr.bad td {{ background: #fde8e8; }} tr.warn td {{ background: #fff6dc; }}
td.n {{ text-align: right; }}
</style></head><body>
<h1>STI {_e(doc['kind'])} report · 数据校验报告</h1>
<p>Run <code>{_e(doc['refresh_id'])}</code>, written {_e(doc['written_at'])}. Outcome: <b>{_e(doc['outcome'])}</b>.
Rejected files: {len(doc['rejected'])}.</p>
{error_html}
<h2>Batches · 批次</h2>
<table><tr><th>source</th><th>file</th><th>status</th><th>rows</th><th>findings</th></tr>
{''.join(rows) or '<tr><td colspan=5>no new batch</td></tr>'}</table>
<h2>Findings · 问题清单</h2>
<table><tr>{"".join(f"<th>{c}</th>" for c in _FINDING_COLUMNS)}</tr>
{''.join(details) or '<tr><td colspan=8>no findings</td></tr>'}</table>
</body></html>
"""
