"""Charts of reported figures: published ranges, displacement, site status, tallies, casualties."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from .. import fmt
from .._errors import ParameterError
from .._validate import check_choice, require_columns
from ..style import (
    FAINT,
    INK_MUTED,
    INK_SECONDARY,
    LINE_CYCLE,
    OKABE_ITO,
    PHASE_LABELS,
    SIDE_COLORS,
)
from ..vocab import COUNTRY_NAMES, DISPLACEMENT_METRIC_LABELS
from ._common import _ax, _empty, _source


def range_chart(
    figures: pd.DataFrame,
    *,
    indicator: str,
    unit: str | None = None,
    ax: Axes | None = None,
    scale: float | None = None,
) -> Axes:
    """Published estimates of one indicator: ranges as bars (low–high), single figures as dots.

    Parameters
    ----------
    figures : DataFrame
        :func:`scamgeo.datasets.scam_figures` rows.
    indicator : str
        E.g. ``"losses"``, ``"people_in_compounds"``.
    unit : str, optional
        Keep only rows in this unit (default: the indicator's most common unit).
    ax : Axes, optional
        Draw here (default: a new figure).
    scale : float, optional
        Divide values by this (default: 1e9 for USD, else 1).

    Examples
    --------
    >>> from scamgeo import charts, datasets
    >>> ax = charts.range_chart(datasets.scam_figures(), indicator='losses')
    >>> len(ax.get_yticklabels()) > 0
    True
    """
    require_columns(
        figures.columns,
        ["indicator", "geography", "value", "low", "high", "unit", "publisher"],
        source="scam figures",
    )
    rows = figures[figures["indicator"].astype(str) == indicator]
    if rows.empty:
        raise ParameterError(
            f"range_chart: no figures for indicator={indicator!r}; available: "
            f"{', '.join(sorted(figures['indicator'].astype(str).unique()))}."
        )
    unit = unit or rows["unit"].mode().iloc[0]
    rows = rows[rows["unit"] == unit].copy()
    scale = scale or (1e9 if unit == "USD" else 1.0)
    scale_label = {1e9: " (billions)", 1e3: " (thousands)"}.get(scale, "")
    ax = _ax(ax, (9, 0.38 * len(rows) + 1.5))
    rows = rows.sort_values(["geography", "period_start"], na_position="last").reset_index(
        drop=True
    )
    labels = []
    for i, row in rows.iterrows():
        years = list(
            dict.fromkeys(
                str(x)[:4] for x in (row.get("period_start"), row.get("period_end")) if pd.notna(x)
            )
        )
        period = "–".join(years)
        labels.append(
            f"{row['geography']} · {row['publisher']}" + (f" · {period}" if period else "")
        )
        if pd.notna(row["low"]) and pd.notna(row["high"]):
            ax.plot(
                [row["low"] / scale, row["high"] / scale],
                [i, i],
                color=OKABE_ITO["blue"],
                lw=6,
                solid_capstyle="butt",
            )
        elif pd.notna(row["value"]):
            ax.plot(row["value"] / scale, i, "o", color=OKABE_ITO["vermillion"])
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{unit}{scale_label}: bars are published ranges (low–high), dots single figures")
    ax.set_title(f"Published estimates: {indicator.replace('_', ' ')}", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color=FAINT)
    _source(ax, "Sources: publishers named on each line (scamgeo scam_figures table)")
    return ax


def displacement_chart(
    displacement: pd.DataFrame,
    *,
    metric: str,
    unit: str = "people",
    countries: Sequence[str] = ("THA", "KHM"),
    by: str = "country",
    max_gap_days: int = 21,
    ax: Axes | None = None,
) -> Axes:
    """Displacement over time for one metric and unit (national figures, or by province).

    One line per country (or province), ``counting_body`` and ``measure``: two
    bodies' series, or a flow (dashed) and a stock, are never joined. Rows
    without those columns count as one body and an unknown measure.

    Parameters
    ----------
    displacement : DataFrame
        :func:`scamgeo.datasets.displacement` rows (or a table in its schema).
    metric : str
        One of :data:`scamgeo.vocab.DISPLACEMENT_METRICS`.
    unit : str, default "people"
        Figures in this unit only.
    countries : sequence of str, default ("THA", "KHM")
        ISO3 codes of the countries drawn.
    by : {"country", "province"}
        National totals (rows without a province) or one line per province.
    max_gap_days : int
        Lines are broken where two figures are further apart than this, so
        that no line suggests a level nobody reported in between.
    ax : Axes, optional
        Draw here (default: a new figure).

    Examples
    --------
    >>> from scamgeo import charts, datasets
    >>> ax = charts.displacement_chart(datasets.displacement(), metric='in_shelters', countries=['THA'])
    >>> ax.get_title(loc='left')
    'In shelters over time, people'
    """
    from ..stats import series_columns

    check_choice(by, ["country", "province"], name="by")
    rows = displacement[
        (displacement["metric"].astype(str) == metric) & (displacement["unit"].astype(str) == unit)
    ]
    rows = rows[rows["country"].astype(str).isin(list(countries))]
    rows = rows[rows["admin1"].isna()] if by == "country" else rows[rows["admin1"].notna()]
    ax = _ax(ax, (9, 3.6))
    if rows.empty:
        return _empty(ax, f"no {by}-level figures for metric={metric!r}, unit={unit!r}")
    key = "country" if by == "country" else "admin1"
    body, measure, notes = series_columns(rows)
    rows = rows.assign(_body=body.to_numpy(), _measure=measure.to_numpy())
    # one line per place, counting body and measure: two bodies' figures, or a flow
    # and a stock, are different series and are never joined
    groups = list(rows.groupby([rows[key].astype(str), rows["_body"], rows["_measure"]], sort=True))
    several_bodies = rows["_body"].nunique() > 1
    several_measures = rows["_measure"].nunique() > 1
    groups, notes = _as_many_as_colours(groups, notes)
    for k, ((name, who, what), part) in enumerate(groups):
        # several reports on one day: keep the largest, as the curve shows the scale reached
        daily = part.groupby("as_of")["value"].max().sort_index().astype(float)
        # no line across a long silence (e.g. from the July war to December): break it
        gaps = daily.index.to_series().diff() > pd.Timedelta(days=max_gap_days)
        if gaps.any():
            breaks = pd.Series(np.nan, index=daily.index[gaps.to_numpy()] - pd.Timedelta(days=1))
            daily = pd.concat([daily, breaks]).sort_index()
        label = COUNTRY_NAMES.get(name, name) if key == "country" else name
        if several_bodies:
            label += f", {who}"
        if several_measures or what == "flow":
            label += f" ({what})"
        ax.plot(
            daily.index,
            daily.to_numpy(),
            marker="o",
            ms=3,
            ls="--" if what == "flow" else "-",
            color=LINE_CYCLE[k % len(LINE_CYCLE)],
            label=label,
        )
    label = DISPLACEMENT_METRIC_LABELS.get(metric, metric.replace("_", " ").capitalize())
    ax.set_ylabel(f"{unit} ({label.lower()})")
    ax.set_title(f"{label} over time, {unit}", loc="left")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: fmt.count(v)))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.legend(frameon=False, fontsize=8, ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    _source(
        ax,
        "Source: scamgeo displacement table (government and agency figures as reported)"
        + ("; " + " ".join(notes) if notes else ""),
    )
    return ax


def _as_many_as_colours(groups: list, notes: list[str]) -> tuple[list, list[str]]:
    """No more lines than distinct colours: the series that reached the most people, in order.

    The source line's notes say how many series the table holds beyond those drawn.
    """
    if len(groups) <= len(LINE_CYCLE):
        return groups, notes
    peaks = [float(part["value"].max()) for _, part in groups]
    keep = sorted(np.argsort(peaks, kind="stable")[::-1][: len(LINE_CYCLE)])
    drawn = f"the {len(LINE_CYCLE)} largest of {len(groups)} series drawn"
    return [groups[i] for i in keep], [*notes, drawn]


def site_status_chart(
    status: pd.DataFrame,
    *,
    freq: str = "M",
    start: object = None,
    end: object = None,
    ax: Axes | None = None,
) -> Axes:
    """How many sites were in each status over time: a grid of statuses by period.

    Each cell counts the sites that held the status at some time in the period (a one-day
    strike counts in its month); a site holding two statuses counts in both rows, so the
    columns do not add up to a number of sites.

    Parameters
    ----------
    status : DataFrame
        :func:`scamgeo.datasets.site_status` rows.
    freq : {"M", "W", "D"}
        Months (default), weeks or days.
    start, end : date-like, optional
        The window (default: every dated row).
    ax : matplotlib Axes, optional

    Examples
    --------
    >>> from scamgeo import charts, datasets
    >>> ax = charts.site_status_chart(datasets.site_status(), start="2025-06-01", end="2026-02-28")
    >>> ax.get_title(loc="left")
    'Sites by status, by month, Jun 2025 – Feb 2026'
    """
    from .._status import status_counts
    from ..vocab import SITE_STATUS_LABELS

    require_columns(status.columns, ["site_id", "status", "start", "end"], source="site status")
    counts = status_counts(status, freq=freq, start=start, end=end)
    shown = counts.loc[:, counts.sum(axis=0) > 0]
    ax = _ax(ax, (max(6.0, 0.55 * len(counts) + 3), 0.45 * max(len(shown.columns), 1) + 1.6))
    if shown.empty:
        return _empty(ax, "no site statuses in this window")
    grid = shown.T.to_numpy(dtype=float)
    ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0, vmax=max(grid.max(), 1))
    for (i, j), value in np.ndenumerate(grid):
        if value:
            dark = value > grid.max() * 0.6
            ax.text(
                j,
                i,
                fmt.count(value),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    tick = (lambda d: fmt.month(d, short=True)) if counts.attrs["freq"] == "month" else fmt.day
    ax.set_xticks(range(len(counts)), [tick(d) for d in counts.index], fontsize=8)
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.set_yticks(
        range(len(shown.columns)), [SITE_STATUS_LABELS[s] for s in shown.columns], fontsize=8
    )
    first, last = (fmt.month(d, short=True) for d in (counts.index[0], counts.index[-1]))
    ax.set_title(f"Sites by status, by {counts.attrs['freq']}, {first} – {last}", loc="left")
    ax.tick_params(length=0)
    ax.annotate(
        "Source: scamgeo site_status table; a site in two statuses counts in both rows",
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -62),
        textcoords="offset points",
        fontsize=7,
        color=INK_MUTED,
        va="top",
    )
    return ax


def tally_chart(
    tallies: pd.DataFrame, *, category: str, phase: str, ax: Axes | None = None
) -> Axes:
    """Running casualty tallies of one category and phase, one line per side and claimant.

    Parameters
    ----------
    tallies : DataFrame
        :func:`scamgeo.datasets.tallies` rows.
    category : str
        E.g. ``"civilians_killed"``.
    phase : str
        The war (``"july_war"``, ``"december_war"``).
    ax : Axes, optional
        Draw here (default: a new figure).

    Examples
    --------
    >>> from scamgeo import charts, datasets
    >>> ax = charts.tally_chart(datasets.tallies(), category='civilians_killed', phase='july_war')
    >>> ax.get_ylabel()
    'civilians killed'
    """
    rows = tallies[
        (tallies["category"].astype(str) == category) & (tallies["phase"].astype(str) == phase)
    ]
    ax = _ax(ax, (8, 3.4))
    if rows.empty:
        return _empty(ax, f"no tallies for {category} in {phase}")
    for k, ((side, claim), part) in enumerate(
        rows.groupby([rows["side"].astype(str), rows["claimed_by"].astype(str)])
    ):
        daily = part.groupby("as_of")["value"].max().sort_index()
        ax.step(
            daily.index,
            daily.to_numpy(),
            where="post",
            marker="o",
            ms=3,
            color=LINE_CYCLE[k % len(LINE_CYCLE)],
            label=f"{side} casualties, as reported by {claim}",
        )
    ax.set_ylabel(category.replace("_", " "))
    ax.set_title(
        f"{category.replace('_', ' ').capitalize()}: running tallies, {PHASE_LABELS.get(phase, phase)}",
        loc="left",
    )
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    _source(
        ax,
        "Source: scamgeo tallies table; each line is one claimant's running figure, never summed",
    )
    return ax


def casualty_chart(table: Any, *, ax: Axes | None = None) -> Axes:
    """Soldiers and civilians killed in each war, as each side's own authorities reported them.

    One bar per side and category in each war, its height the side's own
    figure (a whisker where same-day reporters differ: the range); a side that
    gave no figure gets a labelled gap, never a zero. Claims about the other
    side's dead are not drawn (they are in the table).

    Parameters
    ----------
    table : CasualtyTable or DataFrame
        :func:`scamgeo.stats.casualty_table` (or its ``table``).
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> from scamgeo import charts, stats
    >>> ax = charts.casualty_chart(stats.casualty_table())
    >>> len([p for p in ax.patches if p.get_height() > 0])
    7
    """
    frame = getattr(table, "table", table)
    rows = frame[frame["category"].isin(["soldiers_killed", "civilians_killed"])]
    ax = _ax(ax, (8, 3.6))
    if rows.empty:
        return _empty(ax, "no casualty tallies in this window")
    wars = list(dict.fromkeys(rows["war"]))
    bars = [
        (w, s, c)
        for w in wars
        for s in ("THA", "KHM")
        for c in ("soldiers_killed", "civilians_killed")
    ]
    x = np.arange(len(bars), dtype=float) + np.repeat(np.arange(len(wars)), 4) * 0.8
    for xi, (war, side, cat) in zip(x, bars, strict=True):
        row = rows[(rows["war"] == war) & (rows["side"] == side) & (rows["category"] == cat)]
        if row.empty or pd.isna(row["low"].iloc[0]):
            ax.text(xi, 0, "not\nreported", ha="center", va="bottom", fontsize=7, color=INK_MUTED)
            continue
        low, high = float(row["low"].iloc[0]), float(row["high"].iloc[0])
        hatch = "//" if cat == "civilians_killed" else None
        ax.bar(xi, high, color=SIDE_COLORS[side], hatch=hatch, edgecolor="white", width=0.8)
        if low != high:
            yerr = np.array([[high - low], [0.0]])
            ax.errorbar(xi, high, yerr=yerr, color=INK_SECONDARY, capsize=3, lw=1)
        ax.text(xi, high, fmt.count_range(low, high),
                ha="center", va="bottom", fontsize=8)  # fmt: skip
    ax.set_xticks(
        x,
        [f"{'Thai' if s == 'THA' else 'Cambodian'}\n{c.split('_')[0]}" for _, s, c in bars],
        fontsize=8,
    )
    for k, war in enumerate(wars):
        ax.annotate(PHASE_LABELS.get(war, war), xy=(x[4 * k : 4 * k + 4].mean(), 1.02),
                    xycoords=("data", "axes fraction"), ha="center", fontsize=9)  # fmt: skip
    ax.set_ylabel("killed, by their own government")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    _source(
        ax,
        "Source: scamgeo tallies table; each bar a side's own latest figure, never a sum of claims",
    )
    return ax
