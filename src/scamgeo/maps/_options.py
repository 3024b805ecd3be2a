"""Option objects of the web-map builders (the way :class:`scamgeo.plots.MapFrame` serves plots).

Each builder keeps its data and the choices an analyst makes every day as
keyword arguments; how a layer is drawn and encoded lives in one frozen
object, checked when it is made, so that a builder never takes more than
eight parameters and the same options can be passed to several maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from .._errors import ParameterError
from .._validate import check_choice, check_positive
from ._common import RENDERERS

__all__ = ["BaseMapOptions", "DisplacementMapOptions", "EventMapOptions"]


@dataclass(frozen=True)
class BaseMapOptions:
    """How :func:`~scamgeo.maps.base_map` draws the region (a new map's size and furniture).

    Parameters
    ----------
    simplify_deg : float, optional
        Simplify boundaries to this tolerance in degrees to keep the page
        small. Default: chosen from the view (:func:`display_tolerance`): one
        pixel of a 900-pixel-wide map of the bounds, so borders still read at
        the map's zoom; boundaries wholly away from the view are simplified 8
        times coarser, and coordinates are rounded to match (3 to 5 decimals).
        0 keeps the full geometry.
    width, height : str or int, default "100%"
        Size of a new map.
    labels : int, default 25
        Name labels (shown without tiles) for up to this many towns inside
        the bounds, the most populous first; 0 for none.
    crossings : bool, default True
        Draw and label the border crossings of the gazetteer
        (:func:`scamgeo.datasets.gazetteer`, kind ``crossing``) inside the bounds.
    locator : bool, default True
        A locator inset (the region's countries and this map's frame) in the
        top-left corner.

    Raises
    ------
    ParameterError
        ``simplify_deg`` or ``labels`` negative.

    Examples
    --------
    >>> from scamgeo import maps
    >>> maps.BaseMapOptions(labels=0, locator=False).crossings
    True
    """

    simplify_deg: float | None = None
    width: str | int = "100%"
    height: str | int = "100%"
    labels: int = 25
    crossings: bool = True
    locator: bool = True

    def __post_init__(self) -> None:
        if self.simplify_deg is not None:
            check_positive(self.simplify_deg, name="simplify_deg", allow_zero=True)
        if int(self.labels) < 0:
            raise ParameterError(f"labels={self.labels!r} must be >= 0 (0: no town labels).")


@dataclass(frozen=True)
class EventMapOptions:
    """How :func:`~scamgeo.maps.events_map` encodes and draws its events.

    Parameters
    ----------
    show_heat : bool, default False
        Whether the heat layer is on when the map opens.
    renderer : {"auto", "canvas", "svg"}
        ``auto`` draws on a canvas above 2,000 events, else as SVG paths.
    max_note_chars : int, default 280
        Notes longer than this are cut (with "…") in popups.
    decimals : int, default 4
        Coordinates are rounded to this many decimals (4 ≈ 11 m), 0 to 7.
    compress : bool, optional
        Put the event data in the page gzip-compressed (base64), inflated by
        the browser's ``DecompressionStream``. Default: when they exceed 1 MB.
    uncertainty_above_m : float, default 2000
        Draw the uncertainty circle of places whose ``uncertainty_m`` exceeds this.
    labels : bool, default True
        Permanent name labels for the places drawn (readable without tiles).

    Raises
    ------
    ParameterError
        For an unknown ``renderer`` or a number out of range.

    Examples
    --------
    >>> from scamgeo import maps
    >>> maps.EventMapOptions(renderer="svg", decimals=3).max_note_chars
    280
    """

    show_heat: bool = False
    renderer: str = "auto"
    max_note_chars: int = 280
    decimals: int = 4
    compress: bool | None = None
    uncertainty_above_m: float = 2000.0
    labels: bool = True

    def __post_init__(self) -> None:
        check_choice(self.renderer, RENDERERS, name="renderer")
        check_positive(self.max_note_chars, name="max_note_chars")
        check_positive(self.uncertainty_above_m, name="uncertainty_above_m")
        if not 0 <= int(self.decimals) <= 7:
            raise ParameterError(f"decimals={self.decimals!r} must be between 0 and 7 (4 ≈ 11 m).")


@dataclass(frozen=True)
class DisplacementMapOptions:
    """How :func:`~scamgeo.maps.displacement_map` draws its circles.

    Parameters
    ----------
    max_age_days : float or None, default 14
        A province's figure stands for a date only if it was reported within
        this many days before it (so a July figure is not counted in
        December). None carries every figure forward indefinitely.
    max_radius_px : float, default 36
        Radius of the largest circle; circle *area* is proportional to the value.
    provinces : GeoDataFrame, optional
        Province polygons indexed or keyed by ``iso_3166_2`` (default: the embedded ones).
    name : str, optional
        Layer name (default from the metric, unit and date).

    Raises
    ------
    ParameterError
        ``max_age_days`` or ``max_radius_px`` not positive.

    Examples
    --------
    >>> from scamgeo import maps
    >>> maps.DisplacementMapOptions(max_age_days=None).max_radius_px
    36.0
    """

    max_age_days: float | None = 14
    max_radius_px: float = 36.0
    provinces: gpd.GeoDataFrame | None = field(default=None, repr=False, compare=False)
    name: str | None = None

    def __post_init__(self) -> None:
        if self.max_age_days is not None:
            check_positive(self.max_age_days, name="max_age_days")
        check_positive(self.max_radius_px, name="max_radius_px")


def bounds_tuple(bounds: Sequence[float] | None) -> tuple[float, float, float, float] | None:
    """``bounds`` as four floats, or a ParameterError naming what is allowed."""
    if bounds is None:
        return None
    try:
        west, south, east, north = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ParameterError(
            f"bounds must be (min lon, min lat, max lon, max lat), got {bounds!r}."
        ) from None
    return west, south, east, north


def options_or_default(options: Any, kind: type) -> Any:
    """``options`` (an instance of ``kind``) or ``kind()``; a ParameterError for anything else."""
    if options is None:
        return kind()
    if not isinstance(options, kind):
        raise ParameterError(
            f"options must be a scamgeo.maps.{kind.__name__}, got {type(options).__name__}."
        )
    return options
