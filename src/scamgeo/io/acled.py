"""ACLED exports: event files (CSV/Excel/API JSON), read and written.

:func:`read_acled` reads the 31-column ACLED layout (and the pre-2019 one) into
the common event schema (:data:`scamgeo.schema.EVENTS`), keeping ACLED's own
columns; :func:`to_acled` writes events back in that layout. ACLED's
aggregated weekly files are read by :func:`scamgeo.io.read_acled_weekly`;
what is known of the layouts is in :mod:`scamgeo.io._acled_layout`.

ACLED's terms forbid redistributing its rows: scamgeo ships no ACLED data.
Analysts read their own export, or download through
:func:`scamgeo.io.fetch_acled` with their own account.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._errors import SchemaError
from .._validate import check_choice
from ..schema import EVENTS
from ..vocab import ACLED_ATTRIBUTION, ACLED_PUBLISHER
from ._acled_layout import (
    ACLED_COLUMNS,
    ACLED_URL,
    ACLED_WEEKLY_COLUMNS,
    INTER_CODES,
    SHARED,
    header_check,
    inter_labels,
    interaction_labels,
    old_types,
)
from ._cache import snapshot_meta
from ._checks import (
    Report,
    TextNeeded,
    all_distinct,
    constant,
    decimal_commas,
    map_distinct,
    text_cells,
    typed_then_text,
)
from ._events import (
    COUNTRY_NAMES,
    GW_CODES,
    ISO_NUMERIC,
    asked_for,
    check_filters,
    country_from_name,
    describe_filters,
    filter_rows,
    finish_events,
    parse_int,
    record_left_out,
)
from ._leftout import LeftOut, structural_rows
from ._raw import Raw, Source, describe, load_raw
from ._tables import parse_date_column, to_frame

__all__ = [
    "ACLED_ATTRIBUTION",
    "ACLED_COLUMNS",
    "ACLED_URL",
    "ACLED_WEEKLY_COLUMNS",
    "INTER_CODES",
    "read_acled",
    "to_acled",
]

logger = logging.getLogger(__name__)

# What to_acled writes in the columns the common schema does not have.
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


def _attribution(name: str, raw_path: Path | None, filters: dict[str, Any]) -> dict[str, Any]:
    meta = snapshot_meta(raw_path)
    if meta and meta.get("dataset") == "ACLED":
        out = {
            k: meta.get(k)
            for k in ("dataset", "access_date", "query", "endpoint", "sha256", "row_count")
        }
        out.update(publisher=ACLED_PUBLISHER, url=ACLED_URL, file=name)
        text = meta.get("attribution") or ""
    else:
        out = {
            "dataset": "ACLED",
            "publisher": ACLED_PUBLISHER,
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
    warn: bool = True,
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
    warn : bool, default True
        Warn (:class:`RowsLeftOut`) when rows are left out. ``False``: the
        counts are only in ``.attrs["source"]["left_out"]`` (for a caller that
        adds up the counts of many reads and warns once, as
        :func:`scamgeo.scale.read_events` does for the blocks of a file).

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
        for), an exact duplicate of an earlier row, another filter, an HXL
        hashtag row (HDX's copies), a header row repeated inside the file
        (exports concatenated), or a last record cut short (an interrupted
        download). The counts are also in ``.attrs["source"]["left_out"]``
        (reason -> rows), with the first file rows of each reason in
        ``.attrs["source"]["left_out_detail"]``.
    UserWarning
        When a Thai or Cambodian province name is unknown; when coordinates are written with decimal commas (read as such); when
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
    (216, 148)

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
    options: dict[str, Any] = {"sheet": sheet, "filters": filters, "date_format": date_format,
                               "attribution": _attribution(name, raw.path, filters)}  # fmt: skip
    # numbers parsed by pyarrow first; the text if a cell is bad
    parsed, left = typed_then_text(
        lambda left, numbers: _events(raw, left, numbers, **options), _NUMBERS, raw.name, warn=warn
    )
    events, records, old_layout, may_be_empty = parsed
    if old_layout:
        _warn_old_layout(raw.name, old_layout, may_be_empty)
    events = filter_rows(
        events, left, filters, "event_types=, sub_event_types= or min_geo_precision="
    )
    if warn:
        left.warn(stacklevel=2)
    record_left_out(events, left, records=records)
    logger.info("read %d ACLED events from %s", len(events), raw.name)
    return events


#: ACLED's columns of numbers, parsed as numbers by pyarrow when the file allows.
_NUMBERS = (
    "year", "time_precision", "iso", "latitude", "longitude", "geo_precision", "fatalities",
    "timestamp", "gwno",
)  # fmt: skip


def _events(
    raw: Raw,
    left: LeftOut,
    numbers: tuple[str, ...],
    *,
    sheet: str | int | None,
    filters: dict[str, Any],
    date_format: str | None,
    attribution: dict[str, Any],
) -> tuple[gpd.GeoDataFrame, int, str, dict[str, np.ndarray] | None]:
    """Steps 1 to 4 and the schema's checks: the events, the file's records, the old layout's marks.

    With ``numbers``, a large CSV's number columns come parsed by pyarrow;
    whenever a cell must be named (a problem) or rows compared cell for cell
    (a repeated id), :class:`TextNeeded` asks for the text parse instead, so
    that every message and count is the text parse's.
    """
    frame, lines, old_layout = _export_rows(raw, sheet=sheet, left=left, numbers=numbers)
    typed = bool(frame.attrs.get("typed"))
    records = int(frame.attrs.get("records", len(frame)))
    report = Report(raw.name)
    try:
        frame, lines, dates, country = _asked_for(
            frame, lines, filters=filters, date_format=date_format, left=left, report=report,
            typed=typed,
        )  # fmt: skip
        common, may_be_empty = _common_columns(
            frame, dates, country, old_layout=old_layout, lines=lines, report=report,
            source=raw.name,
        )  # fmt: skip
        events = finish_events(
            common,
            source=raw.name,
            lines=lines,
            dataset="ACLED",
            attribution=attribution,
            report=report,
            extra=_own_columns(frame, old_layout=old_layout),
            may_be_empty=may_be_empty,
            distinct_ids=bool(frame.attrs.get("ids_distinct")),
        )
    except SchemaError:
        if typed:
            raise TextNeeded from None
        raise
    return events, records, old_layout, may_be_empty


def _export_rows(
    raw: Raw, *, sheet: str | int | None, left: LeftOut, numbers: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, np.ndarray, str]:
    """Step 1: the export's rows as text, their file lines, and what marks an old layout.

    Rows that are no records (an HXL hashtag row, header rows repeated inside
    the file, a last record cut short) are left out and counted in ``left``.
    ``numbers``: columns pyarrow may parse as numbers (see :func:`to_frame`).
    """
    frame = to_frame(raw, sheet=sheet, left=left, numbers=numbers)
    records = frame.attrs.get("records", len(frame))
    typed = frame.attrs.get("typed", False)
    frame, old_layout = header_check(frame, source=raw.name)
    offset = 1 if raw.kind in ("json", "geo") else 2
    lines = np.arange(len(frame)) + offset
    skip = structural_rows(frame, lines, left)
    if skip.any():
        frame, lines = frame[~skip], lines[~skip]
    frame = frame.reset_index(drop=True)
    frame.attrs.update(records=records, typed=typed)
    return frame, lines, old_layout


def _asked_for(
    frame: pd.DataFrame,
    lines: np.ndarray,
    *,
    filters: dict[str, Any],
    date_format: str | None,
    left: LeftOut,
    report: Report,
    typed: bool = False,
) -> tuple[pd.DataFrame, np.ndarray, pd.Series, pd.Series]:
    """Step 2: the rows asked for, decided on country, date and duplicates before any check.

    A bad row outside them never blocks the rest; every row left out is
    counted in ``left``. Returns the rows, their lines, dates and ISO3 codes.
    Raises :class:`TextNeeded` when ``typed`` rows share an id (their cells
    are compared as text).
    """
    country, labels, no_country = _countries(frame)
    left.add(no_country, "with no country at all (iso and country empty)", lines=lines)
    dates, hint = parse_date_column(frame["event_date"], date_format=date_format, excel_serial=True)
    keep = asked_for(
        country, dates, filters, left, labels=labels, lines=lines, no_country=no_country
    )
    keep &= ~_exact_duplicates(frame, keep, left, lines, typed=typed)
    if not keep.all():
        frame, dates, country = (x[keep].reset_index(drop=True) for x in (frame, dates, country))
        lines = lines[keep]
    report.add(
        dates.isna() & frame["event_date"].notna(),
        column="event_date",
        what=f"is not a date; {hint}",
        lines=lines,
        values=frame["event_date"],
    )
    if hint:
        report.hints.append(f"event_date: {hint}.")
    return frame, lines, dates, country


def _common_columns(
    frame: pd.DataFrame,
    dates: pd.Series,
    country: pd.Series,
    *,
    old_layout: str,
    lines: np.ndarray,
    report: Report,
    source: str,
) -> tuple[pd.DataFrame, dict[str, np.ndarray] | None]:
    """Step 3: the common schema's columns from ACLED's, and the rows whose
    ``sub_event_type`` may be empty (an old layout's type that does not say which)."""
    common = {"event_id": frame["event_id_cnty"], "event_date": dates}
    for col in SHARED:
        if col != "event_date":
            common[col] = frame[col] if col in frame else constant(None, frame.index)
    may_be_empty = None
    if old_layout:
        event_type, sub_event_type, unknown_sub = old_types(frame, report, lines)
        common["event_type"] = event_type
        common["sub_event_type"] = sub_event_type
        may_be_empty = {"sub_event_type": unknown_sub}
    for col in ("latitude", "longitude"):
        common[col] = decimal_commas(common[col], column=col, source=source)
    common["country"] = country
    common["source_url"] = constant(ACLED_URL, frame.index)
    common["source_date"] = constant(None, frame.index)
    if "source" not in frame:
        common["source"] = constant("ACLED", frame.index)
    return pd.DataFrame(common, index=frame.index, copy=False), may_be_empty


def _own_columns(frame: pd.DataFrame, *, old_layout: str) -> pd.DataFrame:
    """Step 4: ACLED's own columns, kept beside the schema's (codes as text, numbers parsed)."""
    extra = frame.drop(columns=[c for c in SHARED if c in frame.columns])
    if "country" in extra:
        extra = extra.rename(columns={"country": "acled_country"})
    clash = set(EVENTS.names) | {"admin1_code", "dataset", "geometry"}
    extra = extra.rename(columns={c: f"acled_{c}" for c in extra.columns if c in clash})
    if old_layout:
        extra["event_type_original"] = frame["event_type"].astype("string")
    for col in ("inter1", "inter2"):
        if col in extra:
            extra[col] = inter_labels(extra[col])
    if "interaction" in extra:
        extra["interaction"] = interaction_labels(extra["interaction"])
    for col in ("year", "iso", "timestamp", "gwno"):
        if col in extra:
            extra[col] = parse_int(extra[col])
    return extra


def _warn_old_layout(source: str, marks: str, may_be_empty: dict[str, np.ndarray] | None) -> None:
    """Say that the file is in ACLED's pre-2019 layout and how it was mapped."""
    n_unknown = int(may_be_empty["sub_event_type"].sum()) if may_be_empty else 0
    message = (
        f"{source}: ACLED's pre-2019 layout ({marks}): old event types were mapped "
        "onto today's (the original is kept in event_type_original); sub_event_type is "
        f"empty in {n_unknown} row(s) whose old type does not say which."
    )
    logger.warning(message)
    warnings.warn(message, UserWarning, stacklevel=3)


def _countries(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """ISO3 of each row (from ``iso``, ``gwno`` or ``country``), labels for messages, and
    where the row names no country at all."""
    empty_int = parse_int(pd.Series(np.full(len(frame), np.nan), index=frame.index))
    iso_codes = parse_int(frame["iso"]) if "iso" in frame else empty_int
    gw_codes = parse_int(frame["gwno"]) if "gwno" in frame else empty_int
    names = text_cells(frame["country"] if "country" in frame else constant(None, frame.index))
    country = map_distinct(iso_codes, ISO_NUMERIC.get)
    if country.hasnans and gw_codes.notna().any():
        country = country.fillna(map_distinct(gw_codes, GW_CODES.get))
    if country.hasnans:
        country = country.fillna(country_from_name(names))
    no_country = (iso_codes.isna() & gw_codes.isna() & names.isna()).to_numpy(dtype=bool)
    outside = country.isna().to_numpy(dtype=bool) & ~no_country
    labels = names.copy()
    if outside.any():  # labels only where a warning shows them
        labels[outside] = names[outside].fillna("iso " + iso_codes[outside].astype("string"))
    return country, labels, no_country


def _exact_duplicates(
    frame: pd.DataFrame, keep: np.ndarray, left: LeftOut, lines: np.ndarray, *, typed: bool = False
) -> np.ndarray:
    """Rows (among ``keep``) repeating an earlier row cell for cell (exports merged twice).

    They are left out and counted; rows sharing an id with different cells are
    reported by the schema's key check instead. Cells are compared as the
    file writes them: a typed frame whose ids repeat raises :class:`TextNeeded`.
    """
    ids = frame["event_id_cnty"]
    out = np.zeros(len(frame), dtype=bool)
    frame.attrs["ids_distinct"] = all_distinct(ids)
    if frame.attrs["ids_distinct"]:
        return out
    shared = (ids.duplicated(keep=False) & ids.notna()).to_numpy(dtype=bool) & keep
    if shared.any():
        if typed:
            raise TextNeeded
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
    (216, ['event_id_cnty', 'event_date', 'year'])
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
