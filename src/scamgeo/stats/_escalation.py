"""Escalation before ceasefires: did the fighting rise in the days before each truce?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._result import Result
from ._changepoints import _official, _series
from ._common import (
    DEFAULT_SEED,
    check_int,
    fmt_p,
    resolve_outcome,
    resolve_seed,
    to_timestamp,
)

__all__ = ["EscalationResult", "escalation_test"]

_COLUMNS = [
    "ceasefire_date", "label", "recent_start", "recent_end", "baseline_start", "baseline_end",
    "recent_events", "recent_days", "baseline_events", "baseline_days", "rate_ratio", "ci_low",
    "ci_high", "p_value", "dispersion", "cut_at_outbreak",
]  # fmt: skip


@dataclass(repr=False)
class EscalationResult(Result):
    """Did intensity rise in the days before each ceasefire?

    Attributes
    ----------
    table : pandas.DataFrame
        One row per ceasefire date: ``ceasefire_date``, ``label``,
        ``recent_start``/``recent_end`` and ``baseline_start``/``baseline_end``
        (inclusive windows), ``recent_events``, ``recent_days``,
        ``baseline_events``, ``baseline_days`` (totals of the outcome and
        days), ``rate_ratio`` (recent per day / baseline per day), ``ci_low``,
        ``ci_high`` (95%, quasi-Poisson), ``p_value`` (one-sided permutation
        test of a rise), ``dispersion`` (Pearson variance-to-mean ratio of the
        days, at least 1 in the interval) and ``cut_at_outbreak`` (the
        outbreak the windows were cut at, or missing).
    days_before, weeks_before : int
    outcome : str
    permutations : int
    seed : int
        The seed used (drawn from the OS and recorded when ``seed=None`` was given).
    notes : list of str
    """

    table: pd.DataFrame
    days_before: int
    weeks_before: int
    outcome: str
    permutations: int
    seed: int
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The result in words."""
        lines = []
        for r in self.table.itertuples(index=False):
            if pd.isna(r.rate_ratio):
                lines.append(f"ceasefire {r.ceasefire_date:%Y-%m-%d}: not testable (see notes).")
                continue
            lines.append(
                f"ceasefire {r.ceasefire_date:%Y-%m-%d}: {r.recent_events:g} {self.outcome} in the "
                f"{r.recent_days} days before vs {r.baseline_events:g} in the {r.baseline_days} "
                f"days earlier; rate ratio {r.rate_ratio:.2f} (95% CI {r.ci_low:.2f}–"
                f"{r.ci_high:.2f}), permutation {fmt_p(r.p_value)} for a rise."
            )
        return "\n".join([*lines, *self.notes])

    def __repr__(self) -> str:
        return (
            f"EscalationResult(ceasefires={len(self.table)}, days_before={self.days_before}, "
            f"weeks_before={self.weeks_before}, seed={self.seed})"
        )


def escalation_test(
    counts: pd.DataFrame,
    *,
    days_before: int = 7,
    weeks_before: int = 4,
    ceasefires: Sequence[Any] | None = None,
    outcome: str | None = None,
    timeline: pd.DataFrame | None = None,
    permutations: int = 9999,
    seed: int | None = DEFAULT_SEED,
) -> EscalationResult:
    """Test whether intensity rose in the days before each ceasefire.

    For a ceasefire on day ``c`` the *recent* window is the ``days_before``
    days before it and the *baseline* window the ``weeks_before`` weeks
    before that. Neither window reaches back across an outbreak: both start
    at the latest ``outbreak`` of the timeline before ``c`` (a ceasefire a few
    days into a war has no baseline inside the war, and is not testable).

    Daily conflict counts are overdispersed (bursts of reports of one clash)
    and zero on most days, so exact Poisson inference would be far too
    confident. The p-value is a permutation test: the days of both windows are
    shuffled and the recent window's total compared with its shuffled values,
    which is exact whatever the variance of the counts when days are
    exchangeable. The interval is quasi-Poisson (the Poisson interval of the
    log rate ratio widened by the Pearson dispersion of the days, at least 1,
    with Student's t). On negative-binomial nulls with variance six times the
    mean the false-positive rate at 0.05 is at most about 5%
    (``benchmarks/bench_spacetime.py``).

    Parameters
    ----------
    counts : pandas.DataFrame or pandas.Series
        Output of :func:`scamgeo.stats.daily_counts` (one row per day).
    days_before : int
        Length of the recent window in days (>= 1).
    weeks_before : int
        Length of the baseline window in weeks (>= 1).
    ceasefires : sequence of date-like, optional
        Ceasefire dates; default the timeline's rows of kind ``ceasefire``.
    outcome : str, optional
        Count column; default the table's ``incidents`` or ``claims`` column.
    timeline : pandas.DataFrame, optional
        Timeline (default :func:`scamgeo.datasets.timeline`).
    permutations : int
        Shuffles of the days (>= 19).
    seed : int, optional
        Seed of the shuffles; None draws one and records it on the result.

    Returns
    -------
    EscalationResult
        ``.table`` (one row per ceasefire), ``.notes``, ``.summary()``.
        Windows are cut to the series and at outbreaks (noted); a ceasefire
        with no day or no event in its windows gives NaN and a note.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> esc = stats.escalation_test(stats.daily_counts(datasets.events()))
    >>> last = esc.table.iloc[-1]
    >>> str(last["baseline_start"].date()), int(last["recent_events"]), int(last["baseline_events"])
    ('2025-12-08', 32, 66)
    >>> bool(last["p_value"] > 0.05)  # no escalation within the December war
    True
    """
    days_before = check_int(days_before, name="days_before", minimum=1)
    weeks_before = check_int(weeks_before, name="weeks_before", minimum=1)
    permutations = check_int(permutations, name="permutations", minimum=19)
    seed = resolve_seed(seed)
    if isinstance(counts, pd.DataFrame):
        outcome = resolve_outcome(counts, outcome, func="escalation_test")
    dates, values = _series(counts, column=outcome or "values")
    official = _official(timeline)
    cease = _ceasefire_dates(official, ceasefires)
    outbreaks = official.loc[official["kind"] == "outbreak", "official_date"]
    notes: list[str] = [] if cease else ["no ceasefire date to test"]
    series = pd.Series(values, index=dates, dtype=float)
    rng = np.random.default_rng(seed)
    rows = [
        _one_ceasefire(
            series,
            day,
            label,
            outbreaks,
            (days_before, weeks_before),
            rng=rng,
            permutations=permutations,
            notes=notes,
        )  # fmt: skip
        for day, label in cease
    ]
    return EscalationResult(
        table=pd.DataFrame(rows, columns=_COLUMNS),
        days_before=days_before,
        weeks_before=weeks_before,
        outcome=outcome or "values",
        permutations=permutations,
        seed=seed,
        notes=notes,
    )


def _ceasefire_dates(official: pd.DataFrame, ceasefires: Any) -> list[tuple[pd.Timestamp, Any]]:
    if ceasefires is None:
        cf = official[official["kind"] == "ceasefire"]
        return list(zip(cf["official_date"], cf["label"], strict=True))
    if isinstance(ceasefires, str):
        ceasefires = [ceasefires]
    return [(to_timestamp(c, name="ceasefires"), pd.NA) for c in ceasefires]


def _one_ceasefire(
    series: pd.Series,
    day: Any,
    label: Any,
    outbreaks: pd.Series,
    lengths: tuple[int, int],
    *,
    rng: np.random.Generator,
    permutations: int,
    notes: list[str],
) -> dict[str, Any]:
    """The row of one ceasefire: its windows (cut at an outbreak), the ratio and the tests."""
    day = pd.Timestamp(day)
    days_before, weeks_before = lengths
    r_start, r_end = day - pd.Timedelta(days=days_before), day - pd.Timedelta(days=1)
    b_end = r_start - pd.Timedelta(days=1)
    b_start = b_end - pd.Timedelta(days=7 * weeks_before - 1)
    before = outbreaks[outbreaks < day]
    cut = before.max() if len(before) else pd.NaT
    if pd.notna(cut) and cut > b_start:
        b_start, r_start = cut, max(r_start, cut)
        notes.append(
            f"ceasefire {day:%Y-%m-%d}: the windows start at the outbreak of {cut:%Y-%m-%d}, "
            "so they compare days within the war"
        )
    recent = series[r_start:r_end].to_numpy() if len(series) else np.empty(0)
    base = series[b_start:b_end].to_numpy() if len(series) and b_end >= b_start else np.empty(0)
    short = 0 < len(recent) < days_before or 0 < len(base) < 7 * weeks_before
    if short and pd.isna(cut):
        notes.append(
            f"ceasefire {day:%Y-%m-%d}: windows cut to the series ({len(recent)} and "
            f"{len(base)} days)"
        )
    rec = {"ceasefire_date": day, "label": label, "recent_start": r_start, "recent_end": r_end,
           "baseline_start": b_start, "baseline_end": b_end, "recent_events": _total(recent),
           "recent_days": len(recent), "baseline_events": _total(base), "baseline_days": len(base),
           "cut_at_outbreak": cut}  # fmt: skip
    if len(recent) < 2 or len(base) < 2 or recent.sum() + base.sum() == 0:
        why = (
            f"the war broke out {(day - cut).days} day(s) before it, leaving no baseline "
            "inside the war"
            if pd.notna(cut) and len(base) < 2
            else "fewer than 2 days or no event in a window"
        )
        notes.append(f"ceasefire {day:%Y-%m-%d}: {why}; not testable")
        return rec
    rec.update(_rate_ratio(recent, base))
    rec["p_value"] = _permutation_p(recent, base, rng, permutations)
    return rec


def _total(values: np.ndarray) -> int | float:
    total = float(values.sum())
    return int(total) if total.is_integer() else total


def _rate_ratio(recent: np.ndarray, base: np.ndarray) -> dict[str, float]:
    """Rate ratio, its quasi-Poisson 95% interval and the Pearson dispersion of the days."""
    from scipy import stats as sstats

    x1, x0, t1, t0 = float(recent.sum()), float(base.sum()), len(recent), len(base)
    m1, m0 = x1 / t1, x0 / t0
    resid = np.r_[(recent - m1) ** 2 / m1 if m1 > 0 else np.zeros(t1),
                  (base - m0) ** 2 / m0 if m0 > 0 else np.zeros(t0)]  # fmt: skip
    df = t1 + t0 - 2
    dispersion = float(resid.sum() / max(df, 1))
    out = {"rate_ratio": m1 / m0 if x0 > 0 else np.inf, "ci_low": np.nan, "ci_high": np.nan,
           "dispersion": dispersion}  # fmt: skip
    if x1 > 0 and x0 > 0:
        se = np.sqrt((1 / x1 + 1 / x0) * max(1.0, dispersion))
        q = float(sstats.t.ppf(0.975, max(df, 1)))
        out["ci_low"], out["ci_high"] = (
            float(out["rate_ratio"] * np.exp(s * q * se)) for s in (-1, 1)
        )
    return out


def _permutation_p(
    recent: np.ndarray, base: np.ndarray, rng: np.random.Generator, permutations: int
) -> float:
    """One-sided p of a rise: the recent total against its values with the days shuffled."""
    y = np.r_[recent, base]
    k = len(recent)
    observed = recent.sum()
    exceed = 0
    for lo in range(0, permutations, 4096):
        n = min(4096, permutations - lo)
        shuffled = rng.permuted(np.broadcast_to(y, (n, len(y))), axis=1)
        exceed += int((shuffled[:, :k].sum(axis=1) >= observed - 1e-9).sum())
    return (1 + exceed) / (permutations + 1)
