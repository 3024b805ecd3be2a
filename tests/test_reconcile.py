"""scamgeo.reconcile on planted matches with known answers, and on the real file layouts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest

import scamgeo as sg
from scamgeo import ParameterError, SchemaError, reconcile
from scamgeo.reconcile import MatchOptions

GEOD = pyproj.Geod(ellps="WGS84")
IO = Path(__file__).resolve().parent / "fixtures" / "io"
ORIGIN = (103.5, 14.2)  # lon, lat: Oddar Meanchey, on the border


def moved(km_east: float, km_north: float = 0.0, origin=ORIGIN) -> tuple[float, float]:
    """A point km_east / km_north (geodesic) from ``origin``."""
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], 90.0, km_east * 1000.0)
    if km_north:
        lon, lat, _ = GEOD.fwd(lon, lat, 0.0, km_north * 1000.0)
    return float(lon), float(lat)


def events(*rows: dict) -> pd.DataFrame:
    """Events in the common schema from short row specs (lonlat, date, and overrides)."""
    out = []
    for k, row in enumerate(rows):
        lon, lat = row.pop("at", ORIGIN)
        out.append(
            {
                "event_id": row.pop("id", f"E{k}"),
                "event_date": pd.Timestamp(row.pop("date", "2025-07-24")),
                "time_precision": row.pop("time_precision", 1),
                "event_type": row.pop("event_type", "Battles"),
                "latitude": lat,
                "longitude": lon,
                "fatalities": row.pop("fatalities", pd.NA),
                "admin1": row.pop("admin1", "Oddar Meanchey"),
                **row,
            }
        )
    frame = pd.DataFrame(out)
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    return frame


def pairs_of(res) -> set[tuple[str, str]]:
    return set(zip(res.linked["a_event_id"], res.linked["b_event_id"], strict=True))


def greedy_links(a: pd.DataFrame, b: pd.DataFrame, km: float) -> int:
    """What a best-first greedy pass would link (for comparison with the assignment)."""
    ia, ib = np.meshgrid(range(len(a)), range(len(b)), indexing="ij")
    _, _, d = GEOD.inv(
        a["longitude"].to_numpy()[ia.ravel()],
        a["latitude"].to_numpy()[ia.ravel()],
        b["longitude"].to_numpy()[ib.ravel()],
        b["latitude"].to_numpy()[ib.ravel()],
    )
    used_a, used_b, n = set(), set(), 0
    for k in np.argsort(d):
        i, j = ia.ravel()[k], ib.ravel()[k]
        if d[k] / 1000 <= km and i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            n += 1
    return n


# --- known answers ------------------------------------------------------------------------------


def test_a_source_against_itself_links_every_event_with_score_one():
    a = events({"at": moved(0)}, {"at": moved(30), "date": "2025-07-25"}, {"at": moved(60)})
    res = reconcile(a, a.copy(), km=5, days=1, names=("one", "two"))
    assert pairs_of(res) == {("E0", "E0"), ("E1", "E1"), ("E2", "E2")}
    assert (res.linked["score"] == 1.0).all() and (res.linked["km"] == 0).all()
    assert res.counts["only_a"] == res.counts["only_b"] == 0


def test_distance_threshold_is_exact_and_widened_by_each_sides_uncertainty():
    a = events({"id": "in", "at": moved(0)}, {"id": "out", "at": moved(100)})
    b = events({"id": "in", "at": moved(4.95)}, {"id": "out", "at": moved(105.05)})
    res = reconcile(a, b, km=5, days=0, uncertainty="known")
    assert pairs_of(res) == {("in", "in")}
    assert res.linked["km"].iloc[0] == pytest.approx(4.95, abs=0.01)
    assert set(res.only_a["event_id"]) == {"out"} and set(res.only_b["event_id"]) == {"out"}
    # 100 m of location error on one side is enough to reach the pair 5.05 km apart
    a2 = a.assign(uncertainty_m=[0, 100])
    assert pairs_of(reconcile(a2, b, km=5, days=0)) == {("in", "in"), ("out", "out")}


def test_date_threshold_and_time_precision():
    a = events({"id": "x", "date": "2025-07-24"})
    b = events({"id": "x", "date": "2025-07-26"})  # two days later, same place
    assert reconcile(a, b, km=1, days=1).counts["linked"] == 0
    assert reconcile(a, b, km=1, days=2).counts["linked"] == 1
    week = b.assign(time_precision=2)  # dated only to the week: the gap is within its error
    res = reconcile(a, week, km=1, days=0)
    assert res.counts["linked"] == 1
    assert res.linked["days_apart"].iloc[0] == 2 and bool(res.linked["date_differs"].iloc[0])


def test_one_to_many_temptation_is_resolved_by_the_assignment_not_greedily():
    # a1 is 1 km from b2 and 8 km from b1; a2 is 5 km from b2 only. A greedy pass takes
    # a1-b2 (the closest pair) and strands a2 and b1; the assignment links both.
    a = events({"id": "a1", "at": moved(0)}, {"id": "a2", "at": moved(1, 5)})
    b = events({"id": "b1", "at": moved(-8)}, {"id": "b2", "at": moved(1)})
    res = reconcile(a, b, km=9, days=0, uncertainty="known")
    assert pairs_of(res) == {("a1", "b1"), ("a2", "b2")}
    assert greedy_links(a, b, km=9) == 1
    # preferring the total score instead takes the single closest pair only when that wins
    best = reconcile(a, b, km=9, days=0, uncertainty="known", options=MatchOptions(prefer="score"))
    assert best.counts["linked"] == 2  # here two links also have the higher total score


def test_prefer_score_can_link_fewer_events_than_prefer_links():
    # a1-b1 identical (score 1); a1-b2 and a2-b1 barely feasible (scores near 0.4)
    a = events({"id": "a1", "at": moved(0)}, {"id": "a2", "at": moved(-9.9)})
    b = events({"id": "b1", "at": moved(0)}, {"id": "b2", "at": moved(9.9)})
    opts = MatchOptions(weights=(1, 0, 0), prefer="score")
    assert pairs_of(reconcile(a, b, km=10, days=0, uncertainty="known", options=opts)) == {
        ("a1", "b1")
    }
    links = reconcile(a, b, km=10, days=0, uncertainty="known")
    assert pairs_of(links) == {("a1", "b2"), ("a2", "b1")}


def test_ties_link_one_event_and_say_so():
    a = events({"id": "a1"}, {"id": "a2"})  # two identical reports
    b = events({"id": "b1"})
    res = reconcile(a, b, km=1, days=0)
    assert res.counts["linked"] == 1 and res.counts["only_a"] == 1 and res.counts["tied"] == 1
    assert bool(res.linked["tied"].iloc[0])
    # the same answer whatever order the rows come in (the tie is broken by row order)
    again = reconcile(a.iloc[::-1], b, km=1, days=0)
    assert again.counts == res.counts


def test_event_kinds_are_crosswalked_across_vocabularies():
    acled = events(
        {"id": "vac", "event_type": "Violence against civilians"},
        {"id": "protest", "at": moved(50), "event_type": "Protests"},
    )
    ucdp = events(
        {"id": "U3", "event_type": "Violence against civilians", "type_of_violence": 3},
        {"id": "U1", "at": moved(50), "event_type": "Battles", "type_of_violence": 1},
    )
    res = reconcile(acled, ucdp, km=1, days=0)
    kinds = dict(zip(res.linked["a_event_id"], res.linked["kind_agreement"], strict=True))
    assert kinds == {"vac": 1.0, "protest": 0.0}
    strict = reconcile(acled, ucdp, km=1, days=0, options=MatchOptions(types="related"))
    assert pairs_of(strict) == {("vac", "U3")}
    # UCDP one-sided violence may be shelling: an ACLED explosion is the same kind
    shell = events({"id": "x", "event_type": "Explosions/Remote violence"})
    assert reconcile(shell, ucdp.iloc[[0]], km=1, days=0).linked["kind_agreement"].iloc[0] == 1.0


def test_disagreements_are_named_field_by_field():
    a = events({"id": "a", "fatalities": 2, "admin1": "Surin"}, {"id": "c", "at": moved(40)})
    b = events(
        {"id": "b", "fatalities": 5, "admin1": "Oddar Meanchey", "date": "2025-07-25"},
        {"id": "d", "at": moved(40)},
    )
    res = reconcile(a, b, km=1, days=1)
    row = res.linked.set_index("a_event_id").loc["a"]
    assert bool(row["date_differs"]) and bool(row["place_differs"]) and bool(row["toll_differs"])
    assert pd.isna(res.linked.set_index("a_event_id").loc["c", "toll_differs"])  # no toll given
    d = res.disagreements
    assert sorted(d["field"]) == ["date", "place", "toll"]
    assert d.set_index("field").loc["toll", ["a_value", "b_value"]].tolist() == ["2", "5"]


def test_claims_of_one_incident_are_folded_before_linking():
    record = events(
        {"id": "THA-claim", "incident_id": "I1", "fatalities": 1, "claimed_by": "THA"},
        {"id": "KHM-claim", "incident_id": "I1", "fatalities": 3, "claimed_by": "KHM"},
    )
    other = events({"id": "acled-1", "fatalities": 3})
    folded = reconcile(record, other, km=1, days=0)
    assert folded.counts == {**folded.counts, "linked": 1, "only_a": 0, "a_events": 1}
    assert not bool(folded.linked["toll_differs"].iloc[0])  # the highest claimed toll is kept
    assert any("2 claims folded into 1 incidents" in n for n in folded.notes)
    claims = reconcile(record, other, km=1, days=0, count="claims")
    assert claims.counts["linked"] == 1 and claims.counts["only_a"] == 1


def test_rows_without_location_or_date_are_counted_as_one_source_only():
    a = events({"id": "a"}, {"id": "nowhere"})
    a.loc[1, ["latitude", "longitude"]] = np.nan
    res = reconcile(a, events({"id": "b"}), km=1, days=0)
    assert res.counts["linked"] == 1 and list(res.only_a["event_id"]) == ["nowhere"]
    assert any("1 event(s) without a location or a date" in n for n in res.notes)


def test_planted_simulation_precision_and_recall():
    """600 events; the second source has 80% of them, moved up to 3 km and 1 day, plus 150 of
    its own: precision and recall against the planted truth."""
    rng = np.random.default_rng(20250724)
    n = 600
    lon = rng.uniform(102.3, 105.6, n)
    lat = rng.uniform(12.0, 14.6, n)
    day = pd.Timestamp("2025-05-28") + pd.to_timedelta(rng.integers(0, 270, n), unit="D")
    a = pd.DataFrame({"event_id": [f"A{k}" for k in range(n)], "event_date": day})
    a = a.assign(latitude=lat, longitude=lon, event_type="Battles", time_precision=1)
    keep = rng.random(n) < 0.8
    az = rng.uniform(0, 360, keep.sum())
    blon, blat, _ = GEOD.fwd(lon[keep], lat[keep], az, rng.uniform(0, 3000, keep.sum()))
    shift = pd.to_timedelta(rng.integers(-1, 2, keep.sum()), unit="D")
    b_true = pd.DataFrame(
        {
            "event_id": [f"B{k}" for k in np.flatnonzero(keep)],
            "event_date": day[keep] + shift,
            "latitude": blat,
            "longitude": blon,
        }
    )
    m = 150
    b_own = pd.DataFrame(
        {
            "event_id": [f"X{k}" for k in range(m)],
            "event_date": pd.Timestamp("2025-05-28")
            + pd.to_timedelta(rng.integers(0, 270, m), unit="D"),
            "latitude": rng.uniform(12.0, 14.6, m),
            "longitude": rng.uniform(102.3, 105.6, m),
        }
    )
    b = pd.concat([b_true, b_own], ignore_index=True).assign(event_type="Battles", time_precision=1)
    res = reconcile(a, b, km=5, days=1, uncertainty="known")
    linked = res.linked
    right = (linked["a_event_id"].str[1:] == linked["b_event_id"].str[1:]) & linked[
        "b_event_id"
    ].str.startswith("B")
    precision, recall = right.mean(), right.sum() / keep.sum()
    assert precision >= 0.97 and recall >= 0.97, (precision, recall)
    assert res.counts["only_b"] >= 140  # the second source's own events stay its own


# --- the real layouts ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def acled_ucdp():
    return sg.io.read_acled(IO / "acled_export.csv"), sg.io.read_ucdp_ged(IO / "ucdp_ged.csv")


def test_acled_export_against_ucdp_ged_release(acled_ucdp):
    acled, ucdp = acled_ucdp
    res = reconcile(acled, ucdp, km=10, days=1, names=("ACLED", "UCDP"))
    assert pairs_of(res) == {
        ("TEST-THA-0002", "UCDP-990001"),  # Ta Muen Thom temple, 24 July
        ("TEST-THA-0003", "UCDP-990002"),  # Kantharalak: ACLED shelling, UCDP one-sided
        ("TEST-THA-0004", "UCDP-990003"),  # Samraong vs Oddar Meanchey province, week-dated
        ("TEST-THA-0007", "UCDP-990005"),  # Poipet, 8 vs 9-11 December
    }
    tolls = res.linked.set_index("a_event_id")
    assert tolls.loc["TEST-THA-0004", ["a_fatalities", "b_fatalities"]].tolist() == [2, 3]
    assert list(res.only_b["event_id"]) == ["UCDP-990004"]  # country-wide, 280 km away
    assert res.counts["toll_differs"] == 3 and res.counts["place_differs"] == 0
    json.dumps(res.to_dict())  # JSON-ready
    assert "4 linked one to one" in res.summary()


def test_three_sources_pairwise(acled_ucdp):
    acled, ucdp = acled_ucdp
    record = sg.datasets.events()
    three = reconcile.reconcile_all(
        {"Record": record, "ACLED": acled, "UCDP": ucdp, "missing": None}, km=10, days=1
    )
    assert list(three.table["source_a"] + "-" + three.table["source_b"]) == [
        "Record-ACLED",
        "Record-UCDP",
        "ACLED-UCDP",
    ]
    p = three.presence
    assert len(p) == 204 + 8 + 5  # the record's 216 claims are 204 incidents
    both = p[(p["source"] == "ACLED") & (p["event_id"] == "TEST-THA-0002")].iloc[0]
    assert both["UCDP"] == "UCDP-990001" and both["found_in"] >= 2
    only = three.only("UCDP")
    assert set(only["event_id"]) <= {"UCDP-990004"}
    assert set(three.tolls.columns) >= {"source_a", "a_fatalities", "b_fatalities"}
    json.dumps(three.to_dict())


def test_the_record_against_itself_finds_the_incidents_both_sides_claimed():
    """The curated incident links are a known answer: every incident that both governments
    claimed (two claims sharing an incident_id) must come out linked."""
    ev = sg.datasets.events()
    sides = reconcile.record_sides(ev)
    res = reconcile(*sides.values(), km=10, days=1, names=tuple(sides), count="claims")
    incident = dict(zip(ev["event_id"], ev["incident_id"], strict=True))
    cross = ev[ev["claimed_by"].isin(["THA", "KHM"])].groupby("incident_id")["claimed_by"]
    truth = set(cross.nunique()[lambda s: s == 2].index)
    found = {
        incident[a]
        for a, b in zip(res.linked["a_event_id"], res.linked["b_event_id"], strict=True)
        if incident[a] == incident[b]
    }
    assert len(truth) == 9 and found == truth
    assert any("left out before linking" in n for n in res.notes)


def test_source_counts_by_phase_and_province():
    sides = reconcile.record_sides()
    t = reconcile.source_counts(sides)
    assert t.attrs["counts"] == "incidents"
    ev = sg.datasets.events()
    for side, name in reconcile.RECORD_SIDES.items():  # each side's claims, as incidents
        assert t[name].sum() == ev.loc[ev["claimed_by"] == side, "incident_id"].nunique()
    assert t["Thai claims"].sum() == 128  # four Thai claims of one incident (SG-I0179) count once
    assert list(t["phase"].drop_duplicates())[:2] == ["May crisis", "July war"]
    by_phase = reconcile.source_counts({"Record": sg.datasets.events()}, by="phase")
    assert by_phase["Record"].sum() == 204  # incidents, not claims
    claims = reconcile.source_counts({"Record": sg.datasets.events()}, by="phase", count="claims")
    assert claims["Record"].sum() == 216


# --- input checks --------------------------------------------------------------------------------


def test_bad_inputs_name_what_is_wrong():
    a = events({"id": "x"}, {"id": "x"})
    with pytest.raises(SchemaError, match="event_id 'x' appears more than once"):
        reconcile(a, events({}), count="claims")
    with pytest.raises(SchemaError, match="no event_date"):
        reconcile(events({}).drop(columns="event_date"), events({}))
    with pytest.raises(ParameterError, match="km"):
        reconcile(events({}), events({}), km=-1)
    with pytest.raises(ParameterError, match="count"):
        reconcile(events({}), events({}), count="events")
    with pytest.raises(ParameterError, match="two different"):
        reconcile(events({}), events({}), names=("x", "x"))
    with pytest.raises(ParameterError, match="weights"):
        MatchOptions(weights=(0, 0, 0))
    with pytest.raises(ParameterError, match="at least two sources"):
        reconcile.reconcile_all({"a": events({}), "b": None})


def test_the_module_is_callable_and_empty_sources_give_empty_results():
    res = sg.reconcile(events({}), events({}).iloc[:0], km=1, days=0)
    assert res.counts["linked"] == 0 and res.counts["only_a"] == 1
    assert isinstance(res, reconcile.ReconcileResult)
