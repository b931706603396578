"""Value rules of DESIGN §2 that are easier to state in Python than in SQL.

They are applied to the *distinct* values of a column (a date column of a million rows has
a few thousand distinct dates), so their cost does not grow with the file.
"""

from __future__ import annotations

import datetime as dt
import re

from pipelines.contract.sources import NO, YES, Column
from pipelines.write.headers import norm_text

_DATE_SEP = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(text: str) -> dt.date | None:
    """`2023-11-06`, `2023/11/6`, `2023.11.06`, `20231106`, `2023年11月6日` (and a time suffix
    that spreadsheet exports add, `2023-11-06 00:00:00`)."""
    s = _TIME_SUFFIX.sub("", text.strip())
    m = _DATE_SEP.match(s) or _DATE_COMPACT.match(s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_YES = {norm_text(v) for v in YES}
_NO = {norm_text(v) for v in NO}


def parse_bool(text: str) -> bool | None:
    key = norm_text(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def enum_lookup(column: Column) -> dict[str, str]:
    """Comparison form of every accepted spelling → canonical value."""
    lookup: dict[str, str] = {}
    for canonical, aliases in column.values.items():
        for spelling in (canonical, *aliases):
            lookup[norm_text(spelling)] = canonical
    return lookup


def parse_enum(column: Column, text: str, lookup: dict[str, str] | None = None) -> str | None:
    return (lookup or enum_lookup(column)).get(norm_text(text))


def describe_allowed(column: Column) -> str:
    if column.kind == "enum":
        return " / ".join(
            f"{canonical} ({', '.join(aliases)})" if aliases else canonical
            for canonical, aliases in column.values.items()
        )
    if column.kind == "bool":
        return "是/否, Y/N, 1/0, true/false"
    if column.kind == "date":
        return "2023-11-06, 2023/11/6, 2023.11.06, 20231106, 2023年11月6日 or an Excel date cell"
    return ""
