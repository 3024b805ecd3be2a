"""Interrupted time series (segmented regression) of daily counts around a ceasefire."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError, ScamgeoError
from .._result import Result
from .._validate import check_choice, require_columns
from ..vocab import CEASEFIRE_PHASES
from ._common import (
    Z_95,
    as_counts,
    capture_warnings,
    check_int,
    date_column,
    fmt_p,
    load_timeline,
    nonneg_counts,
    phase_table,
    require_rows,
    to_timestamp,
)

__all__ = ["CeasefireResults", "ITSResult", "ceasefire_its", "interrupted_time_series"]

_TERMS = ("baseline_level", "baseline_trend", "level_change", "trend_change")


@dataclass(repr=False)
class ITSResult(Result):
    """Segmented regression of a daily count series around one breakpoint.

    The model is ``g(E[y_t]) = b0 + b1 t + b2 post_t + b3 t post_t`` with
    ``t`` the days since the breakpoint (negative before it) and ``post_t``
    1 from the breakpoint on; ``g`` is the log link (``model="poisson"``) or
    the identity (``model="ols"``). Errors are Newey–West (HAC, Bartlett
    kernel), robust to autocorrelation up to ``maxlags`` days and, for the
    Poisson model, to overdispersion.

    Attributes
    ----------
    table : pandas.DataFrame
        ``term`` (``baseline_level``, ``baseline_trend``, ``level_change``,
        ``trend_change``), ``estimate``, ``ci_low``, ``ci_high`` (95%),
        ``p_value`` and ``scale``. For ``"poisson"`` the estimates are
        exponentiated: baseline level in events/day at the breakpoint
        (pre-trend extrapolated), trend and trend change as ratios per day,
        level change as the rate ratio at the breakpoint (post vs the
        extrapolated pre-trend; "no change" is 1). For ``"ols"`` they are
        additive (events/day, events/day per day; "no change" is 0).
    coef : pandas.DataFrame
        The same on the linear-predictor scale (log scale for Poisson).
    level_change, level_change_ci, level_change_pvalue : float, tuple, float
        Shortcuts to the ``level_change`` row.
    trend_change, trend_change_ci, trend_change_pvalue : float, tuple, float
        Shortcuts to the ``trend_change`` row.
    fitted : pandas.DataFrame
        ``date``, ``observed``, ``fitted`` and ``counterfactual`` (the
        pre-breakpoint line carried on), for plots.
    breakpoint : pandas.Timestamp
    start, end : pandas.Timestamp
        The window used (inclusive).
    model : {"poisson", "ols"}
    outcome : str
    maxlags : int
        HAC lags used (default ``floor(4 (n/100)^(2/9))``, Newey–West 1994).
    n_pre, n_post : int
        Days before / from the breakpoint.
    events_pre, events_post : float
        Totals of the outcome before / from the breakpoint.
    model_result : statsmodels results
        GLM (Poisson) or OLS result with HAC covariance.
    notes : list of str
        Short-segment warnings and statsmodels warnings.
    """

    table: pd.DataFrame
    coef: pd.DataFrame
    fitted: pd.DataFrame
    breakpoint: pd.Timestamp
    start: pd.Timestamp
    end: pd.Timestamp
    model: str
    outcome: str
    maxlags: int
    n_pre: int
    n_post: int
    events_pre: float
    events_post: float
    model_result: Any
    notes: list[str] = field(default_factory=list)

    def _row(self, term: str) -> pd.Series:
        return self.table.set_index("term").loc[term]

    @property
    def level_change(self) -> float:
        return float(self._row("level_change")["estimate"])

    @property
    def level_change_ci(self) -> tuple[float, float]:
        r = self._row("level_change")
        return float(r["ci_low"]), float(r["ci_high"])

    @property
    def level_change_pvalue(self) -> float:
        return float(self._row("level_change")["p_value"])

    @property
    def trend_change(self) -> float:
        return float(self._row("trend_change")["estimate"])

    @property
    def trend_change_ci(self) -> tuple[float, float]:
        r = self._row("trend_change")
        return float(r["ci_low"]), float(r["ci_high"])

    @property
    def trend_change_pvalue(self) -> float:
        return float(self._row("trend_change")["p_value"])

    def summary(self) -> str:
        """A few lines of text with the estimates."""
        lines = [
            f"ITS ({self.model}, HAC maxlags={self.maxlags}) of {self.outcome} around "
            f"{self.breakpoint:%Y-%m-%d}: {self.n_pre} days before ({self.events_pre:g}), "
            f"{self.n_post} from ({self.events_post:g}), window {self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"
        ]
        for r in self.table.itertuples():
            lines.append(
                f"  {r.term}: {r.estimate:.3g} (95% CI {r.ci_low:.3g}–{r.ci_high:.3g}), "
                f"{fmt_p(r.p_value)} [{r.scale}]"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        lo, hi = self.level_change_ci
        return (
            f"ITSResult(breakpoint={self.breakpoint:%Y-%m-%d}, model={self.model!r}, "
            f"n_pre={self.n_pre}, n_post={self.n_post}, level_change={self.level_change:.3g} "
            f"[{lo:.3g}, {hi:.3g}], p={self.level_change_pvalue:.3g})"
        )


def interrupted_time_series(
    counts: pd.DataFrame,
    *,
    breakpoint: Any,
    window_days: int | None = None,
    start: Any = None,
    end: Any = None,
    model: str = "poisson",
    maxlags: int | None = None,
    outcome: str = "events",
) -> ITSResult:
    """Level and trend change of a daily count series at a breakpoint (e.g. a ceasefire).

    Parameters
    ----------
    counts : pandas.DataFrame
        Daily calendar with a ``date`` column and the ``outcome`` count, one
        row per day without gaps (:func:`daily_counts` with ``freq="D"``).
    breakpoint : date-like
        First day of the new regime (the day the ceasefire took effect).
    window_days : int, optional
        Use only ``window_days`` days before and ``window_days`` days from the
        breakpoint. Default: the whole series (or ``start``..``end``).
    start, end : date-like, optional
        Explicit window (inclusive); override ``window_days`` on their side.
    model : {"poisson", "ols"}
        Poisson GLM with log link (effects as rate ratios), or OLS on the
        counts (additive effects in events/day).
    maxlags : int, optional
        Newey–West lags; default ``floor(4 (n/100)^(2/9))``.
    outcome : str
        Column to model (default ``"events"``).

    Returns
    -------
    ITSResult
        ``.table`` (term, estimate, ci_low, ci_high, p_value, scale),
        ``.level_change`` with ``_ci`` and ``_pvalue``, ``.fitted``,
        ``.model_result``.

    Raises
    ------
    SchemaError
        Empty frame, missing column, negative counts.
    ParameterError
        Unknown ``model``, dates not daily, fewer than 3 days on a side of the
        breakpoint, or (Poisson) no event at all on one side: the log-rate
        there is minus infinity and the level change does not exist; use
        ``model="ols"`` or a wider window.

    Notes
    -----
    A pre-period of a few days (the July war lasted five) gives a baseline
    trend with very wide intervals, and the extrapolated counterfactual
    depends heavily on it; read the level change with the segment lengths
    (``n_pre``) in mind, and compare ``model="ols"``.
    """
    import statsmodels.api as sm

    source = "counts"
    counts = as_counts(counts, func="interrupted_time_series", outcome=outcome)
    check_choice(model, ["poisson", "ols"], name="model")
    require_columns(counts.columns, ["date", outcome], source=source)
    require_rows(counts, name=source, what="days")
    if window_days is not None:
        window_days = check_int(window_days, name="window_days", minimum=3)
    if maxlags is not None:
        maxlags = check_int(maxlags, name="maxlags", minimum=0)
    bp = to_timestamp(breakpoint, name="breakpoint")
    dates = date_column(counts, "date", source=source)
    order = np.argsort(dates.to_numpy(), kind="stable")
    frame = counts.iloc[order]
    dates = dates.iloc[order]
    steps = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(int)
    if len(steps) and not (steps == 1).all():
        raise ParameterError(
            "interrupted_time_series needs one row per day without gaps or duplicates "
            "(use daily_counts(events, freq='D'))."
        )
    lo = dates.iloc[0]
    hi = dates.iloc[-1]
    if window_days is not None:
        lo = max(lo, bp - pd.Timedelta(days=window_days))
        hi = min(hi, bp + pd.Timedelta(days=window_days - 1))
    if start is not None:
        lo = max(dates.iloc[0], to_timestamp(start, name="start"))
    if end is not None:
        hi = min(dates.iloc[-1], to_timestamp(end, name="end"))
    inside = ((dates >= lo) & (dates <= hi)).to_numpy()
    frame = frame[inside]
    dates = dates[inside]
    t = ((dates - bp).dt.days).to_numpy(dtype=float)
    post = (t >= 0).astype(float)
    n_pre, n_post = int((post == 0).sum()), int((post == 1).sum())
    if n_pre < 3 or n_post < 3:
        raise ParameterError(
            f"breakpoint={bp:%Y-%m-%d}: the window {lo:%Y-%m-%d}..{hi:%Y-%m-%d} has {n_pre} day(s) before "
            f"and {n_post} from the breakpoint; each side needs at least 3 days."
        )
    y = nonneg_counts(frame[outcome], name=outcome, source=source)
    events_pre, events_post = float(y[post == 0].sum()), float(y[post == 1].sum())
    if model == "poisson" and (events_pre == 0 or events_post == 0):
        side = "before" if events_pre == 0 else "from"
        raise ParameterError(
            f"breakpoint={bp:%Y-%m-%d}: no {outcome} {side} the breakpoint in {lo:%Y-%m-%d}..{hi:%Y-%m-%d}, "
            "so a Poisson level change does not exist (log of zero); use model='ols' or a wider window."
        )
    notes: list[str] = []
    for side, n in (("before", n_pre), ("from", n_post)):
        if n < 14:
            notes.append(
                f"only {n} days {side} the breakpoint: the {'baseline' if side == 'before' else 'post'} "
                "trend is poorly determined"
            )
    n = len(y)
    lags = maxlags if maxlags is not None else int(np.floor(4 * (n / 100) ** (2 / 9)))
    X = pd.DataFrame({"const": 1.0, "time": t, "post": post, "time_after": t * post})
    cov_kwds = {"maxlags": lags, "use_correction": True}
    if model == "poisson":
        mod = sm.GLM(y, X, family=sm.families.Poisson())
    else:
        mod = sm.OLS(y, X)
    res = capture_warnings(lambda: mod.fit(cov_type="HAC", cov_kwds=cov_kwds), notes, what=model)
    params, bse, pvals = res.params, res.bse, res.pvalues
    names = dict(zip(("const", "time", "post", "time_after"), _TERMS, strict=True))
    coef = pd.DataFrame(
        {
            "term": [names[k] for k in names],
            "estimate": [float(params[k]) for k in names],
            "ci_low": [float(params[k] - Z_95 * bse[k]) for k in names],
            "ci_high": [float(params[k] + Z_95 * bse[k]) for k in names],
            "p_value": [float(pvals[k]) for k in names],
        }
    )
    table = coef.copy()
    if model == "poisson":
        for col in ("estimate", "ci_low", "ci_high"):
            table[col] = np.exp(table[col])
        table["scale"] = [
            "events/day at breakpoint",
            "ratio per day",
            "rate ratio",
            "ratio per day",
        ]
        coef["scale"] = "log"
    else:
        table["scale"] = [
            "events/day at breakpoint",
            "events/day per day",
            "events/day",
            "events/day per day",
        ]
        coef["scale"] = "identity"
    Xc = X.assign(post=0.0, time_after=0.0)
    fitted = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "observed": y,
            "fitted": np.asarray(res.predict(X)),
            "counterfactual": np.asarray(res.predict(Xc)),
        }
    )
    return ITSResult(
        table=table,
        coef=coef,
        fitted=fitted,
        breakpoint=bp,
        start=dates.iloc[0],
        end=dates.iloc[-1],
        model=model,
        outcome=outcome,
        maxlags=lags,
        n_pre=n_pre,
        n_post=n_post,
        events_pre=events_pre,
        events_post=events_post,
        model_result=res,
        notes=notes,
    )


def ceasefire_its(
    counts: pd.DataFrame,
    *,
    timeline: pd.DataFrame | None = None,
    model: str = "poisson",
    window_days: int | None = None,
    maxlags: int | None = None,
    outcome: str = "events",
) -> CeasefireResults:
    """:func:`interrupted_time_series` at each ceasefire that starts a phase.

    The ceasefires are the timeline rows with ``kind == "ceasefire"`` whose
    ``phase_starts`` is ``truce`` or ``post_ceasefire`` (the day the truce
    took effect). By default each window runs from the start of the phase
    before (the war) to the end of the phase the ceasefire starts (or the end
    of ``counts``), so the model compares the war with the peace that followed
    it and nothing else.

    Parameters
    ----------
    counts : pandas.DataFrame
        Daily calendar from :func:`daily_counts`.
    timeline : pandas.DataFrame, optional
        Default: the curated timeline.
    model, maxlags, outcome
        As in :func:`interrupted_time_series`.
    window_days : int, optional
        Symmetric window instead of the phase-bounded default.

    Returns
    -------
    CeasefireResults
        One :class:`ITSResult` per ceasefire that could be modelled (iterate,
        index or ``len()`` it like a list: no refitting needed to chart them),
        and ``.table``, one row per ceasefire and term: ``timeline_id``, ``label``,
        ``breakpoint``, ``phase_starts``, ``window_start``, ``window_end``,
        ``n_pre``, ``n_post``, ``events_pre``, ``events_post``, ``term``,
        ``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``scale`` and
        ``note`` (why a ceasefire could not be modelled, or short-segment
        warnings; the estimates are then missing).

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> its = stats.ceasefire_its(stats.daily_counts(datasets.events()))
    >>> len(its.results), type(its.results[0]).__name__
    (2, 'ITSResult')
    """
    check_choice(model, ["poisson", "ols"], name="model")
    tl = load_timeline(timeline)
    require_columns(tl.columns, ["date", "kind", "phase_starts", "label"], source="timeline")
    table = phase_table(tl)
    rows = tl[
        (tl["kind"].astype("string") == "ceasefire")
        & tl["phase_starts"].astype("string").isin(list(CEASEFIRE_PHASES))
    ]
    if rows.empty:
        raise ParameterError(
            "ceasefire_its: the timeline has no ceasefire row starting truce or post_ceasefire."
        )
    counts = as_counts(counts, func="ceasefire_its", outcome=outcome)
    require_columns(counts.columns, ["date", outcome], source="counts")
    require_rows(counts, name="counts", what="days")
    out = []
    results: list[ITSResult] = []
    notes: list[str] = []
    for row in rows.itertuples(index=False):
        bp = to_timestamp(row.date, name="timeline date")
        phase_name = str(row.phase_starts)
        pos = int(np.flatnonzero(table["phase"].astype(str).to_numpy() == phase_name)[0])
        kwargs: dict[str, Any] = {"window_days": window_days}
        if window_days is None:
            kwargs["start"] = (
                table["start"].iloc[pos - 1] if pd.notna(table["start"].iloc[pos - 1]) else None
            )
            kwargs["end"] = table["end"].iloc[pos] if pd.notna(table["end"].iloc[pos]) else None
        base = {
            "timeline_id": getattr(row, "timeline_id", None),
            "label": row.label,
            "breakpoint": bp,
            "phase_starts": phase_name,
        }
        try:
            res = interrupted_time_series(
                counts, breakpoint=bp, model=model, maxlags=maxlags, outcome=outcome, **kwargs
            )
        except ScamgeoError as exc:
            notes.append(f"{row.label}: not modelled ({exc})")
            out.append(
                {
                    **base,
                    "term": None,
                    "estimate": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "p_value": np.nan,
                    "scale": None,
                    "note": str(exc),
                }
            )
            continue
        results.append(res)
        for r in res.table.itertuples(index=False):
            out.append(
                {
                    **base,
                    "window_start": res.start,
                    "window_end": res.end,
                    "n_pre": res.n_pre,
                    "n_post": res.n_post,
                    "events_pre": res.events_pre,
                    "events_post": res.events_post,
                    "term": r.term,
                    "estimate": r.estimate,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                    "p_value": r.p_value,
                    "scale": r.scale,
                    "note": "; ".join(res.notes) or None,
                }
            )
    cols = [
        "timeline_id",
        "label",
        "breakpoint",
        "phase_starts",
        "window_start",
        "window_end",
        "n_pre",
        "n_post",
        "events_pre",
        "events_post",
        "term",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
        "scale",
        "note",
    ]
    return CeasefireResults(results, table=pd.DataFrame(out).reindex(columns=cols), notes=notes)


class CeasefireResults(Result):
    """The interrupted time series of every ceasefire: a list of :class:`ITSResult` with a table.

    Attributes
    ----------
    results : list of ITSResult
        One per ceasefire that could be modelled, in timeline order.
    table : pandas.DataFrame
        One row per ceasefire and term (see :func:`ceasefire_its`), the
        ceasefires that could not be modelled included with their note.
    notes : list of str
        Ceasefires that could not be modelled, and why.
    """

    def __init__(self, results: list[ITSResult], *, table: pd.DataFrame, notes: list[str]):
        self.results = list(results)
        self.table = table
        self.notes = list(notes)

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[ITSResult]:
        return iter(self.results)

    def __getitem__(self, i: int) -> ITSResult:
        return self.results[i]

    def summary(self) -> str:
        """One block per ceasefire (its summary), then the notes."""
        blocks = [r.summary() for r in self.results]
        blocks += [f"note: {n}" for n in self.notes]
        return "\n\n".join(blocks) or "no ceasefire could be modelled"

    def to_dict(self) -> dict[str, Any]:
        """Each ceasefire's result, the table and the notes, as JSON-ready data."""
        out = super().to_dict()
        out["results"] = [r.to_dict() for r in self.results]
        return out
