"""Adding one's own events to the curated ones; messages that say what a function expects."""

from __future__ import annotations

import pandas as pd
import pytest

from scamgeo import CoordinateError, SchemaError, datasets, stats, vocab

MINE = pd.DataFrame(
    {
        "event_id": ["SG-E0001", "OWN-2"],  # the first clashes with a curated id
        "event_date": ["2025-07-25", "2025-07-26"],
        "time_precision": [1, 1],
        "event_type": ["Battles", "Battles"],
        "sub_event_type": ["Armed clash", "Armed clash"],
        "actor1": ["Military Forces of Thailand"] * 2,
        "country": ["THA", "THA"],
        "location": ["Ban Nong Ya", "Ban Nong Ya"],
        "latitude": [14.4, 14.41],
        "longitude": [103.5, 103.51],
        "source": ["field notes"] * 2,
        "source_url": ["https://example.org/notes"] * 2,
    }
)


def test_combine_fills_optional_columns_keeps_ids_unique_and_both_attributions():
    curated = datasets.events()
    mine = MINE.copy()
    mine.attrs["attribution"] = vocab.ACLED_ATTRIBUTION
    with pytest.warns(UserWarning, match="1 event id.*prefix 'mine-'"):
        both = datasets.combine_events(curated, mine)
    assert len(both) == len(curated) + 2
    assert both["event_id"].is_unique
    assert both["event_id"].tail(2).tolist() == ["mine-SG-E0001", "OWN-2"]
    assert both["actor2"].tail(2).isna().all() and both["admin2"].tail(2).isna().all()
    assert both["dataset"].tail(2).tolist() == ["mine", "mine"]
    assert both.crs == "EPSG:4326" and both.geometry.iloc[-1].x == pytest.approx(103.51)
    assert both.attrs["attributions"] == [vocab.EMBEDDED_ATTRIBUTION, vocab.ACLED_ATTRIBUTION]
    assert vocab.ACLED_ATTRIBUTION in both.attrs["attribution"]


def test_combine_refuses_what_it_cannot_fill():
    with pytest.raises(SchemaError, match="lacks the required event column.*source_url"):
        datasets.combine_events(datasets.events(), MINE.drop(columns="source_url"))
    swapped = MINE.assign(latitude=MINE["longitude"], longitude=MINE["latitude"])
    with pytest.raises(CoordinateError, match="swapped"):
        datasets.combine_events(datasets.events(), swapped)


def test_count_model_given_events_says_it_expects_a_count_table():
    with pytest.raises(SchemaError, match="expects a count table from daily_counts"):
        stats.count_model(datasets.events())


def test_time_series_given_events_say_they_expect_a_count_table():
    with pytest.raises(SchemaError, match="interrupted_time_series expects a count table"):
        stats.interrupted_time_series(datasets.events(), breakpoint="2025-07-29")
    with pytest.raises(SchemaError, match="ceasefire_its expects a count table"):
        stats.ceasefire_its(datasets.events())
