"""The README's commands work as written, from a copy of the repository (issue 21).

Every fenced ``bash`` block of README.md is run line by line in a copy of the
repository, with the project's environment on PATH, unless an HTML comment
just above it says why it cannot run offline::

    <!-- readme-test: skip: needs an ACLED account and the network -->

The ``python`` blocks are run too (each in a fresh interpreter), with the same
rule. A path the README writes as a placeholder for the reader's own file
(``path/to/acled.csv``) is given one of our ACLED-layout fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
_FENCE = re.compile(r"^```(\w*)\s*$")
_SKIP = re.compile(r"<!--\s*readme-test:\s*skip:\s*(?P<why>[^>]+?)\s*-->")
#: The reader's own files the README names, and the fixture standing in for each.
PLACEHOLDERS = {
    "path/to/acled.csv": "tests/fixtures/io/acled_export.csv",
    "path/to/GEDEvent_v25_1.csv": "tests/fixtures/io/ucdp_ged.csv",
    "exports/acled_export.csv": "tests/fixtures/io/acled_export.csv",  # exports/acled_*.csv
}


def readme_blocks(text: str) -> list[dict]:
    """Fenced blocks of the README: language, first line number, code and any skip reason."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start, lang, body = i + 1, match.group(1), []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        above = "\n".join(lines[max(0, start - 4) : start - 1])
        skip = _SKIP.search(above)
        blocks.append(
            {"line": start, "lang": lang, "code": "\n".join(body), "skip": skip and skip["why"]}
        )
        i += 1
    return blocks


BLOCKS = [
    b for b in readme_blocks((REPO / "README.md").read_text()) if b["lang"] in ("bash", "python")
]


def test_every_block_runs_or_says_why_not() -> None:
    assert len(BLOCKS) >= 8
    for b in BLOCKS:
        if b["skip"]:
            assert len(b["skip"]) > 10, f"README line {b['line']}: say why it cannot run offline"


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """The repository as a user clones it (no environment, no reports), in a new folder."""
    dest = tmp_path_factory.mktemp("clone") / "scamgeo"
    ignore = shutil.ignore_patterns(
        ".venv",
        ".git",
        "reports",
        "docs",
        "__pycache__",
        "*.pyc",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "src",
    )
    shutil.copytree(REPO, dest, ignore=ignore)
    for placeholder, fixture in PLACEHOLDERS.items():
        (dest / placeholder).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / fixture, dest / placeholder)
    return dest


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SCAMGEO_REPORTS_DIR", None)
    env["MPLBACKEND"] = "Agg"
    env["PYTHONWARNINGS"] = "ignore"  # the README's reader sees warnings; the test reads status
    return env


def _runnable(kind: str) -> list[dict]:
    return [b for b in BLOCKS if b["lang"] == kind and not b["skip"]]


@pytest.mark.slow
@pytest.mark.parametrize("block", _runnable("bash"), ids=lambda b: f"line{b['line']}")
def test_bash_block_runs_as_written(block: dict, repo_copy: Path) -> None:
    for raw in block["code"].splitlines():
        command = raw.split("  #")[0].strip()
        if not command or command.startswith("#"):
            continue
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=repo_copy,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, (
            f"README line {block['line']}: `{command}` exited {done.returncode}\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    if "scamgeo brief" in block["code"]:
        assert (repo_copy / "reports" / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("block", _runnable("python"), ids=lambda b: f"line{b['line']}")
def test_python_block_runs_as_written(block: dict, repo_copy: Path) -> None:
    code = block["code"]
    if "sg." in code and "import scamgeo as sg" not in code:
        code = "import scamgeo as sg\n" + code
    script = repo_copy / f"readme_line{block['line']}.py"  # a file, as a reader saves it
    script.write_text(code + "\n")
    done = subprocess.run(
        [sys.executable, script.name],
        cwd=repo_copy,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"README line {block['line']}:\n{done.stderr[-3000:]}"
