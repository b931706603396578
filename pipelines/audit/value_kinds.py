"""Does a value, or a whole column by its dtype, have the type a contract kind needs?

The landing table's column types (`SQL_TYPE` of `pipelines/contract/sources.py`) make every value
of a landed batch the right type, and its dtypes say so (pandas str, datetime64, Int64, boolean),
so for a landed batch only the float columns of money and numbers are looked at, and vectorised.
A frame from elsewhere (Python objects, another dtype) is checked value by value: a value of the
wrong type is reported as `type` and ignored by every other rule.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

TEXT_KINDS = frozenset({"text", "uscc", "region", "enum"})


def _is_string_dtype(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
    return False


def is_arrow_temporal(dtype: Any) -> bool:
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa

    return pa.types.is_date(dtype.pyarrow_dtype) or pa.types.is_timestamp(dtype.pyarrow_dtype)


def _value_is(kind: str, v: Any) -> bool:
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


def dtype_guarantees_kind(dtype: Any, kind: str) -> bool:
    """True when every non-null value of a column of this dtype has the kind's type
    (string dtype for text kinds, bool, datetime, integer for numbers)."""
    if kind in TEXT_KINDS:
        return _is_string_dtype(dtype)
    if kind == "bool":
        return pd.api.types.is_bool_dtype(dtype)
    if kind == "date":
        return pd.api.types.is_datetime64_any_dtype(dtype) or is_arrow_temporal(dtype)
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
    if pd.api.types.is_object_dtype(dtype):
        return column.map(lambda v: _value_is(kind, v)).astype(bool)
    # a typed column of the wrong dtype (e.g. float for a date): every value is wrong
    return pd.Series(False, index=index)


def of_kind(column: pd.Series, kind: str) -> pd.Series:
    """Boolean Series: is each value non-null and of the kind? Values are looked at one by one
    only where they are not null (a column the file did not have is all NULL, as objects)."""
    present = column.notna()
    if dtype_guarantees_kind(column.dtype, kind) or not pd.api.types.is_object_dtype(column.dtype):
        return present & kind_mask(column, kind)
    ok = pd.Series(False, index=column.index)
    ok[present] = kind_mask(column[present], kind)
    return ok


def wrong_kind_positions(column: pd.Series, kind: str) -> np.ndarray:
    """Positions of the non-null values that are not of the kind (none when the dtype says so)."""
    if dtype_guarantees_kind(column.dtype, kind):
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero((column.notna() & ~of_kind(column, kind)).to_numpy(dtype=bool))


__all__ = ["TEXT_KINDS", "dtype_guarantees_kind", "is_arrow_temporal", "kind_mask", "of_kind", "wrong_kind_positions"]
