"""The build cache: is a brief up to date, and if not, why.

A brief's build record (``<output>/.build/<run>.json``, written after each
successful run) holds everything the brief depended on:

- ``inputs``: the notebook's content hash, its (validated) parameters, the
  title, the seed, the versions of Python, scamgeo (and a hash of its source,
  so an edited checkout rebuilds) and the key packages, and
  the cache's own version;
- ``reads``: every data table and external file the run read, with its
  SHA-256, recorded *during* the run by :mod:`scamgeo._provenance`;
- ``outputs``: the SHA-256 of each file it wrote.

A brief is up to date when all three still hold. Nothing here imports
pandas, nbformat or papermill: checking a full set takes well under a second.
"""

from __future__ import annotations

import functools
import importlib.metadata as md
import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import config
from .._files import atomic_write_text
from .._provenance import file_sha256
from .._version import __version__

__all__ = [
    "BUILD_DIR",
    "KEY_PACKAGES",
    "build_inputs",
    "display_name",
    "read_record",
    "stale_reasons",
    "write_record",
]

#: The folder of build records inside an output folder.
BUILD_DIR = ".build"
#: Bumped when what a build writes changes, so every brief is rebuilt once.
CACHE_VERSION = 2
#: Packages whose version is part of every brief's key (a new version rebuilds all).
KEY_PACKAGES = (
    "branca",
    "folium",
    "geopandas",
    "ipykernel",
    "matplotlib",
    "nbconvert",
    "nbformat",
    "numpy",
    "pandas",
    "papermill",
    "pyproj",
    "scipy",
    "shapely",
    "statsmodels",
)


def _code_sha256() -> str:
    """Hash of scamgeo's own source files: an edited checkout counts as a new version."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _package_key() -> tuple[tuple[str, str], ...]:
    out = {
        "python": platform.python_version(),
        "scamgeo": __version__,
        "scamgeo_code": _code_sha256(),
    }
    for pkg in KEY_PACKAGES:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return tuple(out.items())


def package_key() -> dict[str, str]:
    """Python, scamgeo and the key packages with their versions (read once per process)."""
    return dict(_package_key())


def build_inputs(
    notebook: Path, parameters: Mapping[str, Any], *, title: str = ""
) -> dict[str, Any]:
    """What a brief depends on before it runs (its reads are added after)."""
    return {
        "cache_version": CACHE_VERSION,
        "notebook": notebook.name,
        "notebook_sha256": file_sha256(notebook),
        "parameters": json.loads(json.dumps(dict(parameters), sort_keys=True, default=str)),
        "title": title,
        "seed": parameters.get("seed"),
        "packages": package_key(),
    }


def display_name(path: str | os.PathLike) -> str:
    """``curated/displacement.csv`` for the package's data, the file name for any other file."""
    path = Path(path)
    try:
        return path.resolve().relative_to(config.data_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def record_path(output_dir: Path, run: str) -> Path:
    return Path(output_dir) / BUILD_DIR / f"{run}.json"


def read_record(output_dir: Path, run: str) -> dict[str, Any] | None:
    """The build record of ``run`` in ``output_dir`` (None when there is none or it is unreadable)."""
    try:
        return json.loads(record_path(output_dir, run).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_record(
    output_dir: Path,
    run: str,
    inputs: Mapping[str, Any],
    reads: Mapping[str, str],
    outputs: list[Path],
) -> dict[str, Any]:
    """Write the build record of a run that just succeeded."""
    record = {
        "run": run,
        "inputs": dict(inputs),
        "reads": {
            path: {"name": display_name(path), "sha256": sha} for path, sha in sorted(reads.items())
        },
        "outputs": {p.name: file_sha256(p) for p in sorted(outputs) if p.is_file()},
    }
    target = record_path(output_dir, run)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, json.dumps(record, indent=1, sort_keys=True) + "\n")
    return record


def stale_reasons(
    output_dir: Path, run: str, inputs: Mapping[str, Any], *, force: bool = False
) -> list[str]:
    """Why ``run`` must be rebuilt (an empty list: it is up to date).

    Each reason is one short phrase naming what changed: the notebook, a
    parameter, a package version, a file the brief read, an output missing or
    edited on disk.
    """
    if force:
        return ["--force"]
    record = read_record(output_dir, run)
    if record is None:
        return ["not built yet"]
    old = record.get("inputs", {})
    reasons = []
    if old.get("cache_version") != inputs["cache_version"]:
        return ["built by an older scamgeo build format"]
    if old.get("notebook_sha256") != inputs["notebook_sha256"]:
        reasons.append(f"notebook {inputs['notebook']} changed")
    old_params, new_params = old.get("parameters", {}), inputs["parameters"]
    for name in sorted(set(old_params) | set(new_params)):
        if old_params.get(name) != new_params.get(name):
            reasons.append(f"parameter {name} {old_params.get(name)!r} -> {new_params.get(name)!r}")
    if old.get("title") != inputs["title"]:
        reasons.append("title changed")
    old_pk, new_pk = old.get("packages", {}), inputs["packages"]
    for name in sorted(set(old_pk) | set(new_pk)):
        if old_pk.get(name) != new_pk.get(name):
            reasons.append(f"{name} {old_pk.get(name)} -> {new_pk.get(name)}")
    return reasons + _changed_files(output_dir, record)


def _changed_files(output_dir: Path, record: Mapping[str, Any]) -> list[str]:
    reasons = []
    for path, meta in sorted(record.get("reads", {}).items()):
        try:
            now = file_sha256(path)
        except OSError:
            reasons.append(f"input {meta['name']} is gone")
            continue
        if now != meta["sha256"]:
            reasons.append(f"input {meta['name']} changed ({meta['sha256'][:8]} -> {now[:8]})")
    for name, sha in sorted(record.get("outputs", {}).items()):
        path = Path(output_dir) / name
        if not path.is_file():
            reasons.append(f"output {name} missing")
        elif file_sha256(path) != sha:
            reasons.append(f"output {name} edited on disk")
    return reasons
