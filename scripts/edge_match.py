"""Edge-match Natural Earth countries and provinces to a finer Thailand–Cambodia line.

Used by ``build_reference.py``. The finer geometry (OpenStreetMap's country
polygons) replaces Natural Earth's inside a *corridor* around the
Thailand–Cambodia border; everywhere else Natural Earth stays as it is.
Inside the corridor every country is the OSM polygon, and every Thai or
Cambodian province is its Natural Earth polygon cut to its OSM country, with
the land between the Natural Earth and OSM lines given to the nearest
province of the same country. So, along the line, countries, provinces and
the line agree exactly: the provinces of one country tile it, and the shared
edge of the two countries is the OSM line.

All overlays run in EPSG:4326 on a fixed precision grid (:data:`GRID`, 1e-6
degree, about 0.1 m), the precision the GeoJSON outputs are written with, so
writing them loses nothing and shared edges stay shared.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

log = logging.getLogger("build_reference")

#: Precision grid of every overlay (degrees); outputs are written with 6 decimals.
GRID = 1e-6
#: Half-width (km) of the corridor around the two lines inside which OSM replaces
#: Natural Earth. Natural Earth's line is at most ~4.5 km from OSM's here, so 8 km
#: holds both with room to spare.
CORRIDOR_KM = 8.0
#: Spacing (degrees, ~100 m) of the province-boundary samples that share out the
#: land between the two lines to the nearest province.
SAMPLE_DEG = 0.001
METRIC = "EPSG:32648"


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygon part of a geometry (made valid), as one (Multi)Polygon."""
    geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.set_precision(shapely.union_all(parts), GRID) if parts else shapely.Polygon()


def read_osm_land(path: Path, bbox: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Country polygons (ISO3 in ``iso3``) of the geo-maps countries-land file within ``bbox``."""
    os.environ.setdefault("OGR_GEOJSON_MAX_OBJ_SIZE", "0")  # the file has 100 MB features
    gdf = gpd.read_file(path, engine="pyogrio", bbox=bbox)
    if "A3" not in gdf.columns:
        raise SystemExit(f"{path}: no A3 column; is it geo-maps' countries-land map.geo.json?")
    geoms = [polygonal(g) for g in gdf.geometry]
    return gpd.GeoDataFrame({"iso3": gdf["A3"].to_numpy()}, geometry=geoms, crs="EPSG:4326")


def shared_line(a: shapely.Geometry, b: shapely.Geometry) -> shapely.Geometry:
    """The boundary two polygons share, merged into as few lines as possible."""
    shared = shapely.intersection(shapely.boundary(a), shapely.boundary(b), grid_size=GRID)
    lines = [g for g in shapely.get_parts(shared) if shapely.get_type_id(g) in (1, 5)]
    if not lines:
        return shapely.MultiLineString([])
    return shapely.line_merge(shapely.union_all(lines))


def corridor(lines: list[shapely.Geometry], km: float = CORRIDOR_KM) -> shapely.Geometry:
    """The band within ``km`` of any of ``lines``, in EPSG:4326, on the grid."""
    metric = gpd.GeoSeries(lines, crs="EPSG:4326").to_crs(METRIC)
    band = shapely.union_all(metric.buffer(km * 1000.0, quad_segs=8).to_numpy())
    back = gpd.GeoSeries([band], crs=METRIC).to_crs("EPSG:4326").iloc[0]
    return shapely.set_precision(back, GRID)


def match_countries(
    ne: gpd.GeoDataFrame, osm: gpd.GeoDataFrame, band: shapely.Geometry
) -> gpd.GeoDataFrame:
    """Natural Earth countries with the OSM polygons inside ``band``.

    A country's new geometry is its Natural Earth polygon outside the band and
    its OSM polygon inside it; countries absent from ``osm`` lose whatever OSM
    gives to another country inside the band.
    """
    osm_geom = osm.set_index("iso3").geometry
    taken = shapely.union_all(
        [shapely.intersection(g, band, grid_size=GRID) for g in osm_geom], grid_size=GRID
    )
    out = []
    for iso, geom in zip(ne["iso3"], ne.geometry, strict=True):
        outside = shapely.difference(polygonal(geom), band, grid_size=GRID)
        if iso in osm_geom.index:
            inside = shapely.intersection(osm_geom[iso], band, grid_size=GRID)
            new = shapely.union(outside, inside, grid_size=GRID)
        else:
            rest = shapely.intersection(polygonal(geom), band, grid_size=GRID)
            new = shapely.union(
                outside, shapely.difference(rest, taken, grid_size=GRID), grid_size=GRID
            )
        out.append(polygonal(new))
    return ne.set_geometry(gpd.GeoSeries(out, crs="EPSG:4326", index=ne.index))


def _boundary_samples(
    polys: gpd.GeoSeries, near: shapely.Geometry
) -> tuple[np.ndarray, np.ndarray]:
    """Points every :data:`SAMPLE_DEG` along the polygons' boundaries near ``near``, with labels."""
    pts, labels = [], []
    seen: set[tuple[float, float]] = set()
    for label, geom in polys.items():
        ring = shapely.intersection(shapely.boundary(geom), near)
        for part in shapely.get_parts(ring):
            if shapely.get_type_id(part) not in (1, 2):
                continue
            dense = shapely.segmentize(part, SAMPLE_DEG)
            for x, y in shapely.get_coordinates(dense):
                key = (round(x, 7), round(y, 7))
                if key in seen:  # a shared edge: first province keeps it
                    continue
                seen.add(key)
                pts.append(key)
                labels.append(label)
    return np.asarray(pts, dtype=float), np.asarray(labels, dtype=object)


def nearest_allocation(
    polys: gpd.GeoSeries, area: shapely.Geometry, reach: shapely.Geometry
) -> dict[str, shapely.Geometry]:
    """Share ``area`` out to the polygons of ``polys`` (indexed by label) by nearness.

    The split follows the Voronoi cells of points sampled along the polygons'
    boundaries within ``reach``: each bit of ``area`` goes to the polygon whose
    boundary is nearest.
    """
    if shapely.is_empty(area):
        return {}
    xy, labels = _boundary_samples(polys, reach)
    cells = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=reach.envelope.buffer(1))
    cells = np.asarray(shapely.get_parts(cells))
    # voronoi_polygons does not keep input order: find each cell's sample
    tree = shapely.STRtree(shapely.points(xy))
    cell_idx, pt_idx = tree.query(cells, predicate="contains")
    owner = np.empty(len(cells), dtype=object)
    owner[cell_idx] = labels[pt_idx]
    out = {}
    for label in pd.unique(labels):
        region = shapely.union_all(cells[owner == label])
        piece = polygonal(shapely.intersection(area, region, grid_size=GRID))
        if not shapely.is_empty(piece):
            out[label] = piece
    return out


def match_provinces(
    ne: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, band: shapely.Geometry
) -> gpd.GeoDataFrame:
    """Natural Earth provinces tiling their (edge-matched) country inside ``band``.

    Outside the band a province is its Natural Earth polygon. Inside, it is that
    polygon cut to its country, plus the share of the country's land that no
    province of the country covered there (between the two lines), given to the
    nearest province.
    """
    geoms = ne.geometry.copy()
    by_country = countries.set_index("iso3").geometry
    reach = shapely.buffer(band, 0.05)
    for iso in ne["country"].unique():
        mine = ne["country"] == iso
        country_in = polygonal(shapely.intersection(by_country[iso], band, grid_size=GRID))
        own = gpd.GeoSeries(
            [polygonal(g) for g in ne.geometry[mine]], index=ne.loc[mine, "iso_3166_2"]
        )
        touching = own[own.intersects(band)]
        covered = polygonal(
            shapely.union_all(
                [polygonal(shapely.intersection(g, country_in, grid_size=GRID)) for g in touching],
                grid_size=GRID,
            )
        )
        gap = polygonal(shapely.difference(country_in, covered, grid_size=GRID))
        shares = nearest_allocation(touching, gap, reach)
        for pos in np.flatnonzero(mine.to_numpy()):
            code = ne["iso_3166_2"].iloc[pos]
            geom = own[code]
            if code not in touching.index:
                continue
            outside = polygonal(shapely.difference(geom, band, grid_size=GRID))
            inside = polygonal(shapely.intersection(geom, country_in, grid_size=GRID))
            parts = [outside, inside] + ([shares[code]] if code in shares else [])
            geoms.iloc[pos] = polygonal(shapely.union_all(parts, grid_size=GRID))
        log.info("%s: %d provinces edge-matched inside the corridor", iso, len(touching))
    return ne.set_geometry(gpd.GeoSeries(geoms.to_numpy(), crs="EPSG:4326", index=ne.index))
