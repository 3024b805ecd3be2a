"""Plumbing shared by the stats submodules: timeline phases, input checks, fitting helpers."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import _time
from .._errors import ParameterError, SchemaError
from .._time import PHASE_DTYPE, parse_date
from .._validate import outcome_column
from ..config import DEFAULT_SEED

__all__ = [
    "CHI2_1_95",
    "COUNT_COLUMNS",
    "DEFAULT_SEED",
    "PHASE_DTYPE",
    "Z_95",
    "as_frame",
    "as_counts",
    "assign_phase",
    "capture_warnings",
    "check_int",
    "date_column",
    "fmt_p",
    "fold_claims",
    "load_timeline",
    "nearest_km",
    "nonneg_counts",
    "phase_table",
    "require_rows",
    "resolve_outcome",
    "resolve_seed",
    "to_timestamp",
    "wilson_interval",
]

logger = logging.getLogger("scamgeo.stats")


#: Critical value of a chi-square with 1 degree of freedom at 95%.
CHI2_1_95 = 3.841458820694124

#: Two-sided normal quantile for 95% intervals.
Z_95 = 1.959963984540054


def as_frame(data: Any, *, name: str) -> pd.DataFrame:
    """Return ``data`` if it is a DataFrame (GeoDataFrame included), else raise."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas (Geo)DataFrame, got {type(data).__name__}.")
    return data


#: The count columns :func:`scamgeo.stats.daily_counts` names after what it counts.
COUNT_COLUMNS = ("incidents", "claims")


def as_counts(data: Any, *, func: str, outcome: str | None = None) -> pd.DataFrame:
    """``data`` if it is a count table; a table of events is refused saying what ``func`` expects."""
    frame = as_frame(data, name="counts")
    if "event_date" in frame.columns and "date" not in frame.columns:
        raise SchemaError(
            f"{func} expects a count table from daily_counts (one row per day with 'date' and "
            f"'{outcome or 'incidents'}'), not a table of events; pass "
            "scamgeo.stats.daily_counts(events).",
            source="counts",
        )
    return frame


def resolve_outcome(frame: pd.DataFrame, outcome: str | None, *, func: str) -> str:
    """The count column to use (the outcome= rule, :func:`scamgeo._validate.outcome_column`)."""
    return outcome_column(frame.columns, outcome, source=func, counts=COUNT_COLUMNS)


def fold_claims(events: pd.DataFrame, count: str) -> pd.DataFrame:
    """``events`` with the claims of one incident folded into one row when counting incidents.

    Rows sharing an ``incident_id`` become one (its first claim's date and
    place, the highest toll: :func:`scamgeo._record.one_row_per_incident`);
    without the column every row is an incident of its own.
    """
    from .._record import one_row_per_incident

    if count == "incidents" and len(events) and "incident_id" in events.columns:
        return one_row_per_incident(events)
    return events


def resolve_seed(seed: int | None) -> int:
    """``seed`` if given, else a fresh one from the OS, so the run can be repeated and recorded."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    return check_int(seed, name="seed", minimum=0)


def wilson_interval(successes: int, trials: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (for false-positive rates and power)."""
    from scipy.stats import binomtest

    if trials <= 0:
        return (float("nan"), float("nan"))
    ci = binomtest(int(successes), int(trials)).proportion_ci(level, method="wilson")
    return float(ci.low), float(ci.high)


def require_rows(frame: pd.DataFrame, *, name: str, what: str = "rows") -> None:
    """Raise a :class:`SchemaError` when ``frame`` is empty."""
    if len(frame) == 0:
        raise SchemaError(f"{name} is empty: it needs at least one of its {what}.", source=name)


def to_timestamp(value: Any, *, name: str) -> pd.Timestamp:
    """Parse one date argument by the command line's rules (see :func:`scamgeo._time.parse_date`)."""
    return parse_date(value, name=name)


def date_column(frame: pd.DataFrame, column: str, *, source: str) -> pd.Series:
    """The dates of ``frame[column]`` (midnight, Bangkok dates); raise on bad or empty cells."""
    return _time.date_column(frame, column, source=source)


def load_timeline(timeline: pd.DataFrame | None) -> pd.DataFrame:
    """The timeline given, or the curated one (:func:`scamgeo.datasets.timeline`)."""
    if timeline is None:
        from .. import datasets

        return datasets.timeline()
    return as_frame(timeline, name="timeline")


def phase_table(timeline: pd.DataFrame | None) -> pd.DataFrame:
    """Start and (inclusive) end of each phase that the timeline starts, plus ``pre_war``."""
    if timeline is not None:
        as_frame(timeline, name="timeline")
    return _time.phase_table(timeline)


def assign_phase(dates: pd.Series, table: pd.DataFrame) -> pd.Categorical:
    """Phase of each date (NaT gives a missing phase)."""
    return _time.phase_codes(dates.to_numpy(dtype="datetime64[ns]"), table)


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


def nearest_km(points: Any, hubs: Any) -> np.ndarray:
    """Geodesic km from each point to its nearest hub (NaN where a point has no location)."""
    from .. import geo

    return geo.nearest_site(points, hubs)["nearest_site_km"].to_numpy(dtype=float)
