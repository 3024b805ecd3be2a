"""Events on a web map: one point layer or a heat map."""

from __future__ import annotations

import math
from typing import Any

import folium
import numpy as np
import pandas as pd

from .. import _html, fmt
from .._errors import ScamgeoError
from .._inputs import event_frame, located_points
from ..schema import EVENT_TYPES
from ..style import GREY, INK_MUTED, PAPER, event_type_color
from ._base import new_map_for
from ._common import (
    ACLED_HTML,
    CANVAS_THRESHOLD,
    SCAMGEO_HTML,
    UCDP_HTML,
    check_map,
    check_table,
    column_or_na,
    finish,
    logger,
    sources,
    unique_name,
)
from ._elements import (
    HEAT_GRADIENT,
    EventLayer,
    HeatLayer,
    Legend,
)
from ._legend import legend_html, swatch_circle
from ._options import EventMapOptions, options_or_default

__all__ = ["events_map"]


#: Above this many places, none is labelled permanently (names stay in the popups).
MAX_LABELS = 300


def _places(
    pts: pd.DataFrame,
    *,
    gazetteer: pd.DataFrame | None,
    decimals: int,
    table: dict[str, int],
    strings: list[str],
) -> dict[str, Any]:
    """Group events by ``place_id`` (else by identical rounded point): one entry per place."""
    lat = np.round(pts["_lat"].to_numpy(dtype=float), decimals)
    lon = np.round(pts["_lon"].to_numpy(dtype=float), decimals)
    pid = column_or_na(pts, "place_id").astype("string").str.strip()
    pid = pid.mask(pid == "")
    point_key = pd.Series(
        [f"pt:{y},{x}" for y, x in zip(lat, lon, strict=True)],  # rounded above
        index=pts.index,
        dtype="string",
    )
    key = pid.fillna(point_key)
    codes, uniques = pd.factorize(key)
    names: dict[str, str] = {}
    if pid.notna().any():
        if gazetteer is None:
            from .. import datasets

            try:
                gazetteer = datasets.gazetteer()
            except ScamgeoError as exc:  # names are a nicety; say why they are missing
                logger.info("events: no gazetteer for place names (%s)", exc)
                gazetteer = None
        if gazetteer is not None and {"place_id", "name"} <= set(gazetteer.columns):
            names = dict(
                zip(gazetteer["place_id"].astype(str), gazetteer["name"].astype(str), strict=True)
            )
    location = column_or_na(pts, "location").astype("string")
    unc = pd.to_numeric(column_or_na(pts, "uncertainty_m"), errors="coerce").to_numpy(dtype=float)
    out: dict[str, list[Any]] = {"y": [], "x": [], "nm": [], "u": [], "lb": []}
    for k, place in enumerate(uniques):
        member = np.flatnonzero(codes == k)
        first = int(member[0])
        label = names.get(str(place)) or (
            location.iloc[first] if pd.notna(location.iloc[first]) else ""
        )
        html = _html.text(label)
        if html and html not in table:
            table[html] = len(strings)
            strings.append(html)
        u = unc[member]
        u = u[np.isfinite(u)]
        out["y"].append(float(lat[first]))
        out["x"].append(float(lon[first]))
        out["nm"].append(table[html] if html else -1)
        out["u"].append(round(float(u.max())) if len(u) else 0)
        # a permanent label for named gazetteer places (a few hundred at most, to stay legible)
        named = bool(html) and pd.notna(pid.iloc[first]) and len(uniques) <= MAX_LABELS
        out["lb"].append(1 if named else 0)
    return {"index": codes.tolist(), "table": out}


def _codes(values: pd.Series, table: dict[str, int], strings: list[str], *, escape) -> list[int]:
    """Indices into the shared string table (-1 for missing), escaping each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapping = np.full(len(uniques) + 1, -1, dtype=np.int64)
    for k, value in enumerate(uniques):
        html = escape(value)
        if not html:
            continue
        if html not in table:
            table[html] = len(strings)
            strings.append(html)
        mapping[k] = table[html]
    return mapping[codes].tolist()  # code -1 picks the trailing -1


def _event_attribution(events: pd.DataFrame) -> str:
    datasets = {str(d) for d in column_or_na(events, "dataset").dropna().unique()}
    parts = []
    if any("acled" in d.lower() for d in datasets):
        parts.append(ACLED_HTML)
    if any("ucdp" in d.lower() for d in datasets):
        parts.append(UCDP_HTML)
    if not datasets or any(d.lower() == "scamgeo" for d in datasets):
        parts.append(SCAMGEO_HTML)
    rest = sorted(
        d
        for d in datasets
        if d.lower() != "scamgeo" and "acled" not in d.lower() and "ucdp" not in d.lower()
    )
    parts.extend(f"Events: {_html.text(d)}" for d in rest)
    return " | ".join(parts)


def events_map(
    events: pd.DataFrame,
    *,
    m: folium.Map | None = None,
    name: str = "Events",
    heat: bool = True,
    time_slider: bool = True,
    attribution: str | None = None,
    gazetteer: pd.DataFrame | None = None,
    options: EventMapOptions | None = None,
) -> folium.Map:
    """One marker per place, sized by its events, with a heat layer and a day slider.

    Events are grouped by gazetteer place (``place_id``; rows without one by
    identical point): each place is one marker whose size grows with the
    events shown there (after the day slider) and whose popup lists them
    (date, type, who claims it, source link). A place whose ``uncertainty_m``
    exceeds ``uncertainty_above_m`` also gets a dashed circle of that radius.
    The legend counts events (claims: one side's report of an incident),
    incidents (``incident_id``; a row without one is its own incident) and
    places, as the map shows them.

    All events go into one layer of circle markers drawn on a canvas (above
    2,000 events) from compact columnar data, so 50,000 events make a page of
    a few MB; popups are assembled on click from escaped text.

    Parameters
    ----------
    events : DataFrame or GeoDataFrame
        In the common event schema (:data:`scamgeo.schema.EVENTS`): at least
        ``event_date``, ``event_type`` and a point geometry or
        ``latitude``/``longitude``. Used when present: ``sub_event_type``,
        ``fatalities``, ``location``, ``admin1``, ``country``, ``actor1``,
        ``actor2``, ``notes``, ``source``, ``source_url``, ``source_url_2``,
        ``time_precision`` and ``dataset`` (for the attribution).
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map` around the events).
    name : str, default "Events"
        Layer name.
    heat : bool, default True
        Add a heat layer of the same points (it follows the day slider).
    time_slider : bool, default True
        Add a day slider (all days / up to a day / on a day), shown with the layer.
    attribution : str, optional
        Trusted HTML crediting the event source. Default: from the ``dataset``
        column (ACLED's required citation when ACLED data are present, UCDP's
        for UCDP GED, scamgeo's for the curated table).
    gazetteer : DataFrame, optional
        Places by ``place_id`` with ``name`` (default: :func:`scamgeo.datasets.gazetteer`
        when the events carry ``place_id``), for the places' names and labels.
    options : EventMapOptions, optional
        How the events are encoded and drawn: whether the heat layer shows at
        first, the renderer, the length of notes in popups, the decimals of
        coordinates, compression, the uncertainty circles and place labels.

    Returns
    -------
    folium.Map
        With layers ``name`` (legend: types, sizes, dates) and, if ``heat``,
        "``name`` heat".

    Raises
    ------
    SchemaError
        If a required column is missing.
    ParameterError
        If ``options`` is not an :class:`EventMapOptions`.

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> m = maps.events_map(datasets.events(), options=maps.EventMapOptions(show_heat=True))
    >>> [name for name in maps.map_layers(m) if name.startswith("Events")]
    ['Events', 'Events heat']
    """
    check_table(events, name="events", columns=("event_date", "event_type"))
    opts = options_or_default(options, EventMapOptions)
    pts, dates = _located_and_dated(events)
    m = new_map_for(pts) if m is None else check_map(m)
    data, counts = _event_data(pts, dates, gazetteer=gazetteer, opts=opts)
    data["slider"] = bool(time_slider)
    attribution = _event_attribution(pts) if attribution is None else attribution
    layer = EventLayer(
        data, name=unique_name(m, _html.text(name)), attribution=attribution, compress=opts.compress
    )
    counts["unlocated"] = len(events) - len(pts)
    layer.add_child(_events_legend(name, data, counts, opts))
    layer.add_to(m)
    if heat:
        _heat_layer(layer, m, name=name, show=opts.show_heat).add_to(m)
    return finish(m)


def _located_and_dated(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The events that can be drawn (a point) and their days.

    Dates by the one rule (aware instants on their Bangkok date); a row that is no date is
    refused, named by its label, as daily_counts refuses it: never left off the map unsaid.
    """
    pts = located_points(event_frame(events, name="events"), name="events", what="not drawn")
    return pts, pts["event_date"].dt.normalize()


def _type_order(pts: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Each row's event type as a rank in ACLED's order, and the types' labels and colours."""
    type_codes, type_uniques = pd.factorize(pts["event_type"].astype("string").fillna("Unknown"))
    order = sorted(
        range(len(type_uniques)),
        key=lambda k: (
            EVENT_TYPES.index(type_uniques[k])
            if type_uniques[k] in EVENT_TYPES
            else len(EVENT_TYPES),
            str(type_uniques[k]),
        ),
    )
    rank = np.empty(len(type_uniques), dtype=np.int64)
    rank[order] = np.arange(len(order))
    types = [_html.text(type_uniques[k]) for k in order]
    return rank[type_codes], types, [event_type_color(type_uniques[k]) for k in order]


def _clean(pts: pd.DataFrame, column: str) -> pd.Series:
    values = column_or_na(pts, column).astype("string").str.strip()
    return values.mask(values == "")


def _joined(pts: pd.DataFrame, *cols: str, sep: str = ", ") -> pd.Series:
    out = _clean(pts, cols[0])
    for col in cols[1:]:
        part = _clean(pts, col)
        out = (out + sep + part).fillna(out).fillna(part)
    return out


def _escape_source(key: str) -> str:
    source, url, url2 = (key.split("\x1f") + ["", "", ""])[:3]
    return sources(source or None, url or None, url2 or None)


def _text_columns(
    pts: pd.DataFrame, table: dict[str, int], strings: list[str], *, max_note_chars: int
) -> dict[str, list[int]]:
    """The popup texts as indices into one de-duplicated table of escaped strings."""
    src_keys = (
        _clean(pts, "source").fillna("")
        + "\x1f"
        + _clean(pts, "source_url").fillna("")
        + "\x1f"
        + _clean(pts, "source_url_2").fillna("")
    )
    src_keys = src_keys.mask(src_keys == "\x1f\x1f")

    def codes(values: pd.Series, escape: Any = _html.text) -> list[int]:
        return _codes(values, table, strings, escape=escape)

    return {
        "u": codes(column_or_na(pts, "sub_event_type")),
        "l": codes(_joined(pts, "location", "admin1", "country")),
        "a": codes(column_or_na(pts, "actor1")),
        "b": codes(column_or_na(pts, "actor2")),
        "n": codes(column_or_na(pts, "notes"), lambda v: _html.text(v, max_chars=max_note_chars)),
        "r": codes(src_keys, _escape_source),
        "c": codes(column_or_na(pts, "claimed_by")),
    }


def _event_data(
    pts: pd.DataFrame, dates: pd.Series, *, gazetteer: pd.DataFrame | None, opts: EventMapOptions
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The columnar data the page draws from (machine text), and the counts the legend shows."""
    n = len(pts)
    day0 = dates.min() if n else pd.Timestamp("2025-01-01")
    day_index = ((dates - day0).dt.days.to_numpy() if n else np.zeros(0, dtype=int)).astype(int)
    strings: list[str] = []
    table: dict[str, int] = {}
    ranks, types, colors = _type_order(pts)
    fat = pd.to_numeric(column_or_na(pts, "fatalities"), errors="coerce")
    places = _places(pts, gazetteer=gazetteer, decimals=opts.decimals, table=table, strings=strings)
    incident = _clean(pts, "incident_id")
    own = pd.Series([f"\x1e{k}" for k in range(n)], index=pts.index, dtype="string")
    incident_codes, _ = pd.factorize(incident.fillna(own))
    data: dict[str, Any] = {
        "y": np.round(pts["_lat"].to_numpy(), opts.decimals).tolist(),
        "x": np.round(pts["_lon"].to_numpy(), opts.decimals).tolist(),
        "t": ranks.tolist(),
        "f": [None if pd.isna(v) else int(v) for v in fat.to_numpy(dtype=float, na_value=np.nan)],
        "d": day_index.tolist(),
        **_text_columns(pts, table, strings, max_note_chars=int(opts.max_note_chars)),
        "p": places["index"],
        "i": incident_codes.tolist(),
        "P": places["table"],
    }
    precision = pd.to_numeric(column_or_na(pts, "time_precision"), errors="coerce").fillna(1)
    if (precision > 1).any():
        data["q"] = precision.astype(int).tolist()
    renderer = opts.renderer
    data.update(
        s=strings,
        types=types,
        colors=colors,
        day0=day0.date().isoformat(),
        ndays=int(day_index.max()) if n else 0,
        canvas=renderer == "canvas" or (renderer == "auto" and n > CANVAS_THRESHOLD),
        r0=4.0,
        rk=2.4,
        rmax=24,
        umin=float(opts.uncertainty_above_m),
        labels=bool(opts.labels),
    )
    per_type = np.bincount(ranks, minlength=len(types)) if n else np.zeros(len(types), dtype=int)
    counts = {
        "claims": n,
        "incidents": len(set(incident_codes.tolist())),
        "places": len(places["table"]["y"]),
        "per_type": per_type.tolist(),
        "day0": day0,
    }
    return data, counts


def _events_legend(
    name: str, data: dict[str, Any], counts: dict[str, Any], opts: EventMapOptions
) -> Legend:
    """Types, marker sizes, uncertainty circles, the days and what was counted."""
    rows = [
        f"{swatch_circle(c)} {t} ({fmt.count(k)})"
        for t, c, k in zip(data["types"], data["colors"], counts["per_type"], strict=True)
    ]
    sizes = " ".join(
        f"{swatch_circle(PAPER, radius=min(24, 4.0 + 2.4 * math.sqrt(v)))} {v}" for v in (1, 5, 20)
    )
    rows.append(f"Events at a place: {sizes}")
    above = opts.uncertainty_above_m
    uncertain = sum(1 for u in data["P"]["u"] if u and u > above)
    if uncertain:
        rows.append(
            '<svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6.5" '
            f'fill="{GREY}" fill-opacity="0.08" stroke="{INK_MUTED}" stroke-dasharray="3 2"/></svg> '
            f"Location uncertainty ({uncertain} place{'s' if uncertain != 1 else ''} "
            f"known to worse than {fmt.number(above / 1000)} km)"
        )
    day0 = counts["day0"]
    span = (
        fmt.window(day0, day0 + pd.Timedelta(days=data["ndays"]))
        if counts["claims"]
        else "no events"
    )
    counted = (
        f'<span class="sg-claims">{fmt.count(counts["claims"])}</span> events (claims) of '
        f'<span class="sg-incidents">{fmt.count(counts["incidents"])}</span> incidents at '
        f'<span class="sg-places">{fmt.count(counts["places"])}</span> places'
    )
    unlocated = counts["unlocated"]
    note = (
        f"{span}; one marker per place (grey: several event types); "
        "a claim is one side's report of an incident"
        + (
            f"; {fmt.count(unlocated)} event(s) without a location or date not drawn"
            if unlocated
            else ""
        )
    )
    return Legend(
        legend_html(f"{_html.text(name)}: {counted}", rows, note=note),
        css_class="scamgeo-legend-events",
    )


def _heat_layer(layer: EventLayer, m: folium.Map, *, name: str, show: bool) -> HeatLayer:
    """A heat layer of ``layer``'s points (following its day slider), with its legend."""
    heat_layer = HeatLayer(layer, name=unique_name(m, _html.text(f"{name} heat")), show=show)
    ramp = ",".join(f"{c} {round(float(k) * 100)}%" for k, c in HEAT_GRADIENT.items())
    bar = (
        '<span style="display:inline-block;width:140px;height:10px;'
        f'background:linear-gradient(90deg,{ramp})"></span>'
    )
    heat_layer.add_child(
        Legend(
            legend_html(
                f"{_html.text(name)}: density",
                [bar],
                note="few events → many events (follows the day slider)",
            ),
            css_class="scamgeo-legend-heat",
        )
    )
    return heat_layer
