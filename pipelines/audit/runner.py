"""Run a source's GX suite on a landing batch and report `Finding`s.

    findings = validate_batch("patents", landing_df, file="patents/2023.csv",
                              header_map={...}, known_regions={...}, today=date.today())

The landing frame has the typed columns of `pipelines.contract.sources` (English aliases) plus
`_row_number` (row number in the file, 1-based, title/header rows counted). Values the parser
could not convert arrive as NULL and were reported by the parser already: pass their columns in
`skip_null_check`, or better the exact rows in `parse_failed`, so they are not reported a second
time as `not_null` failures (every other rule ignores NULLs anyway).

The pieces: `validation_plan.py` groups the suite into GX runs, `canonical_columns.py` gives GX
columns it handles vectorised, `gx_engine.py` runs them, `result_findings.py` writes the
findings. Before any of it, each column's values are checked to be of the contract kind
(`value_kinds.py`); for a landed batch its dtypes already say so. A city-scale batch has ~1M
rows: `python benchmarks/gx_validate.py` measures this module.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.audit.canonical_columns import canonical
from pipelines.audit.catalogue import non_flow_indicators
from pipelines.audit.constraints import EARLIEST_DATE
from pipelines.audit.findings import MAX_EXAMPLES, Finding
from pipelines.audit.gx_engine import gx_lock, run_expectations
from pipelines.audit.result_findings import (
    ROW,
    contract_header,
    exception_message,
    from_result,
    missing_column,
    wrong_kind,
)
from pipelines.audit.validation_plan import POSITION, ROW_LOCAL, Job, plan, suite_expectations
from pipelines.audit.value_kinds import wrong_kind_positions
from pipelines.contract.sources import REGIONS, SOURCES

# Batches larger than this are validated column group by column group (each GX run sees only
# the columns its expectations read: less memory per metric); smaller ones in one GX run per
# frame variant (GX's fixed cost per run dominates on small frames).
SPLIT_COLUMNS_ABOVE_ROWS = 50_000


def suite_parameters(
    source: str, base: pd.DataFrame, known_regions: Collection[str], today: _dt.date
) -> dict[str, Any]:
    """The values of the suite parameters (constraints.PARAMETERS) for this batch (of `base`, only
    its `region_code` column is read, and only for the regions source)."""
    regions = {str(r) for r in known_regions}
    region_codes = set(regions)
    if source == REGIONS and "region_code" in base.columns:  # a parent may be a region of the batch
        region_codes |= {str(v) for v in base["region_code"].dropna().unique()}
    today_ts = pd.Timestamp(today)
    return {
        "known_regions": sorted(regions),
        "region_codes": sorted(region_codes),
        "today": today_ts,
        "current_year": int(today_ts.year),
        "earliest_date": pd.Timestamp(EARLIEST_DATE),
        "non_flow_indicators": non_flow_indicators(),
    }


def placeholder_values(params: Mapping[str, Any], headers: Mapping[str, str]) -> dict[str, str]:
    """What the placeholders of the texts become: the headers as written, the parameters as text."""
    return {
        "today": params["today"].date().isoformat(),
        "current_year": str(params["current_year"]),
        "earliest_date": EARLIEST_DATE,
        **headers,
    }


@dataclass
class Batch:
    """One landing batch to validate (the arguments of `validate_batch` that belong to a batch)."""

    df: pd.DataFrame
    file: str
    header_map: Mapping[str, str] = field(default_factory=dict)
    skip_null_check: Collection[str] = frozenset()
    parse_failed: Mapping[str, Collection[int]] | None = None


def validate_batch(
    source: str,
    df: pd.DataFrame,
    *,
    file: str,
    header_map: Mapping[str, str],
    known_regions: Collection[str],
    today: _dt.date,
    skip_null_check: Collection[str] = frozenset(),
    parse_failed: Mapping[str, Collection[int]] | None = None,
) -> list[Finding]:
    """Run `expectations/<source>.json` on one landing batch; one Finding per failed rule.

    source          a source of `pipelines.contract.sources.SOURCES`
    df              the landing table: contract columns (English aliases) + `_row_number`
    file            path relative to the drop root, copied into every Finding
    header_map      raw column -> header as written in the file (used in messages)
    known_regions   every valid region code and region name
    today           the validation date (dates after it are "in the future")
    skip_null_check columns whose NULLs are not reported (the parser reported them)
    parse_failed    column -> row numbers whose cell the parser could not convert; those
                    NULLs are not reported, other NULLs of the column still are

    An empty list means the batch passed. WARN findings never reject a batch. Findings come
    in this order: missing columns, values of the wrong type, then the suite's rules in suite order.
    """
    batch = Batch(df, file, header_map, skip_null_check, parse_failed)
    return validate_batches(source, [batch], known_regions=known_regions, today=today)[0]


def validate_batches(
    source: str, batches: Sequence[Batch], *, known_regions: Collection[str], today: _dt.date
) -> list[list[Finding]]:
    """`validate_batch` of each batch of one source (the findings of each, in the same order).

    GX costs ~10 ms of Python per expectation and run whatever the rows, so several small
    batches are validated together: the row-local rules (`ROW_LOCAL`: a row passes or fails
    by its own values) run once on the batches' frames concatenated. A rule that no row of
    the concatenation fails passes in every batch; one that fails (or raises) is run again
    on each batch alone, so its findings — failing count, first examples in row order — are
    exactly those of `validate_batch`. Uniqueness and any other rule run on each batch alone.
    """
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}")
    prepared = [_prepare(source, b, known_regions, today) for b in batches]
    merged: dict[tuple, list[tuple[_Prepared, Job, list]]] = {}
    for p in prepared:
        for job in p.jobs:
            local: list = []
            if len(prepared) > 1 and source != REGIONS and not job.exclude_rows and len(p.base):
                local = [e for e in job.expectations if e.expectation_type in ROW_LOCAL]
            alone = [e for e in job.expectations if not any(e is x for x in local)]
            if alone:
                _run(p, job, alone)
            if local:
                dtypes = tuple(str(p.frame(job).dtypes[c]) for c in job.columns)
                key = (job.as_landed, tuple(job.columns), dtypes, tuple(id(e) for e in local))
                merged.setdefault(key, []).append((p, job, local))
    for members in merged.values():
        if len(members) == 1:
            _run(*members[0])
            continue
        _run_merged(members)
    return [p.findings() for p in prepared]


def _run_merged(members: list[tuple[_Prepared, Job, list]]) -> None:
    """Run row-local expectations once on the members' frames concatenated; a failing one again
    on each member that has failing rows (on all members when GX gives no row positions)."""
    p0, _, local = members[0]
    frames = [p.frame(job) for p, job, _ in members]
    starts = np.cumsum([0] + [len(f) for f in frames])
    frame = pd.concat(frames, ignore_index=True)
    del frames
    results = run_expectations(frame, local, p0.params, MAX_EXAMPLES, complete=True)
    del frame
    rerun: dict[int, list] = {}  # member -> expectations to run on it alone
    by_position = {int(e.meta[POSITION]): e for e in local}
    for res in results:
        if _passed_everywhere(res):
            continue
        exp = by_position[int(res.expectation_config.meta[POSITION])]
        failing = (res.result or {}).get("unexpected_index_list")
        if exception_message(res.exception_info) is None and isinstance(failing, list) and failing:
            who = np.unique(np.searchsorted(starts, np.asarray(failing, dtype=np.int64), side="right") - 1)
        else:
            who = np.arange(len(members))
        for m in who:
            rerun.setdefault(int(m), []).append(exp)
    for m, exps in sorted(rerun.items()):
        p, job, _ = members[m]
        _run(p, job, sorted(exps, key=lambda e: int(e.meta[POSITION])))


def _passed_everywhere(res: Any) -> bool:
    """A result over concatenated batches that no row failed: the rule passes in each batch."""
    if exception_message(res.exception_info) is not None or not res.success:
        return False
    return (res.result or {}).get("unexpected_count") == 0


def _run(p: _Prepared, job: Job, expectations: list) -> None:
    for res in run_expectations(p.frame(job), expectations, p.params, MAX_EXAMPLES):
        p.ranked.append((int(res.expectation_config.meta[POSITION]), res))


@dataclass
class _Prepared:
    """A batch made ready for GX: its frames, its GX runs, the findings made before GX."""

    source: str
    file: str
    base: pd.DataFrame
    headers: dict[str, str]
    jobs: list[Job]
    canon: dict[str, pd.Series]
    params: dict[str, Any]
    values: dict[str, str]
    early: list[Finding]
    ranked: list[tuple[int, Any]] = field(default_factory=list)

    def frame(self, job: Job) -> pd.DataFrame:
        """The frame a job's expectations run on (same positions as `base`)."""
        base = self.base
        frame = pd.DataFrame(
            {c: (base[c] if job.as_landed else self.canon[c]) for c in job.columns}, index=base.index, copy=False
        )
        if job.exclude_rows:
            frame = frame[~base[ROW].isin(job.exclude_rows)]
        return frame

    def findings(self) -> list[Finding]:
        out = list(self.early)
        for _, res in sorted(self.ranked, key=lambda pr: pr[0]):  # report in suite order
            finding = from_result(self.source, self.file, res, self.base, self.headers, self.values)
            if finding is not None:
                out.append(finding)
        return out


def batch_headers(source: str, header_map: Mapping[str, str]) -> dict[str, str]:
    """Column -> the header messages name: as written in the file, else the contract's."""
    headers = {c.name: contract_header(source, c.name) for c in SOURCES[source].columns}
    headers.update({k: v for k, v in header_map.items() if v})
    return headers


def missing_column_findings(
    source: str, file: str, present: Collection[str], missing: Mapping[str, list], headers: Mapping[str, str]
) -> list[Finding]:
    """A finding per contract column the frame lacks, and per column the plan could not check.

    Every contract column must be there, also one that no expectation reads: the type of its
    values is a rule too. (A landing table always has them all; other frames may not.)"""
    findings: list[Finding] = []
    absent = [c.name for c in SOURCES[source].columns if c.name not in present]
    for column in absent + [c for c in missing if c not in absent]:
        rules = {(e.meta or {}).get("rule", e.expectation_type) for e in missing.get(column, [])}
        rules |= {"type"} if column in absent else set()
        findings.append(missing_column(source, file, column, sorted(rules), headers))
    return findings


def _prepare(source: str, batch: Batch, known_regions: Collection[str], today: _dt.date) -> _Prepared:
    """Plan the GX runs of a batch; report missing columns and values of the wrong type."""
    df, file = batch.df, batch.file
    if ROW not in df.columns:
        raise ValueError(f"landing frame of {file} has no {ROW} column")
    spec = SOURCES[source]
    headers = batch_headers(source, batch.header_map)
    # Positions GX reports are positions in `base`: it needs a 0..n-1 RangeIndex.
    positional = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1
    base = df if positional else df.reset_index(drop=True)
    present = set(base.columns)

    with gx_lock:
        jobs, missing = plan(
            suite_expectations(source),
            present,
            set(batch.skip_null_check),
            batch.parse_failed or {},
            split_columns=len(base) > SPLIT_COLUMNS_ABOVE_ROWS,
        )
    findings = missing_column_findings(source, file, present, missing, headers)
    for col in spec.columns:
        if col.name in present:
            wrong = wrong_kind_positions(base[col.name], col.kind)
            if len(wrong):
                findings.append(wrong_kind(source, file, col.name, wrong, base, headers))

    used = {c for job in jobs if not job.as_landed for c in job.columns}
    canon = {col.name: canonical(base[col.name], col) for col in spec.columns if col.name in used}
    params = suite_parameters(source, base, known_regions, today)
    values = placeholder_values(params, headers)
    return _Prepared(source, file, base, headers, jobs, canon, params, values, findings)


__all__ = [
    "SPLIT_COLUMNS_ABOVE_ROWS",
    "Batch",
    "batch_headers",
    "missing_column_findings",
    "placeholder_values",
    "suite_parameters",
    "validate_batch",
    "validate_batches",
]
