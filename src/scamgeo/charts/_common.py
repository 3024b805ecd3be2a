"""What every chart shares: a new axes, the source line under it, the empty-selection note."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ..style import (
    INK_MUTED,
)


def _ax(ax: Axes | None, size: tuple[float, float] = (10, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _source(ax: Axes, text: str) -> None:
    """The source line under the axes, below its tick labels and x label (never over them)."""
    lines = max([t.get_text().count("\n") + 1 for t in ax.get_xticklabels()] or [1])
    size = max([float(t.get_fontsize()) for t in ax.get_xticklabels()] or [10.0])
    below = 8 + lines * size * 1.25 + (size * 1.6 if ax.get_xlabel() else 0)
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -below),
        textcoords="offset points",
        fontsize=7,
        color=INK_MUTED,
        va="top",
    )


def _empty(ax: Axes, message: str) -> Axes:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=INK_MUTED)
    ax.set_axis_off()
    return ax
