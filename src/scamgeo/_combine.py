"""Adding one's own events to the curated ones (:func:`scamgeo.datasets.combine_events`)."""

from __future__ import annotations

import warnings
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from . import config, vocab
from ._errors import ParameterError, SchemaError
from ._inputs import geometry_of, located

__all__ = ["combine_events"]


def _attribution(frame: pd.DataFrame) -> str:
    attrs = getattr(frame, "attrs", {}) or {}
    text = attrs.get("attribution")
    if not text and isinstance(attrs.get("source"), dict):
        text = attrs["source"].get("text")
    if not text and "dataset" in frame.columns and (frame["dataset"] == "scamgeo").any():
        text = vocab.EMBEDDED_ATTRIBUTION
    return str(text or "")


def _prepare(frame: Any, *, name: str) -> gpd.GeoDataFrame:
    """``frame`` with every column of the event schema (optional ones filled) and point geometry."""
    from .schema import EVENTS

    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"{name} must be a (Geo)DataFrame of events, got {type(frame).__name__}."
        )
    geoms = geometry_of(frame, name=name).to_crs(config.GEOGRAPHIC_CRS)
    out = (
        pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if isinstance(frame, gpd.GeoDataFrame)
        else pd.DataFrame(frame).copy()
    )
    if not {"latitude", "longitude"} <= set(out.columns):
        ok = located(geoms) & (geoms.geom_type == "Point").to_numpy()
        out["longitude"] = np.where(ok, geoms.x.where(ok), np.nan)
        out["latitude"] = np.where(ok, geoms.y.where(ok), np.nan)
    missing = [c.name for c in EVENTS.columns if not c.nullable and c.name not in out.columns]
    if missing:
        raise SchemaError(
            f"{name} lacks the required event column(s) {', '.join(missing)} (the common event "
            "schema, scamgeo.schema.EVENTS); optional ones are filled for you.",
            source=name,
        )
    for col in EVENTS.columns:
        if col.name not in out.columns:
            out[col.name] = pd.NA
    return gpd.GeoDataFrame(out, geometry=geoms.to_numpy(), crs=config.GEOGRAPHIC_CRS)


def _unique_ids(curated: pd.DataFrame, mine: pd.DataFrame, *, prefix: str) -> pd.DataFrame:
    ids = mine["event_id"].astype("string")
    taken = set(curated["event_id"].astype("string").dropna())
    clash = ids.isin(taken).fillna(False).to_numpy(dtype=bool)
    if clash.any():
        renamed = prefix + ids[clash]
        if renamed.isin(taken).any() or renamed.isin(ids[~clash]).any():
            raise ParameterError(
                f"combine_events: prefix={prefix!r} does not make the clashing event ids unique; "
                "choose another prefix."
            )
        warnings.warn(
            f"combine_events: {int(clash.sum())} event id(s) of mine are already used by the "
            f"curated events (e.g. {ids[clash].iloc[0]!r}); they are renamed with the prefix "
            f"{prefix!r}.",
            UserWarning,
            stacklevel=3,
        )
        mine = mine.copy()
        mine.loc[clash, "event_id"] = renamed.to_numpy()
    if mine["event_id"].duplicated().any():
        dup = mine["event_id"][mine["event_id"].duplicated()].iloc[0]
        raise SchemaError(f"mine has the event id {dup!r} more than once.", source="mine")
    return mine


def combine_events(
    curated: pd.DataFrame, mine: pd.DataFrame, *, prefix: str = "mine-"
) -> gpd.GeoDataFrame:
    """Add one's own events to the curated (or loaded) ones, in the common event schema.

    Parameters
    ----------
    curated : DataFrame or GeoDataFrame
        Events in the common event schema, e.g. :func:`scamgeo.datasets.events`
        or :func:`scamgeo.io.load_events`.
    mine : DataFrame or GeoDataFrame
        Your events: the schema's required columns (``event_id``,
        ``event_date``, ``event_type``, ``source``...) and a location (geometry
        with a CRS, or ``latitude``/``longitude``); optional columns such as
        ``actor2`` or ``admin2`` may be left out and are filled with missing values.
    prefix : str, default "mine-"
        Put before your event ids that the curated events already use (a
        warning says how many).

    Returns
    -------
    geopandas.GeoDataFrame
        The curated rows then yours, EPSG:4326, a fresh RangeIndex; every
        column of either frame; ``dataset`` says where each row comes from
        (``"mine"`` for yours unless you set it). ``.attrs["attribution"]``
        joins both frames' attributions (ACLED's required citation, the
        curated sources), ``.attrs["attributions"]`` lists them.

    Raises
    ------
    SchemaError
        If ``mine`` lacks a required column or repeats an event id.
    CoordinateError
        If coordinates look swapped, projected or out of the region.

    Examples
    --------
    >>> import pandas as pd
    >>> from scamgeo import datasets
    >>> mine = pd.DataFrame({"event_id": ["X1"], "event_date": ["2025-07-25"],
    ...     "time_precision": [1], "event_type": ["Battles"], "sub_event_type": ["Armed clash"],
    ...     "actor1": ["Military Forces of Thailand"], "country": ["THA"], "location": ["Ban Nong Ya"],
    ...     "latitude": [14.4], "longitude": [103.5], "source": ["Own field notes"],
    ...     "source_url": ["https://example.org/notes"]})
    >>> both = combine_events(datasets.events(), mine)
    >>> both["event_id"].iloc[-1], both["dataset"].iloc[-1], pd.isna(both["actor2"].iloc[-1])
    ('X1', 'mine', True)
    """
    texts = [_attribution(curated), _attribution(mine)]
    a = _prepare(curated, name="curated")
    b = _prepare(mine, name="mine")
    if "dataset" not in mine.columns:
        b["dataset"] = "mine"
    b = _unique_ids(a, b, prefix=prefix)
    with warnings.catch_warnings():
        # concatenating an all-missing optional column is what we mean here
        warnings.simplefilter("ignore", FutureWarning)
        out = pd.concat([a, b], ignore_index=True, sort=False)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=config.GEOGRAPHIC_CRS)
    kept = [t for t in dict.fromkeys(texts) if t]
    out.attrs = {"attribution": "; ".join(kept), "attributions": kept}
    return out
