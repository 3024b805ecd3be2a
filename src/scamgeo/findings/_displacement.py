"""Sentences of the displacement brief: each war's displacement by the body that followed it,
and the returns."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import fmt, vocab
from ._core import Finding

__all__ = ["followed_series", "returns", "war_peaks"]

_WORDS = {
    "in_shelters": "people in shelters",
    "displaced_total": "people displaced",
    "evacuated": "people evacuated",
    "remaining": "people still displaced",
    "returned": "people returned",
}


def _body(name: str) -> str:
    """A counting body in a sentence: ``the Thai Ministry of Defence``, ``Cambodia NCDM``."""
    return f"the {name}" if name.split(" ", 1)[0] in ("Thai", "Cambodian", "Royal") else name


def _figure(value: float, qualifier: object) -> str:
    q = "" if qualifier is None or pd.isna(qualifier) else f"{qualifier} "
    return f"{q}{fmt.count(value)}"


def war_peaks(table: pd.DataFrame, *, countries: tuple[str, ...] = ("THA", "KHM")) -> Finding:
    """Each war's displacement in each country, as the counting body that followed it counted it.

    ``table`` is :func:`scamgeo.stats.war_displacement`. A higher figure from
    another body in the same days is named beside it (it counts differently),
    never joined to it.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`scamgeo.stats.war_displacement`: one row per war and country
        with the followed series' peak and another body's higher figure.
    countries : tuple of str, default ("THA", "KHM")
        ISO3 codes of the countries told; rows of the others are left out.
    """
    rows = table[table["country"].isin(countries)] if len(table) else table
    if rows.empty:
        names = " or ".join(vocab.COUNTRY_NAMES[c] for c in countries)
        text = f"No national displacement figure is reported for {names} during either war."
        return Finding("war_displacement", {}, text, unit="people", rule="none")
    parts, value = [], {}
    for war in vocab.WAR_PHASES:
        sub = rows[rows["war"] == war]
        if sub.empty:
            continue
        bits = [_country_words(r) for r in sub.itertuples()]
        parts.append(f"In {vocab.PHASE_PHRASES[war]}, " + "; ".join(bits) + ".")
        value[war] = {r.country: int(r.peak_value) for r in sub.itertuples()}
    return Finding("war_displacement", value, " ".join(parts), unit="people", rule="followed")


def _country_words(r: Any) -> str:
    what = _WORDS.get(r.metric, r.metric)
    series = (
        f"its highest in a series of {fmt.plural(r.figures, 'figure')} over "
        f"{fmt.window(r.first, r.last)}"
        if r.figures > 1
        else "a single figure; no body of that country reported a series through the war"
    )
    words = (
        f"{_body(r.counting_body)} counted {_figure(r.peak_value, r.peak_qualifier)} {what} "
        f"on {fmt.date(r.peak_date)} ({series})"
    )
    if r.other_value is not None and pd.notna(r.other_value) and r.other_value > r.peak_value:
        words += (
            f"; {_body(r.other_body)} gave a higher count of "
            f"{_WORDS.get(r.other_metric, r.other_metric)}, "
            f"{_figure(r.other_value, r.other_qualifier)} on {fmt.date(r.other_date)}, counted "
            "its own way and kept apart"
        )
    return words


def returns(series: pd.DataFrame, *, country: str = "KHM") -> Finding:
    """How fast people went home: the still-displaced and returned counts over time.

    ``series`` is :func:`scamgeo.stats.return_series` for ``country``.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`scamgeo.stats.return_series` with the same ``country``: one
        counting body's ``remaining`` and ``returned`` figures (``as_of``,
        ``metric``, ``value``, ``qualifier``, ``counting_body``), by date.
    country : str, default "KHM"
        ISO3 code of the country, named in the sentence.
    """
    name = vocab.COUNTRY_NAMES[country]
    if series.empty:
        text = f"No figures of people returned or still displaced are reported for {name}."
        return Finding("returns", None, text, unit="people", rule="none")
    body = str(series["counting_body"].iloc[0])
    remaining = series[series["metric"] == "remaining"]
    returned = series[series["metric"] == "returned"]
    bits, value = [], {}
    if len(remaining):
        first, last = remaining.iloc[0], remaining.iloc[-1]
        bits.append(
            f"people still displaced fell from {_figure(first['value'], first['qualifier'])} on "
            f"{fmt.date(first['as_of'])} to {_figure(last['value'], last['qualifier'])} on "
            f"{fmt.date(last['as_of'])}"
        )
        value["remaining"] = int(last["value"])
    if len(returned):
        last = returned.iloc[-1]
        bits.append(
            f"{_figure(last['value'], last['qualifier'])} had returned home by "
            f"{fmt.date(last['as_of'])}"
        )
        value["returned"] = int(last["value"])
    text = f"By the count of {_body(body)}, " + ", and ".join(bits) + "."
    dates = list(series["as_of"])
    return Finding("returns", value, text, unit="people", rule="counted", facts={"dates": dates})


def followed_series(chosen: pd.DataFrame, *, metric: str) -> Finding:
    """Which counting body's series the charts and map of one metric follow, per country.

    Parameters
    ----------
    chosen : pandas.DataFrame
        The third frame of :func:`scamgeo.stats.metric_series`: one row per
        country, ``country``, ``counting_body``, ``measure`` and ``figures``.
    metric : str
        The metric those series count (one of
        :data:`scamgeo.vocab.DISPLACEMENT_METRICS`, e.g. ``"in_shelters"``),
        named in the sentence.
    """
    label = _WORDS.get(metric, vocab.DISPLACEMENT_METRIC_LABELS.get(metric, metric).lower())
    if chosen.empty:
        text = f"No figures of {label} are reported for this selection."
        return Finding("series", {}, text, rule="none")
    bits = [
        f"{vocab.COUNTRY_NAMES[r.country]}'s follow {_body(r.counting_body)} "
        f"({fmt.plural(r.figures, 'figure')}, a {r.measure})"
        for r in chosen.itertuples()
    ]
    text = (
        f"The charts and map of {label} follow one series per country: "
        + "; ".join(bits)
        + ". Other bodies' figures are listed apart, never joined to them."
    )
    value = {r.country: r.counting_body for r in chosen.itertuples()}
    return Finding(
        "series",
        value,
        text,
        rule="chosen",
        facts={"figures": {r.country: int(r.figures) for r in chosen.itertuples()}},
    )
