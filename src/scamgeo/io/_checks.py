"""Column-wise checks shared by the readers: problems grouped by kind, rows left out by reason.

Private plumbing of :mod:`scamgeo.io`.

- :class:`Report` collects problems found in a table *by kind* (a column and
  what is wrong with it), each with its count and the first few rows as
  examples, and raises them together as one :class:`~scamgeo.SchemaError`:
  a file with 5,000 bad dates gets one line saying so, not 5,000.
- :class:`LeftOut` (from :mod:`scamgeo.io._leftout`) counts the rows a
  reader leaves out, by reason, and warns once with every count: no row is
  dropped silently.
- :func:`conform` checks a frame against a :class:`~scamgeo.schema.TableSchema`
  column by column with vectorised operations on already-parsed columns
  (numbers stay numbers, dates stay dates), and returns the same frame, with
  the same dtypes, as :meth:`TableSchema.validate` would.
- :class:`TextNeeded` is how a reader working on a typed parse (numbers
  parsed by pyarrow, see :func:`scamgeo.io._tables.to_frame`) says that a
  row needs its text cells (a bad cell to name, rows to compare cell for
  cell): the reader then reads the file again as text.

Text columns are handled by Arrow kernels (pandas 3 stores text in Arrow):
no Python object per cell.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .._errors import SchemaError
from .._validate import ISO_3166_2_PATTERN, URL_PATTERN, Problems, require_columns
from ._hashing import all_different, text_hashes
from ._leftout import LeftOut, RowsLeftOut

T = TypeVar("T")

__all__ = [
    "LeftOut",
    "Report",
    "RowsLeftOut",
    "TextNeeded",
    "all_distinct",
    "arrow_numbers",
    "arrow_text",
    "conform",
    "constant",
    "decimal_commas",
    "factorize",
    "map_distinct",
    "text_cells",
]

logger = logging.getLogger(__name__)

_EXAMPLES = 3
_ITEM = re.compile(r"^row (\d+), column ([^:]+): (.*)$", re.DOTALL)
_VALUE = re.compile(r"""^('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|<NA>|nan|None)\s+(.*)$""", re.DOTALL)


class TextNeeded(Exception):
    """A typed parse cannot decide: the reader parses the file again as text cells."""


def typed_then_text(
    parse: Callable[[LeftOut, tuple[str, ...]], T],
    numbers: tuple[str, ...],
    name: str,
    *,
    warn: bool,
) -> tuple[T, LeftOut]:
    """``parse(left, numbers)`` with ``numbers`` typed by pyarrow; again as text if a cell needs it.

    Returns the parse's result and the rows it left out. A :class:`SchemaError` is
    raised after the rows already left out are warned about (when ``warn``), so a
    reader that refuses a file still says what it had set aside.
    """
    for typed in (numbers, ()):
        left = LeftOut(name)
        try:
            return parse(left, typed), left
        except TextNeeded:
            continue
        except SchemaError:
            if warn:
                left.warn(stacklevel=3)  # the reader's caller
            raise
    raise AssertionError(f"{name}: the text parse asked for the text")  # pragma: no cover


def _mask(mask: Any) -> np.ndarray:
    if isinstance(mask, pd.Series | pd.Index):
        mask = mask.astype("boolean").fillna(False) if mask.dtype != bool else mask
    return np.asarray(mask, dtype=bool)


class Report:
    """Problems of one table, grouped by (column, what is wrong), with counts and examples.

    Parameters
    ----------
    source : str
        The file named in the message.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._kinds: dict[tuple[str, str], dict[str, Any]] = {}
        self._flagged: dict[str, list[np.ndarray]] = {}
        self.hints: list[str] = []

    def flagged(self, lines: np.ndarray, column: str) -> np.ndarray:
        """Which of ``lines`` already have a problem recorded in ``column`` (boolean array)."""
        found = self._flagged.get(column)
        if not found:
            return np.zeros(len(lines), dtype=bool)
        return np.isin(np.asarray(lines), np.concatenate(found))

    def __len__(self) -> int:
        return sum(k["count"] for k in self._kinds.values())

    def add(
        self,
        mask: Any,
        *,
        column: str,
        what: str,
        lines: np.ndarray,
        values: pd.Series | None = None,
    ) -> None:
        """Record every row where ``mask`` holds as one problem of kind (column, what).

        ``values`` (aligned with ``mask``) gives the cell shown in the examples.
        """
        where = _mask(mask)
        if not where.any():
            return
        positions = np.flatnonzero(where)
        self._flagged.setdefault(column, []).append(np.asarray(lines)[positions])
        kind = self._kinds.setdefault((column, what), {"count": 0, "examples": []})
        kind["count"] += len(positions)
        room = _EXAMPLES - len(kind["examples"])
        for pos in positions[: max(room, 0)]:
            value = None if values is None else values.iloc[int(pos)]
            kind["examples"].append((int(lines[int(pos)]), value))

    def add_one(self, what: str, *, row: int | None = None, column: str = "") -> None:
        """Record one problem (a row, or the whole table when ``row`` is None)."""
        kind = self._kinds.setdefault((column, what), {"count": 0, "examples": []})
        kind["count"] += 1
        if len(kind["examples"]) < _EXAMPLES:
            kind["examples"].append((row, None))

    def add_items(self, items: Sequence[str]) -> None:
        """Fold problems phrased ``"row N, column C: 'value' what"`` into their kinds."""
        for item in items:
            match = _ITEM.match(item)
            if not match:
                self.add_one(item)
                continue
            row, column, rest = int(match.group(1)), match.group(2), match.group(3)
            value_match = _VALUE.match(rest)
            value, what = (
                (value_match.group(1), value_match.group(2)) if value_match else (None, rest)
            )
            kind = self._kinds.setdefault((column, what), {"count": 0, "examples": []})
            kind["count"] += 1
            if len(kind["examples"]) < _EXAMPLES:
                kind["examples"].append((row, _Shown(value) if value is not None else None))

    def lines(self) -> list[str]:
        """One line per kind of problem: first example, count, rows of the others."""
        out = []
        for (column, what), kind in self._kinds.items():
            examples = kind["examples"]
            first_row, first_value = examples[0] if examples else (None, None)
            where = []
            if first_row is not None:
                where.append(f"row {first_row}")
            if column:
                where.append(f"column {column}")
            shown = "" if first_value is None else f"{first_value!r} "
            line = f"{', '.join(where)}: {shown}{what}" if where else f"{shown}{what}"
            count = kind["count"]
            if count > 1:
                others = [
                    f"row {r}" + ("" if v is None else f" {v!r}") for r, v in examples[1:] if r
                ]
                dots = ", ..." if count > len(examples) else ""
                more = f" ({', '.join(others)}{dots})" if others else ""
                line += f" [{count:,} rows in all{more}]"
            out.append(line)
        return out

    def raise_if_any(self) -> None:
        """Raise one :class:`~scamgeo.SchemaError` naming every kind of problem."""
        if not self._kinds:
            return
        items = self.lines()
        total = len(self)
        noun = "problem" if total == 1 else "problems"
        kinds = f" of {len(items)} kinds" if len(items) > 1 else ""
        hints = "".join(f"\n{h}" for h in dict.fromkeys(self.hints))
        raise SchemaError(
            f"{self.source}: {total:,} {noun}{kinds}:\n  " + "\n  ".join(items) + hints,
            problems=items,
            source=self.source,
        )


class _Shown(str):
    """A value already shown as its repr (from another checker's message)."""

    def __repr__(self) -> str:
        return str(self)


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def decimal_commas(series: pd.Series, *, column: str, source: str) -> pd.Series:
    """Read a column written with decimal commas ("14,383"), saying so; else return it as is.

    Only when every non-empty cell that is not a plain number has the form
    ``digits,digits`` (a coordinate cannot hold a thousands separator); the
    change is announced in a warning naming the column and an example.
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series
    text = series.astype("object")
    try:  # one C-level scan for the usual case: no comma anywhere
        if "," not in "".join(text[text.notna()]):
            return series
    except TypeError:
        pass
    has_comma = text.astype("string").str.contains(",", regex=False).fillna(False)
    if not has_comma.any():
        return series
    candidates = pd.unique(text[has_comma.to_numpy(dtype=bool)])
    if not all(isinstance(v, str) and _DECIMAL_COMMA.match(v) for v in candidates):
        return series
    example = candidates[0]
    message = (
        f"{source}: column {column} is written with decimal commas (e.g. {example!r}); "
        "read with ',' as the decimal mark (a file saved by a spreadsheet in a European locale)."
    )
    logger.warning(message)
    warnings.warn(message, UserWarning, stacklevel=3)
    return text.where(
        ~has_comma.to_numpy(dtype=bool), text.astype("string").str.replace(",", ".", regex=False)
    )


def arrow_text(series: pd.Series) -> Any:
    """The Arrow array of a column of Arrow-backed text (None for any other column)."""
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa

    return pa.array(series.array)


def _string_series(values: Any, index: pd.Index) -> pd.Series:
    """An Arrow string array as a ``string`` Series (what ``astype("string")`` gives)."""
    import pyarrow as pa

    if values.type != pa.large_string():
        values = values.cast(pa.large_string())
    if not isinstance(values, pa.ChunkedArray):
        values = pa.chunked_array([values])
    return pd.Series(pd.arrays.ArrowStringArray(values), index=index)


def constant(value: str | None, index: pd.Index) -> pd.Series:
    """A column of text holding ``value`` in every row (<NA> for None), built by Arrow."""
    import pyarrow as pa

    if value is None:
        return _string_series(pa.nulls(len(index), pa.large_string()), index)
    one = pa.array([value], pa.large_string())
    return _string_series(one.take(np.zeros(len(index), dtype=np.int64)), index)


def text_cells(series: pd.Series) -> pd.Series:
    """Cells as stripped text, <NA> where empty (NaN, None, '' or spaces); ``string`` dtype.

    Column-wise string operations (Arrow kernels when pandas stores text in
    Arrow, as it does by default since pandas 3): no Python per cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = arrow_text(series)
    if values is None:
        if not series.notna().any():  # a column the reader left empty
            return _string_series(pa.nulls(len(series), pa.large_string()), series.index)
        text = series.astype("string").str.strip()
        return text.mask(text.str.len() == 0)

    trimmed = pc.utf8_trim_whitespace(values) if _may_need_trim(values) else values
    blank = pc.equal(pc.binary_length(trimmed), 0)
    if pc.any(blank).as_py():
        trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    return _string_series(trimmed, series.index)


def _may_need_trim(values: Any) -> bool:
    """Whether a cell of an Arrow string array may begin or end with white space.

    Looks only at the first and last byte of each cell (the offsets say where
    they are): when every one is printable ASCII other than a space, trimming
    changes nothing and is skipped. Any other byte (a space, a control
    character, the start or end of a multi-byte character) says "may".
    """
    import pyarrow as pa

    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        _, offsets_buf, data_buf = chunk.buffers()
        if data_buf is None or len(chunk) == 0:
            continue
        kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets: np.ndarray = np.frombuffer(offsets_buf, dtype=kind)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buf, dtype=np.uint8)[: offsets[-1]]
        if not len(data):
            continue
        # an empty cell's "edges" are its neighbours' (or the first and last byte): no harm
        edges = data[np.concatenate([np.minimum(offsets[:-1], len(data) - 1), offsets[1:] - 1])]
        if ((edges <= 0x20) | (edges >= 0x7F)).any():
            return True
    return False


def all_distinct(values: pd.Series) -> bool:
    """Whether no two filled cells of ``values`` are equal (one hash pass, no mask built).

    Short Arrow text (ids) is hashed into 64-bit numbers first
    (:func:`._hashing.text_hashes`): when those are all different, so are the
    cells. Otherwise, and for other columns, ``pd.factorize`` decides (rather
    than ``is_unique``: on a chunked Arrow column the latter goes through
    ``unique``, several times slower and erratic, 4–40 ms for 100,000 ids).
    """
    text = arrow_text(values)
    hashes = text_hashes(text) if text is not None else None
    if hashes is not None and all_different(hashes):
        return True
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return len(uniques) == int(np.count_nonzero(codes >= 0))


def factorize(values: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(values, use_na_sentinel=True)``; on Arrow text, by Arrow's kernels.

    On Arrow text ``pd.factorize`` encodes every chunk and then combines the
    chunks; ``unique`` then ``index_in`` give the same codes and distinct
    values (in order of first appearance) in about 0.6 of its time on a
    column of few distinct values.

    Examples
    --------
    >>> codes, uniques = factorize(pd.Series(["b", "a", None, "b"], dtype="str"))
    >>> codes.tolist(), list(uniques)
    ([0, 1, -1, 0], ['b', 'a'])
    """
    text = arrow_text(values)
    if text is None:
        return pd.factorize(values, use_na_sentinel=True)
    uniques = distinct_text(text)
    codes = codes_in(text, uniques).astype(np.intp)
    return codes, pd.Index(pd.array(uniques, dtype=values.dtype))


def distinct_text(text: Any) -> Any:
    """The distinct filled cells of an Arrow text array, in order of first appearance."""
    import pyarrow.compute as pc

    return pc.unique(text).drop_null()


def codes_in(text: Any, choices: Any) -> np.ndarray:
    """Each cell's position among ``choices`` (an Arrow array), -1 where missing or absent."""
    import pyarrow.compute as pc

    return pc.index_in(text, value_set=choices).fill_null(-1).to_numpy()


def map_distinct(values: pd.Series, fn: Any, *, dtype: str = "string") -> pd.Series:
    """``fn`` applied to each distinct value of ``values`` once (missing cells stay missing)."""
    text = arrow_text(values)
    if text is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        mapped = [fn(u) for u in uniques]
    else:  # Arrow text: the distinct cells first, row codes only if a label differs
        distinct = distinct_text(text)
        cells = distinct.to_pylist()
        mapped = [fn(u) for u in cells]
        if dtype == "string" and mapped == cells:
            return values.astype("string")  # every cell is its own label: no new column
        codes = codes_in(text, distinct)
    labels = pd.array(mapped, dtype=dtype)
    # a take on the distinct labels: Arrow builds the column, no Python object per row
    return pd.Series(labels.take(codes, allow_fill=True), index=values.index)


def arrow_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """(float64 numbers, blank mask) of an Arrow-backed text column in one Arrow cast.

    None when the column is not Arrow text, or when a cell is not a number
    (the caller's slower path then names the bad cells). Blank and missing
    cells give NaN and are marked in the mask.
    """
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(pa.array(series.array))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        values = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    numbers = pd.Series(values.to_numpy(zero_copy_only=False), index=series.index, dtype="float64")
    blank = pd.Series(pc.is_null(values).to_numpy(zero_copy_only=False), index=series.index)
    return numbers, blank


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series, Any]:
    """(numbers as float64, blank mask, text) of a column of text or numbers."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("float64")
        blank = values.isna()
        return values, blank, series
    fast = arrow_numbers(series)
    if fast is not None:
        return fast[0], fast[1], _LazyText(series)
    codes, uniques = pd.factorize(series.astype("object"), use_na_sentinel=True)
    cleaned = [(u if isinstance(u, str) else str(u)).strip() for u in uniques]
    empty_u = np.array([c == "" for c in cleaned] + [True], dtype=bool)
    parsed = pd.to_numeric(pd.Series(cleaned, dtype=object), errors="coerce")
    parsed = np.append(parsed.to_numpy(dtype="float64", na_value=np.nan), np.nan)
    values = parsed[codes]  # code -1 (missing) takes the last entry, NaN
    blank = pd.Series(empty_u[codes], index=series.index)
    return pd.Series(values, index=series.index, dtype="float64"), blank, _LazyText(series)


class _LazyText:
    """The cells of a column as a problem shows them, computed only when one is shown.

    By default the cleaned text (:func:`text_cells`); ``show`` gives another view
    (dates written as YYYY-MM-DD).
    """

    def __init__(self, series: pd.Series, show: Any = None) -> None:
        self._series = series
        self._show = show or text_cells
        self._text: pd.Series | None = None

    @property
    def iloc(self) -> Any:
        if self._text is None:
            self._text = self._show(self._series)
        return self._text.iloc


def _conform_column(
    series: pd.Series,
    col: Any,
    lines: np.ndarray,
    report: Any,
    may_be_empty: np.ndarray | None = None,
) -> pd.Series:
    """One column checked against its schema column (problems to ``report``) and parsed."""
    if may_be_empty is not None and not col.nullable:
        col = _Relaxed(col, may_be_empty)
    if col.kind in ("int", "float"):
        return _conform_number(series, col, lines, report)
    if col.kind == "date":
        return _conform_date(series, col, lines, report)
    text = text_cells(series)
    if not col.nullable:
        report.add(_blank_required(col, text.isna()), column=col.name,
                   what="empty, but a value is required", lines=lines)  # fmt: skip
    if col.kind == "category":
        return _conform_category(text, col, lines, report)
    if col.kind in ("url", "code"):
        return _conform_pattern(text, col, lines, report)
    if col.kind == "bool":
        truth = text.str.lower().map(
            {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        )
        report.add(truth.isna() & text.notna(), column=col.name, what="is not true/false",
                   lines=lines, values=text)  # fmt: skip
        return truth.astype("boolean")
    return text


def _conform_number(series: pd.Series, col: Any, lines: np.ndarray, report: Any) -> pd.Series:
    """An int or float column: numbers, whole where required, within the column's bounds."""
    values, blank, text = _numbers(series)
    if not col.nullable:
        report.add(_blank_required(col, blank), column=col.name,
                   what="empty, but a value is required", lines=lines)  # fmt: skip
    report.add(values.isna() & ~blank, column=col.name, what="is not a number", lines=lines,
               values=text)  # fmt: skip
    if col.kind == "int":
        report.add(values.notna() & (values != values.round()), column=col.name,
                   what="is not a whole number", lines=lines, values=text)  # fmt: skip
    _check_bounds(values, col, lines, report, text=text, below="is below the minimum",
                  above="is above the maximum")  # fmt: skip
    return values.round().astype("Int64") if col.kind == "int" else values


def _conform_date(series: pd.Series, col: Any, lines: np.ndarray, report: Any) -> pd.Series:
    """A date column: ISO dates (or parsed datetimes), within the column's bounds."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.astype("datetime64[ns]")
        blank, text = values.isna(), _LazyText(values, lambda v: v.dt.strftime("%Y-%m-%d"))
    else:
        text = text_cells(series)
        blank = text.isna()
        if blank.all():
            values = pd.Series(
                np.full(len(text), np.datetime64("NaT"), "datetime64[ns]"), text.index
            )
        else:
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            values = values.astype("datetime64[ns]")
        report.add(values.isna() & ~blank, column=col.name, what="is not a date (YYYY-MM-DD)",
                   lines=lines, values=text)  # fmt: skip
    if not col.nullable:
        report.add(_blank_required(col, blank), column=col.name,
                   what="empty, but a value is required", lines=lines)  # fmt: skip
    _check_bounds(values, col, lines, report, text=text, below="is before", above="is after",
                  as_value=pd.Timestamp)  # fmt: skip
    return values


def _check_bounds(
    values: pd.Series,
    col: Any,
    lines: np.ndarray,
    report: Any,
    *,
    text: Any,
    below: str,
    above: str,
    as_value: Any = None,
) -> None:
    """Report values below ``col.min`` or above ``col.max`` (when the column has them)."""
    for bound, wrong, what in ((col.min, values.__lt__, below), (col.max, values.__gt__, above)):
        if bound is not None:
            limit = as_value(bound) if as_value is not None else bound
            report.add(wrong(limit), column=col.name, what=f"{what} {bound}", lines=lines,
                       values=text)  # fmt: skip


def _conform_category(text: pd.Series, col: Any, lines: np.ndarray, report: Any) -> pd.Series:
    """A category column: each cell one of the column's choices."""
    values = arrow_text(text)
    if values is not None:  # Arrow text: each cell looked up among the choices by Arrow
        import pyarrow as pa

        choices = pa.array(list(col.choices), values.type)
        cat_codes = codes_in(values, choices)
    else:
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
        position = {c: i for i, c in enumerate(col.choices)}
        table = np.array([position.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
        cat_codes = table[codes]
    report.add((cat_codes < 0) & text.notna().to_numpy(dtype=bool), column=col.name,
               what=f"is not one of {', '.join(col.choices)}", lines=lines, values=text)  # fmt: skip
    return pd.Series(
        pd.Categorical.from_codes(cat_codes, categories=list(col.choices)), index=text.index
    )


def _conform_pattern(text: pd.Series, col: Any, lines: np.ndarray, report: Any) -> pd.Series:
    """A URL or ISO 3166-2 code column: each distinct cell matched once against its pattern."""
    if col.kind == "url":
        pattern, what = URL_PATTERN, "is not an http(s) URL"
    else:
        pattern, what = ISO_3166_2_PATTERN, "is not an ISO 3166-2 code like TH-32 or KH-22"
    values = arrow_text(text)
    if values is not None:  # the distinct cells found by Arrow (a URL column often holds one)
        distinct = distinct_text(values).to_pylist()
    else:
        distinct = pd.unique(text.dropna())
    bad = {u for u in distinct if not pattern.match(str(u))}
    if bad:
        report.add(text.isin(list(bad)).fillna(False), column=col.name, what=what,
                   lines=lines, values=text)  # fmt: skip
    return text


def _empty(col: Any, index: pd.Index) -> pd.Series:
    """An absent optional column, empty, in the dtype the schema gives it."""
    n = len(index)
    if col.kind == "int":
        return pd.Series(
            pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool)), index=index
        )
    if col.kind == "float":
        return pd.Series(np.full(n, np.nan), index=index)
    if col.kind == "date":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), index=index)
    if col.kind == "category":
        codes = np.full(n, -1, dtype=np.int8)
        return pd.Series(
            pd.Categorical.from_codes(codes, categories=list(col.choices)), index=index
        )
    if col.kind == "bool":
        return pd.Series(pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool)), index=index)
    import pyarrow as pa

    return _string_series(pa.nulls(n, pa.large_string()), index)


class _Skipping:
    """A report that ignores the rows in ``skip`` (already reported for the cell's source)."""

    def __init__(self, report: Report, skip: np.ndarray) -> None:
        self._report = report
        self._skip = skip

    def add(self, mask: Any, **kwargs: Any) -> None:
        self._report.add(_mask(mask) & ~self._skip, **kwargs)


class _Relaxed:
    """A required column whose cells may be empty in some rows (``empty`` mask)."""

    def __init__(self, col: Any, empty: np.ndarray) -> None:
        self._col = col
        self.empty = np.asarray(empty, dtype=bool)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._col, name)


def _blank_required(col: Any, blank: pd.Series) -> np.ndarray:
    mask = _mask(blank)
    return mask & ~col.empty if isinstance(col, _Relaxed) else mask


def conform(
    schema: Any,
    frame: pd.DataFrame,
    *,
    source: str,
    lines: np.ndarray,
    report: Report,
    may_be_empty: dict[str, np.ndarray] | None = None,
    reported: dict[str, np.ndarray] | None = None,
    distinct: Collection[str] = (),
) -> pd.DataFrame | None:
    """Check ``frame`` against ``schema`` column-wise; problems go to ``report``.

    Columns may already be parsed (numbers, ``datetime64``) or still be text.
    Returns the schema's columns first, in its dtypes (as
    :meth:`~scamgeo.schema.TableSchema.validate` returns them), then the
    others; ``None`` when ``report`` holds problems. Row ``i`` is named
    ``lines[i]`` in messages. ``may_be_empty`` maps a required column to the
    rows where an empty cell is expected (and documented by the reader);
    ``reported`` maps a column to the rows whose cell (or the source cell it
    was derived from) the reader has already reported: they are not
    reported again. ``distinct`` names columns whose filled cells the
    reader has found to be all different: the key is then checked again only
    if cleaning its text changed a cell.
    """
    require_columns(frame.columns, schema.required, source=source)
    frame = frame.reset_index(drop=True)
    lines = np.asarray(lines)
    may_be_empty = {**schema.empty_allowed(frame), **(may_be_empty or {})}
    out = {}
    for col in schema.columns:
        if col.name not in frame.columns:  # an optional column the source does not have
            out[col.name] = _empty(col, frame.index)
            continue
        series = frame[col.name]
        empty = (may_be_empty or {}).get(col.name)
        skip = (reported or {}).get(col.name)
        target: Any = report if skip is None or not skip.any() else _Skipping(report, skip)
        out[col.name] = _conform_column(series, col, lines, target, empty)
    result = pd.DataFrame({k: v.array for k, v in out.items()}, index=frame.index, copy=False)
    others = [c for c in frame.columns if c not in out]
    if others:
        result = pd.concat([result, frame[others]], axis=1)
    key_known = schema.key in distinct and _same_text(frame[schema.key], result[schema.key])
    if schema.key is not None and not key_known and not all_distinct(result[schema.key]):
        key = result[schema.key]
        dup = key.duplicated(keep=False) & key.notna()
        report.add(dup, column=schema.key, what=f"duplicate {schema.key}", lines=lines,
                   values=key)  # fmt: skip
    problems = Problems(source)
    for check in schema.extra_checks:
        check(result, lines, problems)
    report.add_items(problems.items)
    return None if len(report) else result


def _same_text(before: pd.Series, after: pd.Series) -> bool:
    """Whether cleaning a text column (:func:`text_cells`) left every cell as it was."""
    raw, clean = arrow_text(before), arrow_text(after)
    if raw is None or clean is None:
        return False
    import pyarrow.compute as pc

    if raw.null_count != clean.null_count:
        return False
    return bool(pc.sum(pc.binary_length(raw)) == pc.sum(pc.binary_length(clean)))


def raise_schema_items(exc: SchemaError, report: Report) -> None:
    """Fold a :class:`SchemaError`'s problems into ``report`` and raise it."""
    report.add_items(exc.problems)
    report.raise_if_any()
