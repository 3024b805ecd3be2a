"""Change points in the daily event series, and escalation before ceasefires."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import SchemaError
from .._validate import check_positive, require_columns
from ._common import as_frame, check_int, date_column, fmt_p, load_timeline, nonneg_counts

__all__ = ["ChangePointResult", "change_points"]

#: Timeline kinds the detected changes are compared with.
OFFICIAL_KINDS = ("outbreak", "ceasefire")
#: Shortest segment (days) between two changes.
MIN_SEGMENT_DAYS = 2
#: Fewest days the detection is run on.
MIN_DAYS = 2 * MIN_SEGMENT_DAYS


def anscombe(counts: np.ndarray) -> np.ndarray:
    """Anscombe transform ``2·sqrt(x + 3/8)``: Poisson counts with variance about 1."""
    return 2.0 * np.sqrt(np.asarray(counts, dtype=float) + 0.375)


def _series(counts: Any, *, column: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Dates and counts of a :func:`daily_counts` frame (or a date-indexed Series), checked."""
    if isinstance(counts, pd.Series):
        if not isinstance(counts.index, pd.DatetimeIndex):
            raise SchemaError(
                "counts: a Series must be indexed by date (a DatetimeIndex).", source="counts"
            )
        dates = counts.index.normalize()
        values = nonneg_counts(counts.reset_index(drop=True), name="values", source="counts")
    else:
        frame = as_frame(counts, name="counts")
        require_columns(frame.columns, ["date", column], source="counts")
        if len(frame) == 0:
            return pd.DatetimeIndex([]), np.empty(0)
        dates = pd.DatetimeIndex(date_column(frame, "date", source="counts"))
        values = nonneg_counts(frame[column], name=column, source="counts")
    if len(dates) == 0:
        return pd.DatetimeIndex([]), np.empty(0)
    order = np.argsort(dates.to_numpy(), kind="stable")
    dates, values = dates[order], values[order]
    if dates.has_duplicates:
        raise SchemaError("counts: a date appears twice; pass one row per day.", source="counts")
    if len(dates) > 1 and not (np.diff(dates.to_numpy()) == np.timedelta64(1, "D")).all():
        raise SchemaError(
            "counts: the calendar has gaps; pass daily_counts(...) output (one row per day, "
            "zeros kept).",
            source="counts",
        )
    return dates, values


def _noise_variance(z: np.ndarray) -> float:
    """Variance of the transformed series' noise: a robust estimate from day-to-day changes, >= 1.

    Poisson counts have variance 1 after the Anscombe transform; conflict
    counts are overdispersed, and the median absolute deviation of the first
    differences (divided by sqrt 2) estimates the noise without being moved
    by the changes themselves.
    """
    if len(z) < 3:
        return 1.0
    d = np.diff(z)
    mad = 1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2.0)
    return float(max(1.0, mad**2))


@dataclass(repr=False)
class ChangePointResult:
    """Change points of a daily count series.

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        First day of each new regime (the detected changes), in order.
    segments : pandas.DataFrame
        One row per regime: ``start``, ``end`` (inclusive), ``days``,
        ``events`` and ``per_day`` (mean per day).
    table : pandas.DataFrame
        One row per official date of the timeline (kinds outbreak and
        ceasefire): ``timeline_id``, ``kind``, ``label``, ``official_date``,
        ``detected_date`` (the nearest detected change), ``difference_days``
        (detected minus official), ``per_day_before`` and ``per_day_after``
        (the regimes either side of the detected change).
    penalty : float
        Penalty per change used by PELT (in units of the transformed series'
        squared error).
    noise_variance : float
        Estimated noise variance of the transformed series (>= 1).
    column : str
        Column of ``counts`` analysed.
    n_days : int
    notes : list of str
    """

    dates: pd.DatetimeIndex
    segments: pd.DataFrame
    table: pd.DataFrame
    penalty: float
    noise_variance: float
    column: str
    n_days: int
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The result in words."""
        if len(self.dates) == 0:
            head = f"No change point found in {self.n_days} days of {self.column}."
        else:
            head = (
                f"{len(self.dates)} change point(s) in {self.n_days} days of {self.column}: "
                + ", ".join(f"{d:%Y-%m-%d}" for d in self.dates)
                + "."
            )
        lines = [head]
        for row in self.table.itertuples(index=False):
            if pd.isna(row.detected_date):
                continue
            lines.append(
                f"{row.kind} {row.official_date:%Y-%m-%d} ({row.label}): nearest change "
                f"{row.detected_date:%Y-%m-%d} ({row.difference_days:+d} d), "
                f"{row.per_day_before:.1f} -> {row.per_day_after:.1f} per day."
            )
        return "\n".join([*lines, *self.notes])

    def __repr__(self) -> str:
        dates = ", ".join(f"{d:%Y-%m-%d}" for d in self.dates)
        return (
            f"ChangePointResult(dates=[{dates}], penalty={self.penalty:.3g}, n_days={self.n_days})"
        )


def _segments(dates: pd.DatetimeIndex, values: np.ndarray, bkps: list[int]) -> pd.DataFrame:
    rows = []
    start = 0
    for end in bkps:
        seg = values[start:end]
        rows.append(
            {
                "start": dates[start],
                "end": dates[end - 1],
                "days": end - start,
                "events": float(seg.sum()),
                "per_day": float(seg.mean()),
            }
        )
        start = end
    return pd.DataFrame(rows, columns=["start", "end", "days", "events", "per_day"])


def _official(timeline: pd.DataFrame | None) -> pd.DataFrame:
    tl = load_timeline(timeline)
    require_columns(tl.columns, ["date", "kind"], source="timeline")
    tl = tl[tl["kind"].astype("string").isin(OFFICIAL_KINDS).fillna(False).to_numpy(dtype=bool)]
    out = pd.DataFrame(
        {
            "timeline_id": tl["timeline_id"].astype("string").to_numpy()
            if "timeline_id" in tl.columns
            else pd.array([pd.NA] * len(tl), dtype="string"),
            "kind": tl["kind"].astype("string").to_numpy(),
            "label": tl["label"].astype("string").to_numpy()
            if "label" in tl.columns
            else pd.array([pd.NA] * len(tl), dtype="string"),
            "official_date": date_column(tl, "date", source="timeline").to_numpy(),
        }
    )
    return out.sort_values("official_date", kind="stable").reset_index(drop=True)


def change_points(
    counts: pd.DataFrame,
    *,
    penalty: float | None = None,
    max_changes: int | None = None,
    column: str = "events",
    timeline: pd.DataFrame | None = None,
) -> ChangePointResult:
    """Change points of the daily series of events, compared with the official dates.

    The counts are variance-stabilised with the Anscombe transform
    (``2·sqrt(x + 3/8)``, variance about 1 for Poisson counts at any rate),
    and ruptures' PELT search finds the segmentation in constant-mean
    regimes that minimises the squared error plus ``penalty`` per change
    (``model="l2"``). On the transformed scale the squared error is, up to a
    constant, the Gaussian log-likelihood with known variance, so the
    default penalty is the BIC-type ``2 · σ² · log(n)`` with σ² estimated
    robustly from the day-to-day changes (and at least 1, the Poisson
    value): overdispersed counts get a larger penalty instead of spurious
    changes.

    Parameters
    ----------
    counts : pandas.DataFrame or pandas.Series
        Output of :func:`scamgeo.stats.daily_counts` (``date`` and
        ``column``; one row per day, zeros kept), or a Series of counts
        indexed by day.
    penalty : float, optional
        Penalty per change (> 0); larger gives fewer changes.
    max_changes : int, optional
        At most this many changes: when PELT finds more, the best
        segmentation with exactly ``max_changes`` changes is taken (ruptures'
        dynamic programming, exact).
    column : str
        Count column of ``counts`` (default ``"events"``).
    timeline : pandas.DataFrame, optional
        Timeline with the official dates (default
        :func:`scamgeo.datasets.timeline`); rows of kind ``outbreak`` and
        ``ceasefire`` are compared.

    Returns
    -------
    ChangePointResult
        ``.dates``, ``.segments``, ``.table``, ``.notes``, ``.summary()``. A
        series shorter than :data:`MIN_DAYS` days gives no change and a note.

    Raises
    ------
    SchemaError
        ``counts`` without ``date``/``column``, with negative or fractional
        counts, duplicate days or gaps.
    ParameterError
        Bad ``penalty`` or ``max_changes``.

    Notes
    -----
    A detected date is the first day of the new regime. Fighting that winds
    down over a few days after a ceasefire shows as a change some days after
    the official date (or as two changes); the series counts *recorded*
    events, so a reporting lull after a ceasefire looks the same as a real one.

    Examples
    --------
    >>> from scamgeo import datasets, stats
    >>> found = stats.change_points(stats.daily_counts(datasets.events()))
    >>> [str(d.date()) for d in found.dates]
    ['2025-07-24', '2025-07-30', '2025-12-08', '2025-12-12', '2025-12-28']
    """
    import ruptures as rpt

    if penalty is not None:
        penalty = check_positive(penalty, name="penalty")
    if max_changes is not None:
        max_changes = check_int(max_changes, name="max_changes", minimum=1)
    dates, values = _series(counts, column=column)
    official = _official(timeline)
    notes: list[str] = []
    n = len(values)
    z = anscombe(values)
    sigma2 = _noise_variance(z)
    pen = penalty if penalty is not None else 2.0 * sigma2 * float(np.log(max(n, 2)))
    if n < MIN_DAYS:
        notes.append(f"{n} day(s): too short to look for change points (at least {MIN_DAYS}).")
        bkps = [n] if n else []
    else:
        algo = rpt.Pelt(model="l2", min_size=MIN_SEGMENT_DAYS, jump=1).fit(z)
        bkps = list(algo.predict(pen=pen))
        if max_changes is not None and len(bkps) - 1 > max_changes:
            notes.append(
                f"PELT found {len(bkps) - 1} changes; the best {max_changes} are kept (max_changes)"
            )
            bkps = list(
                rpt.Dynp(model="l2", min_size=MIN_SEGMENT_DAYS, jump=1)
                .fit(z)
                .predict(n_bkps=max_changes)
            )
    segments = _segments(dates, values, bkps) if n else _segments(dates, values, [])
    change_idx = [b for b in bkps if b < n]
    detected = pd.DatetimeIndex([dates[b] for b in change_idx])
    if sigma2 > 1.0:
        notes.append(
            f"the counts vary {sigma2:.1f} times more from day to day than Poisson counts would; "
            "the penalty is raised accordingly"
        )
    rows = []
    for row in official.itertuples(index=False):
        rec: dict[str, Any] = {
            "timeline_id": row.timeline_id,
            "kind": row.kind,
            "label": row.label,
            "official_date": row.official_date,
            "detected_date": pd.NaT,
            "difference_days": pd.NA,
            "per_day_before": np.nan,
            "per_day_after": np.nan,
        }
        if len(detected):
            gaps = (detected - row.official_date).days.to_numpy()
            k = int(np.argmin(np.abs(gaps)))
            rec["detected_date"] = detected[k]
            rec["difference_days"] = int(gaps[k])
            rec["per_day_before"] = float(segments["per_day"].iloc[k])
            rec["per_day_after"] = float(segments["per_day"].iloc[k + 1])
        rows.append(rec)
    table = pd.DataFrame(
        rows,
        columns=[
            "timeline_id",
            "kind",
            "label",
            "official_date",
            "detected_date",
            "difference_days",
            "per_day_before",
            "per_day_after",
        ],
    )
    table["official_date"] = pd.to_datetime(table["official_date"])
    table["detected_date"] = pd.to_datetime(table["detected_date"])
    table["difference_days"] = table["difference_days"].astype("Int64")
    if n and len(official):
        outside = (official["official_date"] < dates[0]) | (official["official_date"] > dates[-1])
        if outside.any():
            notes.append(
                f"{int(outside.sum())} official date(s) fall outside the series "
                f"({dates[0]:%Y-%m-%d}..{dates[-1]:%Y-%m-%d})"
            )
    return ChangePointResult(
        dates=detected,
        segments=segments,
        table=table,
        penalty=float(pen),
        noise_variance=sigma2,
        column=column,
        n_days=n,
        notes=notes,
    )
