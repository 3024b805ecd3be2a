"""Every sentence rule, over the grid of windows: the facts it states hold (issue 25)."""

from __future__ import annotations

import pandas as pd
import pytest
from _windows import grid

from scamgeo import datasets, findings, stats, vocab
from scamgeo._record import incident_keys
from scamgeo.findings import _war

WINDOWS = grid()
EVENTS = datasets.events()


def _window(start: str, end: str) -> findings.Window:
    return findings.Window.of(start, end)


def test_the_grid_covers_every_phase_and_official_date() -> None:
    labels = [label for label, _, _ in WINDOWS]
    for phase in vocab.PHASES[1:]:
        assert f"inside {phase}" in labels
    assert sum(label.startswith("around ") for label in labels) >= 10
    assert any(label.startswith("run ") for label in labels)


@pytest.mark.parametrize(("label", "start", "end"), WINDOWS, ids=[w[0] for w in WINDOWS])
def test_fighting_incidents_counts_the_window_and_names_it(
    label: str, start: str, end: str
) -> None:
    w = _window(start, end)
    f = _war.fighting_incidents(EVENTS, w, source="the record")
    days = pd.to_datetime(EVENTS["event_date"])
    inside = EVENTS[(days >= w.start) & (days <= w.end)]
    fighting = inside[inside["event_type"].isin(vocab.FIGHTING_TYPES)]
    assert f.value == incident_keys(fighting).nunique()  # incidents, by an independent count
    assert f.facts["claims"] == len(fighting)
    assert f.facts["other"] == len(inside) - len(fighting)
    assert w.text in f.text  # the window named is the run's own
    if f.value:
        assert f.text.startswith(f"{f.value:,} incident")


@pytest.mark.parametrize(("label", "start", "end"), WINDOWS, ids=[w[0] for w in WINDOWS])
def test_casualties_name_only_wars_in_the_window_and_figures_before_its_end(
    label: str, start: str, end: str
) -> None:
    w = _window(start, end)
    f = _war.casualties(stats.casualty_table(end=w.end), w)
    wars_in = {p for p, _, _ in w.phases()} & {"july_war", "december_war"}
    for war in ("july_war", "december_war"):
        named = vocab.PHASE_LABELS[war] in f.text
        assert named <= (war in wars_in), (label, war)  # never a war outside the window
    for day in f.facts.get("dates", []):
        assert day <= w.end  # never a tally dated after the window
    if f.value:
        for war, figure in f.value.items():  # the sums the sentence states are the table's
            table = stats.casualty_table(end=w.end)
            assert (figure["low"], figure["high"]) == table.killed(war)


def test_claimed_deaths_is_a_floor_per_incident() -> None:
    w = _window("2025-05-28", "2026-02-28")
    f = _war.claimed_deaths(EVENTS, w)
    fighting, _ = _war.split_universe(EVENTS, w)
    per_incident = (
        pd.to_numeric(fighting["fatalities"], errors="coerce")
        .groupby(incident_keys(fighting).to_numpy())
        .max()
    )
    assert f.value == int(per_incident.fillna(0).sum())
    assert "floor" in f.text


def test_an_acled_file_counts_each_row_as_an_incident() -> None:
    """Issue 21: the ACLED brief said 'No incidents' beside 4 incidents (no incident_id)."""
    from scamgeo import load_events

    acled = load_events("tests/fixtures/io/acled_export.csv")
    w = _window("2025-05-28", "2026-02-28")
    f = _war.fighting_incidents(acled, w, source="the ACLED file")
    fighting = acled[acled["event_type"].isin(vocab.FIGHTING_TYPES)]
    assert f.value == len(fighting) > 0
    assert "claims by either side" not in f.text
