"""Synthetic events in ACLED's 31-column export layout, for tests and benchmarks.

Every value is drawn at random (seeded): no ACLED row, no real event. The
points fall in a box over Thailand, Cambodia and their neighbours; about a
third of the rows name their province (the embedded province their point
lies in, when it lies in one of its country's), the others leave ``admin1``
empty so that
:func:`scamgeo.geo.assign_province` places them by location.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..config import DEFAULT_SEED

__all__ = ["synthetic_acled", "write_synthetic_acled"]

_KINDS = (
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Strategic developments", "Strategic developments", "Disrupted weapons use"),
)
_COUNTRY = {"THA": (764, "Thailand"), "KHM": (116, "Cambodia")}


def fresh_seed() -> int:
    """A seed drawn from fresh entropy (for ``seed=None``), small enough to write down."""
    entropy = np.random.SeedSequence().entropy
    return int(entropy) % (2**32)  # type: ignore[arg-type]  # an int when drawn fresh


def synthetic_acled(
    n: int,
    *,
    seed: int | None = DEFAULT_SEED,
    start: str = "2025-01-01",
    days: int = 365,
    box: tuple[float, float, float, float] = (98.0, 10.0, 107.5, 20.0),
):
    """``n`` synthetic events as a DataFrame of text in ACLED's export layout.

    Parameters
    ----------
    n : int
        Rows.
    seed : int or None, default :data:`scamgeo.config.DEFAULT_SEED`
        Random seed (the same seed gives the same rows); None draws fresh
        entropy, and the seed used is in ``.attrs["seed"]``.
    start : str
        First possible event date; dates are drawn over ``days`` days.
    box : (west, south, east, north)
        Where the points are drawn (degrees).

    Returns
    -------
    pandas.DataFrame
        The 31 columns of :data:`scamgeo.io.ACLED_COLUMNS`, as text.
    """
    from .. import datasets
    from ..io import ACLED_COLUMNS

    seed = fresh_seed() if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    provinces = datasets.provinces()
    iso3 = np.where(rng.random(n) < 0.6, "THA", "KHM")
    lon = np.round(rng.uniform(box[0], box[2], n), 4)
    lat = np.round(rng.uniform(box[1], box[3], n), 4)
    kind = rng.integers(0, len(_KINDS), n)
    day = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    named = rng.random(n) < 0.35
    admin1 = np.full(n, "", dtype=object)
    # a named row names the province its point lies in (of its own country), as a coder would
    pts = shapely.points(lon, lat)
    inside, where = shapely.STRtree(provinces.geometry.to_numpy()).query(pts, "within")
    own = provinces["country"].to_numpy(dtype=object)[where] == iso3[inside]
    inside, where = inside[own], where[own]
    first = np.unique(inside, return_index=True)[1]
    inside, where = inside[first], where[first]
    keep = named[inside]
    admin1[inside[keep]] = provinces["name"].to_numpy(dtype=object)[where[keep]]
    fatalities = rng.poisson(0.8, n).astype(object)
    fatalities[rng.random(n) < 0.05] = ""
    table = {
        "event_id_cnty": [f"SYN{c}{i:08d}" for c, i in zip(iso3, range(n), strict=True)],
        "event_date": day.strftime("%d %B %Y"),
        "year": day.year.astype(str),
        "time_precision": rng.integers(1, 4, n).astype(str),
        "disorder_type": [_KINDS[k][0] for k in kind],
        "event_type": [_KINDS[k][1] for k in kind],
        "sub_event_type": [_KINDS[k][2] for k in kind],
        "actor1": np.where(iso3 == "THA", "Synthetic Actor A", "Synthetic Actor B"),
        "assoc_actor_1": "",
        "inter1": "State forces",
        "actor2": "",
        "assoc_actor_2": "",
        "inter2": "",
        "interaction": "State forces only",
        "civilian_targeting": "",
        "iso": [str(_COUNTRY[c][0]) for c in iso3],
        "region": "Southeast Asia",
        "country": [_COUNTRY[c][1] for c in iso3],
        "admin1": admin1,
        "admin2": "",
        "admin3": "",
        "location": [f"Synthetic place {i % 997}" for i in range(n)],
        "latitude": lat.astype(str),
        "longitude": lon.astype(str),
        "geo_precision": rng.integers(1, 4, n).astype(str),
        "source": "Synthetic source",
        "source_scale": "National",
        "notes": [f"Synthetic event {i}, not a real event." for i in range(n)],
        "fatalities": fatalities.astype(str),
        "tags": "",
        "timestamp": (1735689600 + rng.integers(0, 31_536_000, n)).astype(str),
    }
    out = pd.DataFrame(table)[list(ACLED_COLUMNS)]
    out.attrs["seed"] = seed
    return out


def write_synthetic_acled(
    folder: str | Path,
    n: int,
    *,
    files: int = 3,
    seed: int | None = DEFAULT_SEED,
    chunk: int = 250_000,
    boxes: list[tuple[float, float, float, float]] | None = None,
) -> list[Path]:
    """Write ``n`` synthetic events as ``files`` CSV files in ACLED's layout; return the paths.

    ``boxes`` gives each file its own area (default: the whole region for all); ``seed``
    as in :func:`synthetic_acled` (None: fresh entropy).
    """
    seed = fresh_seed() if seed is None else int(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bounds = np.linspace(0, n, files + 1).astype(int)
    paths = []
    for f in range(files):
        path = folder / f"synthetic_acled_{f + 1}.csv"
        rows = int(bounds[f + 1] - bounds[f])
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for lo in range(0, max(rows, 1), chunk):
                size = min(chunk, rows - lo)
                box: dict[str, Any] = {"box": boxes[f]} if boxes else {}
                part = synthetic_acled(size, seed=seed * 1000 + f * 100 + lo // chunk, **box)
                part["event_id_cnty"] = [
                    f"SYN{f + 1}-{bounds[f] + lo + i:09d}" for i in range(size)
                ]
                part.to_csv(fh, index=False, header=lo == 0, lineterminator="\n")
        paths.append(path)
    return paths
