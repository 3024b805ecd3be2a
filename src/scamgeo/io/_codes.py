"""Where boundary files keep their provinces: the fields, and the codes in them.

:func:`scamgeo.io.read_boundaries` finds a unit's province (admin-1) code and
name in the fields that GADM, geoBoundaries, OCHA COD and Natural Earth use,
recognises ISO 3166-2 codes, national p-codes and HASC codes of Thai and
Cambodian provinces in them, and knows the provinces created after scamgeo's
embedded 1:10m layer (Tboung Khmum, KH-25).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from ..vocab import fold

__all__ = [
    "CODE_FIELDS",
    "COUNTRY_FIELDS",
    "FINER",
    "GENERIC_CODE",
    "GENERIC_NAME",
    "NAME_FIELDS",
    "NEWER_PROVINCES",
    "field",
    "newer_by_name",
    "own_codes",
]

# Field names (case-insensitive) that hold the province's code or name, in the
# order they are trusted. Level-1 fields of finer files come first; the generic
# ones (shapeName, name) are used only when the file has no finer-level field.
CODE_FIELDS = (
    "iso_3166_2",
    "iso_1",
    "admin1_code",
    "adm1_pcode",
    "admin1pcode",
    "admin1_pcode",
    "hasc_1",
    "adm1_code",
)
NAME_FIELDS = (
    "adm1_en",
    "name_1",
    "admin1",
    "admin1name",
    "admin1_name",
    "adm1_name",
    "province",
    "changwat",
    "khet",
    "varname_1",
    "adm1_th",
    "adm1_km",
    "nl_name_1",
)
GENERIC_CODE = ("shapeiso", "iso", "hasc", "code", "pcode")
GENERIC_NAME = ("shapename", "name_en", "name", "name_th", "name_km", "nom")
FINER = ("adm2_pcode", "adm2_en", "name_2", "gid_2", "adm3_pcode", "name_3", "gid_3", "hasc_2")
COUNTRY_FIELDS = (
    "gid_0",
    "shapegroup",
    "adm0_pcode",
    "adm0_a3",
    "iso_a3",
    "iso3",
    "country",
    "adm0_en",
    "name_0",
)

#: Tboung Khmum (ISO 3166-2 KH-25), split from Kampong Cham (KH-3) in 2013: a
#: current province that scamgeo's embedded Natural Earth 1:10m provinces predate.
NEWER_PROVINCES = {"KH-25": "Tboung Khmum"}
_NEWER_NAMES = {
    "tboungkhmum": "KH-25",
    "tbongkhmum": "KH-25",
    "tbaungkhmum": "KH-25",
    "tboungkhmom": "KH-25",
    "tbongkhmom": "KH-25",
    "tboungkhmumprovince": "KH-25",
    "ត្បូងឃ្មុំ": "KH-25",
}
_NEWER_HASC = {"KH.TB": "KH-25", "KH.TK": "KH-25"}
_ISO_LIKE = re.compile(r"^(TH|KH)[-_. ]?0*(\d{1,2})$", re.IGNORECASE)


def field(frame: pd.DataFrame, names: Iterable[str]) -> str | None:
    """The frame's first column among ``names`` (compared case-insensitively), or None.

    Examples
    --------
    >>> geoboundaries = pd.DataFrame(columns=["shapeName", "shapeISO", "shapeGroup"])
    >>> field(geoboundaries, GENERIC_CODE), field(geoboundaries, CODE_FIELDS)
    ('shapeISO', None)
    """
    lowered = {c.lower(): c for c in frame.columns if c != "geometry"}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def own_codes(values: pd.Series, valid: set[str]) -> pd.Series:
    """A file's own province codes, kept when valid for Thailand or Cambodia; else <NA>.

    ISO 3166-2 codes, national p-codes (``"KH01"``) and HASC codes of newer
    provinces (``"KH.TB"``) are recognised and written as ISO 3166-2 codes.

    Examples
    --------
    >>> codes = pd.Series(["KH-25", "KH01", "KH.TB", "TH-99", "Surin", None])
    >>> own_codes(codes, {"KH-1", "KH-25", "TH-32"}).tolist()
    ['KH-25', 'KH-1', 'KH-25', <NA>, <NA>, <NA>]
    """

    def convert(value: object) -> object:
        if not isinstance(value, str):
            return None
        text = value.strip()
        if text.upper() in _NEWER_HASC:
            return _NEWER_HASC[text.upper()]
        match = _ISO_LIKE.match(text)
        if not match:
            return None
        code = f"{match.group(1).upper()}-{int(match.group(2))}"
        return code if code in valid else None

    return values.map(convert).astype("string")


def newer_by_name(values: pd.Series) -> pd.Series:
    """Codes of provinces newer than the 1:10m layer (KH-25) recognised by name, else <NA>.

    Examples
    --------
    >>> newer_by_name(pd.Series(["Tbong Khmum", "TBOUNG KHMUM Province", "Kampong Cham"])).tolist()
    ['KH-25', 'KH-25', <NA>]
    """
    return values.map(lambda v: _NEWER_NAMES.get(fold(v)) if isinstance(v, str) else None).astype(
        "string"
    )
