"""Benchmark of the embedded tables: ``datasets.incidents()`` first and repeated calls.

``incidents()`` folds the claims of the curated events into one row per incident
(``scamgeo._record.incidents_table``, vectorised) and keeps the result, as the
other tables are kept: a repeated call returns a copy. Times, in a fresh process:

- the first ``incidents()`` (reads and checks the curated tables, folds the claims),
- the median of repeated ``incidents()`` and ``events()`` calls,
- the fold itself (``incidents_table`` on the loaded events), and
- the baseline an analyst would write instead: a pandas ``groupby("incident_id").first()``
  of ``events()`` (one row per incident, no per-side columns), timed in the same run.

Prints one JSON document to stdout.

Usage::

    .venv/bin/python benchmarks/bench_datasets.py
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time


def _median_seconds(call, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure() -> dict:
    from scamgeo import _record, datasets

    t = time.perf_counter()
    inc = datasets.incidents()
    first = time.perf_counter() - t
    events = datasets.events()
    table = datasets._events_table()
    return {
        "incidents_rows": len(inc),
        "incidents_first_call_s": round(first, 4),
        "incidents_repeated_s": round(_median_seconds(datasets.incidents), 5),
        "events_repeated_s": round(_median_seconds(datasets.events), 5),
        "incidents_table_fold_s": round(
            _median_seconds(lambda: _record.incidents_table(table), 5), 4
        ),
        "baseline_pandas_groupby_first_s": round(
            _median_seconds(lambda: events.groupby("incident_id").first()), 4
        ),
    }


def main() -> None:
    if "--child" in sys.argv:
        print(json.dumps(measure()))
        return
    out = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    result["python"] = platform.python_version()
    print(json.dumps({"benchmark": "datasets.incidents", **result}, indent=2))


if __name__ == "__main__":
    main()
