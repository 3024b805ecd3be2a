"""A static image of a web map, for print and PDF (matplotlib, from the same layer data)."""

from __future__ import annotations

import html as _std_html
import io
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
from matplotlib.colors import to_rgba

from .. import config, fmt
from .._errors import ParameterError
from .._validate import check_positive
from ..style import BASE_MAP, GREY, GREY_LIGHT, INK, INK_MUTED, INK_SECONDARY, OKABE_ITO
from ._common import map_layers
from ._elements import EventLayer, HeatLayer, VectorLayer

__all__ = ["static_image"]


_TAG = re.compile(r"<[^>]+>")
_M_PER_DEG = 111_320.0
_FILL = re.compile(r'fill="(#[0-9A-Fa-f]{3,8})"')


def _plain(text: Any) -> str:
    """Escaped HTML (as stored in the layers) back to plain text for matplotlib."""
    return _std_html.unescape(_TAG.sub("", str(text or ""))).replace("$", r"\$")


def _layers(m_or_layers: Any) -> list[Any]:
    if isinstance(m_or_layers, folium.Map):
        return list(map_layers(m_or_layers).values())
    if isinstance(m_or_layers, Mapping):
        return list(m_or_layers.values())
    if isinstance(m_or_layers, (VectorLayer, EventLayer)):
        return [m_or_layers]
    if isinstance(m_or_layers, Iterable) and not isinstance(m_or_layers, (str, bytes)):
        return list(m_or_layers)
    raise ParameterError(
        "static_image needs a folium.Map from scamgeo.maps or its layers "
        f"(scamgeo.maps.map_layers(m)), got {type(m_or_layers).__name__}."
    )


def _map_bounds(m_or_layers: Any) -> tuple[float, float, float, float] | None:
    if not isinstance(m_or_layers, folium.Map):
        return None
    from folium.map import FitBounds

    fits = [c for c in m_or_layers._children.values() if isinstance(c, FitBounds)]
    if not fits:
        return None
    (south, west), (north, east) = fits[-1].bounds
    return float(west), float(south), float(east), float(north)


def _draw_vector(ax, layer: VectorLayer, labels: list[tuple[float, float, str]]) -> None:
    feats = layer.data.get("features", [])
    if not feats:
        return
    style = dict(layer.style)
    points = [f for f in feats if f["geometry"]["type"] == "Point"]
    shapes = [f for f in feats if f["geometry"]["type"] != "Point"]
    if shapes:
        gdf = gpd.GeoDataFrame.from_features(shapes, crs=config.GEOGRAPHIC_CRS)
        lines = gdf.geom_type.str.contains("Line").to_numpy()
        if lines.any():
            gdf[lines].plot(
                ax=ax,
                color=style.get("color", INK),
                linewidth=float(style.get("weight", 1.5)) * 0.6,
                linestyle="--" if style.get("dashArray") else "-",
                zorder=3,
            )
        if (~lines).any():
            polys = gdf[~lines]
            fills = [
                (f["properties"].get("st") or {}).get("fillColor", style.get("fillColor", "none"))
                for f, is_line in zip(shapes, lines, strict=True)
                if not is_line
            ]
            opacity = float(style.get("fillOpacity", 0.2))
            filled = bool(style.get("fill", True)) and opacity > 0
            polys.plot(
                ax=ax,
                # the web map's own fill opacity (a ring at 0.35 must not hide what lies under it)
                color=[to_rgba(c, opacity) for c in fills] if filled else "none",
                edgecolor=style.get("color", GREY),
                linewidth=float(style.get("weight", 1.0)) * 0.5,
                alpha=None,
                zorder=1 if filled else 2,
            )
    if points:
        xs = [f["geometry"]["coordinates"][0] for f in points]
        ys = [f["geometry"]["coordinates"][1] for f in points]
        pstyle = dict(layer.point_style)
        sizes, colours = [], []
        for f in points:
            st = {**pstyle, **((f["properties"].get("st")) or {})}
            sizes.append((float(st.get("radius", 4)) * 0.9) ** 2)
            colours.append(st.get("fillColor", INK_SECONDARY))
        symbols = [f for f in points if f["properties"].get("i") is not None]
        marker = "D" if symbols and len(symbols) == len(points) else "o"
        if marker == "D":  # SVG symbols: their fill colour, one size
            fills = [_FILL.search(ic.get("svg", "")) for ic in layer.icons]
            colours = [
                fills[f["properties"]["i"]].group(1)
                if fills[f["properties"]["i"]]
                else OKABE_ITO["orange"]
                for f in points
            ]
            sizes = [60.0 if f["properties"].get("z") else 30.0 for f in points]
        ax.scatter(
            xs,
            ys,
            s=sizes,
            c=colours,
            marker=marker,
            edgecolors=INK,
            linewidths=0.5,
            alpha=0.85,
            zorder=6 if marker == "D" else 4,
        )
        for f, x, y in zip(points, xs, ys, strict=True):
            if f["properties"].get("lb"):
                labels.append((x, y, _plain(f["properties"]["lb"])))


def _draw_events(ax, layer: EventLayer, labels: list[tuple[float, float, str]]) -> str:
    from matplotlib.patches import Ellipse

    d = layer.data
    places = d["P"]
    counts = np.bincount(np.asarray(d["p"], dtype=int), minlength=len(places["y"]))
    types = np.asarray(d["t"], dtype=int)
    for k, (y, x, u) in enumerate(zip(places["y"], places["x"], places["u"], strict=True)):
        if not counts[k]:
            continue
        here = types[np.asarray(d["p"]) == k]
        colour = d["colors"][here[0]] if (here == here[0]).all() else GREY
        radius = min(d["rmax"], d["r0"] + d["rk"] * math.sqrt(counts[k]))
        if u and u > d.get("umin", 2000):
            ry = u / _M_PER_DEG
            rx = ry / max(math.cos(math.radians(y)), 0.1)
            ax.add_patch(
                Ellipse(
                    (x, y),
                    2 * rx,
                    2 * ry,
                    facecolor=GREY,
                    alpha=0.06,
                    edgecolor=INK_MUTED,
                    linestyle="--",
                    zorder=3,
                )
            )
        ax.scatter(
            [x], [y], s=(radius * 0.9) ** 2, c=colour, edgecolors=INK, linewidths=0.6, zorder=5
        )
        if places.get("lb") and places["lb"][k] and places["nm"][k] >= 0:
            labels.append((x, y, _plain(d["s"][places["nm"][k]])))
    return _event_note(layer)


def _event_note(layer: EventLayer) -> str:
    """What an event layer holds, in words (the static legend and the alt text)."""
    d = layer.data
    n_incidents, n_places = len(set(d["i"])), len(set(d["p"]))
    return (
        f"{_plain(layer.layer_name)}: {fmt.count(len(d['y']))} events (claims) of "
        f"{fmt.count(n_incidents)} incidents at {fmt.count(n_places)} places"
    )


def describe_map(m_or_layers: Any) -> str:
    """A sentence for a map's alt text: its visible layers and what its event layers hold.

    Parameters
    ----------
    m_or_layers : folium.Map or mapping or list of layers
        As for :func:`static_image`.

    Returns
    -------
    str
        Plain text.

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> from scamgeo.maps._static import describe_map
    >>> describe_map(maps.sites_map(datasets.sites(), m=maps.base_map()))
    'Map of countries, provinces, border, towns, crossings and sites.'
    """
    layers = [
        layer
        for layer in _layers(m_or_layers)
        if isinstance(layer, (VectorLayer, EventLayer)) and getattr(layer, "show", True)
    ]
    names = [_lower_first(_plain(layer.layer_name)) for layer in layers]
    text = "Map of " + (fmt.words(names) if names else "the region") + "."
    notes = [_event_note(layer) for layer in layers if isinstance(layer, EventLayer)]
    return " ".join([text, *(f"{note}." for note in notes)])


def static_image(
    m_or_layers: Any,
    *,
    width_in: float = 8.0,
    height_in: float = 6.0,
    dpi: int = 150,
    bounds: tuple[float, float, float, float] | None = None,
    title: str | None = None,
) -> bytes:
    """A PNG of a scamgeo web map drawn with matplotlib from the same layer data.

    For print and PDF, where the interactive map cannot run. Visible layers
    are drawn in order (countries, provinces, border, towns, sites, place
    markers sized by their events, uncertainty circles, displacement
    circles); permanent labels become text; the legend counts what is drawn,
    as the web map's does. Heat layers and layers hidden at opening are left out.

    Parameters
    ----------
    m_or_layers : folium.Map or mapping or list of layers
        A map from :mod:`scamgeo.maps` or some of its layers (:func:`map_layers`).
    width_in, height_in : float
        Figure size in inches.
    dpi : int, default 150
        Resolution.
    bounds : (min lon, min lat, max lon, max lat), optional
        Extent (default: the map's own view, else the layers' extent).
    title : str, optional
        A title above the map.

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ParameterError
        If ``m_or_layers`` is not a map or layers, or a size is not positive.

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> png = maps.static_image(maps.sites_map(datasets.sites(), m=maps.base_map()), width_in=4, height_in=3, dpi=80)
    >>> png[1:4]  # a PNG file's signature
    b'PNG'
    """
    # a Figure of its own, off pyplot: drawing the image never switches the caller's backend
    # (a notebook's inline charts) nor leaves a figure for pyplot to show
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width_in = check_positive(width_in, name="width_in")
    height_in = check_positive(height_in, name="height_in")
    dpi = int(check_positive(dpi, name="dpi"))
    layers = _layers(m_or_layers)
    bounds = bounds or _map_bounds(m_or_layers)

    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(fig)  # a renderer to measure labels with
    ax = fig.subplots()
    ax.set_facecolor(BASE_MAP["sea"])
    labels: list[tuple[float, float, str]] = []
    notes: list[str] = []
    for layer in layers:
        if isinstance(layer, HeatLayer) or not getattr(layer, "show", True):
            continue
        if isinstance(layer, EventLayer):
            notes.append(_draw_events(ax, layer, labels))
        elif isinstance(layer, VectorLayer):
            _draw_vector(ax, layer, labels)
    _frame(ax, bounds)
    _label_and_note(ax, labels, notes)
    if title:
        ax.set_title(_plain(title), loc="left", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _frame(ax: Any, bounds: Any) -> None:
    """The extent (``bounds`` or what was drawn), true proportions, no axes."""
    if bounds is not None:
        west, south, east, north = (float(b) for b in bounds)
        # a margin of 3%, so a marker on the edge of the extent is drawn whole
        dx, dy = 0.03 * (east - west), 0.03 * (north - south)
        ax.set_xlim(west - dx, east + dx)
        ax.set_ylim(south - dy, north + dy)
    y0, y1 = ax.get_ylim()
    ax.set_aspect(1 / max(math.cos(math.radians((y0 + y1) / 2)), 0.1))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def _label_and_note(ax: Any, labels: list[tuple[float, float, str]], notes: list[str]) -> None:
    """Permanent labels inside the extent, and the legend's counts in a corner."""
    from matplotlib.patheffects import withStroke

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    ax.apply_aspect()  # the true-proportion frame, as it will be drawn, before measuring
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = []
    # the top layers' labels first (sites and events over towns); a label that would overlap
    # one already placed, or run off the map, is left out rather than piled on
    for x, y, text in reversed(labels):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        label = ax.annotate(
            text,
            (x, y),
            xytext=(5, 2),
            textcoords="offset points",
            fontsize=6.5,
            color=INK,
            zorder=8,
            path_effects=[withStroke(linewidth=2, foreground="white")],
            annotation_clip=True,
        )
        box = label.get_window_extent(renderer)
        inside = (
            frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        )
        if not inside or any(box.overlaps(other) for other in placed):
            label.remove()
        else:
            placed.append(box)
    if notes:
        ax.text(
            0.99,
            0.01,
            "\n".join(notes),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": GREY_LIGHT},
            zorder=9,
        )


def _lower_first(name: str) -> str:
    """``Rings around Poipet`` → ``rings around Poipet`` (a layer name inside a sentence)."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name
