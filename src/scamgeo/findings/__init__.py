"""The sentences of the briefs, each a tested rule (see :mod:`scamgeo.findings._core`).

A notebook cell records a finding in one line::

    sg.briefs.record(sg.findings.incidents(events, window))

and the brief prints its ``text``; the JSON keeps its value. Every rule checks
its premise for the brief's own window and says what the data allow when it
fails, so a sentence is true for every run.
"""

from __future__ import annotations

from .._validate import guard_public
from ._core import Finding, Window

__all__ = ["Finding", "Window"]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
