"""Displacement figures from situation reports, IOM DTM tables and HDX datasets.

Everything comes out in :data:`scamgeo.schema.DISPLACEMENT` (one row per
country or province, date, metric and unit), never summed across metrics:

- :func:`read_displacement_table` reads the province-by-date tables that
  national authorities publish in situation reports, wide (one column per date,
  or one per province) or long, counted in people or in families;
- :func:`read_dtm` reads IOM Displacement Tracking Matrix tables (the DTM API's
  admin-1 layout, with or without the HXL hashtag row of HDX copies);
- :func:`fetch_hdx` downloads a resource of a Humanitarian Data Exchange
  dataset into the cache (through the optional ``hdx-python-api``), and
  :func:`load_hdx_displacement` reads it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from .._errors import DataSourceError, ParameterError, SchemaError
from .._validate import Problems, check_choice, closest
from ..schema import DISPLACEMENT
from ._cache import atomic_write_text
from ._checks import LeftOut, text_cells
from ._events import admin1_codes, country_from_name, province_codes, today, warn_dropped
from ._http import USER_AGENT, download, safe_url
from ._tables import Source, load_raw, parse_dates, to_frame, validate_with_lines

__all__ = [
    "DTM_URL",
    "HDX_URL",
    "fetch_hdx",
    "load_hdx_displacement",
    "read_displacement_table",
    "read_dtm",
]

logger = logging.getLogger(__name__)

METRICS = DISPLACEMENT.column("metric").choices or ()
UNITS = DISPLACEMENT.column("unit").choices or ()

#: Landing page used as ``source_url`` of DTM rows without one.
DTM_URL = "https://dtm.iom.int/"

#: HDX site (dataset pages are ``<HDX_URL>/dataset/<name>``).
HDX_URL = "https://data.humdata.org"

_TOTALS = {
    "total",
    "grandtotal",
    "totals",
    "all",
    "national",
    "allprovinces",
    "รวม",
    "รวมทั้งหมด",
    "សរុប",
}

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
_UNIT_WORDS = {
    "people": "people", "persons": "people", "person": "people", "individuals": "people",
    "individual": "people", "evacuees": "people", "idps": "people", "displaced": "people",
    "value": None, "number": None, "count": None, "figure": None,
    "families": "families", "family": "families", "households": "households", "household": "households",
    "sites": "sites", "shelters": "sites",
}  # fmt: skip


def _key(name: object) -> str:
    return re.sub(r"[\s\-()./]+", "_", str(name).strip().lower()).strip("_")


def _find(columns: Iterable[str], candidates: Iterable[str]) -> str | None:
    keyed = {_key(c): c for c in columns}
    for cand in candidates:
        if _key(cand) in keyed:
            return keyed[_key(cand)]
    return None


def _numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, bad mask): '1,234' and '1 234' read as 1234; '-' and '' as missing."""
    text = values.astype("string").str.strip().str.replace(r"[,\u00a0\u202f ]", "", regex=True)
    text = text.mask(text.isin(["-", "–", "—", "n/a", "N/A", ""]), pd.NA)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (
        (numbers.isna() & text.notna())
        | (numbers < 0).fillna(False)
        | ((numbers % 1) != 0).fillna(False)
    )
    return numbers, bad


def _require(value: Any, column: str | None, *, name: str, allowed: str) -> None:
    if value is None and column is None:
        raise ParameterError(f"{name}= is required: the table has no {name} column. {allowed}")


def _finish(
    rows: pd.DataFrame,
    *,
    source: str,
    lines: np.ndarray,
    prefix: str,
    problems: Problems,
    attribution: str,
    admin1_column: str,
) -> pd.DataFrame:
    """Resolve provinces, drop out-of-scope rows, validate against DISPLACEMENT."""
    rows = rows.reset_index(drop=True)
    country = rows["country"]
    total = rows["admin1"].map(lambda v: isinstance(v, str) and _key(v).replace("_", "") in _TOTALS)
    rows.loc[total.to_numpy(dtype=bool), "admin1"] = pd.NA
    codes = admin1_codes(rows["admin1"], country=country, codes=rows.get("admin1_pcode"))
    if "admin1_pcode" in rows:
        rows = rows.drop(columns="admin1_pcode")
    guessed = codes.str[:2].map({"TH": "THA", "KH": "KHM"})
    country = country.fillna(guessed)
    known = set(country.dropna())
    if len(known) == 1:  # national rows and unknown names of a one-country table
        country = country.fillna(known.pop())
    from ..datasets import province_names

    variants = province_names()["variant"].unique()
    seen: set[tuple[int, str]] = set()
    hints: dict[str, str] = {}
    in_scope = country.isin(["THA", "KHM"]) | country.isna()
    unknown = rows["admin1"].notna() & codes.isna() & in_scope
    for pos in np.flatnonzero(unknown.to_numpy(dtype=bool)):
        value = rows["admin1"].iloc[pos]
        if (int(lines[pos]), str(value)) in seen:
            continue
        seen.add((int(lines[pos]), str(value)))
        if str(value) not in hints:  # each distinct name matched once
            near = closest(str(value), variants, n=2, cutoff=0.5)
            hints[str(value)] = f" (closest: {', '.join(near)})" if near else ""
        hint = hints[str(value)]
        problems.add(
            f"{value!r} is not a Thai or Cambodian province{hint}",
            row=int(lines[pos]),
            column=admin1_column,
        )
    no_country = country.isna() & ~unknown
    for pos in np.flatnonzero(no_country.to_numpy(dtype=bool)):
        if (int(lines[pos]), "country") in seen:
            continue
        seen.add((int(lines[pos]), "country"))
        problems.add(
            "no country: pass country='THA' or 'KHM', or add a country column",
            row=int(lines[pos]),
            column="country",
        )
    rows["country"] = country
    rows["admin1_code"] = codes.to_numpy()
    as_of = pd.to_datetime(rows["as_of"], errors="coerce")
    lo, hi = (
        pd.Timestamp(DISPLACEMENT.column("as_of").min),
        pd.Timestamp(DISPLACEMENT.column("as_of").max),
    )
    out_country = country.notna() & ~country.isin(["THA", "KHM"])
    out_period = ((as_of < lo) | (as_of > hi)).fillna(False) & ~out_country
    warn_dropped(
        rows.loc[out_country, "country"].value_counts().to_dict(),
        source=source,
        why="because the displacement schema covers Thailand and Cambodia only",
    )
    if out_period.any():
        warn_dropped(
            {f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d}": int(out_period.sum())},
            source=source,
            why="because their date is outside the period the displacement schema covers",
        )
    keep = ~(out_country | out_period).to_numpy(dtype=bool)
    rows, lines = rows[keep].reset_index(drop=True), lines[keep]
    rows["row_id"] = [f"{prefix}-{i:04d}" for i in range(1, len(rows) + 1)]
    out = validate_with_lines(DISPLACEMENT, rows, source=source, lines=lines, earlier=problems)
    out.attrs["attribution"] = attribution
    out.attrs["source"] = {"file": source, "text": attribution}
    return out


def _prefix(name: str) -> str:
    stem = Path(name.split("!")[-1]).stem or "table"
    return re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-")[:40] or "table"


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
        Publication date of the report.
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
        A missing ``metric``/``unit``/``publisher``/``source_url``, or a layout
        that cannot be worked out.
    SchemaError
        Unknown provinces (with the closest spellings), unparseable dates or
        numbers, named by row and column.
    """
    check_choice(layout, ["auto", "long", "wide", "wide_by_date"], name="layout")
    if metric is not None:
        check_choice(metric, METRICS, name="metric")
    if unit is not None:
        check_choice(unit, UNITS, name="unit")
    if country is not None:
        check_choice(country, ["THA", "KHM"], name="country")
    raw = load_raw(
        path_or_buffer, encoding=encoding, member=member, expected="a displacement table"
    )
    frame = to_frame(raw, sheet=sheet)
    source = raw.name
    cols = list(frame.columns)
    province_col = _find(cols, _PROVINCE_COLS)
    date_col = _find(cols, _DATE_COLS)
    meta_cols = {
        c
        for c in (
            province_col,
            date_col,
            _find(cols, ["country", "iso3"]),
            _find(cols, ["metric"]),
            _find(cols, ["unit"]),
            _find(cols, ["publisher"]),
            _find(cols, ["source_url", "url"]),
            _find(cols, ["source_date"]),
            _find(cols, ["notes", "note"]),
            _find(cols, ["admin1_code", "admin1_pcode", "pcode"]),
        )
        if c is not None
    }
    rest = [c for c in cols if c not in meta_cols]
    header_dates = parse_dates(pd.Series(rest, dtype="object"))
    date_headers = [c for c, d in zip(rest, header_dates, strict=True) if pd.notna(d)]
    header_codes = province_codes(pd.Series(rest, dtype="object"), country=country)
    province_headers = [c for c, code in zip(rest, header_codes, strict=True) if pd.notna(code)]
    value_cols = [c for c in rest if _key(c) in _UNIT_WORDS]
    if layout == "auto":
        if province_col and date_col and value_cols:
            layout = "long"
        elif province_col and date_headers:
            layout = "wide"
        elif date_col and province_headers:
            layout = "wide_by_date"
        else:
            raise ParameterError(
                f"layout='auto' cannot read {source}: expected a province column and a date column with "
                "value columns (long), a province column with one column per date (wide), or a date column "
                f"with one column per province (wide_by_date). Columns found: {', '.join(map(str, cols))}."
            )
    lines = np.arange(len(frame)) + 2
    problems = Problems(source)
    index = frame.index

    def constant(value: object) -> pd.Series:
        return pd.Series(value, index=index, dtype="object")

    # One _Part per value column: where its dates, provinces and values come from.
    parts: list[_Part] = []
    if layout == "long":
        missing = [
            n
            for n, c in (
                ("province", province_col),
                ("date", date_col),
                ("value (people, families, households or value)", value_cols),
            )
            if not c
        ]
        if missing:
            raise SchemaError(
                f"{source}: missing column(s) for the long layout: {', '.join(missing)}.",
                problems=[f"missing column {m}" for m in missing],
                source=source,
            )
        for col in value_cols:
            parts.append(
                _Part(
                    col,
                    frame[date_col],
                    date_col or "date",
                    frame[province_col],
                    frame[col],
                    _UNIT_WORDS[_key(col)],
                )
            )
    elif layout == "wide":
        if not (province_col and date_headers):
            raise SchemaError(
                f"{source}: the wide layout needs a province column and one column per date; "
                f"found {', '.join(map(str, cols))}.",
                source=source,
            )
        for col in rest:
            if col not in date_headers:
                problems.add(
                    f"header {col!r} is not a date; expected e.g. '2025-07-26' or '26 July 2025'",
                    row=1,
                    column=str(col),
                )
        for col in date_headers:
            parts.append(_Part(col, constant(col), col, frame[province_col], frame[col], None))
    else:
        if not (date_col and province_headers):
            raise SchemaError(
                f"{source}: the wide_by_date layout needs a date column and one column per province; "
                f"found {', '.join(map(str, cols))}.",
                source=source,
            )
        for col in rest:
            if col not in province_headers:
                problems.add(
                    f"header {col!r} is not a Thai or Cambodian province", row=1, column=str(col)
                )
        for col in province_headers:
            parts.append(_Part(col, frame[date_col], date_col, constant(col), frame[col], None))

    unit_col = _find(cols, ["unit"])
    metric_col = _find(cols, ["metric"])
    publisher_col = _find(cols, ["publisher"])
    url_col = _find(cols, ["source_url", "url"])
    country_col = _find(cols, ["country", "iso3"])
    source_date_col = _find(cols, ["source_date"])
    notes_col = _find(cols, ["notes", "note"])
    code_col = _find(cols, ["admin1_code", "admin1_pcode", "pcode"])
    _require(metric, metric_col, name="metric", allowed=f"Allowed: {', '.join(METRICS)}.")
    _require(
        publisher,
        publisher_col,
        name="publisher",
        allowed="E.g. publisher='Thai Ministry of Interior'.",
    )
    _require(source_url, url_col, name="source_url", allowed="The URL of the situation report.")
    if unit is None and unit_col is None and not any(p.unit for p in parts):
        raise ParameterError(
            f"unit= is required for {source}: no column says whether it counts people or "
            f"families. Allowed: {', '.join(UNITS)}."
        )
    if source_date is not None:
        try:
            published = pd.Timestamp(source_date).strftime("%Y-%m-%d")
        except (TypeError, ValueError):
            raise ParameterError(
                f"source_date={source_date!r} is not a date; use 'YYYY-MM-DD'."
            ) from None
    else:
        published = None

    shared = pd.DataFrame(index=index)
    shared["metric"] = metric if metric is not None else frame[metric_col]
    shared["publisher"] = publisher if publisher is not None else frame[publisher_col]
    shared["source_url"] = source_url if source_url is not None else frame[url_col]
    shared["country"] = (
        country
        if country is not None
        else (country_from_name(frame[country_col]) if country_col else pd.NA)
    )
    shared["source_date"] = (
        published
        if published is not None
        else (
            parse_dates(frame[source_date_col]).dt.strftime("%Y-%m-%d")
            if source_date_col
            else pd.NA
        )
    )
    shared["notes"] = frame[notes_col] if notes_col else pd.NA
    if code_col and layout != "wide_by_date":
        shared["admin1_pcode"] = frame[code_col]

    records = []
    reported: set[tuple[int, str]] = set()
    for part in parts:
        numbers, bad = _numbers(part.values)
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
                    f"{part.dates.iloc[pos]!r} is not a date; expected e.g. '2025-07-26' or '26 July 2025'",
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
        records.append(record[keep])
    rows = pd.concat(records, ignore_index=True)
    if rows.empty:
        problems.raise_if_any()
        raise DataSourceError(f"{source}: no figures found (every value cell is empty).")
    if not keep_totals:
        total = rows["admin1"].map(
            lambda v: isinstance(v, str) and _key(v).replace("_", "") in _TOTALS
        )
        rows = rows[~total.to_numpy(dtype=bool)]
    row_lines = rows.pop("_line").to_numpy()
    attribution = f"{publisher or 'publisher as listed per row'}; table {Path(source).name}"
    return _finish(
        rows,
        source=source,
        lines=row_lines,
        prefix=row_id_prefix or _prefix(source),
        problems=problems,
        attribution=attribution,
        admin1_column=province_col or "province",
    )


@dataclass
class _Part:
    """One value column of a displacement table and where its dates and provinces are."""

    column: str
    dates: pd.Series
    date_column: str
    provinces: pd.Series
    values: pd.Series
    unit: str | None


_DTM = {
    "level": ("adminLevel", "admin_level", "#adm+level"),
    "admin0_name": ("admin0Name", "admin0_name", "#country+name"),
    "admin2": ("admin2Name", "admin2_name", "#adm2+name"),
    "admin2_pcode": ("admin2Pcode", "admin2_pcode", "#adm2+code"),
    "country": ("admin0Pcode", "admin0_pcode", "admin0Name", "admin0_name", "country", "iso3", "#country+code"),
    "admin1": ("admin1Name", "admin1_name", "admin_1", "admin1", "province", "#adm1+name"),
    "admin1_pcode": ("admin1Pcode", "admin1_pcode", "#adm1+code"),
    "date": ("reportingDate", "reporting_date", "date", "as_of", "#date+reported", "#date"),
    "people": ("numPresentIdpInd", "num_present_idp_ind", "idps_individuals", "idp_individuals", "individuals",
               "#affected+idps+ind"),
    "households": ("numPresentIdpHh", "num_present_idp_hh", "idps_households", "idp_households", "households",
                   "#affected+idps+hh"),
}  # fmt: skip


def read_dtm(
    path_or_buffer: Source,
    *,
    country: str | None = None,
    metric: str = "displaced_total",
    publisher: str = "IOM Displacement Tracking Matrix (DTM)",
    source_url: str = DTM_URL,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    member: str | None = None,
    row_id_prefix: str | None = None,
    level: int = 1,
) -> pd.DataFrame:
    """Read an IOM DTM admin-1 table into the displacement schema.

    Parameters
    ----------
    path_or_buffer : str, Path or file-like
        A DTM table: the DTM API's admin-1 layout (``admin0Pcode``,
        ``admin1Name``, ``admin1Pcode``, ``reportingDate``,
        ``numPresentIdpInd``, ...), as CSV, zipped CSV, Excel or JSON (a list
        of records, or the API v2 reply ``{"result": [...]}``), with or
        without the HXL hashtag row of the copies on HDX. HDX's "Global IOM
        DTM from API" files hold admin levels 0, 1 and 2 together (column
        ``adminLevel``) and many countries: one level is read, and only
        Thailand and Cambodia; every other row is counted in a warning.
    country : {"THA", "KHM"}, optional
        Keep this country only.
    metric : str, default "displaced_total"
        What the figures count (DTM's "IDPs present").
    publisher, source_url : str
        Credited on every row.
    encoding, sheet, member, row_id_prefix
        As in :func:`read_displacement_table`.
    level : {0, 1, 2}, default 1
        The admin level to read when the file holds several (never mixed:
        a national total, its provinces and their districts count the same
        people three times). Level 0 rows are national totals (``admin1``
        empty); level 2 rows keep their province in ``admin1`` and name the
        district in ``notes``.

    Returns
    -------
    pandas.DataFrame
        In :data:`scamgeo.schema.DISPLACEMENT`; individuals give ``unit``
        "people", households "households" (one row each).

    Raises
    ------
    SchemaError
        Missing DTM columns (all listed), bad dates or numbers (row and column).

    Warns
    -----
    UserWarning
        When rows of other countries, of other admin levels, or dates
        outside the schema's period are left out (one warning, with counts).
    """
    check_choice(metric, METRICS, name="metric")
    if level not in (0, 1, 2) or isinstance(level, bool):
        raise ParameterError(
            f"level={level!r} is not allowed. Allowed: 0 (national), 1 (province), 2 (district)."
        )
    if country is not None:
        check_choice(country, ["THA", "KHM"], name="country")
    raw = load_raw(path_or_buffer, encoding=encoding, member=member, expected="an IOM DTM table")
    frame = to_frame(raw, sheet=sheet)
    offset = 1 if raw.kind == "json" else 2
    if len(frame) and str(
        frame.iloc[0].dropna().iloc[0] if frame.iloc[0].notna().any() else ""
    ).startswith("#"):
        frame = frame.iloc[1:]  # the HXL hashtag row of HDX copies
        offset += 1
    frame = frame.reset_index(drop=True)
    cols = list(frame.columns)
    found = {k: _find(cols, v) for k, v in _DTM.items()}
    missing = [k for k in ("country", "admin1", "date") if found[k] is None]
    if found["people"] is None and found["households"] is None:
        missing.append("people (numPresentIdpInd) or households")
    if missing:
        raise SchemaError(
            f"{raw.name}: not a DTM admin-1 table: missing column(s) for {', '.join(missing)}. Expected DTM's "
            "columns admin0Pcode, admin1Name, admin1Pcode, reportingDate, numPresentIdpInd.",
            problems=[f"missing column {m}" for m in missing],
            source=raw.name,
        )
    lines = np.arange(len(frame)) + offset
    problems = Problems(raw.name)
    left = LeftOut(raw.name)
    # Rows read are decided first, on distinct values only (a global file holds
    # tens of thousands of rows of other countries): country, then admin level.
    raw_country = text_cells(frame[found["country"]])
    iso = country_from_name(raw_country)
    shown = text_cells(frame[found["admin0_name"]]) if found["admin0_name"] else raw_country
    outside = np.array(raw_country.notna() & ~iso.isin(["THA", "KHM"]).fillna(False), dtype=bool)
    left.add(
        outside,
        "because the displacement schema covers Thailand and Cambodia only",
        labels=shown.fillna(raw_country),
    )
    keep = ~outside
    if country is not None:
        other = keep & iso.ne(country).fillna(False).to_numpy(dtype=bool)
        left.add(other, f"outside country={country!r}", labels=iso)
        keep &= ~other
    levels = _dtm_levels(frame, found)
    present = sorted(int(v) for v in pd.unique(levels[keep]) if v >= 0)
    if len(present) and level not in present:
        raise ParameterError(
            f"level={level} has no Thai or Cambodian rows in {raw.name}; the levels there are "
            f"{', '.join(map(str, present))}: pass level= one of them."
        )
    other_level = keep & (levels != level)
    if other_level.any():
        labels = pd.Series(np.where(levels < 0, "unknown", levels.astype(str)), index=frame.index)
        left.add(
            other_level,
            f"at another admin level than level={level} (levels are never mixed; pass level= "
            "to read another)",
            labels="level " + labels,
        )
        keep &= ~other_level
    frame, lines, iso = frame[keep].reset_index(drop=True), lines[keep], iso[keep]
    iso = iso.reset_index(drop=True)
    dates = parse_dates(frame[found["date"]])
    for pos in np.flatnonzero((dates.isna() & frame[found["date"]].notna()).to_numpy()):
        problems.add(
            f"{frame[found['date']].iloc[pos]!r} is not a date",
            row=int(lines[pos]),
            column=found["date"],
        )
    admin1 = frame[found["admin1"]].astype("string")
    notes = pd.Series(pd.NA, index=frame.index, dtype="string")
    if level == 0:
        admin1 = pd.Series(pd.NA, index=frame.index, dtype="string")
    elif level == 2 and found["admin2"]:
        notes = ("admin2: " + frame[found["admin2"]].astype("string")).astype("string")
    parts = []
    for unit_name, key in (("people", "people"), ("households", "households")):
        col = found[key]
        if col is None:
            continue
        numbers, bad = _numbers(frame[col])
        for pos in np.flatnonzero(bad.to_numpy(dtype=bool)):
            problems.add(
                f"{frame[col].iloc[pos]!r} is not a whole number", row=int(lines[pos]), column=col
            )
        keep = numbers.notna() & ~bad
        parts.append(
            pd.DataFrame(
                {
                    "as_of": dates.dt.strftime("%Y-%m-%d"),
                    "country": iso,
                    "admin1": admin1,
                    "admin1_pcode": frame[found["admin1_pcode"]]
                    if found["admin1_pcode"] and level > 0
                    else pd.NA,
                    "metric": metric,
                    "value": numbers.astype("Int64").astype("string"),
                    "unit": unit_name,
                    "publisher": publisher,
                    "source_url": source_url,
                    "source_date": pd.NA,
                    "notes": notes,
                    "_line": lines,
                }
            )[keep.to_numpy(dtype=bool)]
        )
    rows = pd.concat(parts, ignore_index=True)
    line_numbers = rows.pop("_line").to_numpy()
    left.warn(stacklevel=2)
    return _finish(
        rows,
        source=raw.name,
        lines=line_numbers,
        prefix=row_id_prefix or f"DTM-{_prefix(raw.name)}",
        problems=problems,
        attribution=f"{publisher}, {source_url}; table {Path(raw.name).name}",
        admin1_column=found["admin1"] or "admin1",
    )


def _dtm_levels(frame: pd.DataFrame, found: dict[str, str | None]) -> np.ndarray:
    """Admin level of each row: DTM's ``adminLevel``, else inferred (-1 when unknown).

    Without the column, a row naming a district is level 2, one naming only a
    province level 1, one naming neither level 0 (a national figure).
    """
    if found["level"] is not None:
        values = pd.to_numeric(text_cells(frame[found["level"]]), errors="coerce")
        return values.fillna(-1).astype(int).to_numpy()
    has2 = (
        text_cells(frame[found["admin2"]]).notna().to_numpy(dtype=bool)
        if found["admin2"]
        else np.zeros(len(frame), dtype=bool)
    )
    has1 = np.array(text_cells(frame[found["admin1"]]).notna(), dtype=bool)
    if found["admin1_pcode"]:
        has1 |= text_cells(frame[found["admin1_pcode"]]).notna().to_numpy(dtype=bool)
    return np.where(has2, 2, np.where(has1, 1, 0))


# --- HDX ----------------------------------------------------------------------


def _hdx_modules() -> tuple[Any, Any]:
    try:
        from hdx.api.configuration import Configuration
        from hdx.data.dataset import Dataset
    except ImportError:
        raise DataSourceError(
            "reading from HDX needs the optional package hdx-python-api: `pip install hdx-python-api`."
        ) from None
    return Configuration, Dataset


def _hdx_configure(configuration: Any, *, site: str, user_agent: str) -> None:
    try:
        configuration.read()
    except Exception:  # not created yet: hdx raises its ConfigurationError
        configuration.create(hdx_site=site, user_agent=user_agent, hdx_read_only=True)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned[:120] or "resource"


def _cached_resources(folder: Path) -> list[dict[str, Any]]:
    metas = []
    for meta_path in sorted(folder.glob("*.meta.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if (folder / meta.get("file", "")).is_file():
            metas.append(meta)
    return metas


def fetch_hdx(
    dataset: str,
    *,
    resource: str | None = None,
    user_agent: str | None = None,
    hdx_site: str = "prod",
    refresh: bool = False,
    timeout_s: float | tuple[float, float] | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
) -> Path:
    """Download one resource of an HDX dataset into the cache; return its path.

    Parameters
    ----------
    dataset : str
        The dataset's name on HDX (the last part of its URL), e.g.
        ``"cambodia-displacement-2025"``.
    resource : str, optional
        The resource's name (exact, or a unique case-insensitive part of it);
        needed when the dataset has several.
    user_agent : str, optional
        Sent to HDX (default ``scamgeo/<version> ...``).
    hdx_site : str, default "prod"
        HDX site for ``hdx-python-api``.
    refresh : bool, default False
        Download again even if the resource is in the cache.
    timeout_s, max_retries, backoff_s
        HTTP settings of the download.

    Returns
    -------
    pathlib.Path
        ``config.cache_dir/hdx/<dataset>/<file>``, with ``<file>.meta.json``
        beside it (resource URL, access date, sha256, licence, attribution).

    Raises
    ------
    DataSourceError
        ``hdx-python-api`` missing (install it with ``pip install
        hdx-python-api``), unknown dataset, or a failed download.
    ParameterError
        ``resource`` missing or ambiguous (the message lists the resources).
    """
    folder = Path(config.cache_dir) / "hdx" / _safe_name(dataset)
    if not refresh and folder.is_dir():
        cached = _cached_resources(folder)
        hits = [m for m in cached if resource is None or m.get("resource_name") == resource]
        if len(hits) == 1 or (resource is not None and hits):
            logger.info("HDX: using the cached %s", folder / hits[-1]["file"])
            return folder / hits[-1]["file"]
    configuration, dataset_cls = _hdx_modules()
    agent = user_agent or USER_AGENT
    _hdx_configure(configuration, site=hdx_site, user_agent=agent)
    try:
        found = dataset_cls.read_from_hdx(dataset)
        resources = list(found.get_resources()) if found else []
    except Exception as exc:  # hdx-python-api raises its own HDXError on network failures
        raise DataSourceError(
            f"HDX: could not read the dataset {dataset!r} ({type(exc).__name__}: {exc})."
        ) from None
    if not found:
        raise DataSourceError(
            f"HDX: no dataset called {dataset!r} on {hdx_site} (see {HDX_URL}/dataset/{dataset})."
        )
    names = [str(r.get("name") or "") for r in resources]
    if resource is None:
        if len(resources) != 1:
            raise ParameterError(
                f"dataset {dataset!r} has {len(resources)} resources; pass resource= one of "
                f"{', '.join(repr(n) for n in names)}."
            )
        chosen = resources[0]
    else:
        exact = [r for r, n in zip(resources, names, strict=True) if n == resource]
        part = [r for r, n in zip(resources, names, strict=True) if resource.lower() in n.lower()]
        pool = exact or part
        if len(pool) != 1:
            what = "matches no" if not pool else "matches several"
            raise ParameterError(
                f"resource={resource!r} {what} resource of {dataset!r}. Resources: {', '.join(repr(n) for n in names)}."
            )
        chosen = pool[0]
    url = chosen.get("url") or chosen.get("download_url")
    if not url:
        raise DataSourceError(
            f"HDX: resource {chosen.get('name')!r} of {dataset!r} has no download URL."
        )
    filename = _safe_name(str(chosen.get("name") or Path(url).name))
    if not Path(filename).suffix and Path(safe_url(url)).suffix:
        filename += Path(safe_url(url)).suffix
    dest = folder / filename
    digest = download(
        url,
        dest,
        what=f"HDX download of {dataset!r}",
        headers={"User-Agent": agent},
        timeout=timeout_s,
        max_retries=max_retries,
        backoff_s=backoff_s,
    )
    organisation = found.get("organization")
    org = (
        organisation.get("title")
        if isinstance(organisation, Mapping)
        else found.get("dataset_source")
    )
    title = found.get("title") or dataset
    licence = found.get("license_title") or "see the dataset page"
    access_date = today()
    attribution = (
        f"{org or 'HDX contributor'}: {title} ({licence}), via the Humanitarian Data Exchange, "
        f"{HDX_URL}/dataset/{dataset}, accessed {access_date}."
    )
    meta = {
        "dataset": dataset,
        "dataset_title": title,
        "organisation": org,
        "licence": licence,
        "resource_name": chosen.get("name"),
        "resource_url": safe_url(url),
        "file": filename,
        "access_date": access_date,
        "sha256": digest,
        "hdx_site": hdx_site,
        "attribution": attribution,
    }
    atomic_write_text(
        folder / f"{filename}.meta.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    )
    return dest


def load_hdx_displacement(
    dataset: str,
    *,
    resource: str | None = None,
    kind: str = "auto",
    user_agent: str | None = None,
    refresh: bool = False,
    **read_options: Any,
) -> pd.DataFrame:
    """Download (or reuse) an HDX resource and read it into the displacement schema.

    Parameters
    ----------
    dataset, resource, user_agent, refresh
        As in :func:`fetch_hdx`.
    kind : {"auto", "dtm", "table"}, default "auto"
        Read with :func:`read_dtm` or :func:`read_displacement_table`
        (``auto``: DTM if the file has DTM's columns).
    **read_options
        Passed to the reader (e.g. ``metric=``, ``unit=``, ``country=``).

    Returns
    -------
    pandas.DataFrame
        In :data:`scamgeo.schema.DISPLACEMENT`; ``.attrs["attribution"]``
        credits the dataset's organisation, its licence and HDX.
    """
    check_choice(kind, ["auto", "dtm", "table"], name="kind")
    path = fetch_hdx(dataset, resource=resource, user_agent=user_agent, refresh=refresh)
    meta_path = path.with_name(f"{path.name}.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    if kind == "auto":
        raw = load_raw(path, expected="a displacement table")
        head = (
            to_frame(raw).columns
            if raw.kind != "excel"
            else to_frame(raw, sheet=read_options.get("sheet")).columns
        )
        kind = "dtm" if _find(head, _DTM["people"]) or _find(head, _DTM["households"]) else "table"
    if kind == "dtm":
        out = read_dtm(path, **read_options)
    else:
        read_options.setdefault("source_url", f"{HDX_URL}/dataset/{dataset}")
        read_options.setdefault("publisher", meta.get("organisation") or "HDX")
        out = read_displacement_table(path, **read_options)
    out.attrs["attribution"] = meta.get("attribution", f"HDX dataset {dataset}")
    out.attrs["source"] = {**meta, "file": str(path), "text": out.attrs["attribution"]}
    return out
