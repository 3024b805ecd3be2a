"""Benchmark: HTML size and build time of scamgeo's events map vs a naive folium map.

For 1,000 / 10,000 / 50,000 synthetic events (ACLED-like: a distinct note of
~150-300 characters per event, a few hundred places and sources) this builds,
in the same run:

- ``scamgeo``: ``scamgeo.maps.events_map`` (one canvas layer, columnar data,
  heat layer, day slider) saved self-contained (every script inlined);
- ``naive_folium``: one ``folium.CircleMarker`` with a ``folium.Popup`` per
  event, saved with ``Map.save`` (scripts linked from CDNs, so its file does
  not even include Leaflet).

Prints one JSON document on stdout. Usage::

    python benchmarks/bench_maps.py [--sizes 1000 10000 50000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import folium
import numpy as np
import pandas as pd

import scamgeo
import scamgeo.maps as sm

TYPES = np.array(
    [
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Strategic developments",
    ]
)
COLORS = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#0072B2",
    "Violence against civilians": "#CC79A7",
    "Strategic developments": "#009E73",
}


def synthetic_events(n: int, *, seed: int = 0) -> pd.DataFrame:
    """ACLED-like events along the Thailand–Cambodia border (no real rows)."""
    rng = np.random.default_rng(seed)
    syllables = np.array(
        [
            "ba",
            "ko",
            "ran",
            "tha",
            "mu",
            "en",
            "sor",
            "pre",
            "ah",
            "vi",
            "hear",
            "sam",
            "rong",
            "kap",
            "cho",
            "ng",
            "ta",
            "kra",
            "bei",
            "tuol",
            "phum",
            "srok",
            "khet",
            "luek",
        ]
    )
    vocab = np.array(["".join(rng.choice(syllables, rng.integers(1, 4))) for _ in range(4000)])
    common = np.array(
        [
            "shelling",
            "reported",
            "near",
            "the",
            "border",
            "troops",
            "villagers",
            "artillery",
            "killed",
            "wounded",
            "houses",
            "damaged",
            "drone",
            "strike",
            "clash",
            "between",
            "forces",
        ]
    )
    shape = (n, 45)
    words = np.where(
        rng.random(shape) < 0.55,
        common[rng.integers(0, len(common), shape)],
        vocab[rng.integers(0, len(vocab), shape)],
    )
    lengths = rng.integers(25, 45, n)
    days, counts = rng.integers(1, 28, n), rng.integers(0, 40, n)
    notes = [
        f"On {days[i]} July, " + " ".join(words[i, : lengths[i]]) + f" ({counts[i]} reported)."
        for i in range(n)
    ]
    places = np.array(
        [f"{rng.choice(vocab).title()} {rng.choice(vocab).title()}" for _ in range(600)]
    )
    return pd.DataFrame(
        {
            "event_id": [f"THA{i}" for i in range(n)],
            "event_date": pd.Timestamp("2025-05-28")
            + pd.to_timedelta(rng.integers(0, 215, n), unit="D"),
            "time_precision": rng.choice([1, 1, 1, 2], n),
            "event_type": rng.choice(TYPES, n),
            "sub_event_type": rng.choice(
                ["Armed clash", "Shelling/artillery/missile attack", "Air/drone strike"], n
            ),
            "actor1": rng.choice(["Military Forces of Thailand", "Military Forces of Cambodia"], n),
            "actor2": rng.choice(
                ["Military Forces of Cambodia", "Civilians (Thailand)", "Civilians (Cambodia)"], n
            ),
            "country": rng.choice(["THA", "KHM"], n),
            "admin1": rng.choice(
                ["Surin", "Si Sa Ket", "Buri Ram", "Oddar Meanchey", "Preah Vihear"], n
            ),
            "location": rng.choice(places, n),
            "latitude": 14.2 + rng.normal(0, 0.35, n),
            "longitude": 103.6 + rng.normal(0, 0.8, n),
            "fatalities": rng.poisson(1.2, n),
            "notes": notes,
            "source": rng.choice(["Reuters", "Bangkok Post", "Khmer Times", "AP", "Thai PBS"], n),
            "source_url": [
                f"https://news.example.org/{k}" for k in rng.integers(0, max(1, n // 10), n)
            ],
            "dataset": "ACLED",
        }
    )


def naive_map(events: pd.DataFrame) -> folium.Map:
    """What one writes first: one CircleMarker and one Popup per event."""
    m = folium.Map(location=[14.2, 103.6], zoom_start=7)
    for row in events.itertuples(index=False):
        popup = (
            f"<b>{html.escape(row.event_type)}</b><br>{row.event_date:%Y-%m-%d}<br>{html.escape(row.location)}<br>"
            f"{html.escape(row.actor1)} vs {html.escape(row.actor2)}<br>Fatalities: {row.fatalities}<br>"
            f"{html.escape(row.notes)}<br><a href='{html.escape(row.source_url)}'>{html.escape(row.source)}</a>"
        )
        folium.CircleMarker(
            [row.latitude, row.longitude],
            radius=3 + 2 * np.sqrt(row.fatalities),
            color=COLORS[row.event_type],
            fill=True,
            fill_opacity=0.7,
            popup=folium.Popup(popup, max_width=300),
        ).add_to(m)
    return m


def measure(build, save, path: Path, repeat: int) -> dict:
    builds, saves = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        m = build()
        t1 = time.perf_counter()
        save(m, path)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        saves.append(t2 - t1)
    return {
        "build_s": round(min(builds), 3),
        "save_s": round(min(saves), 3),
        "total_s": round(min(b + s for b, s in zip(builds, saves, strict=True)), 3),
        "html_mb": round(path.stat().st_size / 1e6, 3),
    }


def hub_map_sizes(hub: str = "poipet", radius_km: float = 30.0) -> dict:
    """Bytes of the hub brief's map (rings + events within ``radius_km``), as the brief builds it.

    ``before``: boundaries at the former fixed 0.002° tolerance and 4 decimals
    everywhere; ``after``: the default view-dependent simplification.
    """
    from scamgeo import datasets
    from scamgeo.maps import _base

    sites, events = datasets.sites(), datasets.events()
    one = sites.loc[[hub]]
    lat0, lon0 = float(one["latitude"].iloc[0]), float(one["longitude"].iloc[0])
    dist = np.hypot(  # equirectangular: good to well under 1% at 30 km
        (events.geometry.y - lat0) * 111.32,
        (events.geometry.x - lon0) * 111.32 * np.cos(np.radians(lat0)),
    )
    nearby = events[np.asarray(dist) <= radius_km]
    radii = (radius_km / 3, 2 * radius_km / 3, radius_km)

    def page() -> int:
        m = sm.rings_map(sites, hub=hub, radii_km=radii)
        m = sm.events_map(nearby, m=m, time_slider=False)
        return len(sm.to_html(m).encode("utf-8"))

    after = page()
    original = _base.display_geometry
    try:  # the former rule: one tolerance for every boundary, wherever it is

        def former(geoms, view, *, tolerance):  # polygons 0.002°, the border line 0.0005°
            line = geoms.geom_type.str.contains("Line").all()
            return _base.round_geometry(geoms, simplify_deg=0.0005 if line else 0.002, decimals=4)

        _base.display_geometry = former
        before = page()
    finally:
        _base.display_geometry = original
    return {
        "hub": hub,
        "radius_km": radius_km,
        "events": len(nearby),
        "before_bytes": before,
        "after_bytes": after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--hub-only", action="store_true", help="only the hub map's page size")
    args = parser.parse_args(argv)
    hub = hub_map_sizes()
    if args.hub_only:
        json.dump({"benchmark": "maps.hub_page", "hub_map": hub}, sys.stdout, indent=2)
        print()
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            events = synthetic_events(n)
            ours = measure(
                lambda ev=events: sm.events_map(ev),
                lambda m, p: sm.save_map(m, p),
                Path(tmp, f"scamgeo-{n}.html"),
                args.repeat,
            )
            ours["self_contained"] = True
            naive = measure(
                lambda ev=events: naive_map(ev),
                lambda m, p: m.save(str(p)),
                Path(tmp, f"naive-{n}.html"),
                args.repeat,
            )
            naive["self_contained"] = False
            results.append(
                {
                    "n_events": n,
                    "scamgeo": ours,
                    "naive_folium": naive,
                    "size_ratio_naive_over_scamgeo": round(naive["html_mb"] / ours["html_mb"], 2),
                    "time_ratio_naive_over_scamgeo": round(naive["total_s"] / ours["total_s"], 2),
                    "scamgeo_under_10mb": ours["html_mb"] < 10,
                }
            )
            print(f"# {n} events done", file=sys.stderr)
    out = {
        "benchmark": "maps.events_map",
        "scamgeo": scamgeo.__version__,
        "folium": folium.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "notes": "naive = one folium.CircleMarker + Popup per event, saved with CDN links (Leaflet not included)",
        "results": results,
        "hub_map": hub,
    }
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
