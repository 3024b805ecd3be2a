"""Escaping of untrusted text on its way into HTML and JavaScript: one place, used everywhere.

Every name, note, source and URL that a map shows comes from data (curated
tables, an ACLED export, a user's own file) and is treated as hostile:

- :func:`text` turns any value into inert HTML text: ``html.escape`` with
  ``quote=True``, plus the three characters that matter inside a JavaScript
  template literal (folium builds popups with `` `...` ``): backtick, dollar
  and backslash. ``<script>`` stays visible text; ``${...}`` never runs.
- :func:`link` makes a link only of an ``http(s)://`` URL; anything else
  (``javascript:``, ``data:``, ``vbscript:``, relative paths) is shown as text.
- :func:`script_json` serialises data for a ``<script>`` block so that no
  string can close the block (``</script>``) or break out of the literal.

Text produced here is safe to concatenate into HTML and to hand to Leaflet's
``bindPopup``/``bindTooltip``/attribution (which use ``innerHTML``).
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import pandas as pd

__all__ = ["is_http_url", "link", "script_json", "text"]

# http(s) scheme, then no whitespace, control characters, quotes or angle brackets.
_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f<>\"'`]+$", re.IGNORECASE)
_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-like: not a single missing value
        return False


def text(value: Any, *, default: str = "", max_chars: int | None = None) -> str:
    """Escape any value as inert HTML text (missing values give ``default``).

    Parameters
    ----------
    value : object
        A string, number, date or missing value (None, NaN, ``pd.NA``).
    default : str
        Returned (as is: it must be trusted HTML) for a missing or empty value.
    max_chars : int, optional
        Cut the *unescaped* text to this many characters, ending with "…".

    Returns
    -------
    str
        Text in which ``& < > " '`` are entities, as are `` ` $ \\ ``.
    """
    if _missing(value):
        return default
    raw = str(value).strip()
    if not raw:
        return default
    if max_chars is not None and len(raw) > max_chars:
        raw = raw[: max(1, max_chars - 1)].rstrip() + "…"
    return html.escape(raw, quote=True).translate(_EXTRA)


def is_http_url(value: Any) -> bool:
    """True only for an absolute ``http://`` or ``https://`` URL without spaces or quotes."""
    return not _missing(value) and bool(_HTTP_URL.match(str(value).strip()))


def link(url: Any, label: Any = None, *, default: str = "") -> str:
    """An ``<a>`` element for an http(s) URL, or the value as plain text otherwise.

    Parameters
    ----------
    url : object
        The target. Only ``^https?://`` URLs become links; a ``javascript:`` or
        ``data:`` URL (or anything else) is returned escaped, as visible text.
    label : object, optional
        Link text (escaped); defaults to the URL itself.
    default : str
        Returned when ``url`` is missing.

    Returns
    -------
    str
        Safe HTML: the link opens in a new tab with ``rel="noopener noreferrer"``.
    """
    if _missing(url) or not str(url).strip():
        return default
    raw = str(url).strip()
    shown = text(label) if not _missing(label) and str(label).strip() else text(raw)
    if not is_http_url(raw):
        return shown if shown == text(raw) else f"{shown} ({text(raw)})"
    return f'<a href="{text(raw)}" target="_blank" rel="noopener noreferrer">{shown}</a>'


def script_json(obj: Any) -> str:
    """JSON for inclusion inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (so ``</script>``
    and ``<!--`` cannot appear) as do the JavaScript line separators
    U+2028/U+2029. NaN is refused (it is not JSON).
    """
    out = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        out.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
