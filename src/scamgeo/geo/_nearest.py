"""Geodesic nearest distances: to the border, to sites, within a distance."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from .. import config
from .._dask import dask_version
from .._errors import ParameterError, SchemaError
from .._validate import check_choices, check_positive
from ._buffers import id_values
from ._crs import (
    CHUNK,
    GEOD,
    SCALE_MARGIN,
    Frame,
    as_geoseries,
    crs_string,
    project,
    transformer,
    utm_crs,
    utm_epsg,
    valid,
)

__all__ = [
    "LINE_ACCURACY_KM",
    "Source",
    "default_border",
    "distance_to_border_km",
    "nearest_site",
    "nearest_targets",
    "side_of_border",
    "within_km",
]


logger = logging.getLogger("scamgeo.geo")

#: How far (km) the embedded Thailand–Cambodia line may lie from the ground: the
#: largest distance from it of a border gate whose coordinate is stated (Chong An Ma,
#: 0.30 km; see ``scripts/measure_border.py``). A point nearer the line than this, or
#: than its own uncertainty, may lie on either side of it.
LINE_ACCURACY_KM = 0.31


# --- geodesic nearest distances ----------------------------------------------------


class Source:
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
        self._src_crs = crs_string(geoms.crs)
        self.points = bool(len(arr)) and bool((shapely.get_type_id(arr) == 0).all())
        self.lon: Any = None
        self.lat: Any = None
        self.x: Any = None
        self.y: Any = None
        self._metric: np.ndarray | None = None
        if self.points:
            x, y = bounds[:, 0], bounds[:, 1]
            if self._src_crs == config.GEOGRAPHIC_CRS:
                self.lon, self.lat = x, y
            else:
                self.lon, self.lat = transformer(self._src_crs, config.GEOGRAPHIC_CRS).transform(
                    x, y
                )
        if crs is None:
            if not len(arr):
                crs = config.METRIC_CRS
            elif self.points:
                crs = f"EPSG:{int(utm_epsg(np.mean(self.lon), np.mean(self.lat)))}"
            else:
                crs = utm_crs(gpd.GeoSeries(arr, crs=geoms.crs))
        self.crs = crs
        if self.points:
            self.x, self.y = transformer(config.GEOGRAPHIC_CRS, crs).transform(self.lon, self.lat)

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
    return transformer(crs, config.GEOGRAPHIC_CRS).transform(x, y)


def _geodesic_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance (km, WGS84 ellipsoid) between lon/lat arrays."""
    if len(lon1) == 0:
        return np.zeros(0)
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres, dtype=float) / 1000.0


def nearest_targets(
    src: Source,
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
    limit = None if max_km is None else max_km * 1000.0 * SCALE_MARGIN + 1.0
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
        for lo in range(0, len(src.ok), CHUNK):
            metric = src.metric_slice(slice(lo, lo + CHUNK))
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


def default_border() -> gpd.GeoDataFrame:
    from .. import datasets

    return datasets.border("THA", "KHM")


def _as_lines(geoms: np.ndarray) -> np.ndarray:
    """Lines as they are; polygons as their boundary lines."""
    geoms = geoms[valid(geoms)]
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
    ``pyproj.Geod.inv`` to well under 0.1%. The default line is
    OpenStreetMap's (a vertex every ~0.2 km), within 0.31 km of every border
    gate whose coordinate is stated (median 0.20 km): a distance under ~0.3 km
    says "at the border" rather than which side, and a point nearer the line
    than its own ``uncertainty_m`` may lie on either side (see
    :func:`scamgeo.geo.side_of_border`).

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> km = geo.distance_to_border_km(datasets.events())
    >>> len(km), int((km <= 10).sum())
    (216, 198)
    >>> round(float(km.median()), 1)
    0.9
    """
    if (on_dask := dask_version(distance_to_border_km, gdf)) is not None:
        return on_dask(gdf, border=border)
    geoms = as_geoseries(gdf, name="gdf")
    line = as_geoseries(default_border() if border is None else border, name="border")
    src = Source(geoms)
    crs = src.crs
    lines = _as_lines(project(line, crs))
    if len(lines) == 0:
        raise ParameterError("border has no line: every geometry of it is missing or empty.")
    # one geometry: the prepared line answers every point without a tree
    target = np.array([shapely.union_all(lines)], dtype=object)
    out = np.full(len(geoms), np.nan)
    s, _, km = nearest_targets(src, target)
    out[s] = km
    return pd.Series(out, index=geoms.index, name="distance_to_border_km")


def _site_table(
    sites: Frame, kind: str | Iterable[str] | None
) -> tuple[gpd.GeoSeries, np.ndarray, np.ndarray]:
    from ..schema import SITE_KINDS

    kinds = check_choices(kind, SITE_KINDS, name="kind")
    geoms = as_geoseries(sites, name="sites")
    ids = id_values(sites, "site_id", name="sites")
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
    ok = valid(geoms.to_numpy())
    if not ok.any():
        logger.info("nearest_site: no site has a location; every distance is missing.")
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
        Sites without a location are ignored (if none has one, every row gets <NA>).
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
    >>> from scamgeo import datasets, geo
    >>> near = geo.nearest_site(datasets.events(), datasets.sites(), kind="casino_hub")
    >>> near.columns.tolist()
    ['nearest_site_id', 'nearest_site_name', 'nearest_site_km']
    >>> near["nearest_site_id"].value_counts().head(2).to_dict()
    {'o-smach': 145, 'poipet': 45}
    """
    if (on_dask := dask_version(nearest_site, gdf)) is not None:
        return on_dask(gdf, sites, kind=kind, max_km=max_km)
    if max_km is not None:
        max_km = check_positive(max_km, name="max_km", allow_zero=True)
    geoms = as_geoseries(gdf, name="gdf")
    site_geoms, ids, names = _site_table(sites, kind)
    src = Source(geoms)
    s, t, km = nearest_targets(src, project(site_geoms, src.crs), max_km=max_km)
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
    >>> from scamgeo import datasets, geo
    >>> hubs = datasets.sites(kind="casino_hub")
    >>> int(geo.within_km(datasets.events(), hubs, km=10).sum())
    18
    """
    if (on_dask := dask_version(within_km, gdf)) is not None:
        return on_dask(gdf, of, km=km)
    km = check_positive(km, name="km", allow_zero=True)
    geoms = as_geoseries(gdf, name="gdf")
    other = as_geoseries(of, name="of")
    src = Source(geoms)
    targets = project(other, src.crs)
    targets = targets[valid(targets)]
    out = np.zeros(len(geoms), dtype=bool)
    s, _, _ = nearest_targets(src, targets, max_km=km)
    out[s] = True
    return pd.Series(out, index=geoms.index, name=f"within_{km:g}km")


def side_of_border(
    gdf: Frame,
    *,
    border: Frame | None = None,
    countries: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """The country each geometry lies in by the polygons, and whether that side is certain.

    Parameters
    ----------
    gdf : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        Events, sites or places, with a CRS. An ``uncertainty_m`` column, where
        present, is each row's own location radius (m).
    border : GeoDataFrame or GeoSeries, optional
        The line the sides are of; default ``scamgeo.datasets.border("THA", "KHM")``.
    countries : GeoDataFrame, optional
        Polygons with an ``iso3`` column; default :func:`scamgeo.datasets.countries`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``gdf``: ``side`` (ISO3 of the polygon the geometry lies in;
        <NA> at sea, outside every polygon or without a location),
        ``distance_to_border_km`` and ``side_uncertain`` (True where the geometry
        lies nearer the line than its own ``uncertainty_m`` or than the line's
        accuracy, :data:`LINE_ACCURACY_KM`: its side by geometry may be wrong, and
        a count by country should take such rows from their stated ``country``).
        ``attrs["note"]`` says how many rows are uncertain.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> sides = geo.side_of_border(datasets.events())
    >>> sides.columns.tolist()
    ['side', 'distance_to_border_km', 'side_uncertain']
    >>> int(sides["side_uncertain"].sum()), len(sides)
    (195, 216)
    """
    geoms = as_geoseries(gdf, name="gdf")
    km = distance_to_border_km(geoms, border=border)
    if countries is None:
        from .. import datasets

        countries = datasets.countries()
    polys = countries.to_crs(geoms.crs) if countries.crs != geoms.crs else countries
    arr = geoms.to_numpy()
    ok = valid(arr)
    pts = np.array([None] * len(arr), dtype=object)
    pts[ok] = shapely.point_on_surface(arr[ok])
    side = np.full(len(arr), None, dtype=object)
    tree = STRtree(polys.geometry.to_numpy())
    src, hit = tree.query(pts[ok], predicate="within")
    first = pd.Series(hit, index=src).groupby(level=0).first()
    side[np.flatnonzero(ok)[first.index.to_numpy()]] = polys["iso3"].to_numpy()[first.to_numpy()]
    own_m = np.zeros(len(arr))
    if isinstance(gdf, pd.DataFrame) and "uncertainty_m" in gdf.columns:
        own_m = pd.to_numeric(gdf["uncertainty_m"], errors="coerce").fillna(0).to_numpy(float)
    reach_km = np.maximum(own_m / 1000.0, LINE_ACCURACY_KM)
    uncertain = ok & (km.to_numpy() < reach_km)
    out = pd.DataFrame(
        {
            "side": pd.array(side, dtype="string"),
            "distance_to_border_km": km.to_numpy(),
            "side_uncertain": uncertain,
        },
        index=geoms.index,
    )
    out.attrs["note"] = (
        f"{int(uncertain.sum())} of {int(ok.sum())} located rows lie nearer the Thailand–Cambodia "
        "line than their own uncertainty (or the line's accuracy, "
        f"{LINE_ACCURACY_KM:g} km): their side by geometry may be wrong."
    )
    return out
