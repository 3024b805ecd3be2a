"""Metric geometry for the border region: CRS, buffers, rings, distances, joins, grids.

Every function takes a frame first and its options keyword-only, checks its
inputs before any work, and returns a *new* object indexed like the input
(never mutating it). Work is vectorised with shapely 2, ``STRtree`` spatial
indexes, KD-trees and a cell lattice over the provinces; there is no Python
loop over rows, so a million points take seconds.

Functions that take two frames (points and a border, sites, provinces)
project *both* into the same metric CRS, so frames in different CRSs are
compared correctly; a frame without a CRS is refused.

Distances are *geodesic* (WGS84 ellipsoid): the nearest point is found in a
metric CRS (the UTM zone of the data), then the length of the short segment
between the two points is measured with :class:`pyproj.Geod`. They agree
with pyproj geodesic distances to far better than 0.1%.

Accepted inputs are GeoDataFrames / GeoSeries with a CRS, or a plain
DataFrame in the common event schema (``latitude``/``longitude`` columns,
which the schema defines as WGS84 degrees). A frame without a CRS is refused:
scamgeo never guesses a CRS. Coordinates that cannot be what their CRS says
(latitude and longitude swapped, projected metres labelled EPSG:4326, points
far outside the region) are refused with :class:`~scamgeo.CoordinateError`,
as the loaders refuse them (the rule is :mod:`scamgeo._inputs`).

An empty selection is not an error: every function returns an empty result
indexed like its input (and :func:`aggregate` the zero-filled calendar when
given ``start`` and ``end``).

The package is split by job: ``_crs`` (projection, UTM zones), ``_buffers``
(buffers, rings), ``_nearest`` (geodesic distances), ``_admin`` (provinces)
``_grids`` (grids, aggregation) and ``_distance`` (row-by-row geodesic distances).
"""

from __future__ import annotations

from .._validate import guard_public
from ._admin import ADMIN1_METHODS, assign_province
from ._buffers import buffer_km, rings_km
from ._crs import to_metric, utm_crs
from ._distance import distance_km
from ._grids import aggregate, grid
from ._nearest import (
    LINE_ACCURACY_KM,
    distance_to_border_km,
    nearest_site,
    side_of_border,
    within_km,
)
from ._proximity import WITHIN, nearest_place, proximity

__all__ = [
    "WITHIN",
    "ADMIN1_METHODS",
    "LINE_ACCURACY_KM",
    "aggregate",
    "assign_province",
    "buffer_km",
    "distance_km",
    "distance_to_border_km",
    "grid",
    "nearest_place",
    "nearest_site",
    "proximity",
    "rings_km",
    "side_of_border",
    "to_metric",
    "utm_crs",
    "within_km",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
