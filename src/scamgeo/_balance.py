"""Who the record hears from: events by claiming side, publisher and evidence grade.

Behind :func:`scamgeo.datasets.source_balance`. Pure functions on an events frame: the
record leans on Thai outlets (The Nation above all) and on Thai-side claims, and a reader
should see by how much before weighing a count.
"""

from __future__ import annotations

import re

import pandas as pd

from ._validate import check_choice
from .vocab import FIGHTING_TYPES, SOURCE_GRADE_LABELS, SOURCE_GRADES

__all__ = ["BALANCE_BY", "outlet", "source_balance"]

#: What :func:`source_balance` can tabulate by.
BALANCE_BY = ("publisher", "side", "grade")

#: Spellings of one outlet in the ``source`` column, folded to one name.
_OUTLETS = {"Nation Thailand": "The Nation", "The Thaiger": "Thaiger"}
_SIDES = ("THA", "KHM", "both", "independent", "undisputed")


def outlet(source: object) -> str:
    """The outlet a ``source`` cell names, without relays and country tags.

    Examples
    --------
    >>> outlet("The Nation (Thailand)"), outlet("ANI (via Lokmat Times)"), outlet("AP (via KSAT)")
    ('The Nation', 'ANI', 'AP')
    """
    text = re.split(r" \(| via ", str(source), maxsplit=1)[0].strip()
    return _OUTLETS.get(text, text)


def _sides(events: pd.DataFrame) -> pd.Series:
    claimed = (
        events["claimed_by"]
        if "claimed_by" in events.columns
        else pd.Series(pd.NA, index=events.index)
    )
    return claimed.astype("string").fillna("undisputed")


def source_balance(
    events: pd.DataFrame, *, by: str = "publisher", fighting_only: bool = False
) -> pd.DataFrame:
    """Claims (event rows) by outlet, claiming side or evidence grade.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common schema (``source``, ``claimed_by``, ``event_type``,
        ``source_grade``).
    by : {"publisher", "side", "grade"}
        ``publisher``: one row per outlet, columns the claiming sides (THA, KHM, both,
        independent, undisputed), ``claims`` and ``share``; ``side``: one row per side
        with its claims and share; ``grade``: sides by evidence grade, with the grade's
        ``meaning``.
    fighting_only : bool
        Count only political violence (battles, explosions/remote violence, violence
        against civilians), the briefs' "fighting".

    Returns
    -------
    pandas.DataFrame
        Counts of claims; ``share`` is of all claims counted.
    """
    check_choice(by, BALANCE_BY, name="by")
    if fighting_only:
        events = events[events["event_type"].astype(str).isin(FIGHTING_TYPES)]
    side = _sides(events)
    total = max(len(events), 1)
    if by == "side":
        counts = side.value_counts().reindex(list(_SIDES), fill_value=0)
        out = pd.DataFrame({"claims": counts.astype(int)})
        out["share"] = (out["claims"] / total).round(3)
        return out.rename_axis("claimed_by").reset_index()
    if by == "grade":
        grade = events.get("source_grade", pd.Series(pd.NA, index=events.index))
        grade = grade.astype("string").fillna("not graded")
        table = pd.crosstab(grade, side).reindex(columns=list(_SIDES), fill_value=0)
        order = [g for g in (*SOURCE_GRADES, "not graded") if g in table.index]
        table = table.reindex(order)
        table["claims"] = table.sum(axis=1)
        table["share"] = (table["claims"] / total).round(3)
        out = table.rename_axis(index="source_grade", columns=None).reset_index()
        out.insert(
            1, "meaning", out["source_grade"].map(SOURCE_GRADE_LABELS).fillna("no grade given")
        )
        return out
    table = pd.crosstab(events["source"].map(outlet), side).reindex(
        columns=list(_SIDES), fill_value=0
    )
    table["claims"] = table.sum(axis=1)
    table["share"] = (table["claims"] / total).round(3)
    table = table.sort_values(["claims"], ascending=False, kind="stable")
    return table.rename_axis(index="publisher", columns=None).reset_index()
