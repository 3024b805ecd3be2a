"""Readers and clients of external data, all into scamgeo's schemas.

Events (into :data:`scamgeo.schema.EVENTS`):

- :func:`load_events`: one entry point (``"embedded"``, ``"acled-api"``,
  ``"ucdp-api"``, or a file whose layout is recognised);
- :func:`read_acled`, :func:`to_acled`, :func:`read_acled_weekly`: ACLED files;
- :func:`fetch_acled`, :class:`AcledClient`: ACLED's API (OAuth, 2025);
- :func:`read_ucdp_ged`, :func:`fetch_ucdp_ged`, :class:`UcdpClient`: UCDP GED;
- :func:`filter_events`: the filters every loader shares.

Snapshots kept up to date: :func:`acled_update` (new, revised and deleted
ACLED events since a snapshot), :func:`ucdp_update` (a newer UCDP candidate
release, its renumbered events matched by reconciliation), with a change log
beside each new snapshot; :func:`read_snapshot` (``as_of=`` a date) and
:func:`snapshot_history`.

Displacement (into :data:`scamgeo.schema.DISPLACEMENT`):
:func:`read_displacement_table`, :func:`read_dtm`, :func:`fetch_hdx`,
:func:`load_hdx_displacement`.

Boundaries: :func:`read_boundaries` (any OGR source, matched to provinces).

No reader drops a row silently: rows left out (a country scamgeo does not
cover, no country at all, outside the requested countries or period, exact
duplicates, an incomplete last record) are counted by reason in one
:class:`RowsLeftOut` warning and in ``.attrs["source"]["left_out"]``; the
counts are data (:class:`LeftOut`), so reads of many blocks add them up and
warn once (:func:`scamgeo.scale.read_events`).

Downloads and API snapshots go under :data:`scamgeo.config.cache_dir`;
credentials come from the environment and are never logged or saved.
"""

from __future__ import annotations

from .._validate import guard_public
from ._events import filter_events
from ._leftout import LeftOut, RowsLeftOut
from ._snapshots import SnapshotUpdate, read_snapshot, snapshot_history
from .acled import ACLED_COLUMNS, ACLED_WEEKLY_COLUMNS, read_acled, to_acled
from .acled_api import AcledClient, acled_query, fetch_acled
from .acled_update import acled_update
from .acled_weekly import read_acled_weekly
from .boundaries import read_boundaries
from .displacement import fetch_hdx, load_hdx_displacement, read_displacement_table, read_dtm
from .events import load_events
from .ucdp import UCDP_COLUMNS, UcdpClient, fetch_ucdp_ged, read_ucdp_ged
from .ucdp_update import ucdp_update

__all__ = [
    "ACLED_COLUMNS",
    "ACLED_WEEKLY_COLUMNS",
    "UCDP_COLUMNS",
    "AcledClient",
    "LeftOut",
    "RowsLeftOut",
    "SnapshotUpdate",
    "UcdpClient",
    "acled_query",
    "acled_update",
    "fetch_acled",
    "fetch_hdx",
    "fetch_ucdp_ged",
    "filter_events",
    "load_events",
    "load_hdx_displacement",
    "read_acled",
    "read_acled_weekly",
    "read_boundaries",
    "read_displacement_table",
    "read_dtm",
    "read_snapshot",
    "read_ucdp_ged",
    "snapshot_history",
    "to_acled",
    "ucdp_update",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
