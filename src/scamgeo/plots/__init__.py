"""Static maps (matplotlib) for print and for briefs read as PDF.

Builders take their data first and an optional ``ax`` and return the axes;
they never show or save a figure (use :func:`save_figure`). Where a map is
drawn (CRS, extent, reference layers) and its furniture (scale bar, north
arrow, inset locator, legend, title) are one :class:`MapFrame`, passed as
``frame=`` to every builder. Maps are drawn in
a metric CRS (UTM 48N by default, :data:`scamgeo.config.METRIC_CRS`) so the
scale bar is true; the scale bar is measured geodesically and the north
arrow points to *true* north at its position (grid north differs by up to a
few degrees in UTM).

Defaults are made for print: :data:`PUBLICATION_RC` (DejaVu Sans, small
sizes, text kept as text in SVG and PDF), the colour-blind-safe Okabe–Ito
palette for event types, a shape *and* a colour per site kind, and the
perceptually uniform ``cividis`` map for choropleths. Vector output: save as
``svg`` or ``pdf``.

Every artist a builder adds carries a ``gid`` (``"countries"``,
``"provinces"``, ``"border"``, ``"events:<type>"``, ``"sites:<kind>"``,
``"choropleth"``, ``"scale-bar"``, ``"north-arrow"``, ``"inset-locator"``),
which SVG output keeps as element ids.
"""

from __future__ import annotations

from .._validate import guard_public
from ._builders import assign_phase, choropleth_map, overview_map, phase_small_multiples
from ._emerging import emerging_hotspots_map
from ._frame import MapFrame
from ._furniture import (
    PUBLICATION_RC,
    SCHEMES,
    add_inset_locator,
    add_north_arrow,
    add_scale_bar,
    publication_style,
)
from ._output import save_figure

__all__ = [
    "MapFrame",
    "PUBLICATION_RC",
    "SCHEMES",
    "add_inset_locator",
    "add_north_arrow",
    "add_scale_bar",
    "assign_phase",
    "choropleth_map",
    "emerging_hotspots_map",
    "overview_map",
    "phase_small_multiples",
    "publication_style",
    "save_figure",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
