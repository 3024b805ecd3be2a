"""Calibration and speed of scamgeo's space-time statistics; prints JSON.

On complete spatial-temporal randomness over a border-sized window
(300 km x 100 km x 200 days, UTM 48N) it measures:

- ``knox_test``: false-positive rate at p <= 0.05 over ``--runs`` random
  patterns of 100 events (10 km, 7 days), and power on 8 events planted
  within 5 km and 5 days;
- ``hotspots``: the per-cell false-positive rate without FDR and the share
  of runs with any significant cell under Benjamini–Hochberg, on 200 events
  in 10 km cells; power on 15 events planted within 5 km;
- ``change_points``: distance (days) of the detected changes from two planted
  breaks in a Poisson series;
- the time per call of each.

Run: ``.venv/bin/python benchmarks/bench_spacetime.py [--runs 400] [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=400, help="random patterns per figure")
    parser.add_argument("--quick", action="store_true", help="50 runs (about a minute)")
    args = parser.parse_args()
    runs = 50 if args.quick else args.runs
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)

    import _spacetime as sim

    from scamgeo import stats as st

    out: dict = {"python": platform.python_version(), "runs": runs}
    rng = np.random.default_rng(20250724)
    bounds = sim.window_bounds()

    t0 = time.perf_counter()
    p = np.array(
        [
            st.knox_test(
                sim.csr(100, rng), distance_km=10, days=7, permutations=199, seed=i
            ).p_value
            for i in range(runs)
        ]
    )
    knox_time = (time.perf_counter() - t0) / runs
    power = np.array(
        [
            st.knox_test(
                sim.planted(100, 8, rng), distance_km=10, days=7, permutations=199, seed=i
            ).p_value
            for i in range(runs // 2)
        ]
    )
    out["knox"] = {
        "false_positive_rate_0.05": float(np.mean(p <= 0.05)),
        "false_positive_rate_0.10": float(np.mean(p <= 0.10)),
        "power_8_planted": float(np.mean(power <= 0.05)),
        "seconds_per_call_199_permutations": round(knox_time, 4),
    }

    cell_rate, any_fdr = [], []
    t0 = time.perf_counter()
    for i in range(runs):
        ev = sim.csr(200, rng)
        raw = st.hotspots(ev, permutations=199, seed=i, bounds=bounds, fdr=False)
        cell_rate.append(float(raw.table["significant"].mean()))
        fdr = st.hotspots(ev, permutations=9999, seed=i, bounds=bounds)
        any_fdr.append(fdr.n_hot + fdr.n_cold > 0)
    hot_time = (time.perf_counter() - t0) / runs / 2
    found = [
        st.hotspots(sim.planted(200, 15, rng), permutations=9999, seed=i, bounds=bounds).n_hot > 0
        for i in range(runs // 4)
    ]
    out["hotspots"] = {
        "cells": len(raw.table),
        "per_cell_false_positive_rate_0.05": float(np.mean(cell_rate)),
        "runs_with_any_significant_cell_fdr": float(np.mean(any_fdr)),
        "power_15_planted_fdr": float(np.mean(found)),
        "seconds_per_call": round(hot_time, 4),
    }

    misses = []
    t0 = time.perf_counter()
    for _ in range(runs // 4):
        values = np.concatenate([rng.poisson(0.3, 60), rng.poisson(6.0, 29), rng.poisson(0.4, 111)])
        counts = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=200), "events": values})
        res = st.change_points(counts)
        idx = [(d - pd.Timestamp("2025-01-01")).days for d in res.dates]
        misses.append([min((abs(i - b) for i in idx), default=99) for b in (60, 89)])
    misses = np.array(misses)
    out["change_points"] = {
        "share_within_3_days": float(np.mean(misses <= 3)),
        "median_miss_days": float(np.median(misses)),
        "seconds_per_call": round((time.perf_counter() - t0) / max(len(misses), 1), 4),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
