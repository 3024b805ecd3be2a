"""Atomic file writes, shared by every module that writes (caches, briefs, maps, figures).

A file is written under a temporary name in its own folder and renamed into
place with ``os.replace``, so a crash or an error never leaves half a file and
never replaces the last good one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ._errors import DataSourceError

__all__ = ["atomic_target", "atomic_write_bytes", "atomic_write_text", "write_if_changed"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_target(path: Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    The temporary file is created with permissions 0600 (``tempfile.mkstemp``)
    and gets ``mode`` (default 0666 minus the umask) just before the rename.
    On error it is removed and ``path`` is left as it was.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataSourceError(f"cannot create the folder {path.parent} ({exc.strerror}).") from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, (0o666 & ~_umask()) if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + ``os.replace``)."""
    with atomic_target(path, mode=mode) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def write_if_changed(path: Path, text: str) -> bool:
    """Write UTF-8 ``text`` to ``path`` atomically unless it already holds exactly that.

    Returns whether the file was written: a build that changes nothing touches
    nothing (same bytes, same modification time).
    """
    data = text.encode("utf-8")
    try:
        if Path(path).read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write_bytes(Path(path), data)
    return True
