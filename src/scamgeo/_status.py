"""Sites over time: which status each site held when (behind :func:`scamgeo.datasets.site_status`).

Pure functions on the site-status table (one row per site and status, with ``start`` and
``end``); loading and checking the curated file is :mod:`scamgeo.datasets`' job. A row
holds on a day when ``start <= day`` and ``end`` is empty or ``day <= end``. Raids and
strikes are episodes with an end; the other statuses last until a report ends them.
"""

from __future__ import annotations

import pandas as pd

from ._errors import ParameterError
from ._time import calendar, parse_date
from ._validate import Problems, check_choice
from .vocab import SITE_STATUS_LABELS, SITE_STATUSES

__all__ = ["history", "site_problems", "status_counts", "status_on", "with_status"]

#: Columns of a site's history table, in order.
HISTORY_COLUMNS = [
    "start",
    "end",
    "status",
    "what",
    "start_precision",
    "claimed_by",
    "notes",
    "publisher",
    "published",
    "source_url",
]


def site_problems(status: pd.DataFrame, site_ids: pd.Index, *, source: str) -> Problems:
    """Rows whose ``site_id`` is not a site of the record (not yet raised)."""
    problems = Problems(source)
    unknown = ~status["site_id"].isin(site_ids)
    for pos, value in zip(range(len(status)), status["site_id"], strict=True):
        if unknown.iloc[pos]:
            problems.add(
                f"site_id {value!r} is not a site (scamgeo.datasets.sites() lists them)",
                row=pos + 2,
                column="site_id",
            )
    return problems


def _holds(status: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Rows whose period overlaps ``first``..``last`` (both inclusive)."""
    end = status["end"]
    return (status["start"] <= last) & (end.isna() | (end >= first))


def status_on(status: pd.DataFrame, day: object) -> pd.DataFrame:
    """The status rows that hold on ``day``.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> from scamgeo._status import status_on
    >>> on = status_on(datasets.site_status(), "2025-12-20")
    >>> sorted(on.loc[on["site_id"] == "thmor-da-casino", "status"].astype(str))
    ['struck']
    """
    when = parse_date(day, name="as_of")
    return status[_holds(status, when, when).to_numpy()]


def with_status(sites: pd.DataFrame, status: pd.DataFrame, day: object) -> pd.DataFrame:
    """``sites`` (indexed by site id) with ``status_as_of``: its statuses on ``day``.

    Several statuses can hold at once (sanctioned and struck); they are joined with "; "
    in the order of :data:`scamgeo.vocab.SITE_STATUSES`. Empty where none is recorded.
    """
    on = status_on(status, day)
    order = {s: i for i, s in enumerate(SITE_STATUSES)}
    joined = (
        on.assign(_o=on["status"].astype(str).map(order))
        .sort_values("_o")
        .groupby("site_id", sort=False)["status"]
        .agg(lambda s: "; ".join(dict.fromkeys(s.astype(str))))
    )
    out = sites.copy()
    out["status_as_of"] = pd.array(joined.reindex(out.index).to_numpy(), dtype="string")
    out.attrs["status_as_of"] = str(parse_date(day, name="as_of").date())
    return out


def history(status: pd.DataFrame, site_id: str) -> pd.DataFrame:
    """One site's statuses in time order, each with what it means and its source."""
    rows = status[status["site_id"] == site_id].sort_values(["start", "status"], kind="stable")
    rows = rows.assign(what=rows["status"].astype(str).map(SITE_STATUS_LABELS))
    return rows[HISTORY_COLUMNS].reset_index(drop=True)


_STEP = {"D": "D", "W": "W-MON", "M": "MS"}
_FREQ_NAMES = {"D": "day", "W": "week", "M": "month"}


def status_counts(
    status: pd.DataFrame,
    *,
    freq: str = "M",
    start: object = None,
    end: object = None,
) -> pd.DataFrame:
    """How many sites held each status in each period.

    A site counts in a period when one of its rows of that status overlaps it (a
    one-day strike counts in its month); a site holding two statuses counts in both.

    Parameters
    ----------
    status : pandas.DataFrame
        :func:`scamgeo.datasets.site_status` rows.
    freq : {"M", "W", "D"}
        Months (default), Monday-starting weeks or days, labelled by their first day.
    start, end : date-like, optional
        First and last day (default: the first start and the last start or end).

    Returns
    -------
    pandas.DataFrame
        Indexed by period start (``period``), one integer column per status of
        :data:`scamgeo.vocab.SITE_STATUSES`; ``attrs["freq"]`` names the period.

    Examples
    --------
    >>> from scamgeo import datasets
    >>> from scamgeo._status import status_counts
    >>> counts = status_counts(datasets.site_status(), start="2025-12-01", end="2025-12-31")
    >>> int(counts.loc["2025-12-01", "struck"]) >= 8
    True
    """
    check_choice(freq, list(_STEP), name="freq")
    first = parse_date(start, name="start") if start is not None else status["start"].min()
    last = (
        parse_date(end, name="end")
        if end is not None
        else pd.concat([status["start"], status["end"]]).max()
    )
    if pd.isna(first) or pd.isna(last):
        raise ParameterError("status_counts: there are no dated status rows to count.")
    if last < first:
        raise ParameterError(f"status_counts: end {last.date()} is before start {first.date()}.")
    periods = calendar(first, last, freq)
    step = pd.tseries.frequencies.to_offset(_STEP[freq])
    table = {}
    for name in SITE_STATUSES:
        rows = status[status["status"].astype(str) == name]
        table[name] = [
            int(
                rows.loc[
                    _holds(rows, p0, p0 + step - pd.Timedelta(days=1)).to_numpy(), "site_id"
                ].nunique()
            )
            for p0 in periods
        ]
    out = pd.DataFrame(table, index=periods)
    out.attrs["freq"] = _FREQ_NAMES[freq]
    return out
