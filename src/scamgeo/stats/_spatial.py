"""Spatial test: were casino hubs struck more than chance would place strikes?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import config
from .._errors import ParameterError, SchemaError
from .._inputs import has_location
from .._result import Result
from .._validate import check_choice, check_positive
from ._common import as_frame, check_int, fmt_p, logger, nearest_km, resolve_seed
from ._regions import band_region

if TYPE_CHECKING:
    import geopandas as gpd

    from ._uncertainty import LocationUncertaintyResult

__all__ = [
    "DEFAULT_SEED",
    "HubTestResult",
    "border_band_sample",
    "hub_targeting_test",
]

#: Default seed of the Monte Carlo draws (the first day of the July war), so runs repeat exactly.
DEFAULT_SEED = config.DEFAULT_SEED

_STATISTICS = ("median", "mean")
#: Largest number of null points measured in one call of scamgeo.geo.nearest_site.
_CHUNK = 400_000


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

    Examples
    --------
    >>> from scamgeo import geo, stats
    >>> points = stats.border_band_sample(5, band_km=30, seed=1)
    >>> len(points), bool((geo.distance_to_border_km(points) <= 30).all())
    (5, True)
    """
    import geopandas as gpd

    n = check_int(n, name="n", minimum=1)
    band_km = check_positive(band_km, name="band_km")
    xy = _sample_in(band_region(band_km), n, np.random.default_rng(seed))
    pts = _to_lonlat(xy)
    return gpd.GeoDataFrame(
        {"longitude": pts.x.to_numpy(), "latitude": pts.y.to_numpy()},
        geometry=pts.to_numpy(),
        crs=config.GEOGRAPHIC_CRS,
    )


# --- hub targeting test -------------------------------------------------------------------


@dataclass(repr=False)
class HubTestResult(Result):
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
        One-sided Monte Carlo p-value, ``(1 + #{null <= observed}) / (permutations + 1)``;
        its smallest possible value is ``1 / (permutations + 1)``.
    permutations : int
        Number of null samples, each of ``n_strikes`` points.
    seed : int
        Seed of :func:`numpy.random.default_rng` used for the draws (drawn
        from the OS and recorded when None was given).
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
        The ``permutations`` null summaries.
    notes : list of str
    """

    statistic: str
    observed_km: float
    null_median_km: float
    null_interval_km: tuple[float, float]
    ratio: float
    difference_km: float
    p_value: float
    permutations: int
    seed: int
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
                    "permutations": self.permutations,
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
            f"({self.permutations} draws, seed {self.seed})."
        )
        extra = [self.small_sample_warning] if self.small_sample_warning else []
        return "\n".join([text, *extra, *self.notes])

    def __repr__(self) -> str:
        return (
            f"HubTestResult(null={self.null!r}, statistic={self.statistic!r}, "
            f"observed_km={self.observed_km:.3g}, null_median_km={self.null_median_km:.3g}, "
            f"p_value={self.p_value:.3g}, n_strikes={self.n_strikes}, permutations={self.permutations}, seed={self.seed})"
        )


def hub_targeting_test(
    strikes: pd.DataFrame,
    hubs: pd.DataFrame,
    *,
    null: str | pd.DataFrame = "border_band",
    band_km: float = 30,
    permutations: int = 999,
    seed: int | None = DEFAULT_SEED,
    statistic: str = "median",
    replicates: int = 0,
) -> HubTestResult | LocationUncertaintyResult:
    """Test whether strikes fell closer to casino hubs than chance would place them.

    The distance from each strike to its nearest hub
    (:func:`scamgeo.geo.nearest_site`, geodesic km) is summarised by its
    median (or mean) and compared with the same summary for ``permutations``
    samples of as many points drawn from a null:

    - ``"border_band"``: points uniform on the ground, on the land of
      Thailand or Cambodia, within ``band_km`` of their border (see
      :func:`border_band_sample`). Strikes farther than ``band_km`` from the
      border are left out, as the null cannot place a point there.
    - a frame of candidate locations (typically all events, strikes
      included), the ``"events"`` null: the strikes' locations replaced by a
      random subset of the candidates, drawn without replacement within each
      draw: a random-labelling test conditional on where fighting happened at all.

    All draws are made as one array (``permutations × n_strikes``).

    Parameters
    ----------
    strikes : GeoDataFrame or DataFrame with latitude/longitude
        The strikes (e.g. air strikes and shelling), WGS84.
    hubs : GeoDataFrame
        The hubs, with ``site_id`` (column or index), e.g.
        ``scamgeo.datasets.sites(kind="casino_hub")``.
    null : "border_band" or GeoDataFrame
        ``"border_band"``, or the candidate locations of the ``events`` null.
    band_km : float
        Band half-width of the ``border_band`` null (> 0).
    permutations : int
        Number of null samples (>= 1; 999 or 9999 usual).
    seed : int, optional
        Seed of the draws (default :data:`DEFAULT_SEED`); None for fresh entropy.
    statistic : {"median", "mean"}
    replicates : int
        When > 0, also rerun the test this many times with every strike,
        candidate and hub redrawn uniformly within its own ``uncertainty_m``
        (or the radius of its ``geo_precision``: 1 -> 2 km, 2 -> 25 km, 3 ->
        50 km); the strikes tested are those tested at the recorded points in
        every redraw. Returns a :class:`~scamgeo.stats.LocationUncertaintyResult`.

    Returns
    -------
    HubTestResult
        ``.p_value``, ``.observed_km``, ``.null_median_km``,
        ``.null_interval_km``, ``.ratio``, ``.difference_km``, ``.permutations``,
        ``.seed``, ``.n_strikes``, ``.small_sample_warning``, ``.summary()``.
        With ``replicates``: a ``LocationUncertaintyResult`` with
        ``.p_values`` (one per redraw), ``.recorded`` (this result at the
        recorded points) and their median and range in ``.summary()``.

    Raises
    ------
    ParameterError
        Unknown ``null``/``statistic``, ``band_km`` <= 0, ``permutations`` < 1,
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

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> hubs = datasets.sites(kind="casino_hub")
    >>> test = stats.hub_targeting_test(datasets.events(), hubs, permutations=199, seed=1)
    >>> test.n_hubs, test.permutations, round(float(test.observed_km), 1), test.p_value
    (7, 199, 63.4, 1.0)
    """
    candidates = null if isinstance(null, pd.DataFrame) else None
    if candidates is None and null == "events":
        raise ParameterError(
            "null='events' needs candidates: pass the candidate locations themselves as null= "
            "(typically every event, strikes included)."
        )
    null = "events" if candidates is not None else null
    if not isinstance(null, str) or null not in ("border_band", "events"):
        raise ParameterError(
            f"null={null!r} is not allowed: pass 'border_band', or a frame of the candidate "
            "locations for the events null (typically every event, strikes included)."
        )
    check_choice(statistic, _STATISTICS, name="statistic")
    band_km = check_positive(band_km, name="band_km")
    permutations = check_int(permutations, name="permutations", minimum=1)
    seed = resolve_seed(seed)
    used, hubs, n_excluded, notes = _hub_inputs(strikes, hubs, null, band_km, candidates)
    if check_int(replicates, name="replicates", minimum=0) > 0:
        from ._uncertainty import hub_test_under_uncertainty

        # the strikes tested at the recorded points are the strikes tested in every redraw
        return hub_test_under_uncertainty(
            _hub_test, used, hubs, candidates=candidates, seed=seed, replicates=replicates,
            band_km=band_km, permutations=permutations, statistic=statistic,
            excluded=(n_excluded, notes),
        )  # fmt: skip
    return _hub_test(used, hubs, candidates=candidates, band_km=band_km,
                     permutations=permutations, seed=seed, statistic=statistic,
                     excluded=(n_excluded, notes))  # fmt: skip


def _hub_inputs(
    strikes: Any, hubs: Any, null: str, band_km: float, candidates: Any
) -> tuple[pd.DataFrame, pd.DataFrame, int, list[str]]:
    """(strikes tested, located hubs, strikes left out, notes), or an error saying what is wrong."""
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
    hub_ok = has_location(hubs, name="hubs")
    if not hub_ok.any():
        raise SchemaError("hubs: no hub has coordinates.", source="hubs")
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
    if len(used) == 0:
        raise ParameterError(
            "hub_targeting_test: no strike is left to test (see the coordinates and band_km)."
        )
    return used, hubs[hub_ok], n_excluded, notes


def _null_draws(
    n: int, hubs: Any, *, null: str, band_km: float, candidates: Any, permutations: int,
    rng: np.random.Generator, notes: list[str],
) -> tuple[np.ndarray, int | None]:  # fmt: skip
    """(permutations × n) null distances to the nearest hub, and the number of candidates."""
    if null == "border_band":
        region = band_region(band_km)
        total = n * permutations
        dist = np.empty(total)
        for lo in range(0, total, _CHUNK):
            hi = min(total, lo + _CHUNK)
            dist[lo:hi] = nearest_km(_to_lonlat(_sample_in(region, hi - lo, rng)), hubs)
        return dist.reshape(permutations, n), None
    cand = as_frame(candidates, name="candidates")
    cand = cand[has_location(cand, name="candidates")]
    n_candidates = len(cand)
    if n_candidates < n:
        raise ParameterError(
            f"candidates has {n_candidates} located event(s) but there are {n} strikes; the "
            "events null draws the strikes among the candidates, so it needs at least as many."
        )
    cand_d = nearest_km(cand, hubs)
    if n_candidates == n:
        notes.append(
            "candidates are exactly as many as the strikes: every draw is the same set; "
            "pass all events as candidates"
        )
    # n smallest of a random key per candidate = a random subset without replacement, per row
    keys = rng.random((permutations, n_candidates))
    idx = np.argpartition(keys, n - 1, axis=1)[:, :n] if n < n_candidates else np.argsort(keys, 1)
    return cand_d[idx], n_candidates


def _hub_test(
    used: pd.DataFrame,
    hubs: pd.DataFrame,
    *,
    candidates: Any,
    band_km: float,
    permutations: int,
    seed: int,
    statistic: str,
    excluded: tuple[int, list[str]],
) -> HubTestResult:
    """The test on strikes and hubs already checked (and, for border_band, inside the band);
    the ``events`` null when ``candidates`` are given."""
    null = "border_band" if candidates is None else "events"
    n_excluded, notes = excluded[0], list(excluded[1])
    n = len(used)
    observed_d = pd.Series(nearest_km(used, hubs), index=used.index, name="nearest_hub_km")
    summarise = np.median if statistic == "median" else np.mean
    observed = float(summarise(observed_d.to_numpy()))
    draws, n_candidates = _null_draws(
        n, hubs, null=null, band_km=band_km, candidates=candidates, permutations=permutations,
        rng=np.random.default_rng(seed), notes=notes,
    )  # fmt: skip
    null_stats = summarise(draws, axis=1)
    p = float((1 + np.sum(null_stats <= observed)) / (permutations + 1))
    null_median = float(np.median(null_stats))
    lo_q, hi_q = (float(v) for v in np.quantile(null_stats, [0.025, 0.975]))
    warning = None
    if n < 20:
        warning = (
            f"Only {n} strike(s): the test has little power, the {statistic} distance moves a lot "
            "with one strike, and coordinate error (town or province points) matters; read the "
            "p-value as indicative."
        )
        logger.warning("hub_targeting_test: %s", warning)
    return HubTestResult(
        statistic=statistic, observed_km=observed, null_median_km=null_median,
        null_interval_km=(lo_q, hi_q), ratio=observed / null_median if null_median > 0 else np.nan,
        difference_km=observed - null_median, p_value=p, permutations=permutations, seed=seed,
        null=null, band_km=band_km if null == "border_band" else None, n_strikes=n,
        n_excluded=n_excluded, n_hubs=len(hubs), n_candidates=n_candidates,
        small_sample_warning=warning, strike_distances_km=observed_d,
        null_statistics_km=null_stats, notes=notes,
    )  # fmt: skip
