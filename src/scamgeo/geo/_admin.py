"""Admin joins: the Thai or Cambodian province of each row."""

from __future__ import annotations

import functools
import logging
import math
import threading
import warnings
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from .._dask import dask_version
from .._errors import ParameterError, SchemaError
from .._validate import check_positive, require_columns
from ._crs import CHUNK, Frame, as_geoseries, project, valid
from ._nearest import Source

__all__ = [
    "ADMIN1_METHODS",
    "assign_province",
    "default_provinces",
]


logger = logging.getLogger("scamgeo.geo")


# --- provinces ---------------------------------------------------------------------

_THAI_KHMER = ("THA", "KHM")
_COUNTRY_INT = {"THA": 1, "KHM": 2}
#: Values of ``admin1_method`` (see :func:`assign_province`).
ADMIN1_METHODS = ("field", "within", "nearest", "outside", "missing")


@functools.cache
def default_provinces() -> gpd.GeoDataFrame:
    from .. import datasets

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
        ok = valid(geoms)
        self.codes = codes[ok]
        self.country = pd.Series(countries[ok]).map(_COUNTRY_INT).fillna(3).to_numpy(dtype=np.int8)
        self.geoms = geoms[ok]
        shapely.prepare(self.geoms)
        self._groups: dict[int, tuple] = {}
        self._lattice: tuple | None = None
        # the index is shared (cached) and dask's threads may build its parts at once: GEOS
        # crashes on concurrent queries over one set of prepared geometries while it builds
        self._lock = threading.RLock()

    def lattice(self) -> tuple:
        """(x0, y0, nx, ny, start, province, inside): CSR lists of provinces per cell."""
        with self._lock:
            return self._build_lattice()

    def _build_lattice(self) -> tuple:
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
        for lo in range(0, len(x), CHUNK):
            part = slice(lo, lo + CHUNK)
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
        with self._lock:
            return self._build_group(country)

    def _build_group(self, country: int) -> tuple[np.ndarray, Any, STRtree, np.ndarray]:
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
    prov = default_provinces()
    return _ProvinceIndex(
        prov["iso_3166_2"].to_numpy(dtype=object),
        prov["country"].to_numpy(dtype=object),
        prov.geometry.to_crs(crs).to_numpy(),
    )


def _province_index(provinces: Frame | None, crs: str) -> _ProvinceIndex:
    if provinces is None:
        return _default_province_index(crs)
    geoms = as_geoseries(provinces, name="provinces")
    if not isinstance(provinces, pd.DataFrame):
        raise SchemaError(
            "provinces must be a GeoDataFrame with 'iso_3166_2' (or 'admin1_code') and 'country' columns."
        )
    code_col = "iso_3166_2" if "iso_3166_2" in provinces.columns else "admin1_code"
    require_columns(provinces.columns, [code_col, "country"], source="provinces")
    codes = provinces[code_col].astype("string")
    repeated = sorted(set(codes[codes.duplicated(keep=False) & codes.notna()]))
    if repeated:
        raise ParameterError(
            f"provinces: {len(repeated)} code(s) name more than one feature "
            f"({', '.join(repeated[:6])}): this looks like a district or commune file. Read it "
            "with scamgeo.io.read_boundaries(path, dissolve=True) to get one feature per province."
        )
    keep = codes.notna().to_numpy(dtype=bool)
    if not keep.all():
        logger.info(
            "provinces: %d feature(s) without a province code (outside Thailand and Cambodia, "
            "or not matched) are not used",
            int((~keep).sum()),
        )
    return _ProvinceIndex(
        provinces[code_col].to_numpy(dtype=object)[keep],
        provinces["country"].to_numpy(dtype=object)[keep],
        project(geoms, crs).copy()[keep],
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


def _field_positions(gdf: Frame, countries: np.ndarray, known: pd.Index) -> np.ndarray:
    """Each row's province from its own fields, as a position in ``known`` (-1: none).

    The row's ``admin1_code`` first (a known code), else its ``admin1`` name
    resolved by :func:`scamgeo.datasets.province_code` within the row's
    country, each distinct (name, country) pair once. Works on copies, so
    read-only columns (Arrow-backed text, as the readers give) are fine.
    """
    n = len(gdf)
    out = np.full(n, -1, dtype=np.int64)
    if not isinstance(gdf, pd.DataFrame):
        return out
    if "admin1_code" in gdf.columns:
        codes = gdf["admin1_code"].astype("string").str.strip().str.upper()
        out = np.array(known.get_indexer(codes.fillna("").to_numpy(dtype=object)), dtype=np.int64)
        bad = codes.notna().to_numpy(dtype=bool) & (out < 0)
        if bad.any():
            logger.info(
                "assign_province: %d admin1_code value(s) are not known provinces (e.g. %r); "
                "placed spatially.",
                int(bad.sum()),
                codes[bad].iloc[0],
            )
    if "admin1" in gdf.columns:
        # names are looked up among Thai and Cambodian provinces only: a row of
        # another country keeps no province, whatever its admin1 says
        names = gdf["admin1"].astype("string").str.strip()
        todo = np.flatnonzero((out < 0) & names.notna().to_numpy(dtype=bool) & (countries != 3))
        if len(todo):
            from .. import datasets

            country = np.where(
                countries[todo] == 1, "THA", np.where(countries[todo] == 2, "KHM", "")
            ).astype(object)
            pairs = pd.MultiIndex.from_arrays([names.to_numpy(dtype=object)[todo], country])
            codes_of, uniques = pairs.factorize()
            found = datasets.province_code(
                [str(u[0]) for u in uniques], country=[u[1] or None for u in uniques]
            )
            where = known.get_indexer(found.astype("string").fillna("").to_numpy(dtype=object))
            out[todo] = np.asarray(where, dtype=np.int64)[codes_of]
    return out


def _spatial_positions(
    src: Source, countries: np.ndarray, index: _ProvinceIndex, *, max_km: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each located row's province by its geometry: (position, how: 1 within, 2 nearest, -1).

    ``within``: the polygon the point lies in (or on the edge of), of the row's
    own country when that is THA or KHM; ``nearest``: else the nearest
    province of its country (of any, within ``max_km``, when its country is
    unknown). Rows of another country are not placed.
    """
    n = src.n
    prov = np.full(n, -1, dtype=np.int64)
    how = np.full(n, -1, dtype=np.int8)
    todo = np.flatnonzero(countries[src.ok] != 3)  # positions into src.ok
    if not len(todo):
        return prov, how
    if src.points:
        x, y = src.x[todo], src.y[todo]
    else:
        xy = shapely.get_coordinates(shapely.point_on_surface(src.metric[todo]))
        x, y = xy[:, 0], xy[:, 1]
    rows = src.ok[todo]
    s, p = index.within(x, y)  # pairs sorted by point, then province
    same = (countries[rows[s]] == 0) | (countries[rows[s]] == index.country[p])
    s, p = s[same], p[same]
    first = np.unique(s, return_index=True)[1]
    prov[rows[s[first]]] = p[first]
    how[rows[s[first]]] = 1
    left = np.setdiff1d(np.arange(len(rows)), s[first], assume_unique=True)
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
        hit = ~far & (owner >= 0)
        prov[rows[sel[hit]]] = owner[hit]
        how[rows[sel[hit]]] = 2
    return prov, how


def _disagreements(
    field: np.ndarray,
    spatial: np.ndarray,
    how: np.ndarray,
    src: Source,
    index: _ProvinceIndex,
    *,
    tolerance_km: float,
) -> np.ndarray:
    """Rows whose stated province is not the one their point lies in (beyond the tolerance).

    Only rows with a stated province whose point lies inside a polygon of
    their own country are judged; a point within ``tolerance_km`` of the
    stated province is not (the 1:10m polygons are generalised by a few km).
    """
    out = np.zeros(len(field), dtype=bool)
    cand = np.flatnonzero((field >= 0) & (how == 1) & (spatial != field))
    if not len(cand):
        return out
    at = np.searchsorted(src.ok, cand)
    if src.points:
        pts = shapely.points(src.x[at], src.y[at])
    else:
        pts = shapely.point_on_surface(src.metric[at])
    away_m = shapely.distance(index.geoms[field[cand]], pts)
    out[cand[away_m > tolerance_km * 1000.0]] = True
    return out


def _warn_disagreements(
    gdf: Frame,
    disagrees: np.ndarray,
    field: np.ndarray,
    spatial: np.ndarray,
    codes: np.ndarray,
    *,
    tolerance_km: float,
) -> None:
    """One counted warning naming a few of the rows whose province and point disagree."""
    n = int(disagrees.sum())
    if not n:
        return
    pos = np.flatnonzero(disagrees)
    ids = (
        gdf["event_id"].to_numpy(dtype=object)[pos]
        if isinstance(gdf, pd.DataFrame) and "event_id" in gdf.columns
        else np.asarray(gdf.index)[pos]
    )
    shown = ", ".join(
        f"{i} ({codes[field[p]]} stated, point in {codes[spatial[p]]})"
        for i, p in zip(ids[:5], pos[:5], strict=True)
    )
    message = (
        f"assign_province: {n:,} row(s) state a province their point lies outside of (by more "
        f"than {tolerance_km:g} km): {shown}{', ...' if n > 5 else ''}. admin1_code keeps the "
        "stated province; admin1_disagrees marks these rows: check their coordinates or province."
    )
    logger.warning(message)
    warnings.warn(message, UserWarning, stacklevel=3)


def assign_province(
    gdf: Frame,
    *,
    provinces: Frame | None = None,
    max_km: float = 50.0,
    tolerance_km: float = 5.0,
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
    tolerance_km : float, default 5
        A row whose stated province (``field``) is not the polygon its point
        lies in is reported only when the point lies farther than this from
        the stated province: the 1:10m polygons are 1–3 km off along much of
        the border and older than some boundary changes, and a point carries
        its own uncertainty.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``gdf``: ``admin1_code`` (string, <NA> when outside or
        missing), ``admin1_method`` (one of :data:`ADMIN1_METHODS`) and
        ``admin1_disagrees`` (boolean): the row states a province, but its
        point lies inside another province of its country, more than
        ``tolerance_km`` from the stated one. ``admin1_code`` keeps the
        stated province (the coder's reading of the source); the warning
        names the polygon's.

    Warns
    -----
    UserWarning
        Counting the rows whose stated province and point disagree, with the
        first few (event id, stated code, the polygon's code).

    Raises
    ------
    CRSError
        If ``gdf`` or ``provinces`` has no CRS.
    ParameterError
        If ``gdf`` is empty or ``max_km`` negative.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> prov = geo.assign_province(datasets.events())
    >>> prov.columns.tolist()
    ['admin1_code', 'admin1_method', 'admin1_disagrees']
    >>> prov["admin1_code"].value_counts().head(3).to_dict()
    {'TH-33': 40, 'TH-32': 36, 'TH-34': 34}
    """
    if (on_dask := dask_version(assign_province, gdf)) is not None:
        return on_dask(gdf, provinces=provinces, max_km=max_km)
    max_km = check_positive(max_km, name="max_km", allow_zero=True)
    tolerance_km = check_positive(tolerance_km, name="tolerance_km", allow_zero=True)
    geoms = as_geoseries(gdf, name="gdf")
    src = Source(geoms)
    index = _province_index(provinces, src.crs)
    countries = _row_countries(gdf, len(geoms))
    field = _field_positions(gdf, countries, pd.Index(index.codes))
    spatial, how = _spatial_positions(src, countries, index, max_km=max_km)
    prov = np.where(field >= 0, field, spatial)
    # positions in ADMIN1_METHODS: field, within, nearest, outside, missing
    method = np.where(field >= 0, 0, np.where(how == 1, 1, np.where(how == 2, 2, -1)))
    located = np.zeros(len(geoms), dtype=bool)
    located[src.ok] = True
    method[(method < 0) & (located | (countries == 3))] = 3
    method[method < 0] = 4
    disagrees = _disagreements(field, spatial, how, src, index, tolerance_km=tolerance_km)
    _warn_disagreements(gdf, disagrees, field, spatial, index.codes, tolerance_km=tolerance_km)
    codes = pd.array(index.codes, dtype="string").take(prov, allow_fill=True)
    methods = pd.array(list(ADMIN1_METHODS), dtype="string").take(method.astype(np.int64))
    return pd.DataFrame(
        {
            "admin1_code": codes,
            "admin1_method": methods,
            "admin1_disagrees": pd.array(disagrees, dtype="boolean"),
        },
        index=geoms.index,
    )
