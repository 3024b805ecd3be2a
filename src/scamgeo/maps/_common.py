"""Helpers shared by the map builders: layers, popups, bounds, attribution texts."""

from __future__ import annotations

import logging
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely

from .. import _html, config, fmt, vocab
from .._errors import ParameterError
from .._validate import require_columns
from ..style import GREY_LIGHT
from ..vocab import attribution_html
from ._elements import RefitOnLoad, VectorLayer

__all__ = [
    "ACLED_ATTRIBUTION",
    "ACLED_HTML",
    "CANVAS_THRESHOLD",
    "DISPLACEMENT_HTML",
    "GEONAMES_ATTRIBUTION",
    "GEONAMES_HTML",
    "NATURAL_EARTH_ATTRIBUTION",
    "NATURAL_EARTH_HTML",
    "BOUNDARIES_HTML",
    "REGION_PADDING_DEG",
    "RENDERERS",
    "SCAMGEO_HTML",
    "SITES_HTML",
    "UCDP_HTML",
    "add_layer_control",
    "bounds_of",
    "check_map",
    "check_table",
    "column_or_na",
    "date_text",
    "feature_collection",
    "finish",
    "logger",
    "map_layers",
    "missing",
    "popup",
    "round_geometry",
    "sources",
    "unique_name",
    "vector_layer",
]


#: The one logger of the web-map modules.
logger = logging.getLogger("scamgeo.maps")

#: Natural Earth credit (public domain; credit requested), plain text.
NATURAL_EARTH_ATTRIBUTION = vocab.NATURAL_EARTH_ATTRIBUTION
#: GeoNames credit (CC BY 4.0), plain text.
GEONAMES_ATTRIBUTION = vocab.GEONAMES_ATTRIBUTION
#: Citation ACLED's attribution policy requires wherever its data are shown, plain text.
ACLED_ATTRIBUTION = vocab.ACLED_ATTRIBUTION

#: The same credits as the HTML a map's attribution control shows.
NATURAL_EARTH_HTML = attribution_html(vocab.NATURAL_EARTH_ATTRIBUTION, prefix="Boundaries: ")
#: The credit of the embedded boundaries: Natural Earth, and OpenStreetMap for the
#: Thailand–Cambodia border and the provinces along it.
BOUNDARIES_HTML = (
    NATURAL_EARTH_HTML
    + "; "
    + attribution_html(vocab.OSM_ATTRIBUTION, prefix="Thailand–Cambodia border: ")
)
GEONAMES_HTML = attribution_html(vocab.GEONAMES_ATTRIBUTION, prefix="Places: ")
ACLED_HTML = attribution_html(vocab.ACLED_ATTRIBUTION, prefix="Events: ")
UCDP_HTML = attribution_html(vocab.UCDP_ATTRIBUTION, prefix="Events: ")
SCAMGEO_HTML = "Events: scamgeo (sources in popups)"
SITES_HTML = "Sites: scamgeo (sources in popups)"
DISPLACEMENT_HTML = "Displacement: as published (sources in popups)"

REGION_PADDING_DEG = 1.0
CANVAS_THRESHOLD = 2000
RENDERERS = ("auto", "canvas", "svg")


# --- small helpers -------------------------------------------------------------


def check_map(m: Any) -> folium.Map:
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

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> m = maps.sites_map(datasets.sites(), m=maps.base_map())
    >>> list(maps.map_layers(m))
    ['Countries', 'Provinces', 'Border', 'Towns', 'Crossings', 'Sites']
    """
    check_map(m)
    return {
        child.layer_name: child
        for child in m._children.values()
        if isinstance(child, folium.map.Layer) and getattr(child, "control", False)
    }


def unique_name(m: folium.Map, name: str) -> str:
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

    Parameters
    ----------
    m : folium.Map
        The map.
    collapsed : bool, default False
        Whether the control opens folded.

    Examples
    --------
    >>> from scamgeo import maps
    >>> m = maps.add_layer_control(maps.base_map())
    >>> type(m).__name__
    'Map'
    """
    check_map(m)
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
    folium.LayerControl(position="topright", collapsed=collapsed).add_to(m)
    return m


def finish(m: folium.Map) -> folium.Map:
    """Keep the layer control after every layer (it lists the layers it finds before it),
    and make sure the map fits its bounds once laid out (see ``RefitOnLoad``)."""
    if not any(isinstance(c, RefitOnLoad) for c in m._children.values()):
        m.add_child(RefitOnLoad())
    existing = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    collapsed = bool(existing[-1].options.get("collapsed", False)) if existing else False
    return add_layer_control(m, collapsed=collapsed)


def column_or_na(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column, or an all-missing Series when the frame does not have it."""
    if column in frame.columns:
        return frame[column]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def round_geometry(
    geoms: gpd.GeoSeries, *, simplify_deg: float, decimals: int = 4
) -> gpd.GeoSeries:
    out = geoms
    if simplify_deg > 0:
        out = out.simplify(simplify_deg, preserve_topology=True)
    return gpd.GeoSeries(
        shapely.set_precision(out.to_numpy(), 10.0**-decimals), index=geoms.index, crs=geoms.crs
    )


def feature_collection(geoms: gpd.GeoSeries, properties: list[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for geom, props in zip(geoms, properties, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}
        )
    return {"type": "FeatureCollection", "features": features}


def vector_layer(
    m: folium.Map | None,
    geoms: gpd.GeoSeries,
    properties: list[dict[str, Any]],
    *,
    name: str,
    decimals: int | None = None,
    **options: Any,
) -> VectorLayer:
    """A :class:`VectorLayer` of ``geoms`` (one properties dict each), named uniquely on ``m``.

    ``decimals`` rounds the coordinates first (no simplification: points,
    rings); ``m=None`` keeps ``name`` as it is. ``options`` go to the layer.
    """
    if decimals is not None:
        geoms = round_geometry(geoms, simplify_deg=0, decimals=decimals)
    return VectorLayer(
        feature_collection(geoms, properties),
        name=name if m is None else unique_name(m, name),
        **options,
    )


def check_table(table: Any, *, name: str, columns: list[str] | tuple[str, ...] = ()) -> None:
    """Refuse anything but a (Geo)DataFrame with ``columns``, naming the argument."""
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{name} must be a (Geo)DataFrame, got {type(table).__name__}.")
    if columns:
        require_columns(table.columns, list(columns), source=name)


def bounds_of(gdf: gpd.GeoDataFrame, *, pad_deg: float = 0.5) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = gdf.total_bounds
    bx0, by0, bx1, by1 = config.BBOX
    return (
        max(bx0, minx - pad_deg),
        max(by0, miny - pad_deg),
        min(bx1, maxx + pad_deg),
        min(by1, maxy + pad_deg),
    )


def popup(title: str, rows: list[tuple[str, str]], *, color: str = GREY_LIGHT) -> str:
    """Popup HTML from *escaped* pieces (labels are constants of this module)."""
    body = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows if value)
    return (
        f'<div class="scamgeo-popup"><div class="sg-title" style="border-color:{color}">{title}</div>'
        f"<table>{body}</table></div>"
    )


def date_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        return fmt.date(value)
    except (TypeError, ValueError):
        return _html.text(value)


def sources(source: Any, url: Any, url_2: Any = None) -> str:
    """Escaped 'publisher (link)' HTML; only http(s) URLs become links."""
    first = (
        _html.link(url, source if not missing(source) else "source")
        if not missing(url)
        else _html.text(source)
    )
    second = _html.link(url_2, "second source") if not missing(url_2) else ""
    return " · ".join(p for p in (first, second) if p)


def missing(value: Any) -> bool:
    return _html.text(value) == ""
