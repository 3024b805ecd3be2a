"""UCDP Georeferenced Event Dataset (GED): files and API, in the common event schema.

:func:`read_ucdp_ged` reads a GED release or candidate release (CSV with or
without its header row, zipped CSV, GeoJSON, Excel, or an API reply saved as
JSON); :func:`fetch_ucdp_ged` downloads through UCDP's API with the token in
``UCDP_API_TOKEN`` and caches a dated snapshot.

Mapping onto :data:`scamgeo.schema.EVENTS`:

==================  ==========================================================
common column       from UCDP
==================  ==========================================================
event_id            ``"UCDP-" + id``
event_date          ``date_start`` (``date_end`` kept)
time_precision      ``date_prec``: 1 -> 1 (day); 2 (2–6 days) -> 2 (week);
                    3 (week known) -> 2; 4 (8–30 days, month) -> 3; 5 -> 3
event_type,         ``type_of_violence``: 1 state-based and 2 non-state ->
sub_event_type      Battles / Armed clash; 3 one-sided -> Violence against
                    civilians / Attack
actor1, actor2      ``side_a``, ``side_b``
country             ISO3 from ``country_id`` (Gleditsch–Ward: 800 THA, 811
                    KHM, 812 LAO, 775 MMR, 816 VNM, 820 MYS), else the name
admin1, admin2      ``adm_1``, ``adm_2``
location            ``where_coordinates`` (else ``adm_2``, ``adm_1``, country)
geo_precision       ``where_prec``: 1 exact -> 1; 2 within 25 km -> 2; 3
                    district -> 2; 4 province -> 3; 5 linear/large area -> 3;
                    6 country and 7 waters/airspace -> 3 (coarsest code)
fatalities          ``best`` (``low``, ``high`` and the ``deaths_*`` kept)
notes               empty (``source_headline`` kept)
source              ``source_office`` (else "UCDP GED")
source_url          UCDP's landing page (GED rows carry no article URL)
dataset             "UCDP GED"
==================  ==========================================================

``date_prec`` 3 ("only the week is known") maps to the common code 2
("within a week"), which is what it says; ``where_prec`` 6 and 7 have no
equivalent and take the coarsest code, 3.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import requests

from .._errors import DataSourceError, ParameterError, SchemaError
from ..vocab import UCDP_ATTRIBUTION, UCDP_PUBLISHER
from ._cache import find_snapshot, query_hash, snapshot_meta, write_snapshot
from ._checks import (
    Report,
    TextNeeded,
    all_distinct,
    arrow_text,
    constant,
    decimal_commas,
    map_distinct,
    text_cells,
    typed_then_text,
)
from ._events import (
    GW_CODES,
    asked_for,
    check_filters,
    country_from_name,
    describe_filters,
    filter_rows,
    finish_events,
    parse_int,
    record_left_out,
    today,
)
from ._http import error_for, request, safe_url
from ._leftout import LeftOut, structural_rows
from ._raw import Source, describe, first_record, load_raw
from ._tables import parse_dates, to_frame

__all__ = [
    "UCDP_API_URL",
    "UCDP_COLUMNS",
    "UCDP_GED_VERSION",
    "UcdpClient",
    "fetch_ucdp_ged",
    "read_ucdp_ged",
]

logger = logging.getLogger(__name__)

#: The 49 columns of UCDP GED, in UCDP's order (also the order of headerless candidate files).
UCDP_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude",
    "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
    "high", "low", "gwnoa", "gwnob",
)  # fmt: skip

_REQUIRED = (
    "id", "type_of_violence", "side_a", "side_b", "where_prec", "latitude", "longitude", "country",
    "country_id", "date_prec", "date_start", "best",
)  # fmt: skip

_INT_COLUMNS = (
    "id", "year", "type_of_violence", "conflict_dset_id", "conflict_new_id", "dyad_dset_id",
    "dyad_new_id", "side_a_dset_id", "side_a_new_id", "side_b_dset_id", "side_b_new_id",
    "number_of_sources", "where_prec", "priogrid_gid", "country_id", "event_clarity", "date_prec",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
)  # fmt: skip

#: where_prec -> common geo_precision (see the module docstring).
WHERE_PREC = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}

#: date_prec -> common time_precision (see the module docstring).
DATE_PREC = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3}

#: type_of_violence -> (event_type, sub_event_type).
VIOLENCE = {
    1: ("Battles", "Armed clash"),
    2: ("Battles", "Armed clash"),
    3: ("Violence against civilians", "Attack"),
}

#: UCDP's API (``<UCDP_API_URL>/gedevents/<version>``).
UCDP_API_URL = "https://ucdpapi.pcr.uu.se/api"

#: Default GED version of the API (candidate releases: e.g. "25.0.10").
UCDP_GED_VERSION = "25.1"

#: Landing page used as ``source_url``.
UCDP_URL = "https://ucdp.uu.se/"


TOKEN_VAR = "UCDP_API_TOKEN"
AUTH_HINT = (
    f"Set {TOKEN_VAR} to the access token UCDP gave you (request one as the API documentation "
    "at https://ucdp.uu.se/apidocs/ explains)."
)
_WHAT = "UCDP API"

_ACLED_SIGNS = {"event_id_cnty", "sub_event_type", "inter1", "geo_precision", "disorder_type"}


def _header_or_names(raw: Any) -> list[str] | None:
    """None if the CSV has a header row; else UCDP's 49 names for a headerless file."""
    if raw.kind != "csv":
        return None
    first = [c.strip().lower().lstrip("\ufeff") for c in first_record(raw)]
    if {"id", "relid"} <= set(first) or "type_of_violence" in first:
        return None
    if len(first) == len(UCDP_COLUMNS) and first[0].replace(".", "", 1).isdigit():
        logger.info("%s: no header row; using UCDP GED's 49 column names", raw.name)
        return list(UCDP_COLUMNS)
    return None


def _check_layout(frame: pd.DataFrame, *, source: str, headerless: bool) -> pd.DataFrame:
    frame = frame.rename(columns={c: c.lower() for c in frame.columns if c.lower() in UCDP_COLUMNS})
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if not missing:
        return frame
    cols = {c.lower() for c in frame.columns}
    if len(cols & _ACLED_SIGNS) >= 3:
        raise DataSourceError(
            f"{source}: this is not a UCDP GED file; it looks like an ACLED export: read it with "
            "scamgeo.io.read_acled()."
        )
    found = cols & set(UCDP_COLUMNS)
    if len(found) < 3 and not headerless:
        n = len(frame.columns)
        raise DataSourceError(
            f"{source}: not a UCDP GED file: none of its columns were found, and the first row "
            f"has {n} fields (a candidate release without a header row has {len(UCDP_COLUMNS)}). "
            f"Expected UCDP GED's columns: {', '.join(UCDP_COLUMNS)}."
        )
    raise SchemaError(
        f"{source}: missing required UCDP GED column(s) {', '.join(missing)}. "
        f"UCDP GED has the columns {', '.join(UCDP_COLUMNS)}.",
        problems=[f"missing column {c}" for c in missing],
        source=source,
    )


def _attribution(name: str, raw_path: Any, filters: Mapping[str, Any]) -> dict[str, Any]:
    meta = snapshot_meta(raw_path)
    if meta and meta.get("dataset") == "UCDP GED":
        out = {
            k: meta.get(k)
            for k in (
                "dataset",
                "access_date",
                "query",
                "endpoint",
                "sha256",
                "row_count",
                "version",
            )
        }
        text = meta.get("attribution") or ""
    else:
        out = {"dataset": "UCDP GED", "access_date": None}
        text = f"Source: {UCDP_ATTRIBUTION}; file {os.path.basename(name)}"
    out.update(publisher=UCDP_PUBLISHER, url=UCDP_URL, file=name, licence="CC BY 4.0")
    applied = describe_filters(filters)
    out["filters"] = applied
    if applied != "none":
        text = f"{text.rstrip('.')}; filtered by scamgeo: {applied}"
    out["text"] = text.rstrip(".") + "."
    return out


def read_ucdp_ged(
    path_or_buffer: Source,
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
    type_of_violence: int | Iterable[int] | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    member: str | None = None,
    warn: bool = True,
) -> gpd.GeoDataFrame:
    """Read UCDP GED events into the common event schema.

    Parameters
    ----------
    path_or_buffer : str, Path or file-like
        A GED file: CSV (a release with its header, or a candidate release
        without one), zipped CSV, GeoJSON, Excel, or a saved API reply.
        Opened read-only, never rewritten.
    countries : str or list of str, optional
        ISO3 codes to keep.
    start, end : str or date-like, optional
        First and last ``date_start`` to keep.
    event_types : str or list of str, optional
        Common event types to keep ("Battles", "Violence against civilians").
    min_geo_precision : {1, 2, 3}, optional
        Keep events located at least this precisely (common code <= value).
    type_of_violence : int or list of int, optional
        UCDP's types to keep: 1 state-based, 2 non-state, 3 one-sided.
    encoding, sheet, member
        Text encoding, Excel sheet, and CSV inside a zip with several.
    warn : bool, default True
        Warn (:class:`RowsLeftOut`) when rows are left out; ``False``: the
        counts are only in ``.attrs["source"]`` (see :func:`read_acled`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`scamgeo.schema.EVENTS`, ``admin1_code``, ``dataset``
        ("UCDP GED"), then UCDP's own columns (``best``, ``low``, ``high``, the
        ``deaths_*``, ``date_end``, ``where_prec``, ``date_prec``, ...; UCDP's
        ``country`` and ``source_date`` become ``ucdp_country`` and
        ``ucdp_source_date``), points in EPSG:4326. The mapping is in the
        module docstring. ``.attrs["attribution"]`` credits UCDP.

    Raises
    ------
    DataSourceError
        Missing, empty or undecodable file, or a file that is not GED (e.g. an
        ACLED export).
    SchemaError
        Every missing required column, or the bad cells (unparseable date,
        coordinates out of range or swapped, unknown codes, an empty ``best``,
        which GED never leaves empty: an incomplete record), one line per
        kind with its count, rows and column.

    Warns
    -----
    RowsLeftOut
        One warning counting every row left out, by reason: a country scamgeo
        does not cover, no country at all (``country`` and ``country_id``
        empty), outside ``countries=``, the ``start``/``end`` period or
        ``type_of_violence=`` (left out before they are checked), exact
        duplicates, other filters, HDX's HXL hashtag row, header rows
        repeated inside the file, a last record cut short. Also in
        ``.attrs["source"]["left_out"]`` (first file rows in
        ``["left_out_detail"]``).
    UserWarning
        When coordinates use decimal commas.
    """
    filters = check_filters(
        countries=countries,
        start=start,
        end=end,
        event_types=event_types,
        min_geo_precision=min_geo_precision,
    )
    violence = _violence(type_of_violence)
    name = describe(path_or_buffer)
    raw = load_raw(path_or_buffer, encoding=encoding, member=member, expected="a UCDP GED file")
    attribution = _attribution(name, raw.path, {**filters, "type_of_violence": violence})
    # numbers parsed by pyarrow first; the text if a cell is bad
    (events, records), left = typed_then_text(
        lambda left, numbers: _events(
            raw,
            left,
            numbers,
            sheet=sheet,
            filters=filters,
            violence=violence,
            attribution=attribution,
        ),  # fmt: skip
        _NUMBERS,
        raw.name,
        warn=warn,
    )
    events = filter_rows(events, left, filters, "event_types= or min_geo_precision=")
    if warn:
        left.warn(stacklevel=2)
    record_left_out(events, left, records=records)
    logger.info("read %d UCDP GED events from %s", len(events), raw.name)
    return events


def _events(
    raw: Any,
    left: LeftOut,
    numbers: tuple[str, ...],
    *,
    sheet: str | int | None,
    filters: dict[str, Any],
    violence: list[int] | None,
    attribution: dict[str, Any],
) -> tuple[gpd.GeoDataFrame, int]:
    """Steps 1 to 4 and the schema's checks: the events and the file's records.

    With ``numbers``, a large CSV's number columns come parsed by pyarrow;
    whenever a cell must be named or rows compared cell for cell,
    :class:`TextNeeded` asks for the text parse (as in :func:`read_acled`).
    """
    frame, lines, records = _ged_rows(raw, sheet=sheet, left=left, numbers=numbers)
    typed = bool(frame.attrs.get("typed"))
    report = Report(raw.name)
    try:
        frame, lines, start_dates, country = _ged_asked_for(
            frame, lines, filters=filters, violence=violence, left=left, typed=typed
        )
        ints, end_dates = _ged_cells(frame, lines, start_dates, report)
        common = _ged_common(frame, ints, start_dates, country, source=raw.name)
        extra = frame.drop(columns=["latitude", "longitude"]).rename(
            columns={"country": "ucdp_country", "source_date": "ucdp_source_date"}
        )
        for col, values in ints.items():
            extra[col] = values
        extra["date_start"] = start_dates
        if end_dates is not None:
            extra["date_end"] = end_dates
        events = finish_events(
            common,
            source=raw.name,
            lines=lines,
            dataset="UCDP GED",
            attribution=attribution,
            report=report,
            extra=extra,
            same_cell=_SAME_CELL,
            distinct_ids=typed and bool(frame.attrs.get("ids_distinct")),
        )
    except SchemaError:
        if typed:
            raise TextNeeded from None
        raise
    return events, records


#: GED's columns parsed as numbers by pyarrow when the file allows (``country_id`` stays
#: text: it names the rows of countries scamgeo does not cover).
_NUMBERS = tuple(c for c in _INT_COLUMNS if c != "country_id") + ("latitude", "longitude")


#: Common column -> the GED column it comes from (a bad GED cell is reported once).
_SAME_CELL = {
    "event_date": "date_start",
    "time_precision": "date_prec",
    "event_type": "type_of_violence",
    "sub_event_type": "type_of_violence",
    "geo_precision": "where_prec",
    "fatalities": "best",
    "event_id": "id",
    "country": "country_id",
}


def _violence(type_of_violence: int | Iterable[int] | None) -> list[int] | None:
    """``type_of_violence=`` as a list, checked (ParameterError naming the allowed codes)."""
    if type_of_violence is None:
        return None
    violence = [type_of_violence] if isinstance(type_of_violence, int) else list(type_of_violence)
    bad = [v for v in violence if v not in VIOLENCE]
    if bad:
        raise ParameterError(
            f"type_of_violence has unknown value(s) {bad}. Allowed: 1 (state-based), 2 "
            "(non-state), 3 (one-sided)."
        )
    return violence


def _ged_rows(
    raw: Any, *, sheet: str | int | None, left: LeftOut, numbers: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Step 1: the file's records as text, their file lines, and how many records it holds.

    A headerless candidate release gets UCDP's 49 names; an HXL hashtag row
    (HDX's copies), repeated headers and a cut last record are counted in ``left``.
    ``numbers``: columns pyarrow may parse as numbers (see :func:`to_frame`).
    """
    names = _header_or_names(raw)
    frame = to_frame(raw, names=names, sheet=sheet, left=left, numbers=numbers)
    records = int(frame.attrs.get("records", len(frame)))
    typed = frame.attrs.get("typed", False)
    frame = _check_layout(frame, source=raw.name, headerless=names is not None)
    offset = 1 if (names is not None or raw.kind in ("json", "geo")) else 2
    lines = np.arange(len(frame)) + offset
    skip = structural_rows(frame, lines, left)
    if skip.any():
        frame, lines = frame[~skip].reset_index(drop=True), lines[~skip]
    frame.attrs["typed"] = typed
    return frame, lines, records


def _ged_asked_for(
    frame: pd.DataFrame,
    lines: np.ndarray,
    *,
    filters: dict[str, Any],
    violence: list[int] | None,
    left: LeftOut,
    typed: bool = False,
) -> tuple[pd.DataFrame, np.ndarray, pd.Series, pd.Series]:
    """Step 2: the rows asked for (country, period, violence type, no exact duplicate).

    Decided before any cell is checked; every row left out is counted in ``left``.
    Returns the rows, their lines, their ``date_start`` and ISO3 country. Raises
    :class:`TextNeeded` when ``typed`` rows share an id (their cells are compared as text).
    """
    country_id = parse_int(frame["country_id"])
    names = text_cells(frame["country"])
    country = map_distinct(country_id, GW_CODES.get)
    if country.hasnans:
        country = country.fillna(country_from_name(names))
    no_country = (country_id.isna() & names.isna()).to_numpy(dtype=bool)
    left.add(no_country, "with no country at all (country and country_id empty)", lines=lines)
    start_dates = parse_dates(frame["date_start"])
    keep = asked_for(
        country,
        start_dates,
        filters,
        left,
        labels=(
            names.fillna("country_id " + frame["country_id"].astype("string"))
            if names.hasnans
            else names
        ),
        lines=lines,
        no_country=no_country,
        dated="with date_start",
    )
    if violence is not None:
        tov = parse_int(frame["type_of_violence"])
        other = keep & ~tov.isin(violence).fillna(False).to_numpy(dtype=bool)
        left.add(other, f"outside type_of_violence={violence}", lines=lines)
        keep &= ~other
    ids = frame["id"]
    shared = np.zeros(len(frame), dtype=bool)
    frame.attrs["ids_distinct"] = all_distinct(ids)
    if not frame.attrs["ids_distinct"]:
        shared = (ids.duplicated(keep=False) & ids.notna()).to_numpy(dtype=bool) & keep
    if shared.any():
        if typed:
            raise TextNeeded
        repeat = np.zeros(len(frame), dtype=bool)
        repeat[np.flatnonzero(shared)[frame[shared].duplicated(keep="first").to_numpy()]] = True
        left.add(repeat, "exact duplicates of an earlier row (same id, same cells)", lines=lines)
        keep &= ~repeat
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
        start_dates = start_dates[keep].reset_index(drop=True)
        country = country[keep].reset_index(drop=True)
        lines = lines[keep]
    return frame, lines, start_dates, country


def _ged_cells(
    frame: pd.DataFrame, lines: np.ndarray, start_dates: pd.Series, report: Report
) -> tuple[dict[str, pd.Series], pd.Series | None]:
    """Step 3: GED's codes parsed and checked (problems to ``report``); its end dates."""
    ints = {c: parse_int(frame[c]) for c in _INT_COLUMNS if c in frame}

    def bad_cells(mask: pd.Series, column: str, what: str, *, show: bool = True) -> None:
        values = frame[column] if show else None
        report.add(mask, column=column, what=what, lines=lines, values=values)

    for col in ("id", "type_of_violence", "where_prec", "date_prec", "best", "country_id"):
        bad_cells(ints[col].isna() & frame[col].notna(), col, "is not a whole number")
    bad_cells(frame["id"].isna(), "id", "is empty; every GED event has an id", show=False)
    bad_cells(
        frame["best"].isna(),
        "best",
        "is empty, but GED always gives a best estimate of deaths: the record is incomplete "
        "(is the file cut short, or a column missing in this row?); download the file again",
        show=False,
    )
    for col, codes, what in (
        ("type_of_violence", VIOLENCE, "is not 1 (state-based), 2 (non-state) or 3 (one-sided)"),
        ("where_prec", WHERE_PREC, "is not a code 1–7"),
        ("date_prec", DATE_PREC, "is not a code 1–5"),
    ):
        bad_cells(~ints[col].isin(list(codes)) & ints[col].notna(), col, what)
    bad_cells(
        start_dates.isna() & frame["date_start"].notna(),
        "date_start",
        "is not a date; expected e.g. '2025-07-24' or '2025-07-24 00:00:00.000'",
    )
    end_dates = _end_dates(frame, start_dates) if "date_end" in frame else None
    if end_dates is not None:
        bad_cells(end_dates.isna() & frame["date_end"].notna(), "date_end", "is not a date")
    return ints, end_dates


def _end_dates(frame: pd.DataFrame, start_dates: pd.Series) -> pd.Series:
    """``date_end`` parsed; where every cell is written as its ``date_start`` (events of one
    day), the start dates (parsed cell by cell, the same text gives the same date)."""
    start, end = arrow_text(frame["date_start"]), arrow_text(frame["date_end"])
    if start is not None and end is not None and len(start):
        import pyarrow.compute as pc

        both_empty = pc.and_(pc.is_null(start), pc.is_null(end))
        same = pc.or_(pc.fill_null(pc.equal(start, end), False), both_empty)
        if pc.all(same).as_py():
            return start_dates.copy()
    return parse_dates(frame["date_end"])


def _ged_common(
    frame: pd.DataFrame,
    ints: dict[str, pd.Series],
    start_dates: pd.Series,
    country: pd.Series,
    *,
    source: str,
) -> pd.DataFrame:
    """Step 4: the common schema's columns from GED's (mapping in the module docstring)."""
    ids = ints["id"].astype("string")
    event_id = "UCDP-" + ids
    tov = ints["type_of_violence"]
    location = frame.get("where_coordinates", constant(None, frame.index))
    for fallback in ("adm_2", "adm_1", "country"):
        if fallback in frame and location.hasnans:
            location = location.fillna(frame[fallback])
    office = frame.get("source_office", pd.Series(pd.NA, index=frame.index, dtype="object"))
    common = {
        "event_id": event_id.where(ids.notna(), frame["id"]) if ids.hasnans else event_id,
        "event_date": start_dates,
        "time_precision": map_distinct(ints["date_prec"], DATE_PREC.get, dtype="Int64"),
        "event_type": map_distinct(tov, lambda v: VIOLENCE.get(v, (None,))[0]),
        "sub_event_type": map_distinct(tov, lambda v: VIOLENCE.get(v, (None, None))[1]),
        "actor1": frame["side_a"],
        "actor2": frame["side_b"],
        "country": country,
        "admin1": frame.get("adm_1"),
        "admin2": frame.get("adm_2"),
        "location": location,
        "latitude": decimal_commas(frame["latitude"], column="latitude", source=source),
        "longitude": decimal_commas(frame["longitude"], column="longitude", source=source),
        "geo_precision": map_distinct(ints["where_prec"], WHERE_PREC.get, dtype="Int64"),
        "fatalities": ints["best"],
        "notes": constant(None, frame.index),
        "source": office.fillna("UCDP GED") if office.hasnans else office,
        "source_url": constant(UCDP_URL, frame.index),
        "source_date": constant(None, frame.index),
    }
    return pd.DataFrame(common, index=frame.index, copy=False)


class UcdpClient:
    """Access to UCDP's API with a token, following pages.

    Parameters
    ----------
    token : str, optional
        Default from ``UCDP_API_TOKEN``; sent in the ``x-ucdp-access-token``
        header, only to the API's own host, never logged or saved.
    base_url : str
        API root (tests point it at a local server).
    page_size : int, default 1000
        Rows per page (UCDP's ``pagesize``; 1000 is its maximum).
    timeout_s, max_retries, backoff_s, session
        As in :class:`scamgeo.io.AcledClient`.
    max_pages : int, default 10000
        Most pages :meth:`fetch` follows for one query; past it a
        :class:`~scamgeo.DataSourceError` asks for a narrower query.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str = UCDP_API_URL,
        page_size: int = 1000,
        timeout_s: float | tuple[float, float] | None = None,
        max_retries: int | None = None,
        backoff_s: float | None = None,
        session: requests.Session | None = None,
        max_pages: int = 10_000,
    ) -> None:
        if int(page_size) <= 0:
            raise ParameterError(f"page_size must be > 0, got {page_size!r}.")
        self._token = token
        self.base_url = base_url.rstrip("/")
        self.page_size = int(page_size)
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.session = session or requests.Session()
        self.max_pages = max_pages

    def __repr__(self) -> str:
        return f"UcdpClient(base_url={self.base_url!r}, page_size={self.page_size})"

    def _secret(self) -> str:
        token = self._token or os.environ.get(TOKEN_VAR)
        if not token:
            raise DataSourceError(f"{_WHAT}: no access token. {AUTH_HINT}")
        return token

    def fetch(self, version: str, query: Mapping[str, Any]) -> pd.DataFrame:
        """Every GED event of ``version`` matching ``query``, all pages.

        Parameters
        ----------
        version : str
            GED version, e.g. "25.1" or a candidate release such as "25.0.10".
        query : dict
            UCDP filters (``Country``, ``StartDate``, ``EndDate``, ``TypeOfViolence``).
        """
        token = self._secret()
        host = urlsplit(self.base_url).netloc
        url: str = f"{self.base_url}/gedevents/{version}"
        params: dict[str, Any] | None = {**query, "pagesize": self.page_size, "page": 0}
        rows: list[dict[str, Any]] = []
        tries = (self.max_retries if self.max_retries is not None else 4) + 1
        for page in range(self.max_pages):
            if urlsplit(url).netloc != host:
                raise DataSourceError(
                    f"{_WHAT}: the next page points to another host ({safe_url(url)}); stopped."
                )
            response = request(
                self.session,
                "GET",
                url,
                what=_WHAT,
                params=params,
                headers={"x-ucdp-access-token": token},
                timeout=self.timeout_s,
                max_retries=self.max_retries,
                backoff_s=self.backoff_s,
            )
            with response:
                if response.status_code != 200:
                    raise error_for(
                        response, what=_WHAT, auth_hint=AUTH_HINT, secrets=[token], tries=tries
                    )
                try:
                    body = response.json()
                except ValueError:
                    raise DataSourceError(
                        f"{_WHAT}: page {page} from {safe_url(url)} is not JSON."
                    ) from None
            result = body.get("Result") if isinstance(body, dict) else None
            if not isinstance(result, list):
                raise DataSourceError(
                    f"{_WHAT}: page {page} has no 'Result' list; did the API change?"
                )
            rows.extend(result)
            total_pages = int(body.get("TotalPages") or 0)
            logger.info("%s: page %d of %d, %d rows", _WHAT, page + 1, total_pages, len(result))
            next_url = body.get("NextPageUrl") or None
            if not next_url or page + 1 >= total_pages or not result:
                return pd.DataFrame.from_records(rows)
            url, params = next_url, None
        raise DataSourceError(f"{_WHAT}: more than {self.max_pages} pages; narrow the query.")


def ucdp_query(
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    type_of_violence: int | Iterable[int] | None = None,
) -> dict[str, Any]:
    """UCDP API filters for scamgeo's: Gleditsch–Ward codes, dates, violence types."""
    f = check_filters(countries=countries, start=start, end=end)
    gw = {v: k for k, v in GW_CODES.items()}
    query: dict[str, Any] = {}
    if f["countries"]:
        query["Country"] = ",".join(str(gw[c]) for c in f["countries"])
    if f["start"] is not None:
        query["StartDate"] = f["start"].strftime("%Y-%m-%d")
    if f["end"] is not None:
        query["EndDate"] = f["end"].strftime("%Y-%m-%d")
    if type_of_violence is not None:
        kinds = [type_of_violence] if isinstance(type_of_violence, int) else list(type_of_violence)
        if any(k not in VIOLENCE for k in kinds):
            raise ParameterError(f"type_of_violence={type_of_violence!r}: allowed 1, 2, 3.")
        query["TypeOfViolence"] = ",".join(str(k) for k in kinds)
    return query


def fetch_ucdp_ged(
    *,
    version: str = UCDP_GED_VERSION,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    type_of_violence: int | Iterable[int] | None = None,
    event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
    refresh: bool = False,
    client: UcdpClient | None = None,
) -> gpd.GeoDataFrame:
    """Download GED events through UCDP's API (or reuse the snapshot of the same query).

    Parameters
    ----------
    version : str, default :data:`UCDP_GED_VERSION`
        GED version; recent months are in candidate releases (e.g. "25.0.10").
    countries, start, end, type_of_violence
        Sent to the API as ``Country`` (Gleditsch–Ward codes), ``StartDate``,
        ``EndDate``, ``TypeOfViolence``.
    event_types, min_geo_precision
        Applied after download, as in :func:`read_ucdp_ged`.
    refresh : bool, default False
        Download even if a snapshot of this query exists.
    client : UcdpClient, optional
        A configured client (default: token from ``UCDP_API_TOKEN``).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_ucdp_ged`, read from the snapshot
        (``config.cache_dir/ucdp/<date>-<hash>.csv`` with its ``.json``).

    Raises
    ------
    DataSourceError
        No token, HTTP 401/403 (naming ``UCDP_API_TOKEN``), or errors that
        outlast the retries.
    """
    query = {
        "version": str(version),
        **ucdp_query(countries=countries, start=start, end=end, type_of_violence=type_of_violence),
    }
    snapshot = None if refresh else find_snapshot("ucdp", query)
    if snapshot is None:
        client = client or UcdpClient()
        api_query = {k: v for k, v in query.items() if k != "version"}
        frame = client.fetch(str(version), api_query)
        if frame.empty and not len(frame.columns):
            frame = pd.DataFrame(columns=list(UCDP_COLUMNS))
        access_date = today()
        attribution = (
            f"Source: {UCDP_ATTRIBUTION}, version {version}. Data accessed {access_date} through the "
            f"UCDP API; filters: {describe_filters(api_query)}. Licence: CC BY 4.0."
        )
        snapshot = write_snapshot(
            "ucdp",
            frame,
            query=query,
            access_date=access_date,
            accessed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            attribution=attribution,
            dataset="UCDP GED",
            endpoint=safe_url(f"{client.base_url}/gedevents/{version}"),
            extra={"version": str(version), "query_hash": query_hash(query)},
        )
        logger.info("UCDP: %d rows saved to %s", len(frame), snapshot)
    else:
        logger.info("UCDP: using the snapshot %s (pass refresh=True to download again)", snapshot)
    events = read_ucdp_ged(snapshot, event_types=event_types, min_geo_precision=min_geo_precision)
    events.attrs["source"]["snapshot"] = str(snapshot)
    return events
