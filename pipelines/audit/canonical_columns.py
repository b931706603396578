"""A landing column in the dtype GX's pandas metrics handle vectorised.

numpy int64/float64 for numbers, datetime64[ns] for dates, strings as they are. A value of the
wrong type (reported by the `type` check, `value_kinds.py`) becomes NULL here, so it is neither
reported a second time by another rule nor crashes a comparison.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from pipelines.audit.value_kinds import TEXT_KINDS, is_arrow_temporal, of_kind
from pipelines.contract.sources import Column

# datetime64[ns] is what GX's vectorised between-check needs; it spans 1677-2262, so dates
# outside are clipped to these bounds (they fail the date rules; examples show the original).
_NS_MIN = pd.Timestamp("1678-01-01")
_NS_MAX = pd.Timestamp("2261-12-31")
_NUMPY_NUMBERS = (np.dtype("int64"), np.dtype("float64"))


def canonical(series: pd.Series, col: Column) -> pd.Series:
    """The column as GX should see it (see the module docstring)."""
    kind = col.kind
    dtype = series.dtype
    if kind in TEXT_KINDS or kind == "bool":
        if pd.api.types.is_object_dtype(dtype):
            return series.where(of_kind(series, kind), None)
        return series
    if kind == "date":
        return _dates(series)
    # int / money / number -> numpy int64 (no NULLs) or float64
    if isinstance(dtype, np.dtype) and dtype in _NUMPY_NUMBERS:
        return series
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = series
    else:
        values = pd.to_numeric(series.where(of_kind(series, kind)), errors="coerce")
    if pd.api.types.is_integer_dtype(values.dtype) and not values.isna().any():
        return values.astype("int64")
    return values.astype("float64")


def _dates(series: pd.Series) -> pd.Series:
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype == np.dtype("datetime64[ns]"):
        return series
    if isinstance(dtype, pd.DatetimeTZDtype):
        return series
    if is_arrow_temporal(dtype):
        series = series.astype("datetime64[us]")
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series
    else:
        values = series.where(of_kind(series, "date"))
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = values.map(_to_timestamp, na_action="ignore")
        values = pd.to_datetime(values, errors="coerce")
    if values.dt.unit != "ns":
        lo, hi = _NS_MIN.as_unit(values.dt.unit), _NS_MAX.as_unit(values.dt.unit)
        values = values.clip(lower=lo, upper=hi).astype("datetime64[ns]")
    return values


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


__all__ = ["canonical"]
