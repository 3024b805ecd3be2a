"""What the curated tables hold: sources cited, coverage, columns (behind scamgeo.datasets).

Pure functions on loaded tables; :mod:`scamgeo.datasets` loads them and keeps the public
``sources()``, ``catalogue()`` and ``data_dictionary()``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .schema import CURATED, schema_table

__all__ = ["DATE_COLUMNS", "catalogue_table", "dictionary_table", "sources_table"]

#: The date column that says what period each curated table covers.
DATE_COLUMNS = {
    "events": "event_date",
    "sites": "damage_date",
    "displacement": "as_of",
    "timeline": "date",
    "tallies": "as_of",
    "scam_figures": "source_date",
    "gazetteer": "coord_source_date",
    "site_status": "start",
}

_LICENCE = "CC BY 4.0 (scamgeo); facts from the cited reports"


def _cited(name: str, df: pd.DataFrame) -> list[pd.DataFrame]:
    """Every URL column of one table as (source_url, publisher, source_date, table) rows."""
    publisher = "source" if "source" in df.columns else "publisher"
    dated = "source_date" if "source_date" in df.columns else "published"
    whose = {
        "source_url": (publisher, dated),
        "coord_source": ("coord_publisher", "coord_source_date"),
    }
    parts = []
    for url_col in ("source_url", "source_url_2", "damage_source_url", "coord_source"):
        if url_col not in df.columns:
            continue
        who, when = whose.get(url_col, (None, None))
        part = pd.DataFrame(
            {
                "source_url": df[url_col],
                "publisher": df[who] if who in df.columns else pd.NA,
                "source_date": df[when] if when in df.columns else pd.NaT,
                "table": name,
            }
        )
        parts.append(part.dropna(subset=["source_url"]))
    return parts


def sources_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every cited URL once: ``source_url``, ``publisher``, ``source_date``, ``tables``, ``rows``."""
    parts = [p for name, df in tables.items() for p in _cited(name, df)]
    grouped = (
        pd.concat(parts, ignore_index=True)
        .groupby("source_url", sort=True)
        .agg(
            publisher=("publisher", "first"),
            source_date=("source_date", "min"),
            tables=("table", lambda s: ", ".join(sorted(set(s)))),
            rows=("table", "size"),
        )
    )
    return grouped.reset_index()


def catalogue_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per table: rows, columns, what a row is, first/last date, distinct sources, licence."""
    rows = []
    for name, df in tables.items():
        dates = df[DATE_COLUMNS[name]].dropna()
        rows.append(
            {
                "table": name,
                "rows": len(df),
                "columns": len(df.columns),
                "what a row is": CURATED[name].description,
                "first date": dates.min().date() if len(dates) else None,
                "last date": dates.max().date() if len(dates) else None,
                "distinct sources": df[
                    "coord_source" if name == "gazetteer" else "source_url"
                ].nunique(),
                "licence": _LICENCE,
            }
        )
    return pd.DataFrame(rows)


def dictionary_table(names: list[str]) -> pd.DataFrame:
    """The documented columns of the named tables (table, column, type, allowed, description)."""
    parts = [schema_table(CURATED[n]).assign(table=n) for n in names]
    out = pd.concat(parts, ignore_index=True)
    return out[["table", *[c for c in out.columns if c != "table"]]]
