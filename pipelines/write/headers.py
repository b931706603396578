"""Header matching: which file column is which contract column, and in which unit.

Headers are compared after NFKC (full-width → half-width, `（万元）` → `(万元)`), unifying
bracket styles and removing whitespace, case-insensitively. A header is `<name>` or
`<name>(<unit>)`; the name is either the Chinese header or the English alias of DESIGN §2.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.contract.sources import MONEY_UNITS, OTHER_UNITS, Column, Source

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_UNIT_RE = re.compile(r"^(?P<name>.*?)\((?P<unit>[^()]*)\)$")
# Quotes vary between files (专精特新“小巨人”企业, "小巨人", 小巨人); they never carry meaning.
_QUOTES = str.maketrans({q: None for q in "\"'“”‘’「」『』"})


def norm_text(value: str) -> str:
    """The comparison form of a header or category value."""
    text = unicodedata.normalize("NFKC", value).translate(_BRACKETS).translate(_QUOTES)
    return re.sub(r"\s+", "", text).lower()


def split_unit(header: str) -> tuple[str, str | None]:
    """`工业总产值(万元)` → (`工业总产值`, `万元`), already normalised."""
    text = norm_text(header)
    m = _UNIT_RE.match(text)
    if m:
        return m.group("name"), m.group("unit")
    return text, None


@dataclass(frozen=True)
class MatchedColumn:
    column: Column
    position: int  # index of the cell in the header row
    header: str  # as written in the file
    factor: float  # multiply a value by this to get the contract's unit (万元 for money)


@dataclass(frozen=True)
class HeaderMatch:
    columns: list[MatchedColumn]
    extra: list[tuple[int, str]]  # (position, header) of columns the contract does not know
    unitless_money: list[tuple[Column, str]]  # money columns whose header has no unit
    bad_unit: list[tuple[Column, str, str]]  # (column, header, unit) with an unknown unit
    duplicated: list[tuple[Column, list[str]]]  # a contract column matched by several headers

    @property
    def matched_names(self) -> set[str]:
        return {m.column.name for m in self.columns}

    def missing_required(self, source: Source) -> list[Column]:
        return [c for c in source.columns if c.required and c.name not in self.matched_names]


def _names_of(column: Column) -> set[str]:
    return {norm_text(column.header_zh), norm_text(column.name)}


def _unit_factor(column: Column, unit: str | None) -> float | None:
    """Factor to the contract unit, or None when the unit is not one we know."""
    if column.kind == "money":
        return MONEY_UNITS.get(unit) if unit is not None else None
    if column.unit and column.unit in OTHER_UNITS:
        if unit is None:
            return 1.0
        return OTHER_UNITS[column.unit].get(unit)
    return 1.0


def match_header(source: Source, cells: list[object]) -> HeaderMatch:
    lookup: dict[str, Column] = {}
    for col in source.columns:
        for name in _names_of(col):
            lookup[name] = col
    matched: list[MatchedColumn] = []
    extra: list[tuple[int, str]] = []
    unitless: list[tuple[Column, str]] = []
    bad_unit: list[tuple[Column, str, str]] = []
    seen: dict[str, list[str]] = {}
    for pos, cell in enumerate(cells):
        header = "" if cell is None else str(cell).strip()
        if not header:
            continue
        name, unit = split_unit(header)
        col = lookup.get(name)
        if col is None and unit is not None:
            # A bracket that is part of the name rather than a unit, e.g. `R&D(研发)`.
            col = lookup.get(norm_text(header))
            unit = None if col is not None else unit
        if col is None:
            extra.append((pos, header))
            continue
        seen.setdefault(col.name, []).append(header)
        if len(seen[col.name]) > 1:
            continue
        if col.kind == "money" and unit is None:
            unitless.append((col, header))
            continue
        factor = _unit_factor(col, unit)
        if factor is None:
            bad_unit.append((col, header, unit or ""))
            continue
        matched.append(MatchedColumn(col, pos, header, factor))
    duplicated = [(col, hs) for col in source.columns if len(hs := seen.get(col.name, [])) > 1]
    return HeaderMatch(matched, extra, unitless, bad_unit, duplicated)


def header_score(source: Source, cells: list[object]) -> int:
    """How many distinct contract columns a row names — used to find the header row."""
    names: set[str] = set()
    lookup = {n: c.name for c in source.columns for n in _names_of(c)}
    for cell in cells:
        if cell is None:
            continue
        name, _unit = split_unit(str(cell))
        hit = lookup.get(name) or lookup.get(norm_text(str(cell)))
        if hit:
            names.add(hit)
    return len(names)
