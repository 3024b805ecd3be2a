"""The record's geography and counting: places from the gazetteer, placement rules, incidents.

Private plumbing behind :func:`scamgeo.datasets.events`, :func:`~scamgeo.datasets.sites`,
:func:`~scamgeo.datasets.incidents` and :func:`~scamgeo.datasets.check_record`.

- :func:`locate` gives every row that names a gazetteer ``place_id`` the place's point
  and ``uncertainty_m`` (one place, one point, in every phase), and every other row an
  uncertainty of its own or one derived from its precision code, saying which in
  ``uncertainty_source``.
- :func:`placement_problems` applies the placement rules over a whole table: a point lies
  in the country its row names (or within :data:`BORDER_TOLERANCE_KM` of the border, or at
  a disputed place), a place's side agrees with its rows' country, a row's province
  agrees with its point's province at the reference resolution or its note says why.
- :func:`incident_keys` and :func:`incidents_table`: rows that describe one incident as
  claimed by each side share an ``incident_id``; counts of incidents count each once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from . import config
from ._inputs import PRECISION_UNCERTAINTY_M
from ._validate import Problems

__all__ = [
    "BORDER_TOLERANCE_KM",
    "PRECISION_UNCERTAINTY_M",
    "Sides",
    "incident_keys",
    "incidents_table",
    "one_row_per_incident",
    "locate",
    "placement_problems",
    "sides",
]

#: Radius (m) assumed for a point that has no uncertainty of its own, by ACLED
#: geo_precision: 1 the named place (~2 km), 2 near it or within its district
#: (~25 km), 3 somewhere in the province (~50 km).

#: How far (km) inside the other country a point may lie before it is refused. The
#: embedded line (OpenStreetMap's, see ``data/README.md``) lies within 0.31 km of every
#: border gate whose coordinate is stated (median 0.20 km) and within 0.24 km of an
#: independent Thai province layer along 90% of its length; 0.5 km allows for that and
#: for a stated point's own error (Prasat Don Tuan's printed coordinate, good to 0.5 km,
#: falls 0.28 km inside Cambodia). It was 3 km while the line was Natural Earth's 1:10m
#: (1-3 km off the ground). A place's side is also checked exactly: an event's country
#: must be its place's side unless the place is disputed.
BORDER_TOLERANCE_KM = 0.5

#: Sides of the Thailand–Cambodia border the rules check.
_THAI_KHMER = ("THA", "KHM")


def _missing_places(
    table: pd.DataFrame, gazetteer: pd.DataFrame, *, source: str, line_offset: int
) -> None:
    """Raise naming every row whose place_id is not in the gazetteer."""
    ids = table["place_id"].astype("string")
    unknown = ids.notna() & ~ids.isin(gazetteer.index)
    if unknown.any():
        problems = Problems(source)
        for pos in np.flatnonzero(unknown.to_numpy(dtype=bool)):
            problems.add(
                f"place_id {ids.iloc[pos]!r} is not in the gazetteer "
                "(scamgeo.datasets.gazetteer() lists the places)",
                row=int(pos) + line_offset,
                column="place_id",
            )
        problems.raise_if_any()


def _own_point_disagrees(
    table: pd.DataFrame, gazetteer: pd.DataFrame, *, source: str, line_offset: int
) -> None:
    """Raise naming rows that name a place AND carry a different point of their own."""
    has_place = table["place_id"].notna().to_numpy(dtype=bool)
    own = table[["latitude", "longitude"]].notna().all(axis=1).to_numpy(dtype=bool)
    both = np.flatnonzero(has_place & own)
    if not len(both):
        return
    places = gazetteer.loc[table["place_id"].iloc[both].astype(str)]
    dlat = np.abs(table["latitude"].iloc[both].to_numpy(float) - places["latitude"].to_numpy(float))
    dlon = np.abs(
        table["longitude"].iloc[both].to_numpy(float) - places["longitude"].to_numpy(float)
    )
    off = (dlat > 1e-5) | (dlon > 1e-5)
    if off.any():
        problems = Problems(source)
        for pos in both[off]:
            problems.add(
                f"names place {table['place_id'].iloc[pos]!r} but carries another point "
                f"({table['latitude'].iloc[pos]}, {table['longitude'].iloc[pos]}): one place has "
                "one point; leave latitude/longitude empty or drop place_id",
                row=int(pos) + line_offset,
                column="latitude",
            )
        problems.raise_if_any()


def locate(
    table: pd.DataFrame,
    gazetteer: pd.DataFrame,
    *,
    source: str,
    precision_column: str | None = "geo_precision",
    line_offset: int = 2,
) -> pd.DataFrame:
    """Fill points and uncertainties of ``table`` from the gazetteer.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with optional ``place_id``, ``latitude``, ``longitude``, ``uncertainty_m``.
    gazetteer : pandas.DataFrame
        Indexed by ``place_id`` with ``latitude``, ``longitude``, ``uncertainty_m``,
        ``side`` and ``kind``.
    source : str
        The file named in messages.
    precision_column : str, optional
        Column of ACLED precision codes used for rows with neither a place nor an
        uncertainty of their own (see :data:`PRECISION_UNCERTAINTY_M`).
    line_offset : int
        Added to row positions in messages (2: header line plus 1-based rows).

    Returns
    -------
    pandas.DataFrame
        A copy with ``latitude``, ``longitude``, ``uncertainty_m`` filled, plus
        ``place_side``, ``place_kind`` and ``uncertainty_source`` (``gazetteer``,
        ``row`` or ``precision_code``; empty where the row has no point).

    Raises
    ------
    SchemaError
        Naming every row whose ``place_id`` is unknown, or that names a place and
        carries a different point of its own.
    """
    out = table.copy()
    for col in ("place_id", "uncertainty_m"):
        if col not in out.columns:
            out[col] = pd.NA
    _missing_places(out, gazetteer, source=source, line_offset=line_offset)
    _own_point_disagrees(out, gazetteer, source=source, line_offset=line_offset)
    has_place = out["place_id"].notna().to_numpy(dtype=bool)
    ids = out.loc[has_place, "place_id"].astype(str)
    places = gazetteer.loc[ids]
    lat = out["latitude"].astype("float64").to_numpy(copy=True)
    lon = out["longitude"].astype("float64").to_numpy(copy=True)
    lat[has_place] = places["latitude"].to_numpy(float)
    lon[has_place] = places["longitude"].to_numpy(float)
    out["latitude"], out["longitude"] = lat, lon
    unc = pd.array(out["uncertainty_m"], dtype="Int64")
    how = pd.array([pd.NA] * len(out), dtype="string")
    own = ~has_place & pd.notna(unc).astype(bool)
    how[own] = "row"
    unc[has_place] = pd.array(places["uncertainty_m"].to_numpy(), dtype="Int64")
    how[has_place] = "gazetteer"
    located = np.isfinite(lat) & np.isfinite(lon)
    need = located & ~has_place & ~own
    if precision_column is not None and precision_column in out.columns and need.any():
        codes = pd.array(out[precision_column], dtype="Int64")
        derived = pd.array(
            [PRECISION_UNCERTAINTY_M.get(int(c), pd.NA) if pd.notna(c) else pd.NA for c in codes],
            dtype="Int64",
        )
        fill = need & pd.notna(derived).astype(bool)
        unc[fill] = derived[fill]
        how[fill] = "precision_code"
    out["uncertainty_m"] = unc
    out["uncertainty_source"] = how
    side = pd.array([pd.NA] * len(out), dtype="string")
    kind = pd.array([pd.NA] * len(out), dtype="string")
    side[has_place] = places["side"].astype(str).to_numpy()
    kind[has_place] = places["kind"].astype(str).to_numpy()
    out["place_side"], out["place_kind"] = side, kind
    return out


@dataclasses.dataclass(frozen=True)
class Sides:
    """The Thai and Cambodian polygons and their shared border, in the metric CRS.

    Built by :func:`sides` from the reference geography the caller loaded
    (:mod:`scamgeo.datasets` passes its own), so this module reads no file.
    """

    polygons: dict[str, Any]
    border: Any


def sides(countries: pd.DataFrame, border: pd.DataFrame) -> Sides:
    """The :class:`Sides` the placement rules check against, from countries and their border."""
    import geopandas as gpd

    polys = countries[countries["iso3"].isin(_THAI_KHMER)].set_index("iso3").geometry
    polys = gpd.GeoSeries(polys, crs=countries.crs).to_crs(config.METRIC_CRS)
    line = border.to_crs(config.METRIC_CRS).geometry.union_all()
    return Sides({iso: polys.loc[iso] for iso in _THAI_KHMER}, line)


def _side_problems(
    frame: pd.DataFrame, lines: np.ndarray, problems: Problems, *, country_col: str, sides: Sides
) -> None:
    """Points more than the tolerance inside the other country (disputed places excepted)."""
    import geopandas as gpd
    import shapely

    polys, border = sides.polygons, sides.border
    country = frame[country_col].astype("string")
    lat = frame["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lon = frame["longitude"].to_numpy(dtype=float, na_value=np.nan)
    check = (country.isin(_THAI_KHMER).fillna(False).to_numpy(dtype=bool)) & np.isfinite(lat)
    if "place_side" in frame.columns:
        check &= ~frame["place_side"].astype("string").eq("disputed").fillna(False).to_numpy(bool)
    if not check.any():
        return
    pts = gpd.GeoSeries(
        gpd.points_from_xy(lon[check], lat[check]), crs=config.GEOGRAPHIC_CRS
    ).to_crs(config.METRIC_CRS)
    pts_arr = pts.to_numpy()
    names = country[check].to_numpy()
    for iso in _THAI_KHMER:
        other = _THAI_KHMER[1 - _THAI_KHMER.index(iso)]
        mine = names == iso
        inside_other = mine & shapely.contains(polys[other], pts_arr)
        if not inside_other.any():
            continue
        km = shapely.distance(pts_arr[inside_other], border) / 1000.0
        rows = lines[check][inside_other]
        for line, dist in zip(rows, km, strict=True):
            if dist > BORDER_TOLERANCE_KM:
                problems.add(
                    f"point lies {dist:.1f} km inside {other} but the row's {country_col} is "
                    f"{iso}: place it where the source says (a disputed place may straddle)",
                    row=int(line),
                    column="latitude",
                )


def _place_side_problems(
    frame: pd.DataFrame, lines: np.ndarray, problems: Problems, *, country_col: str
) -> None:
    """A row's country must be its place's side (or the place must be disputed).

    A border crossing is one point on the line serving both sides, so a Thai checkpoint
    and the Cambodian gate facing it may name one crossing place.
    """
    if "place_side" not in frame.columns:
        return
    side = frame["place_side"].astype("string")
    country = frame[country_col].astype("string")
    crossing = frame["place_kind"].astype("string").eq("crossing").fillna(False)
    wrong = (
        side.notna() & country.notna() & side.ne("disputed") & side.ne(country) & ~crossing
    ).fillna(False)
    for pos in np.flatnonzero(wrong.to_numpy(dtype=bool)):
        problems.add(
            f"place {frame['place_id'].iloc[pos]!r} lies in {side.iloc[pos]} but the row's "
            f"{country_col} is {country.iloc[pos]}",
            row=int(lines[pos]),
            column=country_col,
        )


def placement_problems(
    frame: pd.DataFrame,
    *,
    source: str,
    sides: Sides,
    country_col: str = "country",
    line_offset: int = 2,
) -> Problems:
    """Check a located table (after :func:`locate`) against the placement rules.

    ``sides`` is the reference geography (:func:`sides`).

    Returns
    -------
    Problems
        Every row that breaks a rule, with its line and column (not yet raised).
    """
    problems = Problems(source)
    lines = np.arange(len(frame)) + line_offset
    _place_side_problems(frame, lines, problems, country_col=country_col)
    _side_problems(frame, lines, problems, country_col=country_col, sides=sides)
    return problems


def gazetteer_problems(gazetteer: pd.DataFrame, *, source: str, sides: Sides) -> Problems:
    """A gazetteer point lies on its own side (within the tolerance) and disputed places near the line."""
    import geopandas as gpd
    import shapely

    frame = gazetteer.reset_index(drop=True)
    problems = Problems(source)
    lines = np.arange(len(frame)) + 2
    _side_problems(frame.assign(place_side=pd.NA), lines, problems, country_col="side", sides=sides)
    disputed = frame["side"].astype("string").eq("disputed").fillna(False).to_numpy(bool)
    if disputed.any():
        border = sides.border
        pts = gpd.GeoSeries(
            gpd.points_from_xy(frame.loc[disputed, "longitude"], frame.loc[disputed, "latitude"]),
            crs=config.GEOGRAPHIC_CRS,
        ).to_crs(config.METRIC_CRS)
        km = shapely.distance(pts.to_numpy(), border) / 1000.0
        for line, dist in zip(lines[disputed], km, strict=True):
            if dist > 10.0:
                problems.add(
                    f"a disputed place should lie near the line, but this point is {dist:.1f} km "
                    "from the Thailand–Cambodia border",
                    row=int(line),
                    column="latitude",
                )
    return problems


def incident_keys(events: pd.DataFrame) -> pd.Series:
    """Each row's incident: its ``incident_id``, or its own ``event_id`` when it has none.

    External data (ACLED, UCDP) have no incident ids: every row is then its own incident.

    Parameters
    ----------
    events : pandas.DataFrame
        Event rows, with ``incident_id`` and ``event_id`` columns if they have
        them; without ``event_id``, a row with no incident is named by its
        position (``row-0``, ``row-1``, ...).

    Returns
    -------
    pandas.Series
        Text named ``incident_key``, on the index of ``events``.

    Examples
    --------
    >>> import pandas as pd
    >>> from scamgeo.stats import incident_keys
    >>> events = pd.DataFrame({"event_id": ["e1", "e2", "e3"], "incident_id": ["i1", "i1", None]})
    >>> incident_keys(events).tolist()
    ['i1', 'i1', 'e3']
    """
    own = events["event_id"].astype("string") if "event_id" in events.columns else None
    if own is None:
        own = pd.Series(
            [f"row-{i}" for i in range(len(events))], index=events.index, dtype="string"
        )
    if "incident_id" not in events.columns:
        return own.rename("incident_key")
    return events["incident_id"].astype("string").fillna(own).rename("incident_key")


_CLAIMANTS = ("THA", "KHM", "both", "independent", "undisputed")
_INCIDENT_COLUMNS = [
    "incident_id",
    "event_date",
    "country",
    "place_id",
    "location",
    "event_type",
    "sub_event_type",
    "n_claims",
    "claimed_by",
    "event_ids",
    *[f"{what}_{c.lower()}" for c in _CLAIMANTS for what in ("fatalities", "notes", "source_url")],
    "latitude",
    "longitude",
    "uncertainty_m",
]


def _claims_in_order(events: pd.DataFrame) -> pd.DataFrame:
    """The one rule that says which claim stands for its incident, as a sorted frame.

    Columns ``_key`` (the incident, :func:`incident_keys`), ``_pos`` (the row's
    position in ``events``) and ``_first`` (True on the incident's representative
    claim), sorted by incident, then the representative first, then date and row
    order. The representative is the incident's earliest claim that has a point
    (the earliest claim when none has one): one incident, one place, one row, in
    every count and table that folds claims.
    """
    frame = pd.DataFrame(
        {
            "_key": incident_keys(events).to_numpy(),
            "_pos": np.arange(len(events)),
            "_unlocated": ~_has_point(events),
            "_date": pd.to_datetime(events["event_date"]).to_numpy()
            if "event_date" in events.columns
            else pd.NaT,
        }
    )
    frame = frame.sort_values(["_key", "_unlocated", "_date", "_pos"], kind="stable")
    frame["_first"] = ~frame["_key"].duplicated()
    return frame.drop(columns="_unlocated")


def _has_point(events: pd.DataFrame) -> np.ndarray:
    if {"latitude", "longitude"} <= set(events.columns):
        lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(dtype=float)
        return np.isfinite(lat) & np.isfinite(lon)
    if "geometry" in events.columns:
        return (~events.geometry.isna() & ~events.geometry.is_empty).to_numpy(dtype=bool)
    return np.zeros(len(events), dtype=bool)


def _joined(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Per incident, its distinct values in claim order joined by ``"; "`` (<NA> when none)."""
    text = values.astype("string")
    pairs = pd.DataFrame({"k": keys.to_numpy(), "v": text.to_numpy()}).dropna()
    pairs = pairs.drop_duplicates()
    return pairs.groupby("k", sort=False)["v"].agg("; ".join).astype("string")


def incidents_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per incident, the claims of each side side by side.

    Columns: ``incident_id``, ``event_date`` (earliest of its rows), ``country``,
    ``place_id``, ``claimed_by`` (e.g. ``"KHM; THA"``) and ``event_ids`` (each
    incident's values in claim order), ``location``, ``event_type``,
    ``sub_event_type``, ``latitude``, ``longitude`` and ``uncertainty_m`` of its
    representative claim (the rule of :func:`one_row_per_incident`), ``n_claims``,
    and per claimant (``tha``, ``khm``, ``both``, ``independent``, ``undisputed``):
    ``fatalities_<claimant>`` (the sum of that claimant's figures, <NA> when it
    reports none), ``notes_<claimant>``, ``source_url_<claimant>``. Sorted by date,
    then incident.
    """
    if not len(events):
        return pd.DataFrame(columns=_INCIDENT_COLUMNS)
    order = _claims_in_order(events)
    rows = pd.DataFrame(events).iloc[order["_pos"].to_numpy()].reset_index(drop=True)
    keys = pd.Series(order["_key"].to_numpy())
    by_date = np.lexsort((order["_pos"].to_numpy(), order["_date"].to_numpy(), keys.to_numpy()))
    dated = rows.iloc[by_date].reset_index(drop=True)  # claims in date order, per incident
    dated_keys = keys.iloc[by_date].reset_index(drop=True)
    first = rows[order["_first"].to_numpy()].set_index(keys[order["_first"].to_numpy()].to_numpy())
    out = pd.DataFrame(index=first.index)
    out["incident_id"] = out.index.astype("string")
    out["event_date"] = pd.to_datetime(rows["event_date"]).groupby(keys.to_numpy()).min()
    claimed = rows.get("claimed_by", pd.Series(pd.NA, index=rows.index)).astype("string")
    claimed = claimed.fillna("undisputed")
    dated_claim = claimed.iloc[by_date].reset_index(drop=True)
    for col in ("country", "place_id"):
        out[col] = _joined(dated[col], dated_keys) if col in dated else pd.NA
    for col in ("location", "event_type", "sub_event_type"):
        out[col] = first[col].astype("string") if col in first else pd.NA
    out["n_claims"] = keys.value_counts().reindex(out.index).to_numpy(dtype=np.int64)
    out["claimed_by"] = _joined(dated_claim, dated_keys)
    out["event_ids"] = _joined(dated["event_id"], dated_keys)
    deaths = pd.to_numeric(rows.get("fatalities"), errors="coerce")
    for claim in _CLAIMANTS:
        mine = (claimed == claim).to_numpy(dtype=bool)
        mine_dated = (dated_claim == claim).to_numpy(dtype=bool)
        suffix = claim.lower()
        total = deaths[mine].groupby(keys[mine].to_numpy()).sum(min_count=1)
        out[f"fatalities_{suffix}"] = pd.array(total.reindex(out.index), dtype="Int64")
        for what in ("notes", "source_url"):
            out[f"{what}_{suffix}"] = _joined(dated[what][mine_dated], dated_keys[mine_dated])
    for col in ("latitude", "longitude", "uncertainty_m"):
        out[col] = first[col] if col in first else pd.NA
    out = out.reset_index(drop=True)[_INCIDENT_COLUMNS]
    return out.sort_values(["event_date", "incident_id"], kind="stable").reset_index(drop=True)


def one_row_per_incident(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with the claims of each incident folded into one row.

    The row is the incident's representative claim: its earliest claim with a
    point (the earliest claim when none has one), dated the incident's first
    day; the same rule places the incident in :func:`incidents_table`; ``fatalities`` is the highest figure any claim reports (claims about
    one incident are alternatives, never added up), missing when none reports
    one; ``n_claims`` says how many rows were folded. Rows without an
    ``incident_id`` (ACLED, UCDP) are incidents of their own. The result keeps
    the index of the rows it keeps, sorted by date.

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({
    ...     "event_id": ["a", "b", "c"], "incident_id": ["I1", "I1", None],
    ...     "event_date": pd.to_datetime(["2025-12-18", "2025-12-18", "2025-12-19"]),
    ...     "fatalities": [0, 2, None]})
    >>> one_row_per_incident(claims)[["event_id", "fatalities", "n_claims"]]
      event_id  fatalities  n_claims
    0        a           2         2
    2        c        <NA>         1
    """
    order = _claims_in_order(events)
    keys = order["_key"].to_numpy()
    first = order[order["_first"].to_numpy()]
    out = events.iloc[first["_pos"].to_numpy()].copy()
    if "event_date" in events.columns and len(out):  # the incident's first day
        earliest = order.groupby("_key", sort=False)["_date"].min()
        out["event_date"] = earliest.reindex(first["_key"]).to_numpy()
    if "fatalities" in events.columns:
        deaths = pd.to_numeric(events["fatalities"], errors="coerce").iloc[order["_pos"]]
        top = deaths.groupby(keys, sort=False).max()
        out["fatalities"] = pd.array(top.reindex(first["_key"]).to_numpy(), dtype="Int64")
    out["n_claims"] = order.groupby("_key", sort=False).size().reindex(first["_key"]).to_numpy()
    return out.sort_values("event_date", kind="stable") if len(out) else out
