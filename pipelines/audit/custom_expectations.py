"""The custom Great Expectations 1.x expectation of the suites in `expectations/`: the USCC check digit.

Importing this module registers it with GX, so a suite JSON that names
`expect_column_values_to_be_valid_uscc` can be deserialised (`pipelines.audit.suites` imports it).

Two engines: pandas (DESIGN §1 — GX on DuckDB through SQLAlchemy fails, so a landing table is
validated as a pandas DataFrame) and Spark (`gx_spark.py`, issue 13: a batch too large for one
machine). Both compute the rule with `valid_uscc_array`; on Spark it runs inside a pandas UDF on
each Arrow batch of the column (needs pyarrow; `make spark-setup` installs it).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine, SparkDFExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from pipelines.contract.uscc import _USCC_WEIGHTS, USCC_CHARSET


def uscc_mask(column: pd.Series) -> pd.Series:
    """Boolean Series: is each (non-null) value a valid USCC?

    Codes repeat a lot (one enterprise, many patents / years), so the check runs once per
    distinct value and is mapped back. The distinct values are checked by `valid_uscc_array`
    (numpy, the same test as `is_valid_uscc`) — linear in rows, no Python loop per code.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    ok = valid_uscc_array(uniques)
    ok = np.append(ok, False)  # index -1 (NA) -> False; GX drops nulls before anyway
    return pd.Series(ok[codes], index=column.index)


# Value of each code point in the USCC alphabet, -1 outside it (only ASCII can be in it).
_VALUE_OF = np.full(128, -1, dtype=np.int8)
_VALUE_OF[[ord(c) for c in USCC_CHARSET]] = np.arange(len(USCC_CHARSET))
_WEIGHTS = np.array(_USCC_WEIGHTS, dtype=np.int32)
_CHUNK = 65_536


def valid_uscc_array(values: Any) -> np.ndarray:
    """`is_valid_uscc` of each value of a sequence (array, Index), vectorised: an 18-character
    str in the USCC alphabet with digits at characters 3-8 and a matching check character.
    Works through the values _CHUNK at a time (a few MB of Python strings and work arrays,
    whatever the number of values)."""
    ok = np.zeros(len(values), dtype=bool)
    for start in range(0, len(values), _CHUNK):
        chunk = np.asarray(values[start : start + _CHUNK], dtype=object)
        at = np.flatnonzero([isinstance(v, str) and len(v) == 18 for v in chunk])
        if not len(at):
            continue
        chars = np.array(chunk[at].tolist(), dtype="<U18").view(np.uint32).reshape(-1, 18)
        digits = _VALUE_OF[np.minimum(chars, 127)]  # 127 (DEL) stands for every non-ASCII character
        in_alphabet = (digits >= 0).all(axis=1)
        division_digits = (digits[:, 2:8] < 10).all(axis=1)  # the alphabet's first ten are 0-9
        check = (31 - (digits[:, :17].astype(np.int32) @ _WEIGHTS) % 31) % 31
        ok[start + at] = in_alphabet & division_digits & (check == digits[:, 17])
    return ok


_SPARK: dict[str, Any] = {}  # the pandas UDF, made on first use


def _spark_uscc_mask(values: pd.Series) -> pd.Series:
    """The pandas UDF body: one Arrow batch of the column -> valid or not (NULL -> False)."""
    return pd.Series(valid_uscc_array(values.to_numpy(dtype=object)), index=values.index)


def _spark_uscc_udf() -> Any:
    """`_spark_uscc_mask` as a Spark pandas UDF (built on first use: pyspark is optional)."""
    if "udf" not in _SPARK:
        from pyspark.sql.functions import pandas_udf

        _SPARK["udf"] = pandas_udf(_spark_uscc_mask, "boolean")  # type: ignore[call-overload]
    return _SPARK["udf"]


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_uscc"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return uscc_mask(column)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column: Any, **kwargs: Any) -> Any:
        return _spark_uscc_udf()(column)


class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
    """Expect column values to be 统一社会信用代码 with a correct GB 32100-2015 check digit.

    18 characters from 0-9 and A-Y without I, O, S, V, Z; the 18th character is
    (31 - sum(value_i * weight_i) mod 31) mod 31 over the first 17. Nulls are ignored
    (pair with ExpectColumnValuesToNotBeNull when the column is required).
    """

    map_metric: ClassVar[str] = "column_values.valid_uscc"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
    args_keys: ClassVar[tuple[str, ...]] = ("column",)

    library_metadata: ClassVar[dict] = {
        "maturity": "production",
        "tags": ["china", "uscc", "identifier"],
        "contributors": ["sti-warehouse"],
    }


__all__ = ["ExpectColumnValuesToBeValidUscc", "uscc_mask", "valid_uscc_array"]
