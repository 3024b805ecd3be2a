"""Benchmark of scamgeo.geo against a row-by-row shapely implementation.

For each N (default 10_000, 100_000 and 1_000_000) this builds N random
points over the Thai–Cambodian border region (100–107 E, 10–16 N: land of
five countries and the Gulf of Thailand), then times, in a fresh process:

- ``assign_province`` (country unknown: within, nearest within 50 km, outside),
- ``distance_to_border_km`` (Thailand–Cambodia border),
- ``nearest_site`` against the 52 places of ``scamgeo.datasets.places()``,

and records the peak resident memory of that process. The baseline is the
straightforward loop an analyst would write with shapely (for each point:
``polygon.contains`` per province, ``line.distance`` in UTM 48N, the minimum
distance over the sites), timed on a sample of points and extrapolated per
point. Prints one JSON document to stdout.

Usage::

    .venv/bin/python benchmarks/bench_geo.py                 # N = 1e4, 1e5, 1e6
    .venv/bin/python benchmarks/bench_geo.py --n 100000 --baseline-sample 1000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

BOX = (100.0, 10.0, 107.0, 16.0)


def _points(n: int, seed: int = 42):
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(seed)
    lon = rng.uniform(BOX[0], BOX[2], n)
    lat = rng.uniform(BOX[1], BOX[3], n)
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _sites():
    from scamgeo import datasets

    places = datasets.places()
    return places.rename(columns={"place_id": "site_id"})


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def run_vectorised(n: int) -> dict:
    """Time the three scamgeo.geo calls on n points (run in a fresh process)."""
    from scamgeo import datasets, geo

    gdf = _points(n)
    sites = _sites()
    datasets.provinces()
    datasets.border()
    # warm up: reference files, the projected province lattice, the scipy import
    geo.assign_province(gdf.iloc[:10])
    geo.distance_to_border_km(gdf.iloc[:10])
    geo.nearest_site(gdf.iloc[:10], sites)
    rss_before = _current_rss_mb()
    timings = {}
    t0 = time.perf_counter()
    prov = geo.assign_province(gdf)
    timings["assign_province_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    dist = geo.distance_to_border_km(gdf)
    timings["distance_to_border_km_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    near = geo.nearest_site(gdf, sites)
    timings["nearest_site_s"] = time.perf_counter() - t2
    total = time.perf_counter() - t0
    methods = prov["admin1_method"].value_counts().to_dict()
    return {
        "n": n,
        "seconds": round(total, 3),
        **{k: round(v, 3) for k, v in timings.items()},
        "points_per_s": round(n / total),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "extra_peak_mb": round(_peak_rss_mb() - rss_before, 1),
        "admin1_methods": {k: int(v) for k, v in methods.items()},
        "median_distance_to_border_km": round(float(dist.median()), 2),
        "median_nearest_site_km": round(float(near["nearest_site_km"].median()), 2),
    }


def run_baseline(sample: int) -> dict:
    """Row-by-row shapely on `sample` points: the loop an analyst would write."""
    import numpy as np

    from scamgeo import config, datasets

    gdf = _points(sample, seed=7)
    provinces = datasets.provinces()
    border_m = datasets.border().to_crs(config.METRIC_CRS).geometry.iloc[0]
    sites_m = list(_sites().to_crs(config.METRIC_CRS).geometry)
    prov_geoms = list(provinces.geometry)
    prov_codes = list(provinces["iso_3166_2"])
    points_ll = list(gdf.geometry)
    points_m = list(gdf.to_crs(config.METRIC_CRS).geometry)
    t0 = time.perf_counter()
    codes, dists, nearest = [], [], []
    for p_ll, p_m in zip(points_ll, points_m, strict=True):
        code = None
        for poly, c in zip(prov_geoms, prov_codes, strict=True):
            if poly.contains(p_ll):
                code = c
                break
        if code is None:  # nearest province within 50 km, as the vectorised code does
            best = min(range(len(prov_geoms)), key=lambda k: prov_geoms[k].distance(p_ll))
            code = prov_codes[best]
        codes.append(code)
        dists.append(border_m.distance(p_m) / 1000)
        nearest.append(min(s.distance(p_m) for s in sites_m) / 1000)
    seconds = time.perf_counter() - t0
    return {
        "sample": sample,
        "seconds": round(seconds, 3),
        "seconds_per_point": seconds / sample,
        "points_per_s": round(sample / seconds),
        "median_distance_to_border_km": round(float(np.median(dists)), 2),
    }


def _child(mode: str, n: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--n", str(n)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} run with n={n} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        help="number(s) of points (default: 10000 100000 1000000)",
    )
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=2_000,
        help="points timed row by row for the baseline (default 2000)",
    )
    parser.add_argument("--child", choices=["vectorised", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = (
            run_vectorised(args.n[0]) if args.child == "vectorised" else run_baseline(args.n[0])
        )
        print(json.dumps(result))
        return 0

    import geopandas
    import pyproj
    import shapely

    baseline = _child("baseline", args.baseline_sample)
    runs = []
    for n in args.n:
        run = _child("vectorised", n)
        baseline_s = baseline["seconds_per_point"] * n
        run["baseline_seconds_extrapolated"] = round(baseline_s, 1)
        run["speedup"] = round(baseline_s / run["seconds"], 1)
        runs.append(run)
    report = {
        "benchmark": "scamgeo.geo: assign_province + distance_to_border_km + nearest_site",
        "points_box_lonlat": BOX,
        "sites": "scamgeo.datasets.places() (52 points)",
        "baseline": {
            **baseline,
            "method": "row-by-row shapely: polygon.contains per province "
            "(nearest province if none), line.distance in UTM 48N, min distance over sites",
        },
        "runs": runs,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "shapely": shapely.__version__,
            "geos": ".".join(map(str, shapely.geos_version)),
            "geopandas": geopandas.__version__,
            "pyproj": pyproj.__version__,
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
