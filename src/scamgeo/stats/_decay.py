"""Distance decay: how fast does fighting fall off with distance from the border or the hubs?"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._inputs import has_location
from .._result import Result
from .._validate import check_choice, check_positive
from ..vocab import COUNT_UNITS
from ._common import (
    DEFAULT_SEED,
    as_frame,
    capture_warnings,
    check_int,
    fmt_p,
    fold_claims,
    nearest_km,
    resolve_seed,
)
from ._regions import band_region, land_equal_area, union_equal_area

if TYPE_CHECKING:
    from ._uncertainty import LocationUncertaintyResult

__all__ = ["DecayResult", "distance_decay"]


@dataclass(repr=False)
class DecayResult(Result):
    """Events per km² in distance bands, with a fitted exponential decay.

    The model is a negative-binomial regression (NB2, its dispersion alpha
    estimated by maximum likelihood) of each band's count with
    ``log(area_km2)`` as offset and the band's midpoint distance as
    covariate: ``E[count] = area · exp(a − rate · midpoint_km)``. It is
    compared with a flat rate (the same model without distance) by a
    likelihood-ratio test, and its fit is checked by the Pearson χ² of the
    bands. The decay is *established* only when the test rejects a flat rate
    at 5% and the fit is not rejected; otherwise :attr:`established` is False,
    the notes say why, and no half-distance should be quoted.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per band: ``band``, ``lower_km``, ``upper_km``,
        ``midpoint_km``, ``incidents`` (or ``claims``: the count in the band),
        ``area_km2``, ``events_per_1000km2``,
        ``fitted_events`` and ``fitted_per_1000km2``.
    rate_per_km : float
        Decay rate (the density is multiplied by ``exp(-rate)`` per km; > 0
        means decay).
    rate_ci : tuple of float
        95% Wald interval of the rate (alpha at its estimate).
    half_distance_km : float
        ``ln 2 / rate`` (``inf`` when the rate is <= 0).
    half_distance_ci : tuple of float
        Its 95% interval (``inf`` when the rate's lower end is <= 0).
    p_value : float
        Likelihood-ratio test of the decay against a flat rate (both negative
        binomial, each with its own alpha).
    gof_pvalue : float
        Pearson χ² goodness-of-fit p-value of the decay model (on bands − 3
        degrees of freedom; NaN with fewer than 4 bands).
    established : bool
        ``p_value <= 0.05`` and ``gof_pvalue > 0.05`` (or NaN), and rate > 0.
    alpha : float
        Negative-binomial dispersion of the decay fit (0: Poisson).
    dispersion : float
        Pearson χ² / df of a Poisson fit (how overdispersed the bands are).
    from_ : {"border", "hubs"}
    area : {"band", "ring"}
    n_events, n_beyond, n_missing, n_outside_band : int
        Events inside the bands; beyond the last edge; without a usable
        location (or outside THA/KHM with ``area="band"``); beyond ``border_band_km``.
    border_band_km : float or None
    model_result : statsmodels GLMResults
        The negative-binomial GLM at the estimated alpha.
    notes : list of str
    """

    table: pd.DataFrame
    rate_per_km: float
    rate_ci: tuple[float, float]
    half_distance_km: float
    half_distance_ci: tuple[float, float]
    p_value: float
    gof_pvalue: float
    established: bool
    alpha: float
    dispersion: float
    from_: str
    area: str
    n_events: int
    n_beyond: int
    n_missing: int
    n_outside_band: int
    border_band_km: float | None
    model_result: Any
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The fitted decay in words (no half-distance when the decay is not established)."""
        lo, hi = self.rate_ci
        head = f"{self.n_events} events in {len(self.table)} bands from the {self.from_}: "
        if not self.established:
            text = head + (
                f"no established decay (rate {self.rate_per_km:.3g}/km, 95% CI {lo:.3g}–{hi:.3g}; "
                f"against a flat rate {fmt_p(self.p_value)}; fit {fmt_p(self.gof_pvalue)})."
            )
        else:
            hlo, hhi = self.half_distance_ci
            text = head + (
                f"density decays by {self.rate_per_km:.3g}/km (95% CI {lo:.3g}–{hi:.3g}), halving "
                f"every {self.half_distance_km:.1f} km (95% CI {hlo:.1f}–{hhi:.1f}); against a "
                f"flat rate {fmt_p(self.p_value)}; negative-binomial alpha {self.alpha:.3g}."
            )
        return "\n".join([text, *self.notes])

    def __repr__(self) -> str:
        return (
            f"DecayResult(from_={self.from_!r}, rate_per_km={self.rate_per_km:.3g}, "
            f"established={self.established}, p_value={self.p_value:.3g}, "
            f"n_events={self.n_events}, bands={len(self.table)})"
        )


def _band_areas(source: Any, edges: np.ndarray, *, land: Any) -> np.ndarray:
    """Area (km²) of each band ``[edges[i], edges[i+1])`` of distance from ``source``, within ``land``."""
    import shapely

    from .. import geo

    discs: list[Any] = []
    for km in edges:
        if km == 0:
            discs.append(None)
            continue
        disc = union_equal_area(geo.buffer_km(source, km=float(km)))
        if land is not None:
            disc = shapely.intersection(disc, land)
        discs.append(disc)
    areas = []
    for inner, outer in zip(discs[:-1], discs[1:], strict=True):
        a_out = shapely.area(outer)
        a_in = 0.0 if inner is None else shapely.area(inner)
        areas.append(max(a_out - a_in, 0.0) / 1e6)
    return np.asarray(areas)


def distance_decay(
    events: pd.DataFrame,
    *,
    from_: str | pd.DataFrame = "border",
    bands_km: Sequence[float] = (0, 5, 10, 20, 30, 50, 75, 100),
    area: str = "band",
    border_band_km: float | None = None,
    count: str = "incidents",
    replicates: int = 0,
    seed: int | None = DEFAULT_SEED,
) -> DecayResult | LocationUncertaintyResult:
    """Events per km² by distance from the border (or the nearest hub), with a tested decay.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame with latitude/longitude
        Events (common event schema). With ``area="band"`` only events whose
        ``country`` is THA or KHM are counted (when the column exists), to
        match the land the band areas are measured on.
    from_ : "border" or GeoDataFrame
        ``"border"``: distance to the Thai–Cambodian border
        (:func:`scamgeo.geo.distance_to_border_km`); a frame of sites (e.g.
        ``scamgeo.datasets.sites("casino_hub")``): distance to the nearest of
        them (:func:`scamgeo.geo.nearest_site`).
    bands_km : sequence of float
        Increasing band edges in km, starting at >= 0; at least 4 edges
        (3 bands) for the fit. A band holds ``lower <= d < upper`` (the last
        one includes its upper edge).
    area : {"band", "ring"}
        ``"band"``: the band of distance intersected with the land of
        Thailand and Cambodia; ``"ring"``: the whole band (sea and other
        countries included). Areas are measured in
        :data:`scamgeo.config.EQUAL_AREA_CRS`.
    border_band_km : float, optional
        Only the land within this distance of the Thai–Cambodian border
        counts (band areas are clipped to it, events farther from the border
        are left out): the region of the ``border_band`` null of
        :func:`hub_targeting_test`. Use it with sites so that a decay from the
        hubs is not just the fighting's closeness to the border (most hubs sit
        on it). Needs ``area="band"``.
    count : {"incidents", "claims"}
        ``"incidents"`` folds the claims of one incident into one event (as
        :func:`daily_counts` does); ``"claims"`` counts every row.
    replicates : int
        When > 0, also refit this many times with every event redrawn uniformly
        within its ``uncertainty_m`` (or the radius of its ``geo_precision``),
        and return a :class:`~scamgeo.stats.LocationUncertaintyResult`.
    seed : int, optional
        Seed of the redraws (None: drawn and recorded).

    Returns
    -------
    DecayResult
        ``.table`` per band, ``.rate_per_km``, ``.half_distance_km`` with
        their CIs, ``.p_value`` against a flat rate, ``.gof_pvalue``,
        ``.established``, ``.model_result``.

    Raises
    ------
    ParameterError
        Unknown ``from_``/``area``/``count``, bad ``bands_km``, or an empty frame of sites.
    SchemaError
        Events without coordinates columns.

    Notes
    -----
    The density is evaluated at band midpoints, which is exact only for narrow
    bands: with a 25 km band and a rate of 0.05/km the log-density at the
    midpoint is off by about (rate·width)²/24 ≈ 0.07. A handful of bands
    leaves the fit few degrees of freedom: when most events sit in the first
    band and the rest scatter, the negative binomial absorbs the scatter as
    dispersion and a flat rate is not rejected, which is what the data say.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> decay = stats.distance_decay(datasets.events())
    >>> decay.table[["band", "incidents"]].head(3).values.tolist()
    [['0–5 km', 169], ['5–10 km', 17], ['10–20 km', 3]]
    >>> decay.established, round(decay.half_distance_km, 1)  # tested against a flat rate
    (True, 8.3)
    """
    check_choice(count, COUNT_UNITS, name="count")
    if check_int(replicates, name="replicates", minimum=0) > 0:
        from ._uncertainty import decay_under_uncertainty

        return decay_under_uncertainty(
            distance_decay, _counted(events, count), seed=seed, replicates=replicates,
            from_=from_, bands_km=bands_km, area=area, border_band_km=border_band_km,
            count="claims",
        )  # fmt: skip
    edges = _decay_edges(from_, area, border_band_km, bands_km)
    if border_band_km is not None:
        border_band_km = check_positive(border_band_km, name="border_band_km")
    notes: list[str] = []
    used, n_missing, n_outside_band = _decay_events(
        _counted(events, count), area=area, border_band_km=border_band_km, notes=notes
    )
    source, d = _distances(used, from_)
    counts, n_beyond = _band_counts(d, edges, notes)
    if border_band_km is not None:
        land = band_region(border_band_km)
    else:
        land = land_equal_area() if area == "band" else None
    areas = _band_areas(source, edges, land=land)
    fit = _fit_decay(counts, areas, edges, notes, resolve_seed(seed))
    return DecayResult(
        table=_decay_table(edges, counts, areas, fit["fitted"]).rename(columns={"events": count}),
        **{k: v for k, v in fit.items() if k != "fitted"},
        from_="border" if isinstance(from_, str) else "hubs",
        area=area,
        n_events=int(counts.sum()),
        n_beyond=n_beyond,
        n_missing=n_missing,
        n_outside_band=n_outside_band,
        border_band_km=border_band_km,
        notes=notes,
    )


def _counted(events: Any, count: str) -> pd.DataFrame:
    """The events, with the claims of one incident folded into one row for ``"incidents"``."""
    events = as_frame(events, name="events")
    return fold_claims(events, count)


def _distances(used: pd.DataFrame, from_: Any) -> tuple[Any, np.ndarray]:
    """(the geometry distances are measured from, each event's distance in km)."""
    from .. import datasets, geo

    if isinstance(from_, str):
        d = geo.distance_to_border_km(used).to_numpy(dtype=float) if len(used) else np.zeros(0)
        return datasets.border("THA", "KHM"), d
    hubs = from_[has_location(from_, name="from_")]
    d = nearest_km(used, hubs) if len(used) else np.zeros(0)
    return hubs, d


def _decay_table(
    edges: np.ndarray, counts: np.ndarray, areas: np.ndarray, fitted: np.ndarray
) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "band": [f"{a:g}–{b:g} km" for a, b in zip(edges[:-1], edges[1:], strict=True)],
                "lower_km": edges[:-1],
                "upper_km": edges[1:],
                "midpoint_km": (edges[:-1] + edges[1:]) / 2,
                "events": counts.astype(np.int64),
                "area_km2": areas,
                "events_per_1000km2": np.where(areas > 0, counts / areas * 1000, np.nan),
                "fitted_events": fitted,
                "fitted_per_1000km2": np.where(areas > 0, fitted / areas * 1000, np.nan),
            }
        )


def _decay_edges(from_: Any, area: str, border_band_km: Any, bands_km: Any) -> np.ndarray:
    if isinstance(from_, str):
        check_choice(from_, ["border"], name="from_")
    elif not isinstance(from_, pd.DataFrame) or len(from_) == 0:
        raise ParameterError(
            "from_ must be 'border' or a non-empty frame of sites, e.g. "
            "scamgeo.datasets.sites(kind='casino_hub')."
        )
    check_choice(area, ["band", "ring"], name="area")
    if border_band_km is not None and area != "band":
        raise ParameterError(
            "border_band_km clips the bands to land near the border; use it with area='band'."
        )
    try:
        edges = np.asarray([float(v) for v in bands_km], dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"bands_km={bands_km!r} must be a sequence of numbers (km).") from None
    if (
        len(edges) < 4
        or not np.all(np.isfinite(edges))
        or edges[0] < 0
        or np.any(np.diff(edges) <= 0)
    ):
        raise ParameterError(
            f"bands_km={tuple(bands_km)!r} must be at least 4 strictly increasing, finite edges >= 0 "
            "(3 bands or more), e.g. (0, 5, 10, 20, 30, 50)."
        )
    return edges


def _decay_events(
    events: pd.DataFrame, *, area: str, border_band_km: float | None, notes: list[str]
) -> tuple[pd.DataFrame, int, int]:
    """(events used, how many lack a usable location, how many lie beyond the border band)."""
    from .. import geo

    ok = has_location(events, name="events")
    if area == "band" and "country" in events.columns:
        in_tk = (
            events["country"]
            .astype("string")
            .isin(["THA", "KHM"])
            .fillna(False)
            .to_numpy(dtype=bool)
        )
        if not in_tk[ok].all():
            notes.append(
                f"{int((ok & ~in_tk).sum())} event(s) outside THA/KHM left out (area='band')"
            )
        ok = ok & in_tk
    used = events[ok]
    n_outside_band = 0
    if border_band_km is not None and len(used):
        near = (geo.distance_to_border_km(used) <= border_band_km).to_numpy()
        n_outside_band = int((~near).sum())
        if n_outside_band:
            notes.append(
                f"{n_outside_band} event(s) farther than border_band_km={border_band_km:g} km left out"
            )
        used = used[near]
    return used, int((~ok).sum()), n_outside_band


def _band_counts(d: np.ndarray, edges: np.ndarray, notes: list[str]) -> tuple[np.ndarray, int]:
    pos = np.searchsorted(edges, d, side="right") - 1
    pos[d == edges[-1]] = len(edges) - 2
    inside = (pos >= 0) & (pos < len(edges) - 1)
    n_beyond = int((d > edges[-1]).sum())
    if n_beyond:
        notes.append(f"{n_beyond} event(s) beyond {edges[-1]:g} km left out")
    counts = np.bincount(pos[inside], minlength=len(edges) - 1).astype(float)
    if counts.sum() == 0:
        notes.append(
            f"no event lies within {edges[0]:g}–{edges[-1]:g} km (an empty selection): "
            "nothing to fit, so the decay is missing"
        )
    return counts, n_beyond


#: Parametric-bootstrap draws of the decay test and of its goodness of fit.
BOOTSTRAP = 199
#: Range of log(alpha) searched by the negative-binomial fits (alpha 1e-8 .. 1e4).
_LOG_ALPHA = (float(np.log(1e-8)), float(np.log(1e4)))


def _fit_decay(
    counts: np.ndarray, areas: np.ndarray, edges: np.ndarray, notes: list[str], seed: int
) -> dict[str, Any]:
    """Negative-binomial decay vs a flat rate: the DecayResult fields of the fit.

    With a handful of bands the likelihood-ratio test against chi-square(1)
    rejects a true flat rate 10–15% of the time, so both the test and the
    goodness of fit are calibrated by a parametric bootstrap (``BOOTSTRAP``
    draws from the fitted flat and decay models, each refitted).
    """
    mid = (edges[:-1] + edges[1:]) / 2
    usable = areas > 0
    if not usable.all():
        notes.append(f"{int((~usable).sum())} band(s) with no area left out of the fit")
    if usable.sum() < 3:
        raise ParameterError("distance_decay: fewer than 3 bands have an area; widen bands_km.")
    nan2 = (np.nan, np.nan)
    out: dict[str, Any] = {"rate_per_km": np.nan, "rate_ci": nan2, "half_distance_km": np.nan,
                           "half_distance_ci": nan2, "p_value": np.nan, "gof_pvalue": np.nan,
                           "established": False, "alpha": np.nan, "dispersion": np.nan,
                           "model_result": None, "fitted": np.full(len(mid), np.nan)}  # fmt: skip
    if counts.sum() == 0:
        return out
    y, offset = counts[usable], np.log(areas[usable])
    X = np.column_stack([np.ones(len(y)), mid[usable]])
    full, flat = _nb_ml(y, X, offset), _nb_ml(y, X[:, :1], offset)
    boot = _bootstrap(full, flat, X, offset, np.random.default_rng(seed))
    lr = max(0.0, 2.0 * (full["llf"] - flat["llf"]))
    rate = -full["beta"][1]
    lo, hi = np.quantile(-boot["slopes"], [0.025, 0.975])
    out.update(
        rate_per_km=rate, rate_ci=(float(lo), float(hi)), alpha=full["alpha"],
        p_value=float((1 + np.sum(boot["lr"] >= lr - 1e-9)) / (len(boot["lr"]) + 1)),
        gof_pvalue=float((1 + np.sum(boot["gof"] >= full["gof"] - 1e-9)) / (len(boot["gof"]) + 1)),
        dispersion=float(_poisson_dispersion(y, X, offset)),
        model_result=_glm_result(y, X, offset, full, notes),
    )  # fmt: skip
    out["half_distance_km"], out["half_distance_ci"] = _half(rate, (float(lo), float(hi)))
    out["fitted"][usable] = np.exp(X @ full["beta"] + offset)
    out["established"] = _established(out, notes)
    return out


def _nb_loglik(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    """NB2 log-likelihood (var = mu + alpha mu²); Poisson at alpha = 0."""
    from scipy.special import gammaln

    if alpha < 1e-8:
        return float(np.sum(y * np.log(np.maximum(mu, 1e-300)) - mu - gammaln(y + 1)))
    r = 1.0 / alpha
    return float(
        np.sum(
            gammaln(y + r) - gammaln(r) - gammaln(y + 1)
            + r * np.log(r / (r + mu)) + y * np.log(np.maximum(mu, 1e-300) / (r + mu))
        )
    )  # fmt: skip


def _nb_ml(
    y: np.ndarray, X: np.ndarray, offset: np.ndarray, start: np.ndarray | None = None
) -> dict[str, Any]:
    """Maximum-likelihood NB2 regression (coefficients, alpha >= 0, log-likelihood, Pearson χ²).

    The log-likelihood and its analytic gradient in (coefficients, log alpha)
    go to L-BFGS-B, so one fit of a few bands takes milliseconds.
    """
    from scipy import optimize
    from scipy.special import digamma

    if start is None:
        mean = max(float(y.sum()), 0.5) / float(np.exp(offset).sum())
        start = np.r_[np.log(mean), np.zeros(X.shape[1] - 1), np.log(0.5)]

    def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        mu = np.exp(np.clip(X @ theta[:-1] + offset, -700, 700))
        alpha = float(np.exp(np.clip(theta[-1], _LOG_ALPHA[0], _LOG_ALPHA[1])))
        r = 1.0 / alpha
        grad_beta = X.T @ ((y - mu) / (1.0 + alpha * mu))
        d_r = digamma(y + r) - digamma(r) + np.log(r / (r + mu)) + 1.0 - (r + y) / (r + mu)
        inside = _LOG_ALPHA[0] < theta[-1] < _LOG_ALPHA[1]
        grad_alpha = -r * float(np.sum(d_r)) if inside else 0.0
        return -_nb_loglik(y, mu, alpha), -np.r_[grad_beta, grad_alpha]

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow at extreme alphas, harmless
        # BFGS in numpy: with three parameters it is far quicker than L-BFGS-B's Fortran loop
        best = optimize.minimize(nll, start, jac=True, method="BFGS", options={"gtol": 1e-6})
    best.x[-1] = np.clip(best.x[-1], *_LOG_ALPHA)
    beta, alpha = best.x[:-1], float(np.exp(best.x[-1]))
    mu = np.exp(X @ beta + offset)
    alpha_used = 0.0 if alpha <= 1e-6 else alpha
    var = mu + alpha_used * mu**2
    with np.errstate(all="ignore"):  # a band with no expected event adds nothing
        gof = float(np.sum(np.where(var > 0, (y - mu) ** 2 / np.where(var > 0, var, 1.0), 0.0)))
    return {"beta": beta, "alpha": alpha_used, "llf": -float(best.fun), "mu": mu, "gof": gof,
            "theta": best.x}  # fmt: skip


def _bootstrap(
    full: dict, flat: dict, X: np.ndarray, offset: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """LR statistics under the flat fit; slopes and Pearson χ² under the decay fit."""

    def draw(fit: dict) -> np.ndarray:
        mu, a = fit["mu"], fit["alpha"]
        lam = rng.gamma(1.0 / a, a * mu) if a > 0 else mu
        return rng.poisson(lam).astype(float)

    lr, slopes, gof = (np.empty(BOOTSTRAP) for _ in range(3))
    for i in range(BOOTSTRAP):
        y0 = draw(flat)
        null_fit = _nb_ml(y0, X[:, :1], offset, flat["theta"])
        alt_start = np.r_[null_fit["theta"][:-1], 0.0, null_fit["theta"][-1]]
        lr[i] = 2.0 * (_nb_ml(y0, X, offset, alt_start)["llf"] - null_fit["llf"])
        refit = _nb_ml(draw(full), X, offset, full["theta"])
        slopes[i], gof[i] = refit["beta"][1], refit["gof"]
    return {"lr": lr, "slopes": slopes, "gof": gof}


def _poisson_dispersion(y: np.ndarray, X: np.ndarray, offset: np.ndarray) -> float:
    """Pearson χ² / df of a Poisson fit: how much more the bands vary than Poisson counts."""
    import statsmodels.api as sm

    pois = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
    return float(pois.pearson_chi2 / max(int(pois.df_resid), 1))


def _glm_result(y: np.ndarray, X: np.ndarray, offset: np.ndarray, full: dict, notes: list[str]):
    """The statsmodels NB GLM at the estimated alpha (for users who want its summary)."""
    import statsmodels.api as sm

    fam = sm.families.NegativeBinomial(alpha=max(full["alpha"], 1e-8))
    exog = pd.DataFrame(X, columns=["const", "distance_km"])
    return capture_warnings(
        lambda: sm.GLM(y, exog, family=fam, offset=offset).fit(start_params=full["beta"]),
        notes,
        what="decay",
    )


def _half(rate: float, rate_ci: tuple[float, float]) -> tuple[float, tuple[float, float]]:
    ln2 = float(np.log(2.0))
    half = float(ln2 / rate) if rate > 0 else np.inf
    lo, hi = rate_ci
    return half, (ln2 / hi if hi > 0 else np.inf, ln2 / lo if lo > 0 else np.inf)


def _established(fit: dict[str, Any], notes: list[str]) -> bool:
    """Whether the decay is established; when not, a note saying why."""
    reasons = []
    if not fit["p_value"] <= 0.05:
        reasons.append(f"a flat rate is not rejected ({fmt_p(fit['p_value'])})")
    if fit["gof_pvalue"] <= 0.05:
        reasons.append(f"the decay curve does not fit the bands ({fmt_p(fit['gof_pvalue'])})")
    if not fit["rate_per_km"] > 0:
        reasons.append("the fitted rate does not fall with distance")
    if reasons:
        notes.append(
            "decay not established: " + "; ".join(reasons) + ", so no half-distance is stated"
        )
    return not reasons
