"""Snapshots brought up to date (ACLED timestamps and deletions, UCDP candidate releases), offline.

The API replies are hand-written in the services' layouts
(tests/fixtures/io/acled_update_responses.json, ucdp_candidate_next_rows.json)
and served by a real HTTP server on 127.0.0.1 (tests/io/conftest.py).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scamgeo import DataSourceError
from scamgeo.io import (
    AcledClient,
    UcdpClient,
    acled_update,
    fetch_acled,
    fetch_ucdp_ged,
    read_snapshot,
    snapshot_history,
    ucdp_update,
)

Reply = tuple[int, dict[str, str], bytes]


def json_reply(obj: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(obj).encode()


class FakeAcled:
    """ACLED's token, data (with ``timestamp`` filters) and deletions endpoints."""

    def __init__(self, server: Any, fixtures: Path) -> None:
        self.rows = json.loads((fixtures / "acled_api_rows.json").read_text())
        self.replies = json.loads((fixtures / "acled_update_responses.json").read_text())
        self.updated = False
        server.route("POST", "/oauth/token", self.token)
        server.route("GET", "/api/acled/read", self.read)
        server.route("GET", "/api/deleted/read", self.deleted)

    def token(self, req: Any) -> Reply:
        return json_reply({"access_token": "tok-SECRET", "expires_in": 3600, "refresh_token": "r"})

    def _page(self, req: Any, rows: list[dict[str, Any]]) -> Reply:
        if req.headers.get("Authorization") != "Bearer tok-SECRET":
            return json_reply({"message": "Unauthorized"}, 401)
        limit, page = int(req.query["limit"][0]), int(req.query["page"][0])
        chunk = rows[(page - 1) * limit : page * limit]
        return json_reply({"status": 200, "success": True, "count": len(chunk), "data": chunk})

    def read(self, req: Any) -> Reply:
        if "timestamp" not in req.query:
            return self._page(req, self.rows)
        assert req.query["timestamp_where"] == [">="]
        since = int(req.query["timestamp"][0])
        rows = self.replies["changed_since"]["data"] if self.updated else []
        return self._page(req, [r for r in rows if int(r["timestamp"]) >= since])

    def deleted(self, req: Any) -> Reply:
        assert req.query["deleted_timestamp_where"] == [">="]
        since = int(req.query["deleted_timestamp"][0])
        rows = self.replies["deleted_since"]["data"] if self.updated else []
        return self._page(req, [r for r in rows if int(r["deleted_timestamp"]) >= since])


@pytest.fixture
def acled(server: Any, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAcled:
    monkeypatch.setenv("ACLED_USERNAME", "analyst@example.org")
    monkeypatch.setenv("ACLED_PASSWORD", "pw")
    return FakeAcled(server, fixtures)


def acled_client(server: Any) -> AcledClient:
    return AcledClient(
        token_url=f"{server.url}/oauth/token",
        api_url=f"{server.url}/api/acled/read",
        page_size=2,
        max_retries=0,
        cache_token=False,
    )


def on_day(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """Downloads and updates made on ``day`` (their snapshots are named by it)."""
    for name in ("acled_api", "acled_update", "ucdp", "ucdp_update"):  # modules, not functions
        monkeypatch.setattr(importlib.import_module(f"scamgeo.io.{name}"), "today", lambda: day)


def test_acled_update_applies_revisions_additions_and_deletions(
    server, acled, monkeypatch, cache_dir: Path
) -> None:
    on_day(monkeypatch, "2026-11-01")
    first = fetch_acled(countries=["THA", "KHM"], client=acled_client(server))
    snap = Path(first.attrs["source"]["snapshot"])
    assert snap.name.startswith("2026-11-01-") and len(first) == 8
    acled.updated = True
    on_day(monkeypatch, "2026-12-07")
    update = acled_update(snap, client=acled_client(server))
    assert update.counts == {
        "added": 1,
        "revised": 1,
        "deleted": 1,
        "renumbered": 0,
        "unchanged": 1,
    }
    log = update.table.set_index("event_id")
    assert log.loc["TEST-THA-0007", "change"] == "revised"
    assert log.loc["TEST-THA-0007", "fields"] == "notes;fatalities"
    assert log.loc["TEST-THA-0009", "change"] == "added"
    assert log.loc["TEST-THA-0006", "change"] == "deleted"
    assert update.notes == ["1 deletion(s) concern events not in this snapshot"]
    # what was asked: rows changed since the snapshot's newest timestamp, deletions since then
    since = server.hits("/api/acled/read")[-1].query
    assert since["timestamp"] == ["1765411200"] and since["country"] == ["Thailand:OR:Cambodia"]
    assert server.hits("/api/deleted/read")[0].query["deleted_timestamp"] == ["1765411200"]
    # the new snapshot: dated, the old one kept, metadata and log beside it
    assert update.snapshot.name.startswith("2026-12-07-") and snap.is_file()
    meta = json.loads(update.snapshot.with_suffix(".json").read_text())
    assert meta["updated_from"] == snap.name and meta["row_count"] == 8
    assert meta["update"] == {"added": 1, "revised": 1, "deleted": 1}
    assert "accessed 2026-11-01, updated 2026-12-07" in meta["attribution"]
    assert "tok-SECRET" not in update.snapshot.read_text() + json.dumps(meta)
    logged = pd.read_csv(update.log, dtype=str)
    assert sorted(logged["change"]) == ["added", "deleted", "revised"]
    now = update.events.set_index("event_id")
    assert "TEST-THA-0006" not in now.index and now.loc["TEST-THA-0007", "fatalities"] == 5
    assert "1 added, 1 revised, 1 deleted" in update.summary()
    json.dumps(update.to_dict())


def test_acled_snapshot_as_of_a_date_and_its_history(server, acled, monkeypatch) -> None:
    on_day(monkeypatch, "2026-11-01")
    snap = Path(fetch_acled(client=acled_client(server)).attrs["source"]["snapshot"])
    acled.updated = True
    on_day(monkeypatch, "2026-12-07")
    newest = acled_update(snap, client=acled_client(server)).snapshot
    before = read_snapshot(newest, as_of="2026-11-15").set_index("event_id")
    assert len(before) == 8 and "TEST-THA-0006" in before.index
    assert before.loc["TEST-THA-0007", "fatalities"] == 3  # as it was before ACLED revised it
    assert "TEST-THA-0009" in read_snapshot(newest, as_of="2026-12-07")["event_id"].tolist()
    with pytest.raises(DataSourceError, match="no version on or before 2026-10-01"):
        read_snapshot(newest, as_of="2026-10-01")
    hist = snapshot_history(newest)
    assert hist["access_date"].tolist() == ["2026-12-07", "2026-11-01"]
    assert hist["deleted"].tolist()[0] == 1
    # a second update the same day finds nothing new; the day's log keeps the first update's rows
    again = acled_update(newest, client=acled_client(server))
    assert again.counts["added"] == again.counts["revised"] == again.counts["deleted"] == 0
    assert again.counts["unchanged"] == 1 and again.snapshot == newest  # 0009, the newest row
    meta = json.loads(newest.with_suffix(".json").read_text())
    assert meta["updated_from"] == snap.name  # still points at the previous day's snapshot
    assert len(pd.read_csv(again.log, dtype=str)) == 3


def test_acled_update_refuses_a_file_that_is_not_a_snapshot(tmp_path: Path, fixtures: Path) -> None:
    with pytest.raises(DataSourceError, match="not a snapshot scamgeo wrote"):
        acled_update(fixtures / "acled_export.csv", client=AcledClient())
    with pytest.raises(DataSourceError, match="no such snapshot"):
        acled_update(tmp_path / "gone.csv")


class FakeUcdp:
    """Two GED candidate releases: 25.0.9 (ucdp_api_rows.json) and 25.0.10 (the next one)."""

    def __init__(self, server: Any, fixtures: Path) -> None:
        releases = {
            "25.0.9": json.loads((fixtures / "ucdp_api_rows.json").read_text()),
            "25.0.10": json.loads((fixtures / "ucdp_candidate_next_rows.json").read_text()),
        }
        for version, rows in releases.items():
            server.route("GET", f"/api/gedevents/{version}", self.page(rows))

    @staticmethod
    def page(rows: list[dict[str, Any]]):
        def reply(req: Any) -> Reply:
            if req.headers.get("x-ucdp-access-token") != "ucdp-SECRET":
                return json_reply({"message": "Unauthorized"}, 401)
            return json_reply({"TotalCount": len(rows), "TotalPages": 1, "Result": rows})

        return reply


def test_ucdp_update_matches_renumbered_events_by_reconciliation(
    server, fixtures: Path, monkeypatch, cache_dir: Path
) -> None:
    FakeUcdp(server, fixtures)
    client = UcdpClient("ucdp-SECRET", base_url=f"{server.url}/api", max_retries=0)
    on_day(monkeypatch, "2026-11-01")
    old = fetch_ucdp_ged(version="25.0.9", start="2025-01-01", client=client)
    snap = Path(old.attrs["source"]["snapshot"])
    on_day(monkeypatch, "2026-12-07")
    update = ucdp_update(snap, version="25.0.10", client=client)
    log = update.table.set_index("event_id")
    assert update.counts == {
        "added": 1,
        "revised": 2,
        "deleted": 1,
        "renumbered": 1,
        "unchanged": 1,
    }
    assert log.loc["UCDP-991002", ["change", "previous_id"]].tolist() == [
        "renumbered",
        "UCDP-990002",
    ]
    assert log.loc["UCDP-991003", ["change", "previous_id"]].tolist() == ["revised", "UCDP-990003"]
    assert log.loc["UCDP-991003", "fields"] == "best;high"
    assert log.loc["UCDP-990005", ["change", "fields"]].tolist() == ["revised", "date_end"]
    assert log.loc["UCDP-990004", "change"] == "deleted"
    assert log.loc["UCDP-991006", "change"] == "added"  # Cham Yeam is 280 km from any old event
    meta = json.loads(update.snapshot.with_suffix(".json").read_text())
    assert meta["version"] == "25.0.10" and meta["updated_from"] == snap.name
    assert meta["update"] == {"added": 1, "revised": 2, "deleted": 1, "renumbered": 1}
    assert "ucdp-SECRET" not in update.snapshot.read_text() + json.dumps(meta)
    older = read_snapshot(update.snapshot, as_of="2026-11-30")
    assert sorted(older["event_id"]) == [f"UCDP-99000{k}" for k in range(1, 6)]
    assert snapshot_history(update.snapshot)["renumbered"].tolist()[0] == 1
