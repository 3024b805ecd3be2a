"""The frame and furniture of a static map, shared by every builder (:class:`MapFrame`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj
from matplotlib.axes import Axes

from .. import config
from .._errors import ParameterError
from .._inputs import located_points
from ._furniture import (
    add_inset_locator,
    add_north_arrow,
    add_scale_bar,
    check_crs,
    clear_labels,
    default_bounds,
    lonlat_extent,
    plain,
    reference,
    within,
)

__all__ = ["MapFrame"]


@dataclass(frozen=True)
class MapFrame:
    """Where a static map is drawn and which furniture it carries.

    One frame serves :func:`~scamgeo.plots.overview_map`,
    :func:`~scamgeo.plots.choropleth_map` and
    :func:`~scamgeo.plots.phase_small_multiples` alike (``frame=MapFrame(...)``);
    ``MapFrame()`` is each builder's default figure.

    Parameters
    ----------
    crs : str or pyproj.CRS, default :data:`scamgeo.config.METRIC_CRS`
        CRS to draw in (a metric CRS keeps distances and the scale bar true).
    bounds : (min lon, min lat, max lon, max lat), optional
        Extent of the map. Default: the Thailand–Cambodia border with 0.6°
        around it; for a choropleth, the provinces with figures and the border.
    countries, provinces, border : GeoDataFrame, optional
        Reference geography (default: the embedded Natural Earth layers). A
        choropleth colours ``provinces`` (polygons keyed by ``iso_3166_2``).
    scale_bar, north_arrow : bool, default True
        Add a geodesic scale bar and an arrow to true north (on the first
        panel of small multiples).
    inset : bool, optional
        Add a locator map of the region. Default (None): the builder's own
        choice, on for :func:`~scamgeo.plots.overview_map`, off for the others.
    legend : bool, default True
        Add the legend (a figure legend for small multiples).
    title : str, optional
        Axes title (the figure's title for small multiples).

    Raises
    ------
    CRSError
        ``crs`` is not a CRS pyproj understands.
    ParameterError
        ``bounds`` is not four numbers with min < max.

    Notes
    -----
    The reference layers are compared by identity and left out of the
    ``repr``; two frames with the same settings and layers are equal.

    Examples
    --------
    >>> from scamgeo.plots import MapFrame
    >>> frame = MapFrame(crs="EPSG:4326", bounds=(102, 12, 104.5, 15), inset=True)
    >>> frame.bounds
    (102.0, 12.0, 104.5, 15.0)
    >>> frame.inset, MapFrame().inset
    (True, None)
    """

    crs: Any = config.METRIC_CRS
    bounds: Sequence[float] | None = None
    countries: gpd.GeoDataFrame | None = field(default=None, compare=False, repr=False)
    provinces: gpd.GeoDataFrame | None = field(default=None, compare=False, repr=False)
    border: gpd.GeoDataFrame | None = field(default=None, compare=False, repr=False)
    scale_bar: bool = True
    north_arrow: bool = True
    inset: bool | None = None
    legend: bool = True
    title: str | None = None

    def __post_init__(self) -> None:
        check_crs(self.crs)
        if self.bounds is not None:
            object.__setattr__(self, "bounds", _checked_bounds(self.bounds))

    def projection(self) -> pyproj.CRS:
        """The CRS the map is drawn in."""
        return check_crs(self.crs)

    def layers(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """Countries, provinces and border: the frame's, or the embedded ones."""
        return reference(self.countries, self.provinces, self.border)

    def extent(
        self, border: gpd.GeoDataFrame, crs: pyproj.CRS
    ) -> tuple[float, float, float, float]:
        """The map's extent in ``crs``: ``bounds``, or the border padded by 0.6°.

        Parameters
        ----------
        border : GeoDataFrame
            The border the default extent is drawn around.
        crs : pyproj.CRS
            The CRS of the extent.
        """
        return lonlat_extent(self.bounds or default_bounds(border), crs)


def _checked_bounds(bounds: Any) -> tuple[float, float, float, float]:
    try:
        values = [float(v) for v in bounds]
    except (TypeError, ValueError):
        values = []
    if len(values) != 4 or not (values[0] < values[2] and values[1] < values[3]):
        raise ParameterError(
            f"bounds={bounds!r}: expected (min lon, min lat, max lon, max lat) with min < max."
        )
    return (values[0], values[1], values[2], values[3])


def frame_of(frame: MapFrame | None) -> MapFrame:
    """``frame``, or the default frame; anything else is refused by name."""
    if frame is None:
        return MapFrame()
    if not isinstance(frame, MapFrame):
        raise ParameterError(
            f"frame must be a scamgeo.plots.MapFrame, got {type(frame).__name__} "
            "(e.g. frame=MapFrame(crs='EPSG:4326', inset=True))."
        )
    return frame


def points_in(
    table: pd.DataFrame, *, name: str, crs: pyproj.CRS, extent: Sequence[float]
) -> gpd.GeoDataFrame:
    """The located rows of ``table`` in ``crs`` that fall inside the map."""
    return within(located_points(table, name=name, crs=crs, what="not drawn"), extent, name=name)


def fit(ax: Axes, extent: Sequence[float]) -> None:
    """Set the map's limits to ``extent`` again (plotting may widen them) and drop axis labels."""
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    clear_labels(ax)


def furnish(
    ax: Axes,
    frame: MapFrame,
    *,
    crs: pyproj.CRS,
    countries: gpd.GeoDataFrame,
    inset: bool = False,
    compact: bool = False,
) -> None:
    """Add the frame's title, scale bar, north arrow and inset to a drawn map.

    ``inset`` is the builder's default when the frame leaves it open;
    ``compact`` draws the smaller furniture of a small-multiples panel (a
    one-block scale bar and a shorter arrow) and leaves the title to the figure.
    """
    if frame.title and not compact:
        ax.set_title(plain(frame.title))
    if frame.scale_bar:
        add_scale_bar(ax, crs=crs, segments=1 if compact else 2)
    if frame.north_arrow:
        if compact:
            add_north_arrow(ax, crs=crs, location=(0.08, 0.8), length=0.1)
        else:
            add_north_arrow(ax, crs=crs)
    if frame.inset if frame.inset is not None else inset:
        add_inset_locator(ax, countries=countries, crs=crs)
