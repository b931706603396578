"""The GX suite of a source run on a Spark DataFrame (issue 13): a batch too large for one machine.

    findings = validate_spark_batch("patents", spark_df, file="patents/2023.parquet",
                                    header_map={}, known_regions={...}, today=date.today())

The same suite (`expectations/<source>.json`, the USCC expectation's Spark metric included) and the
same findings as `runner.validate_batch` for the same rows: the suite's parameters and the texts'
placeholders come from `runner`, the findings from `result_findings`. GX runs through its Spark
datasource (a dataframe asset of the process's ephemeral context, `gx_engine`), in the Spark
session the DataFrame belongs to. Needs the Spark venv (`make spark-setup`: pyspark, pyarrow and
`great_expectations[spark]`).

The DataFrame is a typed landing table (contract columns with Spark types, e.g. read from the lake's
Parquet, plus `_row_number`): its schema says every value is of the column's kind, so the `type`
check of the pandas path (values of the wrong kind in an untyped column) has nothing to find and is
not run. Examples: GX returns up to MAX_EXAMPLES failing rows (their `_row_number`), shown in row
order; when more rows fail, which ones Spark returns first is its choice (the pandas path shows
the first ones of the file). The failing counts are exact.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from pipelines.audit.findings import MAX_EXAMPLES, Finding
from pipelines.audit.gx_engine import get_gx_context, gx_lock
from pipelines.audit.result_findings import ROW, from_result
from pipelines.audit.runner import batch_headers, missing_column_findings, placeholder_values, suite_parameters
from pipelines.audit.validation_plan import POSITION, plan, suite_expectations
from pipelines.contract.sources import REGIONS, SOURCES

_state: dict[str, Any] = {}


def _batch_definition() -> Any:
    """The whole-dataframe batch definition of a Spark datasource in the process's GX context."""
    if "batch_definition" not in _state:
        context = get_gx_context()
        asset = context.data_sources.add_spark("sti_spark").add_dataframe_asset("landing_spark")
        _state["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole")
    return _state["batch_definition"]


def run_spark_expectations(frame: Any, expectations: list, parameters: Mapping[str, Any]) -> list:
    """Validate a Spark DataFrame against `expectations`; one GX result per expectation. The failing
    rows come back as `{_row_number: ..., <column>: ...}` (Spark rows have no position)."""
    import great_expectations as gx

    with gx_lock:
        suite = gx.ExpectationSuite(name="spark_run", expectations=expectations)
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suite,
            expectation_parameters=dict(parameters),
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": MAX_EXAMPLES,
                "unexpected_index_column_names": [ROW],
                "return_unexpected_index_query": False,
            },
        )
    results = list(result.results)
    if len(results) != len(expectations):  # pragma: no cover - GX contract
        raise RuntimeError("GX returned a result count different from the expectation count")
    return results


def _failing_rows(res: Any) -> list[int]:
    listed = (res.result or {}).get("partial_unexpected_index_list") or []
    return sorted({int(d[ROW]) for d in listed if isinstance(d, dict) and d.get(ROW) is not None})


def validate_spark_batch(
    source: str,
    df: Any,
    *,
    file: str,
    header_map: Mapping[str, str],
    known_regions: Collection[str],
    today: _dt.date,
    skip_null_check: Collection[str] = frozenset(),
    parse_failed: Mapping[str, Collection[int]] | None = None,
) -> list[Finding]:
    """`runner.validate_batch` of a landing batch given as a Spark DataFrame (same arguments)."""
    from pyspark.sql import functions as F

    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}")
    present = set(df.columns)
    if ROW not in present:
        raise ValueError(f"landing frame of {file} has no {ROW} column")
    headers = batch_headers(source, header_map)
    with gx_lock:
        jobs, missing = plan(suite_expectations(source), present, set(skip_null_check), parse_failed or {}, False)
    findings = missing_column_findings(source, file, present, missing, headers)

    regions = pd.DataFrame()  # suite_parameters reads the batch's own codes for the regions source
    if source == REGIONS and "region_code" in present:
        regions = df.select("region_code").distinct().toPandas()
    params = suite_parameters(source, regions, known_regions, today)
    values = placeholder_values(params, headers)

    ranked: list[tuple[int, Any]] = []
    for job in jobs:
        frame = df.select(*job.columns, ROW)
        if job.exclude_rows:
            frame = frame.filter(~F.col(ROW).isin(sorted(job.exclude_rows)))
        ranked += [
            (int(r.expectation_config.meta[POSITION]), r)
            for r in run_spark_expectations(frame, job.expectations, params)
        ]
    ranked.sort(key=lambda pr: pr[0])  # report in suite order

    # The example rows of every failed rule, fetched once: from_result looks them up by position.
    wanted = sorted({row for _, res in ranked if not res.success for row in _failing_rows(res)})
    base = pd.DataFrame({ROW: pd.Series([], dtype="int64")})
    if wanted:
        base = df.filter(F.col(ROW).isin(wanted)).toPandas().sort_values(ROW, kind="stable")
        base = base.drop_duplicates(ROW).reset_index(drop=True)
    position = {int(r): i for i, r in enumerate(base[ROW])}
    for _, res in ranked:
        if not res.success and res.result:
            res.result = {**res.result, "partial_unexpected_index_list": [position[r] for r in _failing_rows(res)]}
        finding = from_result(source, file, res, base, headers, values)
        if finding is not None:
            findings.append(finding)
    return findings


__all__ = ["run_spark_expectations", "validate_spark_batch"]
