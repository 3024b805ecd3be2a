"""The curated tables: sizes, provenance, vocabularies, ranges, and schema errors."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import scamgeo
from scamgeo import config, datasets, schema

URL = re.compile(r"^https?://[^\s]+\.[^\s]+$")
LOADERS = {
    "events": datasets.events,
    "sites": datasets.sites,
    "displacement": datasets.displacement,
    "timeline": datasets.timeline,
    "tallies": datasets.tallies,
    "scam_figures": datasets.scam_figures,
    "site_status": datasets.site_status,
}
MIN_ROWS = {
    "events": 150,
    "sites": 40,
    "displacement": 80,
    "timeline": 30,
    "tallies": 60,
    "scam_figures": 30,
    "site_status": 50,
}


@pytest.mark.parametrize("name", list(LOADERS))
def test_table_loads_with_enough_rows(name):
    table = LOADERS[name]()
    assert len(table) >= MIN_ROWS[name]
    key = schema.CURATED[name].key
    assert table[key].is_unique


@pytest.mark.parametrize("name", list(LOADERS))
def test_every_row_is_sourced(name):
    table = LOADERS[name]()
    publisher = "source" if "source" in table.columns else "publisher"
    assert table[publisher].notna().all()
    assert table[publisher].str.len().min() >= 2
    urls = table["source_url"]
    assert urls.notna().all(), f"{name}: rows without source_url"
    assert urls.str.match(URL).all()
    assert not urls.str.contains("javascript:", case=False).any()


@pytest.mark.parametrize("name", list(LOADERS))
def test_categorical_columns_use_their_vocabularies(name):
    table = LOADERS[name]()
    for col in schema.CURATED[name].columns:
        if col.kind == "category":
            values = set(table[col.name].dropna().astype(str))
            assert values <= set(col.choices), (col.name, values - set(col.choices))
            assert isinstance(table[col.name].dtype, pd.CategoricalDtype)


@pytest.mark.parametrize("name", list(LOADERS))
def test_dates_are_dates_inside_documented_range(name):
    table = LOADERS[name]()
    for col in schema.CURATED[name].columns:
        if col.kind == "date" and col.name in table.columns:
            assert pd.api.types.is_datetime64_any_dtype(table[col.name])
            values = table[col.name].dropna()
            if col.min:
                assert (values >= pd.Timestamp(col.min)).all()
            if col.max:
                assert (values <= pd.Timestamp(col.max)).all()


def test_notes_are_short():
    for name in ("events", "sites"):
        notes = LOADERS[name]()["notes"].dropna()
        assert notes.str.len().max() <= 300, name


def test_events_in_war_period_and_schema():
    ev = datasets.events()
    assert isinstance(ev, gpd.GeoDataFrame) and ev.crs.to_epsg() == 4326
    assert ev["event_date"].min() >= pd.Timestamp("2025-05-28")
    assert set(ev["country"].dropna().astype(str)) <= {"THA", "KHM"}
    assert (ev["dataset"] == "scamgeo").all()
    # every Thai/Cambodian province name resolves to an ISO code
    named = ev["admin1"].notna()
    assert ev.loc[named, "admin1_code"].notna().all()
    # ACLED pairing of event and sub-event types
    assert all(
        schema.SUB_EVENT_TYPES[s] == e
        for s, e in zip(ev["sub_event_type"], ev["event_type"], strict=True)
    )


def test_event_coordinates_inside_thailand_cambodia_or_near_border():
    ev = datasets.events()
    # rows without coordinates (new rows awaiting a gazetteer place) load as NaN points
    located = ev[ev["latitude"].notna() & ev["longitude"].notna()]
    assert len(located) >= 0.9 * len(ev)
    land = datasets.countries().set_index("iso3").loc[["THA", "KHM"]].geometry.union_all()
    border = datasets.border().to_crs(config.METRIC_CRS).geometry.iloc[0]
    inside = located.geometry.within(land)
    near = located.to_crs(config.METRIC_CRS).distance(border) <= 5_000
    exceptions = located[~(inside | near)]
    # any exception must say why in location_note
    assert exceptions["location_note"].notna().all(), exceptions[
        ["event_id", "location"]
    ].to_string()


@pytest.mark.parametrize("name", ["events", "sites"])
def test_coordinates_inside_region(name):
    table = LOADERS[name]()
    xmin, ymin, xmax, ymax = config.BBOX
    coords = table.dropna(subset=["latitude", "longitude"])
    assert coords["longitude"].between(xmin, xmax).all()
    assert coords["latitude"].between(ymin, ymax).all()


def test_approximate_coordinates_are_flagged():
    ev = datasets.events()
    approx = ev[ev["geo_precision"] > 1]
    assert approx["geo_precision"].notna().all()
    sites = datasets.sites()
    coarse = sites[(sites["location_precision"] > 1) | sites["latitude"].isna()]
    assert coarse["location_note"].notna().all()


def test_sites_cover_the_hubs_and_crossings():
    sites = datasets.sites()
    text = (sites["name"] + " " + sites["aliases"].fillna("")).str.lower()
    for wanted in [
        "poipet",
        "o'smach",
        "bavet",
        "cham yeam",
        "pailin",
        "thmor da",
        "sihanoukville",
        "kk park",
        "shwe kokko",
        "golden triangle",
        "chong chom",
        "hat lek",
        "chong sa-ngam",
        "chong an ma",
    ]:
        assert text.str.contains(wanted, regex=False).any(), wanted
    assert len(datasets.sites("casino_hub")) >= 5
    with pytest.raises(scamgeo.ParameterError, match="casino_hub"):
        datasets.sites("casino-hub")


def test_timeline_phases_each_once_in_order():
    tl = datasets.timeline()
    starts = tl.dropna(subset=["phase_starts"])
    assert starts["phase_starts"].astype(str).tolist() == list(config.PHASES[1:])
    assert starts["date"].is_monotonic_increasing
    assert tl["label"].str.len().max() <= 40


def test_displacement_metrics_not_merged():
    dp = datasets.displacement()
    assert {"in_shelters", "displaced_total"} <= set(dp["metric"].astype(str))
    # province rows carry ISO codes consistent with their names
    prov = dp.dropna(subset=["admin1"])
    assert prov["admin1_code"].notna().all()
    assert (
        prov["admin1_code"].str[:2].map({"TH": "THA", "KH": "KHM"}) == prov["country"].astype(str)
    ).all()


def test_tallies_keep_both_sides_claims():
    t = datasets.tallies()
    assert {"THA", "KHM"} <= set(t["claimed_by"].astype(str))
    # some figure about Cambodian losses claimed by Thailand, and vice versa kept apart
    assert ((t["side"] == "KHM") & (t["claimed_by"] == "THA")).any()


def test_scam_figures_ranges_not_averaged():
    sf = datasets.scam_figures()
    ranged = sf.dropna(subset=["low", "high"])
    assert len(ranged) >= 1
    assert ranged["value"].isna().all()
    assert (ranged["high"] >= ranged["low"]).all()
    unodc = sf[(sf["publisher"] == "UNODC") & (sf["indicator"] == "losses")]
    assert ((unodc["low"] == 18e9) & (unodc["high"] == 37e9)).any()


def test_sources_lists_each_url_once():
    src = datasets.sources()
    assert src["source_url"].is_unique
    assert len(src) >= 100
    assert src["rows"].sum() >= sum(MIN_ROWS.values())


# --- broken copies are rejected with clear messages ---------------------------


def _copy(name: str, tmp_path: Path) -> tuple[pd.DataFrame, Path]:
    raw = pd.read_csv(config.data_dir / "curated" / f"{name}.csv", dtype=str, keep_default_na=False)
    return raw, tmp_path / f"{name}.csv"


@pytest.mark.parametrize("name", list(LOADERS))
def test_schema_rejects_missing_column(name, tmp_path):
    raw, path = _copy(name, tmp_path)
    sch = schema.CURATED[name]
    dropped = [c for c in sch.required if c != sch.key][:2]
    raw.drop(columns=dropped).to_csv(path, index=False)
    with pytest.raises(scamgeo.SchemaError) as err:
        datasets.read_table(path, sch)
    msg = str(err.value)
    assert str(path) in msg
    for col in dropped:
        assert col in msg


@pytest.mark.parametrize("name", list(LOADERS))
def test_schema_rejects_bad_date(name, tmp_path):
    raw, path = _copy(name, tmp_path)
    sch = schema.CURATED[name]
    dates = [c for c in sch.columns if c.kind == "date"]
    date_col = next((c.name for c in dates if not c.nullable), dates[0].name)
    raw.loc[3, date_col] = "31/02/2025"
    raw.to_csv(path, index=False)
    with pytest.raises(scamgeo.SchemaError) as err:
        datasets.read_table(path, sch)
    assert f"row 5, column {date_col}: '31/02/2025' is not a date" in str(err.value)


@pytest.mark.parametrize("name", ["events", "sites"])
def test_schema_rejects_latitude_200(name, tmp_path):
    raw, path = _copy(name, tmp_path)
    raw.loc[0, "latitude"] = "200"
    raw.to_csv(path, index=False)
    with pytest.raises(
        scamgeo.SchemaError, match=r"row 2, column latitude: '200' is above the maximum 90"
    ):
        datasets.read_table(path, schema.CURATED[name])


def test_schema_rejects_unknown_category_and_duplicate_id(tmp_path):
    raw, path = _copy("events", tmp_path)
    raw.loc[1, "event_type"] = "Skirmish"
    raw.loc[2, "event_id"] = raw.loc[0, "event_id"]
    raw.to_csv(path, index=False)
    with pytest.raises(scamgeo.SchemaError) as err:
        datasets.read_table(path, schema.EVENTS)
    msg = str(err.value)
    assert "row 3, column event_type: 'Skirmish' is not one of" in msg
    assert "duplicate event_id" in msg


def test_schema_reports_swapped_coordinates(tmp_path):
    raw, path = _copy("gazetteer", tmp_path)
    lat, lon = raw.loc[0, "latitude"], raw.loc[0, "longitude"]
    raw.loc[0, "latitude"], raw.loc[0, "longitude"] = lon, lat
    raw.to_csv(path, index=False)
    with pytest.raises(
        scamgeo.SchemaError, match="row 2, column latitude: latitude and longitude look swapped"
    ):
        datasets.read_table(path, schema.GAZETTEER)


def test_unreadable_file_is_a_data_source_error(tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("site_id,name\nx,Pa\xefl\n".encode("latin-1"))
    with pytest.raises(scamgeo.DataSourceError, match="not UTF-8"):
        datasets.read_table(bad, schema.SITES)
    with pytest.raises(scamgeo.DataSourceError, match="no such file"):
        datasets.read_table(tmp_path / "nope.csv", schema.SITES)


def test_unknown_province_named_with_line(tmp_path, monkeypatch):
    raw, path = _copy("displacement", tmp_path)
    row = raw.index[raw["admin1"] != ""][0]
    raw.loc[row, "admin1"] = "Surinn"
    raw.loc[row, "admin1_code"] = ""
    raw.to_csv(path, index=False)
    from scamgeo import _curated

    monkeypatch.setattr(_curated, "curated_path", lambda name: path)
    _curated.curated.cache_clear()
    try:
        with pytest.raises(
            scamgeo.SchemaError, match=rf"row {row + 2}, column admin1: 'Surinn' is not a province"
        ):
            datasets.displacement()
    finally:
        _curated.curated.cache_clear()


def test_geometry_matches_coordinates():
    s = datasets.sites().dropna(subset=["latitude"])
    assert shapely.get_x(s.geometry.to_numpy()).tolist() == pytest.approx(s["longitude"].tolist())


# --- counting semantics: stocks and flows, scopes, mirrors (issue 10) --------

STAGING = re.compile(r"^https?://(test\.|dev\.|stg-|pre\.|beta-|api\.|demo\.|poc\.)", re.IGNORECASE)


def test_displacement_rows_carry_measure_and_counting_body():
    dp = datasets.displacement()
    assert dp["measure"].notna().all()
    assert dp["counting_body"].notna().all() and (dp["counting_body"].str.len() >= 3).all()
    flows = dp[dp["measure"] == "flow"]
    stocks = dp[dp["measure"] == "stock"]
    assert len(flows) >= 30 and len(stocks) >= 130
    assert flows[["period_start", "period_end"]].notna().all().all()
    assert (flows["period_start"] <= flows["period_end"]).all()
    assert (flows["period_end"] <= flows["as_of"]).all()
    assert stocks[["period_start", "period_end"]].isna().all().all()
    # only movements can be flows; people displaced, sheltered or remaining are always stocks
    assert set(flows["metric"].astype(str)) <= {"evacuated", "returned", "displaced_combined"}
    # cumulative returns are a stock of returnees, 24-hour returns a flow
    returned = dp[(dp["metric"] == "returned") & (dp["country"] == "KHM") & dp["admin1"].isna()]
    assert set(returned["measure"].astype(str)) == {"stock", "flow"}
    one_day = returned[returned["as_of"] == "2026-01-20"].set_index("measure")["value"]
    assert one_day["stock"] == 520000 and one_day["flow"] == 5551


def test_no_flow_in_a_stock_series():
    dp = datasets.displacement()
    keys = ["country", "admin1", "metric", "unit", "counting_body"]
    grouped = dp.groupby(keys, dropna=False, observed=True)["measure"].nunique()
    mixed = grouped[grouped > 1].reset_index()
    # where one body reports both, it is movements (returns, evacuations), never a stock metric
    assert set(mixed["metric"].astype(str)) <= {"returned", "evacuated", "displaced_combined"}
    for metric in ("in_shelters", "displaced_total", "remaining"):
        assert (dp.loc[dp["metric"] == metric, "measure"] == "stock").all(), metric


def test_displacement_combined_totals_stand_apart():
    dp = datasets.displacement()
    both = dp[dp["country"] == "both"]
    assert (both["metric"] == "displaced_combined").all()
    assert (dp.loc[dp["metric"] == "displaced_combined", "country"] == "both").all()
    assert both["admin1"].isna().all()
    assert len(both) >= 5
    assert {300000, 800000, 1000000} <= set(both["value"].tolist())


def test_displacement_audited_rows_fixed():
    dp = datasets.displacement().set_index("row_id")
    assert dp.loc["D0093", "value"] == 101229
    assert dp.loc["D0093", "metric"] == "evacuated"
    assert "D0120" not in dp.index  # 525,000 on 15 Dec: unverifiable outlier, dropped


def test_tallies_scope_and_separate_civilian_deaths():
    t = datasets.tallies()
    assert t["scope"].notna().all()
    assert (t["scope"] == "incident").sum() >= 15
    assert t.loc[t["scope"] == "cumulative", "incident_id"].isna().all()
    by_id = t.set_index("tally_id")
    assert by_id.loc["T0068", "category"] == "civilians_killed_combined"
    assert by_id.loc["T0074", "category"] == "civilians_killed_combined"
    assert str(by_id.loc["T0028", "as_of"].date()) == "2025-07-27"
    assert str(by_id.loc["T0086", "as_of"].date()) == "2025-12-17"
    # December Thai civilians_killed rows are direct deaths only (Thailand reported one)
    dec = t[(t["phase"] == "december_war") & (t["side"] == "THA")]
    assert dec.loc[dec["category"] == "civilians_killed", "value"].max() == 1
    assert dec.loc[dec["category"] == "civilians_killed_indirect", "value"].max() == 44


def test_scam_figures_report_range_not_paraphrase():
    f008 = datasets.scam_figures().set_index("figure_id").loc["F008"]
    assert (f008["low"], f008["high"]) == (12.5e9, 19e9)


@pytest.mark.parametrize(
    "name",
    ["displacement", "tallies", "scam_figures", "timeline", "sites", "site_status", "events"],
)
def test_staging_hosts_are_replaced_or_flagged(name):
    table = LOADERS[name]()
    flagged = table["source_is_mirror"].fillna(False).astype(bool)
    staging = table["source_url"].str.match(STAGING)
    assert not (staging & ~flagged).any()
    assert not table["source_url_2"].fillna("").str.match(STAGING).any()


def test_schema_rejects_flow_without_period_and_misplaced_both(tmp_path):
    raw, path = _copy("displacement", tmp_path)
    flow = raw.index[raw["measure"] == "flow"][0]
    stock = raw.index[raw["measure"] == "stock"][0]
    raw.loc[flow, "period_end"] = ""
    raw.loc[stock, "country"] = "both"
    raw.to_csv(path, index=False)
    with pytest.raises(scamgeo.SchemaError) as err:
        datasets.read_table(path, schema.DISPLACEMENT)
    msg = str(err.value)
    assert f"row {flow + 2}, column period_start: a flow needs period_start and period_end" in msg
    assert f"row {stock + 2}, column country: country 'both' is only allowed" in msg


def test_schema_rejects_incident_id_on_cumulative_tally(tmp_path):
    raw, path = _copy("tallies", tmp_path)
    row = raw.index[raw["scope"] == "cumulative"][0]
    raw.loc[row, "incident_id"] = "SG-I0001"
    raw.to_csv(path, index=False)
    with pytest.raises(
        scamgeo.SchemaError,
        match=rf"row {row + 2}, column incident_id: a cumulative figure refers to no single incident",
    ):
        datasets.read_table(path, schema.TALLIES)


def test_figures_carry_their_hedge():
    """Every hedged figure says so in ``qualifier``; the exact ones leave it empty."""
    from scamgeo.schema._rules import hedge_of

    for loader, text in ((datasets.displacement, "notes"), (datasets.tallies, "notes")):
        table = loader()
        assert set(table["qualifier"].dropna().astype(str)) <= set(schema.QUALIFIERS)
        said = [hedge_of(n, v) for n, v in zip(table[text], table["value"], strict=True)]
        assert [s or None for s in said] == [
            None if pd.isna(q) else str(q) for q in table["qualifier"]
        ]
    disp = datasets.displacement()
    assert disp["qualifier"].notna().sum() >= 40


def test_hedge_of_reads_the_rows_own_figure():
    from scamgeo.schema._rules import hedge_of

    assert hedge_of("About 300,000 refugees (140,000 Cambodian)", 300000) == "about"
    assert hedge_of("About 300,000 refugees (140,000 Cambodian)", 140000) is None
    assert hedge_of("Over 22,000 IDPs still in camps", 22000) == "more than"
    assert hedge_of("over three weeks of fighting", 3) is None
    assert hedge_of("Up to 80,000 evacuees", 80000) == "up to"
    assert hedge_of("foreigners detained (at least)", 5) == "at least"
    assert hedge_of("given as nearly a million", 1_000_000) == "nearly"
    assert hedge_of("'Over US$2bn' in losses", 2e9) is None  # "2bn" is not written as a number
    assert hedge_of(None, 5) is None


def test_catalogue_and_sources_cover_site_status():
    cat = datasets.catalogue().set_index("table")
    assert int(cat.loc["site_status", "rows"]) == len(datasets.site_status())
    src = datasets.sources()
    cited = src[src["tables"].str.contains("site_status")]
    assert len(cited) >= 30 and cited["source_date"].notna().sum() >= 20
