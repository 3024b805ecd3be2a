"""Distance rings around sites on a web map."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd

from .. import _html, config, fmt
from .._errors import ParameterError, SchemaError
from .._inputs import located_points
from ..style import RING_COLORS
from ..vocab import match_name, suggest_names
from ._base import base_map
from ._common import (
    bounds_of,
    check_map,
    check_table,
    column_or_na,
    finish,
    missing,
    vector_layer,
)
from ._elements import Legend
from ._legend import legend_html, site_symbol, swatch_fill
from ._sites import HUB_Z

__all__ = ["rings_map"]


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
        The hub's id (e.g. ``"poipet"``), name or alias, matched as
        :func:`scamgeo.datasets.find_site` matches (``"osmach"`` finds O'Smach).
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
    from .. import datasets, geo

    check_table(sites, name="sites")
    if id_col in sites.columns:
        ids = sites[id_col].astype(str)
    elif sites.index.name == id_col:
        ids = pd.Series(sites.index.astype(str), index=sites.index)
    else:
        raise SchemaError(
            f"sites has no {id_col!r} column or index; pass id_col= one of its columns."
        )
    names = column_or_na(sites, "name").astype("string")
    spellings = datasets.site_spellings(sites.assign(**{id_col: ids.to_numpy()}), id_col=id_col)
    site_id = match_name(hub, spellings)
    if site_id is None:
        near = suggest_names(hub, spellings, n=3)
        hint = f" Did you mean {' or '.join(repr(x) for x in near)}?" if near else ""
        raise ParameterError(
            f"hub={hub!r} is neither a {id_col}, a name nor an alias in sites.{hint}"
        )
    hit = (ids == site_id).to_numpy()
    one = sites[hit].iloc[:1]
    rings = geo.rings_km(one, radii_km=radii_km, id_col=id_col)
    hub_name = str(names[hit].iloc[0]) if not missing(names[hit].iloc[0]) else str(hub)
    m = base_map(bounds=bounds_of(rings, pad_deg=0.3)) if m is None else check_map(m)
    n = len(rings)
    props = []
    for k, r in enumerate(rings.itertuples(index=False)):
        color = RING_COLORS[min(k, len(RING_COLORS) - 1)]
        props.append(
            {
                "tip": f"{_km(r.inner_km)}–{_km(r.radius_km)} km from {_html.text(hub_name)}",
                "st": {"fillColor": color, "color": color},
            }
        )
    layer = vector_layer(
        m,
        rings.geometry,
        props,
        name=_html.text(name if name is not None else f"Rings around {hub_name}"),
        decimals=5,
        style={"weight": 1.2, "fillOpacity": 0.18, "opacity": 0.9},
        attribution="Rings: geodesic distance from the hub (scamgeo)",
    )
    rows = [
        f"{swatch_fill(RING_COLORS[min(k, len(RING_COLORS) - 1)], stroke=RING_COLORS[min(k, len(RING_COLORS) - 1)], opacity=0.35)}"
        f" {_km(r.inner_km)}–{_km(r.radius_km)} km"
        for k, r in enumerate(rings.itertuples(index=False))
    ]
    layer.add_child(
        Legend(
            legend_html(f"Distance from {_html.text(hub_name)}", rows, note=f"{n} rings"),
            css_class="scamgeo-legend-rings",
        )
    )
    layer.add_to(m)
    # the hub itself, labelled and above everything else (readable without tiles)
    centre = located_points(one, name="sites", what="not drawn")
    if len(centre):
        svg, w = site_symbol("casino_hub")
        point = gpd.GeoSeries(
            gpd.points_from_xy(centre["_lon"], centre["_lat"]), crs=config.GEOGRAPHIC_CRS
        )
        vector_layer(
            None,
            point,
            [{"i": 0, "z": HUB_Z, "lb": _html.text(hub_name), "tip": _html.text(hub_name)}],
            name=f"{layer.layer_name}: hub",
            decimals=5,
            icons=[{"svg": svg, "w": w, "cls": "scamgeo-hub"}],
            control=False,
        ).add_to(m)
    return finish(m)


def _km(value: float) -> str:
    """A ring radius for a legend: whole km, or one decimal (13.3, not 13.3333)."""
    return fmt.number(value, decimals=1)
