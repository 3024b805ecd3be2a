"""Map furniture for static maps: style, CRS helpers, base layers, scale bar, north arrow, inset."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, cast

import geopandas as gpd
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyproj
import shapely
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from .. import config, fmt
from .._errors import CRSError, ParameterError
from .._validate import check_positive
from ..style import (
    BASE_MAP,
    GREY,
    GREY_LIGHT,
    GREY_PALE,
    INK_MUTED,
    OKABE_ITO,
)

__all__ = [
    "BORDER_COLOR",
    "COUNTRY_FILL",
    "EDGE",
    "GEOD",
    "NO_DATA",
    "OUTSIDE_FILL",
    "PROVINCE_EDGE",
    "PUBLICATION_RC",
    "SCHEMES",
    "add_inset_locator",
    "free_corner",
    "add_north_arrow",
    "add_scale_bar",
    "ax_crs",
    "check_crs",
    "clear_labels",
    "default_bounds",
    "draw_base",
    "frame_map",
    "geodesic_km",
    "lonlat_extent",
    "mark",
    "marked",
    "new_ax",
    "nice_km",
    "plain",
    "publication_style",
    "reference",
    "tag_new",
    "to_crs",
    "within",
]


logger = logging.getLogger("scamgeo.plots")


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
    "legend.edgecolor": GREY_PALE,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO.values())[1:] + [OKABE_ITO["black"]]),
    "image.cmap": "cividis",
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.04,
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
}

#: Classification schemes of :func:`choropleth_map`: name -> ``mapclassify.classify`` scheme.
SCHEMES = {
    "fisher_jenks": "fisher_jenks",
    "natural_breaks": "natural_breaks",
    "quantiles": "quantiles",
    "equal_interval": "equal_interval",
    "headtail_breaks": "headtail_breaks",
    "max_breaks": "maximum_breaks",
    "std_mean": "std_mean",
    "box_plot": "box_plot",
    "user_defined": "user_defined",
}

COUNTRY_FILL = BASE_MAP["land"]
OUTSIDE_FILL = BASE_MAP["land_outside"]
EDGE = BASE_MAP["country_edge"]
PROVINCE_EDGE = BASE_MAP["province_edge"]
BORDER_COLOR = BASE_MAP["border"]
NO_DATA = BASE_MAP["no_data"]
GEOD = pyproj.Geod(ellps="WGS84")


def publication_style() -> AbstractContextManager:
    """A context in which matplotlib uses :data:`PUBLICATION_RC` (``with publication_style(): ...``).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from scamgeo import plots
    >>> with plots.publication_style():
    ...     size = mpl.rcParams['font.size']
    ...
    >>> size == plots.PUBLICATION_RC['font.size']
    True
    """
    # matplotlib's stubs want rc keys typed as its RcKeyType Literal, which matplotlib 3.8
    # (the oldest scamgeo supports) does not export; the keys above are all valid rc names.
    return mpl.rc_context(cast(Any, PUBLICATION_RC))


def plain(text: Any) -> str:
    """Data text for matplotlib: ``$`` would start mathtext, so escape it."""
    return (
        ""
        if text is None or (not isinstance(text, str) and pd.isna(text))
        else str(text).replace("$", r"\$")
    )


# --- facts recorded on the axes ------------------------------------------------------


def mark(ax: Axes, name: str, value: object) -> None:
    """Record a fact about a drawn map on its axes, as ``ax._scamgeo_<name>``.

    The builders record the CRS, the scale bar, the north arrow's angle, the
    classes of a choropleth and a panel's phase, so that later furniture (and
    tests, and readers) can ask the axes rather than recompute them.
    """
    setattr(ax, f"_scamgeo_{name}", value)


def marked(ax: Axes, name: str) -> Any:
    """A fact recorded by :func:`mark` (``None`` if the axes do not have it)."""
    return getattr(ax, f"_scamgeo_{name}", None)


# --- CRS and geometry helpers ------------------------------------------------------


def check_crs(crs: Any) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise CRSError(
            f"crs={crs!r} is not a CRS pyproj understands (e.g. 'EPSG:32648')."
        ) from None


def ax_crs(ax: Axes, crs: Any) -> pyproj.CRS:
    if crs is not None:
        return check_crs(crs)
    stored = marked(ax, "crs")
    if not isinstance(stored, pyproj.CRS):
        raise CRSError(
            "the axes do not say which CRS they are drawn in; pass crs= (e.g. scamgeo.config.METRIC_CRS) "
            "or draw them with a scamgeo.plots builder."
        )
    return stored


def to_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, crs: pyproj.CRS, *, name: str):
    if frame.crs is None:
        raise CRSError(
            f"{name} has no CRS; set it (e.g. .set_crs('EPSG:4326')) — scamgeo never guesses a CRS."
        )
    return frame.to_crs(crs)


def lonlat_extent(
    bounds_lonlat: Sequence[float], crs: pyproj.CRS
) -> tuple[float, float, float, float]:
    """Bounds of a lon/lat box in ``crs`` (the box densified, so curved edges count)."""
    box = shapely.segmentize(shapely.box(*bounds_lonlat), 0.05)
    return tuple(gpd.GeoSeries([box], crs=config.GEOGRAPHIC_CRS).to_crs(crs).total_bounds)


def within(pts: gpd.GeoDataFrame, extent: Sequence[float], *, name: str) -> gpd.GeoDataFrame:
    """Only the points inside the map (so legend counts are what the reader sees)."""
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    inside = (x >= extent[0]) & (x <= extent[2]) & (y >= extent[1]) & (y <= extent[3])
    if not inside.all():
        logger.info(
            "%s: %d of %d points fall outside the map extent", name, int((~inside).sum()), len(pts)
        )
    return pts[inside]


def clear_labels(ax: Axes) -> None:
    ax.set_xlabel("")
    ax.set_ylabel("")


def default_bounds(
    border: gpd.GeoDataFrame, pad_deg: float = 0.6
) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = border.to_crs(config.GEOGRAPHIC_CRS).total_bounds
    return (minx - pad_deg, miny - pad_deg, maxx + pad_deg, maxy + pad_deg)


def new_ax(ax: Axes | None, *, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        if not isinstance(ax, Axes):
            raise ParameterError(f"ax must be a matplotlib Axes, got {type(ax).__name__}.")
        return ax
    fig = plt.figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def tag_new(ax: Axes, before: int, gid: str) -> None:
    for artist in ax.collections[before:]:
        artist.set_gid(gid)


def frame_map(ax: Axes, crs: pyproj.CRS, extent: tuple[float, float, float, float]) -> None:
    mark(ax, "crs", crs)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    if crs.is_geographic:
        mid = math.radians((extent[1] + extent[3]) / 2)
        ax.set_aspect(1 / max(math.cos(mid), 0.1), adjustable="box")
    else:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(BASE_MAP["sea"])
    for spine in ax.spines.values():
        spine.set_edgecolor(GREY)
        spine.set_linewidth(0.6)


def reference(countries, provinces, border):
    from .. import datasets

    return (
        datasets.countries() if countries is None else countries,
        datasets.provinces() if provinces is None else provinces,
        datasets.border() if border is None else border,
    )


def draw_base(
    ax: Axes, *, countries, provinces, border, crs: pyproj.CRS, light: bool = False
) -> None:
    c = to_crs(countries, crs, name="countries")
    inside = (
        c["in_region"].fillna(False).astype(bool)
        if "in_region" in c.columns
        else pd.Series(True, index=c.index)
    )
    before = len(ax.collections)
    if (~inside).any():
        c[~inside].plot(ax=ax, color=OUTSIDE_FILL, edgecolor=EDGE, linewidth=0.4, zorder=1)
    c[inside].plot(ax=ax, color=COUNTRY_FILL, edgecolor=EDGE, linewidth=0.5, zorder=1)
    tag_new(ax, before, "countries")
    before = len(ax.collections)
    to_crs(provinces, crs, name="provinces").plot(
        ax=ax,
        facecolor="none",
        edgecolor=PROVINCE_EDGE,
        linewidth=0.25 if light else 0.35,
        zorder=2,
    )
    tag_new(ax, before, "provinces")
    before = len(ax.collections)
    to_crs(border, crs, name="border").plot(
        ax=ax, color=BORDER_COLOR, linewidth=1.0 if light else 1.3, linestyle=(0, (4, 2)), zorder=3
    )
    tag_new(ax, before, "border")


def nice_km(target: float) -> float:
    if target <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(target))
    return max(v * exp for v in (1, 2, 5, 10) if v * exp <= target * 1.0001)


def geodesic_km(crs: pyproj.CRS, x0: float, y0: float, x1: float, y1: float) -> float:
    to_ll = pyproj.Transformer.from_crs(crs, config.GEOGRAPHIC_CRS, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_ll.transform([x0, x1], [y0, y1])
    return GEOD.inv(lon0, lat0, lon1, lat1)[2] / 1000.0


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

    Examples
    --------
    >>> from scamgeo import plots
    >>> ax = plots.overview_map(frame=plots.MapFrame(scale_bar=False))
    >>> ax = plots.add_scale_bar(ax, length_km=100, crs='EPSG:32648')
    >>> ax._scamgeo_scale_bar['length_km']
    100.0
    """
    crs = ax_crs(ax, crs)
    segments = int(check_positive(segments, name="segments"))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bx = x0 + location[0] * (x1 - x0)
    by = y0 + location[1] * (y1 - y0)
    probe = 0.01 * (x1 - x0)
    km_per_unit = geodesic_km(crs, bx, by, bx + probe, by) / probe
    if length_km is None:
        length_km = nice_km(0.22 * (x1 - x0) * km_per_unit)
    length_km = check_positive(length_km, name="length_km")
    width = length_km / km_per_unit
    for _ in range(4):  # refine: projections are not linear over the bar's length
        width *= length_km / geodesic_km(crs, bx, by, bx + width, by)
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
            fmt.km(km, decimals=0) if km == length_km else fmt.number(km),
            ha="center",
            va="bottom",
            fontsize=7,
            zorder=20,
            gid="scale-bar",
            bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.6},
        )
    mark(ax, "scale_bar", {"length_km": float(length_km), "x0": bx, "x1": bx + width, "y": by})
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

    Parameters
    ----------
    ax : Axes
        A map drawn by :mod:`scamgeo.plots`.
    crs : str or pyproj.CRS, optional
        The map's CRS (default: the one the builder recorded on ``ax``).
    location : (float, float), default (0.06, 0.86)
        Where the arrow's foot is, in axes fractions.
    length : float, default 0.08
        Length in axes fractions.

    Returns
    -------
    Axes
        ``ax``; the arrow and its "N" have ``gid="north-arrow"``.

    Examples
    --------
    >>> from scamgeo import plots
    >>> ax = plots.overview_map(frame=plots.MapFrame(north_arrow=False))
    >>> ax = plots.add_north_arrow(ax, crs='EPSG:32648')
    >>> abs(ax._scamgeo_north_deg) < 3
    True
    """
    crs = ax_crs(ax, crs)
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
    mark(ax, "north_deg", angle)
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


#: Corners an inset may take, as (x, y) of a 0.29 × 0.35 box: the upper right (the north
#: arrow holds the upper left, the scale bar the lower left, the legend the lower right).
_CORNERS = ((0.70, 0.64),)
_INSET_SIZE = (0.29, 0.35)


def free_corner(ax: Axes) -> tuple[float, float, float, float]:
    """The first corner box (axes fractions) that no point drawn on ``ax`` falls in.

    Points are the offsets of the axes' scatter collections. When every corner
    holds one, the box goes beside the axes, on the right, where it hides nothing.
    """
    width, height = _INSET_SIZE
    to_axes = ax.transAxes.inverted()
    points = [
        to_axes.transform(coll.get_offset_transform().transform(coll.get_offsets()))
        for coll in ax.collections
        if isinstance(coll, PathCollection)
        and np.asarray(coll.get_offsets()).size  # scatter points
    ]
    xy = np.vstack(points) if points else np.empty((0, 2))
    for x, y in _CORNERS:
        inside = (
            (xy[:, 0] >= x) & (xy[:, 0] <= x + width) & (xy[:, 1] >= y) & (xy[:, 1] <= y + height)
        )
        if not inside.any():
            return (x, y, width, height)
    return (1.02, 1.0 - height, width, height)


def add_inset_locator(
    ax: Axes,
    *,
    countries: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    bounds: Sequence[float] | None = None,
    rect: Sequence[float] | None = None,
) -> Axes:
    """Add a small locator map of the region with the main map's extent outlined.

    The locator never hides what the map shows: without ``rect`` it goes in
    the map's upper right corner when no drawn point falls there, else beside
    the map, on the right.

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
    rect : (x, y, width, height), optional
        Position of the inset in axes fractions (default: chosen as above).

    Returns
    -------
    Axes
        The inset axes (``gid="inset-locator"``).

    Examples
    --------
    >>> from scamgeo import plots
    >>> ax = plots.overview_map(frame=plots.MapFrame(inset=False))
    >>> inset = plots.add_inset_locator(ax)
    >>> inset.get_gid()
    'inset-locator'
    """
    from .. import datasets

    crs = ax_crs(ax, crs)
    countries = datasets.countries() if countries is None else countries
    x, y, width, height = (float(v) for v in (rect or free_corner(ax)))
    inset = ax.inset_axes((x, y, width, height))
    inset.set_gid("inset-locator")
    extent = lonlat_extent(bounds or (97.0, 5.0, 110.0, 21.0), crs)
    c = to_crs(countries, crs, name="countries")
    inside = (
        c["in_region"].fillna(False).astype(bool)
        if "in_region" in c.columns
        else pd.Series(True, index=c.index)
    )
    c[~inside].plot(ax=inset, color=OUTSIDE_FILL, edgecolor=GREY_LIGHT, linewidth=0.2)
    c[inside].plot(ax=inset, color=COUNTRY_FILL, edgecolor=GREY, linewidth=0.3)
    if "iso3" in c.columns:
        c[c["iso3"].isin(["THA", "KHM"])].plot(
            ax=inset, color=BASE_MAP["land_focus"], edgecolor=INK_MUTED, linewidth=0.3
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
    frame_map(inset, crs, extent)
    clear_labels(inset)
    inset.set_facecolor(BASE_MAP["sea"])
    return inset


# --- builders ----------------------------------------------------------------------
