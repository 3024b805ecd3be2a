"""CRS, metric projection and the UTM zone of the data."""

from __future__ import annotations

import functools
import logging
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import config
from .._errors import CRSError, ParameterError
from .._inputs import geometry_of, located

__all__ = [
    "CHUNK",
    "GEOD",
    "QUAD_SEGS",
    "SCALE_MARGIN",
    "Frame",
    "as_geoseries",
    "by_utm_zone",
    "check_crs_arg",
    "crs_string",
    "project",
    "to_metric",
    "transformer",
    "utm_crs",
    "utm_epsg",
    "utm_zone",
    "valid",
]


logger = logging.getLogger("scamgeo.geo")


GEOD = pyproj.Geod(ellps="WGS84")
#: Segments per quarter circle of buffers (64-gon circles: area within 0.2%).
QUAD_SEGS = 16
#: Margin on projected distances when pre-filtering by a geodesic limit
#: (UTM scale error is under 1.5% anywhere in the region).
SCALE_MARGIN = 1.03
#: Rows per batch of temporary GEOS geometries (bounds peak memory).
CHUNK = 200_000

Frame: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries | pd.DataFrame


# --- input checks and CRS ------------------------------------------------------


def as_geoseries(data: Any, *, name: str) -> gpd.GeoSeries:
    """The geometry of ``data`` with a CRS, indexed like ``data`` (may be empty).

    The rules are scamgeo's one input rule (:func:`scamgeo._inputs.geometry_of`):
    swapped, projected-but-labelled-geographic and out-of-region coordinates
    are refused with a :class:`~scamgeo.CoordinateError`.
    """
    return geometry_of(data, name=name)


def crs_string(crs: Any) -> str:
    """A CRS as ``"EPSG:nnnn"`` when it has an EPSG code, else its PROJ string.

    The one key scamgeo compares CRSs by (the in-memory functions and
    :mod:`scamgeo.scale` alike).

    Parameters
    ----------
    crs : str, int or pyproj.CRS
        Anything :meth:`pyproj.CRS.from_user_input` reads.

    Returns
    -------
    str

    Examples
    --------
    >>> from scamgeo import geo
    >>> geo.crs_string("+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs")
    'EPSG:32648'
    >>> geo.crs_string(4326)
    'EPSG:4326'
    """
    crs = pyproj.CRS.from_user_input(crs)
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.to_string()


def check_crs_arg(crs: Any, *, name: str = "crs", metric: bool = True) -> pyproj.CRS:
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise CRSError(f"{name}={crs!r} is not a CRS pyproj understands ({exc}).") from None
    if metric and not parsed.is_projected:
        raise CRSError(
            f"{name}={crs!r} is not a projected (metric) CRS; use a UTM zone such as "
            f"{config.METRIC_CRS!r} or scamgeo.geo.utm_crs(frame)."
        )
    return parsed


def valid(geoms: np.ndarray) -> np.ndarray:
    """Boolean mask of located geometries (see :func:`scamgeo._inputs.located`)."""
    return located(geoms)


def _mean_lonlat(geoms: gpd.GeoSeries) -> tuple[float, float]:
    """Mean of the bounding-box centres of the geometries, in degrees."""
    arr = geoms.to_numpy()
    ok = valid(arr)
    if not ok.any():
        raise ParameterError("every geometry is missing or empty: there is nothing to locate.")
    b = shapely.bounds(arr[ok])
    x = float(np.mean((b[:, 0] + b[:, 2]) / 2))
    y = float(np.mean((b[:, 1] + b[:, 3]) / 2))
    crs = pyproj.CRS.from_user_input(geoms.crs)
    if not crs.is_geographic or crs.to_epsg() != 4326:
        x, y = transformer(crs_string(crs), config.GEOGRAPHIC_CRS).transform(x, y)
    return x, y


def utm_epsg(lon: Any, lat: Any) -> np.ndarray:
    """EPSG codes of the UTM zones (WGS84) holding points at ``lon``, ``lat`` (degrees).

    The one rule for UTM zones: :func:`utm_crs` applies it to a frame's
    centre, :mod:`scamgeo.scale` to the centre of a whole dask frame.

    Parameters
    ----------
    lon, lat : float or array-like
        Degrees; zones 1–60 (longitudes outside ±180 are clipped to the edge
        zones); 326zz north of the equator, 327zz south.

    Returns
    -------
    numpy.ndarray
        Integer codes, shaped like the inputs.

    Examples
    --------
    >>> from scamgeo import geo
    >>> geo.utm_epsg([102.6, 97.6], [13.7, 16.7]).tolist()
    [32648, 32647]
    """
    zone = np.clip(np.floor((np.asarray(lon, dtype=float) + 180.0) / 6.0).astype(int) + 1, 1, 60)
    return np.where(np.asarray(lat) >= 0, 32600, 32700) + zone


def utm_zone(crs: Any) -> tuple[int, bool]:
    """The zone number of a UTM CRS (WGS84) and whether it is the northern one.

    Parameters
    ----------
    crs : str, int or pyproj.CRS
        A UTM zone as :func:`utm_epsg` and :func:`utm_crs` give it (326zz / 327zz).

    Returns
    -------
    tuple of (int, bool)

    Raises
    ------
    CRSError
        If ``crs`` is not a WGS84 UTM zone.

    Examples
    --------
    >>> from scamgeo import geo
    >>> geo.utm_zone("EPSG:32648"), geo.utm_zone(32747)
    ((48, True), (47, False))
    """
    epsg = pyproj.CRS.from_user_input(crs).to_epsg() or 0
    if not (32601 <= epsg <= 32660 or 32701 <= epsg <= 32760):
        raise CRSError(f"crs={crs!r} is not a WGS84 UTM zone (EPSG:32601–32660, 32701–32760).")
    return epsg % 100, epsg < 32700


@functools.cache
def transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def utm_crs(gdf: Frame) -> str:
    """The UTM zone (WGS84) of the data's centre, as an ``"EPSG:326zz"`` string.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Data with a CRS.

    Returns
    -------
    str
        E.g. ``"EPSG:32648"`` for the Thai–Cambodian border (102–108 E) and
        ``"EPSG:32647"`` for Myawaddy and Mae Sot (96–102 E); ``327zz`` south
        of the equator.

    Raises
    ------
    CRSError
        If ``gdf`` has no CRS.
    ParameterError
        If it is empty or every geometry is empty.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> geo.utm_crs(datasets.events())
    'EPSG:32648'
    """
    geoms = as_geoseries(gdf, name="gdf")
    if len(geoms) == 0:
        raise ParameterError("gdf is empty (0 rows): there is no data to choose a UTM zone for.")
    lon, lat = _mean_lonlat(geoms)
    return f"EPSG:{int(utm_epsg(lon, lat))}"


def to_metric(gdf: Frame, *, crs: Any = None) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Project ``gdf`` to a metric CRS (metres).

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Data with a CRS.
    crs : str or pyproj.CRS, optional
        Target projected CRS. Default :data:`scamgeo.config.METRIC_CRS`
        (UTM 48N, the zone of the Thai–Cambodian border); ``"utm"`` picks the
        zone of the data with :func:`utm_crs`.

    Returns
    -------
    GeoDataFrame or GeoSeries
        A new, projected object indexed like the input (a DataFrame with
        latitude/longitude becomes a GeoDataFrame).

    Raises
    ------
    CRSError
        If ``gdf`` has no CRS or ``crs`` is not a projected CRS.
    ParameterError
        If ``gdf`` is empty.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> metric = geo.to_metric(datasets.sites(kind='casino_hub'))
    >>> metric.crs.to_string(), metric.crs.axis_info[0].unit_name
    ('EPSG:32648', 'metre')
    """
    geoms = as_geoseries(gdf, name="gdf")
    if crs is None:
        crs = config.METRIC_CRS
    elif isinstance(crs, str) and crs.lower() == "utm":
        crs = utm_crs(geoms)
    target = check_crs_arg(crs)
    if isinstance(gdf, gpd.GeoSeries):
        return gdf.to_crs(target)
    if isinstance(gdf, gpd.GeoDataFrame):
        return gdf.to_crs(target)
    return gpd.GeoDataFrame(gdf.copy(), geometry=geoms.to_crs(target))


def project(geoms: gpd.GeoSeries, crs: str) -> np.ndarray:
    """Geometries as a numpy array in ``crs`` (no copy of attribute columns)."""
    if pyproj.CRS.from_user_input(geoms.crs) == pyproj.CRS.from_user_input(crs):
        return geoms.to_numpy()
    return geoms.to_crs(crs).to_numpy()


def by_utm_zone(geoms: gpd.GeoSeries, func, *, crs: Any = None, width: int = 1) -> np.ndarray:
    """Apply ``func`` (metric geometry array -> geometry array) in each row's UTM zone.

    The rows are grouped by the UTM zone of their centre (a handful of groups
    in the region, never a loop over rows); results come back in EPSG:4326.
    With ``crs`` given every row is processed in that one CRS instead.
    ``func`` returns ``width`` geometries per input row (row-major), and the
    result has shape ``(len(geoms), width)`` (``width=1`` gives a flat array).
    """
    arr = geoms.to_numpy()
    out = np.full((len(arr), width), None, dtype=object)
    ok = valid(arr)
    if ok.any():
        lonlat = geoms[ok].to_crs(config.GEOGRAPHIC_CRS)
        if crs is not None:
            zones = np.zeros(int(ok.sum()), dtype=int)
            names = {0: crs_string(check_crs_arg(crs))}
        else:
            b = shapely.bounds(lonlat.to_numpy())
            zones = utm_epsg((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
            names = {int(z): f"EPSG:{int(z)}" for z in np.unique(zones)}
        positions = np.flatnonzero(ok)
        for zone, zone_crs in names.items():
            sel = zones == zone
            metric = lonlat[sel].to_crs(zone_crs).to_numpy()
            done = (
                gpd.GeoSeries(func(metric), crs=zone_crs).to_crs(config.GEOGRAPHIC_CRS).to_numpy()
            )
            out[positions[sel]] = done.reshape(-1, width)
    return out[:, 0] if width == 1 else out
