"""Showing tables in a notebook or brief, safely.

:func:`table` renders a DataFrame as an HTML table with every cell escaped;
URL columns become links only when they are http(s) URLs. (Maps are shown
with :func:`scamgeo.maps.display_map`, a self-contained iframe.)
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from ._validate import guard_public

__all__ = ["table"]

_TABLE_CSS = (
    "<style>.sg-table{border-collapse:collapse;font-size:12px;margin:4px 0 12px;max-width:100%;}"
    ".sg-table th,.sg-table td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left !important;"
    "vertical-align:top;}"
    ".sg-table th{background:#f5f5f5;}"
    ".sg-table td.num{text-align:right !important;font-variant-numeric:tabular-nums;white-space:nowrap;}"
    ".sg-table td.long{min-width:24em;}.sg-table td.url{white-space:nowrap;}"
    ".sg-table caption{text-align:left;font-weight:600;padding:2px 0 6px;}"
    ".sg-table-wrap{max-width:100%;overflow-x:auto;}"
    "@media print{.sg-table-wrap{overflow:visible;}.sg-table{font-size:10px;}}</style>"
)


def _p_value(value: Any) -> str:
    from . import fmt

    if fmt.is_missing(value):
        return ""
    return html.escape(fmt.p_value(value).removeprefix("p = ").removeprefix("p "))


def _cell(value: Any, *, is_url: bool, decimals: int, is_p: bool = False) -> tuple[str, bool]:
    from . import fmt
    from ._html import link, text

    if is_url:
        host = urlsplit(str(value)).netloc.removeprefix("www.") if isinstance(value, str) else ""
        return link(value, host or value), False
    if is_p and isinstance(value, float | int) and not isinstance(value, bool):
        return _p_value(value), True
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and isinstance(value, float) and not fmt.is_missing(value):
        shown = f"{value:,.0f}" if value.is_integer() else f"{value:,.{decimals}f}"
        return shown, True
    return text(fmt.value(value, decimals=decimals)), numeric


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the codes of its known columns in words (a copy where any changed)."""
    from .vocab import column_labels

    out = df
    for col in df.columns:
        words = column_labels(col)
        if words is None:
            continue
        values = df[col].astype("object")
        mapped = values.map(lambda v, w=words: w.get(str(v), v) if isinstance(v, str) else v)
        if not mapped.equals(values):
            out = out.copy() if out is df else out
            out[col] = mapped
    return out


def table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int | None = 500,
    decimals: int = 2,
    url_columns: Iterable[str] | None = None,
    index: bool = False,
    headers: Mapping[str, str] | bool | None = None,
    labels: bool = True,
) -> Any:
    """An HTML table for a notebook or brief, every cell escaped.

    Parameters
    ----------
    frame : DataFrame
    caption : str, optional
        Shown above the table (escaped).
    max_rows : int, optional
        Show at most this many rows and say how many were left out.
    decimals : int
        Decimals for floats.
    url_columns : iterable of str, optional
        Columns rendered as links (default: columns whose name contains "url").
        A value becomes a link (labelled with its host) only if it is an http(s) URL.
        P-value columns (``p_value``) are shown as ``<0.001`` or to 3 decimals.
    index : bool
        Include the index as the first column.
    headers : mapping, optional
        Column headers to show instead of the field names; other columns get
        words from :func:`scamgeo.fmt.header` (known names mapped, others
        title-cased). Pass ``headers=False`` to keep the raw names.
    labels : bool
        Show the codes of known columns in words (``july_war`` as "July war",
        ``THA`` as "Thailand"; :func:`scamgeo.vocab.column_labels`).

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    df = frame.reset_index() if index else frame
    if hasattr(df, "geometry") and "geometry" in df.columns:
        df = pd.DataFrame(df.drop(columns="geometry"))
    df = _labelled(df) if labels else df
    urls = (
        set(url_columns)
        if url_columns is not None
        else {c for c in df.columns if "url" in str(c).lower()}
    )
    shown = df if max_rows is None else df.head(max_rows)
    from . import fmt

    names = dict(headers) if isinstance(headers, Mapping) else {}
    words = headers is not False
    head = "".join(
        f"<th>{html.escape(names.get(c, fmt.header(c) if words else str(c)))}</th>"
        for c in shown.columns
    )
    body = []
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(shown.columns, row, strict=True):
            content, numeric = _cell(
                value,
                is_url=col in urls,
                decimals=decimals,
                is_p=str(col).lower() in ("p_value", "p", "pvalue", "lr_pvalue"),
            )
            if numeric:
                cls = " class='num'"
            elif col in urls:
                cls = " class='url'"
            elif isinstance(value, str) and len(value) > 60:
                cls = " class='long'"
            else:
                cls = ""
            cells.append(f"<td{cls}>{content}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = ""
    if max_rows is not None and len(df) > max_rows:
        more = (
            f"<p class='sg-more'>… {len(df) - max_rows:,} more rows not shown (of {len(df):,}).</p>"
        )
    return HTML(
        # a wide table scrolls inside the page instead of running off it
        f"{_TABLE_CSS}<div class='sg-table-wrap'><table class='sg-table'>{cap}"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}"
    )


# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
