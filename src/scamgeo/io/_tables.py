"""Raw tables parsed into frames (CSV, Excel, JSON/GeoJSON), as text or with typed numbers.

Private plumbing shared by every reader in :mod:`scamgeo.io`, on a :class:`._raw.Raw`.
Everything comes out as text (``dtype=str``) so that each reader parses its own
columns and can name the row and column of every bad cell. A reader may ask
for some columns as numbers (``to_frame(raw, numbers=...)``): a large UTF-8
CSV is then parsed by pyarrow with those columns typed, which is only kept
when every cell of them is a finite number or empty; the reader falls back to
the text parse (:func:`to_frame` without ``numbers``) whenever it has to name
a bad cell, so its messages are those of the text parse.

Quirks handled here, once for every source: ``"NA"`` cells written by R's
``write.csv`` (and its nameless column of row numbers); ``;`` or tab
separators from spreadsheets saved in some locales; a file cut mid-record.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import re
import warnings
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataSourceError, ParameterError, SchemaError
from .._validate import Problems
from ._dates import DATE_FORMATS, EXCEL_FORMATS, parse_date_column, parse_dates
from ._leftout import CUT, LeftOut
from ._raw import _ARROW_CSV, Raw, _first_line, _separator, first_record

logger = logging.getLogger(__name__)

_ARROW_MIN_BYTES = 256 * 1024
#: Whether a reader's number columns are parsed as numbers by pyarrow (tests turn it off
#: to compare with the text parse).
_TYPED_CSV = True
#: pyarrow's typed parse: blocks of 2 MB (fewer chunks to walk than its 1 MB default, same
#: speed), on pyarrow's threads wherever the process may use more than one CPU (pyarrow's
#: default). ACLED 100k rows on two idle CPUs: 34 ms threaded, 45 ms on one thread; when
#: other work already fills both CPUs (a parallel test run) the threads gain nothing.
_ARROW_BLOCK = 2 * 1024 * 1024
_ARROW_THREADS = (
    len(os.sched_getaffinity(0)) > 1
    if hasattr(os, "sched_getaffinity")
    else (os.cpu_count() or 1) > 1
)

__all__ = [
    "DATE_FORMATS",
    "EXCEL_FORMATS",
    "NA_VALUES",
    "parse_date_column",
    "parse_dates",
    "to_frame",
    "validate_with_lines",
]


#: Cells read as missing: empty, and R's ``NA``.
NA_VALUES = ["", "NA"]


def _clean_columns(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    if len(frame.columns) and frame.columns[0] in ("", "Unnamed: 0"):
        # R's write.csv adds a nameless first column of row names 1..n
        first = pd.to_numeric(frame.iloc[:, 0], errors="coerce")
        if first.notna().all() and (first.to_numpy() == np.arange(1, len(frame) + 1)).all():
            frame = frame.iloc[:, 1:]
    return frame


def _records(obj: Any, *, name: str) -> pd.DataFrame:
    """Rows of a JSON document: GeoJSON features, a list of records, or an API reply."""
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        rows = []
        for feature in obj.get("features") or []:
            props = dict(feature.get("properties") or {})
            geom = feature.get("geometry") or {}
            if geom.get("type") == "Point" and len(geom.get("coordinates") or []) >= 2:
                lon, lat = geom["coordinates"][:2]
                props.setdefault("longitude", lon)
                props.setdefault("latitude", lat)
            rows.append(props)
    elif isinstance(obj, dict) and isinstance(obj.get("data"), list):
        rows = obj["data"]  # an ACLED API reply saved as JSON
    elif isinstance(obj, dict) and isinstance(obj.get("Result"), list):
        rows = obj["Result"]  # a UCDP API reply saved as JSON
    elif isinstance(obj, dict) and isinstance(obj.get("result"), list):
        rows = obj["result"]  # an IOM DTM API v2 reply saved as JSON
    elif isinstance(obj, list) and all(isinstance(r, dict) for r in obj):
        rows = obj
    else:
        raise DataSourceError(
            f"{name}: a JSON document that is neither GeoJSON nor a list of records."
        )
    frame = pd.DataFrame.from_records(rows)
    return frame.apply(lambda col: col.map(_json_cell)).astype("object")


def _json_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, dt.datetime | dt.date):  # typed fields of a geospatial file
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, str) and not value.strip():
        return np.nan
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return str(value)
    return json.dumps(value)


def to_frame(
    raw: Raw,
    *,
    names: Sequence[str] | None = None,
    sheet: str | int | None = None,
    left: LeftOut | None = None,
    numbers: Collection[str] = (),
) -> pd.DataFrame:
    """Parse ``raw`` into a frame of text cells (missing cells are NaN).

    Parameters
    ----------
    raw : Raw
        From :func:`load_raw`.
    names : list of str, optional
        Column names of a CSV without a header row.
    sheet : str or int, optional
        Excel sheet (default: the first).
    left : LeftOut, optional
        Where a last record cut short is counted (with its file row); without
        it, a :class:`UserWarning` says so.
    numbers : collection of str, optional
        Columns (by name, case-insensitive) the reader will parse as numbers:
        a large UTF-8 CSV holding them is parsed by pyarrow with those columns
        as float64, the same numbers the text cells give. The typed parse is
        kept only when every cell of them is a finite number or empty; else
        (and for every other file) the frame is text, as without ``numbers``.

    The frame's ``attrs["records"]`` is the number of records the file holds
    (a cut last record included); ``attrs["typed"]`` says whether the number
    columns came typed (a reader that must name a bad cell parses the file
    again without ``numbers``).
    """
    frame = _parse(raw, names=names, sheet=sheet, left=left, numbers=numbers)
    frame.attrs.setdefault("records", len(frame))
    frame.attrs.setdefault("typed", False)
    return frame


def _parse(
    raw: Raw,
    *,
    names: Sequence[str] | None,
    sheet: str | int | None,
    left: LeftOut | None,
    numbers: Collection[str] = (),
) -> pd.DataFrame:
    if raw.kind == "json":
        return _clean_columns(_records(raw.obj, name=raw.name))
    if raw.kind == "geo":
        return _clean_columns(_geo_records(raw))
    if raw.kind == "excel":
        return _clean_columns(_read_excel(raw, names=names, sheet=sheet))
    sep = _separator(_first_line(raw.head()))
    typed = _read_typed(raw, sep=sep, names=names, numbers=numbers) if numbers else None
    if typed is not None:
        typed = _clean_columns(typed)
        typed.attrs.update(records=len(typed), typed=True)
        return typed
    try:
        frame = _read_csv_text(raw, sep=sep, names=names)
    except pd.errors.EmptyDataError:
        raise DataSourceError(f"{raw.name}: the file holds no table (no header row).") from None
    except pd.errors.ParserError as exc:
        if "EOF inside string" in str(exc):
            text = raw.text or ""
            line = text.count("\n", 0, _open_quote_start(text)) + 1
            raise DataSourceError(
                f"{raw.name}: the file ends inside a quoted field opened on line {line}: it was cut "
                "mid-record (an interrupted download or copy). Download or export it again."
            ) from None
        raise DataSourceError(f"{raw.name}: not a readable CSV table ({exc}).") from None
    width = len(frame.columns)
    records = len(frame)
    fields = _last_record_fields(raw, sep)
    if 0 < fields < width and len(frame):
        frame = frame.iloc[:-1]
        row = len(frame) + (1 if names is not None else 2)
        if left is not None:
            left.add_rows(CUT, [row])
        else:
            message = (
                f"{raw.name}: row {row}, the last, has {fields} of {width} fields: the file ends "
                "mid-record (an interrupted download or copy?); that row is left out. Download "
                "or export the file again to read it whole."
            )
            logger.warning(message)
            warnings.warn(message, UserWarning, stacklevel=4)
    frame = _clean_columns(frame)
    frame.attrs["records"] = records
    return frame


def _read_excel(raw: Raw, *, names: Sequence[str] | None, sheet: str | int | None) -> pd.DataFrame:
    """An Excel workbook's sheet as text cells."""
    try:
        return pd.read_excel(
            io.BytesIO(raw.data or b""),
            sheet_name=0 if sheet is None else sheet,
            dtype=str,
            keep_default_na=False,
            na_values=NA_VALUES,
            engine="openpyxl",
            header=None if names is not None else 0,
            names=list(names) if names is not None else None,
        )
    except ValueError as exc:
        if "Worksheet" in str(exc) or "sheet" in str(exc).lower():
            raise ParameterError(f"sheet={sheet!r} is not in {raw.name} ({exc}).") from None
        raise DataSourceError(f"{raw.name}: not a readable Excel workbook ({exc}).") from None
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise DataSourceError(f"{raw.name}: not a readable Excel workbook ({exc}).") from None


def _csv_source(raw: Raw) -> Any:
    """What the CSV parser reads: the file itself, its bytes, or its decoded text."""
    if raw.whole_file:
        return str(raw.path)
    if raw.data is not None:
        return io.BytesIO(raw.data)
    return io.StringIO(raw.text or "")


def _arrow_options(sep: str, names: Sequence[str] | None, types: dict[str, Any]) -> tuple:
    """pyarrow's CSV options as pandas' pyarrow engine sets them for ``dtype=str`` (same cells).

    The text is not checked for UTF-8 again: :func:`load_raw` keeps the bytes of
    a CSV only once they are known to be UTF-8.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read = pacsv.ReadOptions(
        column_names=list(names) if names is not None else None,
        use_threads=_ARROW_THREADS,
        block_size=_ARROW_BLOCK,
    )
    parse = pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                               escape_char=False, newlines_in_values=False,
                               ignore_empty_lines=True)  # fmt: skip
    convert = pacsv.ConvertOptions(
        column_types=types,
        default_column_type=pa.large_string(),
        null_values=NA_VALUES,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        check_utf8=False,
    )
    return read, parse, convert


def _read_typed(
    raw: Raw, *, sep: str, names: Sequence[str] | None, numbers: Collection[str]
) -> pd.DataFrame | None:
    """A large UTF-8 CSV parsed by pyarrow with the ``numbers`` columns as float64.

    None (the caller parses the text) when pyarrow cannot or should not read
    it: a small file, another encoding, a separator of several characters,
    duplicate or empty column names, a row pyarrow refuses (ragged, a cut
    last record), or a number column holding anything but finite numbers and
    empty cells (the text parse then names the cell). pyarrow parses numbers
    as it casts their trimmed text, so the values are those of the text cells.
    """
    if not (_TYPED_CSV and _ARROW_CSV and raw.data is not None and len(sep) == 1):
        return None
    if len(raw.data) <= _ARROW_MIN_BYTES:
        return None
    header = list(names) if names is not None else first_record(raw)
    if len(set(header)) != len(header) or any(not str(h).strip() for h in header):
        return None
    wanted = {str(n).strip().lower() for n in numbers}
    typed = [h for h in header if h.replace("\ufeff", "").strip().lower() in wanted]
    if not typed:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    read, parse, convert = _arrow_options(sep, names, {h: pa.float64() for h in typed})
    try:
        table = pacsv.read_csv(pa.py_buffer(raw.data), read_options=read, parse_options=parse,
                               convert_options=convert)  # fmt: skip
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        logger.debug("%s: no typed parse (%s); the text parse reads it", raw.name, exc)
        return None
    if table.column_names != header:
        return None
    for name in typed:
        values = table.column(name)
        if values.type != pa.float64():
            return None
        if values.null_count < len(values) and not pc.all(pc.is_finite(values)).as_py():
            return None
    string = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.large_string(): string}.get)
    if names is not None:
        frame.columns = list(names)
    return frame


def _read_csv_text(raw: Raw, *, sep: str, names: Sequence[str] | None) -> pd.DataFrame:
    """Parse a CSV into text cells.

    pyarrow's parser reads UTF-8 files with a one-character separator where
    pyarrow is installed (about four times as fast as pandas' C parser, same
    cells); other files, and any file pyarrow refuses (ragged rows, odd
    quoting), are read by the C parser, whose messages name the line.
    """
    options: dict[str, Any] = {
        "sep": sep,
        "dtype": str,
        "keep_default_na": False,
        "na_values": NA_VALUES,
        "header": None if names is not None else 0,
        "names": list(names) if names is not None else None,
        "encoding": "utf-8-sig" if raw.data is not None else None,
    }
    # pyarrow's parser costs ~10 ms to start (its thread pool): small files go to the C parser
    if _ARROW_CSV and raw.data is not None and len(sep) == 1 and len(raw.data) > _ARROW_MIN_BYTES:
        try:
            return pd.read_csv(_csv_source(raw), engine="pyarrow", **options)
        except Exception as exc:  # pyarrow's own error kinds; the C parser decides
            logger.debug(
                "%s: pyarrow's parser declined (%s); pandas' C parser reads it", raw.name, exc
            )
    return pd.read_csv(_csv_source(raw), skipinitialspace=False, **options)


def _open_quote_start(text: str) -> int:
    """Offset of the quote that opens the field left unclosed at the end of ``text``."""
    pos = -1
    inside = False
    for match in re.finditer('"', text):
        inside = not inside
        if inside:
            pos = match.start()
    return max(pos, 0)


def _last_record_fields(raw: Raw, sep: str) -> int:
    """The number of fields of the last record of a CSV.

    The last record starts after the last line break that is not inside a
    quoted field (the quotes after it are balanced). Only the end of the text
    is looked at; 0 when the last record is longer than that.
    """
    tail, whole = raw.tail()
    body = tail.rstrip("\r\n")
    if not body:
        return 0
    end = len(body)
    start = None
    while True:
        nl = body.rfind("\n", 0, end)
        if nl < 0:
            break
        if body.count('"', nl + 1) % 2 == 0:
            start = nl + 1
            break
        end = nl
    if start is None:
        if not whole:
            return 0
        start = 0
    return len(next(csv.reader(io.StringIO(body[start:]), delimiter=sep), []))


def _geo_records(raw: Raw) -> pd.DataFrame:
    """Attributes of a geospatial file as text cells, points as longitude/latitude."""
    import pyogrio

    src: Any = str(raw.path) if raw.path is not None else io.BytesIO(raw.data or b"")
    try:
        gdf = pyogrio.read_dataframe(src)
    except Exception as exc:  # pyogrio raises its own kinds
        raise DataSourceError(f"{raw.name}: {raw.obj}, but not a readable one ({exc}).") from None
    if len(gdf) == 0:
        raise DataSourceError(f"{raw.name}: {raw.obj} with no features; expected a table of rows.")
    geometry = gdf.geometry if hasattr(gdf, "geometry") else None
    frame = pd.DataFrame(gdf.drop(columns=[gdf.geometry.name]) if geometry is not None else gdf)
    if geometry is not None:
        points = geometry.geom_type.eq("Point").to_numpy(dtype=bool)
        lower = {str(c).lower() for c in frame.columns}
        if points.any() and not ({"latitude", "longitude"} & lower):
            if gdf.crs is not None and not gdf.crs.is_geographic:
                geometry = geometry.to_crs("EPSG:4326")
            frame["longitude"] = np.where(points, geometry.x.where(points), np.nan)
            frame["latitude"] = np.where(points, geometry.y.where(points), np.nan)
    return _as_text_cells(frame)


def _as_text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns of a geospatial file as the text a CSV of it would hold.

    Dates and date-times (FlatGeobuf and GeoPackage fields are typed) become
    ISO text ("2025-07-24", or "2025-07-24 06:30:00" when a time is given),
    so every reader parses them as it parses a CSV's cells.
    """
    out = {}
    for name, col in frame.items():
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            stamps = pd.to_datetime(col)
            if getattr(stamps.dt, "tz", None) is not None:
                stamps = stamps.dt.tz_convert(None)
            timed = (stamps.dropna() != stamps.dropna().dt.normalize()).any()
            text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S" if timed else "%Y-%m-%d")
            out[name] = text.astype("object").where(stamps.notna(), np.nan)
        elif pd.api.types.is_bool_dtype(col.dtype):
            out[name] = col.map({True: "true", False: "false"}).astype("object")
        elif pd.api.types.is_numeric_dtype(col.dtype):
            values = col.to_numpy()
            text = values.astype(str).astype(object)  # numpy's shortest repr, no Python per cell
            text[pd.isna(values)] = np.nan
            out[name] = text
        elif pd.api.types.is_string_dtype(col.dtype):
            cells = col.astype("object")
            out[name] = cells.where(cells.notna() & (cells != ""), np.nan)
        else:
            out[name] = col.map(_json_cell)
    return pd.DataFrame(out, index=frame.index).astype("object")


_ROW_PREFIX = re.compile(r"^row (\d+)")


def _where(item: str) -> str:
    """The 'row N, column C' prefix of a problem, or '' if it has none."""
    head, sep, _ = item.partition(": ")
    return head if sep and head.startswith("row ") else ""


def validate_with_lines(
    schema: Any,
    frame: pd.DataFrame,
    *,
    source: str,
    lines: np.ndarray,
    earlier: Problems | None = None,
    same_cell: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Validate ``frame`` with ``schema``, naming each row by its line in the file.

    ``TableSchema.validate`` numbers rows from a fixed offset; a reader that has
    dropped rows (out-of-scope countries, headers repeated in the middle) gives
    here the file line of each remaining row instead. Problems the reader found
    itself (``earlier``) come first; the schema's own complaint about the same
    cell is then left out. ``same_cell`` maps a schema column to the source
    column it was derived from (``{"event_date": "date_start"}``), so that a
    bad ``date_start`` is not reported a second time as an empty ``event_date``.

    Raises
    ------
    SchemaError
        With every problem, rows named by their file line.
    """
    items = list(earlier.items) if earlier is not None else []
    reported = {_where(i) for i in items} - {""}
    try:
        out = schema.validate(frame.reset_index(drop=True), source=source, line_offset=0)
    except SchemaError as exc:
        if not any(_ROW_PREFIX.match(p) for p in exc.problems) and not items:
            raise
        for problem in exc.problems:
            fixed = _ROW_PREFIX.sub(lambda m: f"row {int(lines[int(m.group(1))])}", problem)
            where = _where(fixed)
            row, _, column = where.partition(", column ")
            alias = f"{row}, column {(same_cell or {}).get(column, column)}" if column else where
            if where not in reported and alias not in reported:
                items.append(fixed)
        out = None
    if items:
        problems = Problems(source)
        problems.items = items
        problems.raise_if_any()
    return out
