"""Run a source's GX suite on a landing batch and report `Finding`s (our own thin wrapper;
dagster-ge pins GX 0.18, DESIGN §1).

    findings = validate_batch("patents", landing_df, file="patents/2023.csv",
                              header_map={...}, known_regions={...}, today=date.today())

The landing frame has the typed columns of `pipelines.contract.sources` (English aliases) plus
`_row_number` (row number in the file, 1-based, title/header rows counted). Values the
parser could not convert arrive as NULL and were reported by the parser already: pass
their columns in `skip_null_check`, or better the exact rows in `parse_failed`, so they are
not reported a second time as `not_null` failures (every other rule ignores NULLs anyway).

How it runs (a city-scale batch has ~1M rows; `python benchmarks/gx_validate.py`):
- one ephemeral GX context per process (analytics and progress bars off), a pandas
  datasource with one dataframe asset; GX's per-batch fingerprint hashing is switched off;
- type and not-null rules run on the columns as landed; the other rules on a canonical copy
  of each column (numpy int64/float64, datetime64[ns]: GX's vectorised paths) in which a
  value of the wrong type is NULL, so it is reported once, by `type`;
- batches above SPLIT_COLUMNS_ABOVE_ROWS rows are validated one column group at a time on a
  frame holding only those columns (uniqueness rules still see the whole key column(s) of
  the batch: duplicates are found across the whole file);
- result_format SUMMARY: GX returns the failing count and the first MAX_EXAMPLES failing
  positions; row numbers and values are looked up in the landing frame (GX's
  `unexpected_index_column_names` walks every failing row cell by cell — minutes when a
  whole column of a million rows fails).
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import re
import threading
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipelines.audit.custom_expectations import (  # noqa: E402
    TEXT_KINDS,
    _is_arrow_temporal,
    dtype_guarantees_kind,
    kind_mask,
)
from pipelines.audit.findings import MAX_EXAMPLES, Finding  # noqa: E402
from pipelines.audit.suites import EARLIEST_DATE, load_suite, suite_path  # noqa: E402
from pipelines.contract.sources import SOURCES, Column  # noqa: E402

ROW = "_row_number"

# Batches larger than this are validated column group by column group (each GX run sees only
# the columns its expectations read: less memory per metric); smaller ones in one GX run per
# frame variant (GX's fixed cost per run dominates on small frames).
SPLIT_COLUMNS_ABOVE_ROWS = 50_000

# Row-count drift against the previous batch of the same source (WARN only).
ROW_COUNT_LOW_RATIO = 0.1
ROW_COUNT_HIGH_RATIO = 10.0

_log = logging.getLogger(__name__)
_POS = "_suite_position"
_lock = threading.RLock()
_gx_state: dict[str, Any] = {}

__all__ = [
    "compare_with_previous",
    "get_gx_context",
    "load_suite",
    "validate_batch",
]


# ---------------------------------------------------------------------------------------
# GX context (once per process)


def _quiet_gx() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.expectations"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"great_expectations(\..*)?")


def get_gx_context():
    """The process-wide ephemeral GX context and its whole-dataframe batch definition."""
    with _lock:
        if "context" not in _gx_state:
            import great_expectations as gx
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            _quiet_gx()
            # GX fingerprints every pandas batch smaller than HASH_THRESHOLD bytes by hashing
            # all of it (twice per validation). The fingerprint is only a batch marker; on a
            # million-row batch the hashing costs more than the validation. Skip it.
            from great_expectations.execution_engine import pandas_execution_engine

            pandas_execution_engine.HASH_THRESHOLD = 0
            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                analytics_enabled=False,
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            asset = context.data_sources.add_pandas("sti_landing").add_dataframe_asset("landing")
            _gx_state["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole")
            _gx_state["context"] = context
        return _gx_state["context"]


def _batch_definition():
    get_gx_context()
    return _gx_state["batch_definition"]


# ---------------------------------------------------------------------------------------
# Frames


# datetime64[ns] is what GX's vectorised between-check needs; it spans 1677-2262, so dates
# outside are clipped to these bounds (they fail the date rules; examples show the original).
_NS_MIN = pd.Timestamp("1678-01-01")
_NS_MAX = pd.Timestamp("2261-12-31")


def _canonical(series: pd.Series, col: Column) -> pd.Series:
    """The column in a dtype GX's pandas metrics handle vectorised (numpy int64/float64,
    datetime64[ns]); values of the wrong type (reported by the `type` rule) become NULL so
    they are neither reported twice nor crash a comparison."""
    kind = col.kind
    if kind in TEXT_KINDS or kind == "bool":
        if series.dtype == object:
            return series.where(kind_mask(series, kind) & series.notna(), None)
        return series
    dtype = series.dtype
    if kind == "date":
        if isinstance(dtype, np.dtype) and dtype == np.dtype("datetime64[ns]"):
            return series
        if isinstance(dtype, pd.DatetimeTZDtype):
            return series
        if _is_arrow_temporal(dtype):
            series = series.astype("datetime64[us]")
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            values = series
        else:
            values = series.where(kind_mask(series, kind) & series.notna())
        if not pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.map(_to_timestamp, na_action="ignore")
            values = pd.to_datetime(values, errors="coerce")
        if values.dt.unit != "ns":
            lo, hi = _NS_MIN.as_unit(values.dt.unit), _NS_MAX.as_unit(values.dt.unit)
            values = values.clip(lower=lo, upper=hi).astype("datetime64[ns]")
        return values
    # int / money / number -> numpy int64 (no NULLs) or float64
    if (
        isinstance(dtype, np.dtype)
        and dtype.kind in "if"
        and dtype in (np.dtype("int64"), np.dtype("float64"))
    ):
        return series
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = series
    else:
        ok = kind_mask(series, kind) & series.notna()
        values = pd.to_numeric(series.where(ok), errors="coerce")
    if pd.api.types.is_integer_dtype(values.dtype) and not values.isna().any():
        return values.astype("int64")
    return values.astype("float64")


def _to_timestamp(value: Any) -> Any:
    """A date/datetime -> Timestamp, clipped into the datetime64[ns] range."""
    if isinstance(value, _dt.datetime):
        value = value.replace(tzinfo=None)
    elif isinstance(value, _dt.date):
        value = _dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, np.datetime64):
        return value
    else:
        return None
    if value < _NS_MIN.to_pydatetime():
        return _NS_MIN
    if value > _NS_MAX.to_pydatetime():
        return _NS_MAX
    return pd.Timestamp(value)


def _condition_columns(cond: Any) -> set[str]:
    """Columns a GX row_condition reads (walks its JSON form)."""
    if cond is None:
        return set()
    data = cond.dict() if hasattr(cond, "dict") else cond
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

    walk(data)
    return found


def _expectation_columns(exp) -> list[str]:
    cols: list[str] = []
    for attr in ("column", "column_A", "column_B"):
        value = getattr(exp, attr, None)
        if isinstance(value, str):
            cols.append(value)
    cols += list(getattr(exp, "column_list", None) or [])
    cols += sorted(_condition_columns(getattr(exp, "row_condition", None)) - set(cols))
    return cols


# ---------------------------------------------------------------------------------------
# Texts

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _contract_header(source: str, column: str) -> str:
    try:
        col = SOURCES[source].column(column)
    except KeyError:
        return column
    return f"{col.header_zh}({col.unit})" if col.unit else col.header_zh


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def _fmt_value(value: Any) -> str:
    """A cell as a data engineer would type it (dates without time, 10.0 -> 10)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value) if not np.isnat(value) else None
        if value is None:
            return ""
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
        return ", ".join(_fmt_value(v) for v in value)
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


# ---------------------------------------------------------------------------------------
# Validation


@dataclass
class _Job:
    columns: list[str]  # columns of the frame (without _row_number)
    raw: bool  # validate the columns as given (type, not_null) instead of the canonical ones
    exclude_rows: frozenset[int]  # rows left out (parse failures for not_null)
    expectations: list


def _suite_expectations(source: str) -> list:
    """The expectations of `expectations/<source>.json`, each tagged in `meta` with its
    position in the suite (GX may return results in another order). Built once per file
    version and reused: an Expectation without an id may be put into any number of suites."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    path = suite_path(source)
    key = (source, str(path), path.stat().st_mtime_ns if path.exists() else None)
    cached = _gx_state.get("suites", {}).get(source)
    if cached is not None and cached[0] == key:
        return cached[1]
    suite = load_suite(source)
    tagged = []
    for pos, exp in enumerate(suite.expectations):
        cfg = exp.configuration
        tagged.append(
            ExpectationConfiguration(
                type=cfg.type,
                kwargs=dict(cfg.kwargs),
                meta={**(cfg.meta or {}), _POS: pos},
                severity=cfg.severity,
            ).to_domain_obj()
        )
    _gx_state.setdefault("suites", {})[source] = (key, tagged)
    return tagged


def _plan(
    expectations: list,
    dtypes: Mapping[str, Any],
    skip_null: set[str],
    parse_failed: Mapping[str, Collection[int]],
    split_columns: bool = True,
):
    jobs: dict[tuple, _Job] = {}
    missing: dict[str, list] = {}
    for exp in expectations:
        cols = _expectation_columns(exp)
        absent = [c for c in cols if c not in dtypes]
        if absent:
            for c in absent:
                missing.setdefault(c, []).append(exp)
            continue
        exclude: frozenset[int] = frozenset()
        if exp.expectation_type == "expect_column_values_to_not_be_null":
            if cols[0] in skip_null:
                continue
            exclude = frozenset(int(r) for r in parse_failed.get(cols[0], ()))
        if exp.expectation_type == "expect_column_values_to_be_of_kind" and dtype_guarantees_kind(
            dtypes[cols[0]], exp.kind
        ):
            continue  # the column's dtype already guarantees it (e.g. datetime64 for a date)
        # Type and not-null rules look at the values as landed; the others at the canonical
        # frame, where a value of the wrong type is NULL (reported once, by `type`).
        raw = exp.expectation_type in (
            "expect_column_values_to_be_of_kind",
            "expect_column_values_to_not_be_null",
        )
        # Same column set (order-insensitive) and frame variant -> one GX run.
        key = (tuple(sorted(set(cols))) if split_columns else (), raw, exclude)
        job = jobs.setdefault(key, _Job([], raw, exclude, []))
        job.columns += [c for c in cols if c not in job.columns]
        job.expectations.append(exp)
    return list(jobs.values()), missing


def _run_job(job: _Job, base: pd.DataFrame, canon: dict[str, pd.Series], params: dict) -> list:
    """Validate one group of expectations on a frame holding only the columns they read.

    The frame keeps `base`'s RangeIndex, so the index GX reports for a failing row is its
    position in `base` (row number and original value are looked up there). GX's own
    `unexpected_index_column_names` is not used: it collects the named columns of every
    failing row cell by cell (`DataFrame.at`), ~60 µs per cell — minutes for a batch where a
    whole column fails. Positions come from the index, vectorised.
    """
    import great_expectations as gx

    frame = pd.DataFrame(
        {c: (base[c] if job.raw else canon[c]) for c in job.columns}, index=base.index, copy=False
    )
    if job.exclude_rows:
        frame = frame[~base[ROW].isin(job.exclude_rows)]
    suite = gx.ExpectationSuite(name="job_" + "_".join(job.columns), expectations=job.expectations)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite,
        expectation_parameters=params,
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": MAX_EXAMPLES,
            "return_unexpected_index_query": False,
        },
    )
    return list(result.results)


def _exception_message(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "exception")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "exception")
    return None


def _finding(
    source: str, file: str, res, base: pd.DataFrame, headers: Mapping[str, str], texts: Mapping[str, str]
) -> Finding | None:
    cfg = res.expectation_config
    meta = dict(cfg.meta or {})
    rule = meta.get("rule") or cfg.type
    severity = "WARN" if str(meta.get("severity", "ERROR")).upper() == "WARN" else "ERROR"
    kwargs = cfg.kwargs
    report_cols = [c for c in str(meta.get("column") or kwargs.get("column") or "").split(",") if c]
    involved = [kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(kwargs.get(k), str)]
    involved += list(kwargs.get("column_list") or [])
    values = {**texts, **headers}
    header = " + ".join(headers.get(c, c) for c in report_cols) or None
    column = ",".join(report_cols) or None
    fix = _fill(meta.get("fix", ""), values)
    error = _exception_message(res.exception_info)
    if error is not None:
        return Finding(
            source=source,
            file=file,
            rule=rule,
            message=f"the check could not run ({error}); the batch cannot be accepted until it does",
            fix=f"Check the values of {header or 'the column'}; if they look right, report this to the warehouse maintainers. {fix}",
            severity="ERROR",
            column=column,
            header=header,
        )
    if res.success:
        return None
    result = res.result or {}
    en = _fill(meta.get("description_en", ""), values)
    zh = _fill(meta.get("description_zh", ""), values)
    message = f"{en} {zh}".strip() or cfg.type
    examples: list[tuple[int | None, str]] = []
    positions = [p for p in (result.get("partial_unexpected_index_list") or []) if isinstance(p, (int, np.integer))]
    rows = base[ROW]
    for pos in positions[:MAX_EXAMPLES]:
        if len(involved) == 1:
            value = _fmt_value(base[involved[0]].iat[pos])
        else:
            value = ", ".join(f"{headers.get(c, c)}={_fmt_value(base[c].iat[pos])}" for c in involved)
        examples.append((_row(rows.iat[pos]), value))
    if not examples:  # no index list (e.g. an aggregate expectation): values only
        for value in (result.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]:
            examples.append((None, _fmt_value(value)))
    count = result.get("unexpected_count")
    return Finding(
        source=source,
        file=file,
        rule=rule,
        message=message,
        fix=fix,
        severity=severity,
        column=column,
        header=header,
        failing_count=int(count) if count is not None else 0,
        examples=examples,
    )


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
    df              the landing table: spec columns (English aliases) + `_row_number`
    file            path relative to the drop root, copied into every Finding
    header_map      raw column -> header as written in the file (used in messages)
    known_regions   every valid region code and region name
    today           the validation date (dates after it are "in the future")
    skip_null_check columns whose NULLs are not reported (the parser reported them)
    parse_failed    column -> row numbers whose cell the parser could not convert; those
                    NULLs are not reported, other NULLs of the column still are

    An empty list means the batch passed. WARN findings never reject a batch.
    """
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}")
    if ROW not in df.columns:
        raise ValueError(f"landing frame of {file} has no {ROW} column")
    spec = SOURCES[source]
    parse_failed = parse_failed or {}
    headers = {c.name: _contract_header(source, c.name) for c in spec.columns}
    headers.update({k: v for k, v in header_map.items() if v})

    with _lock:
        expectations = _suite_expectations(source)
        positional = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1
        base = df if positional else df.reset_index(drop=True)
        df_columns = set(base.columns)
        jobs, missing = _plan(
            expectations,
            dict(base.dtypes),
            set(skip_null_check),
            parse_failed,
            split_columns=len(base) > SPLIT_COLUMNS_ABOVE_ROWS,
        )

        canon: dict[str, pd.Series] = {}
        for col in spec.columns:
            if col.name in df_columns and any(not j.raw and col.name in j.columns for j in jobs):
                canon[col.name] = _canonical(base[col.name], col)

        regions = {str(r) for r in known_regions}
        region_codes = set(regions)
        if source == "regions" and "region_code" in df_columns:
            region_codes |= {str(v) for v in base["region_code"].dropna().unique()}
        today_ts = pd.Timestamp(today)
        params = {
            "known_regions": sorted(regions),
            "region_codes": sorted(region_codes),
            "today": today_ts,
            "current_year": int(today_ts.year),
            "earliest_date": pd.Timestamp(EARLIEST_DATE),
        }
        texts = {
            "today": today_ts.date().isoformat(),
            "current_year": str(today_ts.year),
            "earliest_date": EARLIEST_DATE,
        }

        # GX may reorder results; each expectation carries its suite position in meta.
        ranked: list[tuple[int, Any]] = []
        for job in jobs:
            job_results = _run_job(job, base, canon, params)
            if len(job_results) != len(job.expectations):  # pragma: no cover - GX contract
                raise RuntimeError("GX returned a result count different from the expectation count")
            for res in job_results:
                ranked.append((int(res.expectation_config.meta[_POS]), res))

    findings: list[Finding] = []
    for col, exps in missing.items():
        rules = sorted({(e.meta or {}).get("rule", e.expectation_type) for e in exps})
        findings.append(
            Finding(
                source=source,
                file=file,
                rule="column_missing",
                message=f"column {headers.get(col, col)} is missing from the batch, so rules {', '.join(rules)} could not run",
                fix=f"Add the column {headers.get(col, col)} (header {_contract_header(source, col)} or {col}).",
                column=col,
                header=headers.get(col, col),
            )
        )
    for _, res in sorted(ranked, key=lambda pr: pr[0]):  # report in suite order
        finding = _finding(source, file, res, base, headers, texts)
        if finding is not None:
            findings.append(finding)
    return findings


def compare_with_previous(
    source: str,
    *,
    file: str,
    row_count: int,
    previous_row_count: int | None,
) -> list[Finding]:
    """WARN when a batch is much smaller or larger than the previous batch of its source.

    Never an ERROR: supplementary lists of a few rows are normal. No previous batch (or an
    empty one) means nothing to compare with.
    """
    findings: list[Finding] = []
    if row_count == 0:
        findings.append(
            Finding(
                source=source,
                file=file,
                rule="empty_batch",
                message="the file has a header but no data rows",
                fix="Check that the export is complete; remove the file if it was dropped by mistake.",
                severity="WARN",
                failing_count=0,
            )
        )
        return findings
    if not previous_row_count:
        return findings
    ratio = row_count / previous_row_count
    if ratio < ROW_COUNT_LOW_RATIO:
        findings.append(
            Finding(
                source=source,
                file=file,
                rule="row_count_drop",
                message=(
                    f"{row_count} rows, less than {ROW_COUNT_LOW_RATIO:.0%} of the previous batch of "
                    f"{source} ({previous_row_count} rows)"
                ),
                fix="Fine for a supplementary list; otherwise check that the export is complete (filters, truncated file, wrong sheet).",
                severity="WARN",
            )
        )
    elif ratio > ROW_COUNT_HIGH_RATIO:
        findings.append(
            Finding(
                source=source,
                file=file,
                rule="row_count_jump",
                message=(
                    f"{row_count} rows, more than {ROW_COUNT_HIGH_RATIO:g}x the previous batch of "
                    f"{source} ({previous_row_count} rows)"
                ),
                fix="Check that the file holds one list (not several years or sources concatenated, no duplicated export).",
                severity="WARN",
            )
        )
    return findings
