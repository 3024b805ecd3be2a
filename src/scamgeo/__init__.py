"""scamgeo: the 2025 Thailand–Cambodia border war and the border scam economy.

The public API is reached through submodules, loaded on first use so that
``import scamgeo`` stays cheap (no geopandas, statsmodels, folium or
matplotlib until a function needs them):

- :mod:`scamgeo.datasets`: embedded reference geography and curated tables
- :mod:`scamgeo.io`: readers of ACLED, UCDP GED, HDX/DTM and boundary files
- :mod:`scamgeo.geo`: metric geometry (border distance, nearest hub, grids)
- :mod:`scamgeo.stats`: counts, count models, interrupted time series, tests
- :mod:`scamgeo.maps` / :mod:`scamgeo.plots`: folium and matplotlib builders
- :mod:`scamgeo.reconcile`: sources side by side (``scamgeo.reconcile(a, b)``)
- :mod:`scamgeo.briefs`: papermill briefs and their manifest

The most used functions are also available at the top level, e.g.
``scamgeo.load_events()`` or ``scamgeo.find_province("Sisaket")``.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from ._errors import (
    ArgumentError,
    CoordinateError,
    CRSError,
    DataSourceError,
    ParameterError,
    ScamgeoError,
    SchemaError,
)
from ._version import __version__

logging.getLogger(__name__).addHandler(logging.NullHandler())

_SUBMODULES = {
    "briefs",
    "charts",
    "config",
    "datasets",
    "display",
    "findings",
    "fmt",
    "geo",
    "io",
    "maps",
    "plots",
    "reconcile",
    "schema",
    "stats",
    "style",
    "vocab",
}

#: Public packages that need an optional extra, with a module the extra installs (reached
#: by ``import scamgeo.scale``, not as an attribute).
_OPTIONAL = {"scale": "dask_geopandas"}


def _public_packages() -> list[str]:
    """The packages whose ``__all__`` is scamgeo's API, the optional ones where installed."""
    import importlib.util

    extras = {name for name, needs in _OPTIONAL.items() if importlib.util.find_spec(needs)}
    return sorted(_SUBMODULES | extras)


# name -> submodule, for the curated top-level API (resolved lazily)
_API = {
    "countries": "datasets",
    "provinces": "datasets",
    "border": "datasets",
    "borders": "datasets",
    "places": "datasets",
    "find_province": "datasets",
    "events": "datasets",
    "sites": "datasets",
    "displacement": "datasets",
    "timeline": "datasets",
    "tallies": "datasets",
    "scam_figures": "datasets",
    "sources": "datasets",
    "find_site": "datasets",
    "distance_to_border_km": "geo",
    "nearest_site": "geo",
    "within_km": "geo",
    "assign_province": "geo",
    "buffer_km": "geo",
    "rings_km": "geo",
    "aggregate": "geo",
    "daily_counts": "stats",
    "count_model": "stats",
    "interrupted_time_series": "stats",
    "ceasefire_its": "stats",
    "hub_targeting_test": "stats",
    "distance_decay": "stats",
    "base_map": "maps",
    "sites_map": "maps",
    "events_map": "maps",
    "displacement_map": "maps",
    "rings_map": "maps",
    "save_map": "maps",
    "display_map": "maps",
    "overview_map": "plots",
    "choropleth_map": "plots",
    "phase_small_multiples": "plots",
    "save_figure": "plots",
    "load_events": "io",
    "to_acled": "io",
    "read_acled_weekly": "io",
    "fetch_acled": "io",
    "fetch_ucdp_ged": "io",
    "read_displacement_table": "io",
    "read_dtm": "io",
    "fetch_hdx": "io",
    "read_acled": "io",
    "read_ucdp_ged": "io",
    "read_boundaries": "io",
}

__all__ = [
    "ArgumentError",
    "CRSError",
    "CoordinateError",
    "DataSourceError",
    "ParameterError",
    "SchemaError",
    "ScamgeoError",
    "__version__",
    *sorted(_SUBMODULES),
    *sorted(_API),
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _API:
        module = importlib.import_module(f".{_API[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'scamgeo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_API))
