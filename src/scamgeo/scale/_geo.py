"""The metric geometry and the counts of scamgeo on the partitions of a dask frame.

Every function here runs the public in-memory function of :mod:`scamgeo.geo`
on each partition; nothing is
re-implemented. Two things make the results equal to the in-memory path on
the same rows:

- The metric CRS. The in-memory functions find nearest points in the UTM
  zone of the *whole* table's centre. A partition may have another centre
  (one file of Thai events, one of Cambodian ones), so each function first
  learns the zone of the whole frame (:func:`metric_crs`, one light pass),
  and a partition whose own centre falls in another zone gets a few
  *ballast* points at that zone's central meridian, which move its centre
  there; their results are dropped before the partition is returned.
- The calendar (:mod:`scamgeo.scale._counts`): each partition is counted on
  its own dates, and the partial counts are added up on the calendar the
  in-memory function gives for the whole date range.

The reference geometry (border, provinces, sites) is put in the graph once,
as one ``dask.delayed`` object every task depends on: each worker receives
it once, not once per task. Left at its default it is not shipped at all:
each worker loads the embedded one.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import dask
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import config, geo
from .._dask import is_dask
from .._errors import CRSError, ParameterError, ScamgeoError

__all__ = [
    "assign_province",
    "distance_to_border_km",
    "metric_crs",
    "nearest_site",
    "within_km",
]

_LONLAT = config.GEOGRAPHIC_CRS
#: Columns assign_province and aggregate read besides the geometry.
_PROVINCE_COLUMNS = ("country", "admin1", "admin1_code")


def _check(frame: Any, name: str = "gdf") -> None:
    if not is_dask(frame):
        raise ParameterError(
            f"{name} must be a dask-geopandas GeoDataFrame (e.g. from scamgeo.scale.read_events), "
            f"got {type(frame).__name__}; call scamgeo.geo for an in-memory frame."
        )
    crs = getattr(frame, "crs", None)
    if crs is None:
        raise CRSError(
            f"{name} has no CRS. scamgeo never guesses a CRS: call {name} = {name}.set_crs(...)."
        )


def _broadcast(obj: Any) -> Any:
    """``obj`` as one graph node every task depends on (``None`` stays ``None``)."""
    return None if obj is None else dask.delayed(obj, pure=True)


# --- the metric CRS of the whole frame ---------------------------------------------------


def _centre_sums(part: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per partition: valid rows, whether all are points, and the coordinate sums the
    in-memory rule averages (point lon/lat; bounding-box centres in the frame's CRS)."""
    geoms = part.geometry
    arr = geoms.to_numpy()
    bounds = shapely.bounds(arr)
    ok = np.isfinite(bounds).all(axis=1)
    n = int(ok.sum())
    points = bool(n) and bool((shapely.get_type_id(arr[ok]) == 0).all())
    lon = lat = 0.0
    if n and points:
        x, y = bounds[ok, 0], bounds[ok, 1]
        if geo.crs_string(geoms.crs) != _LONLAT:
            x, y = _to_lonlat(x, y, geoms.crs)
        lon, lat = float(np.sum(x)), float(np.sum(y))
    cx = float(np.sum((bounds[ok, 0] + bounds[ok, 2]) / 2)) if n else 0.0
    cy = float(np.sum((bounds[ok, 1] + bounds[ok, 3]) / 2)) if n else 0.0
    return pd.DataFrame(
        {"n": [n], "points": [points or not n], "lon": [lon], "lat": [lat], "cx": [cx], "cy": [cy]}
    )


def _to_lonlat(x, y, crs: Any):
    return pyproj.Transformer.from_crs(crs, _LONLAT, always_xy=True).transform(x, y)


def _utm(lon: float, lat: float) -> str:
    """The UTM zone of a centre, by :func:`scamgeo.geo.utm_epsg` (the in-memory rule)."""
    return f"EPSG:{int(geo.utm_epsg(lon, lat))}"


_CRS_CACHE: OrderedDict[str, str] = OrderedDict()


def metric_crs(gdf: Any) -> str:
    """The metric CRS the in-memory functions would use for the whole of ``gdf``.

    The UTM zone of the mean point (the mean of the bounding-box centres when
    some geometries are not points), as :func:`scamgeo.geo.utm_crs` finds it
    for an in-memory table. Computed with one pass over ``gdf`` (cheap on a
    persisted frame) and remembered for the same frame.

    Parameters
    ----------
    gdf : dask_geopandas.GeoDataFrame

    Returns
    -------
    str
        E.g. ``"EPSG:32648"``; :data:`scamgeo.config.METRIC_CRS` when no
        geometry is usable.

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, scale
    >>> scale.metric_crs(dask_geopandas.from_geopandas(datasets.events(), npartitions=2))
    'EPSG:32648'
    """
    _check(gdf)
    key = f"{gdf._name}"
    if key in _CRS_CACHE:
        return _CRS_CACHE[key]
    meta = pd.DataFrame(
        {
            "n": pd.Series(dtype="int64"),
            "points": pd.Series(dtype="bool"),
            "lon": pd.Series(dtype="float64"),
            "lat": pd.Series(dtype="float64"),
            "cx": pd.Series(dtype="float64"),
            "cy": pd.Series(dtype="float64"),
        }
    )
    sums = gdf.map_partitions(_centre_sums, meta=meta).compute()
    sums = sums[sums["n"] > 0]
    if sums.empty:
        crs = config.METRIC_CRS
    else:
        n = int(sums["n"].sum())
        if bool(sums["points"].all()):
            lon, lat = sums["lon"].sum() / n, sums["lat"].sum() / n
        else:
            x, y = sums["cx"].sum() / n, sums["cy"].sum() / n
            lon, lat = (x, y) if geo.crs_string(gdf.crs) == _LONLAT else _to_lonlat(x, y, gdf.crs)
        crs = _utm(float(lon), float(lat))
    _CRS_CACHE[key] = crs
    while len(_CRS_CACHE) > 64:
        _CRS_CACHE.popitem(last=False)
    return crs


def _own_crs(geoms: gpd.GeoSeries) -> str | None:
    """The zone the in-memory rule picks for these rows alone (None: no usable geometry)."""
    s = _centre_sums(gpd.GeoDataFrame(geometry=geoms))
    n = int(s["n"].iloc[0])
    if not n:
        return None
    if bool(s["points"].iloc[0]):
        return _utm(float(s["lon"].iloc[0] / n), float(s["lat"].iloc[0] / n))
    return geo.utm_crs(geoms)


def _pin(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """``frame`` followed by ballast rows (no attributes, a point at the central meridian of
    ``crs``) so that the in-memory rule picks ``crs`` for it; unchanged if it already does."""
    own = _own_crs(frame.geometry)
    if own is None or own == crs:
        return frame
    zone, north = geo.utm_zone(crs)
    west = -180.0 + 6 * (zone - 1)
    # ballast stays inside the region scamgeo accepts (scamgeo._inputs.region_bounds)
    lon, lat = west + 3.0, (15.0 if north else -5.0)
    s = _centre_sums(gpd.GeoDataFrame(geometry=frame.geometry))
    n = int(s["n"].iloc[0])
    if bool(s["points"].iloc[0]):
        mx, my = float(s["lon"].iloc[0]) / n, float(s["lat"].iloc[0]) / n
    else:
        mx, my = _to_lonlat(float(s["cx"].iloc[0]) / n, float(s["cy"].iloc[0]) / n, frame.crs)
    k = 1
    if mx < west:
        k = max(k, math.ceil(n * (west - mx) / 3.0) + 1)
    elif mx >= west + 6:
        k = max(k, math.ceil(n * (mx - west - 6) / 3.0) + 1)
    if north and my < 0:
        k = max(k, math.ceil(n * -my / 15.0) + 1)
    elif not north and my >= 0:
        k = max(k, math.ceil(n * my / 5.0) + 1)
    x, y = lon, lat
    if geo.crs_string(frame.crs) != _LONLAT:
        x, y = pyproj.Transformer.from_crs(_LONLAT, frame.crs, always_xy=True).transform(lon, lat)
    while k <= 64 * n + 64:
        ballast = frame.iloc[:0].reindex(pd.RangeIndex(-k, 0))
        ballast = ballast.set_geometry(
            gpd.GeoSeries(shapely.points(np.full(k, x), np.full(k, y)), index=ballast.index),
            crs=frame.crs,
        )
        pinned = pd.concat([frame, ballast])
        if _own_crs(pinned.geometry) == crs:
            return pinned
        k *= 2
    raise ScamgeoError(  # pragma: no cover - the estimate above is enough in practice
        f"could not bring a partition's centre into {crs}; compute this frame in memory."
    )


# --- row-wise functions ---------------------------------------------------------------


def _sample(gdf: Any, columns: list[str] | None) -> gpd.GeoDataFrame:
    """A one-row frame like ``gdf`` (attributes empty, a point in Cambodia) to learn the
    result's meta from the in-memory function itself (and check its arguments now)."""
    meta = gdf._meta if columns is None else gdf._meta[columns]
    one = meta.reindex(pd.RangeIndex(1))
    x, y = 104.9, 11.55
    if geo.crs_string(gdf.crs) != _LONLAT:
        x, y = pyproj.Transformer.from_crs(_LONLAT, gdf.crs, always_xy=True).transform(x, y)
    return one.set_geometry(gpd.GeoSeries(shapely.points([x], [y])), crs=gdf.crs)


def _row_wise(
    part: gpd.GeoDataFrame,
    reference: Any,
    *,
    function: str,
    reference_arg: str | None,
    columns: list[str] | None,
    crs: str | None,
    options: dict[str, Any],
    template: Any,
):
    if not len(part):
        return template.iloc[:0]
    sub = part[columns] if columns is not None else part[[part.geometry.name]]
    n = len(sub)
    if crs is not None:
        sub = _pin(sub, crs)
    func = getattr(geo, function)
    data = sub if columns is not None else sub.geometry
    if reference_arg is None:
        out = func(data, **options)
    elif reference_arg == "":
        out = func(data, reference, **options)
    else:
        out = func(data, **{reference_arg: reference}, **options)
    return out.iloc[:n]


def _map_rows(
    gdf: Any,
    function: str,
    *,
    reference: Any = None,
    reference_arg: str | None = None,
    columns: tuple[str, ...] | None = None,
    crs: str | None = None,
    options: dict[str, Any] | None = None,
):
    _check(gdf)
    options = dict(options or {})
    cols = None
    if columns is not None:
        cols = [c for c in columns if c in gdf.columns] + [gdf.geometry.name]
    # the in-memory function on one row: the result's meta, and the arguments checked now
    sample = _sample(gdf, cols)
    func = getattr(geo, function)
    data = sample if cols is not None else sample.geometry
    if reference_arg is None:
        template = func(data, **options).iloc[:0]
    elif reference_arg == "":
        template = func(data, reference, **options).iloc[:0]
    else:
        template = func(data, **{reference_arg: reference}, **options).iloc[:0]
    target = metric_crs(gdf) if crs is None else geo.crs_string(crs)
    return gdf.map_partitions(
        _row_wise,
        _broadcast(reference),
        function=function,
        reference_arg=reference_arg,
        columns=cols,
        crs=target,
        options=options,
        template=template,
        meta=template,
        align_dataframes=False,
    )


def distance_to_border_km(gdf: Any, *, border: Any = None, crs: str | None = None):
    """:func:`scamgeo.geo.distance_to_border_km` on each partition (lazy).

    Parameters
    ----------
    gdf : dask_geopandas.GeoDataFrame
    border : GeoDataFrame or GeoSeries, optional
        In memory; sent to each worker once. Default: the Thai–Cambodian border.
    crs : str, optional
        The metric CRS to work in; default :func:`metric_crs` of ``gdf`` (the
        one the in-memory function would choose), which costs one pass.

    Returns
    -------
    dask.dataframe.Series
        Float km named ``distance_to_border_km``, partitioned like ``gdf``.

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, geo, scale
    >>> events = datasets.events()
    >>> km = scale.distance_to_border_km(dask_geopandas.from_geopandas(events, npartitions=2))
    >>> km.npartitions, km.compute().equals(geo.distance_to_border_km(events))  # the same km
    (2, True)
    """
    return _map_rows(
        gdf, "distance_to_border_km", reference=border, reference_arg="border", crs=crs
    )


def assign_province(
    gdf: Any, *, provinces: Any = None, max_km: float = 50.0, crs: str | None = None
):
    """:func:`scamgeo.geo.assign_province` on each partition (lazy).

    ``provinces`` (in memory, optional) is sent to each worker once. Returns a
    dask DataFrame with ``admin1_code`` and ``admin1_method``, partitioned like
    ``gdf``. ``crs`` as in :func:`distance_to_border_km`.

    Parameters
    ----------
    gdf : dask_geopandas.GeoDataFrame
        Events (any geometry) with a CRS.
    provinces : GeoDataFrame, optional
        In memory; sent to each worker once (default: the embedded provinces).
    max_km : float, default 50
        As in :func:`scamgeo.geo.assign_province`.
    crs : str, optional
        The metric CRS to work in (default :func:`metric_crs` of ``gdf``).

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, geo, scale
    >>> events = datasets.events()
    >>> lazy = dask_geopandas.from_geopandas(events, npartitions=2)
    >>> scale.assign_province(lazy).compute().equals(geo.assign_province(events))
    True
    """
    return _map_rows(
        gdf,
        "assign_province",
        reference=provinces,
        reference_arg="provinces",
        columns=_PROVINCE_COLUMNS,
        crs=crs,
        options={"max_km": max_km},
    )


def nearest_site(
    gdf: Any,
    sites: Any,
    *,
    kind: Any = None,
    max_km: float | None = None,
    crs: str | None = None,
):
    """:func:`scamgeo.geo.nearest_site` on each partition (lazy).

    ``sites`` (in memory) is sent to each worker once. Returns a dask
    DataFrame with ``nearest_site_id``, ``nearest_site_name`` and
    ``nearest_site_km``. ``crs`` as in :func:`distance_to_border_km`.

    Parameters
    ----------
    gdf : dask_geopandas.GeoDataFrame
        Events (any geometry) with a CRS.
    sites : GeoDataFrame
        In memory; sent to each worker once.
    kind : str or list of str, optional
        Only sites of these kinds.
    max_km : float, optional
        As in :func:`scamgeo.geo.nearest_site`.
    crs : str, optional
        The metric CRS to work in (default :func:`metric_crs` of ``gdf``).

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, geo, scale
    >>> events, sites = datasets.events(), datasets.sites()
    >>> lazy = dask_geopandas.from_geopandas(events, npartitions=2)
    >>> near = scale.nearest_site(lazy, sites, kind='casino_hub').compute()
    >>> near.equals(geo.nearest_site(events, sites, kind='casino_hub'))
    True
    """
    return _map_rows(
        gdf,
        "nearest_site",
        reference=sites,
        reference_arg="",
        crs=crs,
        options={"kind": kind, "max_km": max_km},
    )


def within_km(gdf: Any, of: Any, *, km: float, crs: str | None = None):
    """:func:`scamgeo.geo.within_km` on each partition (lazy).

    ``of`` (in memory) is sent to each worker once. Returns a boolean dask
    Series named ``within_<km>km``. ``crs`` as in :func:`distance_to_border_km`.

    Parameters
    ----------
    gdf : dask_geopandas.GeoDataFrame
        Events (any geometry) with a CRS.
    of : GeoDataFrame or GeoSeries
        In memory; sent to each worker once.
    km : float
        The distance.
    crs : str, optional
        The metric CRS to work in (default :func:`metric_crs` of ``gdf``).

    Examples
    --------
    >>> import dask_geopandas
    >>> from scamgeo import datasets, geo, scale
    >>> events, hubs = datasets.events(), datasets.sites(kind='casino_hub')
    >>> lazy = dask_geopandas.from_geopandas(events, npartitions=2)
    >>> scale.within_km(lazy, hubs, km=10).compute().equals(geo.within_km(events, hubs, km=10))
    True
    """
    return _map_rows(gdf, "within_km", reference=of, reference_arg="", crs=crs, options={"km": km})
