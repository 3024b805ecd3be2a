"""Cross-column rules of the curated tables (each ``rule(frame, lines, problems)``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validate import Problems
from ..vocab import SUB_EVENT_TYPES
from ._kit import flag

__all__ = [
    "displacement_rules",
    "incident_scope",
    "lat_lon",
    "low_high",
    "range_order",
    "stand_in_explained",
    "sub_event_matches",
]


def lat_lon(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """Both coordinates or neither; swapped coordinates get their own message."""
    lat, lon = frame["latitude"], frame["longitude"]
    flag(
        problems,
        lines,
        lat.isna() ^ lon.isna(),
        "latitude and longitude must both be given or both be empty",
        column="latitude",
    )
    swapped = (lat.abs() > 90) & (lon.abs() <= 90)
    flag(problems, lines, swapped, "latitude and longitude look swapped", column="latitude")


def range_order(start: str, end: str):
    def check(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
        flag(problems, lines, frame[end] < frame[start], f"{end} is before {start}", column=end)

    return check


def sub_event_matches(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    expected = frame["sub_event_type"].astype("string").map(SUB_EVENT_TYPES)
    actual = frame["event_type"].astype("string")
    wrong = (
        (expected.notna() & actual.notna() & (expected != actual))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    for line, sub, et in zip(
        lines[wrong], frame["sub_event_type"][wrong], actual[wrong], strict=True
    ):
        problems.add(
            f"sub_event_type {sub!r} belongs to {SUB_EVENT_TYPES[sub]!r}, not {et!r}",
            row=int(line),
            column="event_type",
        )


def low_high(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    flag(problems, lines, frame["high"] < frame["low"], "high is below low", column="high")
    neither = frame["value"].isna() & frame["low"].isna() & frame["high"].isna()
    flag(problems, lines, neither, "needs a value, or a low/high range", column="value")


def incident_scope(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """An ``incident_id`` belongs to an incident figure and has the SG-I#### form."""
    incident = frame["incident_id"].astype("string")
    has = incident.notna()
    bad_form = has & ~incident.str.fullmatch(r"SG-I\d{4}").fillna(False)
    flag(
        problems,
        lines,
        bad_form,
        "is not an incident id like SG-I0001",
        column="incident_id",
        values=incident,
    )
    flag(
        problems,
        lines,
        has & frame["scope"].astype("string").eq("cumulative"),
        "a cumulative figure refers to no single incident",
        column="incident_id",
    )


def displacement_rules(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """``both`` only for combined totals; flows carry an ordered period, stocks none."""
    both = frame["country"].astype("string").eq("both").fillna(False)
    combined = frame["metric"].astype("string").eq("displaced_combined").fillna(False)
    measure = frame["measure"].astype("string")
    flow = measure.eq("flow").fillna(False)
    stock = measure.eq("stock").fillna(False)
    start, end = frame["period_start"], frame["period_end"]
    rules = (
        (
            both & ~combined,
            "country",
            "country 'both' is only allowed with metric displaced_combined",
        ),
        (
            combined & ~both,
            "country",
            "metric displaced_combined is a cross-border total: country must be 'both'",
        ),
        (both & frame["admin1"].notna(), "admin1", "a cross-border total has no province"),
        (
            flow & (start.isna() | end.isna()),
            "period_start",
            "a flow needs period_start and period_end",
        ),
        (flow & (end < start), "period_end", "period_end is before period_start"),
        (
            stock & (start.notna() | end.notna()),
            "period_start",
            "a stock is counted at as_of and has no period",
        ),
        (flow & (end > frame["as_of"]), "period_end", "period_end is after as_of"),
    )
    for where, column, what in rules:
        flag(problems, lines, where, what, column=column)


def stand_in_explained(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """A stand-in point must say in its notes what it stands for."""
    flag(
        problems,
        lines,
        frame["coord_method"].astype("string").eq("stand_in") & frame["notes"].isna(),
        "a stand_in point needs notes saying which place's point stands in and why",
        column="notes",
    )
