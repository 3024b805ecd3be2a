"""Recognise dask collections without importing dask (kept cheap for every module).

The in-memory functions (:mod:`scamgeo.geo`, :mod:`scamgeo.stats`,
:mod:`scamgeo.io`) call :func:`is_dask` on their data argument and hand a
dask frame to :mod:`scamgeo.scale`, which needs the optional ``scale`` extra.
This module lives outside :mod:`scamgeo.scale` so that the test costs no
import and works when dask is not installed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_dask"]

_DASK_PACKAGES = ("dask", "dask_geopandas", "dask_expr")


def is_dask(obj: Any) -> bool:
    """Whether ``obj`` is a dask (or dask-geopandas) DataFrame or Series.

    Looks at the class's module only, so it never imports dask.
    """
    for cls in type(obj).__mro__:
        if (cls.__module__ or "").split(".", 1)[0] in _DASK_PACKAGES:
            return True
    return False
