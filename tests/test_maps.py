"""scamgeo.maps: layers, feature counts, legends bound to layers, escaping, offline files."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import scamgeo
import scamgeo.maps as sm
from scamgeo import _html, datasets
from scamgeo.maps._assets import remote_references
from scamgeo.maps._elements import EventLayer, HeatLayer, Legend, LocatorInset, VectorLayer

HOSTILE_NOTE = '<script>alert(1)</script> then "><img src=x onerror=alert(1)> and ${alert(2)} `x`'
HOSTILE_URL = "javascript:alert(1)"


# --- synthetic data ------------------------------------------------------------


def make_events(n: int = 40, *, seed: int = 0, dataset: str = "scamgeo") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    types = np.array(["Battles", "Explosions/Remote violence", "Violence against civilians"])
    df = pd.DataFrame(
        {
            "event_id": [f"T{i:05d}" for i in range(n)],
            "event_date": pd.Timestamp("2025-07-24")
            + pd.to_timedelta(rng.integers(0, 5, n), unit="D"),
            "time_precision": 1,
            "event_type": types[np.arange(n) % 3],
            "sub_event_type": "Armed clash",
            "actor1": "Military Forces of Thailand",
            "actor2": "Military Forces of Cambodia",
            "country": "THA",
            "admin1": "Surin",
            "location": "Ta Muen Thom",
            "latitude": 14.35 + rng.normal(0, 0.05, n),
            "longitude": 103.26 + rng.normal(0, 0.05, n),
            "fatalities": pd.array(rng.integers(0, 20, n), dtype="Int64"),
            "notes": "Clash near the temple.",
            "source": "Reuters",
            "source_url": "https://example.org/report",
            "dataset": dataset,
        }
    )
    return df


@pytest.fixture
def events() -> pd.DataFrame:
    df = make_events()
    df.loc[0, "notes"] = HOSTILE_NOTE
    df.loc[0, "source_url"] = HOSTILE_URL
    df.loc[0, "source"] = '"><img src=x onerror=alert(3)>'
    df.loc[1, "fatalities"] = pd.NA
    df.loc[2, "time_precision"] = 2
    df.loc[3, ["latitude", "longitude"]] = np.nan  # not drawn
    return df


def make_sites() -> gpd.GeoDataFrame:
    rows = [
        ("poipet", "Poipet", "casino_hub", "KHM", 13.658, 102.564),
        ("osmach", "O'Smach", "casino_hub", "KHM", 14.425, 103.693),
        ("kk-park", "KK Park", "scam_compound", "MMR", 16.63, 98.52),
        ("khlong-luek", "Khlong Luek", "border_crossing", "THA", 13.66, 102.55),
        ("gt-sez", "Golden Triangle SEZ", "special_economic_zone", "LAO", 20.36, 100.10),
        ("star", "<b>Star</b> Vegas", "casino", "KHM", 13.65, 102.56),
    ]
    df = pd.DataFrame(rows, columns=["site_id", "name", "kind", "country", "latitude", "longitude"])
    df["notes"] = ["Main casino town.", HOSTILE_NOTE, "", None, "SEZ", "Casino"]
    df["source"] = ["Reuters", "AP", "RFA", "x", "y", "z"]
    df["source_url"] = [
        "https://example.org/a",
        HOSTILE_URL,
        "https://example.org/c",
        None,
        "data:text/html,hi",
        "https://e.org/z",
    ]
    df["damage_date"] = pd.to_datetime(["2025-12-18", None, None, None, None, None])
    df["damage_note"] = ["Warehouse hit by 3 bombs", None, None, None, None, None]
    df["damage_claimed_by"] = ["both", None, None, None, None, None]
    df["damage_source_url"] = ["https://example.org/damage", None, None, None, None, None]
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df.longitude, df.latitude), crs="EPSG:4326"
    )
    gdf.index = pd.Index(gdf["site_id"], name="site_id")
    return gdf


def make_displacement() -> pd.DataFrame:
    rows = [
        ("2025-07-24", "TH-32", "Surin", "in_shelters", 1000, "people"),
        ("2025-07-24", "TH-33", "Si Sa Ket", "in_shelters", 3000, "people"),
        ("2025-07-27", "TH-32", "Surin", "in_shelters", 9000, "people"),  # peak: 9000 + 3000
        ("2025-08-05", "TH-32", "Surin", "in_shelters", 500, "people"),
        ("2025-08-05", "TH-33", "Si Sa Ket", "in_shelters", 400, "people"),
        ("2025-07-27", None, None, "in_shelters", 99999, "people"),  # national: not drawn
        ("2025-07-27", "TH-32", "Surin", "evacuated", 20000, "people"),
        ("2025-07-27", "TH-32", "Surin", "returned", 10, "families"),
        ("2025-07-28", "TH-32", "Surin", "returned", 30, "people"),
    ]
    df = pd.DataFrame(rows, columns=["as_of", "admin1_code", "admin1", "metric", "value", "unit"])
    df["as_of"] = pd.to_datetime(df["as_of"])
    df["country"] = "THA"
    df["publisher"] = "Thai MOI <i>x</i>"
    df["source_url"] = "https://example.org/moi"
    return df


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    return make_sites()


@pytest.fixture
def displacement() -> pd.DataFrame:
    return make_displacement()


def layer(m: folium.Map, name: str):
    return sm.map_layers(m)[name]


def legends(element) -> list[Legend]:
    return [c for c in element._children.values() if isinstance(c, Legend)]


# --- escaping helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        HOSTILE_NOTE,
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "${alert(1)}",
        "`",
        "a\\`b",
    ],
)
def test_text_leaves_no_markup_or_template_syntax(raw):
    out = _html.text(raw)
    assert not set(out) & set("<>\"'`$\\")
    assert "&lt;" in out or "&#" in out or "&quot;" in out


def test_text_missing_values_and_truncation():
    assert _html.text(None) == _html.text(np.nan) == _html.text(pd.NA) == _html.text("  ") == ""
    assert _html.text(None, default="—") == "—"
    assert _html.text("abcdefghij", max_chars=5) == "abcd…"
    assert _html.text(3) == "3"


@pytest.mark.parametrize(
    ("url", "is_link"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ('https://ok.org/"onmouseover="alert(1)', False),
        ("https://ok.org/a b", False),
    ],
)
def test_link_only_for_http_urls(url, is_link):
    out = _html.link(url, "source")
    assert out.startswith("<a href=") is is_link
    if is_link:
        assert 'rel="noopener noreferrer"' in out
        assert "&amp;c=2" in out or "&" not in url
    else:
        assert "<a" not in out and "<script" not in out
        assert _html.text(url.strip()) in out  # shown as text


def test_script_json_cannot_close_the_script():
    out = _html.script_json({"a": "</script><script>alert(1)</script>", "b": "\u2028"})
    assert "</" not in out and "<" not in out and "\u2028" not in out
    assert json.loads(out)["a"].startswith("</script>")


# --- base map -----------------------------------------------------------------------


def test_base_map_draws_the_reference_geography_as_vectors():
    m = sm.base_map()
    layers = sm.map_layers(m)
    assert list(layers) == ["Countries", "Provinces", "Border", "Towns", "Crossings"]
    assert layers["Countries"].n_features == len(datasets.countries())
    assert layers["Provinces"].n_features == 101
    assert layers["Border"].n_features == 1
    assert layers["Towns"].n_features == len(datasets.places())
    assert all(isinstance(v, VectorLayer) for v in layers.values())
    assert "Natural Earth" in layers["Provinces"].attribution
    assert "OpenStreetMap contributors" in layers["Border"].attribution  # ODbL credit
    assert "GeoNames" in layers["Towns"].attribution
    # no tiles unless asked for
    assert not [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    # one layer control, last
    children = list(m._children.values())
    assert isinstance(children[-1], folium.LayerControl)
    assert sum(isinstance(c, folium.LayerControl) for c in children) == 1
    # the province tooltips carry names and ISO codes
    tips = [f["properties"]["tip"] for f in layers["Provinces"].data["features"]]
    assert "Sa Kaeo (TH-27)" in tips


def test_base_map_labels_towns_and_crossings_and_has_a_locator():
    gaz = datasets.gazetteer()
    crossings = gaz[gaz["kind"] == "crossing"]
    # around Poipet: the labels are the towns and crossings inside the frame
    bounds = (102.3, 13.4, 102.9, 13.9)
    m = sm.base_map(bounds=bounds, options=sm.BaseMapOptions(labels=5))
    layers = sm.map_layers(m)
    inside = crossings[
        crossings.longitude.between(102.3, 102.9) & crossings.latitude.between(13.4, 13.9)
    ]
    labels = [f["properties"]["lb"] for f in layers["Crossings"].data["features"]]
    assert sorted(labels) == sorted(inside["name"]) and len(labels) >= 1
    places = datasets.places()
    near = places[places.longitude.between(102.3, 102.9) & places.latitude.between(13.4, 13.9)]
    towns = [
        f["properties"]["lb"] for f in layers["Towns"].data["features"] if "lb" in f["properties"]
    ]
    assert len(towns) == min(5, len(near)) and "Poipet" in towns
    (inset,) = [c for c in m._children.values() if isinstance(c, LocatorInset)]
    assert inset.svg.startswith("<svg") and "<rect" in inset.svg
    bare = sm.base_map(options=sm.BaseMapOptions(labels=0, crossings=False, locator=False))
    assert "Crossings" not in sm.map_layers(bare)
    assert not any("lb" in f["properties"] for f in sm.map_layers(bare)["Towns"].data["features"])
    assert not [c for c in bare._children.values() if isinstance(c, LocatorInset)]


def test_base_map_tiles_are_optional_base_layers():
    m = sm.base_map(tiles=["OpenStreetMap", "OpenTopoMap"])
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert [t.layer_name for t in tiles] == ["OpenStreetMap", "OpenTopoMap"]
    assert [t.show for t in tiles] == [True, False]
    assert "No tiles (offline)" in sm.map_layers(m)
    html = m.get_root().render()
    assert "openstreetmap.org/copyright" in html  # the tiles' own attribution


def test_base_map_simplification_keeps_the_page_small():
    m = sm.base_map()
    size = sum(len(_html.script_json(layer.data)) for layer in sm.map_layers(m).values())
    assert size < 900_000
    full = sm.base_map(options=sm.BaseMapOptions(simplify_deg=0))
    assert sum(len(_html.script_json(v.data)) for v in sm.map_layers(full).values()) > size


def test_builders_refuse_a_non_map(events):
    with pytest.raises(scamgeo.ParameterError, match="folium.Map"):
        sm.events_map(events, m="not a map")


# --- sites ---------------------------------------------------------------------------


def test_sites_map_one_symbol_per_kind_and_popups(sites):
    m = sm.sites_map(sites)
    lay = layer(m, "Sites")
    assert lay.n_features == 6
    icons = lay.icons
    assert len({i["svg"] for i in icons}) == len(icons) == 5  # distinct symbol per kind
    by_name = {f["properties"]["tip"].split(" (")[0]: f["properties"] for f in lay.data["features"]}
    poipet = by_name["Poipet"]["pop"]
    for text in (
        "Casino hub",
        "KHM",
        "Main casino town.",
        "Warehouse hit by 3 bombs",
        "18 December 2025",
        "claimed by both",
    ):
        assert text in poipet
    assert (
        '<a href="https://example.org/a"' in poipet
        and '<a href="https://example.org/damage"' in poipet
    )
    star = by_name["&lt;b&gt;Star&lt;/b&gt; Vegas"]["pop"]
    assert "<b>Star" not in star
    osmach = by_name["O&#x27;Smach"]["pop"]
    assert "<script" not in osmach and "<img" not in osmach and "${" not in osmach
    assert "javascript:alert(1)" in osmach and 'href="javascript' not in osmach
    assert 'href="data:' not in json.dumps(lay.data)
    (legend,) = legends(lay)
    assert "Scam compound (1)" in legend.html and "Casino hub (2)" in legend.html
    assert "1 with reported war damage" in legend.html


def test_sites_map_accepts_plain_frames_and_skips_unlocated(sites):
    df = pd.DataFrame(sites.drop(columns="geometry"))
    df.loc["kk-park", "latitude"] = np.nan
    m = sm.sites_map(df, m=sm.base_map())
    assert layer(m, "Sites").n_features == 5
    # the legend counts what is drawn and says what is not (so it matches a table of all six)
    html = legends(layer(m, "Sites"))[0].html
    assert "<h4>Sites: 5 of 6 drawn</h4>" in html
    assert "1 without a location, not drawn (KK Park)" in html
    full = legends(layer(sm.sites_map(sites), "Sites"))[0].html
    assert "<h4>Sites: 6</h4>" in full and "not drawn" not in full


def test_legends_count_the_real_record():
    sites = datasets.sites()
    html = legends(layer(sm.sites_map(sites), "Sites"))[0].html
    drawn = int(np.isfinite(sites["latitude"].astype(float)).sum())
    assert f"Sites: {drawn} of {len(sites)} drawn" in html or drawn == len(sites)
    events = datasets.events()
    d = layer(sm.events_map(events), "Events").data
    assert events["place_id"].notna().all()  # every curated event names its place
    assert len(d["P"]["y"]) == events["place_id"].nunique()  # one marker per place
    assert len(set(d["i"])) == len(datasets.incidents())  # incidents as the record counts them


def test_sites_map_requires_kind(sites):
    with pytest.raises(scamgeo.SchemaError, match="kind"):
        sm.sites_map(sites.drop(columns="kind"))


# --- events --------------------------------------------------------------------------


def test_events_map_columns_colours_and_sizes(events):
    m = sm.events_map(events)
    lay = layer(m, "Events")
    assert isinstance(lay, EventLayer)
    d = lay.data
    assert lay.n_events == len(events) - 1  # one row has no coordinates
    assert len(d["x"]) == len(d["t"]) == len(d["f"]) == len(d["d"]) == len(d["n"]) == 39
    assert d["types"] == ["Battles", "Explosions/Remote violence", "Violence against civilians"]
    assert d["colors"] == ["#D55E00", "#0072B2", "#CC79A7"]  # Okabe-Ito
    assert d["day0"] == events["event_date"].min().strftime("%Y-%m-%d")
    assert d["ndays"] == (events["event_date"].max() - events["event_date"].min()).days
    assert d["f"][0] == int(events["fatalities"].iloc[0]) and d["f"][1] is None
    assert d["q"][2] == 2  # a week's precision is shown
    assert d["canvas"] is False  # few events: SVG
    assert all(round(v, 4) == v for v in d["x"])
    assert "Events heat" in sm.map_layers(m)
    heat = layer(m, "Events heat")
    assert isinstance(heat, HeatLayer) and heat.events is lay and heat.show is False
    assert heat.options["attribution"] == lay.attribution  # credited while only the heat is shown
    assert "density" in legends(heat)[0].html
    (legend,) = legends(lay)
    # every event sits on its own random point here: 39 places, 39 incidents (no incident_id)
    assert len(d["P"]["y"]) == 39 and sorted(set(d["p"])) == list(range(39))
    assert '<span class="sg-claims">39</span> events (claims)' in legend.html
    assert '<span class="sg-incidents">39</span> incidents' in legend.html
    assert '<span class="sg-places">39</span> places' in legend.html
    assert "Battles (13)" in legend.html and "Events at a place" in legend.html


def _placed_events() -> pd.DataFrame:
    """Six claims at three places: two gazetteer places and one point without a place_id."""
    df = make_events(6)
    df["place_id"] = ["ta-muen-thom", "ta-muen-thom", "ta-muen-thom", "poipet-x", None, None]
    df["uncertainty_m"] = [500, 500, 500, 5000, 100, 100]
    df.loc[4:5, ["latitude", "longitude"]] = [[14.1, 103.1], [14.1, 103.1]]
    df["incident_id"] = ["I1", "I1", None, "I2", None, None]  # 5 incidents
    df["claimed_by"] = ["THA", "KHM <b>", "THA", "KHM", "THA", "THA"]
    return df


def test_events_map_one_marker_per_place_counts_claims_and_incidents():
    df = _placed_events()
    gaz = pd.DataFrame(
        {"place_id": ["ta-muen-thom", "poipet-x"], "name": ["Ta Muen Thom", "Poipet"]}
    )
    d = layer(sm.events_map(df, gazetteer=gaz), "Events").data
    places = d["P"]
    assert len(places["y"]) == 3 == df["place_id"].fillna("pt").nunique()
    assert d["p"] == [0, 0, 0, 1, 2, 2]
    assert [d["s"][k] for k in places["nm"]] == ["Ta Muen Thom", "Poipet", "Ta Muen Thom"]
    assert places["u"] == [500, 5000, 100]
    assert len(set(d["i"])) == 5  # I1 twice, I2, and three rows that are their own incident
    assert "KHM &lt;b&gt;" in d["s"]
    (legend,) = legends(layer(sm.events_map(df, gazetteer=gaz), "Events"))
    assert '<span class="sg-claims">6</span>' in legend.html
    assert '<span class="sg-incidents">5</span>' in legend.html
    assert '<span class="sg-places">3</span>' in legend.html
    assert "Location uncertainty (1 place known to worse than 2 km)" in legend.html


def test_events_map_strings_are_escaped_and_links_only_http(events):
    m = sm.events_map(events)
    d = layer(m, "Events").data
    joined = "\n".join(d["s"])
    assert "<script" not in joined and "<img" not in joined and "${" not in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert 'href="javascript' not in joined and "javascript:alert(1)" in joined
    assert (
        '<a href="https://example.org/report" target="_blank" rel="noopener noreferrer">Reuters</a>'
        in joined
    )
    html = m.get_root().render()
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "${alert" not in html


def test_events_map_canvas_for_many_points_and_options():
    many = make_events(2500)
    m = sm.events_map(many, heat=False, time_slider=False)
    d = layer(m, "Events").data
    assert d["canvas"] is True and d["slider"] is False
    assert "Events heat" not in sm.map_layers(m)
    assert (
        layer(sm.events_map(many, options=sm.EventMapOptions(renderer="svg")), "Events").data[
            "canvas"
        ]
        is False
    )
    with pytest.raises(scamgeo.ParameterError, match="renderer"):
        sm.events_map(many, options=sm.EventMapOptions(renderer="webgl"))


def test_events_map_notes_are_cut_and_strings_shared():
    df = make_events(30)
    df["notes"] = "x" * 1000
    d = layer(sm.events_map(df, options=sm.EventMapOptions(max_note_chars=50)), "Events").data
    assert len(d["s"][d["n"][0]]) == 50 and d["s"][d["n"][0]].endswith("…")
    assert len(set(d["n"])) == 1  # one copy of a repeated note


def test_events_map_attribution_follows_the_dataset():
    acled = layer(sm.events_map(make_events(dataset="ACLED")), "Events")
    assert "Armed Conflict Location &amp; Event Data (ACLED)" in acled.attribution
    assert "acleddata.com" in acled.attribution
    ucdp = layer(sm.events_map(make_events(dataset="UCDP GED")), "Events")
    assert "UCDP" in ucdp.attribution and "ACLED" not in ucdp.attribution
    mixed = pd.concat([make_events(dataset="ACLED"), make_events(dataset="<i>mine</i>")])
    att = layer(sm.events_map(mixed), "Events").attribution
    assert "ACLED" in att and "&lt;i&gt;mine&lt;/i&gt;" in att


def test_events_map_requires_schema_columns(events):
    with pytest.raises(scamgeo.SchemaError, match="event_type"):
        sm.events_map(events.drop(columns="event_type"))


def test_two_event_layers_get_distinct_names(events):
    m = sm.events_map(events)
    sm.events_map(make_events(10), m=m)
    assert {"Events", "Events (2)", "Events heat", "Events heat (2)"} <= set(sm.map_layers(m))
    children = list(m._children.values())
    assert isinstance(children[-1], folium.LayerControl)
    assert sum(isinstance(c, folium.LayerControl) for c in children) == 1


def test_large_event_data_travel_compressed():
    df = make_events(5000)
    df["notes"] = [f"note number {i} " * 25 for i in range(len(df))]  # > 1 MB of JSON
    m = sm.events_map(df)
    html = m.get_root().render()
    lay = layer(m, "Events")
    packed = re.search(re.escape(f"}})({lay.get_name()}, ") + r'"([A-Za-z0-9+/=]+)"\);', html)
    assert packed, "large data should be gzip+base64"
    data = json.loads(gzip.decompress(base64.b64decode(packed.group(1))))
    assert len(data["y"]) == 5000 and data["s"][data["n"][7]].startswith("note number 7 ")
    small = sm.events_map(make_events(10), options=sm.EventMapOptions(compress=True))
    assert re.search(
        re.escape(f"}})({layer(small, 'Events').get_name()}, ") + '"H4sI', small.get_root().render()
    )


# --- displacement ----------------------------------------------------------------------


def test_displacement_map_peak_and_legend(displacement):
    m = sm.displacement_map(displacement, metric="in_shelters")
    lay = layer(m, "In shelters (people)")
    feats = lay.data["features"]
    values = {f["properties"]["tip"].split(":")[0]: f["properties"] for f in feats}
    assert set(values) == {"Surin", "Si Sa Ket"}  # national row not drawn
    assert "9,000 people" in values["Surin"]["tip"] and "3,000 people" in values["Si Sa Ket"]["tip"]
    # circle area proportional to the value
    r_surin, r_ssk = values["Surin"]["st"]["radius"], values["Si Sa Ket"]["st"]["radius"]
    assert r_surin == pytest.approx(36.0)
    assert (r_ssk / r_surin) ** 2 == pytest.approx(3000 / 9000, rel=0.01)
    (legend,) = legends(lay)
    assert "In shelters (people), each province's peak" in legend.html
    # each province at its own peak, with its date (not one snapshot date)
    assert values["Surin"]["tip"] == "Surin: 9,000 people (peak, 27 July 2025)"
    assert values["Si Sa Ket"]["tip"] == "Si Sa Ket: 3,000 people (peak, 24 July 2025)"
    assert "no counting_body column" in legend.html
    assert "Circle area ∝ people" in legend.html
    assert "Thai MOI &lt;i&gt;x&lt;/i&gt;" in values["Surin"]["pop"]


def test_displacement_map_for_a_date_carries_latest_figures(displacement):
    m = sm.displacement_map(displacement, metric="in_shelters", date="2025-07-30")
    tips = sorted(f["properties"]["tip"] for f in layer(m, "In shelters (people)").data["features"])
    assert tips == ["Si Sa Ket: 3,000 people", "Surin: 9,000 people"]
    legend = legends(layer(m, "In shelters (people)"))[0]
    assert "30 July 2025" in legend.html and "peak" not in legend.html


def test_displacement_map_errors_name_what_is_allowed(displacement):
    with pytest.raises(scamgeo.ParameterError, match="Allowed"):
        sm.displacement_map(displacement, metric="fled")
    with pytest.raises(scamgeo.ParameterError, match="several units"):
        sm.displacement_map(
            displacement.assign(unit=np.where(displacement.index % 2, "sites", "families")),
            metric="in_shelters",
        )
    # a date with no figure near it: an empty map that says so (the empty-input policy)
    for date, said in (
        (
            "2025-01-01",
            "No province figure in the 14 days up to 1 January 2025 (the figures run from "
            "24 July 2025",
        ),
        ("2025-09-01", "No province figure in the 14 days up to 1 September 2025"),
    ):
        empty = sm.displacement_map(displacement, metric="in_shelters", date=date)
        lay = layer(empty, "In shelters (people)")
        assert lay.data["features"] == []
        assert said in legends(lay)[0].html
    stale = sm.displacement_map(
        displacement,
        metric="in_shelters",
        date="2025-09-01",
        options=sm.DisplacementMapOptions(max_age_days=None),
    )
    tips = sorted(
        f["properties"]["tip"] for f in layer(stale, "In shelters (people)").data["features"]
    )
    assert tips == ["Si Sa Ket: 400 people", "Surin: 500 people"]
    with pytest.raises(scamgeo.ParameterError, match="has: evacuated, in_shelters, returned"):
        sm.displacement_map(
            displacement[displacement.metric != "remaining"].assign(), metric="remaining"
        )
    m = sm.displacement_map(displacement, metric="returned", unit="families")
    assert "Returned (families)" in sm.map_layers(m)


def test_displacement_map_keeps_bodies_and_measures_apart(displacement):
    df = displacement.assign(counting_body="Thai MOI", measure="stock")
    flow = df.iloc[[2]].assign(measure="flow", value=50000)  # a flow bigger than any stock
    other = df.iloc[[1]].assign(counting_body="Army", value=7000, as_of=pd.Timestamp("2025-07-29"))
    m = sm.displacement_map(pd.concat([df, flow, other]), metric="in_shelters")
    lay = layer(m, "In shelters (people)")
    tips = sorted(f["properties"]["tip"] for f in lay.data["features"])
    # the flow is never drawn as a level; Si Sa Ket keeps its own body's series (2 figures)
    assert tips == [
        "Si Sa Ket: 3,000 people (peak, 24 July 2025)",
        "Surin: 9,000 people (peak, 27 July 2025)",
    ]
    html = legends(lay)[0].html
    assert "flows set aside" in html and "1 province(s) also had another counting body" in html
    only_flow = sm.displacement_map(
        pd.concat([df, flow]),
        metric="in_shelters",
        measure="flow",
        options=sm.DisplacementMapOptions(name="flows"),
    )
    assert [f["properties"]["tip"] for f in layer(only_flow, "flows").data["features"]] == [
        "Surin: 50,000 people (peak, 27 July 2025)"
    ]


def test_displacement_map_without_province_figures_says_so(displacement):
    national = displacement.assign(admin1_code=None, admin1=None)
    m = sm.displacement_map(national, metric="returned", unit="people")
    lay = layer(m, "Returned (people)")
    assert lay.data["features"] == []
    assert "No province figures: only national figures (1) are reported" in legends(lay)[0].html


# --- rings -----------------------------------------------------------------------------


def test_rings_map_uses_geo_rings(sites):
    m = sm.rings_map(sites, hub="poipet", radii_km=(10, 25, 50))
    lay = layer(m, "Rings around Poipet")
    assert lay.n_features == 3
    tips = [f["properties"]["tip"] for f in lay.data["features"]]
    assert tips == ["0–10 km from Poipet", "10–25 km from Poipet", "25–50 km from Poipet"]
    # the outer ring reaches 50 km from the hub (geodesic, within 1%)
    import pyproj
    import shapely

    outer = shapely.geometry.shape(lay.data["features"][-1]["geometry"])
    lon, lat = np.asarray(outer.exterior.coords).T
    dist = pyproj.Geod(ellps="WGS84").inv(
        np.full(lon.size, 102.564), np.full(lat.size, 13.658), lon, lat
    )[2]
    assert dist.max() / 1000 == pytest.approx(50, rel=0.01)
    (legend,) = legends(lay)
    assert "Distance from Poipet" in legend.html and "25–50 km" in legend.html
    # the hub is drawn on top, labelled, at its own point
    (hub,) = [
        c
        for c in m._children.values()
        if isinstance(c, VectorLayer) and c.layer_name == "Rings around Poipet: hub"
    ]
    (feat,) = hub.data["features"]
    assert feat["properties"]["lb"] == "Poipet" and feat["properties"]["z"] > 0
    assert tuple(feat["geometry"]["coordinates"]) == (102.564, 13.658)
    by_name = sm.rings_map(sites, hub="o'smach", m=m)
    assert "Rings around O&#x27;Smach" in sm.map_layers(by_name)


def test_rings_map_unknown_hub(sites):
    with pytest.raises(scamgeo.ParameterError, match="(?i)poipet"):
        sm.rings_map(sites, hub="poipt")


# --- legends and layer control -----------------------------------------------------


def test_every_data_layer_has_a_legend_bound_to_it(sites, events, displacement):
    m = sm.base_map()
    sm.sites_map(sites, m=m)
    sm.events_map(events, m=m)
    sm.displacement_map(displacement, m=m)
    sm.rings_map(sites, hub="poipet", m=m)
    for name in (
        "Countries",
        "Sites",
        "Events",
        "Events heat",
        "In shelters (people)",
        "Rings around Poipet",
    ):
        lay = layer(m, name)
        (legend,) = legends(lay)
        assert legend._parent is lay
    html = m.get_root().render()
    # each legend script listens to its own layer's add/remove
    for name in ("Sites", "Events"):
        var = layer(m, name).get_name()
        block = html[html.index(f"}})({var});") - 2500 : html.index(f"}})({var});")]
        assert 'layer.on("remove"' in block and 'layer.on("add"' in block
    # the layer control knows every layer
    control = [c for c in m._children.values() if isinstance(c, folium.LayerControl)][0]
    assert set(control.overlays) == set(sm.map_layers(m))


# --- saving --------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_save_map_self_contained_has_no_network_reference(tmp_path: Path, sites, events):
    m = sm.events_map(events, m=sm.sites_map(sites))
    out = sm.save_map(m, tmp_path / "sub" / "map.html")
    html = out.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    scripts = [a for t, a in parser.tags if t == "script"]
    links = [a for t, a in parser.tags if t == "link"]
    assert scripts and not [a for a in scripts if "src" in a]
    assert not [a for a in links if "stylesheet" in a.get("rel", "")]
    assert remote_references(html) == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//[^"']*\.(?:js|css)\b""", html)
    assert "L.heatLayer" in html and "leaflet" in html.lower()
    assert "jquery" not in html.lower()[:2000]  # unused defaults trimmed
    assert 1e5 < out.stat().st_size < 1.5e6
    assert not list(tmp_path.glob("sub/.*tmp"))


def test_save_map_linked_version_uses_cdns(tmp_path: Path, events):
    out = sm.save_map(sm.events_map(events), tmp_path / "linked.html", self_contained=False)
    html = out.read_text(encoding="utf-8")
    assert "https://cdn.jsdelivr.net/npm/leaflet@" in html
    assert out.stat().st_size < 600_000


def test_save_map_reports_an_asset_it_cannot_inline(tmp_path: Path, events):
    m = sm.events_map(events)
    m.get_root().header.add_child(
        folium.JavascriptLink("https://cdn.example.org/unknown.js"), name="x"
    )
    with pytest.raises(scamgeo.DataSourceError, match="unknown.js"):
        sm.save_map(m, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_fifty_thousand_events_stay_under_budget(tmp_path: Path):
    rng = np.random.default_rng(7)
    n = 50_000
    df = make_events(n, seed=7, dataset="ACLED")
    vocab = np.array([f"w{k}" for k in range(3000)])
    df["notes"] = [
        " ".join(rng.choice(vocab, 30)) for _ in range(n)
    ]  # ~180 characters, all different
    df["source_url"] = [f"https://example.org/{k % 5000}" for k in range(n)]
    m = sm.events_map(df)
    out = sm.save_map(m, tmp_path / "big.html")
    assert out.stat().st_size < 10e6
    assert layer(m, "Events").data["canvas"] is True


def test_display_map_embeds_the_self_contained_page(events):
    import html as stdhtml

    m = sm.events_map(events)
    shown = sm.display_map(m, height=400)
    frame = shown._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "height:400px" in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert "<" not in srcdoc  # the page is an attribute value, fully escaped
    page = stdhtml.unescape(srcdoc)
    assert page.startswith("<!DOCTYPE html>") and remote_references(page) == []
    assert layer(m, "Events").get_name() in page and "L.heatLayer" in page
    with pytest.raises(scamgeo.ParameterError, match="height"):
        sm.display_map(m, height=0)


def test_events_map_with_no_located_events(events):
    empty = events.assign(latitude=np.nan)
    m = sm.events_map(empty, m=sm.base_map())
    lay = layer(m, "Events")
    assert lay.n_events == 0 and lay.data["ndays"] == 0
    assert '<span class="sg-claims">0</span>' in legends(lay)[0].html
    m.get_root().render()


def test_sites_map_puts_hubs_on_top_and_labels_hubs_and_crossings(sites):
    feats = layer(sm.sites_map(sites), "Sites").data["features"]
    by_name = {f["properties"]["tip"].split(" (")[0]: f["properties"] for f in feats}
    assert by_name["Poipet"]["z"] == by_name["O&#x27;Smach"]["z"] > 0
    assert {p["z"] for n, p in by_name.items() if n not in {"Poipet", "O&#x27;Smach"}} == {0}
    labelled = sorted(p["lb"] for p in by_name.values() if "lb" in p)
    assert labelled == ["Khlong Luek", "O&#x27;Smach", "Poipet"]  # hubs and the crossing
    none = layer(sm.sites_map(sites, labels=()), "Sites").data["features"]
    assert not [f for f in none if "lb" in f["properties"]]


# --- static image ----------------------------------------------------------------------


def test_static_image_draws_the_same_places_and_counts(sites):
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    from scamgeo.maps._static import _draw_events

    df = _placed_events()
    gaz = pd.DataFrame(
        {"place_id": ["ta-muen-thom", "poipet-x"], "name": ["Ta Muen Thom", "Poipet"]}
    )
    m = sm.events_map(df, gazetteer=gaz, m=sm.sites_map(sites))
    png = sm.static_image(m, width_in=4, height_in=3, dpi=100, title="<b>Test</b>")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = mpimg.imread(io.BytesIO(png))
    # tight bbox of 4 x 3 in (true proportions: narrower than 4 in; no label runs off the map)
    assert 200 < img.shape[0] < 400 and 250 < img.shape[1] < 500
    fig, ax = plt.subplots()
    labels: list = []
    note = _draw_events(ax, layer(m, "Events"), labels)
    plt.close(fig)
    assert note == "Events: 6 events (claims) of 5 incidents at 3 places"  # as the web legend
    assert len(ax.collections) == 3 and len(ax.patches) == 1  # 3 markers, 1 uncertainty circle
    assert sorted(t for _, _, t in labels) == ["Poipet", "Ta Muen Thom"]  # gazetteer places
    # only layers: the same picture from map_layers(m)
    assert sm.static_image(sm.map_layers(m), dpi=50)[:4] == b"\x89PNG"
    with pytest.raises(scamgeo.ParameterError, match="static_image needs"):
        sm.static_image("map.html")


def test_boundaries_are_simplified_for_the_view():
    from scamgeo.maps._base import display_tolerance

    hub = (102.2, 13.3, 103.0, 14.0)  # around Poipet
    assert display_tolerance(hub) == pytest.approx(0.7 * 1.3 / 900)  # one pixel of 900
    assert display_tolerance((97.0, 5.0, 108.0, 21.0)) == 0.01  # the region: capped at ~1 km
    auto = sm.base_map(bounds=hub)
    import shapely

    from scamgeo.maps._common import feature_collection, round_geometry

    # the former page: every boundary at 0.002° (~220 m), 4 decimals
    total = {"auto": 0, "old": 0}
    for name, frame in (("Countries", datasets.countries()), ("Provinces", datasets.provinces())):
        total["auto"] += len(_html.script_json(layer(auto, name).data))
        uniform = round_geometry(frame.geometry, simplify_deg=0.002, decimals=4)
        total["old"] += len(_html.script_json(feature_collection(uniform, [{}] * len(frame))))
    assert total["auto"] < 0.6 * total["old"]

    def vertices(geom, box):
        return shapely.get_num_coordinates(shapely.clip_by_rect(geom, *box))

    border = datasets.border().geometry.iloc[0]
    drawn = shapely.geometry.shape(layer(auto, "Border").data["features"][0]["geometry"])
    before = shapely.simplify(border, 0.002 / 4)
    # near the view the border keeps at least the former detail, far away less
    assert vertices(drawn, hub) >= vertices(before, hub)
    far = (104.5, 14.0, 106.0, 14.6)  # the Preah Vihear–Ubon stretch, off the hub's view
    assert vertices(drawn, far) < vertices(before, far)


def test_display_map_carries_a_print_image_when_asked(sites):
    m = sm.sites_map(sites)
    plain = sm.display_map(m)._repr_html_()
    assert plain.startswith("<iframe") and "scamgeo-map-print" not in plain
    shown = sm.display_map(m, print_image=True)
    html = shown._repr_html_()
    (data,) = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert base64.b64decode(data) == shown.png and shown.png[:4] == b"\x89PNG"
    assert "@media print{.scamgeo-map-box iframe.scamgeo-map{display:none}" in html
    # the image lies under the iframe (drawn first), inside one box; its alt text says
    # what the map holds, escaped
    assert html.index("<img") < html.index("<iframe") and html.count('class="scamgeo-map-box"') == 1
    alt = re.search(r'<img class="scamgeo-map-print" alt="([^"]*)"', html).group(1)
    assert alt == sm.display_map(m).alt and alt.startswith("Map of ") and "sites" in alt


def test_static_image_leaves_the_callers_backend_and_figures_alone(sites):
    """A brief's later charts vanished once a map's print image had switched pyplot to Agg."""
    import matplotlib.pyplot as plt

    before = plt.get_backend()
    plt.close("all")  # matplotlib < 3.10 warns when a switch closes open figures
    plt.switch_backend("svg")
    try:
        plt.figure()  # the caller's own figure, which must stay open and alone
        open_figures = plt.get_fignums()
        png = sm.static_image(sm.sites_map(sites), width_in=3, height_in=2, dpi=50)
        assert png[:4] == b"\x89PNG"
        assert plt.get_backend() == "svg" and plt.get_fignums() == open_figures
    finally:
        plt.close("all")
        plt.switch_backend(before)


def test_static_image_labels_never_overlap_or_run_off_the_map():
    """All sites of the region: labels that would pile up are left out, none leaves the frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from scamgeo.maps._static import _frame, _label_and_note

    sites = datasets.sites()
    fig = Figure(figsize=(7, 5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    labels = [
        (float(p.x), float(p.y), str(n)) for p, n in zip(sites.geometry, sites["name"], strict=True)
    ]
    _frame(ax, sites.total_bounds)
    _label_and_note(ax, labels, [])
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    frame = ax.get_window_extent(renderer)
    assert 5 <= len(boxes) < len(labels)  # some drawn, the piled-up ones left out
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in boxes)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
