"""The folium map builders, gathered for :mod:`scamgeo.maps` (imported lazily there)."""

from __future__ import annotations

from ._base import base_map
from ._common import (
    ACLED_ATTRIBUTION,
    GEONAMES_ATTRIBUTION,
    NATURAL_EARTH_ATTRIBUTION,
    add_layer_control,
    map_layers,
)
from ._displacement import displacement_map
from ._events import events_map
from ._options import BaseMapOptions, DisplacementMapOptions, EventMapOptions
from ._output import MapDisplay, display_map, save_map, to_html
from ._rings import rings_map
from ._sites import sites_map
from ._static import static_image

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
