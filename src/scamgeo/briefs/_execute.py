"""Executing one brief: papermill in a scratch folder, outputs moved into place atomically."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import _progress, _provenance, config
from .._errors import ParameterError, ScamgeoError
from .._files import atomic_write_bytes
from ._cache import build_inputs, display_name, write_record
from ._params import notebook_path, read_parameters, validate_parameters
from ._render import extract, package_versions, run_json, to_html
from ._rules import public_values, rules_for

__all__ = [
    "BriefError",
    "BriefResult",
    "Job",
    "NOTEBOOKS_EXTRA",
    "failing_cell",
    "inline_matplotlib",
    "kernel_manager_class",
    "notebook_stack",
    "run_brief",
    "socket_dir",
]


log = logging.getLogger("scamgeo.briefs")


class BriefError(ScamgeoError, RuntimeError):
    """A brief's notebook failed to execute.

    Parameters
    ----------
    message : str
        What failed, in one line.
    run : str
        Name of the run.
    cell_index : int, optional
        Index of the failing cell.
    failed_notebook : Path, optional
        The executed notebook with the error.

    Attributes
    ----------
    run : str
        Name of the run.
    cell_index : int or None
        Index of the failing cell in the notebook (0-based), when known.
    failed_notebook : Path or None
        Where the executed notebook with the error was saved.
    """

    def __init__(
        self,
        message: str,
        *,
        run: str,
        cell_index: int | None = None,
        failed_notebook: Path | None = None,
    ):
        super().__init__(message)
        self.run = run
        self.cell_index = cell_index
        self.failed_notebook = failed_notebook


# --- jobs and results ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Job:
    """One brief to build: a notebook, a run name and parameter overrides.

    Parameters
    ----------
    notebook : str
        The notebook's name or path.
    run : str
        The run's name (the stem of its output files).
    parameters : dict, optional
        Overrides of the notebook's defaults.
    title : str, optional
        The title shown at the top of the brief.
    progress_bar : bool, optional
        Show a bar of the notebook's cells on stderr while it runs.
    """

    notebook: str
    run: str
    parameters: dict[str, Any] = dataclasses.field(default_factory=dict)
    title: str = ""
    progress_bar: bool = False


@dataclasses.dataclass
class BriefResult:
    """What one run produced.

    Parameters
    ----------
    run : str
        The run's name (the stem of its files).
    notebook : str
        The notebook's name.
    status : {"ok", "failed", "invalid", "stale"}
        ``stale`` only in a dry run (it would be rebuilt).
    parameters : dict
        The parameters it ran with (validated).
    seconds : float
        Wall time of the run (0 when nothing ran).
    html : Path or None
        The brief (``None`` when the run failed).
    executed : Path or None
        The executed notebook.
    figures : Path or None
        The key figures (``RUN.json``).
    key_figures : dict
        The key figures by name.
    error : str or None
        What went wrong, in one line.
    failed_cell : int or None
        The failing cell's index in the notebook.
    up_to_date : bool
        True when the brief was not run because nothing it depends on changed.
    reasons : list of str
        Why it was (or would be) rebuilt.
    """

    run: str
    notebook: str
    status: str
    parameters: dict[str, Any]
    seconds: float
    html: Path | None = None
    executed: Path | None = None
    figures: Path | None = None
    key_figures: dict[str, Any] = dataclasses.field(default_factory=dict)
    error: str | None = None
    failed_cell: int | None = None
    up_to_date: bool = False
    reasons: list[str] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data, files by name only (never a local path).

        Returns
        -------
        dict
        """
        out = dataclasses.asdict(self)
        for key in ("html", "executed", "figures"):
            out[key] = Path(out[key]).name if out[key] else None
        return out


# --- running -----------------------------------------------------------------


def run_brief(
    notebook: str | os.PathLike,
    *,
    parameters: Mapping[str, Any] | None = None,
    output_dir: str | os.PathLike | None = None,
    run: str | None = None,
    title: str = "",
    kernel_name: str = "python3",
    timeout: int = 1200,
    progress_bar: bool = False,
) -> BriefResult:
    """Validate, execute and export one brief.

    Parameters
    ----------
    notebook : str or path
        Notebook name (``"04-hub-brief"``) or path.
    parameters : mapping, optional
        Overrides of the notebook's defaults.
    output_dir : path, optional
        Default ``scamgeo.config.reports_dir``.
    run : str, optional
        Run name, used for the file names (default: the notebook's stem).
    title : str
        Title shown at the top of the brief.
    kernel_name : str
        Jupyter kernel to execute with.
    timeout : int
        Seconds allowed per cell.
    progress_bar : bool
        Show a bar of the notebook's cells on stderr while it runs (the
        command line does on a terminal).

    Returns
    -------
    BriefResult

    Raises
    ------
    ParameterError
        Before execution, for bad parameters.
    BriefError
        When a cell fails; the previous brief is kept and the executed
        notebook is saved as ``<run>.failed.ipynb``.
    """
    path = notebook_path(notebook)
    spec = read_parameters(path)
    params = validate_parameters(spec, parameters)
    shown = public_values(rules_for(path.stem), params)  # a path by its name, never local
    run = run or path.stem
    check_run_name(run)
    out_dir = Path(output_dir or config.reports_dir).expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = build_inputs(path, params, title=title)
    nbformat, _ = notebook_stack()
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{run}-"))
    sockets = Path(tempfile.mkdtemp(prefix="scamgeo-kernels-"))  # short: IPC paths are capped
    try:
        executed = scratch / f"{run}.ipynb"
        kernel = {"name": kernel_name, "timeout": timeout, "sockets": sockets, "bar": progress_bar}
        _execute(path, executed, params, run=run, out_dir=out_dir, kernel=kernel)
        nb = nbformat.read(executed, as_version=4)
        figures, reads = _write_outputs(
            nb, executed, path=path, title=title, spec=spec, shown=shown
        )
        seconds = time.perf_counter() - started
        outputs = _move_into_place(scratch, out_dir, run)
        write_record(out_dir, run, inputs, reads, outputs)
    finally:  # removed here, not at exit: pool workers end without running atexit
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return BriefResult(
        run=run,
        notebook=path.stem,
        status="ok",
        parameters=shown,
        seconds=seconds,
        html=out_dir / f"{run}.html",
        executed=out_dir / f"{run}.ipynb",
        figures=out_dir / f"{run}.json",
        key_figures=figures,
    )


#: What a library user installs to run briefs (the notebook stack is not in the core).
NOTEBOOKS_EXTRA = 'pip install "scamgeo[notebooks]"'


def notebook_stack() -> tuple[Any, Any]:
    """``(nbformat, papermill)``; a one-line error naming the extra when they are missing.

    Returns
    -------
    tuple
        The ``nbformat`` and ``papermill`` modules.

    Raises
    ------
    ScamgeoError
        When papermill, nbformat, nbclient, nbconvert or ipykernel is not installed.
    """
    try:
        import ipykernel  # noqa: F401  (the kernel the briefs run in)
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
        import nbformat
        import papermill
    except ImportError as exc:
        raise ScamgeoError(
            f"running briefs needs the notebooks extra ({exc.name or exc} is not installed): "
            f"{NOTEBOOKS_EXTRA}"
        ) from None
    return nbformat, papermill


def _execute(
    path: Path,
    executed: Path,
    params: dict[str, Any],
    *,
    run: str,
    out_dir: Path,
    kernel: dict[str, Any],
) -> None:
    """Papermill in the scratch folder; a failure saves the notebook and names its cell."""
    _, pm = notebook_stack()
    scratch = executed.parent
    try:
        with inline_matplotlib(), _environ(_provenance.ENV_VAR, str(scratch / "reads.jsonl")):
            pm.execute_notebook(
                str(path),
                str(executed),
                parameters=params,
                kernel_name=kernel["name"],
                progress_bar=kernel["bar"] and _progress.shown(),
                log_output=False,
                cwd=str(scratch),
                request_save_on_cell_execute=False,
                execution_timeout=kernel["timeout"],
                start_timeout=120,
                kernel_manager_class=kernel_manager_class(
                    scratch / "kernel.log", sockets=kernel["sockets"]
                ),
            )
    except pm.PapermillExecutionError as exc:
        failed = out_dir / f"{run}.failed.ipynb"
        if executed.is_file():
            atomic_write_bytes(failed, executed.read_bytes())
        cell, section = failing_cell(failed if failed.is_file() else None)
        where = f"cell {cell}" if cell is not None else f"execution count {exc.exec_count}"
        if section:
            where += f" (section '{section}')"
        message = f"brief {run}: {where} failed with {exc.ename}: {exc.evalue}"
        raise BriefError(message, run=run, cell_index=cell, failed_notebook=failed) from None


def _write_outputs(
    nb: Any,
    executed: Path,
    *,
    path: Path,
    title: str,
    spec: Any,
    shown: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, str]]:
    """RUN.html, RUN.json and the reproducible RUN.ipynb, written in the scratch folder.

    ``shown`` are the parameters as the page may show them (a path by its name only).
    Returns the key figures and the input files the kernel read (path -> sha256).
    """
    import nbformat

    run, scratch = executed.stem, executed.parent
    reproducible_notebook(nb, source=path.name, run=run)
    figures, attributions = extract(nb)
    body = to_html(
        nb, run=run, title=title, notebook=path.stem, params=shown, spec=spec,
        attributions=attributions,
    )  # fmt: skip
    reads = _provenance.read_log(scratch / "reads.jsonl")
    # RUN.json: the contract's layout (title, summary, key figures as the page words them)
    record = run_json(
        nb,
        run=run,
        notebook=path.stem,
        params=shown,
        inputs=[{"file": display_name(p), "sha256": sha[:16]} for p, sha in reads.items()],
        attributions=attributions,
        packages=package_versions(),
        **({"run_title": title} if title else {}),
    )
    # every output is complete in scratch before any replaces the last good one
    (scratch / f"{run}.html").write_text(stable_ids(body), encoding="utf-8")
    (scratch / f"{run}.json").write_text(record, encoding="utf-8")
    executed.write_text(stable_ids(nbformat.writes(nb)) + "\n", encoding="utf-8")
    return figures, reads


def _move_into_place(scratch: Path, out_dir: Path, run: str) -> list[Path]:
    """Replace the last good brief's files with the new ones (each move atomic)."""
    outputs = [out_dir / f"{run}{suffix}" for suffix in (".ipynb", ".json", ".html")]
    for target in outputs:
        os.replace(scratch / target.name, target)
    (out_dir / f"{run}.failed.ipynb").unlink(missing_ok=True)
    return outputs


def check_run_name(run: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", run):
        raise ParameterError(f"run name {run!r} may only use letters, digits, '.', '_' and '-'.")
    return run


# --- reproducible output ---------------------------------------------------------

_RANDOM_HEX = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")  # folium/branca ids: map_<uuid4 hex>
_STYLER_ID = re.compile(r"(?<=\bT_)[0-9a-f]{5}(?=_|\b)")  # pandas Styler's random table id
_CELL_ID = re.compile(r"(?<=cell-id=)[0-9a-f]{8}(?![0-9a-f])")  # nbformat's random new-cell ids
_ADDRESS = re.compile(r"(<[\w.]+ (?:object )?at )0x[0-9a-f]{4,16}>")  # reprs with a memory address
_BUILT_AT = re.compile(r" · built \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")  # wall clock in the page


def stable_ids(text: str) -> str:
    """Renumber random element ids in order of first appearance (same inputs, same bytes).

    Also drops memory addresses from object reprs and the wall-clock "built"
    stamp: the brief shows the data's "as of" date; the build time is in the
    manifest only.
    """
    for pattern, width in ((_RANDOM_HEX, 32), (_STYLER_ID, 5), (_CELL_ID, 8)):
        seen: dict[str, str] = {}

        def number(match: re.Match[str], seen: dict[str, str] = seen, width: int = width) -> str:
            return seen.setdefault(match.group(0), f"{len(seen) + 1:0{width}d}")

        text = pattern.sub(number, text)
    text = _ADDRESS.sub(lambda m: f"{m.group(1)}0x0>", text)
    return _BUILT_AT.sub("", text)


_CLOCK_KEYS = ("start_time", "end_time", "duration")


def reproducible_notebook(nb: Any, *, source: str, run: str) -> Any:
    """Drop wall-clock times and local paths papermill writes into an executed notebook."""
    meta = nb.metadata.get("papermill", {})
    for key in _CLOCK_KEYS:
        meta.pop(key, None)
    if "input_path" in meta:
        meta["input_path"] = source
    if "output_path" in meta:
        meta["output_path"] = f"{run}.ipynb"
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random one
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill", {})
        for key in _CLOCK_KEYS:
            cell_meta.pop(key, None)
    return nb


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


@contextlib.contextmanager
def inline_matplotlib() -> Iterator[None]:
    """Kernels inherit the environment: make sure they draw figures inline.

    A non-interactive ``MPLBACKEND`` in the calling process (``Agg`` in test
    runs and on headless servers) would otherwise reach the kernel and every
    figure of the brief would silently disappear.
    """
    old = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = old


def failing_cell(executed: Path | None) -> tuple[int | None, str]:
    """Index of the failing cell in the *original* notebook, and its section heading.

    Papermill adds cells to the executed copy (the injected parameters and
    error banners); they are skipped so the index matches what the analyst
    sees in JupyterLab.
    """
    if executed is None:
        return None, ""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    added = {"injected-parameters", "papermill-error-cell-tag"}
    index, section = -1, ""
    for cell in nb.cells:
        if added & set(cell.metadata.get("tags", [])):
            continue
        index += 1
        if cell.cell_type == "markdown":
            heading = [
                ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")
            ]
            if heading:
                section = heading[0]
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return index, section
    return None, ""


def kernel_manager_class(log: Path | None = None, *, sockets: Path | None = None) -> type:
    """A kernel manager on IPC sockets: no TCP ports, so parallel runs cannot clash over them.

    With ``log``, the kernel's own stderr (its shutdown chatter, e.g.
    "KeyboardInterrupt caught in kernel") goes to that file, not the terminal.
    The socket files go in ``sockets`` (the caller removes it), else in a
    folder of this process removed at exit.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)
            if self.transport == "ipc":
                # socket files live in a private folder of this process, removed at exit
                folder = sockets if sockets is not None else socket_dir()
                self.ip = str(folder / f"kernel-{os.getpid()}-{id(self)}")

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            if log is None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:  # the kernel process keeps its own copy of the descriptor
                kw["stderr"] = fd
                await super()._async_launch_kernel(kernel_cmd, **kw)
            finally:
                os.close(fd)

    return IPCKernelManager


@functools.cache
def socket_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="scamgeo-kernels-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
