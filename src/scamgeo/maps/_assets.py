"""Offline copies of the scripts and stylesheets a folium map links to.

folium links Leaflet, its plugins and their CSS from CDNs. For a map that must
open with no network, :func:`inline_assets` replaces each ``<script src>`` and
``<link rel="stylesheet">`` of the rendered HTML by the file's text, taken from
an *installed* package and never fetched at run time:

1. ``folium-offline`` (module ``offlinefolium``): the same folium release with
   every CDN file of folium and its plugins embedded, keyed by the exact CDN
   URL that folium writes (Leaflet's images are already ``data:`` URIs in it);
2. files that folium itself ships (``folium/templates/leaflet_heat.min.js``).

A URL found in neither raises :class:`~scamgeo.DataSourceError` naming it:
nothing is silently left pointing at a CDN.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib import resources

from .._errors import DataSourceError

__all__ = ["asset_text", "inline_assets", "remote_references"]

logger = logging.getLogger(__name__)

# Files folium ships inside its own wheel, by the URL its plugins link to.
_FOLIUM_FILES = {
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": "leaflet_heat.min.js",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet_heat.min.js": "leaflet_heat.min.js",
}

_SCRIPT_TAG = re.compile(r"""<script\s+src=["']([^"']+)["']\s*>\s*</script>""", re.IGNORECASE)
_CSS_TAG = re.compile(
    r"""<link\s+rel=["']stylesheet["']\s+href=["']([^"']+)["']\s*/?>""", re.IGNORECASE
)
_ANY_TAG = re.compile(f"{_SCRIPT_TAG.pattern}|{_CSS_TAG.pattern}", re.IGNORECASE)
# Any script/stylesheet reference still pointing at the network (for checks and tests).
_REMOTE_REF = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]+""",
    re.IGNORECASE,
)


@functools.cache
def _offline_store() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res
    except ImportError:
        return {}
    return dict(_res)


def asset_text(url: str) -> str:
    """The text of the script or stylesheet folium links at ``url``, from an installed package.

    Raises
    ------
    DataSourceError
        If no installed package ships it (the message names the URL and the fix).
    """
    store = _offline_store()
    if url in store:
        return store[url]
    if url in _FOLIUM_FILES:
        return (
            resources.files("folium")
            .joinpath("templates", _FOLIUM_FILES[url])
            .read_text(encoding="utf-8")
        )
    try:
        import folium

        folium_version = folium.__version__
    except ImportError:  # pragma: no cover - folium is a dependency
        folium_version = "?"
    hint = (
        "install folium-offline of the same release as folium "
        f"(folium {folium_version}: `pip install 'folium-offline>={folium_version}'`)"
        if not store
        else f"folium-offline does not ship this file for folium {folium_version}"
    )
    raise DataSourceError(
        f"save_map(self_contained=True): no installed copy of {url}; {hint}, "
        "or save with self_contained=False (the map then needs the network)."
    )


def _escape_block(content: str, tag: str) -> str:
    """Stop ``content`` from closing its ``<script>``/``<style>`` element early."""
    return re.sub(rf"</({tag})", r"<\\/\1", content, flags=re.IGNORECASE)


# folium's Map links these by default; they are dropped from a self-contained
# file when nothing in it uses them (keyed by a marker string that use needs).
def _unused_defaults(html: str) -> set[str]:
    import folium.folium as ff

    urls = dict(ff._default_js) | dict(ff._default_css)
    body = _CSS_TAG.sub("", _SCRIPT_TAG.sub("", html))
    uses_awesome = "AwesomeMarkers" in body
    keep = {
        "jquery": "$(" in body or "jQuery" in body,
        "bootstrap": bool(re.search(r"bootstrap|data-bs-|\bmodal\b", body)),
        "bootstrap_css": bool(
            re.search(r'class="[^"]*\b(?:btn|modal|card|container|row|col-[\w-]+|table)\b', body)
        ),
        "awesome_markers": uses_awesome,
        "awesome_markers_css": uses_awesome,
        "awesome_rotate_css": uses_awesome,
        "awesome_markers_font_css": uses_awesome or bool(re.search(r"\bfa-[a-z]", body)),
        "glyphicons_css": uses_awesome or "glyphicon" in body,
    }
    return {urls[name] for name, needed in keep.items() if not needed and name in urls}


def inline_assets(html: str, *, trim: bool = True) -> str:
    """Replace every linked script and stylesheet of ``html`` by an inline copy.

    Parameters
    ----------
    html : str
        A page rendered by folium.
    trim : bool, default True
        Drop folium's default assets that the page does not use (jQuery,
        Bootstrap, Font Awesome, Awesome Markers): about 1.3 MB.

    Returns
    -------
    str
        The page with ``<script>``/``<style>`` blocks instead of links.
    """
    drop = _unused_defaults(html) if trim else set()
    if drop:
        logger.debug("dropping unused default assets: %s", sorted(drop))

    def replace(match: re.Match) -> str:
        js_url, css_url = match.group(1), match.group(2)
        url = js_url or css_url
        if url in drop:
            return ""
        if js_url:
            return "<script>" + _escape_block(asset_text(url), "script") + "</script>"
        return "<style>" + _escape_block(asset_text(url), "style") + "</style>"

    # One pass, so text inside an inlined file is never rewritten.
    return _ANY_TAG.sub(replace, html)


def remote_references(html: str) -> list[str]:
    """Network references of scripts, stylesheets, images or frames left in ``html``."""
    return [m.group(0) for m in _REMOTE_REF.finditer(html)]
