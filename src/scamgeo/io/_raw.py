"""Raw files read into memory, read-only: bytes, encodings, archives, and what a file is.

Private plumbing shared by every reader in :mod:`scamgeo.io` (:func:`load_raw`
gives a :class:`Raw`; :mod:`._tables` parses it into a frame). A raw file is
read once, through a read-only handle, and never written back; a large one is
mapped rather than read.

Quirks handled here, once for every source:

- a UTF-8 byte-order mark (Excel's "CSV UTF-8") and UTF-16 files with a BOM;
- zipped or gzipped CSV (one CSV inside, or the one named by ``member``);
- Excel workbooks (``.xlsx``), whichever extension they carry, and binary
  formats that are not tables, recognised by their first bytes;
- empty files and files in the wrong encoding, with messages that name the
  file, the byte and line, and what to do.
"""

from __future__ import annotations

import codecs
import csv
import importlib.util
import io
import json
import logging
import mmap
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from .._errors import DataSourceError, ParameterError
from .._provenance import record_read

logger = logging.getLogger(__name__)

# pyarrow (a dependency; pandas 3 stores text in Arrow with it) parses CSV ~4x as
# fast as pandas' C parser, and validates UTF-8 without decoding.
_ARROW_CSV = importlib.util.find_spec("pyarrow") is not None
#: Characters of the head and tail of a CSV looked at (separator, header, last record).
_EDGE_CHARS = 1_000_000

__all__ = ["Raw", "Source", "describe", "first_record", "load_raw"]

#: What a path-or-buffer argument may be.
Source = str | os.PathLike | IO[bytes] | IO[str]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Binary formats recognised by their first bytes: (magic, what it is, geospatial?).
_BINARY = (
    (b"fgb\x03", "a FlatGeobuf file", True),
    (b"SQLite format 3\x00", "a GeoPackage or SQLite database", True),
    (b"\x00\x00\x27\x0a", "an ESRI shapefile (.shp)", True),
    (b"PAR1", "a Parquet file", False),
    (b"ARROW1", "an Arrow/Feather file", False),
    (b"RDX2\n", "an R data file (.RData)", False),
    (b"RDX3\n", "an R data file (.RData)", False),
    (b"RDA2\n", "an R data file (.RData)", False),
    (b"RDA3\n", "an R data file (.RData)", False),
    (b"X\n\x00\x00", "an R serialised object (.rds)", False),
    (b"%PDF", "a PDF document", False),
    (b"\x89HDF", "an HDF5 file", False),
    (b"\x7fELF", "a program, not data", False),
    (b"BZh", "a bzip2-compressed file", False),
    (b"\xfd7zXZ\x00", "an xz-compressed file", False),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", False),
)
_GEO_MEMBERS = (".shp", ".gpkg", ".geojson", ".fgb", ".kml", ".gml", ".topojson")


def describe(src: Any) -> str:
    """A name for ``src`` in messages: the path, or a buffer's ``name``."""
    if isinstance(src, str | os.PathLike):
        return str(src)
    name = getattr(src, "name", None)
    return str(name) if isinstance(name, str) else "<buffer>"


@dataclass
class Raw:
    """A raw file read into memory.

    Attributes
    ----------
    name : str
        The file (or archive member) named in messages.
    kind : {"csv", "excel", "json", "geo"}
        What the bytes are ("geo": a FlatGeobuf, GeoPackage or zipped shapefile,
        read through pyogrio; ``obj`` then says which).
    data : bytes or None
        Bytes of an Excel workbook, a geospatial file, or a UTF-8 CSV.
    obj : object
        Parsed JSON.
    path : Path or None
        The file on disk, if ``src`` was a path.
    text : str or None
        Decoded text of a CSV (a UTF-8 CSV, already checked to be valid UTF-8,
        is decoded on first use: a parser reads its bytes, and
        :meth:`head` and :meth:`tail` decode only the ends).
    """

    name: str
    kind: str
    data: bytes | None = None
    obj: Any = None
    path: Path | None = None
    whole_file: bool = False
    decoded: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str | None:
        if self.decoded is None and self.kind == "csv" and self.data is not None:
            self.decoded = _decode(self.data, name=self.name, encoding="utf-8")
        return self.decoded

    def head(self, chars: int = _EDGE_CHARS) -> str:
        """The first ``chars`` characters of a CSV's text."""
        data = self.data
        if self.decoded is not None or data is None or len(data) <= 4 * chars + 4:
            return (self.text or "")[:chars]
        part = data[: 4 * chars + 4].decode("utf-8-sig", errors="ignore").lstrip("\ufeff")
        return part[:chars] if len(part) >= chars else (self.text or "")[:chars]

    def tail(self, chars: int = _EDGE_CHARS) -> tuple[str, bool]:
        """The last ``chars`` characters of a CSV's text, and whether they are all of it."""
        data = self.data
        if self.decoded is not None or data is None or len(data) <= 4 * chars + 4:
            text = self.text or ""
            return text[-chars:] if len(text) > chars else text, len(text) <= chars
        # the first bytes may be the end of a cut character: dropped, >= chars remain
        return data[-(4 * chars + 4) :].decode("utf-8", errors="ignore")[-chars:], False


class _Mapped(mmap.mmap):
    """A large file mapped read-only into memory, used where its bytes are.

    Slices are ``bytes``; the few ``bytes`` methods the readers call on a whole
    file are here. Mapping instead of reading saves a copy of the file and the
    fresh memory it would fill (about a quarter of a 50 MB CSV's parse time).
    """

    def startswith(self, prefix: bytes | tuple[bytes, ...]) -> bool:
        head = self[:64]
        return head.startswith(prefix)

    def strip(self, chars: bytes | None = None) -> bytes:
        return self[:].strip(chars)

    def isascii(self) -> bool:
        return self[:].isascii()

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return codecs.decode(memoryview(self), encoding, errors)

    def count(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        return self[start:end].count(sub)


#: Files at least this large are mapped into memory rather than read (:class:`_Mapped`).
_MAP_MIN_BYTES = 4 * 1024 * 1024


def _map(fileno: int) -> _Mapped:
    """The file mapped read-only (on Linux its pages mapped at once: every byte is read)."""
    if hasattr(mmap, "MAP_POPULATE"):
        flags = mmap.MAP_SHARED | mmap.MAP_POPULATE
        return _Mapped(fileno, 0, flags=flags, prot=mmap.PROT_READ)
    return _Mapped(fileno, 0, access=mmap.ACCESS_READ)


def _read_file(path: Path) -> bytes:
    """The bytes of a file on disk (a large regular file mapped read-only)."""
    with open(path, "rb") as fh:  # read-only: raw files are never rewritten
        size = os.fstat(fh.fileno()).st_size
        if size >= _MAP_MIN_BYTES and path.is_file():
            try:
                return _map(fh.fileno())  # type: ignore[return-value]
            except (OSError, ValueError):  # a file system that cannot map: read it
                pass
        return fh.read()


def _read_bytes(src: Source, name: str) -> bytes:
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        if path.is_dir():
            raise DataSourceError(f"{name}: is a folder; expected a file.")
        try:
            data = _read_file(path)
            record_read(path)
            return data
        except FileNotFoundError:
            raise DataSourceError(f"{name}: no such file.") from None
        except PermissionError:
            raise DataSourceError(
                f"{name}: permission denied (the file must be readable)."
            ) from None
    if hasattr(src, "read"):
        content = src.read()
        if isinstance(content, str):
            return content.encode("utf-8")
        if isinstance(content, bytes | bytearray):
            return bytes(content)
    raise ParameterError(
        f"path_or_buffer must be a path or an open file, got {type(src).__name__}."
    )


def _decode(data: bytes, *, name: str, encoding: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # strips a BOM when there is one
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise DataSourceError(
            f"{name}: not {encoding.removesuffix('-sig')} text (byte 0x{byte} at offset "
            f"{exc.start}, line {line}: {exc.reason}). Save the file as UTF-8, or pass "
            "encoding= with the file's encoding (e.g. encoding='cp1252' for a file saved "
            "by Excel on Windows)."
        ) from None
    except LookupError:
        raise ParameterError(f"encoding={encoding!r} is not an encoding Python knows.") from None
    return text.lstrip("\ufeff")


def _pick_member(archive: zipfile.ZipFile, *, name: str, member: str | None) -> str:
    names = [
        n
        for n in archive.namelist()
        if not n.endswith("/")
        and not n.startswith("__MACOSX/")
        and not Path(n).name.startswith(".")
    ]
    if member is not None:
        if member not in names:
            raise ParameterError(
                f"member={member!r} is not in {name}. Members: {', '.join(repr(n) for n in names)}."
            )
        return member
    tables = [n for n in names if n.lower().endswith((".csv", ".txt", ".tsv"))]
    if len(tables) == 1:
        return tables[0]
    if not tables:
        raise DataSourceError(
            f"{name}: the zip archive holds no CSV file (members: {', '.join(names) or 'none'})."
        )
    raise ParameterError(
        f"{name} holds {len(tables)} CSV files; pass member= to choose one of "
        f"{', '.join(repr(n) for n in tables)}."
    )


def load_raw(
    src: Source,
    *,
    encoding: str = "utf-8",
    member: str | None = None,
    expected: str = "a table",
) -> Raw:
    """Read ``src`` into memory read-only and work out what it is.

    In steps: read the bytes; refuse an empty file (:func:`_check_not_empty`);
    unpack gzip (:func:`_gunzip`); recognise binary formats by their first
    bytes (geospatial ones are kept for pyogrio, others refused); then a zip
    archive (:func:`_from_zip`), an old Excel workbook (refused), or text:
    JSON or CSV (:func:`_from_text`).

    Parameters
    ----------
    src : path or file-like
        The file.
    encoding : str
        Text encoding of CSV/JSON files (a UTF-8 BOM is always accepted).
    member : str, optional
        Member of a zip archive to read.
    expected : str
        What the caller expects, for the empty-file message.

    Raises
    ------
    DataSourceError
        Missing, empty, unreadable or undecodable file.
    """
    name = describe(src)
    data = _read_bytes(src, name)
    path = Path(src) if isinstance(src, str | os.PathLike) else None
    _check_not_empty(data, name=name, expected=expected)
    gzipped = data.startswith(b"\x1f\x8b")
    if gzipped:
        data = _gunzip(data, name=name, expected=expected)
    kind = _binary_kind(data)
    if kind is not None:
        what, geospatial = kind
        if geospatial:
            return Raw(name=name, kind="geo", data=data, path=path, obj=what)
        raise _not_text(name, what, expected)
    if data.startswith(_ZIP_MAGIC):
        return _from_zip(
            data, name=name, path=path, member=member, encoding=encoding, expected=expected
        )
    if data.startswith(_OLE_MAGIC):
        raise DataSourceError(
            f"{name}: an old Excel 97-2003 workbook (.xls). Save it as .xlsx or CSV (UTF-8) and read that."
        )
    return _from_text(
        data, name=name, path=path, encoding=encoding, expected=expected, gzipped=gzipped
    )


_BLANK = b" \t\r\n\x00\xef\xbb\xbf"


def _check_not_empty(data: bytes, *, name: str, expected: str) -> None:
    """Refuse a file of no bytes, or only of blanks, NULs and a BOM (DataSourceError)."""
    if not data[:4096].strip(_BLANK) and not data.strip(_BLANK):
        raise DataSourceError(
            f"{name}: the file is empty ({len(data)} bytes); expected {expected}."
        )


def _gunzip(data: bytes, *, name: str, expected: str) -> bytes:
    """The content of a gzip file; refused if damaged or binary (R's .RData and .rds are gzipped)."""
    import gzip

    try:
        inner = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise DataSourceError(f"{name}: a damaged gzip file ({exc}).") from None
    kind = _binary_kind(inner)
    if kind is not None:
        raise _not_text(name, kind[0], expected)
    return inner


def _from_zip(
    data: bytes,
    *,
    name: str,
    path: Path | None,
    member: str | None,
    encoding: str,
    expected: str,
) -> Raw:
    """A zip archive: an Excel workbook, a zipped geospatial file, or its CSV member.

    Raises
    ------
    DataSourceError
        A damaged archive, one without a table, or an empty member.
    ParameterError
        ``member`` not in the archive, or several CSV files and no ``member``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DataSourceError(f"{name}: a damaged zip archive ({exc}).") from None
    with archive:
        if "xl/workbook.xml" in archive.namelist():
            return Raw(name=name, kind="excel", data=data, path=path)
        listed = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
        has_table = any(n.lower().endswith((".csv", ".txt", ".tsv")) for n in listed)
        geo = [n for n in listed if n.lower().endswith(_GEO_MEMBERS)]
        if member is None and not has_table and geo:
            return Raw(name=name, kind="geo", data=data, path=path, obj="a zipped " + geo[0])
        if member is None and not has_table:
            raise _not_text(
                name,
                "a zip archive without a table (members: "
                + (", ".join(listed[:8]) or "none")
                + ")",
                expected,
            )
        picked = _pick_member(archive, name=name, member=member)
        inner_data = archive.read(picked)
    inner_name = f"{name}!{picked}"
    if not inner_data.strip(_BLANK):
        raise DataSourceError(f"{inner_name}: the file is empty; expected {expected}.")
    utf8 = _is_utf8(inner_data, encoding) and _valid_utf8(inner_data)
    return Raw(
        name=inner_name,
        kind="csv",
        decoded=None if utf8 else _decode(inner_data, name=inner_name, encoding=encoding),
        data=inner_data if utf8 else None,
        path=path,
    )


def _from_text(
    data: bytes,
    *,
    name: str,
    path: Path | None,
    encoding: str,
    expected: str,
    gzipped: bool,
) -> Raw:
    """Decoded text: parsed JSON, or a CSV (an HTML or XML document is refused).

    A UTF-8 CSV keeps its bytes for the CSV parser (checked to be UTF-8 here,
    decoded only where its text is needed), and is read from the file itself
    when it is the whole file on disk.
    """
    utf8 = _is_utf8(data, encoding)
    if utf8 and _valid_utf8(data):
        text = None
        head = Raw(name=name, kind="csv", data=data).head(4096).lstrip()[:1]
    else:
        text = _decode(data, name=name, encoding=encoding)
        head = text[:4096].lstrip()[:1]
    if head in ("{", "["):
        text = text if text is not None else _decode(data, name=name, encoding=encoding)
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataSourceError(
                f"{name}: looks like JSON but is not valid JSON (line {exc.lineno}: {exc.msg})."
            ) from None
        return Raw(name=name, kind="json", obj=obj, path=path)
    if head == "<":
        raise DataSourceError(f"{name}: an HTML or XML document, not a table; expected {expected}.")
    return Raw(
        name=name,
        kind="csv",
        decoded=text,
        data=data if utf8 else None,
        path=path,
        whole_file=utf8 and path is not None and not gzipped,
    )


def _valid_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked without decoding it (pyarrow's validator).

    False when it is not, or when pyarrow is missing: the caller then decodes
    it, which names the first bad byte.
    """
    if not _ARROW_CSV:
        return data.isascii()
    if not isinstance(data, _Mapped) and data.isascii():
        return True
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _is_utf8(data: bytes, encoding: str) -> bool:
    """Whether ``data`` was decoded as UTF-8 (then the CSV parser may read the bytes directly)."""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig") and not (
        data.startswith((b"\xff\xfe", b"\xfe\xff"))
    )


def _first_line(text: str) -> str:
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _binary_kind(data: bytes) -> tuple[str, bool] | None:
    """(what it is, geospatial?) for a binary file's first bytes; None for text, zip, Excel."""
    for magic, what, geospatial in _BINARY:
        if data.startswith(magic):
            return what, geospatial
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC, b"\xff\xfe", b"\xfe\xff")):
        return None
    head = data[:4096]
    if b"\x00" in head:
        return "a binary file (it holds NUL bytes)", False
    return None


def _not_text(name: str, what: str, expected: str) -> DataSourceError:
    return DataSourceError(
        f"{name}: {what}, not a text table; expected {expected}. Export it as CSV (UTF-8) "
        "from the program that made it, and read that."
    )


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def first_record(raw: Raw) -> list[str]:
    """The first record of a CSV (the header, if it has one), parsed with its quotes."""
    assert raw.kind == "csv" and (raw.data is not None or raw.decoded is not None)
    head = raw.head()
    reader = csv.reader(io.StringIO(head), delimiter=_separator(_first_line(head)))
    return next(reader, [])
