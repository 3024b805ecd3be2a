"""Charts in a brief: drawn at twice the resolution, each with alternative text that says what it shows.

In a kernel (a brief, or JupyterLab once :func:`scamgeo.briefs.check` has run),
matplotlib figures are sent as pixel-doubled PNGs shown at their own size
(sharp on paper and on a phone) with the chart's description in the output's
metadata; :mod:`._render` puts that description in the image's ``alt``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe_figure", "use_brief_figures"]


def _axes_text(ax: Any) -> str:
    title = next(
        (t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t), ""
    )
    parts = [title.strip().rstrip(".")] if title.strip() else []
    ylabel, xlabel = ax.get_ylabel().strip(), ax.get_xlabel().strip()
    axes = [
        f"{ylabel} up the side" if ylabel else "",
        f"{xlabel} along the bottom" if xlabel else "",
    ]
    axes = [a for a in axes if a]
    if axes:
        parts.append(" and ".join(axes))
    legend = ax.get_legend()
    if legend is not None:
        labels = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if labels:
            shown = ", ".join(labels[:8]) + (
                f" and {len(labels) - 8} more" if len(labels) > 8 else ""
            )
            parts.append(f"series: {shown}")
    return "; ".join(parts)


def describe_figure(fig: Any) -> str:
    """A figure's alternative text: each chart's title, axis labels and series, and its source line.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        Plain text (empty for a figure with nothing drawn).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar([1, 2], [3, 4], label="incidents")
    >>> _ = ax.set_title("Incidents per week", loc="left")
    >>> _ = ax.set_ylabel("incidents per week")
    >>> _ = ax.legend()
    >>> describe_figure(fig)
    'Chart: Incidents per week; incidents per week up the side; series: incidents.'
    >>> plt.close(fig)
    """
    charts = [
        text for ax in fig.axes if ax.get_visible() and ax.axison and (text := _axes_text(ax))
    ]
    notes = [
        t.get_text().strip()
        for ax in fig.axes
        for t in ax.texts
        if t.get_text().strip().startswith("Source")
    ] + [t.get_text().strip() for t in fig.texts if t.get_text().strip().startswith("Source")]
    if not charts and not notes:
        return ""
    text = ("Chart: " if len(charts) <= 1 else "Charts: ") + " | ".join(charts)
    text = text.rstrip() + "."
    if notes:
        text += " " + notes[0].rstrip(".") + "."
    return text


def use_brief_figures() -> bool:
    """In an IPython kernel, send figures as 2× PNGs with their description; True if done.

    Outside a kernel (a script, the test suite) nothing changes and False is
    returned. Idempotent.

    Examples
    --------
    >>> use_brief_figures()  # not in a kernel here
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks extra
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    import matplotlib
    from IPython.core.pylabtools import retina_figure

    if "inline" in str(matplotlib.get_backend()):
        # load the inline backend now: it registers its own PNG formatter when its module is
        # first imported (at the first figure), which would replace this one
        import matplotlib_inline.backend_inline  # noqa: F401
    from matplotlib.figure import Figure

    def png(fig: Figure) -> Any:
        out = retina_figure(fig, base64=True, bbox_inches="tight")
        if out is None:  # an empty figure
            return None
        data, metadata = out
        alt = describe_figure(fig)
        return data, ({**metadata, "alt": alt} if alt else metadata)

    shell.display_formatter.formatters["image/png"].for_type(Figure, png)
    return True
