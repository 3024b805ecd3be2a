"""Geodesic distance between the points of two frames, row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._inputs import as_points
from ._crs import Frame
from ._nearest import _geodesic_km

__all__ = ["distance_km"]


def distance_km(a: Frame, b: Frame) -> pd.Series:
    """Geodesic distance (km, WGS84 ellipsoid) from each row of ``a`` to the same row of ``b``.

    The two frames are aligned by position (row 1 with row 1, ...), as
    :meth:`geopandas.GeoSeries.distance` with ``align=False`` does, but the
    length is measured on the ellipsoid (:class:`pyproj.Geod`), in km, whatever
    the frames' CRSs. Lines and polygons are measured from a point on their
    surface.

    Parameters
    ----------
    a, b : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Frames of the same length, each with a CRS.

    Returns
    -------
    pandas.Series of float
        Named ``distance_km``, indexed like ``a``; NaN where either row has no location.

    Raises
    ------
    ParameterError
        If the frames differ in length.
    CRSError
        If a frame has no CRS.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> ev = datasets.events()
    >>> round(float(geo.distance_km(ev.iloc[[0]], ev.iloc[[1]]).iloc[0]), 2)
    0.49
    """
    if len(a) != len(b):
        raise ParameterError(
            f"distance_km: a has {len(a)} rows and b {len(b)}; the rows are paired by position, "
            "so both need the same length."
        )
    pa, pb = as_points(a, name="a"), as_points(b, name="b")
    lon1, lat1 = pa["_lon"].to_numpy(float), pa["_lat"].to_numpy(float)
    lon2, lat2 = pb["_lon"].to_numpy(float), pb["_lat"].to_numpy(float)
    out = np.full(len(pa), np.nan)
    ok = np.isfinite(lon1) & np.isfinite(lat1) & np.isfinite(lon2) & np.isfinite(lat2)
    out[ok] = _geodesic_km(lon1[ok], lat1[ok], lon2[ok], lat2[ok])
    return pd.Series(out, index=pa.index, name="distance_km")
