"""Cell values between pandas/numpy and plain Python: one converter for files read and written."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd


def plain_value(value: object) -> object:
    """Return a cell's value as plain Python: missing (None, NA, NaT, NaN) as None.

    numpy scalars become ``int``/``float``/``bool``, a ``pandas.Timestamp`` a ``datetime``;
    anything else is returned as it is.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        moment: datetime = value.to_pydatetime()
        return moment
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        plain = item()
        return None if isinstance(plain, float) and math.isnan(plain) else plain
    return value
