"""Buffers and concentric rings in kilometres."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import config
from .._errors import ParameterError, SchemaError
from .._validate import check_positive
from ._crs import QUAD_SEGS, Frame, as_geoseries, by_utm_zone

__all__ = [
    "buffer_km",
    "id_values",
    "rings_km",
]


logger = logging.getLogger("scamgeo.geo")


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

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> zones = geo.buffer_km(datasets.sites(kind="casino_hub"), km=30)
    >>> len(zones), zones.crs.to_string()
    (7, 'EPSG:4326')
    """
    km = check_positive(km, name="km", allow_zero=True)
    geoms = as_geoseries(gdf, name="gdf")
    metres = km * 1000.0
    buffered = by_utm_zone(geoms, lambda g: shapely.buffer(g, metres, quad_segs=QUAD_SEGS), crs=crs)
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


def id_values(frame: Frame, id_col: str, *, name: str) -> np.ndarray:
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
    >>> from scamgeo import datasets, geo
    >>> rings = geo.rings_km(datasets.sites(kind="casino_hub"), radii_km=(10, 30))
    >>> len(rings), rings.columns.tolist()
    (14, ['site_id', 'name', 'radius_km', 'inner_km', 'geometry'])
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
    geoms = as_geoseries(sites, name="sites")
    ids = id_values(sites, id_col, name="sites")
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
        # flat arrays, reshaped: shapely before 2.2 buffers 1-D arrays of distances only
        flat = shapely.buffer(
            np.repeat(metric, len(outer)), np.tile(outer * 1000.0, len(metric)), quad_segs=QUAD_SEGS
        )
        discs = flat.reshape(len(metric), len(outer))
        holes = np.concatenate(
            [np.full((len(metric), 1), None, dtype=object), discs[:, :-1]], axis=1
        )
        bands = np.where(shapely.is_missing(holes), discs, shapely.difference(discs, holes))
        return bands.ravel()

    bands = by_utm_zone(geoms, annuli, width=k)
    data: dict[str, Any] = {id_col: np.repeat(ids, k)}
    if names is not None:
        data["name"] = np.repeat(names, k)
    data["radius_km"] = np.tile(outer, n)
    data["inner_km"] = np.tile(inner, n)
    return gpd.GeoDataFrame(data, geometry=bands.ravel(), crs=config.GEOGRAPHIC_CRS)
