"""Dates in files' cells: an instant with a zone is its Bangkok date, as everywhere (issue 21)."""

from __future__ import annotations

import pandas as pd

from scamgeo import datasets, stats
from scamgeo.io import read_acled
from scamgeo.io._dates import parse_date_column


def test_cells_with_a_zone_are_their_bangkok_date() -> None:
    cells = pd.Series(
        [
            "2025-07-24T20:00:00Z",
            "2025-07-24T20:00:00+07:00",
            "2025-07-24T20:00:00+0700",
            "2025-07-24T16:59:59-00:00",
            "16 May 2025",
            "2025-07-24 23:00:00",
        ]
    )
    dates, _ = parse_date_column(cells)
    assert dates.dt.strftime("%Y-%m-%d").tolist() == [
        "2025-07-25",
        "2025-07-24",
        "2025-07-24",
        "2025-07-24",
        "2025-05-16",
        "2025-07-24",
    ]


def test_a_file_and_a_frame_count_one_instant_on_one_day(tmp_path) -> None:
    """The same instant, in a CSV cell and in a tz-aware frame, is counted on the same day."""
    src = pd.read_csv("tests/fixtures/io/acled_export.csv", dtype=str, keep_default_na=False)
    src["event_date"] = "2025-07-24T20:00:00Z"
    path = tmp_path / "acled_z.csv"
    src.to_csv(path, index=False)
    from_file = read_acled(path)
    assert set(from_file["event_date"].dt.strftime("%Y-%m-%d")) == {"2025-07-25"}
    frame = datasets.events().head(3).copy()
    frame["event_date"] = pd.Timestamp("2025-07-24 20:00", tz="UTC")
    counts = stats.daily_counts(frame)
    assert counts.loc[counts["incidents"] > 0, "date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-07-25"
    ]
