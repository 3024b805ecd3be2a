"""The reference geography: countries, provinces, borders, places, names."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Geod

import scamgeo
from scamgeo import datasets

GEOD = Geod(ellps="WGS84")


def _km_to_border(lon: float, lat: float) -> float:
    """Geodesic distance (km) from a point to the nearest vertex-interpolated border point."""
    line = datasets.border().geometry.iloc[0]
    # densify to ~100 m so the nearest vertex is the nearest point to within 0.1 km
    dense = shapely.segmentize(line, 0.001)
    coords = shapely.get_coordinates(dense)
    _, _, dist = GEOD.inv([lon] * len(coords), [lat] * len(coords), coords[:, 0], coords[:, 1])
    return float(min(dist)) / 1000.0


def test_province_counts_and_unique_codes():
    prov = datasets.provinces()
    assert (prov["country"] == "THA").sum() == 77
    assert (prov["country"] == "KHM").sum() == 24
    assert prov["iso_3166_2"].is_unique
    assert prov.crs.to_epsg() == 4326
    assert prov.loc["TH-33", "name"] == "Si Sa Ket"
    assert prov.loc["KH-22", "name"] == "Oddar Meanchey"
    # national codes follow the ISO numbers for both countries
    assert prov.loc["TH-27", "national_code"] == "27"
    assert prov.loc["KH-1", "national_code"] == "01"


def test_provinces_filter_by_country():
    assert len(datasets.provinces("KHM")) == 24
    assert set(datasets.provinces(["THA"])["country"]) == {"THA"}
    with pytest.raises(scamgeo.ParameterError, match="'KHM'"):
        datasets.provinces("KHN")


def test_provinces_cover_areas_plausibly():
    prov = datasets.provinces()
    # Natural Earth at 1:10m: Thailand ~513,000 km², Cambodia ~181,000 km²
    assert prov.loc[prov["country"] == "THA", "area_km2"].sum() == pytest.approx(513_000, rel=0.03)
    assert prov.loc[prov["country"] == "KHM", "area_km2"].sum() == pytest.approx(181_000, rel=0.03)


def test_thailand_cambodia_border_length():
    line = datasets.border("KHM", "THA")
    assert len(line) == 1
    km = line["length_km"].iloc[0]
    # OpenStreetMap's line (the surveyed border is about 817 km; Natural Earth 1:10m gave 663)
    assert 815 < km < 830
    # recompute geodesically from the geometry itself
    assert GEOD.geometry_length(line.geometry.iloc[0]) / 1000 == pytest.approx(km, abs=0.1)


def test_other_borders_and_unknown_pair():
    names = set(datasets.borders()["name"])
    assert {"THA–LAO", "THA–MMR", "THA–KHM"} <= names
    with pytest.raises(scamgeo.ParameterError, match="THA–KHM"):
        datasets.border("THA", "VNM")


def test_poipet_and_aranyaprathet():
    pl = datasets.places().set_index("name")
    poipet = pl.loc["Poipet"]
    assert poipet["country"] == "KHM"
    assert poipet["geonames_name"] == "Paoy Paet"
    assert poipet["admin1_code"] == "KH-1"
    assert _km_to_border(poipet["longitude"], poipet["latitude"]) < 3.0
    aran = pl.loc["Aranyaprathet"]
    assert aran["country"] == "THA"
    assert aran["admin1_code"] == "TH-27"


def test_myawaddy_keeps_its_own_country():
    pl = datasets.places().set_index("name")
    # at 1:10m the point falls inside the Thai polygon; its own country code wins
    assert pl.loc["Myawaddy", "country"] == "MMR"
    assert pl.loc["Myawaddy", "country_polygon"] == "THA"
    # on the OpenStreetMap THA–KHM line O'Smach falls in Cambodia (1:10m put it in Thailand)
    assert pl.loc["O'Smach", "country_polygon"] == "KHM"


def test_preah_vihear_temple_near_border():
    assert _km_to_border(104.680, 14.388) < 5.0


def test_places_required_towns_present():
    names = set(datasets.places()["name"])
    for town in [
        "Poipet",
        "O'Smach",
        "Bavet",
        "Koh Kong",
        "Ban Hat Lek",
        "Pailin",
        "Samraong",
        "Anlong Veng",
        "Sisophon",
        "Battambang",
        "Siem Reap",
        "Tbeng Meanchey",
        "Si Sa Ket",
        "Kantharalak",
        "Surin",
        "Phanom Dong Rak",
        "Buri Ram",
        "Ban Kruat",
        "Ubon Ratchathani",
        "Sa Kaeo",
        "Chanthaburi",
        "Trat",
        "Khlong Yai",
        "Mae Sot",
        "Myawaddy",
        "Shwe Kokko",
        "Tachilek",
        "Kap Choeng",
        "Aranyaprathet",
    ]:
        assert town in names, town


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Si Sa Ket", "TH-33"),
        ("Sisaket", "TH-33"),
        ("Otdar Mean Chey", "KH-22"),
        ("Oddar Meanchey", "KH-22"),
        ("Otar Meanchey", "KH-22"),
        ("Banteay Mean Chey", "KH-1"),
        ("Banteay Meanchey", "KH-1"),
        ("Preah Vihear", "KH-13"),
        ("Buriram", "TH-31"),
        ("Buri Ram", "TH-31"),
        ("sa kaeo", "TH-27"),
        ("Surin Province", "TH-32"),
        ("TH-34", "TH-34"),
        ("Bântéay Méanchey", "KH-1"),
    ],
)
def test_find_province_variants(name, code):
    row = datasets.find_province(name)
    assert row.name == code
    assert row["iso_3166_2"] == code


def test_find_province_unknown_suggests():
    with pytest.raises(scamgeo.ParameterError) as err:
        datasets.find_province("Sisakat")
    assert "Sisaket" in str(err.value)


def test_find_province_temple_is_not_a_province():
    with pytest.raises(scamgeo.ParameterError, match="temple"):
        datasets.find_province("Preah Vihear temple")


def test_province_code_vectorised():
    codes = datasets.province_code(
        ["Surin", "Oddar Meanchey", "Atlantis", None], country=["THA", "KHM", "THA", "THA"]
    )
    assert codes.tolist()[:2] == ["TH-32", "KH-22"]
    assert codes.isna().tolist()[2:] == [True, True]


def test_frames_are_copies():
    a = datasets.provinces()
    a.loc["TH-32", "name"] = "changed"
    assert datasets.provinces().loc["TH-32", "name"] == "Surin"


def test_countries_region():
    c = datasets.countries(region_only=True)
    assert set(c["iso3"]) == {"THA", "KHM", "LAO", "MMR", "VNM", "MYS"}
    xmin, ymin, xmax, ymax = datasets.countries().total_bounds
    assert xmin >= 92 - 1e-9 and xmax <= 110 + 1e-9 and ymin >= 5 - 1e-9 and ymax <= 24 + 1e-9


def test_provinces_join_spatially():
    import geopandas as gpd

    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([103.49364], [14.88181]), crs=4326
    )  # Surin town
    joined = gpd.sjoin(pts, datasets.provinces(), predicate="within")
    assert joined["iso_3166_2"].tolist() == ["TH-32"]


# --- the OpenStreetMap line and the geometry edge-matched to it (issue 23) ----------

METRIC = "EPSG:32648"


def _metric(geom) -> shapely.Geometry:
    """In UTM 48N, densified first (a long straight edge in degrees bends in UTM)."""
    import geopandas as gpd

    return gpd.GeoSeries([shapely.segmentize(geom, 0.0005)], crs=4326).to_crs(METRIC).iloc[0]


def test_line_is_the_shared_edge_of_the_two_countries():
    geoms = datasets.countries().set_index("iso3").geometry
    shared = shapely.intersection(geoms["THA"].boundary, geoms["KHM"].boundary, grid_size=1e-6)
    parts = [
        p for p in shapely.get_parts(shared) if p.geom_type in ("LineString", "MultiLineString")
    ]
    edge = shapely.line_merge(shapely.union_all(parts))
    line = datasets.border().geometry.iloc[0]
    assert shapely.hausdorff_distance(edge, line) < 1e-6
    # and the two countries do not overlap anywhere
    assert _metric(shapely.intersection(geoms["THA"], geoms["KHM"])).area < 1.0


@pytest.mark.parametrize("iso", ["THA", "KHM"])
def test_provinces_tile_their_country_along_the_line(iso):
    """No gap or sliver between the border provinces and their country within 5 km of the line."""
    line = _metric(datasets.border().geometry.iloc[0])
    near = line.buffer(5_000)
    country = _metric(datasets.countries().set_index("iso3").geometry[iso]).intersection(near)
    provs = datasets.provinces(iso)
    union = _metric(shapely.union_all(provs.geometry.to_numpy())).intersection(near)
    diff = shapely.symmetric_difference(union, country)
    # overlay noise only: on average under 5 cm wide along the line, nowhere 1 m wide
    assert diff.area / line.length < 0.05
    assert diff.buffer(-0.5).is_empty
    # the provinces of one country do not overlap each other
    metric = provs.to_crs(METRIC)
    pairs = metric.sindex.query(metric.geometry, predicate="intersects")
    overlap = sum(
        metric.geometry.iloc[i].intersection(metric.geometry.iloc[j]).area
        for i, j in zip(*pairs, strict=True)
        if i < j
    )
    assert overlap < 1.0


def test_border_provinces_reach_the_line():
    line = _metric(datasets.border().geometry.iloc[0])
    prov = datasets.provinces()
    border_codes = {"TH-34", "TH-33", "TH-32", "TH-31", "TH-27", "TH-22", "TH-23"}
    border_codes |= {"KH-22", "KH-1", "KH-13", "KH-2", "KH-24", "KH-15", "KH-9"}
    for code in border_codes:
        stretch = line.intersection(_metric(prov.loc[code, "geometry"]).boundary.buffer(1.0))
        assert stretch.length > 1_000, code


def test_gates_with_stated_coordinates_lie_on_the_line():
    # the coordinates the gazetteer cites for the three main gates (0.01, 0.14, 0.26 km
    # from the line; 3.1, 0.7 and 0.8 km from Natural Earth's 1:10m line)
    gaz = datasets.gazetteer()
    for place_id, limit in (
        ("chong-chom-crossing", 0.05),
        ("khlong-luek-poipet-crossing", 0.2),
        ("hat-lek-cham-yeam-crossing", 0.3),
    ):
        row = gaz.loc[place_id]
        assert row["coord_method"] == "stated"
        assert _km_to_border(row["longitude"], row["latitude"]) < limit, place_id


def test_border_provenance_names_openstreetmap_and_its_licence():
    prov = datasets.reference_provenance()
    osm = prov[prov["dataset"].str.contains("OpenStreetMap")]
    assert len(osm) == 1
    assert "ODbL" in osm["licence"].iloc[0]
    assert "OpenStreetMap contributors" in osm["credit"].iloc[0]
    line = datasets.border()
    assert line["source"].iloc[0] == "OpenStreetMap"
