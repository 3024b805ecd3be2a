"""Province-by-date displacement tables from situation reports.

:func:`read_displacement_table` reads the tables national authorities publish
in situation reports, wide (one column per date, or one per province) or long,
counted in people or in families, into :data:`scamgeo.schema.DISPLACEMENT`.

It works in steps, each a small function below:

1. check the options (:func:`_check_options`);
2. map the table's columns to what they hold (:func:`_map_columns`) and work
   out the layout (:func:`_choose_layout`);
3. cut the table into one :class:`_Part` per value column, as the layout says
   (:func:`_long_parts`, :func:`_wide_parts`, :func:`_wide_by_date_parts`);
4. check that every row will be sourced and counted in a unit
   (:func:`_check_sourcing`, :func:`_publication_date`);
5. assemble the rows (:func:`_shared_columns`, :func:`_part_rows`,
   :func:`_assemble`), collecting bad numbers and dates by row and column;
6. resolve provinces, leave out what the schema does not cover and validate
   (:func:`scamgeo.io._displacement_rows.finish`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataSourceError, ParameterError, SchemaError
from .._time import parse_date
from .._validate import Problems, check_choice
from ..vocab import DISPLACEMENT_METRICS, DISPLACEMENT_UNITS
from ._dates import parse_dates
from ._displacement_names import SCOPE, UNIT_WORDS, find_column, header_key, is_total
from ._displacement_rows import finish, row_prefix, whole_numbers
from ._events import country_from_name, province_codes
from ._leftout import LeftOut, structural_rows
from ._raw import Source, load_raw
from ._tables import to_frame

__all__ = ["read_displacement_table"]

LAYOUTS = ("auto", "long", "wide", "wide_by_date")

_PROVINCE_COLS = (
    "admin1",
    "province",
    "provinces",
    "changwat",
    "khet",
    "admin1name",
    "admin1_name",
    "province_en",
    "provincename",
    "province_name",
    "adm1_en",
    "adm1name",
    "state",
    "region",
)
_DATE_COLS = (
    "as_of",
    "asof",
    "date",
    "reporting_date",
    "reportingdate",
    "report_date",
    "reportdate",
    "date_reported",
    "as_of_date",
)
#: Other columns a table may have, by what they hold (the first name found wins).
_META_COLS = {
    "country": ("country", "iso3"),
    "metric": ("metric",),
    "unit": ("unit",),
    "publisher": ("publisher",),
    "url": ("source_url", "url"),
    "source_date": ("source_date",),
    "notes": ("notes", "note"),
    "code": ("admin1_code", "admin1_pcode", "pcode"),
}
_DATE_EXAMPLE = "expected e.g. '2025-07-26' or '26 July 2025'"


def read_displacement_table(
    path_or_buffer: Source,
    *,
    country: str | None = None,
    metric: str | None = None,
    unit: str | None = None,
    publisher: str | None = None,
    source_url: str | None = None,
    source_date: Any = None,
    layout: str = "auto",
    keep_totals: bool = False,
    row_id_prefix: str | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    member: str | None = None,
) -> pd.DataFrame:
    """Read a province-by-date displacement table from a situation report.

    Parameters
    ----------
    path_or_buffer : str, Path or file-like
        CSV, zipped CSV or Excel, in one of three layouts:

        - ``"long"``: a province column (``province``, ``admin1``, ...), a date
          column (``date``, ``as_of``, ...) and one or more value columns
          (``people``, ``families``, ``households``, or ``value`` with a
          ``unit`` column); optional ``country``, ``metric``, ``unit``,
          ``publisher``, ``source_url``, ``source_date``, ``notes`` columns;
        - ``"wide"``: a province column and one column per date
          ("2025-07-26", "26 Jul 2025");
        - ``"wide_by_date"``: a date column and one column per province.
    country : {"THA", "KHM"}, optional
        Country of every row (else a country column, else the provinces' own).
    metric : str, optional
        ``evacuated``, ``in_shelters``, ``displaced_total``, ``remaining`` or
        ``returned``; required unless the table has a metric column.
    unit : {"people", "families", "households", "sites"}, optional
        Required unless a value column's name or a unit column says it.
    publisher, source_url : str, optional
        Who published the table and where; required unless the table has
        these columns (every displacement row is sourced).
    source_date : str or date-like, optional
        Publication date of the report: an ISO date ``YYYY-MM-DD`` or a date
        object (the rules of every date argument in scamgeo).
    layout : {"auto", "long", "wide", "wide_by_date"}, default "auto"
        How the table is laid out (``auto`` works it out from the headers).
    keep_totals : bool, default False
        Keep "Total" rows as national figures (admin1 empty); by default they
        are dropped, since the province rows already sum to them.
    row_id_prefix : str, optional
        Prefix of ``row_id`` (default: the file name).
    encoding, sheet, member
        Text encoding, Excel sheet, CSV inside a zip.

    Returns
    -------
    pandas.DataFrame
        In :data:`scamgeo.schema.DISPLACEMENT`: ``row_id``, ``as_of``,
        ``country``, ``admin1``, ``admin1_code``, ``metric``, ``value``,
        ``unit``, ``publisher``, ``source_url``, ``source_date``, ...; one row
        per province, date and unit. Empty cells and "-" give no row.

    Raises
    ------
    ParameterError
        A missing ``metric``/``unit``/``publisher``/``source_url``, a
        ``source_date`` that is not an ISO date, or a layout that cannot be
        worked out.
    SchemaError
        Unknown provinces (with the closest spellings), unparseable dates or
        numbers, named by row and column.
    """
    _check_options(layout=layout, metric=metric, unit=unit, country=country)
    raw = load_raw(
        path_or_buffer, encoding=encoding, member=member, expected="a displacement table"
    )
    left = LeftOut(raw.name)
    frame = to_frame(raw, sheet=sheet, left=left)
    lines = np.arange(len(frame)) + (1 if raw.kind in ("json", "geo") else 2)
    skip = structural_rows(frame, lines, left)  # an HXL row, repeated headers
    if skip.any():
        frame = frame[~skip].reset_index(drop=True)
    source = raw.name
    found = _map_columns(frame, country=country)
    layout = _choose_layout(layout, found, source=source)
    problems = Problems(source)
    parts = _PARTS[layout](frame, found, problems=problems, source=source)
    _check_sourcing(
        found,
        parts,
        metric=metric,
        unit=unit,
        publisher=publisher,
        source_url=source_url,
        source=source,
    )
    shared = _shared_columns(
        frame,
        found,
        metric=metric,
        publisher=publisher,
        source_url=source_url,
        country=country,
        published=_publication_date(source_date),
        with_codes=layout != "wide_by_date",
    )
    rows = _assemble(frame, parts, shared, found=found, unit=unit, problems=problems)
    if rows.empty:
        problems.raise_if_any()
        raise DataSourceError(f"{source}: no figures found (every value cell is empty).")
    if not keep_totals:  # sums of the other rows, left out as documented (keep_totals=)
        rows = rows[~is_total(rows["admin1"])]
    row_lines = rows.pop("_line").to_numpy()
    left.warn(stacklevel=2)
    out = finish(
        rows,
        source=source,
        lines=row_lines,
        prefix=row_id_prefix or row_prefix(source),
        problems=problems,
        attribution=f"{publisher or 'publisher as listed per row'}; table {Path(source).name}",
        admin1_column=found.province or "province",
    )
    out.attrs.setdefault("source", {})["left_out"] = dict(left.reasons)
    return out


# --- 1. check ---------------------------------------------------------------------------


def _check_options(
    *, layout: str, metric: str | None, unit: str | None, country: str | None
) -> None:
    """Refuse a layout, metric, unit or country scamgeo does not know (ParameterError)."""
    check_choice(layout, LAYOUTS, name="layout")
    if metric is not None:
        check_choice(metric, DISPLACEMENT_METRICS, name="metric")
    if unit is not None:
        check_choice(unit, DISPLACEMENT_UNITS, name="unit")
    if country is not None:
        check_choice(country, SCOPE, name="country")


# --- 2. columns and layout ----------------------------------------------------------------


@dataclass
class _Columns:
    """What the columns of a displacement table hold, as found from its headers.

    Attributes
    ----------
    all : list of str
        Every column, in order.
    province, date : str or None
        The province column and the date column.
    meta : dict
        The other known columns by what they hold (keys of ``_META_COLS``), or None.
    rest : list of str
        The columns that are none of the above.
    date_headers, province_headers : list of str
        Those of ``rest`` whose header is a date, or a Thai or Cambodian province.
    value_cols : list of str
        Those of ``rest`` named for what they count (``people``, ``families``, ``value``...).
    """

    all: list[str]
    province: str | None
    date: str | None
    meta: dict[str, str | None] = field(default_factory=dict)
    rest: list[str] = field(default_factory=list)
    date_headers: list[str] = field(default_factory=list)
    province_headers: list[str] = field(default_factory=list)
    value_cols: list[str] = field(default_factory=list)


def _map_columns(frame: pd.DataFrame, *, country: str | None) -> _Columns:
    """Find the province, date and other known columns; classify the rest by header."""
    cols = list(frame.columns)
    found = _Columns(
        all=cols, province=find_column(cols, _PROVINCE_COLS), date=find_column(cols, _DATE_COLS)
    )
    found.meta = {what: find_column(cols, names) for what, names in _META_COLS.items()}
    known = {found.province, found.date, *found.meta.values()} - {None}
    found.rest = [c for c in cols if c not in known]
    header_dates = parse_dates(pd.Series(found.rest, dtype="object"))
    found.date_headers = [c for c, d in zip(found.rest, header_dates, strict=True) if pd.notna(d)]
    header_codes = province_codes(pd.Series(found.rest, dtype="object"), country=country)
    found.province_headers = [
        c for c, code in zip(found.rest, header_codes, strict=True) if pd.notna(code)
    ]
    found.value_cols = [c for c in found.rest if header_key(c) in UNIT_WORDS]
    return found


def _choose_layout(layout: str, found: _Columns, *, source: str) -> str:
    """``layout`` itself, or for ``"auto"`` the first layout whose columns the table has."""
    if layout != "auto":
        return layout
    if found.province and found.date and found.value_cols:
        return "long"
    if found.province and found.date_headers:
        return "wide"
    if found.date and found.province_headers:
        return "wide_by_date"
    raise ParameterError(
        f"layout='auto' cannot read {source}: expected a province column and a date column with "
        "value columns (long), a province column with one column per date (wide), or a date column "
        f"with one column per province (wide_by_date). Columns found: {', '.join(map(str, found.all))}."
    )


# --- 3. parts -----------------------------------------------------------------------------


@dataclass
class _Part:
    """One value column of a displacement table and where its dates and provinces are."""

    column: str
    dates: pd.Series
    date_column: str
    provinces: pd.Series
    values: pd.Series
    unit: str | None


def _constant(value: object, index: pd.Index) -> pd.Series:
    """A column holding ``value`` on every row (a header taken as a date or a province)."""
    return pd.Series(value, index=index, dtype="object")


def _long_parts(
    frame: pd.DataFrame, found: _Columns, *, problems: Problems, source: str
) -> list[_Part]:
    """One part per value column: dates and provinces from their columns."""
    missing = [
        n
        for n, c in (
            ("province", found.province),
            ("date", found.date),
            ("value (people, families, households or value)", found.value_cols),
        )
        if not c
    ]
    if missing:
        raise SchemaError(
            f"{source}: missing column(s) for the long layout: {', '.join(missing)}.",
            problems=[f"missing column {m}" for m in missing],
            source=source,
        )
    assert found.date is not None and found.province is not None  # checked above
    return [
        _Part(
            col,
            frame[found.date],
            found.date,
            frame[found.province],
            frame[col],
            UNIT_WORDS[header_key(col)],
        )
        for col in found.value_cols
    ]


def _wide_parts(
    frame: pd.DataFrame, found: _Columns, *, problems: Problems, source: str
) -> list[_Part]:
    """One part per date column: the date is the header; other headers are problems."""
    if not (found.province and found.date_headers):
        raise SchemaError(
            f"{source}: the wide layout needs a province column and one column per date; "
            f"found {', '.join(map(str, found.all))}.",
            source=source,
        )
    for col in found.rest:
        if col not in found.date_headers:
            problems.add(f"header {col!r} is not a date; {_DATE_EXAMPLE}", row=1, column=str(col))
    provinces = frame[found.province]
    return [
        _Part(col, _constant(col, frame.index), col, provinces, frame[col], None)
        for col in found.date_headers
    ]


def _wide_by_date_parts(
    frame: pd.DataFrame, found: _Columns, *, problems: Problems, source: str
) -> list[_Part]:
    """One part per province column: the province is the header; other headers are problems."""
    if not (found.date and found.province_headers):
        raise SchemaError(
            f"{source}: the wide_by_date layout needs a date column and one column per province; "
            f"found {', '.join(map(str, found.all))}.",
            source=source,
        )
    for col in found.rest:
        if col not in found.province_headers:
            problems.add(
                f"header {col!r} is not a Thai or Cambodian province", row=1, column=str(col)
            )
    dates = frame[found.date]
    return [
        _Part(col, dates, found.date, _constant(col, frame.index), frame[col], None)
        for col in found.province_headers
    ]


_PARTS: dict[str, Callable[..., list[_Part]]] = {
    "long": _long_parts,
    "wide": _wide_parts,
    "wide_by_date": _wide_by_date_parts,
}


# --- 4. sourcing ----------------------------------------------------------------------------


def _require(value: Any, column: str | None, *, name: str, allowed: str) -> None:
    """Refuse a missing option the table has no column for (ParameterError)."""
    if value is None and column is None:
        raise ParameterError(f"{name}= is required: the table has no {name} column. {allowed}")


def _check_sourcing(
    found: _Columns,
    parts: list[_Part],
    *,
    metric: str | None,
    unit: str | None,
    publisher: str | None,
    source_url: str | None,
    source: str,
) -> None:
    """Refuse a table whose metric, publisher, source URL or unit is given nowhere."""
    meta = found.meta
    _require(
        metric,
        meta["metric"],
        name="metric",
        allowed=f"Allowed: {', '.join(DISPLACEMENT_METRICS)}.",
    )
    _require(
        publisher,
        meta["publisher"],
        name="publisher",
        allowed="E.g. publisher='Thai Ministry of Interior'.",
    )
    _require(source_url, meta["url"], name="source_url", allowed="The URL of the situation report.")
    if unit is None and meta["unit"] is None and not any(p.unit for p in parts):
        raise ParameterError(
            f"unit= is required for {source}: no column says whether it counts people or "
            f"families. Allowed: {', '.join(DISPLACEMENT_UNITS)}."
        )


def _publication_date(source_date: Any) -> str | None:
    """``source_date`` as ``YYYY-MM-DD`` (None if not given), by scamgeo's date-argument rules."""
    if source_date is None:
        return None
    return parse_date(source_date, name="source_date").strftime("%Y-%m-%d")


# --- 5. assemble ----------------------------------------------------------------------------


def _shared_columns(
    frame: pd.DataFrame,
    found: _Columns,
    *,
    metric: str | None,
    publisher: str | None,
    source_url: str | None,
    country: str | None,
    published: str | None,
    with_codes: bool,
) -> pd.DataFrame:
    """The columns every part shares, from the options or else the table's own columns."""
    meta = found.meta
    shared = pd.DataFrame(index=frame.index)
    shared["metric"] = metric if metric is not None else frame[meta["metric"]]
    shared["publisher"] = publisher if publisher is not None else frame[meta["publisher"]]
    shared["source_url"] = source_url if source_url is not None else frame[meta["url"]]
    if country is not None:
        shared["country"] = country
    elif meta["country"]:
        shared["country"] = country_from_name(frame[meta["country"]])
    else:
        shared["country"] = pd.NA
    if published is not None:
        shared["source_date"] = published
    elif meta["source_date"]:
        shared["source_date"] = parse_dates(frame[meta["source_date"]]).dt.strftime("%Y-%m-%d")
    else:
        shared["source_date"] = pd.NA
    shared["notes"] = frame[meta["notes"]] if meta["notes"] else pd.NA
    if meta["code"] and with_codes:
        shared["admin1_pcode"] = frame[meta["code"]]
    return shared


def _part_rows(
    frame: pd.DataFrame,
    part: _Part,
    shared: pd.DataFrame,
    *,
    unit: str | None,
    unit_col: str | None,
    lines: np.ndarray,
    problems: Problems,
    reported: set[tuple[int, str]],
) -> pd.DataFrame:
    """The rows of one part with a figure (or a bad date); bad cells go to ``problems``.

    A bad date is reported once per file line and date column (``reported``).
    """
    numbers, bad = whole_numbers(part.values)
    for pos in np.flatnonzero(bad.to_numpy(dtype=bool)):
        problems.add(
            f"{part.values.iloc[pos]!r} is not a whole number of people/families",
            row=int(lines[pos]),
            column=str(part.column),
        )
    dates = parse_dates(part.dates)
    bad_dates = (dates.isna() & part.dates.notna()).to_numpy(dtype=bool)
    for pos in np.flatnonzero(bad_dates):
        if (int(lines[pos]), str(part.date_column)) not in reported:
            reported.add((int(lines[pos]), str(part.date_column)))
            problems.add(
                f"{part.dates.iloc[pos]!r} is not a date; {_DATE_EXAMPLE}",
                row=int(lines[pos]),
                column=str(part.date_column),
            )
    record = shared.copy()
    record["as_of"] = dates.dt.strftime("%Y-%m-%d")
    record["admin1"] = part.provinces.astype("string").str.strip()
    record["value"] = numbers.astype("Int64").astype("string")
    if unit is not None:
        record["unit"] = unit
    elif unit_col is not None:
        record["unit"] = frame[unit_col].fillna(part.unit) if part.unit else frame[unit_col]
    else:
        record["unit"] = part.unit
    record["_line"] = lines
    keep = (numbers.notna() & ~bad).to_numpy(dtype=bool) | bad_dates
    return record[keep]


def _assemble(
    frame: pd.DataFrame,
    parts: list[_Part],
    shared: pd.DataFrame,
    *,
    found: _Columns,
    unit: str | None,
    problems: Problems,
) -> pd.DataFrame:
    """The rows of every part, with each row's file line in ``_line`` (the header is line 1)."""
    lines = np.arange(len(frame)) + 2
    reported: set[tuple[int, str]] = set()
    records = [
        _part_rows(
            frame,
            part,
            shared,
            unit=unit,
            unit_col=found.meta["unit"],
            lines=lines,
            problems=problems,
            reported=reported,
        )
        for part in parts
    ]
    return pd.concat(records, ignore_index=True)
