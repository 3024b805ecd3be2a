"""HTTP plumbing: explicit timeouts, retries with backoff, safe error messages.

Retries happen on rate limits (429) and server errors (500, 502, 503, 504)
and on dropped connections, waiting ``backoff_s * 2**attempt`` seconds (or
what the server's ``Retry-After`` asks, capped), then give up with a
:class:`~scamgeo.DataSourceError` that names the service, the URL (never a
credential) and what to do. Authentication failures (401/403) are not
retried: the caller turns them into a message naming the account variable.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from .._errors import DataSourceError
from .._version import __version__
from ._cache import atomic_target

__all__ = [
    "BACKOFF_S",
    "MAX_RETRIES",
    "RETRY_STATUSES",
    "TIMEOUT_S",
    "USER_AGENT",
    "download",
    "error_for",
    "request",
]

logger = logging.getLogger(__name__)

#: (connect, read) timeouts in seconds for every request.
TIMEOUT_S: tuple[float, float] = (10.0, 120.0)

#: How many times a request is retried after the first try.
MAX_RETRIES = 4

#: First wait between tries, doubled at each retry.
BACKOFF_S = 2.0

#: Longest wait between two tries, whatever ``Retry-After`` says.
MAX_WAIT_S = 120.0

#: Statuses worth retrying.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Sent with every request.
USER_AGENT = f"scamgeo/{__version__} (research notebooks; python-requests)"


def safe_url(url: str) -> str:
    """The URL without user:password or query string (which may hold keys)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | tuple[float, float] | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
    stream: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """Send one request, retrying rate limits, server errors and dropped connections.

    Returns the last response, whatever its status (the caller decides what a
    401 means); raises :class:`DataSourceError` only when no response came.
    """
    max_retries = MAX_RETRIES if max_retries is None else max_retries
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    timeout = TIMEOUT_S if timeout is None else timeout
    merged = {"User-Agent": USER_AGENT, **(headers or {})}
    for attempt in range(max_retries + 1):
        wait = min(MAX_WAIT_S, backoff_s * 2**attempt)
        try:
            response = session.request(
                method,
                url,
                params=params,
                data=data,
                headers=merged,
                timeout=timeout,
                stream=stream,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            if attempt < max_retries:
                logger.warning(
                    "%s: %s on %s; retry %d of %d in %.1f s",
                    what,
                    type(exc).__name__,
                    safe_url(url),
                    attempt + 1,
                    max_retries,
                    wait,
                )
                sleep(wait)
                continue
            raise DataSourceError(
                f"{what}: no answer from {safe_url(url)} after {max_retries + 1} tries "
                f"({type(exc).__name__}). Check the network connection, or try again later."
            ) from None
        except requests.RequestException as exc:
            raise DataSourceError(
                f"{what}: could not send the request to {safe_url(url)} ({type(exc).__name__})."
            ) from None
        if response.status_code in RETRY_STATUSES and attempt < max_retries:
            asked = _retry_after(response)
            delay = min(MAX_WAIT_S, asked) if asked is not None else wait
            logger.warning(
                "%s: HTTP %d from %s; retry %d of %d in %.1f s",
                what,
                response.status_code,
                safe_url(url),
                attempt + 1,
                max_retries,
                delay,
            )
            response.close()
            sleep(delay)
            continue
        logger.debug("%s: HTTP %d from %s", what, response.status_code, safe_url(url))
        return response
    raise AssertionError("unreachable")  # pragma: no cover


def error_for(
    response: requests.Response,
    *,
    what: str,
    auth_hint: str,
    secrets: Iterable[str | None] = (),
    tries: int | None = None,
) -> DataSourceError:
    """A :class:`DataSourceError` explaining a failed response (never quoting a secret)."""
    status = response.status_code
    url = safe_url(response.url or "")
    try:
        body = response.text[:300].strip().replace("\n", " ")
    except Exception:  # a streamed or undecodable body
        body = ""
    body = scrub(body, secrets)
    detail = f" Server said: {body}" if body else ""
    tries_text = f" after {tries} tries" if tries else ""
    if status in (401, 403):
        verb = "refused the credentials" if status == 401 else "refused access"
        return DataSourceError(
            f"{what}: HTTP {status} from {url}: the server {verb}. {auth_hint}{detail}"
        )
    if status == 429:
        return DataSourceError(
            f"{what}: HTTP 429 from {url}: rate limit still exceeded{tries_text}. Wait a few minutes "
            f"and run again, or narrow the query (fewer countries, a shorter period).{detail}"
        )
    if status >= 500:
        return DataSourceError(
            f"{what}: HTTP {status} from {url}: the server failed{tries_text}. It may be down or "
            f"overloaded; try again later.{detail}"
        )
    return DataSourceError(f"{what}: HTTP {status} from {url}.{detail}")


def download(
    url: str,
    dest: Path,
    *,
    what: str,
    session: requests.Session | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | tuple[float, float] | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
    auth_hint: str = "",
) -> str:
    """Download ``url`` into ``dest`` atomically; return the file's sha256.

    The bytes go to a temporary file beside ``dest``, renamed into place only
    when complete, so an interrupted download never leaves a partial file.
    """
    own = session is None
    session = session or requests.Session()
    try:
        retries = MAX_RETRIES if max_retries is None else max_retries
        response = request(
            session,
            "GET",
            url,
            what=what,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            backoff_s=backoff_s,
            stream=True,
        )
        with response:
            if response.status_code != 200:
                raise error_for(response, what=what, auth_hint=auth_hint, tries=retries + 1)
            digest = hashlib.sha256()
            with atomic_target(dest) as tmp, open(tmp, "wb") as fh:
                try:
                    for chunk in response.iter_content(chunk_size=1 << 16):
                        fh.write(chunk)
                        digest.update(chunk)
                except requests.RequestException as exc:
                    raise DataSourceError(
                        f"{what}: the download from {safe_url(url)} broke off ({type(exc).__name__}); try again."
                    ) from None
        logger.info("%s: downloaded %s to %s", what, safe_url(url), dest)
        return digest.hexdigest()
    finally:
        if own:
            session.close()
