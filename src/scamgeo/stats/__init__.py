"""Statistics of the 2025 border war: phases, counts, count models, time series and spatial tests.

Every function takes its data first and options as keywords, checks its
inputs before any work (raising :class:`~scamgeo.ParameterError` or
:class:`~scamgeo.SchemaError` with what was wrong and what is allowed) and
returns either a tidy :class:`pandas.DataFrame` or a documented result object
(esda style: the statistic, its interval or p-value, the draws and seed used,
the statsmodels result as ``.model_result``).

- :func:`phases`, :func:`phase_of`: the phases of the war from the timeline.
- :func:`daily_counts`: complete daily/weekly calendar of events and fatalities.
- :func:`count_model`: incidence-rate ratios by phase (negative binomial with
  estimated dispersion vs Poisson with robust errors).
- :func:`interrupted_time_series`, :func:`ceasefire_its`: segmented regression
  around a ceasefire with Newey–West errors.
- :func:`hub_targeting_test`: Monte Carlo test of whether strikes fall closer
  to casino hubs than chance would place them; :func:`border_band_sample`
  draws from its border-band null.
- :func:`distance_decay`: events per km² by distance band with a fitted decay.
- :func:`precision_sensitivity`: headline numbers without imprecise rows.
- :func:`displacement_summary`: peaks, time to peak and returns, per metric and unit.
- :func:`knox_test`: Knox space-time interaction test (permutation p-value).
- :func:`hotspots`: Getis-Ord Gi* hotspots on a metric grid, permutations and FDR.
- :func:`emerging_hotspots`: Gi* per time slice, Mann-Kendall trends, ESRI's categories.
- :func:`change_points`, :func:`escalation_test`: regime changes of the daily series
  against the official dates; intensity before each ceasefire.

statsmodels and scipy are imported here, not by ``import scamgeo``.
"""

from __future__ import annotations

from .._record import incident_keys
from .._validate import guard_public
from ._changepoints import ChangePointResult, change_points
from ._counts import CountModelResult, count_model
from ._daily import by_phase, daily_counts, phase_of, phases
from ._decay import DecayResult, distance_decay
from ._displacement import displacement_summary, figures_as_of, series_columns
from ._emerging import PATTERNS, EmergingHotspotResult, classify_pattern, emerging_hotspots
from ._escalation import EscalationResult, escalation_test
from ._hotspots import HotspotOptions, HotspotResult, hotspots
from ._its import CeasefireResults, ITSOptions, ITSResult, ceasefire_its, interrupted_time_series
from ._knox import KnoxResult, knox_test
from ._sensitivity import precision_sensitivity
from ._spatial import DEFAULT_SEED, HubTestResult, border_band_sample, hub_targeting_test
from ._tallies import CasualtyTable, casualty_table
from ._uncertainty import LocationUncertaintyResult
from ._war_series import metric_series, return_series, war_displacement

__all__ = [
    "DEFAULT_SEED",
    "PATTERNS",
    "EmergingHotspotResult",
    "CasualtyTable",
    "by_phase",
    "casualty_table",
    "incident_keys",
    "metric_series",
    "return_series",
    "war_displacement",
    "ChangePointResult",
    "CountModelResult",
    "DecayResult",
    "EscalationResult",
    "HotspotOptions",
    "HotspotResult",
    "HubTestResult",
    "CeasefireResults",
    "ITSOptions",
    "ITSResult",
    "KnoxResult",
    "LocationUncertaintyResult",
    "border_band_sample",
    "ceasefire_its",
    "change_points",
    "count_model",
    "classify_pattern",
    "daily_counts",
    "emerging_hotspots",
    "displacement_summary",
    "figures_as_of",
    "series_columns",
    "distance_decay",
    "escalation_test",
    "hotspots",
    "hub_targeting_test",
    "interrupted_time_series",
    "knox_test",
    "phase_of",
    "phases",
    "precision_sensitivity",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
