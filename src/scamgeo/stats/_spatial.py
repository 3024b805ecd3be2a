"""Spatial tests: were casino hubs struck more than chance, and how fast does fighting decay with distance?"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import config
from .._errors import ParameterError, SchemaError
from .._inputs import has_location
from .._validate import check_choice, check_positive
from ._common import Z_95, as_frame, capture_warnings, check_int, fmt_p, logger, nearest_km

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DEFAULT_SEED",
    "DecayResult",
    "HubTestResult",
    "border_band_sample",
    "distance_decay",
    "hub_targeting_test",
]

#: Default seed of the Monte Carlo draws (the first day of the July war), so runs repeat exactly.
DEFAULT_SEED = 20250724

_STATISTICS = ("median", "mean")
_NULLS = ("border_band", "events")
#: Largest number of null points measured in one call of scamgeo.geo.nearest_site.
_CHUNK = 400_000


# --- geometry of the null region ------------------------------------------------------


@functools.cache
def _land_equal_area() -> Any:
    """Thailand ∪ Cambodia land (Natural Earth 1:10m) as one shapely geometry in EQUAL_AREA_CRS."""
    from .. import datasets

    c = datasets.countries()
    land = c[c["iso3"].isin(["THA", "KHM"])].to_crs(config.EQUAL_AREA_CRS)
    return land.union_all()


def _union_equal_area(gdf: Any) -> Any:
    import shapely

    geoms = gdf.to_crs(config.EQUAL_AREA_CRS).geometry.to_numpy()
    geoms = geoms[~shapely.is_missing(geoms)]
    return shapely.union_all(geoms)


@functools.cache
def _band_region(band_km: float) -> Any:
    """Land of THA ∪ KHM within ``band_km`` of their border (shapely, EQUAL_AREA_CRS), prepared."""
    import shapely

    from .. import datasets, geo

    band = _union_equal_area(geo.buffer_km(datasets.border("THA", "KHM"), km=band_km))
    region = shapely.intersection(band, _land_equal_area())
    shapely.prepare(region)
    return region


def _sample_in(region: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points uniform in ``region`` (rejection sampling in its bounding box), as (n, 2) x/y."""
    import shapely

    minx, miny, maxx, maxy = shapely.bounds(region)
    fill = shapely.area(region) / ((maxx - minx) * (maxy - miny))
    out = np.empty((0, 2))
    while len(out) < n:
        k = int((n - len(out)) / max(fill, 1e-3) * 1.2) + 16
        xy = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        out = np.vstack([out, xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])]])
    return out[:n]


def _to_lonlat(xy: np.ndarray) -> Any:
    import geopandas as gpd

    pts = gpd.points_from_xy(xy[:, 0], xy[:, 1], crs=config.EQUAL_AREA_CRS)
    return gpd.GeoSeries(pts, crs=config.EQUAL_AREA_CRS).to_crs(config.GEOGRAPHIC_CRS)


def border_band_sample(
    n: int, *, band_km: float = 30, seed: int | None = DEFAULT_SEED
) -> gpd.GeoDataFrame:
    """Points uniform on the ground within ``band_km`` of the Thai–Cambodian border, on land.

    This is the ``"border_band"`` null of :func:`hub_targeting_test`:
    the border line (:func:`scamgeo.datasets.border`) buffered by
    ``band_km`` (:func:`scamgeo.geo.buffer_km`), intersected with the land
    of Thailand and Cambodia (:func:`scamgeo.datasets.countries`), sampled
    uniformly in the equal-area CRS :data:`scamgeo.config.EQUAL_AREA_CRS`.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    band_km : float
        Half-width of the band in km (> 0).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``n`` points in EPSG:4326 with ``latitude`` and ``longitude`` columns.
    """
    import geopandas as gpd

    n = check_int(n, name="n", minimum=1)
    band_km = check_positive(band_km, name="band_km")
    xy = _sample_in(_band_region(band_km), n, np.random.default_rng(seed))
    pts = _to_lonlat(xy)
    return gpd.GeoDataFrame(
        {"longitude": pts.x.to_numpy(), "latitude": pts.y.to_numpy()},
        geometry=pts.to_numpy(),
        crs=config.GEOGRAPHIC_CRS,
    )


# --- hub targeting test -------------------------------------------------------------------


@dataclass(repr=False)
class HubTestResult:
    """Monte Carlo test: are strikes closer to casino hubs than points drawn from a null?

    Attributes
    ----------
    statistic : {"median", "mean"}
        Summary of the strikes' distances to their nearest hub.
    observed_km : float
        That summary for the strikes.
    null_median_km : float
        Median of the summary over the null draws.
    null_interval_km : tuple of float
        2.5% and 97.5% quantiles of the null summaries.
    ratio : float
        ``observed_km / null_median_km`` (< 1: strikes closer than chance).
    difference_km : float
        ``observed_km - null_median_km`` (< 0: strikes closer than chance).
    p_value : float
        One-sided Monte Carlo p-value, ``(1 + #{null <= observed}) / (n_draws + 1)``;
        its smallest possible value is ``1 / (n_draws + 1)``.
    n_draws : int
        Number of null samples, each of ``n_strikes`` points.
    seed : int or None
        Seed of :func:`numpy.random.default_rng` used for the draws.
    null : {"border_band", "events"}
        ``border_band``: points uniform on land within ``band_km`` of the
        Thai–Cambodian border; ``events``: the strikes' labels shuffled among
        the candidate events (drawn without replacement within a draw).
    band_km : float or None
        Band half-width for the ``border_band`` null.
    n_strikes : int
        Strikes used (with coordinates, and inside the band for ``border_band``).
    n_excluded : int
        Strikes left out (no coordinates, or outside the band).
    n_hubs : int
        Hubs measured to.
    n_candidates : int or None
        Candidate events of the ``events`` null.
    small_sample_warning : str or None
        Set when ``n_strikes < 20``.
    strike_distances_km : pandas.Series
        Each used strike's distance to its nearest hub (indexed like ``strikes``).
    null_statistics_km : numpy.ndarray
        The ``n_draws`` null summaries.
    notes : list of str
    """

    statistic: str
    observed_km: float
    null_median_km: float
    null_interval_km: tuple[float, float]
    ratio: float
    difference_km: float
    p_value: float
    n_draws: int
    seed: int | None
    null: str
    band_km: float | None
    n_strikes: int
    n_excluded: int
    n_hubs: int
    n_candidates: int | None
    small_sample_warning: str | None
    strike_distances_km: pd.Series
    null_statistics_km: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """The result as a one-row tidy frame."""
        lo, hi = self.null_interval_km
        return pd.DataFrame(
            [
                {
                    "null": self.null,
                    "statistic": self.statistic,
                    "observed_km": self.observed_km,
                    "null_median_km": self.null_median_km,
                    "null_low_km": lo,
                    "null_high_km": hi,
                    "ratio": self.ratio,
                    "difference_km": self.difference_km,
                    "p_value": self.p_value,
                    "n_strikes": self.n_strikes,
                    "n_excluded": self.n_excluded,
                    "n_hubs": self.n_hubs,
                    "n_draws": self.n_draws,
                    "seed": self.seed,
                    "band_km": self.band_km,
                }
            ]
        )

    def summary(self) -> str:
        """The result in words."""
        lo, hi = self.null_interval_km
        null = (
            f"points uniform on land within {self.band_km:g} km of the THA–KHM border"
            if self.null == "border_band"
            else f"random relabelling of {self.n_candidates} events"
        )
        text = (
            f"{self.statistic} distance of {self.n_strikes} strikes to the nearest of {self.n_hubs} hubs: "
            f"{self.observed_km:.1f} km vs {self.null_median_km:.1f} km under the null ({null}; "
            f"95% of draws {lo:.1f}–{hi:.1f} km); ratio {self.ratio:.2f}, difference "
            f"{self.difference_km:+.1f} km; Monte Carlo {fmt_p(self.p_value)} "
            f"({self.n_draws} draws, seed {self.seed})."
        )
        extra = [self.small_sample_warning] if self.small_sample_warning else []
        return "\n".join([text, *extra, *self.notes])

    def __repr__(self) -> str:
        return (
            f"HubTestResult(null={self.null!r}, statistic={self.statistic!r}, "
            f"observed_km={self.observed_km:.3g}, null_median_km={self.null_median_km:.3g}, "
            f"p_value={self.p_value:.3g}, n_strikes={self.n_strikes}, n_draws={self.n_draws}, seed={self.seed})"
        )


def hub_targeting_test(
    strikes: pd.DataFrame,
    hubs: pd.DataFrame,
    *,
    null: str = "border_band",
    band_km: float = 30,
    candidates: pd.DataFrame | None = None,
    n_draws: int = 999,
    seed: int | None = DEFAULT_SEED,
    statistic: str = "median",
) -> HubTestResult:
    """Test whether strikes fell closer to casino hubs than chance would place them.

    The distance from each strike to its nearest hub
    (:func:`scamgeo.geo.nearest_site`, geodesic km) is summarised by its
    median (or mean) and compared with the same summary for ``n_draws``
    samples of as many points drawn from a null:

    - ``"border_band"``: points uniform on the ground, on the land of
      Thailand or Cambodia, within ``band_km`` of their border (see
      :func:`border_band_sample`). Strikes farther than ``band_km`` from the
      border are left out, as the null cannot place a point there.
    - ``"events"``: the strikes' locations replaced by a random subset of the
      ``candidates`` (typically all events, strikes included), drawn without
      replacement within each draw: a random-labelling test conditional on
      where fighting happened at all.

    All draws are made as one array (``n_draws × n_strikes``).

    Parameters
    ----------
    strikes : GeoDataFrame or DataFrame with latitude/longitude
        The strikes (e.g. air strikes and shelling), WGS84.
    hubs : GeoDataFrame
        The hubs, with ``site_id`` (column or index), e.g.
        ``scamgeo.datasets.sites(kind="casino_hub")``.
    null : {"border_band", "events"}
    band_km : float
        Band half-width of the ``border_band`` null (> 0).
    candidates : GeoDataFrame or DataFrame, optional
        Locations of the ``events`` null (required for it).
    n_draws : int
        Number of null samples (>= 1; 999 or 9999 usual).
    seed : int, optional
        Seed of the draws (default :data:`DEFAULT_SEED`); None for fresh entropy.
    statistic : {"median", "mean"}

    Returns
    -------
    HubTestResult
        ``.p_value``, ``.observed_km``, ``.null_median_km``,
        ``.null_interval_km``, ``.ratio``, ``.difference_km``, ``.n_draws``,
        ``.seed``, ``.n_strikes``, ``.small_sample_warning``, ``.summary()``.

    Raises
    ------
    ParameterError
        Unknown ``null``/``statistic``, ``band_km`` <= 0, ``n_draws`` < 1,
        ``candidates`` missing for the ``events`` null or smaller than the
        strikes, or no strike left to test.
    SchemaError
        Empty ``strikes``/``hubs`` or frames without coordinates.

    Notes
    -----
    Hub coordinates in the curated sites table are mostly town points
    (``location_precision`` 3), and many events are placed at a district or
    province point: distances below a few km carry that error. The
    ``border_band`` null ignores that fighting concentrates at a few
    contested sections of the border; the ``events`` null does not, and is
    the stricter comparison.
    """
    check_choice(null, _NULLS, name="null")
    check_choice(statistic, _STATISTICS, name="statistic")
    band_km = check_positive(band_km, name="band_km")
    n_draws = check_int(n_draws, name="n_draws", minimum=1)
    strikes = as_frame(strikes, name="strikes")
    hubs = as_frame(hubs, name="hubs")
    if len(strikes) == 0:
        raise SchemaError(
            "strikes is empty: the test needs at least one strike with coordinates.",
            source="strikes",
        )
    if len(hubs) == 0:
        raise SchemaError(
            "hubs is empty: pass the casino hubs, e.g. scamgeo.datasets.sites(kind='casino_hub').",
            source="hubs",
        )
    if null == "events" and candidates is None:
        raise ParameterError(
            "null='events' needs candidates=: the locations the strikes could have fallen on "
            "(typically every event, strikes included)."
        )
    hub_ok = has_location(hubs, name="hubs")
    if not hub_ok.any():
        raise SchemaError("hubs: no hub has coordinates.", source="hubs")
    hubs = hubs[hub_ok]
    notes: list[str] = []
    ok = has_location(strikes, name="strikes")
    n_excluded = int((~ok).sum())
    if n_excluded:
        notes.append(f"{n_excluded} strike(s) without coordinates left out")
    used = strikes[ok]
    if len(used) and null == "border_band":
        from .. import geo

        inside = (geo.distance_to_border_km(used) <= band_km).to_numpy()
        if not inside.all():
            k = int((~inside).sum())
            notes.append(
                f"{k} strike(s) farther than band_km={band_km:g} km from the border left out "
                "(the border_band null cannot place points there)"
            )
            n_excluded += k
            used = used[inside]
    n = len(used)
    if n == 0:
        raise ParameterError(
            "hub_targeting_test: no strike is left to test (see the coordinates and band_km)."
        )
    observed_d = pd.Series(nearest_km(used, hubs), index=used.index, name="nearest_hub_km")
    summarise = np.median if statistic == "median" else np.mean
    observed = float(summarise(observed_d.to_numpy()))
    rng = np.random.default_rng(seed)
    n_candidates = None
    if null == "border_band":
        region = _band_region(band_km)
        total = n * n_draws
        dist = np.empty(total)
        for lo in range(0, total, _CHUNK):
            hi = min(total, lo + _CHUNK)
            pts = _to_lonlat(_sample_in(region, hi - lo, rng))
            dist[lo:hi] = nearest_km(pts, hubs)
        draws = dist.reshape(n_draws, n)
    else:
        cand = as_frame(candidates, name="candidates")
        cok = has_location(cand, name="candidates")
        cand = cand[cok]
        n_candidates = len(cand)
        if n_candidates < n:
            raise ParameterError(
                f"candidates has {n_candidates} located event(s) but there are {n} strikes; the events null "
                "draws the strikes among the candidates, so it needs at least as many."
            )
        cand_d = nearest_km(cand, hubs)
        if n_candidates == n:
            notes.append(
                "candidates are exactly as many as the strikes: every draw is the same set; "
                "pass all events as candidates"
            )
        # n smallest of a random key per candidate = a random subset without replacement, per row
        keys = rng.random((n_draws, n_candidates))
        idx = (
            np.argpartition(keys, n - 1, axis=1)[:, :n]
            if n < n_candidates
            else np.argsort(keys, axis=1)
        )
        draws = cand_d[idx]
    null_stats = summarise(draws, axis=1)
    p = float((1 + np.sum(null_stats <= observed)) / (n_draws + 1))
    null_median = float(np.median(null_stats))
    lo_q, hi_q = (float(v) for v in np.quantile(null_stats, [0.025, 0.975]))
    warning = None
    if n < 20:
        warning = (
            f"Only {n} strike(s): the test has little power, the {statistic} distance moves a lot with "
            "one strike, and coordinate error (town or province points) matters; read the p-value "
            "as indicative."
        )
        logger.warning("hub_targeting_test: %s", warning)
    return HubTestResult(
        statistic=statistic,
        observed_km=observed,
        null_median_km=null_median,
        null_interval_km=(lo_q, hi_q),
        ratio=observed / null_median if null_median > 0 else np.nan,
        difference_km=observed - null_median,
        p_value=p,
        n_draws=n_draws,
        seed=seed,
        null=null,
        band_km=band_km if null == "border_band" else None,
        n_strikes=n,
        n_excluded=n_excluded,
        n_hubs=len(hubs),
        n_candidates=n_candidates,
        small_sample_warning=warning,
        strike_distances_km=observed_d,
        null_statistics_km=null_stats,
        notes=notes,
    )


# --- distance decay -------------------------------------------------------------------------


@dataclass(repr=False)
class DecayResult:
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

    discs = []
    for km in edges:
        if km == 0:
            discs.append(None)
            continue
        disc = _union_equal_area(geo.buffer_km(source, km=float(km)))
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
) -> DecayResult:
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
    """
    import statsmodels.api as sm

    check_choice(from_, ["border", "hubs"], name="from_")
    check_choice(area, ["band", "ring"], name="area")
    if border_band_km is not None:
        border_band_km = check_positive(border_band_km, name="border_band_km")
        if area != "band":
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
    events = as_frame(events, name="events")
    if len(events) == 0:
        raise SchemaError(
            "events is empty: distance_decay needs events with coordinates.", source="events"
        )
    if from_ == "hubs":
        if hubs is None:
            raise ParameterError(
                "from_='hubs' needs hubs=, e.g. scamgeo.datasets.sites(kind='casino_hub')."
            )
        hubs = as_frame(hubs, name="hubs")
        if len(hubs) == 0:
            raise SchemaError("hubs is empty.", source="hubs")
    from .. import datasets, geo

    ok = has_location(events, name="events")
    notes: list[str] = []
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
    n_missing = int((~ok).sum())
    used = events[ok]
    if len(used) == 0:
        raise ParameterError(
            "distance_decay: no event has coordinates (in THA/KHM for area='band')."
        )
    n_outside_band = 0
    if border_band_km is not None:
        near = (geo.distance_to_border_km(used) <= border_band_km).to_numpy()
        n_outside_band = int((~near).sum())
        if n_outside_band:
            notes.append(
                f"{n_outside_band} event(s) farther than border_band_km={border_band_km:g} km left out"
            )
        used = used[near]
        if len(used) == 0:
            raise ParameterError(
                f"distance_decay: no event lies within border_band_km={border_band_km:g} km."
            )
    if from_ == "border":
        source = datasets.border("THA", "KHM")
        d = geo.distance_to_border_km(used).to_numpy(dtype=float)
    else:
        source = hubs[has_location(hubs, name="hubs")]
        d = nearest_km(used, hubs)
    pos = np.searchsorted(edges, d, side="right") - 1
    pos[d == edges[-1]] = len(edges) - 2
    inside = (pos >= 0) & (pos < len(edges) - 1)
    n_beyond = int((d > edges[-1]).sum())
    if n_beyond:
        notes.append(f"{n_beyond} event(s) beyond {edges[-1]:g} km left out")
    counts = np.bincount(pos[inside], minlength=len(edges) - 1).astype(float)
    if counts.sum() == 0:
        raise ParameterError(f"distance_decay: no event lies within {edges[0]:g}–{edges[-1]:g} km.")
    if border_band_km is not None:
        land = _band_region(border_band_km)
    else:
        land = _land_equal_area() if area == "band" else None
    areas = _band_areas(source, edges, land=land)
    mid = (edges[:-1] + edges[1:]) / 2
    usable = areas > 0
    if not usable.all():
        notes.append(f"{int((~usable).sum())} band(s) with no area left out of the fit")
    if usable.sum() < 3:
        raise ParameterError("distance_decay: fewer than 3 bands have an area; widen bands_km.")
    X = pd.DataFrame({"const": 1.0, "distance_km": mid[usable]})
    y = counts[usable]
    offset = np.log(areas[usable])
    model = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset)
    first = capture_warnings(lambda: model.fit(), notes, what="poisson decay")
    df_resid = max(int(first.df_resid), 1)
    dispersion = float(first.pearson_chi2 / df_resid)
    res = capture_warnings(
        lambda: model.fit(scale=max(1.0, dispersion)), notes, what="poisson decay"
    )
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
    fitted = np.full(len(mid), np.nan)
    fitted[usable] = np.asarray(res.predict(X, offset=offset))
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
        p_value=float(res.pvalues["distance_km"]),
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
