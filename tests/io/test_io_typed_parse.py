"""The readers' fast path: number columns parsed by pyarrow, the text parse wherever a cell is bad.

A large CSV's number columns are parsed as numbers by pyarrow
(``scamgeo.io._tables.to_frame(raw, numbers=...)``); a reader falls back to
the text parse whenever it must name a bad cell or compare rows cell for cell,
so its output, its errors and its RowsLeftOut counts are the text parse's.
These tests check that on generated files of 20,000 and 3,000 rows (invented
rows in ACLED's and UCDP GED's layouts, fake ids): against an independent
pandas read, and against the text parse on the same files, clean and
corrupted, and on every committed fixture forced through pyarrow.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from scamgeo import DataSourceError
from scamgeo.io import _checks, _events, _raw, _tables, read_acled, read_ucdp_ged

# ----------------------------------------------------------------------------------------------
# generated files: invented rows, every number and date drawn per row


_PAIRS = [  # (event_type, sub_event_type) pairs of ACLED's vocabulary
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Violence against civilians", "Attack"),
    ("Strategic developments", "Looting/property destruction"),
]
_PROVINCES = {
    "THA": ["Surin", "Si Sa Ket", "Ubon Ratchathani", "Sa Kaeo", "Buri Ram", "Trat"],
    "KHM": ["Oddar Meanchey", "Preah Vihear", "Banteay Meanchey", "Pursat", "Koh Kong"],
}
_ISO = {"THA": 764, "KHM": 116}
_NAME = {"THA": "Thailand", "KHM": "Cambodia"}
_GW = {"THA": 800, "KHM": 811}


def _draws(n: int, seed: int) -> dict[str, np.ndarray]:
    """What both layouts share: countries, days, places (a third at 150 shared places), tolls."""
    rng = np.random.default_rng(seed)
    country = rng.choice(["THA", "KHM"], size=n)
    day = dt.date(2025, 1, 1).toordinal() + rng.integers(0, 365, size=n)
    lat = np.round(rng.uniform(10.5, 15.5, size=n), 4)
    lon = np.round(rng.uniform(101.0, 106.5, size=n), 4)
    shared = rng.random(n) < 1 / 3
    place = rng.integers(0, 150, size=n)
    lat[shared], lon[shared] = 11.0 + place[shared] * 0.0301, 102.0 + place[shared] * 0.0217
    return {
        "country": country,
        "date": np.array([dt.date.fromordinal(int(d)) for d in day]),
        "lat": lat,
        "lon": lon,
        "pair": rng.integers(0, len(_PAIRS), size=n),
        "tolls": rng.negative_binomial(1, 0.3, size=n),
        "precision": rng.integers(1, 4, size=n),
        "province": rng.integers(0, 5, size=n),
    }


def write_acled(path: Path, n: int, *, seed: int = 27) -> Path:
    """``n`` invented events in ACLED's export layout (notes with commas, quotes, Thai script)."""
    d = _draws(n, seed)
    iso3 = d["country"]
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"TEST-{i:07d}" for i in range(n)],
            "event_date": [x.strftime("%d %B %Y") for x in d["date"]],
            "year": [x.year for x in d["date"]],
            "time_precision": d["precision"],
            "disorder_type": "Political violence",
            "event_type": [_PAIRS[p][0] for p in d["pair"]],
            "sub_event_type": [_PAIRS[p][1] for p in d["pair"]],
            "actor1": np.where(
                iso3 == "THA",
                "Military Forces of Cambodia (1993-)",
                "Military Forces of Thailand (2014-)",
            ),  # fmt: skip
            "assoc_actor_1": "",
            "inter1": "State forces",
            "actor2": np.where(d["pair"] == 4, "Civilians (Thailand)", ""),
            "assoc_actor_2": "",
            "inter2": np.where(d["pair"] == 4, "Civilians", ""),
            "interaction": np.where(d["pair"] == 4, "State forces-Civilians", "State forces only"),
            "civilian_targeting": np.where(d["pair"] == 4, "Civilian targeting", ""),
            "iso": [_ISO[c] for c in iso3],
            "region": "Southeast Asia",
            "country": [_NAME[c] for c in iso3],
            "admin1": [_PROVINCES[c][p] for c, p in zip(iso3, d["province"], strict=True)],
            "admin2": "",
            "admin3": "",
            "location": [f"Place {i % 997}" for i in range(n)],
            "latitude": [f"{x:.4f}" for x in d["lat"]],
            "longitude": [f"{x:.4f}" for x in d["lon"]],
            "geo_precision": d["precision"],
            "source": "Bangkok Post; Khmer Times",
            "source_scale": "National-International",
            "notes": [f'FIXTURE row {i}: "shelling", near ช่องจอม, é' for i in range(n)],
            "fatalities": d["tolls"],
            "tags": "",
            "timestamp": 1748563200 + np.arange(n),
        }
    )
    frame.to_csv(path, index=False)
    return path


def write_ged(path: Path, n: int, *, seed: int = 28) -> Path:
    """``n`` invented events in UCDP GED's 49-column layout."""
    d = _draws(n, seed)
    rng = np.random.default_rng(seed + 1)
    template = pd.read_csv(
        Path(__file__).resolve().parents[1] / "fixtures" / "io" / "ucdp_ged.csv",
        dtype=str,
        keep_default_na=False,
    )
    frame = template.iloc[np.zeros(n, dtype=int)].reset_index(drop=True)
    violence = rng.integers(1, 4, size=n)
    best = d["tolls"]
    frame["id"] = [str(900000 + i) for i in range(n)]
    frame["relid"] = [f"TEST-{i}" for i in range(n)]
    frame["type_of_violence"] = violence.astype(str)
    frame["where_prec"] = rng.integers(1, 8, size=n).astype(str)
    frame["date_prec"] = rng.integers(1, 6, size=n).astype(str)
    frame["country"] = [_NAME[c] for c in d["country"]]
    frame["country_id"] = [str(_GW[c]) for c in d["country"]]
    frame["adm_1"] = [
        f"{_PROVINCES[c][p]} province" for c, p in zip(d["country"], d["province"], strict=True)
    ]
    frame["latitude"] = [f"{x:.4f}" for x in d["lat"]]
    frame["longitude"] = [f"{x:.4f}" for x in d["lon"]]
    frame["date_start"] = [f"{x.isoformat()} 00:00:00.000" for x in d["date"]]
    frame["date_end"] = frame["date_start"]
    frame["best"] = best.astype(str)
    frame["low"] = (best // 2).astype(str)
    frame["high"] = (best * 2).astype(str)
    frame["deaths_civilians"] = np.where(violence == 3, best, 0).astype(str)
    frame["source_headline"] = [f'FIXTURE headline {i}, "clash" ที่ช่องจอม' for i in range(n)]
    frame.to_csv(path, index=False)
    return path


# ----------------------------------------------------------------------------------------------
# reading a file both ways


def _read(reader: Callable[..., Any], path: Path, **options: Any) -> tuple[Any, list[str]]:
    """(the events or the error, the warnings as text), warnings recorded, none raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out: Any = reader(path, **options)
        except Exception as exc:  # compared below: kind and message
            out = exc
    return out, [f"{w.category.__name__}: {w.message}" for w in caught]


def _same(a: Any, b: Any) -> None:
    """Two reads gave the same events (every value and dtype, geometry, attrs) or error."""
    if isinstance(a, Exception) or isinstance(b, Exception):
        assert type(a) is type(b) and str(a) == str(b)
        return
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.drop(columns="geometry")),
        pd.DataFrame(b.drop(columns="geometry")),
        check_exact=True,
    )
    assert list(a.columns) == list(b.columns)
    assert (shapely.to_wkb(a.geometry.array) == shapely.to_wkb(b.geometry.array)).all()
    assert a.crs == b.crs and a.attrs == b.attrs


def _both_ways(
    monkeypatch: pytest.MonkeyPatch, reader: Callable[..., Any], path: Path, **options: Any
) -> tuple[Any, list[str], bool]:
    """Read ``path`` with the typed parse and with the text parse; assert they agree.

    Returns the events (or the error), the warnings, and whether pyarrow's typed
    parse was taken (before any hand-over to the text parse).
    """
    typed_calls: list[bool] = []
    original = _tables._read_typed

    def spy(*args: Any, **kwargs: Any) -> Any:
        out = original(*args, **kwargs)
        typed_calls.append(out is not None)
        return out

    monkeypatch.setattr(_tables, "_read_typed", spy)
    typed = _read(reader, path, **options)
    monkeypatch.setattr(_tables, "_TYPED_CSV", False)
    text = _read(reader, path, **options)
    monkeypatch.setattr(_tables, "_TYPED_CSV", True)
    _same(typed[0], text[0])
    assert typed[1] == text[1]
    return typed[0], typed[1], any(typed_calls)


# ----------------------------------------------------------------------------------------------
# 20,000 rows against an independent pandas read


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("typed")
    return {
        "acled": write_acled(folder / "acled_20000.csv", 20_000),
        "ged": write_ged(folder / "ged_20000.csv", 20_000),
    }


def test_read_acled_20000_rows_equal_an_independent_pandas_read(
    big_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_files["acled"]
    events, caught, typed = _both_ways(monkeypatch, read_acled, path)
    assert typed  # the fast path was taken
    assert caught == []  # nothing left out, no unknown province
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(events) == len(raw) == 20_000
    assert events["event_id"].tolist() == raw["event_id_cnty"].tolist()
    dates = pd.to_datetime(raw["event_date"], format="%d %B %Y")
    assert (events["event_date"].to_numpy() == dates.to_numpy()).all()
    for col in ("latitude", "longitude"):
        assert (events[col].to_numpy() == raw[col].astype(float).to_numpy()).all()
    assert (events.geometry.x.to_numpy() == raw["longitude"].astype(float).to_numpy()).all()
    assert (events.geometry.y.to_numpy() == raw["latitude"].astype(float).to_numpy()).all()
    for col in ("fatalities", "geo_precision", "time_precision"):
        assert str(events[col].dtype) == "Int64"
        assert events[col].tolist() == raw[col].astype(int).tolist()
    for col in ("year", "iso", "timestamp"):
        assert events[col].tolist() == raw[col].astype(int).tolist()
    for col in ("event_type", "sub_event_type", "country"):
        assert isinstance(events[col].dtype, pd.CategoricalDtype)
    assert events["event_type"].astype(str).tolist() == raw["event_type"].tolist()
    assert events["sub_event_type"].astype(str).tolist() == raw["sub_event_type"].tolist()
    iso3 = raw["iso"].map({"764": "THA", "116": "KHM"})
    assert events["country"].astype(str).tolist() == iso3.tolist()
    assert events["notes"].tolist() == raw["notes"].tolist()  # quotes, commas, Thai script
    assert events["admin1_code"].notna().all()
    assert events.crs.to_epsg() == 4326


def test_read_ucdp_ged_20000_rows_equal_an_independent_pandas_read(
    big_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_files["ged"]
    events, caught, typed = _both_ways(monkeypatch, read_ucdp_ged, path)
    assert typed
    assert caught == []
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(events) == len(raw) == 20_000
    assert events["event_id"].tolist() == ("UCDP-" + raw["id"]).tolist()
    days = pd.to_datetime(raw["date_start"].str[:10], format="%Y-%m-%d")
    assert (events["event_date"].to_numpy() == days.to_numpy()).all()
    for col in ("latitude", "longitude"):
        assert (events[col].to_numpy() == raw[col].astype(float).to_numpy()).all()
    assert (events.geometry.x.to_numpy() == raw["longitude"].astype(float).to_numpy()).all()
    assert events["fatalities"].tolist() == raw["best"].astype(int).tolist()
    for col in ("best", "low", "high", "deaths_civilians", "type_of_violence", "where_prec"):
        assert str(events[col].dtype) == "Int64"
        assert events[col].tolist() == raw[col].astype(int).tolist()
    kinds = {"1": "Battles", "2": "Battles", "3": "Violence against civilians"}
    assert events["event_type"].astype(str).tolist() == raw["type_of_violence"].map(kinds).tolist()
    where = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 3, "7": 3}
    assert events["geo_precision"].tolist() == raw["where_prec"].map(where).tolist()
    when = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3}
    assert events["time_precision"].tolist() == raw["date_prec"].map(when).tolist()
    assert (
        events["country"].astype(str).tolist()
        == raw["country_id"].map({"800": "THA", "811": "KHM"}).tolist()
    )
    assert events["source_headline"].tolist() == raw["source_headline"].tolist()


def test_events_at_one_place_share_one_point(big_files: dict[str, Path]) -> None:
    events = read_acled(big_files["acled"])
    geoms = events.geometry.array
    coords = list(zip(events["longitude"], events["latitude"], strict=True))
    first: dict[tuple[float, float], Any] = {}
    for point, xy in zip(geoms, coords, strict=True):
        if xy in first:
            assert point is first[xy]  # one object per place
        first.setdefault(xy, point)
    assert 150 <= len(first) < len(events)  # the generated file's shared places


# ----------------------------------------------------------------------------------------------
# corrupted files: the typed parse hands over to the text parse, same messages and counts


def _corrupt(kind: str, text: str) -> str:
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    lat = header.index("latitude")

    def cell(i: int, col: int, value: str) -> None:
        parts = next(csv.reader([lines[i]]))
        parts[col] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(parts)
        lines[i] = out.getvalue()

    if kind == "bad_number":
        cell(700, lat, "abc")
    elif kind == "nan_text":
        cell(12, lat, "nan")
    elif kind == "out_of_range":
        for i in (5, 900):
            cell(i, lat, "95")
    elif kind == "padded_numbers":
        cell(40, lat, " 14.5 ")
    elif kind == "empty_coordinates":
        cell(50, lat, "")
        cell(50, lat + 1, "")
    elif kind == "hxl_row":
        lines.insert(1, ",".join("#tag" for _ in header) + "\n")
    elif kind == "repeated_header":
        lines.insert(1500, lines[0])
    elif kind == "exact_duplicates":
        lines += [lines[3], lines[4]]
    elif kind == "same_id_other_format":
        lines.append(lines[3])
        cell(len(lines) - 1, lat, next(csv.reader([lines[3]]))[lat] + "0")
    elif kind == "cut_last_row":  # the last record loses its last two fields
        last = lines[-1]
        lines[-1] = last[: last.rfind(",", 0, last.rfind(","))]
    elif kind == "crlf_bom":
        return "\ufeff" + "".join(lines).replace("\n", "\r\n")
    return "".join(lines)


_KINDS = [
    "clean", "bad_number", "nan_text", "out_of_range", "padded_numbers", "empty_coordinates",
    "hxl_row", "repeated_header", "exact_duplicates", "same_id_other_format", "cut_last_row",
    "crlf_bom",
]  # fmt: skip


@pytest.fixture(scope="module")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("typed_small")
    return {
        "acled": write_acled(folder / "acled.csv", 3_000, seed=5).read_text(encoding="utf-8"),
        "ged": write_ged(folder / "ged.csv", 3_000, seed=6).read_text(encoding="utf-8"),
    }


@pytest.mark.parametrize("kind", _KINDS)
@pytest.mark.parametrize("layout", ["acled", "ged"])
def test_typed_and_text_parse_agree_on_corrupted_files(
    layout: str,
    kind: str,
    small_files: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / f"{layout}_{kind}.csv"
    path.write_text(_corrupt(kind, small_files[layout]), encoding="utf-8", newline="")
    assert path.stat().st_size > _tables._ARROW_MIN_BYTES
    reader = read_acled if layout == "acled" else read_ucdp_ged
    out, caught, typed = _both_ways(monkeypatch, reader, path)
    # numbers that parse but fail a check, or ids shared by two rows: the typed parse was
    # taken and handed over to the text parse (same output, asserted in _both_ways)
    if kind in ("out_of_range", "exact_duplicates", "same_id_other_format"):
        assert typed
    if kind in ("bad_number", "nan_text", "out_of_range"):
        assert "row " in str(out) and "latitude" in str(out)  # the cell is named
    if kind in ("hxl_row", "repeated_header", "exact_duplicates", "cut_last_row"):
        assert any("RowsLeftOut" in w for w in caught)
        assert sum(out.attrs["source"]["left_out"].values()) >= 1
    if kind in ("clean", "padded_numbers", "empty_coordinates", "crlf_bom"):
        assert len(out) == 3_000 and typed


def test_a_filtered_read_agrees_too(
    big_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    events, caught, _ = _both_ways(
        monkeypatch, read_acled, big_files["acled"], countries="KHM", start="2025-06-01",
        event_types=["Battles"],
    )  # fmt: skip
    assert 0 < len(events) < 20_000 and len(caught) == 1


def test_threaded_parse_reads_the_same(
    big_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one = read_ucdp_ged(big_files["ged"])
    monkeypatch.setattr(_tables, "_ARROW_THREADS", True)
    _same(read_ucdp_ged(big_files["ged"]), one)


def test_a_large_file_in_another_encoding_is_refused_as_before(
    small_files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(small_files["acled"].replace("é", "è").encode("cp1252", errors="replace"))
    monkeypatch.setattr(_raw, "_MAP_MIN_BYTES", 0)  # mapped, not read
    with pytest.raises(DataSourceError, match=r"not utf-8 text \(byte 0x.. at offset \d+, line 2"):
        read_acled(path)


# ----------------------------------------------------------------------------------------------
# every committed fixture, forced through pyarrow, both ways


_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "io"


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name
        for p in _FIXTURES.glob("*.csv")
        if p.name.startswith(("acled_", "ucdp_")) and "weekly" not in p.name
    ),
)
def test_every_fixture_reads_the_same_through_pyarrow(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_tables, "_ARROW_MIN_BYTES", 0)
    reader = read_acled if name.startswith("acled") else read_ucdp_ged
    _both_ways(monkeypatch, reader, _FIXTURES / name)


# ----------------------------------------------------------------------------------------------
# the pieces


def test_head_and_tail_are_the_texts_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a,b\n" + "".join(f"ช่อง{i},é{i}\n" for i in range(5000))
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    monkeypatch.setattr(_raw, "_MAP_MIN_BYTES", 0)
    raw = _raw.load_raw(path)
    assert raw.decoded is None  # checked, not decoded
    for chars in (7, 100, 1000):
        assert raw.head(chars) == text[:chars]
        assert raw.tail(chars) == (text[-chars:], False)
    assert raw.text == text
    assert raw.tail(10**6) == (text, True)


def test_text_cells_strip_like_pandas() -> None:
    cells = ["a", " a", "a\t", "", "  ", None, "ช่อง ", "x\u00a0", "\u3000y", "a b", "é"]
    series = pd.Series(cells * 3, dtype="str").iloc[2:30]  # a sliced Arrow array
    expected = series.astype("string").str.strip()
    expected = expected.mask(expected.str.len() == 0)
    pd.testing.assert_series_equal(_checks.text_cells(series), expected)
    plain = pd.Series(["a", "b c", None] * 3, dtype="str")
    pd.testing.assert_series_equal(_checks.text_cells(plain), plain.astype("string"))


@pytest.mark.parametrize("dtype", ["str", "string", "object"])
def test_factorize_and_map_distinct_agree_with_pandas(dtype: str) -> None:
    rng = np.random.default_rng(27)
    cells = ["b", "a", "", " a", "ช่อง", None, "b "]
    values = [cells[i] for i in rng.integers(0, len(cells), 400)]
    for series in (pd.Series(values, dtype=dtype), pd.Series(values, dtype=dtype).iloc[37:301]):
        codes, uniques = _checks.factorize(series)
        want_codes, want_uniques = pd.factorize(series, use_na_sentinel=True)
        assert codes.tolist() == want_codes.tolist()
        assert list(uniques) == list(want_uniques)
        for fn, out in ((str.upper, "string"), (lambda v: v, "string"), (len, "Int64")):
            mapped = _checks.map_distinct(series, fn, dtype=out)
            want = series.map(fn, na_action="ignore").astype(out)
            pd.testing.assert_series_equal(mapped, want, check_names=False)


def test_parse_int_reads_numbers_and_text_alike() -> None:
    values = ["764", "764.0", "2.5", "", "1e300", "-0", " 7 "]
    text = _events.parse_int(pd.Series(values, dtype="str"))
    numbers = _events.parse_int(pd.Series([764, 764.0, 2.5, np.nan, 1e300, -0.0, 7.0]))
    assert text.tolist() == numbers.tolist() == [764, 764, pd.NA, pd.NA, pd.NA, 0, 7]
    assert str(text.dtype) == str(numbers.dtype) == "Int64"


def test_end_dates_are_read_where_they_differ_from_start_dates(tmp_path: Path) -> None:
    path = write_ged(tmp_path / "ged.csv", 2_000, seed=9)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[::7, "date_end"] = "2025-12-31 00:00:00.000"
    frame.loc[3, "date_end"] = ""
    frame.to_csv(path, index=False)
    events = read_ucdp_ged(path)
    expected = pd.to_datetime(frame["date_end"].str[:10], format="%Y-%m-%d", errors="coerce")
    assert events["date_end"].isna().tolist() == expected.isna().tolist()
    assert (events["date_end"].dropna().to_numpy() == expected.dropna().to_numpy()).all()
    assert (events["date_start"].to_numpy() == events["event_date"].to_numpy()).all()
