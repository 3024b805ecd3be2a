"""Plumbing shared by the stats submodules: timeline phases, input checks, fitting helpers."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from .._errors import ParameterError, SchemaError
from .._validate import Problems, require_columns

logger = logging.getLogger("scamgeo.stats")

#: Ordered categorical dtype of the war phases (``scamgeo.config.PHASES``).
PHASE_DTYPE = pd.CategoricalDtype(list(config.PHASES), ordered=True)

#: Critical value of a chi-square with 1 degree of freedom at 95%.
CHI2_1_95 = 3.841458820694124

#: Two-sided normal quantile for 95% intervals.
Z_95 = 1.959963984540054


def as_frame(data: Any, *, name: str) -> pd.DataFrame:
    """Return ``data`` if it is a DataFrame (GeoDataFrame included), else raise."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas (Geo)DataFrame, got {type(data).__name__}.")
    return data


def require_rows(frame: pd.DataFrame, *, name: str, what: str = "rows") -> None:
    """Raise a :class:`SchemaError` when ``frame`` is empty."""
    if len(frame) == 0:
        raise SchemaError(f"{name} is empty: it needs at least one of its {what}.", source=name)


def to_timestamp(value: Any, *, name: str) -> pd.Timestamp:
    """Parse one date (str, date, Timestamp) or raise a :class:`ParameterError`."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a date; use 'YYYY-MM-DD'.") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"{name}={value!r} is not a date; use 'YYYY-MM-DD'.")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize()


def date_column(frame: pd.DataFrame, column: str, *, source: str) -> pd.Series:
    """The dates of ``frame[column]`` as ``datetime64[ns]`` (midnight); raise on bad or empty cells."""
    require_columns(frame.columns, [column], source=source)
    raw = frame[column]
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        raw = raw.dt.tz_convert(None)
    parsed = pd.to_datetime(raw, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        problems = Problems(source)
        for pos in np.flatnonzero(bad)[:20]:
            problems.add(f"{raw.iloc[pos]!r} is not a date", row=int(pos), column=column)
        problems.raise_if_any()
    return parsed.dt.normalize().astype("datetime64[ns]")


def load_timeline(timeline: pd.DataFrame | None) -> pd.DataFrame:
    """The timeline given, or the curated one (:func:`scamgeo.datasets.timeline`)."""
    if timeline is None:
        from .. import datasets

        return datasets.timeline()
    return as_frame(timeline, name="timeline")


def phase_table(timeline: pd.DataFrame | None) -> pd.DataFrame:
    """Start and (inclusive) end of each phase that the timeline starts, plus ``pre_war``."""
    tl = load_timeline(timeline)
    source = "timeline"
    require_columns(tl.columns, ["date", "phase_starts"], source=source)
    marks = tl[tl["phase_starts"].notna()]
    dates = date_column(marks, "date", source=source)
    names = marks["phase_starts"].astype("string").str.strip()
    problems = Problems(source)
    allowed = list(config.PHASES[1:])
    for pos, value in enumerate(names):
        if value not in allowed:
            problems.add(
                f"phase_starts {value!r} is not one of {', '.join(allowed)}",
                row=pos,
                column="phase_starts",
            )
    dup = names[names.duplicated(keep=False)]
    for value in dict.fromkeys(dup):
        problems.add(f"phase {value!r} starts on more than one row", column="phase_starts")
    problems.raise_if_any()
    if names.empty:
        raise SchemaError(
            "timeline: no row has phase_starts set, so the phases are unknown.", source=source
        )
    order = pd.DataFrame({"phase": names.to_numpy(), "start": dates.to_numpy()})
    order["rank"] = order["phase"].map({p: i for i, p in enumerate(config.PHASES)})
    order = order.sort_values("rank", kind="stable").reset_index(drop=True)
    if not order["start"].is_monotonic_increasing or order["start"].duplicated().any():
        listing = ", ".join(
            f"{p} {d:%Y-%m-%d}" for p, d in zip(order["phase"], order["start"], strict=True)
        )
        raise SchemaError(
            f"timeline: phase start dates are not in the order of scamgeo.config.PHASES ({listing}).",
            source=source,
        )
    starts = [pd.NaT, *order["start"]]
    phases_ = ["pre_war", *order["phase"]]
    ends = [s - pd.Timedelta(days=1) for s in order["start"]] + [pd.NaT]
    out = pd.DataFrame(
        {
            "phase": pd.Categorical(phases_, dtype=PHASE_DTYPE),
            "start": pd.to_datetime(pd.Series(starts, dtype="datetime64[ns]")),
            "end": pd.to_datetime(pd.Series(ends, dtype="datetime64[ns]")),
        }
    )
    out["days"] = ((out["end"] - out["start"]).dt.days + 1).astype("Int64")
    return out


def assign_phase(dates: pd.Series, table: pd.DataFrame) -> pd.Categorical:
    """Phase of each date (NaT gives a missing phase)."""
    starts = table["start"].iloc[1:].to_numpy(dtype="datetime64[ns]")
    names = np.asarray(table["phase"].astype(str))
    values = dates.to_numpy(dtype="datetime64[ns]")
    pos = np.searchsorted(starts, values, side="right")
    labels = names[pos].astype(object)
    labels[np.isnat(values)] = None
    return pd.Categorical(labels, dtype=PHASE_DTYPE)


def capture_warnings(func: Callable[[], Any], notes: list[str], *, what: str) -> Any:
    """Run ``func`` recording (not raising) the warnings statsmodels emits, as notes and log lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func()
    seen = set()
    for w in caught:
        text = f"{what}: {w.category.__name__}: {w.message}"
        if text not in seen:
            seen.add(text)
            notes.append(text)
            logger.warning(text)
    return result


def check_int(value: Any, *, name: str, minimum: int) -> int:
    """Return ``value`` as int if it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    if value < minimum:
        raise ParameterError(f"{name} must be >= {minimum}, got {value!r}.")
    return int(value)


def fmt_p(p: float) -> str:
    """A p-value for text: ``p<0.001`` or ``p=0.042``."""
    if p is None or not np.isfinite(p):
        return "p=n/a"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def nonneg_counts(values: pd.Series, *, name: str, source: str) -> np.ndarray:
    """Counts as float array; raise if any is negative or not whole."""
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.round(arr))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise SchemaError(
            f"{source}: column {name} must hold whole non-negative counts; row {pos} has {values.iloc[pos]!r}.",
            source=source,
        )
    return arr
