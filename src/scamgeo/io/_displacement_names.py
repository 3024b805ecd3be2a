"""Names in displacement tables: column headers, "Total" rows and provinces.

Private to the displacement readers (:mod:`scamgeo.io.sitrep`,
:mod:`scamgeo.io.dtm`, :mod:`scamgeo.io.hdx`).

Headers are matched by :func:`header_key`: case, spaces, hyphens, brackets,
dots and slashes are ignored, underscores are kept (``admin1_name`` and
``admin1Name`` are two keys, and the readers list both). This is narrower than
:func:`scamgeo.vocab.fold`, on purpose: a header key keeps accents, underscores
and other punctuation, so a column is only taken for another whose name differs
in layout, not in letters. The same key recognises "Total" rows (in English,
Thai and Khmer).

Province names become ISO 3166-2 codes through :func:`scamgeo.datasets.province_code`
(p-codes first, names second); a name that is no Thai or Cambodian province is
reported with the closest known spellings, each distinct name matched once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._validate import Problems, closest

__all__ = [
    "SCOPE",
    "TOTALS",
    "UNIT_WORDS",
    "find_column",
    "header_key",
    "is_total",
    "report_unmatched",
    "resolve_country",
]

#: The countries the displacement schema covers.
SCOPE = ("THA", "KHM")

#: Keys (:func:`header_key` without underscores) of the names of "Total" rows.
TOTALS = frozenset(
    {
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
)

#: Value-column names and the unit they count (None: the unit is given elsewhere).
UNIT_WORDS = {
    "people": "people", "persons": "people", "person": "people", "individuals": "people",
    "individual": "people", "evacuees": "people", "idps": "people", "displaced": "people",
    "value": None, "number": None, "count": None, "figure": None,
    "families": "families", "family": "families", "households": "households", "household": "households",
    "sites": "sites", "shelters": "sites",
}  # fmt: skip


def header_key(name: object) -> str:
    """The key a header is matched by: lower case, runs of spaces and ``-()./`` as ``_``.

    Examples
    --------
    >>> header_key(" Source URL ")
    'source_url'
    >>> header_key("Admin-1 (name)")
    'admin_1_name'
    """
    return re.sub(r"[\s\-()./]+", "_", str(name).strip().lower()).strip("_")


def find_column(columns: Iterable[str], candidates: Iterable[str]) -> str | None:
    """The first of ``candidates`` found among ``columns`` (by :func:`header_key`), or None.

    Returns the column as the table spells it.
    """
    keyed = {header_key(c): c for c in columns}
    for cand in candidates:
        if header_key(cand) in keyed:
            return keyed[header_key(cand)]
    return None


def is_total(names: pd.Series) -> np.ndarray:
    """Boolean mask of the cells of ``names`` that name a "Total" row."""
    total = names.map(lambda v: isinstance(v, str) and header_key(v).replace("_", "") in TOTALS)
    return total.to_numpy(dtype=bool)


def resolve_country(country: pd.Series, codes: pd.Series) -> pd.Series:
    """Fill missing countries from the province codes, then from a one-country table.

    A row whose province code is Thai (``TH-``) or Cambodian (``KH-``) takes that
    country; when every row with a country names the same one, the rest (national
    rows, unknown names) take it too.
    """
    guessed = codes.str[:2].map({"TH": "THA", "KH": "KHM"})
    country = country.fillna(guessed)
    known = set(country.dropna())
    if len(known) == 1:  # national rows and unknown names of a one-country table
        country = country.fillna(known.pop())
    return country


def report_unmatched(
    admin1: pd.Series,
    codes: pd.Series,
    country: pd.Series,
    *,
    lines: np.ndarray,
    problems: Problems,
    column: str,
) -> None:
    """Add a problem for each unknown province name and each row without a country.

    A name is unknown when it gave no code in a Thai, Cambodian or unknown
    country; it is reported once per file line, with its closest spellings
    (each distinct name matched once). Rows with neither a known province nor a
    country are reported once per line, under ``country``.
    """
    from ..datasets import province_names

    variants = province_names()["variant"].unique()
    seen: set[tuple[int, str]] = set()
    hints: dict[str, str] = {}
    in_scope = country.isin(list(SCOPE)) | country.isna()
    unknown = admin1.notna() & codes.isna() & in_scope
    for pos in np.flatnonzero(unknown.to_numpy(dtype=bool)):
        value = admin1.iloc[pos]
        if (int(lines[pos]), str(value)) in seen:
            continue
        seen.add((int(lines[pos]), str(value)))
        if str(value) not in hints:  # each distinct name matched once
            near = closest(str(value), variants, n=2, cutoff=0.5)
            hints[str(value)] = f" (closest: {', '.join(near)})" if near else ""
        problems.add(
            f"{value!r} is not a Thai or Cambodian province{hints[str(value)]}",
            row=int(lines[pos]),
            column=column,
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
