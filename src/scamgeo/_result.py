"""The small base every scamgeo result object shares.

A result has a tidy :attr:`~Result.table`, a list of :attr:`~Result.notes`
(rows left out, fallbacks taken, warnings from the fitting library), a
:meth:`~Result.summary` in a few lines of text and a JSON-ready
:meth:`~Result.to_dict` (numbers, strings and records only; fitted library
objects are left out). ``repr`` is the summary.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Result", "jsonable"]


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data, or ``...`` (Ellipsis) when it has no plain form."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, pd.DataFrame):
        return [{str(k): jsonable(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, pd.Series | np.ndarray | list | tuple):
        return [jsonable(v) for v in list(value)]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return ...


class Result:
    """Base of the result objects: ``table``, ``notes``, ``summary()``, ``to_dict()``.

    Subclasses are dataclasses with a ``notes`` field and either a ``table``
    field or a ``table`` property, and write :meth:`summary`.
    """

    table: pd.DataFrame
    notes: list[str]

    def summary(self) -> str:
        """A few lines of text: what was estimated, the headline numbers, the notes."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data: its fields (fitted model objects left out) and table."""
        out: dict[str, Any] = {"kind": type(self).__name__}
        fields: tuple[dataclasses.Field[Any], ...] = (
            dataclasses.fields(self) if dataclasses.is_dataclass(self) else ()
        )
        for f in fields:
            value = jsonable(getattr(self, f.name))
            if value is not ...:
                out[f.name] = value
        out["table"] = jsonable(self.table)
        out["notes"] = list(self.notes)
        return out

    def __repr__(self) -> str:
        return self.summary()
