"""How much do headline numbers move when imprecise rows are left out?"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError, ScamgeoError
from .._inputs import has_location
from .._validate import check_positive, require_columns
from ._common import (
    DEFAULT_SEED,
    as_frame,
    assign_phase,
    check_int,
    date_column,
    nearest_km,
    phase_table,
    to_timestamp,
)

__all__ = ["BUILTIN_ESTIMATES", "VARIANTS", "precision_sensitivity"]

#: The subsets compared, in order.
VARIANTS = ("all", "without_geo_precision_3", "without_time_precision_gt1", "without_both")

#: Names of the built-in estimates (``events_per_day`` expands to one per phase).
BUILTIN_ESTIMATES = (
    "total_events",
    "total_fatalities",
    "fatalities_reported_events",
    "events_per_day",
    "share_within_km_of_border",
    "hub_median_distance_km",
)


def precision_sensitivity(
    events: pd.DataFrame,
    *,
    estimators: Sequence[str] | Mapping[str, Callable[[pd.DataFrame], float]] | None = None,
    hubs: pd.DataFrame | None = None,
    border_km: float = 5,
    period: tuple[Any, Any] | None = None,
    timeline: pd.DataFrame | None = None,
    replicates: int = 0,
    seed: int | None = DEFAULT_SEED,
) -> pd.DataFrame:
    """Headline estimates recomputed without imprecisely placed or dated events.

    Each estimate is computed on four subsets of ``events``: ``all``;
    ``without_geo_precision_3`` (rows placed only at province level left
    out); ``without_time_precision_gt1`` (rows dated only to the week or
    month left out); ``without_both``. Rows with a missing precision code
    are kept.

    Built-in estimates:

    - ``total_events``: number of events;
    - ``total_fatalities``: sum of the *reported* fatalities (missing figures
      are not counted as 0; see ``fatalities_reported_events``);
    - ``fatalities_reported_events``: events with a fatality figure;
    - ``events_per_day[<phase>]``: events in each phase divided by the days of
      that phase inside the calendar ``period`` (default: the first
      to last event date of the *full* table), so the denominators are the
      same in every subset;
    - ``share_within_km_of_border``: share of the located events within
      ``border_km`` km of the Thai–Cambodian border
      (:func:`scamgeo.geo.distance_to_border_km`), named e.g.
      ``share_within_5km_of_border``; computed when events have coordinates;
    - ``hub_median_distance_km``: median distance of the located events to
      their nearest hub (:func:`scamgeo.geo.nearest_site`), when ``hubs``
      is given.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common event schema (``event_date``, ``fatalities``,
        ``geo_precision``, ``time_precision``; coordinates for the spatial
        estimates).
    estimators : list of str or dict, optional
        Names of built-in estimates to compute (default: every one that the
        data allow), or a mapping ``name -> function(frame) -> float`` of
        extra estimates; a mapping may also name built-ins with value None.
    hubs : GeoDataFrame, optional
        Hubs for ``hub_median_distance_km``.
    border_km : float
        Distance of the border share (default 5 km).
    period : (date-like, date-like), optional
        First and last day of the calendar of ``events_per_day`` (default the
        first and last event date; either may be None).
    timeline : pandas.DataFrame, optional
        Timeline giving the phases (default the curated one).
    replicates : int
        When > 0, also recompute this many times with every event redrawn
        within its location error (``uncertainty_m``, else from
        ``geo_precision``: 1 -> 2 km, 2 -> 25 km, 3 -> 50 km) and add
        ``value_median``, ``value_low`` and ``value_high`` (2.5% and 97.5%
        quantiles over the redraws); notes on the radii in ``.attrs["notes"]``.
    seed : int, optional
        Seed of the redraws (None: drawn, and named in the notes).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``estimate``, ``variant``, ``value``, ``n_events`` (rows in the
        subset), ``delta`` (value minus the ``all`` value) and ``delta_pct``
        (delta as % of the ``all`` value; NaN when that is 0).

    Raises
    ------
    SchemaError
        Empty frame or a missing column.
    ParameterError
        Unknown estimate name, ``hub_median_distance_km`` asked without
        ``hubs``, or ``border_km`` < 0.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> table = stats.precision_sensitivity(datasets.events())
    >>> table[table["estimate"] == "total_events"][["variant", "value"]].values.tolist()[:2]
    [['all', 216.0], ['without_geo_precision_3', 195.0]]
    """
    if check_int(replicates, name="replicates", minimum=0) > 0:
        from ._uncertainty import sensitivity_under_uncertainty

        return sensitivity_under_uncertainty(
            precision_sensitivity, events, seed=seed, replicates=replicates,
            estimators=estimators, hubs=hubs, border_km=border_km, period=period,
            timeline=timeline,
        )  # fmt: skip
    events = as_frame(events, name="events")
    require_columns(
        events.columns,
        ["event_date", "fatalities", "geo_precision", "time_precision"],
        source="events",
    )
    border_km = check_positive(border_km, name="border_km", allow_zero=True)
    share_name = f"share_within_{border_km:g}km_of_border"
    wanted, custom, auto = _wanted(estimators, share_name)
    dates = date_column(events, "event_date", source="events")
    fat = pd.to_numeric(events["fatalities"], errors="coerce")
    estimates = _count_estimates(wanted, fat)
    if "events_per_day" in wanted:
        start, end = _period(period)
        estimates.update(_phase_rates(dates, timeline=timeline, start=start, end=end))
    estimates.update(
        _spatial_estimates(
            events, wanted, hubs=hubs, auto=auto, border_km=border_km, share_name=share_name
        )
    )
    for name, func in custom.items():
        estimates[name] = lambda m, fn=func: float(fn(events[m]))  # type: ignore[misc]
    return _variant_table(estimates, _masks(events))


def _period(period: Any) -> tuple[Any, Any]:
    if period is None:
        return None, None
    if not isinstance(period, tuple | list) or len(period) != 2:
        raise ParameterError(f"period={period!r} must be a pair (first day, last day).")
    return period[0], period[1]


def _wanted(
    estimators: Any, share_name: str
) -> tuple[list[str], dict[str, Callable[[pd.DataFrame], float]], bool]:
    """(built-in estimates wanted, custom ones, whether the defaults were asked for)."""
    if estimators is None:
        return list(BUILTIN_ESTIMATES), {}, True
    custom: dict[str, Callable[[pd.DataFrame], float]] = {}
    if isinstance(estimators, Mapping):
        names = [k for k, v in estimators.items() if v is None]
        custom = {k: v for k, v in estimators.items() if v is not None}
        bad = [k for k, v in custom.items() if not callable(v)]
        if bad:
            raise ParameterError(
                f"estimators: the value of {bad[0]!r} is not a function of the events frame."
            )
    elif isinstance(estimators, str):
        names = [estimators]
    else:
        names = list(estimators)
    unknown = [n for n in names if n not in BUILTIN_ESTIMATES and n != share_name]
    if unknown:
        raise ParameterError(
            f"estimators has unknown built-in estimate(s) {', '.join(map(repr, unknown))}. Built-ins: "
            f"{', '.join(BUILTIN_ESTIMATES)}; pass a mapping name -> function for your own."
        )
    wanted = ["share_within_km_of_border" if n == share_name else n for n in names]
    return wanted, custom, False


def _masks(events: pd.DataFrame) -> dict[str, np.ndarray]:
    geo_p = pd.to_numeric(events["geo_precision"], errors="coerce")
    time_p = pd.to_numeric(events["time_precision"], errors="coerce")
    masks = {
        "all": np.ones(len(events), dtype=bool),
        "without_geo_precision_3": ~(geo_p == 3).to_numpy(dtype=bool),
        "without_time_precision_gt1": ~(time_p > 1).to_numpy(dtype=bool),
    }
    masks["without_both"] = masks["without_geo_precision_3"] & masks["without_time_precision_gt1"]
    return masks


def _count_estimates(wanted: list[str], fat: pd.Series) -> dict[str, Callable[[np.ndarray], float]]:
    estimates: dict[str, Callable[[np.ndarray], float]] = {}
    if "total_events" in wanted:
        estimates["total_events"] = lambda m: float(m.sum())
    if "total_fatalities" in wanted:
        f = fat.fillna(0).to_numpy(dtype=float)
        estimates["total_fatalities"] = lambda m: float(f[m].sum())
    if "fatalities_reported_events" in wanted:
        rep = fat.notna().to_numpy(dtype=bool)
        estimates["fatalities_reported_events"] = lambda m: float(rep[m].sum())
    return estimates


def _phase_rates(
    dates: pd.Series, *, timeline: Any, start: Any, end: Any
) -> dict[str, Callable[[np.ndarray], float]]:
    """Events per day of each phase inside [start, end]."""
    table = phase_table(timeline)
    first = to_timestamp(start, name="start") if start is not None else dates.min()
    last = to_timestamp(end, name="end") if end is not None else dates.max()
    if pd.isna(first) or pd.isna(last):  # no events and no start/end: no calendar
        return {}
    if first > last:
        raise ParameterError(f"start={first:%Y-%m-%d} is after end={last:%Y-%m-%d}.")
    phase = np.asarray(assign_phase(dates, table).astype(str))
    inside = (dates >= first).to_numpy() & (dates <= last).to_numpy()
    estimates: dict[str, Callable[[np.ndarray], float]] = {}
    for row in table.itertuples(index=False):
        lo = first if pd.isna(row.start) else max(first, row.start)
        hi = last if pd.isna(row.end) else min(last, row.end)
        days = (hi - lo).days + 1
        if days <= 0:
            continue
        in_phase = (phase == str(row.phase)) & inside
        estimates[f"events_per_day[{row.phase}]"] = lambda m, sel=in_phase, n=days: float(  # type: ignore[misc]
            (m & sel).sum() / n
        )
    return estimates


def _spatial_estimates(
    events: pd.DataFrame,
    wanted: list[str],
    *,
    hubs: Any,
    auto: bool,
    border_km: float,
    share_name: str,
) -> dict[str, Callable[[np.ndarray], float]]:
    """Share of events near the border and median distance to the nearest hub."""
    spatial = [n for n in ("share_within_km_of_border", "hub_median_distance_km") if n in wanted]
    if "hub_median_distance_km" in spatial and hubs is None and not auto:
        raise ParameterError(
            "hub_median_distance_km needs hubs=, e.g. scamgeo.datasets.sites(kind='casino_hub')."
        )
    if not spatial:
        return {}
    try:
        located = has_location(events, name="events")
    except ScamgeoError:
        if not auto:
            raise
        located = np.zeros(len(events), dtype=bool)
    if "share_within_km_of_border" in spatial and not located.any() and not auto:
        raise ParameterError(
            "share_within_km_of_border needs events with coordinates; none has any."
        )
    estimates: dict[str, Callable[[np.ndarray], float]] = {}
    if "share_within_km_of_border" in spatial and located.any():
        from .. import geo

        d = np.full(len(events), np.nan)
        d[located] = geo.distance_to_border_km(events[located]).to_numpy(dtype=float)
        estimates[share_name] = lambda m: (
            float(np.mean(d[m & located] <= border_km)) if (m & located).any() else np.nan
        )
    if "hub_median_distance_km" in spatial and hubs is not None and located.any():
        h = np.full(len(events), np.nan)
        h[located] = nearest_km(events[located], hubs)
        estimates["hub_median_distance_km"] = lambda m: (
            float(np.median(h[m & located])) if (m & located).any() else np.nan
        )
    return estimates


def _variant_table(
    estimates: dict[str, Callable[[np.ndarray], float]], masks: dict[str, np.ndarray]
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for name, func in estimates.items():
        base = func(masks["all"])
        for variant in VARIANTS:
            m = masks[variant]
            value = func(m)
            delta = value - base
            pct = delta / base * 100 if np.isfinite(base) and base != 0 else np.nan
            rows.append(
                {
                    "estimate": name,
                    "variant": variant,
                    "value": value,
                    "n_events": int(m.sum()),
                    "delta": delta,
                    "delta_pct": pct,
                }
            )
    return pd.DataFrame(
        rows, columns=["estimate", "variant", "value", "n_events", "delta", "delta_pct"]
    )
