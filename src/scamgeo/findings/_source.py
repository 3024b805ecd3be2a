"""Which source a brief's events came from, in words, and how fresh they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .._time import date_column

__all__ = ["chart_credit", "data_as_of", "source_label"]

_NAMES = {"ACLED": "ACLED", "UCDP GED": "UCDP GED"}


def _source(events: pd.DataFrame) -> dict[str, Any]:
    src = events.attrs.get("source") if hasattr(events, "attrs") else None
    return src if isinstance(src, dict) else {}


def source_label(events: pd.DataFrame) -> str:
    """The events' source in a sentence: ``scamgeo's record``, ``the ACLED file export.csv``.

    A file is named by its file name only, never by a local path.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common schema, e.g. :func:`scamgeo.datasets.events` or
        :func:`scamgeo.io.load_events`; the source is read from
        ``events.attrs["source"]`` (its ``dataset`` and ``file``), which
        :func:`scamgeo.io.load_events` sets. Events without it are scamgeo's record.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> source_label(datasets.events())
    "scamgeo's record"
    """
    src = _source(events)
    dataset = str(src.get("dataset") or "scamgeo")
    if dataset == "scamgeo" and not src.get("file"):
        return "scamgeo's record"
    name = Path(str(src["file"])).name if src.get("file") else ""
    kind = _NAMES.get(dataset, dataset)
    return f"the {kind} file {name}" if name else f"{kind} data"


def chart_credit(events: pd.DataFrame) -> str:
    """The credit line under a chart of these events (``Source: ACLED, file export.csv``).

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common schema, e.g. :func:`scamgeo.datasets.events` or
        :func:`scamgeo.io.load_events`; the credit is read from
        ``events.attrs["source"]`` (its ``dataset``, ``publisher`` and ``file``).
        Events without it are credited to scamgeo's curated record.
    """
    src = _source(events)
    dataset = str(src.get("dataset") or "scamgeo")
    if dataset == "scamgeo" and not src.get("file"):
        return "Source: scamgeo's curated record of the war (public reporting, sourced row by row)"
    publisher = src.get("publisher") or _NAMES.get(dataset, dataset)
    name = Path(str(src["file"])).name if src.get("file") else ""
    return f"Source: {publisher}" + (f", file {name}" if name else "")


def data_as_of(events: pd.DataFrame) -> pd.Timestamp | None:
    """The latest day the events speak for: their latest ``source_date``, else latest event.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the common schema, e.g. :func:`scamgeo.datasets.events` or
        :func:`scamgeo.io.load_events`. Their ``source_date`` column is read,
        or ``event_date`` when that is missing or empty; when neither holds a
        date the result is ``None``.
    """
    for column in ("source_date", "event_date"):
        if column in events.columns:
            days = date_column(events, column, source="events", allow_missing=True).dropna()
            if len(days):
                return pd.Timestamp(days.max()).normalize()
    return None
