"""Knox test: do events close in space also fall close in time (escalation spirals)?"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._validate import check_positive
from ._common import check_int, fmt_p, logger
from ._points import located_points

__all__ = ["KnoxResult", "knox_test"]

#: Distance thresholds (km) of the table, to which the test's own is added.
TABLE_DISTANCES_KM = (2.0, 5.0, 10.0, 25.0, 50.0)
#: Day thresholds of the table, to which the test's own is added.
TABLE_DAYS = (0, 1, 3, 7, 14)
#: Fewest located, dated events the test is run on.
MIN_EVENTS = 4
#: Permutations evaluated per numpy batch (bounds memory at batch × close pairs).
_BATCH = 64


@dataclass(repr=False)
class KnoxResult:
    """Knox space-time interaction test.

    A pair of events is *close in space* when they lie at most ``distance_km``
    apart and *close in time* when their dates differ by at most ``days``
    days. The statistic is the number of pairs close in both; under no
    space-time interaction it is about ``expected = NS · NT / pairs``
    (spatially close pairs times temporally close pairs over all pairs).

    Attributes
    ----------
    statistic : int
        Pairs close in both space and time (``NST``).
    expected : float
        Its expectation under independence of where and when.
    ratio : float
        ``statistic / expected`` (> 1: more space-time pairs than chance).
    p_value : float
        One-sided permutation p-value, ``(1 + #{null >= statistic}) / (permutations + 1)``:
        the dates are shuffled among the events, which keeps where and when
        fighting happened and breaks only their link.
    p_poisson : float
        One-sided Poisson approximation (pointpats), for reference only.
    distance_km, days : float, int
        Thresholds of the test.
    n_events : int
        Events used (located and dated).
    n_pairs, n_space_pairs, n_time_pairs : int
        All pairs, pairs close in space, pairs close in time.
    observed : numpy.ndarray
        2×2 table ``[[NST, NS − NST], [NT − NST, rest]]`` (pointpats layout).
    permutations : int
    seed : int or None
        Seed of :func:`numpy.random.default_rng` used (drawn from fresh entropy
        when none was given, so the run can be repeated).
    null_statistics : numpy.ndarray
        The statistic under each permutation (test thresholds).
    table : pandas.DataFrame
        One row per (``distance_km``, ``days``) of a grid of thresholds:
        ``observed``, ``expected``, ``ratio``, ``p_value`` (same permutations
        for every row) and ``is_test`` marking the pre-set thresholds.
    notes : list of str
        What was left out, the multiple-testing caveat of the table, and data caveats.
    """

    statistic: int
    expected: float
    ratio: float
    p_value: float
    p_poisson: float
    distance_km: float
    days: int
    n_events: int
    n_pairs: int
    n_space_pairs: int
    n_time_pairs: int
    observed: np.ndarray
    permutations: int
    seed: int | None
    null_statistics: np.ndarray
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The result in words."""
        if self.n_events < MIN_EVENTS:
            return "\n".join(
                [f"Knox test not run: {self.n_events} located, dated event(s).", *self.notes]
            )
        text = (
            f"Knox test on {self.n_events} events: {self.statistic} pairs within "
            f"{self.distance_km:g} km and {self.days} day(s) of each other vs {self.expected:.1f} "
            f"expected if where and when were unrelated (ratio {self.ratio:.2f}); permutation "
            f"{fmt_p(self.p_value)} ({self.permutations} permutations, seed {self.seed})."
        )
        return "\n".join([text, *self.notes])

    def __repr__(self) -> str:
        return (
            f"KnoxResult(statistic={self.statistic}, expected={self.expected:.3g}, "
            f"p_value={self.p_value:.3g}, distance_km={self.distance_km:g}, days={self.days}, "
            f"n_events={self.n_events}, permutations={self.permutations}, seed={self.seed})"
        )


def resolve_seed(seed: int | None) -> int:
    """``seed`` if given, else a fresh one from the OS, so the draw can be repeated."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    return check_int(seed, name="seed", minimum=0)


def _thresholds(values: Sequence[float] | None, default: Sequence[float], own: float, *, name: str):
    vals = list(default if values is None else values)
    try:
        arr = np.asarray([float(v) for v in [*vals, own]], dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={values!r} must be a sequence of numbers.") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ParameterError(f"{name}={values!r} must hold finite numbers >= 0.")
    return np.unique(arr)


def _pair_counts(di: np.ndarray, ti: np.ndarray, n_d: int, n_t: int) -> np.ndarray:
    """Pairs with distance bin <= a and time bin <= b, as an (n_d, n_t) array of counts."""
    inside = (di < n_d) & (ti < n_t)
    hist = np.bincount(di[inside] * n_t + ti[inside], minlength=n_d * n_t).reshape(n_d, n_t)
    return hist.cumsum(axis=0).cumsum(axis=1)


def _empty(distance_km, days, permutations, seed, notes, n) -> KnoxResult:
    return KnoxResult(
        statistic=0,
        expected=np.nan,
        ratio=np.nan,
        p_value=np.nan,
        p_poisson=np.nan,
        distance_km=distance_km,
        days=days,
        n_events=n,
        n_pairs=n * (n - 1) // 2,
        n_space_pairs=0,
        n_time_pairs=0,
        observed=np.full((2, 2), np.nan),
        permutations=permutations,
        seed=seed,
        null_statistics=np.empty(0),
        table=pd.DataFrame(
            columns=["distance_km", "days", "observed", "expected", "ratio", "p_value", "is_test"]
        ),
        notes=notes,
    )


def knox_test(
    events: pd.DataFrame,
    *,
    distance_km: float,
    days: int,
    permutations: int = 999,
    seed: int | None = None,
    table_distances_km: Sequence[float] | None = None,
    table_days: Sequence[int] | None = None,
) -> KnoxResult:
    """Knox test of space-time interaction with a permutation p-value.

    Counts the pairs of events that lie within ``distance_km`` of each other
    *and* within ``days`` days, and compares that count with its
    distribution when the dates are shuffled among the events (which keeps
    the map of fighting and its calendar, and breaks only their link). An
    excess means that fighting at a place tends to be followed by more
    fighting nearby soon after: escalation spirals, retaliation, or a
    campaign moving along the border.

    Distances are straight lines in :data:`scamgeo.config.METRIC_CRS` (UTM
    48N), within 0.1% of geodesic distances over the border region; dates
    are whole days (``event_date``).

    Parameters
    ----------
    events : GeoDataFrame or DataFrame with latitude/longitude
        Events (common event schema), with ``event_date``.
    distance_km : float
        Spatial threshold (> 0; pairs at most this far apart are close).
    days : int
        Temporal threshold (>= 0; pairs at most this many days apart are close).
    permutations : int
        Number of date shuffles (>= 1; 999 usual).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; None draws one from the OS
        and records it in the result.
    table_distances_km, table_days : sequence, optional
        Grid of thresholds for ``result.table`` (defaults
        :data:`TABLE_DISTANCES_KM` and :data:`TABLE_DAYS`); the test's own
        thresholds are always added.

    Returns
    -------
    KnoxResult
        ``.statistic``, ``.expected``, ``.p_value``, ``.table``, ``.notes``,
        ``.summary()``. Fewer than :data:`MIN_EVENTS` located, dated events
        give a result with NaN p-value and a note.

    Raises
    ------
    ParameterError
        Bad thresholds, permutations or seed.
    SchemaError
        ``events`` without ``event_date`` or with a bad date.

    Notes
    -----
    The statistic and its expectation come from :class:`pointpats.spacetime.Knox`.
    Its own permutation loop is in pure Python, one threshold at a time, and
    draws from numpy's global random state; the permutations here shuffle the
    dates with a seeded generator and evaluate every threshold of the table
    on the same shuffles, which gives the same test (the tests check the two
    agree).

    A front that moves (fighting in one sector in July, another in December)
    makes pairs close in space also close in time without any contagion
    between events: a small p-value says that where and when are linked,
    not why; compare the table's short thresholds (days) with the long ones.

    Many events of a conflict record are placed at a town or district point,
    so pairs closer than the location error (often 2–25 km) are partly an
    artefact of where places are named; pick ``distance_km`` above it. Events
    dated only to the week or month (``time_precision`` > 1) carry that error
    into ``days``.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> knox = stats.knox_test(
    ...     datasets.events(), distance_km=10, days=7, permutations=99, seed=1
    ... )
    >>> knox.n_events, int(knox.statistic), knox.p_value  # pairs close in space and time
    (216, 413, 0.03)
    """
    with warnings.catch_warnings():
        # pointpats imports esda, which imports tqdm.auto (warns in a kernel without ipywidgets)
        warnings.filterwarnings("ignore", message="IProgress not found")
        from pointpats.spacetime import Knox
    from scipy.spatial import cKDTree

    distance_km = check_positive(distance_km, name="distance_km")
    days = check_int(days, name="days", minimum=0)
    permutations = check_int(permutations, name="permutations", minimum=1)
    seed = resolve_seed(seed)
    d_grid = _thresholds(
        table_distances_km, TABLE_DISTANCES_KM, distance_km, name="table_distances_km"
    )
    d_grid = d_grid[d_grid > 0]
    t_grid = _thresholds(table_days, TABLE_DAYS, days, name="table_days")
    if np.any(t_grid != np.round(t_grid)):
        raise ParameterError(f"table_days={table_days!r} must hold whole numbers of days.")
    t_grid = t_grid.astype(np.int64)

    pts = located_points(events, name="events", dated=True, what="Knox test")
    notes = list(pts.notes)
    n = len(pts.xy)
    if n < MIN_EVENTS:
        notes.append(
            f"Knox test not run: it needs at least {MIN_EVENTS} located, dated events, got {n}."
        )
        logger.warning("knox_test: %s", notes[-1])
        return _empty(distance_km, days, permutations, seed, notes, n)
    if "time_precision" in pts.frame.columns:
        coarse = int((pd.to_numeric(pts.frame["time_precision"], errors="coerce") > 1).sum())
        if coarse:
            notes.append(
                f"{coarse} event(s) are dated only to the week or month (time_precision > 1): "
                "their day is approximate"
            )
    assert pts.dates is not None  # located_points(dated=True) always gives dates
    t = ((pts.dates - pts.dates.min()).dt.days).to_numpy(dtype=np.int64)

    # Statistic, expectation and Poisson p-value from pointpats (no permutations there).
    knox = Knox(
        pts.xy, t.astype(float)[:, None], delta=distance_km * 1000.0, tau=days, permutations=0
    )
    n_pairs = n * (n - 1) // 2

    # Pairs within the largest distance of the table, binned by distance.
    tree = cKDTree(pts.xy)
    pairs = tree.query_pairs(r=float(d_grid.max()) * 1000.0, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    dist = np.hypot(*(pts.xy[i] - pts.xy[j]).T)
    # threshold semantics of pointpats/scipy: close when distance <= threshold
    di = np.searchsorted(d_grid * 1000.0, dist, side="left")
    n_d, n_t = len(d_grid), len(t_grid)

    def time_bins(tt: np.ndarray) -> np.ndarray:
        return np.searchsorted(t_grid, np.abs(tt[..., i] - tt[..., j]), side="left")

    observed_grid = _pair_counts(di, time_bins(t), n_d, n_t)
    ns = np.array([(dist <= d * 1000.0).sum() for d in d_grid], dtype=float)
    # pairs within tau days, from the sorted days (no n x n matrix)
    ts = np.sort(t)
    ahead = np.arange(1, n + 1)
    nt = np.array(
        [(np.searchsorted(ts, ts + tau, side="right") - ahead).sum() for tau in t_grid],
        dtype=float,
    )
    expected_grid = ns[:, None] * nt[None, :] / n_pairs

    rng = np.random.default_rng(seed)
    exceed = np.zeros((n_d, n_t), dtype=np.int64)
    a = int(np.flatnonzero(d_grid == distance_km)[0])
    b = int(np.flatnonzero(t_grid == days)[0])
    null = np.empty(permutations, dtype=np.int64)
    done = 0
    batch = int(max(1, min(_BATCH, 4_000_000 // max(len(i), 1))))
    while done < permutations:
        k = min(batch, permutations - done)
        perm_t = rng.permuted(np.broadcast_to(t, (k, n)), axis=1)
        tb = time_bins(perm_t)
        for row in range(k):
            counts = _pair_counts(di, tb[row], n_d, n_t)
            exceed += counts >= observed_grid
            null[done + row] = counts[a, b]
        done += k
    p_grid = (1 + exceed) / (permutations + 1)

    statistic = int(knox.nst)
    expected = float(knox.expected[0, 0])
    if statistic != int(observed_grid[a, b]):  # pragma: no cover - a disagreement is a bug
        raise RuntimeError(
            f"knox_test: pair count {int(observed_grid[a, b])} differs from pointpats' {statistic}"
        )
    dd, tt_ = np.meshgrid(d_grid, t_grid, indexing="ij")
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(
            {
                "distance_km": dd.ravel(),
                "days": tt_.ravel(),
                "observed": observed_grid.ravel().astype(np.int64),
                "expected": expected_grid.ravel(),
                "ratio": (observed_grid / expected_grid).ravel(),
                "p_value": p_grid.ravel(),
                "is_test": ((dd == distance_km) & (tt_ == days)).ravel(),
            }
        )
    notes.append(
        f"The table tests {len(table)} pairs of thresholds on the same events: about "
        f"{0.05 * len(table):.1f} of them would reach p < 0.05 by chance alone, and neighbouring "
        "thresholds share most pairs; read it as a description of the scale of clustering, and "
        f"the pre-set thresholds ({distance_km:g} km, {days} d) as the test."
    )
    notes.append(
        "a significant result says where and when fighting are linked (escalation, retaliation, "
        "or a front moving from one sector to another), not which"
    )
    same_place = int((dist == 0).sum())
    if same_place:
        notes.append(
            f"{same_place} pair(s) share exactly the same point (events placed at one town or "
            "district point): distances below the location error are not meaningful"
        )
    return KnoxResult(
        statistic=statistic,
        expected=expected,
        ratio=statistic / expected if expected > 0 else np.nan,
        p_value=float(p_grid[a, b]),
        p_poisson=float(knox.p_poisson),
        distance_km=distance_km,
        days=days,
        n_events=n,
        n_pairs=n_pairs,
        n_space_pairs=int(ns[a]),
        n_time_pairs=int(nt[b]),
        observed=np.asarray(knox.observed),
        permutations=permutations,
        seed=seed,
        null_statistics=null,
        table=table,
        notes=notes,
    )
