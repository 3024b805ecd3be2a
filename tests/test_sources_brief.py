"""The build cache's record of event tables, and the sources brief saying what changed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from scamgeo import briefs
from scamgeo.briefs import _cache

ACLED = Path(__file__).resolve().parent / "fixtures" / "io" / "acled_export.csv"


def revised_copy(src: Path, dest: Path) -> Path:
    """An ACLED export as the next pull would give it: one toll revised, one event deleted,
    one added (rows in the export layout, FIXTURE)."""
    frame = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[frame["event_id_cnty"] == "TEST-THA-0007", ["fatalities", "timestamp"]] = [
        "5",
        "1765584000",
    ]
    frame = frame[frame["event_id_cnty"] != "TEST-THA-0006"]
    added = frame[frame["event_id_cnty"] == "TEST-THA-0008"].assign(
        event_id_cnty="TEST-THA-0009", event_date="12 December 2025", timestamp="1765670400"
    )
    pd.concat([frame, added]).to_csv(dest, index=False, encoding="utf-8-sig")
    return dest


def test_fingerprint_and_input_changes(tmp_path: Path) -> None:
    old = shutil.copy(ACLED, tmp_path / "2026-11-01-abc.csv")
    fp = _cache.fingerprint(old)
    assert fp["id_column"] == "event_id_cnty" and len(fp["rows"]) == 8
    assert _cache.fingerprint(tmp_path / "missing.csv") is None
    out = tmp_path / "reports"
    reads = {str(old): _cache.file_sha256(old)}
    _cache.write_record(out, "run", {"cache_version": 2}, reads, [])
    assert (out / ".build" / "inputs" / f"{reads[str(old)]}.json").is_file()
    # the same file: nothing changed
    same = _cache.input_changes(out, "run", reads)
    assert same["previous_build"] and same["files"][0]["added"] == []
    assert "the same as at the last build" in _cache.changes_text(same)
    # a newer snapshot under another name is compared with the one read last time
    new = revised_copy(ACLED, tmp_path / "2026-12-07-abc.csv")
    diff = _cache.input_changes(out, "run", {str(new): _cache.file_sha256(new)})["files"][0]
    assert (diff["added"], diff["revised"], diff["deleted"]) == (
        ["TEST-THA-0009"],
        ["TEST-THA-0007"],
        ["TEST-THA-0006"],
    )
    assert diff["previous_file"] == "2026-11-01-abc.csv"
    # the same path edited in place: the rebuild reason counts the events
    shutil.copy(new, old)
    reasons = _cache.stale_reasons(
        out,
        "run",
        {
            "cache_version": 2,
            "notebook_sha256": None,
            "notebook": "x",
            "parameters": {},
            "title": None,
            "packages": {},
        },
    )
    assert any("1 event added, 1 revised, 1 deleted" in r for r in reasons), reasons
    assert _cache.input_changes(tmp_path / "nowhere", "run", reads)["previous_build"] is False


def test_current_build_reads_the_runners_scratch_folder(tmp_path: Path, monkeypatch) -> None:
    assert _cache.current_build() is None or True  # outside a brief (unless the env says so)
    monkeypatch.delenv("SCAMGEO_READS_LOG", raising=False)
    assert _cache.current_build() is None and briefs.changes_since_last_build() is None
    out = tmp_path / "reports"
    (out / ".build").mkdir(parents=True)
    (out / ".build" / "06-sources--x.json").write_text("{}")
    monkeypatch.setenv("SCAMGEO_READS_LOG", str(out / ".06-sources--x-ab12cd_9" / "reads.jsonl"))
    assert _cache.current_build() == (out, "06-sources--x")
    assert "Outside a brief build" in briefs.changes_text(None)
    assert "first build" in briefs.changes_text({"previous_build": False, "files": []})


@pytest.mark.slow
def test_a_brief_rebuilt_on_a_newer_snapshot_says_what_changed(tmp_path: Path) -> None:
    first = shutil.copy(ACLED, tmp_path / "2026-11-01-abc.csv")
    out = tmp_path / "reports"
    res = briefs.run_brief(
        "sources", output_dir=out, run="acled", parameters={"acled_file": str(first)}
    )
    assert res.status == "ok"
    assert "This is the first build of this brief" in (out / "acled.html").read_text()
    newer = revised_copy(ACLED, tmp_path / "2026-12-07-abc.csv")
    briefs.run_brief("sources", output_dir=out, run="acled", parameters={"acled_file": str(newer)})
    page = (out / "acled.html").read_text()
    assert re.search(
        r"Since the last build of this brief \(\d{4}-\d{2}-\d{2}\): 2026-12-07-abc.csv \(then "
        r"2026-11-01-abc.csv\): 1 event added, 1 revised, 1 deleted\.",
        page.replace("&#x27;", "'"),
    )
    figures = {
        f["name"]: f["value"] for f in json.loads((out / "acled.json").read_text())["key_figures"]
    }
    assert figures["changes_since_last_build"] == {
        "2026-12-07-abc.csv": {"added": 1, "revised": 1, "deleted": 1},
        "events.csv": {"added": 0, "revised": 0, "deleted": 0},  # the record did not change
    }
    # built again on the same data: it says nothing changed
    briefs.run_brief("sources", output_dir=out, run="acled", parameters={"acled_file": str(newer)})
    assert "no event was added, revised or deleted" in (out / "acled.html").read_text()
