"""The analyst's path end to end: every reader's output through every function that takes events.

Issue 27. Each reader gives a frame in the common event schema; each public
``geo``, ``stats`` and ``maps`` function that takes events must then work on
it as it works on the curated record (no crash on Arrow-backed or read-only
columns, on ACLED's or UCDP's own extra columns, or on Dask partitions), and
give the same answer in memory and on a Dask frame where it accepts one.

The files are the committed fixtures (written by us in the real layouts:
ACLED's current, API-era and pre-2019 exports; UCDP GED 25.1 as CSV, zip and
FlatGeobuf; GED 19.1 without ``relid``; HDX's GED extract with its HXL row).
"""

from __future__ import annotations

import inspect
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from scamgeo import ScamgeoError, datasets, geo, io, stats

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
_CACHE: dict[str, gpd.GeoDataFrame] = {}


def _quietly(read: Callable[[], Any]) -> Any:
    """Read a file, letting through only scamgeo's own warnings (counted rows, old layouts).

    pandas', numpy's and shapely's warnings (FutureWarning, DtypeWarning,
    RuntimeWarning...) are no UserWarning: one of them fails the test.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = read()
    for w in caught:
        assert issubclass(w.category, UserWarning), f"{w.category.__name__}: {w.message}"
    return out


def _ged_zip(tmp: Path) -> Path:
    path = tmp / "ged.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(FIXTURES / "ucdp_ged.csv", "GEDEvent_v25_1.csv")
    return path


def _ged_fgb(tmp: Path) -> Path:
    """GED as UCDP's FlatGeobuf: typed fields (dates as DateTime, codes as integers)."""
    frame = pd.read_csv(FIXTURES / "ucdp_ged.csv", keep_default_na=False, na_values=[""])
    for col in ("date_start", "date_end"):
        frame[col] = pd.to_datetime(frame[col])
    gdf = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs="EPSG:4326",
    )
    path = tmp / "GEDEvent_v25_1.fgb"
    gdf.to_file(path, driver="FlatGeobuf")
    return path


def _scale(path: Path, **options: Any) -> gpd.GeoDataFrame:
    from scamgeo import scale

    return scale.read_events(path, **options).compute()


def _readers(tmp: Path) -> dict[str, Callable[[], gpd.GeoDataFrame]]:
    acled = FIXTURES / "acled_export.csv"
    return {
        "read_acled/current": lambda: io.read_acled(acled),
        "read_acled/2025": lambda: io.read_acled(FIXTURES / "acled_export_2025.csv"),
        "read_acled/api-era": lambda: io.read_acled(FIXTURES / "acled_api_style.csv"),
        "read_acled/pre-2019": lambda: io.read_acled(FIXTURES / "acled_pre2019_layout.csv"),
        "read_ucdp_ged/csv": lambda: io.read_ucdp_ged(FIXTURES / "ucdp_ged.csv"),
        "read_ucdp_ged/zip": lambda: io.read_ucdp_ged(_ged_zip(tmp)),
        "read_ucdp_ged/fgb": lambda: io.read_ucdp_ged(_ged_fgb(tmp)),
        "read_ucdp_ged/19.1": lambda: io.read_ucdp_ged(FIXTURES / "ucdp_ged191.csv"),
        "read_ucdp_ged/hdx": lambda: io.read_ucdp_ged(FIXTURES / "ucdp_hdx_conflict_data_tha.csv"),
        "load_events/acled": lambda: io.load_events(acled),
        "load_events/ged-fgb": lambda: io.load_events(_ged_fgb(tmp)),
        "load_events/ged-19.1": lambda: io.load_events(FIXTURES / "ucdp_ged191.csv"),
        "load_events/ged-hdx": lambda: io.load_events(FIXTURES / "ucdp_hdx_conflict_data_tha.csv"),
        "scale.read_events/acled": lambda: _scale(acled, blocksize=600),
        "scale.read_events/ged": lambda: _scale(FIXTURES / "ucdp_ged.csv", blocksize=900),
        "curated": lambda: datasets.events(),
    }


READERS = list(_readers(Path(".")))


@pytest.fixture(scope="module")
def read_as(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], gpd.GeoDataFrame]:
    tmp = tmp_path_factory.mktemp("e2e")
    readers = _readers(tmp)

    def read(name: str) -> gpd.GeoDataFrame:
        if name not in _CACHE:
            _CACHE[name] = _quietly(readers[name])
        return _CACHE[name].copy()

    return read


def _draws(func: Callable[..., Any], n: int) -> dict[str, int]:
    """The number of null draws under the name the function takes (``permutations``)."""
    params = inspect.signature(func).parameters
    for name in ("permutations", "n_draws"):
        if name in params:
            return {name: n}
    return {}


def _hubs() -> gpd.GeoDataFrame:
    return datasets.sites("casino_hub")


def _in_window(events: pd.DataFrame) -> dict[str, Any]:
    dates = pd.to_datetime(events["event_date"])
    return {"start": dates.min(), "end": dates.max()}


def _check_province(events: gpd.GeoDataFrame, out: pd.DataFrame) -> None:
    assert out.index.equals(events.index)
    assert set(out["admin1_method"].dropna()) <= set(geo.ADMIN1_METHODS) | {"disagrees"}
    thai_khmer = events["country"].astype("string").isin(["THA", "KHM"]).fillna(False)
    located = events.geometry.notna() & ~events.geometry.is_empty
    # every located Thai or Cambodian row gets a province
    assert out.loc[thai_khmer & located, "admin1_code"].notna().all()


def _check_distance(events: gpd.GeoDataFrame, out: pd.Series) -> None:
    assert out.index.equals(events.index)
    located = (events.geometry.notna() & ~events.geometry.is_empty).to_numpy()
    values = out.to_numpy(dtype=float)
    assert np.isfinite(values[located]).all() and (values[located] >= 0).all()
    assert values[located].max() < 2000  # km: every fixture row lies in mainland Southeast Asia


def _check_counts(events: gpd.GeoDataFrame, out: pd.DataFrame) -> None:
    column = "incidents" if "incidents" in out.columns else "events"
    ids = events["incident_id"] if "incident_id" in events.columns else None
    if ids is None:
        expected = len(events)
    else:
        expected = int(ids.isna().sum() + ids.dropna().nunique())
    assert int(out[column].sum()) == expected


def _check_map(events: gpd.GeoDataFrame, out: Any) -> None:
    from scamgeo import maps

    assert "Events" in maps.map_layers(out)
    html = out.get_root().render()
    for place in events["location"].dropna().astype(str).unique()[:3]:
        assert place.replace("'", "&#x27;") in html or place in html


FUNCTIONS: dict[str, tuple[Callable[[gpd.GeoDataFrame], Any], Callable[..., None] | None]] = {
    "geo.assign_province": (lambda ev: geo.assign_province(ev), _check_province),
    "geo.distance_to_border_km": (lambda ev: geo.distance_to_border_km(ev), _check_distance),
    "geo.nearest_site": (lambda ev: geo.nearest_site(ev, _hubs()), None),
    "geo.within_km": (lambda ev: geo.within_km(ev, _hubs(), km=25), None),
    "geo.aggregate/province": (lambda ev: geo.aggregate(ev, by="province"), None),
    "geo.aggregate/grid": (
        lambda ev: geo.aggregate(ev, by="grid", cells=geo.grid(cell_km=25)),
        None,
    ),
    "geo.buffer_km": (lambda ev: geo.buffer_km(ev, km=5), None),
    "geo.to_metric": (lambda ev: geo.to_metric(ev), None),
    "geo.utm_crs": (lambda ev: geo.utm_crs(ev), None),
    "stats.daily_counts": (lambda ev: stats.daily_counts(ev, **_in_window(ev)), _check_counts),
    "stats.phase_of": (lambda ev: stats.phase_of(ev["event_date"]), None),
    "stats.hub_targeting_test": (
        lambda ev: stats.hub_targeting_test(
            ev, _hubs(), **_draws(stats.hub_targeting_test, 49), seed=1
        ),
        None,
    ),
    "stats.distance_decay": (lambda ev: stats.distance_decay(ev), None),
    "stats.precision_sensitivity": (lambda ev: stats.precision_sensitivity(ev), None),
    "stats.knox_test": (
        lambda ev: stats.knox_test(
            ev, distance_km=25, days=3, **_draws(stats.knox_test, 49), seed=1
        ),
        None,
    ),
    "stats.hotspots": (
        lambda ev: stats.hotspots(ev, cell_km=25, **_draws(stats.hotspots, 49), seed=1),
        None,
    ),
    "maps.events_map": (
        lambda ev: __import__("scamgeo.maps", fromlist=["events_map"]).events_map(ev),
        _check_map,
    ),
}


@pytest.mark.parametrize("function", list(FUNCTIONS))
@pytest.mark.parametrize("reader", READERS)
def test_function_on_reader_output(
    reader: str, function: str, read_as: Callable[[str], gpd.GeoDataFrame]
) -> None:
    events = read_as(reader)
    assert len(events) >= 2, f"{reader} read {len(events)} rows"
    before = events.copy()
    call, check = FUNCTIONS[function]
    with warnings.catch_warnings():
        # scamgeo's own warnings (e.g. a province disagreeing with its point) are counted
        # messages; anything else (pandas, numpy, shapely) is a defect.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"scamgeo\..*")
        try:
            out = call(events)
        except ScamgeoError as exc:  # a refusal must say why, in scamgeo's words
            pytest.fail(f"{function} refused the output of {reader}: {exc}")
    pd.testing.assert_frame_equal(pd.DataFrame(events), pd.DataFrame(before))  # never mutated
    if check is not None:
        check(events, out)


# --- on Dask frames, where the function accepts one ---------------------------------------

DASK_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "geo.assign_province": lambda ev: geo.assign_province(ev),
    "geo.distance_to_border_km": lambda ev: geo.distance_to_border_km(ev),
    "geo.nearest_site": lambda ev: geo.nearest_site(ev, _hubs()),
    "geo.within_km": lambda ev: geo.within_km(ev, _hubs(), km=25),
    # claims: counting incidents needs every claim of an incident in one partition, which
    # scale.aggregate and scale.daily_counts refuse to assume (a ParameterError says so)
    "geo.aggregate/province": lambda ev: geo.aggregate(ev, by="province", count="claims"),
    "stats.daily_counts": lambda ev: stats.daily_counts(
        ev, start="2025-05-01", end="2025-12-31", count="claims"
    ),
}


def _computed(value: Any) -> Any:
    return value.compute() if hasattr(value, "compute") else value


@pytest.mark.parametrize("function", list(DASK_FUNCTIONS))
@pytest.mark.parametrize(
    "reader",
    [
        "read_acled/current",
        "read_ucdp_ged/csv",
        "read_ucdp_ged/hdx",
        "load_events/ged-fgb",
        "scale.read_events/acled",
        "curated",
    ],
)
def test_dask_frame_gives_the_in_memory_answer(
    reader: str, function: str, read_as: Callable[[str], gpd.GeoDataFrame]
) -> None:
    dask_geopandas = pytest.importorskip("dask_geopandas")
    pytest.importorskip("scamgeo.scale")  # registers the partition-wise versions
    events = read_as(reader)
    call = DASK_FUNCTIONS[function]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"scamgeo\..*")
        expected = call(events)
        lazy = dask_geopandas.from_geopandas(events, npartitions=2)
        got = _computed(call(lazy))
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(
            got.sort_index(), expected.sort_index(), check_dtype=False, check_like=True
        )
    else:
        pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_dtype=False)
