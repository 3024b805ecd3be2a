"""The record's geography and counting: gazetteer, placement rules, incidents (issue 10)."""

from __future__ import annotations

import pandas as pd
import pytest

from scamgeo import SchemaError, config, datasets, schema
from scamgeo import _errors as scamgeo_errors
from scamgeo._record import (
    BORDER_TOLERANCE_KM,
    PRECISION_UNCERTAINTY_M,
    incident_keys,
    incidents_table,
    one_row_per_incident,
)

CURATED = config.data_dir / "curated"


def _write(df: pd.DataFrame, path) -> str:
    df.to_csv(path, index=False, lineterminator="\n")
    return str(path)


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(CURATED / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])


# --- the embedded record obeys the rules ---------------------------------------------


def test_embedded_record_passes_the_placement_rules():
    counts = datasets.check_record()
    assert counts["events"] == len(datasets.events())
    assert counts["sites"] == len(datasets.sites())
    assert counts["gazetteer"] == len(datasets.gazetteer()) >= 60


def test_every_gazetteer_row_has_a_coordinate_source_url_and_uncertainty():
    gaz = datasets.gazetteer()
    assert gaz["coord_source"].str.match(r"^https?://").all()
    assert gaz["coord_publisher"].notna().all()
    assert (gaz["uncertainty_m"] > 0).all()
    stand_ins = gaz[gaz["coord_method"] == "stand_in"]
    assert stand_ins["notes"].notna().all()


def test_one_point_per_named_place():
    events = datasets.events()
    placed = events.dropna(subset=["place_id"])
    points = placed.groupby("place_id")[["latitude", "longitude"]].nunique()
    assert (points <= 1).all().all()
    gaz = datasets.gazetteer()
    for place_id, row in placed.groupby("place_id").first().iterrows():
        assert row["latitude"] == pytest.approx(gaz.loc[place_id, "latitude"])
    # most events are placed at a named gazetteer place, not at free coordinates
    assert events["place_id"].notna().mean() > 0.9


def test_no_event_lies_deep_in_the_other_country():
    """Measured directly on the polygons, with the line's measured accuracy (0.5 km)."""
    events = datasets.events().dropna(subset=["latitude"])
    events = events[events["country"].isin(["THA", "KHM"]) & (events["place_side"] != "disputed")]
    countries = datasets.countries().set_index("iso3").to_crs(config.METRIC_CRS)
    border = datasets.border().to_crs(config.METRIC_CRS).geometry.iloc[0]
    pts = events.to_crs(config.METRIC_CRS)
    for iso, other in (("THA", "KHM"), ("KHM", "THA")):
        mine = pts[pts["country"] == iso]
        inside = mine[mine.within(countries.geometry.loc[other])]
        deep = inside.distance(border) / 1000 > BORDER_TOLERANCE_KM
        assert not deep.any(), inside.loc[deep, ["event_id", "location"]].to_string()


def test_border_tolerance_is_what_the_line_allows():
    # 3 km while the line was Natural Earth's 1:10m; the OSM line is within 0.31 km of
    # every stated gate, so anything over 1 km would hide a misplaced point
    assert BORDER_TOLERANCE_KM == 0.5


def test_landmark_temples_events_sit_at_the_temples():
    gaz = datasets.gazetteer(kind="temple")
    events = datasets.events()
    temples = {
        "Preah Vihear Temple": "preah-vihear-temple",
        "Prasat Ta Muen Thom": "ta-muen-thom-temple",
        "Prasat Ta Kwai": "ta-krabey-temple",
    }
    for location, place_id in temples.items():
        assert gaz.loc[place_id, "coord_method"] == "stated"
        assert gaz.loc[place_id, "uncertainty_m"] <= 500
        rows = events[events["location"].str.fullmatch(rf"{location}( \(.*\))?")]
        assert len(rows) >= 3, location
        assert (rows["place_id"] == place_id).all(), rows[["event_id", "place_id"]].to_string()


# --- incidents and claims ------------------------------------------------------------


def test_every_curated_event_belongs_to_an_incident():
    events = datasets.events()
    assert events["incident_id"].notna().all()
    assert events["incident_id"].str.match(r"^SG-I\d{4}$").all()


def test_poipet_strike_of_18_december_is_one_incident_with_two_claims():
    events = datasets.events()
    poipet = events[
        (events["event_date"] == "2025-12-18") & events["location"].str.contains("Poipet")
    ]
    assert set(poipet["claimed_by"].dropna()) >= {"THA", "KHM"}
    assert poipet["incident_id"].nunique() == 1
    incidents = datasets.incidents().set_index("incident_id")
    one = incidents.loc[poipet["incident_id"].iloc[0]]
    assert one["n_claims"] == len(poipet) >= 2
    assert one["notes_tha"] and one["notes_khm"]


def test_incidents_count_each_incident_once():
    events = datasets.events()
    incidents = datasets.incidents()
    assert len(incidents) == events["incident_id"].nunique()
    assert incidents["n_claims"].sum() == len(events)
    assert (incidents["n_claims"] > 1).sum() >= 4


def test_one_rule_places_and_dates_an_incident_everywhere():
    """incidents_table and one_row_per_incident fold claims by the same representative claim."""
    claims = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "incident_id": ["I1", "I1", "I1", None],
            "event_date": pd.to_datetime(["2025-12-09", "2025-12-08", "2025-12-10", "2025-12-11"]),
            "latitude": [14.1, None, 14.3, 13.0],
            "longitude": [103.1, None, 103.3, 102.5],
            "uncertainty_m": [2000, None, 4000, 1000],
            "fatalities": [3, 5, None, None],
            "claimed_by": ["THA", "KHM", "THA", None],
            "country": ["THA", "KHM", "THA", "KHM"],
            "location": ["Ta Muen", "Ta Moan", "Ta Kwai", "Poipet"],
            "event_type": ["Battles"] * 4,
            "sub_event_type": ["Armed clash"] * 4,
            "notes": ["n1", "n2", "n3", "n4"],
            "source_url": ["u1", "u2", "u1", "u4"],
            "place_id": ["ta-muen", "ta-moan", "ta-kwai", "poipet"],
        }
    )
    folded = one_row_per_incident(claims).set_index("event_id")
    table = incidents_table(claims).set_index("incident_id")
    # I1: the earliest claim (b, 8 Dec) has no point; the earliest located one (a) stands for it
    assert folded.index.tolist() == ["a", "d"]
    assert str(folded.loc["a", "event_date"].date()) == "2025-12-08"  # the incident's first day
    assert folded.loc["a", "fatalities"] == 5  # the highest claim, never the sum
    assert folded.loc["a", "n_claims"] == 3
    one = table.loc["I1"]
    assert (one["latitude"], one["location"], one["uncertainty_m"]) == (14.1, "Ta Muen", 2000)
    assert str(one["event_date"].date()) == "2025-12-08"
    assert one["claimed_by"] == "KHM; THA" and one["event_ids"] == "b; a; c"
    assert one["fatalities_tha"] == 3 and one["fatalities_khm"] == 5
    assert pd.isna(one["fatalities_both"]) and one["source_url_tha"] == "u1"
    assert one["notes_tha"] == "n1; n3" and one["country"] == "KHM; THA"
    assert table.loc["d", "claimed_by"] == "undisputed" and table.loc["d", "n_claims"] == 1
    assert incidents_table(claims.iloc[:0]).columns.tolist() == table.reset_index().columns.tolist()


def test_incidents_are_kept_and_handed_out_as_copies():
    first = datasets.incidents()
    first["n_claims"] = 0
    assert datasets.incidents()["n_claims"].sum() == len(datasets.events())


def test_rows_without_incident_id_are_their_own_incident():
    frame = pd.DataFrame({"event_id": ["a", "b", "c"], "incident_id": ["I1", None, "I1"]})
    assert incident_keys(frame).tolist() == ["I1", "b", "I1"]
    assert incident_keys(frame.drop(columns="incident_id")).tolist() == ["a", "b", "c"]


def test_casualty_columns_use_their_vocabularies():
    events = datasets.events()
    assert set(events["victims_side"].dropna()) <= set(schema.VICTIM_SIDES)
    assert set(events["victim_type"].dropna()) <= set(schema.VICTIM_TYPES)
    killed = events[events["fatalities"].fillna(0) > 0]
    assert killed["victims_side"].notna().all(), killed[["event_id", "notes"]].to_string()


def test_uncertainty_is_sourced_for_every_located_event():
    events = datasets.events().dropna(subset=["latitude"])
    assert events["uncertainty_m"].notna().all()
    assert set(events["uncertainty_source"]) <= {"gazetteer", "row", "precision_code"}
    by_code = events[events["uncertainty_source"] == "precision_code"]
    expected = by_code["geo_precision"].map(PRECISION_UNCERTAINTY_M)
    assert (by_code["uncertainty_m"] == expected).all()


# --- broken copies are refused, naming the row -------------------------------------------


@pytest.fixture
def copies(tmp_path):
    return {
        "events": _raw("events"),
        "sites": _raw("sites"),
        "gazetteer": _raw("gazetteer"),
        "dir": tmp_path,
    }


def _check(copies) -> None:
    d = copies["dir"]
    datasets.check_record(
        events=_write(copies["events"], d / "events.csv"),
        sites=_write(copies["sites"], d / "sites.csv"),
        gazetteer=_write(copies["gazetteer"], d / "gazetteer.csv"),
    )


def test_unchanged_copies_pass(copies):
    _check(copies)


def test_thai_event_30_km_inside_cambodia_is_refused(copies):
    events = copies["events"]
    pos = int(events.index[events["country"] == "THA"][0])
    events.loc[pos, ["place_id", "latitude", "longitude", "uncertainty_m"]] = [
        None,
        "13.9",  # about 30 km inside Cambodia, north of Sisophon
        "103.05",
        "1000",
    ]
    with pytest.raises(
        SchemaError, match=rf"row {pos + 2}, column latitude: point lies .* inside KHM"
    ):
        _check(copies)


def _inside(iso: str, km: float, near: tuple[float, float]) -> tuple[str, str]:
    """A point ``km`` inside country ``iso`` by the embedded line, nearest ``near`` (lon, lat)."""
    import geopandas as gpd
    import shapely

    metric = config.METRIC_CRS
    line = datasets.border().to_crs(metric).geometry.iloc[0]
    country = datasets.countries().set_index("iso3").to_crs(metric).geometry[iso]
    start = gpd.GeoSeries([shapely.Point(*near)], crs=4326).to_crs(metric).iloc[0]
    ring = country.intersection(line.buffer(km * 1000 + 20).difference(line.buffer(km * 1000)))
    pt = shapely.ops.nearest_points(ring, start)[0]
    back = gpd.GeoSeries([pt], crs=metric).to_crs(4326).iloc[0]
    return f"{back.y:.6f}", f"{back.x:.6f}"


@pytest.mark.parametrize(("km", "refused"), [(0.3, False), (0.8, True)])
def test_thai_event_just_inside_cambodia_is_judged_by_the_tolerance(copies, km, refused):
    import shapely.ops  # noqa: F401  (nearest_points)

    events = copies["events"]
    pos = int(events.index[events["country"] == "THA"][0])
    lat, lon = _inside("KHM", km, (102.56, 13.66))  # beside the Poipet gate
    events.loc[pos, ["place_id", "latitude", "longitude", "uncertainty_m"]] = [
        None,
        lat,
        lon,
        "100",
    ]
    if refused:
        with pytest.raises(
            SchemaError, match=rf"row {pos + 2}, column latitude: point lies 0\.8 km inside KHM"
        ):
            _check(copies)
    else:
        _check(copies)


def test_row_naming_a_place_with_another_point_is_refused(copies):
    events = copies["events"]
    placed = events.index[events["place_id"].notna()]
    pos = int(placed[0])
    place = events.loc[pos, "place_id"]
    events.loc[pos, ["latitude", "longitude"]] = ["14.0", "103.0"]
    with pytest.raises(SchemaError, match=rf"row {pos + 2}.*names place {place!r} but carries"):
        _check(copies)


def test_unknown_place_id_is_refused(copies):
    copies["events"].loc[3, "place_id"] = "atlantis"
    with pytest.raises(SchemaError, match=r"row 5, column place_id: place_id 'atlantis' is not"):
        _check(copies)


def test_gazetteer_row_without_coordinate_source_is_refused(copies):
    copies["gazetteer"].loc[0, "coord_source"] = None
    with pytest.raises(SchemaError, match=r"row 2, column coord_source: empty"):
        _check(copies)


def test_place_on_the_wrong_side_for_its_rows_is_refused(copies):
    gaz = copies["gazetteer"]
    events = copies["events"]
    thai = gaz[gaz["side"] == "THA"]["place_id"]
    used = events[events["place_id"].isin(thai)]
    pos = int(used.index[0])
    events.loc[pos, "country"] = "KHM"
    with pytest.raises(SchemaError, match=rf"row {pos + 2}, column country: place .* lies in THA"):
        _check(copies)


def test_daily_counts_count_incidents_unless_asked_for_claims():
    from scamgeo import stats

    events = datasets.events()
    incidents = stats.daily_counts(events)
    claims = stats.daily_counts(events, count="claims")
    assert incidents.attrs["count"] == "incidents" and claims.attrs["count"] == "claims"
    assert claims["claims"].sum() == len(events)
    assert incidents["incidents"].sum() == events["incident_id"].nunique() < len(events)
    # 18 Dec 2025: the Poipet strike claimed by both sides is one incident that day
    day = "2025-12-18"
    on_day = events[events["event_date"] == day]
    assert incidents.set_index("date").loc[day, "incidents"] == on_day["incident_id"].nunique()
    assert claims.set_index("date").loc[day, "claims"] == len(on_day)
    # claims about one incident are alternatives: the highest toll, never the sum
    assert incidents["fatalities"].sum() <= claims["fatalities"].sum()


# --- counting: tallies linked to incidents, hedged figures, one body's figure once (issue 26) --


@pytest.fixture
def figure_copies(tmp_path):
    return {
        name: _raw(name) for name in ("tallies", "displacement", "scam_figures", "site_status")
    } | {"dir": tmp_path}


def _check_figures(copies) -> dict:
    d = copies["dir"]
    return datasets.check_record(
        **{
            name: _write(copies[name], d / f"{name}.csv")
            for name in ("tallies", "displacement", "scam_figures", "site_status")
        }
    )


def _row(frame: pd.DataFrame, column: str, value: str) -> int:
    return int(frame.index[frame[column] == value][0])


def test_unchanged_figure_copies_pass(figure_copies):
    counts = _check_figures(figure_copies)
    assert counts["tallies"] == len(figure_copies["tallies"]) == 107
    assert counts["site_status"] == len(datasets.site_status())


def test_every_incident_scope_tally_names_an_existing_incident():
    tallies = datasets.tallies()
    incident = tallies[tallies["scope"] == "incident"]
    assert len(incident) == 20 and incident["incident_id"].notna().all()
    assert set(incident["incident_id"]) <= set(datasets.events()["incident_id"])
    # the two Sam Tae dead are one figure of one incident, not two
    by_id = tallies.set_index("tally_id")
    events = datasets.events().set_index("event_id")
    assert by_id.loc["T0041", "incident_id"] == events.loc["SG-E0059", "incident_id"] == "SG-I0059"


def test_incident_scope_tally_without_incident_is_refused(figure_copies):
    tallies = figure_copies["tallies"]
    pos = _row(tallies, "tally_id", "T0041")
    tallies.loc[pos, "incident_id"] = ""
    with pytest.raises(
        SchemaError,
        match=rf"row {pos + 2}, column incident_id: an incident-scope figure names no incident",
    ):
        _check_figures(figure_copies)


def test_tally_naming_an_unknown_incident_is_refused(figure_copies):
    tallies = figure_copies["tallies"]
    pos = _row(tallies, "tally_id", "T0041")
    tallies.loc[pos, "incident_id"] = "SG-I9999"
    with pytest.raises(
        SchemaError, match=rf"row {pos + 2}, column incident_id: 'SG-I9999' is not an incident"
    ):
        _check_figures(figure_copies)


def test_hedged_figure_without_qualifier_is_refused(figure_copies):
    disp = figure_copies["displacement"]
    pos = _row(disp, "row_id", "D0170")  # "nearly a million"
    assert disp.loc[pos, "qualifier"] == "nearly"
    disp.loc[pos, "qualifier"] = ""
    with pytest.raises(
        SchemaError,
        match=rf"row {pos + 2}, column qualifier: its notes give the figure as 'nearly 1e\+06'",
    ):
        _check_figures(figure_copies)


def test_wrong_qualifier_and_hedged_scam_measure_are_refused(figure_copies):
    disp = figure_copies["displacement"]
    pos = _row(disp, "row_id", "D0172")  # "more than a million"
    disp.loc[pos, "qualifier"] = "nearly"
    figs = figure_copies["scam_figures"]
    fpos = _row(figs, "figure_id", "F060")  # measures "(nearly)", notes "nearly 2,800"
    figs.loc[fpos, "qualifier"] = ""
    with pytest.raises(SchemaError) as err:
        _check_figures(figure_copies)
    msg = str(err.value)
    assert f"row {pos + 2}, column qualifier" in msg and "set qualifier to 'more than'" in msg
    # the first table checked fails first; the scam figures are checked on their own
    with pytest.raises(SchemaError, match=rf"row {fpos + 2}, column qualifier.*'nearly'"):
        datasets.read_table(_write(figs, figure_copies["dir"] / "f.csv"), schema.SCAM_FIGURES)


def test_one_bodys_figure_repeated_in_two_rows_is_refused(figure_copies):
    disp = figure_copies["displacement"]
    pos = _row(disp, "row_id", "D0131")  # interior ministry, 607,980 on 24 Dec
    copy = disp.loc[[pos]].assign(
        row_id="D9999", value="610000", qualifier="nearly", source_url="https://example.org/akp"
    )
    figure_copies["displacement"] = pd.concat([disp, copy], ignore_index=True)
    new_line = len(disp) + 2
    with pytest.raises(
        SchemaError, match=rf"row {new_line}, column value: repeats the figure of row {pos + 2}"
    ):
        _check_figures(figure_copies)


def test_one_bodys_incident_figure_repeated_on_another_day_is_refused(figure_copies):
    tallies = figure_copies["tallies"]
    pos = _row(tallies, "tally_id", "T0040")  # Royal Thai Army: 18 captured at Sam Tae
    copy = tallies.loc[[pos]].assign(tally_id="T9999", as_of="2025-08-14")
    figure_copies["tallies"] = pd.concat([tallies, copy], ignore_index=True)
    with pytest.raises(SchemaError, match=r"column value: repeats the figure of row"):
        _check_figures(figure_copies)


def test_a_running_total_repeated_on_a_later_day_is_allowed(figure_copies):
    """An unchanged cumulative figure on a new day is a new observation, not a repeat."""
    tallies = datasets.tallies().set_index("tally_id")
    assert tallies.loc["T0077", "value"] == tallies.loc["T0088", "value"] == 1
    _check_figures(figure_copies)


def test_figure_fixes_of_the_audit():
    disp = datasets.displacement().set_index("row_id")
    assert {"D0132", "D0171"}.isdisjoint(disp.index)
    assert disp.loc["D0131", "source_url_2"] == "https://ar.akp.gov.kh/post/detail/5328"
    assert (
        disp.loc["D0170", "qualifier"] == "nearly" and disp.loc["D0172", "qualifier"] == "more than"
    )
    eight = disp.loc["D0169"]
    assert eight["value"] == 800000 and eight["qualifier"] == "about"
    assert (
        str(eight["source_date"].date()) == "2025-12-18"
        and "channelnewsasia" in eight["source_url"]
    )
    # each counting body's Thai shelter series stands apart: the DPA's rounded 400,000 is not
    # a point of the defence ministry's census
    thai = disp[
        (disp["country"] == "THA") & (disp["metric"] == "in_shelters") & (disp["unit"] == "people")
    ]
    thai = thai[thai["admin1"].isna()]
    assert thai.loc[thai["counting_body"] == "Thai Ministry of Defence", "value"].max() == 261137
    dpa = thai[thai["counting_body"] == "Thai Department of Provincial Administration"]
    assert dpa["value"].tolist() == [400000] and dpa["qualifier"].tolist() == ["about"]
    ncdm = disp[(disp["counting_body"] == "Cambodia NCDM") & (disp["metric"] == "remaining")]
    assert 409149 in ncdm["value"].tolist()
    assert (
        518611
        in disp.loc[disp["counting_body"] == "Cambodian Ministry of Interior", "value"].tolist()
    )


def test_event_fixes_of_the_audit():
    ev = datasets.events().set_index("event_id")
    assert str(ev.loc["SG-E1117", "event_date"].date()) == "2026-02-23"
    for eid in ("SG-E1084", "SG-E1085"):
        assert str(ev.loc[eid, "event_date"].date()) == "2025-12-24"
    assert not ev["source_url_2"].fillna("").str.contains("stg-|//test\\.|//api\\.").any()
    assert ev.loc["SG-E1101", "sub_event_type"] == "Agreement"
    assert ev.loc["SG-E0044", "incident_id"] == ev.loc["SG-E0045", "incident_id"]
    for a, b in (("SG-E1028", "SG-E1036"), ("SG-E1027", "SG-E1034"), ("SG-E1093", "SG-E1094")):
        assert ev.loc[a, "incident_id"] != ev.loc[b, "incident_id"]
        assert b in ev.loc[a, "notes"] or a in ev.loc[b, "notes"]  # the notes say why apart
    assert ev["source_grade"].notna().all() and ev["source_grade_reason"].notna().all()


# --- sites over time ------------------------------------------------------------------


def test_site_status_covers_every_site_with_a_status_and_the_required_episodes():
    status = datasets.site_status()
    sites = datasets.sites()
    assert set(sites.loc[sites["status"].notna(), "site_id"]) <= set(status["site_id"])
    assert set(status["status"].astype(str)) <= set(schema.SITE_STATUSES)
    kk = datasets.site_history("KK Park")
    assert kk["status"].astype(str).tolist() == [
        "operating",
        "cut_off",
        "raided",
        "emptied",
        "demolished",
    ]
    raid = kk[kk["status"] == "raided"].iloc[0]
    assert str(raid["start"].date()) == "2025-10-16"
    dec = status[(status["status"] == "struck") & (status["start"] >= "2025-12-01")]
    assert dec["start"].max() < pd.Timestamp("2026-01-01") and dec["site_id"].nunique() >= 8
    jan_feb = status[
        (status["start"] >= "2026-01-01") & status["status"].isin(["raided", "sealed"])
    ]
    assert {"a7-park-bavet", "bavet", "my-casino-kampot"} <= set(jan_feb["site_id"])


def test_sites_as_of_gives_each_sites_statuses_on_the_day():
    before = datasets.sites(as_of="2025-10-01")
    assert before.loc["kk-park", "status_as_of"] == "operating; cut_off"
    assert before.attrs["status_as_of"] == "2025-10-01"
    raid = datasets.sites(as_of="2025-10-20")
    assert raid.loc["kk-park", "status_as_of"] == "raided; cut_off"
    later = datasets.sites(as_of="2026-01-15")
    assert later.loc["kk-park", "status_as_of"] == "emptied; demolished; cut_off"
    assert pd.isna(later.loc["sa-kaeo-sez", "status_as_of"])
    with pytest.raises(scamgeo_errors.ParameterError, match="as_of"):
        datasets.sites(as_of="15/01/2026")


def test_status_counts_on_a_planted_history():
    from scamgeo._status import status_counts

    planted = pd.DataFrame(
        {
            "site_id": ["a", "a", "b", "b", "c"],
            "status": ["operating", "raided", "struck", "emptied", "struck"],
            "start": pd.to_datetime(
                ["2025-01-10", "2025-02-03", "2025-02-28", "2025-03-01", "2025-03-31"]
            ),
            "end": pd.to_datetime(["2025-02-02", "2025-02-04", "2025-02-28", None, "2025-04-02"]),
        }
    )
    counts = status_counts(planted, end="2025-04-30")
    assert counts.index.strftime("%Y-%m").tolist() == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert counts["operating"].tolist() == [1, 1, 0, 0]
    assert counts["raided"].tolist() == [0, 1, 0, 0]
    assert counts["struck"].tolist() == [0, 1, 1, 1]  # b in Feb; c from 31 Mar into April
    assert counts["emptied"].tolist() == [0, 0, 1, 1]  # no end: still emptied
    weekly = status_counts(planted, freq="W", start="2025-02-24", end="2025-03-09")
    assert weekly["struck"].tolist() == [1, 0]


def test_broken_status_rows_are_refused(figure_copies):
    status = figure_copies["site_status"]
    status.loc[0, "site_id"] = "atlantis"
    raid = _row(status, "status", "raided")
    status.loc[raid, "end"] = ""
    with pytest.raises(SchemaError) as err:
        _check_figures(figure_copies)
    assert f"row {raid + 2}, column end: a raid or strike is an episode" in str(err.value)
    status.loc[raid, "end"] = status.loc[raid, "start"]
    with pytest.raises(
        SchemaError, match=r"row 2, column site_id: site_id 'atlantis' is not a site"
    ):
        _check_figures(figure_copies)


def test_a_report_cannot_date_a_status_after_itself(figure_copies):
    status = figure_copies["site_status"]
    pos = _row(status, "status_id", "SS0001")
    status.loc[pos, "published"] = "2025-01-01"
    with pytest.raises(
        SchemaError, match=rf"row {pos + 2}, column start: a report cannot give a status"
    ):
        _check_figures(figure_copies)


# --- source balance -----------------------------------------------------------------------


def test_source_balance_counts_outlets_sides_and_grades():
    from scamgeo._balance import source_balance

    planted = pd.DataFrame(
        {
            "source": [
                "The Nation (Thailand)",
                "The Nation",
                "Khmer Times (via CAMM Media)",
                "AP (via KSAT)",
            ],
            "claimed_by": ["THA", "THA", "KHM", None],
            "event_type": ["Battles", "Strategic developments", "Battles", "Battles"],
            "source_grade": ["official", "official", "official", "independent"],
        }
    )
    pub = source_balance(planted).set_index("publisher")
    assert pub.loc["The Nation", "claims"] == 2 and pub.loc["The Nation", "THA"] == 2
    assert pub.loc["AP", "undisputed"] == 1 and pub["share"].sum() == pytest.approx(1.0)
    side = source_balance(planted, by="side", fighting_only=True).set_index("claimed_by")
    assert side["claims"].to_dict() == {
        "THA": 1,
        "KHM": 1,
        "both": 0,
        "independent": 0,
        "undisputed": 1,
    }
    grade = source_balance(planted, by="grade").set_index("source_grade")
    assert grade.loc["official", "claims"] == 3 and grade.loc["independent", "undisputed"] == 1
    real = datasets.source_balance().set_index("publisher")
    assert real.index[0] == "The Nation" and real["claims"].sum() == len(datasets.events())


@pytest.mark.parametrize(
    "module", ["scamgeo._status", "scamgeo._balance", "scamgeo._figures", "scamgeo.schema._rules"]
)
def test_examples_of_the_record_modules_run(module):
    """The docstring examples of the record's private modules (test_doctests covers datasets)."""
    import doctest
    import importlib

    found = doctest.DocTestFinder(exclude_empty=True).find(importlib.import_module(module))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in found:
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert sum(len(t.examples) for t in found) >= 1


def test_site_status_chart_draws_the_counts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scamgeo import charts
    from scamgeo._status import status_counts

    status = datasets.site_status()
    ax = charts.site_status_chart(status, start="2025-12-01", end="2026-01-31")
    counts = status_counts(status, start="2025-12-01", end="2026-01-31")
    drawn = ax.images[0].get_array()
    shown = counts.loc[:, counts.sum() > 0]
    assert drawn.shape == (len(shown.columns), 2)
    assert drawn.sum() == shown.to_numpy().sum()
    row = list(shown.columns).index("struck")
    assert drawn[row].tolist() == [counts.loc["2025-12-01", "struck"], 0] and drawn[row][0] >= 8
    plt.close(ax.figure)
    empty = charts.site_status_chart(
        status.iloc[:0].assign(start=pd.NaT), start="2025-01-01", end="2025-02-01"
    )
    assert not empty.images
    plt.close(empty.figure)


# --- the record on its side of the OSM line (issue 23) --------------------------------


def _firm_rows():
    """Events, sites and gazetteer places that are neither at a crossing nor disputed."""
    import geopandas as gpd

    gaz = datasets.gazetteer().reset_index(drop=True)
    gaz = gaz.assign(country=gaz["side"], place_kind=gaz["kind"], place_side=gaz["side"])
    keep = ["country", "admin1", "place_id", "place_kind", "place_side", "geometry"]
    frames = [datasets.events(), datasets.sites().reset_index(drop=True), gaz]
    rows = pd.concat([f[keep] for f in frames], ignore_index=True)
    firm = (
        rows["country"].isin(["THA", "KHM"])
        & rows["place_kind"].ne("crossing")
        & rows["place_side"].ne("disputed")
    )
    return gpd.GeoDataFrame(rows[firm].reset_index(drop=True), crs=4326)


def test_the_record_lies_on_its_coded_side_under_a_plain_spatial_join():
    import geopandas as gpd

    rows = _firm_rows()
    assert len(rows) > 200
    joined = gpd.sjoin(rows, datasets.countries()[["iso3", "geometry"]], how="left")
    joined = joined[~joined.index.duplicated()]
    in_country = joined["iso3"].eq(rows["country"])
    codes = datasets.province_code(rows["admin1"], country=rows["country"])
    prov = datasets.provinces()[["iso_3166_2", "geometry"]]
    pj = gpd.sjoin(rows, prov, how="left")
    pj = pj[~pj.index.duplicated()]
    in_province = pj["iso_3166_2"].eq(codes.to_numpy())
    assert in_country.mean() >= 0.95 and in_province.mean() >= 0.95
    # every exception is one data/README.md lists, with its reason
    assert set(rows.loc[~in_country, "place_id"]) == {"ban-hat-lek", "prasat-don-tuan"}
    assert set(rows.loc[~in_province, "place_id"]) == {
        "ban-hat-lek",
        "prasat-don-tuan",
        "choam-casino",
    }
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "data" / "README.md").read_text("utf-8")
    for place_id in ("ban-hat-lek", "prasat-don-tuan", "choam-casino"):
        assert f"`{place_id}`" in readme
    # and none sits on the line, where a spatial join's side would be arbitrary
    metric = config.METRIC_CRS
    line = datasets.border().to_crs(metric).geometry.iloc[0]
    assert (rows.to_crs(metric).distance(line) > 100).all()


def test_named_places_are_one_place_each():
    events = datasets.events()
    sao = events[events["location"].str.contains("Sao Thong Chai")]
    assert set(sao["place_id"]) <= {"sao-thong-chai", "ban-phum-srol"}
    assert (sao["place_id"] == "sao-thong-chai").sum() == 3
    bok = events[events["location"].str.fullmatch(r"(Chong Bok|Mom Bei)( \(.*\))?( area)?")]
    assert len(bok) >= 9
    assert set(bok["place_id"]) == {"chong-bok"}
    # Prey Chan / Ban Nong Ya Kaeo sits at the border beside Ban Nong Chan, not 6.5 km south
    gaz = datasets.gazetteer()
    from pyproj import Geod

    a, b = gaz.loc["ban-nong-ya-kaeo"], gaz.loc["ban-nong-chan"]
    _, _, metres = Geod(ellps="WGS84").inv(a.longitude, a.latitude, b.longitude, b.latitude)
    assert metres < a["uncertainty_m"] and metres < 2000
