"""Charts of statistical tests: rate ratios by phase, Monte Carlo nulls, the hub test's two nulls."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import fmt
from .._validate import require_columns
from ..style import (
    INK_SECONDARY,
    LINE_CYCLE,
    OKABE_ITO,
    PHASE_LABELS,
)
from ..vocab import MODEL_LABELS
from ._common import _ax, _empty, _source


def rate_ratio_chart(
    result: Any,
    *,
    ax: Axes | None = None,
    source: str = "Source: scamgeo's curated record of the war",
) -> Axes:
    """Forest plot of incidence-rate ratios with 95% intervals, both models side by side.

    Parameters
    ----------
    result : CountModelResult
        From :func:`scamgeo.stats.count_model`.
    ax : Axes, optional
        Draw here (default: a new figure).
    source : str
        The source line under the chart.

    Examples
    --------
    >>> from scamgeo import charts, datasets, stats
    >>> model = stats.count_model(stats.daily_counts(datasets.events()))
    >>> ax = charts.rate_ratio_chart(model)
    >>> ax.get_xscale()
    'log'
    """
    table = result.table
    require_columns(
        table.columns, ["term", "irr", "ci_low", "ci_high", "model"], source="count model table"
    )
    ax = _ax(ax, (8, 0.6 * table["term"].nunique() + 1.6))
    if table.empty:
        return _empty(ax, str(getattr(result, "reason", "") or "No rate ratio to show."))
    terms = list(dict.fromkeys(table["term"]))
    models = list(dict.fromkeys(table["model"]))
    offsets = np.linspace(-0.15, 0.15, len(models)) if len(models) > 1 else [0.0]
    for k, (model, off) in enumerate(zip(models, offsets, strict=True)):
        part = table[table["model"] == model].set_index("term").reindex(terms)
        y = np.arange(len(terms)) + off
        err = [part["irr"] - part["ci_low"], part["ci_high"] - part["irr"]]
        chosen = model.startswith(getattr(result, "chosen", "")[:7])
        ax.errorbar(
            part["irr"],
            y,
            xerr=err,
            fmt="o",
            color=LINE_CYCLE[4 if k == 0 else 0],
            capsize=3,
            label=MODEL_LABELS.get(model, model) + (" (used)" if chosen else " (check)"),
            alpha=1.0 if chosen else 0.6,
        )
    ax.axvline(1, color=INK_SECONDARY, lw=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(terms)), [PHASE_LABELS.get(t, t) for t in terms])
    ax.invert_yaxis()
    ref = PHASE_LABELS.get(str(getattr(result, "reference", "")), getattr(result, "reference", ""))
    ax.set_xlabel(f"incidence-rate ratio vs {ref} (log scale, 95% CI)")
    ax.set_title(f"Incidents per day in each phase, relative to the {ref}", loc="left")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    _source(ax, source)
    return ax


def null_distribution_chart(
    result: Any,
    *,
    ax: Axes | None = None,
    source: str = "Source: scamgeo's curated record and sites; Monte Carlo draws of the null",
) -> Axes:
    """Histogram of the null statistic (km) with the observed value marked.

    Parameters
    ----------
    result : HubTestResult
        From :func:`scamgeo.stats.hub_targeting_test`.
    ax : Axes, optional
        Draw here (default: a new figure).
    source : str
        The source line under the chart.

    Examples
    --------
    >>> from scamgeo import charts, datasets, stats
    >>> test = stats.hub_targeting_test(datasets.events(), datasets.sites(kind='casino_hub'))
    >>> ax = charts.null_distribution_chart(test)
    >>> ax.get_xlabel()
    'median distance from strikes to the nearest casino hub (km)'
    """
    ax = _ax(ax, (8, 3.4))
    null = np.asarray(result.null_statistics_km, dtype=float)
    ax.hist(
        null,
        bins=40,
        color=OKABE_ITO["sky_blue"],
        edgecolor="white",
        label=f"{result.permutations} draws under the null",
    )
    ax.axvline(
        result.observed_km,
        color=OKABE_ITO["vermillion"],
        lw=2,
        label=f"observed: {fmt.km(result.observed_km)} ({fmt.p_value(result.p_value)})",
    )
    lo, hi = result.null_interval_km
    ax.axvspan(lo, hi, color=OKABE_ITO["sky_blue"], alpha=0.15, label="null 95% interval")
    ax.set_xlabel(f"{result.statistic} distance from strikes to the nearest casino hub (km)")
    ax.set_ylabel("draws")
    ax.set_title("Are strikes closer to casino hubs than chance would place them?", loc="left")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if source:
        _source(ax, source)
    return ax


def hub_test_chart(against_places: Any, against_band: Any) -> np.ndarray:
    """Both nulls of the hub-targeting test side by side, on one distance axis.

    Left: strikes against the places the war's fighting hit; right: against
    random points in the border band. Each panel is a
    :func:`null_distribution_chart` with its own p-value.

    Parameters
    ----------
    against_places, against_band : HubTestResult
        :func:`scamgeo.stats.hub_targeting_test` with ``null=events`` and
        ``null="border_band"``.

    Returns
    -------
    numpy.ndarray of Axes
        The two panels.

    Examples
    --------
    >>> from scamgeo import charts, datasets, stats
    >>> ev, hubs = datasets.incidents(), datasets.sites("casino_hub")
    >>> strikes = ev[ev["sub_event_type"] == "Air/drone strike"]
    >>> a = stats.hub_targeting_test(strikes, hubs, null=ev, permutations=99)
    >>> b = stats.hub_targeting_test(strikes, hubs, null="border_band", permutations=99)
    >>> len(charts.hub_test_chart(a, b))
    2
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained", sharex=True)
    for ax, result, title in (
        (axes[0], against_places, "Against the places the fighting hit"),
        (
            axes[1],
            against_band,
            f"Against random points within {fmt.number(against_band.band_km)} km of the border",
        ),
    ):
        null_distribution_chart(result, ax=ax, source="")
        ax.set_title(title, loc="left", fontsize=10)
    _source(axes[0], "Source: scamgeo's curated record and sites; Monte Carlo draws of each null")
    return axes
