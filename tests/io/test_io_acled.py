"""scamgeo.io.acled: ACLED exports in every format and quirk, to_acled, weekly files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import scamgeo
from scamgeo import DataSourceError, ParameterError, SchemaError
from scamgeo.io import ACLED_COLUMNS, RowsLeftOut, read_acled, read_acled_weekly, to_acled
from scamgeo.io.acled import ACLED_URL
from scamgeo.schema import EVENTS

#: Columns ACLED's layout can carry, compared in round trips.
ROUND_TRIP = [
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
    "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "fatalities", "notes", "source",
    "admin1_code",
]  # fmt: skip

CURATED_EVENTS = Path(scamgeo.config.data_dir) / "curated" / "events.csv"


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "acled.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _export(fixtures: Path) -> pd.DataFrame:
    return pd.read_csv(
        fixtures / "acled_export.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


# --- reading ---------------------------------------------------------------------


def test_export_is_read_into_the_common_schema(fixtures: Path) -> None:
    events = read_acled(fixtures / "acled_export.csv")
    assert isinstance(events, gpd.GeoDataFrame)
    assert len(events) == 8
    assert list(events.columns[: len(EVENTS.names)]) == EVENTS.names
    assert events.crs == "EPSG:4326"
    row = events.set_index("event_id").loc["TEST-THA-0003"]
    assert row["event_date"] == pd.Timestamp("2025-07-24")
    assert row["country"] == "THA" and row["admin1_code"] == "TH-33"
    assert row["fatalities"] == 4 and row["geo_precision"] == 2 and row["time_precision"] == 1
    assert row["sub_event_type"] == "Shelling/artillery/missile attack"
    assert (
        row["source"] == "Reuters"
        and row["source_url"] == ACLED_URL
        and pd.isna(row["source_date"])
    )
    assert row["dataset"] == "ACLED" and row["acled_country"] == "Thailand"
    assert row["inter2"] == "Civilians" and row["civilian_targeting"] == "Civilian targeting"
    assert row.geometry.x == pytest.approx(104.651) and row.geometry.y == pytest.approx(14.652)
    assert events["fatalities"].sum() == 11
    assert events["event_date"].dtype == "datetime64[ns]"
    assert events.set_index("event_id").loc["TEST-THA-0007", "admin1_code"] == "KH-1"
    # every original ACLED column survives (country under acled_country)
    kept = {
        "event_id_cnty",
        "year",
        "disorder_type",
        "assoc_actor_1",
        "inter1",
        "assoc_actor_2",
        "inter2",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "acled_country",
        "admin3",
        "source_scale",
        "tags",
        "timestamp",
    }
    assert kept <= set(events.columns)
    assert events["iso"].tolist() == [764, 764, 764, 116, 116, 764, 116, 116]
    assert (
        "ACLED" in events.attrs["attribution"] and "acled_export.csv" in events.attrs["attribution"]
    )


@pytest.mark.parametrize("name", ["acled_api_style.csv", "acled_r_resave.csv"])
def test_quirky_variants_give_the_same_events(fixtures: Path, name: str) -> None:
    reference = read_acled(fixtures / "acled_export.csv")
    other = read_acled(fixtures / name)
    pd.testing.assert_frame_equal(other[ROUND_TRIP], reference[ROUND_TRIP])
    # numeric inter codes of older exports come out as the newer text labels
    assert other["inter1"].tolist() == reference["inter1"].tolist()
    assert other["interaction"].tolist() == reference["interaction"].tolist()


def test_numeric_interaction_codes_become_labels(fixtures: Path) -> None:
    events = read_acled(fixtures / "acled_r_resave.csv").set_index("event_id")
    assert events.loc["TEST-THA-0003", "interaction"] == "State forces-Civilians"
    assert events.loc["TEST-THA-0005", "interaction"] == "State forces only"
    assert events.loc["TEST-THA-0006", "inter1"] == "Political militia"
    assert pd.isna(events.loc["TEST-THA-0005", "inter2"])


def test_r_row_names_column_is_dropped_and_na_is_missing(fixtures: Path) -> None:
    events = read_acled(fixtures / "acled_r_resave.csv")
    assert not any(c.startswith("Unnamed") or c == "" for c in events.columns)
    assert events["admin3"].isna().all() and events["tags"].isna().all()


def test_extra_columns_are_kept_and_clashes_prefixed(fixtures: Path, tmp_path: Path) -> None:
    events = read_acled(fixtures / "acled_api_style.csv")
    assert events["population_best"].tolist()[:3] == ["1010", "1000", "1040"]
    frame = _export(fixtures)
    frame["claimed_by"] = "THA"
    frame["dataset"] = "my copy"
    events = read_acled(_write(tmp_path, frame))
    assert (
        events["acled_claimed_by"].eq("THA").all() and events["acled_dataset"].eq("my copy").all()
    )
    assert events["claimed_by"].isna().all() and events["dataset"].eq("ACLED").all()


def test_excel_with_date_cells(fixtures: Path, make_xlsx) -> None:
    path = make_xlsx(fixtures / "acled_export.csv", date_columns=("event_date",))
    events = read_acled(path)
    reference = read_acled(fixtures / "acled_export.csv")
    pd.testing.assert_frame_equal(events[ROUND_TRIP], reference[ROUND_TRIP])


def test_zipped_csv_json_reply_and_buffer(fixtures: Path, make_zip, tmp_path: Path) -> None:
    reference = read_acled(fixtures / "acled_export.csv")[ROUND_TRIP]
    zipped = read_acled(make_zip(fixtures / "acled_export.csv"))
    pd.testing.assert_frame_equal(zipped[ROUND_TRIP], reference)
    reply = tmp_path / "reply.json"
    reply.write_text(
        json.dumps(
            {
                "status": 200,
                "success": True,
                "data": json.loads((fixtures / "acled_api_rows.json").read_text()),
            }
        )
    )
    pd.testing.assert_frame_equal(read_acled(reply)[ROUND_TRIP], reference)
    buffered = read_acled(io.BytesIO((fixtures / "acled_export.csv").read_bytes()))
    pd.testing.assert_frame_equal(buffered[ROUND_TRIP], reference)


def test_repeated_header_rows_are_skipped_and_counted(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / "acled_export.csv").read_text(encoding="utf-8-sig")
    header, body = text.split("\n", 1)
    path = tmp_path / "concat.csv"
    path.write_text(text + header + "\n", encoding="utf-8")  # two exports pasted together
    with pytest.warns(
        RowsLeftOut, match=r"1 row\(s\) left out \(1 header rows repeated .*: row 10\)"
    ):
        events = read_acled(path)
    assert len(events) == 8
    assert events.attrs["source"]["left_out"] == {
        "header rows repeated inside the file (files concatenated with their headers)": 1
    }


def test_iso_column_alone_gives_the_country(fixtures: Path, tmp_path: Path) -> None:
    events = read_acled(_write(tmp_path, _export(fixtures).drop(columns="country")))
    assert events["country"].astype(str).value_counts().to_dict() == {"THA": 4, "KHM": 4}


@pytest.mark.filterwarnings("ignore::scamgeo.io.RowsLeftOut")
def test_filters(fixtures: Path) -> None:
    path = fixtures / "acled_export.csv"
    with pytest.warns(
        RowsLeftOut, match=r"4 row\(s\) left out \(4 outside countries=\['KHM'\]: THA \(4\)\)"
    ):
        khm = read_acled(path, countries="KHM")
    assert len(khm) == 4 and khm.attrs["source"]["left_out"] == {"outside countries=['KHM']": 4}
    assert len(read_acled(path, countries=["tha", "KHM"])) == 8
    with pytest.warns(
        RowsLeftOut,
        match=r"4 row\(s\) left out \(4 dated outside 2025-07-24 to 2025-07-31: rows 2, 7, 8, 9\)",
    ):
        july = read_acled(path, start="2025-07-24", end="2025-07-31")
    assert sorted(july["event_id"]) == [
        "TEST-THA-0002",
        "TEST-THA-0003",
        "TEST-THA-0004",
        "TEST-THA-0005",
    ]
    assert len(read_acled(path, event_types="Battles")) == 3
    assert read_acled(path, min_geo_precision=1)["event_id"].tolist() == [
        "TEST-THA-0002",
        "TEST-THA-0007",
    ]
    assert len(read_acled(path, sub_event_types=["Air/drone strike"])) == 1
    filtered = read_acled(path, countries="THA", start="2025-07-01")
    assert "filtered by scamgeo: countries=THA; start=2025-07-01" in filtered.attrs["attribution"]
    assert filtered.index.tolist() == list(range(len(filtered)))


def test_unknown_filters_are_refused(fixtures: Path) -> None:
    with pytest.raises(ParameterError, match=r"countries has unknown value\(s\) 'XYZ'"):
        read_acled(fixtures / "acled_export.csv", countries="XYZ")
    with pytest.raises(ParameterError, match="Did you mean 'Battles'"):
        read_acled(fixtures / "acled_export.csv", event_types="Batles")
    with pytest.raises(ParameterError, match="min_geo_precision=4"):
        read_acled(fixtures / "acled_export.csv", min_geo_precision=4)
    with pytest.raises(ParameterError, match="start='soon' is not a date"):
        read_acled(fixtures / "acled_export.csv", start="soon")
    with pytest.raises(ParameterError, match="is after end"):
        read_acled(fixtures / "acled_export.csv", start="2025-12-01", end="2025-01-01")


def test_other_countries_are_dropped_with_a_warning(fixtures: Path) -> None:
    with pytest.warns(UserWarning, match=r"1 row\(s\) left out .*Timor-Leste \(1\)"):
        events = read_acled(fixtures / "acled_region_export.csv")
    assert events["event_id"].tolist() == ["TEST-THA-0001", "TEST-THA-0002"]


def test_date_format_option(fixtures: Path, tmp_path: Path) -> None:
    frame = _export(fixtures)
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%d %B %Y").dt.strftime(
        "%d.%m.%Y"
    )
    path = _write(tmp_path, frame)
    events = read_acled(path)  # day first: inferred from the days above 12
    assert events["event_date"].min() == pd.Timestamp("2025-05-28")
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%d.%m.%Y").dt.strftime(
        "%Y%m%d"
    )
    path = _write(tmp_path, frame)
    with pytest.raises(SchemaError, match=r"pass date_format='%Y%m%d'"):
        read_acled(path)
    events = read_acled(path, date_format="%Y%m%d")
    assert events["event_date"].min() == pd.Timestamp("2025-05-28")


# --- bad input ---------------------------------------------------------------------


def test_missing_required_columns_are_all_listed(fixtures: Path, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _export(fixtures).drop(columns=["event_date", "latitude", "fatalities"]),
        "cut.csv",
    )
    with pytest.raises(SchemaError) as err:
        read_acled(path)
    message = str(err.value)
    assert str(path) in message
    assert "missing required ACLED column(s) event_date, latitude, fatalities" in message
    assert err.value.problems == [
        "missing column event_date",
        "missing column latitude",
        "missing column fatalities",
    ]


def test_missing_country_and_iso(fixtures: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, _export(fixtures).drop(columns=["country", "iso"]))
    with pytest.raises(SchemaError, match=r"country \(or iso\)"):
        read_acled(path)


def test_unparseable_date_names_row_and_value(fixtures: Path, tmp_path: Path) -> None:
    frame = _export(fixtures)
    frame.loc[2, "event_date"] = "32 July 2025"
    path = _write(tmp_path, frame)
    with pytest.raises(SchemaError) as err:
        read_acled(path)
    message = str(err.value)
    assert str(path) in message
    assert (
        "row 4, column event_date: '32 July 2025' is not a date; expected e.g. '16 May 2025'"
        in message
    )
    assert "1 problem" in message  # not reported a second time by the schema


def test_coordinates_out_of_range_or_swapped(fixtures: Path, tmp_path: Path) -> None:
    frame = _export(fixtures)
    frame.loc[0, "latitude"] = "95.5"  # out of range, file row 2
    frame.loc[3, ["latitude", "longitude"]] = ["103.517", "14.181"]  # swapped, file row 5
    frame.loc[5, "longitude"] = "east"  # not a number, file row 7
    with pytest.raises(SchemaError) as err:
        read_acled(_write(tmp_path, frame))
    message = str(err.value)
    assert "row 2, column latitude: '95.5' is above the maximum 90" in message
    assert "row 5, column latitude: latitude and longitude look swapped" in message
    assert "row 7, column longitude: 'east' is not a number" in message


def test_rows_are_named_by_file_line_after_dropping_other_countries(
    fixtures: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(fixtures / "acled_region_export.csv", dtype=str, keep_default_na=False)
    frame = pd.concat([frame.iloc[[2]], frame.iloc[[0, 1]]], ignore_index=True)  # Timor-Leste first
    frame.loc[2, "event_type"] = "Skirmish"
    with pytest.warns(UserWarning, match="Timor-Leste"), pytest.raises(SchemaError) as err:
        read_acled(_write(tmp_path, frame))
    assert "row 4, column event_type: 'Skirmish' is not one of Battles" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(
        DataSourceError, match=r"empty.csv: the file is empty \(0 bytes\); expected an ACLED export"
    ):
        read_acled(path)


def test_header_only_gives_no_events(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    path.write_text(",".join(ACLED_COLUMNS) + "\n")
    events = read_acled(path)
    assert len(events) == 0 and list(events.columns[:3]) == [
        "event_id",
        "event_date",
        "time_precision",
    ]


def test_ucdp_file_given_to_the_acled_reader(fixtures: Path) -> None:
    with pytest.raises(
        DataSourceError, match="looks like a UCDP GED file: read it with scamgeo.io.read_ucdp_ged"
    ):
        read_acled(fixtures / "ucdp_ged.csv")
    with pytest.raises(DataSourceError, match="not an ACLED export: none of ACLED's columns"):
        read_acled(fixtures / "ucdp_candidate_noheader.csv")
    with pytest.raises(DataSourceError, match="read_acled_weekly"):
        read_acled(fixtures / "acled_weekly.csv")


def test_wrong_encoding(fixtures: Path, tmp_path: Path) -> None:
    frame = _export(fixtures)
    frame.loc[0, "notes"] = "FIXTURE: café near the border"
    path = tmp_path / "cp1252.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    with pytest.raises(DataSourceError, match=r"cp1252.csv: not utf-8 text .*encoding='cp1252'"):
        read_acled(path)
    assert read_acled(path, encoding="cp1252").loc[0, "notes"] == "FIXTURE: café near the border"


# --- writing ------------------------------------------------------------------------


def test_to_acled_layout(synthetic_events: gpd.GeoDataFrame) -> None:
    out = to_acled(synthetic_events)
    assert list(out.columns) == list(ACLED_COLUMNS)
    assert out.loc[1, "event_date"] == "24 July 2025"
    assert out["iso"].tolist() == [764, 764, 764, 116]
    assert out["country"].tolist() == ["Thailand", "Thailand", "Thailand", "Cambodia"]
    assert (
        out.loc[1, "inter2"] == "Civilians"
        and out.loc[1, "civilian_targeting"] == "Civilian targeting"
    )
    assert out.loc[2, "interaction"] == "Political militia only"
    assert out.loc[0, "disorder_type"] == "Political violence"
    assert to_acled(synthetic_events, date_style="api").loc[1, "event_date"] == "2025-07-24"
    with pytest.raises(ParameterError, match="date_style"):
        to_acled(synthetic_events, date_style="excel")


@pytest.mark.parametrize("date_style", ["export", "api"])
def test_round_trip_synthetic(
    tmp_path: Path, date_style: str, synthetic_events: gpd.GeoDataFrame
) -> None:
    events = synthetic_events
    path = tmp_path / "roundtrip.csv"
    to_acled(events, date_style=date_style).to_csv(path, index=False)
    back = read_acled(path)
    pd.testing.assert_frame_equal(
        back[ROUND_TRIP], events[ROUND_TRIP].reset_index(drop=True), check_dtype=False
    )
    # and ACLED rows survive a second trip with their own columns unchanged
    again = tmp_path / "again.csv"
    to_acled(back, date_style=date_style).to_csv(again, index=False)
    assert pd.read_csv(again, dtype=str).equals(pd.read_csv(path, dtype=str))


def test_round_trip_of_an_acled_export(fixtures: Path, tmp_path: Path) -> None:
    events = read_acled(fixtures / "acled_r_resave.csv")
    path = tmp_path / "out.csv"
    to_acled(events).to_csv(path, index=False)
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    original = _export(fixtures)
    for col in (
        "event_id_cnty",
        "event_date",
        "inter1",
        "interaction",
        "iso",
        "country",
        "source",
        "timestamp",
    ):
        assert written[col].tolist() == original[col].tolist(), col


@pytest.mark.skipif(
    not CURATED_EVENTS.is_file(), reason="data/curated/events.csv is not curated yet"
)
def test_round_trip_curated_events(tmp_path: Path) -> None:
    events = scamgeo.datasets.events()
    path = tmp_path / "curated_acled.csv"
    to_acled(events).to_csv(path, index=False)
    back = read_acled(path)
    pd.testing.assert_frame_equal(
        back[ROUND_TRIP], events[ROUND_TRIP].reset_index(drop=True), check_dtype=False
    )


# --- weekly aggregated files -----------------------------------------------------------


def test_weekly_counts(fixtures: Path) -> None:
    weekly = read_acled_weekly(fixtures / "acled_weekly.csv")
    assert len(weekly) == 5
    assert weekly["events"].sum() == 15 and weekly["fatalities"].sum() == 9
    assert weekly["week"].min() == pd.Timestamp("2025-07-19")
    assert weekly["admin1_code"].tolist() == ["TH-32", "TH-33", "TH-32", "KH-22", "KH-13"]
    assert weekly["population_exposure"].isna().sum() == 1
    by_province = weekly.groupby("admin1_code")["events"].sum()
    assert by_province["TH-32"] == 5
    assert "ACLED" in weekly.attrs["attribution"]


def test_weekly_filters_and_excel(fixtures: Path, make_xlsx) -> None:
    path = make_xlsx(fixtures / "acled_weekly.csv", date_columns=("WEEK",))
    with pytest.warns(RowsLeftOut) as caught:
        weekly = read_acled_weekly(path, countries="THA", start="2025-07-20")
    assert weekly["admin1"].tolist() == ["Surin"] and weekly["events"].tolist() == [2]
    message = str(caught[0].message)
    assert "4 row(s) left out" in message
    assert "2 outside countries=['THA']: KHM (2)" in message
    assert "2 with a week outside 2025-07-20 to" in message
    assert weekly.attrs["source"]["left_out"] == {
        "outside countries=['THA']": 2,
        "with a week outside 2025-07-20 to …": 2,
    }
    with pytest.warns(RowsLeftOut, match="2 not matching event_types="):
        assert len(read_acled_weekly(path, event_types="Battles")) == 3


def test_weekly_bad_input(fixtures: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(fixtures / "acled_weekly.csv", dtype=str, keep_default_na=False)
    with pytest.raises(SchemaError, match="missing required column.* WEEK, EVENTS"):
        read_acled_weekly(_write(tmp_path, frame.drop(columns=["WEEK", "EVENTS"]), "w1.csv"))
    frame.loc[1, "WEEK"] = "week 30"
    frame.loc[2, "EVENTS"] = "-3"
    with pytest.raises(SchemaError) as err:
        read_acled_weekly(_write(tmp_path, frame, "w2.csv"))
    assert "row 3, column WEEK: 'week 30' is not a date" in str(err.value)
    assert "row 4, column EVENTS: '-3' is negative" in str(err.value)
    with pytest.raises(DataSourceError, match="event export, not an aggregated file"):
        read_acled_weekly(fixtures / "acled_export.csv")


def test_excel_serial_dates_in_a_resaved_csv(fixtures: Path, tmp_path: Path) -> None:
    frame = _export(fixtures)
    frame["event_date"] = (
        pd.to_datetime(frame["event_date"], format="%d %B %Y") - pd.Timestamp("1899-12-30")
    ).dt.days.astype(str)
    assert frame.loc[0, "event_date"] == "45805"
    events = read_acled(_write(tmp_path, frame))
    assert (
        events["event_date"].tolist()
        == read_acled(fixtures / "acled_export.csv")["event_date"].tolist()
    )


def test_old_layout_events_survive_a_save_and_reload(fixtures: Path, tmp_path: Path) -> None:
    """The schema itself allows an empty sub_event_type where event_type_original is filled."""
    from scamgeo.io import load_events
    from scamgeo.schema import EVENTS

    with pytest.warns(UserWarning, match="pre-2019 layout"):
        events = read_acled(fixtures / "acled_pre2019_layout.csv")
    unknown = int(events["sub_event_type"].isna().sum())
    assert unknown > 0
    path = tmp_path / "old.csv"
    pd.DataFrame(events.drop(columns="geometry")).to_csv(path, index=False, date_format="%Y-%m-%d")
    back = load_events(path)
    assert back["event_id"].tolist() == events["event_id"].tolist()
    assert int(back["sub_event_type"].isna().sum()) == unknown
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    EVENTS.validate(text)  # the plain schema check agrees
    with pytest.raises(SchemaError, match="sub_event_type: empty, but a value is required"):
        EVENTS.validate(text.drop(columns="event_type_original"))
