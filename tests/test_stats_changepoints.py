"""scamgeo.stats.change_points and escalation_test: planted breaks, the record, small inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scamgeo import ParameterError, SchemaError, datasets
from scamgeo import stats as st

TIMELINE = pd.DataFrame(
    {
        "timeline_id": ["T1", "T2", "T3"],
        "date": pd.to_datetime(["2025-03-02", "2025-03-31", "2025-09-20"]),
        "kind": ["outbreak", "ceasefire", "ceasefire"],
        "label": ["war", "truce", "outside"],
    }
)


def _series(rates, lengths, rng):
    values = np.concatenate([rng.poisson(r, n) for r, n in zip(rates, lengths, strict=True)])
    dates = pd.date_range("2025-01-01", periods=len(values), freq="D")
    return pd.DataFrame({"date": dates, "incidents": values})


def test_planted_breaks_are_recovered_within_a_few_days():
    rng = np.random.default_rng(0)
    hits = []
    for _ in range(20):
        counts = _series([0.3, 6.0, 0.4], [60, 29, 111], rng)  # breaks on day 60 and 89
        res = st.change_points(counts, timeline=TIMELINE)
        idx = [(d - pd.Timestamp("2025-01-01")).days for d in res.dates]
        hits.append([min((abs(i - b) for i in idx), default=99) for b in (60, 89)])
    hits = np.array(hits)
    assert np.mean(hits <= 3) >= 0.9
    assert np.median(hits) <= 1


def test_no_break_in_a_constant_series_most_of_the_time():
    rng = np.random.default_rng(1)
    n_changes = [
        len(st.change_points(_series([1.0], [200], rng), timeline=TIMELINE).dates)
        for _ in range(15)
    ]
    assert np.mean(np.array(n_changes) == 0) >= 0.8


def test_table_compares_with_the_official_dates():
    rng = np.random.default_rng(2)
    counts = _series([0.3, 6.0, 0.4], [60, 29, 111], rng)
    res = st.change_points(counts, timeline=TIMELINE)
    t = res.table
    assert list(t["timeline_id"]) == ["T1", "T2", "T3"]
    war = t.iloc[0]
    assert abs(war["difference_days"]) <= 3
    assert war["per_day_after"] > 3 > war["per_day_before"]
    assert any("outside the series" in n for n in res.notes)
    assert "nearest change" in res.summary()


def test_record_change_points_fall_on_the_war_dates():
    """The embedded record: changes within days of 24 July and 7-8 December 2025."""
    counts = st.daily_counts(datasets.events())
    res = st.change_points(counts)
    dates = res.dates
    assert min(abs((d - pd.Timestamp("2025-07-24")).days) for d in dates) <= 2
    assert (
        min(
            min(abs((d - pd.Timestamp(x)).days) for x in ("2025-12-07", "2025-12-08"))
            for d in dates
        )
        <= 2
    )
    t = res.table.set_index("official_date")
    assert abs(t.loc["2025-07-24", "difference_days"]) <= 2
    assert abs(t.loc["2025-12-08", "difference_days"]) <= 2
    assert t.loc["2025-07-24", "per_day_after"] > 5 * t.loc["2025-07-24", "per_day_before"]
    # fighting winds down within a few days of each ceasefire
    assert 0 <= t.loc["2025-12-27", "difference_days"] <= 4
    capped = st.change_points(counts, max_changes=2)
    assert len(capped.dates) == 2
    b = res.breaks
    assert (b["ci_low"] <= b["date"]).all() and (b["date"] <= b["ci_high"]).all()
    assert {"ci_low", "ci_high"} <= set(res.table.columns)
    assert res.to_dict()["dates"][0] == "2025-07-24"


def test_short_empty_and_bad_series():
    short = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=3), "incidents": [0, 1, 0]})
    res = st.change_points(short, timeline=TIMELINE)
    assert len(res.dates) == 0 and "too short" in res.notes[0]
    empty = st.change_points(short.iloc[:0], timeline=TIMELINE)
    assert empty.n_days == 0 and len(empty.dates) == 0
    with pytest.raises(SchemaError):
        st.change_points(short.assign(incidents=[0, -1, 0]), timeline=TIMELINE)
    with pytest.raises(SchemaError):
        st.change_points(short.iloc[[0, 2]], timeline=TIMELINE)  # gap in the calendar
    with pytest.raises(ParameterError):
        st.change_points(short, penalty=-1)
    series = short.set_index("date")["incidents"]
    assert st.change_points(series, timeline=TIMELINE).n_days == 3


def test_planted_break_interval_covers_the_truth():
    """A break from 0.3 to 3 per day (negative binomial, variance 6x the mean) on day 100: the
    interval of the nearest detected change covers day 100 in >= 80% of runs."""
    rng = np.random.default_rng(5)
    covered = []
    for i in range(40):
        mu = np.r_[np.full(100, 0.3), np.full(100, 3.0)]
        n = mu / 5.0
        values = rng.negative_binomial(n, n / (n + mu))
        counts = pd.DataFrame(
            {"date": pd.date_range("2025-01-01", periods=200), "incidents": values}
        )
        res = st.change_points(counts, timeline=TIMELINE, seed=i)
        day = pd.Timestamp("2025-01-01") + pd.Timedelta(days=100)
        covered.append(bool(((res.breaks["ci_low"] <= day) & (res.breaks["ci_high"] >= day)).any()))
    assert np.mean(covered) >= 0.8


def test_zero_heavy_and_autocorrelated_series_without_a_break():
    """Zero on most days, bursts, autocorrelation, no break: a change in < 15% of runs."""
    rng = np.random.default_rng(6)
    found = []
    for i in range(40):
        z = np.zeros(200)
        e = rng.normal(size=200)
        for t in range(1, 200):
            z[t] = 0.6 * z[t - 1] + 0.8 * e[t]
        mu = 0.7 * np.exp(0.8 * z - 0.32)
        n = mu / 5.0
        values = rng.negative_binomial(n, n / (n + mu))
        counts = pd.DataFrame(
            {"date": pd.date_range("2025-01-01", periods=200), "incidents": values}
        )
        found.append(len(st.change_points(counts, timeline=TIMELINE, seed=i).dates) > 0)
    assert np.mean(found) < 0.15


def test_poisson_cost_is_the_negative_log_likelihood():
    from scamgeo.stats._changepoints import poisson_cost

    y = np.array([0.0, 2.0, 4.0, 0.0, 1.0])
    cost = poisson_cost().fit(y)
    s, n = 6.0, 3
    assert cost.error(1, 4) == pytest.approx(-(s * np.log(s / n) - s))
    assert cost.error(0, 1) == 0.0  # no event: the Poisson likelihood at rate 0 is 1


def test_escalation_test_permutation_and_quasi_poisson_interval():
    dates = pd.date_range("2025-01-01", periods=60, freq="D")
    values = np.zeros(60, dtype=int)
    values[20:48] = 1  # baseline: 28 events in 28 days
    values[48:55] = 3  # recent: 21 events in 7 days
    counts = pd.DataFrame({"date": dates, "incidents": values})
    res = st.escalation_test(counts, ceasefires=["2025-02-25"], timeline=TIMELINE, seed=1)
    row = res.table.iloc[0]
    assert row["recent_events"] == 21 and row["baseline_events"] == 28
    assert row["rate_ratio"] == pytest.approx(3.0)
    # every recent day beats every baseline day: only shuffles putting the seven 3s back win
    from math import comb

    assert row["p_value"] == pytest.approx(1 / comb(35, 7), abs=2 / 10000)
    assert row["dispersion"] == pytest.approx(0.0)  # constant days: no extra variance
    assert row["ci_low"] > 1 and row["ci_high"] > row["rate_ratio"] > row["ci_low"]
    assert pd.isna(row["cut_at_outbreak"]) and res.seed == 1
    assert "rate ratio 3.00" in res.summary()
    fresh = st.escalation_test(counts, ceasefires=["2025-02-25"], timeline=TIMELINE, seed=None)
    assert isinstance(fresh.seed, int) and fresh.to_dict()["seed"] == fresh.seed


def test_escalation_windows_never_cross_an_outbreak():
    res = st.escalation_test(st.daily_counts(datasets.events()))
    t = res.table.set_index("ceasefire_date")
    assert len(t) == 3
    # the July ceasefires came 4-5 days into the war: no baseline within it, not testable
    assert t.loc["2025-07-28", "cut_at_outbreak"] == pd.Timestamp("2025-07-24")
    assert np.isnan(t.loc["2025-07-28", "rate_ratio"])
    assert any("broke out 4 day(s) before" in n for n in res.notes)
    dec = t.loc["2025-12-27"]
    assert dec["baseline_start"] == pd.Timestamp("2025-12-08") == dec["cut_at_outbreak"]
    assert dec["baseline_days"] == 12 and dec["recent_days"] == 7
    assert dec["ci_low"] < 1 < dec["ci_high"] and dec["p_value"] > 0.05
    none = st.escalation_test(
        pd.DataFrame({"date": pd.date_range("2025-01-01", periods=5), "incidents": 0}),
        ceasefires=["2025-01-04"],
        timeline=TIMELINE,
    )
    assert np.isnan(none.table["p_value"].iloc[0]) and any("not testable" in n for n in none.notes)


def test_escalation_false_positive_rate_on_overdispersed_nulls():
    """Negative-binomial days (variance 6x the mean), no change: p <= 0.05 in <= 8% of 200 runs."""
    rng = np.random.default_rng(7)
    dates = pd.date_range("2025-01-01", periods=35)
    p = []
    for i in range(200):
        n = 0.7 / 5.0
        values = rng.negative_binomial(n, n / (n + 0.7), 35)
        counts = pd.DataFrame({"date": dates, "incidents": values})
        res = st.escalation_test(
            counts, ceasefires=["2025-02-05"], timeline=TIMELINE, permutations=199, seed=i
        )
        p.append(res.table["p_value"].iloc[0])
    p = np.nan_to_num(np.array(p, dtype=float), nan=1.0)
    assert np.mean(p <= 0.05) <= 0.08
