"""Many briefs at once on any executor, with a manifest and an index page."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from .. import config
from .._errors import ParameterError
from .._files import atomic_write_text
from ._api import jsonable
from ._execute import BriefError, BriefResult, Job, run_brief
from ._params import list_notebooks, load_named_run, notebook_path, validate_parameters
from ._render import data_versions, package_versions

__all__ = [
    "jobs_for_all",
    "run_batch",
    "run_job",
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
        )
    except ParameterError as exc:
        return failure("invalid", str(exc))
    except BriefError as exc:
        return failure("failed", str(exc), exc.cell_index)
    except Exception as exc:  # a kernel that died, a disk that filled: report, don't stop the batch
        return failure("failed", f"{type(exc).__name__}: {exc}")


def jobs_for_all(*, params_dir: Path | None = None) -> list[Job]:
    """Every notebook with its defaults, plus every named run in ``notebooks/params``."""
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
) -> list[BriefResult]:
    """Run many briefs at once, each in its own process and kernel.

    Parameters are validated for every job before any runs. One failure does
    not stop the others. Writes ``manifest.json`` and ``index.html`` to
    ``output_dir`` when done.

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

    Returns
    -------
    list of BriefResult
        In the order of ``jobs``.
    """
    jobs = list(jobs)
    out_dir = Path(output_dir or config.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = [j.run for j in jobs]
    if len(set(runs)) != len(runs):
        raise ParameterError(
            f"duplicate run names in batch: {sorted({r for r in runs if runs.count(r) > 1})}."
        )
    invalid = {}
    for job in jobs:
        try:
            validate_parameters(job.notebook, job.parameters)
        except ParameterError as exc:
            invalid[job.run] = BriefResult(
                job.run, job.notebook, "invalid", dict(job.parameters), 0.0, error=str(exc)
            )
    todo = [j for j in jobs if j.run not in invalid]
    results: dict[str, BriefResult] = dict(invalid)
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=jobs_at_once or os.cpu_count() or 2)
    started = time.perf_counter()
    try:
        futures = {j.run: pool.submit(run_job, j, str(out_dir)) for j in todo}
        done = len(invalid)
        for run, fut in futures.items():
            result = fut.result()
            results[run] = result
            done += 1
            if progress:
                progress(done, len(jobs), result)
    finally:
        if own:
            pool.shutdown(wait=True)
    ordered = [results[j.run] for j in jobs]
    write_manifest(ordered, out_dir, seconds=time.perf_counter() - started)
    return ordered


def write_manifest(
    results: list[BriefResult], output_dir: Path, *, seconds: float | None = None
) -> Path:
    """Write ``manifest.json`` and ``index.html`` for a batch (atomically)."""
    manifest = {
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2) if seconds is not None else None,
        "packages": package_versions(),
        "data": data_versions(),
        "runs": [r.to_dict() for r in results],
    }
    atomic_write_text(
        output_dir / "manifest.json", json.dumps(manifest, indent=2, default=jsonable)
    )
    rows = []
    for r in results:
        existing = output_dir / f"{r.run}.html"
        link = (
            f"<a href='{html.escape(existing.name)}'>{html.escape(r.run)}</a>"
            if existing.is_file()
            else html.escape(r.run)
        )
        note = "" if r.status == "ok" else html.escape(r.error or "")
        if r.status != "ok" and existing.is_file():
            note += " (showing the last good brief)"
        rows.append(
            f"<tr class='{html.escape(r.status)}'><td>{link}</td><td>{html.escape(r.notebook)}</td>"
            f"<td>{html.escape(r.status)}</td><td>{r.seconds:.1f} s</td><td>{note}</td></tr>"
        )
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>scamgeo briefs</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;}table{border-collapse:collapse;}"
        "td,th{border:1px solid #ccc;padding:4px 10px;text-align:left;}tr.failed td,tr.invalid td{background:#fde2e1;}"
        "</style></head><body><h1>scamgeo briefs</h1>"
        f"<p>Built {html.escape(manifest['built'])}. See <a href='manifest.json'>manifest.json</a> for parameters, "
        "data hashes and package versions.</p>"
        "<table><thead><tr><th>brief</th><th>notebook</th><th>status</th><th>time</th><th>note</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    atomic_write_text(output_dir / "index.html", page)
    return output_dir / "manifest.json"
