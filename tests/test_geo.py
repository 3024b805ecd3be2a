"""Tests of scamgeo.geo against known answers (pyproj geodesics, hand-picked places)."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from scamgeo import CRSError, ParameterError, SchemaError, datasets, geo

FIXTURES = Path(__file__).parent / "fixtures" / "geo"
GEOD = pyproj.Geod(ellps="WGS84")

# (lon, lat) of hand-picked places
POIPET = (102.56365, 13.65805)  # GeoNames "Paoy Paet", 0.9 km from the OSM border (2.4 at 1:10m)
PREAH_VIHEAR_TEMPLE = (104.680, 14.388)  # on the escarpment, 1.2 km from the line
BANGKOK = (100.5018, 13.7563)
MYAWADDY = (98.5085, 16.6883)
SEA_OFF_TRAT = (102.65, 11.5)  # Gulf of Thailand: TH-23 9 km away, KH-9 33 km


def points(
    *lonlat: tuple[float, float], index=None, crs="EPSG:4326", **columns
) -> gpd.GeoDataFrame:
    lon, lat = zip(*lonlat, strict=True)
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=crs, index=index)


def reference_border_km(lon: float, lat: float) -> float:
    """Brute-force geodesic distance to the THA–KHM line, densified to ~50 m."""
    line = shapely.segmentize(datasets.border().geometry.iloc[0], 0.0005)
    xy = shapely.get_coordinates(line)
    _, _, metres = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(metres.min()) / 1000


def geodesic_area_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    df = pd.read_csv(FIXTURES / "sites.csv")
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326"
    )
    gdf.index = pd.Index(gdf["site_id"].to_numpy(), name="site_id")
    return gdf


# --- CRS ---------------------------------------------------------------------------


def test_utm_crs_picks_the_zone_of_the_data():
    assert geo.utm_crs(datasets.border()) == "EPSG:32648"
    assert geo.utm_crs(points(POIPET, PREAH_VIHEAR_TEMPLE)) == "EPSG:32648"
    assert geo.utm_crs(points(MYAWADDY)) == "EPSG:32647"
    assert geo.utm_crs(points((106.8, -6.2))) == "EPSG:32748"  # Jakarta, southern hemisphere
    # the CRS of the input does not matter, only where the data are
    assert geo.utm_crs(points(MYAWADDY).to_crs("EPSG:32648")) == "EPSG:32647"


def test_to_metric_defaults_to_utm_48n_and_keeps_the_input():
    gdf = points(POIPET, BANGKOK, index=["p", "b"], name=["Poipet", "Bangkok"])
    before = gdf.copy()
    out = geo.to_metric(gdf)
    assert out.crs.to_epsg() == 32648
    assert list(out.index) == ["p", "b"] and list(out["name"]) == ["Poipet", "Bangkok"]
    x, y = pyproj.Transformer.from_crs(4326, 32648, always_xy=True).transform(*POIPET)
    assert out.geometry.iloc[0].x == pytest.approx(x, abs=0.01)
    assert out.geometry.iloc[0].y == pytest.approx(y, abs=0.01)
    assert geo.to_metric(points(MYAWADDY), crs="utm").crs.to_epsg() == 32647
    pd.testing.assert_frame_equal(gdf, before)  # input untouched


def test_frames_without_crs_are_refused_with_the_fix():
    gdf = points(POIPET).set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match=r"no CRS.*set_crs\('EPSG:4326'\)"):
        geo.to_metric(gdf)
    with pytest.raises(CRSError, match="gdf has no CRS"):
        geo.distance_to_border_km(gdf)
    with pytest.raises(CRSError, match="border has no CRS"):
        geo.distance_to_border_km(
            points(POIPET), border=datasets.border().set_crs(None, allow_override=True)
        )
    projected = gpd.GeoDataFrame(geometry=[shapely.Point(500_000, 1_500_000)])
    with pytest.raises(CRSError, match=r"set_crs\(\.\.\.\)"):  # not lon/lat: no EPSG:4326 hint
        geo.buffer_km(projected, km=1)


def test_to_metric_refuses_a_geographic_target():
    with pytest.raises(CRSError, match="not a projected"):
        geo.to_metric(points(POIPET), crs="EPSG:4326")


def test_empty_frames_give_empty_results_indexed_like_the_input():
    empty = points(POIPET).iloc[:0]
    site = points(POIPET, site_id=["p"], name=["P"])
    km = geo.distance_to_border_km(empty)
    assert km.empty and km.name == "distance_to_border_km" and km.index.equals(empty.index)
    prov = geo.assign_province(empty)
    assert prov.empty and list(prov.columns) == ["admin1_code", "admin1_method", "admin1_disagrees"]
    assert geo.buffer_km(empty, km=1).empty
    near = geo.nearest_site(empty, site)
    assert near.empty and "nearest_site_km" in near.columns
    assert geo.within_km(empty, site, km=5).dtype == bool
    with pytest.raises(ParameterError, match="gdf is empty"):
        geo.utm_crs(empty)


# --- distances -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "low", "high"),
    [
        (POIPET, 0.5, 3.0),
        (PREAH_VIHEAR_TEMPLE, 0.5, 5.0),
        (BANGKOK, 150.0, 250.0),
        (MYAWADDY, 500.0, 900.0),
    ],
)
def test_distance_to_border_matches_pyproj_geodesics(place, low, high):
    km = geo.distance_to_border_km(points(place)).iloc[0]
    assert low < km < high
    assert km == pytest.approx(reference_border_km(*place), rel=0.005)


def test_distance_to_border_keeps_index_and_name_and_any_crs():
    gdf = points(POIPET, BANGKOK, PREAH_VIHEAR_TEMPLE, index=[10, 20, 30])
    km = geo.distance_to_border_km(gdf)
    assert km.name == "distance_to_border_km"
    assert list(km.index) == [10, 20, 30]
    np.testing.assert_allclose(geo.distance_to_border_km(gdf.to_crs("EPSG:32647")), km, rtol=1e-9)
    # a plain DataFrame in the event schema (latitude/longitude are WGS84 by definition)
    df = pd.DataFrame({"latitude": [POIPET[1]], "longitude": [POIPET[0]]}, index=["x"])
    assert geo.distance_to_border_km(df).loc["x"] == pytest.approx(km.loc[10])


def test_points_on_the_border_are_at_zero():
    line = datasets.border().geometry.iloc[0]
    on_line = [
        shapely.Point(line.coords[57]),
        line.interpolate(0.37, normalized=True),
        line.interpolate(0.8, normalized=True),
    ]
    km = geo.distance_to_border_km(gpd.GeoSeries(on_line, crs="EPSG:4326"))
    assert (km < 0.005).all(), km.tolist()


def test_missing_locations_give_nan():
    df = pd.DataFrame({"latitude": [POIPET[1], np.nan], "longitude": [POIPET[0], np.nan]})
    km = geo.distance_to_border_km(df)
    assert km.iloc[0] == pytest.approx(0.904, abs=0.01) and np.isnan(km.iloc[1])
    gs = gpd.GeoSeries([shapely.Point(*POIPET), None, shapely.Point()], crs="EPSG:4326")
    assert geo.distance_to_border_km(gs).isna().tolist() == [False, True, True]


def test_nearest_site_of_poipet_is_itself(sites):
    events = points(POIPET, BANGKOK, (103.70, 14.40), index=["poipet", "bangkok", "near_osmach"])
    out = geo.nearest_site(events, sites)
    assert list(out.columns) == ["nearest_site_id", "nearest_site_name", "nearest_site_km"]
    assert list(out.index) == ["poipet", "bangkok", "near_osmach"]
    assert out.loc["poipet", "nearest_site_id"] == "poipet"
    assert out.loc["poipet", "nearest_site_km"] == pytest.approx(0, abs=1e-6)
    assert out.loc["bangkok", "nearest_site_id"] == "aranyaprathet"
    assert out.loc["near_osmach", "nearest_site_name"] == "O'Smach"
    # geodesic distances, as pyproj measures them
    _, _, metres = GEOD.inv(BANGKOK[0], BANGKOK[1], 102.5, 13.69)
    assert out.loc["bangkok", "nearest_site_km"] == pytest.approx(metres / 1000, rel=1e-6)
    _, _, metres = GEOD.inv(103.70, 14.40, 103.69571, 14.42479)
    assert out.loc["near_osmach", "nearest_site_km"] == pytest.approx(metres / 1000, rel=1e-6)


def test_nearest_site_filters_by_kind_and_distance(sites):
    events = points(POIPET, BANGKOK, MYAWADDY)
    hubs = geo.nearest_site(events, sites, kind="casino_hub")
    assert hubs["nearest_site_id"].tolist() == ["poipet", "poipet", "poipet"]
    compounds = geo.nearest_site(events, sites, kind=["scam_compound"], max_km=100)
    assert compounds["nearest_site_id"].isna().tolist() == [True, True, False]
    assert compounds["nearest_site_id"].iloc[2] == "shwe_kokko"
    assert compounds["nearest_site_km"].iloc[2] == pytest.approx(18.2, abs=0.5)
    assert compounds["nearest_site_km"].isna().tolist() == [True, True, False]


def test_nearest_site_to_non_point_geometries(sites):
    # a polygon around Poipet touches the site: 0 km; a line 10 km east of it
    disc = geo.buffer_km(points(POIPET), km=1).geometry.iloc[0]
    line = shapely.LineString([(102.65570, 13.5), (102.65570, 13.8)])
    out = geo.nearest_site(gpd.GeoSeries([disc, line], crs="EPSG:4326"), sites)
    assert out["nearest_site_id"].tolist() == ["poipet", "poipet"]
    assert out["nearest_site_km"].iloc[0] == 0
    assert out["nearest_site_km"].iloc[1] == pytest.approx(9.96, abs=0.05)


def test_unknown_kind_lists_the_valid_ones(sites):
    with pytest.raises(
        ParameterError,
        match=r"kind has unknown value\(s\) 'casino_hubs'.*Did you mean 'casino_hub'",
    ):
        geo.nearest_site(points(POIPET), sites, kind="casino_hubs")
    with pytest.raises(ParameterError, match="border_crossing.*special_economic_zone"):
        geo.nearest_site(points(POIPET), sites, kind="hotel")


def test_frames_in_different_crs_are_compared_in_one(sites):
    events = points(POIPET, BANGKOK, MYAWADDY)
    same = geo.nearest_site(events, sites)
    mixed = geo.nearest_site(events.to_crs("EPSG:32647"), sites.to_crs("EPSG:32648"))
    pd.testing.assert_frame_equal(same, mixed, rtol=1e-9)
    border_utm = datasets.border().to_crs("EPSG:32648")
    np.testing.assert_allclose(
        geo.distance_to_border_km(events, border=border_utm),
        geo.distance_to_border_km(events),
        rtol=1e-9,
    )


def test_nearest_site_needs_site_ids(sites):
    with pytest.raises(SchemaError, match="no 'site_id'"):
        geo.nearest_site(points(POIPET), sites.reset_index(drop=True).drop(columns="site_id"))


def test_within_km(sites):
    events = points(POIPET, BANGKOK, PREAH_VIHEAR_TEMPLE)
    near_border = geo.within_km(events, datasets.border(), km=3)
    assert near_border.tolist() == [True, False, True]
    assert near_border.name == "within_3km"
    # Poipet 0.90 km, the temple 1.23 km from the line
    assert geo.within_km(events, datasets.border(), km=1).tolist() == [True, False, False]
    assert geo.within_km(events, datasets.border(), km=0.5).tolist() == [False, False, False]
    # inside a polygon is 0 km away
    assert geo.within_km(events, datasets.provinces("KHM"), km=0).tolist() == [True, False, False]
    assert geo.within_km(events, sites, km=0).tolist() == [True, False, False]


def test_negative_km_is_refused(sites):
    with pytest.raises(ParameterError, match=r"km must be >= 0.*got -1"):
        geo.within_km(points(POIPET), sites, km=-1)
    with pytest.raises(ParameterError, match="km must be >= 0"):
        geo.buffer_km(points(POIPET), km=-5)
    with pytest.raises(ParameterError, match="max_km must be >= 0"):
        geo.nearest_site(points(POIPET), sites, max_km=-2)
    with pytest.raises(ParameterError, match=r"radii_km must be > 0"):
        geo.rings_km(sites, radii_km=(10, -25))


# --- provinces -----------------------------------------------------------------------------


def test_assign_province_within_and_own_fields_first():
    gdf = points(
        POIPET,
        BANGKOK,
        (103.0, 14.0),
        (103.0, 14.0),
        (104.0, 14.0),
        index=list("abcde"),
        country=["KHM", "THA", "THA", "THA", None],
        admin1=[None, None, "Surin", None, None],
        admin1_code=[None, None, None, "TH-31", None],
    )
    before = gdf.copy()
    out = geo.assign_province(gdf)
    assert list(out.index) == list("abcde")
    assert out["admin1_code"].tolist() == ["KH-1", "TH-10", "TH-32", "TH-31", "KH-17"]
    # (103.0, 14.0) lies in Si Sa Ket, but the rows' own province fields win
    assert out["admin1_method"].tolist() == ["within", "within", "field", "field", "within"]
    pd.testing.assert_frame_equal(gdf, before)


def test_assign_province_resolves_names_without_location():
    df = pd.DataFrame(
        {
            "latitude": [np.nan, np.nan, np.nan],
            "longitude": [np.nan, np.nan, np.nan],
            "country": ["KHM", "THA", "THA"],
            "admin1": ["Otdar Mean Chey", "Si Sa Ket", None],
        }
    )
    out = geo.assign_province(df)
    assert out["admin1_code"].tolist()[:2] == ["KH-22", "TH-33"]
    assert out["admin1_code"].isna().tolist() == [False, False, True]
    assert out["admin1_method"].tolist() == ["field", "field", "missing"]


def test_sea_points_go_to_the_nearest_province_of_their_country():
    sea = points(
        SEA_OFF_TRAT, SEA_OFF_TRAT, SEA_OFF_TRAT, (103.3, 10.9), country=["THA", "KHM", None, "KHM"]
    )
    out = geo.assign_province(sea)
    assert out["admin1_code"].tolist() == ["TH-23", "KH-9", "TH-23", "KH-9"]  # Trat, Koh Kong
    assert set(out["admin1_method"]) == {"nearest"}
    # country names as in raw ACLED exports are understood too
    named = sea.assign(country=["Thailand", "Cambodia", "", "cambodia"])
    assert geo.assign_province(named)["admin1_code"].tolist() == ["TH-23", "KH-9", "TH-23", "KH-9"]


def test_points_across_the_border_keep_their_country():
    # Prasat Don Tuan's stated coordinate (good to 0.5 km) falls 0.28 km inside the
    # Cambodian polygon; the temple is Thai, and a row coded THA keeps its country
    don_tuan = points((104.746017, 14.407325), country=["THA"])
    assert geo.distance_to_border_km(don_tuan).iloc[0] == pytest.approx(0.283, abs=0.01)
    out = geo.assign_province(don_tuan)
    assert out.iloc[0].tolist() == ["TH-33", "nearest", False]  # Si Sa Ket
    assert geo.assign_province(don_tuan.drop(columns="country")).iloc[0].tolist() == [
        "KH-13",
        "within",
        False,
    ]


def test_foreign_and_far_points_are_outside():
    gdf = points(MYAWADDY, MYAWADDY, (103.0, 8.0), (103.0, 8.0), country=["MMR", None, None, "KHM"])
    out = geo.assign_province(gdf)
    assert out["admin1_code"].isna().tolist() == [True, False, True, False]
    assert out["admin1_method"].tolist() == ["outside", "within", "outside", "nearest"]
    assert out["admin1_code"].iloc[1] == "TH-63"  # Tak: the 1:10m polygon holds Myawaddy
    # a foreign row's admin1 name is not looked up among Thai provinces
    kayin = points(MYAWADDY, country=["MMR"], admin1=["Tak"])
    assert geo.assign_province(kayin).iloc[0].tolist() == [pd.NA, "outside", False]


def test_assign_province_agrees_with_a_brute_force_join():
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(101, 107, 400), rng.uniform(10, 16, 400)
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    out = geo.assign_province(gdf)
    prov = datasets.provinces().reset_index(drop=True).to_crs("EPSG:32648")
    pts = gdf.to_crs("EPSG:32648").geometry
    dist = np.stack([pts.distance(g).to_numpy() for g in prov.geometry], axis=1)
    best = prov["iso_3166_2"].to_numpy()[dist.argmin(axis=1)]
    near = dist.min(axis=1) <= 50_000
    assert (out["admin1_code"].notna().to_numpy() == near).all()
    assert (out["admin1_code"].to_numpy()[near] == best[near]).all()
    assert ((out["admin1_method"] == "within").to_numpy() == (dist.min(axis=1) == 0)).all()


# --- buffers and rings -------------------------------------------------------------------


def test_buffer_km_is_geodesically_sized():
    gdf = points(
        POIPET, MYAWADDY, (106.13557, 11.06317), index=["p", "m", "b"], name=["P", "M", "B"]
    )
    out = geo.buffer_km(gdf, km=5)
    assert out.crs.to_epsg() == 4326
    assert list(out.index) == ["p", "m", "b"] and list(out["name"]) == ["P", "M", "B"]
    for geom in out.geometry:
        assert geodesic_area_km2(geom) == pytest.approx(math.pi * 25, rel=0.01)
    assert gdf.geometry.geom_type.tolist() == ["Point"] * 3  # input untouched


def test_rings_km_are_nested_annuli(sites):
    rings = geo.rings_km(sites.loc[["poipet", "osmach"]], radii_km=(25, 10, 50))
    assert list(rings.columns) == ["site_id", "name", "radius_km", "inner_km", "geometry"]
    assert len(rings) == 6
    assert rings["site_id"].tolist() == ["poipet"] * 3 + ["osmach"] * 3
    assert rings["radius_km"].tolist() == [10, 25, 50] * 2
    assert rings["inner_km"].tolist() == [0, 10, 25] * 2
    assert rings.crs.to_epsg() == 4326
    for outer, inner, geom in zip(
        rings["radius_km"], rings["inner_km"], rings.geometry, strict=True
    ):
        assert geodesic_area_km2(geom) == pytest.approx(math.pi * (outer**2 - inner**2), rel=0.01)
    poipet = rings[rings["site_id"] == "poipet"].geometry.to_numpy()
    assert shapely.area(shapely.intersection(poipet[0], poipet[1])) < 1e-9  # bands do not overlap
    assert not poipet[1].contains(shapely.Point(*POIPET))  # the 10-25 km band has a hole
    assert poipet[0].contains(shapely.Point(*POIPET))


def test_rings_km_id_column_and_bad_radii(sites):
    by_col = geo.rings_km(sites.reset_index(drop=True).iloc[:2], radii_km=[5], id_col="name")
    assert by_col["name"].tolist() == ["Poipet", "O'Smach"]
    with pytest.raises(SchemaError, match="no 'slug' column"):
        geo.rings_km(sites, id_col="slug")
    with pytest.raises(ParameterError, match="repeats a radius"):
        geo.rings_km(sites, radii_km=(10, 10))


def test_rings_of_a_site_without_location_are_empty(sites):
    rings = geo.rings_km(sites.loc[["poipet", "nowhere"]], radii_km=(10,))
    assert rings.geometry.isna().tolist() == [False, True]


# --- grids and aggregation ---------------------------------------------------------------


def test_square_grid_cells_are_100_km2():
    cells = geo.grid()  # the border region +-50 km
    assert 700 < len(cells) < 850
    assert cells["cell_id"].is_unique
    assert cells.crs.to_epsg() == 4326
    assert cells.attrs["crs"] == "EPSG:32648"
    areas = np.array([geodesic_area_km2(g) for g in cells.geometry])
    np.testing.assert_allclose(areas, 100, rtol=0.01)
    # every cell meets the region and the region is covered
    region = geo.buffer_km(datasets.border(), km=50).geometry.iloc[0]
    assert cells.intersects(region).all()
    assert shapely.union_all(cells.geometry.to_numpy()).contains(region.buffer(-0.001))


def test_grid_cell_count_on_an_aligned_box():
    box = gpd.GeoSeries([shapely.box(500_000, 1_500_000, 550_000, 1_530_000)], crs="EPSG:32648")
    cells = geo.grid(bounds=box, cell_km=10, crs="EPSG:32648")
    assert len(cells) == 15  # 5 x 3; neighbours that only touch the box are left out
    assert cells["cell_id"].iloc[0] == "sq10km_50_150"
    metric = cells.to_crs("EPSG:32648").geometry
    np.testing.assert_allclose(metric.area / 1e6, 100, rtol=1e-6)


def test_grid_ids_are_stable_across_bounds():
    big = geo.grid(bounds=(102.0, 13.0, 104.0, 14.5))
    small = geo.grid(bounds=(102.5, 13.5, 103.0, 14.0))
    assert set(small["cell_id"]) <= set(big["cell_id"])
    merged = small.merge(big, on="cell_id", suffixes=("_s", "_b"))
    assert shapely.equals_exact(
        merged["geometry_s"].to_numpy(), merged["geometry_b"].to_numpy(), 1e-9
    ).all()


def test_hex_grid():
    cells = geo.grid(bounds=(102.0, 13.0, 103.0, 14.0), cell_km=10, shape="hex")
    assert cells["cell_id"].str.startswith("hex10km_").all()
    assert (shapely.get_num_coordinates(cells.geometry.to_numpy()) == 7).all()  # six sides
    areas = np.array([geodesic_area_km2(g) for g in cells.geometry])
    np.testing.assert_allclose(areas, 100, rtol=0.01)  # same area as a 10 km square
    # the hexagons tile: no overlaps, and the box is covered
    metric = cells.to_crs("EPSG:32648").geometry
    assert metric.union_all().area == pytest.approx(metric.area.sum(), rel=1e-6)
    box = (
        gpd.GeoSeries([shapely.box(102.0, 13.0, 103.0, 14.0)], crs="EPSG:4326")
        .to_crs("EPSG:32648")
        .iloc[0]
    )
    assert metric.union_all().buffer(1).contains(box)
    # ~ box area / cell area cells, plus the partial ones at the edges
    assert box.area / 1e8 < len(cells) < box.area / 1e8 * 1.35


def test_grid_rejects_bad_options():
    with pytest.raises(ParameterError, match="shape='circle'.*'square', 'hex'"):
        geo.grid(shape="circle")
    with pytest.raises(ParameterError, match="cell_km must be > 0"):
        geo.grid(cell_km=0)
    with pytest.raises(ParameterError, match="not a longitude/latitude box"):
        geo.grid(bounds=(500_000, 1_500_000, 550_000, 1_530_000))


def _events() -> gpd.GeoDataFrame:
    """Nine synthetic events over 1–10 July 2025 (no events on 3–4 July or the 10th)."""
    rows = [
        ("2025-07-01", POIPET, 2),
        ("2025-07-01", POIPET, 0),
        ("2025-07-02", PREAH_VIHEAR_TEMPLE, 1),
        ("2025-07-05", PREAH_VIHEAR_TEMPLE, None),
        ("2025-07-06", (103.0, 14.0), 3),
        ("2025-07-07", (103.0, 14.0), 0),
        ("2025-07-08", SEA_OFF_TRAT, 0),
        ("2025-07-09", (102.6, 13.2), 4),
        ("2025-07-09", (104.2, 14.3), 1),
    ]
    dates, where, deaths = zip(*rows, strict=True)
    return points(
        *where,
        event_date=pd.to_datetime(list(dates)),
        fatalities=pd.array(deaths, dtype="Int64"),
        country=["KHM", "KHM", "KHM", "KHM", "THA", "THA", "THA", "KHM", "KHM"],
    )


def test_aggregate_by_province_keeps_empty_days_and_provinces():
    events = _events()
    out = geo.aggregate(events, by="province", freq="D", start="2025-07-01", end="2025-07-10")
    assert list(out.columns) == [
        "admin1_code",
        "period",
        "incidents",  # rows without incident_id: each is its own incident
        "fatalities",
        "fatalities_missing_incidents",
    ]
    assert out.attrs["count"] == "incidents"
    assert len(out) == 101 * 10  # every province, every day
    assert out["incidents"].sum() == len(events)
    assert out["fatalities"].sum() == 11  # the reported ones
    assert out["fatalities_missing_incidents"].sum() == 1
    # Preah Vihear temple on 5 July: one event, toll not reported -> missing, not 0
    unreported = out[(out["period"] == "2025-07-05") & (out["incidents"] > 0)]
    assert len(unreported) == 1 and pd.isna(unreported["fatalities"].iloc[0])
    assert unreported["fatalities_missing_incidents"].iloc[0] == 1
    per_day = out.groupby("period")["incidents"].sum()
    assert per_day.loc["2025-07-03"] == 0 and per_day.loc["2025-07-10"] == 0
    assert per_day.loc["2025-07-01"] == 2
    poipet = out[(out["admin1_code"] == "KH-1") & (out["period"] == "2025-07-01")]
    assert poipet[["incidents", "fatalities"]].iloc[0].tolist() == [2, 2]
    assert out.loc[out["admin1_code"] == "TH-23", "incidents"].sum() == 1  # the sea event, Trat


def test_aggregate_weekly_and_monthly():
    events = _events()
    weekly = geo.aggregate(events, freq="W")
    # 1 July 2025 is a Tuesday: weeks start Monday 30 June and 7 July
    assert sorted(weekly["period"].unique()) == [
        pd.Timestamp("2025-06-30"),
        pd.Timestamp("2025-07-07"),
    ]
    assert len(weekly) == 101 * 2
    assert weekly.groupby("period")["incidents"].sum().tolist() == [
        5,
        4,
    ]  # Sunday 6 July is in the first
    monthly = geo.aggregate(events, freq="M", start="2025-06-15", end="2025-08-01")
    assert len(monthly) == 101 * 3
    assert monthly.groupby("period")["incidents"].sum().tolist() == [0, 9, 0]


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_aggregate_by_grid_matches_the_grid_cells(shape):
    events = _events()
    cells = geo.grid(cell_km=10, shape=shape)
    out = geo.aggregate(events, by="grid", cells=cells, start="2025-07-01", end="2025-07-10")
    assert out.attrs["shape"] == shape and out.attrs["cell_km"] == 10
    units = out["cell_id"].unique()
    assert set(cells["cell_id"]) <= set(units)
    assert len(out) == len(units) * 10
    assert out["incidents"].sum() == len(events)
    # each event is counted in the cell whose polygon holds it
    hits = gpd.sjoin(events, cells, predicate="within")
    counted = out.groupby("cell_id")["incidents"].sum()
    expected = hits.groupby("cell_id").size()
    assert (counted.loc[expected.index] == expected).all()
    assert len(hits) + (~events.within(cells.union_all())).sum() == len(events)


def test_aggregate_counts_incidents_or_claims_by_one_rule():
    """Two claims of one incident count once as an incident, twice as claims, never added up."""
    events = _events().reset_index(drop=True)
    events["incident_id"] = [f"I{i}" for i in range(len(events))]
    events["event_id"] = [f"E{i}" for i in range(len(events))]
    twin = events.iloc[[0]].assign(event_id="E-twin", fatalities=pd.array([7], dtype="Int64"))
    claims = pd.concat([events, twin], ignore_index=True)
    incidents = geo.aggregate(claims, start="2025-07-01", end="2025-07-10")
    counted = geo.aggregate(claims, start="2025-07-01", end="2025-07-10", count="claims")
    assert incidents["incidents"].sum() == len(events)
    assert counted["claims"].sum() == len(events) + 1
    assert counted.attrs["count"] == "claims" and "fatalities_missing_claims" in counted
    day = str(pd.Timestamp(claims["event_date"].iloc[0]).date())
    cell = incidents[(incidents["period"] == day) & (incidents["incidents"] > 0)]
    # the incident's toll is the highest claim (7), not the sum of the two claims
    first = claims["fatalities"].iloc[0]
    assert int(cell["fatalities"].sum()) == 7 + (
        events[events["event_date"] == claims["event_date"].iloc[0]]["fatalities"].fillna(0).sum()
        - first
    )
    # the same folding as stats.daily_counts: equal totals per day
    from scamgeo import stats

    daily = stats.daily_counts(claims, start="2025-07-01", end="2025-07-10")
    per_day = incidents.groupby("period")["incidents"].sum()
    column = next(c for c in ("incidents", "events") if c in daily)  # stats' name of its count
    counted_daily = daily.set_index("date")[column]
    assert per_day.tolist() == counted_daily.tolist()


def test_aggregate_rejects_bad_input():
    events = _events()
    with pytest.raises(ParameterError, match="by='district'.*'province', 'grid'"):
        geo.aggregate(events, by="district")
    with pytest.raises(ParameterError, match="freq='Y'"):
        geo.aggregate(events, freq="Y")
    with pytest.raises(ParameterError, match="count='events'.*'incidents', 'claims'"):
        geo.aggregate(events, count="events")
    with pytest.raises(ParameterError, match="cells must be a grid made by scamgeo.geo.grid"):
        geo.aggregate(events, by="grid", cells=geo.grid().drop(columns="cell_id").iloc[:0].copy())
    with pytest.raises(ParameterError, match="end=2025-06-01 is before start=2025-07-01"):
        geo.aggregate(events, start="2025-07-01", end="2025-06-01")
    with pytest.raises(SchemaError, match="missing required column.*event_date"):
        geo.aggregate(events.drop(columns="event_date"))
    bad = events.assign(event_date=["2025-07-01"] * 8 + ["not a date"])
    with pytest.raises(SchemaError, match="'not a date'"):
        geo.aggregate(bad)
    empty = geo.aggregate(events.iloc[:0], start="2025-07-01", end="2025-07-02")
    assert len(empty) == 101 * 2 and empty["incidents"].sum() == 0
    assert "no events" in empty.attrs["note"]
    assert geo.aggregate(events.iloc[:0]).empty


def test_sites_without_any_location_give_missing_distances_not_an_error():
    nowhere = gpd.GeoDataFrame(
        {"site_id": ["x"], "name": ["X"]}, geometry=[shapely.Point()], crs="EPSG:4326"
    )
    near = geo.nearest_site(points(POIPET, PREAH_VIHEAR_TEMPLE), nowhere)
    assert near["nearest_site_km"].isna().all() and near["nearest_site_id"].isna().all()
    assert not geo.within_km(points(POIPET), nowhere, km=50).any()


def test_assign_province_refuses_repeated_codes_and_skips_uncoded_features():
    import scamgeo as sg

    prov = sg.datasets.provinces("KHM").reset_index(drop=True)
    events = sg.datasets.events()
    events = events[events["country"] == "KHM"].head(20)
    uncoded = prov.copy()
    uncoded.loc[0, "iso_3166_2"] = None  # a feature the file could not code
    got = sg.geo.assign_province(events, provinces=uncoded)["admin1_code"]
    assert prov.loc[0, "iso_3166_2"] not in set(got.dropna())
    twice = pd.concat([prov, prov.iloc[[3]]], ignore_index=True)
    with pytest.raises(sg.ParameterError, match=r"dissolve=True"):
        sg.geo.assign_province(events, provinces=twice)


# --- sides of the border -------------------------------------------------------------------


def _point_inside(iso: str, km: float, near: tuple[float, float]) -> tuple[float, float]:
    """(lon, lat) of a point ``km`` inside country ``iso`` by the embedded line, nearest ``near``."""
    import shapely.ops

    metric = "EPSG:32648"
    line = datasets.border().to_crs(metric).geometry.iloc[0]
    country = datasets.countries().set_index("iso3").to_crs(metric).geometry[iso]
    start = gpd.GeoSeries([shapely.Point(*near)], crs=4326).to_crs(metric).iloc[0]
    band = line.buffer(km * 1000 + 20).difference(line.buffer(km * 1000))
    pt = shapely.ops.nearest_points(country.intersection(band), start)[0]
    back = gpd.GeoSeries([pt], crs=metric).to_crs(4326).iloc[0]
    return back.x, back.y


def test_side_of_border_flags_points_nearer_the_line_than_their_uncertainty():
    near = (103.70, 14.43)  # Chong Chom / O'Smach
    gdf = points(
        _point_inside("THA", 5.0, near),  # firmly Thai
        _point_inside("KHM", 0.2, near),  # inside the line's own accuracy
        _point_inside("KHM", 2.0, near),  # 2 km in, but good only to 3 km
        _point_inside("KHM", 2.0, near),  # 2 km in, good to 0.5 km
        (102.0, 11.0),  # Gulf of Thailand
        uncertainty_m=[100, 0, 3000, 500, 100],
        index=list("abcde"),
    )
    out = geo.side_of_border(gdf)
    assert out.columns.tolist() == ["side", "distance_to_border_km", "side_uncertain"]
    assert out.index.tolist() == list("abcde")
    assert out["side"].tolist()[:4] == ["THA", "KHM", "KHM", "KHM"]
    assert pd.isna(out["side"].iloc[4])
    np.testing.assert_allclose(
        out["distance_to_border_km"].iloc[:4], [5.0, 0.2, 2.0, 2.0], atol=0.03
    )
    assert out["side_uncertain"].tolist() == [False, True, True, False, False]
    assert out.attrs["note"].startswith("2 of 5 located rows")
    # without an uncertainty column only the line's own accuracy counts
    plain = geo.side_of_border(gdf.drop(columns="uncertainty_m"))
    assert plain["side_uncertain"].tolist() == [False, True, False, False, False]
    assert geo.LINE_ACCURACY_KM == pytest.approx(0.31)
