"""Colours and symbols shared by the folium maps and the matplotlib plots.

Pure Python (no folium, no matplotlib) so both modules can import it. Colours
are the Okabe–Ito palette, distinguishable with the common colour-vision
deficiencies; site kinds differ by *shape* as well as colour, so they read in
greyscale print too.
"""

from __future__ import annotations

__all__ = [
    "EVENT_TYPE_COLORS",
    "OKABE_ITO",
    "OTHER_COLOR",
    "PHASE_LABELS",
    "SITE_KIND_LABELS",
    "SITE_KIND_STYLE",
    "event_type_color",
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

#: Symbol of each site kind: matplotlib marker, SVG shape name, fill colour, size in points.
SITE_KIND_STYLE: dict[str, dict[str, object]] = {
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

#: Human-readable names of site kinds.
SITE_KIND_LABELS: dict[str, str] = {
    "casino_hub": "Casino hub",
    "casino": "Casino",
    "scam_compound": "Scam compound",
    "border_crossing": "Border crossing",
    "special_economic_zone": "Special economic zone",
}

#: Human-readable names of the phases of the 2025 war (see scamgeo.config.PHASES).
PHASE_LABELS: dict[str, str] = {
    "pre_war": "Before the May crisis",
    "may_crisis": "May crisis",
    "july_war": "July war",
    "truce": "Truce",
    "december_war": "December war",
    "post_ceasefire": "After the ceasefire",
}


def event_type_color(event_type: object) -> str:
    """Colour of an event type (grey for unknown or missing types)."""
    return EVENT_TYPE_COLORS.get(str(event_type), OTHER_COLOR)
