"""scamgeo.io.acled_api against a local ACLED look-alike (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import socket
import stat
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from scamgeo import DataSourceError, ParameterError
from scamgeo.io import AcledClient, acled_query, fetch_acled

Reply = tuple[int, dict[str, str], bytes]
LocalServer = Request = Any  # see tests/io/conftest.py


def json_reply(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(obj).encode()


USER = "analyst@example.org"
PASSWORD = "pa55-SECRET-word"


class FakeAcled:
    """ACLED's token and data endpoints, as documented in 2025, with scripted failures."""

    def __init__(
        self, server: LocalServer, rows: list[dict[str, Any]], *, expires_in: int = 86400
    ) -> None:
        self.rows = rows
        self.expires_in = expires_in
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.issued = 0
        self.fail_reads: list[int] = []
        self.always: int | None = None
        server.route("POST", "/oauth/token", self.token)
        server.route("GET", "/api/acled/read", self.read)

    def token(self, req: Request) -> Reply:
        form = req.form()
        if form.get("client_id") != "acled":
            return json_reply({"error": "invalid_client"}, 400)
        if form.get("grant_type") == "password":
            if (form.get("username"), form.get("password"), form.get("scope")) != (
                USER,
                PASSWORD,
                "authentication",
            ):
                return json_reply(
                    {
                        "error": "invalid_grant",
                        "error_description": "The user credentials were incorrect.",
                    },
                    400,
                )
        elif form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh:
                return json_reply(
                    {"error": "invalid_grant", "error_description": "Invalid refresh token"}, 400
                )
            self.refresh.discard(form["refresh_token"])
        else:
            return json_reply({"error": "unsupported_grant_type"}, 400)
        self.issued += 1
        access, refresh = f"access-{self.issued}-TOKENSECRET", f"refresh-{self.issued}-TOKENSECRET"
        self.access.add(access)
        self.refresh.add(refresh)
        return json_reply(
            {
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "access_token": access,
                "refresh_token": refresh,
            }
        )

    def read(self, req: Request) -> Reply:
        if self.always is not None:
            return json_reply({"message": "Internal error"}, self.always)
        if self.fail_reads:
            return json_reply(
                {"message": "Too many requests"}, self.fail_reads.pop(0), {"Retry-After": "0"}
            )
        token = req.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.access:
            return json_reply({"message": "Unauthorized"}, 401)
        limit, page = int(req.query["limit"][0]), int(req.query["page"][0])
        rows = self.rows
        if "country" in req.query:
            wanted = req.query["country"][0].split(":OR:")
            rows = [r for r in rows if r["country"] in wanted]
        chunk = rows[(page - 1) * limit : page * limit]
        return json_reply({"status": 200, "success": True, "count": len(chunk), "data": chunk})


@pytest.fixture
def rows(fixtures: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures / "acled_api_rows.json").read_text())


@pytest.fixture
def acled(server: LocalServer, rows: list[dict[str, Any]]) -> FakeAcled:
    return FakeAcled(server, rows)


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)


def client_for(server: LocalServer, **kwargs: Any) -> AcledClient:
    options = {"page_size": 3, "max_retries": 2, "backoff_s": 0.0, "timeout_s": 5.0, **kwargs}
    return AcledClient(
        token_url=f"{server.url}/oauth/token", api_url=f"{server.url}/api/acled/read", **options
    )


def test_pages_are_followed_and_a_snapshot_is_written(
    server, acled, account, cache_dir: Path
) -> None:
    events = fetch_acled(
        countries=["THA", "KHM"], start="2025-05-01", end="2025-12-31", client=client_for(server)
    )
    assert len(events) == 8 and events["fatalities"].sum() == 11
    reads = server.hits("/api/acled/read")
    assert [r.query["page"][0] for r in reads] == ["1", "2", "3"]
    first = reads[0].query
    assert first["country"] == ["Thailand:OR:Cambodia"]
    assert first["event_date"] == ["2025-05-01|2025-12-31"] and first["event_date_where"] == [
        "BETWEEN"
    ]
    assert first["_format"] == ["json"] and first["limit"] == ["3"]
    csvs = sorted((cache_dir / "acled").glob("*.csv"))
    assert len(csvs) == 1
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert csvs[0].name.startswith(f"{today}-")
    meta = json.loads(csvs[0].with_suffix(".json").read_text())
    assert meta["row_count"] == 8 and meta["access_date"] == today
    assert meta["sha256"] == hashlib.sha256(csvs[0].read_bytes()).hexdigest()
    assert meta["query"]["country"] == "Thailand:OR:Cambodia"
    assert "Armed Conflict Location & Event Data (ACLED)" in meta["attribution"]
    assert f"accessed {today}" in meta["attribution"] and "countries=THA|KHM" in meta["attribution"]
    assert events.attrs["attribution"] == meta["attribution"]
    assert events.attrs["source"]["access_date"] == today
    assert events.attrs["source"]["snapshot"] == str(csvs[0])
    assert not list((cache_dir / "acled").glob("*.tmp"))


def test_last_page_exactly_full(server, acled, account) -> None:
    events = fetch_acled(client=client_for(server, page_size=4))
    assert len(events) == 8
    assert [r.query["page"][0] for r in server.hits("/api/acled/read")] == ["1", "2", "3"]


def test_snapshot_is_reused_unless_refresh(server, acled, account, cache_dir: Path) -> None:
    fetch_acled(countries="THA", client=client_for(server))
    n = len(server.requests)
    again = fetch_acled(countries="THA", client=client_for(server))
    assert len(server.requests) == n  # no request at all
    assert len(again) == 4
    fetch_acled(countries="THA", client=client_for(server), refresh=True)
    assert len(server.requests) > n


def test_token_is_cached_0600_and_reused(server, acled, account, cache_dir: Path) -> None:
    client_for(server).fetch({"country": "Thailand"})
    token_file = cache_dir / "tokens" / "acled.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    text = token_file.read_text()
    assert USER not in text and PASSWORD not in text
    client_for(server).fetch({"country": "Thailand"})  # a new client, e.g. the next notebook run
    assert len(server.hits("/oauth/token")) == 1


def test_expired_token_is_refreshed(server, acled, account) -> None:
    acled.expires_in = 0  # every token is already expired when it arrives
    client = client_for(server)
    client.fetch({})
    grants = [r.form()["grant_type"] for r in server.hits("/oauth/token")]
    assert grants[0] == "password"
    assert set(grants[1:]) == {"refresh_token"} and len(grants) == 3  # one refresh per further page


def test_token_rejected_mid_download_is_refreshed(server, acled, account) -> None:
    client = client_for(server)
    client.access_token()
    acled.access.clear()  # the server revokes every token
    frame = client.fetch({})
    assert len(frame) == 8
    grants = [r.form()["grant_type"] for r in server.hits("/oauth/token")]
    assert grants == ["password", "refresh_token"]


def test_refused_refresh_falls_back_to_password(server, acled, account) -> None:
    acled.expires_in = 0
    client = client_for(server)
    client.access_token()
    acled.refresh.clear()
    client.access_token()
    grants = [r.form()["grant_type"] for r in server.hits("/oauth/token")]
    assert grants == ["password", "refresh_token", "password"]


def test_429_then_success(server, acled, account) -> None:
    acled.fail_reads = [429, 503]
    frame = client_for(server).fetch({})
    assert len(frame) == 8
    assert [r.query["page"][0] for r in server.hits("/api/acled/read")][:3] == ["1", "1", "1"]


def test_500_then_failure(server, acled, account) -> None:
    acled.always = 500
    with pytest.raises(DataSourceError) as err:
        client_for(server).fetch({})
    message = str(err.value)
    assert "HTTP 500" in message and "after 3 tries" in message and "/api/acled/read" in message
    assert len(server.hits("/api/acled/read")) == 3


def test_persistent_429_says_to_wait(server, acled, account) -> None:
    acled.fail_reads = [429] * 5
    with pytest.raises(DataSourceError, match="HTTP 429 .*rate limit still exceeded after 3 tries"):
        client_for(server).fetch({})


def test_wrong_password_names_the_variables(server, acled, monkeypatch) -> None:
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", "wrong-SECRET-guess")
    with pytest.raises(DataSourceError) as err:
        client_for(server).fetch({})
    message = str(err.value)
    assert "ACLED_USERNAME" in message and "ACLED_PASSWORD" in message
    assert "wrong-SECRET-guess" not in message and "invalid_grant" in message


@pytest.mark.parametrize("status", [401, 403])
def test_refused_data_request_names_the_variables(server, acled, account, status: int) -> None:
    acled.always = status
    with pytest.raises(DataSourceError) as err:
        client_for(server).fetch({})
    assert f"HTTP {status}" in str(err.value) and "ACLED_USERNAME" in str(err.value)
    assert PASSWORD not in str(err.value)


def test_missing_credentials(server, acled) -> None:
    with pytest.raises(DataSourceError, match="ACLED_USERNAME .* ACLED_PASSWORD"):
        client_for(server).fetch({})
    assert server.requests == []


def test_password_from_keyring(server, acled, monkeypatch) -> None:
    monkeypatch.setenv("ACLED_USERNAME", USER)
    keyring = types.ModuleType("keyring")
    asked: list[tuple[str, str]] = []

    def get_password(service: str, username: str) -> str:
        asked.append((service, username))
        return PASSWORD

    keyring.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    assert len(client_for(server).fetch({})) == 8
    assert asked == [("acleddata.com", USER)]


def test_credentials_never_in_logs_or_snapshots(server, acled, account, cache_dir, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    acled.fail_reads = [429]
    acled.expires_in = 0
    events = fetch_acled(countries="KHM", client=client_for(server))
    secrets = [USER, PASSWORD, *acled.access, *acled.refresh, "TOKENSECRET"]
    assert "page" in caplog.text  # something was logged
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in repr(client_for(server))
        assert secret not in json.dumps(events.attrs)
    for path in (cache_dir / "acled").iterdir():
        text = path.read_text()
        for secret in secrets:
            assert secret not in text, path.name


def test_server_down(monkeypatch, account) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    client = AcledClient(
        token_url=f"http://127.0.0.1:{port}/oauth/token",
        api_url=f"http://127.0.0.1:{port}/x",
        max_retries=1,
        backoff_s=0.0,
        timeout_s=2.0,
    )
    with pytest.raises(DataSourceError, match="no answer from http://127.0.0.1:.* after 2 tries"):
        client.fetch({})


def test_query_building() -> None:
    assert acled_query(start="2025-07-01") == {
        "event_date": "2025-07-01",
        "event_date_where": ">=",
        "inter_num": 0,
    }
    q = acled_query(
        countries=["KHM"],
        event_types=["Battles", "Explosions/Remote violence"],
        extra={"admin1": "Surin"},
    )
    assert q["country"] == "Cambodia" and q["event_type"] == "Battles:OR:Explosions/Remote violence"
    assert q["admin1"] == "Surin"
    with pytest.raises(ParameterError, match="scamgeo sets password itself"):
        acled_query(extra={"password": "x"})
    with pytest.raises(ParameterError, match="page_size"):
        AcledClient(page_size=0)
