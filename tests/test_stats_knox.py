"""scamgeo.stats.knox_test: agreement with pointpats, seeds, small inputs, calibration and power."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _spacetime import csr, events_from_xy, planted

from scamgeo import ParameterError, datasets
from scamgeo import stats as st


def test_statistic_and_expected_match_pointpats_and_a_brute_force_count():
    from pointpats.spacetime import Knox

    rng = np.random.default_rng(5)
    ev = planted(60, 8, rng)
    res = st.knox_test(ev, distance_km=10, days=7, permutations=99, seed=1)
    xy = np.column_stack([ev.to_crs("EPSG:32648").geometry.x, ev.to_crs("EPSG:32648").geometry.y])
    t = (ev["event_date"] - ev["event_date"].min()).dt.days.to_numpy()
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    dt = np.abs(t[:, None] - t[None, :])
    iu = np.triu_indices(len(t), 1)
    brute = int(((d[iu] <= 10_000) & (dt[iu] <= 7)).sum())
    ns, nt = (d[iu] <= 10_000).sum(), (dt[iu] <= 7).sum()
    assert res.statistic == brute
    assert res.expected == pytest.approx(ns * nt / len(iu[0]))
    ref = Knox(xy, t.astype(float)[:, None], delta=10_000, tau=7, permutations=0)
    assert res.statistic == ref.nst
    assert res.expected == pytest.approx(ref.expected[0, 0])
    row = res.table[res.table["is_test"]].iloc[0]
    assert row["observed"] == brute and row["p_value"] == res.p_value
    # every row of the grid is the brute-force count at its thresholds
    for r in res.table.itertuples():
        assert r.observed == ((d[iu] <= r.distance_km * 1000) & (dt[iu] <= r.days)).sum()


def test_permutation_p_value_agrees_with_pointpats_own_loop():
    from pointpats.spacetime import Knox

    rng = np.random.default_rng(11)
    ev = planted(80, 6, rng, radius_m=8_000, days=6)
    res = st.knox_test(ev, distance_km=10, days=5, permutations=999, seed=3)
    m = ev.to_crs("EPSG:32648").geometry
    t = (ev["event_date"] - ev["event_date"].min()).dt.days.to_numpy().astype(float)[:, None]
    np.random.seed(3)  # noqa: NPY002 - pointpats draws from numpy's global state
    ref = Knox(np.column_stack([m.x, m.y]), t, delta=10_000, tau=5, permutations=999)
    # two Monte Carlo estimates of the same p-value: within 4 standard errors
    se = np.sqrt(max(ref.p_sim * (1 - ref.p_sim), 1e-3) / 999)
    assert abs(res.p_value - ref.p_sim) < 4 * se + 0.002


def test_seed_is_honoured():
    ev = csr(80, np.random.default_rng(2))
    a = st.knox_test(ev, distance_km=10, days=7, permutations=199, seed=7)
    b = st.knox_test(ev, distance_km=10, days=7, permutations=199, seed=7)
    c = st.knox_test(ev, distance_km=10, days=7, permutations=199, seed=8)
    assert np.array_equal(a.null_statistics, b.null_statistics)
    assert not np.array_equal(a.null_statistics, c.null_statistics)
    fresh = st.knox_test(ev, distance_km=10, days=7, permutations=49, seed=None)
    again = st.knox_test(ev, distance_km=10, days=7, permutations=49, seed=fresh.seed)
    assert np.array_equal(fresh.null_statistics, again.null_statistics)


def test_tiny_and_empty_inputs_give_a_note_not_a_traceback():
    ev = csr(3, np.random.default_rng(1))
    res = st.knox_test(ev, distance_km=10, days=7, permutations=9, seed=1)
    assert np.isnan(res.p_value) and res.n_events == 3
    assert "at least 4" in res.notes[-1] and "not run" in res.summary()
    empty = st.knox_test(ev.iloc[:0], distance_km=10, days=7, seed=1)
    assert empty.n_events == 0 and np.isnan(empty.p_value)
    nocoord = pd.DataFrame(ev.drop(columns="geometry"))
    nocoord.loc[nocoord.index[:2], ["latitude", "longitude"]] = np.nan
    more = pd.concat(
        [nocoord, pd.DataFrame(csr(10, np.random.default_rng(4)).drop(columns="geometry"))]
    )
    r = st.knox_test(more, distance_km=10, days=7, permutations=9, seed=1)
    assert r.n_events == 11 and any("2 event(s) without coordinates" in n for n in r.notes)


def test_bad_parameters_raise():
    ev = csr(10, np.random.default_rng(1))
    with pytest.raises(ParameterError):
        st.knox_test(ev, distance_km=-1, days=7)
    with pytest.raises(ParameterError):
        st.knox_test(ev, distance_km=5, days=-1)
    with pytest.raises(ParameterError):
        st.knox_test(ev, distance_km=5, days=1, permutations=0)


def test_record_counts_incidents_and_gives_a_table_wide_p_value():
    events = datasets.events()
    res = st.knox_test(events, distance_km=10, days=3, permutations=199, seed=1)
    assert res.n_events == events["incident_id"].nunique() < len(events)
    assert len(res.table) == 25 and res.table["is_test"].sum() == 1
    assert any("table-wide" in n for n in res.notes)
    assert res.p_table >= res.table["p_value"].min()
    claims = st.knox_test(events, distance_km=10, days=3, permutations=199, seed=1, count="claims")
    assert claims.n_events == len(events)
    assert claims.statistic > res.statistic  # two claims of one attack are a pair of their own
    # the Poisson reference is P(X >= n), not P(X > n)
    from scipy.stats import poisson

    assert res.p_poisson == pytest.approx(poisson.sf(res.statistic - 1, res.expected))
    assert res.to_dict()["p_table"] == res.p_table


def test_within_phases_keeps_each_events_phase():
    events = datasets.events()
    plain = st.knox_test(events, distance_km=10, days=7, permutations=199, seed=2)
    within = st.knox_test(
        events, distance_km=10, days=7, permutations=199, seed=2, within_phases=True
    )
    assert within.within_phases and within.statistic == plain.statistic
    # the phases alone put many pairs close in time: the null under them is higher
    assert np.mean(within.null_statistics) > np.mean(plain.null_statistics)
    assert within.p_value >= plain.p_value  # never more significant once phases are kept


def test_table_wide_p_value_is_calibrated():
    """On random patterns the table-wide p-value is <= 0.05 in about 5% of runs (FWER)."""
    rng = np.random.default_rng(31)
    p = np.array(
        [
            st.knox_test(csr(80, rng), distance_km=10, days=7, permutations=99, seed=i).p_table
            for i in range(100)
        ]
    )
    assert np.mean(p <= 0.05) <= 0.05 + 0.065  # binomial 99.9% upper margin for 100 runs


def test_false_positive_rate_under_randomness_is_nominal():
    """150 random patterns (100 events, 300 x 100 km x 200 days): about 5% at p <= 0.05."""
    rng = np.random.default_rng(20250724)
    p = np.array(
        [
            st.knox_test(csr(100, rng), distance_km=10, days=7, permutations=99, seed=i).p_value
            for i in range(150)
        ]
    )
    rate = float(np.mean(p <= 0.05))
    assert rate <= 0.05 + 0.045  # binomial 99.9% upper margin for 150 runs
    assert float(np.mean(p <= 0.5)) == pytest.approx(0.5, abs=0.15)


def test_power_on_a_planted_cluster():
    """8 events within 5 km and 5 days among 100 random ones are found >= 80% of the time."""
    rng = np.random.default_rng(99)
    p = np.array(
        [
            st.knox_test(
                planted(100, 8, rng), distance_km=10, days=7, permutations=99, seed=i
            ).p_value
            for i in range(40)
        ]
    )
    assert float(np.mean(p <= 0.05)) >= 0.8


def test_events_from_xy_helper_is_in_the_window():
    ev = events_from_xy(np.array([450_000.0]), np.array([1_600_000.0]), np.array([0]))
    assert 104 < float(ev.geometry.x.iloc[0]) < 105.5 and 14 < float(ev.geometry.y.iloc[0]) < 15
