"""Calibration and power of scamgeo's statistics on nulls that look like this record; prints JSON.

The record's daily counts are about six times more variable than Poisson
counts, zero on most days and bursty, and its events are stacked on shared
places. Every method is run on simulated data of that kind, with no effect
(the false-positive rate at 0.05, which should be at most about 0.05) and
with a planted effect (the power), each with its Wilson 95% interval:

- count series (daily, negative binomial with variance 6x the mean unless
  said): ``poisson``; ``negative_binomial`` (mean 0.7/day);
  ``zero_heavy`` (mean 0.3/day: ~85% of days empty); ``autocorrelated``
  (a latent AR(1) log-rate, rho 0.6); ``smooth_trend`` (mean rising from
  0.3 to 1.5/day, no break);
- points in a border-sized window (300 x 100 km x 200 days, UTM 48N):
  ``csr`` (uniform), ``smooth_trend`` (density rising 3x west to east),
  ``stacked`` (200 events on 40 shared places);
- methods: ``escalation_test`` (7 days vs 28), ``interrupted_time_series``
  (level change, 30 + 30 days, with trends and levels only), ``change_points`` (any change on a null;
  power = a change within 3 days of a planted one, and the share of runs
  whose interval covers it), ``knox_test`` (``p_value`` and the table-wide
  ``p_table``), ``hotspots`` (any hot or cold cell, 9999 conditional
  permutations, FDR), ``distance_decay`` (its negative-binomial test on
  seven bands, decay vs flat).

Run: ``.venv/bin/python benchmarks/bench_spacetime.py [--runs 60] [--quick]``
(``--runs`` sets the count-series runs; the spatial methods, which are
slower, run a quarter as many; ``--quick`` is 20).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

DATES = pd.date_range("2025-01-01", periods=400)


def rate(hits: list[bool]) -> dict[str, float]:
    """Share of runs with a hit, with its Wilson 95% interval."""
    from scamgeo.stats._common import wilson_interval

    k, n = int(np.sum(hits)), len(hits)
    lo, hi = wilson_interval(k, n)
    return {"rate": round(k / n, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4), "runs": n}


def nb(rng: np.random.Generator, mu: np.ndarray, ratio: float = 6.0) -> np.ndarray:
    """Negative-binomial counts with variance ``ratio`` times the mean."""
    mu = np.asarray(mu, dtype=float)
    if ratio <= 1:
        return rng.poisson(mu)
    n = mu / (ratio - 1.0)
    return rng.negative_binomial(n, n / (n + mu))


def latent_ar(rng: np.random.Generator, mu: float, size: int, rho: float = 0.6) -> np.ndarray:
    z = np.zeros(size)
    e = rng.normal(size=size)
    for t in range(1, size):
        z[t] = rho * z[t - 1] + np.sqrt(1 - rho**2) * e[t]
    return nb(rng, mu * np.exp(0.8 * z - 0.32))


def series_nulls(rng: np.random.Generator) -> dict[str, Callable[[int], np.ndarray]]:
    return {
        "poisson": lambda n: rng.poisson(0.7, n),
        "negative_binomial": lambda n: nb(rng, np.full(n, 0.7)),
        "zero_heavy": lambda n: nb(rng, np.full(n, 0.3)),
        "autocorrelated": lambda n: latent_ar(rng, 0.7, n),
        "smooth_trend": lambda n: nb(rng, np.linspace(0.3, 1.5, n)),
    }


def frame(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"date": DATES[: len(values)], "incidents": values})


def bench_escalation(st, rng, runs: int) -> dict:
    nulls = series_nulls(rng)
    cease = str(DATES[35].date())

    def p_of(values: np.ndarray, seed: int) -> float:
        res = st.escalation_test(frame(values), ceasefires=[cease], timeline=TIMELINE,
                                 permutations=999, seed=seed)  # fmt: skip
        p = res.table["p_value"].iloc[0]
        return 1.0 if pd.isna(p) else float(p)

    out = {"false_positive_rate_0.05": {}}
    for name in ("poisson", "negative_binomial", "zero_heavy", "autocorrelated"):
        out["false_positive_rate_0.05"][name] = rate(
            [p_of(nulls[name](35), i) <= 0.05 for i in range(runs)]
        )
    t0 = time.perf_counter()
    out["power_rate_ratio_3_negative_binomial"] = rate(
        [p_of(nb(rng, np.r_[np.full(28, 0.7), np.full(7, 2.1)]), i) <= 0.05 for i in range(runs)]
    )
    out["seconds_per_call"] = round((time.perf_counter() - t0) / runs, 4)
    return out


def bench_its(st, rng, runs: int) -> dict:
    nulls = series_nulls(rng)
    bp = DATES[30]

    def p_of(values: np.ndarray, options=None) -> float:
        if values[:30].sum() == 0 or values[30:].sum() == 0:
            return 1.0  # no Poisson level change exists: the function refuses, nothing rejected
        res = st.interrupted_time_series(frame(values), breakpoint=bp, options=options)
        return res.level_change_pvalue

    out = {"false_positive_rate_0.05": {}}
    for name, gen in nulls.items():
        out["false_positive_rate_0.05"][name] = rate([p_of(gen(60)) <= 0.05 for _ in range(runs)])
    t0 = time.perf_counter()
    out["power_level_drop_to_0.3_negative_binomial_mean_2"] = rate(
        [p_of(nb(rng, np.r_[np.full(30, 2.0), np.full(30, 0.6)])) <= 0.05 for _ in range(runs)]
    )
    out["seconds_per_call"] = round((time.perf_counter() - t0) / runs, 4)
    level_only = st.ITSOptions(min_trend_days=31)
    out["power_same_drop_level_only_model"] = rate(
        [
            p_of(nb(rng, np.r_[np.full(30, 2.0), np.full(30, 0.6)]), level_only) <= 0.05
            for _ in range(runs)
        ]  # fmt: skip
    )
    return out


def bench_change_points(st, rng, runs: int) -> dict:
    nulls = series_nulls(rng)
    out = {"runs_with_a_change_on_a_null": {}}
    for name, gen in nulls.items():
        out["runs_with_a_change_on_a_null"][name] = rate(
            [
                len(st.change_points(frame(gen(200)), timeline=TIMELINE, seed=i).dates) > 0
                for i in range(runs)
            ]  # fmt: skip
        )
    near, covered = [], []
    t0 = time.perf_counter()
    for i in range(runs):
        values = nb(rng, np.r_[np.full(100, 0.3), np.full(100, 3.0)])
        res = st.change_points(frame(values), timeline=TIMELINE, seed=i)
        day = DATES[100]
        b = res.breaks
        near.append(bool(len(b)) and bool((abs((b["date"] - day).dt.days) <= 3).any()))
        covered.append(bool(((b["ci_low"] <= day) & (b["ci_high"] >= day)).any()))
    out["power_break_0.3_to_3_within_3_days"] = rate(near)
    out["interval_covers_the_planted_break"] = rate(covered)
    out["seconds_per_call"] = round((time.perf_counter() - t0) / runs, 4)
    return out


def bench_knox(st, sim, rng, runs: int) -> dict:
    gens = {"csr": lambda: sim.csr(100, rng), "smooth_trend": lambda: sim.trend(100, rng),
            "stacked": lambda: sim.stacked(100, rng, places=30)}  # fmt: skip
    out: dict = {"false_positive_rate_0.05": {}, "table_wide_false_positive_rate_0.05": {}}
    for name, gen in gens.items():
        res = [st.knox_test(gen(), distance_km=10, days=7, permutations=199, seed=i)
               for i in range(runs)]  # fmt: skip
        out["false_positive_rate_0.05"][name] = rate([r.p_value <= 0.05 for r in res])
        out["table_wide_false_positive_rate_0.05"][name] = rate([r.p_table <= 0.05 for r in res])
    t0 = time.perf_counter()
    power = [st.knox_test(sim.planted(100, 8, rng), distance_km=10, days=7, permutations=199,
                          seed=i) for i in range(runs)]  # fmt: skip
    out["power_8_planted_within_5km_5days"] = rate([r.p_value <= 0.05 for r in power])
    out["seconds_per_call_199_permutations"] = round((time.perf_counter() - t0) / runs, 4)
    return out


def bench_hotspots(st, sim, rng, runs: int) -> dict:
    bounds = sim.window_bounds()
    gens = {"csr": lambda: sim.csr(200, rng), "smooth_trend": lambda: sim.trend(200, rng),
            "stacked": lambda: sim.stacked(200, rng)}  # fmt: skip
    out: dict = {"runs_with_any_significant_cell": {}}
    for name, gen in gens.items():
        res = [st.hotspots(gen(), seed=i, bounds=bounds) for i in range(runs)]
        out["runs_with_any_significant_cell"][name] = rate([r.n_hot + r.n_cold > 0 for r in res])
    csr_csr = [st.hotspots(sim.trend(200, rng), seed=i, bounds=bounds,
                           options=st.HotspotOptions(null="csr")).n_hot > 0
               for i in range(runs)]  # fmt: skip
    out["smooth_trend_flagged_under_the_csr_null"] = rate(csr_csr)
    t0 = time.perf_counter()
    found = [st.hotspots(sim.planted(200, 15, rng), seed=i, bounds=bounds).n_hot > 0
             for i in range(runs)]  # fmt: skip
    out["power_15_planted_within_5km"] = rate(found)
    low = [st.hotspots(sim.planted(200, 15, rng), permutations=999, seed=i, bounds=bounds).n_hot > 0
           for i in range(runs)]  # fmt: skip
    out["power_15_planted_within_5km_999_permutations"] = rate(low)
    out["seconds_per_call_9999_permutations"] = round((time.perf_counter() - t0) / (2 * runs), 4)
    return out


def bench_decay(rng, runs: int) -> dict:
    from scamgeo.stats._decay import _fit_decay

    edges = np.array([0, 5, 10, 20, 30, 50, 75, 100], dtype=float)
    areas = np.array([6367, 6008, 11846, 11951, 24601, 30352, 30952], dtype=float)
    mid = (edges[:-1] + edges[1:]) / 2

    def established(mu: np.ndarray, alpha: float, seed: int) -> tuple[bool, float]:
        lam = rng.gamma(1 / alpha, alpha * mu) if alpha > 0 else mu
        fit = _fit_decay(rng.poisson(lam).astype(float), areas, edges, [], seed)
        return fit["established"], fit["p_value"]

    flat = 200 * areas / areas.sum()
    out: dict = {"false_positive_rate_0.05": {}}
    for alpha in (0.0, 1.0):
        res = [established(flat, alpha, i) for i in range(runs)]
        out["false_positive_rate_0.05"][f"flat_rate_nb_alpha_{alpha:g}"] = rate(
            [p <= 0.05 for _, p in res]
        )
    t0 = time.perf_counter()
    decay = areas * np.exp(-0.08 * mid)
    decay = 200 * decay / decay.sum()
    out["power_rate_0.08_per_km_nb_alpha_1"] = rate(
        [established(decay, 1.0, i)[0] for i in range(runs)]
    )
    out["seconds_per_call"] = round((time.perf_counter() - t0) / runs, 4)
    return out


TIMELINE = pd.DataFrame(
    {
        "timeline_id": ["X"],
        "date": pd.to_datetime(["2030-01-01"]),
        "kind": ["outbreak"],
        "label": ["none"],
    }  # fmt: skip
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60, help="runs per count-series figure")
    parser.add_argument("--quick", action="store_true", help="20 runs (about a minute)")
    args = parser.parse_args()
    runs = 20 if args.quick else args.runs
    spatial = max(runs // 4, 10)
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)

    import _spacetime as sim

    from scamgeo import stats as st

    rng = np.random.default_rng(20250724)
    t0 = time.perf_counter()
    out: dict = {"python": platform.python_version(), "runs": runs, "spatial_runs": spatial}
    out["escalation_test"] = bench_escalation(st, rng, runs)
    out["interrupted_time_series"] = bench_its(st, rng, runs)
    out["change_points"] = bench_change_points(st, rng, runs)
    out["knox_test"] = bench_knox(st, sim, rng, spatial)
    out["hotspots"] = bench_hotspots(st, sim, rng, spatial)
    out["distance_decay"] = bench_decay(rng, spatial)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
