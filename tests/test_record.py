"""The record's geography and counting: gazetteer, placement rules, incidents (issue 10)."""

from __future__ import annotations

import pandas as pd
import pytest

from scamgeo import SchemaError, config, datasets, schema
from scamgeo._record import (
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
    """Measured directly on the 1:10m polygons, with the line's ~3 km accuracy."""
    events = datasets.events().dropna(subset=["latitude"])
    events = events[events["country"].isin(["THA", "KHM"]) & (events["place_side"] != "disputed")]
    countries = datasets.countries().set_index("iso3").to_crs(config.METRIC_CRS)
    border = datasets.border().to_crs(config.METRIC_CRS).geometry.iloc[0]
    pts = events.to_crs(config.METRIC_CRS)
    for iso, other in (("THA", "KHM"), ("KHM", "THA")):
        mine = pts[pts["country"] == iso]
        inside = mine[mine.within(countries.geometry.loc[other])]
        deep = inside.distance(border) / 1000 > 3.0
        assert not deep.any(), inside.loc[deep, ["event_id", "location"]].to_string()


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
    assert claims["events"].sum() == len(events)
    assert incidents["events"].sum() == events["incident_id"].nunique() < len(events)
    # 18 Dec 2025: the Poipet strike claimed by both sides is one incident that day
    day = "2025-12-18"
    on_day = events[events["event_date"] == day]
    assert incidents.set_index("date").loc[day, "events"] == on_day["incident_id"].nunique()
    assert claims.set_index("date").loc[day, "events"] == len(on_day)
    # claims about one incident are alternatives: the highest toll, never the sum
    assert incidents["fatalities"].sum() <= claims["fatalities"].sum()
