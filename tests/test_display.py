"""Tables shown in notebooks and briefs: escaped, links only for http(s)."""

from __future__ import annotations

import pandas as pd

from scamgeo import display

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def test_table_escapes_every_cell_and_caption():
    df = pd.DataFrame({"name": [HOSTILE], "n": [3], "x": [0.5]})
    out = display.table(df, caption=HOSTILE).data
    assert "<script>alert(1)</script>" not in out
    assert "<img src=x" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<td class='num'>3</td>" in out and "<td class='num'>0.50</td>" in out


def test_links_only_for_http_urls():
    df = pd.DataFrame(
        {"source_url": ["https://www.example.org/a?b=1", "javascript:alert(1)", "data:text/html,x"]}
    )
    out = display.table(df).data
    assert out.count("<a ") == 1
    assert 'href="https://www.example.org/a?b=1"' in out and ">example.org<" in out
    assert "javascript:alert(1)" in out and 'href="javascript' not in out


def test_p_values_and_truncation():
    df = pd.DataFrame({"term": ["a", "b", "c"], "p_value": [1e-9, 0.0312, float("nan")]})
    out = display.table(df, max_rows=2).data
    assert "&lt; 0.001" in out and "0.031" in out
    assert "1 more rows not shown (of 3)" in out


def test_geometry_dropped_and_index_optional():
    import geopandas as gpd

    g = gpd.GeoDataFrame({"v": [1]}, geometry=gpd.points_from_xy([1], [2]), crs=4326, index=["k"])
    out = display.table(g, index=True).data
    assert "POINT" not in out and ">k<" in out


def test_headers_in_words_and_no_missing_markers():
    df = pd.DataFrame(
        {
            "event_date": [pd.Timestamp("2025-07-24"), pd.NaT],
            "fatalities": [pd.NA, 3],
            "claimed_by": [None, "THA"],
            "weird_field_km": [float("nan"), 2.25],
        }
    ).astype({"fatalities": "Int64"})
    out = display.table(df, headers={"claimed_by": "Claimed by"}).data
    assert "<th>Date</th>" in out and "<th>Deaths reported</th>" in out
    assert "<th>Claimed by</th>" in out and "<th>Weird field (km)</th>" in out
    assert "24 July 2025" in out and "2.25" in out
    for bad in ("NaN", "NaT", "None", "&lt;NA&gt;", "<NA>", "event_date"):
        assert bad not in out, bad
    raw = display.table(df, headers=False).data
    assert "<th>event_date</th>" in raw
