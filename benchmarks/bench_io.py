"""Benchmark: reading large ACLED exports and UCDP GED files into the common event schema.

Baseline, measured in the same run: a plain ``pandas.read_csv`` of the same
file (no parsing of dates, no checks, no geometry). The ratio is the price of
scamgeo's validation (every cell checked, every problem reported by line).
Rows are the committed test fixtures (written by us, fake ids) repeated to N.

Usage: python benchmarks/bench_io.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from scamgeo.io import read_acled, read_ucdp_ged, to_acled

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "io"


def _grow(src: Path, n: int, id_col: str, make_id) -> pd.DataFrame:
    base = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    big = base.iloc[np.arange(n) % len(base)].reset_index(drop=True)
    big[id_col] = [make_id(i) for i in range(n)]
    return big


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    n = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        acled = Path(tmp, "acled.csv")
        _grow(FIXTURES / "acled_export.csv", n, "event_id_cnty", lambda i: f"TEST-{i:07d}").to_csv(
            acled, index=False
        )
        ged = Path(tmp, "ged.csv")
        _grow(FIXTURES / "ucdp_ged.csv", n, "id", lambda i: str(900000 + i)).to_csv(
            ged, index=False
        )
        t_acled_base = _time(lambda: pd.read_csv(acled, dtype=str))
        events = read_acled(acled)
        t_acled = _time(lambda: read_acled(acled))
        t_to = _time(lambda: to_acled(events))
        t_ged_base = _time(lambda: pd.read_csv(ged, dtype=str))
        t_ged = _time(lambda: read_ucdp_ged(ged))
    print(
        json.dumps(
            {
                "rows": n,
                "acled": {
                    "pandas_read_csv_s": round(t_acled_base, 3),
                    "read_acled_s": round(t_acled, 3),
                    "overhead_ratio": round(t_acled / t_acled_base, 1),
                    "rows_per_s": round(n / t_acled),
                    "to_acled_s": round(t_to, 3),
                },
                "ucdp_ged": {
                    "pandas_read_csv_s": round(t_ged_base, 3),
                    "read_ucdp_ged_s": round(t_ged, 3),
                    "overhead_ratio": round(t_ged / t_ged_base, 1),
                    "rows_per_s": round(n / t_ged),
                },
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
