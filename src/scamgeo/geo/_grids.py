"""Grids of equal-area cells and counts per unit and period."""

from __future__ import annotations

import functools
import logging
import math
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from .. import config
from .._dask import dask_version
from .._errors import ParameterError
from .._record import one_row_per_incident
from .._time import calendar, date_column, parse_date, period_start
from .._validate import check_choice, check_positive, require_columns
from ..vocab import COUNT_UNITS
from ._admin import assign_province, default_provinces
from ._buffers import buffer_km
from ._crs import Frame, as_geoseries, check_crs_arg, crs_string, project, utm_crs, valid
from ._nearest import default_border

__all__ = [
    "aggregate",
    "grid",
]


logger = logging.getLogger("scamgeo.geo")


# --- grids and aggregation -----------------------------------------------------------

_SHAPES = ("square", "hex")
_FREQS = ("D", "W", "M")
_BY = ("province", "grid")
_SQRT3 = math.sqrt(3.0)


@functools.cache
def _default_region() -> gpd.GeoSeries:
    """The Thai–Cambodian border line buffered by 50 km (EPSG:4326)."""
    return buffer_km(default_border(), km=50).geometry


def _region(bounds: Any) -> gpd.GeoSeries:
    """``bounds`` as geometries with a CRS (a lon/lat tuple becomes a box)."""
    if bounds is None:
        return _default_region()
    if isinstance(bounds, gpd.GeoDataFrame | gpd.GeoSeries):
        return as_geoseries(bounds, name="bounds")
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

    Examples
    --------
    >>> from scamgeo import geo
    >>> cells = geo.grid(cell_km=50)
    >>> len(cells), cells.columns.tolist()
    (46, ['cell_id', 'geometry'])
    """
    check_choice(shape, _SHAPES, name="shape")
    cell_km = check_positive(cell_km, name="cell_km")
    region = _region(bounds)
    metric_crs = crs_string(check_crs_arg(crs)) if crs is not None else utm_crs(region)
    region_m = project(region, metric_crs)
    region_m = region_m[valid(region_m)]
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


def aggregate(
    gdf: Frame,
    *,
    by: Literal["province", "grid"] = "province",
    freq: Literal["D", "W", "M"] = "D",
    start: Any = None,
    end: Any = None,
    count: Literal["incidents", "claims"] = "incidents",
    cells: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Count incidents (or claims) and fatalities per province or grid cell and period.

    Empty units and periods are kept as zeros over the full calendar from
    ``start`` to ``end``: the result has one row per unit and period, ready
    for count models and maps.

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame
        Events in the common event schema: ``event_date`` and, if present,
        ``fatalities`` and ``incident_id``; geometry or latitude/longitude with a CRS.
    by : {"province", "grid"}, default "province"
        ``province``: the 101 Thai and Cambodian provinces, each row placed
        by :func:`assign_province` (own fields first). ``grid``: the cells of
        ``cells``, plus any cell outside them that holds an event.
    freq : {"D", "W", "M"}, default "D"
        Day, week (starting Monday) or calendar month.
    start, end : date-like, optional
        First and last day of the calendar; default the first and last
        event. Events outside are left out (and logged).
    count : {"incidents", "claims"}, default "incidents"
        What is counted: each incident once (the claims sharing an
        ``incident_id`` fold into the representative claim that
        :func:`scamgeo.stats.daily_counts` also uses; a row without one is its own
        incident; its fatalities the highest any claim reports), or every claim.
    cells : GeoDataFrame, optional
        The grid for ``by="grid"``, made by :func:`grid` (any ``bounds``,
        ``cell_km``, ``shape``); default ``grid()``: 10 km squares over the
        border region.

    Returns
    -------
    pandas.DataFrame
        Columns ``admin1_code`` (or ``cell_id``), ``period`` (first day of the
        period), the count named after ``count`` (``incidents`` or ``claims``,
        int), ``fatalities`` (sum of the *reported* figures, ``Int64``: 0 where
        nothing happened, <NA> where no counted event reported a figure, a lower
        bound where some lack one) and ``fatalities_missing_<count>`` (counted
        events with no reported figure); sorted by unit, then period; a fresh
        RangeIndex. ``.attrs["count"]`` says what was counted. Rows whose unit is
        unknown (no province, no location) are left out and their number logged.

    Raises
    ------
    ParameterError
        On an unknown ``by``, ``freq`` or ``count`` (the allowed ones are
        listed), ``cells`` not made by :func:`grid`, or ``end`` before ``start``.
    SchemaError
        If ``event_date`` is missing or holds values that are not dates.
    CRSError
        If ``gdf`` has no CRS.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> monthly = geo.aggregate(datasets.events(), by="province", freq="M")
    >>> monthly.columns.tolist()
    ['admin1_code', 'period', 'incidents', 'fatalities', 'fatalities_missing_incidents']
    >>> int(monthly["incidents"].sum()), int(geo.aggregate(datasets.events(), count="claims")["claims"].sum())
    (204, 216)
    >>> hexes = geo.aggregate(datasets.events(), by="grid", cells=geo.grid(cell_km=25, shape="hex"))
    >>> hexes.columns[0], int(hexes["incidents"].sum())
    ('cell_id', 204)
    """
    if (on_dask := dask_version(aggregate, gdf)) is not None:
        return on_dask(gdf, by=by, freq=freq, start=start, end=end, count=count, cells=cells)
    check_choice(by, _BY, name="by")
    check_choice(freq, _FREQS, name="freq")
    check_choice(count, COUNT_UNITS, name="count")
    cells = _check_cells(cells) if by == "grid" else None
    geoms = as_geoseries(gdf, name="gdf")
    require_columns(gdf.columns, ["event_date"], source="gdf")
    dates = date_column(gdf, "event_date", source="event_date", allow_missing=True)
    if count == "incidents" and len(gdf):  # positions, not labels: the index may repeat
        gdf = gdf.assign(event_date=dates, _row=np.arange(len(gdf)))
        gdf = one_row_per_incident(gdf.reset_index(drop=True))
        rows = gdf.pop("_row").to_numpy()
        geoms, dates = geoms.iloc[rows], dates.iloc[rows]
    if dates.isna().all() and (start is None or end is None):
        if len(gdf) == 0:
            logger.info("aggregate: no events and no start/end: the table is empty.")
            return _empty_table(by, freq, count, note="no events, and no start= and end=")
        raise ParameterError(
            "gdf has no event_date at all: pass start= and end=, or give the events dates."
        )
    first = parse_date(start, name="start") if start is not None else dates.min().normalize()
    last = parse_date(end, name="end") if end is not None else dates.max().normalize()
    if last < first:
        raise ParameterError(f"end={last.date()} is before start={first.date()}.")
    if cells is None:
        unit_col, units = "admin1_code", default_provinces()["iso_3166_2"].to_numpy(dtype=object)
        unit_of = assign_province(gdf)["admin1_code"].to_numpy(dtype=object)
    else:
        unit_col, (units, unit_of) = "cell_id", _grid_units(geoms, cells)
    out = _count_table(
        unit_col, units, unit_of, dates, _fatalities(gdf), count, (first, last), freq
    )
    out.attrs.update({"by": by, "freq": freq, "count": count})
    out.attrs.update({"start": str(first.date()), "end": str(last.date())})
    if cells is not None:
        out.attrs.update({"cell_km": cells.attrs["cell_km"], "shape": cells.attrs["shape"]})
    if len(gdf) == 0:
        out.attrs["note"] = "no events in the selection: every count is zero"
    return out


def _check_cells(cells: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """``cells`` (default :func:`grid`) once it is known to be a grid of :func:`grid`."""
    if cells is None:
        return grid()
    attrs = getattr(cells, "attrs", {})
    made_by_grid = {"cell_km", "shape", "crs"} <= set(attrs) and "cell_id" in cells
    if not isinstance(cells, gpd.GeoDataFrame) or not made_by_grid:
        raise ParameterError(
            "cells must be a grid made by scamgeo.geo.grid(...) (its cell_id, cell_km, shape and "
            f"crs); got {type(cells).__name__}."
        )
    return cells


def _fatalities(gdf: pd.DataFrame) -> pd.Series:
    """Reported fatalities per row as float (NaN where not reported)."""
    if "fatalities" not in gdf.columns:
        return pd.Series(np.nan, index=gdf.index)
    return pd.to_numeric(gdf["fatalities"], errors="coerce")


def _empty_table(by: str, freq: str, count: str, *, note: str) -> pd.DataFrame:
    unit_col = "admin1_code" if by == "province" else "cell_id"
    out = pd.DataFrame(
        {
            unit_col: pd.array([], dtype="string"),
            "period": pd.Series([], dtype="datetime64[ns]"),
            count: pd.Series([], dtype=np.int64),
            "fatalities": pd.array([], dtype="Int64"),
            f"fatalities_missing_{count}": pd.Series([], dtype=np.int64),
        }
    )
    out.attrs.update({"by": by, "freq": freq, "count": count, "note": note})
    return out


def _grid_units(geoms: gpd.GeoSeries, cells: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(cell ids of the grid, cell id of each row): cells hold points by arithmetic."""
    cell_km, shape = cells.attrs["cell_km"], cells.attrs["shape"]
    units = cells["cell_id"].to_numpy(dtype=object)
    pts = project(geoms, cells.attrs["crs"])
    ok = valid(pts)
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
    return units, unit_of


def _count_table(
    unit_col: str,
    units: np.ndarray,
    unit_of: np.ndarray,
    dates: pd.Series,
    deaths: pd.Series,
    count: str,
    window: tuple[pd.Timestamp, pd.Timestamp],
    freq: str,
) -> pd.DataFrame:
    """Counts, reported fatalities and unreported counts per unit and period, zeros kept."""
    first, last = window
    periods = calendar(first, last, freq)
    unit_pos = pd.Categorical(unit_of, categories=units).codes.astype(np.int64)
    period = period_start(dates, freq).to_numpy(dtype="datetime64[ns]")
    period_pos = np.searchsorted(periods.to_numpy(dtype="datetime64[ns]"), period)
    in_range = (dates >= first).to_numpy(dtype=bool) & (
        dates < last + pd.Timedelta(days=1)
    ).to_numpy(dtype=bool)
    keep = (unit_pos >= 0) & in_range
    _log_left_out(
        int(((unit_pos < 0) & in_range).sum()), int((~in_range).sum()), unit_col, first, last
    )
    size = len(units) * len(periods)
    flat = unit_pos[keep] * len(periods) + period_pos[keep]
    reported = deaths.notna().to_numpy(dtype=bool)[keep]
    events = np.bincount(flat, minlength=size).astype(np.int64)
    missing = np.bincount(flat[~reported], minlength=size).astype(np.int64)
    weights = deaths.fillna(0).to_numpy(dtype=float)[keep]
    fatalities = pd.array(
        np.bincount(flat, weights=weights, minlength=size).astype(np.int64), dtype="Int64"
    )
    fatalities[(events > 0) & (missing == events)] = pd.NA
    return pd.DataFrame(
        {
            unit_col: pd.array(np.repeat(units, len(periods)), dtype="string"),
            "period": np.tile(periods.to_numpy(), len(units)),
            count: events,
            "fatalities": fatalities,
            f"fatalities_missing_{count}": missing,
        }
    )


def _log_left_out(
    n_unknown: int, n_outside: int, unit_col: str, first: pd.Timestamp, last: pd.Timestamp
) -> None:
    if n_unknown:
        logger.warning(
            "aggregate: %d event(s) have no %s (no province or no location) and are left out.",
            n_unknown,
            unit_col,
        )
    if n_outside:
        logger.info(
            "aggregate: %d event(s) have no event_date or fall outside %s..%s; left out.",
            n_outside,
            first.date(),
            last.date(),
        )
