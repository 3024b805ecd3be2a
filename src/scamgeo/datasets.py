"""The embedded data: reference geography and the curated, sourced tables.

Every function returns a *new* frame (callers may modify it freely) in
EPSG:4326. Reference geography (``countries``, ``provinces``, ``border``,
``places``) is built by ``scripts/build_reference.py`` from Natural Earth
(public domain) and GeoNames (CC BY 4.0); the curated tables (``events``,
``sites``, ``displacement``, ``timeline``, ``tallies``, ``scam_figures``) are
hand-curated from public reporting, every row with its source. See
``data/README.md`` for the data dictionary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _record, config
from ._combine import combine_events
from ._errors import DataSourceError, ParameterError
from ._inputs import geometry_of
from ._provenance import record_read
from ._validate import Problems, check_choice, check_choices, closest
from .schema import CURATED, SITE_KINDS, TableSchema
from .vocab import fold, match_name, suggest_names

__all__ = [
    "border",
    "borders",
    "catalogue",
    "check_record",
    "combine_events",
    "data_dictionary",
    "countries",
    "displacement",
    "events",
    "find_province",
    "find_site",
    "gazetteer",
    "incidents",
    "places",
    "province_code",
    "province_names",
    "provinces",
    "read_table",
    "reference_provenance",
    "scam_figures",
    "site_spellings",
    "sites",
    "sources",
    "tallies",
    "timeline",
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


# --- reference geography -----------------------------------------------------


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
        geometry (Natural Earth 1:10m, public domain).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> sorted(datasets.countries(region_only=True)['iso3'])
    ['KHM', 'LAO', 'MMR', 'MYS', 'THA', 'VNM']
    """
    gdf = _read_geo("countries.geojson").copy()
    if region_only:
        gdf = gdf[gdf["in_region"]].reset_index(drop=True)
    return gdf


def provinces(country: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Provinces of Thailand (77) and Cambodia (24), Natural Earth 1:10m admin-1.

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
    Tboung Khmum (KH-25, created 2013) is still part of Kampong Cham (KH-3) in
    this Natural Earth release. The boundaries are generalised (about 1.9 km
    between vertices): fine for province totals, not for deciding on which
    side of the border a point within ~3 km of it lies.

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
        ``n_vertices`` and (multi)line geometry: the shared edge of the two
        Natural Earth 1:10m country polygons.

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
        ISO3 codes; the default is the Thailand–Cambodia border (663 km at 1:10m;
        the surveyed border is about 817 km).

    Returns
    -------
    geopandas.GeoDataFrame
        One row, as in :func:`borders`.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> line = datasets.border('KHM', 'THA')
    >>> line[['a', 'b']].iloc[0].tolist(), line.geom_type.iloc[0]
    (['THA', 'KHM'], 'LineString')
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
        Natural Earth polygon the point falls in, which at 1:10m can differ
        from ``country``: Myawaddy and O'Smach fall inside the Thai polygon),
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


# --- curated tables ----------------------------------------------------------


def _curated_path(name: str) -> Path:
    path = config.data_dir / "curated" / f"{name}.csv"
    if not path.is_file():
        raise DataSourceError(f"curated table {path} is missing; reinstall scamgeo.")
    record_read(path)
    return path


def read_table(path: str | Path, schema: TableSchema) -> pd.DataFrame:
    """Read a CSV in one of scamgeo's schemas and validate it.

    Parameters
    ----------
    path : str or Path
        A CSV file with a header row.
    schema : scamgeo.schema.TableSchema
        The schema to check (e.g. ``scamgeo.schema.SITES``).

    Returns
    -------
    pandas.DataFrame
        Parsed and typed; columns in the schema's order, extra columns kept.

    Raises
    ------
    DataSourceError
        If the file cannot be read as UTF-8 CSV.
    SchemaError
        Listing every missing column or bad cell, with line numbers.

    Examples
    --------
    >>> from scamgeo import config, datasets, schema
    >>> sites = datasets.read_table(config.data_dir / 'curated' / 'sites.csv', schema.SITES)
    >>> sites['site_id'].is_unique, sites.columns[0]
    (True, 'site_id')
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except FileNotFoundError:
        raise DataSourceError(f"{path}: no such file.") from None
    except UnicodeDecodeError as exc:
        raise DataSourceError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataSourceError(f"{path}: not a readable CSV table ({exc}).") from None
    return schema.validate(raw, source=str(path))


@functools.cache
def _curated(name: str) -> pd.DataFrame:
    return read_table(_curated_path(name), CURATED[name])


def _points(df: pd.DataFrame, *, name: str) -> gpd.GeoDataFrame:
    """A curated table with its latitude/longitude as point geometry (scamgeo's one input rule)."""
    return gpd.GeoDataFrame(df, geometry=geometry_of(df, name=name), crs=config.GEOGRAPHIC_CRS)


def _check_provinces(df: pd.DataFrame, *, source: str, name_col: str = "admin1") -> pd.Series:
    """Resolve admin1 names of THA/KHM rows; raise naming every unknown one."""
    codes = province_code(df[name_col], country=df["country"].astype("string"))
    thai_khmer = df["country"].isin(["THA", "KHM"]).to_numpy()
    unknown = df[name_col].notna().to_numpy() & codes.isna().to_numpy() & thai_khmer
    if unknown.any():
        problems = Problems(source)
        for pos in np.flatnonzero(unknown):
            value = df[name_col].iloc[pos]
            near = closest(str(value), province_names()["variant"].unique(), n=2, cutoff=0.5)
            hint = f" (closest: {', '.join(near)})" if near else ""
            problems.add(
                f"{value!r} is not a province of {df['country'].iloc[pos]}{hint}",
                row=int(pos) + 2,
                column=name_col,
            )
        problems.raise_if_any()
    return codes


def gazetteer(kind: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Every named place the record uses, with one sourced point and its uncertainty.

    Events and sites name these places by ``place_id``: one place has one point
    in every phase, and a town never stands in for a temple, pass or village that
    it is not (a stand-in, where a place cannot be located, says so in
    ``coord_method`` and ``notes``).

    Parameters
    ----------
    kind : str or list of str, optional
        Keep only these kinds (``temple``, ``pass``, ``hill``, ``position``,
        ``village``, ``crossing``, ``casino``, ... see
        :data:`scamgeo.schema.PLACE_KINDS`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`scamgeo.schema.GAZETTEER` and point geometry,
        indexed by ``place_id``.

    Raises
    ------
    SchemaError
        If a point lies on the wrong side of the border (beyond 2 km at the
        reference resolution) or a disputed place lies far from the line.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> places = datasets.gazetteer()
    >>> len(places)
    106
    >>> row = places.set_index("place_id").loc["chong-bok"]
    >>> row["name"], row["side"], row["admin1"], int(row["uncertainty_m"])
    ('Chong Bok', 'disputed', 'Ubon Ratchathani', 4000)
    """
    gaz = _gazetteer().copy()
    if kind is not None:
        from .schema import PLACE_KINDS

        gaz = gaz[gaz["kind"].isin(check_choices(kind, PLACE_KINDS, name="kind"))]
    return gaz


@functools.cache
def _sides() -> _record.Sides:
    """The Thai and Cambodian polygons and their border, as the placement rules use them."""
    return _record.sides(countries(), border())


@functools.cache
def _gazetteer() -> gpd.GeoDataFrame:
    source = str(_curated_path("gazetteer"))
    df = _curated("gazetteer").copy()
    _record.gazetteer_problems(df, source=source, sides=_sides()).raise_if_any()
    out = _points(df, name="gazetteer")
    out.index = pd.Index(out["place_id"].to_numpy())
    return out


def _located(name: str, *, precision_column: str | None, country_col: str) -> pd.DataFrame:
    """A curated table with its places' points filled, checked against the placement rules."""
    source = str(_curated_path(name))
    df = _record.locate(
        _curated(name), _gazetteer(), source=source, precision_column=precision_column
    )
    _record.placement_problems(
        df, source=source, sides=_sides(), country_col=country_col
    ).raise_if_any()
    return df


@functools.cache
def _events_table() -> pd.DataFrame:
    df = _located("events", precision_column="geo_precision", country_col="country")
    df["admin1_code"] = _check_provinces(df, source=str(_curated_path("events"))).to_numpy()
    df["dataset"] = "scamgeo"
    return df


def events() -> gpd.GeoDataFrame:
    """The curated events of the 2025 border war, in the common event schema.

    Each row is one side's report (a claim) of one incident at one place on
    one day; rows that describe the same incident as each side reported it
    share an ``incident_id`` (see :func:`incidents`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`scamgeo.schema.EVENTS` plus ``admin1_code`` (ISO
        3166-2), ``dataset`` ("scamgeo"), ``uncertainty_source``,
        ``place_side`` and ``place_kind``; point geometry from the gazetteer
        place the row names (empty where the place could not be located).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> ev = datasets.events()
    >>> len(ev), ev.crs.to_string()
    (205, 'EPSG:4326')
    >>> str(ev["event_date"].min().date()), str(ev["event_date"].max().date())
    ('2025-05-28', '2026-02-27')
    >>> ev["event_type"].value_counts().head(2).to_dict()
    {'Explosions/Remote violence': 105, 'Battles': 59}
    """
    return _points(_events_table().copy(), name="events")


def incidents() -> gpd.GeoDataFrame:
    """One row per incident, with each side's claim about it side by side.

    An incident reported by both governments is two rows of :func:`events`
    (two claims) and one row here. Counts of incidents and of claims differ
    exactly by the incidents with more than one claim.

    Returns
    -------
    geopandas.GeoDataFrame
        ``incident_id``, ``event_date`` (earliest), ``country``, ``place_id``,
        ``location``, ``event_type``, ``sub_event_type``, ``n_claims``,
        ``claimed_by``, ``event_ids``; per claimant (``tha``, ``khm``,
        ``both``, ``independent``, ``undisputed``) ``fatalities_*``,
        ``notes_*``, ``source_url_*``; and the point with ``uncertainty_m``.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> inc = datasets.incidents()
    >>> len(inc), int(inc["n_claims"].sum())
    (196, 205)
    >>> first = inc.iloc[0]
    >>> first["incident_id"], str(first["event_date"].date()), first["place_id"]
    ('SG-I0001', '2025-05-28', 'chong-bok')
    """
    return _incidents().copy()


@functools.cache
def _incidents() -> gpd.GeoDataFrame:
    return _points(_record.incidents_table(_events_table()), name="incidents")


def check_record(
    *,
    events: str | Path | None = None,
    sites: str | Path | None = None,
    gazetteer: str | Path | None = None,
) -> dict[str, int]:
    """Check (copies of) the curated events, sites and gazetteer against the placement rules.

    Parameters
    ----------
    events, sites, gazetteer : str or Path, optional
        CSV files to check instead of the embedded tables.

    Returns
    -------
    dict
        Rows checked per table.

    Raises
    ------
    SchemaError
        Naming every row that breaks a rule: an unknown ``place_id``; a row that
        names a place and carries another point; a place whose side is not the
        row's country; a point more than 3 km inside the other country (unless
        its place is disputed); a gazetteer point on the wrong side.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> datasets.check_record()
    {'gazetteer': 106, 'events': 205, 'sites': 54}
    """
    given = {"gazetteer": gazetteer, "events": events, "sites": sites}
    paths = {n: Path(p) if p is not None else _curated_path(n) for n, p in given.items()}
    from .schema import EVENTS, GAZETTEER, SITES

    gaz = read_table(paths["gazetteer"], GAZETTEER)
    _record.gazetteer_problems(gaz, source=str(paths["gazetteer"]), sides=_sides()).raise_if_any()
    gaz = gaz.set_index(gaz["place_id"].to_numpy())
    counts = {"gazetteer": len(gaz)}
    for name, schema, precision in (
        ("events", EVENTS, "geo_precision"),
        ("sites", SITES, "location_precision"),
    ):
        source = str(paths[name])
        table = read_table(paths[name], schema)
        table = _record.locate(table, gaz, source=source, precision_column=precision)
        _record.placement_problems(table, source=source, sides=_sides()).raise_if_any()
        counts[name] = len(table)
    return counts


def sites(kind: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Casino hubs, casinos, scam compounds, border crossings and SEZs.

    Parameters
    ----------
    kind : str or list of str, optional
        Keep only these kinds: ``casino_hub``, ``casino``, ``scam_compound``,
        ``border_crossing``, ``special_economic_zone``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`scamgeo.schema.SITES`, point geometry, indexed by ``site_id``.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> len(datasets.sites())
    54
    >>> datasets.sites(kind="casino_hub").index.tolist()[:3]
    ['poipet', 'o-smach', 'koh-kong-cham-yeam']
    """
    df = _sites_table().copy()
    if kind is not None:
        df = df[df["kind"].isin(check_choices(kind, SITE_KINDS, name="kind"))]
    out = _points(df, name="sites")
    out.index = pd.Index(out["site_id"].to_numpy())  # unnamed, like provinces()
    return out


@functools.cache
def _sites_table() -> pd.DataFrame:
    return _located("sites", precision_column="location_precision", country_col="country")


def find_site(name: str) -> gpd.GeoDataFrame:
    """One site by id (``"poipet"``) or name/alias (``"Paoy Paet"``), as a one-row GeoDataFrame.

    Parameters
    ----------
    name : str
        A site id, name or alias, matched by :func:`scamgeo.vocab.match_name`.

    Raises
    ------
    ParameterError
        When nothing matches, with the closest ids and names suggested.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> datasets.find_site("Poipet").index.tolist()
    ['poipet']
    """
    all_sites = sites()
    site_id = match_name(name, site_spellings(all_sites))
    if site_id is not None:
        return all_sites.loc[[site_id]]
    near = suggest_names(name, site_spellings(all_sites), n=3)
    hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise ParameterError(
        f"find_site: no site is called {name!r}.{hint} scamgeo.datasets.sites() lists all {len(all_sites)}."
    )


def site_spellings(table: pd.DataFrame, *, id_col: str = "site_id") -> dict[str, list[str]]:
    """Each site's spellings (name, then ``;``-separated aliases), by id: what lookups match.

    Parameters
    ----------
    table : DataFrame
        Sites with ``id_col`` (a column, or the index when the column is absent)
        and, where present, ``name`` and ``aliases``.
    id_col : str, default "site_id"

    Returns
    -------
    dict
        ``{site_id: [name, alias, ...]}``, for :func:`scamgeo.vocab.match_name`.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> datasets.site_spellings(datasets.sites())["poipet"][:2]
    ['Poipet', 'Paoy Paet']
    """
    ids = table[id_col] if id_col in table.columns else pd.Series(table.index, index=table.index)
    cols = [
        table[c] if c in table.columns else pd.Series(pd.NA, index=table.index)
        for c in ("name", "aliases")
    ]
    out: dict[str, list[str]] = {}
    for ident, site_name, aliases in zip(ids.astype(str), *cols, strict=True):
        spellings = [str(site_name)] if isinstance(site_name, str) else []
        if isinstance(aliases, str):
            spellings += [a.strip() for a in aliases.split(";") if a.strip()]
        out[ident] = spellings
    return out


def displacement() -> pd.DataFrame:
    """Displacement figures by country, province, metric and date (never merged across metrics).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> figures = datasets.displacement()
    >>> sorted(figures['measure'].dropna().unique()), bool(figures['admin1_code'].notna().any())
    (['flow', 'stock'], True)
    """
    df = _curated("displacement").copy()
    codes = _check_provinces(df, source=str(_curated_path("displacement")))
    mismatch = df["admin1_code"].notna() & codes.notna() & (df["admin1_code"] != codes)
    if mismatch.any():
        problems = Problems(str(_curated_path("displacement")))
        for pos in np.flatnonzero(mismatch.to_numpy()):
            problems.add(
                f"admin1 {df['admin1'].iloc[pos]!r} is {codes.iloc[pos]}, not {df['admin1_code'].iloc[pos]}",
                row=int(pos) + 2,
                column="admin1_code",
            )
        problems.raise_if_any()
    df["admin1_code"] = df["admin1_code"].fillna(codes)
    return df


def timeline() -> pd.DataFrame:
    """Key dates (skirmishes, ceasefires, accords, closures, crackdowns), sorted by date.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> first = datasets.timeline().iloc[0]
    >>> str(first['date'].date()) <= '2025-05-28'
    True
    """
    return _curated("timeline").sort_values("date", kind="stable").reset_index(drop=True)


def tallies() -> pd.DataFrame:
    """Casualty tallies by phase, side and category, each with its date and who reported it.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> tallies = datasets.tallies()
    >>> {'THA', 'KHM'} <= set(tallies['side'])
    True
    """
    return _curated("tallies").copy()


def scam_figures() -> pd.DataFrame:
    """Published figures on the scam economy (losses, people held, compounds, raids, sanctions).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> figures = datasets.scam_figures()
    >>> 'losses' in set(figures['indicator'])
    True
    """
    return _curated("scam_figures").copy()


def sources() -> pd.DataFrame:
    """Every source cited by the curated tables, once.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_url``, ``publisher``, ``source_date``, ``tables``
        (which tables cite it) and ``rows`` (how many rows).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> cited = datasets.sources()
    >>> cited.columns.tolist(), cited['source_url'].is_unique
    (['source_url', 'publisher', 'source_date', 'tables', 'rows'], True)
    """
    parts = []
    for name in CURATED:
        df = _curated(name)
        publisher = "source" if "source" in df.columns else "publisher"
        for url_col in ("source_url", "source_url_2", "damage_source_url", "coord_source"):
            if url_col not in df.columns:
                continue
            first = {"source_url": (publisher, "source_date")}
            first["coord_source"] = ("coord_publisher", "coord_source_date")
            who, when = first.get(url_col, (None, None))
            part = pd.DataFrame(
                {
                    "source_url": df[url_col],
                    "publisher": df[who] if who in df.columns else pd.NA,
                    "source_date": df[when] if when in df.columns else pd.NaT,
                    "table": name,
                }
            ).dropna(subset=["source_url"])
            parts.append(part)
    allp = pd.concat(parts, ignore_index=True)
    grouped = allp.groupby("source_url", sort=True).agg(
        publisher=("publisher", "first"),
        source_date=("source_date", "min"),
        tables=("table", lambda s: ", ".join(sorted(set(s)))),
        rows=("table", "size"),
    )
    return grouped.reset_index()


_DATE_COLUMNS = {
    "events": "event_date",
    "sites": "damage_date",
    "displacement": "as_of",
    "timeline": "date",
    "tallies": "as_of",
    "scam_figures": "source_date",
    "gazetteer": "coord_source_date",
}


def catalogue(tables: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per curated table: rows, columns, date coverage, sources and licence.

    Parameters
    ----------
    tables : list of str, optional
        Curated table names (default: all six).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> cat = datasets.catalogue().set_index("table")
    >>> int(cat.loc["events", "rows"]), int(cat.loc["tallies", "rows"])
    (205, 108)
    """
    names = (
        check_choices(
            list(tables) if tables is not None else list(CURATED), list(CURATED), name="tables"
        )
        or []
    )
    rows = []
    for name in names:
        df = _curated(name)
        dates = df[_DATE_COLUMNS[name]].dropna()
        rows.append(
            {
                "table": name,
                "rows": len(df),
                "columns": len(df.columns),
                "what a row is": CURATED[name].description,
                "first date": dates.min().date() if len(dates) else None,
                "last date": dates.max().date() if len(dates) else None,
                "distinct sources": df[
                    "coord_source" if name == "gazetteer" else "source_url"
                ].nunique(),
                "licence": "CC BY 4.0 (scamgeo); facts from the cited reports",
            }
        )
    return pd.DataFrame(rows)


def data_dictionary(tables: Iterable[str] | None = None) -> pd.DataFrame:
    """The documented columns of the curated tables (table, column, type, allowed values, description).

    Parameters
    ----------
    tables : list of str, optional
        Curated table names (default: all).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> cols = datasets.data_dictionary(['sites'])
    >>> cols['table'].unique().tolist(), 'site_id' in set(cols['column'])
    (['sites'], True)
    """
    from .schema import schema_table

    names = (
        check_choices(
            list(tables) if tables is not None else list(CURATED), list(CURATED), name="tables"
        )
        or []
    )
    parts = [schema_table(CURATED[n]).assign(table=n) for n in names]
    out = pd.concat(parts, ignore_index=True)
    return out[["table", *[c for c in out.columns if c != "table"]]]


def reference_provenance() -> pd.DataFrame:
    """Where the reference geography comes from: dataset, package, version, licence, credit.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> prov = datasets.reference_provenance()
    >>> 'Made with Natural Earth' in ' '.join(prov['credit'].dropna())
    True
    """
    import json

    prov = json.loads(_reference_path("PROVENANCE.json").read_text(encoding="utf-8"))
    rows = [
        {k: src.get(k) for k in ("dataset", "package", "version", "licence", "credit")}
        for src in prov["sources"]
    ]
    out = pd.DataFrame(rows)
    out["built"] = prov.get("built")
    return out
