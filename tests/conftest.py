"""Shared fixtures. Tests run offline; matplotlib uses the Agg backend."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

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


#: fixtures that build briefs, start kernels, a JupyterLab or a dask cluster: their tests are slow
SLOW_FIXTURES = {"built", "built_briefs", "kernels", "lab", "cluster"}


def pytest_collection_modifyitems(config, items):
    """A test that builds briefs (or starts kernels, a lab, a cluster) must be marked slow.

    ``make test-fast`` (``-m "not slow"``) then builds no brief; a marker left on a helper
    instead of the test is caught here, at collection, not by a slow fast suite.
    """
    unmarked = [
        item.nodeid
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that build briefs or start kernels must be marked slow: " + ", ".join(unmarked)
        )


def pytest_configure(config):
    """The test brief declares its rules like any notebook outside the package's folder."""
    from scamgeo import briefs

    briefs.register_rules("90-fails-on-demand", {"start": "date", "end": "date"})


@pytest.fixture(scope="session")
def built_briefs(tmp_path_factory, worker_id):
    """Every brief (notebook defaults and named runs) built once per test session.

    pytest-xdist runs session fixtures once per worker, and its ``loadgroup``
    cannot keep the brief tests on one worker under pytest 9 (xdist 3.8 groups
    by writing ``item._nodeid``, which pytest 9 no longer reads: node ids come
    from a structured ``_id``), so every worker built all the briefs. Now the first worker to get the file lock builds into a
    folder shared by the session's workers (its two kernels keep both cores
    busy), the others wait and read the manifest. Returns (output folder, list
    of results with run/status/error).
    """
    from filelock import FileLock

    from scamgeo import briefs

    if worker_id == "master":  # no xdist: a folder of this session only
        out = tmp_path_factory.mktemp("reports")
        results = briefs.run_batch(briefs.jobs_for_all(), output_dir=out, jobs_at_once=2)
        return out, results
    root = tmp_path_factory.getbasetemp().parent  # shared by this session's workers
    out = root / "briefs"
    done = root / "briefs.done"
    with FileLock(str(root / "briefs.lock")):
        if not done.is_file():
            out.mkdir(exist_ok=True)
            briefs.run_batch(briefs.jobs_for_all(), output_dir=out, jobs_at_once=2)
            done.write_text("built")
    manifest = json.loads((out / "manifest.json").read_text())
    return out, [SimpleNamespace(**run) for run in manifest["runs"]]
