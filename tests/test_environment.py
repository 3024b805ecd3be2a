"""pyproject.toml and environment.yml must list the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# pip name -> conda-forge name, where they differ
PIP_TO_CONDA: dict[str, str] = {}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject() -> dict[str, set[str]]:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    return {
        "runtime": {PIP_TO_CONDA.get(_name(r), _name(r)) for r in meta["dependencies"]},
        "notebooks": {_name(r) for r in extras["notebooks"]},
        "test": {_name(r) for r in extras["test"]},
        "dev": {_name(r) for r in extras["dev"]},
        # optional extras the conda environment installs too (make env installs them)
        "scale": {PIP_TO_CONDA.get(_name(r), _name(r)) for r in extras["scale"]},
        "docs": {_name(r) for r in extras["docs"]},
    }


def _conda() -> tuple[set[str], list]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    names, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep.get("pip", [])
        else:
            names.add(_name(dep))
    return names - {"python", "pip"}, pip


def test_environment_lists_every_pyproject_dependency():
    conda, _ = _conda()
    wanted = set().union(*_pyproject().values())
    assert wanted - conda == set(), f"missing from environment.yml: {sorted(wanted - conda)}"
    assert conda - wanted == set(), (
        f"in environment.yml but not pyproject.toml: {sorted(conda - wanted)}"
    )


def test_environment_installs_the_package_editable():
    _, pip = _conda()
    assert "-e ." in pip


def test_version_pins_agree():
    """Where both files give a lower bound, it must be the same."""
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = (
        meta["dependencies"]
        + meta["optional-dependencies"]["notebooks"]
        + meta["optional-dependencies"]["test"]
        + meta["optional-dependencies"]["dev"]
        + meta["optional-dependencies"]["scale"]
        + meta["optional-dependencies"]["docs"]
    )
    pins = {_name(r): r.split(">=")[1] for r in reqs if ">=" in r}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda_pins = {
        _name(d): d.split(">=")[1] for d in env["dependencies"] if isinstance(d, str) and ">=" in d
    }
    conda_pins.pop("python", None)
    assert {k: v for k, v in pins.items() if k in conda_pins} == {
        k: v for k, v in conda_pins.items() if k in pins
    }


def test_make_env_installs_the_extras_the_environment_lists():
    makefile = (REPO / "Makefile").read_text()
    assert '-e ".[notebooks,test,dev,scale,docs]"' in makefile


def test_the_notebook_stack_is_an_extra():
    """A library user installs scamgeo without JupyterLab or papermill."""
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in meta["dependencies"]}
    stack = {"jupyterlab", "ipykernel", "nbclient", "nbconvert", "papermill", "nbformat"}
    assert runtime & stack == set()
    assert stack <= {_name(r) for r in meta["optional-dependencies"]["notebooks"]}


def test_python_floor_is_311():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.11"


def test_pre_commit_runs_the_ruff_of_the_dev_extra():
    """pre-commit's ruff hook and make lint's ruff are one version (pinned in the dev extra)."""
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (pin,) = [r for r in meta["optional-dependencies"]["dev"] if _name(r) == "ruff"]
    assert "==" in pin, f"the dev extra must pin ruff exactly, not {pin!r}"
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    (hooks,) = [r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit")]
    assert hooks["rev"] == "v" + pin.split("==")[1]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    assert pin in env["dependencies"]
