"""Saving figures: one file per format, atomically, with reproducible metadata."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._errors import DataSourceError, ParameterError
from .._files import atomic_target
from .._validate import check_choice
from ._furniture import publication_style

__all__ = [
    "save_figure",
]


def save_figure(
    fig: Figure,
    path: str | os.PathLike,
    *,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 300,
) -> list[Path]:
    """Save ``fig`` once per format (``path`` without or with any suffix), atomically.

    Parameters
    ----------
    fig : matplotlib Figure
    path : str or path-like
        Output path; its suffix is replaced by each format's.
    formats : sequence of {"png", "svg", "pdf", "eps", "jpg", "tif"}
        ``svg``, ``pdf`` and ``eps`` are vector output (text stays text).
    dpi : int, default 300
        Resolution of raster formats.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scamgeo import plots
    >>> ax = plots.overview_map()
    >>> paths = plots.save_figure(ax.figure, pathlib.Path(tempfile.mkdtemp()) / 'overview', dpi=60)
    >>> [p.name for p in paths]
    ['overview.png', 'overview.svg']
    """
    if isinstance(fig, Axes):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise ParameterError(f"fig must be a matplotlib Figure, got {type(fig).__name__}.")
    allowed = ("png", "svg", "pdf", "eps", "jpg", "tif")
    formats = [formats] if isinstance(formats, str) else list(formats)
    for f in formats:
        check_choice(f, allowed, name="formats")
    base = Path(path)
    base = base.with_suffix("") if base.suffix.lstrip(".") in allowed else base
    written = []
    with publication_style():
        for f in formats:
            out = base.with_name(f"{base.name}.{f}")
            try:
                with atomic_target(out) as tmp:
                    fig.savefig(tmp, format=f, dpi=dpi, metadata=_metadata(f))
            except OSError as exc:
                raise DataSourceError(
                    f"save_figure: cannot write {out}: {exc.strerror or exc}."
                ) from None
            written.append(out)
    return written


def _metadata(fmt: str) -> dict[str, Any] | None:
    """Reproducible files: no creation date in SVG/PDF."""
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    if fmt == "png":
        return {"Software": None}
    return None
