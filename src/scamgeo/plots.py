"""Static maps (matplotlib) for print and for briefs read as PDF.

Builders take their data first and an optional ``ax`` and return the axes;
they never show or save a figure (use :func:`save_figure`). Maps are drawn in
a metric CRS (UTM 48N by default, :data:`scamgeo.config.METRIC_CRS`) so the
scale bar is true; the scale bar is measured geodesically and the north
arrow points to *true* north at its position (grid north differs by up to a
few degrees in UTM).

Defaults are made for print: :data:`PUBLICATION_RC` (DejaVu Sans, small
sizes, text kept as text in SVG and PDF), the colour-blind-safe Okabe–Ito
palette for event types, a shape *and* a colour per site kind, and the
perceptually uniform ``cividis`` map for choropleths. Vector output: save as
``svg`` or ``pdf``.

Every artist a builder adds carries a ``gid`` (``"countries"``,
``"provinces"``, ``"border"``, ``"events:<type>"``, ``"sites:<kind>"``,
``"choropleth"``, ``"scale-bar"``, ``"north-arrow"``, ``"inset-locator"``),
which SVG output keeps as element ids.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyproj
import shapely
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from . import config
from ._errors import CRSError, DataSourceError, ParameterError
from ._files import atomic_target
from ._validate import check_choice, check_positive, require_columns
from .maps._style import (
    OKABE_ITO,
    OTHER_COLOR,
    PHASE_LABELS,
    SITE_KIND_LABELS,
    SITE_KIND_STYLE,
    event_type_color,
)
from .schema import EVENT_TYPES, SITE_KINDS

__all__ = [
    "PUBLICATION_RC",
    "SCHEMES",
    "add_inset_locator",
    "add_north_arrow",
    "add_scale_bar",
    "assign_phase",
    "choropleth_map",
    "overview_map",
    "phase_small_multiples",
    "publication_style",
    "save_figure",
]

logger = logging.getLogger(__name__)

#: Matplotlib settings for print: small sans-serif text kept as text in SVG/PDF, 300 dpi raster.
PUBLICATION_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "legend.fontsize": 7.5,
    "legend.title_fontsize": 8,
    "legend.frameon": True,
    "legend.framealpha": 0.92,
    "legend.edgecolor": "#bbbbbb",
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO.values())[1:] + ["#000000"]),
    "image.cmap": "cividis",
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.04,
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
}

#: Classification schemes of :func:`choropleth_map` (mapclassify classes).
SCHEMES = {
    "fisher_jenks": "FisherJenks",
    "natural_breaks": "NaturalBreaks",
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "headtail_breaks": "HeadTailBreaks",
    "max_breaks": "MaximumBreaks",
    "std_mean": "StdMean",
    "box_plot": "BoxPlot",
    "user_defined": "UserDefined",
}

_COUNTRY_FILL = "#f3efe6"
_OUTSIDE_FILL = "#e6e6e6"
_EDGE = "#8c8c8c"
_PROVINCE_EDGE = "#b5b5b5"
_BORDER_COLOR = "#222222"
_NO_DATA = "#d9d9d9"
_GEOD = pyproj.Geod(ellps="WGS84")


def publication_style() -> AbstractContextManager:
    """A context in which matplotlib uses :data:`PUBLICATION_RC` (``with publication_style(): ...``)."""
    return mpl.rc_context(PUBLICATION_RC)


def _plain(text: Any) -> str:
    """Data text for matplotlib: ``$`` would start mathtext, so escape it."""
    return (
        ""
        if text is None or (not isinstance(text, str) and pd.isna(text))
        else str(text).replace("$", r"\$")
    )


# --- CRS and geometry helpers ------------------------------------------------------


def _check_crs(crs: Any) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise CRSError(
            f"crs={crs!r} is not a CRS pyproj understands (e.g. 'EPSG:32648')."
        ) from None


def _ax_crs(ax: Axes, crs: Any) -> pyproj.CRS:
    if crs is not None:
        return _check_crs(crs)
    stored = getattr(ax, "_scamgeo_crs", None)
    if stored is None:
        raise CRSError(
            "the axes do not say which CRS they are drawn in; pass crs= (e.g. scamgeo.config.METRIC_CRS) "
            "or draw them with a scamgeo.plots builder."
        )
    return stored


def _to_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, crs: pyproj.CRS, *, name: str):
    if frame.crs is None:
        raise CRSError(
            f"{name} has no CRS; set it (e.g. .set_crs('EPSG:4326')) — scamgeo never guesses a CRS."
        )
    return frame.to_crs(crs)


def _points(frame: pd.DataFrame, crs: pyproj.CRS, *, name: str) -> gpd.GeoDataFrame:
    """``frame`` as located points in ``crs`` (geometry, else latitude/longitude)."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{name} must be a (Geo)DataFrame, got {type(frame).__name__}.")
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        gdf = _to_crs(frame, crs, name=name)
        geoms = gdf.geometry.to_numpy()
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        gdf = gdf[ok]
        pts = gdf.geometry.to_numpy()
        not_point = shapely.get_type_id(pts) != 0
        if not_point.any():
            pts = np.where(not_point, shapely.point_on_surface(pts), pts)
        x, y = shapely.get_x(pts), shapely.get_y(pts)
        out = gpd.GeoDataFrame(
            pd.DataFrame(gdf.drop(columns=gdf.geometry.name)),
            geometry=gpd.points_from_xy(x, y),
            crs=crs,
        )
    else:
        require_columns(frame.columns, ["latitude", "longitude"], source=name)
        lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        ok = np.isfinite(lon) & np.isfinite(lat)
        out = gpd.GeoDataFrame(
            pd.DataFrame(frame)[ok],
            geometry=gpd.points_from_xy(lon[ok], lat[ok]),
            crs=config.GEOGRAPHIC_CRS,
        ).to_crs(crs)
    ok = np.isfinite(out.geometry.x.to_numpy()) & np.isfinite(out.geometry.y.to_numpy())
    if not ok.all() or len(out) < len(frame):
        logger.info(
            "%s: %d rows without coordinates are not drawn", name, len(frame) - int(ok.sum())
        )
    return out[ok]


def _extent(bounds_lonlat: Sequence[float], crs: pyproj.CRS) -> tuple[float, float, float, float]:
    """Bounds of a lon/lat box in ``crs`` (the box densified, so curved edges count)."""
    box = shapely.segmentize(shapely.box(*bounds_lonlat), 0.05)
    return tuple(gpd.GeoSeries([box], crs=config.GEOGRAPHIC_CRS).to_crs(crs).total_bounds)


def _within(pts: gpd.GeoDataFrame, extent: Sequence[float], *, name: str) -> gpd.GeoDataFrame:
    """Only the points inside the map (so legend counts are what the reader sees)."""
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    inside = (x >= extent[0]) & (x <= extent[2]) & (y >= extent[1]) & (y <= extent[3])
    if not inside.all():
        logger.info(
            "%s: %d of %d points fall outside the map extent", name, int((~inside).sum()), len(pts)
        )
    return pts[inside]


def _clear_labels(ax: Axes) -> None:
    ax.set_xlabel("")
    ax.set_ylabel("")


def _default_bounds(
    border: gpd.GeoDataFrame, pad_deg: float = 0.6
) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = border.to_crs(config.GEOGRAPHIC_CRS).total_bounds
    return (minx - pad_deg, miny - pad_deg, maxx + pad_deg, maxy + pad_deg)


def _new_ax(ax: Axes | None, *, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        if not isinstance(ax, Axes):
            raise ParameterError(f"ax must be a matplotlib Axes, got {type(ax).__name__}.")
        return ax
    fig = plt.figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def _tag_new(ax: Axes, before: int, gid: str) -> None:
    for artist in ax.collections[before:]:
        artist.set_gid(gid)


def _frame_map(ax: Axes, crs: pyproj.CRS, extent: tuple[float, float, float, float]) -> None:
    ax._scamgeo_crs = crs
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    if crs.is_geographic:
        mid = math.radians((extent[1] + extent[3]) / 2)
        ax.set_aspect(1 / max(math.cos(mid), 0.1), adjustable="box")
    else:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#dfeaf2")  # sea
    for spine in ax.spines.values():
        spine.set_edgecolor("#777777")
        spine.set_linewidth(0.6)


def _reference(countries, provinces, border):
    from . import datasets

    return (
        datasets.countries() if countries is None else countries,
        datasets.provinces() if provinces is None else provinces,
        datasets.border() if border is None else border,
    )


def _draw_base(
    ax: Axes, *, countries, provinces, border, crs: pyproj.CRS, light: bool = False
) -> None:
    c = _to_crs(countries, crs, name="countries")
    inside = (
        c["in_region"].fillna(False).astype(bool)
        if "in_region" in c.columns
        else pd.Series(True, index=c.index)
    )
    before = len(ax.collections)
    if (~inside).any():
        c[~inside].plot(ax=ax, color=_OUTSIDE_FILL, edgecolor=_EDGE, linewidth=0.4, zorder=1)
    c[inside].plot(ax=ax, color=_COUNTRY_FILL, edgecolor=_EDGE, linewidth=0.5, zorder=1)
    _tag_new(ax, before, "countries")
    before = len(ax.collections)
    _to_crs(provinces, crs, name="provinces").plot(
        ax=ax,
        facecolor="none",
        edgecolor=_PROVINCE_EDGE,
        linewidth=0.25 if light else 0.35,
        zorder=2,
    )
    _tag_new(ax, before, "provinces")
    before = len(ax.collections)
    _to_crs(border, crs, name="border").plot(
        ax=ax, color=_BORDER_COLOR, linewidth=1.0 if light else 1.3, linestyle=(0, (4, 2)), zorder=3
    )
    _tag_new(ax, before, "border")


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
            edgecolors="#222222",
            linewidths=0.3,
            alpha=0.85,
            zorder=5,
            gid=f"events:{t}",
            label=f"{_plain(t)} ({int(sel.sum())})",
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor=color,
                markeredgecolor="#222222",
                markeredgewidth=0.4,
                markersize=5,
                label=f"{_plain(t)} ({int(sel.sum())})",
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
        style = SITE_KIND_STYLE.get(kind, {"marker": "o", "color": OTHER_COLOR, "size": 6})
        sel = (kinds == kind).to_numpy()
        x, y = pts.geometry.x.to_numpy()[sel], pts.geometry.y.to_numpy()[sel]
        ax.scatter(
            x,
            y,
            marker=style["marker"],
            s=float(style["size"]) ** 2,
            c=style["color"],
            edgecolors="#222222",
            linewidths=0.6,
            zorder=6,
            gid=f"sites:{kind}",
        )
        label = SITE_KIND_LABELS.get(kind, _plain(kind))
        handles.append(
            Line2D(
                [],
                [],
                marker=style["marker"],
                linestyle="",
                markerfacecolor=style["color"],
                markeredgecolor="#222222",
                markersize=float(style["size"]) * 0.8,
                label=f"{label} ({int(sel.sum())})",
            )
        )
        if kind in label_kinds and "name" in pts.columns:
            for xi, yi, name in zip(x, y, pts["name"].to_numpy()[sel], strict=True):
                ax.annotate(
                    _plain(name),
                    (xi, yi),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=6.5,
                    zorder=7,
                    color="#111111",
                    gid=f"site-label:{kind}",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                )
    return handles


# --- map furniture ---------------------------------------------------------------


def _nice_km(target: float) -> float:
    if target <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(target))
    return max(v * exp for v in (1, 2, 5, 10) if v * exp <= target * 1.0001)


def _geodesic_km(crs: pyproj.CRS, x0: float, y0: float, x1: float, y1: float) -> float:
    to_ll = pyproj.Transformer.from_crs(crs, config.GEOGRAPHIC_CRS, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_ll.transform([x0, x1], [y0, y1])
    return _GEOD.inv(lon0, lat0, lon1, lat1)[2] / 1000.0


def add_scale_bar(
    ax: Axes,
    *,
    length_km: float | None = None,
    crs: Any = None,
    location: tuple[float, float] = (0.04, 0.04),
    segments: int = 2,
) -> Axes:
    """Draw a scale bar whose length is measured geodesically (true km on the ground).

    Parameters
    ----------
    ax : matplotlib Axes
        A map with its final limits set.
    length_km : float, optional
        Length of the bar; default a round number near a fifth of the map width.
    crs : str or pyproj.CRS, optional
        CRS the axes are drawn in (default: the one a scamgeo builder recorded).
    location : (float, float)
        Left end of the bar in axes fractions.
    segments : int, default 2
        Alternating black and white blocks.

    Returns
    -------
    Axes
        ``ax``; the bar's artists have ``gid="scale-bar"``, and
        ``ax._scamgeo_scale_bar`` records ``length_km`` and its end points.
    """
    crs = _ax_crs(ax, crs)
    segments = int(check_positive(segments, name="segments"))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bx = x0 + location[0] * (x1 - x0)
    by = y0 + location[1] * (y1 - y0)
    probe = 0.01 * (x1 - x0)
    km_per_unit = _geodesic_km(crs, bx, by, bx + probe, by) / probe
    if length_km is None:
        length_km = _nice_km(0.22 * (x1 - x0) * km_per_unit)
    length_km = check_positive(length_km, name="length_km")
    width = length_km / km_per_unit
    for _ in range(4):  # refine: projections are not linear over the bar's length
        width *= length_km / _geodesic_km(crs, bx, by, bx + width, by)
    height = 0.012 * (y1 - y0)
    step = width / segments
    for k in range(segments):
        ax.add_patch(
            Rectangle(
                (bx + k * step, by),
                step,
                height,
                facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=20,
                gid="scale-bar",
            )
        )
    ticks = [0, length_km / 2, length_km] if segments % 2 == 0 else [0, length_km]
    for km in ticks:
        ax.text(
            bx + width * km / length_km,
            by + height * 1.6,
            f"{km:g}" + (" km" if km == length_km else ""),
            ha="center",
            va="bottom",
            fontsize=7,
            zorder=20,
            gid="scale-bar",
            bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.6},
        )
    ax._scamgeo_scale_bar = {"length_km": float(length_km), "x0": bx, "x1": bx + width, "y": by}
    return ax


def add_north_arrow(
    ax: Axes,
    *,
    crs: Any = None,
    location: tuple[float, float] = (0.06, 0.86),
    length: float = 0.08,
) -> Axes:
    """Draw an arrow to true north at ``location`` (axes fractions).

    In a projected CRS grid north and true north differ (in UTM by the
    meridian convergence); the arrow is turned to true north at its own
    position, and ``ax._scamgeo_north_deg`` records the angle from the
    axes' vertical (positive = clockwise).

    Returns
    -------
    Axes
        ``ax``; the arrow and its "N" have ``gid="north-arrow"``.
    """
    crs = _ax_crs(ax, crs)
    length = check_positive(length, name="length")
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    px, py = x0 + location[0] * (x1 - x0), y0 + location[1] * (y1 - y0)
    to_ll = pyproj.Transformer.from_crs(crs, config.GEOGRAPHIC_CRS, always_xy=True)
    from_ll = pyproj.Transformer.from_crs(config.GEOGRAPHIC_CRS, crs, always_xy=True)
    lon, lat = to_ll.transform(px, py)
    nx, ny = from_ll.transform(lon, min(lat + 0.05, 89.9))
    # direction in display space, so unequal axis scales do not skew it
    disp = ax.transData.transform([(px, py), (nx, ny)])
    dx, dy = disp[1] - disp[0]
    angle = math.degrees(math.atan2(dx, dy))
    ax._scamgeo_north_deg = angle
    rad = math.radians(angle)
    tip = (location[0] + length * math.sin(rad) * 0.75, location[1] + length * math.cos(rad))
    ax.annotate(
        "",
        xy=tip,
        xytext=location,
        xycoords="axes fraction",
        textcoords="axes fraction",
        zorder=20,
        arrowprops={
            "arrowstyle": "-|>,head_length=0.6,head_width=0.3",
            "color": "black",
            "linewidth": 1.4,
        },
        gid="north-arrow",
    )
    ax.text(
        tip[0],
        tip[1] + 0.01,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        zorder=20,
        gid="north-arrow",
    )
    return ax


def add_inset_locator(
    ax: Axes,
    *,
    countries: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    bounds: Sequence[float] | None = None,
    rect: Sequence[float] = (0.70, 0.64, 0.29, 0.35),
) -> Axes:
    """Add a small locator map of the region with the main map's extent outlined.

    Parameters
    ----------
    ax : Axes
        The main map (limits set).
    countries : GeoDataFrame, optional
        Countries to draw (default: the embedded region countries).
    crs : optional
        CRS of ``ax`` (default: recorded by the builder).
    bounds : (min lon, min lat, max lon, max lat), optional
        Extent of the locator (default: mainland Southeast Asia, 97–110 E, 5–21 N).
    rect : (x, y, width, height)
        Position of the inset in axes fractions.

    Returns
    -------
    Axes
        The inset axes (``gid="inset-locator"``).
    """
    from . import datasets

    crs = _ax_crs(ax, crs)
    countries = datasets.countries() if countries is None else countries
    inset = ax.inset_axes(list(rect))
    inset.set_gid("inset-locator")
    extent = _extent(bounds or (97.0, 5.0, 110.0, 21.0), crs)
    c = _to_crs(countries, crs, name="countries")
    inside = (
        c["in_region"].fillna(False).astype(bool)
        if "in_region" in c.columns
        else pd.Series(True, index=c.index)
    )
    c[~inside].plot(ax=inset, color=_OUTSIDE_FILL, edgecolor="#999999", linewidth=0.2)
    c[inside].plot(ax=inset, color=_COUNTRY_FILL, edgecolor="#777777", linewidth=0.3)
    if "iso3" in c.columns:
        c[c["iso3"].isin(["THA", "KHM"])].plot(
            ax=inset, color="#d9cdb4", edgecolor="#555555", linewidth=0.3
        )
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inset.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            facecolor="none",
            edgecolor=OKABE_ITO["vermillion"],
            linewidth=1.2,
            zorder=5,
            gid="inset-extent",
        )
    )
    _frame_map(inset, crs, extent)
    _clear_labels(inset)
    inset.set_facecolor("#eef4f8")
    return inset


# --- builders ----------------------------------------------------------------------


def overview_map(
    events: pd.DataFrame | None = None,
    *,
    sites: pd.DataFrame | None = None,
    ax: Axes | None = None,
    crs: Any = config.METRIC_CRS,
    bounds: Sequence[float] | None = None,
    countries: gpd.GeoDataFrame | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
    label_kinds: Sequence[str] = ("casino_hub",),
    scale_bar: bool = True,
    north_arrow: bool = True,
    inset: bool = True,
    legend: bool = True,
    title: str | None = None,
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
    crs : default :data:`scamgeo.config.METRIC_CRS`
        CRS to draw in (a metric CRS keeps distances and the scale bar true).
    bounds : (min lon, min lat, max lon, max lat), optional
        Extent (default: the Thailand–Cambodia border with 0.6° around it).
    countries, provinces, border : GeoDataFrame, optional
        Reference geography (default: the embedded Natural Earth layers).
    label_kinds : sequence of str
        Site kinds whose names are written on the map.
    scale_bar, north_arrow, inset, legend : bool
        Map furniture to add.
    title : str, optional
        Axes title.

    Returns
    -------
    Axes
    """
    crs = _check_crs(crs)
    countries, provinces, border = _reference(countries, provinces, border)
    ax = _new_ax(ax, figsize=(7.0, 6.0))
    extent = _extent(bounds or _default_bounds(border), crs)
    with publication_style():
        _frame_map(ax, crs, extent)
        _draw_base(ax, countries=countries, provinces=provinces, border=border, crs=crs)
        handles: list[Any] = []
        if events is not None:
            require_columns(events.columns, ["event_type"], source="events")
            handles += _draw_events(
                ax, _within(_points(events, crs, name="events"), extent, name="events")
            )
        if sites is not None:
            require_columns(sites.columns, ["kind"], source="sites")
            handles += _draw_sites(
                ax,
                _within(_points(sites, crs, name="sites"), extent, name="sites"),
                label_kinds=label_kinds,
            )
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        _clear_labels(ax)
        handles.append(
            Line2D(
                [], [], color=_BORDER_COLOR, linestyle=(0, (4, 2)), linewidth=1.3, label="Border"
            )
        )
        if legend:
            ax.legend(handles=handles, loc="lower right", title="Legend", borderaxespad=0.4)
        if title:
            ax.set_title(_plain(title))
        if scale_bar:
            add_scale_bar(ax, crs=crs)
        if north_arrow:
            add_north_arrow(ax, crs=crs)
        if inset:
            add_inset_locator(ax, countries=countries, crs=crs)
    return ax


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
    provinces: gpd.GeoDataFrame | None = None,
    scheme: str = "fisher_jenks",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str = "cividis_r",
    ax: Axes | None = None,
    crs: Any = config.METRIC_CRS,
    bounds: Sequence[float] | None = None,
    countries: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
    legend_title: str | None = None,
    fmt: str = "{:,.0f}",
    scale_bar: bool = True,
    north_arrow: bool = True,
    inset: bool = False,
    title: str | None = None,
) -> Axes:
    """Province choropleth with classes (mapclassify) and a classed legend.

    Parameters
    ----------
    values : Series or DataFrame or GeoDataFrame
        A Series indexed by ISO 3166-2 code (``"TH-27"``); a DataFrame with an
        ``admin1_code`` column and ``column``; or province polygons with ``column``.
    column : str, optional
        The column to map (for DataFrames).
    provinces : GeoDataFrame, optional
        Province polygons keyed by ``iso_3166_2`` (default: the embedded ones).
    scheme : str, default "fisher_jenks"
        One of :data:`SCHEMES` (``user_defined`` needs ``bins``).
    k : int, default 5
        Number of classes (lowered to the number of distinct values if fewer).
    bins : sequence of float, optional
        Upper bounds of classes for ``scheme="user_defined"``.
    cmap : str, default "cividis_r"
        A perceptually uniform, colour-blind-safe colour map.
    legend_title : str, optional
        Default: the column or Series name.
    fmt : str
        Format of class bounds in the legend.

    Returns
    -------
    Axes
        Polygons with ``gid="choropleth"``; ``ax._scamgeo_classes`` holds the
        class upper bounds and counts.
    """
    import mapclassify

    check_choice(scheme, list(SCHEMES), name="scheme")
    k = int(check_positive(k, name="k"))
    crs = _check_crs(crs)
    countries, provinces, border = _reference(countries, provinces, border)
    data, label = _province_values(values, column=column, provinces=provinces)
    y = data["_value"].to_numpy(dtype=float)
    have = np.isfinite(y)
    if not have.any():
        raise ParameterError("values has no number for any province; nothing to map.")
    distinct = np.unique(y[have]).size
    kwargs: dict[str, Any] = {}
    if scheme == "user_defined":
        if bins is None:
            raise ParameterError("scheme='user_defined' needs bins= (upper bounds of the classes).")
        kwargs["bins"] = list(bins)
    elif scheme in ("fisher_jenks", "natural_breaks", "quantiles", "equal_interval", "max_breaks"):
        kwargs["k"] = max(1, min(k, distinct))
    with warnings.catch_warnings():
        # FisherJenks falls back to pure Python without numba: fine for ~100 provinces.
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        classifier = getattr(mapclassify, SCHEMES[scheme])(y[have], **kwargs)
    n_classes = len(classifier.bins)
    colours = mpl.colormaps[cmap].resampled(max(n_classes, 2))(
        np.linspace(0, 1, max(n_classes, 2))
    )[:n_classes]
    cls = np.full(len(y), -1)
    cls[have] = classifier.yb

    ax = _new_ax(ax, figsize=(6.5, 6.0))
    if bounds is None:  # the provinces with figures, and the border
        bx = data[have].to_crs(config.GEOGRAPHIC_CRS).total_bounds
        db = _default_bounds(border, pad_deg=0.3)
        bounds = (
            min(bx[0] - 0.2, db[0]),
            min(bx[1] - 0.2, db[1]),
            max(bx[2] + 0.2, db[2]),
            max(bx[3] + 0.2, db[3]),
        )
    extent = _extent(bounds, crs)
    with publication_style():
        _frame_map(ax, crs, extent)
        c = _to_crs(countries, crs, name="countries")
        before = len(ax.collections)
        c.plot(ax=ax, color=_OUTSIDE_FILL, edgecolor=_EDGE, linewidth=0.4, zorder=1)
        _tag_new(ax, before, "countries")
        proj = _to_crs(data, crs, name="provinces")
        before = len(ax.collections)
        if (~have).any():
            proj[~have].plot(
                ax=ax, facecolor=_NO_DATA, edgecolor="white", linewidth=0.3, hatch="///", zorder=2
            )
        for j in range(n_classes):
            sel = cls == j
            if sel.any():
                proj[sel].plot(
                    ax=ax, facecolor=colours[j], edgecolor="white", linewidth=0.3, zorder=2
                )
        _tag_new(ax, before, "choropleth")
        before = len(ax.collections)
        _to_crs(border, crs, name="border").plot(
            ax=ax, color=_BORDER_COLOR, linewidth=1.2, linestyle=(0, (4, 2)), zorder=3
        )
        _tag_new(ax, before, "border")
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        _clear_labels(ax)
        lows = [float(np.nanmin(y[have]))] + [float(b) for b in classifier.bins[:-1]]
        counts = np.bincount(classifier.yb, minlength=n_classes)
        handles = [
            Patch(
                facecolor=colours[j],
                edgecolor="#777777",
                linewidth=0.4,
                label=f"{fmt.format(lows[j])} – {fmt.format(float(classifier.bins[j]))}  ({int(counts[j])})",
            )
            for j in range(n_classes)
        ]
        if (~have).any():
            handles.append(
                Patch(
                    facecolor=_NO_DATA,
                    edgecolor="white",
                    hatch="///",
                    label="No data",
                )
            )
        ax.legend(handles=handles, title=_plain(legend_title or label), loc="lower right")
        ax._scamgeo_classes = {
            "bins": [float(b) for b in classifier.bins],
            "counts": counts.tolist(),
            "scheme": scheme,
        }
        if title:
            ax.set_title(_plain(title))
        if scale_bar:
            add_scale_bar(ax, crs=crs)
        if north_arrow:
            add_north_arrow(ax, crs=crs)
        if inset:
            add_inset_locator(ax, countries=countries, crs=crs)
    return ax


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
        Named ``phase``, indexed like ``dates``; ``pre_war`` before the first start.
    """
    if isinstance(phase_starts, pd.DataFrame):
        require_columns(phase_starts.columns, ["date", "phase_starts"], source="phase_starts")
        rows = phase_starts.dropna(subset=["phase_starts"])
        starts = dict(
            zip(rows["phase_starts"].astype(str), pd.to_datetime(rows["date"]), strict=True)
        )
    else:
        starts = {str(p): pd.Timestamp(d) for p, d in phase_starts.items()}
    for phase in starts:
        check_choice(phase, config.PHASES, name="phase_starts")
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    d = pd.to_datetime(dates, errors="coerce")
    out = pd.Series("pre_war", index=dates.index, name="phase", dtype=object)
    for phase, start in ordered:
        out[d >= start] = phase
    out[d.isna()] = None
    return out


def phase_small_multiples(
    events: pd.DataFrame,
    *,
    phase_starts: Mapping[str, Any] | pd.DataFrame | None = None,
    phase_col: str = "phase",
    phases: Sequence[str] | None = None,
    sites: pd.DataFrame | None = None,
    ncols: int = 3,
    fig: Figure | None = None,
    crs: Any = config.METRIC_CRS,
    bounds: Sequence[float] | None = None,
    countries: gpd.GeoDataFrame | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
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

    Returns
    -------
    numpy.ndarray of Axes
        One per phase (the figure is ``axes[0].figure``); each axes has
        ``_scamgeo_phase`` and ``_scamgeo_n_events``.
    """
    require_columns(events.columns, ["event_type"], source="events")
    crs = _check_crs(crs)
    if phase_col in events.columns:
        phase = events[phase_col].astype("string")
    elif phase_starts is not None:
        require_columns(events.columns, ["event_date"], source="events")
        phase = assign_phase(events["event_date"], phase_starts)
    else:
        raise ParameterError(
            f"events has no {phase_col!r} column; pass phase_starts= (a mapping phase -> start date, "
            "or scamgeo.datasets.timeline())."
        )
    present = [p for p in config.PHASES if (phase == p).any()] + sorted(
        {str(p) for p in phase.dropna().unique()} - set(config.PHASES)
    )
    phases = list(phases) if phases is not None else present
    if not phases:
        raise ParameterError("no event has a phase; check the dates and phase_starts.")
    ncols = max(1, min(int(check_positive(ncols, name="ncols")), len(phases)))
    nrows = math.ceil(len(phases) / ncols)
    countries, provinces, border = _reference(countries, provinces, border)
    if fig is None:
        fig = plt.figure(figsize=(2.6 * ncols + 0.2, 2.7 * nrows + 0.6), layout="constrained")
    with publication_style():
        grid = fig.subplots(nrows, ncols, squeeze=False)
        extent = _extent(bounds or _default_bounds(border), crs)
        pts = _within(
            _points(events.assign(_phase=phase.to_numpy()), crs, name="events"),
            extent,
            name="events",
        )
        order = _type_order(pts["event_type"].astype("string").fillna("Unknown"))
        site_pts = (
            _within(_points(sites, crs, name="sites"), extent, name="sites")
            if sites is not None
            else None
        )
        axes = []
        handles: dict[str, Any] = {}
        for j, (ax, p) in enumerate(zip(grid.ravel(), phases, strict=False)):
            _frame_map(ax, crs, extent)
            _draw_base(
                ax, countries=countries, provinces=provinces, border=border, crs=crs, light=True
            )
            sub = pts[pts["_phase"] == p]
            for h in _draw_events(ax, sub, order=order):
                handles.setdefault(h.get_label().rsplit(" (", 1)[0], h)
            if site_pts is not None:
                for h in _draw_sites(ax, site_pts, label_kinds=()):
                    handles.setdefault(h.get_label().rsplit(" (", 1)[0], h)
            ax.set_xlim(extent[0], extent[2])
            ax.set_ylim(extent[1], extent[3])
            _clear_labels(ax)
            fat = (
                pd.to_numeric(sub["fatalities"], errors="coerce").sum()
                if "fatalities" in sub.columns
                else np.nan
            )
            extra = f", {int(fat):,} killed" if np.isfinite(fat) and fat > 0 else ""
            ax.set_title(
                f"{PHASE_LABELS.get(p, _plain(p))}\n{len(sub):,} events{extra}", fontsize=8
            )
            ax._scamgeo_phase = p
            ax._scamgeo_n_events = len(sub)
            if j == 0:
                add_scale_bar(ax, crs=crs, segments=1)
                add_north_arrow(ax, crs=crs, location=(0.08, 0.8), length=0.1)
            axes.append(ax)
        for ax in grid.ravel()[len(phases) :]:
            ax.set_visible(False)
        for t, h in handles.items():
            h.set_label(t)
        handles["Border"] = Line2D(
            [], [], color=_BORDER_COLOR, linestyle=(0, (4, 2)), linewidth=1.2, label="Border"
        )
        fig.legend(
            handles=list(handles.values()),
            loc="outside lower center",
            ncols=min(4, len(handles)),
            frameon=False,
        )
    return np.array(axes, dtype=object)


# --- output ------------------------------------------------------------------------


def save_figure(
    fig: Figure,
    path: str | os.PathLike,
    *,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 300,
) -> list[Path]:
    """Save ``fig`` once per format (``path`` without or with any suffix), atomically.

    Parameters
    ----------
    fig : matplotlib Figure
    path : str or path-like
        Output path; its suffix is replaced by each format's.
    formats : sequence of {"png", "svg", "pdf", "eps", "jpg", "tif"}
        ``svg``, ``pdf`` and ``eps`` are vector output (text stays text).
    dpi : int, default 300
        Resolution of raster formats.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.
    """
    if isinstance(fig, Axes):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise ParameterError(f"fig must be a matplotlib Figure, got {type(fig).__name__}.")
    allowed = ("png", "svg", "pdf", "eps", "jpg", "tif")
    formats = [formats] if isinstance(formats, str) else list(formats)
    for f in formats:
        check_choice(f, allowed, name="formats")
    base = Path(path)
    base = base.with_suffix("") if base.suffix.lstrip(".") in allowed else base
    written = []
    with publication_style():
        for f in formats:
            out = base.with_name(f"{base.name}.{f}")
            try:
                with atomic_target(out) as tmp:
                    fig.savefig(tmp, format=f, dpi=dpi, metadata=_metadata(f))
            except OSError as exc:
                raise DataSourceError(
                    f"save_figure: cannot write {out}: {exc.strerror or exc}."
                ) from None
            written.append(out)
    return written


def _metadata(fmt: str) -> dict[str, Any] | None:
    """Reproducible files: no creation date in SVG/PDF."""
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    if fmt == "png":
        return {"Software": None}
    return None
