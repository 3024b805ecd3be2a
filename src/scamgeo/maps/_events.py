"""Events on a web map: one point layer or a heat map."""

from __future__ import annotations

import math
from typing import Any

import folium
import numpy as np
import pandas as pd

from .. import _html, fmt
from .._errors import ParameterError, ScamgeoError
from .._inputs import located_points
from .._time import date_column
from .._validate import check_choice, check_positive
from ..schema import EVENT_TYPES
from ..style import GREY, INK_MUTED, PAPER, event_type_color
from ._base import new_map_for
from ._common import (
    ACLED_HTML,
    CANVAS_THRESHOLD,
    RENDERERS,
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
    show_heat: bool = False,
    time_slider: bool = True,
    renderer: str = "auto",
    max_note_chars: int = 280,
    decimals: int = 4,
    attribution: str | None = None,
    compress: bool | None = None,
    gazetteer: pd.DataFrame | None = None,
    uncertainty_above_m: float = 2000.0,
    labels: bool = True,
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
    show_heat : bool, default False
        Whether the heat layer is on when the map opens.
    time_slider : bool, default True
        Add a day slider (all days / up to a day / on a day), shown with the layer.
    renderer : {"auto", "canvas", "svg"}
        ``auto`` draws on a canvas above 2,000 events, else as SVG paths.
    max_note_chars : int, default 280
        Notes longer than this are cut (with "…") in popups.
    decimals : int, default 4
        Coordinates are rounded to this many decimals (4 ≈ 11 m).
    attribution : str, optional
        Trusted HTML crediting the event source. Default: from the ``dataset``
        column (ACLED's required citation when ACLED data are present, UCDP's
        for UCDP GED, scamgeo's for the curated table).
    compress : bool, optional
        Put the event data in the page gzip-compressed (base64), inflated by
        the browser's ``DecompressionStream``. Default: when they exceed 1 MB.
    gazetteer : DataFrame, optional
        Places by ``place_id`` with ``name`` (default: :func:`scamgeo.datasets.gazetteer`
        when the events carry ``place_id``), for the places' names and labels.
    uncertainty_above_m : float, default 2000
        Draw the uncertainty circle of places whose ``uncertainty_m`` exceeds this.
    labels : bool, default True
        Permanent name labels for the places drawn (readable without tiles).

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
        For an unknown ``renderer`` or a bad number.
    """
    check_table(events, name="events", columns=("event_date", "event_type"))
    check_choice(renderer, RENDERERS, name="renderer")
    max_note_chars = int(check_positive(max_note_chars, name="max_note_chars"))
    if not 0 <= int(decimals) <= 7:
        raise ParameterError(f"decimals={decimals!r} must be between 0 and 7 (4 ≈ 11 m).")
    pts = located_points(events, name="events", what="not drawn")
    dates = date_column(pts, "event_date", source="events", allow_missing=True)
    if dates.isna().any():
        logger.info(
            "events: %d rows without a readable event_date are not drawn", int(dates.isna().sum())
        )
        pts, dates = pts[dates.notna()], dates[dates.notna()]
    m = new_map_for(pts) if m is None else check_map(m)
    n = len(pts)
    dates = dates.dt.normalize()
    day0 = dates.min() if n else pd.Timestamp("2025-01-01")
    day_index = ((dates - day0).dt.days.to_numpy() if n else np.zeros(0, dtype=int)).astype(int)

    strings: list[str] = []
    table: dict[str, int] = {}

    types_raw = pts["event_type"].astype("string").fillna("Unknown")
    type_codes, type_uniques = pd.factorize(types_raw)
    type_order = sorted(
        range(len(type_uniques)),
        key=lambda k: (
            EVENT_TYPES.index(type_uniques[k])
            if type_uniques[k] in EVENT_TYPES
            else len(EVENT_TYPES),
            str(type_uniques[k]),
        ),
    )
    rank = np.empty(len(type_uniques), dtype=np.int64)
    rank[type_order] = np.arange(len(type_order))
    types = [_html.text(type_uniques[k]) for k in type_order]
    colors = [event_type_color(type_uniques[k]) for k in type_order]

    fat = pd.to_numeric(column_or_na(pts, "fatalities"), errors="coerce")
    fatalities = [
        None if pd.isna(v) else int(v) for v in fat.to_numpy(dtype=float, na_value=np.nan)
    ]

    def clean(column: str) -> pd.Series:
        values = column_or_na(pts, column).astype("string").str.strip()
        return values.mask(values == "")

    def joined(*cols: str, sep: str = ", ") -> pd.Series:
        out = clean(cols[0])
        for col in cols[1:]:
            part = clean(col)
            out = (out + sep + part).fillna(out).fillna(part)
        return out

    src_keys = (
        clean("source").fillna("")
        + "\x1f"
        + clean("source_url").fillna("")
        + "\x1f"
        + clean("source_url_2").fillna("")
    )
    src_keys = src_keys.mask(src_keys == "\x1f\x1f")

    def escape_source(key: str) -> str:
        source, url, url2 = (key.split("\x1f") + ["", "", ""])[:3]
        return sources(source or None, url or None, url2 or None)

    places = _places(pts, gazetteer=gazetteer, decimals=decimals, table=table, strings=strings)
    incident = column_or_na(pts, "incident_id").astype("string").str.strip()
    incident = incident.mask(incident == "")
    own = pd.Series([f"\x1e{k}" for k in range(n)], index=pts.index, dtype="string")
    incident_codes, _ = pd.factorize(incident.fillna(own))
    data: dict[str, Any] = {
        "y": np.round(pts["_lat"].to_numpy(), decimals).tolist(),
        "x": np.round(pts["_lon"].to_numpy(), decimals).tolist(),
        "t": rank[type_codes].tolist(),
        "f": fatalities,
        "d": day_index.tolist(),
        "u": _codes(column_or_na(pts, "sub_event_type"), table, strings, escape=_html.text),
        "l": _codes(joined("location", "admin1", "country"), table, strings, escape=_html.text),
        "a": _codes(column_or_na(pts, "actor1"), table, strings, escape=_html.text),
        "b": _codes(column_or_na(pts, "actor2"), table, strings, escape=_html.text),
        "n": _codes(
            column_or_na(pts, "notes"),
            table,
            strings,
            escape=lambda v: _html.text(v, max_chars=max_note_chars),
        ),
        "r": _codes(src_keys, table, strings, escape=escape_source),
        "c": _codes(column_or_na(pts, "claimed_by"), table, strings, escape=_html.text),
        "p": places["index"],
        "i": incident_codes.tolist(),
        "P": places["table"],
    }
    precision = (
        pd.to_numeric(column_or_na(pts, "time_precision"), errors="coerce")
        .fillna(1)
        .astype(int)
        .to_numpy()
    )
    if (precision > 1).any():
        data["q"] = precision.tolist()
    data.update(
        {
            "s": strings,
            "types": types,
            "colors": colors,
            "day0": day0.date().isoformat(),  # for the browser, not for reading
            "ndays": int(day_index.max()) if n else 0,
            "canvas": renderer == "canvas" or (renderer == "auto" and n > CANVAS_THRESHOLD),
            "slider": bool(time_slider),
            "r0": 4.0,
            "rk": 2.4,
            "rmax": 24,
            "umin": float(check_positive(uncertainty_above_m, name="uncertainty_above_m")),
            "labels": bool(labels),
        }
    )
    attribution = _event_attribution(pts) if attribution is None else attribution
    layer = EventLayer(
        data, name=unique_name(m, _html.text(name)), attribution=attribution, compress=compress
    )

    type_counts = (
        np.bincount(rank[type_codes], minlength=len(types))
        if n
        else np.zeros(len(types), dtype=int)
    )
    n_places = len(places["table"]["y"])
    n_incidents = int(len(set(incident_codes.tolist())))
    rows = [
        f"{swatch_circle(c)} {t} ({fmt.count(k)})"
        for t, c, k in zip(types, colors, type_counts, strict=True)
    ]
    sizes = " ".join(
        f"{swatch_circle(PAPER, radius=min(24, 4.0 + 2.4 * math.sqrt(v)))} {v}" for v in (1, 5, 20)
    )
    rows.append(f"Events at a place: {sizes}")
    uncertain = sum(1 for u in places["table"]["u"] if u and u > uncertainty_above_m)
    if uncertain:
        rows.append(
            '<svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6.5" '
            f'fill="{GREY}" fill-opacity="0.08" stroke="{INK_MUTED}" stroke-dasharray="3 2"/></svg> '
            f"Location uncertainty ({uncertain} place{'s' if uncertain != 1 else ''} "
            f"known to worse than {fmt.number(uncertainty_above_m / 1000)} km)"
        )
    span = fmt.window(day0, day0 + pd.Timedelta(days=data["ndays"])) if n else "no events"
    unlocated = len(events) - n
    counted = (
        f'<span class="sg-claims">{fmt.count(n)}</span> events (claims) of '
        f'<span class="sg-incidents">{fmt.count(n_incidents)}</span> incidents at '
        f'<span class="sg-places">{fmt.count(n_places)}</span> places'
    )
    layer.add_child(
        Legend(
            legend_html(
                f"{_html.text(name)}: {counted}",
                rows,
                note=f"{span}; one marker per place (grey: several event types); "
                "a claim is one side's report of an incident"
                + (
                    f"; {fmt.count(unlocated)} event(s) without a location or date not drawn"
                    if unlocated
                    else ""
                ),
            ),
            css_class="scamgeo-legend-events",
        )
    )
    layer.add_to(m)
    if heat:
        heat_layer = HeatLayer(
            layer, name=unique_name(m, _html.text(f"{name} heat")), show=show_heat
        )
        ramp = ",".join(f"{c} {round(float(k) * 100)}%" for k, c in HEAT_GRADIENT.items())
        heat_layer.add_child(
            Legend(
                legend_html(
                    f"{_html.text(name)}: density",
                    [
                        f'<span style="display:inline-block;width:140px;height:10px;background:linear-gradient(90deg,{ramp})">'
                        "</span>"
                    ],
                    note="few events → many events (follows the day slider)",
                ),
                css_class="scamgeo-legend-heat",
            )
        )
        heat_layer.add_to(m)
    return finish(m)
