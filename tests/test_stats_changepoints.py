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
    return pd.DataFrame({"date": dates, "events": values})


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


def test_short_empty_and_bad_series():
    short = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=3), "events": [0, 1, 0]})
    res = st.change_points(short, timeline=TIMELINE)
    assert len(res.dates) == 0 and "too short" in res.notes[0]
    empty = st.change_points(short.iloc[:0], timeline=TIMELINE)
    assert empty.n_days == 0 and len(empty.dates) == 0
    with pytest.raises(SchemaError):
        st.change_points(short.assign(events=[0, -1, 0]), timeline=TIMELINE)
    with pytest.raises(SchemaError):
        st.change_points(short.iloc[[0, 2]], timeline=TIMELINE)  # gap in the calendar
    with pytest.raises(ParameterError):
        st.change_points(short, penalty=-1)
    series = short.set_index("date")["events"]
    assert st.change_points(series, timeline=TIMELINE).n_days == 3


def test_escalation_test_exact_numbers():
    dates = pd.date_range("2025-01-01", periods=60, freq="D")
    values = np.zeros(60, dtype=int)
    values[20:48] = 1  # baseline: 28 events in 28 days
    values[48:55] = 3  # recent: 21 events in 7 days
    counts = pd.DataFrame({"date": dates, "events": values})
    res = st.escalation_test(counts, ceasefires=["2025-02-25"], timeline=TIMELINE)
    row = res.table.iloc[0]
    assert row["recent_events"] == 21 and row["baseline_events"] == 28
    assert row["rate_ratio"] == pytest.approx(3.0)
    from scipy.stats import binomtest

    assert row["p_value"] == pytest.approx(binomtest(21, 49, 0.2, alternative="greater").pvalue)
    assert row["ci_low"] > 1 and row["ci_high"] > row["rate_ratio"] > row["ci_low"]
    assert not row["outbreak_in_window"]
    assert "rate ratio 3.00" in res.summary()


def test_escalation_on_the_record_flags_the_july_outbreak():
    res = st.escalation_test(st.daily_counts(datasets.events()))
    t = res.table.set_index("ceasefire_date")
    assert t.loc["2025-07-28", "outbreak_in_window"]
    assert t.loc["2025-07-28", "rate_ratio"] > 5
    assert len(t) == 3
    none = st.escalation_test(
        pd.DataFrame({"date": pd.date_range("2025-01-01", periods=5), "events": 0}),
        ceasefires=["2025-01-04"],
        timeline=TIMELINE,
    )
    assert np.isnan(none.table["p_value"].iloc[0]) and any("not testable" in n for n in none.notes)
