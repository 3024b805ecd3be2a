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
scamgeo never guesses a CRS.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import STRtree

from . import config
from ._errors import CRSError, ParameterError, SchemaError
from ._validate import check_choice, check_choices, check_positive, require_columns

__all__ = [
    "ADMIN1_METHODS",
    "aggregate",
    "assign_province",
    "buffer_km",
    "distance_to_border_km",
    "grid",
    "nearest_site",
    "rings_km",
    "to_metric",
    "utm_crs",
    "within_km",
]

logger = logging.getLogger(__name__)

_GEOD = pyproj.Geod(ellps="WGS84")
#: Segments per quarter circle of buffers (64-gon circles: area within 0.2%).
_QUAD_SEGS = 16
#: Margin on projected distances when pre-filtering by a geodesic limit
#: (UTM scale error is under 1.5% anywhere in the region).
_SCALE_MARGIN = 1.03
#: Rows per batch of temporary GEOS geometries (bounds peak memory).
_CHUNK = 200_000

Frame = gpd.GeoDataFrame | gpd.GeoSeries | pd.DataFrame


# --- input checks and CRS ------------------------------------------------------


def _as_geoseries(data: Any, *, name: str) -> gpd.GeoSeries:
    """The geometry of ``data`` as a GeoSeries with a CRS, indexed like ``data``.

    A plain DataFrame with ``latitude``/``longitude`` columns (the common
    event schema, WGS84 by definition) becomes points in EPSG:4326.
    """
    if isinstance(data, gpd.GeoDataFrame):
        if data._geometry_column_name not in data.columns:
            raise SchemaError(
                f"{name} has no active geometry column; call {name}.set_geometry(...) first."
            )
        geoms = data.geometry
    elif isinstance(data, gpd.GeoSeries):
        geoms = data
    elif isinstance(data, pd.DataFrame):
        if {"latitude", "longitude"} <= set(data.columns):
            lon = pd.to_numeric(data["longitude"], errors="coerce").to_numpy(dtype=float)
            lat = pd.to_numeric(data["latitude"], errors="coerce").to_numpy(dtype=float)
            pts = shapely.points(lon, lat)  # NaN coordinates give empty points
            geoms = gpd.GeoSeries(pts, index=data.index, crs=config.GEOGRAPHIC_CRS)
        else:
            raise SchemaError(
                f"{name} is a DataFrame without geometry: pass a GeoDataFrame, or a frame with "
                f"'latitude' and 'longitude' columns (WGS84 degrees). Columns: {', '.join(map(str, data.columns[:12]))}."
            )
    else:
        raise ParameterError(
            f"{name} must be a GeoDataFrame, GeoSeries or DataFrame with latitude/longitude, "
            f"got {type(data).__name__}."
        )
    if len(geoms) == 0:
        raise ParameterError(f"{name} is empty (0 rows): there is nothing to compute on.")
    if geoms.crs is None:
        looks_lonlat = False
        if len(geoms):
            minx, miny, maxx, maxy = geoms.total_bounds
            looks_lonlat = bool(np.all(np.isfinite([minx, miny, maxx, maxy]))) and (
                -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
            )
        hint = (
            f"Its coordinates look like longitude/latitude: if they are, call "
            f"{name} = {name}.set_crs('EPSG:4326')."
            if looks_lonlat
            else f"Set the CRS its coordinates are in with {name}.set_crs(...) "
            "(e.g. 'EPSG:4326' for longitude/latitude, 'EPSG:32648' for UTM 48N)."
        )
        raise CRSError(f"{name} has no CRS. scamgeo never guesses a CRS. {hint}")
    return geoms


def _crs_string(crs: Any) -> str:
    """A CRS as 'EPSG:nnnn' when it has an EPSG code, else its PROJ string."""
    crs = pyproj.CRS.from_user_input(crs)
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.to_string()


def _check_crs_arg(crs: Any, *, name: str = "crs", metric: bool = True) -> pyproj.CRS:
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


def _valid(geoms: np.ndarray) -> np.ndarray:
    """Boolean mask of geometries that exist, are not empty and have finite coordinates.

    Points built from missing latitude/longitude are ``POINT (NaN NaN)``, not
    empty: they count as missing here.
    """
    return np.isfinite(shapely.bounds(geoms)).all(axis=1)


def _mean_lonlat(geoms: gpd.GeoSeries) -> tuple[float, float]:
    """Mean of the bounding-box centres of the geometries, in degrees."""
    arr = geoms.to_numpy()
    ok = _valid(arr)
    if not ok.any():
        raise ParameterError("every geometry is missing or empty: there is nothing to locate.")
    b = shapely.bounds(arr[ok])
    x = float(np.mean((b[:, 0] + b[:, 2]) / 2))
    y = float(np.mean((b[:, 1] + b[:, 3]) / 2))
    crs = pyproj.CRS.from_user_input(geoms.crs)
    if not crs.is_geographic or crs.to_epsg() != 4326:
        x, y = _transformer(_crs_string(crs), config.GEOGRAPHIC_CRS).transform(x, y)
    return x, y


def _utm_epsg(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    zone = np.clip(np.floor((np.asarray(lon, dtype=float) + 180.0) / 6.0).astype(int) + 1, 1, 60)
    return np.where(np.asarray(lat) >= 0, 32600, 32700) + zone


@functools.cache
def _transformer(src: str, dst: str) -> pyproj.Transformer:
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
    """
    geoms = _as_geoseries(gdf, name="gdf")
    lon, lat = _mean_lonlat(geoms)
    return f"EPSG:{int(_utm_epsg(lon, lat))}"


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
    """
    geoms = _as_geoseries(gdf, name="gdf")
    if crs is None:
        crs = config.METRIC_CRS
    elif isinstance(crs, str) and crs.lower() == "utm":
        crs = utm_crs(geoms)
    target = _check_crs_arg(crs)
    if isinstance(gdf, gpd.GeoSeries):
        return gdf.to_crs(target)
    if isinstance(gdf, gpd.GeoDataFrame):
        return gdf.to_crs(target)
    return gpd.GeoDataFrame(gdf.copy(), geometry=geoms.to_crs(target))


def _project(geoms: gpd.GeoSeries, crs: str) -> np.ndarray:
    """Geometries as a numpy array in ``crs`` (no copy of attribute columns)."""
    if pyproj.CRS.from_user_input(geoms.crs) == pyproj.CRS.from_user_input(crs):
        return geoms.to_numpy()
    return geoms.to_crs(crs).to_numpy()


def _by_utm_zone(geoms: gpd.GeoSeries, func, *, crs: Any = None, width: int = 1) -> np.ndarray:
    """Apply ``func`` (metric geometry array -> geometry array) in each row's UTM zone.

    The rows are grouped by the UTM zone of their centre (a handful of groups
    in the region, never a loop over rows); results come back in EPSG:4326.
    With ``crs`` given every row is processed in that one CRS instead.
    ``func`` returns ``width`` geometries per input row (row-major), and the
    result has shape ``(len(geoms), width)`` (``width=1`` gives a flat array).
    """
    arr = geoms.to_numpy()
    out = np.full((len(arr), width), None, dtype=object)
    ok = _valid(arr)
    if ok.any():
        lonlat = geoms[ok].to_crs(config.GEOGRAPHIC_CRS)
        if crs is not None:
            zones = np.zeros(int(ok.sum()), dtype=int)
            names = {0: _crs_string(_check_crs_arg(crs))}
        else:
            b = shapely.bounds(lonlat.to_numpy())
            zones = _utm_epsg((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
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


# --- buffers and rings -----------------------------------------------------------


def buffer_km(gdf: Frame, *, km: float, crs: Any = None) -> gpd.GeoDataFrame:
    """Buffer every geometry by ``km`` kilometres, geodesically sensibly.

    Each geometry is buffered in the UTM zone of its own centre (scale error
    under 0.1% within a zone), then returned in EPSG:4326, so a 50 km buffer is
    50 km on the ground wherever the point is in the region.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Data with a CRS.
    km : float
        Buffer distance in kilometres, >= 0 (0 keeps points as points).
    crs : str or pyproj.CRS, optional
        Buffer every row in this projected CRS instead of its own UTM zone.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``gdf`` (all columns) with buffered geometry, EPSG:4326,
        indexed like ``gdf``. Missing or empty geometries become missing (None).

    Raises
    ------
    CRSError
        If ``gdf`` has no CRS.
    ParameterError
        If ``gdf`` is empty or ``km`` is negative or not a number.
    """
    km = check_positive(km, name="km", allow_zero=True)
    geoms = _as_geoseries(gdf, name="gdf")
    metres = km * 1000.0
    buffered = _by_utm_zone(
        geoms, lambda g: shapely.buffer(g, metres, quad_segs=_QUAD_SEGS), crs=crs
    )
    return _with_geometry(gdf, buffered)


def _with_geometry(data: Frame, geometry: np.ndarray) -> gpd.GeoDataFrame:
    """A new GeoDataFrame with ``data``'s attribute columns and ``geometry`` (EPSG:4326)."""
    if isinstance(data, gpd.GeoSeries):
        name = data.name if data.name is not None else "geometry"
        return gpd.GeoDataFrame(
            geometry=gpd.GeoSeries(geometry, index=data.index, crs=config.GEOGRAPHIC_CRS, name=name)
        )
    if isinstance(data, gpd.GeoDataFrame):
        out = data.copy()
        out[out._geometry_column_name] = gpd.GeoSeries(
            geometry, index=data.index, crs=config.GEOGRAPHIC_CRS
        )
        return out.set_crs(config.GEOGRAPHIC_CRS, allow_override=True)
    return gpd.GeoDataFrame(
        data.copy(), geometry=gpd.GeoSeries(geometry, index=data.index), crs=config.GEOGRAPHIC_CRS
    )


def _id_values(frame: Frame, id_col: str, *, name: str) -> np.ndarray:
    """Values of ``id_col``: a column, else the index when it bears that name."""
    if isinstance(frame, pd.DataFrame) and id_col in frame.columns:
        return frame[id_col].to_numpy()
    if frame.index.name == id_col:
        return frame.index.to_numpy()
    cols = list(frame.columns) if isinstance(frame, pd.DataFrame) else []
    raise SchemaError(
        f"{name} has no {id_col!r} column or index. Pass id_col= one of its columns: "
        f"{', '.join(map(str, cols[:15]))}."
    )


def rings_km(
    sites: Frame,
    *,
    radii_km: Sequence[float] = (10, 25, 50),
    id_col: str = "site_id",
) -> gpd.GeoDataFrame:
    """Concentric distance bands (annuli) around each site.

    The band of radius ``r`` covers distances in ``(inner, r]`` km from the
    site, where ``inner`` is the previous radius (0 for the first), so the
    bands of one site do not overlap and tile the disc of the largest radius.
    Built in each site's UTM zone, like :func:`buffer_km`.

    Parameters
    ----------
    sites : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Sites (points, or polygons) with a CRS, e.g. ``scamgeo.datasets.sites()``.
    radii_km : sequence of float, default (10, 25, 50)
        Outer radii in km, each > 0 and all different (sorted for you).
    id_col : str, default "site_id"
        Column (or index name) identifying each site.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site and radius (site order, then increasing radius) with
        columns ``site_id`` (named ``id_col``), ``name`` (if ``sites`` has
        it), ``radius_km``, ``inner_km`` and the annulus ``geometry``
        (EPSG:4326); a fresh RangeIndex.

    Raises
    ------
    CRSError
        If ``sites`` has no CRS.
    ParameterError
        If ``sites`` is empty or a radius is not > 0 or repeated.
    SchemaError
        If ``id_col`` is neither a column nor the index name.

    Examples
    --------
    >>> rings = rings_km(scamgeo.datasets.sites(kind="casino_hub"))  # doctest: +SKIP
    """
    if isinstance(radii_km, int | float):
        radii_km = [radii_km]
    radii = [check_positive(r, name="radii_km") for r in radii_km]
    if not radii:
        raise ParameterError(
            "radii_km is empty: give at least one radius in km, e.g. (10, 25, 50)."
        )
    if len(set(radii)) != len(radii):
        raise ParameterError(
            f"radii_km={tuple(radii_km)!r} repeats a radius; each band needs its own radius."
        )
    radii = sorted(radii)
    geoms = _as_geoseries(sites, name="sites")
    ids = _id_values(sites, id_col, name="sites")
    names = (
        sites["name"].to_numpy()
        if isinstance(sites, pd.DataFrame) and "name" in sites.columns
        else None
    )
    n, k = len(geoms), len(radii)
    outer = np.asarray(radii)
    inner = np.concatenate([[0.0], outer[:-1]])

    def annuli(metric: np.ndarray) -> np.ndarray:
        # (sites, radii) matrix of discs, then each minus the previous one.
        discs = shapely.buffer(metric[:, None], outer[None, :] * 1000.0, quad_segs=_QUAD_SEGS)
        holes = np.concatenate(
            [np.full((len(metric), 1), None, dtype=object), discs[:, :-1]], axis=1
        )
        bands = np.where(shapely.is_missing(holes), discs, shapely.difference(discs, holes))
        return bands.ravel()

    bands = _by_utm_zone(geoms, annuli, width=k)
    data: dict[str, Any] = {id_col: np.repeat(ids, k)}
    if names is not None:
        data["name"] = np.repeat(names, k)
    data["radius_km"] = np.tile(outer, n)
    data["inner_km"] = np.tile(inner, n)
    return gpd.GeoDataFrame(data, geometry=bands.ravel(), crs=config.GEOGRAPHIC_CRS)


# --- geodesic nearest distances ----------------------------------------------------


class _Source:
    """The valid rows of a geometry column, ready for metric and geodesic work.

    Attributes
    ----------
    ok : ndarray of int
        Positions of the rows with a usable geometry (others give NaN / <NA>).
    points : bool
        Every usable geometry is a point: coordinates are used directly,
        without building projected geometries unless asked.
    lon, lat : ndarray or None
        WGS84 coordinates of the points.
    x, y : ndarray or None
        Their coordinates in the metric ``crs``.
    """

    def __init__(self, geoms: gpd.GeoSeries, crs: str | None = None):
        arr = geoms.to_numpy()
        self.n = len(arr)
        bounds = shapely.bounds(arr)  # NaN for missing, empty and NaN-coordinate geometries
        self.ok = np.flatnonzero(np.isfinite(bounds).all(axis=1))
        arr, bounds = arr[self.ok], bounds[self.ok]
        self._arr = arr
        self._src_crs = _crs_string(geoms.crs)
        self.points = bool(len(arr)) and bool((shapely.get_type_id(arr) == 0).all())
        self.lon = self.lat = self.x = self.y = None
        self._metric: np.ndarray | None = None
        if self.points:
            x, y = bounds[:, 0], bounds[:, 1]
            if self._src_crs == config.GEOGRAPHIC_CRS:
                self.lon, self.lat = x, y
            else:
                self.lon, self.lat = _transformer(self._src_crs, config.GEOGRAPHIC_CRS).transform(
                    x, y
                )
        if crs is None:
            if not len(arr):
                crs = config.METRIC_CRS
            elif self.points:
                crs = f"EPSG:{int(_utm_epsg(np.mean(self.lon), np.mean(self.lat)))}"
            else:
                crs = utm_crs(gpd.GeoSeries(arr, crs=geoms.crs))
        self.crs = crs
        if self.points:
            self.x, self.y = _transformer(config.GEOGRAPHIC_CRS, crs).transform(self.lon, self.lat)

    def metric_slice(self, part: slice) -> np.ndarray:
        """Part of :attr:`metric`; points are built for that part only."""
        if self.points and self._metric is None:
            return shapely.points(self.x[part], self.y[part])
        return self.metric[part]

    @property
    def metric(self) -> np.ndarray:
        """The usable geometries in the metric CRS (built on first use)."""
        if self._metric is None:
            if self.points:
                self._metric = shapely.points(self.x, self.y)
            else:
                self._metric = (
                    gpd.GeoSeries(self._arr, crs=self._src_crs).to_crs(self.crs).to_numpy()
                )
        return self._metric


def _to_lonlat(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    return _transformer(crs, config.GEOGRAPHIC_CRS).transform(x, y)


def _geodesic_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance (km, WGS84 ellipsoid) between lon/lat arrays."""
    if len(lon1) == 0:
        return np.zeros(0)
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres, dtype=float) / 1000.0


def _nearest(
    src: _Source,
    targets: np.ndarray,
    *,
    max_km: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest target of every usable source geometry, with its geodesic distance.

    ``targets`` are geometries in ``src.crs``. The nearest target and the
    nearest points of the two geometries are found in that metric CRS (a
    KD-tree when both sides are points, else ``STRtree.query_nearest`` and
    ``shapely.shortest_line`` against prepared targets, or the single
    prepared target directly); the distance is the geodesic length between
    those two points.

    Returns
    -------
    (src_pos, target_pos, km) : arrays
        Row positions (into the whole source frame), target positions, and
        km; rows farther than ``max_km`` from every target are left out.
    """
    crs = src.crs
    limit = None if max_km is None else max_km * 1000.0 * _SCALE_MARGIN + 1.0
    if not len(src.ok) or not len(targets):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    target_points = bool((shapely.get_type_id(targets) == 0).all())
    if src.points and target_points:
        from scipy.spatial import cKDTree

        txy = shapely.get_coordinates(targets)
        dist, t = cKDTree(txy).query(
            np.column_stack([src.x, src.y]),
            k=1,
            distance_upper_bound=np.inf if limit is None else limit,
        )
        s = np.flatnonzero(np.isfinite(dist))
        t = t[s]
        tlon, tlat = _to_lonlat(txy[:, 0], txy[:, 1], crs)
        km = _geodesic_km(src.lon[s], src.lat[s], tlon[t], tlat[t])
    else:
        shapely.prepare(targets)  # prepared geometry first: GEOS indexed facet distance
        tree = STRtree(targets) if len(targets) > 1 else None
        parts = []
        # chunks bound the memory held by temporary GEOS geometries
        for lo in range(0, len(src.ok), _CHUNK):
            metric = src.metric_slice(slice(lo, lo + _CHUNK))
            if tree is None:
                cs = np.arange(len(metric))
                ct = np.zeros(len(metric), dtype=np.int64)
            else:
                cs, ct = tree.query_nearest(metric, max_distance=limit, all_matches=False)
            line = shapely.shortest_line(targets[ct], metric[cs])
            xy = shapely.get_coordinates(line).reshape(-1, 2, 2)
            tlon, tlat = _to_lonlat(xy[:, 0, 0], xy[:, 0, 1], crs)
            if src.points:
                slon, slat = src.lon[lo + cs], src.lat[lo + cs]
            else:
                slon, slat = _to_lonlat(xy[:, 1, 0], xy[:, 1, 1], crs)
            parts.append((lo + cs, ct, _geodesic_km(slon, slat, tlon, tlat)))
        s, t, km = (np.concatenate(a) for a in zip(*parts, strict=True))
    if max_km is not None:
        keep = km <= max_km
        s, t, km = s[keep], t[keep], km[keep]
    return src.ok[s], t, km


def _default_border() -> gpd.GeoDataFrame:
    from . import datasets

    return datasets.border("THA", "KHM")


def _as_lines(geoms: np.ndarray) -> np.ndarray:
    """Lines as they are; polygons as their boundary lines."""
    geoms = geoms[_valid(geoms)]
    polys = shapely.get_type_id(geoms) >= 3
    return np.where(polys, shapely.boundary(geoms), geoms)


def distance_to_border_km(gdf: Frame, *, border: Frame | None = None) -> pd.Series:
    """Geodesic distance (km) from each geometry to a border line.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Events, sites or any geometries, with a CRS.
    border : GeoDataFrame or GeoSeries, optional
        Lines (or polygons, whose boundary is used) with a CRS; all rows are
        taken together. Default ``scamgeo.datasets.border("THA", "KHM")``.

    Returns
    -------
    pandas.Series of float
        Named ``distance_to_border_km``, indexed like ``gdf``; NaN where the
        geometry is missing or empty.

    Raises
    ------
    CRSError
        If ``gdf`` or ``border`` has no CRS.
    ParameterError
        If ``gdf`` or ``border`` is empty.

    Notes
    -----
    The nearest point of the line is found in the UTM zone of the data and
    the distance measured geodesically (WGS84): it agrees with
    ``pyproj.Geod.inv`` to well under 0.1%. The Natural Earth 1:10m line is
    generalised (a vertex every ~1.9 km), so distances under ~2 km say
    "at the border" rather than which side.

    Examples
    --------
    >>> km = distance_to_border_km(scamgeo.datasets.events())  # doctest: +SKIP
    """
    geoms = _as_geoseries(gdf, name="gdf")
    line = _as_geoseries(_default_border() if border is None else border, name="border")
    src = _Source(geoms)
    crs = src.crs
    lines = _as_lines(_project(line, crs))
    if len(lines) == 0:
        raise ParameterError("border has no line: every geometry of it is missing or empty.")
    # one geometry: the prepared line answers every point without a tree
    target = np.array([shapely.union_all(lines)], dtype=object)
    out = np.full(len(geoms), np.nan)
    s, _, km = _nearest(src, target)
    out[s] = km
    return pd.Series(out, index=geoms.index, name="distance_to_border_km")


def _site_table(
    sites: Frame, kind: str | Iterable[str] | None
) -> tuple[gpd.GeoSeries, np.ndarray, np.ndarray]:
    from .schema import SITE_KINDS

    kinds = check_choices(kind, SITE_KINDS, name="kind")
    geoms = _as_geoseries(sites, name="sites")
    ids = _id_values(sites, "site_id", name="sites")
    names = (
        sites["name"].to_numpy()
        if isinstance(sites, pd.DataFrame) and "name" in sites.columns
        else ids
    )
    if kinds is not None:
        if not isinstance(sites, pd.DataFrame) or "kind" not in sites.columns:
            raise SchemaError(
                "sites has no 'kind' column, so kind= cannot filter it; drop kind= or add the column."
            )
        keep = sites["kind"].isin(kinds).to_numpy(dtype=bool)
        if not keep.any():
            raise ParameterError(f"sites has no site of kind {', '.join(map(repr, kinds))}.")
        geoms, ids, names = geoms[keep], ids[keep], names[keep]
    ok = _valid(geoms.to_numpy())
    if not ok.any():
        raise ParameterError("sites has no usable geometry (every one is missing or empty).")
    return geoms[ok], ids[ok], names[ok]


def nearest_site(
    gdf: Frame,
    sites: Frame,
    *,
    kind: str | Iterable[str] | None = None,
    max_km: float | None = None,
) -> pd.DataFrame:
    """The nearest site of each geometry, and the geodesic distance to it.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Events or other geometries, with a CRS.
    sites : GeoDataFrame
        Sites with a CRS and ``site_id`` (column or index), ``name`` and, to
        filter by ``kind``, a ``kind`` column (e.g. ``scamgeo.datasets.sites()``).
        Sites without a location are ignored.
    kind : str or list of str, optional
        Only sites of these kinds: ``casino_hub``, ``casino``,
        ``scam_compound``, ``border_crossing``, ``special_economic_zone``.
    max_km : float, optional
        Ignore sites farther than this (the row gets <NA>).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``gdf``, columns ``nearest_site_id``,
        ``nearest_site_name`` (strings) and ``nearest_site_km`` (geodesic km;
        NaN when no site is within ``max_km`` or the geometry is missing).
        Ties go to one of the tied sites.

    Raises
    ------
    CRSError
        If ``gdf`` or ``sites`` has no CRS.
    ParameterError
        If a frame is empty, ``kind`` is unknown (the valid kinds are listed),
        no site is of that kind, or ``max_km`` is negative.
    SchemaError
        If ``sites`` has no ``site_id``, or no ``kind`` column while ``kind`` is given.

    Examples
    --------
    >>> hubs = nearest_site(events, scamgeo.datasets.sites(), kind="casino_hub")  # doctest: +SKIP
    """
    if max_km is not None:
        max_km = check_positive(max_km, name="max_km", allow_zero=True)
    geoms = _as_geoseries(gdf, name="gdf")
    site_geoms, ids, names = _site_table(sites, kind)
    src = _Source(geoms)
    s, t, km = _nearest(src, _project(site_geoms, src.crs), max_km=max_km)
    n = len(geoms)
    out_km = np.full(n, np.nan)
    out_km[s] = km
    id_out = np.full(n, None, dtype=object)
    id_out[s] = ids[t]
    name_out = np.full(n, None, dtype=object)
    name_out[s] = names[t]
    return pd.DataFrame(
        {
            "nearest_site_id": pd.array(id_out, dtype="string"),
            "nearest_site_name": pd.array(name_out, dtype="string"),
            "nearest_site_km": out_km,
        },
        index=geoms.index,
    )


def within_km(gdf: Frame, of: Frame, *, km: float) -> pd.Series:
    """Whether each geometry lies within ``km`` (geodesic) of any geometry of ``of``.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Geometries to test, with a CRS.
    of : GeoDataFrame or GeoSeries
        Reference geometries (points, lines or polygons) with a CRS; a point
        inside a polygon of ``of`` is at 0 km.
    km : float
        Distance in km, >= 0.

    Returns
    -------
    pandas.Series of bool
        Named ``within_<km>km`` (e.g. ``within_25km``), indexed like ``gdf``;
        False where the geometry is missing or empty.

    Raises
    ------
    CRSError
        If a frame has no CRS.
    ParameterError
        If a frame is empty or ``km`` is negative.

    Examples
    --------
    >>> near_hub = within_km(events, scamgeo.datasets.sites(kind="casino_hub"), km=10)  # doctest: +SKIP
    """
    km = check_positive(km, name="km", allow_zero=True)
    geoms = _as_geoseries(gdf, name="gdf")
    other = _as_geoseries(of, name="of")
    src = _Source(geoms)
    targets = _project(other, src.crs)
    targets = targets[_valid(targets)]
    out = np.zeros(len(geoms), dtype=bool)
    s, _, _ = _nearest(src, targets, max_km=km)
    out[s] = True
    return pd.Series(out, index=geoms.index, name=f"within_{km:g}km")


# --- provinces ---------------------------------------------------------------------

_THAI_KHMER = ("THA", "KHM")
_COUNTRY_INT = {"THA": 1, "KHM": 2}
#: Values of ``admin1_method`` (see :func:`assign_province`).
ADMIN1_METHODS = ("field", "within", "nearest", "outside", "missing")


@functools.cache
def _default_provinces() -> gpd.GeoDataFrame:
    from . import datasets

    return datasets.provinces()


class _ProvinceIndex:
    """Province polygons in a metric CRS with the structures the joins need.

    - ``codes`` and ``country`` (1 THA, 2 KHM, 3 other) per polygon, and
      the prepared polygons;
    - a lattice of 5 km cells over the polygons listing, for each cell, the
      provinces it meets and whether it lies wholly inside one: a point in
      an inner cell is placed without any point-in-polygon test, a point in
      an edge cell is tested against the few provinces of that cell only;
    - per country group (1, 2, 0 = all) the union of the province boundary
      lines (prepared, for nearest points) and an STRtree of their segments
      telling which province an edge point belongs to.
    """

    cell_m = 5000.0

    def __init__(self, codes: np.ndarray, countries: np.ndarray, geoms: np.ndarray):
        ok = _valid(geoms)
        self.codes = codes[ok]
        self.country = pd.Series(countries[ok]).map(_COUNTRY_INT).fillna(3).to_numpy(dtype=np.int8)
        self.geoms = geoms[ok]
        shapely.prepare(self.geoms)
        self._groups: dict[int, tuple] = {}
        self._lattice: tuple | None = None

    def lattice(self) -> tuple:
        """(x0, y0, nx, ny, start, province, inside): CSR lists of provinces per cell."""
        if self._lattice is None:
            c = self.cell_m
            minx, miny, maxx, maxy = shapely.total_bounds(self.geoms)
            x0, y0 = math.floor(minx / c), math.floor(miny / c)
            nx, ny = math.floor(maxx / c) - x0 + 1, math.floor(maxy / c) - y0 + 1
            gi, gj = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij"))
            cells = shapely.box((x0 + gi) * c, (y0 + gj) * c, (x0 + gi + 1) * c, (y0 + gj + 1) * c)
            tree = STRtree(cells)
            prov, cell = tree.query(self.geoms, predicate="intersects")
            inner_p, inner_c = tree.query(self.geoms, predicate="contains")
            key = cell.astype(np.int64) * len(self.geoms) + prov
            inside = np.isin(key, inner_c.astype(np.int64) * len(self.geoms) + inner_p)
            order = np.lexsort((prov, cell))
            prov, cell, inside = prov[order], cell[order], inside[order]
            start = np.searchsorted(cell, np.arange(nx * ny + 1))
            self._lattice = (x0, y0, nx, ny, start, prov, inside)
        return self._lattice

    def within(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (point position, province position) pair where the point lies in the polygon.

        Sorted by point, then province (table order).
        """
        x0, y0, nx, ny, start, prov, inside = self.lattice()
        i = np.floor(x / self.cell_m).astype(np.int64) - x0
        j = np.floor(y / self.cell_m).astype(np.int64) - y0
        on = np.flatnonzero((i >= 0) & (i < nx) & (j >= 0) & (j < ny))
        cell = i[on] * ny + j[on]
        first, count = start[cell], start[cell + 1] - start[cell]
        pt = np.repeat(on, count)
        # position of each pair in the CSR arrays
        offset = np.arange(len(pt)) - np.repeat(np.cumsum(count) - count, count)
        pair = np.repeat(first, count) + offset
        p, hit = prov[pair], inside[pair].copy()
        test = np.flatnonzero(~hit)
        hit[test] = shapely.intersects_xy(self.geoms[p[test]], x[pt[test]], y[pt[test]])
        return pt[hit], p[hit]

    def nearest(self, country: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance (m, in the metric CRS) to, and position of, the nearest province.

        Among the provinces of ``country`` (1 THA, 2 KHM, 0 all): the nearest
        point of their prepared boundary lines, then the province whose edge
        holds that point (first in table order). Position -1 if there is none.
        """
        dist = np.full(len(x), np.inf)
        owner = np.full(len(x), -1, dtype=np.int64)
        _, boundary, seg_tree, seg_owner = self.group(country)
        if boundary is None:
            return dist, owner
        for lo in range(0, len(x), _CHUNK):
            part = slice(lo, lo + _CHUNK)
            lines = shapely.shortest_line(boundary, shapely.points(x[part], y[part]))
            dist[part] = shapely.length(lines)
            on_edge = shapely.get_point(lines, 0)
            q, seg = seg_tree.query(on_edge, predicate="dwithin", distance=0.01)
            order = np.lexsort((seg_owner[seg], q))
            q, seg = q[order], seg[order]
            firsts = np.unique(q, return_index=True)[1]
            got = np.full(len(on_edge), -1, dtype=np.int64)
            got[q[firsts]] = seg_owner[seg[firsts]]
            lost = np.flatnonzero(got < 0)  # rounding put the point off every edge
            if len(lost):
                got[lost] = seg_owner[seg_tree.query_nearest(on_edge[lost], all_matches=False)[1]]
            owner[part] = got
        return dist, owner

    def group(self, country: int) -> tuple[np.ndarray, Any, STRtree, np.ndarray]:
        """(province positions, prepared boundary, segment tree, segment -> position)."""
        if country not in self._groups:
            cand = (
                np.flatnonzero(self.country == country) if country else np.arange(len(self.geoms))
            )
            parts, owner = shapely.get_parts(shapely.boundary(self.geoms[cand]), return_index=True)
            boundary = shapely.multilinestrings(shapely.get_parts(parts)) if len(parts) else None
            if boundary is not None:
                shapely.prepare(boundary)
            coords, index = shapely.get_coordinates(parts, return_index=True)
            same = index[1:] == index[:-1]
            segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
            seg_owner = cand[owner[index[:-1][same]]]
            self._groups[country] = (cand, boundary, STRtree(segments), seg_owner)
        return self._groups[country]


@functools.cache
def _default_province_index(crs: str) -> _ProvinceIndex:
    prov = _default_provinces()
    return _ProvinceIndex(
        prov["iso_3166_2"].to_numpy(dtype=object),
        prov["country"].to_numpy(dtype=object),
        prov.geometry.to_crs(crs).to_numpy(),
    )


def _province_index(provinces: Frame | None, crs: str) -> _ProvinceIndex:
    if provinces is None:
        return _default_province_index(crs)
    geoms = _as_geoseries(provinces, name="provinces")
    if not isinstance(provinces, pd.DataFrame):
        raise SchemaError(
            "provinces must be a GeoDataFrame with 'iso_3166_2' (or 'admin1_code') and 'country' columns."
        )
    code_col = "iso_3166_2" if "iso_3166_2" in provinces.columns else "admin1_code"
    require_columns(provinces.columns, [code_col, "country"], source="provinces")
    return _ProvinceIndex(
        provinces[code_col].to_numpy(dtype=object),
        provinces["country"].to_numpy(dtype=object),
        _project(geoms, crs).copy(),
    )


def _row_countries(gdf: Frame, n: int) -> np.ndarray:
    """Each row's country as a small int: 0 unknown, 1 THA, 2 KHM, 3 another country.

    ISO3 codes are expected (the event schema); the English names and ISO2
    codes of Thailand and Cambodia (as in raw ACLED or UCDP files) are
    understood too.
    """
    if not isinstance(gdf, pd.DataFrame) or "country" not in gdf.columns:
        return np.zeros(n, dtype=np.int8)
    country = gdf["country"].astype("string").str.strip().str.upper()
    country = country.where(country != "", pd.NA)
    out = np.where(country.isna().to_numpy(dtype=bool), 0, 3).astype(np.int8)
    for spellings, i in ((("THA", "TH", "THAILAND"), 1), (("KHM", "KH", "CAMBODIA"), 2)):
        out[country.isin(spellings).fillna(False).to_numpy(dtype=bool)] = i
    return out


def _codes_from_fields(gdf: Frame, countries: np.ndarray, known: set[str]) -> np.ndarray:
    """Province codes from the frame's own ``admin1_code`` / ``admin1`` columns."""
    out = np.full(len(gdf), None, dtype=object)
    if not isinstance(gdf, pd.DataFrame):
        return out
    if "admin1_code" in gdf.columns:
        codes = gdf["admin1_code"].astype("string").str.strip().str.upper()
        ok = codes.isin(sorted(known)).fillna(False).to_numpy(dtype=bool)
        bad = codes.notna().to_numpy(dtype=bool) & ~ok
        if bad.any():
            logger.info(
                "assign_province: %d admin1_code value(s) are not known provinces (e.g. %r); placed spatially.",
                int(bad.sum()),
                codes[bad].iloc[0],
            )
        out[ok] = codes[ok].to_numpy(dtype=object)
    if "admin1" in gdf.columns:
        # names are looked up among Thai and Cambodian provinces only: a row of
        # another country keeps no province, whatever its admin1 says
        todo = np.flatnonzero(
            pd.isna(out) & gdf["admin1"].notna().to_numpy(dtype=bool) & (countries != 3)
        )
        if len(todo):
            from . import datasets

            # Resolve each distinct (name, country) pair once, then map back.
            pairs = pd.DataFrame(
                {
                    "name": gdf["admin1"].iloc[todo].astype(str).to_numpy(dtype=object),
                    "country": np.asarray(("", "THA", "KHM"), dtype=object)[countries[todo]],
                }
            )
            uniq = pairs.drop_duplicates(ignore_index=True)
            found = datasets.province_code(
                uniq["name"].tolist(), country=[c or None for c in uniq["country"]]
            )
            uniq["code"] = found.astype(object).where(found.notna(), None).to_numpy(dtype=object)
            resolved = pairs.merge(uniq, on=["name", "country"], how="left", sort=False)[
                "code"
            ].to_numpy(dtype=object)
            resolved = np.where(pd.isna(resolved), None, resolved)
            ok = np.isin(resolved.astype(str), sorted(known))
            out[todo[ok]] = resolved[ok]
    return out


def assign_province(
    gdf: Frame,
    *,
    provinces: Frame | None = None,
    max_km: float = 50.0,
) -> pd.DataFrame:
    """The Thai or Cambodian province (ISO 3166-2 code) of each row, and how it was found.

    In order of trust (the ``admin1_method`` column):

    1. ``field``: the row's own ``admin1_code`` (a known code), or its
       ``admin1`` name resolved by :func:`scamgeo.datasets.province_code`
       within the row's ``country``.
    2. ``within``: the province polygon the geometry lies in (or on the edge
       of), restricted to the row's own country when its ``country`` is THA
       or KHM.
    3. ``nearest``: the nearest province of the row's country (points in the
       sea, on small islands, or across the generalised 1:10m border); rows
       of unknown country get the nearest province only within ``max_km``.
    4. ``outside``: rows whose ``country`` is another one (e.g. Myawaddy,
       MMR, which falls inside the Thai 1:10m polygon), or of unknown
       country with no province within ``max_km``: code <NA>.
    5. ``missing``: no usable field and no location: code <NA>.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Rows in the common event schema (or any geometries), with a CRS.
        Lines and polygons are placed by a point on their surface.
    provinces : GeoDataFrame, optional
        Polygons with ``iso_3166_2`` (or ``admin1_code``) and ``country``
        (ISO3) columns and a CRS; default :func:`scamgeo.datasets.provinces`.
    max_km : float, default 50
        How far from a province a row of unknown country may lie and still be
        assigned to it (measured in the UTM zone of the data).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``gdf``: ``admin1_code`` (string, <NA> when outside or
        missing) and ``admin1_method`` (one of :data:`ADMIN1_METHODS`).

    Raises
    ------
    CRSError
        If ``gdf`` or ``provinces`` has no CRS.
    ParameterError
        If ``gdf`` is empty or ``max_km`` negative.

    Examples
    --------
    >>> events[["admin1_code", "admin1_method"]] = assign_province(events)  # doctest: +SKIP
    """
    max_km = check_positive(max_km, name="max_km", allow_zero=True)
    geoms = _as_geoseries(gdf, name="gdf")
    n = len(geoms)
    src = _Source(geoms)
    index = _province_index(provinces, src.crs)
    countries = _row_countries(gdf, n)

    # Work on integer arrays: province position (-1 none) and method number.
    field_codes = _codes_from_fields(gdf, countries, set(index.codes.tolist()))
    known = pd.Index(index.codes)
    prov = np.full(n, -1, dtype=np.int64)
    has_field = ~pd.isna(field_codes)
    prov[has_field] = known.get_indexer(field_codes[has_field])
    method = np.where(has_field, 0, -1).astype(np.int8)  # positions in ADMIN1_METHODS

    has_geom = np.zeros(n, dtype=bool)
    has_geom[src.ok] = True
    foreign = countries == 3
    todo = np.flatnonzero(~has_field[src.ok] & ~foreign[src.ok])  # positions into src.ok
    if len(todo):
        if src.points:
            x, y = src.x[todo], src.y[todo]
        else:
            xy = shapely.get_coordinates(shapely.point_on_surface(src.metric[todo]))
            x, y = xy[:, 0], xy[:, 1]
        rows = src.ok[todo]
        # 2. within (own country only); pairs come sorted by point then province.
        s, p = index.within(x, y)
        same = (countries[rows[s]] == 0) | (countries[rows[s]] == index.country[p])
        s, p = s[same], p[same]
        first = np.unique(s, return_index=True)[1]
        prov[rows[s[first]]] = p[first]
        method[rows[s[first]]] = 1
        left = np.setdiff1d(np.arange(len(rows)), s[first], assume_unique=True)

        # 3. nearest province of the row's country (any country within max_km if unknown).
        for country in (1, 2, 0):
            sel = left[countries[rows[left]] == country]
            if not len(sel):
                continue
            dist_m, owner = index.nearest(country, x[sel], y[sel])
            far = dist_m > max_km * 1000.0
            if country and far.any():
                logger.warning(
                    "assign_province: %d %s row(s) lie over %g km from every %s province; "
                    "placed in the nearest one (check their coordinates).",
                    int(far.sum()),
                    _THAI_KHMER[country - 1],
                    max_km,
                    _THAI_KHMER[country - 1],
                )
                far[:] = False
            hit = rows[sel[~far & (owner >= 0)]]
            prov[hit] = owner[~far & (owner >= 0)]
            method[hit] = 2

    method[(method < 0) & (has_geom | foreign)] = 3
    method[method < 0] = 4
    codes = pd.array(index.codes, dtype="string").take(prov, allow_fill=True)
    methods = pd.array(list(ADMIN1_METHODS), dtype="string").take(method.astype(np.int64))
    return pd.DataFrame({"admin1_code": codes, "admin1_method": methods}, index=geoms.index)


# --- grids and aggregation -----------------------------------------------------------

_SHAPES = ("square", "hex")
_FREQS = ("D", "W", "M")
_BY = ("province", "grid")
_VALUES = ("events", "fatalities")
_SQRT3 = math.sqrt(3.0)


@functools.cache
def _default_region() -> gpd.GeoSeries:
    """The Thai–Cambodian border line buffered by 50 km (EPSG:4326)."""
    return buffer_km(_default_border(), km=50).geometry


def _region(bounds: Any) -> gpd.GeoSeries:
    """``bounds`` as geometries with a CRS (a lon/lat tuple becomes a box)."""
    if bounds is None:
        return _default_region()
    if isinstance(bounds, gpd.GeoDataFrame | gpd.GeoSeries):
        return _as_geoseries(bounds, name="bounds")
    try:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ParameterError(
            f"bounds={bounds!r} must be (min lon, min lat, max lon, max lat) in degrees, "
            "or a GeoDataFrame/GeoSeries with a CRS."
        ) from None
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise ParameterError(
            f"bounds={bounds!r} is not a longitude/latitude box: need -180 <= min lon < max lon <= 180 "
            "and -90 <= min lat < max lat <= 90 (degrees, EPSG:4326)."
        )
    return gpd.GeoSeries([shapely.box(minx, miny, maxx, maxy)], crs=config.GEOGRAPHIC_CRS)


def _hex_size(cell_km: float) -> float:
    """Circumradius (m) of a hexagon whose area equals that of a ``cell_km`` square."""
    return math.sqrt(2.0 * (cell_km * 1000.0) ** 2 / (3.0 * _SQRT3))


def _cell_index(
    x: np.ndarray, y: np.ndarray, *, cell_km: float, shape: str
) -> tuple[np.ndarray, np.ndarray]:
    """Integer (column, row) of the cell holding each metric point (axial q, r for hexes)."""
    if shape == "square":
        c = cell_km * 1000.0
        return np.floor(x / c).astype(np.int64), np.floor(y / c).astype(np.int64)
    s = _hex_size(cell_km)
    q = (_SQRT3 / 3.0 * x - y / 3.0) / s
    r = (2.0 / 3.0 * y) / s
    # cube rounding (x + y + z = 0)
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_z = ~fix_x & ~(dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    rz = np.where(fix_z, -rx - ry, rz)
    return rx.astype(np.int64), rz.astype(np.int64)


def _cell_ids(i: np.ndarray, j: np.ndarray, *, cell_km: float, shape: str) -> np.ndarray:
    prefix = f"{'sq' if shape == 'square' else 'hex'}{cell_km:g}km_"
    return (
        prefix
        + pd.Series(i, dtype="int64").astype(str)
        + "_"
        + pd.Series(j, dtype="int64").astype(str)
    ).to_numpy(dtype=object)


def _cell_polygons(i: np.ndarray, j: np.ndarray, *, cell_km: float, shape: str) -> np.ndarray:
    if shape == "square":
        c = cell_km * 1000.0
        return shapely.box(i * c, j * c, (i + 1) * c, (j + 1) * c)
    s = _hex_size(cell_km)
    cx = _SQRT3 * s * (i + j / 2.0)
    cy = 1.5 * s * j
    angles = np.deg2rad(np.arange(6) * 60.0 - 30.0)  # pointy-top
    ring = np.stack([cx[:, None] + s * np.cos(angles), cy[:, None] + s * np.sin(angles)], axis=-1)
    return shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))  # exactly closed


def _grid_metric(
    region: np.ndarray, *, cell_km: float, shape: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, polygons) of the cells intersecting the metric ``region`` geometries."""
    minx, miny, maxx, maxy = shapely.total_bounds(region)
    if shape == "square":
        c = cell_km * 1000.0
        ii = np.arange(math.floor(minx / c), math.floor(maxx / c) + 1)
        jj = np.arange(math.floor(miny / c), math.floor(maxy / c) + 1)
    else:
        s = _hex_size(cell_km)
        w = _SQRT3 * s
        jj = np.arange(math.floor(miny / (1.5 * s)) - 1, math.ceil(maxy / (1.5 * s)) + 2)
        ii = np.arange(
            math.floor(minx / w - jj.max() / 2.0) - 1, math.ceil(maxx / w - jj.min() / 2.0) + 2
        )
    n_cells = len(ii) * len(jj)
    if n_cells > 5_000_000:
        raise ParameterError(
            f"cell_km={cell_km:g} over these bounds would make ~{n_cells:,} cells; use larger cells or smaller bounds."
        )
    gi, gj = (a.ravel() for a in np.meshgrid(ii, jj))
    cells = _cell_polygons(gi, gj, cell_km=cell_km, shape=shape)
    r, c = STRtree(cells).query(region, predicate="intersects")
    # a cell that only touches a polygon's edge is not in the region
    polygonal = shapely.get_type_id(region[r]) >= 3
    keep = ~polygonal | ~shapely.touches(region[r], cells[c])
    hit = np.unique(c[keep])
    return gi[hit], gj[hit], cells[hit]


def grid(
    *,
    bounds: Any = None,
    cell_km: float = 10,
    shape: Literal["square", "hex"] = "square",
    crs: Any = None,
) -> gpd.GeoDataFrame:
    """A grid of equal-area square or hexagonal cells over a region.

    Cells are laid out in a metric CRS on a fixed origin, so the same cell
    has the same ``cell_id`` whatever the bounds (grids of different runs,
    or of dask partitions, line up).

    Parameters
    ----------
    bounds : tuple or GeoDataFrame or GeoSeries, optional
        ``(min lon, min lat, max lon, max lat)`` in degrees: cells covering
        that box; or geometries with a CRS: cells intersecting them (pass
        ``buffer_km(points, km=...)`` to grid around points). Default: the
        Thai–Cambodian border buffered by 50 km.
    cell_km : float, default 10
        Side of a square cell in km; a hexagon has the same area
        (``cell_km²``), so counts per cell compare across shapes.
    shape : {"square", "hex"}, default "square"
        Cell shape (hexagons are pointy-top).
    crs : str or pyproj.CRS, optional
        Projected CRS the cells are regular in; default the UTM zone of the
        bounds (UTM 48N for the default region), where a 10 km cell is
        100 km² on the ground within 0.5%.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id`` (e.g. ``"sq10km_27_146"``: shape, size and the
        cell's column and row in ``crs``) and polygon ``geometry`` in
        EPSG:4326; sorted by row then column; a fresh RangeIndex.
        ``.attrs`` holds ``cell_km``, ``shape`` and ``crs``.

    Raises
    ------
    ParameterError
        On an unknown shape, ``cell_km`` <= 0, malformed bounds, or over
        five million candidate cells.
    CRSError
        If ``bounds`` has no CRS or ``crs`` is not projected.
    """
    check_choice(shape, _SHAPES, name="shape")
    cell_km = check_positive(cell_km, name="cell_km")
    region = _region(bounds)
    metric_crs = _crs_string(_check_crs_arg(crs)) if crs is not None else utm_crs(region)
    region_m = _project(region, metric_crs)
    region_m = region_m[_valid(region_m)]
    if not len(region_m):
        raise ParameterError("bounds has no non-empty geometry to lay a grid over.")
    # Densify so that a lon/lat box keeps its curved edges once projected.
    region_m = shapely.segmentize(region_m, cell_km * 250.0)
    i, j, cells = _grid_metric(region_m, cell_km=cell_km, shape=shape)
    order = np.lexsort((i, j))
    i, j, cells = i[order], j[order], cells[order]
    out = gpd.GeoDataFrame(
        {"cell_id": _cell_ids(i, j, cell_km=cell_km, shape=shape)},
        geometry=gpd.GeoSeries(cells, crs=metric_crs).to_crs(config.GEOGRAPHIC_CRS).to_numpy(),
        crs=config.GEOGRAPHIC_CRS,
    )
    out.attrs.update({"cell_km": cell_km, "shape": shape, "crs": metric_crs})
    return out


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    dates = dates.dt.normalize()
    if freq == "D":
        return dates
    if freq == "W":
        return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    return dates.dt.to_period("M").dt.to_timestamp()


def _calendar(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    first, last = (_period_start(pd.Series([start, end]), freq)).tolist()
    step = {"D": "D", "W": "W-MON", "M": "MS"}[freq]
    return pd.date_range(first, last, freq=step, name="period")


def _parse_dates(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        out = pd.to_datetime(values, errors="coerce", format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    bad = out.isna() & values.notna()
    if bad.any():
        first = values[bad]
        raise SchemaError(
            f"event_date: {int(bad.sum())} value(s) are not dates, e.g. {first.iloc[0]!r} "
            f"(row {first.index[0]!r}); use ISO dates such as '2025-07-24'.",
            source="event_date",
        )
    return out.astype("datetime64[ns]")


def _parse_day(value: Any, *, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name}={value!r} is not a date; use an ISO date such as '2025-07-24'."
        ) from None
    if pd.isna(day):
        raise ParameterError(
            f"{name}={value!r} is not a date; use an ISO date such as '2025-07-24'."
        )
    return day.tz_localize(None).normalize() if day.tzinfo else day.normalize()


def aggregate(
    gdf: Frame,
    *,
    by: Literal["province", "grid"] = "province",
    freq: Literal["D", "W", "M"] = "D",
    cell_km: float = 10,
    shape: Literal["square", "hex"] = "square",
    start: Any = None,
    end: Any = None,
    value: Literal["events", "fatalities"] = "events",
    bounds: Any = None,
) -> pd.DataFrame:
    """Count events and fatalities per province or grid cell and per day, week or month.

    Empty units and periods are kept as zeros over the full calendar from
    ``start`` to ``end``: the result has one row per unit and period, ready
    for count models and maps.

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame
        Events in the common event schema: ``event_date`` and, if present,
        ``fatalities``; geometry or latitude/longitude with a CRS.
    by : {"province", "grid"}, default "province"
        ``province``: the 101 Thai and Cambodian provinces, each row placed
        by :func:`assign_province` (own fields first). ``grid``: the cells of
        :func:`grid` over ``bounds`` (default the border region ±50 km),
        plus any cell outside it that holds an event.
    freq : {"D", "W", "M"}, default "D"
        Day, week (starting Monday) or calendar month.
    cell_km, shape
        Grid cell size and shape, as in :func:`grid` (``by="grid"`` only).
    start, end : date-like, optional
        First and last day of the calendar; default the first and last
        event. Events outside are left out (and logged).
    value : {"events", "fatalities"}, default "events"
        The measure copied into the ``value`` column, for builders that map
        or model one measure.
    bounds : optional
        Grid region (``by="grid"``), as in :func:`grid`.

    Returns
    -------
    pandas.DataFrame
        Columns ``admin1_code`` (or ``cell_id``), ``period`` (first day of the
        period), ``events`` (int), ``fatalities`` (int; events whose
        fatalities were not reported count 0) and ``value``; sorted by unit,
        then period; a fresh RangeIndex. Rows whose unit is unknown (no
        province, no location) are left out and their number logged.

    Raises
    ------
    ParameterError
        On an unknown ``by``, ``freq``, ``shape`` or ``value`` (the allowed
        ones are listed), ``cell_km`` <= 0, ``end`` before ``start``, or an
        empty frame.
    SchemaError
        If ``event_date`` is missing or holds values that are not dates.
    CRSError
        If ``gdf`` has no CRS.
    """
    check_choice(by, _BY, name="by")
    check_choice(freq, _FREQS, name="freq")
    check_choice(value, _VALUES, name="value")
    check_choice(shape, _SHAPES, name="shape")
    cell_km = check_positive(cell_km, name="cell_km")
    geoms = _as_geoseries(gdf, name="gdf")
    require_columns(gdf.columns, ["event_date"], source="gdf")
    dates = _parse_dates(gdf["event_date"])
    if "fatalities" in gdf.columns:
        deaths = (
            pd.to_numeric(gdf["fatalities"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
        )
    else:
        deaths = np.zeros(len(gdf), dtype=np.int64)
    if dates.isna().all() and (start is None or end is None):
        raise ParameterError(
            "gdf has no event_date at all: pass start= and end=, or give the events dates."
        )
    first = _parse_day(start, name="start") if start is not None else dates.min().normalize()
    last = _parse_day(end, name="end") if end is not None else dates.max().normalize()
    if last < first:
        raise ParameterError(f"end={last.date()} is before start={first.date()}.")
    calendar = _calendar(first, last, freq)

    if by == "province":
        unit_col = "admin1_code"
        units = _default_provinces()["iso_3166_2"].to_numpy(dtype=object)
        unit_of = assign_province(gdf)["admin1_code"].to_numpy(dtype=object)
    else:
        unit_col = "cell_id"
        cells = grid(bounds=bounds, cell_km=cell_km, shape=shape)
        units = cells["cell_id"].to_numpy(dtype=object)
        pts = _project(geoms, cells.attrs["crs"])
        ok = _valid(pts)
        # cells hold points by arithmetic: no spatial join needed
        xy = shapely.get_coordinates(shapely.point_on_surface(pts[ok]))
        i, j = _cell_index(xy[:, 0], xy[:, 1], cell_km=cell_km, shape=shape)
        unit_of = np.full(len(pts), None, dtype=object)
        unit_of[ok] = _cell_ids(i, j, cell_km=cell_km, shape=shape)
        extra = np.setdiff1d(pd.unique(unit_of[ok]).astype(str), units.astype(str))
        if len(extra):
            logger.info(
                "aggregate: %d occupied cell(s) lie outside the grid bounds; kept as extra units.",
                len(extra),
            )
            units = np.concatenate([units, np.sort(extra).astype(object)])

    unit_pos = pd.Categorical(unit_of, categories=units).codes.astype(np.int64)
    period = _period_start(dates, freq).to_numpy(dtype="datetime64[ns]")
    period_pos = np.searchsorted(calendar.to_numpy(dtype="datetime64[ns]"), period)
    in_range = (dates >= first).to_numpy(dtype=bool) & (
        dates < last + pd.Timedelta(days=1)
    ).to_numpy(dtype=bool)
    keep = (unit_pos >= 0) & in_range
    n_unknown = int(((unit_pos < 0) & in_range).sum())
    if n_unknown:
        logger.warning(
            "aggregate: %d event(s) have no %s (no province or no location) and are left out.",
            n_unknown,
            unit_col,
        )
    if int((~in_range).sum()):
        logger.info(
            "aggregate: %d event(s) have no event_date or fall outside %s..%s; left out.",
            int((~in_range).sum()),
            first.date(),
            last.date(),
        )
    n_units, n_periods = len(units), len(calendar)
    flat = unit_pos[keep] * n_periods + period_pos[keep]
    events = np.bincount(flat, minlength=n_units * n_periods).astype(np.int64)
    fatalities = np.bincount(flat, weights=deaths[keep], minlength=n_units * n_periods).astype(
        np.int64
    )
    out = pd.DataFrame(
        {
            unit_col: pd.array(np.repeat(units, n_periods), dtype="string"),
            "period": np.tile(calendar.to_numpy(), n_units),
            "events": events,
            "fatalities": fatalities,
        }
    )
    out["value"] = out[value]
    out.attrs.update({"by": by, "freq": freq, "start": str(first.date()), "end": str(last.date())})
    if by == "grid":
        out.attrs.update({"cell_km": cell_km, "shape": shape})
    return out
