"""Dates by the command line's rules everywhere; one phase function."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from scamgeo import ParameterError, geo, plots, stats
from scamgeo import _time as t

STARTS = {
    "may_crisis": "2025-05-28",
    "july_war": "2025-07-24",
    "truce": "2025-07-29",
    "december_war": "2025-12-07",
    "post_ceasefire": "2025-12-27",
}


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("01-07-2025", "could be day-month or month-day"),
        ("24/07/2025", "is not a date"),
        (20250701, "numbers such as 20250701"),
        (2025.7, "numbers"),
        ("July 24", "is not a date"),
        ("2025-02-30", "is not a date"),
        (None, "is not a date"),
    ],
)
def test_date_arguments_refused_like_the_command_line(value, why):
    with pytest.raises(ParameterError, match=why):
        t.parse_date(value, name="start")


def test_accepted_date_arguments():
    want = pd.Timestamp("2025-07-24")
    assert t.parse_date("2025-07-24", name="s") == want
    assert t.parse_date(dt.date(2025, 7, 24), name="s") == want
    assert t.parse_date(np.datetime64("2025-07-24T15:00"), name="s") == want
    # 20:00 UTC on the 23rd is 03:00 on the 24th in Bangkok: the local date, not shifted back
    assert t.parse_date(pd.Timestamp("2025-07-23 20:00", tz="UTC"), name="s") == want
    assert t.parse_date("2025-07-23T20:00:00+00:00", name="s") == want


def test_aware_event_dates_keep_their_bangkok_date():
    local = pd.to_datetime(["2025-07-24 00:30", "2025-07-25 06:00"]).tz_localize("Asia/Bangkok")
    events = pd.DataFrame(
        {"event_date": local, "fatalities": [1, 2], "latitude": 14.0, "longitude": 103.0}
    )
    counts = stats.daily_counts(events, start="2025-07-23", end="2025-07-25")
    assert counts["incidents"].tolist() == [0, 1, 1]  # nothing moved to the 23rd
    per_day = geo.aggregate(events, start="2025-07-23", end="2025-07-25")
    assert per_day.groupby("period")["incidents"].sum().tolist() == [0, 1, 1]


def test_daily_counts_and_aggregate_refuse_ambiguous_dates():
    events = pd.DataFrame(
        {"event_date": ["2025-07-24"], "fatalities": [1], "latitude": 14.0, "longitude": 103.0}
    )
    with pytest.raises(ParameterError, match="start='01-07-2025'"):
        stats.daily_counts(events, start="01-07-2025")
    with pytest.raises(ParameterError, match="end=20250731"):
        geo.aggregate(events, end=20250731, start="2025-07-01")


def test_one_phase_function_behind_every_public_name():
    dates = pd.Series(pd.to_datetime(["2025-05-01", "2025-07-24", "2025-07-29", None]))
    expected = ["pre_war", "july_war", "truce", None]
    core = t.phase_of(dates, timeline=STARTS)
    assert core.astype(object).where(core.notna(), None).tolist() == expected
    timeline = pd.DataFrame({"date": list(STARTS.values()), "phase_starts": list(STARTS)})
    via_stats = stats.phase_of(dates, timeline=timeline)
    assert via_stats.astype(object).where(via_stats.notna(), None).tolist() == expected
    assert plots.assign_phase(dates, STARTS).tolist() == expected
    assert list(core.cat.categories) == list(t.PHASE_DTYPE.categories)


def test_phase_starts_out_of_order_are_refused():
    with pytest.raises(Exception, match="not in the order"):
        t.phase_table({"july_war": "2025-07-24", "may_crisis": "2025-08-01"})


def test_calendars():
    days = t.calendar(pd.Timestamp("2025-07-30"), pd.Timestamp("2025-08-05"), "W")
    assert days.tolist() == [pd.Timestamp("2025-07-28"), pd.Timestamp("2025-08-04")]
    months = t.calendar(pd.Timestamp("2025-07-30"), pd.Timestamp("2025-09-01"), "M")
    assert len(months) == 3 and months[0] == pd.Timestamp("2025-07-01")


def test_map_dates_follow_the_same_rules():
    from scamgeo import datasets, maps

    with pytest.raises(ParameterError, match="date='30-07-2025'.*day-month"):
        maps.displacement_map(datasets.displacement(), metric="in_shelters", date="30-07-2025")
