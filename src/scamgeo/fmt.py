"""The one formatter: every number, date and interval a brief shows goes through here.

Each function returns plain text (not HTML) and never returns ``NaN``,
``None``, ``NaT`` or ``<NA>``: a missing value gives a word ("not reported",
or "n/a" for a statistic that could not be computed).

>>> count(1234), ratio(3.41), pct(0.42), p_value(0.0004), km(12.34)
('1,234', '3.4×', '42%', 'p < 0.001', '12.3 km')
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from ._validate import guard_public

__all__ = [
    "MISSING",
    "NOT_COMPUTED",
    "count",
    "count_range",
    "date",
    "day",
    "header",
    "interval",
    "is_missing",
    "km",
    "month",
    "number",
    "p_value",
    "pct",
    "span",
    "people",
    "plural",
    "ratio",
    "value",
    "window",
    "words",
]

MISSING = "not reported"
NOT_COMPUTED = "n/a"

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def is_missing(x: Any) -> bool:
    """True for None, NaN, NaT, ``pd.NA`` and empty strings.

    Parameters
    ----------
    x : object
        Any value: a number, a date, a string, ``None``, ``NaN``, ``NaT``, ``pd.NA``.
    """
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    if isinstance(x, float):
        return math.isnan(x)
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _num(x: Any) -> float:
    return float(x)


def count(n: Any, *, missing: str = MISSING) -> str:
    """A whole count with thousands separators: ``1,234``.

    Parameters
    ----------
    n : int, float or None
        A whole count (rounded to a whole number).
    missing : str, default "not reported"
        What a missing count is shown as.
    """
    if is_missing(n):
        return missing
    return f"{round(_num(n)):,}"


def plural(n: Any, word: str, words: str | None = None, *, missing: str = MISSING) -> str:
    """A count with its noun: ``1 death``, ``35 deaths``, ``1,234 incidents``.

    Parameters
    ----------
    n : int, float or None
        The count.
    word : str
        The noun for one (``"death"``).
    words : str, optional
        The noun for several when it is not ``word + "s"`` (``"people"``).
    missing : str, default "not reported"
        What follows the plural noun when the count is missing.
    """
    if is_missing(n):
        return f"{words or word + 's'} {missing}"
    k = round(_num(n))
    return f"{k:,} {word if k == 1 else (words or word + 's')}"


def count_range(low: Any, high: Any, *, missing: str = MISSING) -> str:
    """A count, or a range of counts where two figures differ: ``44`` or ``56–57``.

    Parameters
    ----------
    low : int, float or None
        The lower figure.
    high : int, float or None
        The higher figure.
    missing : str, default "not reported"
        What a missing figure is shown as.

    Examples
    --------
    >>> count_range(56, 57), count_range(44, 44), count_range(1200, 1500)
    ('56–57', '44', '1,200–1,500')
    """
    if is_missing(low) and is_missing(high):
        return missing
    if is_missing(low) or is_missing(high) or round(_num(low)) == round(_num(high)):
        return count(high if is_missing(low) else low)
    return f"{count(low)}–{count(high)}"


def people(n: Any, *, missing: str = MISSING) -> str:
    """A number of people, rounded to a whole person: ``193,292 people`` (``1 person``).

    Parameters
    ----------
    n : int, float or None
        A number of people.
    missing : str, default "not reported"
        What a missing number is shown as.
    """
    if is_missing(n):
        return missing
    k = round(_num(n))
    return f"{k:,} {'person' if k == 1 else 'people'}"


def number(x: Any, *, decimals: int = 1, missing: str = NOT_COMPUTED) -> str:
    """A plain number: whole numbers without decimals, others to ``decimals`` places.

    Parameters
    ----------
    x : int, float or None
        The number.
    decimals : int, default 1
        Decimal places of a number that is not whole.
    missing : str, default "n/a"
        What a missing number is shown as.
    """
    if is_missing(x):
        return missing
    v = _num(x)
    if math.isinf(v):
        return "infinite" if v > 0 else "minus infinity"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.{decimals}f}"


def ratio(x: Any, *, decimals: int = 1, missing: str = NOT_COMPUTED) -> str:
    """A ratio: ``3.4×`` (large ratios without decimals: ``175×``).

    Parameters
    ----------
    x : float or None
        The ratio.
    decimals : int, default 1
        Decimal places below 100.
    missing : str, default "n/a"
        What a missing ratio is shown as.
    """
    if is_missing(x):
        return missing
    v = _num(x)
    if math.isinf(v):
        return "infinite"
    return f"{v:,.0f}×" if abs(v) >= 100 else f"{v:,.{decimals}f}×"


def pct(x: Any, *, decimals: int = 0, missing: str = NOT_COMPUTED) -> str:
    """A share given as a fraction (0.42) shown as ``42%``; below 1% ``<1%`` (non-zero).

    Parameters
    ----------
    x : float or None
        A share as a fraction (0.42 for 42%).
    decimals : int, default 0
        Decimal places of the percentage.
    missing : str, default "n/a"
        What a missing share is shown as.
    """
    if is_missing(x):
        return missing
    v = _num(x) * 100
    if decimals == 0 and 0 < abs(v) < 0.5:
        return "<1%"
    return f"{v:.{decimals}f}%"


def p_value(p: Any, *, missing: str = NOT_COMPUTED) -> str:
    """``p = 0.032``, ``p < 0.001``; p ≥ 0.1 to two decimals (``p = 0.32``).

    Parameters
    ----------
    p : float or None
        The p-value.
    missing : str, default "n/a"
        What a missing p-value is shown as.
    """
    if is_missing(p):
        return f"p {missing}"
    v = _num(p)
    if v < 0.001:
        return "p < 0.001"
    if v >= 0.1:
        return f"p = {v:.2f}"
    return f"p = {v:.3f}"


def km(x: Any, *, decimals: int = 1, missing: str = NOT_COMPUTED) -> str:
    """A distance: ``12.3 km`` (``120 km`` from 100 km up).

    Parameters
    ----------
    x : float or None
        A distance in km.
    decimals : int, default 1
        Decimal places below 100 km.
    missing : str, default "n/a"
        What a missing distance is shown as.
    """
    if is_missing(x):
        return missing
    v = _num(x)
    return f"{v:,.0f} km" if abs(v) >= 100 else f"{v:.{decimals}f} km"


def date(d: Any, *, missing: str = MISSING) -> str:
    """A day in words: ``24 July 2025`` (strings in ISO form are accepted).

    Parameters
    ----------
    d : date-like or None
        A date, datetime, Timestamp or ISO string.
    missing : str, default "not reported"
        What a missing date is shown as.
    """
    if is_missing(d):
        return missing
    if isinstance(d, str):
        d = pd.Timestamp(d)
    if isinstance(d, pd.Timestamp | dt.datetime):
        d = d.date()
    if not isinstance(d, dt.date):
        d = pd.Timestamp(d).date()
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def month(d: Any, *, short: bool = False, missing: str = MISSING) -> str:
    """A month in words: ``July 2025`` (``Jul 2025`` where space is short, as on an axis).

    Parameters
    ----------
    d : date-like or None
        A date, datetime, Timestamp or ISO string.
    short : bool, default False
        The month's first three letters.
    missing : str, default "not reported"
        What a missing date is shown as.

    Examples
    --------
    >>> month("2025-07-24"), month("2025-07-24", short=True)
    ('July 2025', 'Jul 2025')
    """
    if is_missing(d):
        return missing
    ts = pd.Timestamp(d)
    name = _MONTHS[ts.month - 1]
    return f"{name[:3] if short else name} {ts.year}"


def day(d: Any, *, missing: str = MISSING) -> str:
    """A day where space is short (an axis): ``24 Jul 2025``.

    Parameters
    ----------
    d : date-like or None
        A date, datetime, Timestamp or ISO string.
    missing : str, default "not reported"
        What a missing date is shown as.

    Examples
    --------
    >>> day("2025-07-24")
    '24 Jul 2025'
    """
    if is_missing(d):
        return missing
    ts = pd.Timestamp(d)
    return f"{ts.day} {month(ts, short=True)}"


def window(a: Any, b: Any) -> str:
    """A window of days, as short as it reads unambiguously.

    Parameters
    ----------
    a : date-like
        First day.
    b : date-like
        Last day.

    Examples
    --------
    >>> window("2025-05-28", "2026-02-28")
    '28 May 2025 – 28 February 2026'
    >>> window("2025-05-28", "2025-07-23"), window("2025-07-24", "2025-07-28")
    ('28 May – 23 July 2025', '24–28 July 2025')
    >>> window("2025-07-24", "2025-07-24")
    '24 July 2025'
    """
    da, db = date(a), date(b)
    if da == db or MISSING in (da, db):
        return da if da == db else f"{da} – {db}"
    (d1, m1, y1), (d2, m2, y2) = da.split(" "), db.split(" ")
    if y1 != y2:
        return f"{da} – {db}"
    if m1 != m2:
        return f"{d1} {m1} – {db}"
    return f"{d1}–{d2} {m2} {y2}"


def span(a: Any, b: Any) -> str:
    """A window in a sentence: ``from 28 May 2025 to 28 February 2026`` (one day: ``on …``).

    Parameters
    ----------
    a : date-like
        First day.
    b : date-like
        Last day.
    """
    da, db = date(a), date(b)
    return f"on {da}" if da == db else f"from {da} to {db}"


def words(items: Any) -> str:
    """Items in a sentence: ``a``, ``a and b``, ``a, b and c`` (empty: ``""``).

    Parameters
    ----------
    items : iterable of str

    Examples
    --------
    >>> words(["countries", "border", "sites"])
    'countries, border and sites'
    >>> words(["border"])
    'border'
    """
    items = [str(x) for x in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def interval(lo: Any, hi: Any, unit: str = "", *, decimals: int = 1) -> str:
    """An interval: ``1.8–4.2×`` for unit "×", ``3.1–7.0 km`` or ``12–30`` otherwise.

    Parameters
    ----------
    lo : float or None
        Lower bound.
    hi : float or None
        Upper bound (infinite: no upper bound, "or more").
    unit : str, optional
        ``"×"`` for ratios, a unit such as ``"km"``, or nothing.
    decimals : int, default 1
        Decimal places.
    """
    if is_missing(lo) or is_missing(hi):
        return NOT_COMPUTED
    if math.isinf(_num(hi)) and not math.isinf(_num(lo)):  # no upper bound
        low = ratio(lo, decimals=decimals) if unit == "×" else number(lo, decimals=decimals)
        return f"{low}{'' if unit in ('', '×') else ' ' + unit} or more"
    if unit == "×":
        a, b = ratio(lo, decimals=decimals).rstrip("×"), ratio(hi, decimals=decimals)
        return f"{a}–{b}"
    a, b = number(lo, decimals=decimals), number(hi, decimals=decimals)
    return f"{a}–{b} {unit}".rstrip() if unit else f"{a}–{b}"


def value(x: Any, *, decimals: int = 2, missing: str = "") -> str:
    """Any single table cell as text (used by :func:`scamgeo.display.table`).

    Parameters
    ----------
    x : object
        A table cell: number, boolean, date, list or text.
    decimals : int, default 2
        Decimal places of a number that is not whole.
    missing : str, default ""
        What a missing cell is shown as.
    """
    if is_missing(x):
        return missing
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return number(x, decimals=decimals)
    if hasattr(x, "item") and not isinstance(x, str):
        try:
            return value(x.item(), decimals=decimals, missing=missing)
        except (ValueError, TypeError):
            pass
    if isinstance(x, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(x)
        if ts == ts.normalize():
            return date(ts)
        return f"{date(ts)} {ts.strftime('%H:%M')}"
    if isinstance(x, dt.date):
        return date(x)
    if isinstance(x, list | tuple | set):
        return ", ".join(value(v, decimals=decimals) for v in x if not is_missing(v))
    return str(x)


#: column headers in words, for field names the briefs show
HEADERS = {
    "event_date": "Date",
    "location": "Place",
    "sub_event_type": "Type of event",
    "event_type": "Event type",
    "actor1": "Actor",
    "actor2": "Other actor",
    "fatalities": "Deaths reported",
    "claimed_by": "Reported by",
    "distance_to_border_km": "Distance to border (km)",
    "notes": "Notes",
    "source_url": "Source",
    "damage_source_url": "Source",
    "admin1": "Province",
    "admin1_code": "Province code",
    "as_of": "As of",
    "metric": "Measure",
    "value": "Figure",
    "unit": "Unit",
    "publisher": "Publisher",
    "name": "Name",
    "aliases": "Also known as",
    "kind": "Kind",
    "country": "Country",
    "location_precision": "Location precision",
    "location_note": "Location note",
    "status": "Status",
    "km": "Distance (km)",
    "damage_date": "Date of damage",
    "damage_note": "Damage",
    "damage_claimed_by": "Damage reported by",
    "p_value": "p-value",
    "gi_z": "Gi* z-score",
    "hotspot": "Hotspot",
    "uncertainty_m": "Location uncertainty (m)",
    "incident_id": "Incident",
    "counting_body": "Counting body",
    "measure": "Stock or flow",
    "period_start": "Period from",
    "period_end": "Period to",
    "n_events": "Events",
    "events": "Events",
    "rate_ratio": "Rate ratio",
    "ci_low": "Lower 95% bound",
    "ci_high": "Upper 95% bound",
}


def header(field: Any) -> str:
    """A column header in words: known field names mapped, others title-cased.

    Parameters
    ----------
    field : str
        A column name (``"event_date"``).
    """
    name = str(field)
    if name in HEADERS:
        return HEADERS[name]
    words = name.replace("_", " ").strip()
    if words.endswith(" km"):
        words = words[:-3] + " (km)"
    return words[:1].upper() + words[1:]


# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
