"""Many briefs at once on any executor, with a manifest and an index page."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .. import config
from .._errors import ParameterError
from .._files import write_if_changed
from .._provenance import file_sha256
from ._cache import build_inputs, package_key, read_record, stale_reasons
from ._common import jsonable
from ._execute import BriefError, BriefResult, Job, notebook_stack, run_brief
from ._index import index_page
from ._params import (
    list_notebooks,
    load_named_run,
    notebook_path,
    read_parameters,
    validate_parameters,
)
from ._render import data_versions
from ._rules import public_values, rules_for

__all__ = [
    "check_clobber",
    "derived_run_name",
    "jobs_for_all",
    "run_batch",
    "run_job",
    "scheduler_executor",
    "write_manifest",
]


log = logging.getLogger("scamgeo.briefs")


def run_job(job: Job, output_dir: str) -> BriefResult:
    """Process-pool entry point: never raises, returns a result with a status."""
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()

    def failure(status: str, error: str, cell: int | None = None) -> BriefResult:
        return BriefResult(
            job.run,
            job.notebook,
            status,
            dict(job.parameters),
            time.perf_counter() - started,
            error=error,
            failed_cell=cell,
        )

    try:
        return run_brief(
            job.notebook,
            parameters=job.parameters,
            output_dir=output_dir,
            run=job.run,
            title=job.title,
            progress_bar=job.progress_bar,
        )
    except ParameterError as exc:
        return failure("invalid", str(exc))
    except BriefError as exc:
        return failure("failed", str(exc), exc.cell_index)
    except Exception as exc:  # a kernel that died, a disk that filled: report, don't stop the batch
        return failure("failed", f"{type(exc).__name__}: {exc}")


@contextlib.contextmanager
def scheduler_executor(scheduler: Any = "local:2") -> Iterator[Any]:
    """An executor for :func:`run_batch` that runs each brief as a task on a dask scheduler.

    ``scamgeo briefs --scheduler ADDRESS`` uses it. Each brief is one task in
    its own worker and kernel; a brief that fails, or a worker that dies under
    it, gives a ``failed`` result for that brief only. On a real cluster the
    output folder must be one every worker can write (a shared file system).

    Parameters
    ----------
    scheduler : str or distributed.Client, default "local:2"
        ``"local:N"`` starts N worker processes on this machine (closed at
        the end); an address such as ``"tcp://host:8786"`` connects to a
        running scheduler; a ``Client`` is used as it is. See
        :func:`scamgeo.scale.client`, which this needs (the ``scale`` extra).

    Yields
    ------
    distributed.Client
        Pass it as ``run_batch(jobs, executor=...)``.

    Raises
    ------
    ParameterError
        If ``scheduler`` is neither form.
    """
    from .. import scale  # the engine's client; the engine knows nothing of briefs

    with scale.client(scheduler) as client:
        yield client


def jobs_for_all(*, params_dir: Path | None = None) -> list[Job]:
    """Every notebook with its defaults, plus every named run in ``notebooks/params``.

    Parameters
    ----------
    params_dir : path, optional
        Folder of named runs (default ``notebooks/params``).
    """
    jobs = [Job(nb.stem, nb.stem) for nb in list_notebooks()]
    folder = Path(params_dir or config.notebooks_dir / "params")
    for path in sorted(folder.glob("*.yaml")):
        notebook, title, params = load_named_run(path)
        jobs.append(
            Job(
                notebook_path(notebook).stem,
                f"{notebook_path(notebook).stem}--{path.stem}",
                params,
                title,
            )
        )
    return jobs


def run_batch(
    jobs: Iterable[Job],
    *,
    output_dir: str | os.PathLike | None = None,
    jobs_at_once: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int, BriefResult], None] | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> list[BriefResult]:
    """Run many briefs at once, each in its own process and kernel; skip those up to date.

    Parameters are validated for every job before any runs. A brief whose
    notebook, parameters, package versions, input files (as recorded during
    its last run) and outputs are unchanged is not executed and its files are
    not touched (``up_to_date=True``). One failure does not stop the others.
    ``manifest.json`` and ``index.html`` are merged with what the folder
    already holds: they always describe every brief on disk.

    Parameters
    ----------
    jobs : iterable of Job
    output_dir : path, optional
    jobs_at_once : int, optional
        Worker processes (default: the number of cores).
    executor : concurrent.futures.Executor, optional
        Anything with ``submit(fn, *args)`` returning futures with
        ``result()`` (e.g. a ``dask.distributed.Client``). Default: a local
        process pool.
    progress : callable, optional
        Called as ``progress(done, total, result)`` after each brief.
    force : bool
        Rebuild every brief, up to date or not.
    dry_run : bool
        Execute nothing and write nothing: return what would be rebuilt, each
        result with status ``"stale"`` (or ``"ok"`` when up to date) and its
        ``reasons``.

    Returns
    -------
    list of BriefResult
        In the order of ``jobs``.
    """
    jobs = list(jobs)
    out_dir = Path(output_dir or config.reports_dir).expanduser().resolve()
    runs = [j.run for j in jobs]
    if len(set(runs)) != len(runs):
        raise ParameterError(
            f"duplicate run names in batch: {sorted({r for r in runs if runs.count(r) > 1})}."
        )
    results, todo = _plan(jobs, out_dir, force=force, dry_run=dry_run)
    if dry_run:
        return [results[j.run] for j in jobs]
    if todo:
        notebook_stack()  # no papermill: one line naming the extra, before any worker starts
    out_dir.mkdir(parents=True, exist_ok=True)
    if progress:
        for i, job in enumerate(j for j in jobs if j.run in results):
            progress(i + 1, len(jobs), results[job.run])
    if todo:
        own = executor is None
        pool = executor or ProcessPoolExecutor(
            max_workers=min(jobs_at_once or os.cpu_count() or 2, len(todo))
        )
        try:
            _run_all(todo, pool, out_dir, results, total=len(jobs), progress=progress)
        finally:
            if own:
                pool.shutdown(wait=True)
    ordered = [results[j.run] for j in jobs]
    write_manifest(ordered, out_dir)
    return ordered


def _plan(
    jobs: list[Job], out_dir: Path, *, force: bool, dry_run: bool
) -> tuple[dict[str, BriefResult], list[tuple[Job, list[str]]]]:
    """Results known without running (invalid, up to date; stale when ``dry_run``) and the rest."""
    results: dict[str, BriefResult] = {}
    todo = []
    for job in jobs:
        try:
            params = validate_parameters(job.notebook, job.parameters)
        except ParameterError as exc:
            results[job.run] = BriefResult(
                job.run, job.notebook, "invalid", dict(job.parameters), 0.0, error=str(exc)
            )
            continue
        path = notebook_path(job.notebook)
        inputs = build_inputs(path, params, title=job.title)
        reasons = stale_reasons(out_dir, job.run, inputs, force=force)
        if not reasons:
            shown = public_values(rules_for(path.stem), params)
            results[job.run] = _up_to_date(job, path.stem, shown, out_dir)
            continue
        todo.append((job, reasons))
        if dry_run:
            results[job.run] = BriefResult(
                job.run, path.stem, "stale", params, 0.0, reasons=reasons
            )
    return results, todo


def _run_all(
    todo: list[tuple[Job, list[str]]],
    pool: Executor,
    out_dir: Path,
    results: dict[str, BriefResult],
    *,
    total: int,
    progress: Callable[[int, int, BriefResult], None] | None,
) -> None:
    """Submit every job to ``pool``; a job whose future fails is its own failed result."""
    started = time.perf_counter()
    done = len(results)
    futures = {j.run: (j, why, pool.submit(run_job, j, str(out_dir))) for j, why in todo}
    for run, (job, why, fut) in futures.items():
        try:
            result = fut.result()
        except Exception as exc:  # a worker that died, a result that did not arrive
            result = BriefResult(
                job.run,
                job.notebook,
                "failed",
                dict(job.parameters),
                time.perf_counter() - started,
                error=f"{type(exc).__name__}: {exc}",
            )
        result.reasons = why
        results[run] = result
        done += 1
        if progress:
            progress(done, total, result)


def _up_to_date(job: Job, notebook: str, params: dict[str, Any], out_dir: Path) -> BriefResult:
    figures = {}
    try:
        figures = json.loads((out_dir / f"{job.run}.json").read_text(encoding="utf-8")).get(
            "key_figures", {}
        )
    except (OSError, ValueError):
        pass
    return BriefResult(
        job.run,
        notebook,
        "ok",
        params,
        0.0,
        html=out_dir / f"{job.run}.html",
        executed=out_dir / f"{job.run}.ipynb",
        figures=out_dir / f"{job.run}.json",
        key_figures=figures,
        up_to_date=True,
    )


def derived_run_name(notebook: str | os.PathLike, parameters: Mapping[str, Any]) -> str:
    """The run name of a one-off brief: the notebook and each override that differs from its default.

    ``04-hub-brief`` with ``site=o-smach, radius_km=25`` gives
    ``04-hub-brief--site-o-smach--radius_km-25``; with no effective override, the
    notebook's own name (it *is* the default brief).

    Parameters
    ----------
    notebook : str or path
        The notebook's name or path.
    parameters : mapping
        The overrides given.
    """
    spec = read_parameters(notebook)
    values = public_values(rules_for(spec.notebook.stem), validate_parameters(spec, parameters))
    parts = [spec.notebook.stem]
    for name, default in spec.defaults.items():
        if name in parameters and values[name] != default:
            value = values[name]
            text = "+".join(map(str, value)) if isinstance(value, list) else str(value)
            if isinstance(value, float) and value.is_integer():
                text = str(int(value))
            slug = re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-").lower() or "none"
            parts.append(f"{name}-{slug}")
    name = "--".join(parts)
    if len(name) > 120:
        digest = hashlib.sha256(name.encode()).hexdigest()[:10]
        name = f"{name[:108]}--{digest}"
    return name


def check_clobber(
    output_dir: str | os.PathLike | None,
    run: str,
    notebook: str | os.PathLike,
    parameters: Mapping[str, Any],
    *,
    title: str = "",
) -> None:
    """Refuse to replace a different brief that already has this run name.

    Parameters
    ----------
    output_dir : path, optional
        The output folder (default :data:`scamgeo.config.reports_dir`).
    run : str
        The run name asked for.
    notebook : str or path
        The notebook to run.
    parameters : mapping
        The overrides given.
    title : str, optional
        The run's title.

    Raises
    ------
    ParameterError
        When ``<output>/<run>.json`` was built from another notebook or other
        parameters (pass ``--force`` or another ``--run``).
    """
    out_dir = Path(output_dir or config.reports_dir).expanduser().resolve()
    try:
        old = json.loads((out_dir / f"{run}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    spec = read_parameters(notebook)
    values = public_values(rules_for(spec.notebook.stem), validate_parameters(spec, parameters))
    new = json.loads(json.dumps(values, default=str))
    if old.get("notebook") != spec.notebook.stem or old.get("parameters") != new:
        changed = sorted(
            k
            for k in set(new) | set(old.get("parameters", {}))
            if new.get(k) != old.get("parameters", {}).get(k)
        )
        raise ParameterError(
            f"{run}.html in {out_dir} is a different brief ({old.get('notebook')}, "
            f"differs in {', '.join(changed) or 'notebook'}); pass --force to replace it "
            "or --run NAME to keep both."
        )


# --- manifest and index ------------------------------------------------------------


def _file_entry(path: Path) -> dict[str, str] | None:
    if not path.is_file():
        return None
    return {"name": path.name, "sha256": file_sha256(path)[:16]}


def _run_entry(out_dir: Path, run: str, base: Mapping[str, Any]) -> dict[str, Any]:
    record = read_record(out_dir, run) or {}
    entry = {
        "run": run,
        "notebook": base.get("notebook"),
        "status": base.get("status", "ok"),
        "parameters": base.get("parameters", {}),
        "error": base.get("error"),
        "failed_cell": base.get("failed_cell"),
        "files": {
            kind: _file_entry(out_dir / f"{run}{suffix}")
            for kind, suffix in (
                ("html", ".html"),
                ("pdf", ".pdf"),
                ("json", ".json"),
                ("notebook", ".ipynb"),
                ("failed_notebook", ".failed.ipynb"),
            )
        },
        "inputs": {meta["name"]: meta["sha256"][:16] for meta in record.get("reads", {}).values()},
    }
    entry["files"] = {k: v for k, v in entry["files"].items() if v}
    return entry


def write_manifest(
    results: list[BriefResult], output_dir: Path, *, seconds: float | None = None
) -> Path:
    """Merge ``results`` into ``manifest.json`` and ``index.html`` (atomically).

    The merged manifest lists every brief on disk in ``output_dir`` (this
    batch's runs, and the earlier runs whose files are still there), never
    one whose files are gone, and the runs of this batch that failed (with
    their error). Neither file holds a wall-clock time, and neither is
    rewritten when its content is unchanged: two builds of the same inputs
    give the same bytes. ``seconds`` is accepted for compatibility and not written.

    Parameters
    ----------
    results : list of BriefResult
        This batch's results.
    output_dir : path
        The folder of briefs.
    seconds : float, optional
        Accepted for compatibility; not written.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    try:
        old = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))
        old_runs = {r["run"]: r for r in old.get("runs", []) if isinstance(r, dict) and "run" in r}
    except (OSError, ValueError, TypeError, KeyError):
        old_runs = {}
    merged: dict[str, dict[str, Any]] = {}
    for run, base in old_runs.items():
        merged[run] = dict(base)
    for path in sorted(output_dir.glob("*.json")):  # briefs on disk the manifest missed
        run = path.stem
        if run == "manifest" or run in merged or not (output_dir / f"{run}.html").is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and "notebook" in data:
            merged[run] = {"notebook": data["notebook"], "parameters": data.get("parameters", {})}
    for r in results:
        merged[r.run] = r.to_dict()
    this_batch = {r.run for r in results}
    runs = []
    for run in sorted(merged):
        entry = _run_entry(output_dir, run, merged[run])
        # the briefs on disk, and what became of each run of this batch (an invalid run has no file)
        if entry["files"] or run in this_batch:
            runs.append(entry)
    # no wall-clock time anywhere: the same briefs give the same bytes, and a build that
    # changes nothing rewrites nothing (each run's build time is in its .build record)
    manifest = {"data": data_versions(), "packages": package_key(), "runs": runs}
    write_if_changed(
        output_dir / "manifest.json",
        json.dumps(manifest, indent=2, sort_keys=True, default=jsonable) + "\n",
    )
    write_if_changed(output_dir / "index.html", index_page(manifest, output_dir))
    return output_dir / "manifest.json"
