"""scamgeo.io.read_boundaries: OGR sources matched to the province crosswalk."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from scamgeo import CRSError, DataSourceError, ParameterError
from scamgeo.geo import assign_province
from scamgeo.io import read_boundaries


def test_cod_geojson_matched_by_pcode(fixtures: Path) -> None:
    units = read_boundaries(fixtures / "boundaries_cod_adm1.geojson")
    assert units["admin1_code"].tolist() == ["TH-32", "TH-33", "KH-1", "KH-22"]
    assert units["admin1_match"].tolist() == ["code"] * 4
    assert units["admin1"].tolist() == ["Surin", "Si Sa Ket", "Banteay Meanchey", "Oddar Meanchey"]
    assert units["country"].tolist() == ["THA", "THA", "KHM", "KHM"]
    assert units.crs == "EPSG:4326" and units.geometry.name == units.columns[-1]
    assert units["ADM1_EN"].tolist()[1] == "Sisaket"  # the file's own fields are kept


def test_finer_units_from_a_geopackage(fixtures: Path, tmp_path: Path) -> None:
    gpkg = tmp_path / "gadm_adm2.gpkg"
    gpd.read_file(fixtures / "boundaries_gadm_adm2.geojson").to_file(
        gpkg, layer="ADM_ADM_2", driver="GPKG"
    )
    with pytest.warns(UserWarning, match=r"1 unit\(s\) carry KH-25 Tboung Khmum"):
        units = read_boundaries(gpkg)
    assert units["admin1_code"].tolist() == ["TH-33", "TH-32", "KH-22", "KH-25"]
    # "Otdar Mean Chey" by name; Tboung Khmum by its own (post-2013) name, never KH-3
    assert units["admin1_match"].tolist() == ["name", "name", "name", "name"]
    assert "src_COUNTRY" in units.columns and units["country"].tolist() == [
        "THA",
        "THA",
        "KHM",
        "KHM",
    ]
    # province-level joins keep working: districts per province
    assert units.groupby("admin1_code").size().to_dict() == {
        "KH-22": 1,
        "KH-25": 1,
        "TH-32": 1,
        "TH-33": 1,
    }


def test_zipped_shapefile_reprojected(fixtures: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.read_file(fixtures / "boundaries_cod_adm1.geojson").to_crs("EPSG:32648").to_file(
        folder / "adm1.shp"
    )
    archive = tmp_path / "adm1_shp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, arcname=part.name)
    units = read_boundaries(archive)
    assert units.crs == "EPSG:4326"
    assert units["admin1_code"].tolist() == ["TH-32", "TH-33", "KH-1", "KH-22"]
    centre = units.geometry.iloc[0].centroid
    assert centre.x == pytest.approx(103.680, abs=1e-3) and centre.y == pytest.approx(
        14.912, abs=1e-3
    )


def test_topojson_without_crs_warns_and_assumes_lonlat(fixtures: Path) -> None:
    with pytest.warns(UserWarning, match="no CRS in the file; assuming longitude/latitude"):
        units = read_boundaries(fixtures / "boundaries_geob.topojson")
    assert units.crs == "EPSG:4326"
    assert units["admin1_code"].tolist() == ["KH-13", "TH-27"]
    assert units["country"].tolist() == ["KHM", "THA"]


def test_country_filter(fixtures: Path) -> None:
    units = read_boundaries(fixtures / "boundaries_cod_adm1.geojson", country="KHM")
    assert units["admin1_code"].tolist() == ["KH-1", "KH-22"]


def test_explicit_fields(fixtures: Path, tmp_path: Path) -> None:
    gdf = gpd.read_file(fixtures / "boundaries_cod_adm1.geojson").rename(
        columns={"ADM1_EN": "prov_label"}
    )
    gdf = gdf.drop(columns=["ADM1_PCODE"])
    path = tmp_path / "custom.geojson"
    gdf.to_file(path)
    assert read_boundaries(path)["admin1_code"].isna().sum() == 0  # found spatially anyway
    units = read_boundaries(path, name_field="prov_label")
    assert units["admin1_match"].tolist() == ["name"] * 4
    with pytest.raises(ParameterError, match="name_field='nope' is not a field"):
        read_boundaries(path, name_field="nope")


def test_several_layers_need_a_choice(fixtures: Path, tmp_path: Path) -> None:
    gpkg = tmp_path / "two.gpkg"
    adm1 = gpd.read_file(fixtures / "boundaries_cod_adm1.geojson")
    adm1.to_file(gpkg, layer="adm1", driver="GPKG")
    adm1.iloc[:2].to_file(gpkg, layer="adm1_th", driver="GPKG")
    with pytest.raises(ParameterError, match="has 2 layers; pass layer= one of 'adm1', 'adm1_th'"):
        read_boundaries(gpkg)
    assert len(read_boundaries(gpkg, layer="adm1_th")) == 2
    with pytest.raises(ParameterError, match="layer='adm2' is not in"):
        read_boundaries(gpkg, layer="adm2")


def test_projected_file_without_crs_is_refused(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"name": ["x"]}, geometry=[box(500000, 1500000, 510000, 1510000)])
    path = tmp_path / "nocrs.shp"
    with pytest.warns(
        UserWarning, match="'crs' was not provided"
    ):  # geopandas, writing the test file
        gdf.to_file(path)
    with pytest.raises(
        CRSError, match="no CRS in the file and the coordinates .* are not longitude/latitude"
    ):
        read_boundaries(path)


def test_bad_files(tmp_path: Path, fixtures: Path) -> None:
    with pytest.raises(DataSourceError, match="no such file"):
        read_boundaries(tmp_path / "missing.gpkg")
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    with pytest.raises(DataSourceError, match="the file is empty"):
        read_boundaries(empty)
    with pytest.raises(DataSourceError, match="has no geometry; expected a boundary file"):
        read_boundaries(fixtures / "acled_weekly.csv")
    empty_collection = tmp_path / "none.geojson"
    empty_collection.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(DataSourceError, match=r"has no features \(an empty collection\)"):
        read_boundaries(empty_collection)
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"\x00\x01 not a database")
    with pytest.raises(DataSourceError, match="not a readable boundary file"):
        read_boundaries(junk)


def test_unknown_country_code(fixtures: Path) -> None:
    with pytest.raises(ParameterError, match="Did you mean 'KHM'"):
        read_boundaries(fixtures / "boundaries_cod_adm1.geojson", country="KHN")


# --- real admin-1 layouts of Cambodia (GADM 4.1, geoBoundaries) --------------------

KH25 = r"1 unit\(s\) carry KH-25 Tboung Khmum, a province created in 2013"


@pytest.mark.parametrize(
    ("name", "code_field"),
    [
        ("boundaries_gadm41_khm_adm1.json", "ISO_1"),
        ("boundaries_geob_khm_adm1.geojson", "shapeISO"),
    ],
)
def test_cambodian_admin1_files_keep_their_own_codes(
    fixtures: Path, name: str, code_field: str
) -> None:
    plain = gpd.read_file(fixtures / name)
    with pytest.warns(UserWarning, match=KH25):
        units = read_boundaries(fixtures / name)
    # every unit keeps the file's own ISO 3166-2 code: KH-25 stays KH-25, KH-3 is not doubled
    assert units["admin1_code"].tolist() == plain[code_field].tolist()
    assert units["admin1_code"].is_unique and len(units) == 6
    assert units.set_index("admin1_code").loc["KH-25", "admin1"] == "Tboung Khmum"
    assert (units["admin1_match"] == "code").all()
    # usable as current provinces: a point in Memot district is in Tboung Khmum, not Kampong Cham
    events = gpd.GeoDataFrame(
        {"country": ["KHM", "KHM", "KHM"]},
        geometry=gpd.points_from_xy([105.95, 105.3, 103.5], [11.85, 12.1, 14.2]),
        crs="EPSG:4326",
    )
    got = assign_province(events, provinces=units)
    assert got["admin1_code"].tolist() == ["KH-25", "KH-3", "KH-22"]
    assert got["admin1_method"].tolist() == ["within"] * 3


def test_gadm_names_without_codes_match_tboung_khmum(fixtures: Path, tmp_path: Path) -> None:
    plain = gpd.read_file(fixtures / "boundaries_gadm41_khm_adm1.json")
    names_only = plain.drop(columns=["ISO_1", "HASC_1", "CC_1"])
    path = tmp_path / "names_only.geojson"
    names_only.to_file(path, driver="GeoJSON")
    with pytest.warns(UserWarning, match=KH25):
        units = read_boundaries(path)
    assert dict(zip(units["NAME_1"], units["admin1_code"], strict=True))["TbongKhmum"] == "KH-25"
    assert dict(zip(units["NAME_1"], units["admin1_code"], strict=True))["KâmpóngCham"] == "KH-3"
    assert units["admin1_code"].is_unique


def test_unit_inside_a_province_already_taken_is_left_empty(fixtures: Path, tmp_path: Path) -> None:
    plain = gpd.read_file(fixtures / "boundaries_geob_khm_adm1.geojson")
    plain.loc[plain["shapeISO"] == "KH-25", ["shapeName", "shapeISO"]] = ["Zone 7", None]
    path = tmp_path / "renamed.geojson"
    plain.to_file(path, driver="GeoJSON")
    with pytest.warns(UserWarning, match=r"'Zone 7' \(inside KH-3 of the 1:10m layer\)"):
        units = read_boundaries(path)
    row = units[units["shapeName"] == "Zone 7"].iloc[0]
    assert pd.isna(row["admin1_code"]) and pd.isna(row["admin1_match"])
    assert units["admin1_code"].value_counts()["KH-3"] == 1


def test_one_code_for_two_units_is_refused_or_dissolved(fixtures: Path, tmp_path: Path) -> None:
    plain = gpd.read_file(fixtures / "boundaries_geob_khm_adm1.geojson")
    plain.loc[plain["shapeISO"] == "KH-25", "shapeISO"] = "KH-3"  # a wrong code in the file
    path = tmp_path / "two.geojson"
    plain.to_file(path, driver="GeoJSON")
    with pytest.raises(
        DataSourceError, match=r"KH-3: 'Kampong Cham', 'Tbong Khmum'.*dissolve=True"
    ):
        read_boundaries(path)
    merged = read_boundaries(path, dissolve=True)
    assert merged["admin1_code"].is_unique and len(merged) == 5
    kh3 = merged.set_index("admin1_code").loc["KH-3"]
    assert kh3.geometry.area == pytest.approx(plain[plain["shapeISO"] == "KH-3"].union_all().area)


def test_parts_of_one_unit_are_merged(fixtures: Path, tmp_path: Path) -> None:
    plain = gpd.read_file(fixtures / "boundaries_geob_khm_adm1.geojson")
    parts = plain[plain["shapeISO"] == "KH-23"].explode(index_parts=False)  # Kep: islands
    assert len(parts) > 1
    split = pd.concat([plain[plain["shapeISO"] != "KH-23"], parts], ignore_index=True)
    path = tmp_path / "parts.geojson"
    gpd.GeoDataFrame(split, crs=plain.crs).to_file(path, driver="GeoJSON")
    with pytest.warns(UserWarning, match=KH25):
        units = read_boundaries(path)
    assert len(units) == 6 and units["admin1_code"].is_unique


def test_district_file_dissolved_into_provinces(fixtures: Path) -> None:
    with pytest.warns(UserWarning, match=KH25):
        provinces = read_boundaries(fixtures / "boundaries_gadm_adm2.geojson", dissolve=True)
    assert sorted(provinces["admin1_code"]) == ["KH-22", "KH-25", "TH-32", "TH-33"]
    events = gpd.GeoDataFrame(
        geometry=[provinces.geometry.iloc[0].representative_point()], crs="EPSG:4326"
    )
    code = assign_province(events, provinces=provinces)["admin1_code"].iloc[0]
    assert code == provinces["admin1_code"].iloc[0]


def test_points_and_lines_are_not_boundaries(tmp_path: Path) -> None:
    for name, geom, kind in (
        ("points.geojson", Point(103.5, 14.2), "Point"),
        ("lines.geojson", LineString([(103.5, 14.2), (104, 14.3)]), "LineString"),
    ):
        path = tmp_path / name
        gpd.GeoDataFrame({"name": ["x"]}, geometry=[geom], crs="EPSG:4326").to_file(path)
        with pytest.raises(DataSourceError, match=rf"holds {kind} \(1\) geometries, not boundary"):
            read_boundaries(path)


def test_code_field_matching_nothing_warns(fixtures: Path) -> None:
    with (
        pytest.warns(UserWarning, match=r"code_field='shapeID' holds no Thai or Cambodian"),
        pytest.warns(UserWarning, match=KH25),
    ):
        units = read_boundaries(fixtures / "boundaries_geob_khm_adm1.geojson", code_field="shapeID")
    assert units["admin1_code"].notna().all()  # matched by name instead


def test_dissolve_keeps_province_fields_sums_areas_and_drops_district_fields(
    tmp_path: Path,
) -> None:
    # OCHA COD-AB admin-2 field layout: two districts of Sa Kaeo, one of Surin
    cells = [
        box(102.0, 13.6, 102.3, 13.9),
        box(102.3, 13.6, 102.6, 13.9),
        box(103.3, 14.6, 103.6, 14.9),
    ]
    cod = gpd.GeoDataFrame(
        {
            "ADM2_EN": ["Aranyaprathet", "Khlong Hat", "Kap Choeng"],
            "ADM2_PCODE": ["TH2706", "TH2705", "TH3206"],
            "ADM1_EN": ["Sa Kaeo", "Sa Kaeo", "Surin"],
            "ADM1_PCODE": ["TH27", "TH27", "TH32"],
            "ADM0_EN": ["Thailand"] * 3,
            "ADM0_PCODE": ["TH"] * 3,
            "Shape_Leng": [1.2, 1.2, 1.2],
            "Shape_Area": [0.09, 0.05, 0.09],
        },
        geometry=cells,
        crs="EPSG:4326",
    )
    path = tmp_path / "tha_admbnda_adm2.geojson"
    cod.to_file(path, driver="GeoJSON")
    provinces = read_boundaries(path, dissolve=True).set_index("admin1_code")
    assert sorted(provinces.index) == ["TH-27", "TH-32"]
    assert provinces.loc["TH-27", "Shape_Area"] == pytest.approx(0.14)  # summed, not one district's
    assert provinces.loc["TH-27", "ADM1_EN"] == "Sa Kaeo" and provinces.loc["TH-27", "units"] == 2
    for lower in ("ADM2_EN", "ADM2_PCODE"):
        assert lower not in provinces.columns  # a district's field describes no province
    # Shape_Leng is the same in every district here, so it is kept as it is (constant)
    assert provinces.attrs["dissolve"] == {
        "dropped": ["ADM2_EN", "ADM2_PCODE"],
        "summed": ["Shape_Area"],
    }
