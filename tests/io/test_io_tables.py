"""Raw-table plumbing shared by every reader (scamgeo.io._tables, _cache)."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scamgeo import DataSourceError, ParameterError, SchemaError
from scamgeo.io._cache import atomic_write_text, read_private_json, write_private_json
from scamgeo.io._raw import load_raw
from scamgeo.io._tables import parse_dates, to_frame, validate_with_lines
from scamgeo.schema import EVENTS


def test_bom_na_and_semicolons_are_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa;b;c\n1;NA;x\n2;;y\n".encode())
    frame = to_frame(load_raw(path))
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame["b"].isna().tolist() == [True, True]
    assert frame["a"].tolist() == ["1", "2"]


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes("a,b\nPoipet,Banteay Meanchey\n".encode("utf-16"))
    frame = to_frame(load_raw(path))
    assert frame.loc[0, "a"] == "Poipet"


def test_wrong_encoding_names_file_byte_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b\nok,fine\nCafé,x\n".encode("cp1252"))
    with pytest.raises(DataSourceError) as err:
        load_raw(path)
    message = str(err.value)
    assert str(path) in message
    assert "0xe9" in message and "line 3" in message and "encoding=" in message
    # ... and the suggested fix works
    frame = to_frame(load_raw(path, encoding="cp1252"))
    assert frame.loc[1, "a"] == "Café"


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \n\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(DataSourceError, match=r"empty.csv: the file is empty"):
        load_raw(path, expected="an ACLED export")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="no such file"):
        load_raw(tmp_path / "nope.csv")
    with pytest.raises(DataSourceError, match="is a folder"):
        load_raw(tmp_path)


def test_html_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "login.csv"
    path.write_text("<!DOCTYPE html><html><body>Log in</body></html>")
    with pytest.raises(DataSourceError, match="HTML or XML document"):
        load_raw(path)


def test_zip_with_several_csv_needs_member(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x\n1\n")
        archive.writestr("b.csv", "x\n2\n")
        archive.writestr("__MACOSX/._a.csv", "junk")
    with pytest.raises(ParameterError, match=r"member=.*'a.csv', 'b.csv'"):
        load_raw(path)
    raw = load_raw(path, member="b.csv")
    assert raw.name.endswith("two.zip!b.csv")
    assert to_frame(raw)["x"].tolist() == ["2"]


def test_buffers_text_and_bytes() -> None:
    assert to_frame(load_raw(io.StringIO("a\n1\n")))["a"].tolist() == ["1"]
    assert to_frame(load_raw(io.BytesIO(b"a\n2\n")))["a"].tolist() == ["2"]
    with pytest.raises(ParameterError, match="path or an open file"):
        load_raw(42)  # type: ignore[arg-type]


def test_raw_file_is_never_rewritten(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "ro.csv"
    path.write_bytes((fixtures / "acled_export.csv").read_bytes())
    os.chmod(path, stat.S_IRUSR)  # read-only: any attempt to write would fail
    before = path.stat().st_mtime_ns
    frame = to_frame(load_raw(path))
    assert len(frame) == 8
    assert path.stat().st_mtime_ns == before


def test_parse_dates_formats() -> None:
    values = pd.Series(
        ["16 May 2025", "2025-05-16", "16-May-2025", "2025-05-16 00:00:00.000", "05/16/2025", None]
    )
    parsed = parse_dates(values)
    assert (parsed.iloc[:4] == pd.Timestamp("2025-05-16")).all()
    assert parsed.iloc[4:].isna().all()  # slashed dates are ambiguous: refused


def test_validate_with_lines_maps_rows_to_file_lines() -> None:
    frame = pd.DataFrame(
        {
            "event_id": ["a", "b"],
            "event_date": ["2025-07-24", "2025-07-24"],
            "time_precision": ["1", "1"],
            "event_type": ["Battles", "Battles"],
            "sub_event_type": ["Armed clash", "Armed clash"],
            "actor1": ["x", "y"],
            "actor2": [None, None],
            "country": ["THA", "THA"],
            "admin1": [None, None],
            "admin2": [None, None],
            "location": ["p", "q"],
            "latitude": ["14", "99"],
            "longitude": ["103", "103"],
            "geo_precision": ["1", "1"],
            "fatalities": ["0", "0"],
            "notes": [None, None],
            "source": ["s", "s"],
            "source_url": ["https://example.org/a", "https://example.org/b"],
            "source_date": [None, None],
        }
    )
    with pytest.raises(SchemaError) as err:
        validate_with_lines(EVENTS, frame, source="f.csv", lines=np.array([7, 12]))
    assert "row 12, column latitude" in str(err.value)
    assert "row 1," not in str(err.value)


def test_private_json_is_0600_and_tightened(tmp_path: Path) -> None:
    path = tmp_path / "tokens" / "t.json"
    write_private_json(path, {"access_token": "abc"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)
    assert read_private_json(path) == {"access_token": "abc"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_atomic_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    atomic_write_text(target, "old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


CSV_FIXTURES = [
    "acled_2020_excel_resave.csv",
    "acled_api_style.csv",
    "acled_export.csv",
    "acled_pre2019_layout.csv",
    "acled_r_resave.csv",
    "acled_region_export.csv",
    "acled_weekly.csv",
    "displacement_by_date_kh.csv",
    "displacement_long_kh.csv",
    "displacement_wide_th.csv",
    "dtm_admin1.csv",
    "dtm_hdx_global_admin0to2.csv",
    "ucdp_ged.csv",
]


@pytest.mark.parametrize("name", CSV_FIXTURES)
def test_arrow_and_c_parsers_give_the_same_cells(
    fixtures: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's parser (used where installed) and pandas' C parser read every layout alike."""
    pytest.importorskip("pyarrow")
    from scamgeo.io import _tables

    arrow = to_frame(load_raw(fixtures / name))
    monkeypatch.setattr(_tables, "_ARROW_CSV", False)
    c_parser = to_frame(load_raw(fixtures / name))
    assert len(arrow) > 0
    pd.testing.assert_frame_equal(arrow, c_parser)


@pytest.mark.parametrize(
    "content",
    [
        b"a,b\n1\n3,4\n",  # a short row inside the file: the C parser fills it, as before
        b'a,b\n"x\ny",2\n"p ""q""",3\n',  # a line break and doubled quotes inside quotes
        b"a,a,b\n1,2,3\n",  # repeated names are told apart (a.1)
        b"\xef\xbb\xbfa;b\n1;NA\n",  # BOM, semicolons, NA
    ],
)
def test_parsers_agree_on_awkward_csv(
    tmp_path: Path, content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    from scamgeo.io import _tables

    path = tmp_path / "t.csv"
    path.write_bytes(content)
    first = to_frame(load_raw(path))
    monkeypatch.setattr(_tables, "_ARROW_CSV", False)
    pd.testing.assert_frame_equal(first, to_frame(load_raw(path)))
