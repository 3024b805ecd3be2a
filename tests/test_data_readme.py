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
        226,
        224,
        232,
    )
    assert record["within_100m_of_line"] == 0
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    for quoted in ("median 0.20 km", "226 (97.4%)", "224 (96.6%)", "823.7 km"):
        assert quoted in readme, quoted
