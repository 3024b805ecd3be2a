"""Benchmark: the whole set of briefs by ``scamgeo briefs`` vs. the plain commands one by one.

Baseline (measured in the same run): for every notebook and named run, the
commands an analyst would type, one after another::

    papermill NOTEBOOK OUT.ipynb -y PARAMS
    jupyter nbconvert --to html --no-input OUT.ipynb

Candidate: ``scamgeo briefs --jobs N`` (validation, parallel kernels, HTML with
parameter table and footer, manifest). Prints one JSON object.

Usage: python benchmarks/bench_briefs.py [--jobs 2] [--only RUN ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from scamgeo import briefs

BIN = Path(sys.executable).parent


def baseline(jobs: list[briefs.Job], out: Path) -> float:
    started = time.perf_counter()
    for job in jobs:
        nb = briefs.notebook_path(job.notebook)
        executed = out / f"{job.run}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(nb),
                str(executed),
                "-y",
                yaml.safe_dump(job.parameters or {}),
                "--no-progress-bar",
                "--cwd",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def candidate(jobs: list[briefs.Job], out: Path, n_jobs: int) -> float:
    started = time.perf_counter()
    cmd = [
        str(BIN / "scamgeo"),
        "briefs",
        "-o",
        str(out),
        "--jobs",
        str(n_jobs),
        "--only",
        *[j.run for j in jobs],
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="+")
    args = parser.parse_args()
    jobs = briefs.jobs_for_all()
    if args.only:
        jobs = [j for j in jobs if j.run in set(args.only)]
    with tempfile.TemporaryDirectory() as tmp:
        base_dir, cand_dir = Path(tmp, "baseline"), Path(tmp, "scamgeo")
        base_dir.mkdir()
        # warm the file cache and bytecode once, outside both timings
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import scamgeo.maps, scamgeo.stats, scamgeo.geo, papermill, nbconvert",
            ],
            check=True,
        )
        t_cand = candidate(jobs, cand_dir, args.jobs)
        t_base = baseline(jobs, base_dir)
        sizes = {
            p.name: p.stat().st_size
            for p in sorted(cand_dir.glob("*.html"))
            if p.name != "index.html"
        }
    print(
        json.dumps(
            {
                "briefs": len(jobs),
                "jobs": args.jobs,
                "cores": os.cpu_count(),
                "baseline_papermill_nbconvert_sequential_s": round(t_base, 1),
                "scamgeo_briefs_s": round(t_cand, 1),
                "speedup": round(t_base / t_cand, 2),
                "html_bytes": sizes,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
