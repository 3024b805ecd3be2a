"""Map output: HTML (self-contained), notebook display, files."""

from __future__ import annotations

import os
from pathlib import Path

import folium

from .._errors import DataSourceError
from .._files import atomic_write_text
from .._validate import check_positive
from ._assets import inline_assets, remote_references
from ._common import check_map, logger
from ._static import describe_map, static_image

__all__ = [
    "MapDisplay",
    "display_map",
    "save_map",
    "to_html",
]


# --- saving ----------------------------------------------------------------------


def to_html(m: folium.Map, *, self_contained: bool = True, trim: bool = True) -> str:
    """The whole page of ``m`` as a string (see :func:`save_map` for the options).

    Parameters
    ----------
    m : folium.Map
        A map from :mod:`scamgeo.maps`.
    self_contained : bool, default True
        Inline Leaflet and every asset, so the page needs no network.
    trim : bool, default True
        Leave out assets the page does not use.

    Raises
    ------
    DataSourceError
        If ``self_contained`` and an asset has no installed copy.

    Examples
    --------
    >>> from scamgeo import maps
    >>> page = maps.to_html(maps.base_map())
    >>> page.startswith('<!DOCTYPE html>'), 'Countries' in page
    (True, True)
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
    With ``print_image``, a static PNG of the same map (:func:`static_image`)
    travels with it: on screen it lies under the iframe until the map has drawn
    (a screenshot or a reader never sees a blank box), and in print it stands
    in for the iframe.

    Parameters
    ----------
    m : folium.Map
        The map.
    height : int, default 520
        Height of the iframe in pixels.
    print_image : bool, default False
        Also carry a static PNG of the map for print.

    Examples
    --------
    >>> from scamgeo import maps
    >>> shown = maps.display_map(maps.base_map(), height=300)
    >>> type(shown).__name__, '<iframe' in shown._repr_html_()
    ('MapDisplay', True)
    """

    def __init__(self, m: folium.Map, *, height: int = 520, print_image: bool = False):
        self.page = to_html(m)
        self.height = int(check_positive(height, name="height"))
        self.png: bytes | None = None
        self.alt = describe_map(m)
        if print_image:
            # 7 x 5 in at 200 dpi: sharp on paper and at twice a phone's pixel density
            self.png = static_image(m, width_in=7.0, height_in=5.0, dpi=200)

    def _repr_html_(self) -> str:
        import base64
        import html as _stdhtml

        frame = (
            f'<iframe srcdoc="{_stdhtml.escape(self.page, quote=True)}" class="scamgeo-map" '
            f'style="width:100%;height:{self.height}px;'
            'border:none" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'loading="eager" title="{_stdhtml.escape(self.alt, quote=True)}"></iframe>'
        )
        if self.png is None:
            return frame
        data = base64.b64encode(self.png).decode("ascii")
        # The static image sits under the (transparent until drawn) iframe: a reader, a
        # screenshot or a browser that has not run the map's script yet sees the same map
        # drawn, never a blank box; in print the iframe is hidden and the image flows.
        return (
            "<style>.scamgeo-map-box{position:relative}"
            ".scamgeo-map-box img.scamgeo-map-print{position:absolute;top:0;left:0;"
            "width:100%;height:100%;object-fit:contain}"
            ".scamgeo-map-box iframe.scamgeo-map{position:relative;display:block}"
            "@media print{.scamgeo-map-box iframe.scamgeo-map{display:none}"
            ".scamgeo-map-box img.scamgeo-map-print{position:static;display:block;"
            "height:auto;max-width:100%;break-inside:avoid}}</style>"
            '<div class="scamgeo-map-box">'
            f'<img class="scamgeo-map-print" alt="{_stdhtml.escape(self.alt, quote=True)}" '
            f'src="data:image/png;base64,{data}">' + frame + "</div>"
        )


def display_map(m: folium.Map, *, height: int = 520, print_image: bool = False) -> MapDisplay:
    """Show ``m`` in a notebook as a self-contained iframe (works offline and in exported briefs).

    Parameters
    ----------
    m : folium.Map
    height : int, default 520
        Height in pixels.
    print_image : bool, default False
        Also embed a static PNG of the map (:func:`scamgeo.maps.static_image`),
        shown instead of the interactive map when the page is printed (PDF).

    Returns
    -------
    MapDisplay
        An object Jupyter renders as the map.

    Examples
    --------
    >>> from scamgeo import maps
    >>> shown = maps.display_map(maps.base_map())
    >>> 'srcdoc=' in shown._repr_html_()
    True
    """
    return MapDisplay(m, height=height, print_image=print_image)


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

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scamgeo import maps
    >>> path = maps.save_map(maps.base_map(), pathlib.Path(tempfile.mkdtemp()) / 'map.html')
    >>> path.suffix, 'unpkg.com' in path.read_text(encoding='utf-8')
    ('.html', False)
    """
    page = to_html(m, self_contained=self_contained, trim=trim)
    path = Path(path)
    try:
        atomic_write_text(path, page)
    except OSError as exc:
        raise DataSourceError(f"save_map: cannot write {path}: {exc.strerror or exc}.") from None
    logger.info("saved map %s (%.1f MB)", path, path.stat().st_size / 1e6)
    return path
