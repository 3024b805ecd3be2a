"""Dates in the cells of raw tables, in the forms third-party files write them.

Private plumbing of :mod:`scamgeo.io` (re-exported by ``_tables``). This is
not :mod:`scamgeo._time`, on purpose: ``_time`` reads date *arguments* by the
command line's strict rules (ISO dates only), while a file's cells come as
their publisher wrote them ("16 May 2025", "9-May-20", "09/05/2020", Excel
serials), so a whole column is parsed here, its day/month order inferred from
all its cells, and every cell that is no date is left NaT with a hint that says
which ``date_format=`` would read it. An instant with a zone (``…Z``,
``+07:00``) is read by ``_time``'s one rule: its Asia/Bangkok date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._time import aware_text_mask, local_dates
from ._checks import arrow_text, factorize

__all__ = ["DATE_FORMATS", "EXCEL_FORMATS", "parse_date_column", "parse_dates"]

#: Date layouts accepted in date columns, tried in this order. Day-month-year
#: with slashes is left out on purpose: "05/06/2025" is ambiguous.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d",
)


def parse_dates(
    values: pd.Series, formats: Sequence[str] = DATE_FORMATS, *, excel_serial: bool = False
) -> pd.Series:
    """Parse text dates trying each format in turn; NaT where none fits.

    With ``excel_serial``, five-digit whole numbers between 20000 and 60000
    (1954–2064) are read as Excel serial dates, as a CSV re-saved from Excel
    with the date cells formatted as numbers holds them.

    Returns a ``datetime64[ns]`` Series (times of day dropped), indexed like ``values``.
    """
    return parse_date_column(
        values, formats=formats, excel_serial=excel_serial, numeric_orders=False
    )[0]


#: Two-digit-year and month-name forms written by Excel when it re-saves a CSV
#: ("9-May-20"), tried after :data:`DATE_FORMATS`.
EXCEL_FORMATS = ("%d-%b-%y", "%d-%B-%y", "%d %b %y", "%d-%b-%Y")

#: Candidates tried only to suggest a ``date_format=`` in a refusal.
_SUGGEST = (
    "%d.%m.%Y", "%Y.%m.%d", "%d-%m-%Y", "%m-%d-%Y", "%Y%m%d", "%d/%m/%Y", "%m/%d/%Y",
    "%d/%m/%y", "%m/%d/%y", "%B %d, %Y", "%b %d, %Y", "%d %B, %Y", "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S",
)  # fmt: skip

_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?:[ T].*)?$")


def _aware_cells(uniq: pd.Series, parsed: pd.Series) -> np.ndarray:
    """Fill ``parsed`` where a cell is an instant with a zone (its Bangkok date, by ``_time``'s
    one rule); return which cells were."""
    aware = aware_text_mask(uniq)
    if aware.any():
        parsed.iloc[np.flatnonzero(aware)] = local_dates(uniq[aware]).to_numpy()
    return aware


def parse_date_column(
    values: pd.Series,
    *,
    formats: Sequence[str] = DATE_FORMATS,
    date_format: str | None = None,
    excel_serial: bool = False,
    numeric_orders: bool = True,
) -> tuple[pd.Series, str]:
    """Parse a whole date column; return the dates and, for cells left NaT, what to do.

    Tried in turn, on the distinct values only: ``date_format`` (if given),
    ``formats``, the forms Excel writes when it re-saves a CSV ("9-May-20"),
    numeric dates with slashes ("09/05/2020", "5/9/20") whose day/month order
    is inferred from the whole column (a first number above 12 means day
    first, a second number above 12 month first; when no cell decides, the
    cells are left NaT and the hint names both ``date_format=`` values), and
    with ``excel_serial`` Excel serial numbers (five digits, 1954–2064).
    ``numeric_orders=False`` leaves out the Excel forms and the inferred
    numeric orders (readers of tables whose dates are always ISO or spelled out).

    Returns
    -------
    (pandas.Series, str)
        ``datetime64[ns]`` dates (times of day dropped) indexed like
        ``values``; and a hint for the cells that are not dates: the exact
        ``date_format=`` to pass when one fits them all, else the forms accepted.
    """
    codes, uniques = _distinct(values)
    uniq = pd.Series(np.asarray(uniques, dtype=object), dtype="object").astype(str).str.strip()
    parsed = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    todo = uniq.ne("").to_numpy(dtype=bool).copy()
    hint = ""

    def attempt(fmt: str) -> None:
        nonlocal todo
        if not todo.any():
            return
        got = pd.to_datetime(uniq[todo], format=fmt, errors="coerce")
        hit = got.notna().to_numpy(dtype=bool)
        if hit.any():
            idx = np.flatnonzero(todo)[hit]
            parsed.iloc[idx] = got[hit].to_numpy(dtype="datetime64[ns]")
            todo[idx] = False

    todo &= ~_aware_cells(uniq, parsed)
    excel = list(EXCEL_FORMATS) if numeric_orders else []
    for fmt in ([date_format] if date_format else []) + list(formats) + excel:
        attempt(fmt)
    if todo.any() and numeric_orders:
        parts = uniq[todo].str.extract(_SLASHED)
        slashed = parts[0].notna()
        if slashed.any():
            a = pd.to_numeric(parts.loc[slashed, 0])
            b = pd.to_numeric(parts.loc[slashed, 1])
            long_year = parts.loc[slashed, 2].str.len().eq(4).all()
            sep = "." if uniq[todo][slashed].str.contains(".", regex=False).any() else "/"
            year = "%Y" if long_year else "%y"
            day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
            if day_first and not month_first:
                attempt(f"%d{sep}%m{sep}{year}")
            elif month_first and not day_first:
                attempt(f"%m{sep}%d{sep}{year}")
            elif not day_first and not month_first:
                hint = (
                    f"numeric dates such as {uniq[todo][slashed].iloc[0]!r} where no cell "
                    "tells the day from the month: pass "
                    f"date_format='%d{sep}%m{sep}{year}' (day first) or "
                    f"date_format='%m{sep}%d{sep}{year}' (month first)"
                )
    if excel_serial and todo.any():
        serial = pd.to_numeric(
            uniq[todo].where(uniq[todo].str.fullmatch(r"\d{5}")), errors="coerce"
        )
        serial = serial[(serial >= 20000) & (serial <= 60000)]
        if len(serial):
            parsed.loc[serial.index] = (
                pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
            ).to_numpy()
            todo[serial.index.to_numpy()] = False
    if todo.any() and not hint:
        rest = uniq[todo]
        fits = [
            f for f in _SUGGEST if pd.to_datetime(rest, format=f, errors="coerce").notna().all()
        ]
        if len(fits) == 1:
            hint = f"pass date_format={fits[0]!r}"
        elif fits:
            hint = "pass date_format= one of " + ", ".join(repr(f) for f in fits[:3])
        else:
            hint = (
                "expected e.g. '16 May 2025', '2025-05-16' or '9-May-20', "
                "or pass date_format= with the column's strftime layout (e.g. date_format='%d.%m.%Y')"
            )
    # times of day dropped on the distinct values, then one take
    values_out = np.append(parsed.dt.normalize().to_numpy(dtype="datetime64[ns]"),
                           np.datetime64("NaT", "ns"))  # fmt: skip
    out = values_out[np.where(codes >= 0, codes, len(values_out) - 1)]
    return pd.Series(out, index=values.index, dtype="datetime64[ns]"), hint


def _distinct(values: pd.Series) -> tuple[np.ndarray, object]:
    """Codes (-1 where missing) and the distinct cells of a column."""
    if arrow_text(values) is not None:
        return factorize(values)  # Arrow's kernels, no objects
    return pd.factorize(values.astype("object").where(values.notna()), use_na_sentinel=True)
