"""Static map builders: overview, choropleth, phase small multiples."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import config, fmt
from .._errors import ParameterError
from .._time import phase_of
from .._validate import check_choice, check_positive, require_columns
from ..schema import EVENT_TYPES, SITE_KINDS
from ..style import (
    GREY,
    INK,
    OTHER_COLOR,
    PHASE_LABELS,
    SITE_KIND_LABELS,
    SITE_KIND_STYLE,
    event_type_color,
)
from ._frame import MapFrame, fit, frame_of, furnish, points_in
from ._furniture import (
    BORDER_COLOR,
    EDGE,
    NO_DATA,
    OUTSIDE_FILL,
    SCHEMES,
    default_bounds,
    draw_base,
    frame_map,
    lonlat_extent,
    mark,
    new_ax,
    plain,
    publication_style,
    tag_new,
    to_crs,
)

__all__ = [
    "assign_phase",
    "choropleth_map",
    "overview_map",
    "phase_small_multiples",
]


logger = logging.getLogger("scamgeo.plots")


def _fatality_size(values: pd.Series) -> np.ndarray:
    f = pd.to_numeric(values, errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=float)
    return 8 + 10 * np.sqrt(f)


def _type_order(types: Sequence[str]) -> list[str]:
    return sorted(
        set(types),
        key=lambda t: (EVENT_TYPES.index(t) if t in EVENT_TYPES else len(EVENT_TYPES), t),
    )


def _draw_events(
    ax: Axes, pts: gpd.GeoDataFrame, *, order: Sequence[str] | None = None
) -> list[Any]:
    handles = []
    types = pts["event_type"].astype("string").fillna("Unknown")
    size = (
        _fatality_size(pts["fatalities"]) if "fatalities" in pts.columns else np.full(len(pts), 8.0)
    )
    for t in order or _type_order(types):
        sel = (types == t).to_numpy()
        if not sel.any():
            continue
        color = event_type_color(t)
        ax.scatter(
            pts.geometry.x.to_numpy()[sel],
            pts.geometry.y.to_numpy()[sel],
            s=size[sel],
            c=color,
            edgecolors=INK,
            linewidths=0.3,
            alpha=0.85,
            zorder=5,
            gid=f"events:{t}",
            label=f"{plain(t)} ({int(sel.sum())})",
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor=color,
                markeredgecolor=INK,
                markeredgewidth=0.4,
                markersize=5,
                label=f"{plain(t)} ({int(sel.sum())})",
            )
        )
    return handles


def _draw_sites(
    ax: Axes, pts: gpd.GeoDataFrame, *, label_kinds: Sequence[str] = ("casino_hub",)
) -> list[Any]:
    handles = []
    kinds = pts["kind"].astype(str)
    for kind in [k for k in SITE_KINDS if (kinds == k).any()] + sorted(
        set(kinds) - set(SITE_KINDS)
    ):
        style = SITE_KIND_STYLE.get(
            kind, {"marker": "o", "shape": "circle", "color": OTHER_COLOR, "size": 6}
        )
        sel = (kinds == kind).to_numpy()
        x, y = pts.geometry.x.to_numpy()[sel], pts.geometry.y.to_numpy()[sel]
        ax.scatter(
            x,
            y,
            marker=style["marker"],
            s=style["size"] ** 2,
            c=style["color"],
            edgecolors=INK,
            linewidths=0.6,
            zorder=6,
            gid=f"sites:{kind}",
        )
        label = SITE_KIND_LABELS.get(kind, plain(kind))
        handles.append(
            Line2D(
                [],
                [],
                marker=style["marker"],
                linestyle="",
                markerfacecolor=style["color"],
                markeredgecolor=INK,
                markersize=style["size"] * 0.8,
                label=f"{label} ({int(sel.sum())})",
            )
        )
        if kind in label_kinds and "name" in pts.columns:
            for xi, yi, name in zip(x, y, pts["name"].to_numpy()[sel], strict=True):
                ax.annotate(
                    plain(name),
                    (xi, yi),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=6.5,
                    zorder=7,
                    color=INK,
                    gid=f"site-label:{kind}",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                )
    return handles


# --- map furniture ---------------------------------------------------------------


def overview_map(
    events: pd.DataFrame | None = None,
    *,
    sites: pd.DataFrame | None = None,
    ax: Axes | None = None,
    label_kinds: Sequence[str] = ("casino_hub",),
    frame: MapFrame | None = None,
) -> Axes:
    """Overview map: provinces, the border, events by type (sized by fatalities) and sites.

    Parameters
    ----------
    events : DataFrame, optional
        Events in the common event schema (``event_type``, coordinates;
        ``fatalities`` sizes the dots when present).
    sites : DataFrame, optional
        Sites (``kind``, ``name``, coordinates), one symbol per kind.
    ax : Axes, optional
        Draw here (default: a new 7 × 6 in figure).
    label_kinds : sequence of str
        Site kinds whose names are written on the map.
    frame : MapFrame, optional
        CRS, extent, reference layers and furniture (default ``MapFrame()``:
        UTM 48N, the border with 0.6° around it, scale bar, north arrow,
        legend and an inset locator).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from scamgeo import datasets, plots
    >>> ax = plots.overview_map(datasets.events(), sites=datasets.sites(kind='casino_hub'))
    >>> ax._scamgeo_crs.to_epsg(), ax.get_legend() is not None
    (32648, True)
    """
    frame = frame_of(frame)
    crs = frame.projection()
    countries, provinces, border = frame.layers()
    ax = new_ax(ax, figsize=(7.0, 6.0))
    extent = frame.extent(border, crs)
    with publication_style():
        frame_map(ax, crs, extent)
        draw_base(ax, countries=countries, provinces=provinces, border=border, crs=crs)
        handles: list[Any] = []
        if events is not None:
            require_columns(events.columns, ["event_type"], source="events")
            handles += _draw_events(ax, points_in(events, name="events", crs=crs, extent=extent))
        if sites is not None:
            require_columns(sites.columns, ["kind"], source="sites")
            handles += _draw_sites(
                ax,
                points_in(sites, name="sites", crs=crs, extent=extent),
                label_kinds=label_kinds,
            )
        fit(ax, extent)
        handles.append(_border_handle(1.3))
        if frame.legend:
            ax.legend(handles=handles, loc="lower right", title="Legend", borderaxespad=0.4)
        furnish(ax, frame, crs=crs, countries=countries, inset=True)
    return ax


def _border_handle(linewidth: float) -> Line2D:
    return Line2D(
        [], [], color=BORDER_COLOR, linestyle=(0, (4, 2)), linewidth=linewidth, label="Border"
    )


def _province_values(
    values: Any, *, column: str | None, provinces: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, str]:
    """Province polygons with a ``_value`` column (NaN where there is no figure)."""
    key = (
        provinces["iso_3166_2"]
        if "iso_3166_2" in provinces.columns
        else pd.Series(provinces.index, index=provinces.index)
    )
    if isinstance(values, gpd.GeoDataFrame):
        if column is None or column not in values.columns:
            raise ParameterError(
                f"column= must name a column of the GeoDataFrame; it has {', '.join(map(str, values.columns))}."
            )
        out = values.copy()
        out["_value"] = pd.to_numeric(out[column], errors="coerce")
        return out, column
    if isinstance(values, pd.Series):
        series, label = values, column or (str(values.name) if values.name is not None else "value")
    elif isinstance(values, pd.DataFrame):
        if column is None or column not in values.columns:
            raise ParameterError(
                f"column= must name a column of values; it has {', '.join(map(str, values.columns))}."
            )
        if "admin1_code" in values.columns:
            series = values.set_index("admin1_code")[column]
        else:
            series = values[column]
        label = column
    else:
        raise ParameterError(
            f"values must be a Series, DataFrame or GeoDataFrame, got {type(values).__name__}."
        )
    series = pd.to_numeric(series, errors="coerce")
    if series.index.has_duplicates:
        raise ParameterError(
            "values has more than one figure for a province; aggregate first (one value per admin1_code)."
        )
    unknown = sorted(set(map(str, series.index)) - set(key.astype(str)))
    if unknown:
        raise ParameterError(
            f"values has province codes with no polygon: {', '.join(unknown[:8])}; use ISO 3166-2 codes like 'TH-27'."
        )
    out = provinces.copy()
    out["_value"] = (
        key.astype(str).map(series.rename(index=str)).to_numpy(dtype=float, na_value=np.nan)
    )
    return out, label


def choropleth_map(
    values: pd.Series | pd.DataFrame,
    *,
    column: str | None = None,
    scheme: str | Sequence[float] = "fisher_jenks",
    k: int = 5,
    cmap: str = "cividis_r",
    ax: Axes | None = None,
    legend_title: str | None = None,
    frame: MapFrame | None = None,
) -> Axes:
    """Province choropleth with classes (mapclassify) and a classed legend.

    Parameters
    ----------
    values : Series or DataFrame or GeoDataFrame
        A Series indexed by ISO 3166-2 code (``"TH-27"``); a DataFrame with an
        ``admin1_code`` column and ``column``; or province polygons with ``column``.
    column : str, optional
        The column to map (for DataFrames).
    scheme : str or sequence of float, default "fisher_jenks"
        One of :data:`SCHEMES`, or the upper bounds of the classes themselves
        (``[10, 100, 1000]``: mapclassify's ``user_defined``).
    k : int, default 5
        Number of classes (lowered to the number of distinct values if fewer).
    cmap : str, default "cividis_r"
        A perceptually uniform, colour-blind-safe colour map.
    ax : Axes, optional
        Draw here (default: a new 6.5 × 6 in figure).
    legend_title : str, optional
        Default: the column or Series name.
    frame : MapFrame, optional
        CRS, extent, reference layers and furniture. ``frame.provinces`` are
        the polygons coloured (keyed by ``iso_3166_2``; default the embedded
        ones); the default extent covers the provinces with figures and the
        border; no inset unless ``inset=True``.

    Returns
    -------
    Axes
        Polygons with ``gid="choropleth"``; ``ax._scamgeo_classes`` holds the
        class upper bounds and counts. Class bounds in the legend are written by
        :func:`scamgeo.fmt.number`.

    Raises
    ------
    ParameterError
        An unknown scheme, ``k`` not positive, a province code not among the
        provinces, or no number for any province.

    Examples
    --------
    >>> import pandas as pd
    >>> from scamgeo import plots
    >>> ax = plots.choropleth_map(pd.Series({"TH-27": 5, "TH-32": 50, "KH-1": 12}), scheme=[10, 100])
    >>> ax._scamgeo_classes["bins"], ax._scamgeo_classes["counts"]
    ([10.0, 100.0], [1, 2])
    """
    bins = None if isinstance(scheme, str) else [float(b) for b in scheme]
    name = scheme if isinstance(scheme, str) else "user_defined"
    check_choice(name, list(SCHEMES), name="scheme")
    k = int(check_positive(k, name="k"))
    frame = frame_of(frame)
    crs = frame.projection()
    countries, provinces, border = frame.layers()
    data, label = _province_values(values, column=column, provinces=provinces)
    y = data["_value"].to_numpy(dtype=float)
    have = np.isfinite(y)
    if not have.any():
        raise ParameterError("values has no number for any province; nothing to map.")
    classifier = _classify(y[have], scheme=name, k=k, bins=bins)
    n_classes = len(classifier.bins)
    colours = mpl.colormaps[cmap].resampled(max(n_classes, 2))(
        np.linspace(0, 1, max(n_classes, 2))
    )[:n_classes]
    cls = np.full(len(y), -1)
    cls[have] = classifier.yb
    ax = new_ax(ax, figsize=(6.5, 6.0))
    extent = lonlat_extent(frame.bounds or _choropleth_bounds(data[have], border), crs)
    counts = np.bincount(classifier.yb, minlength=n_classes)
    with publication_style():
        frame_map(ax, crs, extent)
        _draw_classes(ax, crs, layers=(countries, data, border), classes=cls, colours=colours)
        fit(ax, extent)
        if frame.legend:
            handles = _class_handles(
                classifier.bins, counts, colours, low=float(np.nanmin(y[have]))
            )
            if (~have).any():
                handles.append(
                    Patch(facecolor=NO_DATA, edgecolor="white", hatch="///", label="No data")
                )
            ax.legend(handles=handles, title=plain(legend_title or label), loc="lower right")
        classes = {"bins": [float(b) for b in classifier.bins], "counts": counts.tolist()}
        mark(ax, "classes", {**classes, "scheme": name})
        furnish(ax, frame, crs=crs, countries=countries, inset=False)
    return ax


def _draw_classes(
    ax: Axes,
    crs: Any,
    *,
    layers: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame],
    classes: np.ndarray,
    colours: np.ndarray,
) -> None:
    """Countries, the provinces by class (hatched where no figure) and the border, tagged."""
    countries, data, border = layers
    before = len(ax.collections)
    c = to_crs(countries, crs, name="countries")
    c.plot(ax=ax, color=OUTSIDE_FILL, edgecolor=EDGE, linewidth=0.4, zorder=1)
    tag_new(ax, before, "countries")
    proj = to_crs(data, crs, name="provinces")
    before = len(ax.collections)
    if (classes < 0).any():
        proj[classes < 0].plot(
            ax=ax, facecolor=NO_DATA, edgecolor="white", linewidth=0.3, hatch="///", zorder=2
        )
    for j in range(len(colours)):
        if (classes == j).any():
            proj[classes == j].plot(
                ax=ax, facecolor=colours[j], edgecolor="white", linewidth=0.3, zorder=2
            )
    tag_new(ax, before, "choropleth")
    before = len(ax.collections)
    to_crs(border, crs, name="border").plot(
        ax=ax, color=BORDER_COLOR, linewidth=1.2, linestyle=(0, (4, 2)), zorder=3
    )
    tag_new(ax, before, "border")


def _classify(y: np.ndarray, *, scheme: str, k: int, bins: Sequence[float] | None) -> Any:
    """The mapclassify classifier of the finite values ``y``."""
    import mapclassify

    kwargs: dict[str, Any] = {}
    if scheme == "user_defined":
        if bins is None:
            raise ParameterError(
                "scheme='user_defined': pass the upper bounds of the classes as the scheme, "
                "e.g. scheme=[10, 100, 1000]."
            )
        kwargs["bins"] = list(bins)
    elif scheme in ("fisher_jenks", "natural_breaks", "quantiles", "equal_interval", "max_breaks"):
        kwargs["k"] = max(1, min(k, np.unique(y).size))
    with warnings.catch_warnings():
        # FisherJenks falls back to pure Python without numba: fine for ~100 provinces.
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        return mapclassify.classify(y, SCHEMES[scheme], **kwargs)


def _choropleth_bounds(
    mapped: gpd.GeoDataFrame, border: gpd.GeoDataFrame
) -> tuple[float, float, float, float]:
    """The provinces with figures (0.2° around them) and the border (0.3° around it)."""
    bx = mapped.to_crs(config.GEOGRAPHIC_CRS).total_bounds
    db = default_bounds(border, pad_deg=0.3)
    return (
        min(bx[0] - 0.2, db[0]),
        min(bx[1] - 0.2, db[1]),
        max(bx[2] + 0.2, db[2]),
        max(bx[3] + 0.2, db[3]),
    )


def _class_handles(
    bins: Sequence[float], counts: np.ndarray, colours: np.ndarray, *, low: float
) -> list[Any]:
    """One legend patch per class: its bounds (by :mod:`scamgeo.fmt`) and its provinces."""
    lows = [low] + [float(b) for b in bins[:-1]]
    decimals = 0 if max(abs(float(b)) for b in bins) >= 10 else 2
    return [
        Patch(
            facecolor=colours[j],
            edgecolor=GREY,
            linewidth=0.4,
            label=f"{fmt.number(lows[j], decimals=decimals)} – "
            f"{fmt.number(float(bins[j]), decimals=decimals)}  ({int(counts[j])})",
        )
        for j in range(len(bins))
    ]


def assign_phase(dates: pd.Series, phase_starts: Mapping[str, Any] | pd.DataFrame) -> pd.Series:
    """The war phase of each date: the last phase whose start is on or before it.

    Parameters
    ----------
    dates : Series of dates
    phase_starts : mapping or DataFrame
        ``{phase: start date}`` with phases from :data:`scamgeo.config.PHASES`,
        or the timeline table (columns ``date`` and ``phase_starts``).

    Returns
    -------
    Series of str
        Named ``phase``, indexed like ``dates``; ``pre_war`` before the first
        start; None for a missing date. The same rule as
        :func:`scamgeo.stats.phase_of` (which returns an ordered categorical).

    Examples
    --------
    >>> import pandas as pd
    >>> from scamgeo import datasets, plots
    >>> dates = pd.Series(pd.to_datetime(['2025-07-25', '2025-12-10']))
    >>> plots.assign_phase(dates, datasets.timeline()).tolist()
    ['july_war', 'december_war']
    """
    if isinstance(phase_starts, pd.DataFrame):
        require_columns(phase_starts.columns, ["date", "phase_starts"], source="phase_starts")
    phase = phase_of(dates, timeline=phase_starts)
    return phase.astype(object).where(phase.notna(), None)


def phase_small_multiples(
    events: pd.DataFrame,
    *,
    phase_starts: Mapping[str, Any] | pd.DataFrame | None = None,
    phase_col: str = "phase",
    phases: Sequence[str] | None = None,
    sites: pd.DataFrame | None = None,
    ncols: int = 3,
    fig: Figure | None = None,
    frame: MapFrame | None = None,
) -> np.ndarray:
    """One small map of events per phase of the war, on a shared extent and legend.

    Parameters
    ----------
    events : DataFrame
        Events (``event_type``, ``event_date``, coordinates).
    phase_starts : mapping or DataFrame, optional
        Phase start dates (see :func:`assign_phase`); needed unless ``events``
        has ``phase_col``.
    phase_col : str, default "phase"
        Column holding each event's phase, if already assigned.
    phases : sequence of str, optional
        Phases to draw, in order (default: those present, in :data:`scamgeo.config.PHASES` order).
    sites : DataFrame, optional
        Sites drawn on every panel (names not written).
    ncols : int, default 3
        Panels per row.
    fig : Figure, optional
        Figure to draw in (default: a new one sized to the grid).
    frame : MapFrame, optional
        CRS, shared extent, reference layers and furniture: the scale bar,
        north arrow (and inset, if asked) go on the first panel, the legend
        below the panels and the title above them.

    Returns
    -------
    numpy.ndarray of Axes
        One per phase (the figure is ``axes[0].figure``); each axes has
        ``_scamgeo_phase`` and ``_scamgeo_n_events``.

    Examples
    --------
    >>> from scamgeo import datasets, plots
    >>> axes = plots.phase_small_multiples(datasets.events(), phase_starts=datasets.timeline())
    >>> [ax._scamgeo_phase for ax in axes]
    ['may_crisis', 'july_war', 'truce', 'december_war', 'post_ceasefire']
    """
    require_columns(events.columns, ["event_type"], source="events")
    frame = frame_of(frame)
    crs = frame.projection()
    phase = _event_phases(events, phase_starts=phase_starts, phase_col=phase_col)
    present = [p for p in config.PHASES if (phase == p).any()] + sorted(
        {str(p) for p in phase.dropna().unique()} - set(config.PHASES)
    )
    phases = list(phases) if phases is not None else present
    if not phases:
        raise ParameterError("no event has a phase; check the dates and phase_starts.")
    ncols = max(1, min(int(check_positive(ncols, name="ncols")), len(phases)))
    nrows = math.ceil(len(phases) / ncols)
    countries, provinces, border = frame.layers()
    if fig is None:
        fig = plt.figure(figsize=(2.6 * ncols + 0.2, 2.7 * nrows + 0.6), layout="constrained")
    with publication_style():
        grid = fig.subplots(nrows, ncols, squeeze=False)
        extent = frame.extent(border, crs)
        pts = points_in(
            events.assign(_phase=phase.to_numpy()), name="events", crs=crs, extent=extent
        )
        order = _type_order(pts["event_type"].astype("string").fillna("Unknown"))
        site_pts = (
            points_in(sites, name="sites", crs=crs, extent=extent) if sites is not None else None
        )
        axes = []
        handles: dict[str, Any] = {}
        base = {"countries": countries, "provinces": provinces, "border": border}
        for j, (ax, p) in enumerate(zip(grid.ravel(), phases, strict=False)):
            sub = pts[pts["_phase"] == p]
            drawn = _draw_panel(ax, sub, p, crs=crs, extent=extent, base=base, order=order)
            if site_pts is not None:
                drawn += _draw_sites(ax, site_pts, label_kinds=())
            for h in drawn:
                handles.setdefault(h.get_label().rsplit(" (", 1)[0], h)
            fit(ax, extent)
            if j == 0:
                furnish(ax, frame, crs=crs, countries=countries, compact=True)
            axes.append(ax)
        for ax in grid.ravel()[len(phases) :]:
            ax.set_visible(False)
        _figure_legend(fig, handles, frame)
    return np.array(axes, dtype=object)


def _draw_panel(
    ax: Axes,
    sub: pd.DataFrame,
    phase: str,
    *,
    crs: Any,
    extent: Any,
    base: dict[str, gpd.GeoDataFrame],
    order: list[str],
) -> list[Any]:
    """One phase's panel: the light base map, its events, its title; the handles drawn."""
    frame_map(ax, crs, extent)
    draw_base(ax, **base, crs=crs, light=True)
    drawn = _draw_events(ax, sub, order=order)
    ax.set_title(_panel_title(phase, sub), fontsize=8)
    mark(ax, "phase", phase)
    mark(ax, "n_events", len(sub))
    return drawn


def _figure_legend(fig: Figure, handles: dict[str, Any], frame: MapFrame) -> None:
    """One legend below the panels (event types, sites, the border) and the title above."""
    for label, handle in handles.items():
        handle.set_label(label)
    handles["Border"] = _border_handle(1.2)
    if frame.legend:
        fig.legend(
            handles=list(handles.values()),
            loc="outside lower center",
            ncols=min(4, len(handles)),
            frameon=False,
        )
    if frame.title:
        fig.suptitle(plain(frame.title))


def _event_phases(
    events: pd.DataFrame, *, phase_starts: Mapping[str, Any] | pd.DataFrame | None, phase_col: str
) -> pd.Series:
    """Each event's phase: its ``phase_col``, or its date's phase under ``phase_starts``."""
    if phase_col in events.columns:
        return events[phase_col].astype("string")
    if phase_starts is None:
        raise ParameterError(
            f"events has no {phase_col!r} column; pass phase_starts= (a mapping phase -> start date, "
            "or scamgeo.datasets.timeline())."
        )
    require_columns(events.columns, ["event_date"], source="events")
    return assign_phase(events["event_date"], phase_starts)


def _panel_title(phase: str, sub: pd.DataFrame) -> str:
    """A panel's phase label, its number of events and (when reported) the killed."""
    fat = (
        pd.to_numeric(sub["fatalities"], errors="coerce").sum()
        if "fatalities" in sub.columns
        else np.nan
    )
    extra = f", {fmt.count(fat)} killed" if np.isfinite(fat) and fat > 0 else ""
    return f"{PHASE_LABELS.get(phase, plain(phase))}\n{fmt.plural(len(sub), 'event')}{extra}"


# --- output ------------------------------------------------------------------------
