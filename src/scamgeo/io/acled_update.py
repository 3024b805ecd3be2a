"""Bring a dated ACLED snapshot up to date: new and revised events, deletions, a change log.

ACLED revises and deletes events after it publishes them. Every row carries a
``timestamp`` (when it was last changed), and a deletions endpoint lists the
events deleted since a time. :func:`acled_update` does what acledR's
``acled_update`` does, on the snapshots :func:`scamgeo.io.fetch_acled` writes:

1. ask the API for the snapshot's query, restricted to rows changed since the
   snapshot's newest ``timestamp`` (``timestamp`` with ``timestamp_where=>=``);
2. ask the deletions endpoint (``/api/deleted/read``) for the events deleted
   since then (``deleted_timestamp``);
3. replace the rows that changed, add the new ones, drop the deleted ones
   (unless the event came back after its deletion), and write the result as a
   new dated snapshot (the old one is kept) with a change log beside it.

:func:`scamgeo.io.read_snapshot` with ``as_of=`` reads the snapshot as it was
on a date; :func:`scamgeo.io.snapshot_history` lists its versions.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import DataSourceError, SchemaError
from ._cache import query_hash, snapshot_dir, write_snapshot
from ._events import today
from ._http import safe_url
from ._snapshots import (
    CHANGE_COLUMNS,
    SnapshotUpdate,
    as_text,
    history,
    read_text,
    write_changes,
)
from .acled_api import AcledClient

__all__ = ["ACLED_DELETED_URL", "acled_update", "deleted_url"]

logger = logging.getLogger("scamgeo.io")

#: ACLED's deletions endpoint (event ids deleted since a ``deleted_timestamp``).
ACLED_DELETED_URL = "https://acleddata.com/api/deleted/read"

_ID, _TS = "event_id_cnty", "timestamp"


def deleted_url(api_url: str) -> str:
    """The deletions endpoint beside a data endpoint (``…/acled/read`` -> ``…/deleted/read``)."""
    if api_url.rstrip("/").endswith("/acled/read"):
        return api_url.rstrip("/")[: -len("/acled/read")] + "/deleted/read"
    return ACLED_DELETED_URL


def _timestamps(values: pd.Series, *, what: str) -> pd.Series:
    out = pd.to_numeric(values.replace("", pd.NA), errors="coerce")
    if out.isna().any():
        bad = values[out.isna()].iloc[0]
        raise SchemaError(
            f"{what}: {int(out.isna().sum())} row(s) with no numeric timestamp ({bad!r})."
        )
    return out.astype("int64")


def _fetch_deletions(client: AcledClient, since: int, url: str | None) -> pd.DataFrame:
    deletions = copy.copy(client)  # same session, token and retries; another endpoint
    deletions.api_url = url or deleted_url(client.api_url)
    found = deletions.fetch({"deleted_timestamp": since, "deleted_timestamp_where": ">="})
    if found.empty:
        return pd.DataFrame(
            {_ID: pd.Series(dtype=str), "deleted_timestamp": pd.Series(dtype="int64")}
        )
    if _ID not in found.columns or "deleted_timestamp" not in found.columns:
        raise DataSourceError(
            f"ACLED API: the deletions endpoint answered columns {list(found.columns)}; expected "
            f"{_ID} and deleted_timestamp. Did the API change?"
        )
    found = as_text(found)
    found["deleted_timestamp"] = _timestamps(found["deleted_timestamp"], what="deletions")
    return found


def _revisions(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.Index, pd.Series]:
    """Ids sent again with any change, and the fields (other than timestamp) that changed."""
    common = new.index.intersection(old.index)
    cols = [c for c in new.columns if c in old.columns]
    differs = old.loc[common, cols].astype(str).ne(new.loc[common, cols].astype(str))
    changed = differs.any(axis=1)
    fields = differs.drop(columns=[_TS]).apply(lambda r: ";".join(r.index[r.to_numpy()]), axis=1)
    return common[changed.to_numpy()], fields


def _merge(
    old: pd.DataFrame, new: pd.DataFrame, gone: pd.DataFrame, day: str
) -> tuple[pd.DataFrame, list[dict[str, Any]], int]:
    """The updated rows, the change log and how many rows came again unchanged."""
    old_i = old.set_index(old[_ID].to_numpy())
    new_i = new.drop_duplicates(_ID, keep="last")
    new_i = new_i.set_index(new_i[_ID].to_numpy())
    revised, fields = _revisions(old_i, new_i)
    added = new_i.index.difference(old_i.index, sort=False)
    rows = old_i.reindex(columns=list(dict.fromkeys([*old.columns, *new.columns]))).fillna("")
    rows.loc[revised, list(new_i.columns)] = new_i.loc[revised].to_numpy()
    rows = pd.concat([rows, new_i.loc[added].reindex(columns=rows.columns).fillna("")])
    log: list[dict[str, Any]] = [
        {"change": "added", "event_id": k, "detail": f"timestamp {new_i.at[k, _TS]}"} for k in added
    ]
    log += [
        {
            "change": "revised",
            "event_id": k,
            "fields": fields[k],
            "detail": f"timestamp {old_i.at[k, _TS]} -> {new_i.at[k, _TS]}",
        }
        for k in revised
    ]
    stamps = pd.to_numeric(rows[_TS], errors="coerce")
    dead = gone[gone[_ID].isin(rows.index)]
    dead = dead[
        stamps.reindex(dead[_ID]).fillna(0).to_numpy() <= dead["deleted_timestamp"].to_numpy()
    ]
    log += [
        {"change": "deleted", "event_id": k, "detail": f"deleted at {t}"}
        for k, t in zip(dead[_ID], dead["deleted_timestamp"], strict=True)
    ]
    rows = rows.drop(index=dead[_ID].drop_duplicates())
    for item in log:
        item["updated_on"] = day
    unchanged = len(new_i.index.intersection(old_i.index)) - len(revised)
    return rows.reset_index(drop=True), log, unchanged


def _attribution(meta: dict[str, Any], day: str) -> str:
    text = str(meta.get("attribution") or "")
    return re.sub(
        r"(accessed \d{4}-\d{2}-\d{2})(, updated \d{4}-\d{2}-\d{2})?", rf"\1, updated {day}", text
    )


def acled_update(
    snapshot: str | os.PathLike,
    *,
    client: AcledClient | None = None,
    deleted: bool = True,
    deletions_url: str | None = None,
) -> SnapshotUpdate:
    """Bring a dated ACLED snapshot up to date (new, revised and deleted events) and log it.

    Parameters
    ----------
    snapshot : path
        A snapshot CSV written by :func:`scamgeo.io.fetch_acled` (or by an
        earlier update), with its metadata JSON beside it.
    client : AcledClient, optional
        Default: credentials from ``ACLED_USERNAME``/``ACLED_PASSWORD``.
    deleted : bool, default True
        Also apply ACLED's deletions since the snapshot.
    deletions_url : str, optional
        The deletions endpoint (default: beside the client's data endpoint).

    Returns
    -------
    SnapshotUpdate
        The change log (``table``), ``counts``, the new ``snapshot`` (a dated
        CSV beside the old one, which is kept; a second update on the same
        day replaces that day's), the ``log`` file, and ``events``.

    Raises
    ------
    DataSourceError
        A file that is not a scamgeo snapshot, or API failures (as
        :func:`~scamgeo.io.fetch_acled`).
    SchemaError
        A snapshot without ``event_id_cnty`` or numeric ``timestamp`` values.
    """
    path = Path(snapshot)
    meta = history(path)[0][1]
    old = read_text(path)
    for col in (_ID, _TS):
        if col not in old.columns:
            raise SchemaError(f"{path.name}: no {col} column; it is not an ACLED API snapshot.")
    since = _since(old, meta, path)
    client = client or AcledClient()
    new = client.fetch({**meta["query"], "timestamp": since, "timestamp_where": ">="})
    new = as_text(new) if len(new.columns) else old.iloc[:0]
    gone = _fetch_deletions(client, since, deletions_url) if deleted else None
    if gone is None or gone.empty:
        gone = pd.DataFrame(
            {_ID: pd.Series(dtype=str), "deleted_timestamp": pd.Series(dtype="int64")}
        )
    day = today()
    rows, log, unchanged = _merge(old, new, gone, day)
    table = pd.DataFrame(log, columns=CHANGE_COLUMNS)
    target = _write(path, rows, meta, table, since=since, endpoint=safe_url(client.api_url))
    log_path = write_changes(target, table, append=target.resolve() == path.resolve())
    outside = int((~gone[_ID].isin(old[_ID])).sum())
    notes = [f"{outside} deletion(s) concern events not in this snapshot"] if outside else []
    logger.info("ACLED update %s -> %s: %d change(s)", path.name, target.name, len(table))
    return SnapshotUpdate(
        table=table,
        dataset="ACLED",
        snapshot=target,
        previous=path,
        log=log_path,
        unchanged=unchanged,
        notes=notes,
    )


def _since(old: pd.DataFrame, meta: dict[str, Any], path: Path) -> int:
    """The newest timestamp in the snapshot (its access time when it holds no row)."""
    stamps = _timestamps(old[_TS], what=path.name)
    if len(stamps):
        return int(stamps.max())
    return int(dt.datetime.fromisoformat(str(meta["accessed_at"])).timestamp())


def _write(
    path: Path,
    rows: pd.DataFrame,
    meta: dict[str, Any],
    table: pd.DataFrame,
    *,
    since: int,
    endpoint: str,
) -> Path:
    """Write the updated rows as today's snapshot of the same query (in the download cache)."""
    day = today()
    folder = snapshot_dir("acled")
    target = folder / f"{day}-{query_hash(meta['query'])}.csv"
    same = target.resolve() == path.resolve()
    previous = path.name if path.parent.resolve() == folder.resolve() else str(path.resolve())
    counts = table["change"].value_counts()
    return write_snapshot(
        "acled",
        rows,
        query=meta["query"],
        access_date=day,
        accessed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        attribution=_attribution(meta, day),
        dataset="ACLED",
        endpoint=endpoint,
        extra={
            "query_hash": query_hash(meta["query"]),
            "terms": meta.get("terms", "https://acleddata.com/terms-of-use/"),
            "updated_from": meta.get("updated_from") if same else previous,
            "update": {c: int(counts.get(c, 0)) for c in ("added", "revised", "deleted")},
            "since_timestamp": since,
        },
    )
