"""Exceptions raised by scamgeo.

Every error scamgeo raises on purpose is a :class:`ScamgeoError`, so an
analysis can catch them all in one place; the subclasses say what kind of
thing went wrong. Messages name the file, row, column or parameter at fault
and what was expected.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "CRSError",
    "CoordinateError",
    "DataSourceError",
    "ParameterError",
    "SchemaError",
    "ScamgeoError",
]


class ScamgeoError(Exception):
    """Base class of every error raised by scamgeo."""


class SchemaError(ScamgeoError, ValueError):
    """A table does not match its schema (missing column, bad value, bad row).

    Attributes
    ----------
    problems : list of str
        Every problem found, one per entry (the message joins them).
    source : str or None
        The file or table the problems were found in.
    """

    def __init__(
        self, message: str, *, problems: list[str] | None = None, source: str | None = None
    ):
        super().__init__(message)
        self.problems = list(problems or [message])
        self.source = source


class CRSError(ScamgeoError, ValueError):
    """A frame has no CRS, or two frames disagree on it."""


class ParameterError(ScamgeoError, ValueError):
    """An argument or notebook parameter is unknown, of the wrong type or impossible."""


class ArgumentError(ParameterError, TypeError):
    """A function was called with arguments it does not take (an unknown keyword, an option
    given by position, a required argument missing). Also a :class:`TypeError`, as Python's
    own error for such calls is."""


class DataSourceError(ScamgeoError, OSError):
    """A file or remote service could not be read (missing, wrong format, HTTP error)."""


class CoordinateError(CRSError):
    """Coordinates cannot be what their CRS says: swapped, projected metres labelled
    EPSG:4326, or outside the region scamgeo covers."""
