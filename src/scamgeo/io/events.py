"""One entry point for events from any source: :func:`load_events`."""

from __future__ import annotations

import csv
import inspect
import io
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from .._dask import scale_version
from .._errors import DataSourceError, ParameterError
from .._validate import check_keywords
from ..vocab import EMBEDDED_ATTRIBUTION
from ._checks import Report
from ._events import check_filters, filter_events, finish_events, record_left_out
from ._leftout import LeftOut, structural_rows
from ._raw import Source, _binary_kind, describe, load_raw
from ._tables import to_frame

__all__ = ["SOURCES", "load_events"]

logger = logging.getLogger(__name__)

#: Named sources of :func:`load_events` (anything else is a path or an open file).
SOURCES = ("embedded", "acled-api", "ucdp-api")


def _columns(src: Source) -> tuple[list[str], Source]:
    """The header of ``src`` (lower-cased) and a source the reader can still read.

    A path is sniffed from its first 64 KiB (whole for zip and Excel files); an
    open file is read into memory once and handed on as a buffer.
    """
    if not isinstance(src, str | os.PathLike):
        data = src.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        buffer = io.BytesIO(data)
        buffer.name = describe(src)
        src = buffer
        head = data[:65536]
    else:
        if not Path(src).is_file():
            raise DataSourceError(f"{src}: no such file.")
        with open(src, "rb") as fh:  # read-only
            head = fh.read(65536)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise DataSourceError(
            f"{describe(src)}: the file is empty ({len(head)} bytes); expected an event table."
        )
    kind = _binary_kind(head)
    if kind is not None and kind[1] and isinstance(src, str | os.PathLike):
        import pyogrio  # a FlatGeobuf, GeoPackage or shapefile: its fields, without its rows

        try:
            row = [str(f) for f in pyogrio.read_info(src)["fields"]]
        except Exception as exc:  # pyogrio raises its own kinds
            raise DataSourceError(
                f"{describe(src)}: {kind[0]}, but not a readable one ({exc})."
            ) from None
        return [c.strip().lower() for c in row], src
    binary = head.startswith(b"\x1f\x8b") or kind is not None
    if binary or head.startswith(b"PK\x03\x04") or head.lstrip()[:1] in (b"{", b"["):
        raw = load_raw(src, expected="an event table")
        if hasattr(src, "seek"):
            src.seek(0)
        row = list(to_frame(raw).columns) if raw.kind != "csv" else _first_row(raw.text or "")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        row = _first_row(head.decode("utf-16", errors="replace"))
    else:
        row = _first_row(head.decode("utf-8", errors="replace"))
    return [str(c).strip().lower().lstrip("\ufeff") for c in row], src


#: Columns only UCDP GED has (any three of them make a GED file, with or without ``relid``).
_GED_SIGNS = {"relid", "type_of_violence", "where_prec", "date_prec", "side_a", "side_b", "best"}


def _first_row(text: str) -> list[str]:
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    return next(csv.reader(io.StringIO(text), delimiter=sep), [])


def _read_scamgeo_table(src: Source, **options: Any) -> gpd.GeoDataFrame:
    from ..schema import EVENTS

    raw = load_raw(
        src, encoding=options.pop("encoding", "utf-8"), member=options.pop("member", None)
    )
    left = LeftOut(raw.name)
    frame = to_frame(raw, sheet=options.pop("sheet", None), left=left)
    records = int(frame.attrs.get("records", len(frame)))
    offset = 1 if raw.kind in ("json", "geo") else 2
    lines = np.arange(len(frame)) + offset
    skip = structural_rows(frame, lines, left)
    if skip.any():
        frame, lines = frame[~skip].reset_index(drop=True), lines[~skip]
    if options:
        raise ParameterError(
            f"unknown option(s) {', '.join(options)} for a table in scamgeo's event schema."
        )
    dataset = (
        frame.pop("dataset").dropna().iloc[0]
        if "dataset" in frame and frame["dataset"].notna().any()
        else "scamgeo"
    )
    extra = frame.drop(
        columns=[c for c in frame.columns if c in EVENTS.names or c == "admin1_code"]
    )
    core = frame[[c for c in frame.columns if c in EVENTS.names]]
    events = finish_events(
        core,
        source=raw.name,
        lines=lines,
        dataset=str(dataset),
        attribution={
            "dataset": str(dataset),
            "file": raw.name,
            "text": f"Events table {Path(raw.name).name} (sources per row: source, source_url).",
        },
        report=Report(raw.name),
        extra=extra,
    )
    left.warn(stacklevel=4)
    record_left_out(events, left, records=records)
    return events


def _check_options(options: dict[str, Any], reader: Any, filters: dict[str, Any]) -> None:
    """Refuse an option the reader ``load_events`` hands the file to does not take."""
    params = inspect.signature(reader).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return  # the reader checks its own options
    takes = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
    check_keywords(
        options, [*filters, *takes], func="load_events", where=f" (via {reader.__name__})"
    )


def load_events(
    source: Source = "embedded",
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
    **options: Any,
) -> gpd.GeoDataFrame:
    """Events in the common schema from any source, with the source's attribution.

    Parameters
    ----------
    source : str, Path or file-like, default "embedded"
        ``"embedded"``: scamgeo's curated events (:func:`scamgeo.datasets.events`);
        ``"acled-api"``: download through ACLED's API (:func:`scamgeo.io.fetch_acled`,
        account in ``ACLED_USERNAME``/``ACLED_PASSWORD``); ``"ucdp-api"``:
        UCDP's API (:func:`scamgeo.io.fetch_ucdp_ged`, token in
        ``UCDP_API_TOKEN``); or a file (path or open file) whose layout is
        recognised from its header: an ACLED export, a UCDP GED file (with or
        without header row), or a table in scamgeo's own event schema; or a
        GeoParquet file or folder written by :func:`scamgeo.scale.to_geoparquet`
        (``….parquet``; ``lazy=True`` gives a dask frame; needs ``scamgeo[scale]``
        and ``import scamgeo.scale`` first, which registers the GeoParquet reader).
    countries : str or list of str, optional
        ISO3 codes to keep, e.g. ``["THA", "KHM"]``.
    start, end : str or date-like, optional
        First and last event date to keep (inclusive).
    event_types, sub_event_types : str or list of str, optional
        ACLED event types / sub-event types to keep.
    min_geo_precision : {1, 2, 3}, optional
        Keep events located at least this precisely (``geo_precision`` <= value).
    **options
        Passed to the reader or client: e.g. ``encoding``, ``sheet``,
        ``member``, ``date_format`` (files); ``refresh``, ``client``,
        ``extra`` (ACLED API); ``version``, ``type_of_violence`` (UCDP).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :data:`scamgeo.schema.EVENTS`, ``admin1_code``, ``dataset``,
        then the source's own columns; points in EPSG:4326.
        ``.attrs["attribution"]`` is the credit line to print under any
        figure made from the events (ACLED's and UCDP's with access date and
        filters); ``.attrs["source"]`` holds the details.

    Raises
    ------
    ParameterError
        An unknown named source (the allowed ones are listed) or filter value.
    DataSourceError
        A missing file, or one in no layout scamgeo reads; HTTP failures of the APIs.
    SchemaError
        Bad rows of the file (row and column named).

    Examples
    --------
    The embedded, sourced record (the default):

    >>> from scamgeo import io
    >>> events = io.load_events()
    >>> len(events), events["country"].value_counts().head(2).to_dict()
    (216, {'THA': 148, 'KHM': 68})

    A file of any recognised layout is read by its path, e.g.
    ``load_events("data/raw/acled_export.csv", countries=["THA", "KHM"])``.
    """
    if isinstance(source, (str, os.PathLike)) and str(source).rstrip("/\\").lower().endswith(
        (".parquet", ".geoparquet")
    ):
        read_geoparquet = scale_version(load_events, given="a GeoParquet path")
        return read_geoparquet(
            source, lazy=options.pop("lazy", False), countries=countries, start=start, end=end,
            event_types=event_types, sub_event_types=sub_event_types,
            min_geo_precision=min_geo_precision,
        )  # fmt: skip
    filters = {
        "countries": countries,
        "start": start,
        "end": end,
        "event_types": event_types,
        "sub_event_types": sub_event_types,
        "min_geo_precision": min_geo_precision,
    }
    check_filters(**filters)
    if isinstance(source, str) and source in SOURCES:
        if source == "embedded":
            check_keywords(options, [*filters], func="load_events", where=" with source='embedded'")
            from .. import datasets

            try:
                events = datasets.events()
            except DataSourceError as exc:
                raise DataSourceError(
                    f"the embedded events table is not available ({exc}). Load an external source "
                    "instead, e.g. load_events('path/to/acled.csv')."
                ) from None
            out = filter_events(events, **filters).reset_index(drop=True)
            out.attrs["source"] = {"dataset": "scamgeo", "text": EMBEDDED_ATTRIBUTION}
            out.attrs["attribution"] = EMBEDDED_ATTRIBUTION
            return out
        if source == "acled-api":
            from .acled_api import fetch_acled

            _check_options(options, fetch_acled, filters)
            return fetch_acled(**filters, **options)
        from .ucdp import fetch_ucdp_ged

        _check_options(options, fetch_ucdp_ged, filters)
        api_filters = {k: v for k, v in filters.items() if k != "sub_event_types"}
        out = fetch_ucdp_ged(**api_filters, **options)
        return filter_events(out, sub_event_types=sub_event_types).reset_index(drop=True)
    if (
        isinstance(source, str)
        and not Path(source).exists()
        and os.sep not in source
        and "." not in source
    ):
        raise ParameterError(
            f"source={source!r} is neither a named source nor an existing file. Named sources: "
            f"{', '.join(repr(s) for s in SOURCES)}; or pass the path of an ACLED, UCDP GED or scamgeo events file."
        )
    columns, source = _columns(source)
    name = describe(source)
    cols = set(columns)
    if "event_id_cnty" in cols:
        from .acled import read_acled

        _check_options(options, read_acled, filters)
        return read_acled(source, **filters, **options)
    if {"week", "events"} <= cols:
        raise DataSourceError(
            f"{name}: an ACLED aggregated file holds weekly counts, not events: read it with "
            "scamgeo.io.read_acled_weekly()."
        )
    from .ucdp import UCDP_COLUMNS, read_ucdp_ged

    headerless = len(columns) == len(UCDP_COLUMNS) and columns[0].replace(".", "", 1).isdigit()
    # GED 19.1 and HDX's GED extracts have no relid: GED's own columns tell it
    if len(cols & _GED_SIGNS) >= 3 or headerless:
        _check_options(options, read_ucdp_ged, filters)
        out = read_ucdp_ged(
            source, **{k: v for k, v in filters.items() if k != "sub_event_types"}, **options
        )
        return filter_events(out, sub_event_types=sub_event_types).reset_index(drop=True)
    if {"event_id", "event_date", "event_type"} <= cols:
        _check_options(options, _read_scamgeo_table, filters)
        out = _read_scamgeo_table(source, **options)
        return filter_events(out, **filters).reset_index(drop=True)
    raise DataSourceError(
        f"{name}: not an event table scamgeo can read. Expected an ACLED export (column event_id_cnty), "
        "a UCDP GED file (columns type_of_violence, side_a, best, ...; or a candidate release without "
        "header), or a "
        f"table in scamgeo's event schema (event_id, event_date, event_type, ...). First columns found: "
        f"{', '.join(columns[:8])}."
    )
