"""Distance rings around sites on a web map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> m = maps.rings_map(datasets.sites(), hub='osmach', radii_km=(10, 25))
    >>> [name for name in maps.map_layers(m) if name.startswith('Rings')]
    ['Rings around O&#x27;Smach']
    """
    from .. import geo

    check_table(sites, name="sites")
    one, hub_name = _the_hub(sites, hub, id_col=id_col)
    rings = geo.rings_km(one, radii_km=radii_km, id_col=id_col)
    m = base_map(bounds=bounds_of(rings, pad_deg=0.3)) if m is None else check_map(m)
    color = [RING_COLORS[min(k, len(RING_COLORS) - 1)] for k in range(len(rings))]
    spans = [f"{_km(r.inner_km)}–{_km(r.radius_km)} km" for r in rings.itertuples(index=False)]
    props = [
        {"tip": f"{span} from {_html.text(hub_name)}", "st": {"fillColor": c, "color": c}}
        for span, c in zip(spans, color, strict=True)
    ]
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
        f"{swatch_fill(c, stroke=c, opacity=0.35)} {span}"
        for span, c in zip(spans, color, strict=True)
    ]
    layer.add_child(
        Legend(
            legend_html(f"Distance from {_html.text(hub_name)}", rows, note=f"{len(rings)} rings"),
            css_class="scamgeo-legend-rings",
        )
    )
    layer.add_to(m)
    symbol = _hub_symbol(one, hub_name, name=f"{layer.layer_name}: hub")
    if symbol.n_features:
        symbol.add_to(m)
    return finish(m)


def _the_hub(sites: pd.DataFrame, hub: str, *, id_col: str) -> tuple[pd.DataFrame, str]:
    """The hub's row (found by :func:`scamgeo.vocab.match_name`) and its name."""
    from .. import datasets

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
    first = names[hit].iloc[0]
    return sites[hit].iloc[:1], str(first) if not missing(first) else str(hub)


def _hub_symbol(one: pd.DataFrame, hub_name: str, *, name: str) -> Any:
    """The hub itself, labelled and above everything else (readable without tiles)."""
    centre = located_points(one, name="sites", what="not drawn")
    svg, w = site_symbol("casino_hub")
    point = gpd.GeoSeries(
        gpd.points_from_xy(centre["_lon"], centre["_lat"]), crs=config.GEOGRAPHIC_CRS
    )
    return vector_layer(
        None,
        point,
        [{"i": 0, "z": HUB_Z, "lb": _html.text(hub_name), "tip": _html.text(hub_name)}]
        * len(centre),
        name=name,
        decimals=5,
        icons=[{"svg": svg, "w": w, "cls": "scamgeo-hub"}],
        control=False,
    )


def _km(value: float) -> str:
    """A ring radius for a legend: whole km, or one decimal (13.3, not 13.3333)."""
    return fmt.number(value, decimals=1)
