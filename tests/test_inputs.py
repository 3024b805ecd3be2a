"""One input rule for every module: accepted frames, located rows, the CRS policy, empty input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from scamgeo import CoordinateError, CRSError, ParameterError, SchemaError, datasets, geo, maps
from scamgeo import _inputs as inputs
from scamgeo import stats as st

POIPET = (102.56365, 13.65805)
O_SMACH = (103.4833, 14.4333)


def _frame(*lonlat, crs="EPSG:4326"):
    lon, lat = zip(*lonlat, strict=True)
    return gpd.GeoDataFrame(
        {
            "event_date": pd.to_datetime(["2025-07-24"] * len(lon)),
            "fatalities": 1,
            "event_type": "Battles",
            "country": "KHM",
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=crs,
    )


SITES = gpd.GeoDataFrame(
    {"site_id": ["p"], "name": ["Poipet"], "kind": ["casino_hub"]},
    geometry=[shapely.Point(*POIPET)],
    crs="EPSG:4326",
)

# every geo function (and the map/stat builders that take points), one argument each
CALLS = {
    "distance_to_border_km": lambda f: geo.distance_to_border_km(f),
    "nearest_site": lambda f: geo.nearest_site(f, SITES),
    "within_km": lambda f: geo.within_km(f, SITES, km=10),
    "assign_province": lambda f: geo.assign_province(f),
    "buffer_km": lambda f: geo.buffer_km(f, km=1),
    "rings_km": lambda f: geo.rings_km(f.assign(site_id=["a", "b"])),
    "to_metric": lambda f: geo.to_metric(f),
    "utm_crs": lambda f: geo.utm_crs(f),
    "aggregate": lambda f: geo.aggregate(f),
    "events_map": lambda f: maps.events_map(f),
    "distance_decay": lambda f: st.distance_decay(f),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_swapped_coordinates_are_refused_by_every_function(call):
    swapped = _frame(POIPET[::-1], O_SMACH[::-1])  # (lat, lon) given as (lon, lat)
    with pytest.raises(CoordinateError, match="latitude and longitude look swapped"):
        call(swapped)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_projected_metres_labelled_lonlat_are_refused(call):
    utm = geo.to_metric(_frame(POIPET, O_SMACH))  # metres in UTM 48N ...
    mislabelled = utm.set_crs("EPSG:4326", allow_override=True)  # ... called degrees
    with pytest.raises(CoordinateError, match="look like projected metres"):
        call(mislabelled)


def test_plain_frames_with_swapped_columns_are_refused_too():
    df = pd.DataFrame({"latitude": [POIPET[0]], "longitude": [POIPET[1]]})
    with pytest.raises(CoordinateError, match="swapped"):
        geo.distance_to_border_km(df)


def test_points_outside_the_region_are_refused():
    paris = _frame((2.35, 48.85))
    with pytest.raises(CoordinateError, match="outside the region.*lon 2.35"):
        geo.distance_to_border_km(paris)
    assert isinstance(CoordinateError("x"), CRSError)  # caught where CRS errors are


def test_points_in_the_wider_region_are_accepted():
    jakarta = _frame((106.8, -6.2))
    assert geo.utm_crs(jakarta) == "EPSG:32748"


def test_accepted_types_and_refusals():
    df = pd.DataFrame({"latitude": [POIPET[1], np.nan], "longitude": [POIPET[0], np.nan]})
    assert inputs.has_location(df).tolist() == [True, False]
    series = gpd.GeoSeries([shapely.Point(*POIPET), None, shapely.Point()], crs="EPSG:4326")
    assert inputs.located(series).tolist() == [True, False, False]
    with pytest.raises(CRSError, match="no CRS.*set_crs\\('EPSG:4326'\\)"):
        inputs.geometry_of(gpd.GeoSeries([shapely.Point(*POIPET)]), name="gdf")
    with pytest.raises(SchemaError, match="without geometry"):
        inputs.geometry_of(pd.DataFrame({"x": [1]}), name="events")
    with pytest.raises(ParameterError, match="got list"):
        inputs.geometry_of([POIPET], name="events")


def test_as_points_keeps_rows_and_places_polygons_on_their_surface():
    provinces = datasets.provinces("KHM").head(3)
    pts = inputs.as_points(provinces, name="provinces")
    assert len(pts) == 3 and (pts.geometry.geom_type == "Point").all()
    assert provinces.geometry.contains(pts.geometry.set_crs(provinces.crs)).all()
    df = pd.DataFrame({"latitude": [POIPET[1], None], "longitude": [POIPET[0], None]})
    assert len(inputs.as_points(df)) == 2 and len(inputs.located_points(df)) == 1


def test_empty_selections_give_empty_or_zero_results():
    empty = _frame(POIPET).iloc[:0]
    km = geo.distance_to_border_km(empty)
    assert km.empty and km.index.equals(empty.index)
    assert geo.nearest_site(empty, SITES).empty
    counts = st.daily_counts(empty, start="2025-07-24", end="2025-07-30")
    assert len(counts) == 7 and counts["incidents"].sum() == 0
    grid = geo.aggregate(empty, start="2025-07-24", end="2025-07-24")
    assert len(grid) == 101 and grid["incidents"].sum() == 0 and "note" in grid.attrs
    m = maps.events_map(empty)  # an empty layer, no traceback
    assert "Events" in " ".join(maps.map_layers(m))


# --- one reading of an events argument (issue 21) -----------------------------------


def test_event_frame_reads_dates_by_the_one_rule() -> None:
    from scamgeo._inputs import event_frame

    rows = pd.DataFrame(
        {
            "event_date": [
                "2025-07-24T20:00:00Z",  # 25 July in Bangkok
                "2025-07-24T20:00:00+07:00",  # 24 July
                pd.Timestamp("2025-07-24 20:00", tz="UTC"),  # 25 July
                "2025-07-24",
            ]
        }
    )
    days = event_frame(rows)["event_date"].dt.day.tolist()
    assert days == [25, 24, 25, 24]


def test_event_frame_names_rows_by_label_and_counts_the_rest() -> None:
    from scamgeo import SchemaError
    from scamgeo._inputs import event_frame

    rows = pd.DataFrame({"event_date": ["bad"] * 25 + ["2025-07-24"]}, index=range(100, 126))
    with pytest.raises(SchemaError) as info:
        event_frame(rows)
    text = str(info.value)
    assert "25 problems" in text
    assert "row 100, column event_date: 'bad'" in text
    assert "... and 5 more" in text


def test_event_frame_refuses_rows_outside_the_region_naming_it() -> None:
    from scamgeo import CoordinateError
    from scamgeo._inputs import event_frame

    events = datasets.events()
    world = events.copy()
    world.loc[world.index[:2], "geometry"] = gpd.points_from_xy([30.5, -99.1], [50.4, 19.4])
    with pytest.raises(CoordinateError, match=r"2 of 216 row\(s\) lie outside the region") as info:
        event_frame(world)
    # some rows are inside: selecting the region is the first lead, the CRS the second
    text = str(info.value).lower()
    assert text.index("select the rows") < text.index("set the crs")


def test_functions_taking_events_share_the_region_and_date_rules() -> None:
    from scamgeo import CoordinateError, SchemaError, geo, maps, stats

    events = datasets.events()
    world = events.copy()
    world.loc[world.index[:3], "geometry"] = gpd.points_from_xy(
        [30.5, 30.5, -99.1], [50.4, 50.4, 19.4]
    )
    for func in (stats.daily_counts, maps.events_map, geo.distance_to_border_km):
        with pytest.raises(CoordinateError, match="3 of 216 row"):
            func(world)
    bad = events.copy()
    bad["event_date"] = bad["event_date"].astype(object)
    bad.loc[bad.index[3], "event_date"] = "xx"
    for func in (stats.daily_counts, maps.events_map):
        with pytest.raises(SchemaError, match="row 3, column event_date: 'xx'"):
            func(bad)
