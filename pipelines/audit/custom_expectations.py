"""Custom Great Expectations 1.x expectations used by the suites in `expectations/`.

Importing this module registers them with GX, so a suite JSON that names
`expect_column_values_to_be_valid_uscc` or `expect_column_values_to_be_of_kind` can be
deserialised. `pipelines.audit.suites.load_suite` imports it for you.

Only the pandas engine is implemented: DESIGN §1 — GX on DuckDB through SQLAlchemy fails,
the landing table is validated as a pandas DataFrame.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from pipelines.contract.uscc import is_valid_uscc

# ---------------------------------------------------------------------------------------
# USCC check digit (GB 32100-2015)


def uscc_mask(column: pd.Series) -> pd.Series:
    """Boolean Series: is each (non-null) value a valid USCC?

    Codes repeat a lot (one enterprise, many patents / years), so the check runs once per
    distinct value and is mapped back — linear in rows, Python work only per distinct code.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    ok = np.fromiter((is_valid_uscc(u) for u in uniques), dtype=bool, count=len(uniques))
    ok = np.append(ok, False)  # index -1 (NA) -> False; GX drops nulls before anyway
    return pd.Series(ok[codes], index=column.index)


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_uscc"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return uscc_mask(column)


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


# ---------------------------------------------------------------------------------------
# Value kind of a landing column (pipelines.contract.sources kinds)

Kind = Literal["text", "uscc", "region", "enum", "date", "money", "number", "int", "bool"]
TEXT_KINDS = frozenset({"text", "uscc", "region", "enum"})


def _is_string_dtype(dtype) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
    return False


def _is_arrow_temporal(dtype) -> bool:
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa

    return pa.types.is_date(dtype.pyarrow_dtype) or pa.types.is_timestamp(dtype.pyarrow_dtype)


def _value_is(kind: str, v) -> bool:
    if kind in TEXT_KINDS:
        return isinstance(v, str)
    if kind == "bool":
        return isinstance(v, (bool, np.bool_))
    if kind == "date":
        return isinstance(v, (_dt.date, np.datetime64))  # datetime/Timestamp are dates too
    if isinstance(v, (bool, np.bool_)):
        return False
    if kind == "int":
        if isinstance(v, (int, np.integer)):
            return True
        if isinstance(v, (float, np.floating, Decimal)):
            return bool(np.isfinite(float(v))) and float(v).is_integer()
        return False
    # money / number
    if isinstance(v, (int, np.integer, Decimal)):
        return True
    if isinstance(v, (float, np.floating)):
        return bool(np.isfinite(v))
    return False


def dtype_guarantees_kind(dtype, kind: str) -> bool:
    """True when every non-null value of a column of this dtype has the kind's type
    (string dtype for text kinds, bool, datetime, integer for numbers)."""
    if kind in TEXT_KINDS:
        return _is_string_dtype(dtype)
    if kind == "bool":
        return pd.api.types.is_bool_dtype(dtype)
    if kind == "date":
        return pd.api.types.is_datetime64_any_dtype(dtype) or _is_arrow_temporal(dtype)
    if pd.api.types.is_bool_dtype(dtype):
        return False
    return pd.api.types.is_integer_dtype(dtype)  # int, money, number


def kind_mask(column: pd.Series, kind: str) -> pd.Series:
    """Boolean Series: does each (non-null) value have the type the contract kind needs?

    Typed columns are checked by dtype (vectorised); object columns value by value.
    """
    dtype = column.dtype
    index = column.index
    if dtype_guarantees_kind(dtype, kind):
        return pd.Series(True, index=index)
    if kind in ("int", "money", "number") and not pd.api.types.is_bool_dtype(dtype):
        if pd.api.types.is_float_dtype(dtype):
            values = column.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                finite = np.isfinite(values)
                ok = finite & (np.floor(values) == values) if kind == "int" else finite
            return pd.Series(ok | np.isnan(values), index=index)
    if dtype == object:
        return column.map(lambda v: _value_is(kind, v)).astype(bool)
    # a typed column of the wrong dtype (e.g. float for a date): every value is wrong
    return pd.Series(False, index=index)


class ColumnValuesOfKind(ColumnMapMetricProvider):
    condition_metric_name = "column_values.of_kind"
    condition_value_keys = ("kind",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, kind: str, **kwargs) -> pd.Series:
        return kind_mask(column, kind)


class ExpectColumnValuesToBeOfKind(ColumnMapExpectation):
    """Expect column values to have the Python/pandas type of a contract kind (contract/sources.py).

    kind: text, uscc, region, enum (strings), date (date/datetime), money, number (finite
    numbers), int (integral numbers), bool. Nulls are ignored.
    """

    kind: Kind

    map_metric: ClassVar[str] = "column_values.of_kind"
    success_keys: ClassVar[tuple[str, ...]] = ("kind", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column", "kind")

    library_metadata: ClassVar[dict] = {
        "maturity": "production",
        "tags": ["type"],
        "contributors": ["sti-warehouse"],
    }


__all__ = [
    "dtype_guarantees_kind",
    "ExpectColumnValuesToBeOfKind",
    "ExpectColumnValuesToBeValidUscc",
    "kind_mask",
    "uscc_mask",
]
