"""The record as two sources, and counts of each source by phase and province."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import vocab
from .._errors import ParameterError, SchemaError
from .._record import one_row_per_incident
from .._time import phase_of
from .._validate import check_choice

__all__ = ["RECORD_SIDES", "record_sides", "source_counts", "sources_for_brief"]

#: Names of the two sides of the record: whose claims each holds.
RECORD_SIDES = {"THA": "Thai claims", "KHM": "Cambodian claims"}

_BY = ("phase", "province", "both")


def record_sides(events: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The record's claims as two sources: Thailand's and Cambodia's.

    Reports that both governments made, or that neither made (an agency's,
    the press's), are not one side's claim and are left out; how many is in
    each returned frame's ``attrs["source"]["left_out"]``, which
    :func:`~scamgeo.reconcile.reconcile` repeats in its notes.

    Parameters
    ----------
    events : DataFrame, optional
        The record's events (default :func:`scamgeo.datasets.events`), with ``claimed_by``.

    Returns
    -------
    dict
        ``{"Thai claims": ..., "Cambodian claims": ...}``.

    Examples
    --------
    >>> from scamgeo import datasets, reconcile
    >>> sides = reconcile.record_sides(datasets.events())
    >>> {k: len(v) for k, v in sides.items()}
    {'Thai claims': 131, 'Cambodian claims': 55}
    """
    if events is None:
        from .. import datasets

        events = datasets.events()
    if "claimed_by" not in events.columns:
        raise SchemaError(
            "record_sides: the events have no claimed_by column; only the record's events "
            "(scamgeo.datasets.events()) say which side claims them."
        )
    claim = events["claimed_by"].astype("string")
    other = int((~claim.isin(list(RECORD_SIDES))).sum())
    out = {}
    for side, name in RECORD_SIDES.items():
        frame = events[(claim == side).fillna(False).to_numpy(dtype=bool)].copy()
        frame.attrs = {
            **events.attrs,
            "source": {
                "dataset": name,
                "left_out": {"claimed by both sides, or by neither (not one side's claim)": other},
            },
        }
        out[name] = frame
    return out


def _provinces(frame: pd.DataFrame) -> pd.Series:
    if "admin1_code" in frame.columns and frame["admin1_code"].notna().all():
        codes = frame["admin1_code"].astype("string")
    else:
        from .. import geo

        codes = geo.assign_province(frame)["admin1_code"].astype("string")
    from .. import datasets

    names = datasets.provinces()["name"]
    label = codes.map(names.to_dict(), na_action="ignore").astype("string")
    return label.fillna(codes).fillna("(no province)")


def source_counts(
    sources: Mapping[str, pd.DataFrame | None],
    *,
    by: str = "both",
    count: str = "incidents",
) -> pd.DataFrame:
    """How many incidents (or claims) each source has, by phase of the war and province.

    Parameters
    ----------
    sources : mapping
        Source name -> events in the common schema (``None`` values skipped).
    by : {"phase", "province", "both"}, default "both"
    count : {"incidents", "claims"}, default "incidents"
        Claims sharing an ``incident_id`` count once as incidents; rows
        without one (ACLED, UCDP) are each an incident.

    Returns
    -------
    DataFrame
        One row per phase and/or province (ordered by phase, then most
        counted first), one column per source holding its count; the sources
        are never added up. ``attrs["counts"]`` names what is counted.

    Examples
    --------
    >>> from scamgeo import datasets, reconcile
    >>> t = reconcile.source_counts(reconcile.record_sides(datasets.events()), by="phase")
    >>> int(t["Thai claims"].sum()), t.attrs["counts"]
    (128, 'incidents')
    """
    check_choice(by, _BY, name="by")
    check_choice(count, vocab.COUNT_UNITS, name="count")
    keys = ["phase", "province"] if by == "both" else [by]
    parts = []
    for name, frame in sources.items():
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(f"source {name!r} is a {type(frame).__name__}, not a frame.")
        rows = one_row_per_incident(frame) if count == "incidents" else frame
        table = pd.DataFrame(index=rows.index)
        if "phase" in keys:
            table["phase"] = phase_of(rows["event_date"]).astype(str).to_numpy()
        if "province" in keys:
            table["province"] = _provinces(rows).to_numpy() if len(rows) else []
        parts.append(table.groupby(keys).size().rename(str(name)))
    if not parts:
        raise ParameterError("source_counts needs at least one source.")
    out = pd.concat(parts, axis=1).fillna(0).astype(int).reset_index()
    if "phase" in keys:
        order = {p: i for i, p in enumerate(vocab.PHASES)}
        out["_order"] = out["phase"].map(order).fillna(len(order))
        out["_total"] = -out[[str(n) for n, f in sources.items() if f is not None]].max(axis=1)
        out = out.sort_values(["_order", "_total", *keys], kind="stable").drop(
            columns=["_order", "_total"]
        )
        out["phase"] = out["phase"].map(vocab.phase_label)
    else:
        cols = [str(n) for n, f in sources.items() if f is not None]
        out = out.iloc[np.argsort(-out[cols].max(axis=1).to_numpy(), kind="stable")]
    out = out.reset_index(drop=True)
    out.attrs["counts"] = count
    return out


def sources_for_brief(
    record: pd.DataFrame, *, acled: pd.DataFrame | None = None, ucdp: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The sources a comparison brief sets side by side.

    With an ACLED and/or a UCDP frame: the record and those. Without either:
    the record's Thai claims against its Cambodian claims (:func:`record_sides`),
    so the comparison still runs on the record alone.

    Parameters
    ----------
    record : pandas.DataFrame
        scamgeo's record of events (:func:`scamgeo.datasets.events`).
    acled : pandas.DataFrame, optional
        Events read from an ACLED export (:func:`scamgeo.io.read_acled`).
    ucdp : pandas.DataFrame, optional
        Events read from a UCDP GED file (:func:`scamgeo.io.read_ucdp_ged`).

    Returns
    -------
    dict of str to pandas.DataFrame
        Each source's name and its events, in the order they are compared.

    Examples
    --------
    >>> from scamgeo import datasets, reconcile
    >>> list(reconcile.sources_for_brief(datasets.events()))
    ['Thai claims', 'Cambodian claims']
    """
    if acled is None and ucdp is None:
        return record_sides(record)
    given = {"scamgeo record": record, "ACLED": acled, "UCDP": ucdp}
    return {name: frame for name, frame in given.items() if frame is not None}
