"""Re-derive the gazetteer points that hang on the Thailand–Cambodia line.

Run ``python scripts/border_points.py`` after the reference line changes
(``--check`` only reports what would move). Rewrites ``latitude``,
``longitude``, ``uncertainty_m`` and, where the point now comes from the line,
``coord_source``/``coord_publisher``/``coord_source_date`` of the places in
:data:`RULES`, and appends to each place's notes one sentence saying how the
point was made. Every other place and column is left as it is.

The rules, each applied to the embedded line (``datasets.border()``) and
countries (``datasets.countries()``):

- ``on_line``: the point of the line nearest a reference point (a GeoNames
  town the source names, or another place): crossings known only as "the gate
  facing X", and disputed places that straddle the line.
- ``inside``: the point of the place's own country at least ``inset_km`` from
  the line that is nearest a reference point: a place known only as "on the
  border near X" or "beside X" gets a point on its own side. Its radius is its
  old radius plus the distance from the reference point, so it still covers
  what it covered.
- ``sector``: a province's stretch of the line (the line where it bounds the
  province); the point is the stretch's midpoint set ``inset_km`` inside the
  province, the radius half the stretch's length.
- ``junction``: where two provinces' boundary meets the line, set ``inset_km``
  inside the first of them (the place's own province).
- ``tripoint``: the end of the line where Thailand, Cambodia and Laos meet.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "data" / "curated" / "gazetteer.csv"
METRIC = "EPSG:32648"
OSM = (
    "https://www.openstreetmap.org/copyright",
    "OpenStreetMap contributors (geo-maps countries-land-10m 0.6.0)",
    "2017-12-01",
)
#: Fixed points that rules refer to: (latitude, longitude, radius in m, what it is).
#: GeoNames points are cities500's, as in data/reference/places.csv.
TOWNS = {
    "Kamrieng": (13.08806, 102.49074, 0, "the GeoNames point of Kamrieng"),
    "Pailin": (12.84895, 102.60928, 0, "the GeoNames point of Pailin"),
    "Ta Phraya": (14.00527, 102.80508, 0, "the GeoNames point of Ta Phraya"),
    "Ban Kruat": (14.42313, 103.09974, 0, "the GeoNames point of Ban Kruat"),
    "Kap Choeng": (14.47486, 103.59439, 0, "the GeoNames point of Kap Choeng"),
    "east-of-temple": (
        14.39307,
        104.6877,
        1000,
        "the point 0.8 km due east of the temple point (the article's 'just east of the "
        "promontory, about half a mile from the temple')",
    ),
}

#: Places whose radius starts from a figure of their own rather than their old radius
#: (then grows by the distance moved), and the source that says where they are.
BASE = {
    "ban-nong-ya-kaeo": (
        3000,
        (
            "https://m.en.freshnewsasia.com/index.php/en/localnews/64478-2025-10-15-03-32-03.html",
            "Fresh News",
            "2025-10-15",
        ),
    ),
    "chok-chey": (
        3000,
        (
            "https://m.en.freshnewsasia.com/index.php/en/localnews/64478-2025-10-15-03-32-03.html",
            "Fresh News",
            "2025-10-15",
        ),
    ),
}

# (place_id, rule, reference, inset_km, base radius in m). Order matters: a rule may
# refer to a place re-derived above it. A sector's reference is one or more ISO codes
# ("+"). The base radius of an ``inside`` or ``junction`` point is the radius the place
# had as a stand-in at its reference point (before this script); the new radius is the
# base plus the distance moved, so a rerun gives the same figures.
RULES: list[tuple[str, str, str | None, float, int | None]] = [
    # crossings and disputed places on the line
    ("ban-laem-crossing", "on_line", "Kamrieng", 0.0, None),
    ("ban-phak-kad-crossing", "on_line", "Pailin", 0.0, None),
    ("bueng-takuan-crossing", "on_line", "Ta Phraya", 0.0, None),
    ("chong-sai-taku-crossing", "on_line", "Ban Kruat", 0.0, None),
    ("thmor-da-crossing", "on_line", "chamrak", 0.0, None),
    ("prasat-khana", "on_line", "Kap Choeng", 0.0, None),
    ("sai-taku-resort", "on_line", "chong-sai-taku-crossing", 0.0, None),
    ("thmor-da-casino", "on_line", "thmor-da-crossing", 0.0, None),
    ("chong-bok", "tripoint", None, 0.0, None),
    ("ban-nong-ya-kaeo", "on_line", "ban-nong-chan", 0.0, None),
    ("chok-chey", "on_line", "ban-nong-chan", 0.0, None),
    # places known only by the border point or gate they stand beside
    ("poipet-casino-strip", "inside", "khlong-luek-poipet-crossing", 0.3, 1000),
    ("koh-kong-resort", "inside", "hat-lek-cham-yeam-crossing", 0.8, 1500),
    ("choam-casino", "inside", "chong-sa-ngam-crossing", 0.5, 3000),
    ("ta-phraya-casino", "inside", "bueng-takuan-crossing", 0.3, 12000),
    ("boeng-trakuon-area", "inside", "bueng-takuan-crossing", 1.0, 15000),
    ("talei", "inside", "bueng-takuan-crossing", 1.0, 15000),
    ("phsar-prum-casinos", "inside", "ban-phak-kad-crossing", 0.3, 10000),
    ("chey-chumneas-bridges", "inside", "thmor-da-crossing", 1.0, 16000),
    ("cheyy-area", "inside", "thmor-da-crossing", 1.0, 16000),
    ("ekphap-village", "inside", "thmor-da-crossing", 1.0, 16000),
    ("mds-thmorda-sez", "inside", "thmor-da-crossing", 1.0, 15000),
    ("hill-469", "inside", "chong-bok", 1.0, 5000),
    ("ta-moan-sen-chey-pagoda", "inside", "ta-muen-thom-temple", 1.0, 3000),
    ("thmor-doun", "inside", "ta-krabey-temple", 1.0, 4000),
    ("pha-mo-e-daeng", "inside", "east-of-temple", 0.2, 1000),
    ("huai-ta-maria", "inside", "pha-mo-e-daeng", 1.0, 3000),
    ("chong-don-ao", "inside", "phu-makhuea", 1.0, 3000),
    ("phlan-hin-paet-kon", "inside", "phu-makhuea", 1.0, 4000),
    ("ban-phum-srol", "inside", "prasat-don-tuan", 1.0, 4000),
    ("chong-ta-thao", "inside", "prasat-don-tuan", 1.0, 8000),
    ("khao-satta-som", "inside", "prasat-don-tuan", 1.0, 8000),
    ("phu-phi", "inside", "prasat-don-tuan", 1.0, 8000),
    ("sao-thong-chai", "inside", "prasat-don-tuan", 1.0, 10000),
    ("pha-hin-tat", "junction", "TH-31+TH-27", 1.0, 6000),
    # province stretches of the line
    ("oddar-meanchey-border-sector", "sector", "KH-22", 1.0, None),
    ("banteay-meanchey-border-sector", "sector", "KH-1", 1.0, None),
    ("preah-vihear-border-sector", "sector", "KH-13", 1.0, None),
    ("battambang-border-sector", "sector", "KH-2", 1.0, None),
    ("ubon-ratchathani-border-sector", "sector", "TH-34", 1.0, None),
    ("si-sa-ket-border-sector", "sector", "TH-33", 1.0, None),
    ("surin-border-sector", "sector", "TH-32", 1.0, None),
    ("buri-ram-border-sector", "sector", "TH-31", 1.0, None),
    ("trat-border-sector", "sector", "TH-23", 1.0, None),
    ("chanthaburi-trat-border-sector", "sector", "TH-22+TH-23", 1.0, None),
]


class Geometry:
    """The line, countries and provinces in UTM 48N."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT / "src"))
        from scamgeo import datasets

        def metric(frame):
            return frame.to_crs(METRIC)

        self.line = metric(datasets.border()).geometry.iloc[0]
        self.countries = metric(datasets.countries()).set_index("iso3").geometry
        self.provinces = metric(datasets.provinces(["THA", "KHM"])).geometry

    def own_side(self, iso: str, inset_km: float) -> shapely.Geometry:
        return self.countries[iso].difference(self.line.buffer(inset_km * 1000.0))


def to_metric(lat: float, lon: float) -> shapely.Point:
    return gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(METRIC).iloc[0]


def to_latlon(point: shapely.Point) -> tuple[float, float]:
    p = gpd.GeoSeries([point], crs=METRIC).to_crs(4326).iloc[0]
    return round(p.y, 5), round(p.x, 5)


def _ceil(metres: float, step: int = 500) -> int:
    return int(math.ceil(metres / step) * step)


def _sector_point(geo: Geometry, codes: str, inset: float) -> tuple[shapely.Point, int, str]:
    """A point for a province's stretch of the line, its radius and the method sentence."""
    province = shapely.union_all([geo.provinces[code] for code in codes.split("+")])
    stretch = shapely.line_merge(shapely.intersection(geo.line, province.boundary.buffer(1.0)))
    parts = sorted(shapely.get_parts(stretch), key=lambda p: -p.length)
    length = sum(p.length for p in parts)
    mid = shapely.line_interpolate_point(parts[0], 0.5, normalized=True)
    area = province.difference(geo.line.buffer(inset * 1000.0))
    new = shapely.ops.nearest_points(area, mid)[0]
    far = shapely.distance(shapely.points(shapely.get_coordinates(stretch)), new).max()
    text = (
        f"Point: the midpoint of the {length / 1000:.1f} km stretch of the OpenStreetMap line "
        f"along the province ({len(parts)} piece(s); midpoint of the longest), set {inset:g} km "
        "inside it; radius = its distance to the farthest point of the stretch"
    )
    return new, _ceil(far, 100), text


def derive(gaz: pd.DataFrame, geo: Geometry, rule: tuple) -> dict:
    """New point, radius and method sentence of one place."""
    pid, how, ref, inset, base = rule
    row = gaz.loc[pid]
    side = row["side"]
    if how in ("on_line", "inside"):
        if ref in TOWNS:
            lat, lon, ref_unc, ref_name = TOWNS[ref]
            ref_pt = to_metric(lat, lon)
        else:
            r = gaz.loc[ref]
            ref_pt, ref_name = to_metric(r["latitude"], r["longitude"]), f"the {r['name']} point"
            ref_unc = int(r["uncertainty_m"])
    if how == "on_line":
        new = shapely.ops.nearest_points(geo.line, ref_pt)[0]
        radius = int(row["uncertainty_m"])
        text = f"Point: the border point nearest {ref_name} (OpenStreetMap line)"
        if pid in BASE:
            radius = _ceil(BASE[pid][0] + new.distance(ref_pt))
            text += f", which the village adjoins ({BASE[pid][1][1]}, {BASE[pid][1][2]})"
    elif how == "inside":
        area = geo.own_side(side, inset)
        new = shapely.ops.nearest_points(area, ref_pt)[0]
        moved = new.distance(ref_pt)
        radius = _ceil(max(int(base), ref_unc) + moved)
        text = (
            f"Point: the nearest point to {ref_name} that lies at least {inset:g} km inside "
            f"{side} by the OpenStreetMap line ({moved / 1000:.1f} km from it)"
        )
    elif how == "junction":
        own, other = (geo.provinces[c] for c in str(ref).split("+"))
        shared = shapely.intersection(own.boundary, other.boundary)
        corner = shapely.ops.nearest_points(geo.line, shared)[0]
        area = own.difference(geo.line.buffer(inset * 1000.0))
        new = shapely.ops.nearest_points(area, corner)[0]
        moved = new.distance(corner)
        radius = _ceil(int(base) + moved)
        text = (
            "Point: where the two provinces' boundary meets the OpenStreetMap line, set "
            f"{inset:g} km inside {row['admin1']} ({moved / 1000:.1f} km from the corner)"
        )
    elif how == "tripoint":
        end_a, end_b = shapely.get_point(geo.line, 0), shapely.get_point(geo.line, -1)
        new = end_a if to_latlon(end_a)[1] > to_latlon(end_b)[1] else end_b
        radius = int(row["uncertainty_m"])
        text = "Point: the eastern end of the OpenStreetMap THA–KHM line (the tripoint with Laos)"
    else:  # sector
        new, radius, text = _sector_point(geo, str(ref), inset)
    lat, lon = to_latlon(new)
    return {"latitude": lat, "longitude": lon, "uncertainty_m": radius, "method": text}


def apply(gaz: pd.DataFrame, geo: Geometry, *, write: bool) -> pd.DataFrame:
    """Apply :data:`RULES` in order; ``gaz`` holds the CSV's text, indexed by place_id."""
    typed = gaz.assign(
        latitude=gaz["latitude"].astype(float),
        longitude=gaz["longitude"].astype(float),
        uncertainty_m=gaz["uncertainty_m"].astype(int),
    )
    out = gaz.copy()
    for rule in RULES:
        pid, how = rule[0], rule[1]
        if pid not in out.index:
            raise SystemExit(f"{pid}: not in the gazetteer")
        new = derive(typed, geo, rule)
        old = gaz.loc[pid]
        typed.loc[pid, ["latitude", "longitude", "uncertainty_m"]] = [
            new["latitude"],
            new["longitude"],
            new["uncertainty_m"],
        ]
        print(
            f"{pid:32s} {old['latitude']:>9} {old['longitude']:>10} {old['uncertainty_m']:>6} -> "
            f"{new['latitude']:9.5f} {new['longitude']:10.5f} {new['uncertainty_m']:6d}"
        )
        if not write:
            continue
        notes = _strip_old_method(str(old["notes"]))
        out.loc[pid, "latitude"] = f"{new['latitude']:.5f}"
        out.loc[pid, "longitude"] = f"{new['longitude']:.5f}"
        out.loc[pid, "uncertainty_m"] = str(new["uncertainty_m"])
        out.loc[pid, "notes"] = (
            f"{notes} {new['method']}, radius {new['uncertainty_m'] / 1000:g} km."
        )
        if pid in BASE:
            out.loc[pid, ["coord_source", "coord_publisher", "coord_source_date"]] = list(
                BASE[pid][1]
            )
        elif how in ("on_line", "tripoint", "sector", "junction") or "naturalearthdata" in str(
            old["coord_source"]
        ):
            out.loc[pid, ["coord_source", "coord_publisher", "coord_source_date"]] = list(OSM)
    return out


def _strip_old_method(notes: str) -> str:
    """Notes without the sentences that described the old point.

    Drops the method sentence this script wrote before (so reruns do not pile up)
    and sentences about Natural Earth's 1:10m line or the old derivation, which no
    longer describe the point.
    """
    cut = notes.find(" Point: ")
    notes = notes[:cut] if cut >= 0 else notes
    stale = (
        "on the line itself",
        "1:10m",
        "Natural Earth",
        "Derived:",
        "Point =",
        "point =",
        "stands in",
        "Stands in",
    )
    sentences = re.split(r"(?<=[.;])\s+(?=[A-Z(])", notes)
    kept = [x for x in sentences if not any(word in x for word in stale)]
    return " ".join(kept).strip() or notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    args = parser.parse_args(argv)
    raw = pd.read_csv(GAZETTEER, dtype=str, keep_default_na=False)
    gaz = raw.set_index(raw["place_id"].to_numpy())
    out = apply(gaz, Geometry(), write=not args.check)
    if not args.check:
        out.reset_index(drop=True).to_csv(GAZETTEER, index=False, lineterminator="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
