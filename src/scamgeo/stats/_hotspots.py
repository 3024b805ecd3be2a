"""Hotspots: Getis-Ord Gi* on a metric grid, with permutation inference and false discovery control."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validate import check_choice, check_positive
from ._common import check_int, logger
from ._knox import resolve_seed
from ._points import located_points

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["HotspotResult", "hotspots"]

HOTSPOT_LABELS = ("hot", "cold", "not significant")


@dataclass(repr=False)
class HotspotResult:
    """Getis-Ord Gi* hotspots of event counts on a grid.

    Attributes
    ----------
    table : geopandas.GeoDataFrame
        One row per grid cell (empty cells kept), EPSG:4326 polygons:
        ``cell_id``, ``events`` (count in the cell), ``gi`` (Gi* statistic),
        ``gi_z`` (its analytical z-score), ``p_value`` (two-sided Monte Carlo
        p-value), ``p_adjusted`` (Benjamini–Hochberg, equal to ``p_value``
        when ``fdr=False``), ``significant`` (``p_adjusted <= alpha``) and
        ``hotspot`` in {"hot", "cold", "not significant"}.
    cell_km : float
    alpha : float
    fdr : bool
        Whether the Benjamini–Hochberg false discovery rate control was applied.
    permutations : int
    seed : int or None
        Seed used (drawn from the OS when none was given).
    n_events : int
        Events counted in the grid.
    n_outside : int
        Located events outside the grid (left out).
    n_hot, n_cold : int
        Cells labelled hot / cold.
    notes : list of str
    null : {"csr", "permutation"}
        The null hypothesis of the Monte Carlo test.
    """

    table: Any
    cell_km: float
    alpha: float
    fdr: bool
    permutations: int
    seed: int | None
    n_events: int
    n_outside: int
    n_hot: int
    n_cold: int
    notes: list[str] = field(default_factory=list)
    null: str = "csr"

    def summary(self) -> str:
        """The result in words."""
        control = (
            "false discovery rate controlled (Benjamini–Hochberg)"
            if self.fdr
            else "no multiple-testing control"
        )
        text = (
            f"Getis-Ord Gi* on {len(self.table)} cells of {self.cell_km:g} km with "
            f"{self.n_events} events: {self.n_hot} hot and {self.n_cold} cold cell(s) at "
            f"alpha={self.alpha:g}, {control}; {self.permutations} draws under "
            + ("complete spatial randomness" if self.null == "csr" else "conditional permutation")
            + f", seed {self.seed}."
        )
        return "\n".join([text, *self.notes])

    def __repr__(self) -> str:
        return (
            f"HotspotResult(cells={len(self.table)}, n_events={self.n_events}, n_hot={self.n_hot}, "
            f"n_cold={self.n_cold}, alpha={self.alpha:g}, fdr={self.fdr}, seed={self.seed})"
        )


def _grid_cells(bounds: Any, cell_km: float) -> gpd.GeoDataFrame:
    """Grid cells from :func:`scamgeo.geo.grid` in METRIC_CRS (default region: the border band)."""
    from .. import config, geo

    return geo.grid(bounds=bounds, cell_km=cell_km, crs=config.METRIC_CRS)


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
    # equal cells: each event falls in a uniformly drawn cell (a multinomial with equal
    # probabilities), drawn as cell numbers and counted per draw with one bincount
    batch = int(max(1, min(256, 4_000_000 // max(total, 1))))
    done = 0
    while done < permutations:
        k = min(batch, permutations - done)
        cells = rng.integers(0, n_cells, size=(k, total)) + (np.arange(k) * n_cells)[:, None]
        sim_counts = np.bincount(cells.ravel(), minlength=k * n_cells).reshape(k, n_cells)
        sims = wstar @ sim_counts.T.astype(float)  # (cells, k)
        ge += (sims >= obs[:, None] - 1e-9).sum(axis=1)
        le += (sims <= obs[:, None] + 1e-9).sum(axis=1)
        done += k
    return ge, le


def _empty_table(cells: Any) -> Any:
    out = cells[["cell_id"]].copy()
    for col, value in [
        ("events", 0),
        ("gi", np.nan),
        ("gi_z", np.nan),
        ("p_value", np.nan),
        ("p_adjusted", np.nan),
        ("significant", False),
        ("hotspot", "not significant"),
    ]:
        out[col] = value
    out["geometry"] = cells.geometry.to_numpy()
    return out.set_geometry("geometry", crs=cells.crs)


def hotspots(
    events: pd.DataFrame,
    *,
    cell_km: float = 10,
    permutations: int = 999,
    alpha: float = 0.05,
    fdr: bool = True,
    seed: int | None = None,
    bounds: Any = None,
    null: str = "csr",
) -> HotspotResult:
    """Getis-Ord Gi* hotspots of events on a metric grid, with permutation inference.

    Events are counted in the square cells of :func:`scamgeo.geo.grid`
    (laid in :data:`scamgeo.config.METRIC_CRS`, UTM 48N); empty cells are
    kept, since a cold or quiet area is information. Each cell's Gi* sums
    the counts of the cell and its eight neighbours (binary queen weights,
    the cell itself included: ``star=True``) relative to the total
    (:class:`esda.getisord.G_Local`). Its significance comes from a Monte
    Carlo test, two-sided: by default against complete spatial randomness
    over the grid (see ``null``); with ``fdr`` the Benjamini–Hochberg procedure keeps
    the expected share of false discoveries among the significant cells
    below ``alpha``.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame with latitude/longitude
        Events (common event schema).
    cell_km : float
        Cell side in km (> 0).
    permutations : int
        Monte Carlo draws (>= 19); with ``fdr`` over hundreds of cells,
        9999 gives the p-values the resolution the control needs.
    alpha : float
        Significance level (0 < alpha < 1).
    fdr : bool
        Control the false discovery rate (Benjamini–Hochberg) across cells.
    seed : int, optional
        Seed of the permutations; None draws one from the OS and records it.
    bounds : tuple or GeoDataFrame, optional
        Region of the grid, as for :func:`scamgeo.geo.grid`. Default, as
        there: the Thai–Cambodian border buffered by 50 km (events farther
        away are left out, and counted in a note). The result depends on
        it: under the ``"csr"`` null the question is where events are denser
        than if they were spread evenly over this region, so the more empty
        land in it, the more the fighting stands out (and the more empty
        cells come out "cold").
    null : {"csr", "permutation"}
        ``"csr"`` (default): Monte Carlo under complete spatial randomness,
        the events thrown uniformly (multinomially) over the grid's equal
        cells ``permutations`` times and Gi* recomputed in every cell; a
        cell is hot when it and its neighbours hold more events than chance
        would put there (a cell can be hot with no event of its own when its
        neighbours hold many). ``"permutation"``: esda's conditional
        randomisation, the cell's own count held fixed and the other cells'
        counts shuffled around it; it asks whether the neighbours resemble
        the cell (spatial association) and has almost no power against a
        compact cluster of point events (a few cells holding most of them),
        which is why it is not the default.

    Returns
    -------
    HotspotResult
        ``.table`` (GeoDataFrame of cells with ``gi_z``, ``p_value``,
        ``significant`` and ``hotspot``), ``.n_hot``, ``.n_cold``,
        ``.notes``, ``.summary()``. No located event gives a table of the
        default region's cells with nothing significant, and a note.

    Raises
    ------
    ParameterError
        Bad ``cell_km``, ``permutations``, ``alpha`` or ``seed``.

    Notes
    -----
    The statistic (``gi``) and its analytical z-score (``gi_z``, under
    esda's randomisation assumptions) come from esda's ``G_Local`` with
    ``star=True`` and binary weights, for either null. Under ``"csr"`` the
    Monte Carlo draws are made here with a seeded
    :func:`numpy.random.default_rng`. Under ``"permutation"`` esda (2.9)
    reports a *folded* pseudo p-value, counting permuted values ``>=`` the
    observed one and then taking the smaller tail; with many empty cells
    Gi* ties at its minimum (0), and that count makes an all-empty
    neighbourhood look like a significant cold spot (p = 0.001). The
    p-values here are recomputed from esda's draws with ties counted on both
    sides. For both nulls ``p = min(1, 2·min(P[G >= g], P[G <= g]))`` with
    the usual +1 correction (two-sided); the tests check the false-positive
    rate on random patterns.

    esda seeds its permutations with ``numpy.random.seed`` (numba's
    generator when numba is installed, numpy's global one otherwise): the
    seed is honoured (checked in the tests), and numpy's global random
    state is saved and restored around the call so that it is not disturbed.

    A cell holds the events *placed* in it: events placed at a town or
    district point (``geo_precision`` 2–3) can sit kilometres from where the
    fighting was, and cells smaller than that error mostly show where places
    are named.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> hot = stats.hotspots(datasets.events(), cell_km=20, permutations=99, seed=1)
    >>> hot.n_events, hot.n_hot, hot.n_cold
    (216, 42, 92)
    """
    with warnings.catch_warnings():
        # esda imports tqdm.auto, which warns in a kernel without ipywidgets (nothing to fix)
        warnings.filterwarnings("ignore", message="IProgress not found")
        from esda.getisord import G_Local
        from libpysal.weights import DistanceBand
    from scipy.stats import false_discovery_control

    from .. import config

    cell_km = check_positive(cell_km, name="cell_km")
    permutations = check_int(permutations, name="permutations", minimum=19)
    alpha = check_positive(alpha, name="alpha")
    if alpha >= 1:
        from .._errors import ParameterError

        raise ParameterError(f"alpha must be between 0 and 1, got {alpha!r}.")
    if not isinstance(fdr, bool):
        from .._errors import ParameterError

        raise ParameterError(f"fdr must be True or False, got {fdr!r}.")
    check_choice(null, ("csr", "permutation"), name="null")
    seed = resolve_seed(seed)
    pts = located_points(events, name="events", dated=False, what="hotspot analysis")
    notes = list(pts.notes)

    if len(pts.xy) == 0:
        cells = _grid_cells(bounds, cell_km)
        notes.append("no located event: nothing to test (every cell is 'not significant')")
        logger.warning("hotspots: %s", notes[-1])
        return HotspotResult(
            _empty_table(cells), cell_km, alpha, fdr, permutations, seed, 0, 0, 0, 0, notes, null
        )

    import geopandas as gpd

    cells = _grid_cells(bounds, cell_km)
    cells_m = cells.to_crs(config.METRIC_CRS)
    points = gpd.GeoDataFrame(
        {"row": np.arange(len(pts.xy))},
        geometry=gpd.points_from_xy(pts.xy[:, 0], pts.xy[:, 1]),
        crs=config.METRIC_CRS,
    )
    hits = gpd.sjoin(points, cells_m[["geometry"]], how="inner", predicate="intersects")
    hits = hits[~hits["row"].duplicated()]  # a point on a shared edge counts once
    counts = np.bincount(hits["index_right"].to_numpy(), minlength=len(cells)).astype(float)
    n_outside = len(pts.xy) - len(hits)
    if n_outside:
        notes.append(f"{n_outside} located event(s) outside the grid's region left out")
        logger.warning("hotspots: %s", notes[-1])
    n_events = int(counts.sum())
    table = _empty_table(cells)
    table["events"] = counts.astype(np.int64)
    if n_events == 0 or len(cells) < 3:
        notes.append(
            f"{n_events} event(s) in {len(cells)} cell(s): nothing to test "
            "(every cell is 'not significant')"
        )
        return HotspotResult(
            table, cell_km, alpha, fdr, permutations, seed, n_events, n_outside, 0, 0, notes, null
        )

    centres = cells_m.geometry.centroid
    cxy = np.column_stack([centres.x.to_numpy(), centres.y.to_numpy()])
    with warnings.catch_warnings():
        # libpysal warns about islands / disconnected components: reported as a note below
        warnings.simplefilter("ignore")
        w = DistanceBand(cxy, threshold=1.5 * cell_km * 1000.0, binary=True, silence_warnings=True)
    if w.islands:
        notes.append(f"{len(w.islands)} cell(s) without a neighbour in the grid")
    state = np.random.get_state()  # noqa: NPY002 - esda seeds the legacy global state
    try:
        with warnings.catch_warnings():
            # esda announces a change of its default alternative; the p-values are recomputed here
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            g = G_Local(
                counts,
                w,
                transform="B",
                star=True,
                permutations=permutations if null == "permutation" else 0,
                keep_simulations=True,
                n_jobs=1,
                seed=seed,
            )
    finally:
        np.random.set_state(state)  # noqa: NPY002
    obs_g = np.asarray(g.Gs, dtype=float)
    if null == "permutation":
        sims = np.asarray(g.rGs)  # (cells, permutations)
        obs = obs_g[:, None]
        tol = 1e-12 * np.maximum(1.0, np.abs(obs))
        ge = (sims >= obs - tol).sum(axis=1)
        le = (sims <= obs + tol).sum(axis=1)
    else:
        ge, le = _csr_tails(counts, w, permutations, seed)
    p_hot = (1 + ge) / (permutations + 1)
    p_cold = (1 + le) / (permutations + 1)
    p = np.minimum(1.0, 2 * np.minimum(p_hot, p_cold))
    p_adj = false_discovery_control(p, method="bh") if fdr else p
    significant = p_adj <= alpha
    z = np.asarray(g.Zs, dtype=float)
    label = np.where(significant & (p_hot < p_cold), "hot", "not significant")
    label = np.where(significant & (p_cold < p_hot), "cold", label)
    table["gi"] = np.asarray(g.Gs, dtype=float)
    table["gi_z"] = z
    table["p_value"] = p
    table["p_adjusted"] = p_adj
    table["significant"] = label != "not significant"
    table["hotspot"] = pd.Categorical(label, categories=list(HOTSPOT_LABELS))
    n_hot = int((label == "hot").sum())
    n_cold = int((label == "cold").sum())
    min_p = 2 / (permutations + 1)
    if fdr and min_p * len(cells) > alpha:
        notes.append(
            f"with {permutations} permutations the smallest two-sided p-value is {min_p:.4f}; over "
            f"{len(cells)} cells the false discovery control can flag only strong clusters: "
            "raise permutations for more power"
        )
    if "geo_precision" in pts.frame.columns:
        coarse = int((pd.to_numeric(pts.frame["geo_precision"], errors="coerce") >= 2).sum())
        if coarse:
            notes.append(
                f"{coarse} of {len(pts.frame)} events are placed at a town, district or province "
                f"point (geo_precision 2–3): with {cell_km:g} km cells, hotspots partly show where "
                "places are named"
            )
    return HotspotResult(
        table,
        cell_km,
        alpha,
        fdr,
        permutations,
        seed,
        n_events,
        n_outside,
        n_hot,
        n_cold,
        notes,
        null,
    )
