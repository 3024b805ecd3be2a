"""A dask.distributed client from ``"local:N"`` or an address, and briefs run on it.

``scamgeo briefs --scheduler ADDRESS`` submits each brief as one task to the
scheduler at ``ADDRESS`` (``tcp://host:8786``, or a ``dask-scheduler``
started on a cluster); ``--scheduler local:N`` starts a LocalCluster of N
worker processes on this machine. Each brief runs in its own worker task and
kernel; a brief that fails, or a worker that dies under it, gives a
``failed`` result for that brief only; outputs are written atomically by the
brief runner itself, and the manifest is written as by the local executor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .._errors import ParameterError

__all__ = ["client", "run_briefs_on_cluster"]

_LOCAL = re.compile(r"^local(?::(\d+))?$")


@contextlib.contextmanager
def client(scheduler: Any = "local:2", *, threads_per_worker: int = 1) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for the duration of a ``with`` block.

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``"local:N"`` (or ``"local"``: one worker per core) starts a
        LocalCluster of N worker processes, closed at the end; an address
        such as ``"tcp://10.0.0.5:8786"`` connects to a running scheduler
        (left running at the end); an existing Client is used as it is.
    threads_per_worker : int, default 1
        Threads of each local worker (the geometry and the readers hold the
        GIL much of the time: processes, not threads, give the speed-up).

    Raises
    ------
    ParameterError
        If ``scheduler`` is neither form, or N < 1.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ParameterError(
            f"scheduler={scheduler!r} is not a scheduler: use 'local:N' or an address "
            "such as 'tcp://host:8786'."
        )
    match = _LOCAL.match(scheduler.strip())
    if match:
        n = int(match.group(1)) if match.group(1) else (os.cpu_count() or 2)
        if n < 1:
            raise ParameterError(f"scheduler={scheduler!r}: local:N needs N >= 1 workers.")
        # the cluster scamgeo starts for itself stays quiet: its scheduler and nannies log in
        # this process, at INFO by distributed's own configuration
        logging.getLogger("distributed").setLevel(logging.WARNING)
        with (
            LocalCluster(
                n_workers=n,
                threads_per_worker=threads_per_worker,
                processes=True,
                dashboard_address=":0",  # any free port: never clash with another cluster
                silence_logs=logging.WARNING,  # no INFO lines from the scheduler and nannies
            ) as cluster,
            Client(cluster) as c,
        ):
            yield c
        return
    if "://" not in scheduler and not re.match(r"^[\w.\-]+:\d+$", scheduler):
        raise ParameterError(
            f"scheduler={scheduler!r} is not a scheduler: use 'local:N' or an address "
            "such as 'tcp://host:8786'."
        )
    with Client(scheduler) as c:
        yield c


# --- briefs ----------------------------------------------------------------------------
# Every name of scamgeo.briefs used here is reached through these adapters, so that
# a rename there is one line here.


def _briefs():
    from .. import briefs

    return briefs


def _run_brief_job(job: Any, output_dir: str) -> Any:
    """The task each brief runs as: the local executor's own job function."""
    from ..briefs import _batch

    return _batch.run_job(job, output_dir)


def _run_batch(jobs: list[Any], output_dir: Path, executor: Any, progress: Any, force: bool) -> Any:
    """The local batch runner (cache, merged manifest) with the cluster as its executor."""
    return _briefs().run_batch(
        jobs, output_dir=output_dir, executor=executor, progress=progress, force=force
    )


def run_briefs_on_cluster(
    jobs: Iterable[Any],
    output_dir: str | os.PathLike,
    *,
    scheduler: Any = "local:2",
    progress: Callable[[int, int, Any], None] | None = None,
    force: bool = False,
) -> list[Any]:
    """Run brief jobs as tasks on a dask.distributed scheduler.

    Parameters
    ----------
    jobs : iterable of scamgeo.briefs.Job
    output_dir : path
        Where the briefs, ``manifest.json`` and ``index.html`` go; on a real
        cluster a folder every worker can write (a shared file system).
    scheduler : str or distributed.Client, default "local:2"
        As in :func:`client`.
    progress : callable, optional
        ``progress(done, total, result)`` after each brief.
    force : bool
        Rebuild briefs that are up to date (see :func:`scamgeo.briefs.run_batch`).

    Returns
    -------
    list of scamgeo.briefs.BriefResult
        In the order of ``jobs``; one brief's failure (or its worker's death)
        is its own ``failed`` result and does not stop the others.

    Raises
    ------
    ParameterError
        On duplicate run names (before anything runs).
    """
    jobs = list(jobs)
    out = Path(output_dir)
    runs = [j.run for j in jobs]
    if len(set(runs)) != len(runs):
        raise ParameterError(
            f"duplicate run names in batch: {sorted({r for r in runs if runs.count(r) > 1})}."
        )
    with client(scheduler) as c:
        return _run_batch(jobs, out, _Executor(c), progress, force)


class _Executor:
    """A Client seen as an executor: each brief one task, under a key of its own."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Any, job: Any, output_dir: str) -> Any:
        return self.client.submit(fn, job, output_dir, key=f"scamgeo-brief-{job.run}-{id(job)}")
