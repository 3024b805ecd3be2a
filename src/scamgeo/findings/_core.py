"""A finding: one sentence of a brief, its key figure and the facts it states; the window.

Every sentence a brief prints is built by a rule of :mod:`scamgeo.findings`: a
function that takes data or a result, checks the premise the sentence needs
*for the brief's own window* (two phases to compare, an official date inside
the window, a fit that beats a flat rate) and returns a :class:`Finding`.
When the premise fails, the rule returns the sentence the data do allow.

The finding carries the facts its sentence states (``facts``: the dates it
names, the numerator and denominator of a ratio), so tests can check each
sentence against the window it was written for, over a grid of windows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from .. import fmt, vocab
from .._time import parse_date, phase_table

__all__ = ["Finding", "Window"]


@dataclasses.dataclass(frozen=True)
class Finding:
    """One sentence of a brief and the key figure it states.

    Attributes
    ----------
    name : str
        The key figure's name in the brief's JSON.
    value : object
        The figure (a number, a list, a dict; ``None`` when the premise failed).
    text : str
        The exact sentence the page shows.
    unit : str or None
        ``"incidents"``, ``"deaths"``, ``"ratio"``, ``"km"``, ``"people"``...
    counts : {"incidents", "claims"} or None
        What an event count counts.
    reference_period : str or None
        The period a ratio is measured against, in words.
    rule : str
        Which branch of the rule wrote the sentence (``"compared"``, ``"one_phase"``...).
    facts : dict
        What the sentence states, for checking: ``dates`` (every day it
        names), ``numerator``/``denominator`` of a ratio, counts.
    """

    name: str
    value: Any
    text: str
    unit: str | None = None
    counts: str | None = None
    reference_period: str | None = None
    rule: str = ""
    facts: dict[str, Any] = dataclasses.field(default_factory=dict)

    def record_args(self) -> dict[str, Any]:
        """Keyword arguments of :func:`scamgeo.briefs.record` for this finding."""
        out: dict[str, Any] = {"text": self.text}
        for key in ("unit", "counts", "reference_period"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclasses.dataclass(frozen=True)
class Window:
    """The days a brief covers, and what of the war's timeline falls inside them.

    Parameters
    ----------
    start, end : date-like
        First and last day (inclusive), by the one date rule.
    timeline : DataFrame, optional
        The timeline table (default :func:`scamgeo.datasets.timeline`).

    Examples
    --------
    >>> w = Window.of("2025-07-10", "2025-08-31")
    >>> [p for p, _, _ in w.phases()]
    ['may_crisis', 'july_war', 'truce']
    >>> [f"{d:%d %b}" for d in w.official_dates()["date"]]
    ['24 Jul', '28 Jul', '29 Jul']
    >>> w.text, w.days
    ('from 10 July 2025 to 31 August 2025', 53)
    """

    start: pd.Timestamp
    end: pd.Timestamp
    timeline: pd.DataFrame

    @classmethod
    def of(cls, start: Any, end: Any, *, timeline: pd.DataFrame | None = None) -> Window:
        """The window from ``start`` to ``end`` (inclusive)."""
        if timeline is None:
            from .. import datasets

            timeline = datasets.timeline()
        first, last = parse_date(start, name="start"), parse_date(end, name="end")
        if last < first:
            from .._errors import ParameterError

            raise ParameterError(f"end={last:%Y-%m-%d} is before start={first:%Y-%m-%d}.")
        return cls(first, last, timeline)

    @property
    def days(self) -> int:
        """Days in the window, both ends included."""
        return int((self.end - self.start).days) + 1

    @property
    def text(self) -> str:
        """The window in a sentence: ``from 10 July 2025 to 31 August 2025``."""
        return fmt.span(self.start, self.end)

    @property
    def label(self) -> str:
        """The window as a label: ``10 July 2025 – 31 August 2025``."""
        return fmt.window(self.start, self.end)

    def contains(self, day: Any) -> bool:
        """Whether a day falls inside the window.

        Parameters
        ----------
        day : date-like or None
            The day to check (a :class:`pandas.Timestamp`, a date or a date
            string); its time of day is ignored. ``None`` or a missing date
            (``NaT``, ``NaN``) is never inside.
        """
        if day is None or pd.isna(day):
            return False
        d = pd.Timestamp(day).normalize()
        return bool(self.start <= d <= self.end)

    def phases(self) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
        """The phases the window overlaps, each with its first and last day *inside* it."""
        out = []
        for row in phase_table(self.timeline).itertuples():
            first = self.start if pd.isna(row.start) else max(self.start, row.start)
            last = self.end if pd.isna(row.end) else min(self.end, row.end)
            if first <= last:
                out.append((str(row.phase), first, last))
        return out

    def official_dates(self) -> pd.DataFrame:
        """Official outbreaks and ceasefires (:data:`scamgeo.vocab.OFFICIAL_KINDS`) in the window."""
        tl = self.timeline
        kinds = tl["kind"].astype("string").isin(vocab.OFFICIAL_KINDS).fillna(False)
        dates = pd.to_datetime(tl["date"])
        inside = kinds & (dates >= self.start) & (dates <= self.end)
        out = pd.DataFrame(
            {
                "date": dates[inside],
                "kind": tl.loc[inside, "kind"],
                "label": tl.loc[inside, "label"],
            }
        )
        return out.sort_values("date", kind="stable").reset_index(drop=True)
