"""Accuracy and speed of scamgeo.reconcile against a plain nearest-neighbour join; prints JSON.

Planted data that look like two sources of one war: ``n`` events (default
10,000) spread over the Thai–Cambodian border region (102.3–105.6 E,
12.0–14.6 N) and 270 days, a third of them stacked on 300 shared places
(as the record's gazetteer points are). The second source reports 80% of
them, each moved up to 3 km and up to a day, and adds ``n / 5`` events of its
own. Every event has a known partner (or none), so precision and recall are
exact.

Compared, in the same run and on the same frames:

- ``reconcile``: :func:`scamgeo.reconcile` (km=5, days=1, one to one by
  assignment);
- ``sjoin_nearest`` (the baseline a user would write): ``geopandas.sjoin_nearest``
  in UTM 48N with ``max_distance=5 km``, keeping pairs within a day; one event
  may take several partners, and a partner several events;
- ``kdtree_nearest`` (the fastest plain alternative): scipy's ``cKDTree`` on
  (x, y, scaled days), nearest within the thresholds, also not one to one.

Run: ``.venv/bin/python benchmarks/bench_reconcile.py [--n 10000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import time
import warnings

import numpy as np
import pandas as pd
import pyproj

GEOD = pyproj.Geod(ellps="WGS84")
KM, DAYS = 5.0, 1.0


def planted(n: int, seed: int = 20250724) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    rng = np.random.default_rng(seed)
    places = np.column_stack([rng.uniform(102.3, 105.6, 300), rng.uniform(12.0, 14.6, 300)])
    lon, lat = rng.uniform(102.3, 105.6, n), rng.uniform(12.0, 14.6, n)
    stacked = rng.random(n) < 1 / 3
    k = rng.integers(0, 300, stacked.sum())
    lon[stacked], lat[stacked] = places[k, 0], places[k, 1]
    day = pd.Timestamp("2025-05-28") + pd.to_timedelta(rng.integers(0, 270, n), unit="D")
    kinds = np.array(["Battles", "Explosions/Remote violence"])[rng.integers(0, 2, n)]
    a = pd.DataFrame(
        {
            "event_id": [f"A{i}" for i in range(n)],
            "event_date": day,
            "latitude": lat,
            "longitude": lon,
            "event_type": kinds,
            "time_precision": 1,
        }
    )
    keep = np.flatnonzero(rng.random(n) < 0.8)
    blon, blat, _ = GEOD.fwd(
        lon[keep], lat[keep], rng.uniform(0, 360, len(keep)), rng.uniform(0, 3000, len(keep))
    )
    shift = pd.to_timedelta(rng.integers(-1, 2, len(keep)), unit="D")
    m = n // 5
    b = pd.DataFrame(
        {
            "event_id": [f"B{i}" for i in keep] + [f"X{i}" for i in range(m)],
            "event_date": np.r_[
                (day[keep] + shift).to_numpy(),
                (
                    pd.Timestamp("2025-05-28") + pd.to_timedelta(rng.integers(0, 270, m), unit="D")
                ).to_numpy(),
            ],
            "latitude": np.r_[blat, rng.uniform(12.0, 14.6, m)],
            "longitude": np.r_[blon, rng.uniform(102.3, 105.6, m)],
            "event_type": np.r_[kinds[keep], np.array(["Battles"] * m)],
            "time_precision": 1,
        }
    )
    truth = {f"A{i}": f"B{i}" for i in keep}
    return a, b, truth


def score(pairs: pd.DataFrame, truth: dict[str, str]) -> dict[str, float]:
    right = pairs["a"].map(truth).eq(pairs["b"])
    return {
        "links": int(len(pairs)),
        "precision": round(float(right.mean()), 4) if len(pairs) else None,
        "recall": round(float(right.sum() / len(truth)), 4),
        "one_to_one": bool(not pairs["a"].duplicated().any() and not pairs["b"].duplicated().any()),
    }


def run_reconcile(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    import scamgeo as sg

    res = sg.reconcile(a, b, km=KM, days=DAYS, uncertainty="known")
    return res.linked.rename(columns={"a_event_id": "a", "b_event_id": "b"})[["a", "b"]]


def run_sjoin(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    import geopandas as gpd

    ga = gpd.GeoDataFrame(a, geometry=gpd.points_from_xy(a.longitude, a.latitude), crs=4326).to_crs(
        32648
    )
    gb = gpd.GeoDataFrame(b, geometry=gpd.points_from_xy(b.longitude, b.latitude), crs=4326).to_crs(
        32648
    )
    j = gpd.sjoin_nearest(
        ga, gb, max_distance=KM * 1000, distance_col="m", lsuffix="a", rsuffix="b"
    )
    j = j[(j["event_date_a"] - j["event_date_b"]).abs() <= pd.Timedelta(days=DAYS)]
    return pd.DataFrame({"a": j["event_id_a"].to_numpy(), "b": j["event_id_b"].to_numpy()})


def run_kdtree(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    from scipy.spatial import cKDTree

    t = pyproj.Transformer.from_crs(4326, 32648, always_xy=True)
    ax, ay = t.transform(a.longitude.to_numpy(), a.latitude.to_numpy())
    bx, by = t.transform(b.longitude.to_numpy(), b.latitude.to_numpy())
    day = np.timedelta64(1, "D")
    scale = KM * 1000 / DAYS  # a day weighs as much as the distance threshold
    ta = (a.event_date.to_numpy() - np.datetime64("2025-01-01")) / day * scale
    tb = (b.event_date.to_numpy() - np.datetime64("2025-01-01")) / day * scale
    d, j = cKDTree(np.column_stack([bx, by, tb])).query(
        np.column_stack([ax, ay, ta]), distance_upper_bound=KM * 1000 * 1.001, p=np.inf
    )
    ok = np.isfinite(d)
    return pd.DataFrame({"a": a.event_id.to_numpy()[ok], "b": b.event_id.to_numpy()[j[ok]]})


def timed(func, a, b, repeat: int) -> tuple[pd.DataFrame, float]:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func(a, b)
        best = min(best, time.perf_counter() - t0)
    return out, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    import scamgeo as sg

    sg.reconcile(
        *planted(50)[:2], km=KM, days=DAYS
    )  # imports and first-call costs outside the timing
    a, b, truth = planted(args.n)
    out = {
        "python": platform.python_version(),
        "n_a": len(a),
        "n_b": len(b),
        "km": KM,
        "days": DAYS,
        "true_pairs": len(truth),
    }
    seconds = {}
    for name, func in (
        ("reconcile", run_reconcile),
        ("sjoin_nearest", run_sjoin),
        ("kdtree_nearest", run_kdtree),
    ):
        pairs, secs = timed(func, a, b, args.repeat)
        seconds[name] = secs
        out[name] = {"seconds": round(secs, 3), **score(pairs, truth)}
    out["ratio_reconcile_to_sjoin_nearest"] = round(
        seconds["reconcile"] / seconds["sjoin_nearest"], 2
    )
    out["ratio_reconcile_to_kdtree_nearest"] = round(
        seconds["reconcile"] / seconds["kdtree_nearest"], 2
    )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
