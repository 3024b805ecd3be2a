"""ACLED and UCDP GED files into a dask-geopandas frame, block by block.

Each CSV is cut into blocks of about ``blocksize`` bytes at line ends; each
block, with the file's header line put back in front, is read by the
in-memory reader itself (:func:`scamgeo.io.read_acled` or
:func:`scamgeo.io.read_ucdp_ged`), so the schema, the checks and the error
messages are those of the in-memory path. A block remembers the byte where it
starts: when its reader rejects a row, the rows of the file before that byte
are counted and the message names the row of the file, as the in-memory
reader would.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import pickle
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import dask
import dask.dataframe as dd
import dask_geopandas  # noqa: F401  (registers GeoDataFrame dispatch for from_map)
import distributed
import fsspec
import geopandas as gpd
import pandas as pd
from dask.callbacks import Callback
from dask.utils import parse_bytes
from fsspec.utils import infer_compression, seek_delimiter

from .._errors import DataSourceError, ParameterError, SchemaError
from .._validate import check_choice

__all__ = ["read_events"]

logger = logging.getLogger("scamgeo.scale")

_SOURCES = ("auto", "acled", "ucdp")
#: Files that cannot be cut into blocks: read whole, one partition each.
_WHOLE = (".gz", ".bz2", ".xz", ".zst", ".zip", ".xlsx", ".json", ".geojson")
_ANY_ROW = re.compile(r"\brow (\d+)")
_ROW = re.compile(r"^row (\d+)")
_UCDP_SIGNS = {"relid", "type_of_violence", "where_prec", "date_prec", "side_a", "best"}


@dataclass(frozen=True)
class _Block:
    """One partition: bytes ``[offset, offset + length)`` of a file, cut at line ends."""

    fs: Any
    path: str
    name: str
    offset: int
    length: int | None  # None: the whole file
    header: bytes  # the file's first line, with its line end ("" when it has no header)
    source: str  # "acled" or "ucdp" ("auto" for a file read whole: the readers tell)
    encoding: str


def _reader(source: str):
    # the public in-memory readers (one place to change if they move)
    from .. import io as sio

    return sio.read_acled if source == "acled" else sio.read_ucdp_ged


def _known_columns() -> set[str]:
    from .. import io as sio

    return {c.lower() for c in (*sio.ACLED_COLUMNS, *sio.UCDP_COLUMNS)}


def _first_line(fs: Any, path: str) -> bytes:
    with fs.open(path, "rb") as fh:
        line = fh.readline(1 << 24)
    return line if line.endswith(b"\n") else line + b"\n"


def _wide_text(fs: Any, path: str, encoding: str) -> bool:
    """Whether the file is UTF-16/32 text (a byte-order mark, or ``encoding=`` says so).

    Its line ends are two or four bytes, so it cannot be cut at ``\\n`` bytes:
    it is read whole, by the in-memory reader, which decodes it.
    """
    if encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        return True
    with fs.open(path, "rb") as fh:
        return fh.read(2) in (b"\xff\xfe", b"\xfe\xff")


def _header_fields(line: bytes, encoding: str, *, name: str) -> list[str]:
    try:
        text = line.decode(encoding if encoding.lower() not in ("utf-8", "utf8") else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataSourceError(
            f"{name}: the first line is not {encoding} text ({exc.reason} at byte {exc.start}). "
            "Pass encoding= with the file's encoding (e.g. encoding='cp1252'), or save it as UTF-8."
        ) from None
    except LookupError:
        raise ParameterError(f"encoding={encoding!r} is not an encoding Python knows.") from None
    text = text.lstrip("\ufeff")
    counts = {sep: text.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    return [f.strip().lower() for f in next(csv.reader([text.rstrip("\r\n")], delimiter=sep), [])]


def _detect(fields: list[str], *, name: str, source: str) -> tuple[str, bool]:
    """(``"acled"`` or ``"ucdp"``, whether the first line is a header)."""
    has_header = bool(set(fields) & _known_columns())
    if source != "auto":
        return source, has_header
    if "event_id_cnty" in fields:
        return "acled", True
    if len(set(fields) & _UCDP_SIGNS) >= 3:
        return "ucdp", True
    if not has_header and len(fields) >= 40:  # a UCDP candidate release has no header row
        return "ucdp", False
    shown = ", ".join(repr(f) for f in fields[:6])
    raise DataSourceError(
        f"{name}: neither an ACLED export nor a UCDP GED file (the first row holds {shown}). "
        "Pass source='acled' or source='ucdp' to say which, or read it with scamgeo.io.load_events()."
    )


def _expand(paths: Any, storage_options: dict | None) -> list[tuple[Any, str, str]]:
    """(filesystem, path, name for messages) of every file, globs expanded, in order."""
    if isinstance(paths, str) or hasattr(paths, "__fspath__"):
        paths = [paths]
    out = []
    for given in paths:
        given = str(given)
        fs, _, found = fsspec.core.get_fs_token_paths(
            given, mode="rb", storage_options=storage_options or {}
        )
        if not found:
            raise DataSourceError(f"{given}: no such file (nothing matches this path or pattern).")
        for path in sorted(found):
            if fs.isdir(path):
                raise DataSourceError(f"{path}: is a folder; expected a file or a glob pattern.")
            name = path if fs.protocol in ("file", ("file", "local")) else fs.unstrip_protocol(path)
            out.append((fs, path, name))
    return out


def _blocks(
    paths: Any,
    *,
    source: str,
    blocksize: int | None,
    encoding: str,
    storage_options: dict | None,
) -> list[_Block]:
    blocks = []
    for fs, path, name in _expand(paths, storage_options):
        size = fs.size(path)
        if not size:
            raise DataSourceError(f"{name}: the file is empty (0 bytes); expected {source} events.")
        if path.lower().endswith(_WHOLE) or _wide_text(fs, path, encoding):
            blocks.append(_Block(fs, path, name, 0, None, b"", source, encoding))
            continue
        header = _first_line(fs, path)
        fields = _header_fields(header, encoding, name=name)
        kind, has_header = _detect(fields, name=name, source=source)
        # equal blocks of at most ``blocksize`` (no small remainder to unbalance the workers)
        parts = 1 if blocksize is None else max(1, math.ceil(size / int(blocksize)))
        step = max(math.ceil(size / parts), len(header) + 1)
        for offset in range(0, size, step):
            blocks.append(
                _Block(
                    fs,
                    path,
                    name,
                    offset,
                    min(step, size - offset),
                    header if has_header else b"",
                    kind,
                    encoding,
                )
            )
    return blocks


def _read_range(block: _Block) -> tuple[int, bytes]:
    """(first byte, bytes) of a block: from the line start at or after ``offset`` to the
    line end at or after ``offset + length`` (the rule of :func:`fsspec.utils.read_block`).
    A file read whole is decompressed here when it is gzip, bz2, xz or zstd (a zip
    archive, an Excel workbook or JSON go to the reader as they are)."""
    if block.length is None:
        compression = infer_compression(block.path)
        with block.fs.open(
            block.path, "rb", compression=None if compression == "zip" else compression
        ) as fh:
            return 0, fh.read()
    with block.fs.open(block.path, "rb") as fh:
        fh.seek(block.offset)
        seek_delimiter(fh, b"\n", 2**16)
        start = fh.tell()
        fh.seek(block.offset + block.length)
        seek_delimiter(fh, b"\n", 2**16)
        end = fh.tell()
        if end <= start:
            return start, b""
        fh.seek(start)
        return start, fh.read(end - start)


def _read_text(data: bytes, block: _Block, filters: dict[str, Any]) -> gpd.GeoDataFrame:
    """The in-memory reader on ``data``, named after the block's file."""
    buffer = io.BytesIO(data)
    buffer.name = block.name  # the in-memory reader names the file in its messages
    # warn=False: the rows a block leaves out are returned as data (attrs) and added up
    # with the other blocks' (see _tally), never warned about from a worker thread
    if block.source != "auto":
        return _reader(block.source)(buffer, encoding=block.encoding, warn=False, **filters)
    try:
        return _reader("acled")(buffer, encoding=block.encoding, warn=False, **filters)
    except DataSourceError as exc:
        if "UCDP GED" not in str(exc):
            raise
    buffer = io.BytesIO(data)
    buffer.name = block.name
    return _reader("ucdp")(buffer, encoding=block.encoding, warn=False, **filters)


def _rows_before(block: _Block, start: int) -> int:
    """Data rows of the file before byte ``start``, counted as the in-memory reader counts them
    (records, not lines: a quoted cell may hold line breaks; blank lines are skipped)."""
    if start == 0:
        return 0
    with block.fs.open(block.path, "rb") as fh:
        data = fh.read(start)
    encoding = "utf-8-sig" if block.encoding.lower() in ("utf-8", "utf8") else block.encoding
    text = data.decode(encoding, errors="replace")
    sep = max((",", ";", "\t"), key=lambda s: text.split("\n", 1)[0].count(s))
    records = sum(1 for rec in csv.reader(io.StringIO(text), delimiter=sep) if rec)
    return records - (1 if block.header else 0)


def _shift_rows(exc: SchemaError, shift: int) -> SchemaError:
    """The same error with every ``row N`` (message and problems) moved from block to file rows."""

    def moved(text: str) -> str:
        return _ANY_ROW.sub(lambda m: f"row {int(m.group(1)) + shift}", text)

    return SchemaError(
        moved(str(exc)), problems=[moved(p) for p in exc.problems], source=exc.source
    )


def _read_block(
    block: _Block, *, filters: dict[str, Any], columns: pd.Index | None
) -> tuple[gpd.GeoDataFrame | None, dict[str, Any]]:
    """The block's events and its tally: the rows it left out (block rows) and its records."""
    start, data = _read_range(block)
    tally: dict[str, Any] = {"left_out": {}, "records": 0}
    if block.length is not None and not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return None, tally
    if block.length is not None and data.count(b'"') % 2:
        raise DataSourceError(
            f"{block.name}: a quoted cell with a line break crosses the block boundary near byte "
            f"{start}; read the file with a larger blocksize= or blocksize=None (one partition "
            "per file)."
        )
    text = data if start == 0 else block.header + data
    try:
        frame = _read_text(text, block, filters)
    except SchemaError as exc:
        if start == 0 or not any(_ROW.match(p) for p in exc.problems):
            raise
        raise _shift_rows(exc, _rows_before(block, start)) from None
    except DataSourceError as exc:
        if start == 0:
            raise
        line = 1 + _rows_before(block, start) + (1 if block.header else 0)
        raise type(exc)(
            f"{exc} (in the block of {block.name} that starts at byte {start}, file row {line})"
        ) from None
    source = frame.attrs.get("source") or {}
    tally = {"left_out": source.get("left_out_detail") or {}, "records": source.get("records", 0)}
    if columns is not None and not frame.columns.equals(columns):
        frame = frame.reindex(columns=columns)
    return frame, tally


def _partition(
    block: _Block, *, filters: dict[str, Any], template: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """(events of one block in the result's dtypes, its tally): the counts travel as data."""
    meta = template
    frame, tally = _read_block(block, filters=filters, columns=meta.columns)
    if frame is None or not len(frame):
        return meta.copy(), tally
    for col, dtype in meta.dtypes.items():
        if col != "geometry" and frame[col].dtype != dtype and frame[col].isna().all():
            frame[col] = frame[col].astype(dtype)
    frame.attrs = {}
    return frame, tally


_TALLY = "scamgeo-left-out-"


def _tally(names: list[str], *tallies: dict[str, Any]) -> dict[str, Any]:
    """Every block's left-out rows added up per file, block rows moved to file rows.

    A block's rows are numbered from its own header (row 1); the rows of the
    file before it are the records of the file's earlier blocks. Returns the
    counts per file and the one warning's text, as data: the client warns
    (:class:`_ClientWarning` on the local schedulers; ``distributed.warn`` from
    a worker of a cluster, which the client receives).
    """
    from .. import io as sio

    per_file: dict[str, sio.LeftOut] = {}
    before: dict[str, int] = {}
    for name, tally in zip(names, tallies, strict=True):
        counts = sio.LeftOut.from_dict(name, tally["left_out"])
        shift = before.get(name, 0)
        per_file.setdefault(name, sio.LeftOut(name)).merge(counts.shifted(shift))
        before[name] = shift + int(tally["records"])
    found = [c for c in per_file.values() if c.total]
    message = None
    if found:
        texts = [str(c.message()) for c in found]
        total = sum(c.total for c in found)
        message = (
            texts[0]
            if len(found) == 1
            else (f"{total:,} row(s) left out of {len(found)} files: " + " ".join(texts))
        )
        _to_clients(message, sio.RowsLeftOut)
    return {"message": message, "files": {k: v.to_dict() for k, v in per_file.items()}}


def _to_clients(message: str, category: type[Warning]) -> None:
    """On a distributed worker: the clients warn (the event ``distributed.warn`` sends),
    without the worker's own local copy (one warning, even with a worker in the client's
    process). On a local scheduler: nothing (:class:`_ClientWarning` warns)."""
    try:
        worker = distributed.get_worker()
    except ValueError:
        return
    worker.log_event("warn", {"message": pickle.dumps(message), "category": pickle.dumps(category)})


class _ClientWarning(Callback):
    """Warn in the thread that called ``compute``, once the computation is over.

    Dask's local schedulers (threaded, synchronous, processes) run their
    callbacks in that thread: ``posttask`` keeps the text of a read's tally,
    ``finish`` (every task done, so no worker thread is inside a
    ``warnings.catch_warnings``, which is not thread-safe) raises the one
    :class:`RowsLeftOut` warning.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pending: dict[int, list[str]] = {}

    def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        name = key[0] if isinstance(key, tuple) else key
        if isinstance(name, str) and name.startswith(_TALLY) and result.get("message"):
            self._pending.setdefault(id(state), []).append(result["message"])

    def _finish(self, dsk: Any, state: Any, errored: bool) -> None:
        from .. import io as sio

        for message in self._pending.pop(id(state), []):
            logger.warning(message)
            warnings.warn(message, sio.RowsLeftOut, stacklevel=2)


_ClientWarning().register()


def _first_with_tally(frame: gpd.GeoDataFrame, tally: dict[str, Any]) -> gpd.GeoDataFrame:
    """The first partition, computed after every block's tally (so the warning comes once)."""
    return frame


def _meta(blocks: list[_Block], filters: dict[str, Any]) -> gpd.GeoDataFrame:
    """Empty frame with the columns and dtypes of the result, from each file's header
    and first rows (read in the client: a few kilobytes per file)."""
    metas: list[gpd.GeoDataFrame] = []
    attrs: list[dict[str, Any]] = []
    seen: set[tuple[str, bytes]] = set()
    for block in blocks:
        if (block.path, block.header) in seen or block.offset:
            continue
        seen.add((block.path, block.header))
        if block.length is None:
            sample = _read_range(block)[1]  # a compressed file: read whole, here too
        else:
            with block.fs.open(block.path, "rb") as fh:
                sample = fh.read(1 << 16)
            sample = sample[: sample.rfind(b"\n") + 1] or sample
            if sample.count(b'"') % 2:  # a multi-line cell in the sample: the header alone
                sample = block.header
        frame = None
        for text in (sample, block.header) if block.header else (sample,):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the partitions warn when read
                    frame = _read_text(text, block, filters)
                break
            except (SchemaError, DataSourceError):
                if text is block.header or not block.header:
                    raise
        assert frame is not None  # the loop breaks with a frame or raises
        attrs.append(dict(frame.attrs))
        metas.append(frame.iloc[:0])
    meta = metas[0]
    for other in metas[1:]:
        extra = [c for c in other.columns if c not in meta.columns]
        if extra:
            geometry = meta.pop("geometry")
            meta = pd.concat([meta, other[extra]], axis=1)
            meta = gpd.GeoDataFrame(meta, geometry=geometry, crs=geometry.crs)
            meta = meta[[c for c in meta.columns if c != "geometry"] + ["geometry"]]
    # the credit line of every file read (ACLED's terms ask for it), kept on the meta
    texts = list(dict.fromkeys(a.get("attribution", "") for a in attrs if a.get("attribution")))
    meta.attrs = {
        "attribution": " ".join(texts),
        "source": {"files": [a.get("source", {}) for a in attrs]},
    }
    return meta


def read_events(
    paths: str | Iterable[str],
    *,
    source: str = "auto",
    blocksize: int | str | None = "64MB",
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    encoding: str = "utf-8",
    storage_options: dict[str, Any] | None = None,
):
    """Read ACLED or UCDP GED files into a dask-geopandas frame in the common event schema.

    Parameters
    ----------
    paths : str, path or list of them
        Files, glob patterns (``"exports/acled_*.csv"``) or fsspec URLs
        (``"s3://bucket/acled/*.csv"``, ``"https://…/ged.csv"``), read in
        sorted order within each pattern. Compressed, zipped, Excel and JSON
        files are read whole, one partition each.
    source : {"auto", "acled", "ucdp"}, default "auto"
        The layout; ``"auto"`` tells ACLED and UCDP GED apart by the header.
    blocksize : int, str or None, default "64MB"
        Largest bytes per partition: each file is cut into equal blocks of at
        most this size, at line ends; ``None``: one partition per file.
    countries, start, end
        As in :func:`scamgeo.io.read_acled`: ISO3 codes, first and last date.
    encoding : str, default "utf-8"
        Text encoding of the files.
    storage_options : dict, optional
        Passed to fsspec (credentials of a remote file system).

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Lazy; the columns, dtypes and values of the in-memory reader on the
        same rows; points in EPSG:4326. Partitions keep their own index
        (0, 1, … within each block), as :func:`dask.dataframe.read_csv` does.
        :func:`scamgeo.scale.attrs` gives the attribution of the files (the
        credit line ACLED asks for), which :func:`to_geoparquet` stores.

    Raises
    ------
    DataSourceError
        No file matches, a file is empty or neither layout (raised now); a
        block that cannot be parsed (raised on compute).
    SchemaError
        On compute, the problems of the first block with bad rows, each
        named by its file and its row in that file (header = row 1), as the
        in-memory reader names them.
    ParameterError
        An unknown ``source``, country or date (raised now).

    Notes
    -----
    The files' headers and first 64 kB are read in the client to learn the
    columns; everything else is read by the workers. A compressed, zipped,
    Excel or JSON file cannot be cut into blocks: it is one partition, and is
    also read once in the client to learn its columns (unzip a large file
    first to spread it over the workers). Warnings about rows
    left out (countries scamgeo does not cover, unknown provinces) are
    raised where a block is read, one per block; on a ``dask.distributed``
    cluster they are also sent to the client (``distributed.warn``).

    Examples
    --------
    Read files by a glob (each block by the in-memory reader), here synthetic rows in ACLED's
    layout:

    >>> import tempfile
    >>> from scamgeo import scale
    >>> from scamgeo.scale._synthetic import write_synthetic_acled
    >>> folder = tempfile.mkdtemp()
    >>> paths = write_synthetic_acled(folder, 3000, files=2)
    >>> events = scale.read_events(f'{folder}/*.csv', blocksize=100_000)
    >>> events.npartitions >= 2, len(events) == 3000
    (True, True)
    """
    check_choice(source, _SOURCES, name="source")
    if blocksize is not None:
        try:
            blocksize = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
        except (TypeError, ValueError):
            raise ParameterError(
                f"blocksize={blocksize!r} is not a size; use e.g. '64MB', 1_000_000 or None."
            ) from None
        if blocksize <= 0:
            raise ParameterError(f"blocksize must be > 0 bytes, got {blocksize!r}.")
    filters = {"countries": countries, "start": start, "end": end}
    blocks = _blocks(
        paths,
        source=source,
        blocksize=blocksize,
        encoding=encoding,
        storage_options=storage_options,
    )
    meta = _meta(blocks, filters)
    read = dask.delayed(_partition, pure=True, nout=2)
    parts = [
        read(b, filters=filters, template=meta, dask_key_name=_key(b, filters)) for b in blocks
    ]
    tally = dask.delayed(_tally, pure=True)(
        [b.name for b in blocks],
        *[p[1] for p in parts],
        dask_key_name="scamgeo-left-out-" + dask.base.tokenize([_key(b, filters) for b in blocks]),
    )
    frames = [p[0] for p in parts]
    frames[0] = dask.delayed(_first_with_tally, pure=True)(frames[0], tally)
    # pandas' own text dtype, as the in-memory reader gives it: no conversion by dask
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_delayed(frames, meta=meta, verify_meta=False)


def _key(block: _Block, filters: dict[str, Any]) -> str:
    """A task name unique to the block, the filters and the file's state (size, mtime)."""
    try:
        info = block.fs.info(block.path)
    except (OSError, ValueError):
        info = {}
    token = dask.base.tokenize(
        block.path,
        block.offset,
        block.length,
        block.source,
        block.encoding,
        block.header,
        sorted((k, str(v)) for k, v in filters.items()),
        info.get("size"),
        str(info.get("mtime") or info.get("LastModified") or ""),
    )
    return f"scamgeo-read-events-{token}"
