"""Event points for the space-time tests: metric coordinates, day numbers, what was left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._common import as_frame, date_column, logger


@dataclass
class Points:
    """Located (and, when asked, dated) events in :data:`scamgeo.config.METRIC_CRS`.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows kept, in input order.
    xy : numpy.ndarray
        (n, 2) metric coordinates (m).
    dates : pandas.Series or None
        Their dates (midnight), when ``dated`` was asked.
    notes : list of str
        What was left out and why.
    """

    frame: pd.DataFrame
    xy: np.ndarray
    dates: pd.Series | None
    notes: list[str] = field(default_factory=list)


def located_points(events: Any, *, name: str, dated: bool, what: str) -> Points:
    """Keep the rows with a point (and a date when ``dated``), project them, count what is dropped.

    Empty input gives an empty :class:`Points` (the callers turn it into a
    result with a note), never an exception.
    """
    import geopandas as gpd
    import shapely

    from .. import config, geo
    from .._inputs import has_location

    events = as_frame(events, name=name)
    notes: list[str] = []
    if len(events) == 0:
        return Points(events, np.empty((0, 2)), pd.Series([], dtype="datetime64[ns]"), notes)
    dates = date_column(events, "event_date", source=name) if dated else None
    ok = has_location(events, name=name)
    if not ok.all():
        k = int((~ok).sum())
        notes.append(f"{k} event(s) without coordinates left out of the {what}")
        logger.warning("%s: %d event(s) without coordinates left out", what, k)
    kept = events[ok]
    if len(kept) == 0:
        return Points(kept, np.empty((0, 2)), None if dates is None else dates[ok], notes)
    metric = geo.to_metric(kept, crs=config.METRIC_CRS)
    geoms = metric.geometry if isinstance(metric, gpd.GeoDataFrame) else metric
    centres = shapely.centroid(geoms.to_numpy())  # points stay as they are
    xy = np.column_stack([shapely.get_x(centres), shapely.get_y(centres)])
    return Points(kept, xy, None if dates is None else dates[ok], notes)
