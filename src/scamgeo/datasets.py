"""The embedded data: reference geography and the curated, sourced tables.

Every function returns a *new* frame (callers may modify it freely) in
EPSG:4326. Reference geography (``countries``, ``provinces``, ``border``,
``places``) is built by ``scripts/build_reference.py`` from Natural Earth
(public domain), OpenStreetMap (ODbL, the Thailand–Cambodia border and 8 km
either side of it) and GeoNames (CC BY 4.0); the curated tables (``events``,
``sites``, ``displacement``, ``timeline``, ``tallies``, ``scam_figures``) are
hand-curated from public reporting, every row with its source. See
``data/README.md`` for the data dictionary.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _balance, _catalogue, _figures, _record, _status, config
from ._combine import combine_events
from ._curated import curated as _curated
from ._curated import curated_path as _curated_path
from ._curated import read_table, sorted_timeline
from ._errors import ParameterError
from ._inputs import geometry_of
from ._reference import (
    _reference_path,
    border,
    borders,
    countries,
    find_province,
    places,
    province_code,
    province_names,
    provinces,
)
from ._validate import Problems, check_choices, closest, guard_public
from .schema import CURATED, SITE_KINDS
from .vocab import match_name, suggest_names

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
    "site_history",
    "site_status",
    "site_spellings",
    "sites",
    "source_balance",
    "sources",
    "tallies",
    "timeline",
]

# --- curated tables ----------------------------------------------------------


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
        If a point lies on the wrong side of the border (more than 0.5 km inside
        the other country) or a disputed place lies far from the line.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> places = datasets.gazetteer()
    >>> len(places)
    107
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
    (216, 'EPSG:4326')
    >>> str(ev["event_date"].min().date()), str(ev["event_date"].max().date())
    ('2025-05-28', '2026-02-27')
    >>> ev["event_type"].value_counts().head(2).to_dict()
    {'Explosions/Remote violence': 110, 'Battles': 59}
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
    (204, 216)
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
    tallies: str | Path | None = None,
    displacement: str | Path | None = None,
    scam_figures: str | Path | None = None,
    site_status: str | Path | None = None,
) -> dict[str, int]:
    """Check (copies of) the curated tables against the record's placement and counting rules.

    Parameters
    ----------
    events, sites, gazetteer, tallies, displacement, scam_figures, site_status : str or Path, optional
        CSV files to check instead of the embedded tables.

    Returns
    -------
    dict
        Rows checked per table.

    Raises
    ------
    SchemaError
        Naming every row that breaks a rule. Placement: an unknown ``place_id``; a row
        that names a place and carries another point; a place whose side is not the
        row's country; a point more than 0.5 km inside the other country (unless its
        place is disputed); a gazetteer point on the wrong side. Counting: an
        incident-scope tally without an ``incident_id``, or naming an incident the
        events do not have; a figure whose notes hedge it ("nearly", "more than",
        "about", "up to", "at least") without that ``qualifier``; two rows repeating one
        figure of one counting body; a site status naming an unknown site.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> counts = datasets.check_record()
    >>> counts["events"], counts["tallies"], counts["site_status"]
    (216, 107, 64)
    """
    given = {"gazetteer": gazetteer, "events": events, "sites": sites, "tallies": tallies}
    given |= {"displacement": displacement, "scam_figures": scam_figures}
    given["site_status"] = site_status
    paths = {n: Path(p) if p is not None else _curated_path(n) for n, p in given.items()}
    counts = _placement_checked(paths)
    tables = {n: read_table(paths[n], CURATED[n]) for n in given if n != "gazetteer"}
    _figures.cross_table_problems(tables, paths).raise_if_any()
    return counts | {n: len(df) for n, df in tables.items()}


def _placement_checked(paths: dict[str, Path]) -> dict[str, int]:
    """Read the gazetteer, events and sites at ``paths`` and apply every placement rule."""
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


def sites(kind: str | Iterable[str] | None = None, *, as_of: object = None) -> gpd.GeoDataFrame:
    """Casino hubs, casinos, scam compounds, border crossings and SEZs.

    Parameters
    ----------
    kind : str or list of str, optional
        Keep only these kinds: ``casino_hub``, ``casino``, ``scam_compound``,
        ``border_crossing``, ``special_economic_zone``.
    as_of : date-like, optional
        Add ``status_as_of``: each site's statuses on that day from
        :func:`site_status` ("sanctioned; struck"), empty where none is recorded.

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
    >>> datasets.sites(as_of="2025-12-20").loc["thmor-da-casino", "status_as_of"]
    'struck'
    """
    df = _sites_table().copy()
    if kind is not None:
        df = df[df["kind"].isin(check_choices(kind, SITE_KINDS, name="kind"))]
    out = _points(df, name="sites")
    out.index = pd.Index(out["site_id"].to_numpy())  # unnamed, like provinces()
    return out if as_of is None else _status.with_status(out, _site_status_table(), as_of)


@functools.cache
def _site_status_table() -> pd.DataFrame:
    table, ids = _curated("site_status"), pd.Index(_sites_table()["site_id"])
    _status.site_problems(table, ids, source=str(_curated_path("site_status"))).raise_if_any()
    return table


def site_status() -> pd.DataFrame:
    """Each site's history: one row per site and status (:data:`scamgeo.vocab.SITE_STATUSES`).

    ``end`` is empty while a status holds at the last report; several can hold at once.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> kk = datasets.site_status().query("site_id == 'kk-park'")
    >>> kk["status"].astype(str).tolist()
    ['operating', 'cut_off', 'raided', 'emptied', 'demolished']
    """
    return _site_status_table().copy()


def site_history(site: str) -> pd.DataFrame:
    """One site's statuses in time order (by id, name or alias), for a brief's table.

    Parameters
    ----------
    site : str
        A site id, name or alias (:func:`find_site`).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> datasets.site_history("Thmor Da casino")["status"].astype(str).tolist()
    ['struck', 'struck', 'occupied']
    """
    return _status.history(_site_status_table(), find_site(site).index[0])


def source_balance(*, by: str = "publisher", fighting_only: bool = False) -> pd.DataFrame:
    """The curated events by outlet, claiming side (``by="side"``) or evidence grade (``"grade"``).

    Parameters
    ----------
    by : {"publisher", "side", "grade"}, default "publisher"
        Group the events by outlet, claiming side or evidence grade.
    fighting_only : bool, default False
        Only the fighting (:data:`scamgeo.vocab.FIGHTING_TYPES`).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> top = datasets.source_balance().iloc[0]
    >>> top["publisher"], int(top["claims"]) > 80
    ('The Nation', True)
    """
    return _balance.source_balance(_events_table(), by=by, fighting_only=fighting_only)


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

    The table every phase of the war is read from (:func:`scamgeo.stats.phases`).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> first = datasets.timeline().iloc[0]
    >>> str(first['date'].date()) <= '2025-05-28'
    True
    """
    return sorted_timeline()


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
    return _catalogue.sources_table({name: _curated(name) for name in CURATED})


def _table_names(tables: Iterable[str] | None) -> list[str]:
    chosen = list(tables) if tables is not None else list(CURATED)
    return check_choices(chosen, list(CURATED), name="tables") or []


def catalogue(tables: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per curated table: rows, columns, date coverage, sources and licence.

    Parameters
    ----------
    tables : list of str, optional
        Curated table names (default: all of them).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> cat = datasets.catalogue().set_index("table")
    >>> int(cat.loc["events", "rows"]), int(cat.loc["tallies", "rows"])
    (216, 107)
    """
    return _catalogue.catalogue_table({n: _curated(n) for n in _table_names(tables)})


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
    return _catalogue.dictionary_table(_table_names(tables))


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


# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
