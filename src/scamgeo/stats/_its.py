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
    as_counts,
    capture_warnings,
    check_int,
    date_column,
    fmt_p,
    load_timeline,
    nonneg_counts,
    phase_table,
    require_rows,
    resolve_outcome,
    to_timestamp,
)

__all__ = [
    "CeasefireResults",
    "ITSOptions",
    "ITSResult",
    "ceasefire_its",
    "interrupted_time_series",
]

_TERMS = ("baseline_level", "baseline_trend", "level_change", "trend_change")


@dataclass(frozen=True)
class ITSOptions:
    """Options of :func:`interrupted_time_series` beyond the window and the model.

    Attributes
    ----------
    maxlags : int, optional
        Newey–West lags; default ``floor(4 (n/100)^(2/9))`` (Newey and West 1994).
    min_trend_days : int
        Fewest days on *each* side of the breakpoint for the trend terms to be
        fitted (default 14). With fewer, the model compares levels only (the
        mean before with the mean after): a trend drawn through a few days of
        a war extrapolates to absurd counterfactuals.
    """

    maxlags: int | None = None
    min_trend_days: int = 14


@dataclass(repr=False)
class ITSResult(Result):
    """Segmented regression of a daily count series around one breakpoint.

    The model is ``g(E[y_t]) = b0 + b1 t + b2 post_t + b3 t post_t`` with
    ``t`` the days since the breakpoint (negative before it) and ``post_t``
    1 from the breakpoint on; ``g`` is the log link (``model="poisson"``) or
    the identity (``model="ols"``). When either side has fewer than
    ``min_trend_days`` days the trend terms are dropped and the model
    compares levels only (``trend=False``; their rows are missing).

    Inference allows for overdispersion and autocorrelation: for
    ``"poisson"`` each standard error is the larger of the quasi-Poisson one
    (Pearson dispersion, at least 1) and the Newey–West (HAC) one, and
    p-values and intervals use Student's t with the residual degrees of
    freedom (``"ols"``: HAC errors with t). On negative-binomial nulls with
    variance six times the mean the false-positive rate of the level change
    stays at or under 5% (``benchmarks/bench_spacetime.py``).

    Attributes
    ----------
    table : pandas.DataFrame
        ``term`` (``baseline_level``, ``baseline_trend``, ``level_change``,
        ``trend_change``), ``estimate``, ``ci_low``, ``ci_high`` (95%),
        ``p_value`` and ``scale``. For ``"poisson"`` the estimates are
        exponentiated: baseline level per day at the breakpoint, trend and
        trend change as ratios per day, level change as the rate ratio at the
        breakpoint ("no change" is 1). For ``"ols"`` they are additive.
    coef : pandas.DataFrame
        The same on the linear-predictor scale (log scale for Poisson).
    level_change, level_change_ci, level_change_pvalue : float, tuple, float
    trend_change, trend_change_ci, trend_change_pvalue : float, tuple, float
    fitted : pandas.DataFrame
        ``date``, ``observed``, ``fitted`` and ``counterfactual`` (the
        pre-breakpoint line, or level, carried on), for plots.
    breakpoint, start, end : pandas.Timestamp
    model : {"poisson", "ols"}
    outcome : str
    maxlags : int
    trend : bool
        Whether the trend terms were fitted.
    dispersion : float
        Pearson dispersion of the fit (1 for Poisson counts).
    n_pre, n_post : int
    events_pre, events_post : float
        Totals of the outcome before / from the breakpoint.
    model_result : statsmodels results
    notes : list of str
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
    trend: bool
    dispersion: float
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
        kind = "trend and level" if self.trend else "level only"
        lines = [
            f"ITS ({self.model}, {kind}, dispersion {self.dispersion:.2g}, HAC maxlags="
            f"{self.maxlags}) of {self.outcome} around {self.breakpoint:%Y-%m-%d}: {self.n_pre} "
            f"days before ({self.events_pre:g}), {self.n_post} from ({self.events_post:g}), "
            f"window {self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"
        ]
        for r in self.table.dropna(subset=["estimate"]).itertuples():
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
    outcome: str | None = None,
    options: ITSOptions | None = None,
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
        Explicit window (inclusive); within ``window_days`` when both are given.
    model : {"poisson", "ols"}
        Poisson mean model with log link and quasi-Poisson/HAC inference
        (effects as rate ratios), or OLS on the counts with HAC errors.
    outcome : str, optional
        Count column; default the table's ``incidents`` or ``claims`` column.
    options : ITSOptions, optional
        HAC lags and the shortest side that gets a trend.

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
        breakpoint, or (Poisson) nothing counted on one side: the log-rate
        there is minus infinity and the level change does not exist; use
        ``model="ols"`` or a wider window.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> counts = stats.daily_counts(datasets.events())
    >>> its = stats.interrupted_time_series(
    ...     counts, breakpoint="2025-07-29", start="2025-07-24", window_days=30)
    >>> its.trend, its.n_pre, int(its.events_pre), int(its.events_post)
    (False, 5, 47, 14)
    >>> round(its.level_change, 3) < 0.1 and its.level_change_ci[1] < 1
    True
    """
    options = options or ITSOptions()
    counts = as_counts(counts, func="interrupted_time_series", outcome=outcome)
    outcome = resolve_outcome(counts, outcome, func="interrupted_time_series")
    check_choice(model, ["poisson", "ols"], name="model")
    bp = to_timestamp(breakpoint, name="breakpoint")
    frame, dates = _its_window(counts, bp, window_days=window_days, start=start, end=end)
    t = ((dates - bp).dt.days).to_numpy(dtype=float)
    y = nonneg_counts(frame[outcome], name=outcome, source="counts")
    post = (t >= 0).astype(float)
    n_pre, n_post = int((post == 0).sum()), int((post == 1).sum())
    events_pre, events_post = float(y[post == 0].sum()), float(y[post == 1].sum())
    if model == "poisson" and (events_pre == 0 or events_post == 0):
        side = "before" if events_pre == 0 else "from"
        raise ParameterError(
            f"breakpoint={bp:%Y-%m-%d}: no {outcome} {side} the breakpoint in "
            f"{dates.iloc[0]:%Y-%m-%d}..{dates.iloc[-1]:%Y-%m-%d}, so a Poisson level change does "
            "not exist (log of zero); use model='ols' or a wider window."
        )
    trend = min(n_pre, n_post) >= check_int(
        options.min_trend_days, name="min_trend_days", minimum=3
    )
    notes = _its_notes(n_pre, n_post, trend, options.min_trend_days)
    lags = _its_lags(options.maxlags, len(y))
    X = pd.DataFrame({"const": 1.0, "time": t, "post": post, "time_after": t * post})
    if not trend:
        X = X[["const", "post"]]
    res, se, df, dispersion = _its_fit(y, X, model=model, lags=lags, notes=notes)
    table, coef = _its_tables(res.params, se, df, model=model, outcome=outcome)
    Xc = X.assign(post=0.0, **({"time_after": 0.0} if trend else {}))
    fitted = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "observed": y,
            "fitted": np.asarray(res.predict(X)),
            "counterfactual": np.asarray(res.predict(Xc)),
        }
    )
    return ITSResult(
        table=table, coef=coef, fitted=fitted, breakpoint=bp, start=dates.iloc[0],
        end=dates.iloc[-1], model=model, outcome=outcome, maxlags=lags, trend=trend,
        dispersion=dispersion, n_pre=n_pre, n_post=n_post, events_pre=events_pre,
        events_post=events_post, model_result=res, notes=notes,
    )  # fmt: skip


def _its_window(
    counts: pd.DataFrame, bp: pd.Timestamp, *, window_days: Any, start: Any, end: Any
) -> tuple[pd.DataFrame, pd.Series]:
    """The rows of the window (sorted, checked daily), and their dates."""
    require_rows(counts, name="counts", what="days")
    if window_days is not None:
        window_days = check_int(window_days, name="window_days", minimum=3)
    dates = date_column(counts, "date", source="counts")
    order = np.argsort(dates.to_numpy(), kind="stable")
    frame, dates = counts.iloc[order], dates.iloc[order]
    steps = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(int)
    if len(steps) and not (steps == 1).all():
        raise ParameterError(
            "interrupted_time_series needs one row per day without gaps or duplicates "
            "(use daily_counts(events, freq='D'))."
        )
    lo, hi = dates.iloc[0], dates.iloc[-1]
    if window_days is not None:
        lo = max(lo, bp - pd.Timedelta(days=window_days))
        hi = min(hi, bp + pd.Timedelta(days=window_days - 1))
    if start is not None:
        lo = max(lo, to_timestamp(start, name="start"))
    if end is not None:
        hi = min(hi, to_timestamp(end, name="end"))
    inside = ((dates >= lo) & (dates <= hi)).to_numpy()
    n_pre = int((inside & (dates < bp).to_numpy()).sum())
    n_post = int((inside & (dates >= bp).to_numpy()).sum())
    if n_pre < 3 or n_post < 3:
        raise ParameterError(
            f"breakpoint={bp:%Y-%m-%d}: the window {lo:%Y-%m-%d}..{hi:%Y-%m-%d} has {n_pre} "
            f"day(s) before and {n_post} from the breakpoint; each side needs at least 3 days."
        )
    return frame[inside], dates[inside]


def _its_notes(n_pre: int, n_post: int, trend: bool, min_trend_days: int) -> list[str]:
    if trend:
        return []
    return [
        f"{n_pre} days before and {n_post} from the breakpoint: fewer than {min_trend_days} "
        "on a side, so no trend is fitted and the model compares the levels either side"
    ]


def _its_lags(maxlags: int | None, n: int) -> int:
    if maxlags is not None:
        return check_int(maxlags, name="maxlags", minimum=0)
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


def _its_fit(
    y: np.ndarray, X: pd.DataFrame, *, model: str, lags: int, notes: list[str]
) -> tuple[Any, pd.Series, int, float]:
    """The fit, its standard errors (quasi-Poisson or HAC, the larger), df and dispersion."""
    import statsmodels.api as sm

    cov = {"maxlags": lags, "use_correction": True}
    mod = sm.GLM(y, X, family=sm.families.Poisson()) if model == "poisson" else sm.OLS(y, X)
    hac = capture_warnings(lambda: mod.fit(cov_type="HAC", cov_kwds=cov), notes, what=model)
    df = max(int(len(y) - X.shape[1]), 1)
    if model == "ols":
        return hac, hac.bse, df, float("nan")
    plain = capture_warnings(lambda: mod.fit(), notes, what=model)
    dispersion = float(np.sum(np.asarray(plain.resid_pearson) ** 2) / df)
    quasi = plain.bse * np.sqrt(max(1.0, dispersion))
    return plain, np.maximum(quasi, hac.bse), df, dispersion


def _its_tables(
    params: pd.Series, se: pd.Series, df: int, *, model: str, outcome: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table on the reader's scale, coefficients on the linear-predictor scale)."""
    from scipy import stats as sstats

    names = dict(zip(("const", "time", "post", "time_after"), _TERMS, strict=True))
    q = float(sstats.t.ppf(0.975, df))
    rows = []
    for key, term in names.items():
        if key not in params.index:
            rows.append({"term": term, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "p_value": np.nan})  # fmt: skip
            continue
        b, s = float(params[key]), float(se[key])
        p = float(2 * sstats.t.sf(abs(b / s), df)) if s > 0 else np.nan
        rows.append({"term": term, "estimate": b, "ci_low": b - q * s, "ci_high": b + q * s,
                     "p_value": p})  # fmt: skip
    coef = pd.DataFrame(rows)
    table = coef.copy()
    per_day = f"{outcome}/day"
    if model == "poisson":
        for col in ("estimate", "ci_low", "ci_high"):
            table[col] = np.exp(table[col])
        table["scale"] = [
            f"{per_day} at breakpoint",
            "ratio per day",
            "rate ratio",
            "ratio per day",
        ]
        coef["scale"] = "log"
    else:
        table["scale"] = [f"{per_day} at breakpoint", f"{per_day} per day", per_day,
                          f"{per_day} per day"]  # fmt: skip
        coef["scale"] = "identity"
    return table, coef


_CEASEFIRE_COLUMNS = [
    "timeline_id", "label", "breakpoint", "phase_starts", "window_start", "window_end",
    "n_pre", "n_post", "events_pre", "events_post", "term", "estimate", "ci_low", "ci_high",
    "p_value", "scale", "note",
]  # fmt: skip


def ceasefire_its(
    counts: pd.DataFrame,
    *,
    timeline: pd.DataFrame | None = None,
    model: str = "poisson",
    window_days: int | None = None,
    outcome: str | None = None,
    options: ITSOptions | None = None,
) -> CeasefireResults:
    """:func:`interrupted_time_series` at each ceasefire that starts a phase.

    The ceasefires are the timeline rows with ``kind == "ceasefire"`` whose
    ``phase_starts`` is ``truce`` or ``post_ceasefire`` (the day the truce
    took effect). A window never reaches back across an outbreak: the days
    before a ceasefire start at the latest ``outbreak`` of the timeline before
    it, so the model compares the war with the peace that followed it, not
    the peace before the war with the peace after. By default the window
    runs from there to the end of the phase the ceasefire starts (or the end
    of ``counts``); ``window_days`` bounds it on both sides.

    Parameters
    ----------
    counts : pandas.DataFrame
        Daily calendar from :func:`daily_counts`.
    timeline : pandas.DataFrame, optional
        Default: the curated timeline.
    model
        As in :func:`interrupted_time_series`.
    window_days : int, optional
        At most this many days either side of each ceasefire.
    outcome, options
        As in :func:`interrupted_time_series`.

    Returns
    -------
    CeasefireResults
        One :class:`ITSResult` per ceasefire that could be modelled (iterate,
        index or ``len()`` it like a list: no refitting needed to chart them),
        and ``.table``, one row per ceasefire and term: ``timeline_id``, ``label``,
        ``breakpoint``, ``phase_starts``, ``window_start``, ``window_end``,
        ``n_pre``, ``n_post``, ``events_pre``, ``events_post`` (totals of the
        outcome), ``term``, ``estimate``, ``ci_low``, ``ci_high``, ``p_value``,
        ``scale`` and ``note`` (why a ceasefire could not be modelled, or
        short-segment notes; the estimates are then missing).

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> its = stats.ceasefire_its(stats.daily_counts(datasets.events()), window_days=30)
    >>> july = its[0]
    >>> str(july.start.date()), int(july.events_pre), int(july.events_post)
    ('2025-07-24', 47, 14)
    >>> july.level_change_ci[1] < 1  # the truce is a clear drop
    True
    """
    check_choice(model, ["poisson", "ols"], name="model")
    tl = load_timeline(timeline)
    require_columns(tl.columns, ["date", "kind", "phase_starts", "label"], source="timeline")
    rows = tl[
        (tl["kind"].astype("string") == "ceasefire")
        & tl["phase_starts"].astype("string").isin(list(CEASEFIRE_PHASES))
    ]
    if rows.empty:
        raise ParameterError(
            "ceasefire_its: the timeline has no ceasefire row starting truce or post_ceasefire."
        )
    counts = as_counts(counts, func="ceasefire_its", outcome=outcome)
    outcome = resolve_outcome(counts, outcome, func="ceasefire_its")
    require_rows(counts, name="counts", what="days")
    out: list[dict[str, Any]] = []
    results: list[ITSResult] = []
    notes: list[str] = []
    for row in rows.itertuples(index=False):
        bp = to_timestamp(row.date, name="timeline date")
        base = {"timeline_id": getattr(row, "timeline_id", None), "label": row.label,
                "breakpoint": bp, "phase_starts": str(row.phase_starts)}  # fmt: skip
        start, end = _ceasefire_window(tl, bp, str(row.phase_starts), window_days)
        try:
            res = interrupted_time_series(
                counts, breakpoint=bp, model=model, outcome=outcome, options=options,
                window_days=window_days, start=start, end=end,
            )  # fmt: skip
        except ScamgeoError as exc:
            notes.append(f"{row.label}: not modelled ({exc})")
            out.append({**base, "note": str(exc)})
            continue
        results.append(res)
        out.extend(_ceasefire_rows(base, res))
    table = pd.DataFrame(out).reindex(columns=_CEASEFIRE_COLUMNS)
    return CeasefireResults(results, table=table, notes=notes)


def _ceasefire_window(
    timeline: pd.DataFrame, bp: pd.Timestamp, phase_name: str, window_days: int | None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """(start, end) of a ceasefire's window: from the latest outbreak before it (or the start
    of the phase before), to the end of the phase it starts (only the outbreak bound with
    ``window_days``, which bounds both sides itself)."""
    table = phase_table(timeline)
    kinds = timeline["kind"].astype("string").fillna("")
    outbreaks = date_column(timeline[(kinds == "outbreak").to_numpy()], "date", source="timeline")
    before = outbreaks[outbreaks < bp]
    start = before.max() if len(before) else None
    if window_days is not None:
        return start, None
    pos = int(np.flatnonzero(table["phase"].astype(str).to_numpy() == phase_name)[0])
    phase_start = table["start"].iloc[pos - 1]
    if pd.notna(phase_start) and (start is None or phase_start > start):
        start = phase_start
    end = table["end"].iloc[pos] if pd.notna(table["end"].iloc[pos]) else None
    return start, end


def _ceasefire_rows(base: dict[str, Any], res: ITSResult) -> list[dict[str, Any]]:
    common = {**base, "window_start": res.start, "window_end": res.end, "n_pre": res.n_pre,
              "n_post": res.n_post, "events_pre": res.events_pre,
              "events_post": res.events_post, "note": "; ".join(res.notes) or None}  # fmt: skip
    return [
        {
            **common,
            "term": r.term,
            "estimate": r.estimate,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "p_value": r.p_value,
            "scale": r.scale,
        }  # fmt: skip
        for r in res.table.itertuples(index=False)
    ]


class CeasefireResults(Result):
    """The interrupted time series of every ceasefire: a list of :class:`ITSResult` with a table.

    Made by :func:`ceasefire_its`.

    Parameters
    ----------
    results : list of ITSResult
        The fitted ceasefires, in timeline order (copied into a new list).
    table : pandas.DataFrame
        One row per ceasefire and term, as described under Attributes.
    notes : list of str
        The notes on the ceasefires that could not be modelled.

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
