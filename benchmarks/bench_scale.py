"""Benchmark: the same event pipeline in memory and on a 2-worker Dask LocalCluster.

N synthetic events (random values in ACLED's 31-column export layout, never
real rows) are written across several CSV files, then each path runs:
read (``scamgeo.io.read_acled`` per file / ``scamgeo.scale.read_events``),
province (``assign_province``), border distance (``distance_to_border_km``),
nearest casino hub (``nearest_site``) and weekly counts (``daily_counts``,
``freq="W"``). The in-memory path runs in its own process; the Dask path
runs its client here with a LocalCluster of worker processes (1 thread
each). Each process reports its peak resident memory (``ru_maxrss``). The
per-event results of both paths are written to Parquet and compared by a
third process: ``identical`` says whether every value matched exactly.

Usage: python benchmarks/bench_scale.py [--n 2500000] [--files 5] [--workers 2]
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULT_COLUMNS = ["admin1_code", "admin1_method", "border_km", "hub_id", "hub_km"]


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def in_memory(files: list[str], out: str) -> dict:
    """The in-memory pipeline (run in a child process)."""
    import pandas as pd

    from scamgeo import datasets, geo, stats
    from scamgeo import io as sio

    times = {}
    t = time.perf_counter()
    events = pd.concat([sio.read_acled(f) for f in files], ignore_index=True)
    times["read"] = time.perf_counter() - t
    hubs = datasets.sites()
    t = time.perf_counter()
    province = geo.assign_province(events)
    times["province"] = time.perf_counter() - t
    t = time.perf_counter()
    km = geo.distance_to_border_km(events)
    times["border_distance"] = time.perf_counter() - t
    t = time.perf_counter()
    hub = geo.nearest_site(events, hubs, kind="casino_hub")
    times["nearest_hub"] = time.perf_counter() - t
    t = time.perf_counter()
    weekly = stats.daily_counts(events, freq="W")
    times["weekly_counts"] = time.perf_counter() - t
    result = pd.DataFrame(
        {
            "event_id": events["event_id"],
            "admin1_code": province["admin1_code"],
            "admin1_method": province["admin1_method"],
            "border_km": km,
            "hub_id": hub["nearest_site_id"],
            "hub_km": hub["nearest_site_km"],
        }
    )
    result.to_parquet(Path(out) / "memory_rows.parquet")
    weekly.to_pickle(Path(out) / "memory_weekly.pkl")
    return {
        "seconds": {k: round(v, 2) for k, v in times.items()},
        "total_seconds": round(sum(times.values()), 2),
        "rows": len(events),
        "peak_rss_mb": _peak_mb(),
    }


def _warm() -> None:
    """Import on a worker what the in-memory process imports before its clock starts."""
    import importlib

    for name in ("scamgeo.io", "scamgeo.geo", "scamgeo.stats"):
        importlib.import_module(name)


def on_dask(files: list[str], out: str, *, workers: int, blocksize: str) -> dict:
    """The Dask pipeline: client in this process, workers in their own processes."""
    import dask
    from distributed import wait

    from scamgeo import datasets, scale
    from scamgeo.scale._parquet import part_name

    times = {}
    with scale.client(f"local:{workers}") as client:
        hubs = datasets.sites()
        client.run(_warm)
        started = time.perf_counter()
        t = started
        events = scale.read_events(files, blocksize=blocksize).persist()
        wait(events)
        times["read"] = time.perf_counter() - t
        t = time.perf_counter()
        crs = scale.metric_crs(events)
        times["metric_crs"] = time.perf_counter() - t
        # one graph for the three per-event results, written by the workers
        t = time.perf_counter()
        province = scale.assign_province(events)
        km = scale.distance_to_border_km(events)
        hub = scale.nearest_site(events, hubs, kind="casino_hub")
        rows = events[["event_id"]].assign(
            admin1_code=province["admin1_code"],
            admin1_method=province["admin1_method"],
            border_km=km,
            hub_id=hub["nearest_site_id"],
            hub_km=hub["nearest_site_km"],
        )
        with dask.config.set({"dataframe.convert-string": False}):
            rows.to_parquet(Path(out) / "dask_rows", write_index=False, name_function=part_name)
        times["province_border_hub"] = time.perf_counter() - t
        t = time.perf_counter()
        weekly = scale.daily_counts(events, freq="W")
        times["weekly_counts"] = time.perf_counter() - t
        total = time.perf_counter() - started
        weekly.to_pickle(Path(out) / "dask_weekly.pkl")
        worker_peaks = client.run(_peak_mb)
        n = int(events.map_partitions(len).sum().compute())
    return {
        "seconds": {k: round(v, 2) for k, v in times.items()},
        "total_seconds": round(total, 2),
        "rows": n,
        "partitions": events.npartitions,
        "metric_crs": crs,
        "client_peak_rss_mb": _peak_mb(),
        "worker_peak_rss_mb": sorted(worker_peaks.values()),
    }


def compare(out: str) -> dict:
    """Whether the two paths gave the same values (run in a child process)."""
    import pandas as pd

    mem = pd.read_parquet(Path(out) / "memory_rows.parquet")
    got = pd.read_parquet(Path(out) / "dask_rows").reset_index(drop=True)
    weekly_mem = pd.read_pickle(Path(out) / "memory_weekly.pkl")
    weekly_dask = pd.read_pickle(Path(out) / "dask_weekly.pkl")
    checks = {}
    try:
        pd.testing.assert_frame_equal(got, mem)
        checks["per_event"] = True
    except AssertionError as exc:
        checks["per_event"] = False
        checks["per_event_difference"] = str(exc)[:400]
    try:
        pd.testing.assert_frame_equal(weekly_dask, weekly_mem)
        checks["weekly_counts"] = True
    except AssertionError as exc:
        checks["weekly_counts"] = False
        checks["weekly_difference"] = str(exc)[:400]
    checks["identical"] = checks["per_event"] and checks["weekly_counts"]
    return checks


def _child(step: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"{step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2_500_000, help="events (default 2,500,000)")
    parser.add_argument("--files", type=int, default=5, help="CSV files (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (default 2)")
    parser.add_argument("--blocksize", default="64MB", help="bytes per partition (default 64MB)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:  # a child process of this benchmark
        files = sorted(str(p) for p in Path(args.dir).glob("synthetic_acled_*.csv"))
        if args.step == "memory":
            print(json.dumps(in_memory(files, args.dir)))
        else:
            print(json.dumps(compare(args.dir)))
        return 0

    from scamgeo.scale._synthetic import write_synthetic_acled

    with tempfile.TemporaryDirectory(prefix="scamgeo-bench-scale-") as folder:
        t = time.perf_counter()
        paths = write_synthetic_acled(folder, args.n, files=args.files)
        written = time.perf_counter() - t
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        memory = _child("memory", "--dir", folder)
        files = [str(p) for p in paths]
        dask_run = on_dask(files, folder, workers=args.workers, blocksize=args.blocksize)
        checks = _child("compare", "--dir", folder)
    speedup = memory["total_seconds"] / dask_run["total_seconds"]
    report = {
        "benchmark": "scale",
        "events": args.n,
        "files": args.files,
        "csv_mb": round(size_mb, 1),
        "write_seconds": round(written, 1),
        "workers": args.workers,
        "threads_per_worker": 1,
        "blocksize": args.blocksize,
        "cpu_count": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "in_memory": memory,
        "dask": dask_run,
        "dask_speedup": round(speedup, 2),
        "client_vs_in_memory_peak": round(
            dask_run["client_peak_rss_mb"] / memory["peak_rss_mb"], 3
        ),
        **checks,
    }
    print(json.dumps(report, indent=2))
    return 0 if checks["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
