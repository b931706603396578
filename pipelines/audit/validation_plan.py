"""Which GX runs validate a batch: the suite's expectations grouped by the frame they need.

- not-null rules look at the columns as landed (a NULL there is a missing value); every other
  rule at the canonical columns (`canonical_columns.py`), where a value of the wrong type is NULL
  and so reported once, by the `type` check;
- large batches are validated one column group at a time on a frame holding only those columns
  (less memory per GX metric); small ones in one GX run per frame variant (GX's fixed cost per
  run dominates on small frames). Uniqueness rules still see whole key columns;
- an expectation naming a column the frame lacks does not run: the column is reported missing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from pipelines.audit.suites import load_suite, suite_path

POSITION = "_suite_position"  # meta key: the expectation's index in its suite
_NOT_NULL = "expect_column_values_to_not_be_null"
# Expectations whose outcome for a row depends on that row's values only (no uniqueness, no
# aggregate): they may run on several batches concatenated (`runner.validate_batches`).
ROW_LOCAL = frozenset(
    {
        _NOT_NULL,
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_value_lengths_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_values_to_be_valid_uscc",
    }
)
_suites: dict[str, tuple[tuple, list]] = {}


def suite_expectations(source: str) -> list:
    """The expectations of `expectations/<source>.json`, each tagged in `meta` with its position
    in the suite (GX may return results in another order). Built once per file version and
    reused: an Expectation without an id may be put into any number of suites."""
    path = suite_path(source)
    version = (str(path), path.stat().st_mtime_ns if path.exists() else None)
    cached = _suites.get(source)
    if cached is not None and cached[0] == version:
        return cached[1]
    tagged = []
    for pos, exp in enumerate(load_suite(source).expectations):
        cfg = exp.configuration
        tagged.append(
            ExpectationConfiguration(
                type=cfg.type, kwargs=dict(cfg.kwargs), meta={**(cfg.meta or {}), POSITION: pos}, severity=cfg.severity
            ).to_domain_obj()
        )
    _suites[source] = (version, tagged)
    return tagged


def _condition_columns(cond: Any) -> set[str]:
    """Columns a GX row_condition reads (walks its JSON form)."""
    if cond is None:
        return set()
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            col = node.get("column")
            if isinstance(col, dict) and isinstance(col.get("name"), str):
                found.add(col["name"])
            elif isinstance(col, str):
                found.add(col)
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)

    walk(cond.dict() if hasattr(cond, "dict") else cond)
    return found


def expectation_columns(exp: Any) -> list[str]:
    """Every column an expectation reads, the checked ones first."""
    cols = [v for v in (getattr(exp, a, None) for a in ("column", "column_A", "column_B")) if isinstance(v, str)]
    cols += list(getattr(exp, "column_list", None) or [])
    cols += sorted(_condition_columns(getattr(exp, "row_condition", None)) - set(cols))
    return cols


@dataclass
class Job:
    """One GX run: these expectations on a frame of these columns."""

    columns: list[str]  # columns of the frame (without _row_number)
    as_landed: bool  # the columns as given (not-null rules) instead of the canonical ones
    exclude_rows: frozenset[int]  # file row numbers left out (cells the parser could not read)
    expectations: list = field(default_factory=list)


def plan(
    expectations: list,
    present: Collection[str],
    skip_null: Collection[str],
    parse_failed: Mapping[str, Collection[int]],
    split_columns: bool,
) -> tuple[list[Job], dict[str, list]]:
    """(jobs, missing): the GX runs, and the expectations left out per column the frame lacks."""
    jobs: dict[tuple, Job] = {}
    missing: dict[str, list] = {}
    for exp in expectations:
        cols = expectation_columns(exp)
        absent = [c for c in cols if c not in present]
        for c in absent:
            missing.setdefault(c, []).append(exp)
        if absent:
            continue
        exclude: frozenset[int] = frozenset()
        as_landed = exp.expectation_type == _NOT_NULL
        if as_landed:
            if cols[0] in skip_null:
                continue  # the parser reported this column's unreadable cells already
            exclude = frozenset(int(r) for r in parse_failed.get(cols[0], ()))
        # Same column set (order-insensitive) and frame variant -> one GX run.
        key = (tuple(sorted(set(cols))) if split_columns else (), as_landed, exclude)
        job = jobs.setdefault(key, Job([], as_landed, exclude))
        job.columns += [c for c in cols if c not in job.columns]
        job.expectations.append(exp)
    return list(jobs.values()), missing


__all__ = ["POSITION", "ROW_LOCAL", "Job", "expectation_columns", "plan", "suite_expectations"]
