"""Leaflet layers and controls as folium elements, written for scamgeo's maps.

Each element carries its data as compact, script-safe JSON (see
:func:`scamgeo.maps._html.script_json`); every string in that data is already
escaped HTML, so the JavaScript here only concatenates it. Nothing here uses
jQuery or JavaScript template literals.
"""

from __future__ import annotations

import base64
import gzip
import string
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import HeatMap
from folium.template import Template

from .._html import script_json
from ..style import GREY, HEAT_GRADIENT, INK, INK_MUTED, css_colors

#: Event data larger than this (bytes of JSON) travel gzip-compressed in the page.
COMPRESS_ABOVE_BYTES = 1_000_000

__all__ = [
    "BlankLayer",
    "EventLayer",
    "HeatLayer",
    "Legend",
    "LocatorInset",
    "VectorLayer",
    "add_css",
]

CSS = string.Template("""
/* the legends scroll rather than run under the layer control above them (a 520 px brief map) */
.scamgeo-legends{display:flex;flex-direction:column;gap:6px;overflow-y:auto;
 max-height:max(120px,calc(100vh - 280px))}
.scamgeo-legend{background:rgba(255,255,255,.93);padding:5px 8px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.35);font:12px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
 color:$ink;max-width:250px}
.scamgeo-legend h4{margin:0 0 4px;font-size:12px;font-weight:600}
.scamgeo-legend .sg-row{display:flex;align-items:center;gap:6px;margin:2px 0}
.scamgeo-legend .sg-note{color:$ink_muted;font-size:11px;margin-top:3px}
.scamgeo-legend svg{flex:none}
.scamgeo-popup{font:12px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:320px}
.scamgeo-popup .sg-title{font-weight:600;font-size:13px;border-left:4px solid $grey_light;padding-left:5px;margin-bottom:4px}
.scamgeo-popup table{border-collapse:collapse}
.scamgeo-popup th{text-align:left;color:$ink_muted;font-weight:500;padding:1px 6px 1px 0;vertical-align:top;white-space:nowrap}
.scamgeo-popup td{padding:1px 0;vertical-align:top;overflow-wrap:anywhere}
.scamgeo-slider{background:rgba(255,255,255,.95);padding:6px 9px;font:12px/1.35 system-ui,Arial,sans-serif}
.scamgeo-slider input[type=range]{width:260px;display:block;margin-top:4px}
.scamgeo-site,.scamgeo-crossing,.scamgeo-hub{background:none;border:none}
.leaflet-tooltip.scamgeo-label{background:none;border:none;box-shadow:none;padding:0 2px;color:$ink;
 font:600 11px/1.2 system-ui,Arial,sans-serif;text-shadow:0 0 3px $paper,0 0 3px $paper,0 0 2px $paper}
.leaflet-tooltip.scamgeo-label:before{display:none}
.scamgeo-locator{background:rgba(255,255,255,.9);padding:2px;border-radius:3px;box-shadow:0 1px 4px rgba(0,0,0,.35)}
.leaflet-control-layers-expanded{font-size:13px;line-height:1.45}
/* a phone (the brief's iframe is the viewport): the layer list and the legends share the
   right-hand side in two scrolling halves, the attribution keeps to two small lines, the
   locator inset gives way to the map */
@media (max-width:520px){
 .leaflet-control-layers-expanded{font-size:11px;max-height:32vh;overflow-y:auto}
 .scamgeo-legends{max-height:32vh}
 .scamgeo-legend{font-size:11px;max-width:170px}
 .leaflet-control-attribution{font-size:9px;max-height:2.6em;overflow-y:auto}
 .scamgeo-locator{display:none}
}
""").substitute(css_colors())


def add_css(element: MacroElement) -> None:
    """Add scamgeo's stylesheet to the page of ``element`` (once per page)."""
    figure = element.get_root()
    if isinstance(figure, Figure):
        figure.header.add_child(Element(f"<style>{CSS}</style>"), name="scamgeo_css")


class VectorLayer(Layer):
    """A GeoJSON layer with per-feature style, tooltip, popup and SVG point symbols.

    Feature properties understood (all optional, strings already escaped):
    ``tip`` tooltip HTML, ``pop`` popup HTML, ``st`` style overrides, ``i``
    index into ``icons`` (a point drawn as that SVG symbol instead of a circle),
    ``lb`` a permanent label (shown without tiles; replaces the tooltip),
    ``z`` a z-index offset for symbols (hubs drawn above other sites).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
            attribution: {{ this.attribution_json }},
            interactive: {{ this.interactive_json }},
            style: function (f) {
                return Object.assign({}, {{ this.style_json }}, (f.properties && f.properties.st) || {});
            },
            pointToLayer: function (f, ll) {
                var p = f.properties || {}, icons = {{ this.icons_json }};
                if (p.i !== undefined && icons[p.i]) {
                    var ic = icons[p.i];
                    return L.marker(ll, {icon: L.divIcon({html: ic.svg, className: ic.cls,
                        iconSize: [ic.w, ic.w], iconAnchor: [ic.w / 2, ic.w / 2]}), keyboard: false,
                        zIndexOffset: p.z || 0});
                }
                return L.circleMarker(ll, Object.assign({}, {{ this.point_style_json }}, p.st || {}));
            },
            onEachFeature: function (f, l) {
                var p = f.properties || {};
                if (p.lb) {
                    l.bindTooltip(p.lb, {permanent: true, direction: "right", className: "scamgeo-label",
                        offset: [p.i !== undefined ? 9 : 5, 0], interactive: false});
                } else if (p.tip) { l.bindTooltip(p.tip, {{ this.tooltip_options_json }}); }
                if (p.pop) { l.bindPopup(p.pop, {maxWidth: 340}); }
            }
        });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str,
        style: dict[str, Any] | None = None,
        point_style: dict[str, Any] | None = None,
        icons: list[dict[str, Any]] | None = None,
        attribution: str = "",
        overlay: bool = True,
        control: bool = True,
        show: bool = True,
        interactive: bool = True,
        permanent_tooltips: bool = False,
    ):
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "VectorLayer"
        self.data = data
        self.style = style or {}
        self.point_style = point_style or {}
        self.icons = icons or []
        self.attribution = attribution
        self.interactive = interactive
        self.tooltip_options = (
            {
                "permanent": True,
                "direction": "right",
                "className": "scamgeo-label",
                "offset": [6, 0],
            }
            if permanent_tooltips
            else {"sticky": True}
        )

    @property
    def n_features(self) -> int:
        return len(self.data.get("features", []))

    def render(self, **kwargs):
        self.data_json = script_json(self.data)
        self.attribution_json = script_json(self.attribution)
        self.interactive_json = script_json(self.interactive)
        self.style_json = script_json(self.style)
        self.point_style_json = script_json(self.point_style)
        self.icons_json = script_json(self.icons)
        self.tooltip_options_json = script_json(self.tooltip_options)
        add_css(self)
        super().render(**kwargs)


class BlankLayer(Layer):
    """An empty base layer ("no tiles"), so the vector map can be shown without tiles."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
        """
    )

    def __init__(self, *, name: str = "No tiles (offline)", show: bool = True):
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankLayer"


class Legend(MacroElement):
    """A legend bound to its parent layer: shown when the layer is, hidden when it is not.

    Add it as a child of the layer (``layer.add_child(Legend(...))``). ``html``
    must be safe HTML (built from :mod:`scamgeo.maps._html` helpers).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer) {
            var div = L.DomUtil.create("div", "scamgeo-legend " + {{ this.css_class_json }});
            div.innerHTML = {{ this.html_json }};
            div.setAttribute("data-order", {{ this.order_json }});
            function box(map) {
                if (!map._sgLegendBox) {
                    var Box = L.Control.extend({
                        options: {position: {{ this.position_json }}},
                        onAdd: function () {
                            var d = L.DomUtil.create("div", "scamgeo-legends");
                            L.DomEvent.disableClickPropagation(d);
                            L.DomEvent.disableScrollPropagation(d);
                            return d;
                        }
                    });
                    map._sgLegendBox = new Box().addTo(map);
                    var fit = function () {
                        var c = map.getContainer(), lc = c.querySelector(".leaflet-control-layers");
                        var used = lc && lc.parentNode.className.indexOf("right") >= 0 ? lc.offsetHeight + 20 : 10;
                        map._sgLegendBox.getContainer().style.maxHeight = Math.max(120, c.clientHeight - used - 40) + "px";
                    };
                    map.on("resize", fit);
                    setTimeout(fit, 0);
                }
                return map._sgLegendBox.getContainer();
            }
            layer.on("add", function () {
                var b = box(layer._map), kids = b.children, k, before = null;
                for (k = 0; k < kids.length; k++) {
                    if (+kids[k].getAttribute("data-order") > {{ this.order_json }}) { before = kids[k]; break; }
                }
                b.insertBefore(div, before);
            });
            layer.on("remove", function () { if (div.parentNode) { div.parentNode.removeChild(div); } });
            if (layer._map) { layer.fire("add"); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    _count = 0

    def __init__(self, html: str, *, css_class: str, position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.css_class = css_class
        self.position = position
        Legend._count += 1
        self.order = Legend._count

    def render(self, **kwargs):
        self.html_json = script_json(self.html)
        self.css_class_json = script_json(self.css_class)
        self.position_json = script_json(self.position)
        self.order_json = script_json(self.order)
        add_css(self)
        super().render(**kwargs)


class EventLayer(Layer):
    """Many events as one layer of circle markers (canvas or SVG), with a day slider.

    The data are columnar (one array per field, strings in one de-duplicated
    table of escaped HTML), popups are built on click, and one click handler
    serves every marker, so 50,000 events stay a few MB and open in about a
    second. Data above :data:`COMPRESS_ABOVE_BYTES` travel gzip-compressed
    (base64) and are inflated by the browser's ``DecompressionStream``.
    """

    # colours of the markers and uncertainty circles (scamgeo.style), read by the template
    ink, mixed, ring_edge, ring_fill = INK, GREY, INK_MUTED, GREY

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup([], {{ this.options_json }});
        (function (group, packed) {
            group._sgSetHeat = function (h) { group._sgHeat = h; if (group._sgApply) { group._sgApply(); } };
            function build(D) {
            var S = D.s, n = D.y.length, i;
            var renderer = D.canvas ? L.canvas({padding: 0.5}) : L.svg();
            var day0 = Date.parse(D.day0 + "T00:00:00Z");
            var precision = {2: "within a week", 3: "within a month"};
            function day(k) { return new Date(day0 + k * 86400000).toISOString().slice(0, 10); }
            var P = D.P, np_ = P.y.length, p;
            function radius(c) { return Math.min(D.rmax, D.r0 + D.rk * Math.sqrt(c)); }
            function str(col, j) { var k = D[col][j]; return k >= 0 ? S[k] : ""; }
            function row(label, html) { return html ? "<tr><th>" + label + "</th><td>" + html + "</td></tr>" : ""; }
            // one marker per place; the events shown there decide its size, colour and popup
            var markers = new Array(np_), rings = new Array(np_), members = new Array(np_);
            for (p = 0; p < np_; p++) {
                var mk = L.circleMarker([P.y[p], P.x[p]], {
                    radius: D.r0, renderer: renderer, className: "scamgeo-event scamgeo-place",
                    color: "{{ this.ink }}", weight: 0.8, opacity: 0.95, fillColor: "{{ this.mixed }}", fillOpacity: 0.8
                });
                mk._sgp = p;
                if (D.labels && P.lb[p]) {
                    mk.bindTooltip(S[P.nm[p]], {permanent: true, direction: "right",
                        className: "scamgeo-label", offset: [6, 0]});
                }
                markers[p] = mk;
                rings[p] = P.u[p] > D.umin ? L.circle([P.y[p], P.x[p]], {
                    radius: P.u[p], renderer: renderer, interactive: false, className: "scamgeo-uncertainty",
                    color: "{{ this.ring_edge }}", weight: 1, dashArray: "4 3", fill: true, fillColor: "{{ this.ring_fill }}", fillOpacity: 0.07
                }) : null;
                members[p] = [];
            }
            function popup(pl) {
                var ev = members[pl], html = "", k, incidents = {}, ni = 0;
                for (k = 0; k < ev.length; k++) { if (!incidents[D.i[ev[k]]]) { incidents[D.i[ev[k]]] = 1; ni++; } }
                for (k = 0; k < ev.length && k < 40; k++) {
                    var j = ev[k], f = D.f[j], q = D.q ? D.q[j] : 1, sub = str("u", j), c = str("c", j);
                    html += '<tr><td style="white-space:nowrap">' + day(D.d[j]) + (precision[q] ? " (" + precision[q] + ")" : "")
                        + '</td><td><span style="color:' + D.colors[D.t[j]] + '">&#9679;</span> ' + D.types[D.t[j]]
                        + (sub ? " · " + sub : "") + (c ? "; claimed by " + c : "")
                        + (f == null ? "" : "; fatalities " + f)
                        + (str("n", j) ? '<br><span class="sg-note">' + str("n", j) + "</span>" : "")
                        + (str("r", j) ? "<br>" + str("r", j) : "") + "</td></tr>";
                }
                if (ev.length > 40) { html += "<tr><td></td><td>and " + (ev.length - 40) + " more</td></tr>"; }
                var name = P.nm[pl] >= 0 ? S[P.nm[pl]] : str("l", ev[0]);
                return '<div class="scamgeo-popup"><div class="sg-title">' + (name || "Place") + "</div>"
                    + "<div>" + ev.length + (ev.length === 1 ? " event" : " events") + " (claims) of " + ni
                    + (ni === 1 ? " incident" : " incidents")
                    + (P.u[pl] ? "; location good to " + (P.u[pl] >= 1000 ? (P.u[pl] / 1000).toFixed(1) + " km" : P.u[pl] + " m") : "")
                    + "</div><table>" + html + "</table></div>";
            }
            group.bindPopup(function (layer) { return popup(layer._sgp); }, {maxWidth: 380, maxHeight: 320});

            var mode = "all", k = D.ndays, label = null, shown = 0, placesShown = 0;
            function describe() {
                if (!label) { return; }
                var what = mode === "all" ? "all days, " + day(0) + " to " + day(D.ndays)
                    : (mode === "upto" ? "up to " : "on ") + day(k);
                label.textContent = what + ": " + shown + " events at " + placesShown + " places";
            }
            function apply() {
                var ll = [], heat = group._sgHeat;
                group.clearLayers();
                shown = 0;
                placesShown = 0;
                for (p = 0; p < np_; p++) { members[p] = []; }
                for (i = 0; i < n; i++) {
                    var di = D.d[i];
                    if (mode === "all" || (mode === "upto" && di <= k) || (mode === "on" && di === k)) {
                        members[D.p[i]].push(i);
                        if (heat) { ll.push([D.y[i], D.x[i]]); }
                        shown++;
                    }
                }
                for (p = 0; p < np_; p++) {
                    var ev = members[p];
                    if (!ev.length) { continue; }
                    var t = D.t[ev[0]], same = true, e;
                    for (e = 1; e < ev.length; e++) { if (D.t[ev[e]] !== t) { same = false; break; } }
                    markers[p].setStyle({fillColor: same ? D.colors[t] : "{{ this.mixed }}"});
                    markers[p].setRadius(radius(ev.length));
                    if (rings[p]) { group.addLayer(rings[p]); }
                    group.addLayer(markers[p]);
                    placesShown++;
                }
                if (heat) { heat.setLatLngs(ll); }
                if (group._map) {
                    group._map.getContainer().setAttribute("data-scamgeo-events-shown", shown);
                    group._map.getContainer().setAttribute("data-scamgeo-places-shown", placesShown);
                }
                describe();
            }
            var Slider = L.Control.extend({
                options: {position: "bottomleft"},
                onAdd: function () {
                    var div = L.DomUtil.create("div", "scamgeo-slider leaflet-bar");
                    div.innerHTML = '<b>Events by day</b> <select aria-label="days shown">'
                        + '<option value="all">all days</option><option value="upto">up to day</option>'
                        + '<option value="on">on day</option></select> <span class="sg-date"></span>'
                        + '<input type="range" aria-label="day" min="0" step="1" max="' + D.ndays + '">';
                    var sel = div.querySelector("select"), rng = div.querySelector("input");
                    label = div.querySelector(".sg-date");
                    sel.value = mode;
                    rng.value = k;
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    L.DomEvent.on(sel, "change", function () { mode = sel.value; apply(); });
                    L.DomEvent.on(rng, n > 20000 ? "change" : "input", function () {
                        k = +rng.value;
                        if (mode === "all") { mode = "upto"; sel.value = mode; }
                        apply();
                    });
                    describe();
                    return div;
                }
            });
            var slider = D.slider && D.ndays > 0 ? new Slider() : null;
            function onAdd() {
                group._map.getContainer().setAttribute("data-scamgeo-events-shown", shown);
                group._map.getContainer().setAttribute("data-scamgeo-places-shown", placesShown);
                if (slider) { slider.addTo(group._map); }
            }
            group.on("add", onAdd);
            group.on("remove", function () { if (slider) { slider.remove(); } });
            apply();
            if (group._map) { onAdd(); }
            }
            if (typeof packed !== "string") { build(packed); return; }
            // gzip + base64 (large maps): inflate with the browser's own DecompressionStream
            var bin = atob(packed), bytes = new Uint8Array(bin.length), j;
            for (j = 0; j < bin.length; j++) { bytes[j] = bin.charCodeAt(j); }
            new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")))
                .text().then(function (t) { build(JSON.parse(t)); });
        })({{ this.get_name() }}, {{ this.data_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str,
        attribution: str = "",
        show: bool = True,
        compress: bool | None = None,
    ):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "EventLayer"
        self.data = data
        self.attribution = attribution
        self.compress = compress

    @property
    def n_events(self) -> int:
        return len(self.data["y"])

    def render(self, **kwargs):
        raw = script_json(self.data)
        compress = len(raw) > COMPRESS_ABOVE_BYTES if self.compress is None else self.compress
        if compress:  # base64 of gzip: only [A-Za-z0-9+/=], safe in a script
            packed = gzip.compress(raw.encode("utf-8"), compresslevel=6, mtime=0)
            self.data_json = '"' + base64.b64encode(packed).decode("ascii") + '"'
        else:
            self.data_json = raw
        self.options_json = script_json(
            {"attribution": self.attribution} if self.attribution else {}
        )
        add_css(self)
        super().render(**kwargs)


class HeatLayer(JSCSSMixin, Layer):
    """A heat layer of an :class:`EventLayer`'s points (follows its day slider; no copy of the data)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.heatLayer([], {{ this.options_json }});
        {{ this.events.get_name() }}._sgSetHeat({{ this.get_name() }});
        {% endmacro %}
        """
    )

    default_js = list(HeatMap.default_js)

    def __init__(self, events: EventLayer, *, name: str, show: bool = False, **options: Any):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "HeatLayer"
        self.events = events
        self.options = {
            "radius": 14,
            "blur": 18,
            "minOpacity": 0.25,
            "maxZoom": 11,
            "gradient": HEAT_GRADIENT,
            "attribution": events.attribution,
            **options,
        }

    def render(self, **kwargs):
        self.options_json = script_json(self.options)
        super().render(**kwargs)


class LocatorInset(MacroElement):
    """A small locator map (inline SVG, no tiles) in a corner of the map frame.

    ``svg`` must be safe SVG markup (built by :func:`scamgeo.maps._base.locator_svg`).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var Inset = L.Control.extend({
                options: {position: {{ this.position_json }}},
                onAdd: function () {
                    var d = L.DomUtil.create("div", "scamgeo-locator");
                    d.innerHTML = {{ this.svg_json }};
                    d.title = "Where this map is";
                    L.DomEvent.disableClickPropagation(d);
                    return d;
                }
            });
            new Inset().addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, svg: str, *, position: str = "topleft"):
        super().__init__()
        self._name = "LocatorInset"
        self.svg = svg
        self.position = position

    def render(self, **kwargs):
        self.svg_json = script_json(self.svg)
        self.position_json = script_json(self.position)
        add_css(self)
        super().render(**kwargs)


class RefitOnLoad(MacroElement):
    """Re-apply the map's last ``fit_bounds`` once the page has laid out.

    A map inside an iframe (``display_map``, the briefs) can run its script
    before the iframe has a size; Leaflet then fits the bounds into a 0×0
    box and opens at world zoom. This element calls ``invalidateSize`` and
    fits again on ``load``, without the zoom animation (a screenshot or print taken
    as the page loads would catch the map mid-flight, blank), and keeps the size
    right on resize. The map stays hidden (laid out, not shown) until then, so
    what lies under it (the static image of :class:`MapDisplay`) shows instead of
    a map at the wrong zoom. The bounds
    are read from the map's last ``FitBounds`` child when the page is rendered.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds_json }};
            // hidden (but laid out) until fitted: nobody sees it at a wrong zoom
            map.getContainer().style.visibility = "hidden";
            function refit() {
                map.invalidateSize();
                if (bounds) { map.fitBounds(bounds, {animate: false}); }
                map.getContainer().style.visibility = "";
            }
            if (document.readyState === "complete") { setTimeout(refit, 0); }
            else { window.addEventListener("load", refit); }
            // whatever happens to the load event, the map is never left hidden
            setTimeout(function () { map.getContainer().style.visibility = ""; }, 3000);
            window.addEventListener("resize", function () { map.invalidateSize(); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "RefitOnLoad"
        self.bounds_json = "null"

    # branca annotates Element.render as returning the HTML, but MacroElement.render (the
    # method this extends) renders into the parent figure and returns None.
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        from folium.map import FitBounds

        children = self._parent._children.values() if self._parent is not None else ()
        fits = [c for c in children if isinstance(c, FitBounds)]
        self.bounds_json = script_json(fits[-1].bounds) if fits else "null"
        super().render(**kwargs)
