"""What a constraint of the table (`constraints.py`) is checked on, and how a table row is
filled in for it: the GX kwargs builders the rows name, and the slots of the rows' texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from great_expectations.expectations.row_conditions import Column as RowColumn

from pipelines.contract.sources import Check, Column


@dataclass(frozen=True)
class Target:
    """What one constraint is checked on: a column of the contract, or a source's key columns."""

    columns: tuple[str, ...]  # the column(s) a finding names; one except for a compound key
    column: Column | None = None  # the contract column (None for a key)
    check: Check | None = None  # the declaration (None when implied by kind or nullability)


Kwargs = Callable[[Target], dict[str, Any]]


def param(name: str) -> dict[str, str]:
    return {"$PARAMETER": name}


def column(t: Target) -> dict[str, Any]:
    return {"column": t.columns[0]}


def between(**bounds: Any) -> Kwargs:
    return lambda t: {"column": t.columns[0], **bounds}


def in_set(value_set: Any) -> Kwargs:
    return lambda t: {"column": t.columns[0], "value_set": value_set}


def allowed_values(t: Target) -> dict[str, Any]:
    assert t.column is not None
    return {"column": t.columns[0], "value_set": list(t.column.values)}


def regex(t: Target) -> dict[str, Any]:
    assert t.check is not None and t.check.pattern is not None
    kwargs: dict[str, Any] = {"column": t.columns[0], "regex": t.check.pattern}
    if t.check.unless is not None:
        exempt_column, exempt_value = t.check.unless
        kwargs["row_condition"] = RowColumn(exempt_column) != exempt_value
    return kwargs


def pair(this_is_larger: bool, strict: bool = False) -> Kwargs:
    """column_A >= column_B (> when strict); rows with either value empty are not checked."""

    def kwargs(t: Target) -> dict[str, Any]:
        assert t.check is not None and t.check.other is not None
        a, b = (t.columns[0], t.check.other) if this_is_larger else (t.check.other, t.columns[0])
        return {"column_A": a, "column_B": b, "or_equal": not strict, "ignore_row_if": "either_value_is_missing"}

    return kwargs


def given_when_other(is_given: bool) -> Kwargs:
    """For "exactly one of column and other": the rows where `other` is given (is_given) or
    empty; the constraint's expectation then asks the column to be empty or given there."""

    def kwargs(t: Target) -> dict[str, Any]:
        assert t.check is not None and t.check.other is not None
        other = RowColumn(t.check.other)
        return {"column": t.columns[0], "row_condition": other.is_not_null() if is_given else other.is_null()}

    return kwargs


def not_in_set_when(value_set: Any, value: str) -> Kwargs:
    """column not in value_set on the rows where the `other` column equals value."""

    def kwargs(t: Target) -> dict[str, Any]:
        assert t.check is not None and t.check.other is not None
        return {"column": t.columns[0], "value_set": value_set, "row_condition": RowColumn(t.check.other) == value}

    return kwargs


def compound_key(t: Target) -> dict[str, Any]:
    # A row missing part of its key is already reported by not_null / the parser.
    return {"column_list": list(t.columns), "ignore_row_if": "any_value_is_missing"}


# How the `type` finding names each kind.
KIND_EN = {
    "text": "text",
    "uscc": "text (a 统一社会信用代码)",
    "region": "text (a region code or name)",
    "enum": "text (one of the listed categories)",
    "date": "a date",
    "money": "a number (amount of money)",
    "number": "a number",
    "int": "a whole number",
    "bool": "yes/no",
}
KIND_ZH = {
    "text": "文本",
    "uscc": "文本（统一社会信用代码）",
    "region": "文本（区划代码或名称）",
    "enum": "文本（规定的类别之一）",
    "date": "日期",
    "money": "数值（金额）",
    "number": "数值",
    "int": "整数",
    "bool": "是/否",
}


_SLOT = re.compile(r"\{(column|other|key|values|kind_en|kind_zh)\}")


def fill_slots(text: str, target: Target) -> str:
    """A constraint's text for a target: `{column}`, `{other}` and `{key}` become column
    placeholders (`{issue_date}`, filled with the file's header when a finding is written),
    `{values}` the allowed categories, `{kind_en}`/`{kind_zh}` the name of the column's kind."""
    col = target.column
    slots = {
        "column": "{" + target.columns[0] + "}",
        "other": "{" + target.check.other + "}" if target.check and target.check.other else "",
        "key": " + ".join("{" + c + "}" for c in target.columns),
        "values": " / ".join(col.values) if col is not None else "",
        "kind_en": KIND_EN[col.kind] if col is not None else "",
        "kind_zh": KIND_ZH[col.kind] if col is not None else "",
    }
    return _SLOT.sub(lambda m: slots[m.group(1)], text)
