"""Location uncertainty: rerun a spatial test with every event redrawn within its error radius."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._inputs import PRECISION_UNCERTAINTY_M, uncertainty_radius_m
from .._result import Result
from ._common import as_frame, check_int, fmt_p, logger, resolve_seed

__all__ = [
    "UNCERTAINTY_BY_PRECISION",
    "LocationUncertaintyResult",
    "jitter_locations",
    "uncertainty_radius_m",
]

#: Radius (m) of the location error assumed from ``geo_precision`` (the core rule's table).
UNCERTAINTY_BY_PRECISION = {k: float(v) for k, v in PRECISION_UNCERTAINTY_M.items()}


def jitter_locations(frame: pd.DataFrame, radius_m: np.ndarray, rng: np.random.Generator) -> Any:
    """A copy of ``frame`` with each point redrawn uniformly in the disc of its radius.

    Drawn in :data:`scamgeo.config.METRIC_CRS` (UTM 48N); returned as a
    GeoDataFrame in EPSG:4326 with ``latitude``/``longitude`` updated. Rows
    without a point stay without one.
    """
    import geopandas as gpd
    import shapely

    from .. import config, geo
    from .._inputs import has_location

    ok = has_location(frame, name="frame")
    out = gpd.GeoDataFrame(frame.copy(), geometry=geo.to_metric(frame).geometry.to_numpy())
    out = out.set_crs(config.METRIC_CRS, allow_override=True)
    geoms = out.geometry.to_numpy()
    x, y = shapely.get_x(geoms), shapely.get_y(geoms)
    k = int(ok.sum())
    r = radius_m[ok] * np.sqrt(rng.random(k))
    theta = rng.random(k) * 2.0 * np.pi
    x[ok] = x[ok] + r * np.cos(theta)
    y[ok] = y[ok] + r * np.sin(theta)
    pts = np.asarray(geoms, dtype=object).copy()
    pts[ok] = shapely.points(x[ok], y[ok])
    moved = gpd.GeoSeries(pts, index=out.index, crs=config.METRIC_CRS).to_crs(config.GEOGRAPHIC_CRS)
    out = out.set_geometry(moved.to_numpy(), crs=config.GEOGRAPHIC_CRS)
    if "longitude" in out.columns:
        out.loc[ok, "longitude"] = moved.x.to_numpy()[ok]
        out.loc[ok, "latitude"] = moved.y.to_numpy()[ok]
    return out


@dataclass(repr=False)
class LocationUncertaintyResult(Result):
    """A spatial test rerun with the events redrawn within their location error.

    In each of ``replicates`` redraws every event is moved to a point drawn
    uniformly within the disc of its ``uncertainty_m`` (or the radius of its
    ``geo_precision``) around its recorded point, and the test is rerun; the
    spread of the p-values shows how much of the answer rests on exact
    coordinates that the record does not have.

    Attributes
    ----------
    test : str
        Name of the test (``"hub_targeting_test"``, ``"distance_decay"``).
    recorded : object
        The test's result at the recorded points (attributes not found on
        this object are looked up there, e.g. ``.p_value``).
    p_values : numpy.ndarray
        The p-value of each redraw.
    estimates : numpy.ndarray
        The test's estimate in each redraw (``estimate_name``).
    estimate_name : str
    replicates : int
    seed : int
        Seed of the redraws (each replicate's test gets its own seed from it;
        drawn from the OS and recorded when None was given).
    radius_m : numpy.ndarray
        The radius used for each event (m).
    table : pandas.DataFrame
        One row per redraw: ``replicate``, ``p_value``, the estimate, ``seed``.
    notes : list of str
        Where the radii came from (the test's own notes are on ``recorded``).
    """

    test: str
    recorded: Any
    p_values: np.ndarray
    estimates: np.ndarray
    estimate_name: str
    replicates: int
    seed: int
    radius_m: np.ndarray
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def p_value_recorded(self) -> float:
        """The p-value at the recorded points."""
        return float(self.recorded.p_value)

    @property
    def p_value_median(self) -> float:
        """Median p-value over the redraws."""
        return float(np.median(self.p_values))

    @property
    def p_value_range(self) -> tuple[float, float]:
        """Smallest and largest p-value over the redraws."""
        return float(np.min(self.p_values)), float(np.max(self.p_values))

    def summary(self) -> str:
        """The recorded result, then its p-value median and range under location uncertainty."""
        lo, hi = self.p_value_range
        share = float(np.mean(self.p_values < 0.05))
        est = self.estimates
        text = (
            f"At the recorded points {fmt_p(self.p_value_recorded)}; under location uncertainty "
            f"({self.replicates} redraws of every point within its own error radius, seed "
            f"{self.seed}): p-value median {self.p_value_median:.3f}, range {lo:.3f}–{hi:.3f} "
            f"({share:.0%} of redraws below 0.05); {self.estimate_name} median "
            f"{np.median(est):.3g}, range {np.min(est):.3g}–{np.max(est):.3g}."
        )
        return "\n".join([self.recorded.summary(), text, *self.notes])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, with the result at the recorded points."""
        out = super().to_dict()
        out["recorded"] = self.recorded.to_dict()
        out["p_value_recorded"] = self.p_value_recorded
        return out

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "recorded":
            raise AttributeError(name)
        return getattr(self.recorded, name)

    def __repr__(self) -> str:
        lo, hi = self.p_value_range
        return (
            f"LocationUncertaintyResult(test={self.test!r}, replicates={self.replicates}, "
            f"p_value_median={self.p_value_median:.3g}, p_value_range=({lo:.3g}, {hi:.3g}), "
            f"seed={self.seed})"
        )


def _shared_draw(
    frames: dict[str, pd.DataFrame], rng: np.random.Generator, radii: dict[str, np.ndarray]
) -> dict[str, Any]:
    """Jitter every frame; rows of different frames with the same ``event_id`` move together."""
    out: dict[str, Any] = {}
    moved: dict[str, tuple[float, float]] = {}
    for name, frame in frames.items():
        jittered = jitter_locations(frame, radii[name], rng)
        if "event_id" in frame.columns and moved:
            ids = frame["event_id"].astype("string").to_numpy()
            same = np.array([i in moved for i in ids], dtype=bool)
            if same.any():
                import shapely

                lonlat = np.array([moved[i] for i in ids[same]])
                geoms = jittered.geometry.to_numpy().copy()
                geoms[same] = shapely.points(lonlat[:, 0], lonlat[:, 1])
                jittered = jittered.set_geometry(geoms, crs=jittered.crs)
                if "longitude" in jittered.columns:
                    jittered.loc[same, "longitude"] = lonlat[:, 0]
                    jittered.loc[same, "latitude"] = lonlat[:, 1]
        if "event_id" in frame.columns:
            import shapely

            g = jittered.geometry.to_numpy()
            ok = ~shapely.is_missing(g) & ~shapely.is_empty(g)
            for i, pt in zip(frame["event_id"].astype("string").to_numpy()[ok], g[ok], strict=True):
                moved.setdefault(i, (shapely.get_x(pt), shapely.get_y(pt)))
        out[name] = jittered
    return out


def run_under_uncertainty(
    *,
    name: str,
    points: dict[str, Any],
    estimate: str,
    replicates: int,
    seed: int | None,
    call: Callable[[dict[str, Any], int | None], Any],
) -> LocationUncertaintyResult:
    """Run ``call`` at the recorded points and on ``replicates`` jittered copies of ``points``.

    ``points`` maps argument names to the frames whose locations are
    uncertain (frames may be None: left as they are). ``call(frames, seed)``
    runs the test on one set of frames with the given seed.
    """
    replicates = check_int(replicates, name="replicates", minimum=1)
    seed = resolve_seed(seed)
    frames = {k: as_frame(v, name=k) for k, v in points.items() if v is not None}
    radii: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for key, frame in frames.items():
        r, n = uncertainty_radius_m(frame)
        radii[key] = r
        notes.extend(f"{key}: {t}" for t in n)
    recorded = call(dict(points), seed)
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**31 - 1, size=replicates)
    p_values = np.empty(replicates)
    estimates = np.empty(replicates)
    for rep in range(replicates):
        drawn = dict(points)
        drawn.update(_shared_draw(frames, rng, radii))
        res = call(drawn, int(seeds[rep]))
        p_values[rep] = float(res.p_value)
        estimates[rep] = float(getattr(res, estimate))
    logger.info("%s: %d location-uncertainty redraws done", name, replicates)
    table = pd.DataFrame(
        {
            "replicate": np.arange(1, replicates + 1),
            "p_value": p_values,
            estimate: estimates,
            "seed": seeds,
        }
    )
    first: str | None = next(iter(frames), None)
    return LocationUncertaintyResult(
        test=name,
        recorded=recorded,
        p_values=p_values,
        estimates=estimates,
        estimate_name=estimate,
        replicates=replicates,
        seed=seed,
        radius_m=radii[first] if first is not None else np.empty(0),
        table=table,
        notes=notes,
    )


def hub_test_under_uncertainty(
    test: Callable[..., Any],
    strikes: Any,
    hubs: Any,
    *,
    candidates: Any,
    seed: int | None,
    replicates: int,
    **options: Any,
) -> LocationUncertaintyResult:
    """:func:`hub_targeting_test` with strikes, candidates and hubs redrawn within their error.

    A strike that is also a candidate (same ``event_id``) is moved to the
    same point in both; each hub moves within its own ``uncertainty_m``. The
    strikes are those the test kept at the recorded points (the caller
    selects them once), so every redraw tests the same number of strikes.
    """

    def call(frames: dict[str, Any], s: int | None) -> Any:
        return test(frames["strikes"], frames["hubs"], candidates=frames["candidates"], seed=s,
                    **options)  # fmt: skip

    return run_under_uncertainty(
        name="hub_targeting_test",
        points={"strikes": strikes, "candidates": candidates, "hubs": hubs},
        estimate="observed_km",
        replicates=replicates,
        seed=seed,
        call=call,
    )


def decay_under_uncertainty(
    test: Callable[..., Any],
    events: Any,
    *,
    seed: int | None,
    replicates: int,
    **options: Any,
) -> LocationUncertaintyResult:
    """:func:`distance_decay` with the events redrawn within their error (hubs as recorded)."""

    def call(frames: dict[str, Any], s: int | None) -> Any:
        return test(frames["events"], **options)

    return run_under_uncertainty(
        name="distance_decay",
        points={"events": events},
        estimate="rate_per_km",
        replicates=replicates,
        seed=seed,
        call=call,
    )


def sensitivity_under_uncertainty(
    test: Callable[..., pd.DataFrame],
    events: Any,
    *,
    seed: int | None,
    replicates: int,
    **options: Any,
) -> pd.DataFrame:
    """:func:`precision_sensitivity` with, per estimate and variant, its spread over redraws.

    Adds ``value_median``, ``value_low`` and ``value_high`` (2.5% and 97.5%
    quantiles over the redraws) to the table at the recorded points; the
    notes on the radii are in ``.attrs["notes"]``.
    """
    replicates = check_int(replicates, name="replicates", minimum=1)
    seed = resolve_seed(seed)
    events = as_frame(events, name="events")
    radius, notes = uncertainty_radius_m(events)
    recorded = test(events, **options)
    rng = np.random.default_rng(seed)
    values = np.empty((replicates, len(recorded)))
    for rep in range(replicates):
        res = test(jitter_locations(events, radius, rng), **options)
        values[rep] = res["value"].to_numpy(dtype=float)
    out = recorded.copy()
    with np.errstate(all="ignore"):
        out["value_median"] = np.nanmedian(values, axis=0) if replicates else np.nan
        out["value_low"] = np.nanquantile(values, 0.025, axis=0)
        out["value_high"] = np.nanquantile(values, 0.975, axis=0)
    out.attrs["notes"] = [
        *notes,
        f"location uncertainty: {replicates} redraws of every event within its error radius "
        f"(seed {seed}); value_low/value_high are the 2.5% and 97.5% quantiles",
    ]
    return out
