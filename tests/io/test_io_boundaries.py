"""scamgeo.io.read_boundaries: OGR sources matched to the province crosswalk."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from scamgeo import CRSError, DataSourceError, ParameterError
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
    units = read_boundaries(gpkg)
    assert units["admin1_code"].tolist() == ["TH-33", "TH-32", "KH-22", "KH-3"]
    # "Otdar Mean Chey" by name; Tboung Khmum (not in the crosswalk) by where it lies
    assert units["admin1_match"].tolist() == ["name", "name", "name", "spatial"]
    assert "src_COUNTRY" in units.columns and units["country"].tolist() == [
        "THA",
        "THA",
        "KHM",
        "KHM",
    ]
    # province-level joins keep working: districts per province
    assert units.groupby("admin1_code").size().to_dict() == {
        "KH-22": 1,
        "KH-3": 1,
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
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"\x00\x01 not a database")
    with pytest.raises(DataSourceError, match="not a readable boundary file"):
        read_boundaries(junk)


def test_unknown_country_code(fixtures: Path) -> None:
    with pytest.raises(ParameterError, match="Did you mean 'KHM'"):
        read_boundaries(fixtures / "boundaries_cod_adm1.geojson", country="KHN")
