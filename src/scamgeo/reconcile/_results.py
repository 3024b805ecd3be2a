"""The result objects of :func:`scamgeo.reconcile.reconcile` and :func:`~scamgeo.reconcile.reconcile_all`."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from .. import fmt
from .._result import Result, jsonable

__all__ = ["DISAGREEMENTS", "HEADERS", "ReconcileResult", "ReconcileSet"]

#: The fields of a linked pair that may disagree, and the column flagging each.
DISAGREEMENTS = {"date": "date_differs", "place": "place_differs", "toll": "toll_differs"}

#: Column headers in words for the tables of the results (``display.table(..., headers=HEADERS)``).
HEADERS = {
    "source_a": "First source",
    "source_b": "Second source",
    "a_event_id": "Event (first source)",
    "b_event_id": "Event (second source)",
    "a_date": "Date (first)",
    "b_date": "Date (second)",
    "a_event_type": "Type (first)",
    "b_event_type": "Type (second)",
    "a_admin1": "Province (first)",
    "b_admin1": "Province (second)",
    "a_fatalities": "Deaths (first)",
    "b_fatalities": "Deaths (second)",
    "a_events": "Events (first)",
    "b_events": "Events (second)",
    "only_a": "Only in the first",
    "only_b": "Only in the second",
    "km": "Distance (km)",
    "days_apart": "Days apart",
    "kind_agreement": "Same kind (1), related (0.5), unrelated (0)",
    "tied": "Tied alternative",
    "date_differs": "Dates differ",
    "place_differs": "Provinces differ",
    "toll_differs": "Tolls differ",
    "found_in": "Sources that have it",
}

_FIELD_COLUMNS = {
    "date": ("a_date", "b_date"),
    "place": ("a_admin1", "b_admin1"),
    "toll": ("a_fatalities", "b_fatalities"),
}


@dataclasses.dataclass(repr=False)
class ReconcileResult(Result):
    """Two sources linked one to one.

    Attributes
    ----------
    table : DataFrame
        One row per link (``status`` ``"linked"``) and per event only one
        source has (``"only_a"``, ``"only_b"``): ``a_event_id``,
        ``b_event_id``, ``score`` (0–1), ``km`` (geodesic distance),
        ``days_apart`` (between the two event dates),
        ``kind_agreement`` (1 same kind, 0.5 related or unknown, 0 unrelated),
        ``tied`` (another candidate of either event scored the same), each
        side's ``date``, ``event_type``, ``admin1``, ``fatalities``, and the
        flags ``date_differs``, ``place_differs`` (provinces differ),
        ``toll_differs`` (both give a toll and the tolls differ; missing when
        either gives none).
    names : (str, str)
        The two sources' names (``a`` first).
    km, days : float
        The thresholds used.
    count : str
        ``"incidents"`` (claims of one incident folded first) or ``"claims"``.
    a, b : DataFrame
        The events compared (after folding), with their own columns.
    notes : list of str
        Rows that could not be linked and why, where location errors came from.
    """

    table: pd.DataFrame
    names: tuple[str, str]
    km: float
    days: float
    count: str
    a: pd.DataFrame
    b: pd.DataFrame
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def linked(self) -> pd.DataFrame:
        """The links, best score first."""
        out = self.table[self.table["status"] == "linked"]
        return out.sort_values(["score", "a_event_id"], ascending=[False, True], kind="stable")

    def _only(self, side: str) -> pd.DataFrame:
        frame = self.a if side == "a" else self.b
        ids = self.table.loc[self.table["status"] == f"only_{side}", f"{side}_event_id"]
        return frame[frame["event_id"].isin(ids)]

    @property
    def only_a(self) -> pd.DataFrame:
        """The events of the first source that the second does not have (their own rows)."""
        return self._only("a")

    @property
    def only_b(self) -> pd.DataFrame:
        """The events of the second source that the first does not have (their own rows)."""
        return self._only("b")

    @property
    def disagreements(self) -> pd.DataFrame:
        """One row per linked pair and field (date, place, toll) on which the two differ."""
        linked = self.linked
        parts = []
        for field, flag in DISAGREEMENTS.items():
            rows = linked[linked[flag].fillna(False).astype(bool)]
            a_col, b_col = _FIELD_COLUMNS[field]
            parts.append(
                pd.DataFrame(
                    {
                        "a_event_id": rows["a_event_id"],
                        "b_event_id": rows["b_event_id"],
                        "field": field,
                        "a_value": rows[a_col].astype(str),
                        "b_value": rows[b_col].astype(str),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    @property
    def counts(self) -> dict[str, int]:
        """Links, events of each source only, and the disagreements by field."""
        status = self.table["status"].value_counts()
        linked = self.table[self.table["status"] == "linked"]
        out = {
            "a_events": len(self.a),
            "b_events": len(self.b),
            "linked": int(status.get("linked", 0)),
            "only_a": int(status.get("only_a", 0)),
            "only_b": int(status.get("only_b", 0)),
            "tied": int(linked["tied"].sum()),
        }
        for flag in DISAGREEMENTS.values():
            out[flag] = int(linked[flag].fillna(False).astype(bool).sum())
        return out

    def summary(self) -> str:
        """The two sources, the links found and the linked pairs that disagree, in words."""
        a, b = self.names
        c = self.counts
        unit = "incident" if self.count == "incidents" else "event"
        lines = [
            f"{a} ({fmt.plural(c['a_events'], unit)}) vs {b} ({fmt.plural(c['b_events'], unit)}), "
            f"linked within {self.km:g} km and {self.days:g} days beyond each event's stated error:",
            f"  {fmt.count(c['linked'])} linked one to one ({fmt.count(c['tied'])} with a tied "
            f"alternative); {fmt.count(c['only_a'])} only in {a}; {fmt.count(c['only_b'])} only in {b}",
            f"  linked pairs that disagree: date {c['date_differs']}, province "
            f"{c['place_differs']}, toll {c['toll_differs']}",
        ]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values: names, thresholds, counts, table and notes."""
        return {
            "kind": type(self).__name__,
            "names": list(self.names),
            "km": self.km,
            "days": self.days,
            "count": self.count,
            "counts": self.counts,
            "table": jsonable(self.table),
            "notes": list(self.notes),
        }


@dataclasses.dataclass(repr=False)
class ReconcileSet(Result):
    """Several sources linked pairwise (:func:`~scamgeo.reconcile.reconcile_all`).

    Attributes
    ----------
    results : dict
        ``(name_a, name_b)`` -> :class:`ReconcileResult`, for every pair in
        the order the sources were given.
    sources : dict
        Each source's events as compared (claims folded per ``count``).
    notes : list of str
    """

    results: dict[tuple[str, str], ReconcileResult]
    sources: dict[str, pd.DataFrame]
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.sources)

    @property
    def table(self) -> pd.DataFrame:
        """One row per pair of sources: events of each, links, only-one-side, disagreements."""
        rows = []
        for (a, b), res in self.results.items():
            rows.append({"source_a": a, "source_b": b, **res.counts})
        return pd.DataFrame(rows)

    @property
    def presence(self) -> pd.DataFrame:
        """Every event of every source, with the event each other source links to it (or NA)."""
        parts = []
        for name, frame in self.sources.items():
            part = pd.DataFrame({"source": name, "event_id": frame["event_id"].to_numpy()})
            for other in self.names:
                if other == name:
                    continue
                part[other] = self._partner(name, other).reindex(part["event_id"]).to_numpy()
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        others = out[self.names].notna() if len(self.names) else pd.DataFrame()
        out["found_in"] = others.sum(axis=1).astype(int) + 1
        return out

    def _partner(self, name: str, other: str) -> pd.Series:
        if (name, other) in self.results:
            t = self.results[(name, other)].linked
            return pd.Series(t["b_event_id"].to_numpy(), index=t["a_event_id"].to_numpy())
        t = self.results[(other, name)].linked
        return pd.Series(t["a_event_id"].to_numpy(), index=t["b_event_id"].to_numpy())

    def only(self, name: str) -> pd.DataFrame:
        """The events of source ``name`` that no other source has (their own rows).

        Parameters
        ----------
        name : str
            One of :attr:`names`.
        """
        if name not in self.sources:
            from .._validate import check_choice

            check_choice(name, self.names, name="name")
        p = self.presence
        ids = p.loc[(p["source"] == name) & (p["found_in"] == 1), "event_id"]
        frame = self.sources[name]
        return frame[frame["event_id"].isin(ids)]

    @property
    def tolls(self) -> pd.DataFrame:
        """Linked pairs (of any two sources) whose tolls differ, largest gap first."""
        parts = []
        for (a, b), res in self.results.items():
            t = res.linked
            t = t[t["toll_differs"].fillna(False).astype(bool)]
            parts.append(t.assign(source_a=a, source_b=b))
        cols = ["source_a", "a_event_id", "a_date", "a_admin1", "a_fatalities"]
        cols += ["source_b", "b_event_id", "b_date", "b_admin1", "b_fatalities", "km"]
        if not parts:
            return pd.DataFrame(columns=cols)
        out = pd.concat(parts, ignore_index=True)[cols]
        gap = (out["a_fatalities"].astype(float) - out["b_fatalities"].astype(float)).abs()
        return out.iloc[np.argsort(-gap.to_numpy(), kind="stable")].reset_index(drop=True)

    @property
    def links(self) -> pd.DataFrame:
        """Every link of every pair of sources, best score first within each pair."""
        parts = [r.linked.assign(source_a=a, source_b=b) for (a, b), r in self.results.items()]
        cols = ["source_a", "a_event_id", "a_date", "a_event_type", "a_fatalities"]
        cols += ["source_b", "b_event_id", "b_date", "b_event_type", "b_fatalities"]
        cols += ["km", "days_apart", "score"]
        return pd.concat(parts, ignore_index=True)[cols]

    @property
    def unmatched(self) -> pd.DataFrame:
        """The events that only one source has, every source together (``only_in`` names it)."""
        parts = [self.only(name).assign(only_in=name) for name in self.names]
        parts = [p for p in parts if len(p)]
        if not parts:
            return next(iter(self.sources.values())).iloc[:0].assign(only_in=pd.Series(dtype=str))
        out = pd.concat(parts, ignore_index=True)
        if "geometry" in out.columns:
            import geopandas as gpd

            out = gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")
        return out.sort_values(["event_date", "only_in"], kind="stable").reset_index(drop=True)

    def summary(self) -> str:
        """Each pair's :meth:`ReconcileResult.summary`, under the sources compared."""
        lines = [f"{len(self.sources)} sources compared pairwise: {', '.join(self.names)}"]
        for res in self.results.values():
            lines += ["  " + line for line in res.summary().splitlines()]
        return "\n".join(lines + [f"note: {n}" for n in self.notes])

    def to_dict(self) -> dict[str, Any]:
        """The set as JSON-ready values: names, each pair's result, the table and notes."""
        return {
            "kind": type(self).__name__,
            "names": self.names,
            "results": [r.to_dict() for r in self.results.values()],
            "table": jsonable(self.table),
            "notes": list(self.notes),
        }
