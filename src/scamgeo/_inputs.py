"""One rule for turning an input frame into located geometries.

Every module that takes events, sites or other geometries reads them through
here, so the accepted types, the meaning of "located", the CRS policy and the
empty-input policy are the same in :mod:`scamgeo.geo`, :mod:`scamgeo.stats`,
:mod:`scamgeo.maps`, :mod:`scamgeo.plots` and :mod:`scamgeo.datasets`.

Accepted inputs
    A GeoDataFrame (its active geometry) or GeoSeries with a CRS, or a plain
    DataFrame with ``latitude``/``longitude`` columns, which the common event
    schema defines as WGS84 degrees (EPSG:4326).

Located
    A geometry that exists, is not empty and has finite coordinates (points
    built from missing latitude/longitude are ``POINT (NaN NaN)``: not located).

CRS policy
    scamgeo never guesses a CRS: a frame without one is refused
    (:class:`~scamgeo.CRSError`). Coordinates that cannot be what their CRS
    says are refused too (:class:`~scamgeo.CoordinateError`, with the
    loader's wording): latitude and longitude swapped, projected metres
    labelled EPSG:4326, or points far outside the region scamgeo covers
    (:data:`scamgeo.config.BBOX` widened by :data:`REGION_MARGIN_DEG`).

Empty input
    An empty frame is not an error: analysis functions return an empty (or
    zero, or NaN) result with a note. Only functions that cannot answer
    anything without data (e.g. a CRS *of* the data) refuse it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import config
from ._errors import CoordinateError, CRSError, ParameterError, SchemaError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "PRECISION_UNCERTAINTY_M",
    "REGION_MARGIN_DEG",
    "UNKNOWN_UNCERTAINTY_M",
    "as_points",
    "check_coordinates",
    "event_frame",
    "geometry_of",
    "has_location",
    "located",
    "located_points",
    "region_bounds",
    "uncertainty_radius_m",
]

logger = logging.getLogger("scamgeo")

#: Degrees by which :data:`scamgeo.config.BBOX` is widened before coordinates
#: are called "outside the region" (covers the neighbours and their seas, and
#: Jakarta or Yunnan for analyses of the wider region).
REGION_MARGIN_DEG = 15.0


#: Radius (m) of the location error of an event or place from its ``geo_precision`` when it
#: has no ``uncertainty_m``: 1 = the place itself (2 km), 2 = a town or district point
#: standing in for a nearby place (25 km), 3 = a province point (50 km).
PRECISION_UNCERTAINTY_M = {1: 2_000, 2: 25_000, 3: 50_000}

#: Radius (m) when neither ``uncertainty_m`` nor ``geo_precision`` is known (the widest).
UNKNOWN_UNCERTAINTY_M = 50_000.0


def uncertainty_radius_m(
    frame: pd.DataFrame, *, from_precision: bool = True, unknown_m: float = UNKNOWN_UNCERTAINTY_M
) -> tuple[np.ndarray, list[str]]:
    """Each row's location error radius in metres, and notes on where the radii came from.

    The one rule, for every function that weighs a point by how well it is
    known: ``uncertainty_m`` where present (>= 0); otherwise, with
    ``from_precision``, the radius of the row's ``geo_precision``
    (:data:`PRECISION_UNCERTAINTY_M`); otherwise ``unknown_m``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"uncertainty_m": [500, None, None], "geo_precision": [1, 2, None]})
    >>> uncertainty_radius_m(rows)[0].tolist()
    [500.0, 25000.0, 50000.0]
    """
    n = len(frame)
    radius = np.full(n, np.nan)
    notes: list[str] = []
    if "uncertainty_m" in frame.columns:
        given = pd.to_numeric(frame["uncertainty_m"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        radius = np.where(given >= 0, given, np.nan)
    missing = np.isnan(radius)
    if from_precision and missing.any() and "geo_precision" in frame.columns:
        prec = pd.to_numeric(frame["geo_precision"], errors="coerce")
        from_prec = prec.map(PRECISION_UNCERTAINTY_M).to_numpy(dtype=float, na_value=np.nan)
        use = missing & np.isfinite(from_prec)
        radius = np.where(use, from_prec, radius)
        if use.any():
            where = (
                "no uncertainty_m column"
                if "uncertainty_m" not in frame.columns
                else "no uncertainty_m value"
            )
            notes.append(
                f"{int(use.sum())} of {n} event(s) had {where}: radius taken from geo_precision "
                "(1 -> 2,000 m, 2 -> 25,000 m, 3 -> 50,000 m)"
            )
    still = np.isnan(radius)
    if still.any():
        radius = np.where(still, unknown_m, radius)
        notes.append(
            f"{int(still.sum())} event(s) without uncertainty_m or geo_precision: radius "
            f"{unknown_m:,.0f} m assumed"
        )
    return radius.astype(float), notes


def region_bounds() -> tuple[float, float, float, float]:
    """The widened region (min lon, min lat, max lon, max lat) coordinates must fall in."""
    m = REGION_MARGIN_DEG
    minx, miny, maxx, maxy = config.BBOX
    return (max(-180.0, minx - m), max(-90.0, miny - m), min(180.0, maxx + m), min(90.0, maxy + m))


def located(geoms: Any) -> np.ndarray:
    """Boolean mask of geometries that exist, are not empty and have finite coordinates.

    Parameters
    ----------
    geoms : array-like of shapely geometries (GeoSeries or ndarray)

    Returns
    -------
    numpy.ndarray of bool
    """
    import shapely

    arr = geoms.to_numpy() if hasattr(geoms, "to_numpy") else np.asarray(geoms, dtype=object)
    if len(arr) == 0:
        return np.zeros(0, dtype=bool)
    return np.isfinite(shapely.bounds(arr)).all(axis=1)


def _frame_geometry(data: pd.DataFrame, *, name: str) -> gpd.GeoSeries:
    import geopandas as gpd
    import shapely

    if isinstance(data, gpd.GeoDataFrame) and data._geometry_column_name in data.columns:
        return data.geometry
    if isinstance(data, gpd.GeoDataFrame) and not {"latitude", "longitude"} <= set(data.columns):
        raise SchemaError(
            f"{name} has no active geometry column; call {name}.set_geometry(...) first."
        )
    if {"latitude", "longitude"} <= set(data.columns):
        lon = pd.to_numeric(data["longitude"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        lat = pd.to_numeric(data["latitude"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        return gpd.GeoSeries(shapely.points(lon, lat), index=data.index, crs=config.GEOGRAPHIC_CRS)
    raise SchemaError(
        f"{name} is a DataFrame without geometry: pass a GeoDataFrame, or a frame with "
        f"'latitude' and 'longitude' columns (WGS84 degrees). "
        f"Columns: {', '.join(map(str, data.columns[:12]))}."
    )


def _no_crs(geoms: gpd.GeoSeries, *, name: str) -> CRSError:
    ok = located(geoms)
    looks_lonlat = False
    if ok.any():
        minx, miny, maxx, maxy = geoms[ok].total_bounds
        looks_lonlat = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    hint = (
        f"Its coordinates look like longitude/latitude: if they are, call "
        f"{name} = {name}.set_crs('EPSG:4326')."
        if looks_lonlat
        else f"Set the CRS its coordinates are in with {name}.set_crs(...) "
        "(e.g. 'EPSG:4326' for longitude/latitude, 'EPSG:32648' for UTM 48N)."
    )
    return CRSError(f"{name} has no CRS. scamgeo never guesses a CRS. {hint}")


def geometry_of(data: Any, *, name: str = "data", check: bool = True) -> gpd.GeoSeries:
    """The geometry of ``data`` as a GeoSeries with a CRS, indexed like ``data``.

    Parameters
    ----------
    data : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
        The input; a DataFrame's coordinates are WGS84 degrees.
    name : str
        The argument's name, for messages.
    check : bool, default True
        Refuse implausible coordinates (see :func:`check_coordinates`).

    Returns
    -------
    geopandas.GeoSeries
        May be empty; not-located rows are kept (see :func:`located`).

    Raises
    ------
    ParameterError
        If ``data`` is not a frame or series.
    SchemaError
        If a DataFrame has neither geometry nor latitude/longitude.
    CRSError
        If it has no CRS.
    CoordinateError
        If its coordinates cannot be in its CRS (swapped, projected metres
        labelled EPSG:4326, outside the region).
    """
    import geopandas as gpd

    if isinstance(data, gpd.GeoSeries):
        geoms = data
    elif isinstance(data, pd.DataFrame):
        geoms = _frame_geometry(data, name=name)
    else:
        raise ParameterError(
            f"{name} must be a GeoDataFrame, GeoSeries or DataFrame with latitude/longitude, "
            f"got {type(data).__name__}."
        )
    if geoms.crs is None:
        raise _no_crs(geoms, name=name)
    if check:
        check_coordinates(geoms, name=name)
    return geoms


def _first_row(index: pd.Index, mask: np.ndarray) -> str:
    return repr(index[int(np.flatnonzero(mask)[0])])


def _lonlat_bounds(geoms: gpd.GeoSeries) -> tuple[np.ndarray, pd.Index]:
    """(n, 4) bounds of the located geometries in degrees, and their index."""
    import shapely

    ok = located(geoms)
    sel = geoms[ok]
    crs = sel.crs
    if not crs.is_geographic:
        sel = sel.to_crs(config.GEOGRAPHIC_CRS)
    return shapely.bounds(sel.to_numpy()), sel.index


def check_coordinates(geoms: gpd.GeoSeries, *, name: str = "data") -> None:
    """Refuse coordinates that cannot be what their CRS says.

    Raises
    ------
    CoordinateError
        Naming how many rows and the first one: latitude and longitude look
        swapped; projected metres labelled with a geographic CRS; or points
        outside the region (``config.BBOX`` widened by :data:`REGION_MARGIN_DEG`).
    """
    ok = located(geoms)
    if not ok.any():
        return
    b, index = _lonlat_bounds(geoms)
    crs_name = geoms.crs.to_string()
    geographic = geoms.crs.is_geographic
    if geographic:
        projected = (np.abs(b[:, [0, 2]]) > 180).any(axis=1) | (np.abs(b[:, [1, 3]]) > 90).any(
            axis=1
        )
        big = projected & ((np.abs(b) > 1000).any(axis=1))
        if big.any():
            raise CoordinateError(
                f"{name}: {int(big.sum())} of {len(b)} row(s) have coordinates in the thousands "
                f"(first: row {_first_row(index, big)}, x={b[big][0, 0]:.0f}, y={b[big][0, 1]:.0f}) "
                f"but are labelled {crs_name} (degrees): they look like projected metres. Set the "
                f"CRS they are in, e.g. {name}.set_crs('EPSG:32648', allow_override=True)."
            )
        lat_out = (np.abs(b[:, [1, 3]]) > 90).any(axis=1) & (np.abs(b[:, [0, 2]]) <= 90).all(axis=1)
        if lat_out.any():
            raise CoordinateError(
                f"{name}: latitude and longitude look swapped in {int(lat_out.sum())} of {len(b)} "
                f"row(s) (first: row {_first_row(index, lat_out)}, latitude "
                f"{b[lat_out][0, 1]:g} is beyond ±90); swap the columns or the x/y of the geometry."
            )
    minx, miny, maxx, maxy = region_bounds()
    inside = (b[:, 0] >= minx) & (b[:, 2] <= maxx) & (b[:, 1] >= miny) & (b[:, 3] <= maxy)
    if inside.all():
        return
    outside = ~inside
    flipped = (b[:, 1] >= minx) & (b[:, 3] <= maxx) & (b[:, 0] >= miny) & (b[:, 2] <= maxy)
    region = f"lon {minx:g}..{maxx:g}, lat {miny:g}..{maxy:g}"
    if geographic and (outside & flipped).sum() * 2 >= outside.sum():
        first = outside & flipped
        raise CoordinateError(
            f"{name}: latitude and longitude look swapped in {int(first.sum())} of {len(b)} "
            f"row(s) (first: row {_first_row(index, first)}, longitude {b[first][0, 0]:g}, "
            f"latitude {b[first][0, 1]:g}, outside the region {region}, which the swapped pair "
            "falls in); swap the columns or the x/y of the geometry."
        )
    select = (
        "select the rows of Thailand, Cambodia and their neighbours first (the region scamgeo "
        f"covers), e.g. {name}[{name}['country'].isin(['THA', 'KHM'])], or read the file with "
        "load_events(path, countries=['THA', 'KHM'])"
    )
    crs = (
        f"if the coordinates are not {crs_name}, set the CRS they are in, e.g. "
        ".set_crs('EPSG:32648', allow_override=True) for UTM 48N metres"
    )
    lead = f"{select}; or {crs}" if inside.any() else f"{crs}; or {select}"
    raise CoordinateError(
        f"{name}: {int(outside.sum())} of {len(b)} row(s) lie outside the region scamgeo covers "
        f"({region}; first: row {_first_row(index, outside)} at lon {b[outside][0, 0]:g}, "
        f"lat {b[outside][0, 1]:g}). {lead[0].upper()}{lead[1:]}."
    )


def event_frame(
    events: Any, *, name: str = "events", columns: tuple[str, ...] = ("event_date",)
) -> pd.DataFrame:
    """The one reading of an events argument, for every function that takes events.

    - a (Geo)DataFrame, else :class:`~scamgeo.ParameterError`;
    - the ``columns`` the caller needs, else a :class:`~scamgeo.SchemaError` listing them;
    - where the frame is located (a geometry, or ``latitude``/``longitude``), its
      coordinates pass :func:`check_coordinates`: rows outside the region are
      refused with a hint that names the region (the same in every function);
    - ``event_date``, when among ``columns``, is read by the one date rule
      (:func:`scamgeo._time.date_column`: ISO text, dates, or the Asia/Bangkok
      date of an aware instant); a row that is no date is refused, named by its
      index label, never dropped.

    Parameters
    ----------
    events : DataFrame or GeoDataFrame
    name : str
        The argument's name, for messages.
    columns : tuple of str
        Columns the caller needs.

    Returns
    -------
    DataFrame or GeoDataFrame
        A shallow copy, indexed like ``events``, with ``event_date`` as naive
        ``datetime64[ns]`` midnights when it was asked for.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"event_date": ["2025-07-24T20:00:00Z", "2025-07-24"]})
    >>> event_frame(rows)["event_date"].dt.day.tolist()
    [25, 24]
    >>> event_frame(rows.assign(event_date=["2025-07-24", "24/07"]))
    Traceback (most recent call last):
    ...
    scamgeo._errors.SchemaError: events: 1 problem:
      row 1, column event_date: '24/07' is not a date
    """
    from ._time import date_column
    from ._validate import require_columns

    if not isinstance(events, pd.DataFrame):
        raise ParameterError(
            f"{name} must be a pandas (Geo)DataFrame of events, got {type(events).__name__}."
        )
    require_columns(events.columns, columns, source=name)
    if _locatable(events):
        geometry_of(events, name=name)
    if "event_date" not in columns:
        return events
    dates = date_column(events, "event_date", source=name)
    return events.assign(event_date=dates.to_numpy())


def _locatable(frame: pd.DataFrame) -> bool:
    """Whether a frame carries locations (an active geometry, or latitude and longitude)."""
    import geopandas as gpd

    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        return True
    return {"latitude", "longitude"} <= set(frame.columns)


def has_location(data: Any, *, name: str = "data") -> np.ndarray:
    """Boolean mask, one per row of ``data``: True where the row is located.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> from scamgeo._inputs import has_location
    >>> int(has_location(datasets.events()).sum())
    216
    """
    return located(geometry_of(data, name=name))


def as_points(data: Any, *, name: str = "data", crs: Any = None) -> gpd.GeoDataFrame:
    """``data`` as one point per row (all rows kept), with its attribute columns.

    Points stay points; lines and polygons become a point on their surface;
    rows that are not located get an empty point. The frame also carries
    ``_lon``/``_lat`` (WGS84 degrees; NaN where not located).

    Parameters
    ----------
    data : GeoDataFrame, GeoSeries or DataFrame with latitude/longitude
    name : str
        The argument's name, for messages.
    crs : optional
        CRS of the returned points (default EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed like ``data``.
    """
    import geopandas as gpd
    import shapely

    geoms = geometry_of(data, name=name)
    lonlat = geoms if _is_wgs84(geoms.crs) else geoms.to_crs(config.GEOGRAPHIC_CRS)
    arr = lonlat.to_numpy()
    ok = located(arr)
    x = np.full(len(arr), np.nan)
    y = np.full(len(arr), np.nan)
    if ok.any():
        pts = arr[ok]
        not_point = shapely.get_type_id(pts) != 0
        if not_point.any():
            pts = np.where(not_point, shapely.point_on_surface(pts), pts)
        x[ok], y[ok] = shapely.get_x(pts), shapely.get_y(pts)
    if isinstance(data, gpd.GeoDataFrame) and data._geometry_column_name in data.columns:
        attrs = pd.DataFrame(data.drop(columns=data._geometry_column_name))
    elif isinstance(data, pd.DataFrame):
        attrs = pd.DataFrame(data)
    else:
        attrs = pd.DataFrame(index=geoms.index)
    out = gpd.GeoDataFrame(
        attrs.assign(_lon=x, _lat=y),
        geometry=gpd.points_from_xy(x, y),
        crs=config.GEOGRAPHIC_CRS,
        index=geoms.index,
    )
    out.attrs = dict(getattr(data, "attrs", {}))
    if crs is not None:
        out = out.to_crs(crs)
    return out


def located_points(
    data: Any, *, name: str = "data", crs: Any = None, what: str = "left out"
) -> gpd.GeoDataFrame:
    """:func:`as_points` keeping only the located rows; the others are counted in the log."""
    pts = as_points(data, name=name, crs=crs)
    ok = np.isfinite(pts["_lon"].to_numpy()) & np.isfinite(pts["_lat"].to_numpy())
    if not ok.all():
        logger.info(
            "%s: %d of %d row(s) have no location and are %s", name, int((~ok).sum()), len(ok), what
        )
    return pts[ok]


def _is_wgs84(crs: Any) -> bool:
    import pyproj

    return pyproj.CRS.from_user_input(crs) == pyproj.CRS.from_user_input(config.GEOGRAPHIC_CRS)
