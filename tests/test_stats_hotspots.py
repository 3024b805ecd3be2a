"""scamgeo.stats.hotspots: the grid, the labels, seeds, small inputs, calibration and power."""

from __future__ import annotations

import numpy as np
import pytest
from _spacetime import csr, planted, trend, window_bounds

from scamgeo import ParameterError, datasets
from scamgeo import stats as st


@pytest.fixture(scope="module")
def clustered():
    return planted(200, 20, np.random.default_rng(3))


def test_cells_counts_and_columns(clustered):
    res = st.hotspots(clustered, permutations=999, seed=1, bounds=window_bounds())
    t = res.table
    assert {
        "cell_id",
        "incidents",
        "gi",
        "gi_z",
        "p_value",
        "p_adjusted",
        "significant",
        "hotspot",
    } <= set(t.columns)
    assert t.crs.to_string() == "EPSG:4326"
    assert int(t["incidents"].sum()) == res.n_events == 220
    assert (t["incidents"] == 0).sum() > len(t) / 2  # empty cells kept
    assert (t.loc[t["hotspot"] == "hot", "incidents"] > 0).all()  # hot only where events are
    assert t.loc[t["incidents"] == 0, "p_adjusted"].isna().all()
    assert set(t["hotspot"].astype(str)) <= {"hot", "cold", "not significant"}
    assert (t["significant"] == (t["hotspot"] != "not significant")).all()
    tested = t["p_adjusted"].notna()
    assert (t.loc[tested, "p_adjusted"] >= t.loc[tested, "p_value"] - 1e-12).all()
    # Gi* is (cell + neighbours) / total: the cell holding most of the cluster is among the highest
    top = t.sort_values("incidents").iloc[-1]
    assert top["gi"] >= t["gi"].quantile(0.95)


def test_fdr_flag_and_seed(clustered):
    b = window_bounds()
    a = st.hotspots(clustered, permutations=999, seed=4, bounds=b)
    a2 = st.hotspots(clustered, permutations=999, seed=4, bounds=b)
    c = st.hotspots(clustered, permutations=999, seed=5, bounds=b)
    assert np.array_equal(a.table["p_value"], a2.table["p_value"])
    assert not np.array_equal(a.table["p_value"], c.table["p_value"])
    raw = st.hotspots(
        clustered, permutations=999, seed=4, bounds=b, options=st.HotspotOptions(fdr=False)
    )
    occupied = raw.table["incidents"] > 0
    assert np.array_equal(raw.table["p_value"][occupied], raw.table["p_adjusted"][occupied])
    assert raw.n_hot >= a.n_hot


def test_esda_conditional_permutation_seed_and_tie_handling(clustered):
    """esda honours the seed (numpy's global state is restored); ties do not make cold spots."""
    b = window_bounds()
    np.random.seed(123)  # noqa: NPY002
    before = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    a = st.hotspots(clustered, permutations=199, seed=9, bounds=b)
    after = np.random.random()  # noqa: NPY002
    assert after == before  # global state untouched
    a2 = st.hotspots(clustered, permutations=199, seed=9, bounds=b)
    assert np.array_equal(a.table["p_value"], a2.table["p_value"])
    # an all-empty neighbourhood ties at Gi* = 0 with many draws; esda's folded count gives
    # it p = 1/(P+1) (a "cold spot"); counted on both sides it is far from significant
    empty = a.table[a.table["gi"] == 0]
    assert len(empty) and (empty["p_value"] > 0.03).all()
    assert (empty["hotspot"] != "cold").all()


def test_empty_and_tiny_inputs_give_a_note(clustered):
    res = st.hotspots(clustered.iloc[:0], permutations=99, seed=1, bounds=window_bounds())
    assert res.n_events == 0 and res.n_hot == 0 and "nothing to test" in res.notes[-1]
    one = st.hotspots(clustered.iloc[:1], permutations=99, seed=1, bounds=window_bounds())
    assert one.n_events == 1 and not one.table["significant"].any()


def test_bad_parameters_raise(clustered):
    for kwargs in (
        {"cell_km": 0},
        {"options": st.HotspotOptions(alpha=1.5)},
        {"permutations": 5},
        {"options": st.HotspotOptions(null="x")},
        {"options": st.HotspotOptions(fdr="yes")},
        {"count": "events"},
    ):
        with pytest.raises(ParameterError):
            st.hotspots(clustered, **kwargs)


def test_record_counts_incidents_and_hot_cells_hold_them():
    events = datasets.events()
    res = st.hotspots(events, seed=1)
    assert res.count == "incidents" and res.null == "permutation" and res.permutations == 9999
    assert res.n_events + res.n_outside == events["incident_id"].nunique() and res.n_outside > 0
    assert any(f"{res.n_outside} located event(s) outside" in n for n in res.notes)
    hot = res.table[res.table["hotspot"] == "hot"]
    assert (hot["incidents"] > 0).all()
    claims = st.hotspots(events, seed=1, count="claims", permutations=999)
    assert claims.n_events + claims.n_outside == len(events)
    assert "geometry" not in res.to_dict()["table"][0]


def test_location_uncertainty_redraws_give_a_hot_share(clustered):
    b = window_bounds()
    res = st.hotspots(clustered.assign(uncertainty_m=3_000.0), permutations=9999, seed=2,
                      bounds=b, replicates=3)  # fmt: skip
    share = res.table["hot_share"]
    assert res.replicates == 3 and share.between(0, 1).all()
    assert set(np.round(share * 3, 6)) <= {0.0, 1.0, 2.0, 3.0}
    # the planted cluster is hot whatever the exact points
    top = res.table.sort_values("incidents").iloc[-1]
    assert top["hot_share"] >= 2 / 3
    assert any("redraws" in n for n in res.notes)


@pytest.mark.slow
def test_false_positive_rate_under_randomness_is_nominal():
    """100 random patterns of 200 events: per-cell rate about 5% (no FDR) among occupied cells;
    with FDR (9999 draws) few runs flag any cell."""
    rng = np.random.default_rng(20250724)
    b = window_bounds()
    cell_rates, any_fdr = [], []
    raw_options = st.HotspotOptions(fdr=False)
    for i in range(100):
        ev = csr(200, rng)
        r = st.hotspots(ev, permutations=199, seed=i, bounds=b, options=raw_options)
        occupied = r.table["incidents"] > 0
        cell_rates.append(float((r.table.loc[occupied, "p_value"] <= 0.05).mean()))
        f = st.hotspots(ev, permutations=9999, seed=i, bounds=b)
        any_fdr.append(f.n_hot + f.n_cold > 0)
    assert np.mean(cell_rates) <= 0.05 + 0.02
    assert np.mean(any_fdr) <= 0.05 + 0.07  # 99.9% binomial margin for 100 runs


def test_power_on_planted_clusters_and_a_smooth_trend():
    """15 events within 5 km among 200 random ones: a hot cell in >= 60% of runs (9999 draws,
    FDR); a smooth west-east trend with no cluster: a hot cell in at most a third of runs."""
    rng = np.random.default_rng(7)
    b = window_bounds()
    found = [
        st.hotspots(planted(200, 15, rng), permutations=9999, seed=i, bounds=b).n_hot > 0
        for i in range(15)
    ]
    assert np.mean(found) >= 0.6
    smooth = [
        st.hotspots(trend(200, rng), permutations=9999, seed=i, bounds=b).n_hot > 0
        for i in range(15)
    ]
    assert np.mean(smooth) <= 1 / 3
