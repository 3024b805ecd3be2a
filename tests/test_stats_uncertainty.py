"""Location uncertainty: radii from the record or geo_precision, redraws, the three tests' option."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scamgeo import datasets, geo
from scamgeo import stats as st
from scamgeo.stats._uncertainty import jitter_locations, uncertainty_radius_m


@pytest.fixture(scope="module")
def events():
    return datasets.events()


@pytest.fixture(scope="module")
def hubs():
    return datasets.sites(kind="casino_hub")


def test_radii_from_column_then_precision_then_default():
    frame = pd.DataFrame(
        {"uncertainty_m": [500.0, np.nan, np.nan, np.nan], "geo_precision": [3, 1, 3, pd.NA]}
    )
    r, notes = uncertainty_radius_m(frame)
    assert list(r) == [500.0, 2_000.0, 50_000.0, 50_000.0]
    assert any("2 of 4" in n and "geo_precision" in n for n in notes)
    assert any("1 event(s) without" in n for n in notes)
    r2, notes2 = uncertainty_radius_m(pd.DataFrame({"geo_precision": [2, 2]}))
    assert list(r2) == [25_000.0, 25_000.0] and "no uncertainty_m column" in notes2[0]


def test_jitter_stays_within_each_radius_and_fills_the_disc(events):
    radius = np.full(len(events), 10_000.0)
    moved = jitter_locations(events, radius, np.random.default_rng(1))
    a = geo.to_metric(events).geometry
    b = geo.to_metric(moved).geometry
    d = a.distance(b, align=False).to_numpy()
    assert d.max() <= 10_000.0 + 1 and d.min() >= 0
    # uniform in a disc: the share within r/2 is about 1/4
    assert np.mean(d <= 5_000.0) == pytest.approx(0.25, abs=0.08)
    assert np.allclose(moved["longitude"], moved.geometry.x)
    assert moved.index.equals(events.index)


def test_hub_test_under_uncertainty_reports_p_values(events, hubs):
    strikes = events[events["sub_event_type"].astype(str).str.contains("strike|Shelling")]
    res = st.hub_targeting_test(strikes, hubs, null=events, permutations=199, replicates=20, seed=5)
    assert isinstance(res, st.LocationUncertaintyResult)
    assert res.p_values.shape == (20,) and ((res.p_values > 0) & (res.p_values <= 1)).all()
    assert res.p_values.std() > 0  # the redraws move the answer
    plain = st.hub_targeting_test(strikes, hubs, null=events, permutations=199, seed=5)
    assert res.recorded.p_value == plain.p_value and res.p_value == plain.p_value
    text = res.summary()
    assert f"At the recorded points p={plain.p_value:.3f}" in text
    assert res.to_dict()["p_value_recorded"] == plain.p_value
    assert f"median {np.median(res.p_values):.3f}" in text
    assert f"{res.p_values.min():.3f}–{res.p_values.max():.3f}" in text
    # the record's radii come from its gazetteer places, so no radius is guessed from a code
    assert "from geo_precision" not in text
    assert strikes["uncertainty_source"].eq("gazetteer").all()
    bare = st.hub_targeting_test(
        strikes.drop(columns="uncertainty_m"), hubs, null=events,
        permutations=99, replicates=3, seed=5,
    )  # fmt: skip
    assert "from geo_precision" in bare.summary()
    again = st.hub_targeting_test(
        strikes, hubs, null=events, permutations=199, replicates=20, seed=5
    )
    assert np.array_equal(res.p_values, again.p_values)


def test_hubs_are_redrawn_and_the_strikes_tested_stay_fixed(events, hubs):
    strikes = events[events["sub_event_type"].astype(str).str.contains("strike|Shelling")]
    seen_hubs, seen_n = [], []

    def spy(used, hub_frame, **options):
        seen_hubs.append(hub_frame.geometry.x.to_numpy().copy())
        seen_n.append(len(used))
        return st._spatial._hub_test(used, hub_frame, **options)

    from scamgeo.stats import _uncertainty

    used, located, n_out, notes = st._spatial._hub_inputs(strikes, hubs, "border_band", 30, None)
    res = _uncertainty.hub_test_under_uncertainty(
        spy, used, located, candidates=None, seed=3, replicates=4,
        band_km=30, permutations=19, statistic="median", excluded=(n_out, notes),
    )  # fmt: skip
    assert len(set(seen_n)) == 1 and seen_n[0] == res.recorded.n_strikes  # same strikes each time
    assert not np.allclose(seen_hubs[0], seen_hubs[1])  # hubs moved within their radius
    fresh = st.hub_targeting_test(strikes, hubs, permutations=19, replicates=2, seed=None)
    assert isinstance(fresh.seed, int) and fresh.recorded.seed == fresh.seed


def test_distance_decay_and_sensitivity_under_uncertainty(events, hubs):
    res = st.distance_decay(events, replicates=5, seed=1)
    assert res.p_values.shape == (5,) and res.estimate_name == "rate_per_km"
    assert res.rate_per_km == res.recorded.rate_per_km
    assert (res.estimates > 0).all()
    table = st.precision_sensitivity(events, hubs=hubs, replicates=5, seed=1)
    assert {"value_median", "value_low", "value_high"} <= set(table.columns)
    fixed = table[table["estimate"] == "total_events"]
    assert (fixed["value_low"] == fixed["value"]).all()  # counts do not move
    share = table[table["estimate"].str.startswith("share_within")]
    assert (share["value_high"] >= share["value_low"]).all()
    assert not np.allclose(share["value_median"], share["value"])
    # the record's radii come from the gazetteer: no note about radii guessed from codes
    assert not any("geo_precision" in n for n in table.attrs["notes"])
