"""Great Expectations 1.x on pandas, wrapped: one ephemeral context per process and a way to run
expectations over a DataFrame. No rule of the project lives here.

Our own thin wrapper: dagster-ge pins GX 0.18, and GX's SQL engine fails on DuckDB (DESIGN §1),
so landing tables are validated as pandas frames.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

# GX's context and its stores are not thread-safe: every use holds this lock.
gx_lock = threading.RLock()
_state: dict[str, Any] = {}


def _quiet_gx() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.expectations"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"great_expectations(\..*)?")


def get_gx_context() -> Any:
    """The process-wide ephemeral GX context (built on first use, about a second)."""
    with gx_lock:
        if "context" not in _state:
            import great_expectations as gx
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )
            from great_expectations.execution_engine import pandas_execution_engine

            _quiet_gx()
            # GX fingerprints every pandas batch smaller than HASH_THRESHOLD bytes by hashing
            # all of it (twice per validation). The fingerprint is only a batch marker; on a
            # million-row batch the hashing costs more than the validation. Skip it.
            pandas_execution_engine.HASH_THRESHOLD = 0
            _memoise_configuration()
            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                analytics_enabled=False,
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            asset = context.data_sources.add_pandas("sti_landing").add_dataframe_asset("landing")
            _state["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole")
            _state["context"] = context
        return _state["context"]


def _memoise_configuration() -> None:
    """Let `Expectation.configuration` be computed once per expectation object during a run.

    GX 1.x rebuilds the property (a pydantic `.dict()` of the expectation, its value sets
    included, into a new ExpectationConfiguration) at every read: ~15 reads per domain key,
    ~60 per expectation and run, a third of GX's fixed ~10 ms per expectation (more for a
    `known_region` value set of hundreds of codes). Within `run_expectations` the value is
    kept per object (which is held, so its id is not reused); an expectation object is not
    changed during validation (GX builds new ones from configurations). Outside a run, and
    on a GX without the property, GX is left as it is.
    """
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.__dict__.get("configuration")
    if not isinstance(original, property) or getattr(original.fget, "_sti_memo", False):
        return

    def configuration(self: Any) -> Any:
        memo = _state.get("configuration_memo")
        if memo is None:
            return original.fget(self)
        hit = memo.get(id(self))
        if hit is None or hit[0] is not self:
            hit = memo[id(self)] = (self, original.fget(self))
        return hit[1]

    configuration._sti_memo = True  # type: ignore[attr-defined]
    Expectation.configuration = property(configuration, doc=original.__doc__)


def run_expectations(
    frame: pd.DataFrame, expectations: list, parameters: Mapping[str, Any], max_examples: int, complete: bool = False
) -> list:
    """Validate `frame` against `expectations`; one GX result per expectation (in any order).

    result_format SUMMARY: the failing count and the positions (frame index) of the first
    `max_examples` failing rows; `complete`: COMPLETE, the positions of all failing rows too.
    GX's `unexpected_index_column_names` is not asked for: it collects the named columns of
    every failing row cell by cell (`DataFrame.at`, ~60 µs per cell) — minutes for a batch
    where a whole column fails. Callers look values up by position.
    """
    import great_expectations as gx

    with gx_lock:
        get_gx_context()
        suite = gx.ExpectationSuite(name="run_" + "_".join(map(str, frame.columns)), expectations=expectations)
        batch = _state["batch_definition"].get_batch(batch_parameters={"dataframe": frame})
        _state["configuration_memo"] = {}
        try:
            result = batch.validate(
                suite,
                expectation_parameters=dict(parameters),
                result_format={
                    "result_format": "COMPLETE" if complete else "SUMMARY",
                    "partial_unexpected_count": max_examples,
                    "return_unexpected_index_query": False,
                },
            )
        finally:
            _state["configuration_memo"] = None
    results = list(result.results)
    if len(results) != len(expectations):  # pragma: no cover - GX contract
        raise RuntimeError("GX returned a result count different from the expectation count")
    return results


__all__ = ["get_gx_context", "gx_lock", "run_expectations"]
