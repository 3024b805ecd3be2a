"""Casino hubs, scam compounds and other sites on a web map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import pandas as pd

from .. import _html, fmt
from .._inputs import located_points
from ..schema import SITE_KINDS
from ..style import LABELLED_SITE_KINDS, OTHER_COLOR, SITE_KIND_LABELS, SITE_KIND_STYLE
from ._base import new_map_for
from ._common import (
    SITES_HTML,
    check_map,
    check_table,
    column_or_na,
    date_text,
    finish,
    missing,
    popup,
    sources,
    vector_layer,
)
from ._elements import Legend
from ._legend import legend_html, site_symbol

__all__ = ["sites_map"]


#: z-index offset of casino hubs, so no other symbol hides them.
HUB_Z = 1000


def sites_map(
    sites: pd.DataFrame,
    *,
    m: folium.Map | None = None,
    name: str = "Sites",
    show: bool = True,
    labels: Sequence[str] = LABELLED_SITE_KINDS,
) -> folium.Map:
    """Casino hubs, casinos, scam compounds, crossings and SEZs, one symbol per kind.

    Parameters
    ----------
    sites : DataFrame or GeoDataFrame
        In the sites schema (:data:`scamgeo.schema.SITES`): at least ``name``,
        ``kind`` and a point geometry or ``latitude``/``longitude``. Used when
        present: ``country``, ``admin1``, ``status``, ``active_from``/``active_to``,
        ``location_note``, ``notes``, ``source``/``source_url``/``source_url_2``
        and the war-damage columns ``damage_date``, ``damage_note``,
        ``damage_claimed_by``, ``damage_source_url``.
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map` around the sites).
    name : str
        Layer name in the layer control.
    show : bool
        Whether the layer is on when the map opens.
    labels : sequence of str, default ("casino_hub", "border_crossing")
        Site kinds whose names are shown as permanent labels (readable without
        tiles). Hubs are always drawn above every other symbol.

    Returns
    -------
    folium.Map
        With one "Sites" layer (a popup and tooltip per site) and its legend.

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> m = maps.sites_map(datasets.sites(kind=['casino_hub', 'border_crossing']))
    >>> len(maps.map_layers(m)['Sites'].data['features'])
    20
    """
    check_table(sites, name="sites", columns=("name", "kind"))
    pts = located_points(sites, name="sites", what="not drawn")
    label_kinds = {str(k) for k in ([labels] if isinstance(labels, str) else labels)}
    m = new_map_for(pts) if m is None else check_map(m)
    kinds = [k for k in SITE_KINDS if k in set(pts["kind"].astype(str))]
    kinds += sorted(set(pts["kind"].astype(str)) - set(SITE_KINDS))
    icons = []
    for kind in kinds:
        svg, w = site_symbol(kind)
        css = f"scamgeo-site scamgeo-site-{kind if kind in SITE_KINDS else 'other'}"
        icons.append({"svg": svg, "w": w, "cls": css})
    icon_of = {k: i for i, k in enumerate(kinds)}
    props = [
        _site_properties(r, icon=icon_of[str(r["kind"])], labelled=str(r["kind"]) in label_kinds)
        for r in pts.to_dict("records")
    ]
    layer = vector_layer(
        m,
        pts.geometry,
        props,
        name=_html.text(name),
        decimals=5,
        icons=icons,
        attribution=SITES_HTML,
        show=show,
    )
    layer.add_child(_sites_legend(sites, pts, name=name, kinds=kinds, icons=icons))
    layer.add_to(m)
    return finish(m)


def _site_properties(r: dict[str, Any], *, icon: int, labelled: bool) -> dict[str, Any]:
    """A site's symbol, label, tooltip and popup (kind, place, status, damage, sources)."""
    kind = str(r["kind"])
    kind_label = SITE_KIND_LABELS.get(kind, _html.text(kind))
    active = " – ".join(
        p for p in (_html.text(r.get("active_from")), _html.text(r.get("active_to"))) if p
    )
    damage = ""
    if not missing(r.get("damage_note")) or not missing(r.get("damage_date")):
        parts = [
            date_text(r.get("damage_date")),
            _html.text(r.get("damage_note")),
            f"claimed by {_html.text(r.get('damage_claimed_by'))}"
            if not missing(r.get("damage_claimed_by"))
            else "",
            _html.link(r.get("damage_source_url"), "report"),
        ]
        damage = "; ".join(p for p in parts if p)
    where = ", ".join(p for p in (_html.text(r.get("admin1")), _html.text(r.get("country"))) if p)
    rows = [
        ("Kind", kind_label),
        ("Where", where),
        ("Status", _html.text(r.get("status"))),
        ("Active", active),
        ("Location", _html.text(r.get("location_note"))),
        ("Notes", _html.text(r.get("notes"))),
        ("War damage", damage),
        ("Source", sources(r.get("source"), r.get("source_url"), r.get("source_url_2"))),
    ]
    color = SITE_KIND_STYLE[kind]["color"] if kind in SITE_KIND_STYLE else OTHER_COLOR
    return {
        "i": icon,
        "z": HUB_Z if kind == "casino_hub" else 0,
        **({"lb": _html.text(r["name"])} if labelled else {}),
        "tip": f"{_html.text(r['name'])} ({kind_label})",
        "pop": popup(_html.text(r["name"], default="(unnamed)"), rows, color=color),
    }


def _sites_legend(
    sites: pd.DataFrame,
    pts: pd.DataFrame,
    *,
    name: str,
    kinds: list[str],
    icons: list[dict[str, Any]],
) -> Legend:
    """Symbols and counts per kind; sites with war damage; sites not drawn, named."""
    counts = pts["kind"].astype(str).value_counts()
    rows = [
        f"{icon['svg']} {SITE_KIND_LABELS.get(k, _html.text(k))} ({int(counts[k])})"
        for k, icon in zip(kinds, icons, strict=True)
    ]
    damaged = int(
        (column_or_na(pts, "damage_note").notna() | column_or_na(pts, "damage_date").notna()).sum()
    )
    notes = [f"{damaged} with reported war damage (see popups)"] if damaged else []
    unplaced = sites.index[~sites.index.isin(pts.index)] if sites.index.is_unique else []
    n_missing = len(sites) - len(pts)
    if n_missing:
        names = column_or_na(sites.loc[unplaced], "name").astype("string").dropna()
        listed = ", ".join(_html.text(v) for v in names.head(5))
        notes.append(
            f"{n_missing} without a location, not drawn" + (f" ({listed})" if listed else "")
        )
    title = f"{_html.text(name)}: {fmt.count(len(pts))}" + (
        f" of {fmt.count(len(sites))} drawn" if n_missing else ""
    )
    return Legend(legend_html(title, rows, note="; ".join(notes)), css_class="scamgeo-legend-sites")
