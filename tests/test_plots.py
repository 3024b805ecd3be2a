"""scamgeo.plots: static maps with the expected artists, true scale bar and north arrow, files."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyproj
import pytest
from matplotlib.colors import to_hex
from test_maps import make_events, make_sites
from test_time import STARTS

import scamgeo
import scamgeo.plots as sp
from scamgeo import config


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def by_gid(ax, prefix: str) -> list:
    return [c for c in ax.collections if (c.get_gid() or "").startswith(prefix)]


def geodesic_km(crs, x0, y0, x1, y1) -> float:
    t = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = t.transform([x0, x1], [y0, y1])
    return pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000


# --- overview ------------------------------------------------------------------------


def test_overview_map_draws_every_layer():
    events = make_events(60)
    sites = make_sites()
    ax = sp.overview_map(events, sites=sites, frame=sp.MapFrame(title="Border $war"))
    assert ax.figure is not None and ax._scamgeo_crs == pyproj.CRS(config.METRIC_CRS)
    assert by_gid(ax, "countries") and by_gid(ax, "provinces") and by_gid(ax, "border")
    battles = by_gid(ax, "events:Battles")
    assert len(battles) == 1 and len(battles[0].get_offsets()) == 20
    assert to_hex(battles[0].get_facecolor()[0]).upper() == "#D55E00"
    drawn = sum(len(c.get_offsets()) for c in by_gid(ax, "events:"))
    assert drawn == 60
    # sizes follow fatalities: area 8 + 10 sqrt(f)
    f = events["fatalities"].astype(float).to_numpy()[events["event_type"].to_numpy() == "Battles"]
    np.testing.assert_allclose(battles[0].get_sizes(), 8 + 10 * np.sqrt(f))
    # sites inside the extent only (KK Park and the Golden Triangle are far off), one marker per kind
    kinds = {c.get_gid() for c in by_gid(ax, "sites:")}
    assert kinds == {"sites:casino_hub", "sites:casino", "sites:border_crossing"}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Battles (20)" in labels and "Casino hub (2)" in labels and "Border" in labels
    assert ax.get_title() == r"Border \$war"  # mathtext disarmed
    assert ax.get_xlabel() == "" and ax.get_ylabel() == ""
    names = [t.get_text() for t in ax.texts if (t.get_gid() or "") == "site-label:casino_hub"]
    assert sorted(names) == ["O'Smach", "Poipet"]
    assert any(child.get_gid() == "inset-locator" for child in ax.child_axes)


def test_scale_bar_is_true_on_the_ground():
    ax = sp.overview_map(make_events(5), frame=sp.MapFrame(inset=False))
    bar = ax._scamgeo_scale_bar
    assert bar["length_km"] in (20, 25, 50, 100)
    km = geodesic_km(config.METRIC_CRS, bar["x0"], bar["y"], bar["x1"], bar["y"])
    assert km == pytest.approx(bar["length_km"], rel=1e-4)
    patches = [p for p in ax.patches if p.get_gid() == "scale-bar"]
    assert len(patches) == 2
    assert sum(p.get_width() for p in patches) == pytest.approx(bar["x1"] - bar["x0"])
    assert [t.get_text() for t in ax.texts if t.get_gid() == "scale-bar"][
        -1
    ] == f"{bar['length_km']:g} km"


def test_scale_bar_in_degrees_and_explicit_length():
    fig, ax = plt.subplots()
    ax.set_xlim(102, 104)
    ax.set_ylim(13, 15)
    sp.add_scale_bar(ax, crs="EPSG:4326", length_km=30)
    bar = ax._scamgeo_scale_bar
    assert geodesic_km("EPSG:4326", bar["x0"], bar["y"], bar["x1"], bar["y"]) == pytest.approx(
        30, rel=1e-4
    )
    # at 13° N one degree of longitude is ~108.5 km
    assert (bar["x1"] - bar["x0"]) == pytest.approx(30 / 108.5, rel=0.01)
    with pytest.raises(scamgeo.CRSError, match="crs="):
        sp.add_north_arrow(plt.subplots()[1])


def test_north_arrow_points_to_true_north():
    ax = sp.overview_map(make_events(5), frame=sp.MapFrame(inset=False))
    # UTM 48N: at ~102.5 E (west of the 105 E meridian) true north leans left of grid north
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    px, py = x0 + 0.06 * (x1 - x0), y0 + 0.86 * (y1 - y0)
    lon, lat = pyproj.Transformer.from_crs(
        config.METRIC_CRS, "EPSG:4326", always_xy=True
    ).transform(px, py)
    convergence = pyproj.Proj(config.METRIC_CRS).get_factors(lon, lat).meridian_convergence
    assert abs(ax._scamgeo_north_deg) == pytest.approx(abs(convergence), abs=0.05)
    assert 0.3 < abs(ax._scamgeo_north_deg) < 2
    fig, geo_ax = plt.subplots()
    geo_ax.set_xlim(102, 104)
    geo_ax.set_ylim(13, 15)
    sp.add_north_arrow(geo_ax, crs="EPSG:4326")
    assert geo_ax._scamgeo_north_deg == pytest.approx(0, abs=1e-6)


def test_overview_on_an_existing_axes_in_degrees():
    fig, (a, b) = plt.subplots(1, 2)
    frame = sp.MapFrame(crs="EPSG:4326", inset=False, legend=False)
    out = sp.overview_map(make_events(10), ax=b, frame=frame)
    assert out is b and not a.collections and b.get_legend() is None
    assert b.get_aspect() == pytest.approx(
        1 / math.cos(math.radians(sum(b.get_ylim()) / 2)), rel=1e-6
    )


# --- the map frame -----------------------------------------------------------------------


def test_map_frame_is_checked_frozen_and_comparable():
    frame = sp.MapFrame(crs="EPSG:4326", bounds=[102, 12, 104.5, 15], inset=True)
    assert frame.bounds == (102.0, 12.0, 104.5, 15.0)
    assert frame == sp.MapFrame(crs="EPSG:4326", bounds=(102, 12, 104.5, 15), inset=True)
    assert hash(frame) == hash(
        sp.MapFrame(crs="EPSG:4326", bounds=(102, 12, 104.5, 15), inset=True)
    )
    with pytest.raises(AttributeError):
        frame.inset = False  # type: ignore[misc]
    with pytest.raises(scamgeo.ParameterError, match="bounds="):
        sp.MapFrame(bounds=(104, 12, 102, 15))
    with pytest.raises(scamgeo.ParameterError, match="bounds="):
        sp.MapFrame(bounds=(102, 12, 104))
    with pytest.raises(scamgeo.CRSError, match="crs="):
        sp.MapFrame(crs="EPSG:nonsense")
    with pytest.raises(scamgeo.ParameterError, match="MapFrame"):
        sp.overview_map(make_events(5), frame={"inset": False})  # type: ignore[arg-type]


def test_map_frame_bounds_and_furniture_reach_every_builder():
    frame = sp.MapFrame(
        crs="EPSG:4326",
        bounds=(102.0, 12.5, 104.0, 14.5),
        scale_bar=False,
        north_arrow=False,
        legend=False,
        title="Frame",
    )
    ax = sp.overview_map(make_events(10), frame=frame)
    assert ax._scamgeo_crs == pyproj.CRS("EPSG:4326")
    # the extent is the lon/lat box (densified, so it may only grow by rounding)
    assert ax.get_xlim() == pytest.approx((102.0, 104.0), abs=1e-6)
    assert ax.get_ylim() == pytest.approx((12.5, 14.5), abs=1e-6)
    assert ax.get_legend() is None and ax.get_title() == "Frame"
    assert not hasattr(ax, "_scamgeo_scale_bar") and not hasattr(ax, "_scamgeo_north_deg")
    # inset=None leaves the choice to the builder: on for the overview
    assert [c.get_gid() for c in ax.child_axes] == ["inset-locator"]
    values = pd.Series({"TH-27": 1, "TH-32": 2, "KH-1": 12}, name="n")
    choro = sp.choropleth_map(values, k=2, frame=sp.MapFrame(inset=True, legend=False))
    assert choro.get_legend() is None and choro._scamgeo_classes["counts"] == [2, 1]
    assert [c.get_gid() for c in choro.child_axes] == ["inset-locator"]
    assert not sp.choropleth_map(values, k=2).child_axes  # no inset by default
    events = make_events(30).assign(phase="july_war")
    axes = sp.phase_small_multiples(events, frame=frame)
    assert axes[0].figure.legends == [] and axes[0].figure.get_suptitle() == "Frame"
    assert not hasattr(axes[0], "_scamgeo_scale_bar")
    assert axes[0].get_xlim() == pytest.approx((102.0, 104.0), abs=1e-6)


# --- choropleth --------------------------------------------------------------------------


def test_choropleth_classes_and_legend():
    values = pd.Series(
        {"TH-27": 1, "TH-32": 2, "TH-33": 3, "TH-34": 10, "TH-31": 11, "KH-1": 12, "KH-22": 100},
        name="Evacuated (people)",
    )
    ax = sp.choropleth_map(values, k=3)
    classes = ax._scamgeo_classes
    assert classes["bins"] == [3.0, 12.0, 100.0] and classes["counts"] == [3, 3, 1]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["1 – 3  (3)", "3 – 12  (3)", "12 – 100  (1)", "No data"]
    assert ax.get_legend().get_title().get_text() == "Evacuated (people)"
    polys = by_gid(ax, "choropleth")
    # one collection per class plus the no-data provinces; 7 provinces with values
    assert len(polys) == 4
    assert sum(len(c.get_paths()) for c in polys[1:]) >= 7
    colours = {to_hex(c.get_facecolor()[0]) for c in polys[1:]}
    assert len(colours) == 3


def test_choropleth_inputs_and_errors():
    df = pd.DataFrame({"admin1_code": ["TH-27", "TH-32"], "n": [5, 50]})
    ax = sp.choropleth_map(df, column="n", scheme=[10, 100])
    assert ax._scamgeo_classes["bins"] == [10.0, 100.0]
    with pytest.raises(scamgeo.ParameterError, match="'fisher_jenks'"):
        sp.choropleth_map(df, column="n", scheme="jenks")
    with pytest.raises(scamgeo.ParameterError, match="TH-99"):
        sp.choropleth_map(pd.Series({"TH-99": 3}))
    with pytest.raises(scamgeo.ParameterError, match="column="):
        sp.choropleth_map(df)
    with pytest.raises(scamgeo.ParameterError, match="scheme=\\[10, 100, 1000\\]"):
        sp.choropleth_map(df, column="n", scheme="user_defined")


# --- small multiples -----------------------------------------------------------------


def test_assign_phase_from_mapping_and_timeline():
    dates = pd.Series(
        pd.to_datetime(["2025-05-01", "2025-07-24", "2025-07-28", "2025-07-29", "2025-12-31", None])
    )
    expected = ["pre_war", "july_war", "july_war", "truce", "post_ceasefire", None]
    assert sp.assign_phase(dates, STARTS).tolist() == expected
    timeline = pd.DataFrame(
        {"date": list(STARTS.values()) + ["2025-06-01"], "phase_starts": list(STARTS) + [None]}
    )
    assert sp.assign_phase(dates, timeline).tolist() == expected
    with pytest.raises(scamgeo.ParameterError, match="july_war"):
        sp.assign_phase(dates, {"july-war": "2025-07-24"})


def test_phase_small_multiples():
    events = make_events(30)
    events["event_date"] = pd.to_datetime(
        ["2025-05-30"] * 10 + ["2025-07-25"] * 15 + ["2025-12-10"] * 5
    )
    axes = sp.phase_small_multiples(events, phase_starts=STARTS, sites=make_sites())
    assert [a._scamgeo_phase for a in axes] == ["may_crisis", "july_war", "december_war"]
    assert [a._scamgeo_n_events for a in axes] == [10, 15, 5]
    assert [sum(len(c.get_offsets()) for c in by_gid(a, "events:")) for a in axes] == [10, 15, 5]
    assert axes[1].get_title().startswith("July war\n15 events")
    assert axes[0]._scamgeo_scale_bar and not hasattr(axes[1], "_scamgeo_scale_bar")
    fig = axes[0].figure
    legend_labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert (
        "Battles" in legend_labels and "Casino hub" in legend_labels and "Border" in legend_labels
    )
    with pytest.raises(scamgeo.ParameterError, match="phase_starts="):
        sp.phase_small_multiples(events)
    only = sp.phase_small_multiples(events.assign(phase="july_war"), phases=["july_war"])
    assert len(only) == 1


# --- files -------------------------------------------------------------------------------


def test_save_figure_png_svg_pdf(tmp_path: Path):
    sites = make_sites()
    sites.loc["star", "name"] = "Casino $ Palace <b>"
    ax = sp.overview_map(make_events(20), sites=sites, label_kinds=("casino_hub", "casino"))
    paths = sp.save_figure(
        ax.figure, tmp_path / "out" / "overview.png", formats=("png", "svg", "pdf")
    )
    assert [p.name for p in paths] == ["overview.png", "overview.svg", "overview.pdf"]
    png = plt.imread(paths[0])
    assert png.shape[0] > 1000 and png.shape[1] > 1000  # 300 dpi
    assert len(np.unique(png[::7, ::7].reshape(-1, png.shape[-1]), axis=0)) > 100
    svg = paths[1].read_text(encoding="utf-8")
    for gid in (
        "scale-bar",
        "north-arrow",
        "events:Battles",
        "sites:casino_hub",
        "border",
        "inset-locator",
    ):
        assert f'id="{gid}' in svg
    assert ">50 km<" in svg or ">25 km<" in svg or ">100 km<" in svg  # text stays text
    assert "Casino $ Palace &lt;b&gt;" in svg
    assert paths[2].read_bytes().startswith(b"%PDF")
    assert not list((tmp_path / "out").glob(".*tmp"))
    with pytest.raises(scamgeo.ParameterError, match="'svg'"):
        sp.save_figure(ax.figure, tmp_path / "x", formats=("bmp",))


def test_publication_style_is_scoped():
    before = plt.rcParams["svg.fonttype"]
    with sp.publication_style():
        assert plt.rcParams["svg.fonttype"] == "none" and plt.rcParams["savefig.dpi"] == 300
    assert plt.rcParams["svg.fonttype"] == before


def test_the_inset_locator_never_hides_an_event() -> None:
    """Issue 21: the locator sat over 87 of 205 events (the eastern front), still in the legend."""
    import numpy as np
    from matplotlib.collections import PathCollection

    from scamgeo import datasets, plots

    ax = plots.overview_map(datasets.events())
    ax.figure.canvas.draw()
    (inset,) = [a for a in ax.child_axes if a.get_gid() == "inset-locator"]
    box = inset.get_window_extent()
    pts = np.vstack(
        [
            c.get_offset_transform().transform(c.get_offsets())
            for c in ax.collections
            if isinstance(c, PathCollection)
        ]
    )
    assert len(pts) == len(datasets.events())
    hidden = (
        (pts[:, 0] >= box.x0)
        & (pts[:, 0] <= box.x1)
        & (pts[:, 1] >= box.y0)
        & (pts[:, 1] <= box.y1)
    )
    assert int(hidden.sum()) == 0
