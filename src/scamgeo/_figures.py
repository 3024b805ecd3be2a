"""Cross-table rules of the record's figures (behind :func:`scamgeo.datasets.check_record`).

Single-table rules (an incident-scope tally names an incident, a hedged figure carries its
qualifier, one body's figure is one row) run in the schemas on every load; this module
holds the rules that need two tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ._status import site_problems
from ._validate import Problems

__all__ = ["cross_table_problems", "tally_incident_problems"]


def tally_incident_problems(
    tallies: pd.DataFrame, events: pd.DataFrame, *, source: str
) -> Problems:
    """Tallies whose ``incident_id`` is not an incident of ``events`` (not yet raised).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"incident_id": ["SG-I0001", "SG-I9999", None]})
    >>> e = pd.DataFrame({"incident_id": ["SG-I0001"]})
    >>> tally_incident_problems(t, e, source="tallies.csv").items
    ["row 3, column incident_id: 'SG-I9999' is not an incident of the events table"]
    """
    problems = Problems(source)
    known = set(events["incident_id"].dropna().astype(str))
    ids = tallies["incident_id"].astype("string")
    for pos in range(len(tallies)):
        value = ids.iloc[pos]
        if pd.notna(value) and value not in known:
            problems.add(
                f"{value!r} is not an incident of the events table",
                row=pos + 2,
                column="incident_id",
            )
    return problems


def cross_table_problems(tables: Mapping[str, pd.DataFrame], paths: Mapping[str, Path]) -> Problems:
    """Every cross-table problem: tallies naming unknown incidents, statuses of unknown sites."""
    problems = tally_incident_problems(
        tables["tallies"], tables["events"], source=str(paths["tallies"])
    )
    sites = pd.Index(tables["sites"]["site_id"])
    status = site_problems(tables["site_status"], sites, source=str(paths["site_status"]))
    if status.items:
        problems.items.extend(f"{paths['site_status']}: {item}" for item in status.items)
    return problems
