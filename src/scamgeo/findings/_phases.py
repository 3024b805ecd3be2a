"""Sentences on the phases of the war: rates compared, change points, escalation, ceasefires.

Each rule reads a result computed on the brief's own window (a count table from
``daily_counts(events, start=..., end=...)``) and names only dates inside the
window; when its premise fails it says what the data allow instead.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import fmt, vocab
from ._core import Finding, Window

__all__ = [
    "CLOSE_DAYS",
    "EDGE_DAYS",
    "ceasefire_change",
    "change_points",
    "escalation",
    "phase_rates",
]

#: Days an official date must lie inside the window for a change at it to be detectable.
EDGE_DAYS = 3
#: A detected change this many days or fewer from an official date "marks" it.
CLOSE_DAYS = 3


def _span(window: Window, phase: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    for name, first, last in window.phases():
        if name == phase:
            return first, last
    raise KeyError(phase)


def _rate(counts: pd.DataFrame, phase: str, outcome: str) -> tuple[int, int]:
    rows = counts[counts["phase"].astype(str) == phase]
    return int(rows[outcome].sum()), int(rows["days"].sum())


def _busiest_against_quietest(fitted: pd.DataFrame) -> pd.Series:
    """The fitted ratio of the busiest phase to the reference, read so that it is >= 1."""
    top = fitted.loc[fitted["irr"].idxmax()].copy()
    if float(top["irr"]) >= 1:
        return top
    low = fitted.loc[fitted["irr"].idxmin()].copy()  # the reference is the busiest phase
    low["term"], low["reference"] = low["reference"], low["term"]
    low["irr"], low["ci_low"], low["ci_high"] = (
        1 / float(low["irr"]), 1 / float(low["ci_high"]), 1 / float(low["ci_low"])
    )  # fmt: skip
    return low


def phase_rates(model: Any, counts: pd.DataFrame, window: Window) -> Finding:
    """How much more intense the busiest phase of the window was than the reference phase.

    Premise: two phases with days in the window, a fitted count model, and
    incidents in the phase compared with (a ratio against none is no number).
    The periods named are each phase's days *inside* the window, with the
    counts the ratio is made of.

    Parameters
    ----------
    model : CountModelResult
        :func:`scamgeo.stats.count_model` on ``counts``.
    counts : DataFrame
        :func:`scamgeo.stats.daily_counts` of the window.
    window : Window
    """
    outcome = getattr(model, "outcome", "incidents")
    fitted = model.table[model.table["model"] == model.chosen] if len(model.table) else model.table
    phases = [p for p, _, _ in window.phases() if _rate(counts, p, outcome)[1] > 0]
    if len(phases) < 2 or fitted.empty:
        return _one_phase(counts, window, phases, outcome)
    top = _busiest_against_quietest(fitted)
    term, ref = str(top["term"]), str(top["reference"])
    (n_t, d_t), (n_r, d_r) = _rate(counts, term, outcome), _rate(counts, ref, outcome)
    t_span, r_span = _span(window, term), _span(window, ref)
    facts = {
        "dates": [*t_span, *r_span], "numerator": (n_t, d_t), "denominator": (n_r, d_r),
        "phases": (term, ref),
    }  # fmt: skip
    if n_r == 0:
        text = (
            f"{fmt.plural(n_t, 'incident')} of fighting in the {d_t} days of "
            f"{vocab.PHASE_PHRASES[term]} in this window ({fmt.window(*t_span)}) against none in "
            f"the {d_r} days of {vocab.PHASE_PHRASES[ref]} ({fmt.window(*r_span)}): no rate "
            "ratio can be computed against nothing."
        )
        return Finding(
            "peak_rate_ratio", None, text, unit="ratio", counts="incidents",
            rule="zero_reference", facts=facts,
        )  # fmt: skip
    ratio = float(top["irr"])
    text = (
        f"Incidents per day in {vocab.PHASE_PHRASES[term]} ({fmt.window(*t_span)}: "
        f"{fmt.plural(n_t, 'incident')} in {fmt.plural(d_t, 'day')}) ran at {fmt.ratio(ratio)} "
        f"the rate of {vocab.PHASE_PHRASES[ref]} ({fmt.window(*r_span)}: "
        f"{fmt.plural(n_r, 'incident')} in {fmt.plural(d_r, 'day')}), 95% CI "
        f"{fmt.interval(top['ci_low'], top['ci_high'], '×')}."
    )
    return Finding(
        "peak_rate_ratio", round(ratio, 2), text, unit="ratio", counts="incidents",
        reference_period=fmt.window(*r_span), rule="compared", facts=facts,
    )  # fmt: skip


def _one_phase(counts: pd.DataFrame, window: Window, phases: list[str], outcome: str) -> Finding:
    if not phases:
        text = "No phase of the war has days in this window, so there is nothing to compare."
        return Finding("peak_rate_ratio", None, text, unit="ratio", rule="no_phase")
    phase = phases[0]
    n, days = _rate(counts, phase, outcome)
    span = _span(window, phase)
    saw = (
        f"it saw {fmt.plural(n, 'incident')} of fighting in {fmt.plural(days, 'day')}"
        if n
        else f"no fighting is recorded in its {fmt.plural(days, 'day')}"
    )
    text = (
        f"Only {vocab.PHASE_PHRASES[phase]} falls in this window ({fmt.window(*span)}), so "
        f"phases cannot be compared; {saw}."
    )
    facts = {"dates": list(span), "numerator": (n, days)}
    return Finding(
        "peak_rate_ratio", None, text, unit="ratio", counts="incidents", rule="one_phase",
        facts=facts,
    )  # fmt: skip


def _mask(days: pd.Series, window: Window) -> pd.Series:
    """Which of ``days`` fall inside the window (a boolean Series, also for no rows)."""
    return pd.Series([window.contains(d) for d in days], index=days.index, dtype=bool)


def _detected(result: Any, window: Window) -> pd.DataFrame:
    breaks = getattr(result, "breaks", None)
    if breaks is None or "date" not in getattr(breaks, "columns", ()):
        return pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]")})
    return breaks.loc[_mask(breaks["date"], window)].reset_index(drop=True)


def change_points(result: Any, window: Window) -> Finding:
    """Whether the daily level of fighting changed when the official record says it did.

    Only official outbreaks and ceasefires at least :data:`EDGE_DAYS` inside the
    window are compared (a change needs days on both sides to be seen), each
    with the nearest change detected inside the window and its interval.

    Parameters
    ----------
    result : ChangePointResult
        :func:`scamgeo.stats.change_points` of the window's daily counts
        (:func:`scamgeo.stats.daily_counts` with the window's ``start`` and
        ``end``); its ``breaks`` (``date``, ``ci_low``, ``ci_high``) are read.
    window : Window
        The brief's days: only changes detected inside it are named, beside the
        official dates (:meth:`Window.official_dates`) at least :data:`EDGE_DAYS`
        days inside it.
    """
    inside = _detected(result, window)
    detected = [pd.Timestamp(d) for d in inside["date"]]
    official = window.official_dates()
    edge = pd.Timedelta(days=EDGE_DAYS)
    official = official[
        (official["date"] - window.start >= edge) & (window.end - official["date"] >= edge)
    ]
    value = [d.date().isoformat() for d in detected]
    if official.empty:
        listed = ", ".join(fmt.date(d) for d in detected)
        where = (
            f"No official outbreak or ceasefire lies {EDGE_DAYS} days or more inside this window"
        )
        text = (
            f"{where}; the daily level of fighting changed on {listed}." if detected
            else f"{where}, and the daily level of fighting shows no change in it."
        )  # fmt: skip
        return Finding("change_points", value, text, rule="no_official", facts={"dates": detected})
    if not detected:
        names = ", ".join(f"the {r.kind} of {fmt.date(r.date)}" for r in official.itertuples())
        text = (
            f"No change in the daily level of fighting is detected in this window, although it "
            f"holds {names}: too few incidents here to show one."
        )
        facts = {"dates": list(official["date"])}
        return Finding("change_points", [], text, rule="none_detected", facts=facts)
    return _compared(inside, official, value)


def _compared(inside: pd.DataFrame, official: pd.DataFrame, value: list[str]) -> Finding:
    pairs, gaps, dates = [], [], []
    for row in official.itertuples():
        near = inside.iloc[int((inside["date"] - row.date).abs().argmin())]
        gap = abs(int((pd.Timestamp(near["date"]) - row.date).days))
        gaps.append(gap)
        dates += [row.date, pd.Timestamp(near["date"])]
        ci = ""
        if "ci_low" in near and pd.notna(near["ci_low"]) and near["ci_low"] != near["ci_high"]:
            ci = f" (interval {fmt.window(near['ci_low'], near['ci_high'])})"
        pairs.append(f"{row.kind} {fmt.date(row.date)}, change {fmt.date(near['date'])}{ci}")
    if max(gaps) <= CLOSE_DAYS:
        text = (
            f"The daily level of fighting changed within {fmt.plural(max(gaps), 'day')} of each "
            f"official date in this window: {'; '.join(pairs)}."
        )
    else:
        text = (
            "The nearest change in the daily level of fighting to each official date in this "
            f"window: {'; '.join(pairs)}. Gaps of up to {fmt.plural(max(gaps), 'day')} mean the "
            "official dates do not all mark changes in the fighting."
        )
    facts = {"dates": dates, "max_gap_days": max(gaps)}
    return Finding("change_points", value, text, rule="compared", facts=facts)


def escalation(result: Any, window: Window) -> Finding:
    """Whether fighting intensified in the last week before a ceasefire in the window.

    Premise: the ceasefire, its last week and the earlier days of the war it is
    compared with (never reaching back past the outbreak) all lie in the
    window, and the test could run. The last such ceasefire is told.

    Parameters
    ----------
    result : EscalationResult
        :func:`scamgeo.stats.escalation_test` of the window's daily counts
        (:func:`scamgeo.stats.daily_counts` with the window's ``start`` and
        ``end``); its ``table`` has one row per ceasefire.
    window : Window
        The brief's days: only ceasefires that lie in it with their last week
        are told, and a rate ratio only when the earlier days compared lie in
        it too.
    """
    table = result.table
    ok = table.loc[_mask(table["ceasefire_date"], window) & _mask(table["recent_start"], window)]
    if ok.empty:
        text = (
            "No ceasefire falls in this window with its last week inside it, so escalation "
            "before a ceasefire cannot be tested here."
        )
        return Finding("escalation_rate_ratio", None, text, unit="ratio", rule="no_ceasefire")
    testable = ok[ok["rate_ratio"].notna() & ok["baseline_days"].gt(0)]
    testable = testable.loc[_mask(testable["baseline_start"], window)]
    if testable.empty:
        return _not_testable(ok.iloc[-1], window)
    return _escalation_told(testable.iloc[-1])


def _not_testable(row: pd.Series, window: Window) -> Finding:
    ceasefire, outbreak = pd.Timestamp(row["ceasefire_date"]), pd.Timestamp(row["cut_at_outbreak"])
    if window.contains(outbreak):
        days = int((ceasefire - outbreak).days)
        why = (
            f"came {fmt.plural(days, 'day')} after the war broke out, leaving no earlier days of "
            "that war to compare its last week with"
        )
        dates = [ceasefire, outbreak]
    else:
        why = (
            f"falls so early in this window ({window.label}) that it holds no earlier days of "
            "the war to compare the ceasefire's last week with"
        )
        dates = [ceasefire]
    text = f"The {fmt.date(ceasefire)} ceasefire {why}: escalation before it cannot be tested."
    return Finding(
        "escalation_rate_ratio", None, text, unit="ratio", rule="not_testable",
        facts={"dates": dates},
    )  # fmt: skip


def _escalation_told(row: pd.Series) -> Finding:
    rr, p = float(row["rate_ratio"]), float(row["p_value"])
    verdict = (
        "fighting intensified before the ceasefire" if p < 0.05 and rr > 1
        else "fighting eased before the ceasefire" if p < 0.05
        else "no sign of a last-minute escalation"
    )  # fmt: skip
    text = (
        f"In the last {fmt.plural(int(row['recent_days']), 'day')} before the "
        f"{fmt.date(row['ceasefire_date'])} ceasefire "
        f"({fmt.window(row['recent_start'], row['recent_end'])}), incidents ran at "
        f"{fmt.ratio(rr, decimals=2)} the rate of the war's earlier days "
        f"({fmt.window(row['baseline_start'], row['baseline_end'])}), 95% CI "
        f"{fmt.interval(row['ci_low'], row['ci_high'], '×', decimals=2)} (permutation test, "
        f"{fmt.p_value(p)}): {verdict}."
    )
    facts = {
        "dates": [row["ceasefire_date"], row["recent_start"], row["recent_end"],
                  row["baseline_start"], row["baseline_end"]],
        "numerator": (int(row["recent_events"]), int(row["recent_days"])),
        "denominator": (int(row["baseline_events"]), int(row["baseline_days"])),
    }  # fmt: skip
    return Finding(
        "escalation_rate_ratio", round(rr, 2), text, unit="ratio", counts="incidents",
        reference_period=fmt.window(row["baseline_start"], row["baseline_end"]),
        rule="tested", facts=facts,
    )  # fmt: skip


def ceasefire_change(result: Any, window: Window) -> Finding:
    """Whether fighting dropped when each ceasefire in the window took effect (ITS level change).

    The interrupted time series is fitted on the window's own counts, its
    comparison days never reaching back past the war's outbreak.

    Parameters
    ----------
    result : CeasefireResults
        :func:`scamgeo.stats.ceasefire_its` of the window's daily counts
        (:func:`scamgeo.stats.daily_counts` with the window's ``start`` and
        ``end``); the ``level_change`` rows of its ``table`` are read.
    window : Window
        The brief's days: only ceasefires whose breakpoint lies inside it are told.
    """
    table = result.table
    level = table[(table["term"] == "level_change") & table["estimate"].notna()]
    level = level.loc[_mask(level["breakpoint"], window)]
    if level.empty:
        text = (
            "No ceasefire takes effect inside this window with days on both sides of it, so "
            "there is no drop to measure."
        )
        return Finding("ceasefire_level_change", None, text, unit="ratio", rule="no_ceasefire")
    parts, value, dates = [], {}, []
    for r in level.itertuples():
        parts.append(_level_words(r))
        value[pd.Timestamp(r.breakpoint).date().isoformat()] = round(float(r.estimate), 3)
        first = pd.Timestamp(r.breakpoint) - pd.Timedelta(days=int(r.n_pre))  # days it used
        last = pd.Timestamp(r.breakpoint) + pd.Timedelta(days=int(r.n_post) - 1)
        dates += [r.breakpoint, first, last]
    text = "; ".join(parts)
    return Finding(
        "ceasefire_level_change", value, text[0].upper() + text[1:] + ".", unit="ratio",
        counts="incidents", rule="fitted", facts={"dates": dates},
    )  # fmt: skip


def _level_words(r: Any) -> str:
    if r.ci_high < 1:
        drop = (
            f"{fmt.pct(1 - r.estimate)} (95% CI {fmt.pct(1 - r.ci_high)}–{fmt.pct(1 - r.ci_low)})"
        )
        what = f"the daily level of fighting fell at once by {drop}"
    elif r.ci_low > 1:
        interval = fmt.interval(r.ci_low, r.ci_high, "×")
        what = f"the daily level of fighting rose to {fmt.ratio(r.estimate)} (95% CI {interval})"
    else:
        interval = fmt.interval(r.ci_low, r.ci_high, "×", decimals=2)
        what = (
            "no change in the daily level of fighting that the data can establish (ratio "
            f"{fmt.ratio(r.estimate, decimals=2)}, 95% CI {interval})"
        )
    before = (
        f"{fmt.plural(int(r.events_pre), 'incident')} in the "
        f"{fmt.plural(int(r.n_pre), 'day')} before it"
    )
    after = f"{fmt.count(int(r.events_post))} in the {fmt.plural(int(r.n_post), 'day')} from it"
    return f"at the {fmt.date(r.breakpoint)} ceasefire, {what}: {before}, {after}"
