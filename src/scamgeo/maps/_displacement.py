"""Displacement by province on a web map."""

from __future__ import annotations

import math
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely

from .. import _html, config, fmt
from .._errors import ParameterError
from .._time import date_column, parse_date
from .._validate import check_choice, require_columns
from ..stats import figures_as_of, series_columns
from ..style import OKABE_ITO, PAPER
from ..vocab import DISPLACEMENT_METRIC_LABELS, DISPLACEMENT_METRICS, MEASURES
from ._base import base_map
from ._common import (
    DISPLACEMENT_HTML,
    check_map,
    finish,
    logger,
    popup,
    sources,
    unique_name,
    vector_layer,
)
from ._elements import (
    Legend,
    VectorLayer,
)
from ._legend import legend_html, swatch_circle
from ._options import DisplacementMapOptions, options_or_default

__all__ = ["displacement_map"]


# --- displacement --------------------------------------------------------------


def _peak_by_province(rows: pd.DataFrame) -> pd.DataFrame:
    """Each province's own peak (the first date its largest figure was reported)."""
    order = rows.assign(_neg=-rows["value"]).sort_values(["_neg", "as_of"], kind="stable")
    return order.groupby("admin1_code", sort=True).head(1).drop(columns="_neg")


def _one_series_per_province(rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Keep, for each province, one counting body's series (the one with most figures).

    Returns the rows kept and the number of provinces whose other bodies' figures were set aside.
    """
    sizes = rows.groupby(["admin1_code", "sg_body"], sort=True).size().reset_index(name="n")
    sizes = sizes.sort_values(["admin1_code", "n"], ascending=[True, False], kind="stable")
    chosen = sizes.groupby("admin1_code", sort=True).head(1)
    several = int((sizes.groupby("admin1_code").size() > 1).sum())
    keep = rows.merge(chosen[["admin1_code", "sg_body"]], on=["admin1_code", "sg_body"])
    return keep, several


def _select_series(
    rows: pd.DataFrame,
    *,
    metric: str,
    unit: str,
    measure: str | None,
    counting_body: str | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Rows of one measure (stocks by default) with their body, and the notes to show."""
    body, meas, notes = series_columns(rows)
    rows = rows.assign(sg_body=body.to_numpy(), sg_measure=meas.to_numpy())
    if measure is not None:
        check_choice(measure, MEASURES, name="measure")
        rows = rows[rows["sg_measure"] == measure]
    elif (rows["sg_measure"] == "stock").any() and (rows["sg_measure"] == "flow").any():
        notes.append("flows set aside: the map shows stocks (people displaced at a date).")
        rows = rows[rows["sg_measure"] == "stock"]
    if counting_body is not None:
        rows = rows[rows["sg_body"] == str(counting_body)]
    if (rows["sg_measure"].nunique()) > 1:  # e.g. 'unknown' beside 'stock'
        raise ParameterError(
            f"metric {metric!r} in {unit} has figures of measures "
            f"{', '.join(sorted(rows['sg_measure'].unique()))}; pass measure= to pick one."
        )
    return rows, notes


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
    counting_body: str | None = None,
    measure: str | None = None,
    m: folium.Map | None = None,
    options: DisplacementMapOptions | None = None,
) -> folium.Map:
    """Displacement by province as proportional circles, for a date or at each province's peak.

    One series per province: figures of different metrics, units, counting
    bodies or measures (a flow and a stock) are never mixed. Where a province
    has figures from several counting bodies, the body with most figures there
    is drawn and the legend says how many provinces had others set aside.
    A metric without province figures (e.g. ``returned``) gives a map whose
    legend says so.

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
        Default: each province's own *peak* (its largest figure), with the
        date of each in its label and popup.
    unit : str, optional
        people, families, households or sites; needed only when the metric is
        reported in several units (default: the only unit, or "people").
    counting_body : str, optional
        Only this body's figures (``counting_body`` column).
    measure : {"stock", "flow"}, optional
        Only figures of this measure. Default: stocks when the metric has
        both (a flow is not a level at a date); rows without the column are
        one unknown measure.
    m : folium.Map, optional
        Map to add to (default: a new :func:`base_map`).
    options : DisplacementMapOptions, optional
        How old a figure may be for a date (``max_age_days``, default 14), the
        largest circle, the province polygons and the layer's name.

    Returns
    -------
    folium.Map
        With one layer of circles whose legend names the metric, unit and date.

    Raises
    ------
    ParameterError
        An unknown metric, a unit or measure the figures do not have, or
        figures of several units or measures when none is chosen.
    SchemaError
        A required column is missing or holds a value that is not a date.

    Examples
    --------
    >>> from scamgeo import datasets, maps
    >>> m = maps.displacement_map(datasets.displacement(), metric="in_shelters")
    >>> [name for name in maps.map_layers(m) if "shelters" in name]
    ['In shelters (people)']
    """
    opts = options_or_default(options, DisplacementMapOptions)
    rows, unit = _rows_of(displacement, metric=metric, unit=unit)
    rows, notes = _select_series(
        rows, metric=metric, unit=unit, measure=measure, counting_body=counting_body
    )
    metric_label = DISPLACEMENT_METRIC_LABELS[metric]
    national = int(rows["admin1_code"].isna().sum())
    rows = rows[rows["admin1_code"].notna()].copy()
    rows["as_of"] = date_column(rows, "as_of", source="displacement", allow_missing=True)
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows.dropna(subset=["as_of", "value"])
    title = f"{metric_label} ({unit})"
    if rows.empty:
        said = f"only national figures ({fmt.count(national)}) are reported" if national else ""
        said = f"No province figures: {said or 'no figures are reported'}, so nothing is drawn by province."
        return _no_province_figures(m, title=title, name=opts.name, said=said)
    rows, set_aside = _one_series_per_province(rows)
    if set_aside:
        notes.append(
            f"{set_aside} province(s) also had another counting body's figures, not mixed in."
        )
    latest, when_label = _figures_shown(rows, date, max_age_days=opts.max_age_days)
    if latest.empty:  # nothing to draw on that date: say so on the map, as for no figures at all
        return _no_province_figures(m, title=title, name=opts.name, said=when_label)
    places = _province_anchors(opts.provinces)
    unknown = sorted(set(latest["admin1_code"].astype(str)) - set(places))
    if unknown:
        logger.warning("displacement: no province polygon for %s; not drawn", ", ".join(unknown))
    latest = latest[latest["admin1_code"].astype(str).isin(places)]
    latest = latest.sort_values("value", ascending=False)
    m = base_map() if m is None else check_map(m)
    layer = _circles(m, latest, places, title=title, peak=date is None, opts=opts)
    layer.add_child(
        _circles_legend(
            latest,
            f"{metric_label} ({_html.text(unit)}), {when_label}",
            unit,
            notes,
            peak=date is None,
            opts=opts,
        )
    )
    layer.add_to(m)
    return finish(m)


def _rows_of(
    displacement: pd.DataFrame, *, metric: str, unit: str | None
) -> tuple[pd.DataFrame, str]:
    """The rows of ``metric`` in one unit (the only one, else people, else ``unit=``)."""
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
    return rows[rows["unit"].astype(str) == unit], unit


def _figures_shown(
    rows: pd.DataFrame, date: Any, *, max_age_days: float | None
) -> tuple[pd.DataFrame, str]:
    """Each province's peak, or its latest figure at ``date``; and how the legend names it.

    When nothing is left, the text says why instead (for the map's legend).
    """
    if date is None:
        return _peak_by_province(rows), "each province's peak"
    when = parse_date(date, name="date")
    latest = figures_as_of(rows, when, max_age_days=max_age_days)
    if len(latest):
        return latest, fmt.date(when)
    window = (
        f"in the {fmt.number(max_age_days)} days up to"
        if max_age_days is not None
        else "on or before"
    )
    return latest, (
        f"No province figure {window} {fmt.date(when)} (the figures run "
        f"{fmt.span(rows['as_of'].min(), rows['as_of'].max())}), so nothing is drawn."
    )


def _province_anchors(provinces: gpd.GeoDataFrame | None) -> dict[str, tuple[Any, str]]:
    """ISO 3166-2 code -> (a point inside the province, its name)."""
    from .. import datasets

    provinces = datasets.provinces() if provinces is None else provinces
    key = (
        provinces["iso_3166_2"]
        if "iso_3166_2" in provinces.columns
        else pd.Series(provinces.index, index=provinces.index)
    ).astype(str)
    pg = provinces.to_crs(config.GEOGRAPHIC_CRS)
    names = pg["name"] if "name" in pg.columns else key
    points = shapely.point_on_surface(pg.geometry.to_numpy())
    return {k: (pt, str(n)) for k, pt, n in zip(key, points, names, strict=True)}


def _radius(value: float, vmax: float, max_radius_px: float) -> float:
    """Circle radius in pixels: area proportional to the value."""
    return max(2.0, max_radius_px * math.sqrt(value / vmax)) if vmax > 0 else 2.0


def _circles(
    m: folium.Map,
    latest: pd.DataFrame,
    places: dict[str, tuple[Any, str]],
    *,
    title: str,
    peak: bool,
    opts: DisplacementMapOptions,
) -> VectorLayer:
    """One circle per province with its popup (figure, date, body, measure, source)."""
    vmax = float(latest["value"].max()) if len(latest) else 0.0
    color = OKABE_ITO["blue"]
    geoms, props = [], []
    for r in latest.to_dict("records"):
        code = str(r["admin1_code"])
        value = float(r["value"])
        label = _html.text(places[code][1] or r.get("admin1"))
        shown = f"{fmt.count(value)} {_html.text(r['unit'])}"
        rows_html = [
            ("Province", f"{label} ({_html.text(code)})"),
            (_html.text(title.rsplit(" (", 1)[0]), shown),
            ("Peak on" if peak else "As of", _html.text(fmt.date(r["as_of"]))),
            ("Counted by", _html.text(r["sg_body"])),
            ("Measure", _html.text(r["sg_measure"])),
            ("Published by", _html.text(r.get("publisher"))),
            ("Source", sources("report", r.get("source_url"), r.get("source_url_2"))),
            ("Notes", _html.text(r.get("notes"), max_chars=400)),
        ]
        geoms.append(places[code][0])
        props.append(
            {
                "tip": f"{label}: {shown}"
                + (f" (peak, {_html.text(fmt.date(r['as_of']))})" if peak else ""),
                "pop": popup(
                    f"{_html.text(title.rsplit(' (', 1)[0])}: {label}", rows_html, color=color
                ),
                "st": {"radius": round(_radius(value, vmax, opts.max_radius_px), 2)},
            }
        )
    return vector_layer(
        m,
        gpd.GeoSeries(geoms, crs=config.GEOGRAPHIC_CRS),
        props,
        name=_html.text(opts.name if opts.name is not None else title),
        point_style={"color": PAPER, "weight": 1.2, "fillColor": color, "fillOpacity": 0.55},
        attribution=DISPLACEMENT_HTML,
    )


def _circles_legend(
    latest: pd.DataFrame,
    title: str,
    unit: str,
    notes: list[str],
    *,
    peak: bool,
    opts: DisplacementMapOptions,
) -> Legend:
    vmax = float(latest["value"].max()) if len(latest) else 0.0
    color = OKABE_ITO["blue"]
    key_rows = [
        f"{swatch_circle(color, radius=min(_radius(v, vmax, opts.max_radius_px), 30))} {fmt.count(v)}"
        for v in _nice_values(vmax)
    ]
    if peak:
        when = f"each at its own peak, dated in its label ({fmt.span(latest['as_of'].min(), latest['as_of'].max()).removeprefix('from ').removeprefix('on ')})"
    elif opts.max_age_days is not None:
        when = f"each its latest figure of the {fmt.number(opts.max_age_days)} days up to the date"
    else:
        when = "each its latest figure up to the date"
    note = f"Circle area ∝ {_html.text(unit)}; {len(latest)} provinces; {when}" + "".join(
        " " + _html.text(n) for n in notes
    )
    return Legend(legend_html(title, key_rows, note=note), css_class="scamgeo-legend-displacement")


def _no_province_figures(
    m: folium.Map | None, *, title: str, name: str | None, said: str
) -> folium.Map:
    """A map whose legend says why there is nothing to draw by province (instead of failing)."""
    m = base_map() if m is None else check_map(m)
    layer = VectorLayer(
        {"type": "FeatureCollection", "features": []},
        name=unique_name(m, _html.text(name if name is not None else title)),
        attribution=DISPLACEMENT_HTML,
    )
    layer.add_child(
        Legend(
            legend_html(_html.text(title), [said]),
            css_class="scamgeo-legend-displacement",
        )
    )
    layer.add_to(m)
    return finish(m)
