"""The sentences of the briefs, each a tested rule (see :mod:`scamgeo.findings._core`).

A notebook cell records a finding in one line::

    sg.briefs.record(sg.findings.incidents(events, window))

and the brief prints its ``text``; the JSON keeps its value. Every rule checks
its premise for the brief's own window and says what the data allow when it
fails, so a sentence is true for every run.
"""

from __future__ import annotations

from .._validate import guard_public
from ._catalogue import record_size, source_balance
from ._core import Finding, Window
from ._displacement import followed_series, returns, war_peaks
from ._hubs import fighting_near, hub_tests, nearest_crossing, site_damage, space_time
from ._methods import METHODS, UNIVERSE
from ._phases import ceasefire_change, change_points, escalation, phase_rates
from ._source import chart_credit, data_as_of, source_label
from ._war import (
    border_decay,
    casualties,
    casualty_rows,
    claimed_deaths,
    fighting_incidents,
    sensitivity_table,
    split_universe,
)

__all__ = [
    "METHODS",
    "UNIVERSE",
    "Finding",
    "Window",
    "border_decay",
    "casualties",
    "casualty_rows",
    "ceasefire_change",
    "change_points",
    "chart_credit",
    "claimed_deaths",
    "data_as_of",
    "escalation",
    "fighting_incidents",
    "fighting_near",
    "followed_series",
    "hub_tests",
    "nearest_crossing",
    "phase_rates",
    "record_size",
    "returns",
    "site_damage",
    "sensitivity_table",
    "source_balance",
    "source_label",
    "space_time",
    "split_universe",
    "war_peaks",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
