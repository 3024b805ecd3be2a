"""Count models: incidence-rate ratios between phases, negative binomial vs Poisson."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError, SchemaError
from .._result import Result
from .._validate import check_choice
from ._common import (
    CHI2_1_95,
    Z_95,
    as_counts,
    as_frame,
    capture_warnings,
    fmt_p,
    nonneg_counts,
    resolve_outcome,
)

__all__ = ["CountModelResult", "count_model"]


# --- count models ------------------------------------------------------------------


@dataclass(repr=False)
class CountModelResult(Result):
    """Rate ratios between groups of a count series: negative binomial vs Poisson.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy rate ratios: ``term`` (the level compared), ``reference``,
        ``irr`` (incidence-rate ratio vs the reference), ``ci_low``,
        ``ci_high`` (95%), ``p_value`` (Wald) and ``model``
        (``"negative_binomial"``: ML alpha; ``"poisson_hc"``: Poisson with
        HC0 sandwich errors). The chosen model's rows come first.
    rates : pandas.DataFrame
        One row per level: ``level``, ``n_rows``, ``events`` (total of the
        outcome), ``exposure``, ``rate`` (observed, per exposure unit),
        ``rate_ci_low``/``rate_ci_high`` (95%, from the chosen model) and
        ``in_model`` (False for levels with no events, whose rate ratio does
        not exist and which are left out of the fit).
    alpha : float
        Negative-binomial dispersion (NB2: var = mu + alpha mu²), estimated by
        maximum likelihood.
    alpha_ci : tuple of float
        95% profile-likelihood interval of alpha; the lower end is 0 when the
        likelihood-ratio test does not reject alpha = 0, the upper end is
        ``inf`` when the likelihood stays flat.
    lr_statistic, lr_pvalue : float
        Likelihood-ratio test of alpha = 0 (Poisson) against alpha > 0. As
        alpha = 0 lies on the boundary, the p-value is half the chi-square(1)
        tail (a 50:50 mixture of chi-square(0) and chi-square(1)).
    aic_negative_binomial, aic_poisson : float
        AIC of both fits (NB counts alpha as one more parameter).
    chosen : {"negative_binomial", "poisson_hc", "none"}
        Negative binomial when the LR test rejects alpha = 0 at 5%, else the
        Poisson model with HC0 errors: the same names as ``table["model"]``
        (:data:`scamgeo.vocab.MODEL_NAMES`). ``"none"`` when fewer than two
        levels have events (an empty selection): the table is then empty, the
        estimates missing, and the notes say why.
    reason : str
        Why, in words (alpha, its CI, the LR test, the AICs).
    by, reference, outcome, exposure : str or None
        What was modelled.
    n : int
        Number of rows (days or weeks) in the fit.
    model_result : statsmodels results
        The chosen model's statsmodels result (``nb_result`` or ``poisson_result``).
    nb_result : statsmodels.discrete.discrete_model.NegativeBinomialResults
    poisson_result : statsmodels.genmod.generalized_linear_model.GLMResults
        Poisson GLM with HC0 covariance.
    notes : list of str
        Levels left out, rows dropped, convergence warnings from statsmodels.
    """

    table: pd.DataFrame
    rates: pd.DataFrame
    alpha: float
    alpha_ci: tuple[float, float]
    lr_statistic: float
    lr_pvalue: float
    aic_negative_binomial: float
    aic_poisson: float
    chosen: str
    reason: str
    by: str
    reference: Any
    outcome: str
    exposure: str | None
    n: int
    model_result: Any
    nb_result: Any
    poisson_result: Any
    notes: list[str] = field(default_factory=list)

    def irr(self, level: Any, *, model: str | None = None) -> pd.Series:
        """Row of :attr:`table` for ``level`` (default: the chosen model's row).

        Parameters
        ----------
        level : object
            A level compared with the reference (a ``term`` of :attr:`table`).
        model : {"negative_binomial", "poisson_hc"}, optional
            Whose estimate to return; default the chosen model (:attr:`chosen`).

        Returns
        -------
        pandas.Series
            ``term``, ``reference``, ``irr``, ``ci_low``, ``ci_high``,
            ``p_value`` and ``model`` of that level.

        Raises
        ------
        ParameterError
            If ``level`` has no row for ``model`` (e.g. the reference, or a
            level left out of the fit).
        """
        model = model or self.chosen
        rows = self.table[(self.table["term"] == level) & (self.table["model"] == model)]
        if rows.empty:
            levels = self.table["term"].unique().tolist()
            raise ParameterError(f"irr: no level {level!r} in the model; levels: {levels}.")
        return rows.iloc[0]

    def summary(self) -> str:
        """A few lines of text: the choice and the rate ratios of the chosen model."""
        model = self.chosen
        lines = [
            f"Count model of {self.outcome} by {self.by} (reference {self.reference!r}, n={self.n}, "
            f"exposure={self.exposure!r})",
            f"chosen: {self.chosen} — {self.reason}",
        ]
        for row in self.table[self.table["model"] == model].itertuples():
            lines.append(
                f"  {row.term}: IRR {row.irr:.3g} (95% CI {row.ci_low:.3g}–{row.ci_high:.3g}), "
                f"{fmt_p(row.p_value)}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        lo, hi = self.alpha_ci
        return (
            f"CountModelResult(by={self.by!r}, reference={self.reference!r}, n={self.n}, "
            f"chosen={self.chosen!r}, alpha={self.alpha:.3g} [{lo:.3g}, {hi:.3g}], "
            f"lr_pvalue={self.lr_pvalue:.3g}, terms={len(self.table) // 2})"
        )


def _levels(values: pd.Series) -> list[Any]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().unique())
        return [c for c in values.cat.categories if c in present]
    return sorted(values.dropna().unique().tolist(), key=lambda v: (str(type(v)), v))


def _nb_profile(
    y: np.ndarray,
    X: np.ndarray,
    offset: np.ndarray,
    llf_poisson: float,
    start: np.ndarray,
    notes: list[str],
) -> tuple[float, float, tuple[float, float]]:
    """ML estimate of alpha and its 95% profile-likelihood interval (GLM NB with alpha fixed)."""
    import statsmodels.api as sm
    from scipy import optimize

    cache: dict[float, float] = {}

    def llf(log_alpha: float) -> float:
        if log_alpha not in cache:
            fam = sm.families.NegativeBinomial(alpha=float(np.exp(log_alpha)))
            try:
                res = sm.GLM(y, X, family=fam, offset=offset).fit(start_params=start, maxiter=100)
                cache[log_alpha] = float(res.llf) if np.isfinite(res.llf) else -np.inf
            except (ValueError, np.linalg.LinAlgError):  # IRLS diverged at this alpha
                cache[log_alpha] = -np.inf
        return cache[log_alpha]

    lo_b, hi_b = np.log(1e-8), np.log(1e3)
    grid = np.linspace(np.log(1e-4), np.log(100.0), 15)
    vals = [
        capture_warnings(lambda g=g: llf(g), notes, what="negative binomial profile")  # type: ignore[misc]
        for g in grid
    ]
    best = int(np.argmax(vals))
    a = grid[max(best - 1, 0)] if best > 0 else lo_b
    b = grid[min(best + 1, len(grid) - 1)] if best < len(grid) - 1 else hi_b
    opt = capture_warnings(
        lambda: optimize.minimize_scalar(
            lambda g: -llf(g), bounds=(a, b), method="bounded", options={"xatol": 1e-4}
        ),
        notes,
        what="negative binomial profile",
    )
    log_alpha = float(opt.x)
    llf_max = max(-float(opt.fun), llf_poisson)
    if llf_poisson >= -float(opt.fun):
        log_alpha = lo_b
    alpha = float(np.exp(log_alpha))
    cut = llf_max - CHI2_1_95 / 2.0

    def gap(g: float) -> float:
        return capture_warnings(lambda: llf(g), notes, what="negative binomial profile") - cut

    if llf_poisson >= cut:
        lower = 0.0
    else:
        lower = float(np.exp(optimize.brentq(gap, lo_b, log_alpha, xtol=1e-6)))
    upper = np.inf
    if gap(hi_b) < 0:
        upper = float(np.exp(optimize.brentq(gap, max(log_alpha, lo_b), hi_b, xtol=1e-6)))
    return alpha, llf_max, (lower, upper)


def count_model(
    counts: pd.DataFrame,
    *,
    by: str = "phase",
    reference: Any = None,
    exposure: str | None = "days",
    outcome: str | None = None,
) -> CountModelResult:
    """Incidence-rate ratios between groups (e.g. phases) of a count series.

    Fits a negative binomial (NB2) regression of ``outcome`` on the levels of
    ``by`` with its dispersion alpha *estimated* by maximum likelihood
    (``statsmodels.discrete.discrete_model.NegativeBinomial``; the profile
    likelihood of alpha gives its interval), and a Poisson GLM with HC0
    (sandwich) errors as a check that does not rely on the NB variance.
    Both use ``log(exposure)`` as offset, so ratios are per day whatever the
    row length.

    Parameters
    ----------
    counts : pandas.DataFrame
        Typically :func:`daily_counts` output: one row per day/week with the
        ``outcome`` count, the ``by`` label and the ``exposure`` column.
    by : str
        Column with the groups to compare (default ``"phase"``).
    reference : optional
        Level that ratios are relative to; default the first level (in
        category order) that has events.
    exposure : str or None
        Column with each row's exposure (``"days"``); None when every row
        stands for the same length of time.
    outcome : str, optional
        Count column to model; default the table's one count column
        (``"incidents"`` or ``"claims"``, as :func:`daily_counts` names it).
        ``"fatalities"`` drops rows with a missing figure.

    Returns
    -------
    CountModelResult
        ``.table`` (term, reference, irr, ci_low, ci_high, p_value, model),
        ``.rates``, ``.alpha`` with ``.alpha_ci``, ``.lr_pvalue``, AICs,
        ``.chosen`` and ``.reason``, ``.model_result``.

    Raises
    ------
    SchemaError
        Empty frame, missing columns, negative or fractional counts.
    ParameterError
        Unknown ``by``/``outcome``/``exposure`` column or ``reference`` level,
        or fewer than two levels with events.

    Notes
    -----
    Levels whose total is zero are left out of the fit (their rate ratio
    would be 0 with no finite interval) and listed in ``.rates`` and
    ``.notes``. With a few hundred events spread over phases of very
    different length (the July war lasted five days) intervals are wide;
    the Poisson-HC rows are the check on whether a conclusion depends on the
    NB variance assumption.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> fit = stats.count_model(stats.daily_counts(datasets.events()))
    >>> fit.chosen
    'negative_binomial'
    >>> irr = fit.table.set_index(["model", "term"]).loc[(fit.chosen, "july_war"), "irr"]
    >>> round(float(irr), 1)  # incidents per day in the July war vs the May crisis
    48.7
    """
    counts = as_counts(counts, func="count_model")
    outcome = resolve_outcome(counts, outcome, func="count_model")
    counts = _check_count_table(counts, by=by, outcome=outcome, exposure=exposure)
    notes: list[str] = []
    data = _CountData.build(counts, by=by, outcome=outcome, exposure=exposure, notes=notes)
    if len(data.kept) < 2 and (reference is None or reference in data.kept):
        return _nothing_to_model(data, reference=reference, exposure=exposure, notes=notes)
    reference = data.choose_reference(reference)
    mask = np.isin(data.groups, np.array(data.kept, dtype=object))
    y, offset = data.y[mask], np.log(data.exposure[mask])
    others = [lv for lv in data.kept if lv != reference]
    X = pd.DataFrame({"const": np.ones(len(y))})
    for lv in others:
        X[str(lv)] = (data.groups[mask] == lv).astype(float)
    fits = _fit_both(y, X, offset, notes)
    chosen = "negative_binomial" if fits["lr_p"] < 0.05 else "poisson_hc"
    chosen_res = fits["nb"] if chosen == "negative_binomial" else fits["pois"]
    table = _irr_table(fits, others, reference=reference, chosen=chosen)
    rates = _rate_table(data, chosen_res, others, reference=reference)
    rates = rates.rename(columns={"events": outcome}) if outcome != "events" else rates
    return CountModelResult(
        table=table,
        rates=rates,
        alpha=fits["alpha"],
        alpha_ci=fits["alpha_ci"],
        lr_statistic=fits["lr"],
        lr_pvalue=fits["lr_p"],
        aic_negative_binomial=fits["aic_nb"],
        aic_poisson=fits["aic_pois"],
        chosen=chosen,
        reason=_reason(fits, chosen),
        by=by,
        reference=reference,
        outcome=outcome,
        exposure=exposure,
        n=len(y),
        model_result=chosen_res,
        nb_result=fits["nb"],
        poisson_result=fits["pois"],
        notes=notes,
    )


def _check_count_table(counts: Any, *, by: str, outcome: str, exposure: str | None) -> pd.DataFrame:
    """The count table, or an error saying what :func:`count_model` expects."""
    source = "counts"
    counts = as_frame(counts, name="counts")
    if "event_date" in counts.columns and "date" not in counts.columns:
        raise SchemaError(
            "count_model expects a count table from daily_counts (one row per day or week with "
            f"'date', '{outcome}', '{by}' and 'days'), not a table of events; pass "
            "scamgeo.stats.daily_counts(events).",
            source=source,
        )
    numeric = {
        c
        for c in counts.columns
        if pd.api.types.is_numeric_dtype(counts[c])
        and not isinstance(counts[c].dtype, pd.CategoricalDtype)
    }
    if by not in counts.columns:
        options = [c for c in counts.columns if c not in numeric and c != "date"]
        check_choice(by, options, name="by")
    if outcome not in counts.columns:
        check_choice(outcome, sorted(numeric), name="outcome")
    if exposure is not None and exposure not in counts.columns:
        raise ParameterError(
            f"exposure={exposure!r} is not a column of counts; pass the column holding each row's "
            f"length in days (daily_counts gives 'days') or exposure=None. Numeric columns: {sorted(numeric)}."
        )
    return counts


@dataclass
class _CountData:
    """Counts, exposures and groups of the rows kept, with per-level totals."""

    y: np.ndarray
    exposure: np.ndarray
    groups: np.ndarray
    levels: list[Any]
    totals: dict[Any, float]
    exposures: dict[Any, float]
    nrows: dict[Any, int]
    kept: list[Any]
    by: str
    outcome: str

    @classmethod
    def build(
        cls, frame: pd.DataFrame, *, by: str, outcome: str, exposure: str | None, notes: list[str]
    ) -> _CountData:
        keep = frame[outcome].notna() & frame[by].notna()
        if not keep.all():
            notes.append(f"{int((~keep).sum())} row(s) with a missing {outcome} or {by} left out")
            frame = frame[keep.to_numpy()]
        y = nonneg_counts(frame[outcome], name=outcome, source="counts")
        e = _exposure(frame, exposure)
        levels = _levels(frame[by])
        g = frame[by].astype(object).to_numpy()
        totals = {lv: float(y[g == lv].sum()) for lv in levels}
        nrows = {lv: int((g == lv).sum()) for lv in levels}
        for lv in levels:
            if totals[lv] == 0:
                notes.append(
                    f"{by}={lv!r} has no {outcome} in {nrows[lv]} row(s): left out of the model"
                )
        return cls(
            y=y,
            exposure=e,
            groups=g,
            levels=levels,
            totals=totals,
            exposures={lv: float(e[g == lv].sum()) for lv in levels},
            nrows=nrows,
            kept=[lv for lv in levels if totals[lv] > 0],
            by=by,
            outcome=outcome,
        )

    def choose_reference(self, reference: Any) -> Any:
        by, outcome, kept, levels = self.by, self.outcome, self.kept, self.levels
        if reference is None:
            if not kept:
                raise ParameterError(
                    f"count_model: no {outcome} at all in counts; nothing to model."
                )
            reference = kept[0]
        elif reference not in levels:
            raise ParameterError(
                f"reference={reference!r} is not a level of {by!r}. Levels: {levels}."
            )
        elif reference not in kept:
            raise ParameterError(
                f"reference={reference!r} has no {outcome} (rate 0), so ratios against it do not "
                f"exist. Choose one of {kept}."
            )
        if len(kept) < 2:
            raise ParameterError(
                f"count_model needs at least two levels of {by!r} with {outcome}; found {kept} "
                f"(levels present: {levels})."
            )
        return reference


def _nothing_to_model(
    data: _CountData, *, reference: Any, exposure: str | None, notes: list[str]
) -> CountModelResult:
    """The result when fewer than two levels have events: no ratio exists, so all are missing."""
    why = (
        f"nothing to model: {len(data.kept)} level(s) of {data.by!r} have {data.outcome} "
        f"({', '.join(map(str, data.kept)) or 'none'}); rate ratios need at least two"
    )
    notes.append(why)
    rates = pd.DataFrame(
        {
            "level": data.levels,
            "n_rows": [data.nrows[lv] for lv in data.levels],
            "events": [data.totals[lv] for lv in data.levels],
            "exposure": [data.exposures[lv] for lv in data.levels],
            "rate": [data.totals[lv] / data.exposures[lv] for lv in data.levels],
            "rate_ci_low": np.nan,
            "rate_ci_high": np.nan,
            "in_model": False,
        }
    )
    if data.outcome != "events":
        rates = rates.rename(columns={"events": data.outcome})
    table = pd.DataFrame(
        columns=["term", "reference", "irr", "ci_low", "ci_high", "p_value", "model"]
    )
    return CountModelResult(
        table=table,
        rates=rates,
        alpha=np.nan,
        alpha_ci=(np.nan, np.nan),
        lr_statistic=np.nan,
        lr_pvalue=np.nan,
        aic_negative_binomial=np.nan,
        aic_poisson=np.nan,
        chosen="none",
        reason=why[0].upper() + why[1:] + ".",
        by=data.by,
        reference=reference if reference is not None else (data.kept or [None])[0],
        outcome=data.outcome,
        exposure=exposure,
        n=len(data.y),
        model_result=None,
        nb_result=None,
        poisson_result=None,
        notes=notes,
    )


def _exposure(frame: pd.DataFrame, exposure: str | None) -> np.ndarray:
    if exposure is None:
        return np.ones(len(frame))
    e = pd.to_numeric(frame[exposure], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if not (np.isfinite(e) & (e > 0)).all():
        raise SchemaError(
            f"counts: exposure column {exposure!r} must be > 0 on every row.", source="counts"
        )
    return e


def _fit_both(y: np.ndarray, X: pd.DataFrame, offset: np.ndarray, notes: list[str]) -> dict:
    """Poisson (HC0) and negative binomial fits, the LR test of alpha = 0 and the AICs."""
    import statsmodels.api as sm
    from scipy import stats as sstats

    pois = capture_warnings(
        lambda: sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(cov_type="HC0"),
        notes,
        what="poisson",
    )
    # NB: profile likelihood for alpha, then the discrete NB fit for coefficients and SEs
    alpha, llf_nb, alpha_ci = _nb_profile(
        y, X.to_numpy(), offset, float(pois.llf), pois.params.to_numpy(), notes
    )
    nb = _fit_nb(y, X, offset, pois, alpha, notes)
    lr = max(0.0, 2.0 * (llf_nb - float(pois.llf)))
    k = X.shape[1]
    return {
        "pois": pois,
        "nb": nb,
        "alpha": alpha,
        "alpha_ci": alpha_ci,
        "lr": lr,
        "lr_p": 1.0 if lr <= 1e-9 else 0.5 * float(sstats.chi2.sf(lr, 1)),
        "aic_nb": float(-2 * llf_nb + 2 * (k + 1)),
        "aic_pois": float(-2 * pois.llf + 2 * k),
    }


def _fit_nb(
    y: np.ndarray, X: pd.DataFrame, offset: np.ndarray, pois: Any, alpha: float, notes: list[str]
) -> Any:
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    start = np.r_[pois.params.to_numpy(), max(alpha, 1e-6)]
    nb_model = NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
    nb = capture_warnings(
        lambda: nb_model.fit(start_params=start, method="bfgs", maxiter=500, disp=0),
        notes,
        what="negative binomial",
    )
    if not nb.mle_retvals.get("converged", True):
        notes.append("negative binomial: BFGS did not converge; retried with Nelder–Mead")
        nb = capture_warnings(
            lambda: nb_model.fit(start_params=start, method="nm", maxiter=5000, disp=0),
            notes,
            what="negative binomial",
        )
    if not np.all(np.isfinite(np.asarray(nb.bse))):
        # alpha at (or near) its boundary 0 leaves the joint Hessian singular: fall back to the GLM
        # with alpha fixed at its ML value (for NB2 the information matrix is block-diagonal in
        # (beta, alpha), so the coefficient errors are the same to first order).
        notes.append(
            "negative binomial: the joint Hessian could not be inverted (alpha near 0); "
            "coefficient errors come from the GLM with alpha fixed at its ML value"
        )
        fam = sm.families.NegativeBinomial(alpha=max(alpha, 1e-8))
        nb = capture_warnings(
            lambda: sm.GLM(y, X, family=fam, offset=offset).fit(start_params=start[:-1]),
            notes,
            what="negative binomial GLM",
        )
    alpha_fit = float(nb.params["alpha"]) if "alpha" in nb.params.index else alpha
    if abs(np.log(max(alpha_fit, 1e-8)) - np.log(max(alpha, 1e-8))) > 0.05 and alpha > 1e-4:
        notes.append(
            f"negative binomial: discrete fit alpha {alpha_fit:.4g} differs from the profile "
            f"maximum {alpha:.4g}; the profile value is reported"
        )
    return nb


def _reason(fits: dict, chosen: str) -> str:
    lo, hi = fits["alpha_ci"]
    verdict = (
        "Overdispersion is significant, so the negative binomial is used."
        if chosen == "negative_binomial"
        else "No significant overdispersion, so the Poisson model (HC errors) is used."
    )
    return (
        f"alpha = {fits['alpha']:.3g} (95% profile CI {lo:.3g}–{hi:.3g}); LR test of alpha = 0: "
        f"LR = {fits['lr']:.2f}, {fmt_p(fits['lr_p'])} (boundary-corrected); "
        f"AIC NB {fits['aic_nb']:.1f} vs Poisson {fits['aic_pois']:.1f}. {verdict}"
    )


def _irr_table(fits: dict, others: list[Any], *, reference: Any, chosen: str) -> pd.DataFrame:
    rows = []
    for name, res in (("negative_binomial", fits["nb"]), ("poisson_hc", fits["pois"])):
        for lv in others:
            b, s = float(res.params[str(lv)]), float(res.bse[str(lv)])
            rows.append(
                {
                    "term": lv,
                    "reference": reference,
                    "irr": np.exp(b),
                    "ci_low": np.exp(b - Z_95 * s),
                    "ci_high": np.exp(b + Z_95 * s),
                    "p_value": float(res.pvalues[str(lv)]),
                    "model": name,
                }
            )
    table = pd.DataFrame(
        rows, columns=["term", "reference", "irr", "ci_low", "ci_high", "p_value", "model"]
    )
    return pd.concat(
        [table[table["model"] == chosen], table[table["model"] != chosen]], ignore_index=True
    )


def _rate_table(data: _CountData, res: Any, others: list[Any], *, reference: Any) -> pd.DataFrame:
    cov = res.cov_params()
    names = ["const", *[str(lv) for lv in others]]
    rows = []
    for lv in data.levels:
        row = {
            "level": lv,
            "n_rows": data.nrows[lv],
            "events": data.totals[lv],
            "exposure": data.exposures[lv],
            "rate": data.totals[lv] / data.exposures[lv],
            "rate_ci_low": np.nan,
            "rate_ci_high": np.nan,
            "in_model": lv in data.kept,
        }
        if lv in data.kept:
            vec = np.zeros(len(names))
            vec[0] = 1.0
            if lv != reference:
                vec[names.index(str(lv))] = 1.0
            est = float(vec @ res.params[names].to_numpy())
            se = float(np.sqrt(vec @ cov.loc[names, names].to_numpy() @ vec))
            row["rate_ci_low"] = np.exp(est - Z_95 * se)
            row["rate_ci_high"] = np.exp(est + Z_95 * se)
        rows.append(row)
    return pd.DataFrame(rows)
