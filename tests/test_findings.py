"""Every sentence rule, over the grid of windows: the facts it states hold (issue 25)."""

from __future__ import annotations

import re

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


# --- the phase rules, on counts of the window's own fighting ---------------------------------

FIGHTING = EVENTS[EVENTS["event_type"].isin(vocab.FIGHTING_TYPES)]


@pytest.fixture(scope="module")
def phase_findings():
    from scamgeo.findings import _phases

    out = {}
    for label, start, end in WINDOWS:
        w = _window(start, end)
        counts = stats.daily_counts(FIGHTING, start=start, end=end)
        out[label] = (
            w,
            counts,
            [
                _phases.phase_rates(stats.count_model(counts), counts, w),
                _phases.change_points(stats.change_points(counts), w),
                _phases.escalation(stats.escalation_test(counts), w),
                _phases.ceasefire_change(stats.ceasefire_its(counts, window_days=30), w),
            ],
        )
    return out


@pytest.mark.parametrize(("label", "start", "end"), WINDOWS, ids=[w[0] for w in WINDOWS])
def test_phase_sentences_name_only_days_of_their_window(phase_findings, label, start, end) -> None:
    w, counts, found = phase_findings[label]
    for f in found:
        for day in f.facts.get("dates", []):
            assert w.contains(day), (label, f.name, day, f.text)
        for year in ("2024", "2027"):
            assert year not in f.text


@pytest.mark.parametrize(("label", "start", "end"), WINDOWS, ids=[w[0] for w in WINDOWS])
def test_ratios_are_made_of_the_counts_they_name(phase_findings, label, start, end) -> None:
    w, counts, (rates, _cp, esc, _its) = phase_findings[label]
    if rates.rule == "compared":
        term, ref = rates.facts["phases"]
        for phase, (n, days) in (
            (term, rates.facts["numerator"]),
            (ref, rates.facts["denominator"]),
        ):
            rows = counts[counts["phase"].astype(str) == phase]
            assert (n, days) == (int(rows["incidents"].sum()), int(rows["days"].sum()))
            assert f"{n:,} incident" in rates.text and f"{days:,} day" in rates.text
        assert rates.value >= 1  # "how much more intense": never a ratio below one
        assert vocab.PHASE_PHRASES[term] in rates.text and vocab.PHASE_PHRASES[ref] in rates.text
    else:
        assert rates.value is None
    if esc.rule == "tested":
        n, days = esc.facts["numerator"]
        start_, end_ = esc.facts["dates"][1], esc.facts["dates"][2]
        sel = counts[(counts["date"] >= start_) & (counts["date"] <= end_)]
        assert (n, days) == (int(sel["incidents"].sum()), len(sel))


def test_the_july_brief_compares_july_with_the_weeks_before_inside_its_own_window(phase_findings):
    """Issue 25: the July brief's '80.6× the rate of the 4 weeks before (24 June – 21 July)' was
    computed on 10–21 July; its comparison now names the days it used, all inside the window."""
    w, counts, (rates, cp, esc, its) = phase_findings["run 01-border-clashes--july-war"]
    assert rates.facts["phases"] == ("july_war", "may_crisis")
    assert "(10–23 July 2025:" in rates.text
    assert esc.rule == "not_testable"  # the truce came 5 days into the war: nothing to compare
    assert its.rule == "fitted" and "fell at once" in its.text
    assert cp.rule == "compared" and "within 2 days" in cp.text


# --- the hub sentences, for every site --------------------------------------------------------

SITES = datasets.sites()


@pytest.mark.parametrize("site", list(SITES.index), ids=list(SITES.index))
def test_fighting_near_every_site_counts_what_proximity_finds(site: str) -> None:
    from scamgeo import geo
    from scamgeo.findings import _hubs

    hub = SITES.loc[[site]]
    w = _window("2025-05-28", "2026-02-28")
    f = _hubs.fighting_near(EVENTS, hub, w, km=30)
    if hub["latitude"].isna().all():
        assert f.rule == "no_location" and "has no coordinates" in f.text
        return
    fighting, _ = _war.split_universe(EVENTS, w)
    near = geo.proximity(fighting, hub, km=30)
    keys = incident_keys(fighting)
    sure = set(keys[near["within"] == "certainly"])
    maybe = set(keys[near["within"] == "possibly"]) - sure
    assert (f.facts["certainly"], f.facts["possibly"]) == (len(sure), len(maybe))
    assert f.value == len(sure)


@pytest.mark.parametrize("site", list(SITES.index), ids=list(SITES.index))
def test_no_site_is_ever_zero_km_from_a_crossing(site: str) -> None:
    """Issue 25: Ban Nong Ian–Stung Bot was listed 0.00 km from Poipet (one stand-in point)."""
    from scamgeo.findings import _hubs

    hub = SITES.loc[[site]]
    f = _hubs.nearest_crossing(hub, datasets.sites("border_crossing"))
    assert not re.search(r"(?<![\d.])0\.0+ km", f.text)
    if f.rule == "measured":
        assert f.value > f.facts["margin_km"]  # a distance is given only beyond both errors
    elif f.rule == "not_apart":
        assert f.value is None and "cannot say how far apart" in f.text


def test_hub_tests_state_both_nulls_and_the_strikes_tested() -> None:
    from scamgeo.findings import _hubs

    inc = datasets.incidents()
    hubs = datasets.sites("casino_hub")
    strikes = inc[
        inc["sub_event_type"].isin(["Air/drone strike", "Shelling/artillery/missile attack"])
    ]
    places = stats.hub_targeting_test(strikes, hubs, null=inc, permutations=99, seed=1)
    band = stats.hub_targeting_test(strikes, hubs, null="border_band", permutations=99, seed=1)
    f = _hubs.hub_tests(places, band, strikes=len(strikes), hubs="casino hub")
    assert f.value == {
        "against_places": round(places.p_value, 3),
        "against_band": round(band.p_value, 3),
    }
    assert f"The {len(strikes)} strikes tested" in f.text
    assert f"({band.n_strikes} strikes lie in that band)" in f.text
    assert "Against the places" in f.text and "against random points within 30 km" in f.text


# --- the displacement sentences -------------------------------------------------------------


def test_war_peaks_state_the_followed_series_and_keep_a_higher_count_apart() -> None:
    from scamgeo.findings import _displacement

    table = stats.war_displacement()
    f = _displacement.war_peaks(table)
    for r in table.itertuples():
        assert f.value[r.war][r.country] == int(r.peak_value)
        assert f"{int(r.peak_value):,}" in f.text
    # the Thai defence ministry's census and the DPA's "about 400,000" are two series
    dec = table.set_index(["war", "country"]).loc[("december_war", "THA")]
    assert dec["counting_body"] == "Thai Ministry of Defence" and dec["peak_value"] == 261137
    assert "about 400,000" in f.text and "kept apart" in f.text


def test_returns_are_told_where_the_data_hold_them() -> None:
    from scamgeo.findings import _displacement

    series = stats.return_series(country="KHM")
    f = _displacement.returns(series, country="KHM")
    assert f.value["returned"] == int(series[series["metric"] == "returned"]["value"].iloc[-1])
    assert "had returned home by 18 February 2026" in f.text
    none = _displacement.returns(stats.return_series(country="THA"), country="THA")
    assert none.value is None and "No figures" in none.text
