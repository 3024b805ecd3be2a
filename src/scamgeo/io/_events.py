"""What every event loader shares: country codes, the finishing step, filters.

Every loader maps its source's columns onto :data:`scamgeo.schema.EVENTS`,
then calls :func:`finish_events`, which validates against that one schema,
adds ``admin1_code`` and ``dataset``, builds the point geometry and attaches
the attribution in ``.attrs``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._inputs import geometry_of
from .._time import parse_date
from .._validate import check_choices
from ..schema import COUNTRIES, EVENT_TYPES, EVENTS, SUB_EVENT_TYPES
from ..vocab import fold
from ._checks import Report, arrow_numbers, conform, factorize, map_distinct
from ._codes import own_codes
from ._leftout import LeftOut, RowsLeftOut

__all__ = [
    "COUNTRY_NAMES",
    "GW_CODES",
    "ISO_NUMERIC",
    "country_from_name",
    "filter_events",
    "filter_rows",
    "finish_events",
    "record_left_out",
]

logger = logging.getLogger(__name__)

#: ISO 3166-1 numeric code (ACLED's ``iso``) -> ISO3, for the countries of the schema.
ISO_NUMERIC: dict[int, str] = {
    764: "THA", 116: "KHM", 418: "LAO", 104: "MMR", 704: "VNM", 458: "MYS", 156: "CHN",
    608: "PHL", 360: "IDN", 702: "SGP", 410: "KOR", 392: "JPN", 356: "IND", 840: "USA",
}  # fmt: skip

#: Gleditsch–Ward country code (UCDP's ``country_id``) -> ISO3.
GW_CODES: dict[int, str] = {
    800: "THA", 811: "KHM", 812: "LAO", 775: "MMR", 816: "VNM", 820: "MYS", 710: "CHN",
    840: "PHL", 850: "IDN", 830: "SGP", 732: "KOR", 740: "JPN", 750: "IND", 2: "USA",
}  # fmt: skip

#: ISO3 -> names used by ACLED (first) and UCDP.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "THA": ("Thailand",),
    "KHM": ("Cambodia", "Cambodia (Kampuchea)", "Kampuchea"),
    "LAO": ("Laos", "Lao PDR", "Lao People's Democratic Republic"),
    "MMR": ("Myanmar", "Myanmar (Burma)", "Burma"),
    "VNM": ("Vietnam", "Viet Nam", "Vietnam (North Vietnam)"),
    "MYS": ("Malaysia",),
    "CHN": ("China",),
    "PHL": ("Philippines",),
    "IDN": ("Indonesia",),
    "SGP": ("Singapore",),
    "KOR": (
        "South Korea",
        "Korea, Republic of",
        "Republic of Korea",
        "South Korea (Republic of Korea)",
    ),
    "JPN": ("Japan",),
    "IND": ("India",),
    "USA": ("United States", "United States of America"),
}


_NAME_INDEX = {fold(n): iso for iso, names in COUNTRY_NAMES.items() for n in (iso, *names)}


def country_from_name(names: pd.Series) -> pd.Series:
    """ISO3 codes for country names or ISO3 codes (unknown -> <NA>)."""
    return map_distinct(names, lambda v: _NAME_INDEX.get(fold(v)) if isinstance(v, str) else None)


def pcode_to_iso(values: pd.Series) -> pd.Series:
    """ISO 3166-2 codes from province codes such as OCHA COD p-codes.

    ``"TH33"``, ``"TH-33"`` and ``"KH01"`` become ``"TH-33"`` and ``"KH-1"``
    (COD p-codes of Thai and Cambodian provinces are the national codes, which
    ISO 3166-2 uses too); codes of finer units (``"TH3301"``) and unknown codes
    give <NA>. The one rule for codes is :func:`scamgeo.io._codes.own_codes`.
    """
    from ..datasets import provinces

    return own_codes(values, set(provinces().index))


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values, missing as a value of its own (None)."""
    codes, uniques = factorize(values)
    uniques = np.append(np.asarray(uniques, dtype=object), np.array([None], dtype=object))
    return np.where(codes < 0, len(uniques) - 1, codes), uniques


def first_of_each(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row's key, first row of each distinct key), codes in order of appearance."""
    codes, uniques = pd.factorize(keys)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return codes, first


def province_codes(names: pd.Series, *, country: pd.Series | str | None = None) -> pd.Series:
    """:func:`scamgeo.datasets.province_code` for a Series, tolerating missing countries.

    (``province_code`` itself fails on ``pd.NA`` in a per-row country list.)
    Looks up each distinct (name, country) pair once.
    """
    from ..datasets import province_code

    names = pd.Series(names)
    name_codes, name_uniques = _factorize(names)
    if isinstance(country, pd.Series):
        country_codes, country_uniques = _factorize(country)
        pair = name_codes.astype(np.int64) * (len(country_uniques) + 1) + country_codes
        codes, first = first_of_each(pair)
        uniq_names = [name_uniques[name_codes[i]] for i in first]
        uniq_countries = [country_uniques[country_codes[i]] for i in first]
        uniq_countries = [c if isinstance(c, str) else None for c in uniq_countries]
        found = province_code(pd.Series(uniq_names, dtype="object"), country=uniq_countries)
    else:
        codes = name_codes
        found = province_code(pd.Series(np.asarray(name_uniques, dtype=object)), country=country)
    codes = np.asarray(codes).ravel()
    if len(found) == 0:
        return pd.Series(pd.NA, index=names.index, dtype="string", name="admin1_code")
    table = pd.array(found.to_numpy(dtype=object), dtype="string")
    taken = table.take(np.where(codes >= 0, codes, -1), allow_fill=True)
    return pd.Series(taken, index=names.index, name="admin1_code")


def admin1_codes(
    names: pd.Series, *, country: pd.Series | str | None = None, codes: pd.Series | None = None
) -> pd.Series:
    """ISO 3166-2 codes of Thai/Cambodian provinces from codes first, names second."""
    by_name = province_codes(names, country=country)
    if codes is None:
        return by_name.rename("admin1_code")
    by_code = pcode_to_iso(codes).where(lambda s: s.notna(), province_codes(codes, country=country))
    return by_code.fillna(by_name).rename("admin1_code")


def parse_int(values: pd.Series) -> pd.Series:
    """Whole numbers from text such as ``"764"`` or ``"764.0"``, or from numbers (else <NA>,
    as for a number beyond the 64-bit range); distinct values parsed once."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        floats = values.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):  # NaN and numbers beyond 64 bits: no whole number
            ints = floats.astype(np.int64)
        missing = ~(ints == floats) | (floats >= _INT_LIMIT)
        return pd.Series(pd.arrays.IntegerArray(ints, missing), index=values.index)
    fast = arrow_numbers(values)
    if fast is not None:  # Arrow text of numbers: one cast
        numbers = fast[0]
    else:
        codes, uniques = pd.factorize(values.astype("object"), use_na_sentinel=True)
        parsed = pd.to_numeric(pd.Series(np.asarray(uniques, dtype=object)), errors="coerce")
        parsed = parsed.to_numpy(dtype="float64", na_value=np.nan)
        numbers = pd.Series(
            np.where(codes >= 0, parsed[np.maximum(codes, 0)] if len(parsed) else np.nan, np.nan),
            index=values.index,
        )
    return parse_int(numbers)


#: Whole numbers at or beyond this size do not fit in an Int64 column: read as <NA> (a
#: float64 cast to int64 beyond it wraps to -2**63, which may compare equal).
_INT_LIMIT = 2.0**63


def warn_dropped(counts: Mapping[str, int], *, source: str, why: str) -> None:
    """Warn once (:class:`RowsLeftOut`) that rows were left out, with how many of each kind."""
    if not counts:
        return
    total = sum(counts.values())
    listed = ", ".join(f"{k} ({v})" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
    message = f"{source}: {total} row(s) left out {why}: {listed}."
    logger.warning(message)
    warnings.warn(message, RowsLeftOut, stacklevel=3)


def _distinct_places(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row's place, first row of each place): rows with the same coordinates,
    bit for bit, share a place."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for col in ("longitude", "latitude"):
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        col_codes, uniques = pd.factorize(values.view(np.int64))
        codes = codes * len(uniques) + col_codes
    return first_of_each(codes)


def _points(frame: pd.DataFrame, *, source: str) -> gpd.GeoDataFrame:
    """The checked rows as points, by the shared rule (:func:`scamgeo._inputs.geometry_of`).

    The region check is left out: the reader has checked every coordinate
    itself (and named the file's rows), and a reader also keeps events of the
    other countries scamgeo covers, far from the border. Events at the same
    place (ACLED and UCDP place most events at a named location's point) share
    one point object, made once: shapely's geometries are immutable.
    """
    coords = frame[["longitude", "latitude"]]
    codes, first = _distinct_places(coords)
    with _no_collection():
        if len(first) == len(frame):
            return gpd.GeoDataFrame(
                frame, geometry=geometry_of(frame, name=source, check=False), copy=False
            )
        places = geometry_of(coords.iloc[first], name=source, check=False)
    geometry = gpd.GeoSeries(places.array.take(codes), index=frame.index, crs=places.crs)
    return gpd.GeoDataFrame(frame, geometry=geometry, copy=False)


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused while shapely makes one object per place.

    Each point is a Python object the collector tracks: making 100,000 of them
    set off its full passes over every object of the session, which took three
    quarters of the time (62 ms of CPU against 14 ms paused). Nothing made here
    can form a cycle. The collector is switched back on only if it was on.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def finish_events(
    frame: pd.DataFrame,
    *,
    source: str,
    lines: np.ndarray,
    dataset: str,
    attribution: dict[str, Any],
    report: Report,
    extra: pd.DataFrame | None = None,
    may_be_empty: dict[str, np.ndarray] | None = None,
    same_cell: dict[str, str] | None = None,
    distinct_ids: bool = False,
) -> gpd.GeoDataFrame:
    """Check ``frame`` against :data:`EVENTS` (column-wise) and finish it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The schema's columns, parsed (numbers, dates) or as text, one row per event.
    source : str
        The file named in messages.
    lines : numpy.ndarray
        File line (row number) of each row of ``frame``.
    dataset : str
        Value of the ``dataset`` column ("ACLED", "UCDP GED").
    attribution : dict
        Stored in ``.attrs["source"]``; its ``"text"`` also in ``.attrs["attribution"]``.
    report : Report
        Problems the reader found itself; every problem is raised together.
    extra : pandas.DataFrame, optional
        The source's own columns to keep, aligned with ``frame``.
    may_be_empty : dict, optional
        Required column -> rows where the reader leaves it empty on purpose
        (documented by the reader, e.g. an old ACLED layout's sub-event type).
    same_cell : dict, optional
        Schema column -> the source column it is derived from
        (``{"event_date": "date_start"}``): a cell the reader reported in the
        source column is not reported again under the schema's name.
    distinct_ids : bool, default False
        The reader has found the ``event_id`` cells all different (the key is
        then checked again only if cleaning its text changed a cell).

    Returns
    -------
    geopandas.GeoDataFrame
        Schema columns, ``admin1_code``, ``dataset``, then ``extra``; points in EPSG:4326.
    """
    lines = np.asarray(lines)
    reported = {col: report.flagged(lines, (same_cell or {}).get(col, col)) for col in EVENTS.names}
    out = conform(
        EVENTS,
        frame,
        source=source,
        lines=lines,
        report=report,
        may_be_empty={**EVENTS.empty_allowed(extra), **(may_be_empty or {})},
        reported=reported,
        distinct=("event_id",) if distinct_ids else (),
    )
    report.raise_if_any()
    assert out is not None
    out = out[EVENTS.names]
    codes = province_codes(out["admin1"], country=out["country"])
    thai_khmer = out["country"].isin(["THA", "KHM"]).to_numpy()
    unknown = out["admin1"].notna().to_numpy() & codes.isna().to_numpy() & thai_khmer
    if unknown.any():
        names = sorted(set(out.loc[unknown, "admin1"]))
        message = (
            f"{source}: {int(unknown.sum())} Thai/Cambodian row(s) name a province scamgeo does not know "
            f"({', '.join(repr(n) for n in names[:6])}); their admin1_code is empty. "
            "scamgeo.datasets.province_names() lists the known spellings."
        )
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=3)
    out["admin1_code"] = codes.astype("string").array
    out["dataset"] = pd.array([dataset], dtype="string").take(np.zeros(len(out), dtype=np.int64))
    if extra is not None and len(extra.columns):
        extra = extra.reset_index(drop=True)
        out = pd.concat([out, extra], axis=1)
    result = _points(out, source=source)
    result.attrs["source"] = dict(attribution)
    result.attrs["attribution"] = attribution.get("text", "")
    return result


def record_left_out(events: pd.DataFrame, left: LeftOut, *, records: int) -> None:
    """Store what ``left`` counted in ``events.attrs["source"]``, as data.

    ``left_out``: reason -> rows; ``left_out_detail``: the same with the first
    file rows (or labels) of each reason; ``records``: the records the file
    held. A caller adding up many reads (the blocks of one file) shifts and
    merges these (:class:`scamgeo.io._leftout.LeftOut`).
    """
    source = events.attrs.setdefault("source", {})
    source["left_out"] = dict(left.reasons)
    source["left_out_detail"] = left.to_dict()
    source["records"] = int(records)


def period_filter(
    dates: pd.Series, filters: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, str]:
    """Rows before ``start`` and after ``end`` (NaT rows are in neither), and the period as text."""
    before = np.zeros(len(dates), dtype=bool)
    after = np.zeros(len(dates), dtype=bool)
    if filters.get("start") is not None:
        before = (dates < filters["start"]).fillna(False).to_numpy(dtype=bool)
    if filters.get("end") is not None:
        after = (dates > filters["end"]).fillna(False).to_numpy(dtype=bool)
    start = filters["start"].strftime("%Y-%m-%d") if filters.get("start") is not None else "…"
    end = filters["end"].strftime("%Y-%m-%d") if filters.get("end") is not None else "…"
    return before, after, f"{start} to {end}"


def asked_for(
    country: pd.Series,
    dates: pd.Series,
    filters: Mapping[str, Any],
    left: LeftOut,
    *,
    labels: pd.Series,
    lines: np.ndarray,
    no_country: np.ndarray | None = None,
    dated: str = "dated",
) -> np.ndarray:
    """Rows in a country scamgeo covers, in ``countries=`` and in the period.

    The one selection every reader makes before checking a row; each row left
    out is counted in ``left`` by reason (``labels`` name the uncovered
    countries; rows in ``no_country`` were counted by the reader already;
    ``dated`` names the date in the message, e.g. "with a week").
    """
    covered = np.array(country.notna(), dtype=bool)
    uncovered = ~covered if no_country is None else ~covered & ~no_country
    left.add(
        uncovered,
        "because their country is not one scamgeo covers (scamgeo.schema.COUNTRIES)",
        labels=labels,
    )
    keep = covered
    if filters.get("countries") is not None:
        other = keep & ~country.isin(filters["countries"]).fillna(False).to_numpy(dtype=bool)
        left.add(other, f"outside countries={filters['countries']}", labels=country)
        keep &= ~other
    before, after, period = period_filter(dates, filters)
    left.add(keep & (before | after), f"{dated} outside {period}", lines=lines)
    return keep & ~(before | after)


def _date(value: Any, *, name: str) -> pd.Timestamp | None:
    """A ``start=``/``end=`` argument by the command line's rules (:func:`scamgeo._time.parse_date`)."""
    return None if value is None else parse_date(value, name=name)


def check_filters(
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
) -> dict[str, Any]:
    """Check the filter arguments shared by every loader; return them parsed."""
    if isinstance(countries, str):
        countries = [countries]
    if countries is not None:
        countries = [str(c).upper() for c in countries]
    out = {
        "countries": check_choices(countries, COUNTRIES, name="countries"),
        "start": _date(start, name="start"),
        "end": _date(end, name="end"),
        "event_types": check_choices(event_types, EVENT_TYPES, name="event_types"),
        "sub_event_types": check_choices(
            sub_event_types, tuple(SUB_EVENT_TYPES), name="sub_event_types"
        ),
        "min_geo_precision": None,
    }
    if out["start"] is not None and out["end"] is not None and out["start"] > out["end"]:
        raise ParameterError(f"start={start!r} is after end={end!r}.")
    if min_geo_precision is not None:
        if min_geo_precision not in (1, 2, 3) or isinstance(min_geo_precision, bool):
            raise ParameterError(
                f"min_geo_precision={min_geo_precision!r} is not allowed. Allowed: 1 (exact place), "
                "2 (near a place or district), 3 (province)."
            )
        out["min_geo_precision"] = int(min_geo_precision)
    return out


def filter_events(
    events: pd.DataFrame,
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
) -> pd.DataFrame:
    """Keep the events that pass every filter given (a new frame, index kept).

    Parameters
    ----------
    events : pandas.DataFrame
        A table in the common event schema.
    countries : str or list of str, optional
        ISO3 codes to keep (e.g. ``["THA", "KHM"]``).
    start, end : str or date-like, optional
        First and last ``event_date`` to keep (inclusive).
    event_types, sub_event_types : str or list of str, optional
        ACLED event types / sub-event types to keep.
    min_geo_precision : {1, 2, 3}, optional
        Keep events located at least this precisely: ``geo_precision`` code
        <= this value (1 exact place, 2 near a place or district, 3 province).
        Events with no precision code are left out when this is given.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Same type and columns as ``events``; ``.attrs`` kept.

    Raises
    ------
    ParameterError
        An unknown country, event type or precision, or an unparseable date.

    Examples
    --------
    >>> from scamgeo import datasets, io
    >>> july = io.filter_events(datasets.events(), countries="KHM", start="2025-07-24", end="2025-07-28")
    >>> len(july)
    8
    """
    f = check_filters(
        countries=countries,
        start=start,
        end=end,
        event_types=event_types,
        sub_event_types=sub_event_types,
        min_geo_precision=min_geo_precision,
    )
    keep = pd.Series(True, index=events.index)
    if f["countries"] is not None:
        keep &= events["country"].astype("string").isin(f["countries"]).fillna(False)
    if f["start"] is not None:
        keep &= (events["event_date"] >= f["start"]).fillna(False)
    if f["end"] is not None:
        keep &= (events["event_date"] <= f["end"]).fillna(False)
    if f["event_types"] is not None:
        keep &= events["event_type"].astype("string").isin(f["event_types"]).fillna(False)
    if f["sub_event_types"] is not None:
        keep &= events["sub_event_type"].astype("string").isin(f["sub_event_types"]).fillna(False)
    if f["min_geo_precision"] is not None:
        keep &= (events["geo_precision"] <= f["min_geo_precision"]).fillna(False)
    out = events[keep.to_numpy(dtype=bool)].copy()
    out.attrs = dict(events.attrs)
    return out


def filter_rows(
    events: gpd.GeoDataFrame, left: LeftOut, filters: Mapping[str, Any], what: str
) -> gpd.GeoDataFrame:
    """The events passing a reader's filters other than country and period (applied before
    the checks), renumbered; the rows left out are counted in ``left`` as "not matching ``what``".
    """
    rest = {k: v for k, v in filters.items() if k not in ("countries", "start", "end")}
    if all(v is None for v in rest.values()):
        return events
    kept = filter_events(events, **rest).reset_index(drop=True)
    left.add_count(len(events) - len(kept), f"not matching {what}")
    return kept


def describe_filters(filters: Mapping[str, Any]) -> str:
    """Filters as text for an attribution line ("none" when no filter was given)."""
    parts = []
    for key, value in filters.items():
        if value is None:
            continue
        if isinstance(value, pd.Timestamp | dt.date):
            value = value.strftime("%Y-%m-%d")
        elif isinstance(value, list | tuple):
            value = "|".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    return "; ".join(parts) if parts else "none"


def today() -> str:
    """Today's date (UTC) as YYYY-MM-DD: the access date of a download."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
