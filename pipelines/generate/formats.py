"""How one file of a source looks: encoding, headers, units, date and yes/no styles.

Rows are generated in canonical form (spec column names, money in 万元, dates as
datetime64, region codes, canonical enum terms); a FileSpec says how a provider would have
written them. Rendering follows the contract exactly, so that reading a file back with the
header's unit gives the canonical value again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pipelines.contract.sources import MONEY_UNITS, SOURCES, Column

DATE_STYLES = ("iso", "slash", "dot", "compact", "zh", "excel")


@dataclass(frozen=True)
class FileSpec:
    fmt: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030 (csv only)
    title: str | None = None  # xlsx: a title row above the header
    english: bool = False  # English alias headers
    fullwidth: bool = False  # units in full-width brackets: 工业总产值（万元）
    money_unit: str | None = None  # 元 / 万元 / 亿元 for every money column; None = contract's
    other_units: tuple[tuple[str, str], ...] = ()  # (column, unit) for non-money units
    date_style: str = "iso"
    bool_style: tuple[str, str] = ("是", "否")
    region_by_name: bool = False
    omit: tuple[str, ...] = ()  # optional columns the provider left out
    extra: tuple[str, ...] = ()  # unknown columns: 序号 (row number), 备注, 从业人员(人)
    enum_english: bool = False  # categories written as their English alias
    crlf: bool = False

    def for_scale(self, scale: str) -> FileSpec:
        """Benchmark scales come as CSV exports, as a provider with big lists would send."""
        if scale == "sample" or self.fmt == "csv":
            return self
        style = "iso" if self.date_style == "excel" else self.date_style
        return replace(self, fmt="csv", title=None, date_style=style)


def columns_for(source: str, spec: FileSpec) -> list[Column]:
    return [c for c in SOURCES[source].columns if c.name not in spec.omit]


def header_for(col: Column, spec: FileSpec) -> str:
    base = col.name if spec.english else col.header_zh
    unit = col.unit
    if col.kind == "money":
        unit = spec.money_unit or col.unit
    for name, u in spec.other_units:
        if name == col.name:
            unit = u
    # English headers keep units only where the unit changes the number (money, overrides).
    show = unit and (not spec.english or col.kind == "money" or col.name in dict(spec.other_units))
    if not show:
        return base
    left, right = ("（", "）") if spec.fullwidth else ("(", ")")
    return f"{base}{left}{unit}{right}"


_OTHER_FACTORS = {"万人": 1.0, "人": 1e-4, "平方米": 1.0, "万平方米": 1e4}


def _factor(col: Column, spec: FileSpec) -> float:
    """Factor such that file value x factor = canonical value."""
    if col.kind == "money":
        return MONEY_UNITS[spec.money_unit or col.unit or "万元"]
    for name, u in spec.other_units:
        if name == col.name:
            return _OTHER_FACTORS[u]
    return 1.0


def _number_strings(values: np.ndarray, decimals: int) -> np.ndarray:
    """Shortest decimal text of each value rounded to `decimals` ("" for NaN, no ".0")."""
    v = np.asarray(values, dtype=float)
    nan = np.isnan(v)
    scale = 10**decimals
    finite = np.where(nan, 0.0, v)
    if decimals > 0 and np.abs(finite).max(initial=0) * scale > 9e15:
        out = [("" if x != x else repr(round(float(x), decimals))) for x in v]
        return np.array([t[:-2] if t.endswith(".0") else t for t in out], dtype=object)
    units = np.round(finite * scale).astype(np.int64)
    neg = units < 0
    mag = np.abs(units)
    text = (mag // scale).astype(str).astype(object)
    if decimals > 0:
        frac = mag % scale
        has = frac != 0
        if not has.any():
            text[neg] = "-" + text[neg]
            text[nan] = ""
            return text
        digits = np.char.rstrip(np.char.zfill(frac[has].astype(str), decimals), "0")
        text[has] = text[has] + "." + digits.astype(object)
    text[neg] = "-" + text[neg]
    text[nan] = ""
    return text


def _date_strings(values: pd.Series, style: str) -> list[str]:
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    ok = ~np.isnat(days)
    # Few distinct dates: format each once.
    uniq, inverse = np.unique(days[ok], return_inverse=True)
    fmt = {
        "iso": "{0}-{1:02d}-{2:02d}",
        "slash": "{0}/{1}/{2}",
        "dot": "{0}.{1:02d}.{2:02d}",
        "compact": "{0}{1:02d}{2:02d}",
        "zh": "{0}年{1}月{2}日",
    }[style]
    texts = np.array(
        [fmt.format(t.year, t.month, t.day) for t in pd.DatetimeIndex(uniq)], dtype=object
    )
    out = np.full(len(days), "", dtype=object)
    out[ok] = texts[inverse]
    return out.tolist()


def _decimals(col: Column, factor: float) -> int:
    # Canonical money has 2 decimals in 万元 (i.e. whole 元); keep that exactness per unit.
    if col.kind == "money":
        return {1e-4: 0, 0.1: 3, 1.0: 2, 1e4: 6}.get(factor, 6)
    if col.kind == "number":
        return 6 if factor == 1.0 else 10
    return 0


Columns = Mapping[str, np.ndarray]


def _texts(arr: np.ndarray) -> np.ndarray:
    out = arr.astype(object, copy=True)
    out[pd.isna(out)] = ""
    return out


def render(
    source: str,
    rows: Columns,
    spec: FileSpec,
    region_names: dict[str, str],
    start: int = 0,
) -> tuple[list[str], list[list[object]]]:
    """Header texts and one list of cell values per column (strings, or typed for xlsx).

    `rows` maps column names to numpy arrays: slicing pandas' Arrow-backed strings row by
    row is what made big drops slow.
    """
    typed = spec.fmt == "xlsx"
    headers: list[str] = []
    cells: list[list[object]] = []
    n = len(next(iter(rows.values()))) if rows else 0
    for extra in spec.extra:
        if extra == "序号":
            headers.append("序号")
            numbers = range(start + 1, start + n + 1)
            cells.append(list(numbers) if typed else [str(i) for i in numbers])
    for col in columns_for(source, spec):
        headers.append(header_for(col, spec))
        s = rows[col.name]
        if col.kind in ("text", "uscc"):
            cells.append(_texts(s).tolist())
        elif col.kind == "region":
            codes = _texts(s)
            cells.append([region_names.get(c, c) for c in codes] if spec.region_by_name else codes.tolist())
        elif col.kind == "enum":
            texts = _texts(s)
            if spec.enum_english and col.values:
                alias = {k: v[0] for k, v in col.values.items()}
                cells.append([alias.get(x, x) for x in texts])
            else:
                cells.append(texts.tolist())
        elif col.kind == "bool":
            yes, no = spec.bool_style
            cells.append(np.where(s.astype(bool), yes, no).astype(object).tolist())
        elif col.kind == "int":
            vals = pd.to_numeric(pd.Series(s), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            if typed:
                cells.append([None if v != v else int(v) for v in vals])
            else:
                cells.append(_number_strings(vals, 0).tolist())
        elif col.kind in ("money", "number"):
            factor = _factor(col, spec)
            vals = pd.to_numeric(pd.Series(s), errors="coerce").to_numpy(dtype=float, na_value=np.nan) / factor
            strings = _number_strings(vals, _decimals(col, factor)).tolist()
            if typed:
                cells.append([None if t == "" else (int(t) if t.lstrip("-").isdigit() else float(t)) for t in strings])
            else:
                cells.append(strings)
        elif col.kind == "date":
            if typed and spec.date_style == "excel":
                dt = pd.to_datetime(pd.Series(s))
                cells.append([None if pd.isna(v) else v.date() for v in dt])
            else:
                style = "iso" if spec.date_style == "excel" else spec.date_style
                cells.append(_date_strings(pd.Series(s), style))
        else:
            raise ValueError(f"unknown kind {col.kind}")
    for extra in spec.extra:
        if extra == "序号":
            continue
        headers.append(extra)
        cells.append(_extra_cells(extra, start, n, typed))
    return headers, cells


def _extra_cells(name: str, start: int, n: int, typed: bool) -> list[object]:
    """Filler for columns the contract does not know; only their presence matters."""
    idx = np.arange(start, start + n)
    if name.startswith("从业人员"):
        vals = (idx * 7919 + 131) % 1900 + 20
        return [int(v) for v in vals] if typed else [str(v) for v in vals]
    # 备注: mostly empty, like real remarks columns.
    return ["复审" if i % 37 == 5 else "" for i in idx]
