"""Dates, phases and calendars, with one set of rules everywhere.

Date *arguments* (``start=``, ``end=``, ``as_of=``, a breakpoint) follow the
command line's rules: an ISO date ``YYYY-MM-DD`` (optionally with an ISO time),
or a ``datetime.date`` / ``datetime.datetime`` / :class:`pandas.Timestamp`.
Ambiguous day-month orders (``01-07-2025``), integers (``20250701``) and other
text are refused with a :class:`~scamgeo.ParameterError` naming the argument.

Time-zone-aware dates (arguments and columns alike) are converted to the
region's local date (:data:`TIMEZONE`, Asia/Bangkok: Thailand and Cambodia
share it), never shifted by dropping the offset after a UTC conversion.

The phases of the war come from the timeline table; :func:`phase_of` is the
one function that labels dates with them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import vocab
from ._errors import ParameterError, SchemaError
from ._validate import Problems, check_choice, require_columns

__all__ = [
    "PHASE_DTYPE",
    "TIMEZONE",
    "calendar",
    "date_column",
    "local_dates",
    "parse_date",
    "period_start",
    "phase_codes",
    "phase_of",
    "phase_table",
]

#: The region's time zone: an aware date is read as its local date here.
TIMEZONE = "Asia/Bangkok"

#: Ordered categorical dtype of the war phases (:data:`scamgeo.vocab.PHASES`).
PHASE_DTYPE = pd.CategoricalDtype(list(vocab.PHASES), ordered=True)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _local(ts: pd.Timestamp) -> pd.Timestamp:
    if ts.tzinfo is not None:
        ts = ts.tz_convert(TIMEZONE).tz_localize(None)
    return ts


def parse_date(value: Any, *, name: str) -> pd.Timestamp:
    """One date argument, by the command line's rules, as a naive midnight Timestamp.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime, numpy.datetime64 or pandas.Timestamp
        ``"YYYY-MM-DD"`` (an ISO time may follow); an aware date is read in
        Asia/Bangkok.
    name : str
        The argument's name, for the message.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ParameterError
        For anything else: ``"01-07-2025"`` (day and month ambiguous),
        ``20250701`` (a number), ``"July 1"``, missing values.

    Examples
    --------
    >>> from scamgeo._time import parse_date
    >>> parse_date("2025-07-24", name="start")
    Timestamp('2025-07-24 00:00:00')
    >>> parse_date(pd.Timestamp("2025-07-24 01:00", tz="UTC"), name="start")
    Timestamp('2025-07-24 00:00:00')
    >>> parse_date("01-07-2025", name="start")
    Traceback (most recent call last):
    ...
    scamgeo._errors.ParameterError: start='01-07-2025' is not a date; use an ISO date YYYY-MM-DD, ...
    """
    hint = f"{name}={value!r} is not a date; use an ISO date YYYY-MM-DD, e.g. '2025-07-24'"
    if isinstance(value, bool) or isinstance(value, int | float | np.number):
        raise ParameterError(f"{hint} (numbers such as 20250701 are not read as dates).")
    if isinstance(value, str):
        text = value.strip()
        if not _ISO.match(text):
            ambiguous = re.match(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$", text)
            why = f" ({text} could be day-month or month-day)" if ambiguous else ""
            raise ParameterError(f"{hint}{why}.")
        try:
            ts = pd.Timestamp(text)
            if ts.tzinfo is None:
                dt.date.fromisoformat(text[:10])
        except ValueError:
            raise ParameterError(f"{hint}.") from None
    elif isinstance(value, dt.date | np.datetime64 | pd.Timestamp):
        ts = pd.Timestamp(value)
    else:
        raise ParameterError(f"{hint}; got a {type(value).__name__}.")
    if pd.isna(ts):
        raise ParameterError(f"{hint}.")
    return _local(ts).normalize()


def date_column(
    frame: pd.DataFrame, column: str, *, source: str, allow_missing: bool = False
) -> pd.Series:
    """The dates of ``frame[column]`` as naive ``datetime64[ns]`` midnights.

    Aware dates become their Asia/Bangkok date. Text is read as ISO dates.

    Raises
    ------
    SchemaError
        Naming the rows (by their index label) whose value is not a date, the
        first 20 listed and the rest counted (missing values too, unless
        ``allow_missing``), or if the column is absent.
    """
    require_columns(frame.columns, [column], source=source)
    raw = frame[column]
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        parsed = raw.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    else:
        parsed = _parse_text_dates(raw)
    bad = parsed.isna().to_numpy(dtype=bool).copy()
    if allow_missing:
        bad &= raw.notna().to_numpy(dtype=bool)
    if bad.any():
        problems = Problems(source)
        where = np.flatnonzero(bad)
        for pos in where[: problems.limit]:  # rows by their index label: the caller's own
            problems.add(f"{raw.iloc[pos]!r} is not a date", row=raw.index[pos], column=column)
        problems.add_unlisted(len(where) - min(len(where), problems.limit))
        problems.raise_if_any()
    return parsed.dt.normalize().astype("datetime64[ns]")


#: An ISO instant with a zone: ``Z`` or an offset such as ``+07:00``, ``+0700``.
_AWARE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$"


def aware_text_mask(text: pd.Series) -> np.ndarray:
    """Which cells of a text Series are ISO instants with a zone (``Z``, ``+07:00``)."""
    return text.str.match(_AWARE).fillna(False).to_numpy(dtype=bool)


def local_dates(text: pd.Series) -> pd.Series:
    """ISO instants with a zone as their Asia/Bangkok calendar date (naive midnight; NaT if bad).

    The one reading of an aware instant, for arguments, frames and the cells of
    files alike: ``2025-07-24T20:00:00Z`` is 25 July in Bangkok, and
    ``2025-07-24T20:00:00+07:00`` is 24 July.

    Examples
    --------
    >>> import pandas as pd
    >>> local_dates(pd.Series(["2025-07-24T20:00:00Z", "2025-07-24T20:00:00+07:00"])).dt.day.tolist()
    [25, 24]
    """
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    return (
        parsed.dt.tz_convert(TIMEZONE).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    )


def _parse_text_dates(raw: pd.Series) -> pd.Series:
    """Dates from text (ISO only) or date objects; aware values in their Bangkok date."""
    out = pd.Series(np.datetime64("NaT", "ns"), index=raw.index, name=raw.name)
    obj = raw.astype(object)
    is_str = obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if is_str.any():
        text = obj[is_str].astype(str).str.strip()
        iso = text.str.match(_ISO.pattern).to_numpy(dtype=bool)
        aware = iso & aware_text_mask(text)
        naive = iso & ~aware
        if naive.any():
            out[text.index[naive]] = pd.to_datetime(
                text[naive], format="ISO8601", errors="coerce"
            ).to_numpy(dtype="datetime64[ns]")
        if aware.any():
            out[text.index[aware]] = local_dates(text[aware]).to_numpy(dtype="datetime64[ns]")
    others = ~is_str & obj.notna().to_numpy(dtype=bool)
    for pos in np.flatnonzero(others):
        value = obj.iloc[pos]
        if isinstance(value, dt.date | np.datetime64 | pd.Timestamp):
            out.iloc[pos] = parse_date(value, name="date").to_datetime64()
    return out


def _timeline_from(phase_starts: Mapping[str, Any] | pd.DataFrame | None) -> pd.DataFrame:
    if phase_starts is None:
        from ._curated import sorted_timeline

        return sorted_timeline()
    if isinstance(phase_starts, pd.DataFrame):
        return phase_starts
    if isinstance(phase_starts, Mapping):
        for phase in phase_starts:
            check_choice(str(phase), vocab.PHASES[1:], name="phase_starts")
        return pd.DataFrame(
            {
                "date": [
                    parse_date(d, name=f"phase_starts[{p!r}]") for p, d in phase_starts.items()
                ],
                "phase_starts": [str(p) for p in phase_starts],
            }
        )
    raise ParameterError(
        "timeline must be the timeline table (columns date, phase_starts) or a mapping "
        f"{{phase: start date}}, got {type(phase_starts).__name__}."
    )


def phase_table(timeline: Mapping[str, Any] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Start and (inclusive) end of each phase, plus ``pre_war``.

    Parameters
    ----------
    timeline : DataFrame or mapping, optional
        The timeline table (``date``, ``phase_starts``), or ``{phase: start}``;
        default the curated timeline.

    Raises
    ------
    SchemaError
        If a phase is unknown or starts twice, or the starts are out of order.
    """
    tl = _timeline_from(timeline)
    source = "timeline"
    require_columns(tl.columns, ["date", "phase_starts"], source=source)
    marks = tl[tl["phase_starts"].notna()]
    dates = date_column(marks, "date", source=source)
    names = marks["phase_starts"].astype("string").str.strip()
    _check_phase_names(names, source=source)
    order = pd.DataFrame({"phase": names.to_numpy(), "start": dates.to_numpy()})
    order["rank"] = order["phase"].map({p: i for i, p in enumerate(vocab.PHASES)})
    order = order.sort_values("rank", kind="stable").reset_index(drop=True)
    if not order["start"].is_monotonic_increasing or order["start"].duplicated().any():
        listing = ", ".join(
            f"{p} {d:%Y-%m-%d}" for p, d in zip(order["phase"], order["start"], strict=True)
        )
        raise SchemaError(
            f"timeline: phase start dates are not in the order of scamgeo.vocab.PHASES ({listing}).",
            source=source,
        )
    starts = [pd.NaT, *order["start"]]
    ends = [s - pd.Timedelta(days=1) for s in order["start"]] + [pd.NaT]
    out = pd.DataFrame(
        {
            "phase": pd.Categorical(["pre_war", *order["phase"]], dtype=PHASE_DTYPE),
            "start": pd.to_datetime(pd.Series(starts, dtype="datetime64[ns]")),
            "end": pd.to_datetime(pd.Series(ends, dtype="datetime64[ns]")),
        }
    )
    out["days"] = ((out["end"] - out["start"]).dt.days + 1).astype("Int64")
    return out


def _check_phase_names(names: pd.Series, *, source: str) -> None:
    problems = Problems(source)
    allowed = list(vocab.PHASES[1:])
    for pos, value in enumerate(names):
        if value not in allowed:
            problems.add(
                f"phase_starts {value!r} is not one of {', '.join(allowed)}",
                row=pos,
                column="phase_starts",
            )
    for value in dict.fromkeys(names[names.duplicated(keep=False)]):
        problems.add(f"phase {value!r} starts on more than one row", column="phase_starts")
    problems.raise_if_any()
    if names.empty:
        raise SchemaError(
            "timeline: no row has phase_starts set, so the phases are unknown.", source=source
        )


def phase_codes(values: np.ndarray, table: pd.DataFrame) -> pd.Categorical:
    """Phase of each ``datetime64`` value given a :func:`phase_table` (NaT: missing)."""
    starts = table["start"].iloc[1:].to_numpy(dtype="datetime64[ns]")
    names = np.asarray(table["phase"].astype(str))
    pos = np.searchsorted(starts, values, side="right")
    labels = names[pos].astype(object)
    labels[np.isnat(values)] = None
    return pd.Categorical(labels, dtype=PHASE_DTYPE)


def phase_of(dates: Any, *, timeline: Mapping[str, Any] | pd.DataFrame | None = None) -> pd.Series:
    """The phase of the war on each date: the last phase started on or before it.

    Parameters
    ----------
    dates : Series, array-like or a single date
        Missing dates give a missing phase; aware dates are read in Asia/Bangkok.
    timeline : DataFrame or mapping, optional
        The timeline table or ``{phase: start}``; default the curated timeline.

    Returns
    -------
    pandas.Series
        Named ``phase``, ordered categorical over :data:`scamgeo.vocab.PHASES`,
        indexed like ``dates`` when it is a Series.

    Examples
    --------
    >>> starts = {"july_war": "2025-07-24", "truce": "2025-07-29"}
    >>> phase_of(["2025-07-01", "2025-07-24", "2025-08-01"], timeline=starts).tolist()
    ['pre_war', 'july_war', 'truce']
    """
    table = timeline if _is_phase_table(timeline) else phase_table(timeline)
    index = dates.index if isinstance(dates, pd.Series) else None
    if isinstance(dates, pd.DatetimeIndex):
        series = pd.Series(dates)
    elif np.isscalar(dates) or isinstance(dates, pd.Timestamp | dt.date):
        series = pd.Series([dates], dtype=object)
    else:
        series = pd.Series(dates.to_numpy() if index is not None else list(dates))
        if isinstance(dates, pd.Series) and isinstance(dates.dtype, pd.DatetimeTZDtype):
            series = dates.reset_index(drop=True)
    try:
        parsed = date_column(
            pd.DataFrame({"date": series}), "date", source="dates", allow_missing=True
        )
    except SchemaError as exc:
        raise ParameterError(f"phase_of: dates must be dates ('YYYY-MM-DD'): {exc}") from None
    labels = phase_codes(parsed.to_numpy(dtype="datetime64[ns]"), table)
    return pd.Series(labels, index=index, name="phase")


def _is_phase_table(value: Any) -> bool:
    return isinstance(value, pd.DataFrame) and {"phase", "start", "end"} <= set(value.columns)


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """First day of the day (``D``), Monday-starting week (``W``) or month (``M``) of each date."""
    check_choice(freq, ("D", "W", "M"), name="freq")
    dates = dates.dt.normalize()
    if freq == "D":
        return dates
    if freq == "W":
        return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    return dates.dt.to_period("M").dt.to_timestamp()


def calendar(start: pd.Timestamp, end: pd.Timestamp, freq: str = "D") -> pd.DatetimeIndex:
    """Every period from the one holding ``start`` to the one holding ``end``, named ``period``."""
    first, last = period_start(pd.Series([start, end]), freq).tolist()
    step = {"D": "D", "W": "W-MON", "M": "MS"}[freq]
    return pd.date_range(first, last, freq=step, name="period")
