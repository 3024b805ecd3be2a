"""Statistical charts for the briefs (matplotlib): timelines, rate ratios, ceasefire
time series, Monte Carlo nulls, ranges of published estimates, displacement curves.

Maps live in :mod:`scamgeo.plots` (static) and :mod:`scamgeo.maps` (folium).
Every builder takes its data first and an optional ``ax``, draws titles, axis
labels with units and a source line, and returns the axes; nothing is shown
or saved by the library.
"""

from __future__ import annotations

from .._validate import guard_public
from ..style import PHASE_COLORS
from ._reported import (
    casualty_chart,
    displacement_chart,
    range_chart,
    site_status_chart,
    tally_chart,
)
from ._tests import hub_test_chart, null_distribution_chart, rate_ratio_chart
from ._timeline import its_chart, timeline_chart

__all__ = [
    "PHASE_COLORS",
    "casualty_chart",
    "displacement_chart",
    "hub_test_chart",
    "null_distribution_chart",
    "range_chart",
    "rate_ratio_chart",
    "site_status_chart",
    "its_chart",
    "tally_chart",
    "timeline_chart",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
