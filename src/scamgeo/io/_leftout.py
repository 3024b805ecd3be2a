"""Rows a reader leaves out: counted by reason, kept as data, warned about once.

Private plumbing of :mod:`scamgeo.io`.

A :class:`LeftOut` counts the rows a reader leaves out, by reason (a country
scamgeo does not cover, outside ``countries=`` or the period, an exact
duplicate, an HXL hashtag row, a header row repeated inside the file, a last
record cut short), with the first file rows (or the labels) of each reason.
It is plain data (:meth:`LeftOut.to_dict`, :meth:`LeftOut.from_dict`), so the
counts of many reads (the blocks of one file read by Dask partitions) can be
shifted to file rows and added up (:meth:`LeftOut.shifted`,
:meth:`LeftOut.merge`) and warned about once with the exact total.

:func:`structural_rows` finds the rows that are not records at all: HDX's
HXL hashtag row under the header, and header rows repeated inside a file
(exports concatenated with their headers).
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CUT",
    "HXL",
    "REPEATED_HEADER",
    "LeftOut",
    "RowsLeftOut",
    "structural_rows",
]

logger = logging.getLogger("scamgeo.io")

_SHOWN_ROWS = 5

#: Reasons shared by every reader (the others are the reader's own).
HXL = "HXL hashtag rows (HDX's row of #tags under the header)"
REPEATED_HEADER = "header rows repeated inside the file (files concatenated with their headers)"
CUT = (
    "last record cut short (the file ends mid-record: an interrupted download or copy; "
    "download or export it again to read it whole)"
)


class RowsLeftOut(UserWarning):
    """Rows of a file were left out by a reader; the message counts them by reason.

    Silence it with ``warnings.simplefilter("ignore", scamgeo.io.RowsLeftOut)``
    once the counts are understood (they are also in ``.attrs["source"]["left_out"]``).
    """


def _mask(mask: Any) -> np.ndarray:
    if isinstance(mask, pd.Series | pd.Index):
        mask = mask.astype("boolean").fillna(False) if mask.dtype != bool else mask
    return np.asarray(mask, dtype=bool)


class LeftOut:
    """Count the rows a reader leaves out, by reason, and warn once with every count.

    Parameters
    ----------
    source : str
        The file named in the warning.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.reasons: dict[str, int] = {}
        self.rows: dict[str, list[int]] = {}
        self.labels: dict[str, Counter[str]] = {}

    @property
    def total(self) -> int:
        return sum(self.reasons.values())

    def add(
        self,
        mask: Any,
        why: str,
        *,
        labels: pd.Series | None = None,
        lines: np.ndarray | None = None,
    ) -> None:
        """Count the rows where ``mask`` holds as left out because ``why``.

        ``labels`` (aligned with ``mask``) are counted by value (a missing label
        is counted as "(empty)"); otherwise ``lines`` names the first rows.

        Parameters
        ----------
        mask : array-like of bool
            One value per row read, true for the rows left out (a missing value
            counts as false).
        why : str
            The reason, as the warning words it (e.g. :data:`HXL`).
        labels : pandas.Series, optional
            A label per row, aligned with ``mask`` (e.g. the country); the
            warning lists the labels of the rows left out with their counts.
        lines : numpy.ndarray, optional
            The file row of each row, aligned with ``mask``; when no ``labels``
            are given, the first rows left out (up to 5 per reason) are named.
        """
        where = _mask(mask)
        n = int(where.sum())
        if not n:
            return
        self.reasons[why] = self.reasons.get(why, 0) + n
        if labels is not None:
            values = labels[where].astype("object").where(labels[where].notna(), "(empty)")
            counts = values.value_counts()
            self.labels.setdefault(why, Counter()).update(
                {str(k): int(v) for k, v in counts.items()}
            )
        elif lines is not None:
            self.add_rows(why, np.asarray(lines)[where][:_SHOWN_ROWS], count=False)

    def add_rows(self, why: str, lines: Any, *, count: bool = True) -> None:
        """Count the rows at file ``lines`` (all of them) as left out because ``why``.

        Parameters
        ----------
        why : str
            The reason, as the warning words it.
        lines : array-like of int
            The file rows left out; the first ones (up to 5 per reason) are
            named in the warning.
        count : bool, default True
            Add ``len(lines)`` to the reason's count; False only names the rows
            (their count was added already, e.g. by :meth:`add`).
        """
        lines = [int(r) for r in np.asarray(lines).ravel()]
        if count and lines:
            self.reasons[why] = self.reasons.get(why, 0) + len(lines)
        shown = self.rows.setdefault(why, [])
        shown.extend(lines[: max(_SHOWN_ROWS - len(shown), 0)])

    def add_count(self, n: int, why: str) -> None:
        """Count ``n`` rows left out because ``why`` (no rows named).

        Parameters
        ----------
        n : int
            How many rows were left out (0 adds nothing).
        why : str
            The reason, as the warning words it.
        """
        if n:
            self.reasons[why] = self.reasons.get(why, 0) + int(n)

    # --- as data: shifted to file rows, added up ------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The counts, first rows and labels of each reason, as plain data."""
        return {
            "reasons": dict(self.reasons),
            "rows": {k: list(v) for k, v in self.rows.items()},
            "labels": {k: dict(v) for k, v in self.labels.items()},
        }

    @classmethod
    def from_dict(cls, source: str, data: dict[str, Any] | None) -> LeftOut:
        out = cls(source)
        data = data or {}
        out.reasons = {k: int(v) for k, v in (data.get("reasons") or {}).items()}
        out.rows = {k: [int(r) for r in v] for k, v in (data.get("rows") or {}).items()}
        out.labels = {k: Counter(v) for k, v in (data.get("labels") or {}).items()}
        return out

    def shifted(self, rows: int) -> LeftOut:
        """The same counts with every row number moved by ``rows`` (block -> file rows).

        Parameters
        ----------
        rows : int
            Added to every row number named (e.g. the file row where a block
            starts).

        Returns
        -------
        LeftOut
            A new object; this one is unchanged.
        """
        out = LeftOut.from_dict(self.source, self.to_dict())
        out.rows = {k: [r + rows for r in v] for k, v in self.rows.items()}
        return out

    def merge(self, other: LeftOut) -> LeftOut:
        """Add ``other``'s counts to these (rows kept in the order the reads came).

        Parameters
        ----------
        other : LeftOut
            The counts of another read (e.g. the next block of the same file);
            its rows are named after these, up to 5 per reason.

        Returns
        -------
        LeftOut
            This object, updated in place.
        """
        for why, n in other.reasons.items():
            self.reasons[why] = self.reasons.get(why, 0) + n
        for why, rows in other.rows.items():
            self.add_rows(why, rows, count=False)
        for why, labels in other.labels.items():
            self.labels.setdefault(why, Counter()).update(labels)
        return self

    # --- the one warning --------------------------------------------------------------------

    def _detail(self, why: str, n: int) -> str:
        labels = self.labels.get(why)
        if labels:
            top = labels.most_common()
            shown = ", ".join(f"{k} ({v:,})" for k, v in top[:8])
            return shown + (f", and {len(top) - 8} more" if len(top) > 8 else "")
        rows = sorted(self.rows.get(why) or [])
        if not rows:
            return ""
        text = "row" + ("s " if n > 1 else " ") + ", ".join(str(r) for r in rows)
        return text + (", ..." if n > len(rows) else "")

    def message(self) -> str | None:
        """The warning's text (None when no row was left out)."""
        if not self.reasons:
            return None
        parts = []
        # rows that are no records first, in a fixed order (one message whatever the blocks)
        rank = {HXL: 0, REPEATED_HEADER: 1, CUT: 2}
        for why, n in sorted(self.reasons.items(), key=lambda kv: rank.get(kv[0], 3)):
            detail = self._detail(why, n)
            parts.append(f"{n:,} {why}" + (f": {detail}" if detail else ""))
        return f"{self.source}: {self.total:,} row(s) left out (" + "; ".join(parts) + ")."

    def warn(self, *, stacklevel: int = 3) -> None:
        """One warning listing every reason with its count (nothing if no row was left out).

        The message is also logged (``scamgeo.io`` logger, level WARNING).

        Parameters
        ----------
        stacklevel : int, default 3
            Passed to :func:`warnings.warn`: which caller the
            :class:`RowsLeftOut` warning points at.
        """
        message = self.message()
        if message is None:
            return
        logger.warning(message)
        warnings.warn(message, RowsLeftOut, stacklevel=stacklevel)


def _cells_equal(col: pd.Series, name: str) -> np.ndarray:
    """Where a cell, stripped and lower-cased, is ``name`` (Arrow kernels on Arrow text)."""
    dtype = col.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        try:  # a column parsed as numbers holds a name only if the name is a number
            float(name)
        except ValueError:
            return np.zeros(len(col), dtype=bool)
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        lowered = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(col.array)))
        return np.asarray(pc.equal(lowered, name).fill_null(False), dtype=bool)
    text = col.astype("string").str.strip().str.lower()
    return (text == name).fillna(False).to_numpy(dtype=bool)


def structural_rows(frame: pd.DataFrame, lines: np.ndarray, left: LeftOut) -> np.ndarray:
    """Rows that are no records: an HXL hashtag row and repeated header rows (mask).

    An HXL row is a row near the top whose every filled cell is a ``#tag``
    (HDX's copies put one under the header; its first cell may be empty). A
    repeated header is a row whose cells are the column names, in at least
    half of the columns. Both are counted in ``left`` with their file rows.
    """
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    if not n or not len(frame.columns):
        return out
    head = frame.head(3).to_numpy(dtype=object)
    for pos in range(len(head)):
        cells = [str(v).strip() for v in head[pos] if isinstance(v, str) and v.strip()]
        if cells and all(c.startswith("#") for c in cells):
            out[pos] = True
    hxl = out.copy()
    first = frame.columns[0]
    candidates = np.flatnonzero(_cells_equal(frame[first], str(first).strip().lower()))
    if len(candidates):
        names = np.array([str(c).strip().lower() for c in frame.columns], dtype=object)
        cells = frame.iloc[candidates].astype("string").apply(lambda s: s.str.strip().str.lower())
        same = (cells.to_numpy(dtype=object, na_value="") == names).sum(axis=1)
        out[candidates[same * 2 >= len(names)]] = True
    left.add_rows(HXL, np.asarray(lines)[hxl])
    left.add_rows(REPEATED_HEADER, np.asarray(lines)[out & ~hxl])
    return out
