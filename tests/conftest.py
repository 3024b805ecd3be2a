"""Shared fixtures. Tests run offline; matplotlib uses the Agg backend."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """Folder of the committed test fixtures."""
    return FIXTURES


@pytest.fixture
def repo() -> Path:
    """Root of the source checkout."""
    return REPO
