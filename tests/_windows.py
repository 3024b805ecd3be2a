"""The grid of windows every sentence rule is tested over (issue 25).

Every named run's window, a window inside each phase, windows that straddle each
official outbreak and ceasefire, one day, the whole record and a window without events.
"""

from __future__ import annotations

import pandas as pd

from scamgeo import briefs, datasets, vocab
from scamgeo._time import phase_table


def grid() -> list[tuple[str, str, str]]:
    """(label, start, end) of every window in the grid."""
    out: list[tuple[str, str, str]] = [
        ("whole record", "2025-05-28", "2026-02-28"),
        ("no events", "2025-01-01", "2025-02-01"),
        ("one day", "2025-07-24", "2025-07-24"),
    ]
    for job in briefs.jobs_for_all():
        p = job.parameters
        if "start" in p or "end" in p:
            out.append((f"run {job.run}", p.get("start", "2025-05-28"), p.get("end", "2026-02-28")))
    for row in phase_table(datasets.timeline()).itertuples():
        if pd.isna(row.start):
            continue
        end = row.end if pd.notna(row.end) else pd.Timestamp("2026-02-28")
        first = row.start + pd.Timedelta(days=1)
        last = end - pd.Timedelta(days=1)
        if last >= first:
            out.append((f"inside {row.phase}", f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"))
    tl = datasets.timeline()
    official = tl[tl["kind"].isin(vocab.OFFICIAL_KINDS)]
    for row in official.itertuples():
        day = pd.Timestamp(row.date)
        for before, after in ((7, 7), (30, 3)):
            a, b = day - pd.Timedelta(days=before), day + pd.Timedelta(days=after)
            out.append(
                (
                    f"around {row.kind} {day:%Y-%m-%d} -{before}/+{after}",
                    f"{a:%Y-%m-%d}",
                    f"{b:%Y-%m-%d}",
                )
            )
    return out
