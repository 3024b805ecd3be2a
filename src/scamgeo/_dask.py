"""Dask frames without importing dask: recognise them, and find scale's implementation.

The in-memory functions (:mod:`scamgeo.geo`, :mod:`scamgeo.stats`,
:mod:`scamgeo.io`) never import :mod:`scamgeo.scale`: imports follow the flow
of the data, and ``scale`` builds on them. Instead ``scale`` *registers* its
partition-wise version of each function here when it is imported (the way
dask-geopandas extends geopandas), and the in-memory function asks for it::

    on_dask = dask_version(distance_to_border_km, gdf)
    if on_dask is not None:
        return on_dask(gdf, border=border)

A dask frame given before ``import scamgeo.scale`` gets a one-line
:class:`~scamgeo.ScamgeoError` saying to import it. This module lives
outside :mod:`scamgeo.scale` so that the check costs no import and works
when dask is not installed.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any

from ._errors import ScamgeoError

__all__ = ["dask_version", "is_dask", "register", "registered", "scale_version"]

_DASK_PACKAGES = ("dask", "dask_geopandas", "dask_expr")

#: in-memory function -> the function scamgeo.scale runs on dask frames instead
_VERSIONS: dict[Callable[..., Any], Callable[..., Any]] = {}


def is_dask(obj: Any) -> bool:
    """Whether ``obj`` is a dask (or dask-geopandas) DataFrame or Series.

    Looks at the class's module only, so it never imports dask.

    Parameters
    ----------
    obj : object
        Anything.

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask(pd.DataFrame())
    False
    """
    for cls in type(obj).__mro__:
        if (cls.__module__ or "").split(".", 1)[0] in _DASK_PACKAGES:
            return True
    return False


def _unwrapped(function: Callable[..., Any]) -> Callable[..., Any]:
    """The function itself, under any wrapper (the public API's argument guard)."""
    return inspect.unwrap(function)


def register(function: Callable[..., Any], version: Callable[..., Any]) -> None:
    """Make ``version`` the one ``function`` hands its dask input to (called by ``scale``).

    Parameters
    ----------
    function : callable
        The in-memory function (as a package exports it, or itself).
    version : callable
        What runs instead on a dask frame.
    """
    _VERSIONS[_unwrapped(function)] = version


def registered() -> dict[Callable[..., Any], Callable[..., Any]]:
    """A copy of the registry: in-memory function -> scale's version of it."""
    return dict(_VERSIONS)


def public_name(function: Callable[..., Any]) -> str:
    """``scamgeo.geo.nearest_site`` for a function defined in ``scamgeo.geo._nearest``.

    The shortest subpackage path (already imported) that exports the function.
    """
    parts = (function.__module__ or "scamgeo").split(".")
    for n in range(2, len(parts) + 1):  # scamgeo.geo.f, not the top-level shortcut
        name = ".".join(parts[:n])
        found = getattr(sys.modules.get(name), function.__name__, None)
        if found is not None and _unwrapped(found) is _unwrapped(function):
            return f"{name}.{function.__name__}"
    return f"{function.__module__}.{function.__name__}"


def scale_version(function: Callable[..., Any], *, given: str) -> Callable[..., Any]:
    """Scale's version of ``function``; a one-line error when ``scamgeo.scale`` is not imported.

    ``given`` says what the caller was given (``"a dask frame"``,
    ``"a GeoParquet path"``) for the message.
    """
    version = _VERSIONS.get(_unwrapped(function))
    if version is None:
        raise ScamgeoError(
            f"{public_name(function)} was given {given}: run `import scamgeo.scale` first "
            '(it needs the scale extra: pip install "scamgeo[scale]").'
        )
    return version


def dask_version(function: Callable[..., Any], data: Any) -> Callable[..., Any] | None:
    """``None`` for in-memory ``data``; for a dask frame, scale's version of ``function``.

    Raises
    ------
    ScamgeoError
        ``data`` is a dask frame and ``scamgeo.scale`` has not been imported.
    """
    if not is_dask(data):
        return None
    return scale_version(function, given="a dask frame")
