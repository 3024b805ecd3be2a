"""Reference geography: countries, provinces, the borders, places, and province names.

Built by ``scripts/build_reference.py`` from Natural Earth (public domain),
OpenStreetMap (ODbL, the Thailand–Cambodia border and 8 km either side of it)
and GeoNames (CC BY 4.0). Public through :mod:`scamgeo.datasets`, which
re-exports every function here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import config
from ._errors import DataSourceError, ParameterError
from ._inputs import geometry_of
from ._provenance import record_read
from ._validate import check_choice, check_choices, closest
from .vocab import fold

__all__ = [
    "border",
    "borders",
    "countries",
    "find_province",
    "places",
    "province_code",
    "province_names",
    "provinces",
]

_PROVINCE_WORDS = re.compile(r"\b(province|changwat|khet|provincia|krong)\b", re.IGNORECASE)


def _reference_path(name: str) -> Path:
    path = config.data_dir / "reference" / name
    if not path.is_file():
        raise DataSourceError(
            f"reference file {path} is missing; reinstall scamgeo or rebuild it with `make data`."
        )
    record_read(path)
    return path


@functools.cache
def _read_geo(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(_reference_path(name), engine="pyogrio")


@functools.cache
def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def countries(*, region_only: bool = False) -> gpd.GeoDataFrame:
    """Countries of mainland Southeast Asia, clipped to the region (92–110 E, 5–24 N).

    Parameters
    ----------
    region_only : bool, default False
        Keep only Thailand, Cambodia, Laos, Myanmar, Vietnam and Malaysia.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso3``, ``name``, ``name_long``, ``in_region`` and polygon
        geometry: Natural Earth 1:10m (public domain), except within 8 km of
        the Thailand–Cambodia border, where Thailand, Cambodia and Laos are
        OpenStreetMap's polygons (© OpenStreetMap contributors, ODbL), so that
        Thailand and Cambodia share exactly the line of :func:`border`.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> c = datasets.countries().set_index("iso3")
    >>> bool(c.geometry["THA"].intersects(c.geometry["KHM"]))  # they touch along the line
    True
    """
    gdf = _read_geo("countries.geojson").copy()
    if region_only:
        gdf = gdf[gdf["in_region"]].reset_index(drop=True)
    return gdf


def provinces(country: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Provinces of Thailand (77) and Cambodia (24), edge-matched to the border line.

    Parameters
    ----------
    country : {"THA", "KHM"} or list of them, optional
        Keep only these countries.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``iso_3166_2`` (e.g. ``"TH-33"``), with columns
        ``iso_3166_2``, ``country`` (ISO3), ``name`` (English), ``name_local``,
        ``name_iso``, ``name_ne``, ``national_code`` (Thai DOPA / Cambodian
        code), ``hasc``, ``geonames_id``, ``geonames_admin1``, ``area_km2``.

    Notes
    -----
    Natural Earth 1:10m admin-1 (public domain), cut within 8 km of the
    Thailand–Cambodia border to the OpenStreetMap countries, the land between
    the two lines going to the nearest province of the same country: along
    the border the provinces of each country tile it exactly, and their outer
    edge is the line of :func:`border`. Boundaries between provinces stay
    Natural Earth's (about 1.9 km between vertices): fine for province totals,
    not for deciding which of two neighbouring provinces a point within a
    couple of km of their boundary lies in. Tboung Khmum (KH-25, created
    2013) is still part of Kampong Cham (KH-3) in this Natural Earth release.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> len(datasets.provinces('THA')), len(datasets.provinces('KHM'))
    (77, 24)
    >>> datasets.provinces().loc['TH-27', 'name']
    'Sa Kaeo'
    """
    gdf = _read_geo("provinces.geojson").copy()
    if country is not None:
        wanted = check_choices(country, ["THA", "KHM"], name="country")
        gdf = gdf[gdf["country"].isin(wanted)]
    gdf.index = pd.Index(
        gdf["iso_3166_2"].to_numpy()
    )  # unnamed: a named index would clash in sjoin
    return gdf


def borders() -> gpd.GeoDataFrame:
    """Shared boundary lines between the countries of the region.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``a``, ``b`` (ISO3), ``name``, ``length_km`` (geodesic, WGS84),
        ``n_vertices``, ``source`` and (multi)line geometry: the shared edge of
        the two country polygons of :func:`countries`. THA–KHM is
        OpenStreetMap's line (``source`` "OpenStreetMap"); the others are
        Natural Earth 1:10m's (THA–LAO and KHM–LAO follow OpenStreetMap for
        their last few km at the tripoint).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> pairs = datasets.borders()
    >>> {'THA', 'KHM'} <= set(pairs['a']) | set(pairs['b']), 'length_km' in pairs
    (True, True)
    """
    return _read_geo("borders.geojson").copy()


def border(a: str = "THA", b: str = "KHM") -> gpd.GeoDataFrame:
    """The boundary line between countries ``a`` and ``b`` (order does not matter).

    Parameters
    ----------
    a, b : str
        ISO3 codes; the default is the Thailand–Cambodia border: OpenStreetMap's
        line (OSM data of December 2017, ODbL), 824 km long (the surveyed
        border is about 817 km; Natural Earth's 1:10m line is 663 km).

    Returns
    -------
    geopandas.GeoDataFrame
        One row, as in :func:`borders`.

    Notes
    -----
    Measured by ``scripts/measure_border.py`` (figures in ``data/README.md``):
    the line lies within 0.31 km of every border gate whose coordinate is
    stated (median 0.20 km) and a median 0.07 km from an independent Thai
    province layer (90th percentile 0.24 km); Natural Earth's 1:10m line was
    a median 1.3 km from it (90th percentile 2.9 km).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> line = datasets.border()
    >>> float(line["length_km"].iloc[0]), line["source"].iloc[0]
    (823.7, 'OpenStreetMap')
    """
    allb = borders()
    pairs = {frozenset((x, y)) for x, y in zip(allb["a"], allb["b"], strict=True)}
    if frozenset((a, b)) not in pairs:
        listed = ", ".join(sorted(f"{x}–{y}" for x, y in zip(allb["a"], allb["b"], strict=True)))
        raise ParameterError(
            f"no border between a={a!r} and b={b!r} in the reference data. Available: {listed}."
        )
    hit = ((allb["a"] == a) & (allb["b"] == b)) | ((allb["a"] == b) & (allb["b"] == a))
    return allb[hit].reset_index(drop=True)


def places(*, kind: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Gazetteer of border towns, crossings' towns and provincial capitals (GeoNames).

    Parameters
    ----------
    kind : str or list of str, optional
        Keep only these kinds (``border_town``, ``provincial_capital``,
        ``district_town``, ``capital``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``place_id``, ``name`` (common English name, e.g. "Poipet"),
        ``geonames_name`` ("Paoy Paet"), ``kind``, ``country`` (ISO3, from
        GeoNames), ``admin1_code`` (ISO 3166-2 for Thai and Cambodian places),
        ``admin1_method`` (how the province was found: ``geonames`` code,
        ``within`` polygon, ``nearest`` polygon), ``country_polygon`` (the
        polygon of :func:`countries` the point falls in, which can differ from
        ``country``: Myawaddy falls inside the Thai 1:10m polygon),
        ``population``, ``geonames_id``, ``aliases`` and point geometry.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> towns = datasets.places(kind='border_town')
    >>> towns.set_index('name').loc['Poipet', ['geonames_name', 'country']].tolist()
    ['Paoy Paet', 'KHM']
    """
    df = _read_csv(_reference_path("places.csv")).copy()
    for col in ("latitude", "longitude"):
        df[col] = df[col].astype(float)
    for col in ("population", "geonames_id"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    if kind is not None:
        kinds = sorted(df["kind"].unique())
        df = df[df["kind"].isin(check_choices(kind, kinds, name="kind"))]
    return gpd.GeoDataFrame(df, geometry=geometry_of(df, name="places"))


def province_names() -> pd.DataFrame:
    """Every known spelling of each province: columns ``variant``, ``iso_3166_2``, ``country``.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> names = datasets.province_names()
    >>> names.columns.tolist(), sorted(names.loc[names['variant'] == 'Banteay Meanchey', 'iso_3166_2'])
    (['variant', 'iso_3166_2', 'country'], ['KH-1'])
    """
    return _read_csv(_reference_path("province_names.csv")).copy()


@functools.cache
def _name_index() -> dict[tuple[str, str], str]:
    """(country, folded name) -> ISO code, including codes themselves and HASC codes."""
    index: dict[tuple[str, str], str] = {}
    for variant, code, country in province_names()[["variant", "iso_3166_2", "country"]].itertuples(
        index=False
    ):
        index[(country, fold(variant))] = code
    prov = _read_geo("provinces.geojson")
    for code, country, hasc in prov[["iso_3166_2", "country", "hasc"]].itertuples(index=False):
        index[(country, fold(code))] = code
        if isinstance(hasc, str):
            index[(country, fold(hasc))] = code
    return index


def _lookup(name: object, country: str | None) -> str | None:
    if name is None or (isinstance(name, float) and np.isnan(name)) or pd.isna(name):
        return None
    key = fold(_PROVINCE_WORDS.sub(" ", str(name)))
    if not key:
        return None
    index = _name_index()
    countries_ = [country] if country else ["THA", "KHM"]
    hits = {index[(c, key)] for c in countries_ if (c, key) in index}
    return hits.pop() if len(hits) == 1 else None


def province_code(
    names: Iterable[object], *, country: Iterable[object] | str | None = None
) -> pd.Series:
    """ISO 3166-2 codes for many province names (vectorised; unknown names give <NA>).

    Parameters
    ----------
    names : iterable of str
        Province names in any common spelling, or codes (``TH-33``, ``TH.SI``).
    country : str or iterable of str, optional
        ISO3 code for all names, or one per name (restricts the search).

    Returns
    -------
    pandas.Series of str
        Named ``admin1_code``, indexed like ``names`` when it is a Series.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> datasets.province_code(["Sisaket", "Banteay Meanchey"]).tolist()
    ['TH-33', 'KH-1']
    """
    index = names.index if isinstance(names, pd.Series) else None
    names = list(names)
    if country is None or isinstance(country, str):
        countries_ = [country] * len(names)
    else:
        countries_ = [c if isinstance(c, str) and c in ("THA", "KHM") else None for c in country]
    cache: dict[tuple, str | None] = {}
    out = []
    for name, c in zip(names, countries_, strict=True):
        key = (name if not pd.isna(name) else None, c)
        if key not in cache:
            cache[key] = _lookup(name, c)
        out.append(cache[key])
    return pd.Series(out, index=index, name="admin1_code", dtype="string")


def find_province(name: str, *, country: str | None = None) -> pd.Series:
    """Resolve a province name in any common spelling to its row of :func:`provinces`.

    Parameters
    ----------
    name : str
        E.g. "Sisaket", "Si Sa Ket", "Otdar Mean Chey", "Oddar Meanchey",
        "Banteay Mean Chey", "TH-33", "Surin province".
    country : {"THA", "KHM"}, optional
        Restrict the search to one country.

    Returns
    -------
    pandas.Series
        The province's row (name = ISO 3166-2 code), geometry included.

    Raises
    ------
    ParameterError
        When the name matches no province, with the closest names suggested.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> row = datasets.find_province("Sisaket")
    >>> row["iso_3166_2"], row["name"], row["country"]
    ('TH-33', 'Si Sa Ket', 'THA')
    """
    if country is not None:
        check_choice(country, ["THA", "KHM"], name="country")
    code = _lookup(name, country)
    if code is None:
        variants = province_names()
        if country:
            variants = variants[variants["country"] == country]
        near = closest(str(name), variants["variant"].unique(), n=4, cutoff=0.5)
        hint = f" Closest names: {', '.join(repr(n) for n in near)}." if near else ""
        temple = (
            " Preah Vihear is both a Cambodian province (KH-13) and a temple; pass the province name."
            if "vihear" in str(name).lower()
            else ""
        )
        raise ParameterError(
            f"find_province: no Thai or Cambodian province is called {name!r}.{hint}{temple} "
            "An ISO code such as 'KH-13' also works; scamgeo.datasets.province_names() lists every spelling."
        )
    return provinces().loc[code]
