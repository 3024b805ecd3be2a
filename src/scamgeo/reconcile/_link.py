"""Linking two sources (:func:`reconcile`) and several, pairwise (:func:`reconcile_all`)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._time import date_column
from ..vocab import fold
from ._match import MatchOptions, Pairs, assign, candidates, check_thresholds, tied
from ._results import ReconcileResult, ReconcileSet
from ._sides import Side, prepare, side_names

__all__ = ["reconcile", "reconcile_all"]


def _column(frame: pd.DataFrame, name: str, pos: np.ndarray) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(pd.NA, index=range(len(pos)), dtype="object")
    return frame[name].iloc[pos].reset_index(drop=True)


def _province(frame: pd.DataFrame, pos: np.ndarray) -> pd.Series:
    """Province code where known, else the folded admin1 name (for comparing, not showing)."""
    code = _column(frame, "admin1_code", pos).astype("string")
    name = _column(frame, "admin1", pos).astype("string")
    folded = name.map(fold, na_action="ignore").astype("string")
    return code.fillna(folded)


def _side_columns(side: Side, pos: np.ndarray, prefix: str) -> pd.DataFrame:
    f = side.frame
    return pd.DataFrame(
        {
            f"{prefix}_event_id": _column(f, "event_id", pos).astype("string"),
            f"{prefix}_date": date_column(
                pd.DataFrame({"d": _column(f, "event_date", pos)}),
                "d",
                source="events",
                allow_missing=True,
            ),  # fmt: skip
            f"{prefix}_event_type": _column(f, "event_type", pos).astype("string"),
            f"{prefix}_admin1": _column(f, "admin1", pos).astype("string"),
            f"{prefix}_fatalities": pd.to_numeric(
                _column(f, "fatalities", pos), errors="coerce"
            ).astype("Int64"),
        }
    )


def _days_apart(linked: pd.DataFrame) -> pd.Series:
    gap = (linked["a_date"].dt.normalize() - linked["b_date"].dt.normalize()).abs()
    return (gap / pd.Timedelta(days=1)).astype("Float64")


def _link_table(a: Side, b: Side, pairs: Pairs, links: np.ndarray) -> pd.DataFrame:
    ia, jb = pairs.i[links], pairs.j[links]
    linked = pd.concat(
        [_side_columns(a, a.pos[ia], "a"), _side_columns(b, b.pos[jb], "b")], axis=1
    ).assign(
        status="linked",
        score=pairs.score[links].round(4),
        km=pairs.km[links].round(2),
        kind_agreement=pairs.kind[links],
        tied=tied(pairs, links),
    )
    linked.insert(linked.columns.get_loc("km") + 1, "days_apart", _days_apart(linked))
    pa, pb = _province(a.frame, a.pos[ia]), _province(b.frame, b.pos[jb])
    linked["date_differs"] = (linked["a_date"] != linked["b_date"]).astype("boolean")
    linked["place_differs"] = (pa != pb).astype("boolean")
    fa, fb = linked["a_fatalities"], linked["b_fatalities"]
    linked["toll_differs"] = (fa != fb).astype("boolean")
    only_a = np.setdiff1d(np.arange(len(a.frame)), a.pos[ia])
    only_b = np.setdiff1d(np.arange(len(b.frame)), b.pos[jb])
    rows = [
        linked,
        _side_columns(a, only_a, "a").assign(status="only_a"),
        _side_columns(b, only_b, "b").assign(status="only_b"),
    ]
    cols = ["status", "a_event_id", "b_event_id", "score", "km", "days_apart"]
    cols += ["kind_agreement", "tied", "a_date", "b_date", "a_event_type", "b_event_type"]
    cols += ["a_admin1", "b_admin1", "a_fatalities", "b_fatalities"]
    cols += ["date_differs", "place_differs", "toll_differs"]
    out = pd.concat([r for r in rows if len(r)], ignore_index=True) if any(map(len, rows)) else None
    if out is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    return out.reindex(columns=cols)


def _source_notes(data: Any, name: str) -> list[str]:
    """What the reader of ``data`` left out (``attrs['source']['left_out']``), as notes."""
    left = (getattr(data, "attrs", {}).get("source") or {}).get("left_out") or {}
    return [f"{name}: {n} row(s) left out before linking ({why})" for why, n in left.items() if n]


def reconcile(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    km: float = 10.0,
    days: float = 1.0,
    names: tuple[str, str] | None = None,
    count: str = "incidents",
    uncertainty: str = "precision",
    options: MatchOptions | None = None,
) -> ReconcileResult:
    """Link the events of two sources one to one; say what only one has and where they differ.

    Two events may be linked when they lie within ``km`` of each other beyond
    the radius of each one's location error (``uncertainty_m``, else its
    ``geo_precision``) and their dates come within ``days`` of each other
    beyond each one's date precision (``time_precision``; UCDP's
    ``date_start``..``date_end``). Each candidate pair gets a score from its
    distance, date difference and kinds of event (ACLED event types, UCDP
    ``type_of_violence``, the record's claims, crosswalked in
    :data:`scamgeo.vocab.EVENT_TYPE_CROSSWALK`); the links are an optimal
    one-to-one assignment (:func:`scipy.optimize.linear_sum_assignment` on each
    connected group of candidates), never a greedy pass, so an event close to
    two others cannot take the partner that a third event needs.

    Parameters
    ----------
    a, b : DataFrame or GeoDataFrame
        Events in the common schema (:func:`scamgeo.load_events`,
        :func:`scamgeo.io.read_acled`, :func:`scamgeo.io.read_ucdp_ged`,
        :func:`scamgeo.datasets.events`): ``event_id``, ``event_date`` and a
        location; used when present: ``time_precision``, ``uncertainty_m``,
        ``geo_precision``, ``event_type``, ``type_of_violence``, ``admin1``,
        ``admin1_code``, ``fatalities``, ``incident_id``.
    km : float, default 10
        Distance allowed beyond the two location errors (>= 0).
    days : float, default 1
        Days allowed between the two date intervals (>= 0).
    names : (str, str), optional
        Names of the sources for the summary (default ``("a", "b")``).
    count : {"incidents", "claims"}, default "incidents"
        ``"incidents"`` folds the claims of one incident (rows sharing an
        ``incident_id``) into one event before linking; ``"claims"`` links
        each claim.
    uncertainty : {"precision", "known"}, default "precision"
        Where ``uncertainty_m`` is missing, take the radius of the row's
        ``geo_precision`` (1: 2 km, 2: 25 km, 3: 50 km), or 0 (``"known"``).
    options : MatchOptions, optional
        Weights of the score, how strictly kinds must agree, and whether the
        assignment prefers more links or a higher total score.

    Returns
    -------
    ReconcileResult
        ``table`` (links and events only one source has, with the fields that
        differ), ``linked``, ``only_a``, ``only_b``, ``disagreements``,
        ``counts``, ``notes``, ``summary()``, ``to_dict()``.

    Examples
    --------
    >>> from scamgeo import datasets, reconcile
    >>> sides = reconcile.record_sides(datasets.events())
    >>> res = reconcile.reconcile(sides["Thai claims"], sides["Cambodian claims"], km=10, days=1,
    ...                           names=("Thai claims", "Cambodian claims"), count="claims")
    >>> res.counts["linked"] > 0
    True
    """
    km, days = check_thresholds(km, days)
    name_a, name_b = side_names(names, ("a", "b"))
    options = options or MatchOptions()
    if not isinstance(options, MatchOptions):
        raise ParameterError(f"options must be a reconcile.MatchOptions, got {options!r}.")
    sa = prepare(a, name=name_a, count=count, uncertainty=uncertainty)
    sb = prepare(b, name=name_b, count=count, uncertainty=uncertainty)
    pairs = candidates(sa, sb, km=km, days=days, options=options)
    links = assign(pairs, n_a=sa.n, n_b=sb.n, prefer=options.prefer)
    notes = _source_notes(a, name_a) + _source_notes(b, name_b) + sa.notes + sb.notes
    return ReconcileResult(
        table=_link_table(sa, sb, pairs, links),
        names=(name_a, name_b),
        km=km,
        days=days,
        count=count,
        a=sa.frame,
        b=sb.frame,
        notes=notes,
    )


def reconcile_all(
    sources: Mapping[str, pd.DataFrame | None],
    *,
    km: float = 10.0,
    days: float = 1.0,
    count: str = "incidents",
    uncertainty: str = "precision",
    options: MatchOptions | None = None,
) -> ReconcileSet:
    """Link every pair of several sources (:func:`reconcile` on each pair).

    Parameters
    ----------
    sources : mapping
        Source name -> events (as for :func:`reconcile`); ``None`` values are
        skipped (a source the analyst did not give). At least two are needed.
    km, days, count, uncertainty, options
        As for :func:`reconcile`, the same for every pair.

    Returns
    -------
    ReconcileSet
        ``results`` by pair, ``table`` (one row per pair), ``presence`` (each
        event and its partner in every other source), ``only(name)`` (what no
        other source has), ``tolls`` (linked pairs whose tolls differ).

    Examples
    --------
    >>> from scamgeo import datasets, reconcile
    >>> both = reconcile.reconcile_all(reconcile.record_sides(datasets.events()), count="claims")
    >>> both.table[["source_a", "source_b"]].values.tolist()
    [['Thai claims', 'Cambodian claims']]
    """
    given = {str(k): v for k, v in sources.items() if v is not None}
    if len(given) < 2:
        raise ParameterError(
            f"reconcile_all needs at least two sources; got {len(given)} ({', '.join(given) or 'none'})."
        )
    results = {}
    for x, y in itertools.combinations(given, 2):
        results[(x, y)] = reconcile(
            given[x],
            given[y],
            km=km,
            days=days,
            names=(x, y),
            count=count,
            uncertainty=uncertainty,
            options=options,
        )
    first: dict[str, pd.DataFrame] = {}
    for (x, y), res in results.items():
        first.setdefault(x, res.a)
        first.setdefault(y, res.b)
    notes = list(dict.fromkeys(n for res in results.values() for n in res.notes))
    return ReconcileSet(results=results, sources={k: first[k] for k in given}, notes=notes)
