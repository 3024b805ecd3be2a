"""Displacement in each war as the counting body that followed it reported it, and the returns."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import vocab
from .._time import phase_table
from .._validate import require_columns

__all__ = ["FOLLOW_DAYS", "WAR_METRICS", "metric_series", "return_series", "war_displacement"]

#: Stocks that measure a war's displacement (people still displaced later on are the returns'
#: story, :func:`return_series`).
WAR_METRICS = vocab.DISPLACED_STOCKS

#: Days after a war's last day in which its displacement figures still count as its own
#: (people stay displaced after a ceasefire).
FOLLOW_DAYS = 30

_NEEDED = ["as_of", "country", "admin1", "metric", "measure", "counting_body", "value"]


def _national(displacement: pd.DataFrame) -> pd.DataFrame:
    require_columns(displacement.columns, _NEEDED, source="displacement")
    out = displacement[displacement["admin1"].isna()].copy()
    out["as_of"] = pd.to_datetime(out["as_of"])
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    if "qualifier" not in out.columns:
        out["qualifier"] = pd.NA
    return out


def _wars(timeline: pd.DataFrame | None) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    table = phase_table(timeline)
    out = []
    for row in table.itertuples():
        if str(row.phase) in vocab.WAR_PHASES:
            out.append((str(row.phase), row.start, row.end + pd.Timedelta(days=FOLLOW_DAYS)))
    return out


def war_displacement(
    displacement: pd.DataFrame | None = None, *, timeline: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For each war and country, the stock series that followed it, its peak, and the others.

    A war's figures are the national stocks of :data:`WAR_METRICS` (people in
    shelters, or displaced in all) dated from its first day to :data:`FOLLOW_DAYS` after its last.
    The series that *followed* the war is the counting body and metric with the
    most figures within the war and the week after it (ties: the most figures
    in all, then the latest); its peak is reported with its
    date and qualifier ("about", "nearly"). The highest figure of any other
    series in the same days is kept beside it, never joined to it.

    Parameters
    ----------
    displacement : DataFrame, optional
        The displacement table (default :func:`scamgeo.datasets.displacement`).
    timeline : DataFrame, optional
        The timeline giving the wars' dates.

    Returns
    -------
    pandas.DataFrame
        One row per war and country: ``war``, ``country``, ``metric``,
        ``counting_body``, ``figures``, ``first``, ``last``, ``peak_value``,
        ``peak_date``, ``peak_qualifier``, ``other_value``, ``other_date``,
        ``other_metric``, ``other_body``, ``other_qualifier``.

    Examples
    --------
    >>> from scamgeo import stats
    >>> t = stats.war_displacement().set_index(["war", "country"])
    >>> row = t.loc[("december_war", "THA")]
    >>> row["counting_body"], int(row["peak_value"]), int(row["other_value"])
    ('Thai Ministry of Defence', 261137, 400000)
    """
    if displacement is None:
        from .. import datasets

        displacement = datasets.displacement()
    nat = _national(displacement)
    nat = nat[nat["metric"].isin(WAR_METRICS) & (nat["measure"] == "stock")]
    rows = []
    for war, first, last in _wars(timeline):
        span = nat[(nat["as_of"] >= first) & (nat["as_of"] <= last)]
        war_end = last - pd.Timedelta(days=FOLLOW_DAYS - 7)  # the war's days, and a week after
        for country in ("THA", "KHM"):
            mine = span[span["country"] == country]
            if mine.empty:
                continue
            rows.append({"war": war, "country": country, **_followed(mine, war_end)})
    return pd.DataFrame(rows)


def _followed(mine: pd.DataFrame, war_end: pd.Timestamp) -> dict[str, Any]:
    """The series that followed the war: most figures in its days, then most in all, latest."""
    groups = mine.assign(in_war=mine["as_of"] <= war_end).groupby(
        ["counting_body", "metric"], sort=True
    )
    stats = groups.agg(in_war=("in_war", "sum"), figures=("value", "size"), last=("as_of", "max"))
    body, metric = stats.sort_values(["in_war", "figures", "last"], ascending=False).index[0]
    series = mine[(mine["counting_body"] == body) & (mine["metric"] == metric)]
    peak = series.loc[series["value"].idxmax()]
    others = mine[~((mine["counting_body"] == body) & (mine["metric"] == metric))]
    other = others.loc[others["value"].idxmax()] if len(others) else None
    return {
        "metric": metric, "counting_body": body, "figures": len(series),
        "first": series["as_of"].min(), "last": series["as_of"].max(),
        "peak_value": float(peak["value"]), "peak_date": peak["as_of"],
        "peak_qualifier": peak["qualifier"],
        "other_value": None if other is None else float(other["value"]),
        "other_date": None if other is None else other["as_of"],
        "other_metric": None if other is None else other["metric"],
        "other_body": None if other is None else other["counting_body"],
        "other_qualifier": None if other is None else other["qualifier"],
    }  # fmt: skip


def return_series(
    displacement: pd.DataFrame | None = None, *, country: str = "KHM"
) -> pd.DataFrame:
    """The people still displaced and returned over time, by the body that counted most often.

    Stocks only (``remaining`` and cumulative ``returned`` figures), national,
    one counting body: the one with the most such figures for ``country``.

    Parameters
    ----------
    displacement : pandas.DataFrame, optional
        Displacement figures in :data:`scamgeo.schema.DISPLACEMENT` (default
        :func:`scamgeo.datasets.displacement`); only national rows (no
        ``admin1``) are used.
    country : str, default "KHM"
        ISO3 code of the country whose returns are followed.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``metric`` (remaining / returned), ``value``, ``qualifier``,
        ``counting_body``, sorted by date; empty when the country has none.

    Examples
    --------
    >>> from scamgeo import stats
    >>> r = stats.return_series(country="KHM")
    >>> r["counting_body"].iloc[0], int(r["value"].iloc[-1])
    ('Cambodian Ministry of Interior', 570000)
    """
    if displacement is None:
        from .. import datasets

        displacement = datasets.displacement()
    nat = _national(displacement)
    sel = nat[
        (nat["country"] == country)
        & nat["metric"].isin(vocab.RETURN_METRICS)
        & (nat["measure"] == "stock")
    ]
    if sel.empty:
        return sel[["as_of", "metric", "value", "qualifier", "counting_body"]]
    body = sel["counting_body"].value_counts().sort_index().idxmax()
    counts = sel["counting_body"].value_counts()
    body = counts[counts == counts.max()].sort_index().index[0]
    out = sel[sel["counting_body"] == body]
    return out.sort_values(["as_of", "metric"])[
        ["as_of", "metric", "value", "qualifier", "counting_body"]
    ].reset_index(drop=True)


def metric_series(
    displacement: pd.DataFrame, *, metric: str, countries: tuple[str, ...] = ("THA", "KHM")
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One metric's figures split into the series each country's charts follow, and the rest.

    For each country the series is the counting body and measure with the most
    figures of ``metric`` (national and provincial together; ties by name);
    every other body's figures of that metric are kept apart.

    Parameters
    ----------
    displacement : pandas.DataFrame
        Displacement figures in :data:`scamgeo.schema.DISPLACEMENT`, e.g.
        :func:`scamgeo.datasets.displacement`.
    metric : str
        The metric to split (one of :data:`scamgeo.vocab.DISPLACEMENT_METRICS`,
        e.g. ``"in_shelters"``); one with no figures gives three empty frames.
    countries : tuple of str, default ("THA", "KHM")
        ISO3 codes of the countries to follow, in the order of ``chosen``;
        rows of other countries are in neither result.

    Returns
    -------
    (series_rows, other_rows, chosen)
        The rows of the followed series, the other rows, and one row per
        country: ``country``, ``counting_body``, ``measure``, ``figures`` (the
        number of rows the charts and tables show).

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> rows, others, chosen = stats.metric_series(datasets.displacement(), metric="in_shelters")
    >>> chosen[["country", "counting_body", "figures"]].values.tolist()
    [['THA', 'Thai Ministry of Interior', 17], ['KHM', 'Cambodian Ministry of Interior', 17]]
    >>> bool(len(rows) == chosen["figures"].sum())
    True
    """
    require_columns(
        displacement.columns,
        ["country", "metric", "counting_body", "measure"],
        source="displacement",
    )
    sel = displacement[(displacement["metric"] == metric) & displacement["country"].isin(countries)]
    if sel.empty:
        empty = pd.DataFrame(columns=["country", "counting_body", "measure", "figures"])
        return sel, sel, empty
    sizes = (
        sel.groupby(["country", "counting_body", "measure"]).size().rename("figures").reset_index()
    )
    chosen = (
        sizes.sort_values(["country", "figures", "counting_body"], ascending=[True, False, True])
        .drop_duplicates("country")
        .set_index("country")
        .reindex([c for c in countries if c in set(sizes["country"])])
        .reset_index()
    )
    key = ["country", "counting_body", "measure"]
    flagged = sel.merge(chosen[key], on=key, how="left", indicator=True)
    inside = (flagged["_merge"] == "both").to_numpy()
    return sel[inside], sel[~inside], chosen
