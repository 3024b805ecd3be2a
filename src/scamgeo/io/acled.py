"""ACLED exports: event files (CSV/Excel/API JSON) and the aggregated weekly files.

:func:`read_acled` reads the 31-column ACLED layout into the common event
schema (:data:`scamgeo.schema.EVENTS`), keeping ACLED's own columns;
:func:`to_acled` writes events back in that layout; :func:`read_acled_weekly`
reads ACLED's aggregated files (events and fatalities by province and week).

ACLED's terms forbid redistributing its rows: scamgeo ships no ACLED data.
Analysts read their own export, or download through
:func:`scamgeo.io.fetch_acled` with their own account.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._errors import DataSourceError, SchemaError
from .._validate import Problems, check_choice
from ..schema import EVENT_TYPES, EVENTS
from ._checks import LeftOut, Report, decimal_commas, text_cells
from ._events import (
    COUNTRY_NAMES,
    GW_CODES,
    ISO_NUMERIC,
    check_filters,
    country_from_name,
    describe_filters,
    filter_events,
    finish_events,
    parse_int,
    period_filter,
    province_codes,
    warn_dropped,
)
from ._tables import Source, describe, load_raw, parse_date_column, parse_dates, to_frame

__all__ = [
    "ACLED_ATTRIBUTION",
    "ACLED_COLUMNS",
    "ACLED_URL",
    "ACLED_WEEKLY_COLUMNS",
    "INTER_CODES",
    "read_acled",
    "read_acled_weekly",
    "to_acled",
]

logger = logging.getLogger(__name__)

#: The 31 columns of an ACLED export, in ACLED's order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip

#: The columns of ACLED's aggregated weekly files.
ACLED_WEEKLY_COLUMNS = (
    "WEEK", "REGION", "COUNTRY", "ADMIN1", "EVENT_TYPE", "SUB_EVENT_TYPE", "EVENTS", "FATALITIES",
    "POPULATION_EXPOSURE", "DISORDER_TYPE", "ID", "CENTROID_LATITUDE", "CENTROID_LONGITUDE",
)  # fmt: skip

#: Columns read_acled needs (``country`` may be replaced by ``iso``).
_REQUIRED = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "country", "location", "latitude", "longitude", "geo_precision", "source", "fatalities",
)  # fmt: skip

#: ACLED columns that become the common column of the same name (values parsed).
_SHARED = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "admin1",
    "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
)  # fmt: skip

#: Actor type codes of older exports (``inter1``/``inter2``) and their labels in newer ones.
INTER_CODES: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

#: Landing page used as ``source_url`` (ACLED rows carry no article URL; the
#: common schema requires a URL, and ``source`` keeps ACLED's own source field).
ACLED_URL = "https://acleddata.com/"

#: How ACLED asks to be credited (the access date and filters are added to it).
ACLED_ATTRIBUTION = "Armed Conflict Location & Event Data (ACLED), https://acleddata.com"

_ORDER = {
    "Southeast Asia": ("THA", "KHM", "LAO", "MMR", "VNM", "MYS", "PHL", "IDN", "SGP"),
    "East Asia": ("CHN", "KOR", "JPN"),
    "South Asia": ("IND",),
    "North America": ("USA",),
}
_REGION = {iso: region for region, isos in _ORDER.items() for iso in isos}
_ISO3_TO_NUMERIC = {v: k for k, v in ISO_NUMERIC.items()}

_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}

_UCDP_SIGNS = {"relid", "type_of_violence", "where_prec", "date_prec", "side_a", "best"}


def _looks_like(columns: Iterable[str]) -> str | None:
    cols = {str(c).strip().lower() for c in columns}
    if len(cols & _UCDP_SIGNS) >= 3:
        return "a UCDP GED file: read it with scamgeo.io.read_ucdp_ged()"
    if {"week", "events", "admin1"} <= cols and "event_id_cnty" not in cols:
        return "an ACLED aggregated (weekly) file: read it with scamgeo.io.read_acled_weekly()"
    if {"event_id", "event_date", "source_url"} <= cols and "event_id_cnty" not in cols:
        return "a table in scamgeo's event schema: read it with scamgeo.io.load_events(path)"
    return None


#: Columns of pre-2019 exports renamed to today's names (after lower-casing).
_OLD_NAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

#: Event types of ACLED's pre-2019 layout -> (event type, sub-event type or None when the
#: old type does not say which). "Riots/Protests" is decided by the actors' inter codes.
OLD_EVENT_TYPES: dict[str, tuple[str, str | None]] = {
    "Battle-No change of territory": ("Battles", "Armed clash"),
    "Battle-Government regains territory": ("Battles", "Government regains territory"),
    "Battle-Non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "Battle-Non-state actors overtake territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "Remote violence": ("Explosions/Remote violence", None),
    "Violence against civilians": ("Violence against civilians", None),
    "Strategic development": ("Strategic developments", None),
    "Non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    "Headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
}
_RIOTS_PROTESTS = "riots/protests"


def _header_check(frame: pd.DataFrame, *, source: str) -> tuple[pd.DataFrame, str]:
    """Lower-case ACLED's column names; raise for another layout or missing columns.

    Returns the frame and, for ACLED's pre-2019 layout (no ``sub_event_type``;
    often upper-case columns, ``ALLY_ACTOR_1``, ``GWNO``), what marks it ("" for
    today's layout).
    """
    known = set(ACLED_COLUMNS) | set(_OLD_NAMES) | {"gwno", "event_id_no_cnty", "data_id", "iso3"}
    lower = {c: c.lower() for c in frame.columns if c.lower() in known and c != c.lower()}
    frame = frame.rename(columns=lower)
    old = "sub_event_type" not in frame.columns and (
        {"event_id_cnty", "event_type"} <= set(frame.columns)
    )
    marks = ""
    if old:
        signs = ["no sub_event_type"]
        if any(c.isupper() for c in lower):
            signs.append("upper-case column names")
        signs += [c.upper() for c in ("ally_actor_1", "gwno") if c in frame.columns]
        marks = ", ".join(signs)
        frame = frame.rename(columns={k: v for k, v in _OLD_NAMES.items() if k in frame.columns})
    have = set(frame.columns)
    needed = [c for c in _REQUIRED if not (old and c == "sub_event_type")]
    if old:
        needed = [c for c in needed if c != "source" or "source" in have]
    missing = [
        c for c in needed if c not in have and not (c == "country" and ({"iso", "gwno"} & have))
    ]
    if missing:
        found = have & set(ACLED_COLUMNS)
        other = _looks_like(frame.columns)
        if other and "event_id_cnty" not in have:
            raise DataSourceError(f"{source}: this is not an ACLED export; it looks like {other}.")
        if len(found) < 3:
            first = ", ".join(repr(c) for c in list(frame.columns)[:6])
            raise DataSourceError(
                f"{source}: not an ACLED export: none of ACLED's columns were found (the first row "
                f"holds {first}). Expected a header row with ACLED's columns: {', '.join(ACLED_COLUMNS)}."
            )
        shown = [f"{c} (or iso)" if c == "country" else c for c in missing]
        raise SchemaError(
            f"{source}: missing required ACLED column(s) {', '.join(shown)}. "
            f"An ACLED export has the columns {', '.join(ACLED_COLUMNS)}.",
            problems=[f"missing column {c}" for c in missing],
            source=source,
        )
    return frame, marks


def _old_types(
    frame: pd.DataFrame, report: Report, lines: np.ndarray
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Event and sub-event types of the pre-2019 layout mapped onto today's vocabulary.

    Returns (event_type, sub_event_type, where the sub-event type is unknowable).
    "Riots/Protests" becomes "Riots" when an actor is coded 5 (rioters) and
    "Protests" when one is coded 6 (protesters) and none 5; a row that says
    neither is reported. A type already in today's vocabulary is kept.
    """
    original = text_cells(frame["event_type"])
    folded = {k.casefold(): v for k, v in OLD_EVENT_TYPES.items()}
    # plain Python objects: a string array's .map (pyarrow storage) would turn tuples into text
    pairs = [folded.get(t.casefold()) if isinstance(t, str) else None for t in original]
    event_type = pd.Series(
        [v[0] if v else None for v in pairs], index=original.index, dtype="string"
    )
    sub = pd.Series([v[1] if v else None for v in pairs], index=original.index, dtype="string")
    event_type = event_type.fillna(original.where(original.isin(EVENT_TYPES)))
    codes = [parse_int(frame[c]) for c in ("inter1", "inter2") if c in frame]
    rioters = np.zeros(len(frame), dtype=bool)
    protesters = np.zeros(len(frame), dtype=bool)
    for code in codes:
        rioters |= code.eq(5).fillna(False).to_numpy(dtype=bool)
        protesters |= code.eq(6).fillna(False).to_numpy(dtype=bool)
    rp = original.str.casefold().eq(_RIOTS_PROTESTS).fillna(False).to_numpy(dtype=bool)
    event_type = event_type.mask(rp & rioters, "Riots").mask(rp & protesters & ~rioters, "Protests")
    report.add(
        rp & ~rioters & ~protesters,
        column="event_type",
        what="is an old-layout 'Riots/Protests' row whose actors (inter1, inter2) are neither "
        "rioters (5) nor protesters (6), so it cannot be told Riots or Protests",
        lines=lines,
        values=original,
    )
    unknown_sub = (event_type.notna() & sub.isna()).to_numpy(dtype=bool)
    return event_type, sub, unknown_sub


def _by_distinct(values: pd.Series, fn: Any) -> pd.Series:
    """``fn`` applied to each distinct value of ``values`` once; a ``string`` Series."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([fn(u) for u in uniques] + [None], dtype=object)
    out = table[codes]
    out[pd.isna(out)] = None
    return pd.Series(pd.array(out, dtype="string"), index=values.index)


def _code(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number == int(number) else None


def _inter_label(value: Any) -> Any:
    text = str(value).strip()
    code = _code(text) if text else None
    if code is None:
        return text or None
    return None if code == 0 else INTER_CODES.get(code, text)


def _interaction_label(value: Any) -> Any:
    text = str(value).strip()
    code = _code(text) if text else None
    if code is None:
        return text or None
    first, second = divmod(code, 10)
    a = INTER_CODES.get(first)
    if a is None:
        return str(code)
    if second == 0:
        return f"{a} only"
    b = INTER_CODES.get(second)
    return f"{a}-{b}" if b else str(code)


def _inter_labels(values: pd.Series) -> pd.Series:
    """ACLED actor-type codes as text: numeric codes (older exports) -> labels."""
    return _by_distinct(values, _inter_label)


def _interaction_labels(values: pd.Series) -> pd.Series:
    """ACLED interaction codes (e.g. 13, 60) as text ("State forces-Political militia", "Protesters only")."""
    return _by_distinct(values, _interaction_label)


def _snapshot_meta(raw_path: Path | None) -> dict[str, Any] | None:
    """Metadata written beside an API snapshot (``<name>.json``), if there is one."""
    if raw_path is None:
        return None
    meta_path = raw_path.with_suffix(".json")
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return meta if isinstance(meta, dict) else None


def _attribution(name: str, raw_path: Path | None, filters: dict[str, Any]) -> dict[str, Any]:
    meta = _snapshot_meta(raw_path)
    if meta and meta.get("dataset") == "ACLED":
        out = {
            k: meta.get(k)
            for k in ("dataset", "access_date", "query", "endpoint", "sha256", "row_count")
        }
        out.update(
            publisher="Armed Conflict Location & Event Data (ACLED)", url=ACLED_URL, file=name
        )
        text = meta.get("attribution") or ""
    else:
        out = {
            "dataset": "ACLED",
            "publisher": "Armed Conflict Location & Event Data (ACLED)",
            "url": ACLED_URL,
            "file": name,
            "access_date": None,
        }
        text = f"Source: {ACLED_ATTRIBUTION}; analyst's export {Path(name).name}"
    applied = describe_filters(filters)
    out["filters"] = applied
    if applied != "none":
        text = f"{text.rstrip('.')}; filtered by scamgeo: {applied}"
    out["text"] = text.rstrip(".") + "."
    return out


def read_acled(
    path_or_buffer: Source,
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    member: str | None = None,
    date_format: str | None = None,
) -> gpd.GeoDataFrame:
    """Read an ACLED export into the common event schema.

    Parameters
    ----------
    path_or_buffer : str, Path or file-like
        An ACLED export: CSV (from the export tool, the API, or re-saved by R or
        Excel), a zipped CSV, an Excel workbook, or an API reply saved as JSON.
        The file is opened read-only and never rewritten.
    countries : str or list of str, optional
        ISO3 codes to keep, e.g. ``["THA", "KHM"]``.
    start, end : str or date-like, optional
        First and last event date to keep (inclusive).
    event_types, sub_event_types : str or list of str, optional
        ACLED event types / sub-event types to keep.
    min_geo_precision : {1, 2, 3}, optional
        Keep events located at least this precisely (``geo_precision`` <= value).
    encoding : str, default "utf-8"
        Text encoding of a CSV; a UTF-8 byte-order mark is accepted either way.
    sheet : str or int, optional
        Sheet of an Excel workbook (default: the first).
    member : str, optional
        The CSV to read inside a zip archive holding several.
    date_format : str, optional
        A ``strftime`` layout for ``event_date`` when it is none of the forms
        recognised on their own: "16 May 2025" (exports), "2025-05-16" (API),
        "9-May-20" (a CSV re-saved by Excel), numeric dates such as
        "09/05/2020" whose day/month order is read from the whole column (a
        day above 12 decides it), and Excel serial numbers. When no form
        fits, or no cell tells the order, the error names the exact
        ``date_format=`` to pass.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`scamgeo.schema.EVENTS`, then ``admin1_code`` (ISO
        3166-2 for Thai and Cambodian provinces), ``dataset`` ("ACLED"), then
        ACLED's own columns (``event_id_cnty``, ``year``, ``disorder_type``,
        ``assoc_actor_1``, ``inter1``, ``assoc_actor_2``, ``inter2``,
        ``interaction``, ``civilian_targeting``, ``iso``, ``region``,
        ``acled_country`` (ACLED's country name), ``admin3``,
        ``source_scale``, ``tags``, ``timestamp`` and any extra column;
        an extra column whose name the schema uses is prefixed ``acled_``),
        and point geometry in EPSG:4326. ``event_id`` is ACLED's
        ``event_id_cnty``; ``source`` is ACLED's source field; ``source_url``
        is ACLED's landing page (ACLED gives no article URL); ``source_date``
        is empty. ``inter1``, ``inter2`` and ``interaction`` are always text
        ("State forces"), whether the file had numeric codes (older exports)
        or text (newer ones). ACLED's pre-2019 layout (upper-case columns,
        ``ALLY_ACTOR_1``, ``GWNO``, no ``sub_event_type``) is read too: its
        event types are mapped where ACLED's own mapping is unambiguous
        (Battle-* -> Battles with the matching sub-event type; Remote
        violence -> Explosions/Remote violence; Riots/Protests -> Riots or
        Protests by the actors' inter codes 5/6; Strategic development,
        Non-violent transfer of territory, Headquarters or base established
        -> Strategic developments), the original is kept in
        ``event_type_original``, and ``sub_event_type`` is left empty (<NA>)
        where the old type does not say which; a warning says so. ``.attrs["attribution"]`` holds the credit line
        ACLED asks for; ``.attrs["source"]`` the details (file, access date
        and query of an API snapshot).

    Raises
    ------
    DataSourceError
        Missing, empty, undecodable file, or a file that is not an ACLED export
        (the message says what it looks like, e.g. a UCDP GED file).
    SchemaError
        Listing every missing required column, or the bad cells (unparseable
        date, coordinates out of range or swapped, unknown event type), one
        line per kind of problem with its count and the first rows (the file
        line, header = 1) and column.
    ParameterError
        An unknown filter value.

    Warns
    -----
    RowsLeftOut
        One warning counting every row left out, by reason: a country
        outside :data:`scamgeo.schema.COUNTRIES` (ACLED's region files
        include e.g. Timor-Leste), no country at all, outside ``countries=``
        or the ``start``/``end`` period (these rows are left out *before*
        they are checked, so a bad row elsewhere never blocks the rows asked
        for), an exact duplicate of an earlier row, or another filter. The
        counts are also in ``.attrs["source"]["left_out"]``.
    UserWarning
        When a Thai or Cambodian province name is unknown; when the last
        record of the file is incomplete (cut mid-record; it is left out);
        when coordinates are written with decimal commas (read as such); when
        the file is in ACLED's pre-2019 layout.

    Examples
    --------
    An export of ACLED's (here the embedded events written in ACLED's layout by
    :func:`to_acled`, as a file-like object; a path works the same):

    >>> import io as _io
    >>> from scamgeo import datasets, io
    >>> export = _io.StringIO(io.to_acled(datasets.events()).to_csv(index=False))
    >>> events = io.read_acled(export, countries=["THA", "KHM"])
    >>> len(events), int((events["country"] == "THA").sum())
    (205, 143)

    A real export is read by its path:
    ``read_acled("acled_2025-12-31.csv", countries=["THA", "KHM"])``.
    """
    filters = check_filters(
        countries=countries,
        start=start,
        end=end,
        event_types=event_types,
        sub_event_types=sub_event_types,
        min_geo_precision=min_geo_precision,
    )
    name = describe(path_or_buffer)
    raw = load_raw(path_or_buffer, encoding=encoding, member=member, expected="an ACLED export")
    frame = to_frame(raw, sheet=sheet)
    frame, old_layout = _header_check(frame, source=raw.name)
    offset = 1 if raw.kind in ("json", "geo") else 2
    lines = np.arange(len(frame)) + offset
    repeated = frame["event_id_cnty"].eq("event_id_cnty").fillna(False)
    if repeated.any():  # exports concatenated with their headers
        frame, lines = frame[~repeated.to_numpy()], lines[~repeated.to_numpy()]
    frame = frame.reset_index(drop=True)
    report = Report(raw.name)
    left = LeftOut(raw.name)

    # Which rows are asked for, decided first on country and date, so that a bad
    # row outside them never blocks the rest; every row left out is counted.
    country, labels, no_country = _countries(frame)
    left.add(no_country, "with no country at all (iso and country empty)", lines=lines)
    left.add(
        country.isna().to_numpy() & ~no_country,
        "because their country is not one scamgeo covers (scamgeo.schema.COUNTRIES)",
        labels=labels,
    )
    keep = np.array(country.notna(), dtype=bool)
    if filters["countries"] is not None:
        other = keep & ~country.isin(filters["countries"]).fillna(False).to_numpy(dtype=bool)
        left.add(other, f"outside countries={filters['countries']}", labels=country)
        keep &= ~other
    dates, hint = parse_date_column(frame["event_date"], date_format=date_format, excel_serial=True)
    before, after, period = period_filter(dates, filters)
    left.add(keep & (before | after), f"dated outside {period}", lines=lines)
    keep &= ~(before | after)
    keep &= ~_exact_duplicates(frame, keep, left, lines)
    if not keep.all():
        frame, dates, country = frame[keep], dates[keep], country[keep]
        lines = lines[keep]
        frame, dates, country = (x.reset_index(drop=True) for x in (frame, dates, country))
    report.add(
        dates.isna() & frame["event_date"].notna(),
        column="event_date",
        what=f"is not a date; {hint}",
        lines=lines,
        values=frame["event_date"],
    )
    if hint:
        report.hints.append(f"event_date: {hint}.")

    common = pd.DataFrame(index=frame.index)
    common["event_id"] = frame["event_id_cnty"]
    common["event_date"] = dates
    for col in _SHARED:
        if col != "event_date":
            common[col] = frame[col] if col in frame else pd.NA
    may_be_empty = None
    if old_layout:
        event_type, sub_event_type, unknown_sub = _old_types(frame, report, lines)
        common["event_type"] = event_type
        common["sub_event_type"] = sub_event_type
        may_be_empty = {"sub_event_type": unknown_sub}
    for col in ("latitude", "longitude"):
        common[col] = decimal_commas(common[col], column=col, source=raw.name)
    common["country"] = country
    common["source_url"] = ACLED_URL
    common["source_date"] = pd.NA
    if "source" not in frame:
        common["source"] = "ACLED"

    extra = frame.drop(columns=[c for c in _SHARED if c in frame.columns])
    if "country" in extra:
        extra = extra.rename(columns={"country": "acled_country"})
    clash = set(EVENTS.names) | {"admin1_code", "dataset", "geometry"}
    extra = extra.rename(columns={c: f"acled_{c}" for c in extra.columns if c in clash})
    if old_layout:
        extra["event_type_original"] = frame["event_type"].astype("string")
    for col in ("inter1", "inter2"):
        if col in extra:
            extra[col] = _inter_labels(extra[col])
    if "interaction" in extra:
        extra["interaction"] = _interaction_labels(extra["interaction"])
    for col in ("year", "iso", "timestamp", "gwno"):
        if col in extra:
            extra[col] = parse_int(extra[col])

    try:
        events = finish_events(
            common,
            source=raw.name,
            lines=lines,
            dataset="ACLED",
            attribution=_attribution(name, raw.path, filters),
            report=report,
            extra=extra,
            may_be_empty=may_be_empty,
        )
    except SchemaError:
        left.warn(stacklevel=2)
        raise
    if old_layout:
        n_unknown = int(may_be_empty["sub_event_type"].sum()) if may_be_empty else 0
        message = (
            f"{raw.name}: ACLED's pre-2019 layout ({old_layout}): old event types were mapped "
            "onto today's (the original is kept in event_type_original); sub_event_type is "
            f"empty in {n_unknown} row(s) whose old type does not say which."
        )
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=2)
    before_n = len(events)
    events = filter_events(events, **{**filters, "countries": None, "start": None, "end": None})
    left.add_count(
        before_n - len(events), "not matching event_types=, sub_event_types= or min_geo_precision="
    )
    events = events.reset_index(drop=True)
    left.warn(stacklevel=2)
    events.attrs["source"]["left_out"] = dict(left.reasons)
    logger.info("read %d ACLED events from %s", len(events), raw.name)
    return events


def _countries(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """ISO3 of each row (from ``iso``, ``gwno`` or ``country``), labels for messages, and
    where the row names no country at all."""
    empty_int = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    iso_codes = parse_int(frame["iso"]) if "iso" in frame else empty_int
    gw_codes = parse_int(frame["gwno"]) if "gwno" in frame else empty_int
    names = (
        text_cells(frame["country"])
        if "country" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    country = iso_codes.map(ISO_NUMERIC, na_action="ignore").astype("string")
    country = country.fillna(gw_codes.map(GW_CODES, na_action="ignore").astype("string"))
    country = country.fillna(country_from_name(names))
    no_country = (iso_codes.isna() & gw_codes.isna() & names.isna()).to_numpy(dtype=bool)
    outside = country.isna().to_numpy(dtype=bool) & ~no_country
    labels = names.copy()
    if outside.any():  # labels only where a warning shows them
        labels[outside] = names[outside].fillna("iso " + iso_codes[outside].astype("string"))
    return country, labels, no_country


def _exact_duplicates(
    frame: pd.DataFrame, keep: np.ndarray, left: LeftOut, lines: np.ndarray
) -> np.ndarray:
    """Rows (among ``keep``) repeating an earlier row cell for cell (exports merged twice).

    They are left out and counted; rows sharing an id with different cells are
    reported by the schema's key check instead.
    """
    ids = frame["event_id_cnty"]
    shared = (ids.duplicated(keep=False) & ids.notna()).to_numpy(dtype=bool) & keep
    out = np.zeros(len(frame), dtype=bool)
    if shared.any():
        repeat = frame[shared].duplicated(keep="first").to_numpy(dtype=bool)
        out[np.flatnonzero(shared)[repeat]] = True
        left.add(out, "exact duplicates of an earlier row (same event_id_cnty, same cells)",
                 lines=lines)  # fmt: skip
    return out


def _column(events: pd.DataFrame, name: str, default: Any = pd.NA) -> pd.Series:
    for candidate in (name, f"acled_{name}"):
        if candidate in events.columns:
            return events[candidate]
    return pd.Series(default, index=events.index, dtype="object")


def _inter_from_actor(actor: pd.Series) -> pd.Series:
    """Guess ACLED's actor type from scamgeo's actor names (curated rows have no inter codes)."""
    text = actor.astype("string")
    out = pd.Series(pd.NA, index=actor.index, dtype="string")
    out = out.mask(text.str.startswith("Military Forces of").fillna(False), "State forces")
    out = out.mask(text.str.startswith("Police Forces of").fillna(False), "State forces")
    out = out.mask(text.str.startswith("Civilians").fillna(False), "Civilians")
    out = out.mask(
        text.str.startswith("Unidentified Armed Group").fillna(False), "Political militia"
    )
    return out


def to_acled(events: pd.DataFrame, *, date_style: str = "export") -> pd.DataFrame:
    """Write events of the common schema in ACLED's 31-column layout.

    Parameters
    ----------
    events : pandas.DataFrame
        A table in the common event schema (e.g. :func:`scamgeo.datasets.events`
        or the output of :func:`read_acled`).
    date_style : {"export", "api"}, default "export"
        ``event_date`` as in ACLED's export tool ("16 May 2025") or its API
        ("2025-05-16").

    Returns
    -------
    pandas.DataFrame
        Exactly :data:`ACLED_COLUMNS`, in order, indexed like ``events``.
        ACLED's own columns are used when ``events`` has them (from
        :func:`read_acled`); otherwise ``iso``, ``country``, ``region`` and
        ``year`` are derived, ``disorder_type`` from the event type,
        ``inter1``/``inter2``/``interaction`` from scamgeo's actor names
        (e.g. "Military Forces of Thailand" -> "State forces"), and the rest
        left empty. Reading the result with :func:`read_acled` gives back the
        same events in every column ACLED's layout can carry (``source_url``,
        ``source_date``, ``claimed_by`` and the like have no ACLED column).

    Examples
    --------
    >>> from scamgeo import datasets, io
    >>> acled = io.to_acled(datasets.events())
    >>> len(acled), acled.columns.tolist()[:3]
    (205, ['event_id_cnty', 'event_date', 'year'])
    """
    check_choice(date_style, ["export", "api"], name="date_style")
    from .._validate import require_columns

    need = [
        "event_id",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "country",
        "location",
        "latitude",
        "longitude",
    ]
    require_columns(events.columns, need, source="to_acled(events)")
    dates = pd.to_datetime(events["event_date"], errors="coerce")
    country = events["country"].astype("string")
    out = pd.DataFrame(index=events.index)
    out["event_id_cnty"] = events["event_id"].astype("string")
    out["event_date"] = dates.dt.strftime("%d %B %Y" if date_style == "export" else "%Y-%m-%d")
    out["year"] = dates.dt.year.astype("Int64")
    out["time_precision"] = events["time_precision"]
    disorder = events["event_type"].astype("string").map(_DISORDER)
    out["disorder_type"] = _column(events, "disorder_type").where(
        _column(events, "disorder_type").notna(), disorder
    )
    out["event_type"] = events["event_type"].astype("string")
    out["sub_event_type"] = events["sub_event_type"].astype("string")
    out["actor1"] = events["actor1"]
    out["assoc_actor_1"] = _column(events, "assoc_actor_1")
    inter1 = _column(events, "inter1")
    inter1 = inter1.where(inter1.notna(), _inter_from_actor(events["actor1"]))
    out["inter1"] = inter1
    actor2 = _column(events, "actor2")
    out["actor2"] = actor2
    out["assoc_actor_2"] = _column(events, "assoc_actor_2")
    inter2 = _column(events, "inter2")
    inter2 = inter2.where(inter2.notna(), _inter_from_actor(actor2))
    out["inter2"] = inter2
    derived = pd.Series(
        [
            pd.NA if pd.isna(a) else (f"{a} only" if pd.isna(b) else f"{a}-{b}")
            for a, b in zip(inter1, inter2, strict=True)
        ],
        index=events.index,
        dtype="object",
    )
    interaction = _column(events, "interaction")
    out["interaction"] = interaction.where(interaction.notna(), derived)
    if "civilian_targeting" in events.columns:
        out["civilian_targeting"] = events["civilian_targeting"]
    else:
        civilians = actor2.astype("string").str.startswith("Civilians").fillna(False)
        out["civilian_targeting"] = pd.Series(
            civilians.map({True: "Civilian targeting", False: pd.NA}), dtype="object"
        )
    out["iso"] = country.map(_ISO3_TO_NUMERIC).astype("Int64")
    out["region"] = _column(events, "region").where(
        _column(events, "region").notna(), country.map(_REGION)
    )
    name = country.map({k: v[0] for k, v in COUNTRY_NAMES.items()})
    acled_name = _column(events, "acled_country")
    out["country"] = acled_name.where(acled_name.notna(), name)
    out["admin1"] = _column(events, "admin1")
    out["admin2"] = _column(events, "admin2")
    out["admin3"] = _column(events, "admin3")
    out["location"] = events["location"]
    out["latitude"] = events["latitude"]
    out["longitude"] = events["longitude"]
    out["geo_precision"] = _column(events, "geo_precision")
    out["source"] = _column(events, "source")
    out["source_scale"] = _column(events, "source_scale")
    out["notes"] = _column(events, "notes")
    out["fatalities"] = _column(events, "fatalities")
    out["tags"] = _column(events, "tags")
    out["timestamp"] = _column(events, "timestamp")
    return out[list(ACLED_COLUMNS)]


def read_acled_weekly(
    path_or_buffer: Source,
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    member: str | None = None,
) -> pd.DataFrame:
    """Read one of ACLED's aggregated files: events and fatalities by province and week.

    Parameters
    ----------
    path_or_buffer : str, Path or file-like
        An aggregated file (Excel as ACLED publishes it, or CSV) with the
        columns :data:`ACLED_WEEKLY_COLUMNS`.
    countries : str or list of str, optional
        ISO3 codes to keep.
    start, end : str or date-like, optional
        First and last week (its start date) to keep.
    event_types : str or list of str, optional
        Event types to keep.
    encoding, sheet, member
        As in :func:`read_acled`.

    Returns
    -------
    pandas.DataFrame
        One row per week, province, event type and sub-event type: ``week``
        (datetime, the first day of ACLED's week), ``country`` (ISO3),
        ``admin1``, ``admin1_code``, ``event_type``, ``sub_event_type``,
        ``disorder_type``, ``events`` and ``fatalities`` (integers),
        ``population_exposure`` (integer, may be empty), ``id``,
        ``centroid_latitude``, ``centroid_longitude``, ``region``,
        ``acled_country``. ``.attrs["attribution"]`` holds ACLED's credit line.

    Raises
    ------
    DataSourceError, SchemaError
        As in :func:`read_acled`: wrong layout, missing columns (all listed),
        bad dates, counts or coordinates (row and column named).
    """
    filters = check_filters(countries=countries, start=start, end=end, event_types=event_types)
    raw = load_raw(
        path_or_buffer, encoding=encoding, member=member, expected="an ACLED aggregated file"
    )
    frame = to_frame(raw, sheet=sheet)
    frame = frame.rename(
        columns={c: c.upper() for c in frame.columns if c.upper() in ACLED_WEEKLY_COLUMNS}
    )
    required = [
        c for c in ACLED_WEEKLY_COLUMNS if c not in ("POPULATION_EXPOSURE", "DISORDER_TYPE", "ID")
    ]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        if "event_id_cnty" in frame.columns:
            raise DataSourceError(
                f"{raw.name}: this is an ACLED event export, not an aggregated file: read it with read_acled()."
            )
        other = _looks_like(frame.columns)
        if other and len(missing) > len(required) // 2:
            raise DataSourceError(
                f"{raw.name}: not an ACLED aggregated file; it looks like {other}."
            )
        raise SchemaError(
            f"{raw.name}: missing required column(s) {', '.join(missing)} of ACLED's aggregated "
            f"files ({', '.join(ACLED_WEEKLY_COLUMNS)}).",
            problems=[f"missing column {c}" for c in missing],
            source=raw.name,
        )
    lines = np.arange(len(frame)) + 2
    problems = Problems(raw.name)

    def check(mask: pd.Series, column: str, what: str) -> None:
        for pos in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool)):
            problems.add(f"{frame[column].iloc[pos]!r} {what}", row=int(lines[pos]), column=column)

    week = parse_dates(frame["WEEK"], excel_serial=True)
    check(week.isna(), "WEEK", "is not a date; expected e.g. '2025-07-26' or '26 July 2025'")
    counts = {}
    for col in ("EVENTS", "FATALITIES", "POPULATION_EXPOSURE"):
        if col not in frame:
            counts[col] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
            continue
        values = parse_int(frame[col])
        check(values.isna() & frame[col].notna(), col, "is not a whole number")
        check(values < 0, col, "is negative; counts cannot be")
        if col != "POPULATION_EXPOSURE":
            check(frame[col].isna(), col, "is empty; a count is required")
        counts[col] = values
    coords = {}
    for col, limit in (("CENTROID_LATITUDE", 90), ("CENTROID_LONGITUDE", 180)):
        values = pd.to_numeric(frame[col], errors="coerce")
        check(values.isna() & frame[col].notna(), col, "is not a number")
        check(values.abs() > limit, col, f"is out of range (-{limit} to {limit})")
        coords[col] = values
    swapped = (coords["CENTROID_LATITUDE"].abs() > 90) & (coords["CENTROID_LONGITUDE"].abs() <= 90)
    for pos in np.flatnonzero(swapped.fillna(False).to_numpy(dtype=bool)):
        problems.add(
            "latitude and longitude look swapped", row=int(lines[pos]), column="CENTROID_LATITUDE"
        )
    check(
        ~frame["EVENT_TYPE"].isin(EVENT_TYPES),
        "EVENT_TYPE",
        f"is not one of {', '.join(EVENT_TYPES)}",
    )
    country = country_from_name(frame["COUNTRY"])
    check(frame["COUNTRY"].isna(), "COUNTRY", "is empty")
    problems.raise_if_any()
    outside = country.isna() & frame["COUNTRY"].notna()
    warn_dropped(
        frame.loc[outside, "COUNTRY"].value_counts().to_dict(),
        source=raw.name,
        why="because their country is not one scamgeo covers (scamgeo.schema.COUNTRIES)",
    )
    out = pd.DataFrame(
        {
            "week": week,
            "country": country,
            "admin1": frame["ADMIN1"].astype("string"),
            "admin1_code": province_codes(frame["ADMIN1"], country=country).to_numpy(),
            "event_type": frame["EVENT_TYPE"].astype("string"),
            "sub_event_type": frame["SUB_EVENT_TYPE"].astype("string"),
            "disorder_type": frame.get("DISORDER_TYPE", pd.Series(pd.NA, index=frame.index)).astype(
                "string"
            ),
            "events": counts["EVENTS"],
            "fatalities": counts["FATALITIES"],
            "population_exposure": counts["POPULATION_EXPOSURE"],
            "id": frame.get("ID", pd.Series(pd.NA, index=frame.index)).astype("string"),
            "centroid_latitude": coords["CENTROID_LATITUDE"],
            "centroid_longitude": coords["CENTROID_LONGITUDE"],
            "region": frame["REGION"].astype("string"),
            "acled_country": frame["COUNTRY"].astype("string"),
        }
    )[~outside.to_numpy()]
    keep = pd.Series(True, index=out.index)
    if filters["countries"] is not None:
        keep &= out["country"].isin(filters["countries"]).fillna(False)
    if filters["start"] is not None:
        keep &= out["week"] >= filters["start"]
    if filters["end"] is not None:
        keep &= out["week"] <= filters["end"]
    if filters["event_types"] is not None:
        keep &= out["event_type"].isin(filters["event_types"]).fillna(False)
    out = out[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    applied = describe_filters(
        {k: filters[k] for k in ("countries", "start", "end", "event_types")}
    )
    text = f"Source: {ACLED_ATTRIBUTION}; aggregated data, file {Path(raw.name).name}"
    if applied != "none":
        text += f"; filtered by scamgeo: {applied}"
    out.attrs["source"] = {
        "dataset": "ACLED aggregated",
        "file": raw.name,
        "filters": applied,
        "text": text + ".",
    }
    out.attrs["attribution"] = text + "."
    return out
