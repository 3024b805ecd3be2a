"""Displacement by province on a web map."""

from __future__ import annotations

import logging
import math
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _html, config
from .._errors import ParameterError
from .._time import parse_date
from .._validate import check_choice, check_positive, require_columns
from ..vocab import DISPLACEMENT_METRIC_LABELS, DISPLACEMENT_METRICS
from ._base import base_map
from ._common import (
    DISPLACEMENT_HTML,
    check_map,
    date_text,
    feature_collection,
    finish,
    popup,
    sources,
    unique_name,
)
from ._elements import (
    Legend,
    VectorLayer,
)
from ._legend import legend_html, swatch_circle

__all__ = [
    "displacement_map",
]


logger = logging.getLogger("scamgeo.maps")


# --- displacement --------------------------------------------------------------


def _latest_by_province(
    rows: pd.DataFrame, date: pd.Timestamp, max_age_days: float | None
) -> pd.DataFrame:
    upto = rows[rows["as_of"] <= date]
    if max_age_days is not None:
        upto = upto[upto["as_of"] > date - pd.Timedelta(days=max_age_days)]
    if upto.empty:
        return upto
    return (
        upto.sort_values(["as_of", "value"], kind="stable")
        .groupby("admin1_code", sort=True)
        .tail(1)
    )


def _nice_values(vmax: float) -> list[float]:
    if vmax <= 0:
        return []
    exp = 10 ** math.floor(math.log10(vmax))
    top = max(v * exp for v in (1, 2, 5, 10) if v * exp <= vmax) if vmax >= exp else vmax
    return [v for v in (top, top / 4, top / 20) if v >= 1]


def displacement_map(
    displacement: pd.DataFrame,
    *,
    metric: str = "in_shelters",
    date: Any = None,
    unit: str | None = None,
    m: folium.Map | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    max_radius_px: float = 36.0,
    max_age_days: float | None = 14,
    name: str | None = None,
) -> folium.Map:
    """Displacement by province as proportional circles, for a date or at the peak.

    Parameters
    ----------
    displacement : DataFrame
        In the displacement schema (:data:`scamgeo.schema.DISPLACEMENT`):
        ``as_of``, ``admin1_code``, ``metric``, ``value``, ``unit``; used when
        present: ``admin1``, ``publisher``, ``source_url``, ``notes``. National
        rows (no ``admin1_code``) are not drawn.
    metric : str, default "in_shelters"
        One of evacuated, in_shelters, displaced_total, remaining, returned.
        Figures of different metrics are never mixed.
    date : date-like, optional
        Show, for each province, its latest figure on or before this date.
        Default: the *peak*, the date on which the sum of those latest
        figures over provinces is largest.
    unit : str, optional
        people, families, households or sites; needed only when the metric is
        reported in several units (default: the only unit, or "people").
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map`).
    provinces : GeoDataFrame, optional
        Province polygons indexed or keyed by ``iso_3166_2`` (default: the embedded ones).
    max_radius_px : float, default 36
        Radius of the largest circle; circle *area* is proportional to the value.
    max_age_days : float or None, default 14
        A province's figure stands for a date only if it was reported within
        this many days before it (so a July figure is not counted in
        December). None carries every figure forward indefinitely.
    name : str, optional
        Layer name (default from the metric, unit and date).

    Returns
    -------
    folium.Map
        With one layer of circles whose legend names the metric, unit and date.
    """
    from .. import datasets

    if not isinstance(displacement, pd.DataFrame):
        raise ParameterError(
            f"displacement must be a DataFrame, got {type(displacement).__name__}."
        )
    require_columns(
        displacement.columns,
        ["as_of", "admin1_code", "metric", "value", "unit"],
        source="displacement",
    )
    check_choice(metric, DISPLACEMENT_METRICS, name="metric")
    max_radius_px = check_positive(max_radius_px, name="max_radius_px")
    if max_age_days is not None:
        max_age_days = check_positive(max_age_days, name="max_age_days")
    rows = displacement[displacement["metric"].astype(str) == metric].copy()
    if rows.empty:
        have = sorted(displacement["metric"].astype(str).unique())
        raise ParameterError(
            f"displacement has no rows with metric={metric!r}; it has: {', '.join(have) or 'none'}."
        )
    units = sorted(rows["unit"].astype(str).unique())
    if unit is None:
        unit = units[0] if len(units) == 1 else ("people" if "people" in units else None)
        if unit is None:
            raise ParameterError(
                f"metric {metric!r} is reported in several units ({', '.join(units)}); pass unit=."
            )
    elif unit not in units:
        raise ParameterError(
            f"metric {metric!r} has no figures in unit={unit!r}; units present: {', '.join(units)}."
        )
    rows = rows[(rows["unit"].astype(str) == unit) & rows["admin1_code"].notna()]
    rows["as_of"] = pd.to_datetime(rows["as_of"], errors="coerce")
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows.dropna(subset=["as_of", "value"])
    if rows.empty:
        raise ParameterError(
            f"displacement has no province figures for metric={metric!r} in {unit}."
        )

    if date is None:
        candidates = sorted(rows["as_of"].unique())
        totals = [
            float(_latest_by_province(rows, pd.Timestamp(d), max_age_days)["value"].sum())
            for d in candidates
        ]
        when = pd.Timestamp(candidates[int(np.argmax(totals))])
        when_label = f"{when:%Y-%m-%d} (peak)"
    else:
        when = parse_date(date, name="date")
        when_label = f"{when:%Y-%m-%d}"
    latest = _latest_by_province(rows, when, max_age_days)
    if latest.empty:
        window = (
            f"in the {max_age_days:g} days up to" if max_age_days is not None else "on or before"
        )
        raise ParameterError(
            f"no {metric} figures {window} {when:%Y-%m-%d} (the first is {rows['as_of'].min():%Y-%m-%d}, "
            f"the last {rows['as_of'].max():%Y-%m-%d}); pick another date or widen max_age_days."
        )

    provinces = datasets.provinces() if provinces is None else provinces
    key = (
        provinces["iso_3166_2"]
        if "iso_3166_2" in provinces.columns
        else pd.Series(provinces.index, index=provinces.index)
    )
    pg = provinces.to_crs(config.GEOGRAPHIC_CRS)
    anchor = dict(
        zip(key.astype(str), shapely.point_on_surface(pg.geometry.to_numpy()), strict=True)
    )
    pname = dict(
        zip(key.astype(str), pg["name"] if "name" in pg.columns else key.astype(str), strict=True)
    )
    unknown = sorted(set(latest["admin1_code"].astype(str)) - set(anchor))
    if unknown:
        logger.warning("displacement: no province polygon for %s; not drawn", ", ".join(unknown))
    latest = latest[latest["admin1_code"].astype(str).isin(anchor)].sort_values(
        "value", ascending=False
    )

    m = base_map() if m is None else check_map(m)
    vmax = float(latest["value"].max()) if len(latest) else 0.0
    metric_label = DISPLACEMENT_METRIC_LABELS[metric]
    color = "#0072B2"

    def radius(v: float) -> float:
        return max(2.0, max_radius_px * math.sqrt(v / vmax)) if vmax > 0 else 2.0

    geoms, props = [], []
    for r in latest.itertuples(index=False):
        r = r._asdict()
        code = str(r["admin1_code"])
        value = float(r["value"])
        label = _html.text(pname.get(code) or r.get("admin1"))
        rows_html = [
            ("Province", f"{label} ({_html.text(code)})"),
            (metric_label, f"{value:,.0f} {_html.text(unit)}"),
            ("As of", date_text(r["as_of"])),
            ("Published by", _html.text(r.get("publisher"))),
            ("Source", sources("report", r.get("source_url"), r.get("source_url_2"))),
            ("Notes", _html.text(r.get("notes"), max_chars=400)),
        ]
        geoms.append(anchor[code])
        props.append(
            {
                "tip": f"{label}: {value:,.0f} {_html.text(unit)}",
                "pop": popup(f"{metric_label}: {label}", rows_html, color=color),
                "st": {"radius": round(radius(value), 2)},
            }
        )
    title = f"{metric_label} ({_html.text(unit)}), {when_label}"
    layer = VectorLayer(
        feature_collection(gpd.GeoSeries(geoms, crs=config.GEOGRAPHIC_CRS), props),
        name=unique_name(m, _html.text(name if name is not None else f"{metric_label} ({unit})")),
        point_style={"color": "#ffffff", "weight": 1.2, "fillColor": color, "fillOpacity": 0.55},
        attribution=DISPLACEMENT_HTML,
    )
    key_rows = [
        f"{swatch_circle(color, radius=min(radius(v), 30))} {v:,.0f}" for v in _nice_values(vmax)
    ]
    layer.add_child(
        Legend(
            legend_html(
                title,
                key_rows,
                note=f"Circle area ∝ {unit}; {len(latest)} provinces; each its latest figure"
                + (
                    f" of the {max_age_days:g} days up to the date"
                    if max_age_days is not None
                    else " up to the date"
                ),
            ),
            css_class="scamgeo-legend-displacement",
        )
    )
    layer.add_to(m)
    return finish(m)
