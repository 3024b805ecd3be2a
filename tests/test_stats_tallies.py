"""Casualties as each side reported them (issue 25): latest own figure, ranges, claims apart."""

from __future__ import annotations

import pandas as pd
import pytest

from scamgeo import ParameterError, stats


def _tally(as_of, side, category, value, reported_by, claimed_by, phase="july_war"):
    return {
        "as_of": as_of, "phase": phase, "side": side, "category": category,
        "scope": "cumulative", "value": value, "reported_by": reported_by,
        "claimed_by": claimed_by,
    }  # fmt: skip


TALLIES = pd.DataFrame(
    [
        _tally("2025-07-24", "THA", "soldiers_killed", 1, "Health ministry", "THA"),
        _tally("2025-07-28", "THA", "soldiers_killed", 9, "Health ministry", "THA"),
        _tally("2025-07-28", "THA", "soldiers_killed", 11, "Army", "THA"),  # same day: a range
        _tally("2025-07-26", "THA", "soldiers_injured", 7, "Health ministry", "THA"),
        _tally("2025-07-27", "THA", "soldiers_injured", 29, "Army", "THA"),  # supersedes 7
        _tally("2025-07-26", "KHM", "soldiers_killed", 5, "Defence ministry", "KHM"),
        _tally("2025-08-12", "KHM", "soldiers_killed", 3000, "Thai commander", "THA"),  # a claim
        {
            **_tally("2025-07-25", "KHM", "civilians_killed", 2, "Province", "KHM"),
            "scope": "incident",
        },
    ]
)


def test_latest_own_figure_with_ranges_and_claims_apart() -> None:
    table = stats.casualty_table(TALLIES, wars=("july_war",)).table.set_index(["side", "category"])
    assert table.loc[("THA", "soldiers_killed"), ["low", "high"]].tolist() == [9, 11]
    assert table.loc[("THA", "soldiers_injured"), ["low", "high"]].tolist() == [29, 29]
    khm = table.loc[("KHM", "soldiers_killed")]
    assert (khm["low"], khm["high"], khm["claim_low"]) == (5, 5, 3000)  # never mixed or added
    assert ("KHM", "civilians_killed") not in table.index  # incident tallies are parts, not totals


def test_killed_sums_each_sides_own_dead_and_end_cuts_the_window() -> None:
    cas = stats.casualty_table(TALLIES, wars=("july_war",))
    assert cas.killed("july_war") == (14.0, 16.0)  # 9–11 Thai soldiers + 5 Cambodian
    early = stats.casualty_table(TALLIES, wars=("july_war",), end="2025-07-25")
    assert early.table.set_index(["side", "category"]).loc[("THA", "soldiers_killed"), "high"] == 1


def test_the_record_gives_the_governments_own_tallies() -> None:
    cas = stats.casualty_table()
    assert cas.killed("july_war") == (44.0, 44.0)
    assert cas.killed("december_war") == (56.0, 57.0)
    row = cas.table.query("war == 'december_war' and category == 'civilians_killed_indirect'")
    assert row["side"].tolist() == ["THA"] and int(row["low"].iloc[0]) == 44
    assert any("Cambodia gave no figure of its soldiers killed" in n for n in cas.notes)
    assert cas.to_dict()["kind"] == "CasualtyTable"


def test_unknown_war_is_refused() -> None:
    with pytest.raises(ParameterError, match="Did you mean 'july_war'"):
        stats.casualty_table(wars=("july-war",))
