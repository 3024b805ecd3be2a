"""Displacement: peaks, time to peak and returns, one metric and unit at a time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _time
from .._errors import ParameterError, SchemaError
from .._time import parse_date
from .._validate import check_choice, check_positive, require_columns
from ..vocab import DISPLACEMENT_METRICS, DISPLACEMENT_UNITS, WAR_PHASES
from ..vocab import STOCK_METRICS as _STOCK_METRICS
from ._common import as_frame, date_column, phase_table, require_rows, to_timestamp

__all__ = [
    "METRICS",
    "SERIES_COLUMNS",
    "STOCK_METRICS",
    "UNITS",
    "displacement_summary",
    "figures_as_of",
    "series_columns",
]

#: Metrics of the displacement schema (``displaced_combined``: cross-border totals, country "both").
METRICS = DISPLACEMENT_METRICS
#: Metrics that count people *currently* displaced (their fall from the peak is read as return).
STOCK_METRICS = _STOCK_METRICS
#: Units of the displacement schema.
UNITS = DISPLACEMENT_UNITS

_WARS = WAR_PHASES

#: Columns that, beside country, province, metric and unit, tell one series from another.
SERIES_COLUMNS = ("counting_body", "measure")
#: What a figure without a counting body or measure is grouped as.
UNKNOWN_BODY = "not stated"
UNKNOWN_MEASURE = "unknown"


def series_columns(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, list[str]]:
    """``counting_body`` and ``measure`` of each row, with the notes a reader needs.

    Two counting bodies' figures, or a flow (people who moved during a period)
    and a stock (people displaced at a moment), are different series and are
    never joined. Loader output may lack the columns: every row then counts as
    one body and an unknown measure, and a note says so.

    Parameters
    ----------
    frame : pandas.DataFrame
        Displacement figures, with or without ``counting_body`` and
        ``measure`` columns (blank text counts as missing).

    Returns
    -------
    (counting_body, measure, notes)
        Two string Series aligned on ``frame`` (missing values filled with
        "not stated" / "unknown") and a list of plain-text notes.

    Examples
    --------
    >>> import pandas as pd
    >>> from scamgeo import stats
    >>> body, measure, notes = stats.series_columns(pd.DataFrame({"measure": ["stock", None]}))
    >>> body.tolist(), measure.tolist(), len(notes)
    (['not stated', 'not stated'], ['stock', 'unknown'], 2)
    """
    notes: list[str] = []
    out = []
    for column, fill in (("counting_body", UNKNOWN_BODY), ("measure", UNKNOWN_MEASURE)):
        if column in frame.columns:
            values = frame[column].astype("string").str.strip()
            values = values.mask(values == "")
            blank = int(values.isna().sum())
            if blank:
                notes.append(
                    f"{blank} figure(s) without a {column.replace('_', ' ')}: grouped as {fill!r}."
                )
            out.append(values.fillna(fill))
        else:
            notes.append(
                f"no {column} column: every figure is treated as "
                + ("one counting body." if column == "counting_body" else "an unknown measure.")
            )
            out.append(pd.Series(fill, index=frame.index, dtype="string"))
    return out[0], out[1], notes


def figures_as_of(
    displacement: pd.DataFrame, date: Any, *, max_age_days: float | None = 14
) -> pd.DataFrame:
    """Each province's latest figure on ``date``: reported on or before it, and recently.

    The one rule by which a date is given figures (the displacement map uses
    it too): a province's figure stands for ``date`` only if it was reported
    within ``max_age_days`` before it, so a July figure is not read as
    December's. Rows without a province (national figures) are left out.

    Parameters
    ----------
    displacement : pandas.DataFrame
        Figures of one series (one metric, unit, counting body and measure),
        with ``as_of``, ``admin1_code`` and ``value``.
    date : str or date-like
        An ISO date (``YYYY-MM-DD``).
    max_age_days : float or None, default 14
        None carries every figure forward indefinitely.

    Returns
    -------
    pandas.DataFrame
        One row per province with a figure in the window (empty if none).

    Examples
    --------
    >>> from scamgeo import datasets
    >>> dp = datasets.displacement()
    >>> series = dp[(dp["metric"] == "in_shelters") & (dp["country"] == "THA")]
    >>> len(figures_as_of(series, "2025-01-01"))
    0
    >>> len(figures_as_of(series, "2025-07-30")) > 0
    True
    """
    require_columns(displacement.columns, ["as_of", "admin1_code", "value"], source="displacement")
    when = parse_date(date, name="date")
    if max_age_days is not None:
        max_age_days = check_positive(max_age_days, name="max_age_days")
    rows = displacement[displacement["admin1_code"].notna()]
    as_of = _time.date_column(rows, "as_of", source="displacement", allow_missing=True)
    keep = np.array(as_of <= when, dtype=bool)  # a copy: to_numpy may be read-only
    if max_age_days is not None:
        keep &= (as_of > when - pd.Timedelta(days=max_age_days)).to_numpy(dtype=bool)
    upto = rows[keep].assign(as_of=as_of[keep])
    if upto.empty:
        return upto
    return (
        upto.sort_values(["as_of", "value"], kind="stable")
        .groupby("admin1_code", sort=True)
        .tail(1)
    )


def _one(value: Any, options: tuple[str, ...], *, name: str, what: str) -> str | None:
    """``value`` as one allowed option (or None); refuse lists that would pool several."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, pd.Index, pd.Series, np.ndarray)):
        values = list(dict.fromkeys(value))
        if len(values) > 1:
            raise ParameterError(
                f"{name}={values!r} would combine {what}s; figures in different {what}s count different "
                f"things and are never added or compared as one series. Pass one {what}, or {name}=None "
                f"to summarise each {what} separately."
            )
        if not values:
            raise ParameterError(f"{name} is empty; pass one of {', '.join(options)} or None.")
        value = values[0]
    return check_choice(value, options, name=name)


def displacement_summary(
    displacement: pd.DataFrame,
    *,
    metric: str | None = None,
    unit: str | None = "people",
    returned_by: Any = None,
    timeline: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Peak, date of peak, time to peak and share returned, per metric, unit, country and province.

    Figures are always grouped by ``metric``, ``unit``, ``counting_body`` and
    ``measure`` (and by country, province and war): Thai figures are mostly
    people ``in_shelters``, Cambodian ones ``displaced_total``; two bodies'
    series, or a flow and a stock, are never merged. Without the
    ``counting_body``/``measure`` columns (loader output) every figure counts
    as one body and an unknown measure, and ``out.attrs["notes"]`` says so.

    Parameters
    ----------
    displacement : pandas.DataFrame
        Displacement schema (:data:`scamgeo.schema.DISPLACEMENT`): ``as_of``,
        ``country``, ``admin1`` (empty for a national figure), ``metric``,
        ``value``, ``unit``; ``admin1_code`` is used when present.
    metric : str, optional
        One metric (``evacuated``, ``in_shelters``, ``displaced_total``,
        ``remaining``, ``returned``); default every metric, each on its own rows.
    unit : str or None
        One unit (default ``"people"``); None for every unit, each on its own rows.
    returned_by : date-like, optional
        Date at which to measure returns: for the metrics counting people
        still displaced (``in_shelters``, ``displaced_total``, ``remaining``)
        ``share_returned`` is ``1 - value / peak`` with the latest figure on or
        before that date (``value_at_returned_by``, dated ``value_at_date``),
        when that figure is later than the peak and in the same war; else
        missing (no figure after the peak is not evidence of no return).
    timeline : pandas.DataFrame, optional
        Timeline giving the outbreaks (starts of ``july_war``, 2025-07-24, and
        ``december_war``, 2025-12-07); default the curated one.

    Returns
    -------
    pandas.DataFrame
        One row per metric, unit, counting body, measure, country, province
        (``level`` ``country`` for national figures, ``province`` otherwise) and war (``war``: the
        outbreak the figure follows, ``pre_war`` before the first): ``metric``,
        ``unit``, ``country``, ``level``, ``admin1``, ``admin1_code``,
        ``war``, ``outbreak``, ``n_figures``, ``first_date``, ``peak_value``,
        ``peak_date`` (first date the peak was reported), ``days_to_peak``
        (from the outbreak), ``last_value``, ``last_date``, ``returned_by``,
        ``value_at_returned_by``, ``value_at_date`` and ``share_returned``.

    Raises
    ------
    ParameterError
        If ``metric`` or ``unit`` is a list of several (which would combine
        them) or unknown.
    SchemaError
        Empty frame, missing column, or a row without metric, unit or value.

    Notes
    -----
    When sources give different figures for the same date, the largest is
    used both for the peak and for the value at ``returned_by`` (so the
    share returned is not overstated). A fall in people in shelters is a
    proxy for return: people may also move to relatives or be moved
    elsewhere. ``evacuated`` and ``returned`` are cumulative counts, so they
    get no ``share_returned``.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> summary = stats.displacement_summary(datasets.displacement())
    >>> row = summary.iloc[0]
    >>> row["metric"], row["measure"], row["war"], int(row["peak_value"])
    ('displaced_combined', 'flow', 'december_war', 500000)
    >>> str(row["peak_date"].date()), row["counting_body"]
    ('2025-12-10', 'AFP sum of Thai and Cambodian defence ministry figures')
    """
    df = as_frame(displacement, name="displacement")
    metric = _one(metric, METRICS, name="metric", what="metric")
    unit = _one(unit, UNITS, name="unit", what="unit")
    when = to_timestamp(returned_by, name="returned_by") if returned_by is not None else None
    work, notes = _work_table(df)
    if metric is not None:
        work = work[work["metric"] == metric]
    if unit is not None:
        work = work[work["unit"] == unit]
    starts = _label_wars(work, timeline)
    rows = [
        _series_row(dict(zip(_KEYS, key, strict=True)), grp, when=when, starts=starts)
        for key, grp in work.groupby(list(_KEYS), sort=True, dropna=False)
    ]
    out = pd.DataFrame(rows).reindex(columns=_SUMMARY_COLUMNS)
    out.attrs["notes"] = notes
    if not len(out):
        return out
    for c in ("outbreak", "first_date", "peak_date", "last_date", "returned_by", "value_at_date"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    out = out.reset_index(drop=True)
    out.attrs["notes"] = notes
    return out


_KEYS = ("metric", "unit", "counting_body", "measure", "country", "level", "place", "war")
_SUMMARY_COLUMNS = [
    "metric", "unit", "counting_body", "measure", "country", "level", "admin1", "admin1_code",
    "war", "outbreak", "n_figures", "first_date", "peak_value", "peak_date", "days_to_peak",
    "last_value", "last_date", "returned_by", "value_at_returned_by", "value_at_date",
    "share_returned",
]  # fmt: skip


def _work_table(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The figures checked and laid out one per row (with body, measure, level, place)."""
    source = "displacement"
    require_columns(
        df.columns, ["as_of", "country", "admin1", "metric", "value", "unit"], source=source
    )
    require_rows(df, name=source, what="figures")
    dates = date_column(df, "as_of", source=source)
    values = pd.to_numeric(df["value"], errors="coerce")
    metrics = df["metric"].astype("string")
    units = df["unit"].astype("string")
    missing = values.isna() | metrics.isna() | units.isna()
    if missing.any():
        pos = int(np.flatnonzero(missing.to_numpy())[0])
        raise SchemaError(
            f"displacement: row {pos} has no value, metric or unit; every figure needs all three "
            "(figures are never pooled across metrics or units).",
            source=source,
        )
    unknown = sorted(set(metrics) - set(METRICS))
    if unknown:
        raise SchemaError(
            f"displacement: unknown metric(s) {unknown}; allowed: {', '.join(METRICS)}.",
            source=source,
        )
    code = (
        df["admin1_code"].astype("string")
        if "admin1_code" in df.columns
        else pd.Series(pd.NA, index=df.index, dtype="string")
    )
    body, measure, notes = series_columns(df)
    work = pd.DataFrame(
        {
            "metric": metrics.to_numpy(), "unit": units.to_numpy(),
            "counting_body": body.to_numpy(), "measure": measure.to_numpy(),
            "country": df["country"].astype("string").to_numpy(),
            "admin1": df["admin1"].astype("string").to_numpy(), "admin1_code": code.to_numpy(),
            "as_of": dates.to_numpy(), "value": values.to_numpy(dtype=float),
        }
    )  # fmt: skip
    work["level"] = np.where(work["admin1"].isna(), "country", "province")
    work["place"] = work["admin1_code"].fillna(work["admin1"]).fillna("")
    return work, notes


def _label_wars(work: pd.DataFrame, timeline: Any) -> list[tuple[str, pd.Timestamp]]:
    """Add each figure's war and its outbreak date to ``work``; the wars' starts, in order."""
    table = phase_table(timeline)
    outbreaks = {
        str(p): s for p, s in zip(table["phase"], table["start"], strict=True) if str(p) in _WARS
    }
    starts = sorted(outbreaks.items(), key=lambda kv: kv[1])
    war = np.full(len(work), "pre_war", dtype=object)
    outbreak = np.full(len(work), np.datetime64("NaT"), dtype="datetime64[ns]")
    for name, start in starts:
        after = (work["as_of"] >= start).to_numpy()
        war[after] = name
        outbreak[after] = np.datetime64(start, "ns")
    work["war"] = war
    work["outbreak"] = outbreak
    return starts


def _series_row(
    row: dict[str, Any], grp: pd.DataFrame, *, when: Any, starts: list[tuple[str, pd.Timestamp]]
) -> dict[str, Any]:
    """Peak, time to peak and share returned of one series (one value per date: the largest)."""
    daily = grp.groupby("as_of")["value"].max().sort_index()
    peak = float(daily.max())
    peak_date = daily.idxmax()
    out_date = grp["outbreak"].iloc[0]
    first = {c: grp[c].dropna().iloc[0] if grp[c].notna().any() else pd.NA
             for c in ("admin1", "admin1_code")}  # fmt: skip
    row.update(first)
    row.update(
        {
            "outbreak": out_date, "n_figures": len(grp), "first_date": daily.index[0],
            "peak_value": peak, "peak_date": peak_date,
            "days_to_peak": (peak_date - out_date).days if pd.notna(out_date) else np.nan,
            "last_value": float(daily.iloc[-1]), "last_date": daily.index[-1],
            "returned_by": when, "value_at_returned_by": np.nan, "value_at_date": pd.NaT,
            "share_returned": np.nan,
        }
    )  # fmt: skip
    stock = row["metric"] in STOCK_METRICS and row["measure"] != "flow"
    if when is None or not stock or when < peak_date:
        return row
    upto = daily[daily.index <= when]
    # only within the same war: the latest figure must still belong to it and the date too
    after = out_date if pd.notna(out_date) else pd.Timestamp.min
    war_end = min((s for _, s in starts if s > after), default=None)
    if (war_end is None or when < war_end) and upto.index[-1] > peak_date:
        value_at = float(upto.iloc[-1])
        row["value_at_returned_by"] = value_at
        row["value_at_date"] = upto.index[-1]
        row["share_returned"] = 1.0 - value_at / peak if peak > 0 else np.nan
    return row
