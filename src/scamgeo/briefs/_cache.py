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

Event tables among the reads (CSV files with an ``event_id_cnty``, ``event_id``
or ``id`` column: ACLED snapshots and exports, UCDP GED files, the record)
also leave a fingerprint: each event's id with a short hash of its row, kept
once per file version under ``.build/inputs/<sha256>.json``. So when a
snapshot changed since a brief's last build (or the brief now reads a newer
snapshot of the same source), :func:`input_changes` says which events were
added, revised and deleted, the rebuild reason says so, and a notebook can
say so in its brief (:func:`changes_since_last_build`, :func:`changes_text`).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
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
    "EVENT_ID_COLUMNS",
    "KEY_PACKAGES",
    "build_inputs",
    "changes_since_last_build",
    "changes_text",
    "display_name",
    "fingerprint",
    "input_changes",
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
        "built_on": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
    }
    for path, sha in reads.items():
        _store_fingerprint(Path(output_dir), path, sha)
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
            diff = _diff(Path(output_dir), meta["sha256"], path, now)
            what = f"; {_counts_text(diff)}" if diff else ""
            reasons.append(
                f"input {meta['name']} changed ({meta['sha256'][:8]} -> {now[:8]}{what})"
            )
    for name, sha in sorted(record.get("outputs", {}).items()):
        path = Path(output_dir) / name
        if not path.is_file():
            reasons.append(f"output {name} missing")
        elif file_sha256(path) != sha:
            reasons.append(f"output {name} edited on disk")
    return reasons


# --- what changed in the event tables a brief read -----------------------------------------

#: Columns that identify an event, in the order they are looked for (ACLED, scamgeo, UCDP).
EVENT_ID_COLUMNS = ("event_id_cnty", "event_id", "id")


def fingerprint(path: str | os.PathLike) -> dict[str, Any] | None:
    """Each event's id with a 12-digit hash of its row, for a CSV event table (else None).

    Examples
    --------
    >>> from scamgeo import config
    >>> fp = fingerprint(config.data_dir / "curated" / "events.csv")
    >>> fp["id_column"], len(fp["rows"]) > 100
    ('event_id', True)
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [h.strip().lower() for h in next(reader, [])]
            column = next((c for c in EVENT_ID_COLUMNS if c in header), None)
            if column is None:
                return None
            k = header.index(column)
            rows = {
                row[k]: hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest()[:12]
                for row in reader
                if len(row) > k and row[k]
            }
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return {"id_column": column, "file": path.name, "rows": rows}


def _fingerprint_path(output_dir: Path, sha: str) -> Path:
    return Path(output_dir) / BUILD_DIR / "inputs" / f"{sha}.json"


def _store_fingerprint(output_dir: Path, path: str, sha: str) -> None:
    target = _fingerprint_path(output_dir, sha)
    if target.is_file():
        return
    fp = fingerprint(path)
    if fp is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, json.dumps(fp, sort_keys=True))


def _load_fingerprint(output_dir: Path, sha: str) -> dict[str, Any] | None:
    try:
        return json.loads(_fingerprint_path(output_dir, sha).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _diff(output_dir: Path, old_sha: str, path: str, new_sha: str) -> dict[str, Any] | None:
    """Events added, revised and deleted between a stored version of a table and ``path``."""
    old = _load_fingerprint(output_dir, old_sha)
    new = _load_fingerprint(output_dir, new_sha) or fingerprint(path)
    if old is None or new is None or old["id_column"] != new["id_column"]:
        return None
    a, b = old["rows"], new["rows"]
    return {
        "file": Path(path).name,
        "previous_file": old.get("file", Path(path).name),
        "added": sorted(set(b) - set(a)),
        "revised": sorted(k for k in set(a) & set(b) if a[k] != b[k]),
        "deleted": sorted(set(a) - set(b)),
    }


def _counts_text(diff: Mapping[str, Any]) -> str:
    n = {k: len(diff[k]) for k in ("added", "revised", "deleted")}
    unit = "event" if n["added"] == 1 else "events"
    return f"{n['added']} {unit} added, {n['revised']} revised, {n['deleted']} deleted"


def input_changes(
    output_dir: str | os.PathLike, run: str, reads: Mapping[str, str]
) -> dict[str, Any]:
    """What changed in the event tables a run reads since its last build.

    Parameters
    ----------
    output_dir : path
        The brief's output folder (holding ``.build/``).
    run : str
        The run's name.
    reads : mapping
        Path -> SHA-256 of the files the run reads now. A table read at the
        last build under the same path is compared with its new version; a
        table read now under a new path (a newer dated snapshot) is compared
        with the one table of the same kind (same id column) read last time.

    Returns
    -------
    dict
        ``previous_build`` (whether there was one), ``built_on`` (its date,
        when recorded) and ``files``: for each event table, ``file``,
        ``previous_file``, the ids ``added``, ``revised``, ``deleted``, and
        ``compared`` (False when the file changed but the events of its
        earlier version were not recorded).
    """
    output_dir = Path(output_dir)
    record = read_record(output_dir, run)
    if record is None:
        return {"previous_build": False, "built_on": None, "files": []}
    old_reads = {p: m["sha256"] for p, m in record.get("reads", {}).items()}
    kinds: dict[str, list[str]] = {}
    for p, sha in old_reads.items():
        fp = _load_fingerprint(output_dir, sha)
        if fp is not None and p not in reads:
            kinds.setdefault(fp["id_column"], []).append(p)
    files = []
    for path, sha in sorted(reads.items()):
        fp = fingerprint(path)
        if fp is None:
            continue
        before = path if path in old_reads else None
        if before is None and len(kinds.get(fp["id_column"], [])) == 1:
            before = kinds[fp["id_column"]][0]
        if before is None:
            continue
        same = old_reads[before] == sha
        diff = None if same else _diff(output_dir, old_reads[before], path, sha)
        if diff is None:  # unchanged, or its earlier events were not recorded
            diff = {"file": fp["file"], "added": [], "revised": [], "deleted": []}
            diff["compared"] = same
        diff["previous_file"] = Path(before).name
        diff.setdefault("compared", True)
        files.append(diff)
    return {"previous_build": True, "built_on": record.get("built_on"), "files": files}


def current_build() -> tuple[Path, str] | None:
    """(output folder, run name) of the brief this process runs in, or None outside a brief.

    The brief runner gives its kernel the reads log inside the run's scratch
    folder ``<output>/.<run>-<random>/`` (see :mod:`scamgeo._provenance`).
    """
    from .._provenance import ENV_VAR

    log = os.environ.get(ENV_VAR)
    if not log:
        return None
    scratch = Path(log).parent
    name = scratch.name
    if not name.startswith(".") or "-" not in name:
        return None
    out = scratch.parent
    known = [p.stem for p in (out / BUILD_DIR).glob("*.json") if name.startswith(f".{p.stem}-")]
    run = max(known, key=len) if known else name[1:].rsplit("-", 1)[0]
    return out, run


def changes_since_last_build() -> dict[str, Any] | None:
    """Inside a brief: what changed in the event tables it read so far since its last build.

    Call it after the notebook has read its data. Returns None outside a
    brief run (e.g. in JupyterLab); see :func:`input_changes` for the rest.
    """
    from .._provenance import reads

    where = current_build()
    if where is None:
        return None
    return input_changes(where[0], where[1], reads())


def changes_text(changes: Mapping[str, Any] | None) -> str:
    """One sentence for a reader on what :func:`changes_since_last_build` found.

    Parameters
    ----------
    changes : mapping or None
        What :func:`changes_since_last_build` returned.

    Examples
    --------
    >>> changes_text({"previous_build": True, "built_on": "2026-11-01", "files": [{"file": "b.csv",
    ...     "previous_file": "a.csv", "added": ["x"], "revised": [], "deleted": ["y", "z"],
    ...     "compared": True}]})
    'Since the last build of this brief (2026-11-01): b.csv (then a.csv): 1 event added, 0 revised, 2 deleted.'
    """
    if changes is None:
        return "Outside a brief build there is no earlier build to compare the data with."
    if not changes.get("previous_build"):
        return "This is the first build of this brief, so there is no earlier build to compare the data with."
    when = f" ({changes['built_on']})" if changes.get("built_on") else ""
    files = changes.get("files") or []
    moved = [f for f in files if f["added"] or f["revised"] or f["deleted"] or not f["compared"]]
    if not moved:
        return (
            f"The event data are the same as at the last build of this brief{when}: "
            "no event was added, revised or deleted."
        )
    parts = []
    for f in moved:
        name = f["file"] + (
            f" (then {f['previous_file']})" if f["previous_file"] != f["file"] else ""
        )
        what = (
            _counts_text(f) if f["compared"] else "changed (its earlier events were not recorded)"
        )
        parts.append(f"{name}: {what}")
    return f"Since the last build of this brief{when}: " + "; ".join(parts) + "."
