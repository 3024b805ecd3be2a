"""Charts over time: daily or weekly counts by phase of the war, the ceasefire time series."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from .. import fmt
from .._validate import outcome_column, require_columns
from ..style import (
    FAINT,
    GREY_PALE,
    INK,
    INK_SECONDARY,
    OKABE_ITO,
    PHASE_COLORS,
    PHASE_LABELS,
)
from ..vocab import EMBEDDED_SOURCE
from ._common import _ax, _empty, _source


def timeline_chart(
    counts: pd.DataFrame,
    *,
    timeline: pd.DataFrame | None = None,
    outcome: str | None = None,
    annotate: Iterable[str] = ("outbreak", "ceasefire", "accord", "suspension"),
    ax: Axes | None = None,
    source: str = f"Source: {EMBEDDED_SOURCE}",
) -> Axes:
    """Daily (or weekly) counts as bars over shaded phases, key dates annotated.

    Parameters
    ----------
    counts : DataFrame
        From :func:`scamgeo.stats.daily_counts` (``date``, ``phase`` and the
        count column).
    timeline : DataFrame, optional
        Key dates (:func:`scamgeo.datasets.timeline`); rows whose ``kind`` is in
        ``annotate`` get a vertical line and their label.
    outcome : str, optional
        The column drawn: default the table's one count column (``incidents``
        or ``claims``); ``"fatalities"`` draws the deaths reported.
    annotate : iterable of str, default ("outbreak", "ceasefire", "accord", "suspension")
        Kinds of key date marked on the chart.
    ax : Axes, optional
        Draw here (default: a new 10 × 4 in figure).
    source : str
        The source line under the chart.

    Returns
    -------
    Axes

    Raises
    ------
    ParameterError
        ``outcome`` is not a column of ``counts``, or it has no single count column.
    SchemaError
        ``counts`` lacks ``date`` or ``phase``.

    Examples
    --------
    >>> from scamgeo import charts, datasets, stats
    >>> ax = charts.timeline_chart(stats.daily_counts(datasets.events(), freq="W"))
    >>> len(ax.patches)  # one bar per week, 28 May 2025 to 27 February 2026
    45
    """
    outcome = outcome_column(counts.columns, outcome, source="timeline_chart")
    require_columns(counts.columns, ["date", "phase", outcome], source="counts")
    ax = _ax(ax)
    if counts.empty:
        return _empty(ax, "no events in the selected period")
    dates = pd.to_datetime(counts["date"])
    step = (
        dates.diff().dropna().min() if len(dates) > 1 else pd.Timedelta(days=1)
    ) or pd.Timedelta(days=1)
    _phase_bands(ax, counts, step)
    # unreported -> drawn at 0
    heights = pd.to_numeric(counts[outcome], errors="coerce").astype("float64").fillna(0.0)
    colour = OKABE_ITO["vermillion"] if outcome == "fatalities" else OKABE_ITO["blue"]
    ax.bar(dates, heights, width=step.days * 0.9, color=colour, zorder=2, align="edge")
    if timeline is not None and len(timeline):
        keep = timeline[timeline["kind"].astype(str).isin(list(annotate))]
        keep = keep[(keep["date"] >= dates.min()) & (keep["date"] <= dates.max() + step)]
        _key_dates(ax, keep, top=max(float(heights.max()), 1.0))
    unit = "week" if step >= pd.Timedelta(days=7) else "day"
    shown = "events" if outcome == "events" else outcome
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole numbers
    ax.set_ylabel(f"{shown} per {unit}")
    ax.set_title(f"{shown.capitalize()} per {unit}, by phase of the war", loc="left", pad=14)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.spines[["top", "right"]].set_visible(False)
    _source(ax, source)
    return ax


def _phase_bands(ax: Axes, counts: pd.DataFrame, step: pd.Timedelta) -> None:
    """A shaded band per run of one phase, labelled when it is over a week long."""
    phase = counts["phase"].astype(str)
    blocks = (phase != phase.shift()).cumsum()
    for _, block in counts.groupby(blocks, sort=False):
        name = str(block["phase"].iloc[0])
        start = pd.to_datetime(block["date"].iloc[0])
        end = pd.to_datetime(block["date"].iloc[-1]) + step
        ax.axvspan(start, end, color=PHASE_COLORS.get(name, FAINT), zorder=0, lw=0)
        if (end - start).days >= 8:
            ax.text(
                start + (end - start) / 2,
                1.0,
                PHASE_LABELS.get(name, name),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8,
                color=INK_SECONDARY,
            )


def _key_dates(ax: Axes, keep: pd.DataFrame, *, top: float) -> None:
    """A dashed line and a label per key date; the labels stacked in headroom above the tallest bar."""
    levels = min(len(keep), 4)
    step = 0.13 * top
    # the axis grows to hold the labels: no label ever lies over a bar
    ax.set_ylim(0, top * 1.04 + step * levels)
    for i, (when, label) in enumerate(zip(keep["date"], keep["label"], strict=True)):
        ax.axvline(when, color=INK_SECONDARY, lw=0.8, ls="--", zorder=3)
        ax.text(
            when,
            top * 1.04 + step * (levels - (i % 4)),
            f" {label}",
            fontsize=7,
            rotation=0,
            va="top",
            ha="left",
            color=INK,
            zorder=4,
            bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1},
        )


def its_chart(
    result: Any,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    source: str = f"Source: {EMBEDDED_SOURCE}; segmented quasi-Poisson regression, Newey–West errors",
) -> Axes:
    """Observed daily counts, the fitted segmented model and the no-ceasefire counterfactual.

    Parameters
    ----------
    result : ITSResult
        From :func:`scamgeo.stats.interrupted_time_series`.
    ax : Axes, optional
        Draw here (default: a new figure).
    title : str, optional
        Default: the breakpoint's date.
    source : str
        The source line under the chart.

    Examples
    --------
    >>> from scamgeo import charts, datasets, stats
    >>> counts = stats.daily_counts(datasets.events())
    >>> result = stats.interrupted_time_series(counts, breakpoint='2025-12-27')
    >>> charts.its_chart(result).get_title(loc='left')
    'Interrupted time series at 27 December 2025'
    """
    fitted = result.fitted
    require_columns(
        fitted.columns, ["date", "observed", "fitted", "counterfactual"], source="ITS fitted values"
    )
    ax = _ax(ax, (9, 3.6))
    ax.bar(
        fitted["date"], fitted["observed"], color=GREY_PALE, label="observed events/day", width=0.9
    )
    ax.plot(
        fitted["date"], fitted["fitted"], color=OKABE_ITO["blue"], lw=2, label="segmented model"
    )
    post = fitted["date"] >= pd.Timestamp(result.breakpoint)
    ax.plot(
        fitted.loc[post, "date"],
        fitted.loc[post, "counterfactual"],
        color=OKABE_ITO["vermillion"],
        lw=1.5,
        ls="--",
        label="pre-ceasefire trend continued",
    )
    ax.axvline(pd.Timestamp(result.breakpoint), color=INK_SECONDARY, lw=1)
    # an extrapolated trend can explode; keep the axis on the data
    top = float(np.nanmax([fitted["observed"].max(), fitted["fitted"].max(), 1.0]))
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel("events per day")
    ax.set_title(
        title or f"Interrupted time series at {fmt.date(result.breakpoint)}",
        loc="left",
    )
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    _source(ax, source)
    return ax
