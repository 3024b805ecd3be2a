"""scamgeo.io.ucdp: GED files in every format, the mapping, bad input, the API client."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scamgeo import DataSourceError, ParameterError, SchemaError
from scamgeo.io import UCDP_COLUMNS, RowsLeftOut, UcdpClient, fetch_ucdp_ged, read_ucdp_ged
from scamgeo.schema import EVENTS

TOKEN = "ucdp-TOKEN-SECRET-42"
COMMON = [
    "event_id",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "source",
    "admin1_code",
]


def json_reply(
    obj: Any, status: int = 200, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(obj).encode()


def _ged(fixtures: Path) -> pd.DataFrame:
    return pd.read_csv(fixtures / "ucdp_ged.csv", dtype=str, keep_default_na=False)


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "ged.csv", header: bool = True) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False, header=header)
    return path


def test_csv_mapping(fixtures: Path) -> None:
    events = read_ucdp_ged(fixtures / "ucdp_ged.csv")
    assert len(events) == 5
    assert list(events.columns[: len(EVENTS.names)]) == EVENTS.names
    e = events.set_index("event_id")
    assert (
        e.loc["UCDP-990001", "event_type"] == "Battles"
        and e.loc["UCDP-990001", "sub_event_type"] == "Armed clash"
    )
    assert e.loc["UCDP-990002", "event_type"] == "Violence against civilians"
    assert (
        e.loc["UCDP-990002", "sub_event_type"] == "Attack"
        and e.loc["UCDP-990002", "actor2"] == "Civilians"
    )
    assert e.loc["UCDP-990001", "actor1"] == "Government of Cambodia (Kampuchea)"
    assert e["country"].astype(str).tolist() == ["THA", "THA", "KHM", "KHM", "KHM"]
    assert e["admin1_code"].tolist()[:3] == ["TH-32", "TH-33", "KH-22"] and pd.isna(
        e.loc["UCDP-990004", "admin1_code"]
    )
    # where_prec 1,2,4,6,1 -> 1,2,3,3,1 ; date_prec 1,1,3,4,2 -> 1,1,2,3,2
    assert e["geo_precision"].tolist() == [1, 2, 3, 3, 1]
    assert e["time_precision"].tolist() == [1, 1, 2, 3, 2]
    # fatalities = best; low/high and the deaths_* kept
    assert e["fatalities"].tolist() == [1, 4, 3, 11, 2]
    assert e["low"].tolist() == [1, 4, 2, 8, 2] and e["high"].tolist() == [3, 6, 5, 20, 2]
    assert e.loc["UCDP-990004", "deaths_civilians"] == 2
    assert e.loc["UCDP-990003", "event_date"] == pd.Timestamp("2025-07-25")
    assert e.loc["UCDP-990003", "date_end"] == pd.Timestamp("2025-07-31")
    assert e.loc["UCDP-990004", "source"] == "UCDP GED"  # no source_office
    assert e.loc["UCDP-990004", "location"] == "Cambodia"
    assert (
        e.loc["UCDP-990001", "ucdp_country"] == "Thailand"
        and e.loc["UCDP-990001", "country_id"] == 800
    )
    assert (e["dataset"] == "UCDP GED").all()
    assert "Uppsala Conflict Data Program" in events.attrs["attribution"]


def test_headerless_candidate_release(fixtures: Path) -> None:
    events = read_ucdp_ged(fixtures / "ucdp_candidate_noheader.csv")
    reference = read_ucdp_ged(fixtures / "ucdp_ged.csv").iloc[2:].reset_index(drop=True)
    pd.testing.assert_frame_equal(events[COMMON], reference[COMMON])


def test_zip_geojson_and_excel(fixtures: Path, make_zip, make_xlsx) -> None:
    reference = read_ucdp_ged(fixtures / "ucdp_ged.csv")[COMMON]
    for path in (
        make_zip(fixtures / "ucdp_ged.csv", name="ged251-csv.zip"),
        fixtures / "ucdp_ged.geojson",
        make_xlsx(fixtures / "ucdp_ged.csv"),
    ):
        pd.testing.assert_frame_equal(read_ucdp_ged(path)[COMMON], reference, obj=str(path))


@pytest.mark.filterwarnings("ignore::scamgeo.io.RowsLeftOut")
def test_filters(fixtures: Path) -> None:
    path = fixtures / "ucdp_ged.csv"
    with pytest.warns(
        RowsLeftOut, match=r"3 row\(s\) left out \(3 outside countries=\['THA'\]: KHM \(3\)\)"
    ):
        tha = read_ucdp_ged(path, countries="THA")
    assert tha["event_id"].tolist() == ["UCDP-990001", "UCDP-990002"]
    assert tha.attrs["source"]["left_out"] == {"outside countries=['THA']": 3}
    assert len(read_ucdp_ged(path, start="2025-12-01")) == 2
    assert len(read_ucdp_ged(path, type_of_violence=3)) == 2
    assert len(read_ucdp_ged(path, event_types="Battles", min_geo_precision=2)) == 1
    with pytest.raises(ParameterError, match="type_of_violence"):
        read_ucdp_ged(path, type_of_violence=4)


def test_gw_codes_win_over_names(fixtures: Path, tmp_path: Path) -> None:
    frame = _ged(fixtures)
    frame["country"] = "somewhere"
    events = read_ucdp_ged(_write(tmp_path, frame))
    assert events["country"].astype(str).tolist() == ["THA", "THA", "KHM", "KHM", "KHM"]


def test_other_countries_dropped_with_warning(fixtures: Path, tmp_path: Path) -> None:
    frame = _ged(fixtures)
    frame.loc[0, ["country", "country_id"]] = ["Sri Lanka", "780"]
    with pytest.warns(UserWarning, match=r"Sri Lanka \(1\)"):
        events = read_ucdp_ged(_write(tmp_path, frame))
    assert len(events) == 4


# --- bad input ----------------------------------------------------------------------


def test_missing_columns_listed(fixtures: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, _ged(fixtures).drop(columns=["date_start", "best", "where_prec"]))
    with pytest.raises(SchemaError) as err:
        read_ucdp_ged(path)
    assert "missing required UCDP GED column(s) where_prec, date_start, best" in str(err.value)
    assert str(path) in str(err.value)


def test_bad_cells_named_by_row_and_column(fixtures: Path, tmp_path: Path) -> None:
    frame = _ged(fixtures)
    frame.loc[1, "date_start"] = "2025-13-45"
    frame.loc[2, "type_of_violence"] = "9"
    frame.loc[3, ["latitude", "longitude"]] = ["104.9", "12.5"]
    with pytest.raises(SchemaError) as err:
        read_ucdp_ged(_write(tmp_path, frame))
    message = str(err.value)
    assert "row 3, column date_start: '2025-13-45' is not a date" in message
    assert "row 4, column type_of_violence: '9' is not 1 (state-based)" in message
    assert "row 5, column latitude: latitude and longitude look swapped" in message
    assert "column event_date" not in message and "column event_type" not in message  # no echo
    assert message.count("\n  row ") == 4


def test_headerless_file_rows_counted_from_one(fixtures: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(
        fixtures / "ucdp_candidate_noheader.csv", header=None, dtype=str, keep_default_na=False
    )
    frame.iloc[1, UCDP_COLUMNS.index("latitude")] = "-95"
    with pytest.raises(
        SchemaError, match=r"row 2, column latitude: '-95' is below the minimum -90"
    ):
        read_ucdp_ged(_write(tmp_path, frame, header=False))


def test_acled_file_given_to_the_ucdp_reader(fixtures: Path) -> None:
    with pytest.raises(
        DataSourceError, match="looks like an ACLED export: read it with scamgeo.io.read_acled"
    ):
        read_ucdp_ged(fixtures / "acled_export.csv")


def test_unrelated_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("item,price\nrice,12\n")
    with pytest.raises(
        DataSourceError, match=r"not a UCDP GED file: .*the first row has 2 fields .* 49"
    ):
        read_ucdp_ged(path)


def test_empty_and_encoding(tmp_path: Path, fixtures: Path) -> None:
    empty = tmp_path / "ged.csv"
    empty.write_text("")
    with pytest.raises(DataSourceError, match="the file is empty"):
        read_ucdp_ged(empty)
    frame = _ged(fixtures)
    frame.loc[0, "where_description"] = "FIXTURE: près de la frontière"
    latin = tmp_path / "latin1.csv"
    frame.to_csv(latin, index=False, encoding="latin-1")
    with pytest.raises(DataSourceError, match="not utf-8 text"):
        read_ucdp_ged(latin)
    assert len(read_ucdp_ged(latin, encoding="latin-1")) == 5


# --- API ---------------------------------------------------------------------------


class FakeUcdp:
    """UCDP's gedevents endpoint: token header, pages via NextPageUrl."""

    def __init__(self, server: Any, rows: list[dict[str, Any]], version: str = "25.0.10") -> None:
        self.server, self.rows, self.version = server, rows, version
        self.fail: list[int] = []
        self.foreign_next = False
        server.route("GET", f"/api/gedevents/{version}", self.page)

    def page(self, req: Any) -> tuple[int, dict[str, str], bytes]:
        if self.fail:
            return json_reply({"message": "busy"}, self.fail.pop(0), {"Retry-After": "0"})
        if req.headers.get("x-ucdp-access-token") != TOKEN:
            return json_reply({"message": "Unauthorized: a valid token is required"}, 401)
        size, page = int(req.query["pagesize"][0]), int(req.query["page"][0])
        rows = self.rows
        if "Country" in req.query:
            wanted = {int(c) for c in req.query["Country"][0].split(",")}
            rows = [r for r in rows if int(r["country_id"]) in wanted]
        pages = max(1, -(-len(rows) // size))
        base = "https://elsewhere.example" if self.foreign_next else self.server.url
        nxt = (
            f"{base}/api/gedevents/{self.version}?pagesize={size}&page={page + 1}"
            if page + 1 < pages
            else ""
        )
        if "Country" in req.query and nxt:
            nxt += f"&Country={req.query['Country'][0]}"
        return json_reply(
            {
                "TotalCount": len(rows),
                "TotalPages": pages,
                "PreviousPageUrl": "",
                "NextPageUrl": nxt,
                "Result": rows[page * size : (page + 1) * size],
            }
        )


@pytest.fixture
def ucdp(server: Any, fixtures: Path) -> FakeUcdp:
    return FakeUcdp(server, json.loads((fixtures / "ucdp_api_rows.json").read_text()))


def client_for(server: Any, **kwargs: Any) -> UcdpClient:
    return UcdpClient(
        base_url=f"{server.url}/api",
        **{"page_size": 2, "max_retries": 2, "backoff_s": 0.0, **kwargs},
    )


def test_api_pages_token_and_snapshot(server, ucdp, monkeypatch, cache_dir: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("UCDP_API_TOKEN", TOKEN)
    events = fetch_ucdp_ged(
        version="25.0.10", countries="KHM", start="2025-01-01", client=client_for(server)
    )
    assert events["event_id"].tolist() == ["UCDP-990003", "UCDP-990004", "UCDP-990005"]
    hits = server.hits("/api/gedevents/25.0.10")
    assert [h.query["page"][0] for h in hits] == ["0", "1"]
    assert hits[0].query["Country"] == ["811"] and hits[0].query["StartDate"] == ["2025-01-01"]
    assert all(h.headers["x-ucdp-access-token"] == TOKEN for h in hits)
    snapshot = Path(events.attrs["source"]["snapshot"])
    meta = json.loads(snapshot.with_suffix(".json").read_text())
    assert meta["row_count"] == 3 and meta["version"] == "25.0.10" and "UCDP" in meta["attribution"]
    assert snapshot.parent == cache_dir / "ucdp"
    for text in (
        caplog.text,
        snapshot.read_text(),
        snapshot.with_suffix(".json").read_text(),
        repr(client_for(server)),
    ):
        assert TOKEN not in text
    n = len(server.requests)
    fetch_ucdp_ged(
        version="25.0.10", countries="KHM", start="2025-01-01", client=client_for(server)
    )
    assert len(server.requests) == n  # cached


def test_api_retries_then_fails(server, ucdp, monkeypatch) -> None:
    monkeypatch.setenv("UCDP_API_TOKEN", TOKEN)
    ucdp.fail = [429]
    assert len(client_for(server).fetch("25.0.10", {})) == 5
    ucdp.fail = [502, 502, 502]
    with pytest.raises(DataSourceError, match="HTTP 502 .*after 3 tries"):
        client_for(server).fetch("25.0.10", {})


def test_api_401_names_the_token_variable(server, ucdp, monkeypatch) -> None:
    monkeypatch.setenv("UCDP_API_TOKEN", "expired-token-value")
    with pytest.raises(DataSourceError) as err:
        client_for(server).fetch("25.0.10", {})
    assert "HTTP 401" in str(err.value) and "UCDP_API_TOKEN" in str(err.value)
    assert "expired-token-value" not in str(err.value)


def test_api_without_token(server, ucdp) -> None:
    with pytest.raises(DataSourceError, match="no access token. Set UCDP_API_TOKEN"):
        client_for(server).fetch("25.0.10", {})
    assert server.requests == []


def test_token_never_sent_to_another_host(server, ucdp, monkeypatch) -> None:
    monkeypatch.setenv("UCDP_API_TOKEN", TOKEN)
    ucdp.foreign_next = True
    with pytest.raises(DataSourceError, match="points to another host"):
        client_for(server).fetch("25.0.10", {})
    assert len(server.requests) == 1
