"""Candidate pairs, their scores, and the one-to-one assignment that links them.

Two events may be linked when they lie within ``km`` of each other beyond
what their location errors explain (``distance <= km + radius_a + radius_b``)
and their date intervals come within ``days`` of each other. Among those
candidate pairs, a score in (0, 1] says how alike they are: a weighted mean
of closeness in space (``1 - distance / (km + radius_a + radius_b)``), in
time (``1 - |centre_a - centre_b| / (allowed days + 1)``) and in kind (1 the
same kind of event, 0.5 two different kinds of political violence or a kind
unknown, 0 otherwise; :data:`scamgeo.vocab.EVENT_TYPE_CROSSWALK`).

The links are an optimal one-to-one assignment, not a greedy pass: the
candidate graph is cut into its connected groups and each group is solved
exactly with :func:`scipy.optimize.linear_sum_assignment` (the sparse
Jonker–Volgenant solver :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`
for a group too large for a dense matrix). With ``prefer="links"`` the
assignment first links as many events as the thresholds allow, then
maximises the total score among those; with ``prefer="score"`` it maximises
the total score alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from .. import geo
from .._errors import ParameterError
from .._validate import check_choice, check_positive
from ._sides import VIOLENT_MASK, Side

__all__ = ["MatchOptions", "Pairs", "assign", "candidates"]

#: Largest group (rows x columns) solved as a dense matrix by linear_sum_assignment.
DENSE_LIMIT = 4_000_000
_EPS = 1e-9


@dataclasses.dataclass(frozen=True)
class MatchOptions:
    """How candidate pairs are scored and chosen.

    Attributes
    ----------
    weights : (float, float, float), default (0.4, 0.4, 0.2)
        Weights of closeness in space, in time and in kind in the score.
    types : {"score", "related", "same"}, default "score"
        ``"score"``: a difference in kind lowers the score only; ``"related"``:
        pairs of unrelated kinds (a battle and a protest) are never linked;
        ``"same"``: only events of the same kind are linked.
    prefer : {"links", "score"}, default "links"
        ``"links"``: the most links the thresholds allow, then the highest
        total score; ``"score"``: the highest total score (which may link
        fewer events).
    """

    weights: tuple[float, float, float] = (0.4, 0.4, 0.2)
    types: str = "score"
    prefer: str = "links"

    def __post_init__(self) -> None:
        check_choice(self.types, ("score", "related", "same"), name="types")
        check_choice(self.prefer, ("links", "score"), name="prefer")
        w = tuple(float(x) for x in self.weights)
        if len(w) != 3 or min(w) < 0 or sum(w) <= 0:
            raise ParameterError(
                f"weights must be three numbers >= 0 (space, time, kind) with a positive sum; "
                f"got {self.weights!r}."
            )


@dataclasses.dataclass
class Pairs:
    """Candidate pairs (indices into the two sides' linkable rows) and their measures."""

    i: np.ndarray
    j: np.ndarray
    km: np.ndarray
    days: np.ndarray  # |centre difference| of the date intervals
    kind: np.ndarray  # 1, 0.5 or 0
    score: np.ndarray

    def take(self, keep: np.ndarray) -> Pairs:
        return Pairs(*(getattr(self, f.name)[keep] for f in dataclasses.fields(self)))


def _metric_xy(a: Side, b: Side) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import geopandas as gpd

    pts = gpd.GeoSeries(
        gpd.points_from_xy(np.r_[a.lon, b.lon], np.r_[a.lat, b.lat]), crs="EPSG:4326"
    )
    metric = geo.to_metric(pts, crs=geo.utm_crs(pts))
    x, y = metric.x.to_numpy(), metric.y.to_numpy()
    return x[: a.n], y[: a.n], x[a.n :], y[a.n :]


def _box_pairs(a: Side, b: Side, *, km: float, days: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs inside the widest space-time box any pair may need (a KD-tree, Chebyshev metric)."""
    from scipy.spatial import cKDTree

    reach_m = 1000.0 * (km + a.radius_km.max() + b.radius_km.max()) * 1.03 + 1.0  # UTM scale
    reach_d = max(days + a.half_days.max() + b.half_days.max(), 1e-6) * (1 + 1e-9)
    ax, ay, bx, by = _metric_xy(a, b)
    ta = cKDTree(np.column_stack([ax / reach_m, ay / reach_m, a.mid_day / reach_d]))
    tb = cKDTree(np.column_stack([bx / reach_m, by / reach_m, b.mid_day / reach_d]))
    hits = ta.sparse_distance_matrix(tb, 1.0, p=np.inf, output_type="ndarray")
    return hits["i"].astype(np.int64), hits["j"].astype(np.int64)


def _kind_agreement(ka: np.ndarray, kb: np.ndarray) -> np.ndarray:
    same = (ka & kb) != 0
    unknown = (ka == 0) | (kb == 0)
    related = ((ka & ~VIOLENT_MASK) == 0) & ((kb & ~VIOLENT_MASK) == 0)
    return np.where(same, 1.0, np.where(unknown | related, 0.5, 0.0))


def candidates(a: Side, b: Side, *, km: float, days: float, options: MatchOptions) -> Pairs:
    """Every pair within the thresholds, with its distance, date gap, kind agreement and score."""
    import geopandas as gpd

    empty = np.zeros(0)
    if not a.n or not b.n:
        return Pairs(empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty, empty)
    i, j = _box_pairs(a, b, km=km, days=days)
    gap = np.abs(a.mid_day[i] - b.mid_day[j]) - a.half_days[i] - b.half_days[j]
    keep = gap <= days + _EPS
    i, j = i[keep], j[keep]
    pa = gpd.GeoSeries(gpd.points_from_xy(a.lon[i], a.lat[i]), crs="EPSG:4326")
    pb = gpd.GeoSeries(gpd.points_from_xy(b.lon[j], b.lat[j]), crs="EPSG:4326")
    dist = geo.distance_km(pa, pb).to_numpy() if len(i) else empty
    reach = km + a.radius_km[i] + b.radius_km[j]
    kind = _kind_agreement(a.kinds[i], b.kinds[j])
    keep = dist <= reach + _EPS
    if options.types == "related":
        keep &= kind > 0
    elif options.types == "same":
        keep &= kind == 1
    dmid = np.abs(a.mid_day[i] - b.mid_day[j])
    allowed = days + a.half_days[i] + b.half_days[j]
    s_space = np.where(reach > 0, 1.0 - dist / np.where(reach > 0, reach, 1.0), 1.0)
    s_time = 1.0 - dmid / (allowed + 1.0)
    ws, wt, wk = options.weights
    score = (ws * np.clip(s_space, 0, 1) + wt * np.clip(s_time, 0, 1) + wk * kind) / (ws + wt + wk)
    return Pairs(i, j, dist, dmid, kind, score).take(keep)


def _solve_group(
    rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal one-to-one links in one connected group (gain > 0 on every candidate edge)."""
    from scipy.optimize import linear_sum_assignment

    ur, ri = np.unique(rows, return_inverse=True)
    uc, ci = np.unique(cols, return_inverse=True)
    if len(ur) * len(uc) <= DENSE_LIMIT:
        cost = np.zeros((len(ur), len(uc)))
        cost[ri, ci] = -gain
        r, c = linear_sum_assignment(cost)
        real = cost[r, c] < 0
        return ur[r[real]], uc[c[real]]
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n = len(ur)  # each row may instead take its own dummy column (= stay unlinked)
    data = np.r_[-gain, np.full(n, _EPS)]
    graph = coo_array(
        (data, (np.r_[ri, np.arange(n)], np.r_[ci, len(uc) + np.arange(n)])),
        shape=(n, len(uc) + n),
    ).tocsr()
    r, c = min_weight_full_bipartite_matching(graph)
    real = c < len(uc)
    return ur[r[real]], uc[c[real]]


def assign(pairs: Pairs, *, n_a: int, n_b: int, prefer: str = "links") -> np.ndarray:
    """Positions (into ``pairs``) of the links of an optimal one-to-one assignment."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    if not len(pairs.i):
        return np.zeros(0, dtype=np.int64)
    graph = coo_array(
        (np.ones(len(pairs.i)), (pairs.i, n_a + pairs.j)), shape=(n_a + n_b, n_a + n_b)
    )
    _, label = connected_components(graph, directed=False)
    group = label[pairs.i]
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    chosen: list[np.ndarray] = []
    for part in np.split(order, bounds):
        if len(part) == 1:  # one candidate pair alone: linked
            chosen.append(part)
            continue
        rows, cols = pairs.i[part], pairs.j[part]
        bonus = min(len(np.unique(rows)), len(np.unique(cols))) + 1 if prefer == "links" else 0
        r, c = _solve_group(rows, cols, pairs.score[part] + bonus)
        key = pd.MultiIndex.from_arrays([rows, cols])
        chosen.append(part[key.get_indexer(pd.MultiIndex.from_arrays([r, c]))])
    return np.sort(np.concatenate(chosen))


def tied(pairs: Pairs, links: np.ndarray) -> np.ndarray:
    """For each link, whether another candidate of either of its events scores the same."""
    frame = pd.DataFrame({"i": pairs.i, "j": pairs.j, "s": np.round(pairs.score, 12)})
    n_i = frame.groupby(["i", "s"])["j"].transform("size").to_numpy()
    n_j = frame.groupby(["j", "s"])["i"].transform("size").to_numpy()
    return (n_i > 1)[links] | (n_j > 1)[links]


def check_thresholds(km: Any, days: Any) -> tuple[float, float]:
    return (
        check_positive(km, name="km", allow_zero=True),
        check_positive(days, name="days", allow_zero=True),
    )
