"""The base map: countries, provinces, border, towns and optional tiles."""

from __future__ import annotations

import math
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _html, config, fmt
from .._errors import ParameterError, ScamgeoError
from .._inputs import located_points
from .._validate import require_columns
from ..style import BASE_MAP, HIGHLIGHT, INK_SECONDARY, PAPER
from ._common import (
    BOUNDARIES_HTML,
    GEONAMES_HTML,
    REGION_PADDING_DEG,
    SITES_HTML,
    bounds_of,
    check_map,
    column_or_na,
    finish,
    logger,
    missing,
    round_geometry,
    vector_layer,
)
from ._elements import (
    BlankLayer,
    Legend,
    LocatorInset,
    VectorLayer,
)
from ._legend import legend_html, site_symbol, swatch_fill, swatch_line
from ._options import BaseMapOptions, bounds_tuple, options_or_default

__all__ = [
    "base_map",
    "display_geometry",
    "display_tolerance",
    "new_map_for",
]


def base_map(
    provinces: gpd.GeoDataFrame | None = None,
    *,
    countries: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    m: folium.Map | None = None,
    tiles: Sequence[str] | str | None = None,
    bounds: Sequence[float] | None = None,
    options: BaseMapOptions | None = None,
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
    options : BaseMapOptions, optional
        Simplification of the boundaries, the size of a new map, town labels,
        crossings and the locator inset (default ``BaseMapOptions()``).

    Returns
    -------
    folium.Map
        With overlay layers "Countries", "Provinces", "Border" and "Towns", each
        attributed (Natural Earth, GeoNames), and a layer control.

    Raises
    ------
    ParameterError
        If a reference layer is not a GeoDataFrame with ``name``, or ``bounds``
        is not four numbers.

    Examples
    --------
    >>> from scamgeo import maps
    >>> m = maps.base_map(bounds=(102.3, 13.5, 103.2, 14.3), options=maps.BaseMapOptions(labels=5))
    >>> list(maps.map_layers(m))[:4]
    ['Countries', 'Provinces', 'Border', 'Towns']
    """
    from .. import datasets

    opts = options_or_default(options, BaseMapOptions)
    countries = datasets.countries() if countries is None else countries
    provinces = datasets.provinces() if provinces is None else provinces
    border = datasets.border() if border is None else border
    places = datasets.places() if places is None else places
    for frame, label in ((countries, "countries"), (provinces, "provinces"), (places, "places")):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise ParameterError(f"{label} must be a GeoDataFrame, got {type(frame).__name__}.")
        require_columns(frame.columns, ["name"], source=label)
    view = bounds_tuple(bounds) or bounds_of(
        border if len(border) else provinces, pad_deg=REGION_PADDING_DEG
    )
    tol = display_tolerance(view) if opts.simplify_deg is None else opts.simplify_deg
    m = _new_map(view, opts) if m is None else m
    check_map(m)
    _tile_layers(m, tiles)
    in_region = _countries_layer(m, countries, view, tol)
    _provinces_layer(m, provinces, view, tol)
    _border_layer(m, border, view, tol)
    if len(places):
        _towns_layer(m, places, view, int(opts.labels)).add_to(m)
    if opts.crossings:
        layer = _crossings(view)
        if layer.n_features:
            layer.add_to(m)
    if opts.locator:
        lonlat = countries.to_crs(config.GEOGRAPHIC_CRS)
        m.add_child(LocatorInset(locator_svg(lonlat[in_region], view)))
    return finish(m)


def _new_map(view: tuple[float, float, float, float], opts: BaseMapOptions) -> folium.Map:
    west, south, east, north = view
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=7,
        tiles=None,
        control_scale=True,
        width=opts.width,
        height=opts.height,
    )
    m.fit_bounds([[south, west], [north, east]])
    return m


def _tile_layers(m: folium.Map, tiles: Sequence[str] | str | None) -> None:
    """Tile layers as base layers, with a "No tiles (offline)" one beside them."""
    if tiles is None:
        return
    names = [tiles] if isinstance(tiles, str) else list(tiles)
    for k, tile in enumerate(names):
        label = tile if isinstance(tile, str) else getattr(tile, "name", str(tile))
        folium.TileLayer(
            tile, name=_html.text(label), overlay=False, control=True, show=k == 0
        ).add_to(m)
    BlankLayer(show=not names).add_to(m)


def _display(geoms: gpd.GeoSeries, view: tuple[float, ...], *, fine: float) -> gpd.GeoSeries:
    return display_geometry(geoms, shapely.box(*view), tolerance=fine)


def _countries_layer(
    m: folium.Map, countries: gpd.GeoDataFrame, view: tuple[float, ...], tol: float
) -> np.ndarray:
    """The countries (those outside the region paler) with the base map's legend."""
    cg = countries.to_crs(config.GEOGRAPHIC_CRS)
    in_region = (
        cg["in_region"].fillna(False).astype(bool).to_numpy()
        if "in_region" in cg.columns
        else np.ones(len(cg), dtype=bool)
    )
    outside = {"fillColor": BASE_MAP["land_outside"], "fillOpacity": 0.5}
    props = [
        {"tip": _html.text(name), "st": {} if inside else outside}
        for name, inside in zip(cg["name"], in_region, strict=True)
    ]
    style = {"color": BASE_MAP["country_edge"], "weight": 1, "fillColor": BASE_MAP["land"]}
    layer = vector_layer(
        m,
        _display(cg.geometry, view, fine=tol),
        props,
        name="Countries",
        style={**style, "fillOpacity": 0.85},
        attribution=BOUNDARIES_HTML,
    )
    rows = [
        f"{swatch_fill(BASE_MAP['land'])} Country",
        f"{swatch_fill(PAPER, stroke=BASE_MAP['province_edge'], opacity=0)} Province (TH, KH)",
        f"{swatch_line(BASE_MAP['border'], dash='6 4')} Border",
    ]
    layer.add_child(
        Legend(
            legend_html("Base map", rows),
            css_class="scamgeo-legend-base",
            position="bottomright",
        )
    )
    layer.add_to(m)
    return in_region


def _provinces_layer(
    m: folium.Map, provinces: gpd.GeoDataFrame, view: tuple[float, ...], tol: float
) -> None:
    pg = provinces.to_crs(config.GEOGRAPHIC_CRS)
    codes = column_or_na(pg, "iso_3166_2")
    props = [
        {"tip": _html.text(name) + (f" ({_html.text(code)})" if not missing(code) else "")}
        for name, code in zip(pg["name"], codes, strict=True)
    ]
    vector_layer(
        m,
        _display(pg.geometry, view, fine=tol),
        props,
        name="Provinces",
        style={"color": BASE_MAP["province_edge"], "weight": 0.8, "fill": True, "fillOpacity": 0.0},
        attribution=BOUNDARIES_HTML,
    ).add_to(m)


def _border_layer(
    m: folium.Map, border: gpd.GeoDataFrame, view: tuple[float, ...], tol: float
) -> None:
    bg = border.to_crs(config.GEOGRAPHIC_CRS)
    names = bg["name"] if "name" in bg.columns else pd.Series("Border", index=bg.index)
    length = column_or_na(bg, "length_km")
    props = [
        {"tip": _html.text(name) + (f" border, {fmt.km(km)}" if not missing(km) else "")}
        for name, km in zip(names, length, strict=True)
    ]
    vector_layer(
        m,
        _display(bg.geometry, view, fine=tol / 4),
        props,
        name="Border",
        style={"color": BASE_MAP["border"], "weight": 2.6, "dashArray": "6 4", "opacity": 0.9},
        attribution=BOUNDARIES_HTML,
    ).add_to(m)


def _towns_layer(
    m: folium.Map, places: gpd.GeoDataFrame, view: tuple[float, ...], labels: int
) -> VectorLayer:
    pts = located_points(places, name="places", what="not drawn")
    labelled = _labelled(pts, view, labels)
    props = [
        {"tip": _html.text(name), **({"lb": _html.text(name)} if k in labelled else {})}
        for k, name in enumerate(pts["name"])
    ]
    point_style = {"radius": 3, "color": PAPER, "weight": 1, "fillColor": INK_SECONDARY}
    return vector_layer(
        m,
        pts.geometry,
        props,
        name="Towns",
        decimals=4,
        point_style={**point_style, "fillOpacity": 1},
        attribution=GEONAMES_HTML,
    )


def display_tolerance(bounds: Sequence[float], *, width_px: int = 900) -> float:
    """Simplification tolerance (degrees) for boundaries shown in a map of ``bounds``.

    One pixel of a ``width_px``-wide map of the view, between 0.0005°
    (~55 m) and 0.01° (~1.1 km): a vertex moves by at most a pixel, so
    borders read as before at the map's opening zoom.
    """
    west, south, east, north = (float(b) for b in bounds)
    span = max(east - west, (north - south) * 1.3, 1e-6)
    return float(min(0.01, max(0.0005, span / width_px)))


def display_geometry(
    geoms: gpd.GeoSeries, view: shapely.Geometry, *, tolerance: float
) -> gpd.GeoSeries:
    """Boundaries simplified for display: ``tolerance`` near the view, coarser away from it.

    Away from the view: 8× ``tolerance`` and at least 0.01° (~1.1 km),
    coordinates to 3 decimals.

    "Near" is the view grown by its own size on every side (what a reader
    reaches by panning a little); coordinates are rounded to suit the tolerance.
    """
    if tolerance <= 0:
        return round_geometry(geoms, simplify_deg=0, decimals=6)
    x0, y0, x1, y1 = view.bounds
    near = shapely.box(x0 - (x1 - x0), y0 - (y1 - y0), x1 + (x1 - x0), y1 + (y1 - y0))
    close = geoms.intersects(near).to_numpy()
    decimals = int(min(5, max(3, math.ceil(-math.log10(tolerance)) + 1)))
    coarse = max(tolerance * 8, 0.01)
    out = round_geometry(geoms, simplify_deg=coarse, decimals=3)
    if close.any():
        part = geoms[close]
        inside = part.within(near).to_numpy()
        fine = part.simplify(tolerance, preserve_topology=True)
        # a large polygon reaching out of the near box: its detail only where a reader looks
        far = part.simplify(coarse, preserve_topology=True)
        mixed = [
            geom
            if whole
            else shapely.union(shapely.intersection(geom, near), shapely.difference(rest, near))
            for geom, rest, whole in zip(fine.to_numpy(), far.to_numpy(), inside, strict=True)
        ]
        mixed = gpd.GeoSeries(mixed, index=part.index, crs=geoms.crs)
        out = out.copy()
        out[close] = round_geometry(mixed, simplify_deg=0, decimals=decimals)
    return out


def _labelled(pts: gpd.GeoDataFrame, bounds: tuple[float, ...], limit: int) -> set[int]:
    """Positions of the towns to label: inside ``bounds``, most populous first."""
    if limit <= 0 or not len(pts):
        return set()
    west, south, east, north = bounds
    lon, lat = pts["_lon"].to_numpy(), pts["_lat"].to_numpy()
    inside = np.flatnonzero((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
    pop = pd.to_numeric(column_or_na(pts, "population"), errors="coerce").fillna(0).to_numpy()
    order = inside[np.argsort(-pop[inside], kind="stable")]
    return {int(k) for k in order[:limit]}


def _crossings(bounds: tuple[float, ...]) -> VectorLayer:
    """The gazetteer's border crossings inside ``bounds``, labelled (an empty layer if none)."""
    from .. import datasets

    west, south, east, north = bounds
    try:
        gaz = datasets.gazetteer()
    except ScamgeoError as exc:
        logger.info("base_map: no gazetteer, so no crossings drawn (%s)", exc)
        gaz = pd.DataFrame(columns=["kind", "name", "latitude", "longitude"])
    rows = gaz[gaz["kind"].astype(str) == "crossing"]
    lat = pd.to_numeric(rows["latitude"], errors="coerce")
    lon = pd.to_numeric(rows["longitude"], errors="coerce")
    rows = rows[lat.between(south, north) & lon.between(west, east)]
    geoms = gpd.GeoSeries(
        gpd.points_from_xy(rows["longitude"].astype(float), rows["latitude"].astype(float)),
        crs=config.GEOGRAPHIC_CRS,
    )
    props = [{"i": 0, "lb": _html.text(name)} for name in rows["name"]]
    svg, w = site_symbol("border_crossing", size=11)
    return vector_layer(
        None,
        geoms,
        props,
        name="Crossings",
        decimals=4,
        icons=[{"svg": svg, "w": w, "cls": "scamgeo-crossing"}],
        attribution=SITES_HTML,
    )


def locator_svg(countries: gpd.GeoDataFrame, bounds: tuple[float, ...], *, width: int = 110) -> str:
    """Inline SVG of the region's countries with this map's frame drawn on it."""
    if not len(countries):
        return ""
    geoms = countries.geometry.simplify(0.05, preserve_topology=True)
    x0, y0, x1, y1 = geoms.total_bounds
    west, south, east, north = bounds
    x0, y0, x1, y1 = min(x0, west), min(y0, south), max(x1, east), max(y1, north)
    scale = width / max(x1 - x0, 1e-9)
    height = max(20.0, (y1 - y0) * scale)

    def xy(x: float, y: float) -> str:
        return f"{(x - x0) * scale:.1f},{(y1 - y) * scale:.1f}"

    paths = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            ring = poly.exterior.coords
            paths.append("M" + "L".join(xy(x, y) for x, y in ring) + "Z")
    frame_w = max(2.0, (east - west) * scale)
    frame_h = max(2.0, (north - south) * scale)
    fx, fy = (west - x0) * scale, (y1 - north) * scale
    return (
        f'<svg width="{width}" height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" '
        'role="img" aria-label="Locator: the map frame in the region">'
        f'<path d="{" ".join(paths)}" fill="{BASE_MAP["land"]}" '
        f'stroke="{BASE_MAP["country_edge"]}" stroke-width="0.6"/>'
        f'<rect x="{fx:.1f}" y="{fy:.1f}" width="{frame_w:.1f}" height="{frame_h:.1f}" '
        f'fill="{HIGHLIGHT}" fill-opacity="0.15" stroke="{HIGHLIGHT}" stroke-width="1.5"/></svg>'
    )


def new_map_for(points: gpd.GeoDataFrame) -> folium.Map:
    bounds = bounds_of(points) if len(points) else None
    return base_map(bounds=bounds)
