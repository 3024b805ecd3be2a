"""Sources side by side: which events two sources share, which only one has, where they differ.

Analysts of this war work from several event sources at once: scamgeo's
record (both governments' claims, linked by incident), an ACLED export or API
pull, UCDP GED and its candidate releases. :func:`reconcile` links the events
of two sources one to one (an optimal assignment on a score from distance,
date and kind of event, each within the source's stated precision) and
reports what only one source has and the fields that disagree (date, place,
toll); :func:`reconcile_all` does it for every pair of several sources.

The module itself is callable, so ``scamgeo.reconcile(a, b, km=10, days=1)``
is :func:`scamgeo.reconcile.reconcile`.

- :func:`reconcile`, :class:`ReconcileResult`: two sources;
- :func:`reconcile_all`, :class:`ReconcileSet`: several, pairwise;
- :class:`MatchOptions`: weights of the score, strictness on kinds, what the
  assignment prefers;
- :func:`record_sides`: the record as two sources (Thai and Cambodian claims);
- :func:`source_counts`: incidents per source by phase and province;
- :func:`sources_for_brief`: the record and the analyst's files, or the record's two sides.

The crosswalk of event categories (ACLED event types, UCDP's
``type_of_violence``) is :data:`scamgeo.vocab.EVENT_TYPE_CROSSWALK`.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .._validate import guard_public
from ._compare import RECORD_SIDES, record_sides, source_counts, sources_for_brief
from ._link import reconcile, reconcile_all
from ._match import MatchOptions
from ._results import HEADERS, ReconcileResult, ReconcileSet
from ._sides import UNCERTAINTY_RULES

__all__ = [
    "HEADERS",
    "RECORD_SIDES",
    "UNCERTAINTY_RULES",
    "MatchOptions",
    "ReconcileResult",
    "ReconcileSet",
    "reconcile",
    "reconcile_all",
    "record_sides",
    "source_counts",
    "sources_for_brief",
]

guard_public(globals())


class _CallableModule(types.ModuleType):
    """``scamgeo.reconcile(a, b, ...)`` calls :func:`reconcile`."""

    def __call__(self, *args: Any, **kwargs: Any) -> ReconcileResult:
        return reconcile(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
