"""scamgeo.io.displacement: situation-report tables, IOM DTM, and HDX (stubbed hdx-python-api)."""

from __future__ import annotations

import hashlib
import json
import sys
import types
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scamgeo import DataSourceError, ParameterError, SchemaError
from scamgeo.io import (
    RowsLeftOut,
    fetch_hdx,
    load_hdx_displacement,
    read_displacement_table,
    read_dtm,
)
from scamgeo.schema import DISPLACEMENT

SOURCE = {"publisher": "Test Ministry (FIXTURE)", "source_url": "https://example.org/sitrep"}


def test_wide_table_people(fixtures: Path) -> None:
    table = read_displacement_table(
        fixtures / "displacement_wide_th.csv", metric="in_shelters", unit="people", **SOURCE
    )
    assert list(table.columns[: len(DISPLACEMENT.names)]) == DISPLACEMENT.names
    # 7 provinces x 4 dates, minus "-" and an empty cell; the Total row dropped
    assert len(table) == 26
    assert set(table["admin1_code"]) == {
        "TH-32",
        "TH-33",
        "TH-31",
        "TH-34",
        "TH-27",
        "TH-22",
        "TH-23",
    }
    assert (table["country"] == "THA").all() and (table["unit"] == "people").all()
    day = table[table["as_of"] == pd.Timestamp("2025-07-27")]
    assert day["value"].sum() == 173_624  # equals the report's own Total row
    surin = table[(table["admin1_code"] == "TH-32")].sort_values("as_of")["value"].tolist()
    assert surin == [12_840, 40_322, 60_110, 58_904]
    assert table["row_id"].is_unique and table["row_id"].iloc[0] == "displacement-wide-th-0001"


def test_wide_table_keep_totals(fixtures: Path) -> None:
    table = read_displacement_table(
        fixtures / "displacement_wide_th.csv",
        metric="in_shelters",
        unit="people",
        keep_totals=True,
        row_id_prefix="MOI",
        **SOURCE,
    )
    national = table[table["admin1"].isna()]
    assert national["value"].tolist() == [38_117, 124_113, 173_624, 169_107]
    assert national["admin1_code"].isna().all() and table["row_id"].str.startswith("MOI-").all()


def test_long_table_families_and_people(fixtures: Path) -> None:
    table = read_displacement_table(
        fixtures / "displacement_long_kh.csv", metric="displaced_total", **SOURCE
    )
    assert table["unit"].astype(str).value_counts().to_dict() == {"families": 7, "people": 6}
    oddar = table[(table["admin1_code"] == "KH-22") & (table["unit"] == "families")]
    assert oddar["value"].tolist() == [9_512, 12_870]  # "Oddar Meanchey" and "Otdar Mean Chey"
    assert (table["country"] == "KHM").all()  # found from the provinces
    assert table.loc[table["admin1"] == "Siem Reap", "notes"].iloc[0] == "people not reported"


def test_dates_in_rows_layout(fixtures: Path) -> None:
    table = read_displacement_table(
        fixtures / "displacement_by_date_kh.csv",
        metric="displaced_total",
        unit="families",
        country="KHM",
        **SOURCE,
    )
    assert len(table) == 12
    assert table.groupby("as_of")["value"].sum().tolist() == [13_845, 19_864, 22_975]
    assert table["as_of"].min() == pd.Timestamp("2025-12-10")


def test_excel_table(fixtures: Path, make_xlsx) -> None:
    path = make_xlsx(fixtures / "displacement_long_kh.csv", sheet="NCDM")
    table = read_displacement_table(path, metric="displaced_total", sheet="NCDM", **SOURCE)
    assert len(table) == 13
    with pytest.raises(ParameterError, match="sheet="):
        read_displacement_table(path, metric="displaced_total", sheet="nope", **SOURCE)


def test_required_parameters(fixtures: Path) -> None:
    path = fixtures / "displacement_wide_th.csv"
    with pytest.raises(ParameterError, match="metric= is required"):
        read_displacement_table(path, unit="people", **SOURCE)
    with pytest.raises(ParameterError, match="unit= is required"):
        read_displacement_table(path, metric="in_shelters", **SOURCE)
    with pytest.raises(ParameterError, match="source_url= is required"):
        read_displacement_table(path, metric="in_shelters", unit="people", publisher="x")
    with pytest.raises(ParameterError, match="metric='evacuees' is not allowed"):
        read_displacement_table(path, metric="evacuees", unit="people", **SOURCE)


def test_source_date_follows_the_date_argument_rules(fixtures: Path) -> None:
    path = fixtures / "displacement_wide_th.csv"
    options = {"metric": "in_shelters", "unit": "people", **SOURCE}
    table = read_displacement_table(path, source_date="2025-08-01", **options)
    assert len(table) == 26 and (table["source_date"] == pd.Timestamp("2025-08-01")).all()
    # read as 8 January before: day and month cannot be told apart
    with pytest.raises(ParameterError, match="source_date='01-08-2025' is not a date.*month-day"):
        read_displacement_table(path, source_date="01-08-2025", **options)
    with pytest.raises(ParameterError, match="numbers such as 20250701 are not read as dates"):
        read_displacement_table(path, source_date=20250801, **options)


def test_unknown_province_and_bad_cells(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / "displacement_wide_th.csv").read_text()
    text = text.replace("Buri Ram,", "Buriram Province,").replace("Sa Kaeo,850", "Sa Keo,850")
    text = text.replace('"40,322"', "forty").replace("2025-07-28", "28/07/2025")
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(SchemaError) as err:
        read_displacement_table(path, metric="in_shelters", unit="people", **SOURCE)
    message = str(err.value)
    assert "row 1, column 28/07/2025: header '28/07/2025' is not a date" in message
    assert "row 2, column 2025-07-26: 'forty' is not a whole number" in message
    assert (
        "row 6, column Province: 'Sa Keo' is not a Thai or Cambodian province (closest:" in message
    )
    assert "Buriram" not in message  # a known spelling


def test_dtm_table(fixtures: Path) -> None:
    with pytest.warns(RowsLeftOut, match=r"1 row\(s\) left out \(1 HXL hashtag rows .*: row 2\)"):
        dtm = read_dtm(fixtures / "dtm_admin1.csv")
    assert dtm["unit"].astype(str).value_counts().to_dict() == {"people": 4, "households": 4}
    people = dtm[dtm["unit"] == "people"]
    assert people["value"].sum() == 41_250 + 52_110 + 9_020 + 12_004
    assert people["admin1_code"].tolist() == ["KH-22", "KH-13", "KH-1", "KH-22"]  # from the p-codes
    assert (dtm["publisher"] == "IOM Displacement Tracking Matrix (DTM)").all()
    assert (dtm["source_url"] == "https://dtm.iom.int/").all()


def test_dtm_other_countries_and_old_rows_warned(fixtures: Path, tmp_path: Path) -> None:
    lines = (fixtures / "dtm_admin1.csv").read_text().splitlines()
    lines.append("99005,Myanmar (FIXTURE),Myanmar,MMR,Kayin,MMR003,1000,250,2025-08-05,1,Conflict")
    lines.append("99006,Cambodia (FIXTURE),Cambodia,KHM,Pursat,KH15,10,3,2024-08-05,1,Conflict")
    path = tmp_path / "dtm.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.warns(UserWarning) as record:
        dtm = read_dtm(path)
    messages = " ".join(str(w.message) for w in record)
    assert "Myanmar (1)" in messages and "outside the period" in messages
    assert len(dtm) == 8


def test_dtm_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "notdtm.csv"
    path.write_text("province,value\nSurin,1\n")
    with pytest.raises(SchemaError, match=r"missing column\(s\) for country, date, people"):
        read_dtm(path)


# --- HDX ------------------------------------------------------------------------------


def _stub_hdx(
    monkeypatch: pytest.MonkeyPatch, resources: list[dict[str, str]], calls: list[Any]
) -> None:
    """Install a minimal stand-in of hdx-python-api (the calls scamgeo makes)."""

    class ConfigurationError(Exception):
        pass

    class Configuration:
        created: dict[str, Any] | None = None

        @classmethod
        def read(cls) -> dict[str, Any]:
            if cls.created is None:
                raise ConfigurationError("There is no HDX configuration!")
            return cls.created

        @classmethod
        def create(cls, **kwargs: Any) -> None:
            calls.append(("create", kwargs))
            cls.created = kwargs

    class Dataset(dict):
        @classmethod
        def read_from_hdx(cls, name: str) -> Dataset | None:
            calls.append(("read_from_hdx", name))
            if name != "khm-border-displacement":
                return None
            return cls(
                name=name,
                title="Cambodia: border displacement (FIXTURE)",
                license_title="CC BY-IGO",
                organization={"title": "IOM (FIXTURE)"},
            )

        def get_resources(self) -> list[dict[str, str]]:
            return resources

    modules = {
        "hdx": types.ModuleType("hdx"),
        "hdx.api": types.ModuleType("hdx.api"),
        "hdx.api.configuration": types.ModuleType("hdx.api.configuration"),
        "hdx.data": types.ModuleType("hdx.data"),
        "hdx.data.dataset": types.ModuleType("hdx.data.dataset"),
    }
    modules["hdx.api.configuration"].Configuration = Configuration  # type: ignore[attr-defined]
    modules["hdx.data.dataset"].Dataset = Dataset  # type: ignore[attr-defined]
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)


def test_hdx_download_is_cached(server, fixtures: Path, monkeypatch, cache_dir: Path) -> None:
    body = (fixtures / "dtm_admin1.csv").read_bytes()
    server.route("GET", "/files/dtm_khm.csv", lambda req: (200, {"Content-Type": "text/csv"}, body))
    calls: list[Any] = []
    resources = [
        {"name": "dtm_khm.csv", "url": f"{server.url}/files/dtm_khm.csv"},
        {"name": "readme.pdf", "url": f"{server.url}/files/readme.pdf"},
    ]
    _stub_hdx(monkeypatch, resources, calls)
    with pytest.raises(
        ParameterError, match="has 2 resources; pass resource= one of 'dtm_khm.csv', 'readme.pdf'"
    ):
        fetch_hdx("khm-border-displacement", user_agent="scamgeo-tests")
    path = fetch_hdx("khm-border-displacement", resource="dtm_khm", user_agent="scamgeo-tests")
    assert path == cache_dir / "hdx" / "khm-border-displacement" / "dtm_khm.csv"
    assert path.read_bytes() == body
    assert calls[0] == (
        "create",
        {"hdx_site": "prod", "user_agent": "scamgeo-tests", "hdx_read_only": True},
    )
    assert server.hits("/files/dtm_khm.csv")[0].headers["User-Agent"] == "scamgeo-tests"
    meta = json.loads(path.with_name("dtm_khm.csv.meta.json").read_text())
    assert meta["sha256"] == hashlib.sha256(body).hexdigest() and meta["licence"] == "CC BY-IGO"
    assert (
        "IOM (FIXTURE)" in meta["attribution"]
        and "Humanitarian Data Exchange" in meta["attribution"]
    )
    # cached: no new HDX call, no new download
    n_calls, n_hits = len(calls), len(server.requests)
    with pytest.warns(RowsLeftOut, match="1 HXL hashtag rows"):
        table = load_hdx_displacement("khm-border-displacement", resource="dtm_khm.csv")
    assert len(calls) == n_calls and len(server.requests) == n_hits
    assert len(table) == 8 and table.attrs["attribution"] == meta["attribution"]
    fetch_hdx("khm-border-displacement", resource="dtm_khm.csv", refresh=True)
    assert len(server.requests) == n_hits + 1


def test_hdx_unknown_dataset_and_failed_download(server, monkeypatch) -> None:
    server.route("GET", "/files/gone.csv", lambda req: (404, {}, b"gone"))
    _stub_hdx(monkeypatch, [{"name": "gone.csv", "url": f"{server.url}/files/gone.csv"}], [])
    with pytest.raises(DataSourceError, match="no dataset called 'nope'"):
        fetch_hdx("nope")
    with pytest.raises(DataSourceError, match="HTTP 404"):
        fetch_hdx("khm-border-displacement")


def test_hdx_without_the_optional_package(monkeypatch) -> None:
    for name in ("hdx", "hdx.api", "hdx.api.configuration", "hdx.data", "hdx.data.dataset"):
        monkeypatch.setitem(sys.modules, name, None)  # makes the import fail
    with pytest.raises(DataSourceError, match=r"pip install hdx-python-api"):
        fetch_hdx("khm-border-displacement")


def test_wrong_files(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="not a DTM admin-1 table"):
        read_dtm(fixtures / "acled_export.csv")
    with pytest.raises(ParameterError, match="layout='auto' cannot read"):
        read_displacement_table(
            fixtures / "ucdp_ged.csv", metric="displaced_total", unit="people", **SOURCE
        )
    empty = tmp_path / "sitrep.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataSourceError, match="the file is empty .* expected a displacement table"):
        read_displacement_table(empty, metric="displaced_total", unit="people", **SOURCE)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "Province,2025-07-26\nSurin,12\nSi Sa Ket,7\n# note: données\n".encode("latin-1")
    )
    with pytest.raises(DataSourceError, match="not utf-8 text .*line 4"):
        read_displacement_table(latin, metric="displaced_total", unit="people", **SOURCE)


def test_hdx_network_failure_is_a_datasource_error(monkeypatch) -> None:
    _stub_hdx(monkeypatch, [], [])

    def broken(name: str) -> None:
        raise ConnectionError("HDX unreachable")

    monkeypatch.setattr(
        sys.modules["hdx.data.dataset"].Dataset, "read_from_hdx", staticmethod(broken)
    )
    with pytest.raises(
        DataSourceError, match="HDX: could not read the dataset 'x' .*HDX unreachable"
    ):
        fetch_hdx("x")


# --- IOM DTM as published: HDX global file (levels 0-2, many countries), API v2 JSON --------

GLOBAL = "dtm_hdx_global_admin0to2.csv"


def _plain_dtm(path: Path) -> pd.DataFrame:
    plain = pd.read_csv(path, skiprows=[1], dtype={"admin1Pcode": str})  # without the HXL row
    return plain


def test_dtm_global_file_reads_one_level_of_cambodia(fixtures: Path) -> None:
    with pytest.warns(RowsLeftOut) as record:
        dtm = read_dtm(fixtures / GLOBAL)
    message = str(record[0].message)
    assert "9 row(s) left out" in message and "Haiti (4)" in message
    assert "1 HXL hashtag rows (HDX's row of #tags under the header): row 2" in message
    assert "level 2 (3), level 0 (1)" in message
    plain = _plain_dtm(fixtures / GLOBAL)
    expected = plain[(plain["admin0Pcode"] == "KHM") & (plain["adminLevel"] == 1)]
    assert dtm["value"].tolist() == expected["numPresentIdpInd"].tolist()
    assert dtm["admin1_code"].tolist() == ["KH-22", "KH-13"]
    assert dtm["value"].sum() == 41_250 + 52_110  # not tripled by the national and district rows


def test_dtm_level_option(fixtures: Path) -> None:
    with pytest.warns(RowsLeftOut):
        national = read_dtm(fixtures / GLOBAL, level=0)
    assert national["value"].tolist() == [93_360] and national["admin1"].isna().all()
    with pytest.warns(RowsLeftOut):
        districts = read_dtm(fixtures / GLOBAL, level=2)
    plain = _plain_dtm(fixtures / GLOBAL)
    expected = plain[(plain["admin0Pcode"] == "KHM") & (plain["adminLevel"] == 2)]
    assert districts["value"].tolist() == expected["numPresentIdpInd"].tolist()
    assert districts["notes"].tolist() == [f"admin2: {n}" for n in expected["admin2Name"]]
    assert districts["admin1_code"].tolist() == ["KH-22", "KH-22", "KH-13"]
    with pytest.raises(ParameterError, match="level=3 is not allowed"):
        read_dtm(fixtures / GLOBAL, level=3)


def test_dtm_level_absent_is_refused(fixtures: Path) -> None:
    with pytest.raises(
        ParameterError, match=r"level=0 has no Thai or Cambodian rows .* levels there are 1"
    ):
        read_dtm(fixtures / "dtm_admin1.csv", level=0)


def test_dtm_api_v2_reply(fixtures: Path) -> None:
    dtm = read_dtm(fixtures / "dtm_api_v2_admin1_khm.json")
    reply = json.loads((fixtures / "dtm_api_v2_admin1_khm.json").read_text())["result"]
    assert dtm["value"].tolist() == [r["numPresentIdpInd"] for r in reply]
    assert dtm["admin1_code"].tolist() == ["KH-22", "KH-13", "KH-1"]
    assert (dtm["as_of"] == pd.Timestamp("2025-08-05")).all()


def test_dtm_large_global_file_leaves_other_countries_out(fixtures: Path, tmp_path: Path) -> None:
    """Other countries are left out before any name matching (timed in benchmarks/bench_io.py)."""
    lines = (fixtures / GLOBAL).read_text().splitlines()
    haiti = [line for line in lines[2:] if ",HTI," in line]
    cambodia = [line for line in lines[2:] if ",KHM," in line]
    path = tmp_path / "global.csv"
    path.write_text("\n".join(lines[:2] + haiti * 5_000 + cambodia) + "\n")  # 20,000 other rows
    with pytest.warns(RowsLeftOut, match=r"20,000 because the displacement schema"):
        dtm = read_dtm(path)
    assert dtm["admin1_code"].tolist() == ["KH-22", "KH-13"]


# --- HDX HAPI (issue 27) -------------------------------------------------------------------

HAPI_IDPS = "hdx_hapi_idps_global.csv"


def test_hdx_hapi_idp_table_reads_as_dtm_figures(fixtures: Path) -> None:
    path = fixtures / HAPI_IDPS
    with pytest.warns(RowsLeftOut) as record:
        dtm = read_dtm(path)
    message = str(record[0].message)
    assert "3 row(s) left out" in message and "AFG (1)" in message and "level 2 (1)" in message
    assert "1 HXL hashtag rows (HDX's row of #tags under the header): row 2" in message
    plain = pd.read_csv(path, skiprows=[1], dtype=str)
    expected = plain[(plain["location_code"] == "KHM") & plain["admin2_code"].str.endswith("XXX")]
    assert dtm["value"].tolist() == expected["population"].astype(int).tolist()
    assert dtm["admin1_code"].tolist() == ["KH-22", "KH-1"]  # from HAPI's COD p-codes
    assert (
        dtm["as_of"].dt.strftime("%Y-%m-%d").tolist() == expected["reference_period_end"].tolist()
    )
    assert set(dtm["unit"]) == {"people"} and set(dtm["metric"]) == {"displaced_total"}
    with pytest.warns(RowsLeftOut):
        districts = read_dtm(path, level=2)
    assert districts["value"].tolist() == [15_300]
    assert districts["notes"].tolist() == ["admin2: Krong Samraong"]


def test_hdx_hapi_returnees_table_is_refused_with_what_to_do(fixtures: Path) -> None:
    with pytest.raises(DataSourceError, match=r"HDX HAPI returnees table: refugees returning"):
        read_dtm(fixtures / "hdx_hapi_returnees_global.csv")
