"""Input checks that collect every problem before raising.

The helpers here are private plumbing: public functions call them so that a
user sees *all* that is wrong with an argument or a table at once, phrased the
same way everywhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ._errors import ParameterError, SchemaError

__all__ = [
    "ISO_3166_2_PATTERN",
    "URL_PATTERN",
    "Problems",
    "check_choice",
    "check_positive",
    "closest",
    "outcome_column",
    "require_columns",
]


#: An http(s) URL, as a cell of a ``url`` column must be (the schema and the readers alike).
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
#: An ISO 3166-2 code of a Thai or Cambodian province, as a ``code`` cell must be.
ISO_3166_2_PATTERN = re.compile(r"^(TH|KH)-\d{1,2}$")


def closest(value: str, options: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Return up to ``n`` options that look like ``value`` (case-insensitive)."""
    options = list(options)
    lowered = {o.lower(): o for o in options}
    hits = difflib.get_close_matches(str(value).lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[h] for h in hits]


def _suggest(value: str, options: Sequence[str]) -> str:
    near = closest(value, options)
    return f" Did you mean {' or '.join(repr(x) for x in near)}?" if near else ""


def check_choice(value: Any, options: Iterable[str], *, name: str) -> Any:
    """Return ``value`` if it is one of ``options``; else raise naming them all."""
    options = list(options)
    if value not in options:
        raise ParameterError(
            f"{name}={value!r} is not allowed.{_suggest(str(value), options)} "
            f"Allowed: {', '.join(repr(o) for o in options)}."
        )
    return value


def check_choices(
    values: Iterable[Any] | None, options: Iterable[str], *, name: str
) -> list | None:
    """Like :func:`check_choice` for a list of values (``None`` passes through)."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    options = list(options)
    bad = [v for v in values if v not in options]
    if bad:
        hints = "".join(_suggest(str(b), options) for b in bad[:1])
        raise ParameterError(
            f"{name} has unknown value(s) {', '.join(repr(b) for b in bad)}.{hints} "
            f"Allowed: {', '.join(repr(o) for o in options)}."
        )
    return list(values)


def check_positive(value: Any, *, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as float if it is a finite positive number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParameterError(f"{name} must be finite, got {value!r}.")
    if number < 0 or (number == 0 and not allow_zero):
        limit = ">= 0" if allow_zero else "> 0"
        raise ParameterError(
            f"{name} must be {limit} (km, counts and sizes cannot be negative), got {value!r}."
        )
    return number


def outcome_column(
    columns: Iterable[str],
    outcome: str | None,
    *,
    source: str,
    counts: Sequence[str] = ("incidents", "claims"),
) -> str:
    """The count column a function of a table of counts reads (the ``outcome=`` rule).

    ``outcome`` names it; ``None`` takes the table's one column among ``counts``
    (``"incidents"``, ``"claims"``; ``"events"`` in tables written before counts
    were named after what they count). Anything else is a ParameterError
    listing the table's columns.

    Examples
    --------
    >>> outcome_column(["date", "incidents", "fatalities"], None, source="counts")
    'incidents'
    >>> outcome_column(["date", "incidents", "fatalities"], "fatalities", source="counts")
    'fatalities'
    """
    columns = [str(c) for c in columns]
    if outcome is not None:
        if outcome not in columns:
            raise ParameterError(
                f"outcome={outcome!r} is not a column of {source}; it has: {', '.join(columns)}."
            )
        return outcome
    found = [c for c in (*counts, "events") if c in columns]
    if len(found) != 1:
        raise ParameterError(
            f"{source} has {'no' if not found else 'more than one'} count column among "
            f"{', '.join(counts)}; pass outcome= one of its columns: {', '.join(columns)}."
        )
    return found[0]


def require_columns(columns: Iterable[str], required: Iterable[str], *, source: str) -> None:
    """Raise a :class:`SchemaError` listing *every* missing required column."""
    have = set(columns)
    missing = [c for c in required if c not in have]
    if missing:
        raise SchemaError(
            f"{source}: missing required column(s) {', '.join(missing)}.",
            problems=[f"missing column {c}" for c in missing],
            source=source,
        )


class Problems:
    """Collect problems found in a table, then raise them together.

    Examples
    --------
    >>> p = Problems("events.csv")
    >>> p.add("bad date 'x'", row=3, column="event_date")
    >>> p.raise_if_any()  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    SchemaError: events.csv: 1 problem ...
    """

    def __init__(self, source: str, *, limit: int = 20):
        self.source = source
        self.limit = limit
        self.items: list[str] = []

    def add(self, what: str, *, row: int | None = None, column: str | None = None) -> None:
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        self.items.append(f"{', '.join(where)}: {what}" if where else what)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[: self.limit]
        more = len(self.items) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        noun = "problem" if len(self.items) == 1 else "problems"
        raise SchemaError(
            f"{self.source}: {len(self.items)} {noun}:\n  " + "\n  ".join(shown) + tail,
            problems=self.items,
            source=self.source,
        )
