"""Hotspots: Getis-Ord Gi* on a metric grid, with permutation inference and false discovery control."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._progress import progress
from .._result import Result
from .._validate import check_choice, check_positive
from ..vocab import COUNT_UNITS
from ._common import DEFAULT_SEED, as_frame, check_int, fold_claims, logger, resolve_seed
from ._points import located_points

__all__ = ["HotspotOptions", "HotspotResult", "hotspots"]

HOTSPOT_LABELS = ("hot", "cold", "not significant")
_NULLS = ("permutation", "csr")


@dataclass(frozen=True)
class HotspotOptions:
    """Inference options of :func:`hotspots` and :func:`emerging_hotspots`.

    Attributes
    ----------
    alpha : float
        Significance level (0 < alpha < 1), default 0.05.
    fdr : bool
        Control the false discovery rate (Benjamini–Hochberg) over the cells
        that hold events (the only cells that can be hot), default True.
    null : {"permutation", "csr"}
        ``"permutation"`` (default): esda's conditional randomisation, the
        cell's own count held and the other cells' counts shuffled around it
        (is the neighbourhood busier than the rest of the map?).
        ``"csr"``: the events thrown uniformly over the grid's cells (is the
        neighbourhood busier than an even spread?); a smooth trend across the
        region is then flagged as hot, which is why it is not the default.
    """

    alpha: float = 0.05
    fdr: bool = True
    null: str = "permutation"

    def checked(self) -> HotspotOptions:
        """These options, once checked (a :class:`~scamgeo.ParameterError` says what is wrong)."""
        alpha = check_positive(self.alpha, name="alpha")
        if alpha >= 1:
            raise ParameterError(f"alpha must be between 0 and 1, got {alpha!r}.")
        if not isinstance(self.fdr, bool):
            raise ParameterError(f"fdr must be True or False, got {self.fdr!r}.")
        check_choice(self.null, _NULLS, name="null")
        return self


@dataclass(repr=False)
class HotspotResult(Result):
    """Getis-Ord Gi* hotspots of event counts on a grid.

    Attributes
    ----------
    table : geopandas.GeoDataFrame
        One row per grid cell (empty cells kept), EPSG:4326 polygons:
        ``cell_id``, ``incidents`` (or ``claims``: the count in the cell),
        ``gi`` (Gi* statistic), ``gi_z`` (its analytical z-score),
        ``p_value`` (two-sided Monte Carlo p-value), ``p_adjusted``
        (Benjamini–Hochberg over the cells holding events; equal to
        ``p_value`` when ``fdr=False``; missing for empty cells),
        ``significant`` and ``hotspot`` in {"hot", "cold", "not significant"}.
        A cell is hot only where it holds events itself. With ``replicates``:
        ``hot_share``, the share of redraws in which the cell is hot.
    cell_km : float
    options : HotspotOptions
    permutations : int
    seed : int
        Seed used (drawn from the OS and recorded when None was given).
    count : {"incidents", "claims"}
    n_events : int
        Events counted in the grid.
    n_outside : int
        Located events outside the grid (left out).
    n_hot, n_cold : int
    replicates : int
        Redraws within the location uncertainty (0: none).
    notes : list of str
    """

    table: Any
    cell_km: float
    options: HotspotOptions
    permutations: int
    seed: int
    count: str
    n_events: int
    n_outside: int
    n_hot: int
    n_cold: int
    replicates: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def alpha(self) -> float:
        return self.options.alpha

    @property
    def fdr(self) -> bool:
        return self.options.fdr

    @property
    def null(self) -> str:
        return self.options.null

    def summary(self) -> str:
        """The result in words."""
        control = (
            "false discovery rate controlled (Benjamini–Hochberg)"
            if self.fdr
            else "no multiple-testing control"
        )
        null = "complete spatial randomness" if self.null == "csr" else "conditional permutation"
        text = (
            f"Getis-Ord Gi* on {len(self.table)} cells of {self.cell_km:g} km with "
            f"{self.n_events} {self.count}: {self.n_hot} hot and {self.n_cold} cold cell(s) at "
            f"alpha={self.alpha:g}, {control}; {self.permutations} draws under {null}, "
            f"seed {self.seed}."
        )
        return "\n".join([text, *self.notes])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; the table without its polygons."""
        out = super().to_dict()
        out["options"] = {"alpha": self.alpha, "fdr": self.fdr, "null": self.null}
        out["table"] = [
            {k: v for k, v in row.items() if k != "geometry"} for row in out.get("table", [])
        ]
        return out

    def __repr__(self) -> str:
        return (
            f"HotspotResult(cells={len(self.table)}, n_events={self.n_events}, n_hot={self.n_hot}, "
            f"n_cold={self.n_cold}, null={self.null!r}, fdr={self.fdr}, seed={self.seed})"
        )


def hotspots(
    events: pd.DataFrame,
    *,
    cell_km: float = 10,
    permutations: int = 9999,
    seed: int | None = DEFAULT_SEED,
    bounds: Any = None,
    count: str = "incidents",
    replicates: int = 0,
    options: HotspotOptions | None = None,
) -> HotspotResult:
    """Getis-Ord Gi* hotspots of events on a metric grid, with permutation inference.

    Events are counted in the square cells of :func:`scamgeo.geo.grid`
    (laid in :data:`scamgeo.config.METRIC_CRS`, UTM 48N); empty cells are
    kept. Each cell's Gi* sums the counts of the cell and its eight
    neighbours (binary queen weights, the cell itself included:
    ``star=True``) relative to the total (:class:`esda.getisord.G_Local`).
    Its significance comes from a two-sided Monte Carlo test, by default
    esda's conditional permutation (see :class:`HotspotOptions`), with the
    Benjamini–Hochberg procedure over the cells that hold events. A cell is
    *hot* only where it holds events itself: Gi* sums the neighbours, and an
    empty cell beside a busy one is not a place where fighting happened.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame with latitude/longitude
        Events (common event schema).
    cell_km : float
        Cell side in km (> 0).
    permutations : int
        Monte Carlo draws (>= 19). With the false discovery control over ~100
        occupied cells the smallest p-value must be well under 0.05/100, so
        9999 (the default) gives the test power; 999 cannot pass the control.
    seed : int, optional
        Seed of the draws; None draws one from the OS and records it.
    bounds : tuple or GeoDataFrame, optional
        Region of the grid, as for :func:`scamgeo.geo.grid` (default: the
        Thai–Cambodian border buffered by 50 km; events farther away are left
        out and counted in a note).
    count : {"incidents", "claims"}
        ``"incidents"`` folds the claims of one incident into one event, as
        :func:`daily_counts` does.
    replicates : int
        When > 0, also rerun the test this many times with every event
        redrawn within its ``uncertainty_m`` (as :func:`hub_targeting_test`
        does) and add ``hot_share`` to the table.
    options : HotspotOptions, optional
        Level, false discovery control and null (see :class:`HotspotOptions`).

    Returns
    -------
    HotspotResult
        ``.table`` (GeoDataFrame of cells), ``.n_hot``, ``.n_cold``,
        ``.notes``, ``.summary()``. No located event gives a table of the
        region's cells with nothing significant, and a note.

    Notes
    -----
    esda (2.9) reports a *folded* pseudo p-value that counts ties on one side
    only, which makes an all-empty neighbourhood look like a cold spot; the
    p-values here are recomputed from esda's draws with ties counted on both
    sides, ``p = min(1, 2·min(P[G >= g], P[G <= g]))`` with the +1
    correction. esda seeds numpy's global generator: its state is saved and
    restored around the call. Calibration and power on random and planted
    patterns are measured by ``benchmarks/bench_spacetime.py``.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> hot = stats.hotspots(datasets.events(), cell_km=20, permutations=999)
    >>> hot.n_events, hot.seed, hot.null
    (204, 20250724, 'permutation')
    >>> bool((hot.table.loc[hot.table["hotspot"] == "hot", "incidents"] > 0).all())
    True
    """
    options = (options or HotspotOptions()).checked()
    cell_km = check_positive(cell_km, name="cell_km")
    permutations = check_int(permutations, name="permutations", minimum=19)
    check_choice(count, COUNT_UNITS, name="count")
    replicates = check_int(replicates, name="replicates", minimum=0)
    seed = resolve_seed(seed)
    events = as_frame(events, name="events")
    events = fold_claims(events, count)
    cells = grid_cells(bounds, cell_km)
    res = _hotspots_once(events, cells, permutations=permutations, seed=seed, options=options)
    notes = res.pop("notes")
    if replicates:
        res["table"]["hot_share"] = _hot_share(events, cells, replicates, permutations, seed,
                                               options, notes)  # fmt: skip
    res["table"] = res["table"].rename(columns={"events": count})
    return HotspotResult(cell_km=cell_km, options=options, permutations=permutations, seed=seed,
                         count=count, replicates=replicates, notes=notes, **res)  # fmt: skip


def grid_cells(bounds: Any, cell_km: float) -> Any:
    """Grid cells from :func:`scamgeo.geo.grid` in METRIC_CRS (default region: the border band)."""
    from .. import config, geo

    return geo.grid(bounds=bounds, cell_km=cell_km, crs=config.METRIC_CRS)


def cell_counts(xy: np.ndarray, cells: Any) -> tuple[np.ndarray, np.ndarray]:
    """(events per cell, the cell index of each point or -1 outside the grid)."""
    import shapely

    from .. import config

    geoms = cells.to_crs(config.METRIC_CRS).geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    where = np.full(len(xy), -1, dtype=np.int64)
    if len(xy):
        pt, cell = tree.query(shapely.points(xy[:, 0], xy[:, 1]), predicate="intersects")
        first = np.unique(pt, return_index=True)[1]  # a point on a shared edge counts once
        where[pt[first]] = cell[first]
    counts = np.bincount(where[where >= 0], minlength=len(geoms)).astype(float)
    return counts, where


def weights(cells: Any, cell_km: float) -> Any:
    """Binary queen-contiguity weights of the grid (centres within 1.5 cell sides)."""
    from libpysal.weights import DistanceBand

    from .. import config

    centres = cells.to_crs(config.METRIC_CRS).geometry.centroid
    cxy = np.column_stack([centres.x.to_numpy(), centres.y.to_numpy()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands are reported as a note by the callers
        return DistanceBand(cxy, threshold=1.5 * cell_km * 1000.0, binary=True,
                            silence_warnings=True)  # fmt: skip


def gi_star(
    counts: np.ndarray, w: Any, *, permutations: int, seed: int, null: str
) -> dict[str, np.ndarray]:
    """Gi*, its z-score and the one-sided Monte Carlo tails (hot, cold) of every cell."""
    with warnings.catch_warnings():
        # esda imports tqdm.auto, which warns in a kernel without ipywidgets (nothing to fix)
        warnings.filterwarnings("ignore", message="IProgress not found")
        from esda.getisord import G_Local

    state = np.random.get_state()  # noqa: NPY002 - esda seeds the legacy global state
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            g = G_Local(counts, w, transform="B", star=True, keep_simulations=True, n_jobs=1,
                        permutations=permutations if null == "permutation" else 0, seed=seed)  # fmt: skip
    finally:
        np.random.set_state(state)  # noqa: NPY002
    obs = np.asarray(g.Gs, dtype=float)
    if null == "permutation":
        sims = np.asarray(g.rGs)
        tol = 1e-12 * np.maximum(1.0, np.abs(obs))[:, None]
        ge = (sims >= obs[:, None] - tol).sum(axis=1)
        le = (sims <= obs[:, None] + tol).sum(axis=1)
    else:
        ge, le = _csr_tails(counts, w, permutations, seed)
    return {"gi": obs, "z": np.asarray(g.Zs, dtype=float),
            "p_hot": (1 + ge) / (permutations + 1), "p_cold": (1 + le) / (permutations + 1)}  # fmt: skip


def label_cells(
    tails: dict[str, np.ndarray], occupied: np.ndarray, options: HotspotOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(two-sided p, BH-adjusted p over the ``occupied`` cells, labels): only those can be hot."""
    from scipy.stats import false_discovery_control

    p = np.minimum(1.0, 2 * np.minimum(tails["p_hot"], tails["p_cold"]))
    p_adj = np.full(len(p), np.nan)
    if occupied.any():
        p_adj[occupied] = (
            false_discovery_control(p[occupied], method="bh") if options.fdr else p[occupied]
        )
    significant = occupied & (p_adj <= options.alpha)
    label = np.where(significant & (tails["p_hot"] < tails["p_cold"]), "hot", "not significant")
    label = np.where(significant & (tails["p_cold"] < tails["p_hot"]), "cold", label)
    return p, p_adj, label


def _hotspots_once(
    events: pd.DataFrame, cells: Any, *, permutations: int, seed: int, options: HotspotOptions
) -> dict[str, Any]:
    """The fields of a HotspotResult for one set of points."""
    pts = located_points(events, name="events", dated=False, what="hotspot analysis")
    notes = list(pts.notes)
    counts, where = cell_counts(pts.xy, cells)
    n_outside = int((where < 0).sum())
    if n_outside:
        notes.append(f"{n_outside} located event(s) outside the grid's region left out")
        logger.warning("hotspots: %s", notes[-1])
    table = _empty_table(cells, counts)
    n_events = int(counts.sum())
    if n_events == 0 or len(cells) < 3:
        notes.append(
            f"{n_events} event(s) in {len(cells)} cell(s): nothing to test "
            "(every cell is 'not significant')"
        )
        return {"table": table, "n_events": n_events, "n_outside": n_outside, "n_hot": 0,
                "n_cold": 0, "notes": notes}  # fmt: skip
    cell_km = float(np.sqrt(cells.to_crs("EPSG:32648").geometry.area.iloc[0])) / 1000.0
    w = weights(cells, cell_km)
    if w.islands:
        notes.append(f"{len(w.islands)} cell(s) without a neighbour in the grid")
    tails = gi_star(counts, w, permutations=permutations, seed=seed, null=options.null)
    p, p_adj, label = label_cells(tails, counts > 0, options)
    table["gi"], table["gi_z"], table["p_value"], table["p_adjusted"] = (
        tails["gi"], tails["z"], p, p_adj)  # fmt: skip
    table["significant"] = label != "not significant"
    table["hotspot"] = pd.Categorical(label, categories=list(HOTSPOT_LABELS))
    notes += _hotspot_notes(pts.frame, counts, permutations, options)
    return {"table": table, "n_events": n_events, "n_outside": n_outside,
            "n_hot": int((label == "hot").sum()), "n_cold": int((label == "cold").sum()),
            "notes": notes}  # fmt: skip


def _hotspot_notes(
    frame: pd.DataFrame, counts: np.ndarray, permutations: int, options: HotspotOptions
) -> list[str]:
    notes = []
    occupied = int((counts > 0).sum())
    min_p = 2 / (permutations + 1)
    if options.fdr and min_p * occupied > options.alpha:
        notes.append(
            f"with {permutations} permutations the smallest two-sided p-value is {min_p:.4f}; "
            f"over {occupied} occupied cells the false discovery control cannot flag any cell: "
            "raise permutations"
        )
    if "geo_precision" in frame.columns:
        coarse = int((pd.to_numeric(frame["geo_precision"], errors="coerce") >= 2).sum())
        if coarse:
            notes.append(
                f"{coarse} of {len(frame)} events are placed at a town, district or province "
                "point (geo_precision 2–3): hotspots partly show where places are named"
            )
    return notes


def _hot_share(
    events: pd.DataFrame,
    cells: Any,
    replicates: int,
    permutations: int,
    seed: int,
    options: HotspotOptions,
    notes: list[str],
) -> np.ndarray:
    """Share of redraws (every event moved within its location error) in which each cell is hot."""
    from ._uncertainty import jitter_locations, uncertainty_radius_m

    radius, radius_notes = uncertainty_radius_m(events)
    rng = np.random.default_rng(seed)
    hot = np.zeros(len(cells))
    for _ in progress(range(replicates), desc="hotspots: location redraws", unit="redraw"):
        moved = jitter_locations(events, radius, rng)
        res = _hotspots_once(moved, cells, permutations=permutations,
                             seed=int(rng.integers(2**31 - 1)), options=options)  # fmt: skip
        hot += (res["table"]["hotspot"] == "hot").to_numpy()
    notes += radius_notes
    notes.append(
        f"location uncertainty: {replicates} redraws of every event within its error radius "
        f"(seed {seed}); hot_share is the share of redraws in which a cell is hot"
    )
    return hot / replicates


def _csr_tails(
    counts: np.ndarray, w: Any, permutations: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, how many CSR redistributions give a Gi* >= and <= the observed one.

    Gi* with binary weights and the cell itself is (cell + neighbours) / total, and the
    total is fixed, so the neighbourhood sums are compared directly.
    """
    import scipy.sparse as sp

    n_cells = len(counts)
    wstar = (w.sparse != 0).astype(float) + sp.identity(n_cells, format="csr")
    wstar = sp.csr_matrix((wstar != 0).astype(float))
    obs = wstar @ counts
    total = int(counts.sum())
    rng = np.random.default_rng(seed)
    ge = np.zeros(n_cells, dtype=np.int64)
    le = np.zeros(n_cells, dtype=np.int64)
    batch = int(max(1, min(256, 4_000_000 // max(total, 1))))
    done = 0
    while done < permutations:
        k = min(batch, permutations - done)
        drawn = rng.integers(0, n_cells, size=(k, total)) + (np.arange(k) * n_cells)[:, None]
        sim_counts = np.bincount(drawn.ravel(), minlength=k * n_cells).reshape(k, n_cells)
        sims = wstar @ sim_counts.T.astype(float)  # (cells, k)
        ge += (sims >= obs[:, None] - 1e-9).sum(axis=1)
        le += (sims <= obs[:, None] + 1e-9).sum(axis=1)
        done += k
    return ge, le


def _empty_table(cells: Any, counts: np.ndarray) -> Any:
    out = cells[["cell_id"]].copy()
    out["events"] = counts.astype(np.int64)
    for col, value in [("gi", np.nan), ("gi_z", np.nan), ("p_value", np.nan),
                       ("p_adjusted", np.nan), ("significant", False)]:  # fmt: skip
        out[col] = value
    out["hotspot"] = pd.Categorical(["not significant"] * len(out), categories=list(HOTSPOT_LABELS))
    out["geometry"] = cells.geometry.to_numpy()
    return out.set_geometry("geometry", crs=cells.crs)
