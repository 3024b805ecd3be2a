"""Interactive maps (folium/Leaflet) of the border war and the scam economy.

Every builder takes its data first and an optional existing map ``m``; it adds
one or more layers (each with its own legend, shown only while the layer is)
and returns the map, so builders chain::

    m = scamgeo.maps.base_map()
    scamgeo.maps.sites_map(sites, m=m)
    scamgeo.maps.events_map(events, m=m)
    scamgeo.maps.save_map(m, "reports/map.html")   # opens with no network at all
    scamgeo.maps.display_map(m)                      # in a notebook or brief, also offline

How a layer is encoded and drawn, beyond the everyday choices, is one option
object per builder (:class:`BaseMapOptions`, :class:`EventMapOptions`,
:class:`DisplacementMapOptions`), as :class:`scamgeo.plots.MapFrame` is for the
static maps::

    scamgeo.maps.events_map(events, options=scamgeo.maps.EventMapOptions(renderer="svg"))

The base map draws the embedded countries, provinces, border and towns as
vector layers, so it means something without tiles; tile layers are options
for when a reader is online. Attribution for every layer (Natural Earth,
GeoNames, the event source, ACLED's required citation) is shown while the
layer is. Every string from data is escaped (:mod:`scamgeo.maps._html`).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from .._validate import guard_arguments

__all__ = [
    "ACLED_ATTRIBUTION",
    "GEONAMES_ATTRIBUTION",
    "NATURAL_EARTH_ATTRIBUTION",
    "BaseMapOptions",
    "DisplacementMapOptions",
    "EventMapOptions",
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
    "static_image",
    "to_html",
]


def __getattr__(name: str) -> Any:
    # folium is imported on first use of a builder, so scamgeo.plots can share
    # the palettes of scamgeo.style without importing folium.
    if name in __all__:
        value = getattr(importlib.import_module("._builders", __name__), name)
        if inspect.isfunction(value):  # a call it cannot take: a did-you-mean (ArgumentError)
            value = guard_arguments(value)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scamgeo.maps' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
