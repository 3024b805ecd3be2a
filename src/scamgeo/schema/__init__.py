"""Table schemas: one definition per table, checked on every load.

A :class:`TableSchema` lists its :class:`Column` objects (type, vocabulary,
range, whether empty cells are allowed). :meth:`TableSchema.validate` parses a
raw frame into proper dtypes and collects *every* problem (missing columns,
bad dates, out-of-range numbers, unknown categories, malformed URLs) before
raising one :class:`~scamgeo.SchemaError` naming the file, line and column.

:data:`EVENTS` is the common event schema: the curated events table, ACLED
exports and UCDP GED files all come out of their loaders in it.

The package has two halves: the column kit (``Column``, ``TableSchema``, cell
parsing and row checks, in ``_kit``; cross-column rules in ``_rules``) and the
curated tables declared with it (``_tables``). Every name is imported from
here.
"""

from __future__ import annotations

from .._validate import guard_public
from ..vocab import (
    ACTORS,
    CLAIMS,
    COORD_METHODS,
    COUNTRIES,
    DISPLACEMENT_METRICS,
    DISPLACEMENT_UNITS,
    EVENT_TYPES,
    MEASURES,
    PHASES,
    PLACE_KINDS,
    PLACE_SIDES,
    QUALIFIERS,
    SITE_KINDS,
    SITE_STATUSES,
    SOURCE_GRADES,
    SUB_EVENT_TYPES,
    VICTIM_SIDES,
    VICTIM_TYPES,
)
from ._kit import Column, TableSchema, schema_table
from ._tables import (
    CURATED,
    DISPLACEMENT,
    EVENTS,
    GAZETTEER,
    SCAM_FIGURES,
    SITE_STATUS,
    SITES,
    TALLIES,
    TIMELINE,
)

__all__ = [
    "ACTORS",
    "CLAIMS",
    "COUNTRIES",
    "DISPLACEMENT",
    "DISPLACEMENT_METRICS",
    "EVENTS",
    "COORD_METHODS",
    "EVENT_TYPES",
    "GAZETTEER",
    "MEASURES",
    "PLACE_KINDS",
    "PLACE_SIDES",
    "VICTIM_SIDES",
    "VICTIM_TYPES",
    "QUALIFIERS",
    "SCAM_FIGURES",
    "SITES",
    "SITE_KINDS",
    "SITE_STATUS",
    "SITE_STATUSES",
    "SOURCE_GRADES",
    "SUB_EVENT_TYPES",
    "TALLIES",
    "TIMELINE",
    "Column",
    "TableSchema",
    # public before the split too, now listed
    "CURATED",
    "DISPLACEMENT_UNITS",
    "PHASES",
    "schema_table",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
