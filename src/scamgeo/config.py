"""Settings and constants, as plain module attributes (osmnx style).

Change a setting by assigning to it, e.g. ``scamgeo.config.cache_dir = Path("/tmp/sg")``.
Environment variables (read at import) give the defaults:

``SCAMGEO_CACHE_DIR``
    Where downloads and API snapshots go (default: ``data/raw`` in a source
    checkout, else ``~/.cache/scamgeo``).
``SCAMGEO_REPORTS_DIR``
    Where briefs are written (default ``reports`` in the working directory).
"""

from __future__ import annotations

import os
from pathlib import Path

# the vocabularies live in scamgeo.vocab; these two names stay here for existing code
from .vocab import PHASES, REGION_COUNTRIES

__all__ = [
    "BBOX",
    "DEFAULT_SEED",
    "EQUAL_AREA_CRS",
    "GEOGRAPHIC_CRS",
    "METRIC_CRS",
    "PHASES",
    "REGION_COUNTRIES",
    "cache_dir",
    "data_dir",
    "notebooks_dir",
    "reports_dir",
]

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent.parent  # <repo>/src/scamgeo -> <repo>


def _find_data_dir() -> Path:
    """The embedded data: inside the wheel, or data/ of a source checkout."""
    packaged = _PACKAGE_DIR / "_data"
    if (packaged / "reference").is_dir():
        return packaged
    return _SOURCE_ROOT / "data"


def _in_checkout() -> bool:
    return (_SOURCE_ROOT / "pyproject.toml").is_file() and (_SOURCE_ROOT / "data").is_dir()


#: Folder holding ``curated/`` and ``reference/`` (read-only package data).
data_dir: Path = _find_data_dir()

#: Folder of the notebooks (``notebooks/`` of the checkout, or the copy in the wheel).
notebooks_dir: Path = (
    _SOURCE_ROOT / "notebooks" if _in_checkout() else _PACKAGE_DIR / "_data" / "notebooks"
)

#: Downloads, API snapshots and token caches. Never inside the package.
cache_dir: Path = Path(
    os.environ.get("SCAMGEO_CACHE_DIR")
    or (_SOURCE_ROOT / "data" / "raw" if _in_checkout() else Path.home() / ".cache" / "scamgeo")
)

#: Default output folder of briefs.
reports_dir: Path = Path(os.environ.get("SCAMGEO_REPORTS_DIR", "reports"))

#: Longitude/latitude CRS of every table scamgeo returns.
GEOGRAPHIC_CRS = "EPSG:4326"

#: Metric CRS for the Thailand–Cambodia border: UTM zone 48N. The whole
#: border (102.3–105.6 E) lies in this zone, so scale error stays under 0.1%.
#: For data elsewhere in the region use :func:`scamgeo.geo.utm_crs`.
METRIC_CRS = "EPSG:32648"

#: Albers equal-area conic for areas (km²) over mainland Southeast Asia.
EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=14 +lon_0=102 +lat_1=8 +lat_2=20 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)

#: Region of interest as (min lon, min lat, max lon, max lat).
BBOX = (92.0, 5.0, 110.0, 24.0)

#: Seed every random draw in scamgeo uses unless given another (``seed=None`` draws fresh
#: entropy, and the seed actually used is recorded on the result). The war's first day.
DEFAULT_SEED = 20250724
