"""The column kit: :class:`Column`, :class:`TableSchema`, cell parsing and row checks.

Nothing here knows a curated table; the tables are declared in
:mod:`scamgeo.schema._tables` with these pieces, and their cross-column rules
live in :mod:`scamgeo.schema._rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._validate import ISO_3166_2_PATTERN, URL_PATTERN, Problems, require_columns

__all__ = [
    "LAST_DATE",
    "Column",
    "TableSchema",
    "date_column",
    "flag",
    "schema_table",
]


_KINDS = ("str", "int", "float", "date", "category", "url", "bool", "code")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"str", "int", "float", "date", "category", "url", "bool", "code"}
        How cells are parsed: ``date`` is ISO ``YYYY-MM-DD``; ``category`` must
        be one of ``choices``; ``url`` must be an http(s) URL; ``code`` an
        ISO 3166-2 code of a Thai or Cambodian province.
    required : bool
        The column must be present (optional columns are added empty).
    nullable : bool
        Empty cells are allowed.
    choices : tuple of str, optional
        The vocabulary of a ``category`` column.
    min, max : float or str, optional
        Inclusive range of numbers, or of dates as ``YYYY-MM-DD``.
    description : str
        What the column holds (used in the data dictionary).
    empty_where : str, optional
        For a column that may not be empty: another column whose filled cells
        mark the rows where this one may be empty after all (e.g. an ACLED
        sub-event type that a pre-2019 export's event type, kept in
        ``event_type_original``, does not tell).
    """

    name: str
    kind: str = "str"
    required: bool = True
    nullable: bool = True
    choices: tuple[str, ...] | None = None
    min: float | str | None = None
    max: float | str | None = None
    description: str = ""
    empty_where: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"Column {self.name}: kind must be one of {_KINDS}")
        if self.kind == "category" and not self.choices:
            raise ValueError(f"Column {self.name}: a category needs choices")


@dataclass(frozen=True)
class TableSchema:
    """A table's columns, key and documented ranges.

    Parameters
    ----------
    name : str
        Table name (also the CSV file stem under ``data/curated``).
    columns : tuple of Column
        Columns in their canonical order.
    key : str, optional
        Column whose values must be unique.
    description : str
        One line on what a row is.
    extra_checks : tuple of callable
        Cross-column rules (:mod:`scamgeo.schema._rules`), each called as
        ``rule(frame, lines, problems)`` by :meth:`validate` once every column
        is parsed and the key checked: ``frame`` is the parsed table,
        ``lines`` the line number of each row and ``problems`` the collector
        of what it finds (raised together as one :class:`~scamgeo.SchemaError`).
    """

    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    description: str = ""
    extra_checks: tuple = field(default=(), repr=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def empty_allowed(self, *frames: pd.DataFrame | None) -> dict[str, np.ndarray]:
        """Required columns -> rows where they may be empty after all (``Column.empty_where``).

        The marking column is looked for in each of ``frames`` (a reader may
        hold the schema's columns and the source's own columns apart).

        Parameters
        ----------
        *frames : pandas.DataFrame or None
            The tables to look for each ``Column.empty_where`` column in, all
            with the same rows; ``None`` is skipped. When several hold it, the
            last one wins.

        Returns
        -------
        dict of str to numpy.ndarray
            For each column with an ``empty_where`` found in ``frames``, a
            boolean array: true on the rows where that column is filled (so
            this one may be empty).
        """
        allowed: dict[str, np.ndarray] = {}
        for col in self.columns:
            for frame in frames:
                if col.empty_where is not None and frame is not None and col.empty_where in frame:
                    filled = ~_text_and_blank(frame[col.empty_where])[1].to_numpy(dtype=bool)
                    allowed[col.name] = filled
        return allowed

    def column(self, name: str) -> Column:
        """The :class:`Column` called ``name``.

        Parameters
        ----------
        name : str
            A column of this table.

        Returns
        -------
        Column

        Raises
        ------
        KeyError
            If the table has no column ``name``.
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def validate(
        self, frame: pd.DataFrame, *, source: str | None = None, line_offset: int = 2
    ) -> pd.DataFrame:
        """Parse and check ``frame``; return a new frame with proper dtypes.

        Parameters
        ----------
        frame : pandas.DataFrame
            Raw table, typically read with every column as text.
        source : str, optional
            File or table name used in messages (defaults to the schema name).
        line_offset : int
            Added to the 0-based row position to give the line number in
            messages (2 for a CSV with one header line).

        Raises
        ------
        SchemaError
            Listing every missing column, or every bad cell with its line and column.
        """
        source = source or self.name
        require_columns(frame.columns, self.required, source=source)
        out = frame.copy()
        for col in self.columns:
            if col.name not in out.columns:
                out[col.name] = pd.NA
        problems = Problems(source)
        lines = np.arange(len(out)) + line_offset
        allowed = self.empty_allowed(out)
        for col in self.columns:
            out[col.name] = _parse(
                out[col.name], col, lines, problems, may_be_empty=allowed.get(col.name)
            )
        if self.key is not None:
            dup = out[self.key].duplicated(keep=False) & out[self.key].notna()
            for line, value in zip(lines[dup.to_numpy()], out.loc[dup, self.key], strict=True):
                problems.add(f"duplicate {self.key} {value!r}", row=int(line), column=self.key)
        for check in self.extra_checks:
            check(out, lines, problems)
        problems.raise_if_any()
        ordered = self.names + [c for c in out.columns if c not in self.names]
        return out[ordered]


def _text_and_blank(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells as stripped text (<NA> when empty), and where a cell is empty (NaN, None, '' or spaces)."""
    stripped = series.astype("string").str.strip()
    blank = (series.isna() | stripped.eq("").fillna(True)).astype(bool)
    return stripped.where(~blank), blank


def _parse(
    series: pd.Series,
    col: Column,
    lines: np.ndarray,
    problems: Problems,
    *,
    may_be_empty: np.ndarray | None = None,
) -> pd.Series:
    text, blank = _text_and_blank(series)
    if not col.nullable:
        required = blank if may_be_empty is None else blank & ~may_be_empty
        flag(problems, lines, required, "empty, but a value is required", column=col.name)

    def bad(mask: pd.Series, what: str) -> None:
        flag(problems, lines, mask, what, column=col.name, values=text)

    if col.kind in ("int", "float"):
        values = pd.to_numeric(text, errors="coerce")
        bad(values.isna() & ~blank, "is not a number")
        if col.kind == "int":
            bad(values.notna() & (values != values.round()), "is not a whole number")
        if col.min is not None:
            bad(values < col.min, f"is below the minimum {col.min}")
        if col.max is not None:
            bad(values > col.max, f"is above the maximum {col.max}")
        if col.kind == "int":
            return values.round().astype("Int64")
        return values.astype("float64")
    if col.kind == "date":
        values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad(values.isna() & ~blank, "is not a date (YYYY-MM-DD)")
        if col.min is not None:
            bad(values < pd.Timestamp(col.min), f"is before {col.min}")
        if col.max is not None:
            bad(values > pd.Timestamp(col.max), f"is after {col.max}")
        return values.astype("datetime64[ns]")
    if col.kind == "category":
        choices = col.choices or ()
        bad(~text.isin(choices) & ~blank, f"is not one of {', '.join(choices)}")
        return pd.Categorical(text.where(text.isin(choices)), categories=list(choices))
    if col.kind == "url":
        bad(~text.fillna("").str.match(URL_PATTERN) & ~blank, "is not an http(s) URL")
        return text
    if col.kind == "code":
        bad(
            ~text.fillna("").str.match(ISO_3166_2_PATTERN) & ~blank,
            "is not an ISO 3166-2 code like TH-32 or KH-22",
        )
        return text
    if col.kind == "bool":
        lowered = text.str.lower()
        truth = lowered.map(
            {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        )
        bad(truth.isna() & ~blank, "is not true/false")
        return truth.astype("boolean")
    return text


# --- row checks and column helpers ------------------------------------------


def flag(
    problems: Problems,
    lines: np.ndarray,
    where: pd.Series | np.ndarray,
    what: str,
    *,
    column: str,
    values: pd.Series | None = None,
) -> None:
    """Add the problem ``what`` at every line where ``where`` holds (missing counts as no).

    With ``values``, each problem starts with that row's value (``'x' is not a date``).
    """
    mask = (
        where.to_numpy(dtype=bool, na_value=False)
        if isinstance(where, pd.Series)
        else np.asarray(where, dtype=bool)
    )
    if values is None:
        for line in lines[mask]:
            problems.add(what, row=int(line), column=column)
        return
    for line, value in zip(lines[mask], values[mask], strict=True):
        problems.add(f"{value!r} {what}", row=int(line), column=column)


#: The last date any curated table may hold.
LAST_DATE = "2026-12-31"


def date_column(name: str, since: str, **options: Any) -> Column:
    """A date column of the record, from ``since`` to :data:`LAST_DATE`."""
    return Column(name, "date", min=since, max=LAST_DATE, **options)


def schema_table(schema: TableSchema) -> pd.DataFrame:
    """A data-dictionary view of ``schema`` (column, type, required, allowed, description).

    Parameters
    ----------
    schema : TableSchema
        The table to describe.

    Returns
    -------
    pandas.DataFrame
        One row per column, in the schema's order: ``column``, ``type`` (its
        kind), ``required``, ``empty allowed`` (True, False, or the column whose
        filled cells allow it), ``allowed`` (the choices, or the range as
        ``min .. max``) and ``description``.
    """
    rows = []
    for c in schema.columns:
        allowed: Sequence[str] | str = ""
        if c.choices:
            allowed = ", ".join(c.choices)
        elif c.min is not None or c.max is not None:
            allowed = (
                f"{c.min if c.min is not None else ''} .. {c.max if c.max is not None else ''}"
            )
        rows.append(
            {
                "column": c.name,
                "type": c.kind,
                "required": c.required,
                "empty allowed": (
                    c.nullable if c.empty_where is None else f"where {c.empty_where} is filled"
                ),
                "allowed": allowed,
                "description": c.description,
            }
        )
    return pd.DataFrame(rows)
