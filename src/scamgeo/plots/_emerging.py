"""Static map of an emerging hot spot analysis (scamgeo.stats.emerging_hotspots)."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from .._validate import require_columns
from ..style import EMERGING_HOTSPOT_COLORS, GREY
from ._frame import MapFrame, fit, frame_of, furnish
from ._furniture import (
    BORDER_COLOR,
    EDGE,
    OUTSIDE_FILL,
    default_bounds,
    frame_map,
    lonlat_extent,
    mark,
    new_ax,
    publication_style,
    tag_new,
    to_crs,
)

__all__ = ["emerging_hotspots_map"]


def emerging_hotspots_map(
    result: Any, *, ax: Axes | None = None, frame: MapFrame | None = None
) -> Axes:
    """Cells of an emerging hot spot analysis coloured by their category, over the border.

    Parameters
    ----------
    result : EmergingHotspotResult
        From :func:`scamgeo.stats.emerging_hotspots` (its ``table`` of cells
        with ``pattern``).
    ax : Axes, optional
        Draw here (default: a new 6.5 × 6 in figure).
    frame : MapFrame, optional
        CRS, extent, reference layers and furniture (default extent: the
        border region).

    Returns
    -------
    Axes
        Cells with ``gid="emerging-hotspots"``; the legend lists the
        categories present with their number of cells; ``ax._scamgeo_patterns``
        holds those numbers.

    Examples
    --------
    >>> from scamgeo import datasets, plots, stats
    >>> eh = stats.emerging_hotspots(datasets.events(), cell_km=20, permutations=99)
    >>> ax = plots.emerging_hotspots_map(eh)
    >>> sum(ax._scamgeo_patterns.values()) == len(eh.table)
    True
    """
    table = result.table
    require_columns(table.columns, ["pattern", "geometry"], source="emerging hot spots")
    frame = frame_of(frame)
    crs = frame.projection()
    countries, _provinces, border = frame.layers()
    ax = new_ax(ax, figsize=(6.5, 6.0))
    extent = lonlat_extent(frame.bounds or default_bounds(border), crs)
    patterns = table["pattern"].astype(str)
    counts = patterns.value_counts()
    with publication_style():
        frame_map(ax, crs, extent)
        before = len(ax.collections)
        to_crs(countries, crs, name="countries").plot(
            ax=ax, color=OUTSIDE_FILL, edgecolor=EDGE, linewidth=0.4, zorder=1
        )
        tag_new(ax, before, "countries")
        cells = to_crs(table, crs, name="cells")
        before = len(ax.collections)
        handles = []
        for name, colour in EMERGING_HOTSPOT_COLORS.items():
            sel = (patterns == name).to_numpy()
            if sel.any():
                cells[sel].plot(ax=ax, facecolor=colour, edgecolor=GREY, linewidth=0.3,
                                zorder=2)  # fmt: skip
                handles.append(Patch(facecolor=colour, edgecolor=GREY,
                                     label=f"{name} ({counts[name]})"))  # fmt: skip
        tag_new(ax, before, "emerging-hotspots")
        before = len(ax.collections)
        to_crs(border, crs, name="border").plot(
            ax=ax, color=BORDER_COLOR, linewidth=1.2, linestyle=(0, (4, 2)), zorder=3
        )
        tag_new(ax, before, "border")
        fit(ax, extent)
        if frame.legend and handles:
            ax.legend(handles=handles, title=f"{result.count} by cell", loc="lower right",
                      fontsize=7)  # fmt: skip
        mark(ax, "patterns", {k: int(v) for k, v in counts.items()})
        furnish(ax, frame, crs=crs, countries=countries, inset=False)
    return ax
