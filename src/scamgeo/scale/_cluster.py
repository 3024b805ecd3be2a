"""A dask.distributed client from ``"local:N"`` or a scheduler address.

The same client runs scamgeo's partition-wise functions and, handed to
:func:`scamgeo.briefs.run_batch` as its ``executor``, briefs
(``scamgeo briefs --scheduler ADDRESS``): the engine knows nothing of briefs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

from .._errors import ParameterError, ScamgeoError

__all__ = ["client"]

_LOCAL = re.compile(r"^local(?::(\d+))?$")

#: what a script that starts a cluster at its top level must do
GUARD_HINT = (
    'in a script, start the cluster under `if __name__ == "__main__":` (each local worker '
    "is a new Python process that imports the script again, and must not start a cluster itself)"
)


def _importing_main_in_a_worker() -> bool:
    """Whether this process is a new (spawned) worker re-running the user's script's top level.

    The test multiprocessing itself makes before it refuses to start a process there.
    """
    import multiprocessing

    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def _start_local(n: int, threads_per_worker: int) -> Any:
    """A LocalCluster of ``n`` processes; a failure to start is one :class:`ScamgeoError`."""
    from distributed import LocalCluster

    log = logging.getLogger("distributed")
    # the cluster scamgeo starts for itself stays quiet: its scheduler and nannies log in this
    # process, at INFO by distributed's own configuration; while it starts, a worker that
    # cannot start is reported once, below, not as a traceback per worker
    log.setLevel(logging.CRITICAL)
    try:
        return LocalCluster(
            n_workers=n,
            threads_per_worker=threads_per_worker,
            processes=True,
            dashboard_address=":0",  # any free port: never clash with another cluster
            silence_logs=logging.WARNING,  # no INFO lines from the scheduler and nannies
        )
    except Exception as exc:
        script = getattr(sys.modules.get("__main__"), "__file__", None)
        hint = f"; {GUARD_HINT}" if script else ""
        raise ScamgeoError(
            f"scale.client: could not start {n} local dask worker(s) ({type(exc).__name__}: "
            f"{exc}){hint}."
        ) from None  # the workers' own tracebacks say no more than this
    finally:
        log.setLevel(logging.WARNING)


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
    ScamgeoError
        If the local workers cannot start (in a script without an
        ``if __name__ == "__main__":`` guard, the message says to add one).

    Examples
    --------
    >>> from scamgeo import scale
    >>> with scale.client('nowhere'):
    ...     pass
    ...
    Traceback (most recent call last):
    ...
    scamgeo._errors.ParameterError: scheduler='nowhere' is not a scheduler: use 'local:N' or an ...
    """
    from distributed import Client

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
        if _importing_main_in_a_worker():
            # a worker re-running an unguarded script: leave quietly (SystemExit prints no
            # traceback); the parent process raises the one error that says what to do
            raise SystemExit(1)
        with _start_local(n, threads_per_worker) as cluster, Client(cluster) as c:
            yield c
        return
    if "://" not in scheduler and not re.match(r"^[\w.\-]+:\d+$", scheduler):
        raise ParameterError(
            f"scheduler={scheduler!r} is not a scheduler: use 'local:N' or an address "
            "such as 'tcp://host:8786'."
        )
    with Client(scheduler) as c:
        yield c
