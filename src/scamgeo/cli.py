"""The ``scamgeo`` command line.

::

    scamgeo list                         notebooks, their parameters and the named runs
    scamgeo brief NOTEBOOK [-p NAME VALUE ...] [-f params.yaml] [-o reports/]
    scamgeo briefs [-o reports/] [--jobs N] [--only NAME ...]

Errors print one line (``scamgeo: error: ...``) and exit non-zero: 2 for bad
parameters or input, 1 for a brief that failed while running.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__, config
from ._errors import ParameterError, ScamgeoError

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
    p_brief.add_argument("notebook", help="notebook name or path, e.g. 04-hub-brief or hub-brief")
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
        "--run", help="run name used for the output files (default: from the notebook/-f)"
    )
    p_brief.add_argument(
        "--pdf", action="store_true", help="also print the brief to RUN.pdf (headless Chromium)"
    )
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
    p_all.add_argument(
        "--pdf", action="store_true", help="also print each brief to PDF (headless Chromium)"
    )
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


def _cmd_brief(args: argparse.Namespace) -> int:
    from . import briefs

    if args.pdf:
        from .briefs._pdf import chromium

        chromium()  # no Chromium: fail before building anything
    notebook, title, params = args.notebook, "", {}
    run = args.run
    if args.file:
        file_notebook, title, params = briefs.load_named_run(args.file)
        if briefs.notebook_path(file_notebook) != briefs.notebook_path(notebook):
            raise ParameterError(f"{args.file} is a run of {file_notebook!r}, not of {notebook!r}.")
        run = run or f"{briefs.notebook_path(notebook).stem}--{args.file.stem}"
    for name, value in args.parameter:
        params[name] = briefs.parse_cli_value(value)
    result = briefs.run_brief(
        notebook, parameters=params, output_dir=args.output, run=run, title=title
    )
    print(f"{result.html}  ({result.seconds:.1f} s)")
    if args.pdf:
        print(briefs.to_pdf(result.html, result.html.with_suffix(".pdf")))
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
        from .briefs._pdf import chromium

        chromium()  # no Chromium: fail before building anything
    out = args.output or config.reports_dir

    def progress(done: int, total: int, result: briefs.BriefResult) -> None:
        status = "ok" if result.status == "ok" else f"{result.status.upper()}: {result.error}"
        print(
            f"[{done}/{total}] {result.run}  {result.seconds:.1f} s  {status}",
            file=sys.stderr,
            flush=True,
        )

    results = briefs.run_batch(jobs, output_dir=out, jobs_at_once=args.jobs, progress=progress)
    if args.pdf:
        for r in results:
            if r.status == "ok" and r.html:
                briefs.to_pdf(r.html, Path(r.html).with_suffix(".pdf"))
    bad = [r for r in results if r.status != "ok"]
    print(
        f"{len(results) - len(bad)} of {len(results)} briefs built in {out}/ (index.html, manifest.json)"
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
        return args.func(args)
    except ParameterError as exc:
        print(f"scamgeo: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except ScamgeoError as exc:
        print(f"scamgeo: error: {_one_line(exc)}", file=sys.stderr)
        return 1 if type(exc).__name__ == "BriefError" else 2
    except KeyboardInterrupt:
        print("scamgeo: interrupted", file=sys.stderr)
        return 130


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
