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
