"""ACLED's file layouts: today's columns, the pre-2019 layout, and their codes.

What :func:`scamgeo.io.read_acled` and :func:`scamgeo.io.read_acled_weekly`
know about ACLED's files before reading a row: the column lists, the header
check that tells an ACLED export from other tables (and today's layout from the
pre-2019 one), the mapping of old event types onto today's vocabulary, and the
labels of ACLED's actor-type and interaction codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataSourceError, SchemaError
from ..schema import EVENT_TYPES
from ._checks import Report, map_distinct, text_cells
from ._events import parse_int

__all__ = [
    "ACLED_COLUMNS",
    "ACLED_URL",
    "ACLED_WEEKLY_COLUMNS",
    "INTER_CODES",
    "OLD_EVENT_TYPES",
    "SHARED",
    "header_check",
    "inter_labels",
    "interaction_labels",
    "looks_like",
    "old_types",
]

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
SHARED = (
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

_UCDP_SIGNS = {"relid", "type_of_violence", "where_prec", "date_prec", "side_a", "best"}


def looks_like(columns: Iterable[str]) -> str | None:
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


def header_check(frame: pd.DataFrame, *, source: str) -> tuple[pd.DataFrame, str]:
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
        other = looks_like(frame.columns)
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


def old_types(
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


def inter_labels(values: pd.Series) -> pd.Series:
    """ACLED actor-type codes as text: numeric codes (older exports) -> labels."""
    return map_distinct(values, _inter_label)


def interaction_labels(values: pd.Series) -> pd.Series:
    """ACLED interaction codes (e.g. 13, 60) as text ("State forces-Political militia", "Protesters only")."""
    return map_distinct(values, _interaction_label)
