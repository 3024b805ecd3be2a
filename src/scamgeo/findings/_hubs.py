"""Sentences of the casino-hub briefs: fighting near a site, the hub tests, clustering, crossings."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import fmt, vocab
from .._record import incident_keys
from ._core import Finding, Window
from ._war import split_universe

__all__ = ["fighting_near", "hub_tests", "nearest_crossing", "site_damage", "space_time"]


def _sites_words(sites: pd.DataFrame) -> str:
    if len(sites) == 1:
        return str(sites["name"].iloc[0])
    kinds = sorted({vocab.SITE_KIND_LABELS.get(str(k), str(k)).lower() for k in sites["kind"]})
    return f"a {' or '.join(kinds)}"


def fighting_near(
    events: pd.DataFrame,
    sites: pd.DataFrame,
    window: Window,
    *,
    km: float,
    name: str = "incidents_near",
) -> Finding:
    """Incidents of fighting in the window within ``km`` of a site, surely or maybe.

    Uses :func:`scamgeo.geo.proximity`: an incident is **certainly** near when
    its distance and both location errors fit within ``km``, **possibly** when
    only the errors bring it in. Strategic developments near the site are
    listed apart, never counted as fighting.

    Parameters
    ----------
    events : DataFrame
        Events in the common schema.
    sites : GeoDataFrame
        One site (the hub brief) or several (the casino-hubs brief).
    window : Window
    km : float
    name : str
        The key figure's name.
    """
    from ..geo import proximity

    fighting, other = split_universe(events, window)
    where = sites.dropna(subset=["latitude"])
    label = _sites_words(where) if len(where) else _sites_words(sites)
    if where.empty:
        text = f"{label} has no coordinates in the record, so no fighting can be placed near it."
        return Finding(name, None, text, unit="incidents", counts="incidents", rule="no_location")
    near = proximity(fighting, where, km=km) if len(fighting) else None
    keys = incident_keys(fighting) if len(fighting) else pd.Series([], dtype="string")
    sure = int(keys[near["within"] == "certainly"].nunique()) if near is not None else 0
    maybe_keys = (
        set(keys[near["within"] == "possibly"]) - set(keys[near["within"] == "certainly"])
        if near is not None
        else set()
    )
    maybe = len(maybe_keys)
    apart = _other_near(other, where, km)
    facts = {"certainly": sure, "possibly": maybe, "dates": [window.start, window.end]}
    if sure == 0 and maybe == 0:
        text = (
            f"No fighting is recorded within {fmt.number(km)} km of {label} {window.text}.{apart}"
        )
        return Finding(
            name, 0, text, unit="incidents", counts="incidents", rule="none", facts=facts
        )
    maybe_words = ""
    if maybe:
        assert near is not None  # maybe > 0 only when there was fighting to measure
        margin = near.loc[keys.isin(maybe_keys).to_numpy(), "margin_km"].median()
        maybe_words = (
            f", and {fmt.count(maybe)} more may: their places and the site's are known only to "
            f"within about {fmt.km(margin)} together (the median), so they could lie inside or "
            f"outside the {fmt.number(km)} km"
        )
    verb = "lies" if sure == 1 else "lie"
    text = (
        f"{fmt.plural(sure, 'incident')} of fighting {verb} certainly within {fmt.number(km)} km of "
        f"{label} {window.text}{maybe_words}.{apart}"
    )
    return Finding(
        name, sure, text, unit="incidents", counts="incidents", rule="counted", facts=facts
    )


def _other_near(other: pd.DataFrame, where: pd.DataFrame, km: float) -> str:
    from ..geo import proximity

    if other.empty:
        return ""
    near = proximity(other, where, km=km)
    kept = other[near["within"] != "no"]
    if kept.empty:
        return ""
    kinds = kept["event_type"].astype("string").str.lower().value_counts()
    listed = ", ".join(f"{k} ({n})" for k, n in kinds.items())
    return f" Also near, and not counted as fighting: {listed}."


def nearest_crossing(site: pd.DataFrame, crossings: pd.DataFrame) -> Finding:
    """The nearest border crossing to a site, or why no distance can be given.

    Two points closer than their combined location errors (a crossing and a
    hub standing on one town point) are not told apart: the sentence says so
    instead of printing "0.0 km".

    Parameters
    ----------
    site : geopandas.GeoDataFrame
        The site, one row as :func:`scamgeo.datasets.find_site` gives it
        (``name``, ``latitude``, point geometry and location error).
    crossings : geopandas.GeoDataFrame
        The border crossings to measure to, e.g.
        ``scamgeo.datasets.sites("border_crossing")``; rows without coordinates,
        and the site itself when it is a crossing, are left out.
    """
    from ..geo import proximity

    name = str(site["name"].iloc[0])
    crossings = crossings.dropna(subset=["latitude"])
    crossings = crossings[~crossings.index.isin(site.index)]  # a crossing is not its own nearest
    if site["latitude"].isna().all() or crossings.empty:
        text = f"No distance from {name} to a border crossing can be measured: a point is missing."
        return Finding("nearest_crossing_km", None, text, unit="km", rule="no_location")
    near = proximity(site, crossings, km=1.0).iloc[0]
    cross = str(near["nearest_site_name"])
    if not near["apart"]:
        text = (
            f"The nearest border crossing in the record, {cross}, is placed closer to {name} "
            f"than the two points' combined location error ({fmt.km(near['margin_km'])}), so the "
            "record cannot say how far apart they are."
        )
        return Finding(
            "nearest_crossing_km", None, text, unit="km", rule="not_apart",
            facts={"margin_km": float(near["margin_km"])},
        )  # fmt: skip
    text = (
        f"The nearest border crossing in the record is {cross}, {fmt.km(near['distance_km'])} "
        f"from {name} (give or take {fmt.km(near['margin_km'])}, the two points' location errors)."
    )
    return Finding(
        "nearest_crossing_km", round(float(near["distance_km"]), 1), text, unit="km",
        rule="measured", facts={"margin_km": float(near["margin_km"])},
    )  # fmt: skip


def hub_tests(against_places: Any, against_band: Any, *, strikes: int, hubs: str) -> Finding:
    """Were the hubs struck more than chance would place strikes? Both nulls, side by side.

    ``against_places`` is :func:`scamgeo.stats.hub_targeting_test` with the
    places the war's fighting hit as the null (``null=events``, with location
    redraws); ``against_band`` the same with random points in the border band.
    The sentence gives both p-values and what each null asks.

    Parameters
    ----------
    against_places : HubTestResult or LocationUncertaintyResult
        :func:`scamgeo.stats.hub_targeting_test` with ``null=events``; with
        ``replicates > 0`` (a :class:`~scamgeo.stats.LocationUncertaintyResult`)
        the sentence also gives the range of its p-value over the redraws.
    against_band : HubTestResult
        :func:`scamgeo.stats.hub_targeting_test` with ``null="border_band"``.
    strikes : int
        How many strikes were tested (the rows passed as ``strikes`` to both tests).
    hubs : str
        The kinds of hub in words, as the sentence names them after "the nearest"
        (e.g. ``"casino hub or casino"``).
    """
    a, b = against_places, against_band
    verdict = (
        "neither null finds the strikes nearer the hubs than chance"
        if a.p_value > 0.05 and b.p_value > 0.05
        else "strikes lie nearer the hubs than the places the fighting hit"
        if a.p_value <= 0.05 and a.ratio < 1
        else "the two nulls disagree, so the data cannot settle it"
    )
    ranged = ""
    if getattr(a, "p_value_range", None) is not None:
        lo, hi = a.p_value_range
        ranged = f"; {fmt.p_value(lo).replace('p = ', '')}–{fmt.p_value(hi).replace('p = ', '')} with every place redrawn within its error"
    text = (
        f"The {fmt.plural(strikes, 'strike')} tested (air and drone strikes and shelling) fell a "
        f"median {fmt.km(a.observed_km)} from the nearest {hubs}. Against the places the "
        f"war's fighting hit, {fmt.p_value(getattr(a, 'p_value_recorded', a.p_value))}{ranged}; "
        f"against random points within {fmt.number(b.band_km)} km of the border ({fmt.plural(b.n_strikes, 'strike')} "
        f"lie in that band), {fmt.p_value(b.p_value)}: {verdict}."
    )
    value = {
        "against_places": round(float(getattr(a, "p_value_recorded", a.p_value)), 3),
        "against_band": round(float(b.p_value), 3),
    }
    return Finding("hub_tests", value, text, rule="both_nulls", facts={"strikes": strikes})


def space_time(knox: Any, phased: Any) -> Finding:
    """Did incidents cluster in space and time beyond what the war's phases explain?

    Parameters
    ----------
    knox : KnoxResult
        :func:`scamgeo.stats.knox_test` of the fighting, dates shuffled among
        all the events.
    phased : KnoxResult
        The same test with ``within_phases=True``: dates shuffled only within
        each phase of the war.
    """
    if knox.p_value < 0.05 and phased.p_value < 0.05:
        verdict = (
            "incidents clustered in space and time, and not only because the war came in phases"
        )
    elif knox.p_value < 0.05:
        verdict = (
            "incidents clustered in space and time, but shuffling dates within each phase "
            "removes it: the phases of the war explain the clustering"
        )
    else:
        verdict = "no clustering in space and time beyond chance"
    text = (
        f"{fmt.count(knox.statistic)} pairs of incidents fell within {fmt.number(knox.distance_km)} km and "
        f"{fmt.plural(knox.days, 'day')} of each other, against {fmt.count(knox.expected)} "
        f"expected if where and when were unrelated ({fmt.p_value(knox.p_value)}; with dates "
        f"shuffled only within each phase, {fmt.p_value(phased.p_value)}): {verdict}."
    )
    value = {"observed": int(knox.statistic), "expected": round(float(knox.expected), 1),
             "p_value": float(knox.p_value), "p_within_phases": float(phased.p_value)}  # fmt: skip
    return Finding("knox", value, text, counts="incidents", rule="tested")


def site_damage(site: pd.DataFrame, window: Window) -> Finding:
    """War damage reported at the site itself, with who reports it, if it falls in the window.

    Parameters
    ----------
    site : geopandas.GeoDataFrame
        The site, one row as :func:`scamgeo.datasets.find_site` gives it; its
        ``name``, ``damage_note``, ``damage_date`` and ``damage_claimed_by``
        are read.
    window : Window
        The brief's days: dated damage outside them is said to fall outside.
    """
    name = str(site["name"].iloc[0])
    row = site.iloc[0]
    day = row.get("damage_date")
    if pd.isna(row.get("damage_note")) or not isinstance(row.get("damage_note"), str):
        text = f"No damage to {name} itself is recorded."
        return Finding("site_damage", 0, text, rule="none")
    who = vocab.CLAIM_LABELS.get(
        str(row.get("damage_claimed_by")), str(row.get("damage_claimed_by"))
    )
    if pd.isna(day):
        text = f"Damage at {name} itself is reported, undated, by {who}."
        return Finding("site_damage", 1, text, rule="undated")
    if not window.contains(day):
        text = f"No damage to {name} itself is recorded {window.text} (some is reported on {fmt.date(day)}, outside it)."
        return Finding("site_damage", 0, text, rule="outside", facts={"dates": []})
    text = f"Damage at {name} itself was reported on {fmt.date(day)}, by {who}."
    return Finding("site_damage", 1, text, rule="dated", facts={"dates": [pd.Timestamp(day)]})
