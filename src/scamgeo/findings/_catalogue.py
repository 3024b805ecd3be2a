"""Sentences of the data catalogue: what the record holds, and whose accounts it rests on."""

from __future__ import annotations

import pandas as pd

from .. import fmt, vocab
from ._core import Finding

__all__ = ["record_size", "source_balance"]


def record_size(catalogue: pd.DataFrame, *, events: int, incidents: int, sources: int) -> Finding:
    """How many rows the curated tables hold, claims and incidents named apart, and sources.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        :func:`scamgeo.datasets.catalogue`: one row per curated table, with its
        ``table`` name and its ``rows``.
    events : int
        Rows of the events table, each one side's claim
        (``len(scamgeo.datasets.events())``).
    incidents : int
        Incidents those claims make once the claims of one attack are grouped
        (``len(scamgeo.datasets.incidents())``).
    sources : int
        Distinct public sources the curated rows cite
        (``len(scamgeo.datasets.sources())``).
    """
    rows = ", ".join(
        f"{fmt.count(n)} {str(t).replace('_', ' ')}"
        for t, n in zip(catalogue["table"], catalogue["rows"], strict=True)
    )
    text = (
        f"The record holds {fmt.count(catalogue['rows'].sum())} curated rows ({rows}); its "
        f"{fmt.count(events)} event rows are claims, which make {fmt.plural(incidents, 'incident')} "
        f"once each side's account of one attack is grouped, and they cite "
        f"{fmt.plural(sources, 'distinct public source')}."
    )
    value = {
        "rows": catalogue.set_index("table")["rows"].to_dict(),
        "incidents": incidents,
        "sources": sources,
    }
    return Finding("record", value, text, counts="incidents", rule="counted")


def source_balance(balance: pd.DataFrame) -> Finding:
    """Whose accounts the fighting claims carry (``datasets.source_balance(by="side", fighting_only=True)``).

    Parameters
    ----------
    balance : pandas.DataFrame
        :func:`scamgeo.datasets.source_balance` with ``by="side"`` and
        ``fighting_only=True``: one row per claiming side, ``claimed_by`` (a
        code of :data:`scamgeo.vocab.CLAIM_LABELS`, e.g. ``"THA"``) and
        ``claims`` (its fighting claims).
    """
    total = int(balance["claims"].sum())
    if total == 0:
        return Finding("source_balance", {}, "The record holds no fighting claims.", rule="none")
    bits = [
        f"{vocab.CLAIM_LABELS.get(str(r.claimed_by), str(r.claimed_by))} {fmt.count(r.claims)} ({fmt.pct(r.claims / total)})"
        for r in balance.itertuples()
    ]
    text = (
        f"Of the {fmt.plural(total, 'fighting claim')}, the accounts are: "
        + "; ".join(bits)
        + ". Thai reporting supplies most of the record, so counts lean on Thailand's view of events."
        if str(balance.iloc[0]["claimed_by"]) == "THA" and balance.iloc[0]["claims"] / total > 0.5
        else f"Of the {fmt.plural(total, 'fighting claim')}, the accounts are: "
        + "; ".join(bits)
        + "."
    )
    value = {str(r.claimed_by): int(r.claims) for r in balance.itertuples()}
    return Finding("source_balance", value, text, counts="claims", rule="counted")
