"""Every row a reader leaves out is counted, by reason, in one warning and in attrs (issue 27).

In memory and through Dask partitions (whose counts travel as data and are
added up by one task, with file row numbers, on any local scheduler).
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import dask
import geopandas as gpd
import pandas as pd
import pytest

from scamgeo import geo, io
from scamgeo.io import RowsLeftOut, load_events, read_acled, read_ucdp_ged
from scamgeo.io._leftout import CUT, HXL, REPEATED_HEADER

COUNTRY = "because their country is not one scamgeo covers (scamgeo.schema.COUNTRIES)"


def _records(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")


def _acled_with_every_structural_row(fixtures: Path, tmp_path: Path) -> Path:
    """An HDX-style ACLED copy: HXL row, a second export pasted under it, a cut last record."""
    header, *rows = _records(fixtures / "acled_export.csv")
    hxl = ",".join("#event+code" if i == 0 else "" for i in range(header.count(",") + 1))
    text = "\n".join([header, hxl, *rows, header, *rows[:2], rows[2][:40]]) + "\n"
    path = tmp_path / "acled_hdx_concat_cut.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_hxl_repeated_header_and_cut_row_in_one_count(fixtures: Path, tmp_path: Path) -> None:
    path = _acled_with_every_structural_row(fixtures, tmp_path)
    with pytest.warns(RowsLeftOut) as record:
        events = read_acled(path)
    assert len(record) == 1  # one warning, every reason in it
    message = str(record[0].message)
    assert "5 row(s) left out" in message
    assert f"1 {HXL}: row 2" in message
    assert f"1 {REPEATED_HEADER}: row 11" in message
    assert f"1 {CUT}: row 14" in message
    assert "2 exact duplicates of an earlier row" in message  # the two rows pasted twice
    assert len(events) == 8
    assert events.attrs["source"]["left_out"] == {
        HXL: 1,
        REPEATED_HEADER: 1,
        CUT: 1,
        "exact duplicates of an earlier row (same event_id_cnty, same cells)": 2,
    }
    assert events.attrs["source"]["records"] == 14 - 1  # data records of the file, cut one too


def test_hdx_ged_extract_hxl_row_is_not_a_country(fixtures: Path) -> None:
    path = fixtures / "ucdp_hdx_conflict_data_tha.csv"
    with pytest.warns(RowsLeftOut, match=re.escape(f"1 row(s) left out (1 {HXL}: row 2).")) as rec:
        events = read_ucdp_ged(path)
    assert "#country+name" not in str(rec[0].message)
    plain = pd.read_csv(path, skiprows=[1], dtype=str, keep_default_na=False)
    assert events["id"].tolist() == plain["id"].astype(int).tolist()
    assert events["fatalities"].tolist() == plain["best"].astype(int).tolist()
    assert events["country"].astype(str).tolist() == ["THA", "THA"]
    with pytest.warns(RowsLeftOut, match=re.escape(HXL)):
        loaded = load_events(path)
    pd.testing.assert_frame_equal(pd.DataFrame(loaded), pd.DataFrame(events))


def test_load_events_reads_ged_without_relid(fixtures: Path) -> None:
    path = fixtures / "ucdp_ged191.csv"
    events = load_events(path)
    plain = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert "relid" not in plain.columns
    assert events["event_id"].tolist() == ["UCDP-" + i for i in plain["id"]]
    assert events["event_date"].dt.strftime("%Y-%m-%d").tolist() == plain["date_start"].tolist()
    assert events["fatalities"].tolist() == plain["best"].astype(int).tolist()


def test_flatgeobuf_ged_reads_like_its_csv(fixtures: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(fixtures / "ucdp_ged.csv", keep_default_na=False, na_values=[""])
    for col in ("date_start", "date_end"):
        frame[col] = pd.to_datetime(frame[col])  # FlatGeobuf keeps typed DateTime fields
    gdf = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326
    )
    path = tmp_path / "GEDEvent_v25_1.fgb"
    gdf.to_file(path, driver="FlatGeobuf")
    # FlatGeobuf's spatial index stores features in its own order: compare by id
    fgb = load_events(path).sort_values("event_id", ignore_index=True)
    csv = read_ucdp_ged(fixtures / "ucdp_ged.csv").sort_values("event_id", ignore_index=True)
    for col in ("event_id", "event_date", "fatalities", "country", "latitude", "admin1_code"):
        assert fgb[col].tolist() == csv[col].tolist(), col
    assert fgb["date_end"].tolist() == csv["date_end"].tolist()


# --- Dask: counts as data, one warning with the exact total ------------------------------


def _ged_with_left_out_rows(fixtures: Path, tmp_path: Path, name: str, n: int = 600) -> Path:
    """A GED file of ``n`` Thai rows and ``n // 2`` Bangladeshi ones, an HXL row under the
    header (as HDX's copies) and the header repeated at the end."""
    header, hxl, *rows = _records(fixtures / "ucdp_hdx_conflict_data_tha.csv")
    out = []
    for i in range(n):
        cells = rows[i % len(rows)].split(",")
        cells[0] = str(800_000 + i)
        out.append(",".join(cells))
    other = [r.replace(",Thailand,THA,800,", ",Bangladesh,BGD,771,") for r in out[: n // 2]]
    other = [str(900_000 + i) + r[r.index(",") :] for i, r in enumerate(other)]
    path = tmp_path / name
    path.write_text("\n".join([header, hxl, *out, *other, header]) + "\n")
    return path


def _dask_warnings(paths, **options) -> tuple[int, list[str]]:
    from scamgeo import scale

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = scale.read_events(paths, **options)
        n = len(frame.compute())
    return n, [str(w.message) for w in caught if issubclass(w.category, RowsLeftOut)]


def test_multi_partition_read_counts_the_same_total_every_time(
    fixtures: Path, tmp_path: Path
) -> None:
    pytest.importorskip("scamgeo.scale")
    from scamgeo import scale

    path = _ged_with_left_out_rows(fixtures, tmp_path, "ged.csv", n=300)
    records = len(_records(path)) - 1
    with pytest.warns(RowsLeftOut) as memory_record:
        memory = read_ucdp_ged(path)
    expected = str(memory_record[0].message)
    # HXL row, 150 Bangladeshi rows, the repeated header (in the last block), file rows
    assert "152 row(s) left out" in expected and "Bangladesh (150)" in expected
    assert f"{REPEATED_HEADER}: row {records + 1}" in expected
    assert scale.read_events(path, blocksize=10_000).npartitions >= 8
    # the local schedulers, named, in a fresh process: warnings are process-wide, and a test
    # session's other threads (a dask cluster of another test) may reset the filters mid-read
    script = f"""
import json, warnings, dask
from scamgeo import io, scale
out = []
for scheduler in ["threads"] * 10 + ["synchronous"]:
    with dask.config.set(scheduler=scheduler), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        n = len(scale.read_events({str(path)!r}, blocksize=10_000).compute())
    out.append([n, [str(w.message) for w in caught if issubclass(w.category, io.RowsLeftOut)]])
print(json.dumps(out))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    runs = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(runs) == 11
    for attempt, (n, messages) in enumerate(runs):
        assert n == len(memory) == 300
        assert messages == [expected], attempt  # once, in the in-memory reader's words


def test_a_cluster_sends_the_one_warning_to_the_client(fixtures: Path, tmp_path: Path) -> None:
    pytest.importorskip("scamgeo.scale")
    distributed = pytest.importorskip("distributed")
    from scamgeo import scale

    path = _ged_with_left_out_rows(fixtures, tmp_path, "ged.csv", n=300)
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsLeftOut)  # the client shows it on its own loop
            assert len(scale.read_events(path, blocksize=10_000).compute()) == 300
        # the worker sends one "warn" event to the clients (what distributed.warn sends)
        events = client.get_events("warn")
    assert len(events) == 1
    message = pickle.loads(events[0][1]["message"])
    assert "152 row(s) left out" in message and "Bangladesh (150)" in message
    assert pickle.loads(events[0][1]["category"]) is RowsLeftOut


def test_two_files_at_the_default_blocksize_add_up(fixtures: Path, tmp_path: Path) -> None:
    pytest.importorskip("scamgeo.scale")
    a = _ged_with_left_out_rows(fixtures, tmp_path, "a.csv")
    b = _ged_with_left_out_rows(fixtures, tmp_path, "b.csv", n=300)
    with dask.config.set(scheduler="threads"):
        n, messages = _dask_warnings([str(a), str(b)])
    assert n == 900
    assert len(messages) == 1
    assert messages[0].startswith("454 row(s) left out of 2 files:")  # 302 + 152
    assert f"{a}: 302 row(s) left out" in messages[0] and f"{b}: 152 row(s)" in messages[0]


def test_utf16_csv_through_dask_reads_as_in_memory(fixtures: Path, tmp_path: Path) -> None:
    pytest.importorskip("scamgeo.scale")
    from scamgeo import scale

    text = (fixtures / "acled_export.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "acled_utf16.csv"
    path.write_bytes(text.encode("utf-16"))  # Excel's "Unicode text" saves with a BOM
    memory = read_acled(path)
    lazy = scale.read_events(path)
    pd.testing.assert_frame_equal(
        pd.DataFrame(lazy.compute()).reset_index(drop=True), pd.DataFrame(memory)
    )


# --- provinces: the stated one and the point's --------------------------------------------


def test_assign_province_reports_a_province_its_point_is_not_in(
    fixtures: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(fixtures / "acled_export.csv", dtype=str, encoding="utf-8-sig")
    frame.loc[1, "admin1"] = "Trat"  # the Ta Muen Thom row, stated as Trat (400 km away)
    path = tmp_path / "acled.csv"
    frame.to_csv(path, index=False)
    events = read_acled(path)
    assert events["admin1_code"].tolist()[1] == "TH-23"
    with pytest.warns(
        UserWarning, match=r"1 row\(s\) state a province .*TEST-THA-0002 \(TH-23 stated, point in"
    ):
        out = geo.assign_province(events)
    assert out["admin1_disagrees"].tolist() == [False, True] + [False] * 6
    assert out["admin1_code"].iloc[1] == "TH-23" and out["admin1_method"].iloc[1] == "field"


def test_assign_province_on_an_export_naming_tboung_khmum(fixtures: Path) -> None:
    with pytest.warns(UserWarning, match="Tboung Khmum"):
        events = read_acled(fixtures / "acled_export_2025.csv")
    assert events["admin1_code"].isna().sum() == 2  # Natural Earth 1:10m has no Tboung Khmum
    out = geo.assign_province(events)  # Arrow-backed, read-only columns: no crash
    assert out["admin1_code"].tolist()[-2:] == ["KH-3", "KH-3"]  # inside Kampong Cham's polygon
    assert out["admin1_method"].tolist()[-2:] == ["within", "within"]
    assert not out["admin1_disagrees"].any()
    assert io.read_acled is read_acled
