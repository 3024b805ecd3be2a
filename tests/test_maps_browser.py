"""Saved maps in a real headless Chromium with the network blocked.

The browser gets a dead proxy and a resolver that resolves nothing, so any
CDN reference left in a self-contained file would fail (and the map with it).
A probe script appended to a copy of the page opens every popup by clicking
its marker, copies what Leaflet put in the popup into the DOM, toggles a
layer in the layer control, and records what it saw as attributes; the test
reads them from ``--dump-dom``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from _browser import CHROMIUM, chromium
from test_maps import HOSTILE_NOTE, make_displacement, make_events, make_sites

import scamgeo.maps as sm
from scamgeo.maps._elements import VectorLayer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless chromium is not installed (CI installs it in .ci/run: apt-get install -y chromium)",
    ),
]

# Runs first in <head>: any alert() from injected markup is recorded, not shown.
ALERT_TRAP = """<script>
window.alert = function () { document.documentElement.setAttribute("data-alerted", "1"); };
</script>"""

PROBE = """<script>
function sgProbe() {
    var map = null, k;
    for (k in window) {
        try { if (k.indexOf("map_") === 0 && window[k] instanceof L.Map) { map = window[k]; } } catch (e) {}
    }
    var res = document.createElement("div");
    res.id = "sg-probe";
    document.body.appendChild(res);
    var opened = 0, limit = %(limit)d, targets = [];
    map.eachLayer(function (l) {
        if (l._sgp !== undefined || (l.getPopup && l.getPopup() && l.getLatLng)) { targets.push(l); }
    });
    var current = null;
    map.on("popupopen", function (e) { current = e.popup; });
    targets.slice(0, limit).forEach(function (l) {
        current = null;
        l.fire("click", {latlng: l.getLatLng()}, true);
        var c = current && current.getElement().querySelector(".leaflet-popup-content");
        if (c) {
            var copy = document.createElement("div");
            copy.className = "sg-copy";
            copy.innerHTML = c.innerHTML;
            res.appendChild(copy);
            opened++;
        }
        map.closePopup();
    });
    function has(sel) { return document.querySelectorAll(sel).length; }
    res.setAttribute("data-popups", opened);
    res.setAttribute("data-sites", has(".scamgeo-site"));
    res.setAttribute("data-event-paths", has("path.scamgeo-event"));
    res.setAttribute("data-rings", has("path.scamgeo-uncertainty"));
    res.setAttribute("data-labels", has(".leaflet-tooltip.scamgeo-label"));
    var lg = document.querySelector(".scamgeo-legend-events");
    if (lg) {
        ["claims", "incidents", "places"].forEach(function (w) {
            var el = lg.querySelector(".sg-" + w);
            res.setAttribute("data-legend-" + w, el ? el.textContent.replace(/,/g, "") : "");
        });
    }
    res.setAttribute("data-paths", has("path.leaflet-interactive"));
    res.setAttribute("data-canvases", has("canvas"));
    res.setAttribute("data-legends-before", has(".scamgeo-legend-events"));
    res.setAttribute("data-slider-before", has(".scamgeo-slider"));
    var labels = document.querySelectorAll(".leaflet-control-layers-overlays label");
    var box = null;
    labels.forEach(function (lab) { if (lab.textContent.trim() === "Events") { box = lab.querySelector("input"); } });
    if (box) {
        box.click();
        res.setAttribute("data-legends-hidden", has(".scamgeo-legend-events"));
        res.setAttribute("data-slider-hidden", has(".scamgeo-slider"));
        box.click();
        res.setAttribute("data-legends-shown", has(".scamgeo-legend-events"));
    }
    res.setAttribute("data-done", "1");
}
// measure once the event layer has drawn (large layers inflate asynchronously), or after 5 s
(function wait(t) {
    if (document.querySelector("[data-scamgeo-events-shown]") || t >= 25) { setTimeout(sgProbe, 300); }
    else { setTimeout(function () { wait(t + 1); }, 200); }
})(0);
</script>"""


def with_probe(saved: Path, *, limit: int = 1000) -> Path:
    html = saved.read_text(encoding="utf-8")
    html = html.replace("<head>", "<head>" + ALERT_TRAP, 1)
    html = html.replace("</body>", PROBE % {"limit": limit} + "</body>", 1)
    probed = saved.with_name("probed-" + saved.name)
    probed.write_text(html, encoding="utf-8")
    return probed


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def parse(dom: str) -> tuple[dict, list[tuple[str, dict]]]:
    p = _Dom()
    p.feed(dom)
    probe = next(a for t, a in p.elements if a.get("id") == "sg-probe")
    return probe, p.elements


@pytest.fixture(scope="module")
def saved_map(tmp_path_factory) -> Path:
    sites = make_sites()
    disp = make_displacement()
    events = make_events(40)
    events.loc[0, "notes"] = HOSTILE_NOTE
    events.loc[0, "source_url"] = "javascript:alert(1)"
    events.loc[0, "source"] = '"><img src=x onerror=alert(3)>'
    # ten claims at one gazetteer place known to 5 km, two of them one incident
    events["place_id"] = ["ta-muen-thom"] * 10 + [None] * 30
    events["uncertainty_m"] = [5000] * 10 + [50] * 30
    events["incident_id"] = ["I1", "I1"] + [None] * 38
    m = sm.base_map()
    sm.sites_map(sites, m=m)
    sm.events_map(events, m=m, options=sm.EventMapOptions(show_heat=True))
    sm.displacement_map(disp, m=m)
    sm.rings_map(sites, hub="poipet", m=m)
    return sm.save_map(m, tmp_path_factory.mktemp("browser") / "map.html")


def test_self_contained_map_draws_offline_and_escapes_hostile_text(saved_map: Path, tmp_path: Path):
    dom = chromium(with_probe(saved_map), tmp_path, "--dump-dom").stdout
    probe, elements = parse(dom)
    assert probe["data-done"] == "1"
    # drawn without network: markers, paths, heat canvas
    assert int(probe["data-sites"]) == 6
    # one marker per place: 30 points of their own and one place for the other ten
    assert int(probe["data-event-paths"]) == 31 == 30 + 1
    assert int(probe["data-rings"]) == 1  # the 5 km place's uncertainty
    # labels without tiles: the event's gazetteer place, the hubs, towns and crossings
    m = sm.base_map()
    sm.sites_map(make_sites(), m=m)
    sm.rings_map(make_sites(), hub="poipet", m=m)
    drawn = sum(
        "lb" in f["properties"]
        for lay in m._children.values()
        if isinstance(lay, VectorLayer)
        for f in lay.data["features"]
    )
    assert int(probe["data-labels"]) == 1 + drawn and drawn > 3 + 12 + 1
    assert int(probe["data-paths"]) > 101 + 31  # provinces, countries, border, rings, events...
    assert int(probe["data-canvases"]) >= 1  # the heat layer
    assert 'data-scamgeo-events-shown="40"' in dom and 'data-scamgeo-places-shown="31"' in dom
    # the legend counts what the map shows
    assert (probe["data-legend-claims"], probe["data-legend-incidents"]) == ("40", "39")
    assert probe["data-legend-places"] == "31"
    assert "10 events (claims) of 9 incidents" in dom  # the popup of the shared place
    # every popup opened, hostile text shown as text and never as markup
    assert int(probe["data-popups"]) == 6 + 31 + 2  # sites, places, displacement circles
    assert not [a for t, a in elements if "data-alerted" in a]  # no alert() ran
    assert not [a for t, a in elements if t == "img"]
    assert not [a for t, a in elements if "onerror" in a]
    hrefs = [a.get("href", "") for t, a in elements if t == "a"]
    assert [h for h in hrefs if h.startswith("https://example.org/")]  # source links are links
    assert not [
        h for h in hrefs if not (h.startswith("https://") or h == "#")
    ]  # '#': Leaflet's buttons
    assert dom.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # an event and a site popup
    assert '"&gt;&lt;img src=x onerror=alert(1)&gt;' in dom  # text nodes keep the quote
    assert "${alert(2)}" in dom  # shown, never evaluated
    assert "javascript:alert(1)" in dom and 'href="javascript' not in dom
    # legends follow their layer in the layer control
    assert probe["data-legends-before"] == "1" and probe["data-slider-before"] == "1"
    assert probe["data-legends-hidden"] == "0" and probe["data-slider-hidden"] == "0"
    assert probe["data-legends-shown"] == "1"


def test_screenshot_shows_the_map(saved_map: Path, tmp_path: Path):
    import matplotlib.image as mpimg

    shot = tmp_path / "map.png"
    chromium(
        saved_map, tmp_path, f"--screenshot={shot}", "--window-size=1200,900", "--hide-scrollbars"
    )
    img = (mpimg.imread(shot)[..., :3] * 255).round().astype(int)
    assert img.shape[:2] == (900, 1200)
    colours = np.unique(img[::3, ::3].reshape(-1, 3), axis=0)
    assert len(colours) > 200  # not a blank page

    def pixels_near(rgb, tol=18):
        return int((np.abs(img - np.array(rgb)).max(axis=2) <= tol).sum())

    assert pixels_near((0xF3, 0xEF, 0xE6), tol=6) > 50_000  # land fill of the vector base map
    assert pixels_near((0xE6, 0x9F, 0x00)) > 30  # casino hub diamonds
    assert pixels_near((0x22, 0x22, 0x22), tol=25) > 300  # border line, outlines


def test_fifty_thousand_events_open_offline(tmp_path: Path):
    rng = np.random.default_rng(3)
    events = make_events(50_000, seed=3, dataset="ACLED")
    vocab = np.array([f"w{k}" for k in range(3000)])
    events["notes"] = [" ".join(rng.choice(vocab, 25)) for _ in range(len(events))]
    events.loc[5, "notes"] = HOSTILE_NOTE
    saved = sm.save_map(sm.events_map(events), tmp_path / "big.html")
    assert saved.stat().st_size < 10e6
    dom = chromium(with_probe(saved, limit=10), tmp_path, "--dump-dom").stdout
    probe, elements = parse(dom)
    assert re.search(r'data-scamgeo-events-shown="50000"', dom)  # inflated and drawn
    assert probe["data-event-paths"] == "0" and int(probe["data-canvases"]) >= 1  # on a canvas
    assert probe["data-popups"] == "10"
    assert not [a for t, a in elements if "data-alerted" in a]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "Armed Conflict Location &amp; Event Data (ACLED)" in dom  # required attribution shown
