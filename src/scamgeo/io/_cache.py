"""The download cache: atomic writes, dated API snapshots, the token file.

Everything lives under :data:`scamgeo.config.cache_dir` (read at each call,
so a test or an analysis can point it elsewhere). A snapshot is a CSV named
``<access date>-<query hash>.csv`` with a JSON beside it holding the query,
the access date, the row count, the CSV's sha256 and the attribution text.
Files are written to a temporary name in the same folder and renamed into
place (``os.replace``), so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .. import config
from .._files import atomic_target, atomic_write_bytes, atomic_write_text
from .._version import __version__

__all__ = [
    "atomic_target",
    "atomic_write_bytes",
    "atomic_write_text",
    "find_snapshot",
    "query_hash",
    "read_private_json",
    "snapshot_dir",
    "snapshot_meta",
    "write_private_json",
    "write_snapshot",
]


def write_private_json(path: Path, obj: Mapping[str, Any]) -> None:
    """Write a JSON file only its owner may read or write (0600), atomically."""
    atomic_write_text(path, json.dumps(obj), mode=stat.S_IRUSR | stat.S_IWUSR)


def read_private_json(path: Path) -> dict[str, Any] | None:
    """Read a file written by :func:`write_private_json`; None if absent or unreadable.

    A file that others may read is tightened to 0600 first.
    """
    try:
        st = path.stat()
    except OSError:
        return None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


def query_hash(query: Mapping[str, Any]) -> str:
    """A short stable hash of a query (12 hex digits)."""
    text = json.dumps(query, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def snapshot_dir(kind: str) -> Path:
    """``config.cache_dir / kind`` (e.g. ``data/raw/acled``)."""
    return Path(config.cache_dir) / kind


def find_snapshot(kind: str, query: Mapping[str, Any]) -> Path | None:
    """The newest snapshot CSV of ``query`` (with its metadata beside it), or None."""
    folder = snapshot_dir(kind)
    if not folder.is_dir():
        return None
    suffix = f"-{query_hash(query)}.csv"
    hits = sorted(p for p in folder.glob(f"*{suffix}") if p.with_suffix(".json").is_file())
    return hits[-1] if hits else None


def write_snapshot(
    kind: str,
    frame: pd.DataFrame,
    *,
    query: Mapping[str, Any],
    access_date: str,
    accessed_at: str,
    attribution: str,
    dataset: str,
    endpoint: str,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Save ``frame`` as a dated snapshot with its metadata; return the CSV path.

    The metadata JSON holds ``dataset``, ``endpoint`` (no credentials),
    ``query``, ``access_date``, ``accessed_at``, ``row_count``, ``sha256`` of
    the CSV, ``attribution`` and the scamgeo version.
    """
    folder = snapshot_dir(kind)
    csv_path = folder / f"{access_date}-{query_hash(query)}.csv"
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    meta = {
        "dataset": dataset,
        "endpoint": endpoint,
        "query": dict(query),
        "access_date": access_date,
        "accessed_at": accessed_at,
        "row_count": int(len(frame)),
        "file": csv_path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "attribution": attribution,
        "scamgeo_version": __version__,
        **dict(extra or {}),
    }
    atomic_write_bytes(csv_path, data)
    atomic_write_text(
        csv_path.with_suffix(".json"), json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    )
    return csv_path


def snapshot_meta(raw_path: Path | None) -> dict[str, Any] | None:
    """Metadata written beside an API snapshot (``<name>.json``), if there is one."""
    if raw_path is None:
        return None
    meta_path = raw_path.with_suffix(".json")
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return meta if isinstance(meta, dict) else None
