"""ACLED's aggregated files: events and fatalities by province and week."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataSourceError, SchemaError
from .._validate import Problems
from ..schema import EVENT_TYPES
from ..vocab import ACLED_ATTRIBUTION
from ._acled_layout import ACLED_WEEKLY_COLUMNS, looks_like
from ._events import (
    asked_for,
    check_filters,
    country_from_name,
    describe_filters,
    parse_int,
    province_codes,
)
from ._leftout import LeftOut, structural_rows
from ._raw import Source, load_raw
from ._tables import parse_dates, to_frame

__all__ = ["read_acled_weekly"]


def read_acled_weekly(
    path_or_buffer: Source,
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    member: str | None = None,
) -> pd.DataFrame:
    """Read one of ACLED's aggregated files: events and fatalities by province and week.

    Parameters
    ----------
    path_or_buffer : str, Path or file-like
        An aggregated file (Excel as ACLED publishes it, or CSV) with the
        columns :data:`ACLED_WEEKLY_COLUMNS`.
    countries : str or list of str, optional
        ISO3 codes to keep.
    start, end : str or date-like, optional
        First and last week (its start date) to keep.
    event_types : str or list of str, optional
        Event types to keep.
    encoding, sheet, member
        As in :func:`read_acled`.

    Returns
    -------
    pandas.DataFrame
        One row per week, province, event type and sub-event type: ``week``
        (datetime, the first day of ACLED's week), ``country`` (ISO3),
        ``admin1``, ``admin1_code``, ``event_type``, ``sub_event_type``,
        ``disorder_type``, ``events`` and ``fatalities`` (integers),
        ``population_exposure`` (integer, may be empty), ``id``,
        ``centroid_latitude``, ``centroid_longitude``, ``region``,
        ``acled_country``. ``.attrs["attribution"]`` holds ACLED's credit line;
        ``.attrs["source"]["left_out"]`` the rows left out, by reason.

    Raises
    ------
    DataSourceError, SchemaError
        As in :func:`read_acled`: wrong layout, missing columns (all listed),
        bad dates, counts or coordinates (row and column named).

    Warns
    -----
    RowsLeftOut
        One warning counting the rows left out, by reason: a country scamgeo
        does not cover, or outside ``countries=``, ``start``/``end`` or
        ``event_types=``.
    """
    filters = check_filters(countries=countries, start=start, end=end, event_types=event_types)
    raw = load_raw(
        path_or_buffer, encoding=encoding, member=member, expected="an ACLED aggregated file"
    )
    left = LeftOut(raw.name)
    frame = _weekly_columns(to_frame(raw, sheet=sheet, left=left), source=raw.name)
    lines = np.arange(len(frame)) + 2
    skip = structural_rows(frame, lines, left)  # HXL row, repeated headers
    frame, lines = frame[~skip].reset_index(drop=True), lines[~skip]
    week, counts, coords, country = _checked_values(frame, lines, source=raw.name)
    out = _weekly_table(frame, week, counts, coords, country)
    keep = _asked_for(out, filters, left, labels=frame["COUNTRY"], lines=lines)
    left.warn(stacklevel=2)
    out = out[keep].reset_index(drop=True)
    applied = describe_filters(
        {k: filters[k] for k in ("countries", "start", "end", "event_types")}
    )
    text = f"Source: {ACLED_ATTRIBUTION}; aggregated data, file {Path(raw.name).name}"
    if applied != "none":
        text += f"; filtered by scamgeo: {applied}"
    out.attrs["source"] = {
        "dataset": "ACLED aggregated",
        "file": raw.name,
        "filters": applied,
        "text": text + ".",
        "left_out": dict(left.reasons),
    }
    out.attrs["attribution"] = text + "."
    return out


_OPTIONAL = ("POPULATION_EXPOSURE", "DISORDER_TYPE", "ID")


def _weekly_columns(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Step 1: ACLED's column names upper-cased; another layout or missing columns refused."""
    frame = frame.rename(
        columns={c: c.upper() for c in frame.columns if c.upper() in ACLED_WEEKLY_COLUMNS}
    )
    required = [c for c in ACLED_WEEKLY_COLUMNS if c not in _OPTIONAL]
    missing = [c for c in required if c not in frame.columns]
    if not missing:
        return frame
    if "event_id_cnty" in frame.columns:
        raise DataSourceError(
            f"{source}: this is an ACLED event export, not an aggregated file: read it with read_acled()."
        )
    other = looks_like(frame.columns)
    if other and len(missing) > len(required) // 2:
        raise DataSourceError(f"{source}: not an ACLED aggregated file; it looks like {other}.")
    raise SchemaError(
        f"{source}: missing required column(s) {', '.join(missing)} of ACLED's aggregated "
        f"files ({', '.join(ACLED_WEEKLY_COLUMNS)}).",
        problems=[f"missing column {c}" for c in missing],
        source=source,
    )


def _checked_values(
    frame: pd.DataFrame, lines: np.ndarray, *, source: str
) -> tuple[pd.Series, dict[str, pd.Series], dict[str, pd.Series], pd.Series]:
    """Step 2: weeks, counts, centroids and countries parsed; every bad cell raised together."""
    problems = Problems(source)

    def check(mask: pd.Series, column: str, what: str) -> None:
        for pos in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool)):
            problems.add(f"{frame[column].iloc[pos]!r} {what}", row=int(lines[pos]), column=column)

    week = parse_dates(frame["WEEK"], excel_serial=True)
    check(week.isna(), "WEEK", "is not a date; expected e.g. '2025-07-26' or '26 July 2025'")
    counts = {}
    for col in ("EVENTS", "FATALITIES", "POPULATION_EXPOSURE"):
        if col not in frame:
            counts[col] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
            continue
        values = parse_int(frame[col])
        check(values.isna() & frame[col].notna(), col, "is not a whole number")
        check(values < 0, col, "is negative; counts cannot be")
        if col != "POPULATION_EXPOSURE":
            check(frame[col].isna(), col, "is empty; a count is required")
        counts[col] = values
    coords = {}
    for col, limit in (("CENTROID_LATITUDE", 90), ("CENTROID_LONGITUDE", 180)):
        values = pd.to_numeric(frame[col], errors="coerce")
        check(values.isna() & frame[col].notna(), col, "is not a number")
        check(values.abs() > limit, col, f"is out of range (-{limit} to {limit})")
        coords[col] = values
    swapped = (coords["CENTROID_LATITUDE"].abs() > 90) & (coords["CENTROID_LONGITUDE"].abs() <= 90)
    for pos in np.flatnonzero(swapped.fillna(False).to_numpy(dtype=bool)):
        problems.add(
            "latitude and longitude look swapped", row=int(lines[pos]), column="CENTROID_LATITUDE"
        )
    check(
        ~frame["EVENT_TYPE"].isin(EVENT_TYPES),
        "EVENT_TYPE",
        f"is not one of {', '.join(EVENT_TYPES)}",
    )
    check(frame["COUNTRY"].isna(), "COUNTRY", "is empty")
    problems.raise_if_any()
    return week, counts, coords, country_from_name(frame["COUNTRY"])


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as ``string`` (all missing when the file does not have it)."""
    return frame.get(column, pd.Series(pd.NA, index=frame.index)).astype("string")


def _weekly_table(
    frame: pd.DataFrame,
    week: pd.Series,
    counts: dict[str, pd.Series],
    coords: dict[str, pd.Series],
    country: pd.Series,
) -> pd.DataFrame:
    """Step 3: the output columns, one row per row of the file."""
    return pd.DataFrame(
        {
            "week": week,
            "country": country,
            "admin1": _text(frame, "ADMIN1"),
            "admin1_code": province_codes(frame["ADMIN1"], country=country).to_numpy(),
            "event_type": _text(frame, "EVENT_TYPE"),
            "sub_event_type": _text(frame, "SUB_EVENT_TYPE"),
            "disorder_type": _text(frame, "DISORDER_TYPE"),
            "events": counts["EVENTS"],
            "fatalities": counts["FATALITIES"],
            "population_exposure": counts["POPULATION_EXPOSURE"],
            "id": _text(frame, "ID"),
            "centroid_latitude": coords["CENTROID_LATITUDE"],
            "centroid_longitude": coords["CENTROID_LONGITUDE"],
            "region": _text(frame, "REGION"),
            "acled_country": _text(frame, "COUNTRY"),
        }
    )


def _asked_for(
    out: pd.DataFrame,
    filters: dict[str, Any],
    left: LeftOut,
    *,
    labels: pd.Series,
    lines: np.ndarray,
) -> np.ndarray:
    """Step 4: which rows to keep; every row left out is counted in ``left`` by reason."""
    keep = asked_for(
        out["country"], out["week"], filters, left, labels=labels, lines=lines, dated="with a week"
    )
    if filters["event_types"] is not None:
        other = keep & ~out["event_type"].isin(filters["event_types"]).fillna(False).to_numpy(
            dtype=bool
        )
        left.add(other, "not matching event_types=", labels=out["event_type"])
        keep &= ~other
    return keep
