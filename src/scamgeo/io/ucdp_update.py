"""Follow a UCDP GED snapshot into a newer candidate release, whose event ids may have changed.

UCDP publishes candidate events monthly (versions such as ``25.0.9``,
``25.0.10``); each release re-issues the year's events, and an event may come
back with another ``id``, a revised date, place or toll, or not at all.
:func:`ucdp_update` downloads the newer release with the snapshot's query,
writes it as a snapshot of its own (the old one is kept), and tells which
events are the same: first by ``id``, then, for the rest, by reconciling the
two releases (:func:`scamgeo.reconcile.reconcile`: an optimal one-to-one
assignment on place, date and kind of violence). The change log says which
events were added, revised (and which fields), deleted or renumbered (the
same event under a new id; ``previous_id`` is its old one).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..vocab import UCDP_ATTRIBUTION
from ._cache import query_hash, snapshot_dir, write_snapshot
from ._events import today
from ._http import safe_url
from ._snapshots import CHANGE_COLUMNS, SnapshotUpdate, history, read_text, write_changes
from .ucdp import UCDP_COLUMNS, UcdpClient, read_ucdp_ged

__all__ = ["COMPARED_FIELDS", "ucdp_update"]

logger = logging.getLogger("scamgeo.io")

#: The fields compared between two releases' versions of one event.
COMPARED_FIELDS = (
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
)


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Cell-wise equality of two text columns, numbers compared as numbers."""
    na, nb = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
    numeric = na.notna().to_numpy() & nb.notna().to_numpy()
    text = a.astype(str).str.strip().to_numpy() == b.astype(str).str.strip().to_numpy()
    return np.where(numeric, np.isclose(na.to_numpy(float), nb.to_numpy(float)), text)


def _changed(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """For aligned rows of two releases, the compared fields that differ (";"-joined)."""
    fields = [f for f in COMPARED_FIELDS if f in old.columns and f in new.columns]
    out: list[list[str]] = [[] for _ in range(len(old))]
    for f in fields:
        for k in np.flatnonzero(
            ~_same(old[f].reset_index(drop=True), new[f].reset_index(drop=True))
        ):
            out[k].append(f)
    return [";".join(x) for x in out]


def _raw_id(ids: pd.Series) -> pd.Series:
    return ids.astype(str).str.removeprefix("UCDP-")


def _pairs(old_path: Path, new_path: Path, *, km: float, days: float) -> tuple[pd.DataFrame, Any]:
    """Old id -> new id for every event of the old release found in the new one."""
    from ..reconcile import reconcile

    old_raw, new_raw = read_text(old_path), read_text(new_path)
    same_id = pd.DataFrame({"old": old_raw["id"][old_raw["id"].isin(new_raw["id"])]})
    same_id = same_id.assign(new=same_id["old"], score=np.nan)
    rest_old = read_ucdp_ged(old_path)
    rest_new = read_ucdp_ged(new_path)
    rest_old = rest_old[~rest_old["id"].astype(str).isin(same_id["old"])]
    rest_new = rest_new[~rest_new["id"].astype(str).isin(same_id["new"])]
    res = reconcile(rest_old, rest_new, km=km, days=days, names=("old", "new"), uncertainty="known")
    linked = res.linked
    matched = pd.DataFrame(
        {
            "old": _raw_id(linked["a_event_id"]),
            "new": _raw_id(linked["b_event_id"]),
            "score": linked["score"],
        }
    )
    return pd.concat([same_id, matched], ignore_index=True), (old_raw, new_raw, res)


def _log(
    pairs: pd.DataFrame, old_raw: pd.DataFrame, new_raw: pd.DataFrame, day: str
) -> tuple[pd.DataFrame, int]:
    o = old_raw.set_index("id").loc[pairs["old"]].reset_index()
    n = new_raw.set_index("id").loc[pairs["new"]].reset_index()
    fields = _changed(o, n)
    rows, unchanged = [], 0
    for (old_id, new_id, score), f in zip(pairs.itertuples(index=False), fields, strict=True):
        if f:
            change = "revised"
        elif old_id != new_id:
            change = "renumbered"
        else:
            unchanged += 1
            continue
        prev = None if old_id == new_id else f"UCDP-{old_id}"
        rows.append(
            {
                "change": change,
                "event_id": f"UCDP-{new_id}",
                "previous_id": prev,
                "fields": f,
                "score": None if pd.isna(score) else round(float(score), 4),
            }
        )
    added = new_raw.loc[~new_raw["id"].isin(pairs["new"]), "id"]
    deleted = old_raw.loc[~old_raw["id"].isin(pairs["old"]), "id"]
    rows += [{"change": "added", "event_id": f"UCDP-{i}"} for i in added]
    rows += [{"change": "deleted", "event_id": f"UCDP-{i}"} for i in deleted]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS).assign(updated_on=day), unchanged


def ucdp_update(
    snapshot: str | os.PathLike,
    *,
    version: str,
    client: UcdpClient | None = None,
    km: float = 5.0,
    days: float = 3.0,
) -> SnapshotUpdate:
    """Download a newer GED (candidate) release for a snapshot's query and say what changed.

    Parameters
    ----------
    snapshot : path
        A snapshot CSV written by :func:`scamgeo.io.fetch_ucdp_ged` (or an
        earlier update), with its metadata JSON beside it.
    version : str
        The newer release, e.g. ``"25.0.10"``.
    client : UcdpClient, optional
        Default: token from ``UCDP_API_TOKEN``.
    km, days : float, default 5 and 3
        How far apart in place and date an event of the old release and one
        of the new may lie and still be the same event when their ids differ
        (as for :func:`scamgeo.reconcile.reconcile`, with only stated
        location errors).

    Returns
    -------
    SnapshotUpdate
        Change log (added, revised, deleted, renumbered), the new snapshot
        (``<date>-<hash>.csv`` of the new version's query) and its log file.
    """
    path = Path(snapshot)
    meta = history(path)[0][1]
    query = {k: v for k, v in meta["query"].items() if k != "version"}
    client = client or UcdpClient()
    frame = client.fetch(str(version), query)
    if frame.empty and not len(frame.columns):
        frame = pd.DataFrame(columns=list(UCDP_COLUMNS))
    day = today()
    new_query = {"version": str(version), **query}
    folder = snapshot_dir("ucdp")
    target = write_snapshot(
        "ucdp",
        frame,
        query=new_query,
        access_date=day,
        accessed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        attribution=(
            f"Source: {UCDP_ATTRIBUTION}, version {version}. Data accessed {day} through the UCDP "
            "API. Licence: CC BY 4.0."
        ),
        dataset="UCDP GED",
        endpoint=safe_url(f"{client.base_url}/gedevents/{version}"),
        extra={
            "version": str(version),
            "query_hash": query_hash(new_query),
            "updated_from": path.name
            if path.parent.resolve() == folder.resolve()
            else str(path.resolve()),
        },
    )
    pairs, (old_raw, new_raw, res) = _pairs(path, target, km=km, days=days)
    table, unchanged = _log(pairs, old_raw, new_raw, day)
    _record_counts(target, table)
    log_path = write_changes(target, table, append=False)
    logger.info("UCDP update %s -> %s: %d change(s)", path.name, target.name, len(table))
    return SnapshotUpdate(
        table=table,
        dataset="UCDP GED",
        snapshot=target,
        previous=path,
        log=log_path,
        unchanged=unchanged,
        notes=[n for n in res.notes if "left out" in n],
    )


def _record_counts(target: Path, table: pd.DataFrame) -> None:
    """Add the update's counts to the new snapshot's metadata."""
    import json

    from ._cache import atomic_write_text

    meta_path = target.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    counts = table["change"].value_counts()
    meta["update"] = {
        c: int(counts.get(c, 0)) for c in ("added", "revised", "deleted", "renumbered")
    }
    atomic_write_text(meta_path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
