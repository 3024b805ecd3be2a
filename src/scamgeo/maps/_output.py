"""Map output: HTML (self-contained), notebook display, files."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import folium

from .._errors import DataSourceError
from .._files import atomic_write_text
from .._validate import check_positive
from ._assets import inline_assets, remote_references
from ._common import check_map

__all__ = [
    "MapDisplay",
    "display_map",
    "save_map",
    "to_html",
]


logger = logging.getLogger("scamgeo.maps")


# --- saving ----------------------------------------------------------------------


def to_html(m: folium.Map, *, self_contained: bool = True, trim: bool = True) -> str:
    """The whole page of ``m`` as a string (see :func:`save_map` for the options).

    Raises
    ------
    DataSourceError
        If ``self_contained`` and an asset has no installed copy.
    """
    check_map(m)
    page = m.get_root().render()
    if self_contained:
        page = inline_assets(page, trim=trim)
        left = remote_references(page)
        if left:
            raise DataSourceError(
                f"save_map: {len(left)} network reference(s) left in a self-contained map, e.g. {left[0][:120]!r}; "
                "an element links a file scamgeo cannot inline. Save with self_contained=False or remove it."
            )
    return page


class MapDisplay:
    """A map shown in a notebook (or an HTML brief) as a self-contained iframe.

    Jupyter calls ``_repr_html_``; the page travels inside the iframe's
    ``srcdoc``, so a brief exported to HTML shows the map with no network.
    """

    def __init__(self, m: folium.Map, *, height: int = 520):
        self.page = to_html(m)
        self.height = int(check_positive(height, name="height"))

    def _repr_html_(self) -> str:
        import html as _stdhtml

        return (
            f'<iframe srcdoc="{_stdhtml.escape(self.page, quote=True)}" style="width:100%;height:{self.height}px;'
            'border:none" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            'loading="eager" title="map"></iframe>'
        )


def display_map(m: folium.Map, *, height: int = 520) -> MapDisplay:
    """Show ``m`` in a notebook as a self-contained iframe (works offline and in exported briefs).

    Parameters
    ----------
    m : folium.Map
    height : int, default 520
        Height in pixels.

    Returns
    -------
    MapDisplay
        An object Jupyter renders as the map.
    """
    return MapDisplay(m, height=height)


def save_map(
    m: folium.Map, path: str | os.PathLike, *, self_contained: bool = True, trim: bool = True
) -> Path:
    """Write ``m`` as one HTML file, by default with every script and stylesheet inside it.

    Parameters
    ----------
    m : folium.Map
    path : str or path-like
        Output file (its folder is created). Written atomically.
    self_contained : bool, default True
        Inline Leaflet, its plugins and their CSS from installed packages
        (folium-offline, folium), so the file renders with no network at all.
        With False, the file links them from CDNs like ``m.save`` does.
    trim : bool, default True
        With ``self_contained``, leave out folium's default assets the map does
        not use (jQuery, Bootstrap, Font Awesome, Awesome Markers; ~1.3 MB).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataSourceError
        If an asset has no installed copy, or the output cannot be written.
    """
    page = to_html(m, self_contained=self_contained, trim=trim)
    path = Path(path)
    try:
        atomic_write_text(path, page)
    except OSError as exc:
        raise DataSourceError(f"save_map: cannot write {path}: {exc.strerror or exc}.") from None
    logger.info("saved map %s (%.1f MB)", path, path.stat().st_size / 1e6)
    return path
