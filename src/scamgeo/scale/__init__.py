"""Event tables larger than memory, the geometry on partitions, briefs on a cluster.

This subpackage needs the optional ``scale`` extra (dask, distributed,
dask-geopandas, pyarrow)::

    pip install "scamgeo[scale]"

It uses Dask and adds no scheduler of its own: what runs on a laptop's cores
runs unchanged on a ``dask.distributed`` cluster.

- :func:`read_events`: ACLED or UCDP GED CSV files (globs, local paths or any
  fsspec URL) into a ``dask_geopandas.GeoDataFrame`` in the common event
  schema, each block validated by the in-memory reader itself;
- :func:`distance_to_border_km`, :func:`assign_province`,
  :func:`nearest_site`, :func:`within_km`: lazy, partition-wise versions of
  the :mod:`scamgeo.geo` functions, the reference geometry sent once;
- :func:`aggregate`, :func:`daily_counts`: partial counts per partition,
  combined into the same table as the in-memory functions;
- :func:`to_geoparquet`, :func:`read_geoparquet`: partitioned GeoParquet;
- :func:`client`: a ``dask.distributed`` client from ``"local:N"`` or a
  scheduler address (briefs run on one through
  :func:`scamgeo.briefs.run_batch`'s ``executor``).

Importing this package registers these versions with the in-memory functions
(:func:`scamgeo.geo.distance_to_border_km`, :func:`scamgeo.geo.aggregate`,
:func:`scamgeo.stats.daily_counts`, …), which then accept a dask frame
themselves, and :func:`scamgeo.io.load_events` reads GeoParquet through
:func:`read_geoparquet`. ``geo``, ``stats`` and ``io`` never import ``scale``.

Results equal the in-memory path exactly on the same rows (see
:func:`metric_crs` for how each partition is kept in the metric CRS the
whole table would use).
"""

from __future__ import annotations

from .._errors import ScamgeoError
from .._validate import guard_public

_EXTRA = 'pip install "scamgeo[scale]"'

try:  # the extra's packages, checked once with one message
    import dask
    import dask.dataframe  # noqa: F401
    import dask_geopandas  # noqa: F401
    import distributed  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by a test that blocks the import
    raise ScamgeoError(
        f"scamgeo.scale needs the optional 'scale' extra ({exc.name or exc} is not installed): "
        f"{_EXTRA}  (or with conda: conda install -c conda-forge dask distributed "
        "dask-geopandas pyarrow)."
    ) from exc

from .. import geo, io, stats  # noqa: E402  (after the check of the extra)
from .._dask import is_dask, register  # noqa: E402
from ._cluster import client  # noqa: E402
from ._counts import aggregate, daily_counts  # noqa: E402
from ._geo import (  # noqa: E402
    assign_province,
    distance_to_border_km,
    metric_crs,
    nearest_site,
    within_km,
)
from ._parquet import attrs, read_geoparquet, to_geoparquet  # noqa: E402
from ._read import read_events  # noqa: E402

__all__ = [
    "aggregate",
    "assign_province",
    "attrs",
    "client",
    "daily_counts",
    "distance_to_border_km",
    "is_dask",
    "metric_crs",
    "nearest_site",
    "read_events",
    "read_geoparquet",
    "to_geoparquet",
    "within_km",
]

# the in-memory functions hand dask frames (and GeoParquet paths) to these
for _function, _version in (
    (geo.distance_to_border_km, distance_to_border_km),
    (geo.assign_province, assign_province),
    (geo.nearest_site, nearest_site),
    (geo.within_km, within_km),
    (geo.aggregate, aggregate),
    (stats.daily_counts, daily_counts),
    (io.load_events, read_geoparquet),
):
    register(_function, _version)

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
