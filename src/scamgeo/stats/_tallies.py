"""Casualties as each side and agency reported them: never a sum of claims.

The tallies table holds running figures (``scope="cumulative"``) from each
government, army, ministry and UN agency. :func:`casualty_table` gives, for
each war, whose casualties (``side``) and what was counted (``category``), the
latest figure the side's own authorities gave, as a range where reporters of
the same days differ, and apart from it the other side's claim about them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from .._result import Result
from .._time import parse_date
from .._validate import check_choices, check_positive, require_columns

__all__ = ["CASUALTY_CATEGORIES", "CasualtyTable", "casualty_table"]

#: Categories the casualty table shows, in order.
CASUALTY_CATEGORIES: tuple[str, ...] = (
    "soldiers_killed",
    "civilians_killed",
    "civilians_killed_indirect",
    "soldiers_injured",
    "civilians_injured",
)

_COLUMNS = ["as_of", "phase", "side", "category", "scope", "value", "reported_by", "claimed_by"]


@dataclass(repr=False)
class CasualtyTable(Result):
    """Reported casualties by war, side and category (see :func:`casualty_table`).

    Attributes
    ----------
    table : DataFrame
        One row per war, side and category: ``low``/``high`` (the side's own
        authorities' latest figure; a range where reporters of the same days
        differ; missing where the side gave none), ``as_of``, ``reported_by``;
        ``claim_low``/``claim_high``/``claim_as_of``/``claimed_by_other`` for the
        other side's claim about the same casualties.
    notes : list of str
    same_days : int
        Figures dated within this many days of a row's latest one count as
        reported together (their spread is the range).
    """

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    same_days: int = 2

    def killed(self, war: str, *, own: bool = True) -> tuple[float, float]:
        """Direct deaths in ``war`` (soldiers and civilians of both sides), low and high.

        Sums the sides' own figures (``own=True``): each side is the authority
        on its own dead; a category a side never reported adds nothing and is
        named in :attr:`notes`. Indirect deaths are not included.

        Parameters
        ----------
        war : str
            A war of the table, e.g. ``"december_war"`` (see
            :data:`scamgeo.vocab.WAR_PHASES`); one not in it gives ``(0.0, 0.0)``.
        own : bool, default True
            Sum each side's own figures (``low``/``high``); False sums instead
            the other side's claims about them (``claim_low``/``claim_high``).

        Returns
        -------
        tuple of float
            The low and high totals (a missing figure counts as 0).
        """
        rows = self.table[
            (self.table["war"] == war)
            & self.table["category"].isin(["soldiers_killed", "civilians_killed"])
        ]
        low, high = ("low", "high") if own else ("claim_low", "claim_high")
        return float(rows[low].fillna(0).sum()), float(rows[high].fillna(0).sum())

    def summary(self) -> str:
        """One line per war, side and category with its figure or range, then the notes."""
        lines = ["Casualties as each side reported them"]
        for row in self.table.itertuples():
            figure = "not reported" if pd.isna(row.low) else _range(row.low, row.high)
            lines.append(f"  {row.war} {row.side} {row.category}: {figure}")
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])


def _range(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def casualty_table(
    tallies: pd.DataFrame | None = None,
    *,
    wars: tuple[str, ...] = vocab.WAR_PHASES,
    end: Any = None,
    same_days: int = 2,
) -> CasualtyTable:
    """The casualty figures of each war as each side's authorities gave them.

    For every war, side (whose casualties) and category (soldiers and
    civilians killed, indirect deaths, soldiers and civilians injured), the
    figure is the side's own authorities' latest cumulative tally dated on or
    before ``end``: where several reporters gave figures within ``same_days``
    of that date and they differ, a range (low–high); a lower figure from an
    earlier day is superseded by a later one (a running tally only grows), not
    a rival. The other side's claim
    about the same casualties is kept apart (``claim_*`` columns), never mixed
    in or added. Incident-level tallies are left out (they are parts of the
    cumulative ones).

    Parameters
    ----------
    tallies : DataFrame, optional
        The tallies table (default :func:`scamgeo.datasets.tallies`).
    wars : tuple of str
        Phases to tabulate (see :data:`scamgeo.vocab.PHASES`).
    end : date-like, optional
        Use only figures dated on or before this day (a brief's window end).
    same_days : int
        How close in days two reporters' figures must be to form a range.

    Returns
    -------
    CasualtyTable

    Examples
    --------
    >>> from scamgeo import stats
    >>> cas = stats.casualty_table()
    >>> row = cas.table.query("war == 'december_war' and side == 'THA' and category == 'soldiers_killed'")
    >>> int(row["low"].iloc[0]), int(row["high"].iloc[0])
    (25, 26)
    >>> cas.killed("december_war")
    (56.0, 57.0)
    """
    if tallies is None:
        from .. import datasets

        tallies = datasets.tallies()
    require_columns(tallies.columns, _COLUMNS, source="tallies")
    check_choices(list(wars), vocab.PHASES, name="wars")
    same = int(check_positive(same_days, name="same_days", allow_zero=True))
    frame = tallies[tallies["scope"].astype("string") == "cumulative"].copy()
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    if end is not None:
        frame = frame[frame["as_of"] <= parse_date(end, name="end")]
    rows, notes = [], []
    for war in wars:
        for side in ("THA", "KHM"):
            for category in CASUALTY_CATEGORIES:
                sel = frame[
                    (frame["phase"].astype("string") == war)
                    & (frame["side"].astype("string") == side)
                    & (frame["category"].astype("string") == category)
                ]
                own = sel[sel["claimed_by"].astype("string") == side]
                other = sel[sel["claimed_by"].astype("string") != side]
                mine, theirs = _latest(own, same), _latest(other, same)
                if mine is None and theirs is None:
                    continue
                if mine is None:
                    notes.append(
                        f"{vocab.COUNTRY_NAMES[side]} gave no figure of its "
                        f"{vocab.TALLY_CATEGORY_LABELS[category].lower()} in the "
                        f"{vocab.PHASE_LABELS[war]}; only the other side's claim exists."
                    )
                rows.append(
                    {"war": war, "side": side, "category": category, **_cols(mine, ""),
                     **_cols(theirs, "claim_")}
                )  # fmt: skip
    return CasualtyTable(_table(rows), notes, same)


def _latest(rows: pd.DataFrame, same_days: int) -> dict[str, Any] | None:
    """The latest figure of ``rows`` and, within ``same_days`` of it, each reporter's last."""
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return None
    last = rows["as_of"].max()
    recent = rows[rows["as_of"] >= last - pd.Timedelta(days=same_days)]
    per_reporter = recent.sort_values("as_of").groupby("reported_by", sort=True).tail(1)
    # a running tally only grows: a lower figure from an earlier day is superseded, not a rival
    later_max = [
        recent.loc[recent["as_of"] > when, "value"].max() for when in per_reporter["as_of"]
    ]
    superseded = np.array(
        [pd.notna(m) and v < m for v, m in zip(per_reporter["value"], later_max, strict=True)]
    )
    per_reporter = per_reporter[~superseded]
    values = per_reporter["value"].to_numpy(dtype=float)
    return {
        "low": float(np.min(values)),
        "high": float(np.max(values)),
        "as_of": last,
        "reported_by": "; ".join(per_reporter.sort_values("value")["reported_by"].astype(str)),
    }


def _cols(found: dict[str, Any] | None, prefix: str) -> dict[str, Any]:
    keys = ("low", "high", "as_of", "reported_by")
    names = {
        "": {k: k for k in keys},
        "claim_": {
            "low": "claim_low",
            "high": "claim_high",
            "as_of": "claim_as_of",
            "reported_by": "claimed_by_other",
        },
    }[prefix]
    return {names[k]: (found or {}).get(k) for k in keys}


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = [
        "war", "side", "category", "low", "high", "as_of", "reported_by",
        "claim_low", "claim_high", "claim_as_of", "claimed_by_other",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    for col in ("low", "high", "claim_low", "claim_high"):
        table[col] = pd.to_numeric(table[col]).astype("Float64")
    for col in ("as_of", "claim_as_of"):
        table[col] = pd.to_datetime(table[col])
    return table
