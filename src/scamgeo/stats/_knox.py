"""Knox test: do events close in space also fall close in time (escalation spirals)?"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._result import Result
from .._validate import check_choice, check_positive
from ..vocab import COUNT_UNITS
from ._common import DEFAULT_SEED, as_frame, check_int, fmt_p, fold_claims, logger, resolve_seed
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
class KnoxResult(Result):
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
    p_table : float
        Table-wide p-value: the smallest p-value over every threshold of
        :attr:`table`, adjusted by the min-p over the same shuffles
        (Westfall–Young), so that it controls the chance of any false finding
        across the table.
    p_poisson : float
        One-sided Poisson approximation ``P(X >= statistic)`` with mean
        ``expected``, for reference only.
    distance_km, days : float, int
        Thresholds of the test.
    n_events : int
        Events used (located and dated).
    n_pairs, n_space_pairs, n_time_pairs : int
        All pairs, pairs close in space, pairs close in time.
    observed : numpy.ndarray
        2×2 table ``[[NST, NS − NST], [NT − NST, rest]]`` (pointpats layout).
    permutations : int
    seed : int
        Seed of :func:`numpy.random.default_rng` used (drawn from fresh entropy
        when None was given, so the run can be repeated).
    within_phases : bool
        Whether the dates were shuffled only within phases of the war.
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
    p_table: float
    p_poisson: float
    distance_km: float
    days: int
    n_events: int
    n_pairs: int
    n_space_pairs: int
    n_time_pairs: int
    observed: np.ndarray
    permutations: int
    seed: int
    null_statistics: np.ndarray
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    within_phases: bool = False

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
            f"{fmt_p(self.p_value)}; over the whole table {fmt_p(self.p_table)} "
            f"({self.permutations} permutations"
            + (" within phases" if self.within_phases else "")
            + f", seed {self.seed})."
        )
        return "\n".join([text, *self.notes])

    def __repr__(self) -> str:
        return (
            f"KnoxResult(statistic={self.statistic}, expected={self.expected:.3g}, "
            f"p_value={self.p_value:.3g}, distance_km={self.distance_km:g}, days={self.days}, "
            f"n_events={self.n_events}, permutations={self.permutations}, seed={self.seed})"
        )


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
        p_table=np.nan,
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
    seed: int | None = DEFAULT_SEED,
    grid: tuple[Sequence[float], Sequence[int]] | None = None,
    count: str = "incidents",
    within_phases: bool = False,
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
    grid : (sequence of float, sequence of int), optional
        Distances (km) and days of ``result.table`` (defaults
        :data:`TABLE_DISTANCES_KM` and :data:`TABLE_DAYS`); the test's own
        thresholds are always added.
    count : {"incidents", "claims"}
        ``"incidents"`` folds the claims of one incident into one event (its
        first claim's date and place), as :func:`daily_counts` does; two
        claims of one attack would otherwise be a pair close in space and time.
    within_phases : bool
        Shuffle the dates only among events of the same phase of the war
        (:func:`phase_of`): the null keeps *when in the war* fighting happened
        at each place, so the test asks for interaction beyond the phases.

    Returns
    -------
    KnoxResult
        ``.statistic``, ``.expected``, ``.p_value``, ``.p_table`` (over the
        whole table), ``.table``, ``.notes``, ``.summary()``. Fewer than
        :data:`MIN_EVENTS` located, dated events give NaN p-values and a note.

    Raises
    ------
    ParameterError
        Bad thresholds, permutations, seed or count.
    SchemaError
        ``events`` without ``event_date`` or with a bad date.

    Notes
    -----
    The statistic and its expectation come from :class:`pointpats.spacetime.Knox`
    (checked against it in the tests); the permutations here shuffle the
    dates with a seeded generator and evaluate every threshold of the table
    on the same shuffles. ``p_table`` is the single-step min-p adjustment of
    Westfall and Young (1993): the share of shuffles whose smallest p-value
    over the table is as small as the observed smallest one, which controls
    the family-wise error over all thresholds of the table.

    A front that moves (fighting in one sector in July, another in December)
    makes pairs close in space also close in time without any contagion
    between events: ``within_phases=True`` removes that part. Many events are
    placed at a town or district point, so pairs closer than the location
    error are partly an artefact of where places are named.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> knox = stats.knox_test(datasets.events(), distance_km=10, days=7, permutations=99)
    >>> knox.n_events, knox.seed  # incidents, and the seed used
    (204, 20250724)
    >>> bool(knox.table["p_value"].min() <= knox.p_table <= 1)  # over the whole table
    True
    """
    distance_km = check_positive(distance_km, name="distance_km")
    days = check_int(days, name="days", minimum=0)
    permutations = check_int(permutations, name="permutations", minimum=1)
    check_choice(count, COUNT_UNITS, name="count")
    seed = resolve_seed(seed)
    d_grid, t_grid = _grids(grid, distance_km, days)
    events = as_frame(events, name="events")
    events = fold_claims(events, count)
    pts = located_points(events, name="events", dated=True, what="Knox test")
    notes = list(pts.notes)
    n = len(pts.xy)
    if n < MIN_EVENTS:
        notes.append(
            f"Knox test not run: it needs at least {MIN_EVENTS} located, dated events, got {n}."
        )
        logger.warning("knox_test: %s", notes[-1])
        return _empty(distance_km, days, permutations, seed, notes, n)
    notes += _date_notes(pts.frame)
    assert pts.dates is not None  # located_points(dated=True) always gives dates
    t = ((pts.dates - pts.dates.min()).dt.days).to_numpy(dtype=np.int64)
    groups = _phase_groups(pts.dates) if within_phases else np.zeros(n, dtype=np.int64)
    pairs = _Pairs.build(pts.xy, t, d_grid, t_grid)
    a = int(np.flatnonzero(d_grid == distance_km)[0])
    b = int(np.flatnonzero(t_grid == days)[0])
    null_grid = _permute(pairs, t, groups, permutations, np.random.default_rng(seed))
    p_grid, p_table = _p_values(pairs.observed, null_grid)
    notes += _knox_notes(len(d_grid) * len(t_grid), distance_km, days, p_table, pairs)
    if within_phases:
        notes.append("dates shuffled only within phases of the war")
    return _result(pairs, pts.xy, t, (a, b), (p_grid, p_table), null_grid[:, a, b],
                   distance_km=distance_km, days=days, permutations=permutations, seed=seed,
                   notes=notes, within_phases=within_phases)  # fmt: skip


def _grids(grid: Any, distance_km: float, days: int) -> tuple[np.ndarray, np.ndarray]:
    if grid is not None and (not isinstance(grid, tuple | list) or len(grid) != 2):
        raise ParameterError(f"grid={grid!r} must be a pair (distances in km, days).")
    dists, dys = (None, None) if grid is None else grid
    d_grid = _thresholds(dists, TABLE_DISTANCES_KM, distance_km, name="grid distances")
    d_grid = d_grid[d_grid > 0]
    t_grid = _thresholds(dys, TABLE_DAYS, days, name="grid days")
    if np.any(t_grid != np.round(t_grid)):
        raise ParameterError(f"grid days {dys!r} must hold whole numbers of days.")
    return d_grid, t_grid.astype(np.int64)


def _date_notes(frame: pd.DataFrame) -> list[str]:
    if "time_precision" not in frame.columns:
        return []
    coarse = int((pd.to_numeric(frame["time_precision"], errors="coerce") > 1).sum())
    if not coarse:
        return []
    return [
        f"{coarse} event(s) are dated only to the week or month (time_precision > 1): "
        "their day is approximate"
    ]


def _phase_groups(dates: pd.Series) -> np.ndarray:
    from .._time import phase_of

    return np.asarray(phase_of(dates).cat.codes, dtype=np.int64)


@dataclass
class _Pairs:
    """Pairs within the largest distance of the grid, binned by distance, and the counts."""

    i: np.ndarray
    j: np.ndarray
    dist: np.ndarray
    di: np.ndarray
    d_grid: np.ndarray
    t_grid: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    ns: np.ndarray
    nt: np.ndarray

    @classmethod
    def build(cls, xy: np.ndarray, t: np.ndarray, d_grid: np.ndarray, t_grid: np.ndarray) -> _Pairs:
        from scipy.spatial import cKDTree

        n = len(t)
        pairs = cKDTree(xy).query_pairs(r=float(d_grid.max()) * 1000.0, output_type="ndarray")
        i, j = pairs[:, 0], pairs[:, 1]
        dist = np.hypot(*(xy[i] - xy[j]).T)
        # threshold semantics of pointpats/scipy: close when distance <= threshold
        di = np.searchsorted(d_grid * 1000.0, dist, side="left")
        ti = np.searchsorted(t_grid, np.abs(t[i] - t[j]), side="left")
        observed = _pair_counts(di, ti, len(d_grid), len(t_grid))
        ns = np.array([(dist <= d * 1000.0).sum() for d in d_grid], dtype=float)
        ts = np.sort(t)
        ahead = np.arange(1, n + 1)
        nt = np.array(
            [(np.searchsorted(ts, ts + tau, side="right") - ahead).sum() for tau in t_grid],
            dtype=float,
        )
        expected = ns[:, None] * nt[None, :] / (n * (n - 1) // 2)
        return cls(i, j, dist, di, d_grid, t_grid, observed, expected, ns, nt)


def _permute(
    pairs: _Pairs, t: np.ndarray, groups: np.ndarray, permutations: int, rng: np.random.Generator
) -> np.ndarray:
    """The grid of counts under each shuffle of the dates (within groups), (P, n_d, n_t)."""
    n_d, n_t = len(pairs.d_grid), len(pairs.t_grid)
    out = np.empty((permutations, n_d, n_t), dtype=np.int64)
    members = [np.flatnonzero(groups == g) for g in np.unique(groups)]
    batch = int(max(1, min(_BATCH, 4_000_000 // max(len(pairs.i), 1))))
    done = 0
    while done < permutations:
        k = min(batch, permutations - done)
        perm_t = np.broadcast_to(t, (k, len(t))).copy()
        for idx in members:
            perm_t[:, idx] = rng.permuted(perm_t[:, idx], axis=1)
        tb = np.searchsorted(pairs.t_grid, np.abs(perm_t[:, pairs.i] - perm_t[:, pairs.j]))
        for row in range(k):
            out[done + row] = _pair_counts(pairs.di, tb[row], n_d, n_t)
        done += k
    return out


def _p_values(observed: np.ndarray, null: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-threshold permutation p-values and the table-wide (min-p) p-value."""
    P = len(null)
    flat = null.reshape(P, -1)
    p_grid = (1 + (flat >= observed.ravel()).sum(axis=0)) / (P + 1)
    # each shuffle's own p-value at every threshold, from its rank among the shuffles
    order = np.sort(flat, axis=0)
    ge = P - np.stack([np.searchsorted(order[:, c], flat[:, c], side="left")
                       for c in range(flat.shape[1])], axis=1)  # fmt: skip
    null_min = ((1 + ge) / (P + 1)).min(axis=1)
    p_table = (1 + np.sum(null_min <= p_grid.min() + 1e-12)) / (P + 1)
    return p_grid.reshape(observed.shape), float(p_table)


def _knox_notes(
    cells: int, distance_km: float, days: int, p_table: float, pairs: _Pairs
) -> list[str]:
    notes = [
        f"The table tests {cells} pairs of thresholds on the same events; over all of them the "
        f"smallest p-value has a table-wide p = {p_table:.3g} (min-p over the same shuffles). "
        f"The pre-set thresholds ({distance_km:g} km, {days} d) are the test.",
        "a significant result says where and when fighting are linked (escalation, retaliation, "
        "or a front moving from one sector to another), not which",
    ]
    same_place = int((pairs.dist == 0).sum())
    if same_place:
        notes.append(
            f"{same_place} pair(s) share exactly the same point (events placed at one town or "
            "district point): distances below the location error are not meaningful"
        )
    return notes


def _result(
    pairs: _Pairs,
    xy: np.ndarray,
    t: np.ndarray,
    cell: tuple[int, int],
    p: tuple[np.ndarray, float],
    null: np.ndarray,
    **fields: Any,
) -> KnoxResult:
    from scipy.stats import poisson

    with warnings.catch_warnings():
        # pointpats imports esda, which imports tqdm.auto (warns in a kernel without ipywidgets)
        warnings.filterwarnings("ignore", message="IProgress not found")
        from pointpats.spacetime import Knox

    a, b = cell
    p_grid, p_table = p
    knox = Knox(xy, t.astype(float)[:, None], delta=fields["distance_km"] * 1000.0,
                tau=fields["days"], permutations=0)  # fmt: skip
    statistic = int(knox.nst)
    if statistic != int(pairs.observed[a, b]):  # pragma: no cover - a disagreement is a bug
        raise RuntimeError(f"knox_test: pair count {pairs.observed[a, b]} differs from {statistic}")
    expected = float(pairs.expected[a, b])
    dd, tt = np.meshgrid(pairs.d_grid, pairs.t_grid, indexing="ij")
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame({
            "distance_km": dd.ravel(), "days": tt.ravel(),
            "observed": pairs.observed.ravel().astype(np.int64),
            "expected": pairs.expected.ravel(), "ratio": (pairs.observed / pairs.expected).ravel(),
            "p_value": p_grid.ravel(),
            "is_test": ((dd == fields["distance_km"]) & (tt == fields["days"])).ravel(),
        })  # fmt: skip
    n = len(t)
    return KnoxResult(
        statistic=statistic, expected=expected,
        ratio=statistic / expected if expected > 0 else np.nan, p_value=float(p_grid[a, b]),
        p_table=p_table, p_poisson=float(poisson.sf(statistic - 1, expected)), n_events=n,
        n_pairs=n * (n - 1) // 2, n_space_pairs=int(pairs.ns[a]), n_time_pairs=int(pairs.nt[b]),
        observed=np.asarray(knox.observed), null_statistics=null, table=table, **fields,
    )  # fmt: skip
