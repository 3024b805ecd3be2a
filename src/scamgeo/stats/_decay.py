"""Distance decay: how fast does fighting fall off with distance from the border or the hubs?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import ParameterError, SchemaError
from .._inputs import has_location
from .._result import Result
from .._validate import check_choice, check_positive
from ._common import Z_95, as_frame, capture_warnings, fmt_p, nearest_km
from ._regions import band_region, land_equal_area, union_equal_area
from ._spatial import DEFAULT_SEED

if TYPE_CHECKING:
    from ._uncertainty import LocationUncertaintyResult

__all__ = ["DecayResult", "distance_decay"]


@dataclass(repr=False)
class DecayResult(Result):
    """Events per km² in distance bands, with a fitted exponential decay.

    The model is a Poisson GLM of each band's count with ``log(area_km2)``
    as offset and the band's midpoint distance as covariate:
    ``E[count] = area · exp(a − rate · midpoint_km)``. Intervals use the
    quasi-Poisson scale ``max(1, Pearson χ² / df)``, so overdispersion
    between bands widens them.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per band: ``band``, ``lower_km``, ``upper_km``,
        ``midpoint_km``, ``events``, ``area_km2``, ``events_per_1000km2``,
        ``fitted_events`` and ``fitted_per_1000km2``.
    rate_per_km : float
        Decay rate (the density is multiplied by ``exp(-rate)`` per km; > 0
        means decay).
    rate_ci : tuple of float
        95% interval of the rate.
    half_distance_km : float
        ``ln 2 / rate``: the distance over which the density halves (``inf``
        when the rate is <= 0).
    half_distance_ci : tuple of float
        Its 95% interval (from the rate's; ``inf`` when the rate's lower end is <= 0).
    p_value : float
        Wald test of no decay (rate = 0), two-sided.
    dispersion : float
        Pearson χ² / df of the Poisson fit (the scale used is ``max(1, dispersion)``).
    from_ : {"border", "hubs"}
    area : {"band", "ring"}
    n_events : int
        Events inside the bands.
    n_beyond : int
        Events farther than the last band edge.
    n_missing : int
        Events without coordinates, or outside THA/KHM when ``area="band"``.
    n_outside_band : int
        Events farther than ``border_band_km`` from the border (left out).
    border_band_km : float or None
    model_result : statsmodels GLMResults
    notes : list of str
    """

    table: pd.DataFrame
    rate_per_km: float
    rate_ci: tuple[float, float]
    half_distance_km: float
    half_distance_ci: tuple[float, float]
    p_value: float
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
        """The fitted decay in words."""
        lo, hi = self.rate_ci
        hlo, hhi = self.half_distance_ci
        return (
            f"{self.n_events} events in {len(self.table)} bands from the {self.from_}: density decays by "
            f"{self.rate_per_km:.3g}/km (95% CI {lo:.3g}–{hi:.3g}), halving every {self.half_distance_km:.1f} km "
            f"(95% CI {hlo:.1f}–{hhi:.1f}), {fmt_p(self.p_value)}; dispersion {self.dispersion:.2f}."
        )

    def __repr__(self) -> str:
        return (
            f"DecayResult(from_={self.from_!r}, rate_per_km={self.rate_per_km:.3g}, "
            f"half_distance_km={self.half_distance_km:.3g}, n_events={self.n_events}, bands={len(self.table)})"
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
    from_: str = "border",
    hubs: pd.DataFrame | None = None,
    bands_km: Sequence[float] = (0, 5, 10, 20, 30, 50, 75, 100),
    area: str = "band",
    border_band_km: float | None = None,
    location_uncertainty: bool = False,
    replicates: int = 100,
    seed: int | None = DEFAULT_SEED,
) -> DecayResult | LocationUncertaintyResult:
    """Events per km² by distance from the border (or the nearest hub), with a fitted decay.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame with latitude/longitude
        Events (common event schema). With ``area="band"`` only events whose
        ``country`` is THA or KHM are counted (when the column exists), to
        match the land the band areas are measured on.
    from_ : {"border", "hubs"}
        Distance to the Thai–Cambodian border
        (:func:`scamgeo.geo.distance_to_border_km`) or to the nearest of
        ``hubs`` (:func:`scamgeo.geo.nearest_site`).
    hubs : GeoDataFrame, optional
        Required for ``from_="hubs"``.
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
        :func:`hub_targeting_test`. Use it with ``from_="hubs"`` so that a
        decay from the hubs is not just the fighting's closeness to the
        border (most hubs sit on it). Needs ``area="band"``.
    location_uncertainty : bool
        Also refit ``replicates`` times with every event redrawn uniformly within
        its ``uncertainty_m`` (or the radius of its ``geo_precision``); returns a
        :class:`~scamgeo.stats.LocationUncertaintyResult`.
    replicates : int
        Number of redraws with ``location_uncertainty``.
    seed : int, optional
        Seed of the redraws.

    Returns
    -------
    DecayResult
        ``.table`` per band, ``.rate_per_km``, ``.half_distance_km`` with
        their CIs, ``.p_value``, ``.model_result``.

    Raises
    ------
    ParameterError
        Unknown ``from_``/``area``, bad ``bands_km``, ``hubs`` missing, or no
        event inside the bands.
    SchemaError
        Empty ``events`` or no coordinates.

    Notes
    -----
    The density is evaluated at band midpoints, which is exact only for narrow
    bands: with a 25 km band and a rate of 0.05/km the log-density at the
    midpoint is off by about (rate·width)²/24 ≈ 0.07. With a couple of
    hundred events and geo_precision-3 (province) points, the first bands
    carry the location error; see :func:`precision_sensitivity`.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> decay = stats.distance_decay(datasets.events())
    >>> decay.table[["band", "events"]].head(3).values.tolist()
    [['0–5 km', 181], ['5–10 km', 17], ['10–20 km', 3]]
    """
    if location_uncertainty:
        from ._uncertainty import decay_under_uncertainty

        return decay_under_uncertainty(
            distance_decay, events, seed=seed, replicates=replicates, from_=from_, hubs=hubs,
            bands_km=bands_km, area=area, border_band_km=border_band_km,
        )  # fmt: skip
    from .. import datasets, geo

    edges = _decay_edges(from_, area, border_band_km, bands_km)
    if border_band_km is not None:
        border_band_km = check_positive(border_band_km, name="border_band_km")
    events = as_frame(events, name="events")
    hubs = _decay_hubs(from_, hubs)
    notes: list[str] = []
    used, n_missing, n_outside_band = _decay_events(
        events, area=area, border_band_km=border_band_km, notes=notes
    )
    if from_ == "border":
        source = datasets.border("THA", "KHM")
        d = geo.distance_to_border_km(used).to_numpy(dtype=float) if len(used) else np.zeros(0)
    else:
        source = hubs[has_location(hubs, name="hubs")]
        d = nearest_km(used, hubs) if len(used) else np.zeros(0)
    counts, n_beyond = _band_counts(d, edges, notes)
    if border_band_km is not None:
        land = band_region(border_band_km)
    else:
        land = land_equal_area() if area == "band" else None
    areas = _band_areas(source, edges, land=land)
    mid = (edges[:-1] + edges[1:]) / 2
    usable = areas > 0
    if not usable.all():
        notes.append(f"{int((~usable).sum())} band(s) with no area left out of the fit")
    if usable.sum() < 3:
        raise ParameterError("distance_decay: fewer than 3 bands have an area; widen bands_km.")
    if counts.sum() == 0:
        res, dispersion = None, np.nan
        rate, rate_ci, half, half_ci = np.nan, (np.nan, np.nan), np.nan, (np.nan, np.nan)
        fitted, p_value = np.full(len(mid), np.nan), np.nan
    else:
        res, dispersion, fitted = _fit_decay(counts, areas, mid, usable, notes)
        rate, rate_ci, half, half_ci = _decay_rates(res)
        p_value = float(res.pvalues["distance_km"])
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(
            {
                "band": [f"{a:g}–{b:g} km" for a, b in zip(edges[:-1], edges[1:], strict=True)],
                "lower_km": edges[:-1],
                "upper_km": edges[1:],
                "midpoint_km": mid,
                "events": counts.astype(np.int64),
                "area_km2": areas,
                "events_per_1000km2": np.where(areas > 0, counts / areas * 1000, np.nan),
                "fitted_events": fitted,
                "fitted_per_1000km2": np.where(areas > 0, fitted / areas * 1000, np.nan),
            }
        )
    return DecayResult(
        table=table,
        rate_per_km=rate,
        rate_ci=rate_ci,
        half_distance_km=half,
        half_distance_ci=half_ci,
        p_value=p_value,
        dispersion=dispersion,
        from_=from_,
        area=area,
        n_events=int(counts.sum()),
        n_beyond=n_beyond,
        n_missing=n_missing,
        n_outside_band=n_outside_band,
        border_band_km=border_band_km,
        model_result=res,
        notes=notes,
    )


def _decay_edges(from_: str, area: str, border_band_km: Any, bands_km: Any) -> np.ndarray:
    check_choice(from_, ["border", "hubs"], name="from_")
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


def _decay_hubs(from_: str, hubs: Any) -> Any:
    if from_ != "hubs":
        return hubs
    if hubs is None:
        raise ParameterError(
            "from_='hubs' needs hubs=, e.g. scamgeo.datasets.sites(kind='casino_hub')."
        )
    hubs = as_frame(hubs, name="hubs")
    if len(hubs) == 0:
        raise SchemaError("hubs is empty.", source="hubs")
    return hubs


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


def _decay_rates(res: Any) -> tuple[float, tuple[float, float], float, tuple[float, float]]:
    """Decay rate per km with its 95% CI, and the half-distance with its CI."""
    beta = float(res.params["distance_km"])
    se = float(res.bse["distance_km"])
    rate = -beta
    rate_ci = (-(beta + Z_95 * se), -(beta - Z_95 * se))
    ln2 = float(np.log(2.0))
    half = ln2 / rate if rate > 0 else np.inf
    half_ci = (
        ln2 / rate_ci[1] if rate_ci[1] > 0 else np.inf,
        ln2 / rate_ci[0] if rate_ci[0] > 0 else np.inf,
    )
    return rate, rate_ci, half, half_ci


def _fit_decay(
    counts: np.ndarray, areas: np.ndarray, mid: np.ndarray, usable: np.ndarray, notes: list[str]
) -> tuple[Any, float, np.ndarray]:
    """Quasi-Poisson fit of counts on distance with log(area) offset: (result, dispersion, fitted)."""
    import statsmodels.api as sm

    X = pd.DataFrame({"const": 1.0, "distance_km": mid[usable]})
    offset = np.log(areas[usable])
    model = sm.GLM(counts[usable], X, family=sm.families.Poisson(), offset=offset)
    first = capture_warnings(lambda: model.fit(), notes, what="poisson decay")
    dispersion = float(first.pearson_chi2 / max(int(first.df_resid), 1))
    res = capture_warnings(
        lambda: model.fit(scale=max(1.0, dispersion)), notes, what="poisson decay"
    )
    fitted = np.full(len(mid), np.nan)
    fitted[usable] = np.asarray(res.predict(X, offset=offset))
    return res, dispersion, fitted
