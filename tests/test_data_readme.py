"""data/README.md documents the schemas as they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_data_dictionary_is_current():
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "write_data_dictionary.py"), "--check"]
    )
    assert out.returncode == 0, (
        "data/README.md is stale: run python scripts/write_data_dictionary.py"
    )


def _readme() -> str:
    return (REPO / "data" / "README.md").read_text(encoding="utf-8")


def test_readme_states_the_record_as_it_is():
    from scamgeo import datasets

    text = _readme()
    events, incidents = datasets.events(), datasets.incidents()
    assert f"{len(events)} rows, {len(incidents)} incidents" in text
    statuses = datasets.site_status()
    assert f"{len(statuses)} rows, {statuses['site_id'].nunique()} sites" in text
    hedged = {
        "displacement": datasets.displacement()["qualifier"].notna().sum(),
        "tallies": datasets.tallies()["qualifier"].notna().sum(),
        "scam figures": datasets.scam_figures()["qualifier"].notna().sum(),
    }
    assert (
        f"{hedged['displacement']} displacement rows, {hedged['tallies']} tallies and "
        f"{hedged['scam figures']} scam figures are hedged" in text
    )


def test_every_row_the_readme_cites_exists_or_is_said_to_be_gone():
    """A row id named in the README is in its table, unless the sentence says it was dropped."""
    import re

    from scamgeo import datasets

    known = (
        set(datasets.events()["event_id"])
        | set(datasets.events()["incident_id"])
        | set(datasets.displacement()["row_id"])
        | set(datasets.tallies()["tally_id"])
        | set(datasets.scam_figures()["figure_id"])
        | set(datasets.timeline()["timeline_id"])
        | set(datasets.site_status()["status_id"])
    )
    text = _readme()
    cited = re.finditer(r"\b(SG-[EI]\d{4}|D\d{4}|T\d{4}|F\d{3}|L\d{3}|SS\d{4})\b", text)
    missing = []
    for m in cited:
        if m.group(1) in known:
            continue
        around = text[max(0, m.start() - 200) : m.end() + 200]
        if not re.search(r"dropped|was row|were dropped", around):
            missing.append(m.group(1))
    assert not missing, missing


def test_border_figures_quoted_in_data_readme_are_measured():
    """scripts/measure_border.py prints the figures data/README.md quotes for the border."""
    import json

    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "measure_border.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    fig = json.loads(out.stdout)
    gates = fig["stated_points"]["gates"]
    assert gates["n"] == 4
    assert round(gates["median_km"], 2) == 0.20 and round(gates["max_km"], 2) == 0.30
    assert fig["line"]["length_km"] == 823.7
    record = fig["record"]["all"]
    assert (record["in_coded_country"], record["in_coded_province"], record["rows"]) == (
        231,
        229,
        237,
    )
    assert record["within_100m_of_line"] == 0
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    for quoted in ("median 0.20 km", "231 (97.5%)", "229 (96.6%)", "823.7 km"):
        assert quoted in readme, quoted
