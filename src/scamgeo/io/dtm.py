"""IOM Displacement Tracking Matrix (DTM) tables, as the DTM API and HDX publish them.

:func:`read_dtm` reads the DTM API's admin-1 layout (CSV, zipped CSV, Excel, or
JSON: a list of records or the API v2 reply ``{"result": [...]}``), with or
without the HXL hashtag row of the copies on HDX, into
:data:`scamgeo.schema.DISPLACEMENT`. HDX's global files hold many countries
and admin levels 0, 1 and 2 together: one level is read, only Thailand and
Cambodia, and every other row is counted in one :class:`RowsLeftOut` warning.

It works in steps, each a small function below: check the options
(:func:`_check_options`); count and drop the HXL row (:func:`structural_rows`); find
DTM's columns (:func:`_find_columns`); choose the rows by country
(:func:`_rows_in_scope`), then by admin level (:func:`_rows_at_level`), on
distinct values only (a global file holds tens of thousands of rows of other
countries); parse dates and places (:func:`_dates`, :func:`_places`); assemble
one row per figure (:func:`_figures`); then resolve provinces and validate
(:func:`scamgeo.io._displacement_rows.finish`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import ParameterError, SchemaError
from .._validate import Problems, check_choice
from ..vocab import DISPLACEMENT_METRICS
from ._checks import text_cells
from ._dates import parse_dates
from ._displacement_names import SCOPE, find_column
from ._displacement_rows import finish, row_prefix, whole_numbers
from ._events import country_from_name
from ._hapi import from_hapi
from ._leftout import LeftOut, structural_rows
from ._raw import Source, load_raw
from ._tables import to_frame

__all__ = ["DTM_COLUMNS", "DTM_URL", "read_dtm"]

#: Landing page used as ``source_url`` of DTM rows without one.
DTM_URL = "https://dtm.iom.int/"

#: DTM's column names (API, snake case, HDX's HXL tags) of each field a DTM table holds.
DTM_COLUMNS = {
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

#: The figures a DTM table may hold: (unit, field of :data:`DTM_COLUMNS`).
_FIGURES = (("people", "people"), ("households", "households"))


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
        HDX HAPI's IDP table (``hdx_hapi_idps_*.csv`` or the API's
        ``affected-people/idps`` rows: ``location_code``, ``admin1_code``,
        ``population``, ``reference_period_end``, ...) is read the same way
        (``population`` is DTM's IDPs present, in people; a figure under an
        "Unspecified" district is a province figure). HAPI's returnees
        table (refugees returning across a border) is refused with a
        :class:`~scamgeo.DataSourceError` that says what to read instead.
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
    _check_options(metric=metric, level=level, country=country)
    raw = load_raw(path_or_buffer, encoding=encoding, member=member, expected="an IOM DTM table")
    left = LeftOut(raw.name)
    frame = to_frame(raw, sheet=sheet, left=left)
    lines = np.arange(len(frame)) + (1 if raw.kind in ("json", "geo") else 2)
    skip = structural_rows(frame, lines, left)  # HDX's HXL row, repeated headers
    frame, lines = frame[~skip].reset_index(drop=True), lines[~skip]
    frame = from_hapi(frame, source=raw.name)  # HDX HAPI's IDP table: DTM's figures renamed
    found = _find_columns(frame, source=raw.name)
    problems = Problems(raw.name)
    keep, iso = _rows_in_scope(frame, found, country=country, left=left)
    keep = _rows_at_level(frame, found, keep, level=level, left=left, source=raw.name)
    frame, lines, iso = frame[keep].reset_index(drop=True), lines[keep], iso[keep]
    iso = iso.reset_index(drop=True)
    dates = _dates(frame, found, lines=lines, problems=problems)
    admin1, notes = _places(frame, found, level=level)
    rows = _figures(
        frame,
        found,
        shared={
            "as_of": dates.dt.strftime("%Y-%m-%d"),
            "country": iso,
            "admin1": admin1,
            "admin1_pcode": frame[found["admin1_pcode"]]
            if found["admin1_pcode"] and level > 0
            else pd.NA,
            "metric": metric,
            "publisher": publisher,
            "source_url": source_url,
            "notes": notes,
        },
        lines=lines,
        problems=problems,
    )
    line_numbers = rows.pop("_line").to_numpy()
    left.warn(stacklevel=2)
    return finish(
        rows,
        source=raw.name,
        lines=line_numbers,
        prefix=row_id_prefix or f"DTM-{row_prefix(raw.name)}",
        problems=problems,
        attribution=f"{publisher}, {source_url}; table {Path(raw.name).name}",
        admin1_column=found["admin1"] or "admin1",
    )


# --- check --------------------------------------------------------------------------------


def _check_options(*, metric: str, level: int, country: str | None) -> None:
    """Refuse a metric, admin level or country scamgeo does not know (ParameterError)."""
    check_choice(metric, DISPLACEMENT_METRICS, name="metric")
    if level not in (0, 1, 2) or isinstance(level, bool):
        raise ParameterError(
            f"level={level!r} is not allowed. Allowed: 0 (national), 1 (province), 2 (district)."
        )
    if country is not None:
        check_choice(country, SCOPE, name="country")


def _find_columns(frame: pd.DataFrame, *, source: str) -> dict[str, str | None]:
    """Each field of :data:`DTM_COLUMNS` and the column holding it (None if absent).

    Raises
    ------
    SchemaError
        Listing every missing field among country, admin1, date and a figure.
    """
    cols = list(frame.columns)
    found = {k: find_column(cols, v) for k, v in DTM_COLUMNS.items()}
    missing = [k for k in ("country", "admin1", "date") if found[k] is None]
    if found["people"] is None and found["households"] is None:
        missing.append("people (numPresentIdpInd) or households")
    if missing:
        raise SchemaError(
            f"{source}: not a DTM admin-1 table: missing column(s) for {', '.join(missing)}. Expected DTM's "
            "columns admin0Pcode, admin1Name, admin1Pcode, reportingDate, numPresentIdpInd.",
            problems=[f"missing column {m}" for m in missing],
            source=source,
        )
    return found


# --- rows read ------------------------------------------------------------------------------


def _rows_in_scope(
    frame: pd.DataFrame, found: dict[str, str | None], *, country: str | None, left: LeftOut
) -> tuple[np.ndarray, pd.Series]:
    """(rows kept, ISO3 code of each row): other countries and ``country=`` counted in ``left``."""
    raw_country = text_cells(frame[found["country"]])
    iso = country_from_name(raw_country)
    shown = text_cells(frame[found["admin0_name"]]) if found["admin0_name"] else raw_country
    outside = np.array(raw_country.notna() & ~iso.isin(list(SCOPE)).fillna(False), dtype=bool)
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
    return keep, iso


def _levels(frame: pd.DataFrame, found: dict[str, str | None]) -> np.ndarray:
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


def _rows_at_level(
    frame: pd.DataFrame,
    found: dict[str, str | None],
    keep: np.ndarray,
    *,
    level: int,
    left: LeftOut,
    source: str,
) -> np.ndarray:
    """The rows of ``keep`` at admin ``level``; those at other levels counted in ``left``.

    Raises
    ------
    ParameterError
        When the rows kept have admin levels, none of them ``level``.
    """
    levels = _levels(frame, found)
    present = sorted(int(v) for v in pd.unique(levels[keep]) if v >= 0)
    if len(present) and level not in present:
        raise ParameterError(
            f"level={level} has no Thai or Cambodian rows in {source}; the levels there are "
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
    return keep


# --- assemble -------------------------------------------------------------------------------


def _dates(
    frame: pd.DataFrame, found: dict[str, str | None], *, lines: np.ndarray, problems: Problems
) -> pd.Series:
    """The reporting date of each row; a cell that is not a date goes to ``problems``."""
    column = found["date"]
    assert column is not None  # checked by _find_columns
    dates = parse_dates(frame[column])
    for pos in np.flatnonzero((dates.isna() & frame[column].notna()).to_numpy()):
        problems.add(
            f"{frame[column].iloc[pos]!r} is not a date", row=int(lines[pos]), column=column
        )
    return dates


def _places(
    frame: pd.DataFrame, found: dict[str, str | None], *, level: int
) -> tuple[pd.Series, pd.Series]:
    """(admin1, notes): no province at level 0; the district named in the notes at level 2."""
    admin1 = frame[found["admin1"]].astype("string")
    notes = pd.Series(pd.NA, index=frame.index, dtype="string")
    if level == 0:
        admin1 = pd.Series(pd.NA, index=frame.index, dtype="string")
    elif level == 2 and found["admin2"]:
        notes = ("admin2: " + frame[found["admin2"]].astype("string")).astype("string")
    return admin1, notes


def _figures(
    frame: pd.DataFrame,
    found: dict[str, str | None],
    *,
    shared: dict[str, object],
    lines: np.ndarray,
    problems: Problems,
) -> pd.DataFrame:
    """One row per figure (people, households) with its file line in ``_line``.

    Empty figures give no row; a figure that is not a whole number goes to ``problems``.
    """
    parts = []
    for unit_name, key in _FIGURES:
        col = found[key]
        if col is None:
            continue
        numbers, bad = whole_numbers(frame[col])
        for pos in np.flatnonzero(bad.to_numpy(dtype=bool)):
            problems.add(
                f"{frame[col].iloc[pos]!r} is not a whole number", row=int(lines[pos]), column=col
            )
        keep = numbers.notna() & ~bad
        part = pd.DataFrame(
            {
                "as_of": shared["as_of"],
                "country": shared["country"],
                "admin1": shared["admin1"],
                "admin1_pcode": shared["admin1_pcode"],
                "metric": shared["metric"],
                "value": numbers.astype("Int64").astype("string"),
                "unit": unit_name,
                "publisher": shared["publisher"],
                "source_url": shared["source_url"],
                "source_date": pd.NA,
                "notes": shared["notes"],
                "_line": lines,
            }
        )
        parts.append(part[keep.to_numpy(dtype=bool)])
    return pd.concat(parts, ignore_index=True)
