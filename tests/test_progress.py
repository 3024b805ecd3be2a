"""Progress bars: shown where a person waits, silent in briefs and pipes (issue 21)."""

from __future__ import annotations

import io
import sys

from scamgeo import _progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_stderr_is_not_a_terminal(monkeypatch) -> None:
    monkeypatch.delenv("SCAMGEO_READS_LOG", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not _progress.shown()
    assert list(_progress.progress(range(3), desc="x")) == [0, 1, 2]
    assert sys.stderr.getvalue() == ""


def test_shown_on_a_terminal_after_the_delay(monkeypatch) -> None:
    monkeypatch.delenv("SCAMGEO_READS_LOG", raising=False)
    monkeypatch.delenv("SCAMGEO_PROGRESS", raising=False)
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(_progress, "DELAY_SECONDS", 0.0)
    assert _progress.shown()
    assert list(_progress.progress(range(5), desc="redraws", unit="draw")) == list(range(5))
    assert "redraws" in term.getvalue()
    assert "/5 [" in term.getvalue()  # a bar of 5 steps (cleared when done: leave=False)


def test_silent_in_a_brief_and_when_switched_off(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    monkeypatch.setenv("SCAMGEO_READS_LOG", "/tmp/reads.jsonl")
    assert not _progress.shown()
    monkeypatch.delenv("SCAMGEO_READS_LOG")
    monkeypatch.setenv("SCAMGEO_PROGRESS", "0")
    assert not _progress.shown()
    monkeypatch.delenv("SCAMGEO_PROGRESS")
    monkeypatch.setattr(_progress, "enabled", False)
    assert not _progress.shown()
