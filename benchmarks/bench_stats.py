"""Benchmark scamgeo.stats; prints JSON.

Each figure is compared with a baseline measured in the same run:

- ``hub_targeting_test``: the vectorised test (all ``permutations × n`` null points
  in one array) vs a loop that samples and measures one draw at a time;
- ``count_model``: the full model (profile-likelihood alpha CI, NB, Poisson-HC)
  vs one bare statsmodels ``NegativeBinomial`` fit;
- ``daily_counts``: vs a plain ``groupby(...).size().reindex(...)`` calendar;
- ``distance_decay``: the whole call (band areas included).

Run: ``.venv/bin/python benchmarks/bench_stats.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings

import numpy as np
import pandas as pd


def _best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a few seconds)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import geopandas as gpd
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    from scamgeo import geo
    from scamgeo import stats as st
    from scamgeo.stats import _spatial
    from scamgeo.stats._regions import band_region

    n_strikes = 50 if args.quick else 200
    permutations = 199 if args.quick else 999
    loop_draws = 20 if args.quick else 50
    repeat = 1 if args.quick else 3
    hubs = gpd.GeoDataFrame(
        {"site_id": ["poipet", "o-smach", "pailin"], "name": ["Poipet", "O'Smach", "Pailin"]},
        geometry=gpd.points_from_xy(
            [102.56365, 103.69571, 102.60928], [13.65805, 14.42479, 12.84895]
        ),
        crs="EPSG:4326",
    )
    strikes = st.border_band_sample(n_strikes, band_km=30, seed=1)
    st.hub_targeting_test(strikes, hubs, permutations=9)  # warm caches (band region, border)
    results: dict[str, object] = {
        "python": platform.python_version(),
        "sizes": {"n_strikes": n_strikes, "permutations": permutations, "loop_draws": loop_draws},
    }

    vec = _best(
        lambda: st.hub_targeting_test(strikes, hubs, permutations=permutations, seed=2), repeat
    )
    region = band_region(30.0)
    rng = np.random.default_rng(3)

    def loop() -> None:
        for _ in range(loop_draws):
            pts = _spatial._to_lonlat(_spatial._sample_in(region, n_strikes, rng))
            np.median(geo.nearest_site(pts, hubs)["nearest_site_km"].to_numpy())

    loop_per_draw = _best(loop, repeat) / loop_draws
    results["hub_targeting_test_border_band"] = {
        "seconds": round(vec, 4),
        "per_draw_ms": round(vec / permutations * 1000, 3),
        "baseline_loop_per_draw_ms": round(loop_per_draw * 1000, 3),
        "speedup": round(loop_per_draw * permutations / vec, 1),
    }
    candidates = st.border_band_sample(1000, band_km=30, seed=4)
    ev = _best(
        lambda: st.hub_targeting_test(strikes, hubs, null=candidates, permutations=permutations),
        repeat,
    )
    results["hub_targeting_test_events"] = {
        "seconds": round(ev, 4),
        "n_candidates": len(candidates),
    }

    rng = np.random.default_rng(5)
    days = pd.date_range("2025-05-01", "2026-02-28")
    phase = st.phase_of(pd.Series(days)).astype(str).to_numpy()
    rate = (
        pd.Series(phase)
        .map(
            {
                "pre_war": 0.1,
                "may_crisis": 0.2,
                "july_war": 6.0,
                "truce": 0.1,
                "december_war": 3.0,
                "post_ceasefire": 0.2,
            }
        )
        .to_numpy()
    )
    counts_per_day = rng.poisson(rng.gamma(2.0, rate / 2.0))
    events = pd.DataFrame({"event_date": np.repeat(days, counts_per_day), "fatalities": 1})
    daily = st.daily_counts(events)
    full = _best(lambda: st.count_model(daily), repeat)
    y = daily["incidents"].to_numpy()
    X = pd.get_dummies(daily["phase"].astype(str), drop_first=True, dtype=float)
    X = sm.add_constant(X)
    bare = _best(lambda: NegativeBinomial(y, X).fit(disp=0, method="bfgs", maxiter=500), repeat)
    results["count_model"] = {
        "rows": len(daily),
        "events": int(y.sum()),
        "seconds": round(full, 4),
        "baseline_bare_nb_fit_seconds": round(bare, 4),
        "ratio": round(full / bare, 1),
    }

    big = events.sample(20_000, replace=True, random_state=1)
    dc = _best(lambda: st.daily_counts(big), repeat)
    dates = pd.to_datetime(big["event_date"])
    base = _best(
        lambda: (
            dates.groupby(dates)
            .size()
            .reindex(pd.date_range(dates.min(), dates.max()), fill_value=0)
        ),
        repeat,
    )
    results["daily_counts"] = {
        "events": len(big),
        "seconds": round(dc, 4),
        "baseline_groupby_seconds": round(base, 4),
        "ratio": round(dc / base, 1),
    }

    pts = st.border_band_sample(2000, band_km=100, seed=6)
    dd = _best(lambda: st.distance_decay(pts), repeat)
    d_only = _best(lambda: geo.distance_to_border_km(pts), repeat)
    results["distance_decay"] = {
        "events": len(pts),
        "seconds": round(dd, 4),
        "baseline_distance_only_seconds": round(d_only, 4),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
