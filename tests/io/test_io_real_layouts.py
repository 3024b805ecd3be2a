"""Readers on files as they are found in the wild (issue 12).

Each case gives either the right rows, checked against plain pandas, or a
scamgeo error that says what to do; no reader drops a row without counting it.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from scamgeo import DataSourceError, ScamgeoError, SchemaError
from scamgeo.io import RowsLeftOut, load_events, read_acled, read_ucdp_ged
from scamgeo.io._checks import Report, conform
from scamgeo.io._leftout import CUT
from scamgeo.schema import EVENTS


def _plain(path: Path, **options) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **options)


def _write(tmp_path: Path, frame: pd.DataFrame, name: str, **options) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False, **options)
    return path


# --- ACLED layouts -----------------------------------------------------------------


def test_pre2019_layout_is_mapped_onto_todays_vocabulary(fixtures: Path) -> None:
    path = fixtures / "acled_pre2019_layout.csv"
    with pytest.warns(
        UserWarning, match=r"ACLED's pre-2019 layout \(no sub_event_type, upper-case"
    ):
        events = read_acled(path)
    plain = _plain(path)
    assert events["event_id"].tolist() == plain["EVENT_ID_CNTY"].tolist()
    assert (
        events["event_date"].tolist()
        == pd.to_datetime(plain["EVENT_DATE"], format="%d/%m/%Y").tolist()
    )
    assert events["fatalities"].tolist() == plain["FATALITIES"].astype(int).tolist()
    assert events["latitude"].tolist() == plain["LATITUDE"].astype(float).tolist()
    assert events["country"].astype(str).tolist() == [
        {"800": "THA", "811": "KHM"}[g] for g in plain["GWNO"]
    ]
    assert events["event_type_original"].tolist() == plain["EVENT_TYPE"].tolist()
    assert events["event_type"].astype(str).tolist() == [
        "Battles",
        "Explosions/Remote violence",
        "Battles",
        "Protests",  # Riots/Protests by protesters (inter 6)
        "Riots",  # Riots/Protests by rioters (inter 5)
        "Strategic developments",
        "Strategic developments",
        "Violence against civilians",
    ]
    subs = [None if pd.isna(s) else s for s in events["sub_event_type"]]
    assert subs == [
        "Armed clash",
        None,
        "Government regains territory",
        None,
        None,
        None,
        "Headquarters or base established",
        None,
    ]
    assert events["assoc_actor_1"].isna().all() and "ALLY_ACTOR_1" not in events.columns
    assert events["admin1_code"].tolist()[:3] == ["TH-33", "KH-13", "KH-22"]


def test_old_riots_protests_without_inter_codes_is_reported(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_pre2019_layout.csv")
    plain.loc[3, "INTER1"] = "1"
    with pytest.raises(SchemaError, match=r"row 5, column event_type: 'Riots/Protests' is an old"):
        read_acled(_write(tmp_path, plain, "old.csv"))


def test_excel_resave_of_a_2020_export(fixtures: Path) -> None:
    path = fixtures / "acled_2020_excel_resave.csv"
    events = read_acled(path)
    plain = _plain(path)
    assert events["event_id"].tolist() == plain["event_id_cnty"].tolist()
    assert (
        events["event_date"].tolist()
        == pd.to_datetime(plain["event_date"], format="%d-%b-%y").tolist()
    )
    assert events["longitude"].tolist() == plain["longitude"].astype(float).tolist()
    assert events["data_id"].tolist() == plain["data_id"].tolist()  # extra columns kept


@pytest.mark.parametrize(("fmt", "order"), [("%d/%m/%Y", "day"), ("%m/%d/%Y", "month")])
def test_numeric_date_order_is_inferred_from_the_column(
    fixtures: Path, tmp_path: Path, fmt: str, order: str
) -> None:
    plain = _plain(fixtures / "acled_export.csv")
    dates = pd.to_datetime(plain["event_date"], format="%d %B %Y")
    plain["event_date"] = dates.dt.strftime(fmt)
    events = read_acled(_write(tmp_path, plain, f"{order}.csv"))
    assert events["event_date"].tolist() == dates.tolist()


def test_ambiguous_numeric_dates_name_the_date_format(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_export.csv").head(3)
    plain["event_date"] = ["05/06/2025", "07/08/2025", "11/12/2025"]
    path = _write(tmp_path, plain, "ambiguous.csv")
    with pytest.raises(SchemaError) as err:
        read_acled(path)
    message = str(err.value)
    assert "date_format='%d/%m/%Y' (day first) or date_format='%m/%d/%Y' (month first)" in message
    assert "[3 rows in all" in message  # one line for the three cells
    events = read_acled(path, date_format="%d/%m/%Y")
    assert events["event_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-06-05",
        "2025-08-07",
        "2025-12-11",
    ]


def test_problems_are_reported_once_per_kind(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_export.csv")
    big = plain.iloc[np.arange(5_000) % len(plain)].reset_index(drop=True)
    big["event_id_cnty"] = [f"TEST-{i:05d}" for i in range(5_000)]
    big["event_date"] = "sometime in May"
    big.loc[7, "latitude"] = "95.5"
    with pytest.raises(SchemaError) as err:
        read_acled(_write(tmp_path, big, "big.csv"))
    assert len(err.value.problems) == 2
    assert err.value.problems[0].startswith(
        "row 2, column event_date: 'sometime in May' is not a date"
    )
    assert (
        "[5,000 rows in all (row 3 'sometime in May', row 4 'sometime in May', ...)]"
        in (err.value.problems[0])
    )
    assert err.value.problems[1] == "row 9, column latitude: '95.5' is above the maximum 90"


def test_filters_apply_before_validation(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_export.csv")
    plain.loc[0, "latitude"] = "not a number"  # a Thai row
    path = _write(tmp_path, plain, "one_bad_thai_row.csv")
    with pytest.warns(RowsLeftOut, match=r"4 outside countries=\['KHM'\]: THA \(4\)"):
        khm = read_acled(path, countries="KHM")
    expected = plain[plain["country"] == "Cambodia"]
    assert khm["event_id"].tolist() == expected["event_id_cnty"].tolist()
    with pytest.warns(RowsLeftOut, match="dated outside 2025-07-24 to …"):
        late = read_acled(path, start="2025-07-24")
    assert "TEST-THA-0001" not in late["event_id"].tolist()
    with pytest.raises(SchemaError, match="row 2, column latitude: 'not a number' is not a number"):
        read_acled(path)


def test_rows_without_any_country_are_counted(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_export.csv")
    plain.loc[2, ["iso", "country"]] = ["", ""]
    with pytest.warns(
        RowsLeftOut, match=r"1 with no country at all \(iso and country empty\): row 4"
    ):
        events = read_acled(_write(tmp_path, plain, "no_country.csv"))
    assert len(events) == len(plain) - 1
    assert events.attrs["source"]["left_out"] == {
        "with no country at all (iso and country empty)": 1
    }


def test_exact_duplicates_are_counted(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_export.csv")
    twice = pd.concat([plain, plain.iloc[[1, 2]]], ignore_index=True)
    with pytest.warns(RowsLeftOut, match=r"2 exact duplicates of an earlier row .*: rows 10, 11"):
        events = read_acled(_write(tmp_path, twice, "twice.csv"))
    assert events["event_id"].tolist() == plain["event_id_cnty"].tolist()
    twice.loc[9, "fatalities"] = "7"  # same id, different cells: refused
    with (
        pytest.warns(RowsLeftOut, match="1 exact duplicates"),
        pytest.raises(
            SchemaError,
            match=r"row 4, column event_id: 'TEST-THA-0003' duplicate event_id \[2 rows in all \(row 11 'TEST-THA-0003'\)\]",
        ),
    ):
        read_acled(_write(tmp_path, twice, "clash.csv"))


def test_decimal_commas_are_detected_and_named(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "acled_export.csv")
    european = plain.copy()
    for col in ("latitude", "longitude"):
        european[col] = european[col].str.replace(".", ",", regex=False)
    path = _write(tmp_path, european, "semicolons.csv", sep=";")
    with pytest.warns(UserWarning) as record:
        events = read_acled(path)
    messages = " ".join(str(w.message) for w in record)
    assert "column latitude is written with decimal commas (e.g. '14,3830')" in messages
    assert "column longitude is written with decimal commas (e.g. '105,0120')" in messages
    assert events["latitude"].tolist() == plain["latitude"].astype(float).tolist()
    assert events["longitude"].tolist() == plain["longitude"].astype(float).tolist()


# --- UCDP GED: missing countries, files cut short ---------------------------------------


def test_ged_row_without_country_is_counted(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "ucdp_ged.csv")
    plain.loc[1, ["country", "country_id"]] = ["", ""]
    with pytest.warns(
        RowsLeftOut, match=r"with no country at all \(country and country_id empty\): row 3"
    ):
        events = read_ucdp_ged(_write(tmp_path, plain, "ged.csv"))
    assert events["id"].tolist() == plain["id"].drop(index=1).astype(int).tolist()


def test_ged_file_cut_mid_record(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / "ucdp_ged.csv").read_text(encoding="utf-8")
    last_start = text.rstrip("\n").rfind("\n") + 1
    cut = text[: last_start + 60]  # the download stopped inside the last record
    path = tmp_path / "cut.csv"
    path.write_text(cut, encoding="utf-8")
    with pytest.warns(
        RowsLeftOut, match=r"1 last record cut short \(the file ends mid-record.*\): row 6"
    ):
        events = read_ucdp_ged(path)
    assert events.attrs["source"]["left_out"] == {CUT: 1}
    plain = _plain(fixtures / "ucdp_ged.csv")
    assert events["id"].tolist() == plain["id"].head(4).astype(int).tolist()
    assert events["best"].tolist() == plain["best"].head(4).astype(int).tolist()


def test_ged_file_cut_inside_a_quoted_field(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "ucdp_ged.csv")
    plain.loc[4, "source_headline"] = "Shelling, reported near the border"
    text = plain.to_csv(index=False)
    cut = text[: text.index("Shelling,") + 9]
    path = tmp_path / "cut_quoted.csv"
    path.write_text(cut)
    with pytest.raises(DataSourceError, match=r"ends inside a quoted field opened on line 6"):
        read_ucdp_ged(path)


def test_ged_best_is_never_empty(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "ucdp_ged.csv")
    plain.loc[4, ["best", "high", "low", "gwnoa", "gwnob"]] = ""
    with pytest.raises(SchemaError, match=r"row 6, column best: is empty, but GED always"):
        read_ucdp_ged(_write(tmp_path, plain, "no_best.csv"))


# --- formats ---------------------------------------------------------------------------


def test_flatgeobuf_of_events_is_read_through_pyogrio(fixtures: Path, tmp_path: Path) -> None:
    plain = _plain(fixtures / "ucdp_ged.csv")
    points = gpd.GeoDataFrame(
        plain.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(
            plain["longitude"].astype(float), plain["latitude"].astype(float)
        ),
        crs="EPSG:4326",
    )
    path = tmp_path / "ged.fgb"
    points.to_file(path, driver="FlatGeobuf")
    events = load_events(path)
    expected = read_ucdp_ged(fixtures / "ucdp_ged.csv")
    got = events.sort_values("event_id").reset_index(drop=True)
    want = expected.sort_values("event_id").reset_index(drop=True)
    for col in ("event_id", "event_date", "fatalities", "latitude", "longitude", "admin1_code"):
        assert got[col].tolist() == want[col].tolist(), col


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("events.parquet", b"PAR1\x15\x04\x15\x00" * 8, "a Parquet file"),
        (
            "events.RData",
            gzip.compress(b"RDX3\nX\n\x00\x00\x00\x03", mtime=0),
            r"an R data file \(.RData\)",
        ),
        (
            "events.rds",
            gzip.compress(b"X\n\x00\x00\x00\x03\x00\x04", mtime=0),
            r"an R serialised object \(.rds\)",
        ),
        ("events.xyz", b"\x00\x01\x02\x03 binary" * 20, r"a binary file \(it holds NUL bytes\)"),
    ],
)
def test_binary_files_are_not_text_tables(
    tmp_path: Path, name: str, data: bytes, what: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    for reader in (load_events, read_acled, read_ucdp_ged):
        expected = rf"{what}, not a text table"
        if reader is load_events and name.endswith(".parquet"):
            # load_events reads GeoParquet once scamgeo.scale is imported (it registers the
            # reader); a broken file is named as such
            pytest.importorskip("dask_geopandas")
            import scamgeo.scale  # noqa: F401

            expected = "not a readable GeoParquet dataset"
        with pytest.raises(DataSourceError, match=expected) as err:
            reader(path)
        assert "encoding" not in str(err.value)


def test_zip_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("codebook.pdf", b"%PDF-1.4")
    with pytest.raises(
        DataSourceError, match=r"a zip archive without a table \(members: codebook.pdf\)"
    ):
        read_acled(path)


def test_every_reader_error_is_a_scamgeo_error(fixtures: Path, tmp_path: Path) -> None:
    (tmp_path / "half.csv").write_text('event_id_cnty,event_date\n"TEST-1,16 May')
    with pytest.raises(ScamgeoError):
        read_acled(tmp_path / "half.csv")


# --- the column-wise checks agree with the schema's own -----------------------------------


def test_conform_gives_what_the_schema_gives(fixtures: Path) -> None:
    events = read_acled(fixtures / "acled_export.csv")
    text = pd.DataFrame(events[EVENTS.names]).astype(object).where(events[EVENTS.names].notna())
    text["event_date"] = events["event_date"].dt.strftime("%Y-%m-%d")
    text = text.astype(str).where(text.notna())
    text.loc[0, "actor1"] = "  padded  "
    expected = EVENTS.validate(text, source="t", line_offset=2)
    got = conform(EVENTS, text, source="t", lines=np.arange(len(text)) + 2, report=Report("t"))
    pd.testing.assert_frame_equal(got, expected)
    bad = text.copy()
    bad.loc[1, "latitude"] = "95.5"
    bad.loc[2, "event_type"] = "Skirmish"
    report = Report("t")
    assert conform(EVENTS, bad, source="t", lines=np.arange(len(bad)) + 2, report=report) is None
    with pytest.raises(SchemaError) as mine:
        report.raise_if_any()
    with pytest.raises(SchemaError) as theirs:
        EVENTS.validate(bad, source="t")
    assert sorted(mine.value.problems) == sorted(theirs.value.problems)


def test_2018_layout_with_old_event_types(fixtures: Path, tmp_path: Path) -> None:
    """ACLED's 2018-2019 files: today's lower-case columns, old event types, no sub_event_type."""
    plain = _plain(fixtures / "acled_2020_excel_resave.csv").drop(columns="sub_event_type")
    plain["event_type"] = [
        "Riots/Protests",
        "Strategic development",
        "Riots/Protests",
        "Violence against civilians",
    ]
    with pytest.warns(UserWarning, match=r"pre-2019 layout \(no sub_event_type\): .* empty in 4"):
        events = read_acled(_write(tmp_path, plain, "acled_2019.csv"))
    assert events["event_type"].astype(str).tolist() == [
        "Protests",
        "Strategic developments",
        "Protests",
        "Violence against civilians",
    ]
    assert events["sub_event_type"].isna().all()
    assert events["event_type_original"].tolist() == plain["event_type"].tolist()
