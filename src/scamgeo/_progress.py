"""Progress of long work: one bar, shown where a person waits, silent where nobody does.

Work that can take more than a few seconds (draws of a null distribution,
redraws of locations, per-slice statistics) iterates through :func:`progress`.
It is a `tqdm <https://tqdm.github.io>`_ bar (``tqdm.auto``: a widget in
JupyterLab, a line on a terminal's stderr) that appears only once the work
has run for :data:`DELAY_SECONDS`, so quick calls print nothing. It is silent:

- in a brief (the brief runner sets ``SCAMGEO_READS_LOG`` in the kernel: a
  code-free page never shows a bar);
- when ``SCAMGEO_PROGRESS=0`` is set, or :data:`enabled` is set to ``False``;
- when stderr is not a terminal and no notebook is running (logs, pipes, CI).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["DELAY_SECONDS", "enabled", "progress", "shown"]

T = TypeVar("T")

#: Seconds of work before a bar appears (tqdm's ``delay``).
DELAY_SECONDS = 2.0

#: Set to False to silence every bar of scamgeo in this process.
enabled = True


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    get = getattr(shell, "get_ipython", None)
    ip = get() if get else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def shown() -> bool:
    """Whether a bar would be shown here and now (see the module's rules)."""
    if not enabled or os.environ.get("SCAMGEO_PROGRESS", "").strip() == "0":
        return False
    if os.environ.get("SCAMGEO_READS_LOG"):  # inside a brief's kernel
        return False
    if _in_notebook():
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def progress(
    iterable: Iterable[T], *, total: int | None = None, desc: str, unit: str = "it"
) -> Iterator[T]:
    """Iterate over ``iterable`` behind a progress bar when one is :func:`shown`.

    Parameters
    ----------
    iterable : iterable
        The work, one step per item.
    total : int, optional
        Number of steps (default ``len(iterable)`` when it has one).
    desc : str
        What is being done, e.g. ``"hub test: location redraws"``.
    unit : str
        Name of one step, e.g. ``"draw"``.

    Yields
    ------
    The items of ``iterable``, unchanged.

    Examples
    --------
    >>> sum(progress(range(4), desc="adding"))
    6
    """
    if not shown():
        yield from iterable
        return
    with warnings.catch_warnings():
        # without ipywidgets tqdm.auto warns and draws a text bar: that bar is what we want
        warnings.filterwarnings("ignore", message="IProgress not found")
        from tqdm.auto import tqdm

    options: dict[str, Any] = {"total": total, "desc": desc, "unit": unit}
    yield from tqdm(iterable, delay=DELAY_SECONDS, leave=False, **options)
