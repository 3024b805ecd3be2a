"""The null region of the spatial tests: Thai and Cambodian land, and its band along the border."""

from __future__ import annotations

import functools
from typing import Any

from .. import config

__all__ = ["band_region", "land_equal_area", "union_equal_area"]


@functools.cache
def land_equal_area() -> Any:
    """Thailand ∪ Cambodia land (Natural Earth 1:10m) as one shapely geometry in EQUAL_AREA_CRS."""
    from .. import datasets

    c = datasets.countries()
    land = c[c["iso3"].isin(["THA", "KHM"])].to_crs(config.EQUAL_AREA_CRS)
    return land.union_all()


def union_equal_area(gdf: Any) -> Any:
    import shapely

    geoms = gdf.to_crs(config.EQUAL_AREA_CRS).geometry.to_numpy()
    geoms = geoms[~shapely.is_missing(geoms)]
    return shapely.union_all(geoms)


@functools.cache
def band_region(band_km: float) -> Any:
    """Land of THA ∪ KHM within ``band_km`` of their border (shapely, EQUAL_AREA_CRS), prepared."""
    import shapely

    from .. import datasets, geo

    band = union_equal_area(geo.buffer_km(datasets.border("THA", "KHM"), km=band_km))
    region = shapely.intersection(band, land_equal_area())
    shapely.prepare(region)
    return region
