"""Random space-time event patterns for the calibration tests and the benchmark."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

METRIC_CRS = "EPSG:32648"
#: A border-sized window in UTM 48N: 300 km east-west, 100 km north-south, about 14°N 103–106°E.
X0, Y0, WIDTH, HEIGHT = 300_000.0, 1_550_000.0, 300_000.0, 100_000.0
DAYS = 200
START = pd.Timestamp("2025-05-28")
#: The window as a lon/lat box slightly inside it (for hotspots' ``bounds``), computed once.
_BOX = None


def window_bounds() -> tuple[float, float, float, float]:
    """Lon/lat bounds of the window (the grid laid over it covers it)."""
    global _BOX
    if _BOX is None:
        corners = gpd.GeoSeries.from_xy(
            [X0, X0 + WIDTH, X0, X0 + WIDTH], [Y0, Y0, Y0 + HEIGHT, Y0 + HEIGHT], crs=METRIC_CRS
        ).to_crs("EPSG:4326")
        _BOX = (corners.x.min(), corners.y.min(), corners.x.max(), corners.y.max())
    return _BOX


def events_from_xy(x: np.ndarray, y: np.ndarray, day: np.ndarray) -> gpd.GeoDataFrame:
    """Events in the common schema (the columns the tests need) at metric points and day numbers."""
    pts = gpd.GeoSeries.from_xy(x, y, crs=METRIC_CRS).to_crs("EPSG:4326")
    return gpd.GeoDataFrame(
        {
            "event_id": [f"SIM{i:05d}" for i in range(len(x))],
            "event_date": START + pd.to_timedelta(np.asarray(day, dtype=int), unit="D"),
            "fatalities": pd.array([pd.NA] * len(x), dtype="Int64"),
            "geo_precision": pd.array([1] * len(x), dtype="Int64"),
            "time_precision": pd.array([1] * len(x), dtype="Int64"),
            "longitude": pts.x.to_numpy(),
            "latitude": pts.y.to_numpy(),
        },
        geometry=pts.to_numpy(),
        crs="EPSG:4326",
    )


def csr(n: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """``n`` events uniform in the window and its days: complete spatial-temporal randomness."""
    x = X0 + rng.uniform(0, WIDTH, n)
    y = Y0 + rng.uniform(0, HEIGHT, n)
    day = rng.integers(0, DAYS, n)
    return events_from_xy(x, y, day)


def planted(
    n: int,
    k: int,
    rng: np.random.Generator,
    *,
    radius_m: float = 5_000.0,
    days: int = 5,
    centre: tuple[float, float] | None = None,
) -> gpd.GeoDataFrame:
    """``n`` random events plus ``k`` in one cluster of ``radius_m`` and ``days``."""
    cx, cy = centre if centre is not None else (X0 + WIDTH / 2, Y0 + HEIGHT / 2)
    r = radius_m * np.sqrt(rng.random(k))
    a = rng.random(k) * 2 * np.pi
    t0 = rng.integers(0, DAYS - days)
    x = np.concatenate([X0 + rng.uniform(0, WIDTH, n), cx + r * np.cos(a)])
    y = np.concatenate([Y0 + rng.uniform(0, HEIGHT, n), cy + r * np.sin(a)])
    day = np.concatenate([rng.integers(0, DAYS, n), t0 + rng.integers(0, days, k)])
    return events_from_xy(x, y, day)


def trend(n: int, rng: np.random.Generator, *, strength: float = 3.0) -> gpd.GeoDataFrame:
    """``n`` events whose density rises smoothly from west to east (``strength`` times), no cluster."""
    u = rng.random(n)
    # inverse CDF of a density proportional to 1 + (strength - 1) x on [0, 1]
    a = strength - 1.0
    xs = (np.sqrt(1 + a * (2 + a) * u) - 1) / a if a > 0 else u
    x = X0 + WIDTH * xs
    y = Y0 + rng.uniform(0, HEIGHT, n)
    return events_from_xy(x, y, rng.integers(0, DAYS, n))


def stacked(n: int, rng: np.random.Generator, *, places: int = 40) -> gpd.GeoDataFrame:
    """``n`` events placed at ``places`` shared points (like a gazetteer), places and days random."""
    px = X0 + rng.uniform(0, WIDTH, places)
    py = Y0 + rng.uniform(0, HEIGHT, places)
    k = rng.integers(0, places, n)
    return events_from_xy(px[k], py[k], rng.integers(0, DAYS, n))
