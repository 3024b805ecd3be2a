"""Colours, symbols and labels shared by the web maps, the static maps and the charts.

Pure Python (no folium, no matplotlib), so every drawing module can import it.
Colours are the Okabe–Ito palette, distinguishable with the common
colour-vision deficiencies; site kinds differ by *shape* as well as colour, so
they read in greyscale print too. Labels come from :mod:`scamgeo.vocab`: one
label per phase, site kind and metric whether a chart or a map shows it.
"""

from __future__ import annotations

from typing import TypedDict

from ._validate import guard_public
from .vocab import DISPLACEMENT_METRIC_LABELS, PHASE_LABELS, SITE_KIND_LABELS, phase_label

__all__ = [
    "DISPLACEMENT_METRIC_LABELS",
    "EMERGING_HOTSPOT_COLORS",
    "EVENT_TYPE_COLORS",
    "LINE_CYCLE",
    "OKABE_ITO",
    "OTHER_COLOR",
    "PHASE_COLORS",
    "PHASE_LABELS",
    "RING_COLORS",
    "SIDE_COLORS",
    "SITE_KIND_LABELS",
    "SITE_KIND_STYLE",
    "SiteKindStyle",
    "event_type_color",
    "phase_label",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One colour per side of the war, wherever a chart shows the two apart.
SIDE_COLORS: dict[str, str] = {"THA": OKABE_ITO["blue"], "KHM": OKABE_ITO["vermillion"]}

#: Okabe–Ito in the order lines of a chart take it.
LINE_CYCLE: tuple[str, ...] = tuple(
    OKABE_ITO[k]
    for k in (
        "orange",
        "sky_blue",
        "bluish_green",
        "yellow",
        "blue",
        "vermillion",
        "reddish_purple",
        "black",
    )
)

#: Colour of each ACLED event type (other types get :data:`OTHER_COLOR`).
EVENT_TYPE_COLORS: dict[str, str] = {
    "Battles": OKABE_ITO["vermillion"],
    "Explosions/Remote violence": OKABE_ITO["blue"],
    "Violence against civilians": OKABE_ITO["reddish_purple"],
    "Strategic developments": OKABE_ITO["bluish_green"],
    "Protests": OKABE_ITO["sky_blue"],
    "Riots": OKABE_ITO["orange"],
}

#: Colour of event types outside the ACLED vocabulary.
OTHER_COLOR = "#999999"

#: Background shade of each phase of the war on time charts.
PHASE_COLORS: dict[str, str] = {
    "pre_war": "#f2f2f2",
    "may_crisis": "#fdf1d6",
    "july_war": "#f9d3c2",
    "truce": "#dcecf7",
    "december_war": "#f9d3c2",
    "post_ceasefire": "#dcf0e8",
}

#: Colour of each emerging hot spot category (scamgeo.stats.emerging_hotspots): reds for hot
#: spots (darker = more lasting), blues for cold spots, grey for none; ESRI's order.
EMERGING_HOTSPOT_COLORS: dict[str, str] = {
    "new hot spot": "#FDD0A2",
    "consecutive hot spot": "#FDAE6B",
    "intensifying hot spot": "#7F0000",
    "persistent hot spot": "#D7301F",
    "diminishing hot spot": "#FC8D59",
    "sporadic hot spot": "#FEE8C8",
    "oscillating hot spot": "#E7298A",
    "historical hot spot": "#BCBDDC",
    "new cold spot": "#C6DBEF",
    "consecutive cold spot": "#9ECAE1",
    "intensifying cold spot": "#08306B",
    "persistent cold spot": "#2171B5",
    "diminishing cold spot": "#6BAED6",
    "sporadic cold spot": "#DEEBF7",
    "oscillating cold spot": "#66C2A4",
    "historical cold spot": "#D9D9D9",
    "no pattern detected": "#F0F0F0",
}

#: Colours of distance rings, innermost first.
RING_COLORS: tuple[str, ...] = ("#B2182B", "#EF8A62", "#FDDBC7", "#F4A582", "#D6604D")


class SiteKindStyle(TypedDict):
    """Symbol of one site kind, read alike by the static and the web maps."""

    #: matplotlib marker code.
    marker: str
    #: SVG shape name of the web maps' legend and icons.
    shape: str
    #: Fill colour (hex).
    color: str
    #: Size in points.
    size: float


#: Symbol of each site kind: matplotlib marker, SVG shape name, fill colour, size in points.
SITE_KIND_STYLE: dict[str, SiteKindStyle] = {
    "casino_hub": {"marker": "D", "shape": "diamond", "color": OKABE_ITO["orange"], "size": 9},
    "casino": {"marker": "d", "shape": "small_diamond", "color": OKABE_ITO["yellow"], "size": 6},
    "scam_compound": {"marker": "s", "shape": "square", "color": OKABE_ITO["black"], "size": 7},
    "border_crossing": {
        "marker": "^",
        "shape": "triangle",
        "color": OKABE_ITO["sky_blue"],
        "size": 8,
    },
    "special_economic_zone": {
        "marker": "h",
        "shape": "hexagon",
        "color": OKABE_ITO["bluish_green"],
        "size": 9,
    },
}


def event_type_color(event_type: object) -> str:
    """Colour of an event type (grey for unknown or missing types)."""
    return EVENT_TYPE_COLORS.get(str(event_type), OTHER_COLOR)


# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
