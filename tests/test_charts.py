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
    heights = [p.get_height() for p in ax.patches if p.get_width() < 2]
    assert sum(heights) == counts["events"].sum()
    texts = {t.get_text().strip() for t in ax.texts}
    # one label set for charts and maps (scamgeo.vocab.PHASE_LABELS)
    assert "Truce" in texts and "December war" in texts
    assert "truce" not in texts
    assert any("ceasefire" in t.lower() for t in texts)
    assert ax.get_ylabel() == "events per day"


def test_timeline_chart_weekly_and_fatalities(counts):
    weekly = stats.daily_counts(datasets.events(), freq="W")
    ax = charts.timeline_chart(weekly, value="fatalities")
    assert ax.get_ylabel() == "fatalities per week"
    with pytest.raises(scamgeo.ParameterError, match="value="):
        charts.timeline_chart(weekly, value="deaths")


def test_timeline_chart_empty():
    empty = pd.DataFrame({"date": pd.to_datetime([]), "phase": [], "events": []})
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
    assert "27 Dec 2025" in ax.get_title(loc="left")


def test_null_distribution_chart():
    class R:  # a result-shaped object with known values
        null_statistics_km = np.linspace(10, 50, 99)
        observed_km = 3.0
        p_value = 0.01
        n_draws = 99
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
    assert {t.get_text() for t in ax.get_legend().get_texts()} <= {"THA", "KHM"}
    ax2 = charts.displacement_chart(dp, metric="returned", unit="sites", by="province")
    assert "no province-level" in ax2.texts[0].get_text() or ax2.lines


def test_tally_chart_lines_per_claimant():
    t = datasets.tallies()
    ax = charts.tally_chart(t, category="civilians_killed", phase="july_war")
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert any("as reported by THA" in x for x in labels)
