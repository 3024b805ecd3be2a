"""Emerging hot spots: Gi* in every time slice, a Mann-Kendall trend per cell, ESRI's categories."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._result import Result
from .._time import period_start
from .._validate import check_choice, check_positive
from ..vocab import COUNT_UNITS
from ._common import DEFAULT_SEED, as_frame, check_int, fold_claims, resolve_seed
from ._hotspots import HotspotOptions, cell_counts, gi_star, grid_cells, label_cells, weights
from ._points import located_points

__all__ = ["PATTERNS", "EmergingHotspotResult", "classify_pattern", "emerging_hotspots"]

#: The categories, in the order they are tested (ESRI's definitions; cold ones mirror hot ones).
HOT_PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
                "oscillating", "historical")  # fmt: skip
#: Every label a cell can get: "<category> hot spot", "<category> cold spot", "no pattern detected".
PATTERNS = (
    *(f"{p} hot spot" for p in HOT_PATTERNS),
    *(f"{p} cold spot" for p in HOT_PATTERNS),
    "no pattern detected",
)


@dataclass(repr=False)
class EmergingHotspotResult(Result):
    """Emerging hot spot analysis of events on a grid and a calendar of time slices.

    Attributes
    ----------
    table : geopandas.GeoDataFrame
        One row per cell holding an event in some slice (EPSG:4326 polygons):
        ``cell_id``, ``incidents`` (or ``claims``, over the whole period),
        ``n_slices_hot``, ``n_slices_cold``, ``trend_tau`` and ``trend_p``
        (Mann-Kendall trend of the cell's Gi* z-scores over the slices),
        ``pattern`` (one of :data:`PATTERNS`).
    slices : pandas.DataFrame
        One row per cell and slice: ``cell_id``, ``slice`` (first day),
        ``count``, ``gi_z``, ``p_value``, ``hot``, ``cold``.
    periods : pandas.DatetimeIndex
        First day of each slice.
    cell_km, freq, permutations, seed, count, options
        As given (the seed used is recorded when None was given).
    notes : list of str
    """

    table: Any
    slices: pd.DataFrame
    periods: pd.DatetimeIndex
    cell_km: float
    freq: str
    permutations: int
    seed: int
    count: str
    options: HotspotOptions
    notes: list[str] = field(default_factory=list)

    @property
    def patterns(self) -> pd.Series:
        """Number of cells per pattern (patterns present only)."""
        counts = self.table["pattern"].value_counts()
        return counts[counts > 0]

    def summary(self) -> str:
        """Counts of cells per pattern, in words."""
        found = ", ".join(f"{k}: {v}" for k, v in self.patterns.items())
        text = (
            f"Emerging hot spots of {self.count} on {len(self.table)} cells of {self.cell_km:g} km "
            f"that hold an event, over {len(self.periods)} slices ({self.freq}): {found}; "
            f"{self.permutations} permutations per slice, seed {self.seed}."
        )
        return "\n".join([text, *self.notes])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; the table without its polygons."""
        out = super().to_dict()
        out["table"] = [{k: v for k, v in r.items() if k != "geometry"} for r in out["table"]]
        out["options"] = {"alpha": self.options.alpha, "fdr": self.options.fdr,
                          "null": self.options.null}  # fmt: skip
        return out


def emerging_hotspots(
    events: pd.DataFrame,
    *,
    cell_km: float = 10,
    freq: str = "M",
    permutations: int = 9999,
    seed: int | None = DEFAULT_SEED,
    bounds: Any = None,
    count: str = "incidents",
    options: HotspotOptions | None = None,
) -> EmergingHotspotResult:
    """Emerging hot spot analysis: where hot spots are new, lasting, growing or fading.

    The events are counted per grid cell (:func:`scamgeo.geo.grid`, as in
    :func:`hotspots`) and per time slice (``freq``). In every slice each
    cell's Getis-Ord Gi* is tested as in :func:`hotspots` (conditional
    permutation null by default, Benjamini–Hochberg over the cells that hold
    an event in some slice); the trend of each cell's Gi* z-scores over the
    slices is the Mann-Kendall test (Kendall's tau of the z-scores against
    time, :func:`scipy.stats.kendalltau`). Each cell then gets the category
    of ESRI's *Emerging Hot Spot Analysis* (ArcGIS Pro, "How Emerging Hot
    Spot Analysis works"), tested in this order (see :func:`classify_pattern`):

    - *new*: hot in the final slice and never before;
    - *consecutive*: a single uninterrupted run of at least two hot slices
      ending with the final one, never hot before the run, hot in less than
      90% of slices;
    - *intensifying* / *persistent* / *diminishing*: hot in at least 90% of
      slices including the final one, with a significant rising / no /
      a significant falling trend of its z-scores;
    - *oscillating*: hot in the final slice, cold in an earlier one, hot in
      less than 90% of slices;
    - *sporadic*: hot in the final slice, on and off before, never cold,
      hot in less than 90% of slices;
    - *historical*: not hot in the final slice but hot in at least 90%;

    and the same categories for cold spots; else "no pattern detected".
    ESRI leaves open whether a persistent hot spot must be hot in the final
    slice; here it must (one not hot then is historical), so the categories
    do not overlap.

    The Mann-Kendall test is scipy's Kendall's tau of the series against
    time (exact for short series without ties, else the normal
    approximation with the tie-corrected variance, which is the
    Mann-Kendall variance); ``pymannkendall`` was not used as it has had no
    release since January 2023.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame with latitude/longitude
        Events with ``event_date``.
    cell_km : float
        Cell side in km.
    freq : {"W", "M"}
        Time slices: ISO weeks (Monday first) or calendar months.
    permutations : int
        Monte Carlo draws per slice (>= 19). The false discovery control over
        the tested cells needs p-values well below 0.05 / cells, hence 9999.
    seed : int, optional
        Seed of the draws (None: drawn and recorded).
    bounds : optional
        Region of the grid, as for :func:`hotspots`.
    count : {"incidents", "claims"}
        ``"incidents"`` folds the claims of one incident into one event.
    options : HotspotOptions, optional
        Level, false discovery control and null of each slice's test.

    Returns
    -------
    EmergingHotspotResult

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> eh = stats.emerging_hotspots(datasets.events(), cell_km=20, permutations=99)
    >>> len(eh.periods), eh.seed
    (10, 20250724)
    >>> set(eh.table["pattern"]) <= set(stats.PATTERNS)
    True
    """
    options = (options or HotspotOptions()).checked()
    cell_km = check_positive(cell_km, name="cell_km")
    check_choice(freq, ("W", "M"), name="freq")
    permutations = check_int(permutations, name="permutations", minimum=19)
    check_choice(count, COUNT_UNITS, name="count")
    seed = resolve_seed(seed)
    events = as_frame(events, name="events")
    events = fold_claims(events, count)
    pts = located_points(events, name="events", dated=True, what="emerging hot spot analysis")
    cells = grid_cells(bounds, cell_km)
    cube, periods, notes = _cube(pts, cells, freq)
    slices = _slice_tests(cube, cells, cell_km, periods, permutations, seed, options)
    table = _cell_table(cells, cube, slices, options.alpha).rename(columns={"events": count})
    return EmergingHotspotResult(table=table, slices=slices, periods=periods, cell_km=cell_km,
                                 freq=freq, permutations=permutations, seed=seed, count=count,
                                 options=options, notes=notes)  # fmt: skip


def _cube(pts: Any, cells: Any, freq: str) -> tuple[np.ndarray, pd.DatetimeIndex, list[str]]:
    """(cells × slices counts, first day of each slice, notes)."""
    notes = list(pts.notes)
    _, where = cell_counts(pts.xy, cells)
    if (where < 0).any():
        notes.append(f"{int((where < 0).sum())} located event(s) outside the grid left out")
    if not len(pts.xy):
        return np.zeros((len(cells), 0)), pd.DatetimeIndex([]), notes
    starts = period_start(pd.Series(pts.dates).reset_index(drop=True), freq)
    periods = pd.DatetimeIndex(
        pd.date_range(starts.min(), starts.max(), freq={"W": "W-MON", "M": "MS"}[freq])
    )
    col = periods.get_indexer(pd.DatetimeIndex(starts))
    inside = where >= 0
    cube = np.zeros((len(cells), len(periods)))
    np.add.at(cube, (where[inside], col[inside]), 1.0)
    if len(periods) < 3:
        notes.append(f"only {len(periods)} slice(s): too few for a trend")
    return cube, periods, notes


def _slice_tests(
    cube: np.ndarray,
    cells: Any,
    cell_km: float,
    periods: pd.DatetimeIndex,
    permutations: int,
    seed: int,
    options: HotspotOptions,
) -> pd.DataFrame:
    """Gi* of every cell in every slice, and whether the bin is a significant hot or cold spot."""
    tested = cube.sum(axis=1) > 0
    w = weights(cells, cell_km)
    rng = np.random.default_rng(seed)
    frames = []
    for k, period in enumerate(periods):
        counts = cube[:, k]
        z, p = np.zeros(len(counts)), np.ones(len(counts))
        label = np.full(len(counts), "not significant", dtype=object)
        if counts.sum() > 0:
            tails = gi_star(counts, w, permutations=permutations,
                            seed=int(rng.integers(2**31 - 1)), null=options.null)  # fmt: skip
            p, _, label = label_cells(tails, tested, options)
            z = np.nan_to_num(tails["z"])
        frames.append(pd.DataFrame({"cell": np.arange(len(counts)), "slice": period,
                                    "count": counts.astype(np.int64), "gi_z": z, "p_value": p,
                                    "hot": label == "hot", "cold": label == "cold"}))  # fmt: skip
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["cell", "slice", "count", "gi_z", "p_value", "hot", "cold"])  # fmt: skip
    out = out[tested[out["cell"].to_numpy(dtype=np.int64)]]
    out.insert(0, "cell_id", cells["cell_id"].to_numpy()[out["cell"].to_numpy(dtype=np.int64)])
    return out.reset_index(drop=True)


def _cell_table(cells: Any, cube: np.ndarray, slices: pd.DataFrame, alpha: float) -> Any:
    """One row per tested cell: its trend and pattern."""
    from scipy.stats import kendalltau

    rows = []
    for cell, sub in slices.groupby("cell", sort=True):
        z = sub["gi_z"].to_numpy(dtype=float)
        tau, p = (np.nan, np.nan)
        if len(z) >= 3 and np.ptp(z) > 0:
            res = kendalltau(np.arange(len(z)), z)
            tau, p = float(res.statistic), float(res.pvalue)
        hot, cold = sub["hot"].to_numpy(bool), sub["cold"].to_numpy(bool)
        trend = 0 if not (p <= alpha) else int(np.sign(tau))
        rows.append({"cell": cell, "n_slices_hot": int(hot.sum()), "n_slices_cold": int(cold.sum()),
                     "trend_tau": tau, "trend_p": p,
                     "pattern": classify_pattern(hot, cold, trend)})  # fmt: skip
    info = pd.DataFrame(rows, columns=["cell", "n_slices_hot", "n_slices_cold", "trend_tau",
                                       "trend_p", "pattern"])  # fmt: skip
    idx = info["cell"].to_numpy(dtype=np.int64)
    out = cells.iloc[idx][["cell_id"]].copy()
    out["events"] = cube[idx].sum(axis=1).astype(np.int64)
    for col in info.columns[1:]:
        out[col] = info[col].to_numpy()
    out["pattern"] = pd.Categorical(out["pattern"], categories=list(PATTERNS))
    out["geometry"] = cells.geometry.to_numpy()[idx]
    return out.set_geometry("geometry", crs=cells.crs).reset_index(drop=True)


def classify_pattern(hot: np.ndarray, cold: np.ndarray, trend: int) -> str:
    """ESRI's emerging hot spot category of one location.

    Parameters
    ----------
    hot, cold : array of bool
        Whether each slice (oldest first) is a significant hot / cold spot.
    trend : {-1, 0, 1}
        Sign of a significant Mann-Kendall trend of the Gi* z-scores (0: none).

    Examples
    --------
    >>> import numpy as np
    >>> from scamgeo.stats import classify_pattern
    >>> f, t = False, True
    >>> classify_pattern(np.array([f, f, f, t]), np.array([f] * 4), 0)
    'new hot spot'
    >>> classify_pattern(np.array([t] * 10), np.array([f] * 10), 1)
    'intensifying hot spot'
    """
    hot, cold = np.asarray(hot, dtype=bool), np.asarray(cold, dtype=bool)
    for kind, a, b, sign in (("hot", hot, cold, 1), ("cold", cold, hot, -1)):
        found = _pattern(a, b, trend * sign)
        if found:
            return f"{found} {kind} spot"
    return "no pattern detected"


def _pattern(on: np.ndarray, other: np.ndarray, trend: int) -> str | None:
    """The category for spots ``on`` (hot, or cold with ``other`` the hot slices)."""
    n = len(on)
    if n == 0 or not on.any():
        return None
    share = on.mean()
    if not on[-1]:
        return "historical" if share >= 0.9 else None
    run = n - (np.flatnonzero(~on)[-1] + 1 if (~on).any() else 0)
    before = on[: n - run].any()
    if share >= 0.9:
        return {1: "intensifying", -1: "diminishing"}.get(trend, "persistent")
    if not before:
        return "new" if run == 1 else "consecutive"
    if other[: n - 1].any():
        return "oscillating"
    return "sporadic"
