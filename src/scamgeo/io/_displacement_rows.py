"""Rows of displacement figures into :data:`scamgeo.schema.DISPLACEMENT`.

Private to the displacement readers. Each reader builds rows with text cells
(``as_of``, ``country``, ``admin1``, optional ``admin1_pcode``, ``metric``,
``value``, ``unit``, ``publisher``, ``source_url``, ``source_date``,
``notes``) and the file line of each; :func:`finish` then resolves provinces,
leaves out (and counts) the rows the schema does not cover, numbers the rows
and validates them, naming every problem by file line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._validate import Problems
from ..schema import DISPLACEMENT
from ._displacement_names import SCOPE, is_total, report_unmatched, resolve_country
from ._events import admin1_codes, warn_dropped
from ._tables import validate_with_lines

__all__ = ["finish", "row_prefix", "whole_numbers"]


def whole_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, bad mask): '1,234' and '1 234' read as 1234; '-' and '' as missing.

    A cell is bad when it is not a number, or is negative or fractional.

    Examples
    --------
    >>> numbers, bad = whole_numbers(pd.Series(["1,234", "-", "2.5", "x"]))
    >>> numbers.tolist(), bad.tolist()
    ([1234.0, <NA>, 2.5, <NA>], [False, False, True, True])
    """
    text = (
        values.astype("string").str.strip().str.replace("[,\u00a0\u202f ]", "", regex=True)
    )  # the characters, not RE escapes (pyarrow 15)
    text = text.mask(text.isin(["-", "–", "—", "n/a", "N/A", ""]), pd.NA)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (
        (numbers.isna() & text.notna())
        | (numbers < 0).fillna(False)
        | ((numbers % 1) != 0).fillna(False)
    )
    return numbers, bad


def row_prefix(name: str) -> str:
    """The default ``row_id`` prefix of a file: its name without extension, as a slug.

    Examples
    --------
    >>> row_prefix("data/displacement_wide_th.csv")
    'displacement-wide-th'
    >>> row_prefix("sitreps.zip!Week 3 (final).csv")
    'Week-3-final'
    """
    stem = Path(name.split("!")[-1]).stem or "table"
    return re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-")[:40] or "table"


def _period() -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last ``as_of`` date the displacement schema accepts."""
    return (
        pd.Timestamp(DISPLACEMENT.column("as_of").min),
        pd.Timestamp(DISPLACEMENT.column("as_of").max),
    )


def _out_of_scope(rows: pd.DataFrame, country: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(other country, outside the period) masks; a row of another country is only the first."""
    as_of = pd.to_datetime(rows["as_of"], errors="coerce")
    lo, hi = _period()
    out_country = country.notna() & ~country.isin(list(SCOPE))
    out_period = ((as_of < lo) | (as_of > hi)).fillna(False) & ~out_country
    return out_country, out_period


def finish(
    rows: pd.DataFrame,
    *,
    source: str,
    lines: np.ndarray,
    prefix: str,
    problems: Problems,
    attribution: str,
    admin1_column: str,
) -> pd.DataFrame:
    """Resolve provinces, drop out-of-scope rows, validate against DISPLACEMENT.

    Steps: "Total" rows become national rows (``admin1`` empty); provinces get
    their codes (p-codes first, names second) and rows without a country take
    the one their province or the table implies; unknown names and rows
    without a country are added to ``problems``; rows of other countries or
    dates outside the schema's period are left out with a warning each; the
    rest are numbered ``<prefix>-0001``... and validated.

    Raises
    ------
    SchemaError
        Every problem found here or earlier (``problems``), by file line.
    """
    rows = rows.reset_index(drop=True)
    rows.loc[is_total(rows["admin1"]), "admin1"] = pd.NA
    codes = admin1_codes(rows["admin1"], country=rows["country"], codes=rows.get("admin1_pcode"))
    if "admin1_pcode" in rows:
        rows = rows.drop(columns="admin1_pcode")
    country = resolve_country(rows["country"], codes)
    report_unmatched(
        rows["admin1"], codes, country, lines=lines, problems=problems, column=admin1_column
    )
    rows["country"] = country
    rows["admin1_code"] = codes.to_numpy()
    out_country, out_period = _out_of_scope(rows, country)
    warn_dropped(
        rows.loc[out_country, "country"].value_counts().to_dict(),
        source=source,
        why="because the displacement schema covers Thailand and Cambodia only",
    )
    if out_period.any():
        lo, hi = _period()
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
