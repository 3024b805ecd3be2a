"""Statistical charts: the right artists, titles, units, and clear errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import scamgeo
from scamgeo import charts, datasets, stats
from scamgeo.style import LINE_CYCLE


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def counts():
    return stats.daily_counts(datasets.events(), start="2025-05-28", end="2026-02-28")


def test_timeline_chart_bars_phases_and_annotations(counts):
    ax = charts.timeline_chart(counts, timeline=datasets.timeline())
    assert len(ax.patches) >= len(counts)  # one bar per day (+ phase spans)
    # the bars (matplotlib < 3.9 draws the phase bands as Polygons, later ones as Rectangles)
    bars = [p for p in ax.patches if hasattr(p, "get_width") and p.get_width() < 2]
    heights = [p.get_height() for p in bars]
    assert sum(heights) == counts["incidents"].sum()
    texts = {t.get_text().strip() for t in ax.texts}
    # one label set for charts and maps (scamgeo.vocab.PHASE_LABELS)
    assert "Truce" in texts and "December war" in texts
    assert "truce" not in texts
    assert any("ceasefire" in t.lower() for t in texts)
    assert ax.get_ylabel() == "incidents per day"
    # key-date labels sit above the tallest bar (in pixels, as drawn), never over a bar
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    tallest = ax.transData.transform((0, max(heights)))[1]
    key_labels = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(key_labels) >= 3
    assert all(t.get_window_extent(renderer).y0 > tallest for t in key_labels)
    # whole numbers on a count axis
    ticks = ax.get_yticks()
    assert np.allclose(ticks, np.round(ticks))


def test_timeline_chart_weekly_and_fatalities(counts):
    weekly = stats.daily_counts(datasets.events(), freq="W")
    ax = charts.timeline_chart(weekly, outcome="fatalities")
    assert ax.get_ylabel() == "fatalities per week"
    with pytest.raises(scamgeo.ParameterError, match="outcome='deaths' is not a column"):
        charts.timeline_chart(weekly, outcome="deaths")
    with pytest.raises(scamgeo.ParameterError, match="outcome= must name the column"):
        charts.timeline_chart(
            weekly.drop(columns=[c for c in ("incidents", "events") if c in weekly])
        )


def test_timeline_chart_empty():
    empty = pd.DataFrame({"date": pd.to_datetime([]), "phase": [], "incidents": []})
    ax = charts.timeline_chart(empty)
    assert "no events" in ax.texts[0].get_text()


def test_rate_ratio_chart(counts):
    model = stats.count_model(counts)
    ax = charts.rate_ratio_chart(model)
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "July war" in labels
    assert len(ax.containers) == 2  # one errorbar per model


def test_its_chart(counts):
    res = stats.interrupted_time_series(counts, breakpoint="2025-12-27")
    ax = charts.its_chart(res)
    assert len(ax.lines) >= 3
    assert "27 December 2025" in ax.get_title(loc="left")


def test_null_distribution_chart():
    class R:  # a result-shaped object with known values
        null_statistics_km = np.linspace(10, 50, 99)
        observed_km = 3.0
        p_value = 0.01
        permutations = 99
        null_interval_km = (12.0, 48.0)
        statistic = "median"

    ax = charts.null_distribution_chart(R())
    assert any(line.get_xdata()[0] == 3.0 for line in ax.lines)
    assert "km" in ax.get_xlabel()


def test_range_chart_keeps_ranges():
    figs = datasets.scam_figures()
    ax = charts.range_chart(figs, indicator="losses")
    spans = [line for line in ax.lines if len(line.get_xdata()) == 2]
    # the UNODC 18–37 bn range is drawn as a bar from 18 to 37
    assert any(tuple(np.round(line.get_xdata(), 1)) == (18.0, 37.0) for line in spans)
    with pytest.raises(scamgeo.ParameterError, match="available"):
        charts.range_chart(figs, indicator="nonsense")


def test_displacement_chart_one_metric():
    dp = datasets.displacement()
    ax = charts.displacement_chart(dp, metric="displaced_total", by="country")
    national = dp[(dp.metric == "displaced_total") & (dp.unit == "people") & dp.admin1.isna()]
    series = national.groupby(["country", "counting_body", "measure"]).ngroups
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # one line per body, never joined; no more lines than colours (the source line says so)
    assert len(ax.get_lines()) == len(labels) == min(series, len(LINE_CYCLE)) > 1
    assert all(label.split(",")[0] in {"Thailand", "Cambodia"} for label in labels)
    ax2 = charts.displacement_chart(dp, metric="returned", unit="sites", by="province")
    assert "no province-level" in ax2.texts[0].get_text() or ax2.lines


def _two_series() -> pd.DataFrame:
    rows = [
        ("2025-07-25", 100, "stock", "Thai MOI"),
        ("2025-07-26", 180, "stock", "Thai MOI"),
        ("2025-07-27", 150, "stock", "Thai MOI"),
        ("2025-07-25", 40, "flow", "Thai MOI"),
        ("2025-07-26", 60, "flow", "Thai MOI"),
    ]
    df = pd.DataFrame(rows, columns=["as_of", "value", "measure", "counting_body"])
    df["as_of"] = pd.to_datetime(df["as_of"])
    return df.assign(country="THA", admin1=None, metric="returned", unit="people")


def test_displacement_chart_never_joins_a_stock_and_a_flow():
    df = _two_series()
    ax = charts.displacement_chart(df, metric="returned", countries=["THA"])
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"Thailand (stock)", "Thailand (flow)"}
    assert list(lines["Thailand (stock)"].get_ydata()) == [100, 180, 150]
    assert list(lines["Thailand (flow)"].get_ydata()) == [40, 60]
    assert lines["Thailand (flow)"].get_linestyle() == "--"
    # two counting bodies: two lines, each named by its body
    two = pd.concat([df.iloc[:3], df.iloc[:3].assign(counting_body="Army", value=[1, 2, 3])])
    ax2 = charts.displacement_chart(two, metric="returned", countries=["THA"])
    assert sorted(line.get_label() for line in ax2.get_lines()) == [
        "Thailand, Army",
        "Thailand, Thai MOI",
    ]
    # loader output without the columns: one series, and the chart says why
    bare = df.iloc[:3].drop(columns=["measure", "counting_body"])
    ax3 = charts.displacement_chart(bare, metric="returned", countries=["THA"])
    assert len(ax3.get_lines()) == 1
    assert any("no counting_body column" in t.get_text() for t in ax3.figure.texts + ax3.texts)


def test_displacement_summary_splits_bodies_and_measures():
    from scamgeo import stats

    df = _two_series().assign(metric="in_shelters")
    out = stats.displacement_summary(df)
    assert sorted(zip(out["measure"], out["peak_value"], strict=True)) == [
        ("flow", 60.0),
        ("stock", 180.0),
    ]
    assert out.attrs["notes"] == []
    bare = stats.displacement_summary(df.drop(columns=["measure", "counting_body"]))
    assert len(bare) == 1 and bare["peak_value"].iloc[0] == 180.0  # one unknown measure
    assert bare["measure"].iloc[0] == "unknown" and len(bare.attrs["notes"]) == 2
    shares = stats.displacement_summary(df, returned_by="2025-07-27")
    flow = shares[shares["measure"] == "flow"].iloc[0]
    stock = shares[shares["measure"] == "stock"].iloc[0]
    assert pd.isna(flow["share_returned"])  # a flow has no share returned
    assert stock["share_returned"] == pytest.approx(1 - 150 / 180)


def test_tally_chart_lines_per_claimant():
    t = datasets.tallies()
    ax = charts.tally_chart(t, category="civilians_killed", phase="july_war")
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert any("as reported by THA" in x for x in labels)


def test_displacement_chart_draws_no_more_series_than_colours():
    from matplotlib.colors import to_hex

    table = datasets.displacement()
    ax = charts.displacement_chart(table, metric="in_shelters", by="province")
    colours = [to_hex(line.get_color()) for line in ax.get_lines()]
    assert len(colours) == len(LINE_CYCLE) == len(set(colours))
    rows = table[(table["metric"] == "in_shelters") & (table["unit"] == "people")]
    rows = rows[rows["admin1"].notna()]
    n_series = len(rows.groupby(["admin1", "counting_body", "measure"], dropna=False))
    assert n_series > len(LINE_CYCLE)
    assert f"the {len(LINE_CYCLE)} largest of {n_series} series drawn" in ax.texts[-1].get_text()
    # the province that reached the most people in shelters is among those drawn
    top = rows.loc[rows["value"].idxmax(), "admin1"]
    assert any(t.get_text().startswith(top) for t in ax.get_legend().get_texts())
    # national lines are named in words, not by ISO code
    ax = charts.displacement_chart(table, metric="in_shelters")
    assert {t.get_text().split(",")[0].split(" (")[0] for t in ax.get_legend().get_texts()} <= {
        "Thailand",
        "Cambodia",
    }
