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

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from ._inputs import PRECISION_UNCERTAINTY_M
from ._validate import Problems

__all__ = [
    "BORDER_TOLERANCE_KM",
    "PRECISION_UNCERTAINTY_M",
    "check_tables",
    "incident_keys",
    "incidents_table",
    "one_row_per_incident",
    "locate",
    "placement_problems",
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


@functools.cache
def _reference() -> tuple:
    """Thai and Cambodian polygons and their shared border, in the metric CRS."""
    import geopandas as gpd

    from . import datasets

    countries = datasets.countries()
    polys = countries[countries["iso3"].isin(_THAI_KHMER)].set_index("iso3").geometry
    polys = gpd.GeoSeries(polys, crs=countries.crs).to_crs(config.METRIC_CRS)
    border = datasets.border().to_crs(config.METRIC_CRS).geometry.union_all()
    return {iso: polys.loc[iso] for iso in _THAI_KHMER}, border


def _side_problems(
    frame: pd.DataFrame, lines: np.ndarray, problems: Problems, *, country_col: str
) -> None:
    """Points more than the tolerance inside the other country (disputed places excepted)."""
    import geopandas as gpd
    import shapely

    polys, border = _reference()
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
    country_col: str = "country",
    line_offset: int = 2,
) -> Problems:
    """Check a located table (after :func:`locate`) against the placement rules.

    Returns
    -------
    Problems
        Every row that breaks a rule, with its line and column (not yet raised).
    """
    problems = Problems(source)
    lines = np.arange(len(frame)) + line_offset
    _place_side_problems(frame, lines, problems, country_col=country_col)
    _side_problems(frame, lines, problems, country_col=country_col)
    return problems


def gazetteer_problems(gazetteer: pd.DataFrame, *, source: str) -> Problems:
    """A gazetteer point lies on its own side (within the tolerance) and disputed places near the line."""
    import geopandas as gpd
    import shapely

    frame = gazetteer.reset_index(drop=True)
    problems = Problems(source)
    lines = np.arange(len(frame)) + 2
    _side_problems(frame.assign(place_side=pd.NA), lines, problems, country_col="side")
    disputed = frame["side"].astype("string").eq("disputed").fillna(False).to_numpy(bool)
    if disputed.any():
        _, border = _reference()
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


def check_tables(paths: dict[str, Path]) -> dict[str, int]:
    """Read the gazetteer, events and sites at ``paths`` and apply every placement rule.

    Behind :func:`scamgeo.datasets.check_record`; returns the rows checked per table.
    """
    from .datasets import read_table
    from .schema import EVENTS, GAZETTEER, SITES

    gaz = read_table(paths["gazetteer"], GAZETTEER)
    gazetteer_problems(gaz, source=str(paths["gazetteer"])).raise_if_any()
    gaz = gaz.set_index(gaz["place_id"].to_numpy())
    counts = {"gazetteer": len(gaz)}
    for name, schema, precision in (
        ("events", EVENTS, "geo_precision"),
        ("sites", SITES, "location_precision"),
    ):
        source = str(paths[name])
        table = locate(
            read_table(paths[name], schema), gaz, source=source, precision_column=precision
        )
        placement_problems(table, source=source).raise_if_any()
        counts[name] = len(table)
    return counts


def incident_keys(events: pd.DataFrame) -> pd.Series:
    """Each row's incident: its ``incident_id``, or its own ``event_id`` when it has none.

    External data (ACLED, UCDP) have no incident ids: every row is then its own incident.
    """
    own = events["event_id"].astype("string") if "event_id" in events.columns else None
    if own is None:
        own = pd.Series(
            [f"row-{i}" for i in range(len(events))], index=events.index, dtype="string"
        )
    if "incident_id" not in events.columns:
        return own.rename("incident_key")
    return events["incident_id"].astype("string").fillna(own).rename("incident_key")


def _joined(values: pd.Series) -> str | None:
    items = [str(v) for v in values if pd.notna(v)]
    return "; ".join(dict.fromkeys(items)) if items else None


def _claim_columns(rows: pd.DataFrame, claim: str) -> dict:
    part = rows[rows["claimed_by"].astype("string").fillna("undisputed") == claim]
    deaths = pd.to_numeric(part["fatalities"], errors="coerce")
    return {
        f"fatalities_{claim.lower()}": (int(deaths.sum()) if deaths.notna().any() else pd.NA),
        f"notes_{claim.lower()}": _joined(part["notes"]),
        f"source_url_{claim.lower()}": _joined(part["source_url"]),
    }


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


def incidents_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per incident, the claims of each side side by side.

    Columns: ``incident_id``, ``event_date`` (earliest of its rows), ``country``,
    ``place_id``, ``location``, ``event_type``, ``sub_event_type`` (of the first
    row), ``n_claims``, ``claimed_by`` (e.g. ``"KHM; THA"``), ``event_ids``, and per
    claimant (``tha``, ``khm``, ``both``, ``independent``, ``undisputed``):
    ``fatalities_<claimant>``, ``notes_<claimant>``, ``source_url_<claimant>``;
    then ``latitude``, ``longitude``, ``uncertainty_m`` of the first located row.
    """
    if "claimed_by" not in events.columns:
        events = events.assign(claimed_by=pd.NA)
    keys = incident_keys(events)
    frame = pd.DataFrame(events).assign(_key=keys.to_numpy())
    frame = frame.sort_values(["_key", "event_date", "event_id"], kind="stable")
    rows = []
    for key, part in frame.groupby("_key", sort=True):
        first = part.iloc[0]
        located = part.dropna(subset=["latitude", "longitude"])
        anchor = located.iloc[0] if len(located) else first
        row = {
            "incident_id": key,
            "event_date": part["event_date"].min(),
            "country": _joined(part["country"]),
            "place_id": _joined(part["place_id"]) if "place_id" in part else None,
            "location": first["location"],
            "event_type": first["event_type"],
            "sub_event_type": first["sub_event_type"],
            "n_claims": len(part),
            "claimed_by": _joined(part["claimed_by"].astype("string").fillna("undisputed")),
            "event_ids": _joined(part["event_id"]),
        }
        for claim in _CLAIMANTS:
            row.update(_claim_columns(part, claim))
        row.update(
            {
                "latitude": anchor.get("latitude"),
                "longitude": anchor.get("longitude"),
                "uncertainty_m": anchor.get("uncertainty_m"),
            }
        )
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=_INCIDENT_COLUMNS)
    out = pd.DataFrame(rows)
    return out.sort_values(["event_date", "incident_id"], kind="stable").reset_index(drop=True)


def one_row_per_incident(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with the claims of each incident folded into one row.

    The row is the incident's earliest claim (its date is the incident's first
    day); ``fatalities`` is the highest figure any claim reports (claims about
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
    keys = incident_keys(events).to_numpy()
    frame = pd.DataFrame(events).assign(_key=keys, _pos=np.arange(len(events)))
    frame = frame.sort_values(["_key", "event_date", "_pos"], kind="stable")
    deaths = pd.to_numeric(frame["fatalities"], errors="coerce") if "fatalities" in frame else None
    first = frame.drop_duplicates("_key", keep="first").set_index("_key")
    n_claims = frame.groupby("_key", sort=False).size()
    out = events.iloc[first["_pos"].to_numpy()].copy()
    if deaths is not None:
        top = deaths.groupby(frame["_key"].to_numpy(), sort=False).max()
        out["fatalities"] = pd.array(top.reindex(first.index).to_numpy(), dtype="Int64")
    out["n_claims"] = n_claims.reindex(first.index).to_numpy()
    return out.sort_values("event_date", kind="stable") if len(out) else out
