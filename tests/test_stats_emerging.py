"""scamgeo.stats.emerging_hotspots: ESRI's categories on planted patterns, the record, the map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _spacetime import HEIGHT, WIDTH, X0, Y0, events_from_xy, window_bounds

from scamgeo import ParameterError, datasets
from scamgeo import stats as st
from scamgeo.stats import classify_pattern

T, F = True, False


@pytest.mark.parametrize(
    ("hot", "cold", "trend", "expected"),
    [
        ([F] * 9 + [T], [F] * 10, 0, "new hot spot"),
        ([F] * 7 + [T] * 3, [F] * 10, 0, "consecutive hot spot"),
        ([T] * 10, [F] * 10, 1, "intensifying hot spot"),
        ([T] * 10, [F] * 10, 0, "persistent hot spot"),
        ([F] + [T] * 9, [F] * 10, -1, "diminishing hot spot"),
        ([T, F, T, F, F, T, F, F, F, T], [F] * 10, 0, "sporadic hot spot"),
        ([F, F, F, F, F, F, F, F, F, T], [T] + [F] * 9, 0, "new hot spot"),
        ([T, F, F, F, F, F, F, F, F, T], [F, T] + [F] * 8, 0, "oscillating hot spot"),
        ([T] * 9 + [F], [F] * 10, 0, "historical hot spot"),
        ([F] * 10, [F] * 9 + [T], 0, "new cold spot"),
        ([F] * 10, [T] * 10, -1, "intensifying cold spot"),  # z falling: colder
        ([F] * 10, [F] * 10, 1, "no pattern detected"),
        ([T, F] * 5, [F] * 10, 0, "no pattern detected"),  # not hot at the end, < 90% hot
    ],
)
def test_categories_follow_esri_definitions(hot, cold, trend, expected):
    assert classify_pattern(np.array(hot), np.array(cold), trend) == expected


def _cube_events(rng, plan: dict[tuple[float, float], list[int]], background: int = 60):
    """Events over 10 months: per planted place, how many events in each month; plus noise."""
    xs, ys, days = [], [], []
    for (cx, cy), per_month in plan.items():
        for month, k in enumerate(per_month):
            r = 3_000 * np.sqrt(rng.random(k))
            a = rng.random(k) * 2 * np.pi
            xs += list(cx + r * np.cos(a))
            ys += list(cy + r * np.sin(a))
            days += list(month * 30.5 + rng.integers(0, 28, k))
    for month in range(10):
        xs += list(X0 + rng.uniform(0, WIDTH, background // 10))
        ys += list(Y0 + rng.uniform(0, HEIGHT, background // 10))
        days += list(month * 30.5 + rng.integers(0, 28, background // 10))
    start = pd.Timestamp("2025-05-01")
    ev = events_from_xy(np.array(xs), np.array(ys), np.zeros(len(xs), dtype=int))
    ev["event_date"] = start + pd.to_timedelta(np.array(days, dtype=int), unit="D")
    return ev


def test_planted_patterns_are_recognised():
    rng = np.random.default_rng(4)
    new = (X0 + 50_000, Y0 + 50_000)
    lasting = (X0 + 150_000, Y0 + 50_000)
    fading = (X0 + 250_000, Y0 + 50_000)
    ev = _cube_events(rng, {
        new: [0] * 9 + [12],
        lasting: [10] * 10,
        fading: [10] * 7 + [0] * 3,
    })  # fmt: skip
    res = st.emerging_hotspots(ev, cell_km=10, bounds=window_bounds(), permutations=9999, seed=1)
    assert len(res.periods) == 10 and res.count == "incidents"
    t = res.table

    metric = t.to_crs("EPSG:32648")

    def pattern_at(x, y):
        """Patterns of the cells within 12 km of a planted place."""
        import shapely

        near = metric.geometry.distance(shapely.Point(x, y)).to_numpy() <= 12_000
        return set(t.loc[near, "pattern"].astype(str))

    assert "new hot spot" in pattern_at(*new)
    assert pattern_at(*lasting) & {"persistent hot spot", "intensifying hot spot",
                                   "diminishing hot spot"}  # fmt: skip
    assert "historical hot spot" not in pattern_at(*new)
    assert not pattern_at(*fading) & {"new hot spot", "persistent hot spot"}
    # the random background makes no pattern
    assert (t["pattern"] == "no pattern detected").mean() > 0.5
    assert set(res.slices.columns) >= {"cell_id", "slice", "count", "gi_z", "hot", "cold"}


def test_mann_kendall_trend_is_kendalls_tau_of_z_on_time():
    from scipy.stats import kendalltau

    rng = np.random.default_rng(9)
    centre = (X0 + 150_000, Y0 + 50_000)
    ev = _cube_events(rng, {centre: [2, 3, 4, 5, 6, 8, 10, 12, 14, 16]})
    res = st.emerging_hotspots(ev, cell_km=10, bounds=window_bounds(), permutations=999, seed=2)
    row = res.table.sort_values("incidents").iloc[-1]
    z = res.slices[res.slices["cell_id"] == row["cell_id"]]["gi_z"].to_numpy()
    tau, p = kendalltau(np.arange(len(z)), z)
    assert row["trend_tau"] == pytest.approx(tau) and row["trend_p"] == pytest.approx(p)
    assert row["trend_tau"] > 0.5 and row["trend_p"] < 0.05  # a growing cluster trends up


def test_record_runs_and_the_map_draws_it():
    import matplotlib

    matplotlib.use("Agg")
    from scamgeo import plots

    res = st.emerging_hotspots(datasets.events(), cell_km=20, permutations=199, seed=None)
    assert isinstance(res.seed, int) and len(res.periods) == 10
    assert set(res.table["pattern"].astype(str)) <= set(st.PATTERNS)
    assert res.to_dict()["seed"] == res.seed
    ax = plots.emerging_hotspots_map(res)
    assert sum(ax._scamgeo_patterns.values()) == len(res.table)
    with pytest.raises(ParameterError, match="freq"):
        st.emerging_hotspots(datasets.events(), freq="Y")
