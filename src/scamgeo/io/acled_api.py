"""A client for ACLED's API (OAuth password grant, 2025) with dated snapshots.

Credentials come from the environment (``ACLED_USERNAME``, ``ACLED_PASSWORD``)
or, for the password, from the system keyring (service ``acleddata.com``).
They are sent only to the token endpoint, never logged, never written to a
snapshot; the access token is cached under ``config.cache_dir/tokens`` with
permissions 0600 and refreshed when it expires.

Every download is saved under ``config.cache_dir/acled`` as
``<access date>-<query hash>.csv`` with a ``.json`` beside it holding the
query, the access date, the row count, the sha256 and ACLED's attribution
line, so that a brief can credit ACLED as its terms require.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import requests

from .. import config
from .._errors import DataSourceError, ParameterError
from ._cache import find_snapshot, query_hash, read_private_json, write_private_json, write_snapshot
from ._events import COUNTRY_NAMES, check_filters, describe_filters, today
from ._http import error_for, request, safe_url, scrub
from .acled import ACLED_ATTRIBUTION, ACLED_COLUMNS, read_acled

__all__ = [
    "ACLED_API_URL",
    "ACLED_TOKEN_URL",
    "KEYRING_SERVICE",
    "AcledClient",
    "acled_query",
    "fetch_acled",
]

logger = logging.getLogger(__name__)

#: ACLED's OAuth token endpoint.
ACLED_TOKEN_URL = "https://acleddata.com/oauth/token"

#: ACLED's data endpoint.
ACLED_API_URL = "https://acleddata.com/api/acled/read"

#: Keyring service under which the ACLED password may be stored.
KEYRING_SERVICE = "acleddata.com"

#: Environment variables read for the account.
USERNAME_VAR = "ACLED_USERNAME"
PASSWORD_VAR = "ACLED_PASSWORD"

AUTH_HINT = (
    f"Set {USERNAME_VAR} to the e-mail of your ACLED account and {PASSWORD_VAR} to its password "
    f"(or store the password with `keyring set {KEYRING_SERVICE} <e-mail>`). A 403 usually means the "
    "account has no API access yet: accept ACLED's terms of use in your myACLED dashboard "
    "(https://acleddata.com)."
)

_WHAT = "ACLED API"


def _keyring_password(username: str) -> str | None:
    try:
        import keyring  # optional
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, username)
    except Exception as exc:  # any keyring backend failure means "no password there"
        logger.debug("keyring lookup failed (%s)", type(exc).__name__)
        return None


def _account_key(username: str) -> str:
    import hashlib

    return hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:16]


class AcledClient:
    """Authenticated access to ACLED's API: tokens, pages, retries.

    Parameters
    ----------
    username, password : str, optional
        The ACLED account; default from ``ACLED_USERNAME`` and ``ACLED_PASSWORD``
        (the password may also come from the keyring). Never logged or saved.
    token_url, api_url : str
        Endpoints (tests point them at a local server).
    page_size : int, default 5000
        Rows per page (ACLED's ``limit``); pages are followed to the end.
    timeout_s : float or (float, float), optional
        Connect/read timeouts (default :data:`scamgeo.io._http.TIMEOUT_S`).
    max_retries : int, optional
        Retries on 429/5xx and dropped connections.
    backoff_s : float, optional
        First wait between retries (doubled each time).
    cache_token : bool, default True
        Keep the access token in ``config.cache_dir/tokens/acled.json`` (0600).
    session : requests.Session, optional
        A session to reuse.
    max_pages : int, default 10000
        Most pages :meth:`fetch` follows for one query; past it a
        :class:`~scamgeo.DataSourceError` asks for a narrower query.
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        token_url: str = ACLED_TOKEN_URL,
        api_url: str = ACLED_API_URL,
        page_size: int = 5000,
        timeout_s: float | tuple[float, float] | None = None,
        max_retries: int | None = None,
        backoff_s: float | None = None,
        cache_token: bool = True,
        session: requests.Session | None = None,
        max_pages: int = 10_000,
    ) -> None:
        if int(page_size) <= 0:
            raise ParameterError(f"page_size must be > 0, got {page_size!r}.")
        self._username = username
        self._password = password
        self.token_url = token_url
        self.api_url = api_url
        self.page_size = int(page_size)
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.cache_token = cache_token
        self.max_pages = max_pages
        self.session = session or requests.Session()
        self._token: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"AcledClient(api_url={safe_url(self.api_url)!r}, page_size={self.page_size})"

    # --- credentials and tokens -----------------------------------------------

    def _user(self) -> str:
        user = self._username or os.environ.get(USERNAME_VAR)
        if not user:
            raise DataSourceError(f"{_WHAT}: no ACLED account given. {AUTH_HINT}")
        return user.strip()

    def _secret(self) -> str:
        secret = self._password or os.environ.get(PASSWORD_VAR) or _keyring_password(self._user())
        if not secret:
            raise DataSourceError(f"{_WHAT}: no password for the ACLED account. {AUTH_HINT}")
        return secret

    def _secrets(self) -> list[str | None]:
        tok = self._token or {}
        return [
            self._password,
            os.environ.get(PASSWORD_VAR),
            tok.get("access_token"),
            tok.get("refresh_token"),
        ]

    @property
    def token_path(self) -> Path:
        """Where the access token is cached (read at each use from ``config.cache_dir``)."""
        return Path(config.cache_dir) / "tokens" / "acled.json"

    def _post_token(self, data: dict[str, str], *, grant: str) -> dict[str, Any] | None:
        secrets = [*self._secrets(), data.get("password"), data.get("refresh_token")]
        response = request(
            self.session,
            "POST",
            self.token_url,
            what=_WHAT,
            data=data,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
            backoff_s=self.backoff_s,
        )
        with response:
            if response.status_code == 200:
                try:
                    body = response.json()
                except ValueError:
                    raise DataSourceError(
                        f"{_WHAT}: the token endpoint {safe_url(self.token_url)} did not answer JSON."
                    ) from None
                if not body.get("access_token"):
                    raise DataSourceError(f"{_WHAT}: the token endpoint gave no access_token.")
                return body
            if grant == "refresh_token" and response.status_code in (400, 401, 403):
                logger.info(
                    "%s: refresh token refused (HTTP %d); logging in again",
                    _WHAT,
                    response.status_code,
                )
                return None
            if grant == "password" and response.status_code == 400:
                error = scrub(response.text[:200], secrets)
                raise DataSourceError(
                    f"{_WHAT}: the login was refused (HTTP 400 from {safe_url(self.token_url)}: {error}). {AUTH_HINT}"
                )
            tries = (self.max_retries if self.max_retries is not None else 4) + 1
            raise error_for(response, what=_WHAT, auth_hint=AUTH_HINT, secrets=secrets, tries=tries)

    def _store(self, body: Mapping[str, Any]) -> None:
        given = body.get("expires_in")
        expires_in = 3600.0 if given is None else float(given)
        self._token = {
            "access_token": body["access_token"],
            "refresh_token": body.get("refresh_token") or (self._token or {}).get("refresh_token"),
            "expires_at": time.time() + expires_in - 60,
            "account": _account_key(self._user()),
        }
        if self.cache_token:
            write_private_json(self.token_path, self._token)

    def _load_cached(self) -> None:
        if self._token is None and self.cache_token:
            cached = read_private_json(self.token_path)
            if (
                cached
                and cached.get("account") == _account_key(self._user())
                and cached.get("access_token")
            ):
                self._token = cached

    def access_token(self, *, force_refresh: bool = False) -> str:
        """A valid access token: cached, refreshed, or from a new password login.

        Parameters
        ----------
        force_refresh : bool, default False
            Get a new token even if the one held has not expired (with the
            refresh token if there is one, else by logging in again), e.g. after
            the API rejected it with HTTP 401.

        Returns
        -------
        str
            The access token (sent as ``Authorization: Bearer <token>``).
        """
        self._load_cached()
        tok = self._token
        if tok and not force_refresh and float(tok.get("expires_at") or 0) > time.time():
            return str(tok["access_token"])
        if tok and tok.get("refresh_token"):
            body = self._post_token(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": tok["refresh_token"],
                    "client_id": "acled",
                },
                grant="refresh_token",
            )
            if body is not None:
                logger.info("%s: access token refreshed", _WHAT)
                self._store(body)
                return str(self._token["access_token"])  # type: ignore[index]
        body = self._post_token(
            {
                "username": self._user(),
                "password": self._secret(),
                "grant_type": "password",
                "client_id": "acled",
                "scope": "authentication",
            },
            grant="password",
        )
        logger.info("%s: logged in, new access token", _WHAT)
        self._store(body)  # type: ignore[arg-type]
        return str(self._token["access_token"])  # type: ignore[index]

    # --- data ------------------------------------------------------------------

    def fetch(self, query: Mapping[str, Any]) -> pd.DataFrame:
        """Every row matching ``query``, following pages to the end.

        Parameters
        ----------
        query : dict
            ACLED API parameters (see :func:`acled_query`); ``_format``,
            ``limit`` and ``page`` are added here.

        Returns
        -------
        pandas.DataFrame
            The rows as ACLED sent them (text and numbers).
        """
        rows: list[dict[str, Any]] = []
        page = 1
        reauthenticated = False
        tries = (self.max_retries if self.max_retries is not None else 4) + 1
        while True:
            if page > self.max_pages:
                raise DataSourceError(
                    f"{_WHAT}: more than {self.max_pages} pages; narrow the query."
                )
            params = {**query, "_format": "json", "limit": self.page_size, "page": page}
            token = self.access_token()
            response = request(
                self.session,
                "GET",
                self.api_url,
                what=_WHAT,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout_s,
                max_retries=self.max_retries,
                backoff_s=self.backoff_s,
            )
            with response:
                if response.status_code == 401 and not reauthenticated:
                    logger.info("%s: token rejected (HTTP 401); refreshing it", _WHAT)
                    reauthenticated = True
                    self.access_token(force_refresh=True)
                    continue
                if response.status_code != 200:
                    raise error_for(
                        response,
                        what=_WHAT,
                        auth_hint=AUTH_HINT,
                        secrets=self._secrets(),
                        tries=tries,
                    )
                try:
                    body = response.json()
                except ValueError:
                    raise DataSourceError(
                        f"{_WHAT}: page {page} from {safe_url(self.api_url)} is not JSON."
                    ) from None
            if isinstance(body, dict) and body.get("success") is False:
                error = body.get("error") or body.get("messages") or body
                raise DataSourceError(
                    f"{_WHAT}: the query was refused: {scrub(str(error)[:300], self._secrets())}"
                )
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise DataSourceError(
                    f"{_WHAT}: page {page} has no 'data' list; did the API change?"
                )
            rows.extend(data)
            logger.info("%s: page %d, %d rows (%d so far)", _WHAT, page, len(data), len(rows))
            reauthenticated = False
            if len(data) < self.page_size:
                break
            page += 1
        return pd.DataFrame.from_records(rows)


def acled_query(
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ACLED API parameters for scamgeo's filters.

    Countries are ISO3 codes, sent as ACLED's country names joined with
    ``:OR:``; dates go in ``event_date`` with ``event_date_where``;
    ``inter_num=0`` asks for actor types as text. ``extra`` adds raw ACLED
    parameters (e.g. ``{"admin1": "Surin"}``).

    Parameters
    ----------
    countries : str or list of str, optional
        ISO3 codes, e.g. ``["THA", "KHM"]`` (sent as ACLED's ``country`` names).
    start, end : str or date-like, optional
        First and last event date (inclusive); either may be left open.
    event_types : str or list of str, optional
        ACLED event types (sent as ``event_type``).
    extra : dict, optional
        More ACLED API parameters, added as they are; ``key``, ``email``,
        ``password``, ``username``, ``_format``, ``limit`` and ``page`` are
        refused (scamgeo sets them itself).

    Returns
    -------
    dict
        The query parameters, for :meth:`AcledClient.fetch`.

    Raises
    ------
    ParameterError
        An unknown country or event type, ``start`` after ``end``, or a
        reserved key in ``extra``.
    """
    f = check_filters(countries=countries, start=start, end=end, event_types=event_types)
    query: dict[str, Any] = {}
    if f["countries"]:
        query["country"] = ":OR:".join(COUNTRY_NAMES[c][0] for c in f["countries"])
    s = f["start"].strftime("%Y-%m-%d") if f["start"] is not None else None
    e = f["end"].strftime("%Y-%m-%d") if f["end"] is not None else None
    if s and e:
        query.update(event_date=f"{s}|{e}", event_date_where="BETWEEN")
    elif s:
        query.update(event_date=s, event_date_where=">=")
    elif e:
        query.update(event_date=e, event_date_where="<=")
    if f["event_types"]:
        query["event_type"] = ":OR:".join(f["event_types"])
    query["inter_num"] = 0
    for key, value in (extra or {}).items():
        if key in ("key", "email", "password", "username", "_format", "limit", "page"):
            raise ParameterError(
                f"extra={{{key!r}: ...}} is not allowed: scamgeo sets {key} itself."
            )
        query[key] = value
    return query


def fetch_acled(
    *,
    countries: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    min_geo_precision: int | None = None,
    extra: Mapping[str, Any] | None = None,
    refresh: bool = False,
    client: AcledClient | None = None,
) -> gpd.GeoDataFrame:
    """Download ACLED events (or reuse the last snapshot of the same query).

    Parameters
    ----------
    countries : str or list of str, optional
        ISO3 codes, e.g. ``["THA", "KHM"]``.
    start, end : str or date-like, optional
        First and last event date (inclusive).
    event_types : str or list of str, optional
        ACLED event types (filtered by the API).
    sub_event_types : str or list of str, optional
        Sub-event types (filtered after download).
    min_geo_precision : {1, 2, 3}, optional
        Keep events located at least this precisely (after download).
    extra : dict, optional
        More ACLED API parameters, passed as they are.
    refresh : bool, default False
        Download even if a snapshot of this query exists (a new dated snapshot
        is written; old ones are kept).
    client : AcledClient, optional
        A configured client (default: credentials from the environment).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`scamgeo.io.read_acled`, read from the snapshot;
        ``.attrs["attribution"]`` is ACLED's credit line with the access date
        and the filters, ``.attrs["source"]["snapshot"]`` the snapshot path.

    Raises
    ------
    DataSourceError
        Missing credentials, HTTP 401/403 (the message names ``ACLED_USERNAME``
        and ``ACLED_PASSWORD``), rate limits or server errors that outlast the
        retries.
    """
    query = acled_query(
        countries=countries, start=start, end=end, event_types=event_types, extra=extra
    )
    snapshot = None if refresh else find_snapshot("acled", query)
    if snapshot is not None:
        logger.info("ACLED: using the snapshot %s (pass refresh=True to download again)", snapshot)
    else:
        client = client or AcledClient()
        frame = client.fetch(query)
        if frame.empty and not len(frame.columns):
            frame = pd.DataFrame(columns=list(ACLED_COLUMNS))
        access_date = today()
        filters = describe_filters(
            {
                "countries": check_filters(countries=countries)["countries"],
                "start": start,
                "end": end,
                "event_types": event_types,
            }
        )
        attribution = (
            f"Source: {ACLED_ATTRIBUTION}. Data accessed {access_date} through the ACLED API; "
            f"filters: {filters}. ACLED's terms of use apply; its data may not be redistributed."
        )
        snapshot = write_snapshot(
            "acled",
            frame,
            query=query,
            access_date=access_date,
            accessed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            attribution=attribution,
            dataset="ACLED",
            endpoint=safe_url(client.api_url),
            extra={"query_hash": query_hash(query), "terms": "https://acleddata.com/terms-of-use/"},
        )
        logger.info("ACLED: %d rows saved to %s", len(frame), snapshot)
    events = read_acled(
        snapshot, sub_event_types=sub_event_types, min_geo_precision=min_geo_precision
    )
    events.attrs["source"]["snapshot"] = str(snapshot)
    return events
