"""The ``scamgeo`` command line.

::

    scamgeo list                         notebooks, their parameters and the named runs
    scamgeo brief [NOTEBOOK] [-p NAME VALUE ...] [-f run.yaml] [-o reports/] [--force] [--pdf]
    scamgeo briefs [-o reports/] [--jobs N] [--only RUN ...] [--force] [--dry-run]
                   [--scheduler ADDRESS|local:N] [--pdf]

A one-off brief with overrides is named after them
(``04-hub-brief--site-o-smach--radius_km-25``) and never replaces another
run without ``--force``. Briefs that are up to date (same notebook,
parameters, package versions and input files as when last built) are not
executed again; ``--dry-run`` says what would be rebuilt and why.
``manifest.json`` and ``index.html`` are merged, never truncated.

Only what a command needs is imported when it needs it: ``list``, ``--help``
and parameter errors answer without loading pandas, nbformat or papermill.
Errors print one line (``scamgeo: error: ...``) and exit non-zero: 2 for bad
parameters or input, 1 for a brief that failed while running.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from . import config
from ._errors import ParameterError, ScamgeoError
from ._version import __version__

__all__ = [
    "main",
]


log = logging.getLogger("scamgeo.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scamgeo",
        description="Build code-free HTML briefs on the 2025 Thailand–Cambodia border war and the border "
        "scam economy from scamgeo's parameterised notebooks.",
        epilog="Examples: scamgeo brief hub-brief -p site o-smach -p radius_km 25 ; "
        "scamgeo brief border-clashes -f notebooks/params/july-war.yaml ; scamgeo briefs --jobs 2",
    )
    parser.add_argument("--version", action="version", version=f"scamgeo {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_list = sub.add_parser("list", help="list notebooks, their parameters and the named runs")
    p_list.set_defaults(func=_cmd_list)

    p_brief = sub.add_parser(
        "brief",
        help="build one brief from a notebook",
        description="Validate parameters, execute NOTEBOOK with papermill and write "
        "RUN.html (no code), RUN.ipynb (executed) and RUN.json (key figures) to the output folder.",
    )
    p_brief.add_argument(
        "notebook",
        nargs="?",
        help="notebook name or path, e.g. 04-hub-brief or hub-brief (optional with -f)",
    )
    p_brief.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (YAML syntax for lists: -p countries '[THA, KHM]')",
    )
    p_brief.add_argument(
        "-f", "--file", type=Path, help="named run (YAML with notebook/title/parameters)"
    )
    p_brief.add_argument(
        "-o", "--output", type=Path, default=None, help="output folder (default: reports/)"
    )
    p_brief.add_argument(
        "--run",
        help="run name used for the output files (default: the notebook, the -f file's name, "
        "or the notebook and each override, e.g. 04-hub-brief--site-o-smach--radius_km-25)",
    )
    p_brief.add_argument(
        "--force", action="store_true", help="rebuild even if up to date; replace another run"
    )
    p_brief.add_argument("--pdf", action="store_true", help="also print the brief to RUN.pdf")
    p_brief.set_defaults(func=_cmd_brief)

    p_all = sub.add_parser(
        "briefs",
        help="build every notebook with its defaults plus every named run",
        description="Run all briefs at once on the available cores, each in its own kernel; "
        "one failure does not stop the others. Writes manifest.json and index.html.",
    )
    p_all.add_argument(
        "-o", "--output", type=Path, default=None, help="output folder (default: reports/)"
    )
    p_all.add_argument(
        "-j", "--jobs", type=int, default=None, help="briefs run at once (default: cores)"
    )
    p_all.add_argument("--only", nargs="+", metavar="RUN", help="build only these runs")
    p_all.add_argument("--force", action="store_true", help="rebuild every brief")
    p_all.add_argument(
        "--dry-run", action="store_true", help="list what would be rebuilt and why; run nothing"
    )
    p_all.add_argument(
        "--scheduler",
        metavar="ADDRESS|local:N",
        help="run the briefs on a dask.distributed scheduler (tcp://host:8786) or local:N workers",
    )
    p_all.add_argument("--pdf", action="store_true", help="also print each brief to PDF")
    p_all.set_defaults(func=_cmd_briefs)
    return parser


def _cmd_list(args: argparse.Namespace) -> int:
    from . import briefs

    for nb in briefs.list_notebooks():
        spec = briefs.read_parameters(nb)
        print(nb.stem)
        for p in spec.parameters.values():
            print(f"    {p.name}: {p.type} = {p.default!r}    # {p.help}")
    print("named runs:")
    for job in briefs.jobs_for_all():
        if job.parameters:
            print(f"    {job.run}: {job.parameters}")
    return 0


def _shown(path: Path | None) -> str:
    """A file as its name and short hash, never an absolute local path."""
    if path is None or not Path(path).is_file():
        return str(Path(path).name) if path else "-"
    from ._provenance import file_sha256

    return f"{Path(path).name} (sha256 {file_sha256(path)[:12]})"


def _pdf(html_path: Path) -> Path:
    try:
        from .briefs import to_pdf
    except ImportError:
        raise ParameterError(
            "--pdf: this scamgeo has no PDF printer yet (scamgeo.briefs.to_pdf)."
        ) from None
    pdf = html_path.with_suffix(".pdf")
    to_pdf(html_path, pdf)
    return pdf


def _cmd_brief(args: argparse.Namespace) -> int:
    from . import briefs

    if args.pdf:
        briefs.chromium()  # no Chromium: fail before building anything
    notebook, title = args.notebook, ""
    params: dict[str, Any] = {}
    run = args.run
    if args.file:
        file_notebook, title, params = briefs.load_named_run(args.file)
        if notebook is not None and briefs.notebook_path(file_notebook) != briefs.notebook_path(
            notebook
        ):
            raise ParameterError(
                f"{args.file.name} is a run of {file_notebook!r}, not of {notebook!r}."
            )
        notebook = file_notebook
        run = run or f"{briefs.notebook_path(notebook).stem}--{args.file.stem}"
    if notebook is None:
        raise ParameterError("name a notebook (scamgeo list shows them) or pass -f RUN.yaml.")
    for name, value in args.parameter:
        params[name] = briefs.parse_cli_value(value)
    if run is None:
        run = briefs.derived_run_name(notebook, params)
    out = args.output or config.reports_dir
    if not args.force:
        briefs.check_clobber(out, run, notebook, params, title=title)
    stem = briefs.notebook_path(notebook).stem
    job = briefs.Job(stem, run, params, title, progress_bar=True)
    briefs.validate_parameters(stem, params)  # a bad value: one line, before anything else
    print(f"scamgeo: building {run} ({stem})…", file=sys.stderr, flush=True)
    (result,) = briefs.run_batch([job], output_dir=out, jobs_at_once=1, force=args.force)
    if result.status == "invalid":
        raise ParameterError(result.error or "invalid parameters")
    if result.status != "ok":
        raise briefs.BriefError(result.error or "failed", run=run, cell_index=result.failed_cell)
    if args.pdf and (not result.up_to_date or not (Path(out) / f"{run}.pdf").is_file()):
        _pdf(Path(out) / f"{run}.html")
    state = "up to date" if result.up_to_date else f"built in {result.seconds:.1f} s"
    print(f"{_shown(result.html)}  {state}")
    return 0


def _dry_run(jobs: list[Any], out: Path, *, force: bool) -> int:
    from . import briefs

    plan = briefs.run_batch(jobs, output_dir=out, force=force, dry_run=True)
    for r in plan:
        if r.status == "stale":
            print(f"rebuild {r.run}: {'; '.join(r.reasons)}")
        elif r.status == "invalid":
            print(f"invalid {r.run}: {' '.join((r.error or '').split())}")
        else:
            print(f"up to date {r.run}")
    stale = sum(1 for r in plan if r.status == "stale")
    print(f"{stale} of {len(plan)} briefs would be rebuilt in {Path(out).name}/")
    return 0


def _cmd_briefs(args: argparse.Namespace) -> int:
    from . import briefs

    jobs = briefs.jobs_for_all()
    if args.only:
        known = {j.run for j in jobs}
        unknown = sorted(set(args.only) - known)
        if unknown:
            raise ParameterError(f"--only: unknown run(s) {unknown}; known: {sorted(known)}.")
        jobs = [j for j in jobs if j.run in set(args.only)]
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs must be >= 1 (got {args.jobs}).")
    if args.pdf:
        briefs.chromium()  # no Chromium: fail before building anything
    out = args.output or config.reports_dir

    if args.dry_run:
        return _dry_run(jobs, out, force=args.force)

    def progress(done: int, total: int, result: Any) -> None:
        if result.up_to_date:
            status = "up to date"
        elif result.status == "ok":
            status = f"built in {result.seconds:.1f} s"
        else:
            status = f"{result.status.upper()}: {' '.join((result.error or '').split())}"
        print(f"[{done}/{total}] {result.run}  {status}", file=sys.stderr, flush=True)

    if args.scheduler:
        with briefs.scheduler_executor(args.scheduler) as executor:
            results = briefs.run_batch(
                jobs, output_dir=out, executor=executor, progress=progress, force=args.force
            )
    else:
        results = briefs.run_batch(
            jobs, output_dir=out, jobs_at_once=args.jobs, progress=progress, force=args.force
        )
    if args.pdf:
        for r in results:
            pdf = Path(out) / f"{r.run}.pdf"
            if r.status == "ok" and (not r.up_to_date or not pdf.is_file()):
                _pdf(Path(out) / f"{r.run}.html")
    bad = [r for r in results if r.status != "ok"]
    fresh = sum(1 for r in results if r.up_to_date)
    print(
        f"{len(results) - len(bad)} of {len(results)} briefs ok ({fresh} up to date) in "
        f"{Path(out).name}/ (index.html, manifest.json)"
    )
    if bad:
        print(
            f"scamgeo: error: {len(bad)} brief(s) failed: {', '.join(r.run for r in bad)}",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``scamgeo`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        status = args.func(args)
        sys.stdout.flush()  # inside the try: a closed pipe is noticed here, not at exit
        return status
    except ParameterError as exc:
        print(f"scamgeo: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except ScamgeoError as exc:
        print(f"scamgeo: error: {_one_line(exc)}", file=sys.stderr)
        return 1 if type(exc).__name__ == "BriefError" else 2
    except KeyboardInterrupt:
        print("scamgeo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`scamgeo list | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
