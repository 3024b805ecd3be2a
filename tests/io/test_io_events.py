"""scamgeo.io.load_events: one entry point for every event source."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

import scamgeo
from scamgeo import DataSourceError, ParameterError
from scamgeo.io import RowsLeftOut, load_events, read_acled, read_ucdp_ged
from scamgeo.io.events import EMBEDDED_ATTRIBUTION
from scamgeo.schema import EVENTS

CURATED_EVENTS = Path(scamgeo.config.data_dir) / "curated" / "events.csv"


def test_top_level_names_resolve() -> None:
    for name in ("load_events", "read_acled", "read_ucdp_ged", "read_boundaries"):
        assert getattr(scamgeo, name) is getattr(scamgeo.io, name)


@pytest.mark.filterwarnings("ignore::scamgeo.io.RowsLeftOut")
def test_acled_file(fixtures: Path) -> None:
    events = load_events(fixtures / "acled_export.csv", countries="THA")
    expected = read_acled(fixtures / "acled_export.csv", countries="THA")
    pd.testing.assert_frame_equal(pd.DataFrame(events), pd.DataFrame(expected))
    assert events.attrs["attribution"].startswith(
        "Source: Armed Conflict Location & Event Data (ACLED)"
    )
    assert "countries=THA" in events.attrs["attribution"]


def test_acled_options_pass_through(fixtures: Path, make_xlsx) -> None:
    path = make_xlsx(fixtures / "acled_export.csv", sheet="Export")
    assert len(load_events(path, sheet="Export")) == 8


@pytest.mark.parametrize(
    "name", ["ucdp_ged.csv", "ucdp_candidate_noheader.csv", "ucdp_ged.geojson"]
)
@pytest.mark.filterwarnings("ignore::scamgeo.io.RowsLeftOut")
def test_ucdp_files(fixtures: Path, name: str) -> None:
    events = load_events(fixtures / name, event_types="Battles")
    expected = read_ucdp_ged(fixtures / name, event_types="Battles")
    assert events["event_id"].tolist() == expected["event_id"].tolist()
    assert (events["dataset"] == "UCDP GED").all() and "UCDP" in events.attrs["attribution"]


def test_scamgeo_schema_file(tmp_path: Path, synthetic_events: gpd.GeoDataFrame) -> None:
    path = tmp_path / "events.csv"
    pd.DataFrame(synthetic_events.drop(columns="geometry")).to_csv(path, index=False)
    events = load_events(path, min_geo_precision=2)
    assert events["event_id"].tolist() == ["SG-E9001", "SG-E9002"]
    assert list(events.columns[: len(EVENTS.names)]) == EVENTS.names
    assert (
        events["admin1_code"].tolist() == ["TH-34", "TH-33"]
        and (events["dataset"] == "scamgeo").all()
    )


def test_open_file_buffer(fixtures: Path) -> None:
    with open(fixtures / "acled_export.csv", "rb") as fh:
        events = load_events(fh)
    assert len(events) == 8 and "acled_export.csv" in events.attrs["source"]["file"]
    assert len(load_events(io.BytesIO((fixtures / "ucdp_ged.csv").read_bytes()))) == 5


def test_embedded_calls_datasets_events(monkeypatch, synthetic_events: gpd.GeoDataFrame) -> None:
    monkeypatch.setattr(scamgeo.datasets, "events", lambda: synthetic_events.copy())
    events = load_events(countries="KHM")
    assert events["event_id"].tolist() == ["SG-E9004"]
    assert events.attrs["attribution"] == EMBEDDED_ATTRIBUTION
    assert load_events("embedded", start="2025-07-01", end="2025-07-31")["event_id"].tolist() == [
        "SG-E9002",
        "SG-E9003",
    ]
    with pytest.raises(ParameterError, match="with source='embedded' takes no option 'encoding'"):
        load_events("embedded", encoding="latin-1")


def test_embedded_missing_gives_a_way_out(monkeypatch) -> None:
    def missing() -> None:
        raise DataSourceError(
            "curated table data/curated/events.csv is missing; reinstall scamgeo."
        )

    monkeypatch.setattr(scamgeo.datasets, "events", missing)
    with pytest.raises(
        DataSourceError,
        match=r"embedded events table is not available .*load_events\('path/to/acled.csv'\)",
    ):
        load_events()


@pytest.mark.skipif(
    not CURATED_EVENTS.is_file(), reason="data/curated/events.csv is not curated yet"
)
def test_embedded_for_real() -> None:
    events = load_events()
    assert len(events) > 0 and (events["dataset"] == "scamgeo").all()
    assert events.attrs["attribution"] == EMBEDDED_ATTRIBUTION


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("acled-api", "scamgeo.io.acled_api.fetch_acled"),
        ("ucdp-api", "scamgeo.io.ucdp.fetch_ucdp_ged"),
    ],
)
def test_api_sources_dispatch(
    monkeypatch, source: str, target: str, synthetic_events: gpd.GeoDataFrame
) -> None:
    seen: dict[str, Any] = {}

    def fake(**kwargs: Any) -> gpd.GeoDataFrame:
        seen.update(kwargs)
        return synthetic_events.copy()

    monkeypatch.setattr(target, fake)
    load_events(source, countries=["THA"], start="2025-07-01", refresh=True)
    assert (
        seen["countries"] == ["THA"] and seen["start"] == "2025-07-01" and seen["refresh"] is True
    )


def test_unknown_named_source() -> None:
    with pytest.raises(
        ParameterError,
        match=r"source='acled' is neither a named source nor an existing file. .*'acled-api'",
    ):
        load_events("acled")


def test_files_that_are_not_event_tables(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(
        DataSourceError,
        match="weekly counts, not events: read it with scamgeo.io.read_acled_weekly",
    ):
        load_events(fixtures / "acled_weekly.csv")
    with pytest.raises(DataSourceError, match="not an event table scamgeo can read"):
        load_events(fixtures / "dtm_admin1.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataSourceError, match="the file is empty"):
        load_events(empty)
    with pytest.raises(DataSourceError, match="no such file"):
        load_events(tmp_path / "missing.csv")
    with pytest.raises(ParameterError, match="countries"):
        load_events(fixtures / "acled_export.csv", countries="Thailand")


@pytest.mark.parametrize("bad", ["01-07-2025", 20250701, "July 2025"])
def test_date_filters_follow_the_command_lines_rules(fixtures: Path, bad: Any) -> None:
    """Readers take start=/end= by the one date rule (scamgeo._time), as the CLI does."""
    with pytest.raises(ParameterError, match=r"start=.*use an ISO date YYYY-MM-DD"):
        read_acled(fixtures / "acled_export.csv", start=bad)
    with pytest.raises(ParameterError, match=r"end=.*use an ISO date YYYY-MM-DD"):
        read_ucdp_ged(fixtures / "ucdp_ged.csv", end=bad)


def test_aware_date_filter_is_read_as_the_regions_local_date(fixtures: Path) -> None:
    """23:30 UTC on 24 July is 25 July in Bangkok: the filter starts on the 25th."""
    late = pd.Timestamp("2025-07-24 23:30", tz="UTC")
    with pytest.warns(RowsLeftOut, match="3 dated outside 2025-07-25"):
        events = read_acled(fixtures / "acled_export.csv", start=late)
    with pytest.warns(RowsLeftOut, match="3 dated outside 2025-07-25"):
        local = read_acled(fixtures / "acled_export.csv", start="2025-07-25")
    assert events["event_date"].min() >= pd.Timestamp("2025-07-25")
    assert events["event_id"].tolist() == local["event_id"].tolist()
