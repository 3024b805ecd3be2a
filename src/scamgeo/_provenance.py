"""What a run read: the data tables and external files, with their content hashes.

The readers of :mod:`scamgeo.datasets` and :mod:`scamgeo.io` call
:func:`record_read` with the path of every file they open. The brief runner
uses the record as part of a brief's build key (see
:mod:`scamgeo.briefs._cache`): a brief is rebuilt when a file it *read*
changed, and only then.

Inside a brief's kernel the runner sets ``SCAMGEO_READS_LOG`` to a file; each
first read of a path appends one JSON line ``{"path": ..., "sha256": ...}``
to it, so the record crosses the process boundary without the notebook doing
anything. Without the variable, reads are only kept in memory
(:func:`reads`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

__all__ = ["ENV_VAR", "file_sha256", "read_log", "reads", "record_read", "reset"]

#: The environment variable naming the file reads are appended to.
ENV_VAR = "SCAMGEO_READS_LOG"

_READS: dict[str, str] = {}


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_read(path: str | os.PathLike) -> None:
    """Note that the current process read ``path`` (a no-op for a path already noted).

    Never raises: a file that cannot be hashed is left to its reader to report.
    """
    try:
        key = str(Path(path).resolve())
        if key in _READS:
            return
        _READS[key] = file_sha256(key)
    except OSError:
        return
    log = os.environ.get(ENV_VAR)
    if log:
        try:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"path": key, "sha256": _READS[key]}) + "\n")
        except OSError:
            pass


def reads() -> dict[str, str]:
    """Every path read so far in this process, with its SHA-256, sorted by path."""
    return dict(sorted(_READS.items()))


def reset() -> None:
    """Forget the reads noted so far (for tests and long-lived processes)."""
    _READS.clear()


def read_log(path: str | os.PathLike) -> dict[str, str]:
    """The reads a kernel appended to ``path`` (empty when it read nothing), sorted by path."""
    out: dict[str, str] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        if line.strip():
            item = json.loads(line)
            out[item["path"]] = item["sha256"]
    return dict(sorted(out.items()))
