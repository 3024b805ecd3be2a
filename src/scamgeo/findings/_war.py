"""Sentences of the border-clashes brief: how much fighting, and who died, in the window."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import fmt, vocab
from .._record import incident_keys
from ._core import Finding, Window

__all__ = [
    "border_decay",
    "casualties",
    "casualty_rows",
    "claimed_deaths",
    "fighting_incidents",
    "sensitivity_table",
    "split_universe",
]


def split_universe(events: pd.DataFrame, window: Window) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The window's events as (fighting, everything else).

    Fighting is political violence (:data:`scamgeo.vocab.FIGHTING_TYPES`:
    battles, explosions and remote violence, violence against civilians), the
    universe every brief counts; strategic developments, protests and the rest
    are listed apart, never counted as fighting.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common schema (``event_date``, ``event_type``), e.g.
        :func:`scamgeo.datasets.events` or :func:`scamgeo.io.load_events`.
    window : Window
        The brief's days: only events dated inside it (both ends included) are kept.
    """
    dates = pd.to_datetime(events["event_date"])
    inside = (dates >= window.start) & (dates <= window.end)
    fighting = events["event_type"].astype("string").isin(vocab.FIGHTING_TYPES).fillna(False)
    return events[inside & fighting], events[inside & ~fighting]


def _incident_count(events: pd.DataFrame) -> int:
    return int(incident_keys(events).nunique()) if len(events) else 0


def fighting_incidents(events: pd.DataFrame, window: Window, *, source: str) -> Finding:
    """How much fighting the source records in the window, incidents and claims named apart.

    Parameters
    ----------
    events : DataFrame
        Events in the common schema (``event_date``, ``event_type``; ``incident_id``
        where one incident has several claims; rows without one are incidents of
        their own, as ACLED's and UCDP's are).
    window : Window
    source : str
        The source in words (``"scamgeo's record"``, ``"the ACLED file acled.csv"``).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> f = fighting_incidents(datasets.events(), Window.of("2025-07-24", "2025-07-28"), source="the record")
    >>> f.value, f.facts["claims"]
    (45, 46)
    """
    fighting, other = split_universe(events, window)
    n_inc, n_claims = _incident_count(fighting), len(fighting)
    apart = _apart(other)
    facts = {
        "incidents": n_inc,
        "claims": n_claims,
        "other": len(other),
        "dates": [window.start, window.end],
    }
    if n_inc == 0:
        text = f"No fighting is recorded {window.text} in {source}.{apart}"
        return Finding(
            "incidents", 0, text, unit="incidents", counts="incidents", rule="none", facts=facts
        )
    claims = f" ({fmt.plural(n_claims, 'claim')} by either side)" if n_claims != n_inc else ""
    text = (
        f"{fmt.plural(n_inc, 'incident')} of fighting{claims} are recorded {window.text} in "
        f"{source}.{apart}"
    )
    if n_inc == 1:
        text = text.replace(" are recorded", " is recorded", 1)
    return Finding(
        "incidents", n_inc, text, unit="incidents", counts="incidents", rule="counted", facts=facts
    )


def _apart(other: pd.DataFrame) -> str:
    if other.empty:
        return ""
    kinds = other["event_type"].astype("string").fillna("other events").str.lower()
    listed = ", ".join(f"{k} ({fmt.count(n)})" for k, n in kinds.value_counts().items())
    return f" Also recorded, and not counted as fighting: {listed}."


def claimed_deaths(events: pd.DataFrame, window: Window) -> Finding:
    """The sum of the tolls the fighting claims report: a floor, kept as a footnote.

    Claims are alternatives, never added across sides for one incident (the
    highest toll any claim gives counts once per incident).

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common schema (``event_date``, ``event_type``,
        ``fatalities``; ``incident_id`` where one incident has several claims),
        e.g. :func:`scamgeo.datasets.events` or :func:`scamgeo.io.load_events`.
        Only the fighting inside ``window`` is summed (see :func:`split_universe`).
    window : Window
        The brief's days: only claims dated inside it are summed.
    """
    fighting, _ = split_universe(events, window)
    tolls = (
        pd.to_numeric(fighting.get("fatalities"), errors="coerce")
        if len(fighting)
        else pd.Series(dtype=float)
    )
    if fighting.empty:
        text = f"No claim of fighting {window.text} reports a toll."
        return Finding("claimed_deaths", 0, text, unit="deaths", counts="incidents", rule="none")
    per_incident = tolls.groupby(incident_keys(fighting).to_numpy()).max()
    deaths = int(per_incident.fillna(0).sum())
    silent = int(per_incident.isna().sum())
    n = len(per_incident)
    text = (
        f"Adding the highest toll claimed for each incident gives {fmt.plural(deaths, 'death')}; "
        f"{fmt.count(silent)} of the {fmt.plural(n, 'incident')} ({fmt.pct(silent / n)}) have no "
        "toll in any claim, so this is a floor, not a death toll."
        if silent
        else f"Adding the highest toll claimed for each incident gives {fmt.plural(deaths, 'death')}."
    )
    facts = {"deaths": deaths, "incidents": n, "no_toll": silent}
    return Finding(
        "claimed_deaths",
        deaths,
        text,
        unit="deaths",
        counts="incidents",
        rule="summed",
        facts=facts,
    )


def casualties(table: Any, window: Window) -> Finding:
    """The governments' own casualty tallies of each war in the window, as they gave them.

    ``table`` is a :class:`scamgeo.stats.CasualtyTable` built with
    ``end=window.end``. A war counts when the window overlaps it; its figures
    are the tallies dated on or before the window's last day.

    Parameters
    ----------
    table : CasualtyTable
        :func:`scamgeo.stats.casualty_table` with ``end=window.end``: the
        casualty figures by war, side and category, each side's own and the
        other side's claims kept apart.
    window : Window
        The brief's days; the wars of :data:`scamgeo.vocab.WAR_PHASES` it
        overlaps are told.
    """
    wars = [p for p, _, _ in window.phases() if p in vocab.WAR_PHASES]
    rows = table.table[table.table["war"].isin(wars)]
    if not wars or rows.empty:
        text = "Neither war falls in this window, so no government casualty tallies apply."
        return Finding("casualties", None, text, unit="deaths", rule="no_war")
    parts, value, dates = [], {}, []
    for war in wars:
        low, high = table.killed(war)
        sub = rows[rows["war"] == war]
        last = sub["as_of"].max()
        dates.append(last)
        value[war] = {"low": low, "high": high}
        sides = "; ".join(
            _side_words(sub, side) for side in ("THA", "KHM") if (sub["side"] == side).any()
        )
        part = (
            f"{vocab.PHASE_PHRASES[war]} had killed {fmt.count_range(low, high)} by "
            f"{fmt.date(last)} ({sides})"
        )
        indirect = sub[sub["category"] == "civilians_killed_indirect"]
        for r in indirect.itertuples():
            part += (
                f", and {vocab.COUNTRY_NAMES[r.side]} attributes a further "
                f"{fmt.count_range(r.low, r.high)} civilian deaths to the war rather than to attacks"
            )
        parts.append(part)
    text = ("By each government's count of its own dead, " + "; ".join(parts) + ". Claims "
            "about the other side's soldiers are shown apart, never added.")  # fmt: skip
    return Finding("casualties", value, text, unit="deaths", rule="tallied", facts={"dates": dates})


def _side_words(sub: pd.DataFrame, side: str) -> str:
    """``Thailand 25–26 soldiers and 1 civilian`` (``…; no figure for its soldiers``)."""
    bits, missing = [], []
    for category, word in (("soldiers_killed", "soldier"), ("civilians_killed", "civilian")):
        row = sub[(sub["side"] == side) & (sub["category"] == category)]
        if row.empty or pd.isna(row["low"].iloc[0]):
            missing.append(f"{word}s")
            continue
        low, high = row["low"].iloc[0], row["high"].iloc[0]
        noun = word if round(float(high)) == 1 else f"{word}s"
        bits.append(f"{fmt.count_range(low, high)} {noun}")
    words = " and ".join(bits) if bits else "no figures"
    if missing and bits:
        words += f", no figure for its {' or '.join(missing)}"
    return f"{vocab.COUNTRY_NAMES[side]} {words}"


def border_decay(result: Any) -> Finding:
    """How fighting thinned out with distance from the border, only where the data establish it.

    ``result`` is :func:`scamgeo.stats.distance_decay` from the border. A
    half-distance is stated only when the decay beats a flat rate and the fit
    passes its goodness-of-fit check (``result.established``); otherwise the
    sentence says the data cannot establish one.

    Parameters
    ----------
    result : DecayResult
        :func:`scamgeo.stats.distance_decay` of the window's fighting with
        ``from_="border"`` (a :class:`~scamgeo.stats.LocationUncertaintyResult`
        from ``replicates > 0`` reads the same, at the recorded points).
    """
    n = int(getattr(result, "n_events", 0))
    if n < 2 or fmt.is_missing(getattr(result, "p_value", None)):
        text = "Too few incidents in this window to measure how fighting thins out with distance from the border."
        return Finding("border_half_distance_km", None, text, unit="km", rule="too_few")
    if not result.established:
        text = (
            f"Whether fighting thins out with distance from the border cannot be established from "
            f"these {fmt.plural(n, 'incident')} (against a flat rate, {fmt.p_value(result.p_value)}), "
            "so no rate of decline is stated."
        )
        return Finding("border_half_distance_km", None, text, unit="km", rule="not_established")
    text = (
        f"Fighting clustered at the border line: the density of incidents halves about every "
        f"{fmt.km(result.half_distance_km)} away from it (95% CI "
        f"{fmt.interval(result.half_distance_ci[0], result.half_distance_ci[1], 'km')}; "
        f"against a flat rate, "
        f"{fmt.p_value(result.p_value)}), measured from places that are themselves uncertain by "
        "up to several kilometres, so read it as a steep fall near the line, not an exact rate."
    )
    return Finding(
        "border_half_distance_km", round(float(result.half_distance_km), 1), text, unit="km",
        counts="incidents", rule="established",
    )  # fmt: skip


def casualty_rows(table: Any, window: Window) -> pd.DataFrame:
    """The casualty table of the wars in the window, as a reader reads it.

    One row per war, side and category: the side's own figure (a range where
    same-day reporters differ, "not reported" where the side gave none), its
    date and reporters, and the other side's claim about the same casualties.

    Parameters
    ----------
    table : CasualtyTable
        :func:`scamgeo.stats.casualty_table` with ``end=window.end``, as for
        :func:`casualties`.
    window : Window
        The brief's days; only the rows of the wars of
        :data:`scamgeo.vocab.WAR_PHASES` it overlaps are kept.
    """
    wars = [p for p, _, _ in window.phases() if p in vocab.WAR_PHASES]
    rows = table.table[table.table["war"].isin(wars)]
    claim = [
        "" if pd.isna(r.claim_low) else f"{fmt.count_range(r.claim_low, r.claim_high)} ({r.claimed_by_other}, {fmt.date(r.claim_as_of)})"
        for r in rows.itertuples()
    ]  # fmt: skip
    return pd.DataFrame(
        {
            "war": rows["war"].to_numpy(),
            "side": rows["side"].to_numpy(),
            "category": rows["category"].to_numpy(),
            "figure": [fmt.count_range(lo, hi) for lo, hi in zip(rows["low"], rows["high"], strict=True)],
            "as_of": [fmt.date(d) for d in rows["as_of"]],
            "reported_by": rows["reported_by"].fillna("").to_numpy(),
            "other_side_claims": claim,
        }
    )  # fmt: skip


def sensitivity_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`scamgeo.stats.precision_sensitivity` as a reader reads it: estimates in words.

    One row per estimate ("Incidents per day, July war"), one column per variant.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`scamgeo.stats.precision_sensitivity` of the window's fighting:
        tidy, one row per ``estimate`` and ``variant`` with its ``value``.
    """
    words = {
        "total_events": "Incidents",
        "total_fatalities": "Deaths claimed (a floor)",
        "fatalities_reported_events": "Incidents with a toll",
        "hub_median_distance_km": "Median distance to a casino hub (km)",
    }

    def label(name: str) -> str:
        if name in words:
            return words[name]
        if name.startswith("events_per_day[") and name.endswith("]"):
            return f"Incidents per day, {vocab.PHASE_LABELS.get(name[15:-1], name[15:-1])}"
        if name.startswith("share_within_") and name.endswith("_of_border"):
            return f"Share within {name[13:-10].replace('km', ' km')} of the border"
        return name.replace("_", " ").capitalize()

    wide = table.pivot(index="estimate", columns="variant", values="value")
    order = [
        c
        for c in ("all", "without_geo_precision_3", "without_time_precision_gt1", "without_both")
        if c in wide.columns
    ]
    wide = wide[order]
    wide.index = [label(str(i)) for i in wide.index]
    wide.index.name = "estimate"
    return wide
