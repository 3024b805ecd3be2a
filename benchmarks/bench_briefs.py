"""Benchmark: a full build of the briefs vs a no-op rebuild vs a rebuild after one table edit.

1. full: ``scamgeo briefs -o TMP --force`` (every brief executed);
2. no-op: ``scamgeo briefs -o TMP`` again (nothing changed: no kernel, no file rewritten);
3. one-table edit: a note of ``data/curated/displacement.csv`` is edited
   (" (edited)" appended to the first row's note, restored afterwards) and
   ``scamgeo briefs -o TMP`` runs again: only the briefs that read that table
   are rebuilt.

Each step runs the real command in a subprocess (start-up included). Also
timed: ``scamgeo list`` (it must stay quick: it imports no executor), against
a bare ``python -c pass`` in the same run. Prints one JSON object with the
times, the briefs rebuilt at each step and the ratios full/no-op and full/edit.

Usage: python benchmarks/bench_briefs.py [--jobs 2] [--only RUN ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scamgeo import config

BIN = Path(sys.executable).parent


def build(out: Path, *extra: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "scamgeo"), "briefs", "-o", str(out), *extra],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    rebuilt = [line.split()[1] for line in done.stderr.splitlines() if " built in " in line]
    return seconds, rebuilt


def _best(cmd: list[str], repeat: int = 5) -> float:
    """Best wall time of ``cmd`` over ``repeat`` runs (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="+", default=None)
    args = parser.parse_args()
    extra = ["--jobs", str(args.jobs)] + (["--only", *args.only] if args.only else [])
    list_s = _best([str(BIN / "scamgeo"), "list"])
    python_s = _best([sys.executable, "-c", "pass"])
    table = config.data_dir / "curated" / "displacement.csv"
    with tempfile.TemporaryDirectory(prefix="bench-briefs-") as tmp:
        out = Path(tmp) / "reports"
        full, full_runs = build(out, *extra, "--force")
        noop, noop_runs = build(out, *extra)
        original = table.read_bytes()
        lines = original.decode("utf-8").splitlines(keepends=True)
        row = lines[1].rstrip("\r\n")  # its last field is the free-text note
        note = row[:-1] + ' (edited)"' if row.endswith('"') else row + " (edited)"
        lines[1] = note + lines[1][len(row) :]
        try:
            table.write_bytes("".join(lines).encode("utf-8"))
            edit, edit_runs = build(out, *extra)
        finally:
            table.write_bytes(original)
    print(
        json.dumps(
            {
                "full_seconds": round(full, 2),
                "noop_seconds": round(noop, 2),
                "edit_seconds": round(edit, 2),
                "full_over_noop": round(full / noop, 1),
                "full_over_edit": round(full / edit, 1),
                "built": {"full": len(full_runs), "noop": len(noop_runs), "edit": len(edit_runs)},
                "rebuilt_after_edit": edit_runs,
                "jobs": args.jobs,
                "list_seconds": round(list_s, 3),
                "bare_python_seconds": round(python_s, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
