"""scamgeo.stats.hotspots: the grid, the labels, seeds, small inputs, calibration and power."""

from __future__ import annotations

import numpy as np
import pytest
from _spacetime import csr, planted, window_bounds

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
        "events",
        "gi",
        "gi_z",
        "p_value",
        "p_adjusted",
        "significant",
        "hotspot",
    } <= set(t.columns)
    assert t.crs.to_string() == "EPSG:4326"
    assert int(t["events"].sum()) == res.n_events == 220
    assert (t["events"] == 0).sum() > len(t) / 2  # empty cells kept
    assert set(t["hotspot"].astype(str)) <= {"hot", "cold", "not significant"}
    assert (t["significant"] == (t["hotspot"] != "not significant")).all()
    assert (t["p_adjusted"] >= t["p_value"] - 1e-12).all()
    # Gi* is (cell + neighbours) / total: the cell holding most of the cluster is among the highest
    top = t.sort_values("events").iloc[-1]
    assert top["gi"] >= t["gi"].quantile(0.95)


def test_fdr_flag_and_seed(clustered):
    b = window_bounds()
    a = st.hotspots(clustered, permutations=999, seed=4, bounds=b)
    a2 = st.hotspots(clustered, permutations=999, seed=4, bounds=b)
    c = st.hotspots(clustered, permutations=999, seed=5, bounds=b)
    assert np.array_equal(a.table["p_value"], a2.table["p_value"])
    assert not np.array_equal(a.table["p_value"], c.table["p_value"])
    raw = st.hotspots(clustered, permutations=999, seed=4, bounds=b, fdr=False)
    assert np.array_equal(raw.table["p_value"], raw.table["p_adjusted"])
    assert raw.n_hot >= a.n_hot


def test_esda_conditional_permutation_seed_and_tie_handling(clustered):
    """esda honours the seed (numpy's global state is restored); ties do not make cold spots."""
    b = window_bounds()
    np.random.seed(123)  # noqa: NPY002
    before = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    a = st.hotspots(clustered, permutations=199, seed=9, bounds=b, null="permutation")
    after = np.random.random()  # noqa: NPY002
    assert after == before  # global state untouched
    a2 = st.hotspots(clustered, permutations=199, seed=9, bounds=b, null="permutation")
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
        {"alpha": 1.5},
        {"permutations": 5},
        {"null": "x"},
        {"fdr": "yes"},
    ):
        with pytest.raises(ParameterError):
            st.hotspots(clustered, **kwargs)


def test_record_runs_with_notes():
    res = st.hotspots(datasets.events(), permutations=9999, seed=1)
    # default region: the border buffered by 50 km; events farther away are counted out
    events = datasets.events()
    assert res.n_events + res.n_outside == len(events) and res.n_outside > 0
    assert any(f"{res.n_outside} located event(s) outside" in n for n in res.notes)
    # the cells holding the most events are hot
    top = res.table.sort_values("events", ascending=False).head(3)
    assert (top["hotspot"] == "hot").all()


@pytest.mark.slow
def test_false_positive_rate_under_randomness_is_nominal():
    """100 random patterns of 200 events: per-cell rate about 5%; with FDR, about 5% of runs
    flag any cell (9999 draws: BH over ~380 cells needs that resolution)."""
    rng = np.random.default_rng(20250724)
    b = window_bounds()
    cell_rates, any_fdr = [], []
    for i in range(100):
        ev = csr(200, rng)
        r = st.hotspots(ev, permutations=199, seed=i, bounds=b, fdr=False)
        cell_rates.append(float(r.table["significant"].mean()))
        f = st.hotspots(ev, permutations=9999, seed=i, bounds=b)
        any_fdr.append(f.n_hot + f.n_cold > 0)
    assert np.mean(cell_rates) == pytest.approx(0.05, abs=0.02)
    assert np.mean(any_fdr) <= 0.05 + 0.06  # 99.9% binomial margin for 100 runs


def test_power_on_planted_clusters():
    """15 events within 5 km among 200 random ones: a hot cell is found >= 80% of the time."""
    rng = np.random.default_rng(7)
    b = window_bounds()
    found = [
        st.hotspots(planted(200, 15, rng), permutations=9999, seed=i, bounds=b).n_hot > 0
        for i in range(15)
    ]
    assert np.mean(found) >= 0.8
