"""Shared fixtures of the scamgeo.io tests: fixture files, a local HTTP server, the cache.

Every test here runs offline. API clients talk to a real ``http.server`` on
127.0.0.1 in a thread, answering with hand-written responses; the download
cache (``scamgeo.config.cache_dir``) points into the test's tmp_path.
"""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pandas as pd
import pytest

import scamgeo
import scamgeo.config
from scamgeo.schema import EVENTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "io"


@pytest.fixture
def fixtures() -> Path:
    """The folder of the io fixtures (written by tests/fixtures/io/make_fixtures.py)."""
    return FIXTURES


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point scamgeo's download cache into tmp_path: tests never write to data/raw."""
    path = tmp_path / "cache"
    monkeypatch.setattr(scamgeo.config, "cache_dir", path)
    return path


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test without the analyst's real credentials."""
    for var in ("ACLED_USERNAME", "ACLED_PASSWORD", "UCDP_API_TOKEN"):
        monkeypatch.delenv(var, raising=False)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1; routes map (method, path) to a handler."""

    routes: dict[tuple[str, str], Callable[[Request], Reply]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def route(self, method: str, path: str, handler: Callable[[Request], Reply]) -> None:
        self.routes[(method, path)] = handler

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def json_reply(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(obj).encode()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A running LocalServer; stopped after the test."""
    state = LocalServer()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            req = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                dict(self.headers.items()),
                self.rfile.read(length) if length else b"",
            )
            state.requests.append(req)
            handler = state.routes.get((self.command, parts.path))
            status, headers, body = handler(req) if handler else (404, {}, b"not found")
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def synthetic_events() -> gpd.GeoDataFrame:
    """A small frame in the common schema, as scamgeo.datasets.events() gives it (invented rows)."""
    raw = pd.DataFrame(
        {
            "event_id": ["SG-E9001", "SG-E9002", "SG-E9003", "SG-E9004"],
            "event_date": ["2025-05-28", "2025-07-24", "2025-07-24", "2025-12-08"],
            "time_precision": ["1", "1", "2", "1"],
            "event_type": [
                "Battles",
                "Explosions/Remote violence",
                "Explosions/Remote violence",
                "Battles",
            ],
            "sub_event_type": [
                "Armed clash",
                "Shelling/artillery/missile attack",
                "Remote explosive/landmine/IED",
                "Armed clash",
            ],
            "actor1": [
                "Military Forces of Thailand",
                "Military Forces of Cambodia",
                "Unidentified Armed Group",
                "Military Forces of Thailand",
            ],
            "actor2": [
                "Military Forces of Cambodia",
                "Civilians (Thailand)",
                None,
                "Military Forces of Cambodia",
            ],
            "country": ["THA", "THA", "THA", "KHM"],
            "admin1": ["Ubon Ratchathani", "Si Sa Ket", "Sa Kaeo", "Oddar Meanchey"],
            "admin2": ["Nam Yuen", "Kantharalak", None, None],
            "location": ["Chong Bok", "Kantharalak", "Khok Sung", "Samraong"],
            "latitude": ["14.383", "14.652", None, "14.181"],
            "longitude": ["105.012", "104.651", None, "103.517"],
            "geo_precision": ["2", "2", None, "3"],
            "fatalities": ["1", "4", None, "0"],
            "notes": ["FIXTURE: invented", "FIXTURE: invented, with a comma", None, "FIXTURE"],
            "source": ["Bangkok Post", "Reuters; Thai PBS", "Khaosod English", "Khmer Times"],
            "source_url": [
                "https://example.org/1",
                "https://example.org/2",
                "https://example.org/3",
                "https://example.org/4",
            ],
            "source_date": ["2025-05-29", "2025-07-25", "2025-07-25", "2025-12-09"],
            "claimed_by": [None, "THA", None, "KHM"],
        }
    )
    df = EVENTS.validate(raw)
    df["admin1_code"] = scamgeo.datasets.province_code(
        df["admin1"], country=df["country"].astype("string")
    )
    df["dataset"] = "scamgeo"
    return gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326"
    )


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV fixture as an Excel workbook (dates as real Excel dates when asked)."""

    def make(
        csv_path: Path,
        *,
        date_columns: tuple[str, ...] = (),
        sheet: str = "Sheet1",
        name: str | None = None,
    ) -> Path:
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in date_columns:
            frame[col] = pd.to_datetime(frame[col], format="mixed", dayfirst=True)
        out = tmp_path / (name or f"{csv_path.stem}.xlsx")
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=sheet, index=False)
        return out

    return make


@pytest.fixture
def make_zip(tmp_path: Path) -> Callable[..., Path]:
    """Zip fixture files (as members named after them)."""

    def make(*paths: Path, name: str = "archive.zip") -> Path:
        out = tmp_path / name
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
        return out

    return make
