"""Incremental, reproducible builds: what a brief read decides whether it is rebuilt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scamgeo import _provenance, briefs, config
from scamgeo.briefs import _cache
from scamgeo.briefs._execute import Job, stable_ids


def test_reads_are_recorded_once_and_logged_for_the_runner(tmp_path, monkeypatch):
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(_provenance.ENV_VAR, str(log))
    _provenance.reset()
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n")
    _provenance.record_read(table)
    _provenance.record_read(table)
    _provenance.record_read(tmp_path / "missing.csv")  # never raises
    got = _provenance.read_log(log)
    assert list(got) == [str(table.resolve())]
    assert got[str(table.resolve())] == _provenance.file_sha256(table)
    assert len(log.read_text().splitlines()) == 1
    _provenance.reset()


def test_curated_and_reference_reads_go_through_the_recorder():
    from scamgeo import datasets

    _provenance.reset()
    datasets._curated_path("timeline")
    datasets._reference_path("places.csv")
    names = {_cache.display_name(p) for p in _provenance.reads()}
    assert names == {"curated/timeline.csv", "reference/places.csv"}
    _provenance.reset()


def _inputs(tmp_path: Path, **params):
    nb = tmp_path / "nb.ipynb"
    if not nb.exists():
        nb.write_text('{"cells": []}')
    return _cache.build_inputs(nb, params, title="t")


def test_stale_reasons_name_what_changed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    table = tmp_path / "displacement.csv"
    table.write_text("x\n1\n")
    other = tmp_path / "events.csv"
    other.write_text("y\n2\n")
    html = out / "r.html"
    html.write_text("<p>brief</p>")
    inputs = _inputs(tmp_path, radius_km=30.0)
    reads = {str(table): _provenance.file_sha256(table), str(other): _provenance.file_sha256(other)}
    _cache.write_record(out, "r", inputs, reads, [html])
    assert _cache.stale_reasons(out, "r", inputs) == []
    assert _cache.stale_reasons(out, "r", inputs, force=True) == ["--force"]
    assert _cache.stale_reasons(out, "other", inputs) == ["not built yet"]
    assert _cache.stale_reasons(out, "r", _inputs(tmp_path, radius_km=25.0)) == [
        "parameter radius_km 30.0 -> 25.0"
    ]
    table.write_text("x\n1 (note edited)\n")
    assert [r.split(" (")[0] for r in _cache.stale_reasons(out, "r", inputs)] == [
        "input displacement.csv changed"
    ]
    table.write_text("x\n1\n")
    (tmp_path / "nb.ipynb").write_text('{"cells": [], "metadata": {}}')
    assert _cache.stale_reasons(out, "r", _inputs(tmp_path, radius_km=30.0)) == [
        "notebook nb.ipynb changed"
    ]
    newer = dict(inputs, packages={**inputs["packages"], "pandas": "99.0"})
    assert any(r.startswith("pandas ") for r in _cache.stale_reasons(out, "r", newer))
    html.write_text("<p>edited by hand</p>")
    assert _cache.stale_reasons(out, "r", inputs) == ["output r.html edited on disk"]
    html.unlink()
    assert _cache.stale_reasons(out, "r", inputs) == ["output r.html missing"]


def test_stable_ids_renumber_random_ids_in_order():
    a = "map_" + "ab" * 16
    b = "marker_" + "cd" * 16
    text = f"var {a} = L.map(); {b}.addTo({a}); <div id='cell-id=0b819438'> T_1f2e3_row0 "
    text += "<scamgeo.maps.X at 0x7f5837276f50> · built 2026-11-30 22:10 UTC"
    out = stable_ids(text)
    assert "map_" + "0" * 31 + "1" in out
    assert "marker_" + "0" * 31 + "2" in out
    assert out.count("map_" + "0" * 31 + "1") == 2
    assert "cell-id=00000001" in out and "T_00001_row0" in out
    assert "0x7f58" not in out and "built" not in out
    assert stable_ids(text.replace("ab" * 16, "ef" * 16)) == out


# --- real builds -------------------------------------------------------------------

JOBS = [
    Job("03-displacement", "03-displacement"),
    Job(
        "01-border-clashes",
        "july",
        {
            "start": "2025-07-10",
            "end": "2025-08-31",
        },
    ),
]


class _NoKernel:
    def submit(self, *args, **kwargs):  # pragma: no cover - a failure if reached
        raise AssertionError("an up-to-date brief was executed")


@pytest.mark.slow
def test_incremental_and_reproducible_builds(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # reproducible without it
    first = tmp_path / "a"
    results = briefs.run_batch(JOBS, output_dir=first, jobs_at_once=2)
    assert [r.status for r in results] == ["ok", "ok"], [r.error for r in results]
    files = sorted(p for p in first.iterdir() if p.is_file())
    stamps = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}

    # nothing changed: nothing runs (the executor would fail), nothing is rewritten
    again = briefs.run_batch(JOBS, output_dir=first, executor=_NoKernel())
    assert [r.up_to_date for r in again] == [True, True]
    for p in files:  # the index and the manifest included
        assert p.stat().st_mtime_ns == stamps[p.name][0], p.name
    manifest = json.loads((first / "manifest.json").read_text())
    assert "curated/displacement.csv" in manifest["runs"][0]["inputs"]
    assert "curated/displacement.csv" not in manifest["runs"][1]["inputs"]

    # --force into another folder: byte-identical briefs, index and manifest
    second = tmp_path / "b"
    briefs.run_batch(JOBS, output_dir=second, jobs_at_once=2, force=True)
    for name, (_, data) in stamps.items():
        assert (second / name).read_bytes() == data, name
    # and no scratch or kernel folders left behind
    assert not [
        p.name
        for p in first.iterdir()
        if p.name.startswith(".") and p.is_dir() and p.name != ".build"
    ]

    # an edit of the displacement table (as its recorded hash shows) rebuilds 03 only
    record_file = first / ".build" / "03-displacement.json"
    record = json.loads(record_file.read_text())
    for meta in record["reads"].values():
        if meta["name"] == "curated/displacement.csv":
            meta["sha256"] = "0" * 64
    record_file.write_text(json.dumps(record))
    plan = briefs.run_batch(JOBS, output_dir=first, dry_run=True)
    assert [r.status for r in plan] == ["stale", "ok"]
    assert plan[0].reasons[0].startswith("input curated/displacement.csv changed")


@pytest.mark.slow
def test_plain_papermill_refuses_a_misspelt_parameter(tmp_path):
    nb = config.notebooks_dir / "04-hub-brief.ipynb"
    out = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "papermill"),
            str(nb),
            str(tmp_path / "out.ipynb"),
            "-p",
            "sitee",
            "o-smach",
            "--cwd",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode != 0
    assert "unknown parameter 'sitee' (did you mean 'site'?)" in out.stderr + out.stdout


def test_papermill_sees_every_parameter():
    nb = config.notebooks_dir / "03-displacement.ipynb"
    out = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "papermill"), "--help-notebook", str(nb)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0
    for name in ("country", "metric", "as_of"):
        assert f"  {name}:" in out.stdout
    assert briefs.read_parameters(nb).parameters["country"].type == "str | None"
