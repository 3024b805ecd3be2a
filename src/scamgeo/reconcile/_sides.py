"""One source ready for linking: where, when and what each event is, and how sure.

A :class:`Side` holds, for the rows of one source that can be linked (those
with a location and a date), the point (WGS84 and metric), the radius of its
location error, the date as an interval (the day, widened by the row's
``time_precision``, or UCDP's ``date_start``..``date_end``), and the kinds of
event its category may be (:data:`scamgeo.vocab.EVENT_TYPE_CROSSWALK`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from .._errors import ParameterError, SchemaError
from .._inputs import as_points, uncertainty_radius_m
from .._record import one_row_per_incident
from .._validate import check_choice

__all__ = ["UNCERTAINTY_RULES", "Side", "kind_bits", "prepare"]

#: How a row's location error radius is read: ``"precision"`` uses ``uncertainty_m`` and,
#: where it is missing, the radius of the row's ``geo_precision``; ``"known"`` uses
#: ``uncertainty_m`` only (0 where it is missing).
UNCERTAINTY_RULES = ("precision", "known")

_EPOCH = np.datetime64("1970-01-01", "ns")
_DAY_NS = 86_400 * 10**9
_BIT = {kind: 1 << i for i, kind in enumerate(vocab.EVENT_KINDS)}
#: Bit mask of the violent kinds (political violence).
VIOLENT_MASK = sum(_BIT[k] for k in vocab.VIOLENT_KINDS)


def kind_bits(kinds: frozenset[str]) -> int:
    """The kinds of event as a bit mask (0: unknown)."""
    return sum(_BIT[k] for k in kinds)


_CROSSWALK_BITS = {key: kind_bits(v) for key, v in vocab.EVENT_TYPE_CROSSWALK.items()}


@dataclasses.dataclass
class Side:
    """The linkable rows of one source (positions into :attr:`frame`)."""

    name: str
    frame: pd.DataFrame
    pos: np.ndarray  # positions (into frame) of the linkable rows
    lon: np.ndarray
    lat: np.ndarray
    radius_km: np.ndarray
    mid_day: np.ndarray  # centre of the date interval, days since 1970-01-01
    half_days: np.ndarray  # half its width
    kinds: np.ndarray  # bit masks
    notes: list[str]

    @property
    def n(self) -> int:
        return len(self.pos)


def _days(values: Any) -> np.ndarray:
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    raw = stamps.to_numpy(dtype="datetime64[ns]")
    out = (raw - _EPOCH).astype("int64").astype(float) / _DAY_NS
    out[np.isnat(raw)] = np.nan
    return out


def _intervals(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Centre and half width (days) of each row's date interval."""
    day = _days(frame["event_date"])
    prec = pd.to_numeric(frame.get("time_precision"), errors="coerce")
    slack = (
        pd.Series(prec, index=frame.index).map(vocab.TIME_PRECISION_DAYS).fillna(0).to_numpy(float)
        if prec is not None
        else np.zeros(len(frame))
    )
    lo, hi = day - slack, day + slack
    if "date_start" in frame.columns and "date_end" in frame.columns:  # UCDP GED: stated range
        s, e = _days(frame["date_start"]), _days(frame["date_end"])
        stated = np.isfinite(s) & np.isfinite(e) & (e >= s)
        lo, hi = np.where(stated, s, lo), np.where(stated, e, hi)
    return (lo + hi) / 2, (hi - lo) / 2


def _radius_km(frame: pd.DataFrame, rule: str, notes: list[str], name: str) -> np.ndarray:
    """Each row's location error (km) by the core rule; unknown ones count as exact here."""
    radius, said = uncertainty_radius_m(frame, from_precision=rule == "precision", unknown_m=0.0)
    notes.extend(f"{name}: {n}" for n in said)
    return radius / 1000.0


def _kinds(frame: pd.DataFrame) -> np.ndarray:
    """Bit masks of the kinds each row's category may be (UCDP rows by type_of_violence)."""
    types = frame["event_type"].astype("string") if "event_type" in frame else None
    acled = (
        types.map(lambda t: _CROSSWALK_BITS.get(("ACLED", str(t)), 0), na_action="ignore")
        if types is not None
        else pd.Series(0, index=frame.index)
    )
    out = pd.to_numeric(acled, errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    if "type_of_violence" in frame.columns:
        tov = pd.to_numeric(frame["type_of_violence"], errors="coerce")
        ucdp = tov.map(lambda t: _CROSSWALK_BITS.get(("UCDP", str(int(t))), 0), na_action="ignore")
        ucdp_bits = pd.to_numeric(ucdp, errors="coerce").to_numpy(float, na_value=np.nan)
        out = np.where(np.isfinite(ucdp_bits), np.nan_to_num(ucdp_bits), out).astype(np.int64)
    return out


def _ids(frame: pd.DataFrame, name: str) -> pd.Series:
    if "event_id" in frame.columns:
        ids = frame["event_id"].astype("string")
        if ids.isna().any():
            raise SchemaError(
                f"{name}: {int(ids.isna().sum())} row(s) have no event_id (first at row "
                f"{frame.index[ids.isna().to_numpy()][0]!r}); every event needs an id to be linked."
            )
        if ids.duplicated().any():
            dup = ids[ids.duplicated()].iloc[0]
            raise SchemaError(
                f"{name}: event_id {dup!r} appears more than once; ids must be unique "
                "(fold the claims of an incident with count='incidents')."
            )
        return ids
    return pd.Series(frame.index.astype(str), index=frame.index, dtype="string")


def prepare(
    data: Any, *, name: str, count: str = "incidents", uncertainty: str = "precision"
) -> Side:
    """One source's linkable rows (see :class:`Side`), with notes on what was left out."""
    check_choice(count, vocab.COUNT_UNITS, name="count")
    check_choice(uncertainty, UNCERTAINTY_RULES, name="uncertainty")
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(
            f"{name}: expected a DataFrame or GeoDataFrame of events in the common schema "
            f"(e.g. scamgeo.load_events(path)), got {type(data).__name__}."
        )
    if "event_date" not in data.columns:
        raise SchemaError(f"{name}: no event_date column; events need a date to be linked.")
    notes: list[str] = []
    frame = data
    if count == "incidents" and "incident_id" in data.columns and data["incident_id"].notna().any():
        frame = one_row_per_incident(data)
        if len(frame) < len(data):
            notes.append(
                f"{name}: {len(data)} claims folded into {len(frame)} incidents (count='incidents'; "
                "the highest toll any claim gives is kept)"
            )
    frame = frame.reset_index(drop=True)
    ids = _ids(frame, name)
    pts = as_points(frame, name=name) if len(frame) else None
    lon = pts["_lon"].to_numpy(float) if pts is not None else np.zeros(0)
    lat = pts["_lat"].to_numpy(float) if pts is not None else np.zeros(0)
    mid, half = _intervals(frame) if len(frame) else (np.zeros(0), np.zeros(0))
    ok = np.isfinite(lon) & np.isfinite(lat) & np.isfinite(mid)
    if (~ok).any():
        notes.append(
            f"{name}: {int((~ok).sum())} event(s) without a location or a date cannot be linked "
            "and are listed as found in this source only"
        )
    frame = frame.assign(event_id=ids)
    radius = _radius_km(frame, uncertainty, notes, name) if len(frame) else np.zeros(0)
    pos = np.flatnonzero(ok)
    kinds = _kinds(frame) if len(frame) else np.zeros(0, dtype=np.int64)
    return Side(
        name=name,
        frame=frame,
        pos=pos,
        lon=lon[pos],
        lat=lat[pos],
        radius_km=radius[pos],
        mid_day=mid[pos],
        half_days=half[pos],
        kinds=kinds[pos],
        notes=notes,
    )


def side_names(names: Any, default: tuple[str, str]) -> tuple[str, str]:
    """Two distinct, non-empty names for the two sources."""
    if names is None:
        return default
    if isinstance(names, str | Mapping) or len(names) != 2:
        raise ParameterError(f"names must be two strings, e.g. ('ACLED', 'UCDP'); got {names!r}.")
    a, b = (str(n).strip() for n in names)
    if not a or not b or a == b:
        raise ParameterError(f"names must be two different, non-empty strings; got {names!r}.")
    return a, b
