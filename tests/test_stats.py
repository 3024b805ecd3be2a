"""Tests of scamgeo.stats on synthetic data with known answers (fixed seeds, offline)."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from scamgeo import ParameterError, SchemaError, charts, geo
from scamgeo import stats as st

# --- fixtures ------------------------------------------------------------------------

# The phase starts of the brief, in a timeline of our own so the tests do not
# move when the curated table is edited.
TIMELINE = pd.DataFrame(
    {
        "timeline_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
        "date": pd.to_datetime(
            ["2025-05-28", "2025-07-24", "2025-07-28", "2025-07-29", "2025-12-07", "2025-12-27"]
        ),
        "kind": ["skirmish", "outbreak", "ceasefire", "ceasefire", "skirmish", "ceasefire"],
        "label": ["clash", "war", "ceasefire agreed", "truce in force", "war again", "ceasefire"],
        "phase_starts": [
            "may_crisis",
            "july_war",
            None,
            "truce",
            "december_war",
            "post_ceasefire",
        ],
    }
)

# Two casino hubs near the Thai–Cambodian border (GeoNames town points).
HUBS = gpd.GeoDataFrame(
    {"site_id": ["poipet", "o-smach"], "name": ["Poipet", "O'Smach"], "kind": ["casino_hub"] * 2},
    geometry=gpd.points_from_xy([102.56365, 103.69571], [13.65805, 14.42479]),
    crs="EPSG:4326",
)


def _points(lon, lat) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _nb_series(rates: dict[str, float], days: int, alpha: float, seed: int) -> pd.DataFrame:
    """Daily NB2 counts (var = mu + alpha mu²) per group, ``days`` days each."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(list(rates), days)
    mu = np.array([rates[g] for g in groups])
    y = rng.poisson(rng.gamma(1.0 / alpha, alpha * mu)) if alpha > 0 else rng.poisson(mu)
    return pd.DataFrame(
        {
            "phase": pd.Categorical(groups, categories=list(rates)),
            "incidents": y,
            "days": 1,
        }
    )


# --- phases ---------------------------------------------------------------------------


def test_phases_from_timeline():
    ph = st.phases(TIMELINE)
    assert ph["phase"].astype(str).tolist() == [
        "pre_war",
        "may_crisis",
        "july_war",
        "truce",
        "december_war",
        "post_ceasefire",
    ]
    assert ph["phase"].cat.ordered
    assert ph.loc[2, "start"] == pd.Timestamp("2025-07-24")
    assert ph.loc[2, "end"] == pd.Timestamp("2025-07-28")
    assert ph["days"].tolist()[1:5] == [57, 5, 131, 20]
    assert pd.isna(ph.loc[0, "start"]) and pd.isna(ph.loc[5, "end"])


def test_curated_timeline_gives_the_documented_phase_starts():
    starts = st.phases().set_index("phase")["start"].dropna()
    assert {str(k): v.strftime("%Y-%m-%d") for k, v in starts.items()} == {
        "may_crisis": "2025-05-28",
        "july_war": "2025-07-24",
        "truce": "2025-07-29",
        "december_war": "2025-12-07",
        "post_ceasefire": "2025-12-27",
    }


def test_phase_of_dates():
    dates = pd.Series(
        ["2025-05-27", "2025-05-28", "2025-07-28", "2025-07-29", None, "2026-03-01"],
        index=list("abcdef"),
    )
    out = st.phase_of(dates, timeline=TIMELINE)
    assert out.name == "phase"
    assert list(out.index) == list("abcdef")
    assert out.astype(object).where(out.notna(), None).tolist() == [
        "pre_war",
        "may_crisis",
        "july_war",
        "truce",
        None,
        "post_ceasefire",
    ]
    assert out.cat.ordered and out.cat.categories.tolist()[0] == "pre_war"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({3: "july_war"}, "more than one row"),
        ({3: "peace"}, "not one of"),
    ],
)
def test_phases_reject_bad_timelines(change, message):
    tl = TIMELINE.copy()
    for pos, value in change.items():
        tl.loc[pos, "phase_starts"] = value
    with pytest.raises(SchemaError, match=message):
        st.phases(tl)


def test_phases_reject_out_of_order_starts():
    tl = TIMELINE.copy()
    tl.loc[1, "date"] = pd.Timestamp("2025-08-30")  # july_war after truce
    with pytest.raises(SchemaError, match="not in the order"):
        st.phases(tl)


# --- daily counts -----------------------------------------------------------------------

EVENTS5 = pd.DataFrame(
    {
        "event_date": ["2025-07-24", "2025-07-24", "2025-07-26", "2025-07-30", "2025-12-08"],
        "fatalities": [3, None, None, 0, 2],
    }
)


def test_daily_counts_complete_calendar_and_missing_fatalities():
    c = st.daily_counts(EVENTS5, timeline=TIMELINE)
    assert len(c) == (pd.Timestamp("2025-12-08") - pd.Timestamp("2025-07-24")).days + 1
    assert c["days"].eq(1).all()
    assert c["incidents"].sum() == 5 and c.attrs["count"] == "incidents"
    day = c.set_index("date")
    assert day.loc[
        "2025-07-24", ["incidents", "fatalities_reported_events", "fatalities_missing_events"]
    ].tolist() == [
        2,
        1,
        1,
    ]
    assert day.loc["2025-07-24", "fatalities"] == 3  # a lower bound: one event has no figure
    assert day.loc["2025-07-25", "fatalities"] == 0  # no events: truly zero
    assert pd.isna(day.loc["2025-07-26", "fatalities"])  # one event, no figure: unknown, not 0
    assert day.loc["2025-07-30", "fatalities"] == 0  # reported zero
    assert str(day.loc["2025-07-28", "phase"]) == "july_war"
    assert str(day.loc["2025-07-29", "phase"]) == "truce"
    assert str(day.loc["2025-12-08", "phase"]) == "december_war"
    # the input is untouched
    assert EVENTS5["fatalities"].isna().sum() == 2


def test_daily_counts_weekly_and_window():
    w = st.daily_counts(EVENTS5, freq="W", timeline=TIMELINE)
    assert w["date"].iloc[0] == pd.Timestamp("2025-07-21")  # Monday
    assert w["days"].iloc[0] == 4 and w["days"].iloc[-1] == 1  # partial weeks at both ends
    assert w["incidents"].iloc[0] == 3
    assert not w["mixed_phase"].iloc[0]
    assert w["mixed_phase"].iloc[1]  # 28 Jul (war) .. 3 Aug (truce)
    assert w["days"].sum() == (pd.Timestamp("2025-12-08") - pd.Timestamp("2025-07-24")).days + 1
    c = st.daily_counts(EVENTS5, start="2025-07-20", end="2025-07-31", timeline=TIMELINE)
    assert len(c) == 12 and c["incidents"].sum() == 4
    assert c["phase"].iloc[0] == "may_crisis"


def test_daily_counts_of_an_empty_selection():
    zero = st.daily_counts(
        EVENTS5.iloc[:0], start="2025-07-20", end="2025-07-31", timeline=TIMELINE
    )
    assert len(zero) == 12 and zero["incidents"].sum() == 0
    assert zero["fatalities"].sum() == 0 and zero["fatalities_missing_events"].sum() == 0
    assert zero["phase"].iloc[-1] == "truce"
    assert "no events" in zero.attrs["note"]
    none = st.daily_counts(EVENTS5.iloc[:0], timeline=TIMELINE)
    assert none.empty and "fatalities_missing_events" in none.columns


def test_daily_counts_refuses_ambiguous_and_numeric_dates():
    with pytest.raises(ParameterError, match="start='01-07-2025'.*day-month"):
        st.daily_counts(EVENTS5, start="01-07-2025", timeline=TIMELINE)
    with pytest.raises(ParameterError, match="start=20250701.*numbers"):
        st.daily_counts(EVENTS5, start=20250701, timeline=TIMELINE)


def test_daily_counts_bad_input():
    with pytest.raises(ParameterError, match="freq='M'.*Allowed: 'D', 'W'"):
        st.daily_counts(EVENTS5, freq="M", timeline=TIMELINE)
    with pytest.raises(SchemaError, match="fatalities"):
        st.daily_counts(EVENTS5.drop(columns="fatalities"), timeline=TIMELINE)
    with pytest.raises(SchemaError, match="fatalities must hold whole numbers"):
        st.daily_counts(EVENTS5.assign(fatalities=[1, -2, 0, 0, 0]), timeline=TIMELINE)
    with pytest.raises(ParameterError, match="after end"):
        st.daily_counts(EVENTS5, start="2025-08-01", end="2025-07-01", timeline=TIMELINE)


# --- count models --------------------------------------------------------------------------


def test_count_model_recovers_rate_ratio_and_dispersion():
    counts = _nb_series({"a": 1.0, "b": 3.0}, days=200, alpha=0.5, seed=42)
    res = st.count_model(counts)
    assert res.chosen == "negative_binomial"
    assert res.reference == "a"
    nb = res.irr("b", model="negative_binomial")
    assert nb["ci_low"] < 3.0 < nb["ci_high"]
    assert nb["irr"] == pytest.approx(3.0, rel=0.1)
    # alpha is estimated (not GLM's fixed 1) and its CI covers the truth
    assert res.alpha == pytest.approx(0.5, abs=0.15)
    lo, hi = res.alpha_ci
    assert lo < 0.5 < hi < 1.0
    assert res.nb_result.params["alpha"] == pytest.approx(res.alpha, rel=0.02)
    assert res.lr_pvalue < 1e-6 and res.aic_negative_binomial < res.aic_poisson
    pois = res.irr("b", model="poisson_hc")
    assert pois["ci_low"] < 3.0 < pois["ci_high"]
    assert list(res.table.columns) == [
        "term",
        "reference",
        "irr",
        "ci_low",
        "ci_high",
        "p_value",
        "model",
    ]
    assert res.table["model"].tolist() == ["negative_binomial", "poisson_hc"]
    assert res.model_result is res.nb_result
    rates = res.rates.set_index("level")
    assert rates.loc["b", "rate"] == pytest.approx(
        counts.loc[counts["phase"] == "b", "incidents"].mean()
    )
    assert rates.loc["a", "rate_ci_low"] < rates.loc["a", "rate"] < rates.loc["a", "rate_ci_high"]
    assert "Overdispersion is significant" in res.reason


def test_count_model_poisson_data_choose_poisson():
    counts = _nb_series({"a": 1.0, "b": 3.0}, days=200, alpha=0.0, seed=7)
    res = st.count_model(counts)
    assert res.chosen == "poisson_hc"
    assert res.table["model"].iloc[0] == res.chosen  # one vocabulary of model names
    assert (
        res.to_dict()["chosen"] == "poisson_hc" and res.to_dict()["table"][0]["model"] == res.chosen
    )
    assert res.alpha_ci[0] == 0.0 and res.alpha_ci[1] < 0.3
    assert res.lr_pvalue > 0.05
    assert res.model_result is res.poisson_result
    row = res.irr("b")
    assert row["model"] == "poisson_hc" and row["ci_low"] < 3.0 < row["ci_high"]


def test_count_model_on_daily_counts_with_empty_phase_and_exposure():
    rng = np.random.default_rng(3)
    days = pd.date_range("2025-05-01", "2026-02-28")
    rate = np.select(
        [
            days < "2025-05-28",
            days < "2025-07-24",
            days < "2025-07-29",
            days < "2025-12-07",
            days < "2025-12-27",
        ],
        [0.0, 0.2, 6.0, 0.1, 3.0],
        0.2,
    )
    n = rng.poisson(rate)
    events = pd.DataFrame({"event_date": np.repeat(days, n), "fatalities": 1})
    daily = st.daily_counts(events, start="2025-05-01", end="2026-02-28", timeline=TIMELINE)
    res = st.count_model(daily, reference="may_crisis")
    assert "pre_war" in " ".join(res.notes)  # no events before 28 May: left out, said so
    assert not res.rates.set_index("level").loc["pre_war", "in_model"]
    assert set(res.table["term"]) == {"july_war", "truce", "december_war", "post_ceasefire"}
    war = res.irr("july_war")
    assert war["ci_low"] < 30 < war["ci_high"]
    # weekly rows with days as exposure estimate the same per-day ratios
    weekly = st.daily_counts(
        events, start="2025-05-01", end="2026-02-28", freq="W", timeline=TIMELINE
    )
    weekly = weekly[~weekly["mixed_phase"]]
    wres = st.count_model(weekly, reference="may_crisis")
    assert wres.irr("truce")["irr"] == pytest.approx(res.irr("truce")["irr"], rel=0.35)


def test_count_model_bad_input():
    counts = _nb_series({"a": 1.0, "b": 3.0}, days=20, alpha=0.0, seed=1)
    with pytest.raises(ParameterError, match="by='phse'.*Did you mean 'phase'"):
        st.count_model(counts, by="phse")
    with pytest.raises(ParameterError, match="reference='c' is not a level"):
        st.count_model(counts, reference="c")
    with pytest.raises(ParameterError, match="exposure='weeks'"):
        st.count_model(counts, exposure="weeks")
    with pytest.raises(SchemaError, match="whole non-negative counts"):
        st.count_model(counts.assign(incidents=counts["incidents"] - 5))
    with pytest.raises(ParameterError, match="outcome='deaths' is not a column"):
        st.count_model(counts, outcome="deaths")
    with pytest.raises(ParameterError, match="neither of the count columns"):
        st.count_model(counts.rename(columns={"incidents": "n"}))


def test_count_model_of_an_empty_selection_is_a_result_with_a_note():
    counts = _nb_series({"a": 1.0, "b": 3.0}, days=20, alpha=0.0, seed=1)
    for selection in (counts.iloc[:0], counts[counts["phase"] == "a"], counts.assign(incidents=0)):
        res = st.count_model(selection)
        assert res.chosen == "none" and res.table.empty and np.isnan(res.alpha)
        assert "nothing to model" in res.notes[-1] and "at least two" in res.reason
        assert res.to_dict()["table"] == []
    one = st.count_model(counts[counts["phase"] == "a"])
    assert one.rates["level"].tolist() == ["a"] and one.rates["incidents"].iloc[0] > 0
    ax = charts.rate_ratio_chart(one)  # says why instead of failing
    assert any("nothing to model" in t.get_text().lower() for t in ax.texts)


# --- interrupted time series -----------------------------------------------------------------


def _shift_series(seed: int = 7) -> tuple[pd.DataFrame, pd.Timestamp]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-06-01", periods=120)
    bp = dates[60]
    values = rng.poisson(np.where(dates < bp, 5.0, 2.0))
    return pd.DataFrame({"date": dates, "incidents": values}), bp


def test_its_detects_known_level_shift():
    counts, bp = _shift_series()
    pois = st.interrupted_time_series(counts, breakpoint=bp)
    lo, hi = pois.level_change_ci
    assert hi < 1.0 and lo < 0.4 < hi  # rate ratio 2/5 = 0.4
    assert pois.level_change_pvalue < 0.01
    assert pois.n_pre == 60 and pois.n_post == 60 and pois.maxlags == 4
    assert pois.events_pre == counts["incidents"].iloc[:60].sum()
    assert pois.trend and pois.dispersion == pytest.approx(1.0, abs=0.4)
    trend_lo, trend_hi = pois.trend_change_ci
    assert trend_lo < 1.0 < trend_hi  # no true trend change
    ols = st.interrupted_time_series(
        counts, breakpoint=bp, model="ols", options=st.ITSOptions(maxlags=7)
    )
    lo, hi = ols.level_change_ci
    assert hi < 0 and lo < -3.0 < hi  # 2 - 5 events/day
    assert ols.maxlags == 7
    assert ols.table["term"].tolist() == [
        "baseline_level",
        "baseline_trend",
        "level_change",
        "trend_change",
    ]
    fitted = ols.fitted
    assert len(fitted) == 120
    post = fitted["date"] >= bp
    assert (fitted.loc[post, "counterfactual"] > fitted.loc[post, "fitted"]).all()


def test_its_window_and_errors():
    counts, bp = _shift_series()
    res = st.interrupted_time_series(counts, breakpoint=bp, window_days=20)
    assert (res.n_pre, res.n_post) == (20, 20)
    assert res.start == bp - pd.Timedelta(days=20) and res.end == bp + pd.Timedelta(days=19)
    with pytest.raises(ParameterError, match="model='arima'"):
        st.interrupted_time_series(counts, breakpoint=bp, model="arima")
    with pytest.raises(ParameterError, match="without gaps"):
        st.interrupted_time_series(counts.drop(index=[10]), breakpoint=bp)
    with pytest.raises(ParameterError, match="at least 3 days"):
        st.interrupted_time_series(counts, breakpoint=counts["date"].iloc[1])
    quiet = counts.assign(incidents=np.where(counts["date"] >= bp, 0, counts["incidents"]))
    with pytest.raises(ParameterError, match="no incidents from the breakpoint.*model='ols'"):
        st.interrupted_time_series(quiet, breakpoint=bp)
    with pytest.raises(SchemaError, match="empty"):
        st.interrupted_time_series(counts.iloc[:0], breakpoint=bp)


def test_ceasefire_its_runs_each_phase_starting_ceasefire():
    rng = np.random.default_rng(11)
    dates = pd.date_range("2025-07-24", "2026-01-31")
    phase = st.phase_of(pd.Series(dates), timeline=TIMELINE).astype(str).to_numpy()
    rate = pd.Series(phase).map(
        {"july_war": 8.0, "truce": 0.3, "december_war": 5.0, "post_ceasefire": 0.3}
    )
    counts = pd.DataFrame({"date": dates, "incidents": rng.poisson(rate.to_numpy())})
    res = st.ceasefire_its(counts, timeline=TIMELINE)
    assert len(res) == 2  # one full result per ceasefire, nothing to refit
    assert [r.breakpoint for r in res] == [pd.Timestamp("2025-07-29"), pd.Timestamp("2025-12-27")]
    assert all(isinstance(r, st.ITSResult) for r in res)
    out = res.table
    assert out["timeline_id"].unique().tolist() == ["T4", "T6"]  # T3 starts no phase
    assert len(out) == 8
    lc = out[out["term"] == "level_change"].set_index("timeline_id")
    assert lc.loc["T4", "n_pre"] == 5 and lc.loc["T6", "n_pre"] == 20
    assert lc.loc["T4", "window_end"] == pd.Timestamp("2025-12-06")
    assert (lc["estimate"] < 0.2).all()
    assert "no trend is fitted" in lc.loc["T4", "note"]  # 5 days of war: levels only
    assert not res[0].trend and res[1].trend
    np.testing.assert_array_equal(
        res[0].table["estimate"], out[out["timeline_id"] == "T4"]["estimate"]
    )
    assert res.to_dict()["results"][1]["kind"] == "ITSResult"


# --- hub targeting test ----------------------------------------------------------------------


def test_hub_test_strikes_at_hubs_are_significant():
    strikes = _points([102.56365, 103.69571] * 5, [13.65805, 14.42479] * 5)
    res = st.hub_targeting_test(strikes, HUBS, permutations=199, seed=1)
    assert res.observed_km == pytest.approx(0.0, abs=1e-6)
    assert res.p_value == pytest.approx(1 / 200) and res.p_value < 0.01
    assert res.permutations == 199 and res.seed == 1 and res.n_strikes == 10
    assert len(res.null_statistics_km) == 199
    lo, hi = res.null_interval_km
    assert 0 < lo < res.null_median_km < hi
    assert res.difference_km == pytest.approx(-res.null_median_km)
    assert res.small_sample_warning is not None and "10 strike" in res.small_sample_warning
    assert res.table.loc[0, "p_value"] == res.p_value


def test_hub_test_strikes_from_the_null_are_not_significant():
    strikes = st.border_band_sample(40, band_km=30, seed=5)
    assert (geo.distance_to_border_km(strikes) <= 30).all()
    res = st.hub_targeting_test(strikes, HUBS, permutations=199, seed=2)
    assert res.p_value > 0.05
    assert res.small_sample_warning is None
    # one sample of 40 can sit in a tail of the null (this one's median is in its top 2%
    # on the 824 km OSM band), so "typical" is judged over many samples from the null:
    # their ratios centre on 1 and few are significant
    runs = [
        st.hub_targeting_test(
            st.border_band_sample(40, band_km=30, seed=100 + k), HUBS, permutations=99, seed=200 + k
        )
        for k in range(20)
    ]
    assert 0.85 < float(np.median([r.ratio for r in runs])) < 1.15
    assert sum(r.p_value <= 0.05 for r in runs) <= 3
    again = st.hub_targeting_test(strikes, HUBS, permutations=199, seed=2)
    assert again.p_value == res.p_value  # same seed, same draws
    mean = st.hub_targeting_test(strikes, HUBS, permutations=199, seed=2, statistic="mean")
    assert mean.observed_km == pytest.approx(res.strike_distances_km.mean())


def test_hub_test_border_band_null_is_calibrated():
    p = [
        st.hub_targeting_test(
            st.border_band_sample(20, band_km=30, seed=1000 + i), HUBS, permutations=99, seed=i
        ).p_value
        for i in range(60)
    ]
    assert np.mean(np.array(p) <= 0.05) <= 0.12
    assert 0.3 < np.median(p) < 0.7


def test_hub_test_events_null():
    rng = np.random.default_rng(9)
    near = _points(102.56365 + rng.normal(0, 0.02, 15), 13.65805 + rng.normal(0, 0.02, 15))
    others = st.border_band_sample(300, band_km=30, seed=8)[["geometry"]]
    candidates = pd.concat([near, others], ignore_index=True)
    res = st.hub_targeting_test(near, HUBS, null=candidates, permutations=199)
    assert res.p_value < 0.01 and res.n_candidates == 315 and res.band_km is None
    random_strikes = candidates.sample(25, random_state=0)
    res = st.hub_targeting_test(random_strikes, HUBS, null=candidates, permutations=199)
    assert res.p_value > 0.05
    # calibration: under the null, p <= 0.05 about 5% of the time
    p = [
        st.hub_targeting_test(
            candidates.sample(25, random_state=100 + i),
            HUBS,
            null=candidates,
            permutations=99,
            seed=i,
        ).p_value
        for i in range(60)
    ]
    assert np.mean(np.array(p) <= 0.05) <= 0.12
    assert 0.3 < np.median(p) < 0.7


def test_hub_test_leaves_out_strikes_outside_band_or_unlocated():
    strikes = pd.DataFrame(
        {"latitude": [13.66, 14.42, 15.5, np.nan], "longitude": [102.57, 103.70, 100.5, np.nan]}
    )
    res = st.hub_targeting_test(strikes, HUBS, permutations=19)
    assert res.n_strikes == 2 and res.n_excluded == 2
    assert any("farther than band_km" in n for n in res.notes)


def test_hub_test_bad_input():
    strikes = _points([102.56], [13.66])
    with pytest.raises(ParameterError, match="band_km must be > 0"):
        st.hub_targeting_test(strikes, HUBS, band_km=-5)
    with pytest.raises(ParameterError, match="permutations must be >= 1"):
        st.hub_targeting_test(strikes, HUBS, permutations=0)
    with pytest.raises(ParameterError, match="null='uniform'"):
        st.hub_targeting_test(strikes, HUBS, null="uniform")
    with pytest.raises(ParameterError, match="needs candidates"):
        st.hub_targeting_test(strikes, HUBS, null="events")
    with pytest.raises(SchemaError, match="strikes is empty"):
        st.hub_targeting_test(strikes.iloc[:0], HUBS)
    with pytest.raises(SchemaError, match="hubs is empty"):
        st.hub_targeting_test(strikes, HUBS.iloc[:0])


# --- distance decay ---------------------------------------------------------------------------


def test_distance_decay_recovers_known_rate():
    rate = 0.05
    pts = st.border_band_sample(6000, band_km=60, seed=11)
    d = geo.distance_to_border_km(pts).to_numpy()
    keep = np.random.default_rng(12).random(len(d)) < np.exp(-rate * d)
    events = pts[keep]
    res = st.distance_decay(events, bands_km=tuple(range(0, 61, 5)))
    lo, hi = res.rate_ci
    assert lo < rate < hi
    assert res.rate_per_km == pytest.approx(rate, rel=0.15)
    hlo, hhi = res.half_distance_ci
    assert hlo < np.log(2) / rate < hhi
    assert res.n_events == int(keep.sum()) and res.n_beyond == 0
    assert res.p_value <= 0.005 and res.established  # bootstrap p at its floor, 1/200
    assert res.gof_pvalue > 0.01
    table = res.table
    assert len(table) == 12 and table["incidents"].sum() == res.n_events
    # band areas: ~6,000 km² per 5 km on the two sides of a ~660 km border
    assert table["area_km2"].between(4000, 8000).all()
    assert table["events_per_1000km2"].iloc[0] > 3 * table["events_per_1000km2"].iloc[-1]


def test_distance_decay_from_hubs_and_errors():
    pts = st.border_band_sample(400, band_km=30, seed=3)
    res = st.distance_decay(pts, from_=HUBS, bands_km=(0, 25, 50, 100, 200))
    assert res.from_ == "hubs" and res.n_events + res.n_beyond == 400
    assert res.table["area_km2"].iloc[0] < np.pi * 25**2 * 2  # two discs, on land only
    # points uniform in the border band show no decay from the hubs once areas are clipped to it
    flat = st.distance_decay(pts, from_=HUBS, bands_km=(0, 25, 50, 100, 200), border_band_km=30)
    assert flat.n_outside_band == 0 and flat.border_band_km == 30
    lo, hi = flat.rate_ci
    assert lo < 0 < hi
    assert not flat.established and "decay not established" in " ".join(flat.notes)
    assert "halving" not in flat.summary()
    assert flat.table["area_km2"].sum() < res.table["area_km2"].sum()
    with pytest.raises(ParameterError, match="border_band_km must be > 0"):
        st.distance_decay(pts, border_band_km=-1)
    with pytest.raises(ParameterError, match="strictly increasing"):
        st.distance_decay(pts, bands_km=(0, 10, 5, 20))
    with pytest.raises(ParameterError, match="frame of sites"):
        st.distance_decay(pts, from_=HUBS.iloc[:0])
    with pytest.raises(ParameterError, match="from_='airport'"):
        st.distance_decay(pts, from_="airport")
    empty = st.distance_decay(pts.iloc[:0])  # an empty selection: a result with a note
    assert empty.n_events == 0 and np.isnan(empty.half_distance_km)
    assert empty.table["incidents"].sum() == 0 and (empty.table["area_km2"] > 0).all()
    assert "nothing to fit" in empty.notes[-1]


# --- precision sensitivity -----------------------------------------------------------------------

SIX = pd.DataFrame(
    {
        "event_date": [
            "2025-05-28",
            "2025-07-24",
            "2025-07-24",
            "2025-07-26",
            "2025-07-30",
            "2025-12-08",
        ],
        "fatalities": [1, 5, None, 3, 0, 2],
        "geo_precision": [1, 3, 2, 3, 1, None],
        "time_precision": [1, 1, 2, 1, 3, 1],
    }
)


def test_precision_sensitivity_by_hand():
    out = st.precision_sensitivity(SIX, timeline=TIMELINE)
    v = out.set_index(["estimate", "variant"])["value"]
    order = list(st._sensitivity.VARIANTS)
    assert order == ["all", "without_geo_precision_3", "without_time_precision_gt1", "without_both"]

    def values(name):
        return [v[(name, variant)] for variant in order]

    # rows kept: all 0-5; no geo 3: 0,2,4,5; no time > 1: 0,1,3,5; both: 0,5
    assert values("total_events") == [6, 4, 4, 2]
    assert values("total_fatalities") == [11, 3, 11, 3]  # the missing figure is not a 0 ...
    assert values("fatalities_reported_events") == [5, 3, 4, 2]  # ... it is counted apart
    # July war: 24–28 Jul = 5 days; calendar 28 May .. 8 Dec gives December 2 days
    assert values("events_per_day[july_war]") == pytest.approx([3 / 5, 1 / 5, 2 / 5, 0])
    assert values("events_per_day[may_crisis]") == pytest.approx([1 / 57] * 4)
    assert values("events_per_day[december_war]") == pytest.approx([1 / 2] * 4)
    assert values("events_per_day[truce]") == pytest.approx([1 / 131, 1 / 131, 0, 0])
    d = out.set_index(["estimate", "variant"])
    assert d.loc[("total_fatalities", "without_geo_precision_3"), "delta"] == -8
    assert d.loc[("total_fatalities", "without_geo_precision_3"), "delta_pct"] == pytest.approx(
        -800 / 11
    )
    assert d.loc[("total_events", "without_both"), "n_events"] == 2
    assert not any(out["estimate"].str.startswith("share_within"))  # no coordinates: skipped


def test_precision_sensitivity_spatial_and_custom():
    six = SIX.assign(
        latitude=[13.66, 13.66, 14.42, 14.42, 13.0, np.nan],
        longitude=[102.57, 102.57, 103.70, 103.70, 101.0, np.nan],
    )
    out = st.precision_sensitivity(
        six,
        hubs=HUBS,
        timeline=TIMELINE,
        estimators={
            "max_fatalities": lambda f: f["fatalities"].max(),
            "hub_median_distance_km": None,
        },
    )
    v = out.set_index(["estimate", "variant"])["value"]
    assert [v[("max_fatalities", x)] for x in st._sensitivity.VARIANTS] == [5, 2, 5, 2]
    hub = geo.nearest_site(six.iloc[:5], HUBS)["nearest_site_km"].to_numpy()
    assert v[("hub_median_distance_km", "all")] == pytest.approx(np.median(hub))
    assert v[("hub_median_distance_km", "without_both")] == pytest.approx(hub[0])
    share = st.precision_sensitivity(
        six, estimators=["share_within_5km_of_border"], timeline=TIMELINE
    )
    border = geo.distance_to_border_km(six.iloc[:5]).to_numpy()
    assert share["value"].iloc[0] == pytest.approx(np.mean(border <= 5))
    with pytest.raises(ParameterError, match="unknown built-in estimate"):
        st.precision_sensitivity(SIX, estimators=["median_events"])
    with pytest.raises(ParameterError, match="needs hubs"):
        st.precision_sensitivity(SIX, estimators=["hub_median_distance_km"])
    empty = st.precision_sensitivity(SIX.iloc[:0])
    totals = empty[empty["estimate"] == "total_events"]
    assert totals["value"].tolist() == [0.0] * 4 and totals["delta_pct"].isna().all()


# --- displacement --------------------------------------------------------------------------------


def _displacement() -> pd.DataFrame:
    rows = [
        ("2025-07-25", "THA", None, "in_shelters", 100, "people"),
        ("2025-07-27", "THA", None, "in_shelters", 300, "people"),
        ("2025-07-27", "THA", None, "in_shelters", 280, "people"),  # another source, same day
        ("2025-07-30", "THA", None, "in_shelters", 250, "people"),
        ("2025-08-10", "THA", None, "in_shelters", 60, "people"),
        ("2025-07-27", "THA", None, "in_shelters", 40, "sites"),
        ("2025-07-27", "THA", "Surin", "in_shelters", 120, "people"),
        ("2025-07-26", "KHM", None, "displaced_total", 500, "people"),
        ("2025-07-28", "KHM", None, "displaced_total", 800, "people"),
        ("2025-08-05", "KHM", None, "displaced_total", 200, "people"),
        ("2025-12-08", "THA", None, "in_shelters", 400, "people"),
        ("2025-12-10", "THA", None, "in_shelters", 1000, "people"),
    ]
    return pd.DataFrame(rows, columns=["as_of", "country", "admin1", "metric", "value", "unit"])


def test_displacement_summary_peaks_and_returns():
    df = _displacement()
    out = st.displacement_summary(df, returned_by="2025-08-01", timeline=TIMELINE)
    assert set(out["unit"]) == {"people"}  # default unit; sites never mixed in
    key = out.set_index(["metric", "country", "level", "war"])
    tha = key.loc[("in_shelters", "THA", "country", "july_war")]
    assert tha["peak_value"] == 300 and tha["peak_date"] == pd.Timestamp("2025-07-27")
    assert tha["days_to_peak"] == 3 and tha["n_figures"] == 5
    assert tha["value_at_returned_by"] == 250 and tha["share_returned"] == pytest.approx(
        1 - 250 / 300
    )
    dec = key.loc[("in_shelters", "THA", "country", "december_war")]
    assert dec["peak_value"] == 1000 and dec["days_to_peak"] == 3  # from 7 December
    assert pd.isna(dec["share_returned"])  # returned_by is in the July war
    khm = key.loc[("displaced_total", "KHM", "country", "july_war")]
    assert khm["peak_value"] == 800 and khm["days_to_peak"] == 4
    assert pd.isna(khm["share_returned"])  # no figure after the peak by 1 August
    later = st.displacement_summary(
        df, metric="displaced_total", returned_by="2025-08-06", timeline=TIMELINE
    )
    assert len(later) == 1 and later["share_returned"].iloc[0] == pytest.approx(0.75)
    surin = key.loc[("in_shelters", "THA", "province", "july_war")]
    assert surin["admin1"] == "Surin" and surin["peak_value"] == 120
    every = st.displacement_summary(df, unit=None, timeline=TIMELINE)
    assert set(every["unit"]) == {"people", "sites"}
    assert (every.groupby(["metric", "unit", "country", "level", "war"]).size() == 1).all()


def test_displacement_summary_refuses_to_mix():
    df = _displacement()
    with pytest.raises(ParameterError, match="would combine metrics"):
        st.displacement_summary(df, metric=["in_shelters", "displaced_total"], timeline=TIMELINE)
    with pytest.raises(ParameterError, match="would combine units"):
        st.displacement_summary(df, unit=["people", "families"], timeline=TIMELINE)
    with pytest.raises(ParameterError, match="metric='displaced'.*Did you mean"):
        st.displacement_summary(df, metric="displaced", timeline=TIMELINE)
    with pytest.raises(SchemaError, match="no value, metric or unit"):
        st.displacement_summary(df.assign(unit=[None] + ["people"] * 11), timeline=TIMELINE)
    with pytest.raises(SchemaError, match="empty"):
        st.displacement_summary(df.iloc[:0], timeline=TIMELINE)


# --- packaging -----------------------------------------------------------------------------------


def test_importing_stats_does_not_load_statsmodels():
    code = "import sys, scamgeo.stats; print('statsmodels' in sys.modules, 'scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
