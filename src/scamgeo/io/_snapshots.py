"""Snapshots that are brought up to date: their history, change logs, and reading one as of a date.

An update (:func:`scamgeo.io.acled_update`, :func:`scamgeo.io.ucdp_update`)
writes a new dated snapshot beside the old one (which is kept), with
``updated_from`` (the previous snapshot's file name) and ``update`` (its
counts) in the metadata JSON, and a change log ``<snapshot>.changes.csv``:
one row per event added, revised (with the fields that changed), deleted or,
for UCDP, renumbered. Following ``updated_from`` back gives the snapshot's
history; :func:`read_snapshot` with ``as_of=`` reads the version that was
current on a date.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import DataSourceError
from .._result import Result, jsonable
from .._time import parse_date
from ._cache import atomic_write_text, snapshot_meta

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGES",
    "SnapshotUpdate",
    "as_text",
    "changes_path",
    "history",
    "read_snapshot",
    "snapshot_history",
    "write_changes",
]

logger = logging.getLogger("scamgeo.io")

#: What an update may do to an event.
CHANGES = ("added", "revised", "deleted", "renumbered")

#: Columns of a change log.
CHANGE_COLUMNS = ["updated_on", "change", "event_id", "previous_id", "fields", "score", "detail"]


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the text a snapshot CSV holds (numbers written as the CSV writes them)."""
    data = frame.to_csv(index=False, lineterminator="\n")
    return pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)


def read_text(path: Path) -> pd.DataFrame:
    """A snapshot CSV as text cells (empty cells as "")."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def changes_path(snapshot: Path) -> Path:
    """The change log written beside an updated snapshot."""
    return snapshot.with_suffix(".changes.csv")


def write_changes(snapshot: Path, log: pd.DataFrame, *, append: bool) -> Path:
    """Write (or, for a second update on the same day, extend) the change log of ``snapshot``."""
    path = changes_path(snapshot)
    log = log.reindex(columns=CHANGE_COLUMNS)
    if append and path.is_file():
        log = pd.concat([read_text(path), as_text(log)], ignore_index=True)
    atomic_write_text(path, log.to_csv(index=False, lineterminator="\n"))
    return path


def _meta_or_fail(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataSourceError(f"{path}: no such snapshot.")
    meta = snapshot_meta(path)
    if meta is None or "query" not in meta:
        raise DataSourceError(
            f"{path}: not a snapshot scamgeo wrote (no {path.with_suffix('.json').name} with its "
            "query beside it). Download one first with scamgeo.io.fetch_acled or fetch_ucdp_ged."
        )
    return meta


def history(snapshot: str | os.PathLike) -> list[tuple[Path, dict[str, Any]]]:
    """The snapshot and the ones it was updated from, newest first."""
    path = Path(snapshot)
    chain = [(path, _meta_or_fail(path))]
    seen = {path.name}
    while (prev := chain[-1][1].get("updated_from")) and prev not in seen:
        seen.add(prev)
        older = path.parent / prev
        if not older.is_file():
            logger.warning("snapshot %s was updated from %s, which is gone", chain[-1][0], prev)
            break
        chain.append((older, _meta_or_fail(older)))
    return chain


def snapshot_history(snapshot: str | os.PathLike) -> pd.DataFrame:
    """One row per version of a snapshot, newest first: file, access date, rows, what changed.

    Parameters
    ----------
    snapshot : path
        A snapshot CSV written by :func:`scamgeo.io.fetch_acled`,
        :func:`~scamgeo.io.fetch_ucdp_ged` or an update.

    Returns
    -------
    DataFrame
        ``file``, ``dataset``, ``access_date``, ``rows`` and, for updated
        versions, ``added``, ``revised``, ``deleted``, ``renumbered``.
    """
    rows = []
    for path, meta in history(snapshot):
        update = meta.get("update") or {}
        rows.append(
            {
                "file": path.name,
                "dataset": meta.get("dataset"),
                "access_date": meta.get("access_date"),
                "rows": meta.get("row_count"),
                **{c: update.get(c) for c in CHANGES},
            }
        )
    return pd.DataFrame(rows)


def read_snapshot(
    snapshot: str | os.PathLike, *, as_of: Any = None, **options: Any
) -> pd.DataFrame:
    """Events of a snapshot as it was on a date (the newest version accessed on or before it).

    Parameters
    ----------
    snapshot : path
        The newest snapshot CSV (its older versions are found through
        ``updated_from`` in the metadata).
    as_of : str or date, optional
        Default: the snapshot itself.
    **options
        Passed to :func:`scamgeo.io.read_acled` or :func:`~scamgeo.io.read_ucdp_ged`.

    Returns
    -------
    geopandas.GeoDataFrame
        In the common event schema; ``attrs["source"]["snapshot"]`` is the
        version read and ``attrs["source"]["as_of"]`` the date asked.

    Raises
    ------
    DataSourceError
        If no version of the snapshot is as old as ``as_of``.
    """
    chain = history(snapshot)
    chosen = chain[0]
    if as_of is not None:
        day = parse_date(as_of, name="as_of").strftime("%Y-%m-%d")
        older = [(p, m) for p, m in chain if str(m.get("access_date")) <= day]
        if not older:
            first = chain[-1][1].get("access_date")
            raise DataSourceError(
                f"{Path(snapshot).name}: no version on or before {day}; its oldest was accessed "
                f"on {first}."
            )
        chosen = older[0]
    path, meta = chosen
    if meta.get("dataset") == "UCDP GED":
        from .ucdp import read_ucdp_ged

        events = read_ucdp_ged(path, **options)
    else:
        from .acled import read_acled

        events = read_acled(path, **options)
    events.attrs["source"]["snapshot"] = str(path)
    events.attrs["source"]["as_of"] = None if as_of is None else str(as_of)
    return events


@dataclasses.dataclass(repr=False)
class SnapshotUpdate(Result):
    """What bringing a snapshot up to date changed.

    Attributes
    ----------
    table : DataFrame
        The change log of this update (:data:`CHANGE_COLUMNS`): one row per
        event added, revised (``fields`` lists what changed), deleted or
        renumbered (UCDP: same event, new id; ``previous_id`` is the old one).
    dataset : str
    snapshot, previous : Path
        The new snapshot and the one it was updated from.
    log : Path
        The change log file beside the snapshot.
    unchanged : int
        Events that the source sent again without a change.
    notes : list of str
    """

    table: pd.DataFrame
    dataset: str
    snapshot: Path
    previous: Path
    log: Path
    unchanged: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Events per kind of change."""
        n = self.table["change"].value_counts()
        return {c: int(n.get(c, 0)) for c in CHANGES} | {"unchanged": self.unchanged}

    @property
    def events(self) -> pd.DataFrame:
        """The updated snapshot's events (read on demand)."""
        return read_snapshot(self.snapshot)

    def summary(self) -> str:
        """The update in words: events added, revised, deleted, renumbered and unchanged."""
        c = self.counts
        lines = [
            f"{self.dataset} snapshot {self.previous.name} -> {self.snapshot.name}: "
            f"{c['added']} added, {c['revised']} revised, {c['deleted']} deleted"
            + (f", {c['renumbered']} renumbered" if c["renumbered"] else "")
            + f", {c['unchanged']} unchanged among those sent again",
        ]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the counts and the change log; the snapshots by file name only."""
        return {
            "kind": type(self).__name__,
            "dataset": self.dataset,
            "snapshot": self.snapshot.name,
            "previous": self.previous.name,
            "counts": self.counts,
            "table": jsonable(self.table),
            "notes": list(self.notes),
        }
