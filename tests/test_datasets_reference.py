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
    assert 600 < km < 850
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
