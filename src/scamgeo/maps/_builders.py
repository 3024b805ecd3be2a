"""The folium map builders (imported lazily by :mod:`scamgeo.maps`)."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _html, config
from .._errors import CRSError, DataSourceError, ParameterError, SchemaError
from .._files import atomic_write_text
from .._validate import check_choice, check_positive, closest, require_columns
from ..schema import EVENT_TYPES, SITE_KINDS
from ._assets import inline_assets, remote_references
from ._elements import (
    HEAT_GRADIENT,
    BlankLayer,
    EventLayer,
    HeatLayer,
    Legend,
    RefitOnLoad,
    VectorLayer,
)
from ._style import OTHER_COLOR, SITE_KIND_LABELS, SITE_KIND_STYLE, event_type_color

__all__ = [
    "ACLED_ATTRIBUTION",
    "GEONAMES_ATTRIBUTION",
    "NATURAL_EARTH_ATTRIBUTION",
    "MapDisplay",
    "add_layer_control",
    "base_map",
    "displacement_map",
    "display_map",
    "events_map",
    "map_layers",
    "rings_map",
    "save_map",
    "sites_map",
    "to_html",
]

logger = logging.getLogger(__name__)

#: Attribution of the Natural Earth boundaries (public domain; credit requested).
NATURAL_EARTH_ATTRIBUTION = (
    'Boundaries: <a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener noreferrer">'
    "Made with Natural Earth</a>"
)
#: Attribution of GeoNames places (CC BY 4.0).
GEONAMES_ATTRIBUTION = 'Places: <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a> (CC BY 4.0)'
#: Citation ACLED's attribution policy requires wherever its data are shown.
ACLED_ATTRIBUTION = (
    'Events: Armed Conflict Location &amp; Event Data (ACLED), <a href="https://acleddata.com" '
    'target="_blank" rel="noopener noreferrer">acleddata.com</a>'
)
_UCDP_ATTRIBUTION = (
    'Events: UCDP Georeferenced Event Dataset (Sundberg &amp; Melander 2013), <a href="https://ucdp.uu.se" '
    'target="_blank" rel="noopener noreferrer">ucdp.uu.se</a>'
)
_SCAMGEO_ATTRIBUTION = "Events: scamgeo (sources in popups)"
_SITES_ATTRIBUTION = "Sites: scamgeo (sources in popups)"
_DISPLACEMENT_ATTRIBUTION = "Displacement: as published (sources in popups)"

_REGION_PADDING_DEG = 1.0
_CANVAS_THRESHOLD = 2000
_RENDERERS = ("auto", "canvas", "svg")
_METRICS = ("evacuated", "in_shelters", "displaced_total", "remaining", "returned")
_METRIC_LABELS = {
    "evacuated": "Evacuated",
    "in_shelters": "In shelters",
    "displaced_total": "Displaced (total)",
    "remaining": "Still displaced",
    "returned": "Returned",
}
_RING_COLORS = ("#B2182B", "#EF8A62", "#FDDBC7", "#F4A582", "#D6604D")


# --- small helpers -------------------------------------------------------------


def _check_map(m: Any) -> folium.Map:
    if not isinstance(m, folium.Map):
        raise ParameterError(
            f"m must be a folium.Map (e.g. from scamgeo.maps.base_map()), got {type(m).__name__}."
        )
    return m


def map_layers(m: folium.Map) -> dict[str, Any]:
    """The layers of ``m`` by their name in the layer control (tiles, vectors, events, heat).

    Parameters
    ----------
    m : folium.Map

    Returns
    -------
    dict
        ``{layer name: folium element}`` in the order they were added.
    """
    _check_map(m)
    return {
        child.layer_name: child
        for child in m._children.values()
        if isinstance(child, folium.map.Layer) and getattr(child, "control", False)
    }


def _unique_name(m: folium.Map, name: str) -> str:
    taken = set(map_layers(m))
    if name not in taken:
        return name
    k = 2
    while f"{name} ({k})" in taken:
        k += 1
    return f"{name} ({k})"


def add_layer_control(m: folium.Map, *, collapsed: bool = False) -> folium.Map:
    """Put one layer control last on ``m`` (replacing any earlier one) and return ``m``.

    The builders call this for you; call it yourself after adding your own layers.
    """
    _check_map(m)
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
    folium.LayerControl(position="topright", collapsed=collapsed).add_to(m)
    return m


def _finish(m: folium.Map) -> folium.Map:
    """Keep the layer control after every layer (it lists the layers it finds before it),
    and make sure the map fits its bounds once laid out (see ``RefitOnLoad``)."""
    if not any(isinstance(c, RefitOnLoad) for c in m._children.values()):
        m.add_child(RefitOnLoad())
    existing = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    collapsed = bool(existing[-1].options.get("collapsed", False)) if existing else False
    return add_layer_control(m, collapsed=collapsed)


def _points(frame: pd.DataFrame, *, name: str) -> gpd.GeoDataFrame:
    """``frame`` as points in EPSG:4326: its geometry, else its latitude/longitude columns."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        if frame.crs is None:
            raise CRSError(
                f"{name} has no CRS; set it (e.g. .set_crs('EPSG:4326')) — scamgeo never guesses a CRS."
            )
        gdf = (
            frame.to_crs(config.GEOGRAPHIC_CRS)
            if not frame.crs.equals(config.GEOGRAPHIC_CRS)
            else frame
        )
        geoms = gdf.geometry.to_numpy()
        x = np.full(len(gdf), np.nan)
        y = np.full(len(gdf), np.nan)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        is_point = present & (shapely.get_type_id(geoms) == 0)
        x[is_point] = shapely.get_x(geoms[is_point])
        y[is_point] = shapely.get_y(geoms[is_point])
        other = present & ~is_point
        if other.any():  # polygons, lines: a point on the feature
            surface = shapely.point_on_surface(geoms[other])
            x[other] = shapely.get_x(surface)
            y[other] = shapely.get_y(surface)
        return gpd.GeoDataFrame(
            pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).assign(_lon=x, _lat=y),
            geometry=gpd.points_from_xy(x, y),
            crs=config.GEOGRAPHIC_CRS,
            index=gdf.index,
        )
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{name} must be a (Geo)DataFrame, got {type(frame).__name__}.")
    require_columns(frame.columns, ["latitude", "longitude"], source=name)
    x = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    y = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return gpd.GeoDataFrame(
        pd.DataFrame(frame).assign(_lon=x, _lat=y),
        geometry=gpd.points_from_xy(x, y),
        crs=config.GEOGRAPHIC_CRS,
    )


def _located(points: gpd.GeoDataFrame, *, name: str) -> gpd.GeoDataFrame:
    ok = np.isfinite(points["_lon"].to_numpy()) & np.isfinite(points["_lat"].to_numpy())
    if not ok.all():
        logger.info(
            "%s: %d of %d rows have no coordinates and are not drawn",
            name,
            int((~ok).sum()),
            len(points),
        )
    return points[ok]


def _col(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column, or an all-missing Series when the frame does not have it."""
    if column in frame.columns:
        return frame[column]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def _round_geometry(
    geoms: gpd.GeoSeries, *, simplify_deg: float, decimals: int = 4
) -> gpd.GeoSeries:
    out = geoms
    if simplify_deg > 0:
        out = out.simplify(simplify_deg, preserve_topology=True)
    return gpd.GeoSeries(
        shapely.set_precision(out.to_numpy(), 10.0**-decimals), index=geoms.index, crs=geoms.crs
    )


def _feature_collection(geoms: gpd.GeoSeries, properties: list[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for geom, props in zip(geoms, properties, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}
        )
    return {"type": "FeatureCollection", "features": features}


def _bounds_of(gdf: gpd.GeoDataFrame, *, pad_deg: float = 0.5) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = gdf.total_bounds
    bx0, by0, bx1, by1 = config.BBOX
    return (
        max(bx0, minx - pad_deg),
        max(by0, miny - pad_deg),
        min(bx1, maxx + pad_deg),
        min(by1, maxy + pad_deg),
    )


def _legend_html(title: str, rows: list[str], *, note: str = "") -> str:
    body = "".join(f'<div class="sg-row">{r}</div>' for r in rows)
    tail = f'<div class="sg-note">{note}</div>' if note else ""
    return f"<h4>{title}</h4>{body}{tail}"


def _swatch_circle(color: str, *, radius: float = 6.0, stroke: str = "#222") -> str:
    size = 2 * radius + 2
    return (
        f'<svg width="{size:g}" height="{size:g}" aria-hidden="true"><circle cx="{size / 2:g}" cy="{size / 2:g}" '
        f'r="{radius:g}" fill="{color}" fill-opacity="0.8" stroke="{stroke}" stroke-width="0.8"/></svg>'
    )


def _swatch_line(color: str, *, width: float = 2.5, dash: str = "") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="24" height="10" aria-hidden="true"><line x1="1" y1="5" x2="23" y2="5" stroke="{color}" '
        f'stroke-width="{width:g}"{dash_attr}/></svg>'
    )


def _swatch_fill(color: str, *, stroke: str = "#777", opacity: float = 0.6) -> str:
    return (
        f'<svg width="16" height="12" aria-hidden="true"><rect x="1" y="1" width="14" height="10" fill="{color}" '
        f'fill-opacity="{opacity:g}" stroke="{stroke}"/></svg>'
    )


def _site_symbol(kind: str, *, size: float | None = None) -> tuple[str, float]:
    """Inline SVG of a site kind's symbol (shape and colour as in the static plots)."""
    style = SITE_KIND_STYLE.get(kind, {"shape": "circle", "color": OTHER_COLOR, "size": 7})
    w = float(size or (style["size"] * 2 + 4))
    c, h = w / 2, w / 2 - 1.5
    shape = style["shape"]
    if shape == "diamond":
        geom = f'<polygon points="{c},{c - h} {c + h},{c} {c},{c + h} {c - h},{c}"/>'
    elif shape == "small_diamond":
        geom = f'<polygon points="{c},{c - h} {c + h * 0.6},{c} {c},{c + h} {c - h * 0.6},{c}"/>'
    elif shape == "square":
        s = h * 0.8
        geom = f'<rect x="{c - s}" y="{c - s}" width="{2 * s}" height="{2 * s}"/>'
    elif shape == "triangle":
        geom = f'<polygon points="{c},{c - h} {c + h},{c + h * 0.8} {c - h},{c + h * 0.8}"/>'
    elif shape == "hexagon":
        pts = " ".join(
            f"{c + h * math.cos(math.radians(a)):.2f},{c + h * math.sin(math.radians(a)):.2f}"
            for a in range(30, 390, 60)
        )
        geom = f'<polygon points="{pts}"/>'
    else:
        geom = f'<circle cx="{c}" cy="{c}" r="{h * 0.8}"/>'
    svg = (
        f'<svg width="{w:g}" height="{w:g}" viewBox="0 0 {w:g} {w:g}" aria-hidden="true">'
        f'<g fill="{style["color"]}" stroke="#fff" stroke-width="1.2" paint-order="stroke">{geom}</g>'
        f'<g fill="none" stroke="#222" stroke-width="0.7">{geom}</g></svg>'
    )
    return svg, w


def _popup(title: str, rows: list[tuple[str, str]], *, color: str = "#999") -> str:
    """Popup HTML from *escaped* pieces (labels are constants of this module)."""
    body = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows if value)
    return (
        f'<div class="scamgeo-popup"><div class="sg-title" style="border-color:{color}">{title}</div>'
        f"<table>{body}</table></div>"
    )


def _date_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return _html.text(value)


def _sources(source: Any, url: Any, url_2: Any = None) -> str:
    """Escaped 'publisher (link)' HTML; only http(s) URLs become links."""
    first = (
        _html.link(url, source if not _missing(source) else "source")
        if not _missing(url)
        else _html.text(source)
    )
    second = _html.link(url_2, "second source") if not _missing(url_2) else ""
    return " · ".join(p for p in (first, second) if p)


def _missing(value: Any) -> bool:
    return _html.text(value) == ""


# --- base map ------------------------------------------------------------------


def base_map(
    provinces: gpd.GeoDataFrame | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    m: folium.Map | None = None,
    tiles: Sequence[str] | str | None = None,
    bounds: Sequence[float] | None = None,
    simplify_deg: float = 0.002,
    width: str | int = "100%",
    height: str | int = "100%",
) -> folium.Map:
    """A map of the region drawn from the embedded vector geography (no tiles needed).

    Parameters
    ----------
    provinces : GeoDataFrame, optional
        Province polygons with ``name`` and ``iso_3166_2`` (default: the
        embedded Thai and Cambodian provinces, :func:`scamgeo.datasets.provinces`).
    countries : GeoDataFrame, optional
        Country polygons with ``name`` (default: :func:`scamgeo.datasets.countries`).
    border : GeoDataFrame, optional
        The border line(s) to stress (default: Thailand–Cambodia,
        :func:`scamgeo.datasets.border`).
    places : GeoDataFrame, optional
        Towns to mark, with ``name`` (default: the GeoNames gazetteer,
        :func:`scamgeo.datasets.places`). Pass an empty frame for none.
    m : folium.Map, optional
        Add the layers to this map instead of a new one.
    tiles : str or list of str, optional
        Tile layers offered as base layers when the reader is online (folium or
        xyzservices names, e.g. ``"OpenStreetMap"``, ``"OpenTopoMap"``);
        a "No tiles (offline)" base layer is added beside them. Default: none.
    bounds : (min lon, min lat, max lon, max lat), optional
        View to open on (default: the Thailand–Cambodia border with 1° around it).
    simplify_deg : float, default 0.002
        Simplify polygons to this tolerance in degrees (~200 m) to keep the page small.
    width, height : str or int
        Size of a new map.

    Returns
    -------
    folium.Map
        With overlay layers "Countries", "Provinces", "Border" and "Towns", each
        attributed (Natural Earth, GeoNames), and a layer control.
    """
    from .. import datasets

    simplify_deg = check_positive(simplify_deg, name="simplify_deg", allow_zero=True)
    countries = datasets.countries() if countries is None else countries
    provinces = datasets.provinces() if provinces is None else provinces
    border = datasets.border() if border is None else border
    places = datasets.places() if places is None else places
    for frame, label, cols in (
        (countries, "countries", ["name"]),
        (provinces, "provinces", ["name"]),
        (places, "places", ["name"]),
    ):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise ParameterError(f"{label} must be a GeoDataFrame, got {type(frame).__name__}.")
        require_columns(frame.columns, cols, source=label)
    if bounds is None:
        bounds = _bounds_of(border if len(border) else provinces, pad_deg=_REGION_PADDING_DEG)
    if len(bounds) != 4:
        raise ParameterError(
            f"bounds must be (min lon, min lat, max lon, max lat), got {bounds!r}."
        )
    west, south, east, north = (float(b) for b in bounds)

    if m is None:
        m = folium.Map(
            location=[(south + north) / 2, (west + east) / 2],
            zoom_start=7,
            tiles=None,
            control_scale=True,
            width=width,
            height=height,
        )
        m.fit_bounds([[south, west], [north, east]])
    _check_map(m)

    if tiles is not None:
        names = [tiles] if isinstance(tiles, str) else list(tiles)
        for k, tile in enumerate(names):
            label = tile if isinstance(tile, str) else getattr(tile, "name", str(tile))
            folium.TileLayer(
                tile, name=_html.text(label), overlay=False, control=True, show=k == 0
            ).add_to(m)
        BlankLayer(show=not names).add_to(m)

    ne = NATURAL_EARTH_ATTRIBUTION
    cg = countries.to_crs(config.GEOGRAPHIC_CRS)
    in_region = (
        cg["in_region"].fillna(False).astype(bool).to_numpy()
        if "in_region" in cg.columns
        else np.ones(len(cg), dtype=bool)
    )
    props = [
        {
            "tip": _html.text(name),
            "st": {} if inside else {"fillColor": "#e4e4e4", "fillOpacity": 0.5},
        }
        for name, inside in zip(cg["name"], in_region, strict=True)
    ]
    layer = VectorLayer(
        _feature_collection(_round_geometry(cg.geometry, simplify_deg=simplify_deg), props),
        name=_unique_name(m, "Countries"),
        style={"color": "#8c8c8c", "weight": 1, "fillColor": "#f3efe6", "fillOpacity": 0.85},
        attribution=ne,
    )
    layer.add_child(
        Legend(
            _legend_html(
                "Base map",
                [
                    f"{_swatch_fill('#f3efe6')} Country",
                    f"{_swatch_fill('#ffffff', stroke='#b3b3b3', opacity=0)} Province (TH, KH)",
                    f"{_swatch_line('#222222', dash='6 4')} Border",
                ],
            ),
            css_class="scamgeo-legend-base",
            position="bottomright",
        )
    )
    layer.add_to(m)

    pg = provinces.to_crs(config.GEOGRAPHIC_CRS)
    codes = _col(pg, "iso_3166_2")
    props = [
        {"tip": _html.text(name) + (f" ({_html.text(code)})" if not _missing(code) else "")}
        for name, code in zip(pg["name"], codes, strict=True)
    ]
    VectorLayer(
        _feature_collection(_round_geometry(pg.geometry, simplify_deg=simplify_deg), props),
        name=_unique_name(m, "Provinces"),
        style={"color": "#a6a6a6", "weight": 0.8, "fill": True, "fillOpacity": 0.0},
        attribution=ne,
    ).add_to(m)

    bg = border.to_crs(config.GEOGRAPHIC_CRS)
    names = bg["name"] if "name" in bg.columns else pd.Series("Border", index=bg.index)
    length = _col(bg, "length_km")
    props = [
        {
            "tip": _html.text(name)
            + (f" border, {float(km):,.0f} km at 1:10m" if not _missing(km) else "")
        }
        for name, km in zip(names, length, strict=True)
    ]
    VectorLayer(
        _feature_collection(_round_geometry(bg.geometry, simplify_deg=simplify_deg / 4), props),
        name=_unique_name(m, "Border"),
        style={"color": "#222222", "weight": 2.6, "dashArray": "6 4", "opacity": 0.9},
        attribution=ne,
    ).add_to(m)

    if len(places):
        pts = _located(_points(places, name="places"), name="places")
        props = [{"tip": _html.text(name)} for name in pts["name"]]
        VectorLayer(
            _feature_collection(_round_geometry(pts.geometry, simplify_deg=0), props),
            name=_unique_name(m, "Towns"),
            point_style={
                "radius": 3,
                "color": "#ffffff",
                "weight": 1,
                "fillColor": "#444444",
                "fillOpacity": 1,
            },
            attribution=GEONAMES_ATTRIBUTION,
        ).add_to(m)
    return _finish(m)


def _new_map_for(points: gpd.GeoDataFrame) -> folium.Map:
    bounds = _bounds_of(points) if len(points) else None
    return base_map(bounds=bounds)


# --- sites ---------------------------------------------------------------------


def sites_map(
    sites: pd.DataFrame,
    *,
    m: folium.Map | None = None,
    name: str = "Sites",
    show: bool = True,
) -> folium.Map:
    """Casino hubs, casinos, scam compounds, crossings and SEZs, one symbol per kind.

    Parameters
    ----------
    sites : DataFrame or GeoDataFrame
        In the sites schema (:data:`scamgeo.schema.SITES`): at least ``name``,
        ``kind`` and a point geometry or ``latitude``/``longitude``. Used when
        present: ``country``, ``admin1``, ``status``, ``active_from``/``active_to``,
        ``location_note``, ``notes``, ``source``/``source_url``/``source_url_2``
        and the war-damage columns ``damage_date``, ``damage_note``,
        ``damage_claimed_by``, ``damage_source_url``.
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map` around the sites).
    name : str
        Layer name in the layer control.
    show : bool
        Whether the layer is on when the map opens.

    Returns
    -------
    folium.Map
        With one "Sites" layer (a popup and tooltip per site) and its legend.
    """
    if not isinstance(sites, pd.DataFrame):
        raise ParameterError(f"sites must be a (Geo)DataFrame, got {type(sites).__name__}.")
    require_columns(sites.columns, ["name", "kind"], source="sites")
    pts = _located(_points(sites, name="sites"), name="sites")
    m = _new_map_for(pts) if m is None else _check_map(m)

    kinds_present = [k for k in SITE_KINDS if k in set(pts["kind"].astype(str))]
    others = sorted(set(pts["kind"].astype(str)) - set(SITE_KINDS))
    all_kinds = kinds_present + others
    icons = []
    for kind in all_kinds:
        svg, w = _site_symbol(kind)
        icons.append(
            {
                "svg": svg,
                "w": w,
                "cls": f"scamgeo-site scamgeo-site-{kind if kind in SITE_KINDS else 'other'}",
            }
        )
    icon_of = {k: i for i, k in enumerate(all_kinds)}

    props = []
    for row in pts.itertuples(index=False):
        r = row._asdict()
        kind = str(r["kind"])
        kind_label = SITE_KIND_LABELS.get(kind, _html.text(kind))
        active = " – ".join(
            p for p in (_html.text(r.get("active_from")), _html.text(r.get("active_to"))) if p
        )
        damage = ""
        if not _missing(r.get("damage_note")) or not _missing(r.get("damage_date")):
            parts = [
                _date_text(r.get("damage_date")),
                _html.text(r.get("damage_note")),
                f"claimed by {_html.text(r.get('damage_claimed_by'))}"
                if not _missing(r.get("damage_claimed_by"))
                else "",
                _html.link(r.get("damage_source_url"), "report"),
            ]
            damage = "; ".join(p for p in parts if p)
        where = ", ".join(
            p for p in (_html.text(r.get("admin1")), _html.text(r.get("country"))) if p
        )
        rows = [
            ("Kind", kind_label),
            ("Where", where),
            ("Status", _html.text(r.get("status"))),
            ("Active", active),
            ("Location", _html.text(r.get("location_note"))),
            ("Notes", _html.text(r.get("notes"))),
            ("War damage", damage),
            ("Source", _sources(r.get("source"), r.get("source_url"), r.get("source_url_2"))),
        ]
        color = str(SITE_KIND_STYLE.get(kind, {"color": OTHER_COLOR})["color"])
        props.append(
            {
                "i": icon_of[kind],
                "tip": f"{_html.text(r['name'])} ({kind_label})",
                "pop": _popup(_html.text(r["name"], default="(unnamed)"), rows, color=color),
            }
        )
    layer = VectorLayer(
        _feature_collection(_round_geometry(pts.geometry, simplify_deg=0, decimals=5), props),
        name=_unique_name(m, _html.text(name)),
        icons=icons,
        attribution=_SITES_ATTRIBUTION,
        show=show,
    )
    counts = pts["kind"].astype(str).value_counts()
    legend_rows = [
        f"{icons[icon_of[k]]['svg']} {SITE_KIND_LABELS.get(k, _html.text(k))} ({int(counts[k])})"
        for k in all_kinds
    ]
    damaged = int((_col(pts, "damage_note").notna() | _col(pts, "damage_date").notna()).sum())
    note = f"{damaged} with reported war damage (see popups)" if damaged else ""
    layer.add_child(
        Legend(
            _legend_html(_html.text(name), legend_rows, note=note), css_class="scamgeo-legend-sites"
        )
    )
    layer.add_to(m)
    return _finish(m)


# --- events --------------------------------------------------------------------


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
    datasets = {str(d) for d in _col(events, "dataset").dropna().unique()}
    parts = []
    if any("acled" in d.lower() for d in datasets):
        parts.append(ACLED_ATTRIBUTION)
    if any("ucdp" in d.lower() for d in datasets):
        parts.append(_UCDP_ATTRIBUTION)
    if not datasets or any(d.lower() == "scamgeo" for d in datasets):
        parts.append(_SCAMGEO_ATTRIBUTION)
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
) -> folium.Map:
    """Events coloured by event type and sized by fatalities, with a heat layer and a day slider.

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
    if not isinstance(events, pd.DataFrame):
        raise ParameterError(f"events must be a (Geo)DataFrame, got {type(events).__name__}.")
    require_columns(events.columns, ["event_date", "event_type"], source="events")
    check_choice(renderer, _RENDERERS, name="renderer")
    max_note_chars = int(check_positive(max_note_chars, name="max_note_chars"))
    if not 0 <= int(decimals) <= 7:
        raise ParameterError(f"decimals={decimals!r} must be between 0 and 7 (4 ≈ 11 m).")
    pts = _located(_points(events, name="events"), name="events")
    dates = pd.to_datetime(pts["event_date"], errors="coerce")
    if dates.isna().any():
        logger.info(
            "events: %d rows without a readable event_date are not drawn", int(dates.isna().sum())
        )
        pts, dates = pts[dates.notna()], dates[dates.notna()]
    m = _new_map_for(pts) if m is None else _check_map(m)
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

    fat = pd.to_numeric(_col(pts, "fatalities"), errors="coerce")
    fatalities = [
        None if pd.isna(v) else int(v) for v in fat.to_numpy(dtype=float, na_value=np.nan)
    ]

    def clean(column: str) -> pd.Series:
        values = _col(pts, column).astype("string").str.strip()
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
        return _sources(source or None, url or None, url2 or None)

    data: dict[str, Any] = {
        "y": np.round(pts["_lat"].to_numpy(), decimals).tolist(),
        "x": np.round(pts["_lon"].to_numpy(), decimals).tolist(),
        "t": rank[type_codes].tolist(),
        "f": fatalities,
        "d": day_index.tolist(),
        "u": _codes(_col(pts, "sub_event_type"), table, strings, escape=_html.text),
        "l": _codes(joined("location", "admin1", "country"), table, strings, escape=_html.text),
        "a": _codes(_col(pts, "actor1"), table, strings, escape=_html.text),
        "b": _codes(_col(pts, "actor2"), table, strings, escape=_html.text),
        "n": _codes(
            _col(pts, "notes"),
            table,
            strings,
            escape=lambda v: _html.text(v, max_chars=max_note_chars),
        ),
        "r": _codes(src_keys, table, strings, escape=escape_source),
    }
    precision = (
        pd.to_numeric(_col(pts, "time_precision"), errors="coerce").fillna(1).astype(int).to_numpy()
    )
    if (precision > 1).any():
        data["q"] = precision.tolist()
    data.update(
        {
            "s": strings,
            "types": types,
            "colors": colors,
            "day0": day0.strftime("%Y-%m-%d"),
            "ndays": int(day_index.max()) if n else 0,
            "canvas": renderer == "canvas" or (renderer == "auto" and n > _CANVAS_THRESHOLD),
            "slider": bool(time_slider),
            "r0": 3.5,
            "rk": 1.6,
            "rmax": 18,
        }
    )
    attribution = _event_attribution(pts) if attribution is None else attribution
    layer = EventLayer(
        data, name=_unique_name(m, _html.text(name)), attribution=attribution, compress=compress
    )

    type_counts = (
        np.bincount(rank[type_codes], minlength=len(types))
        if n
        else np.zeros(len(types), dtype=int)
    )
    rows = [
        f"{_swatch_circle(c)} {t} ({int(k):,})"
        for t, c, k in zip(types, colors, type_counts, strict=True)
    ]
    sizes = " ".join(
        f"{_swatch_circle('#ffffff', radius=min(18, 3.5 + 1.6 * math.sqrt(v)))} {v}"
        for v in (1, 10, 100)
    )
    rows.append(f"Fatalities: {sizes}")
    span = (
        f"{day0:%Y-%m-%d} to {day0 + pd.Timedelta(days=data['ndays']):%Y-%m-%d}"
        if n
        else "no events"
    )
    layer.add_child(
        Legend(
            _legend_html(
                f"{_html.text(name)}: {n:,}",
                rows,
                note=f"{span}; small circles: fatalities not reported or 0",
            ),
            css_class="scamgeo-legend-events",
        )
    )
    layer.add_to(m)
    if heat:
        heat_layer = HeatLayer(
            layer, name=_unique_name(m, _html.text(f"{name} heat")), show=show_heat
        )
        ramp = ",".join(f"{c} {float(k) * 100:.0f}%" for k, c in HEAT_GRADIENT.items())
        heat_layer.add_child(
            Legend(
                _legend_html(
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
    return _finish(m)


# --- displacement --------------------------------------------------------------


def _latest_by_province(
    rows: pd.DataFrame, date: pd.Timestamp, max_age_days: float | None
) -> pd.DataFrame:
    upto = rows[rows["as_of"] <= date]
    if max_age_days is not None:
        upto = upto[upto["as_of"] > date - pd.Timedelta(days=max_age_days)]
    if upto.empty:
        return upto
    return (
        upto.sort_values(["as_of", "value"], kind="stable")
        .groupby("admin1_code", sort=True)
        .tail(1)
    )


def _nice_values(vmax: float) -> list[float]:
    if vmax <= 0:
        return []
    exp = 10 ** math.floor(math.log10(vmax))
    top = max(v * exp for v in (1, 2, 5, 10) if v * exp <= vmax) if vmax >= exp else vmax
    return [v for v in (top, top / 4, top / 20) if v >= 1]


def displacement_map(
    displacement: pd.DataFrame,
    *,
    metric: str = "in_shelters",
    date: Any = None,
    unit: str | None = None,
    m: folium.Map | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    max_radius_px: float = 36.0,
    max_age_days: float | None = 14,
    name: str | None = None,
) -> folium.Map:
    """Displacement by province as proportional circles, for a date or at the peak.

    Parameters
    ----------
    displacement : DataFrame
        In the displacement schema (:data:`scamgeo.schema.DISPLACEMENT`):
        ``as_of``, ``admin1_code``, ``metric``, ``value``, ``unit``; used when
        present: ``admin1``, ``publisher``, ``source_url``, ``notes``. National
        rows (no ``admin1_code``) are not drawn.
    metric : str, default "in_shelters"
        One of evacuated, in_shelters, displaced_total, remaining, returned.
        Figures of different metrics are never mixed.
    date : date-like, optional
        Show, for each province, its latest figure on or before this date.
        Default: the *peak*, the date on which the sum of those latest
        figures over provinces is largest.
    unit : str, optional
        people, families, households or sites; needed only when the metric is
        reported in several units (default: the only unit, or "people").
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map`).
    provinces : GeoDataFrame, optional
        Province polygons indexed or keyed by ``iso_3166_2`` (default: the embedded ones).
    max_radius_px : float, default 36
        Radius of the largest circle; circle *area* is proportional to the value.
    max_age_days : float or None, default 14
        A province's figure stands for a date only if it was reported within
        this many days before it (so a July figure is not counted in
        December). None carries every figure forward indefinitely.
    name : str, optional
        Layer name (default from the metric, unit and date).

    Returns
    -------
    folium.Map
        With one layer of circles whose legend names the metric, unit and date.
    """
    from .. import datasets

    if not isinstance(displacement, pd.DataFrame):
        raise ParameterError(
            f"displacement must be a DataFrame, got {type(displacement).__name__}."
        )
    require_columns(
        displacement.columns,
        ["as_of", "admin1_code", "metric", "value", "unit"],
        source="displacement",
    )
    check_choice(metric, _METRICS, name="metric")
    max_radius_px = check_positive(max_radius_px, name="max_radius_px")
    if max_age_days is not None:
        max_age_days = check_positive(max_age_days, name="max_age_days")
    rows = displacement[displacement["metric"].astype(str) == metric].copy()
    if rows.empty:
        have = sorted(displacement["metric"].astype(str).unique())
        raise ParameterError(
            f"displacement has no rows with metric={metric!r}; it has: {', '.join(have) or 'none'}."
        )
    units = sorted(rows["unit"].astype(str).unique())
    if unit is None:
        unit = units[0] if len(units) == 1 else ("people" if "people" in units else None)
        if unit is None:
            raise ParameterError(
                f"metric {metric!r} is reported in several units ({', '.join(units)}); pass unit=."
            )
    elif unit not in units:
        raise ParameterError(
            f"metric {metric!r} has no figures in unit={unit!r}; units present: {', '.join(units)}."
        )
    rows = rows[(rows["unit"].astype(str) == unit) & rows["admin1_code"].notna()]
    rows["as_of"] = pd.to_datetime(rows["as_of"], errors="coerce")
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows.dropna(subset=["as_of", "value"])
    if rows.empty:
        raise ParameterError(
            f"displacement has no province figures for metric={metric!r} in {unit}."
        )

    if date is None:
        candidates = sorted(rows["as_of"].unique())
        totals = [
            float(_latest_by_province(rows, pd.Timestamp(d), max_age_days)["value"].sum())
            for d in candidates
        ]
        when = pd.Timestamp(candidates[int(np.argmax(totals))])
        when_label = f"{when:%Y-%m-%d} (peak)"
    else:
        try:
            when = pd.Timestamp(date)
        except (TypeError, ValueError):
            raise ParameterError(f"date={date!r} is not a date; give e.g. '2025-07-28'.") from None
        when_label = f"{when:%Y-%m-%d}"
    latest = _latest_by_province(rows, when, max_age_days)
    if latest.empty:
        window = (
            f"in the {max_age_days:g} days up to" if max_age_days is not None else "on or before"
        )
        raise ParameterError(
            f"no {metric} figures {window} {when:%Y-%m-%d} (the first is {rows['as_of'].min():%Y-%m-%d}, "
            f"the last {rows['as_of'].max():%Y-%m-%d}); pick another date or widen max_age_days."
        )

    provinces = datasets.provinces() if provinces is None else provinces
    key = (
        provinces["iso_3166_2"]
        if "iso_3166_2" in provinces.columns
        else pd.Series(provinces.index, index=provinces.index)
    )
    pg = provinces.to_crs(config.GEOGRAPHIC_CRS)
    anchor = dict(
        zip(key.astype(str), shapely.point_on_surface(pg.geometry.to_numpy()), strict=True)
    )
    pname = dict(
        zip(key.astype(str), pg["name"] if "name" in pg.columns else key.astype(str), strict=True)
    )
    unknown = sorted(set(latest["admin1_code"].astype(str)) - set(anchor))
    if unknown:
        logger.warning("displacement: no province polygon for %s; not drawn", ", ".join(unknown))
    latest = latest[latest["admin1_code"].astype(str).isin(anchor)].sort_values(
        "value", ascending=False
    )

    m = base_map() if m is None else _check_map(m)
    vmax = float(latest["value"].max()) if len(latest) else 0.0
    metric_label = _METRIC_LABELS[metric]
    color = "#0072B2"

    def radius(v: float) -> float:
        return max(2.0, max_radius_px * math.sqrt(v / vmax)) if vmax > 0 else 2.0

    geoms, props = [], []
    for r in latest.itertuples(index=False):
        r = r._asdict()
        code = str(r["admin1_code"])
        value = float(r["value"])
        label = _html.text(pname.get(code) or r.get("admin1"))
        rows_html = [
            ("Province", f"{label} ({_html.text(code)})"),
            (metric_label, f"{value:,.0f} {_html.text(unit)}"),
            ("As of", _date_text(r["as_of"])),
            ("Published by", _html.text(r.get("publisher"))),
            ("Source", _sources("report", r.get("source_url"), r.get("source_url_2"))),
            ("Notes", _html.text(r.get("notes"), max_chars=400)),
        ]
        geoms.append(anchor[code])
        props.append(
            {
                "tip": f"{label}: {value:,.0f} {_html.text(unit)}",
                "pop": _popup(f"{metric_label}: {label}", rows_html, color=color),
                "st": {"radius": round(radius(value), 2)},
            }
        )
    title = f"{metric_label} ({_html.text(unit)}), {when_label}"
    layer = VectorLayer(
        _feature_collection(gpd.GeoSeries(geoms, crs=config.GEOGRAPHIC_CRS), props),
        name=_unique_name(m, _html.text(name if name is not None else f"{metric_label} ({unit})")),
        point_style={"color": "#ffffff", "weight": 1.2, "fillColor": color, "fillOpacity": 0.55},
        attribution=_DISPLACEMENT_ATTRIBUTION,
    )
    key_rows = [
        f"{_swatch_circle(color, radius=min(radius(v), 30))} {v:,.0f}" for v in _nice_values(vmax)
    ]
    layer.add_child(
        Legend(
            _legend_html(
                title,
                key_rows,
                note=f"Circle area ∝ {unit}; {len(latest)} provinces; each its latest figure"
                + (
                    f" of the {max_age_days:g} days up to the date"
                    if max_age_days is not None
                    else " up to the date"
                ),
            ),
            css_class="scamgeo-legend-displacement",
        )
    )
    layer.add_to(m)
    return _finish(m)


# --- rings ---------------------------------------------------------------------


def rings_map(
    sites: pd.DataFrame,
    *,
    hub: str,
    radii_km: Sequence[float] = (10, 25, 50),
    m: folium.Map | None = None,
    id_col: str = "site_id",
    name: str | None = None,
) -> folium.Map:
    """Distance rings of ``radii_km`` around one hub (geodesic, via :func:`scamgeo.geo.rings_km`).

    Parameters
    ----------
    sites : DataFrame or GeoDataFrame
        Sites with ``id_col`` (column or index) and ``name``.
    hub : str
        The hub's id (e.g. ``"poipet"``) or its name (case-insensitive).
    radii_km : sequence of float, default (10, 25, 50)
        Ring radii in km.
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map` around the rings).
    id_col : str, default "site_id"
        Column or index name identifying sites.
    name : str, optional
        Layer name (default "Rings around <hub name>").

    Returns
    -------
    folium.Map
        With one layer of annuli (tooltip "10–25 km from …") and its legend.
    """
    from .. import geo

    if not isinstance(sites, pd.DataFrame):
        raise ParameterError(f"sites must be a (Geo)DataFrame, got {type(sites).__name__}.")
    if id_col in sites.columns:
        ids = sites[id_col].astype(str)
    elif sites.index.name == id_col:
        ids = pd.Series(sites.index.astype(str), index=sites.index)
    else:
        raise SchemaError(
            f"sites has no {id_col!r} column or index; pass id_col= one of its columns."
        )
    names = _col(sites, "name").astype("string")
    hit = (ids == str(hub)).to_numpy()
    if not hit.any():
        hit = (names.str.casefold() == str(hub).casefold()).fillna(False).to_numpy()
    if not hit.any():
        near = closest(str(hub), list(ids) + [str(x) for x in names.dropna()], n=3)
        hint = f" Did you mean {' or '.join(repr(x) for x in near)}?" if near else ""
        raise ParameterError(f"hub={hub!r} is neither a {id_col} nor a name in sites.{hint}")
    one = sites[hit].iloc[:1]
    rings = geo.rings_km(one, radii_km=radii_km, id_col=id_col)
    hub_name = str(names[hit].iloc[0]) if not _missing(names[hit].iloc[0]) else str(hub)
    m = base_map(bounds=_bounds_of(rings, pad_deg=0.3)) if m is None else _check_map(m)
    n = len(rings)
    props = []
    for k, r in enumerate(rings.itertuples(index=False)):
        color = _RING_COLORS[min(k, len(_RING_COLORS) - 1)]
        props.append(
            {
                "tip": f"{r.inner_km:g}–{r.radius_km:g} km from {_html.text(hub_name)}",
                "st": {"fillColor": color, "color": color},
            }
        )
    layer = VectorLayer(
        _feature_collection(_round_geometry(rings.geometry, simplify_deg=0, decimals=5), props),
        name=_unique_name(m, _html.text(name if name is not None else f"Rings around {hub_name}")),
        style={"weight": 1.2, "fillOpacity": 0.18, "opacity": 0.9},
        attribution="Rings: scamgeo.geo.rings_km",
    )
    rows = [
        f"{_swatch_fill(_RING_COLORS[min(k, len(_RING_COLORS) - 1)], stroke=_RING_COLORS[min(k, len(_RING_COLORS) - 1)], opacity=0.35)}"
        f" {r.inner_km:g}–{r.radius_km:g} km"
        for k, r in enumerate(rings.itertuples(index=False))
    ]
    layer.add_child(
        Legend(
            _legend_html(f"Distance from {_html.text(hub_name)}", rows, note=f"{n} rings"),
            css_class="scamgeo-legend-rings",
        )
    )
    layer.add_to(m)
    return _finish(m)


# --- saving ----------------------------------------------------------------------


def to_html(m: folium.Map, *, self_contained: bool = True, trim: bool = True) -> str:
    """The whole page of ``m`` as a string (see :func:`save_map` for the options).

    Raises
    ------
    DataSourceError
        If ``self_contained`` and an asset has no installed copy.
    """
    _check_map(m)
    page = m.get_root().render()
    if self_contained:
        page = inline_assets(page, trim=trim)
        left = remote_references(page)
        if left:
            raise DataSourceError(
                f"save_map: {len(left)} network reference(s) left in a self-contained map, e.g. {left[0][:120]!r}; "
                "an element links a file scamgeo cannot inline. Save with self_contained=False or remove it."
            )
    return page


class MapDisplay:
    """A map shown in a notebook (or an HTML brief) as a self-contained iframe.

    Jupyter calls ``_repr_html_``; the page travels inside the iframe's
    ``srcdoc``, so a brief exported to HTML shows the map with no network.
    """

    def __init__(self, m: folium.Map, *, height: int = 520):
        self.page = to_html(m)
        self.height = int(check_positive(height, name="height"))

    def _repr_html_(self) -> str:
        import html as _stdhtml

        return (
            f'<iframe srcdoc="{_stdhtml.escape(self.page, quote=True)}" style="width:100%;height:{self.height}px;'
            'border:none" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            'loading="eager" title="map"></iframe>'
        )


def display_map(m: folium.Map, *, height: int = 520) -> MapDisplay:
    """Show ``m`` in a notebook as a self-contained iframe (works offline and in exported briefs).

    Parameters
    ----------
    m : folium.Map
    height : int, default 520
        Height in pixels.

    Returns
    -------
    MapDisplay
        An object Jupyter renders as the map.
    """
    return MapDisplay(m, height=height)


def save_map(
    m: folium.Map, path: str | os.PathLike, *, self_contained: bool = True, trim: bool = True
) -> Path:
    """Write ``m`` as one HTML file, by default with every script and stylesheet inside it.

    Parameters
    ----------
    m : folium.Map
    path : str or path-like
        Output file (its folder is created). Written atomically.
    self_contained : bool, default True
        Inline Leaflet, its plugins and their CSS from installed packages
        (folium-offline, folium), so the file renders with no network at all.
        With False, the file links them from CDNs like ``m.save`` does.
    trim : bool, default True
        With ``self_contained``, leave out folium's default assets the map does
        not use (jQuery, Bootstrap, Font Awesome, Awesome Markers; ~1.3 MB).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataSourceError
        If an asset has no installed copy, or the output cannot be written.
    """
    page = to_html(m, self_contained=self_contained, trim=trim)
    path = Path(path)
    try:
        atomic_write_text(path, page)
    except OSError as exc:
        raise DataSourceError(f"save_map: cannot write {path}: {exc.strerror or exc}.") from None
    logger.info("saved map %s (%.1f MB)", path, path.stat().st_size / 1e6)
    return path
