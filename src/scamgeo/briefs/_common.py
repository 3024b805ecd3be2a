"""What the notebook side and the rendering side of a brief share: output kinds, value texts.

Kept below both :mod:`._api` (what a notebook calls) and :mod:`._render` (what
turns the executed notebook into a page), so neither imports the other's module
for them.
"""

from __future__ import annotations

import os
from typing import Any

from ..vocab import COUNT_UNITS

__all__ = ["ATTRIBUTION_MIME", "BRIEF_MIME", "COUNTS", "FIGURE_MIME", "jsonable", "param_value"]

#: Output kinds a notebook displays for the brief builder (never shown as such).
FIGURE_MIME = "application/vnd.scamgeo.key-figure+json"
ATTRIBUTION_MIME = "application/vnd.scamgeo.attribution+json"
BRIEF_MIME = "application/vnd.scamgeo.brief+json"
#: What a recorded event count may count.
COUNTS = COUNT_UNITS


def param_value(value: Any) -> str:
    """A parameter's value as the parameters annex shows it (a path as its file name only)."""
    from .. import fmt

    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return fmt.number(value, decimals=2)
    if isinstance(value, os.PathLike) or (isinstance(value, str) and os.sep in value):
        return os.path.basename(os.fspath(value))  # never an analyst's absolute path
    if isinstance(value, list | tuple):
        return ", ".join(param_value(v) for v in value)
    return str(value)


def jsonable(value: Any) -> Any:
    """The ``default=`` of :func:`json.dumps` for key figures and manifests (dates, numpy)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)
