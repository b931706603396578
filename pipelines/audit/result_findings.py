"""GX validation results (and the checks the runner makes itself) → the project's `Finding`s:
file, column with its header as written, rule, severity, message, fix, failing count, and
examples as (row number in the file, value as a data engineer would type it).

An expectation's `meta` (written by `suites.py` from the constraint table) holds the rule,
severity and texts; `{column}` placeholders in the texts become the headers of the file.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from pipelines.audit.constraint_targets import Target
from pipelines.audit.constraints import CONSTRAINTS, texts
from pipelines.audit.findings import MAX_EXAMPLES, Finding
from pipelines.contract.sources import SOURCES

ROW = "_row_number"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def contract_header(source: str, column: str) -> str:
    """The header the contract gives a column (Chinese, with its unit), e.g. 工业总产值(万元)."""
    try:
        col = SOURCES[source].column(column)
    except KeyError:
        return column
    return f"{col.header_zh}({col.unit})" if col.unit else col.header_zh


def fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def format_value(value: Any) -> str:
    """A cell as a data engineer would type it (dates without time, 10.0 -> 10)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return ""
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime):  # includes pandas Timestamp
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    text = str(value)
    if text in ("nan", "NaT", "<NA>", "None"):
        return ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00", text):
        return text[:10]
    return text


def _row(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def examples_at(base: pd.DataFrame, positions: Any, columns: list[str], headers: Mapping[str, str]) -> list:
    """(row number, value) of the rows at these positions of `base`; several columns as h=v, ..."""
    out: list[tuple[int | None, str]] = []
    rows = base[ROW]
    for pos in list(positions)[:MAX_EXAMPLES]:
        if len(columns) == 1:
            value = format_value(base[columns[0]].iat[pos])
        else:
            value = ", ".join(f"{headers.get(c, c)}={format_value(base[c].iat[pos])}" for c in columns)
        out.append((_row(rows.iat[pos]), value))
    return out


def exception_message(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "exception")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "exception")
    return None


def from_result(
    source: str, file: str, res: Any, base: pd.DataFrame, headers: Mapping[str, str], values: Mapping[str, str]
) -> Finding | None:
    """The Finding of one GX result, None when it passed. `values` fills the texts' placeholders
    (headers as written, today, ...); row numbers and values are looked up in `base` by position."""
    cfg = res.expectation_config
    meta = dict(cfg.meta or {})
    kwargs = cfg.kwargs
    report_cols = [c for c in str(meta.get("column") or kwargs.get("column") or "").split(",") if c]
    involved = [kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(kwargs.get(k), str)]
    involved += list(kwargs.get("column_list") or [])
    finding = Finding(
        source=source,
        file=file,
        rule=meta.get("rule") or cfg.type,
        message="",
        fix=fill(meta.get("fix", ""), values),
        severity="WARN" if str(meta.get("severity", "ERROR")).upper() == "WARN" else "ERROR",
        column=",".join(report_cols) or None,
        header=" + ".join(headers.get(c, c) for c in report_cols) or None,
    )
    error = exception_message(res.exception_info)
    if error is not None:  # a check that did not run is never a pass
        finding.message = f"the check could not run ({error}); the batch cannot be accepted until it does"
        finding.fix = (
            f"Check the values of {finding.header or 'the column'}; if they look right, "
            f"report this to the warehouse maintainers. {finding.fix}"
        )
        finding.severity = "ERROR"
        return finding
    if res.success:
        return None
    result = res.result or {}
    en = fill(meta.get("description_en", ""), values)
    zh = fill(meta.get("description_zh", ""), values)
    finding.message = f"{en} {zh}".strip() or cfg.type
    positions = [p for p in (result.get("partial_unexpected_index_list") or []) if isinstance(p, (int, np.integer))]
    finding.examples = examples_at(base, positions, involved, headers)
    if not finding.examples:  # no index list (e.g. an aggregate expectation): values only
        finding.examples = [(None, format_value(v)) for v in (result.get("partial_unexpected_list") or [])]
        finding.examples = finding.examples[:MAX_EXAMPLES]
    count = result.get("unexpected_count")
    finding.failing_count = int(count) if count is not None else 0
    return finding


def wrong_kind(
    source: str, file: str, column: str, positions: np.ndarray, base: pd.DataFrame, headers: Mapping[str, str]
) -> Finding:
    """The `type` finding of a column whose values at `positions` are not of its kind."""
    row = CONSTRAINTS["of_kind"]
    zh, en, fix = (fill(t, headers) for t in texts("of_kind", Target((column,), SOURCES[source].column(column))))
    return Finding(
        source=source,
        file=file,
        rule=row.rule,
        message=f"{en} {zh}",
        fix=fix,
        severity=row.severity,
        column=column,
        header=headers.get(column, column),
        failing_count=len(positions),
        examples=examples_at(base, positions, [column], headers),
    )


def missing_column(source: str, file: str, column: str, rules: list[str], headers: Mapping[str, str]) -> Finding:
    """A column the frame lacks: the rules naming it could not run, so the batch cannot pass."""
    header = headers.get(column, column)
    return Finding(
        source=source,
        file=file,
        rule="column_missing",
        message=f"column {header} is missing from the batch, so rules {', '.join(rules)} could not run",
        fix=f"Add the column {header} (header {contract_header(source, column)} or {column}).",
        column=column,
        header=header,
    )


__all__ = [
    "contract_header",
    "exception_message",
    "fill",
    "format_value",
    "from_result",
    "missing_column",
    "wrong_kind",
]
