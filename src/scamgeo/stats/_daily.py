"""Phases of the war and daily/weekly event counts on a complete calendar."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _time
from .._dask import is_dask
from .._errors import ParameterError, SchemaError
from .._inputs import event_frame
from .._record import one_row_per_incident
from .._validate import check_choice
from ..vocab import COUNT_UNITS
from ._common import (
    PHASE_DTYPE,
    assign_phase,
    date_column,
    logger,
    phase_table,
    to_timestamp,
)

__all__ = ["by_phase", "daily_counts", "phase_of", "phases"]


# --- phases -------------------------------------------------------------------


def phases(timeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """Start and end dates of the phases of the 2025 war.

    Parameters
    ----------
    timeline : pandas.DataFrame, optional
        A table with columns ``date`` and ``phase_starts`` (the timeline
        schema, :data:`scamgeo.schema.TIMELINE`); default: the curated
        timeline, :func:`scamgeo.datasets.timeline`.

    Returns
    -------
    pandas.DataFrame
        One row per phase in the order of :data:`scamgeo.config.PHASES`:
        ``phase`` (ordered categorical), ``start``, ``end`` (inclusive: the day
        before the next phase starts) and ``days``. ``pre_war`` has no start
        and the last phase no end (both ``NaT``, ``days`` missing).

    Raises
    ------
    SchemaError
        If a phase name is unknown, a phase starts twice, or the start dates
        are not in the order of the phases.

    Examples
    --------
    >>> from scamgeo import stats
    >>> table = stats.phases()
    >>> table["phase"].tolist()
    ['pre_war', 'may_crisis', 'july_war', 'truce', 'december_war', 'post_ceasefire']
    >>> table.set_index("phase").loc["july_war", "days"]
    np.int64(5)
    """
    return phase_table(timeline)


def phase_of(dates: Any, *, timeline: pd.DataFrame | None = None) -> pd.Series:
    """The phase of the war on each date.

    Parameters
    ----------
    dates : array-like of dates, pandas.Series or a single date
        Anything :func:`pandas.to_datetime` reads; missing dates give a missing phase.
    timeline : pandas.DataFrame, optional
        Timeline with ``date`` and ``phase_starts`` (default: the curated one).

    Returns
    -------
    pandas.Series
        Named ``phase``, ordered categorical with categories
        :data:`scamgeo.config.PHASES`, indexed like ``dates`` when it is a Series.

    Examples
    --------
    >>> from scamgeo import stats
    >>> stats.phase_of(["2025-07-24", "2025-12-10"]).tolist()
    ['july_war', 'december_war']
    """
    return _time.phase_of(dates, timeline=phase_table(timeline))


# --- calendars of counts -------------------------------------------------------------


def daily_counts(
    events: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    freq: str = "D",
    timeline: pd.DataFrame | None = None,
    count: str = "incidents",
) -> pd.DataFrame:
    """Incidents (or claims) and fatalities per day or week on a complete calendar, by phase.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common event schema; ``event_date`` and ``fatalities``
        are used. Each event is counted on its ``event_date`` whatever its
        ``time_precision`` (see :func:`precision_sensitivity`).
    start, end : date-like, optional
        First and last day of the calendar (inclusive); default the first and
        last event dates. Events outside are left out (and logged).
    freq : {"D", "W"}
        ``"D"`` one row per day; ``"W"`` one row per ISO week (Monday to
        Sunday), with partial weeks at either end.
    timeline : pandas.DataFrame, optional
        Timeline giving the phases (default: the curated one).
    count : {"incidents", "claims"}, default "incidents"
        ``"incidents"`` counts each incident once: the rows that share an
        ``incident_id`` (each side's claim about one incident) are folded into
        one on the incident's first day, with the highest toll any claim gives
        (claims are alternatives, never added). ``"claims"`` counts every row.
        Rows without an ``incident_id`` (ACLED, UCDP) are incidents of their
        own, so both give the same table for them. ``.attrs["count"]`` says
        which was counted, and the count column is named after it.

    Returns
    -------
    pandas.DataFrame
        One row per day or week, zeros kept, with columns

        - ``date``: the day, or the Monday starting the week;
        - ``days``: days of the row inside [start, end] (1 for daily rows;
          1–7 for weeks), the exposure of :func:`count_model`;
        - ``phase``: ordered categorical (for weeks: the phase of the first
          day; ``mixed_phase`` says whether the week straddles two phases);
        - ``incidents`` (or ``claims``, as ``count`` says): the number counted;
        - ``fatalities``: sum of the *reported* fatalities. It is 0 on a day
          without events and missing (``<NA>``) on a day whose events all
          have no reported figure: a missing figure is never counted as 0;
        - ``fatalities_reported_events`` / ``fatalities_missing_events``:
          how many of the events have / lack a fatality figure (where the
          latter is > 0, ``fatalities`` is a lower bound).

    An empty ``events`` gives the zero-filled calendar from ``start`` to
    ``end`` (an empty table without them), with a note in ``.attrs["note"]``.

    Raises
    ------
    SchemaError
        If ``events`` lacks a column, or has a bad date or count.
    ParameterError
        If ``freq`` is unknown or ``start`` is after ``end``.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> events = datasets.events()
    >>> counts = stats.daily_counts(events)
    >>> len(counts), int(counts["incidents"].sum()), counts.attrs["count"]
    (276, 204, 'incidents')
    >>> int(stats.daily_counts(events, count="claims")["claims"].sum())
    216
    >>> first = counts.iloc[0]
    >>> str(first["date"].date()), first["phase"], int(first["incidents"])
    ('2025-05-28', 'may_crisis', 1)
    """
    if is_dask(events):
        from .. import scale

        return scale.daily_counts(
            events, start=start, end=end, freq=freq, timeline=timeline, count=count
        )
    check_choice(freq, ["D", "W"], name="freq")
    check_choice(count, COUNT_UNITS, name="count")
    events = event_frame(events, name="events", columns=("event_date", "fatalities"))
    if count == "incidents" and len(events):
        events = one_row_per_incident(events)
    out = _daily_counts(events, start=start, end=end, freq=freq, timeline=timeline)
    out = out.rename(columns={"events": count})
    out.attrs["count"] = count
    return out


def _daily_counts(
    events: pd.DataFrame, *, start: Any, end: Any, freq: str, timeline: pd.DataFrame | None
) -> pd.DataFrame:
    dates = date_column(events, "event_date", source="events")
    fat = _fatalities(events)
    if len(events) == 0 and (start is None or end is None):
        logger.info("daily_counts: no events and no start/end: the table is empty.")
        return _empty_counts(freq)
    first = to_timestamp(start, name="start") if start is not None else dates.min()
    last = to_timestamp(end, name="end") if end is not None else dates.max()
    if first > last:
        raise ParameterError(f"start={first:%Y-%m-%d} is after end={last:%Y-%m-%d}.")
    inside = ((dates >= first) & (dates <= last)).to_numpy()
    if not inside.all():
        logger.info(
            "daily_counts: %d event(s) outside %s..%s left out",
            int((~inside).sum()),
            f"{first:%Y-%m-%d}",
            f"{last:%Y-%m-%d}",
        )
    days_index = pd.date_range(first, last, freq="D")
    d = dates[inside]
    f = fat[inside]
    per_day = pd.DataFrame(
        {
            "events": np.ones(len(d), dtype=np.int64),
            "fatalities": f.fillna(0).to_numpy(dtype=np.int64),
            "fatalities_reported_events": f.notna().to_numpy(dtype=np.int64),
        },
        index=pd.DatetimeIndex(d.to_numpy(), name="date"),
    )
    per_day = per_day.groupby(level=0).sum().reindex(days_index, fill_value=0)
    per_day.index.name = "date"
    table = phase_table(timeline)
    per_day["phase"] = assign_phase(per_day.index.to_series(), table)
    per_day["days"] = 1
    out = (_weekly(per_day) if freq == "W" else per_day).reset_index()
    out["fatalities_missing_events"] = out["events"] - out["fatalities_reported_events"]
    fatalities = out["fatalities"].astype("Int64")
    fatalities[(out["events"] > 0) & (out["fatalities_reported_events"] == 0)] = pd.NA
    out["fatalities"] = fatalities
    cols = [
        "date",
        "days",
        "phase",
        "events",
        "fatalities",
        "fatalities_reported_events",
        "fatalities_missing_events",
    ]
    if freq == "W":
        cols.insert(3, "mixed_phase")
    out["date"] = out["date"].astype("datetime64[ns]")
    out = out[cols]
    if len(events) == 0:
        out.attrs["note"] = "no events in the selection: every count is zero"
    return out


def _fatalities(events: pd.DataFrame) -> pd.Series:
    """The fatality figures as numbers (missing where none was reported); raise on bad ones."""
    fat = pd.to_numeric(events["fatalities"], errors="coerce")
    bad = fat.notna() & ((fat < 0) | (fat != fat.round()))
    bad = bad | (
        fat.isna()
        & events["fatalities"].notna()
        & events["fatalities"].astype("string").str.strip().ne("")
    )
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise SchemaError(
            f"events: column fatalities must hold whole numbers >= 0 or be empty; row {pos} has "
            f"{events['fatalities'].iloc[pos]!r}.",
            source="events",
        )
    return fat


def _weekly(per_day: pd.DataFrame) -> pd.DataFrame:
    """Daily rows summed into Monday-starting weeks, the phase of each week's first day."""
    week = per_day.index - pd.to_timedelta(per_day.index.day_of_week, unit="D")
    grouped = per_day.groupby(week)
    out = grouped[["events", "fatalities", "fatalities_reported_events", "days"]].sum()
    codes = per_day["phase"].cat.codes.groupby(week)
    out["phase"] = pd.Categorical.from_codes(codes.first().to_numpy(), dtype=PHASE_DTYPE)
    out["mixed_phase"] = (codes.nunique() > 1).to_numpy()
    out.index.name = "date"
    return out


def _empty_counts(freq: str) -> pd.DataFrame:
    """The table of :func:`daily_counts` with no rows (no events, no calendar given)."""
    out = pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[ns]"),
            "days": pd.Series([], dtype=np.int64),
            "phase": pd.Categorical([], dtype=PHASE_DTYPE),
            "events": pd.Series([], dtype=np.int64),
            "fatalities": pd.array([], dtype="Int64"),
            "fatalities_reported_events": pd.Series([], dtype=np.int64),
            "fatalities_missing_events": pd.Series([], dtype=np.int64),
        }
    )
    if freq == "W":
        out.insert(3, "mixed_phase", pd.Series([], dtype=bool))
    out.attrs["note"] = "no events, and no start= and end= to lay a calendar"
    return out


def by_phase(counts: pd.DataFrame, *, outcome: str | None = None) -> pd.DataFrame:
    """A count table summed by phase: days, the count, its rate per day, the reported deaths.

    Parameters
    ----------
    counts : DataFrame
        :func:`daily_counts` output.
    outcome : str, optional
        The count column (default: the table's one count column).

    Returns
    -------
    pandas.DataFrame
        One row per phase with days in the table: ``phase``, ``days``, the count
        column, ``per_day``, ``fatalities`` (a floor where tolls are missing) and
        ``fatalities_missing_events``.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> t = stats.by_phase(stats.daily_counts(datasets.events(), start="2025-07-10", end="2025-08-31"))
    >>> t[["phase", "days", "incidents"]].values.tolist()
    [['may_crisis', 14, 4], ['july_war', 5, 47], ['truce', 34, 14]]
    """
    from ._common import resolve_outcome

    outcome = resolve_outcome(counts, outcome, func="by_phase")
    grouped = counts.groupby("phase", observed=True)
    out = grouped[["days", outcome, "fatalities", "fatalities_missing_events"]].sum()
    out = out[out["days"] > 0].reset_index()
    out["per_day"] = out[outcome] / out["days"]
    out["phase"] = out["phase"].astype(str)
    return out[["phase", "days", outcome, "per_day", "fatalities", "fatalities_missing_events"]]
