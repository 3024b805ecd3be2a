"""Event counts of a dask frame: partial counts per partition, added up on the whole calendar.

:func:`aggregate` and :func:`daily_counts` run the in-memory functions
(:func:`scamgeo.geo.aggregate`, :func:`scamgeo.stats.daily_counts`) on each
partition over that partition's own dates, add the partial counts up, and lay
them on the units, periods and phases the in-memory function gives for the
whole date range (asked of it on two rows without a location). The result is
the in-memory function's table for the whole frame.
"""

from __future__ import annotations

import logging
from typing import Any

import dask
import numpy as np
import pandas as pd

from .. import geo, stats
from .._dask import is_dask
from .._errors import ParameterError, SchemaError
from .._time import date_column, parse_date
from .._validate import check_choice
from ..vocab import COUNT_UNITS
from ._geo import _PROVINCE_COLUMNS, _check, _pin, metric_crs

__all__ = ["aggregate", "daily_counts"]

#: Columns the counts read (besides those of assign_province and the geometry).
_COUNT_COLUMNS = ("event_date", "fatalities")


def _summed(count: str) -> tuple[str, str, str]:
    """Count columns of geo.aggregate that partial results add up to (in its order)."""
    return count, "fatalities", f"fatalities_missing_{count}"


def _count_column(table: pd.DataFrame) -> str:
    """The count column of an in-memory count table (named after what it counts)."""
    return next(c for c in (*COUNT_UNITS, "events") if c in table.columns)


def _date_range(frame: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last day of a partition, read by scamgeo's one date rule (:mod:`scamgeo._time`)."""
    dates = date_column(frame, "event_date", source="event_date", allow_missing=True)
    if dates.notna().any():
        return dates.min().normalize(), dates.max().normalize()
    return None, None


def _refuse_linked_claims(part: pd.DataFrame, function: str) -> None:
    """Claims of one incident may sit in different partitions: incidents are counted in memory."""
    if "incident_id" in part.columns and part["incident_id"].notna().any():
        raise ParameterError(
            "events carries incident_id (the claims of one incident may sit in different "
            f"partitions): count incidents in memory with scamgeo.{function}, or pass "
            "count='claims'."
        )


def _aggregate_part(part, *, options, start, end, crs):
    if part is None or not len(part):
        return None
    by = options.get("by", "province")
    count = options.get("count", "incidents")
    if count == "incidents":
        _refuse_linked_claims(part, "geo.aggregate")
    cols = [c for c in (*_COUNT_COLUMNS, *_PROVINCE_COLUMNS) if c in part.columns]
    sub = part[[*cols, part.geometry.name]]
    own_first, own_last = _date_range(sub) if "event_date" in sub else (None, None)
    first = start if start is not None else own_first
    last = end if end is not None else own_last
    if first is None or last is None:
        if by != "grid":
            return None
        first = last = pd.Timestamp("2000-01-01")  # lists the occupied cells; counts none
        counted = False
    else:
        counted = True
        if last < first:
            first, last = (first, first) if start is not None else (last, last)
    if by == "province" and crs is not None:
        sub = _pin(sub, crs)
    out = geo.aggregate(sub, start=first, end=last, **options)
    unit = out.columns[0]
    units = pd.unique(out[unit].to_numpy(dtype=object))
    counts = out[(out[count] > 0) | (out["fatalities"] > 0)] if counted else out.iloc[:0]
    return counts[[unit, "period", *_summed(count)]], units, own_first, own_last


def aggregate(gdf: Any, **options: Any) -> pd.DataFrame:
    """:func:`scamgeo.geo.aggregate` of a dask frame: partial counts added up (computed).

    Parameters
    ----------
    gdf : dask_geopandas.GeoDataFrame
    **options
        ``by``, ``freq``, ``start``, ``end``, ``count`` and ``cells``, as in
        :func:`scamgeo.geo.aggregate`; plus ``crs`` (see
        :func:`distance_to_border_km`, used with ``by="province"``). Rows are
        counted one by one: with ``count="incidents"`` (the default) a frame
        whose rows carry ``incident_id`` is refused, since the claims of one
        incident may sit in different partitions; ACLED and UCDP rows have no
        incident ids, and each row is then an incident.

    Returns
    -------
    pandas.DataFrame
        The table :func:`scamgeo.geo.aggregate` gives for the whole frame in
        memory: every unit and period, zeros kept, same columns, order and attrs.

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, geo, scale
    >>> lazy = dask_geopandas.from_geopandas(datasets.events(), npartitions=2)
    >>> monthly = scale.aggregate(lazy, freq='M', count='claims')
    >>> monthly.equals(geo.aggregate(datasets.events(), freq='M', count='claims'))
    True
    """
    _check(gdf)
    crs = options.pop("crs", None)
    start, end = options.pop("start", None), options.pop("end", None)
    # the options (and a start/end pair) checked now, on two rows without a location
    both = start is not None and end is not None
    days = [pd.Timestamp("2000-01-01")] * 2
    _skeleton(days, start=start if both else None, end=end if both else None, options=options)
    start, end = _day(start, "start"), _day(end, "end")
    by = options.get("by", "province")
    target = None
    if by == "province":
        target = metric_crs(gdf) if crs is None else geo.crs_string(crs)
    parts = [
        dask.delayed(_aggregate_part)(d, options=options, start=start, end=end, crs=target)
        for d in gdf.to_delayed()
    ]
    results = [r for r in dask.compute(*parts) if r is not None]
    firsts = [r[2] for r in results if r[2] is not None]
    lasts = [r[3] for r in results if r[3] is not None]
    first = start if start is not None else (min(firsts) if firsts else None)
    last = end if end is not None else (max(lasts) if lasts else None)
    if first is None or last is None:
        raise ParameterError(
            "gdf has no event_date at all: pass start= and end=, or give the events dates."
        )
    skeleton = _skeleton([first, last], start=first, end=last, options=options)
    unit = skeleton.columns[0]
    base = pd.unique(skeleton[unit].to_numpy(dtype=object))
    periods = pd.unique(skeleton["period"].to_numpy())
    seen = set(base.tolist())
    extra = sorted(
        {str(u) for r in results for u in r[1] if u is not None and not pd.isna(u)} - seen
    )
    units = np.concatenate([base, np.asarray(extra, dtype=object)])
    out = pd.DataFrame(
        {
            unit: pd.array(np.repeat(units, len(periods)), dtype="string"),
            "period": np.tile(periods, len(units)),
        }
    )
    counts = [r[0] for r in results if len(r[0])]
    count, _, missing_col = summed_cols = _summed(options.get("count", "incidents"))
    if counts:
        summed = pd.concat(counts).groupby([unit, "period"], sort=False).sum()
        keys = pd.MultiIndex.from_arrays([out[unit].astype(object), out["period"]])
        joined = summed.reindex(keys)
        for col in summed_cols:
            out[col] = joined[col].fillna(0).to_numpy(dtype=np.int64)
    else:
        for col in summed_cols:
            out[col] = np.zeros(len(out), dtype=np.int64)
    # as in memory: the sum of the reported figures, missing where no event reported one
    fatalities = pd.array(out["fatalities"].to_numpy(dtype=np.int64), dtype="Int64")
    events, missing = out[count].to_numpy(), out[missing_col].to_numpy()
    fatalities[(events > 0) & (missing == events)] = pd.NA
    out["fatalities"] = fatalities
    out.attrs = dict(skeleton.attrs)
    return out


def _skeleton(days, *, start, end, options) -> pd.DataFrame:
    """The in-memory aggregate of rows without a location: every unit and period, zeros."""
    frame = pd.DataFrame(
        {"event_date": pd.to_datetime(days), "latitude": [np.nan] * 2, "longitude": [np.nan] * 2}
    )
    log = logging.getLogger(geo.__name__)
    level = log.level
    log.setLevel(logging.ERROR)  # "2 events have no province": these rows are ours
    try:
        return geo.aggregate(
            frame,
            start=start if start is not None else days[0],
            end=end if end is not None else days[1],
            **options,
        )
    finally:
        log.setLevel(level)


def _daily_part(part, *, start, end):
    if part is None or not len(part):
        return None
    _refuse_linked_claims(part, "stats.daily_counts")
    frame = pd.DataFrame(
        {"event_date": part["event_date"], "fatalities": part["fatalities"]}, index=part.index
    )
    own_first, own_last = _date_range(frame)
    first = start if start is not None else own_first
    last = end if end is not None else own_last
    if first is not None and last is not None and last < first:
        return None  # every event of this partition is outside [start, end]
    days = stats.daily_counts(frame, start=first, end=last, freq="D", count="claims")
    days = days[days["claims"] > 0]
    return (
        pd.DataFrame(
            {
                "date": days["date"].to_numpy(),
                "events": days["claims"].to_numpy(dtype=np.int64),
                "fatalities": days["fatalities"].fillna(0).to_numpy(dtype=np.int64),
                "reported": days["fatalities_reported_events"].to_numpy(dtype=np.int64),
            }
        ),
        own_first,
        own_last,
    )


def _day(value: Any, name: str) -> pd.Timestamp | None:
    return None if value is None else parse_date(value, name=name)


def daily_counts(
    events: Any,
    *,
    start: Any = None,
    end: Any = None,
    freq: str = "D",
    timeline: pd.DataFrame | None = None,
    count: str = "incidents",
) -> pd.DataFrame:
    """:func:`scamgeo.stats.daily_counts` of a dask frame: per-day counts added up (computed).

    Rows are counted one by one: a frame whose rows carry ``incident_id``
    (scamgeo's curated record, where one incident can have a claim from each
    side) is refused with ``count="incidents"``, since the claims of one
    incident may sit in different partitions; count it in memory, or pass
    ``count="claims"``. ACLED and UCDP rows have no incident ids, and each row
    is then an incident.

    Each partition is counted by the in-memory function (so its checks of
    dates and fatalities apply), per day; the days are added up and laid on
    the calendar, phases and weeks the in-memory function gives for the
    whole date range.

    Parameters
    ----------
    events : dask.dataframe.DataFrame
        Events with ``event_date`` and ``fatalities``.
    start : date-like, optional
        As in :func:`scamgeo.stats.daily_counts`.
    end : date-like, optional
        As in :func:`scamgeo.stats.daily_counts`.
    freq : {"D", "W"}, default "D"
        Days or weeks.
    timeline : DataFrame, optional
        The phases' start dates.
    count : {"incidents", "claims"}, default "incidents"
        What is counted (see above).

    Returns
    -------
    pandas.DataFrame
        Equal to ``scamgeo.stats.daily_counts`` of the whole frame in memory.

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, scale
    >>> lazy = dask_geopandas.from_geopandas(datasets.events(), npartitions=2)
    >>> weekly = scale.daily_counts(lazy, freq='W', count='claims')
    >>> len(weekly), weekly.attrs['count']
    (40, 'claims')
    """
    _check_daily(events, start=start, end=end, freq=freq, timeline=timeline, count=count)
    first_given, last_given = (_day(v, name) for v, name in ((start, "start"), (end, "end")))
    linked = count == "incidents" and "incident_id" in events.columns
    columns = [*_COUNT_COLUMNS, "incident_id"] if linked else list(_COUNT_COLUMNS)
    parts = [
        dask.delayed(_daily_part)(d, start=first_given, end=last_given)
        for d in events[columns].to_delayed()
    ]
    results = [r for r in dask.compute(*parts) if r is not None]
    if not results and (first_given is None or last_given is None):
        raise SchemaError("events: the table has no events (0 rows).", source="events")
    first = first_given if first_given is not None else min(r[1] for r in results)
    last = last_given if last_given is not None else max(r[2] for r in results)
    skeleton = stats.daily_counts(
        pd.DataFrame({"event_date": [first, last], "fatalities": [pd.NA, pd.NA]}),
        start=first,
        end=last,
        freq=freq,
        timeline=timeline,
        count=count,
    )
    if results:
        per_day = pd.concat([r[0] for r in results]).groupby("date").sum()
        per_day = per_day[(per_day.index >= first) & (per_day.index <= last)]
    else:
        per_day = pd.DataFrame(
            {"events": [], "fatalities": [], "reported": []}, index=pd.DatetimeIndex([])
        )
    if freq == "W":
        week = per_day.index - pd.to_timedelta(per_day.index.day_of_week, unit="D")
        per_day = per_day.groupby(week).sum()
    return _on_calendar(skeleton, per_day.reindex(pd.DatetimeIndex(skeleton["date"])).fillna(0))


def _check_daily(events: Any, **options: Any) -> None:
    """Refuse what the in-memory function would refuse, before any partition is read."""
    if not is_dask(events):
        raise ParameterError(
            f"events must be a dask DataFrame, got {type(events).__name__}; "
            "call scamgeo.stats.daily_counts for an in-memory frame."
        )
    check_choice(options["count"], COUNT_UNITS, name="count")
    missing = [c for c in _COUNT_COLUMNS if c not in events.columns]
    if missing:
        raise SchemaError(
            f"events: missing required column(s) {', '.join(missing)}.", source="events"
        )
    # freq, timeline and a start/end pair checked now, by the in-memory function on two days
    start, end = options["start"], options["end"]
    both = start is not None and end is not None
    stats.daily_counts(
        pd.DataFrame({"event_date": pd.to_datetime(["2000-01-01", "2000-01-02"]), "fatalities": 0}),
        start=start if both else None,
        end=end if both else None,
        freq=options["freq"],
        timeline=options["timeline"],
    )


def _on_calendar(skeleton: pd.DataFrame, joined: pd.DataFrame) -> pd.DataFrame:
    """The in-memory function's calendar with the summed partial counts laid on it."""
    out = skeleton.copy()
    n = _count_column(out)  # named after what it counts (the in-memory table's own name)
    out[n] = joined["events"].to_numpy(dtype=np.int64)
    reported = joined["reported"].to_numpy(dtype=np.int64)
    fatalities = pd.array(joined["fatalities"].to_numpy(dtype=np.int64), dtype="Int64")
    fatalities[(out[n].to_numpy() > 0) & (reported == 0)] = pd.NA
    out["fatalities"] = fatalities
    reported_col = next(c for c in out.columns if c.startswith("fatalities_reported_"))
    missing_col = next(c for c in out.columns if c.startswith("fatalities_missing_"))
    out[reported_col] = reported
    out[missing_col] = out[n] - reported
    return out
