"""The one formatter: every figure a brief shows, and never a missing-value marker."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from scamgeo import fmt

MISSING = [None, float("nan"), np.nan, pd.NaT, pd.NA, ""]


def test_count_people_number():
    assert fmt.count(1234) == "1,234"
    assert fmt.count(np.int64(193292)) == "193,292"
    assert fmt.count(2.6) == "3"
    assert fmt.plural(1, "death") == "1 death" and fmt.plural(35.0, "death") == "35 deaths"
    assert fmt.plural(None, "death") == "deaths not reported"
    assert fmt.people(1) == "1 person" and fmt.people(30427.0) == "30,427 people"
    assert fmt.number(3.0) == "3" and fmt.number(3.14159, decimals=2) == "3.14"
    assert fmt.number(float("inf")) == "infinite"


def test_ratio_pct_p_km():
    assert fmt.ratio(3.41) == "3.4×" and fmt.ratio(174.8) == "175×"
    assert fmt.pct(0.42) == "42%" and fmt.pct(0.764) == "76%" and fmt.pct(0.001) == "<1%"
    assert fmt.pct(0) == "0%" and fmt.pct(0.4567, decimals=1) == "45.7%"
    assert fmt.p_value(0.0312) == "p = 0.031" and fmt.p_value(0.0004) == "p < 0.001"
    assert fmt.p_value(0.3187) == "p = 0.32" and fmt.p_value(1.0) == "p = 1.00"
    assert fmt.km(12.34) == "12.3 km" and fmt.km(123.4) == "123 km"


def test_dates_and_windows():
    assert fmt.date("2025-07-24") == "24 July 2025"
    assert fmt.date(pd.Timestamp("2025-12-07 13:00", tz="Asia/Bangkok")) == "7 December 2025"
    assert fmt.date(dt.date(2026, 2, 28)) == "28 February 2026"
    assert fmt.window("2025-05-28", "2026-02-28") == "28 May 2025 – 28 February 2026"
    assert fmt.window("2025-07-24", "2025-07-24") == "24 July 2025"
    assert fmt.span("2025-05-28", "2026-02-28") == "from 28 May 2025 to 28 February 2026"
    assert fmt.span("2025-07-24", "2025-07-24") == "on 24 July 2025"


def test_intervals():
    assert fmt.interval(1.84, 4.21, "×") == "1.8–4.2×"
    assert fmt.interval(3.1, 7, "km") == "3.1–7 km"
    assert fmt.interval(0.01, 0.32) == "0.0–0.3"
    assert fmt.interval(0.01, 0.32, decimals=2) == "0.01–0.32"
    assert fmt.interval(None, 3) == "n/a"
    assert fmt.interval(2.1, float("inf"), "km") == "2.1 km or more"
    assert fmt.interval(1.5, float("inf"), "×") == "1.5× or more"


@pytest.mark.parametrize("missing", MISSING, ids=repr)
def test_missing_values_become_words(missing):
    outs = [
        fmt.count(missing),
        fmt.people(missing),
        fmt.number(missing),
        fmt.ratio(missing),
        fmt.pct(missing),
        fmt.p_value(missing),
        fmt.km(missing),
        fmt.date(missing),
        fmt.interval(missing, 1),
    ]
    assert outs[0] == "not reported" and outs[3] == "n/a" and outs[5] == "p n/a"
    for out in outs:
        assert out and not any(bad in out for bad in ("nan", "NaN", "None", "NaT", "<NA>"))
    assert fmt.value(missing) == ""


def test_value_cells():
    assert fmt.value(True) == "yes" and fmt.value(np.int64(1234)) == "1,234"
    assert fmt.value(0.123456) == "0.12" and fmt.value(2.0) == "2"
    assert fmt.value(pd.Timestamp("2025-07-24 06:30")) == "24 July 2025 06:30"
    assert fmt.value(["a", None, "b"]) == "a, b"


def test_headers_in_words():
    assert fmt.header("event_date") == "Date"
    assert fmt.header("nearest_site_km") == "Nearest site (km)"
    assert fmt.header("foo_bar") == "Foo bar"
