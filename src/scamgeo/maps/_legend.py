"""Legend HTML and the swatches and symbols it shows."""

from __future__ import annotations

import math

from ..style import GREY, INK, OTHER_COLOR, PAPER, SITE_KIND_STYLE

__all__ = [
    "legend_html",
    "site_symbol",
    "swatch_circle",
    "swatch_fill",
    "swatch_line",
]


def legend_html(title: str, rows: list[str], *, note: str = "") -> str:
    body = "".join(f'<div class="sg-row">{r}</div>' for r in rows)
    tail = f'<div class="sg-note">{note}</div>' if note else ""
    return f"<h4>{title}</h4>{body}{tail}"


def swatch_circle(color: str, *, radius: float = 6.0, stroke: str = INK) -> str:
    size = 2 * radius + 2
    return (
        f'<svg width="{size:g}" height="{size:g}" aria-hidden="true"><circle cx="{size / 2:g}" cy="{size / 2:g}" '
        f'r="{radius:g}" fill="{color}" fill-opacity="0.8" stroke="{stroke}" stroke-width="0.8"/></svg>'
    )


def swatch_line(color: str, *, width: float = 2.5, dash: str = "") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="24" height="10" aria-hidden="true"><line x1="1" y1="5" x2="23" y2="5" stroke="{color}" '
        f'stroke-width="{width:g}"{dash_attr}/></svg>'
    )


def swatch_fill(color: str, *, stroke: str = GREY, opacity: float = 0.6) -> str:
    return (
        f'<svg width="16" height="12" aria-hidden="true"><rect x="1" y="1" width="14" height="10" fill="{color}" '
        f'fill-opacity="{opacity:g}" stroke="{stroke}"/></svg>'
    )


def site_symbol(kind: str, *, size: float | None = None) -> tuple[str, float]:
    """Inline SVG of a site kind's symbol (shape and colour as in the static plots)."""
    style = SITE_KIND_STYLE.get(
        kind, {"marker": "o", "shape": "circle", "color": OTHER_COLOR, "size": 7}
    )
    w = float(size or (style["size"] * 2 + 4))
    c, h = w / 2, w / 2 - 1.5
    shape = style["shape"]
    if shape == "diamond":
        geom = f'<polygon points="{c},{c - h} {c + h},{c} {c},{c + h} {c - h},{c}"/>'
    elif shape == "small_diamond":
        geom = f'<polygon points="{c},{c - h} {c + h * 0.6},{c} {c},{c + h} {c - h * 0.6},{c}"/>'
    elif shape == "square":
        s = h * 0.8
        geom = f'<rect x="{c - s}" y="{c - s}" width="{2 * s}" height="{2 * s}"/>'
    elif shape == "triangle":
        geom = f'<polygon points="{c},{c - h} {c + h},{c + h * 0.8} {c - h},{c + h * 0.8}"/>'
    elif shape == "hexagon":
        pts = " ".join(
            f"{c + h * math.cos(math.radians(a)):.2f},{c + h * math.sin(math.radians(a)):.2f}"
            for a in range(30, 390, 60)
        )
        geom = f'<polygon points="{pts}"/>'
    else:
        geom = f'<circle cx="{c}" cy="{c}" r="{h * 0.8}"/>'
    svg = (
        f'<svg width="{w:g}" height="{w:g}" viewBox="0 0 {w:g} {w:g}" aria-hidden="true">'
        f'<g fill="{style["color"]}" stroke="{PAPER}" stroke-width="1.2" paint-order="stroke">{geom}</g>'
        f'<g fill="none" stroke="{INK}" stroke-width="0.7">{geom}</g></svg>'
    )
    return svg, w
