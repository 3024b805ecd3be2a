"""Parameterised notebooks -> validated papermill runs -> code-free HTML briefs.

The flow of one brief (:func:`run_brief`):

1. read the notebook's ``parameters`` cell (typed, commented defaults) into a
   :class:`ParameterSpec`; merge a named run (YAML) and ``-p`` overrides;
   reject unknown names (with the closest valid name), wrong types and
   impossible values *before any kernel starts*;
2. execute with papermill in a scratch folder beside the output;
3. export HTML without code through nbconvert, with the parameter table at
   the top and a provenance footer (sources, licences, credits, data hashes,
   package versions); beside it the executed notebook and a JSON of the key
   figures that the notebook recorded with :func:`record`;
4. move the outputs into place atomically. A failed run keeps the last good
   brief, saves ``<run>.failed.ipynb``, names the failing cell and raises
   :class:`BriefError`.

:func:`run_batch` runs many briefs at once, each in its own process and
kernel, on any ``concurrent.futures``-style executor (local processes by
default; a ``dask.distributed.Client`` works too), then writes
``manifest.json`` and ``index.html``.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import html
import importlib.metadata as md
import json
import logging
import os
import platform
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import config
from ._errors import DataSourceError, ParameterError, ScamgeoError
from ._files import atomic_write_bytes, atomic_write_text
from ._validate import closest

__all__ = [
    "BriefError",
    "BriefResult",
    "Job",
    "ParameterSpec",
    "check",
    "jobs_for_all",
    "list_notebooks",
    "load_named_run",
    "notebook_path",
    "read_parameters",
    "record",
    "run_batch",
    "run_brief",
    "validate_parameters",
]

log = logging.getLogger(__name__)

FIGURE_MIME = "application/vnd.scamgeo.key-figure+json"
ATTRIBUTION_MIME = "application/vnd.scamgeo.attribution+json"
_TYPES = (
    "str",
    "int",
    "float",
    "bool",
    "list[str]",
    "list[int]",
    "str | None",
    "int | None",
    "float | None",
)
_PACKAGES = (
    "scamgeo",
    "geopandas",
    "shapely",
    "pandas",
    "numpy",
    "statsmodels",
    "folium",
    "matplotlib",
    "papermill",
    "nbconvert",
)


class BriefError(ScamgeoError, RuntimeError):
    """A brief's notebook failed to execute.

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


# --- recording key figures from inside a notebook ----------------------------


def record(name: str, value: Any) -> Any:
    """Record a key figure of a brief (shown nowhere, saved in the brief's JSON).

    Call it in a notebook cell: ``sg.briefs.record("events_total", len(ev))``.
    Numbers, strings, booleans, lists and dicts of them are allowed. Returns
    ``value`` so it can wrap an expression.
    """
    from IPython.display import display

    payload = json.loads(json.dumps({"name": str(name), "value": value}, default=_jsonable))
    display({FIGURE_MIME: payload}, raw=True)
    return value


def attribute(text: str) -> None:
    """Record an attribution line (e.g. ACLED's required credit) for the brief's footer."""
    from IPython.display import display

    display({ATTRIBUTION_MIME: {"text": str(text)}}, raw=True)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


# --- parameters --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook: name, declared type, default and help text."""

    name: str
    type: str
    default: Any
    help: str = ""


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """The parameters cell of a notebook, as declared.

    Attributes
    ----------
    notebook : Path
        The notebook it was read from.
    parameters : dict of str to Parameter
        In declaration order.
    """

    notebook: Path
    parameters: dict[str, Parameter]

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters.values()}


def notebook_path(name: str | os.PathLike) -> Path:
    """Resolve a notebook name (``"04-hub-brief"``, ``"hub-brief"``) or path to a file."""
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    stem = path.stem if path.suffix == ".ipynb" else str(name)
    candidates = list_notebooks()
    for nb in candidates:
        if nb.stem == stem or nb.stem.split("-", 1)[-1] == stem:
            return nb
    near = closest(stem, [nb.stem for nb in candidates])
    hint = f" Did you mean {near[0]!r}?" if near else ""
    raise ParameterError(
        f"notebook {str(name)!r} not found.{hint} Available: {', '.join(nb.stem for nb in candidates)}."
    )


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """The brief notebooks (``NN-name.ipynb``) in ``folder`` (default: the package's notebooks)."""
    folder = Path(folder or config.notebooks_dir)
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def read_parameters(notebook: str | os.PathLike) -> ParameterSpec:
    """Read the ``parameters`` cell of a notebook.

    Each line of the cell is ``name: type = default  # help``. Allowed types:
    ``str``, ``int``, ``float``, ``bool``, ``list[str]``, ``list[int]`` and
    ``str | None`` / ``int | None`` / ``float | None``; defaults are literals.

    Raises
    ------
    ParameterError
        If there is no parameters cell, or a line does not follow the form.
    """
    import nbformat

    path = notebook_path(notebook)
    nb = nbformat.read(path, as_version=4)
    cells = [
        c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
    ]
    if len(cells) != 1:
        raise ParameterError(
            f"{path}: expected exactly one cell tagged 'parameters', found {len(cells)}."
        )
    source = cells[0].source
    comments = {}
    for lineno, line in enumerate(source.splitlines(), start=1):
        if "#" in line:
            comments[lineno] = line.split("#", 1)[1].strip()
    params: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            raise ParameterError(
                f"{path}: parameters cell line {node.lineno} must read `name: type = default  # help`."
            )
        type_ = ast.unparse(node.annotation).replace("Optional[", "").strip()
        if type_ not in _TYPES:
            raise ParameterError(
                f"{path}: parameter {node.target.id} has type {type_!r}; allowed: {', '.join(_TYPES)}."
            )
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{path}: the default of {node.target.id} must be a literal."
            ) from None
        params[node.target.id] = Parameter(
            node.target.id, type_, default, comments.get(node.lineno, "")
        )
    return ParameterSpec(path, params)


def _coerce(name: str, value: Any, type_: str) -> Any:
    """Convert ``value`` to the declared type, or raise naming the parameter."""
    optional = type_.endswith("| None")
    base = type_.replace("| None", "").strip()
    if value is None or (
        isinstance(value, str) and value.strip().lower() in ("none", "null") and optional
    ):
        if optional:
            return None
        raise ParameterError(f"parameter {name} must be a {base}, not None.")
    try:
        if base == "str":
            if isinstance(value, (list, dict)):
                raise TypeError
            return str(value) if not isinstance(value, dt.date) else value.isoformat()
        if base == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
                return value.lower() in ("true", "yes", "1")
            raise TypeError
        if base == "int":
            if isinstance(value, bool):
                raise TypeError
            number = float(value)
            if number != int(number):
                raise TypeError
            return int(number)
        if base == "float":
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if base.startswith("list["):
            item = base[5:-1]
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, (list, tuple)):
                raise TypeError
            return [_coerce(name, v, item) for v in value]
    except (TypeError, ValueError):
        raise ParameterError(f"parameter {name}={value!r} is not a valid {type_}.") from None
    raise ParameterError(f"parameter {name}: unsupported type {type_!r}.")


def _parse_cli_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: YAML scalar or list syntax (``[a, b]``), else the string."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


# Semantic rules, by parameter name: each returns an error message or None.
def _date_rule(name: str, value: Any) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return f"{name}={value!r} is not a date; use YYYY-MM-DD, e.g. 2025-07-24."
    if not ("2025-01-01" <= str(value) <= "2026-12-31"):
        return f"{name}={value!r} is outside the data's range 2025-01-01 .. 2026-12-31."
    return None


def _positive(name: str, value: Any) -> str | None:
    return None if value is None or value > 0 else f"{name} must be > 0 (got {value})."


def _site_rule(name: str, value: Any) -> str | None:
    from . import datasets

    try:
        datasets.find_site(str(value))
    except ParameterError as exc:
        return f"{name}: " + str(exc).removeprefix("find_site: ")
    return None


def _choice_rule(options: Callable[[], Iterable[str]]):
    def rule(name: str, value: Any) -> str | None:
        allowed = list(options())
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v is not None and v not in allowed]
        if not bad:
            return None
        near = closest(str(bad[0]), allowed)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        return f"{name}: {', '.join(repr(b) for b in bad)} not allowed.{hint} Allowed: {', '.join(map(repr, allowed))}."

    return rule


def _event_source_rule(name: str, value: Any) -> str | None:
    if value in ("embedded",):
        return None
    path = Path(str(value)).expanduser()
    if not path.is_file():
        return (
            f"{name}={value!r}: use 'embedded' or the path of an existing ACLED or UCDP GED file."
        )
    return None


def _vocabulary(name: str) -> Callable[[], Iterable[str]]:
    """Allowed values, read from the schemas when a rule first needs them (keeps imports light)."""

    def options() -> Iterable[str]:
        from . import schema

        return {
            "countries": schema.DISPLACEMENT.column("country").choices,
            "metrics": schema.DISPLACEMENT.column("metric").choices,
            "site_kinds": schema.SITE_KINDS,
            "event_types": schema.EVENT_TYPES,
            "tables": tuple(schema.CURATED),
        }[name]

    return options


RULES: dict[str, Callable[[str, Any], str | None]] = {
    "start": _date_rule,
    "end": _date_rule,
    "as_of": _date_rule,
    "radius_km": _positive,
    "band_km": _positive,
    "n_draws": lambda n, v: None if v >= 1 else f"{n} must be >= 1 (got {v}).",
    "seed": lambda n, v: None if v is None or v >= 0 else f"{n} must be >= 0 (got {v}).",
    "min_precision": lambda n, v: None if v in (1, 2, 3) else f"{n} must be 1, 2 or 3 (got {v}).",
    "site": _site_rule,
    "event_source": _event_source_rule,
    "country": _choice_rule(_vocabulary("countries")),
    "countries": _choice_rule(_vocabulary("countries")),
    "metric": _choice_rule(_vocabulary("metrics")),
    "site_kinds": _choice_rule(_vocabulary("site_kinds")),
    "event_types": _choice_rule(_vocabulary("event_types")),
    "tables": _choice_rule(_vocabulary("tables")),
}


def validate_parameters(
    notebook: str | os.PathLike | ParameterSpec, values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Check parameter values against a notebook's parameters cell; return the full set.

    Parameters
    ----------
    notebook : str, path or ParameterSpec
        Notebook name or path, or its already-read :class:`ParameterSpec`.
    values : mapping, optional
        Overrides of the defaults.

    Returns
    -------
    dict
        Every parameter with its (coerced) value, defaults filled in.

    Raises
    ------
    ParameterError
        Naming every unknown parameter (with the closest valid name), every
        value of the wrong type and every impossible value (an end before the
        start, an unknown site, a negative radius).
    """
    spec = notebook if isinstance(notebook, ParameterSpec) else read_parameters(notebook)
    values = dict(values or {})
    problems = []
    for name in values:
        if name not in spec.parameters:
            near = closest(name, spec.parameters)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            problems.append(f"unknown parameter {name!r}{hint}")
    merged = spec.defaults
    for name, value in values.items():
        if name in spec.parameters:
            try:
                merged[name] = _coerce(name, value, spec.parameters[name].type)
            except ParameterError as exc:
                problems.append(str(exc))
    if not problems:
        problems.extend(_semantic_problems(merged))
    if problems:
        allowed = ", ".join(f"{p.name}: {p.type}" for p in spec.parameters.values())
        joined = "; ".join(p.rstrip(".") for p in problems)
        raise ParameterError(f"{spec.notebook.name}: {joined}. Parameters: {allowed}.")
    return merged


def _semantic_problems(values: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, value in values.items():
        rule = RULES.get(name)
        if rule is not None and value is not None:
            message = rule(name, value)
            if message:
                problems.append(message)
    start, end = values.get("start"), values.get("end")
    if start and end and not problems and str(end) < str(start):
        problems.append(f"end={end!r} is before start={start!r}")
    return problems


def check(**values: Any) -> dict[str, Any]:
    """Validate parameters inside a notebook (same rules as the runner), return them.

    A notebook calls it right after its parameters cell so that a value
    changed by hand in JupyterLab gets the same clear error as on the
    command line: ``P = sg.briefs.check(start=start, end=end, site=site)``.
    """
    problems = _semantic_problems(values)
    if problems:
        raise ParameterError("; ".join(problems) + ".")
    return dict(values)


def load_named_run(path: str | os.PathLike) -> tuple[str, str, dict[str, Any]]:
    """Read a named run (YAML with ``notebook``, optional ``title`` and ``parameters``).

    Returns
    -------
    (notebook, title, parameters)
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataSourceError(f"{path}: no such parameters file.") from None
    except yaml.YAMLError as exc:
        raise DataSourceError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping with 'notebook' and 'parameters'.")
    unknown = set(data) - {"notebook", "title", "parameters"}
    if unknown:
        raise ParameterError(
            f"{path}: unknown key(s) {sorted(unknown)}; allowed: notebook, title, parameters."
        )
    params = data.get("parameters") or {}
    if not isinstance(params, dict):
        raise ParameterError(f"{path}: 'parameters' must be a mapping of name: value.")
    notebook = data.get("notebook")
    if not notebook:
        raise ParameterError(f"{path}: missing 'notebook' (e.g. notebook: 04-hub-brief).")
    return str(notebook), str(data.get("title") or path.stem), params


# --- jobs and results ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Job:
    """One brief to build: a notebook, a run name and parameter overrides."""

    notebook: str
    run: str
    parameters: dict[str, Any] = dataclasses.field(default_factory=dict)
    title: str = ""


@dataclasses.dataclass
class BriefResult:
    """What one run produced.

    Attributes
    ----------
    run, notebook : str
    status : {"ok", "failed", "invalid"}
    parameters : dict
    seconds : float
    html, executed, figures : Path or None
        Output files (``None`` when the run failed).
    key_figures : dict
    error : str or None
    failed_cell : int or None
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

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        for key in ("html", "executed", "figures"):
            out[key] = Path(out[key]).name if out[key] else None
        return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_versions() -> dict[str, Any]:
    """Hashes and sizes of the embedded data files (for the footer and manifest)."""
    out = {}
    for sub in ("curated", "reference"):
        for path in sorted((config.data_dir / sub).glob("*")):
            if path.is_file() and not path.name.startswith("."):
                out[f"{sub}/{path.name}"] = {
                    "sha256": _sha256(path)[:16],
                    "bytes": path.stat().st_size,
                }
    return out


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in _PACKAGES:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


# --- HTML ---------------------------------------------------------------------

_NO_ALT = re.compile(r'alt="No description has been provided for this image"')
_EXTERNAL_SCRIPT = re.compile(
    r"<script[^>]*\ssrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE
)
_MATHJAX_BLOCK = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL
)


def _param_table(
    run: str, title: str, notebook: str, params: Mapping[str, Any], spec: ParameterSpec
) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(name)}</th><td><code>{html.escape(json.dumps(value, default=str))}</code></td>"
        f"<td>{html.escape(spec.parameters[name].help)}</td></tr>"
        for name, value in params.items()
    )
    return (
        "<section class='sg-params'>"
        f"<p class='sg-run'>Brief <strong>{html.escape(title or run)}</strong> · notebook "
        f"<code>{html.escape(notebook)}</code> · built {html.escape(dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC'))}</p>"
        "<table class='sg-param-table'><caption>Parameters of this run</caption>"
        "<thead><tr><th>parameter</th><th>value</th><th>meaning</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _footer(attributions: list[str]) -> str:
    prov_path = config.data_dir / "reference" / "PROVENANCE.json"
    credits = []
    if prov_path.is_file():
        prov = json.loads(prov_path.read_text())
        for src in prov.get("sources", []):
            bits = [
                src.get("dataset", ""),
                f"via {src.get('package', '')} {src.get('version', '')}",
                f"licence: {src.get('licence', '')}",
            ]
            if src.get("credit"):
                bits.append(src["credit"])
            credits.append(" · ".join(b for b in bits if b.strip()))
    versions = package_versions()
    data = data_versions()
    curated = [
        "Curated tables (events, sites, displacement, timeline, tallies, scam_figures): compiled by the scamgeo "
        "developers from public reporting, every row with its source URL, publisher and publication date; "
        "sources accessed November 2026. Notes are our own words. Licence: CC BY 4.0. "
        "See the data-catalogue brief for the full source list."
    ]
    items = "".join(f"<li>{html.escape(x)}</li>" for x in curated + attributions + credits)
    vers = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in versions.items())
    hashes = "".join(
        f"<li><code>{html.escape(name)}</code> sha256:{html.escape(meta['sha256'])}… ({meta['bytes']:,} bytes)</li>"
        for name, meta in data.items()
    )
    return (
        "<footer class='sg-footer'><h2>Sources, licences and credits</h2>"
        f"<ul>{items}</ul>"
        f"<details><summary>Data files and package versions</summary><p>{vers}</p><ul>{hashes}</ul></details>"
        "</footer>"
    )


_CSS = """
<style>
.sg-params, .sg-footer { font-family: system-ui, sans-serif; font-size: 13px; margin: 1em 0; }
.sg-param-table { border-collapse: collapse; }
.sg-params .sg-param-table th, .sg-params .sg-param-table td { border: 1px solid #ccc; padding: 2px 8px; text-align: left !important; vertical-align: top; }
.sg-param-table caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
.sg-footer { border-top: 2px solid #444; padding-top: 0.5em; color: #333; }
.sg-footer code { font-size: 11px; }
</style>
"""


def _html_output(markup: str) -> Any:
    import nbformat

    cell = nbformat.v4.new_code_cell(source="")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": markup})]
    cell.metadata["tags"] = ["scamgeo-frame"]
    return cell


def _extract(nb: Any) -> tuple[dict[str, Any], list[str]]:
    """Key figures and attributions recorded by the notebook; strip their outputs."""
    figures: dict[str, Any] = {}
    attributions: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if FIGURE_MIME in data:
                item = data[FIGURE_MIME]
                figures[item["name"]] = item["value"]
            elif ATTRIBUTION_MIME in data:
                attributions.append(data[ATTRIBUTION_MIME]["text"])
            else:
                kept.append(out)
        cell["outputs"] = kept
    return figures, attributions


def _image_alts(nb: Any) -> list[str]:
    """Alternative text for each image output, in order: the chart's section and number."""
    alts, section, count = [], "", 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = [
                ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")
            ]
            if heading:
                section, count = heading[0], 0
        for out in cell.get("outputs", []):
            if any(k.startswith("image/") for k in out.get("data", {})):
                count += 1
                alts.append(
                    f"Chart {count} of section '{section}'" if section else f"Chart {count}"
                )
    return alts


def to_html(
    nb: Any,
    *,
    run: str,
    title: str,
    notebook: str,
    params: Mapping[str, Any],
    spec: ParameterSpec,
    attributions: list[str],
) -> str:
    """Export an executed notebook to a code-free HTML brief (no network needed to read it)."""
    import copy

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    drop = {"parameters", "injected-parameters", "remove"}
    nb.cells = [c for c in nb.cells if not drop & set(c.metadata.get("tags", []))]
    nb.cells.insert(0, _html_output(_CSS + _param_table(run, title, notebook, params, spec)))
    nb.cells.append(_html_output(_footer(attributions)))
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.log.setLevel(
        logging.ERROR
    )  # its "alternative text is missing" warning: fixed just below
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or run}})
    alts = iter(_image_alts(nb))
    body = _NO_ALT.sub(lambda _: f'alt="{html.escape(next(alts, "Chart"), quote=True)}"', body)
    body = _MATHJAX_BLOCK.sub("", body)
    body = _EXTERNAL_SCRIPT.sub("", body)
    return body


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
    import nbformat
    import papermill as pm

    path = notebook_path(notebook)
    spec = read_parameters(path)
    params = validate_parameters(spec, parameters)
    run = run or path.stem
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", run):
        raise ParameterError(f"run name {run!r} may only use letters, digits, '.', '_' and '-'.")
    out_dir = Path(output_dir or config.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{run}-"))
    try:
        executed = scratch / f"{run}.ipynb"
        try:
            with _inline_matplotlib():
                pm.execute_notebook(
                    str(path),
                    str(executed),
                    parameters=params,
                    kernel_name=kernel_name,
                    progress_bar=False,
                    cwd=str(scratch),
                    request_save_on_cell_execute=False,
                    execution_timeout=timeout,
                    start_timeout=120,
                    kernel_manager_class=_kernel_manager_class(),
                )
        except pm.PapermillExecutionError as exc:
            failed = out_dir / f"{run}.failed.ipynb"
            if executed.is_file():
                atomic_write_bytes(failed, executed.read_bytes())
            cell, section = _failing_cell(failed if failed.is_file() else None)
            where = f"cell {cell}" if cell is not None else f"execution count {exc.exec_count}"
            if section:
                where += f" (section '{section}')"
            message = f"brief {run}: {where} failed with {exc.ename}: {exc.evalue}"
            raise BriefError(message, run=run, cell_index=cell, failed_notebook=failed) from None
        nb = nbformat.read(executed, as_version=4)
        figures, attributions = _extract(nb)
        body = to_html(
            nb,
            run=run,
            title=title,
            notebook=path.stem,
            params=params,
            spec=spec,
            attributions=attributions,
        )
        seconds = time.perf_counter() - started
        summary = {
            "run": run,
            "notebook": path.stem,
            "title": title,
            "parameters": params,
            "key_figures": figures,
            "attributions": attributions,
            "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(seconds, 2),
            "data": data_versions(),
            "packages": package_versions(),
        }
        # every output is complete in scratch before any replaces the last good one
        (scratch / f"{run}.html").write_text(body, encoding="utf-8")
        (scratch / f"{run}.json").write_text(
            json.dumps(summary, indent=2, default=_jsonable), encoding="utf-8"
        )
        nbformat.write(nb, executed)
        for suffix in (".ipynb", ".json", ".html"):
            os.replace(scratch / f"{run}{suffix}", out_dir / f"{run}{suffix}")
        (out_dir / f"{run}.failed.ipynb").unlink(missing_ok=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return BriefResult(
        run=run,
        notebook=path.stem,
        status="ok",
        parameters=params,
        seconds=seconds,
        html=out_dir / f"{run}.html",
        executed=out_dir / f"{run}.ipynb",
        figures=out_dir / f"{run}.json",
        key_figures=figures,
    )


@contextlib.contextmanager
def _inline_matplotlib() -> Iterator[None]:
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


def _failing_cell(executed: Path | None) -> tuple[int | None, str]:
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


def _kernel_manager_class() -> type:
    """A kernel manager on IPC sockets: no TCP ports, so parallel runs cannot clash over them."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)
            if self.transport == "ipc":
                # socket files live in a private folder of this process, removed at exit
                self.ip = str(_socket_dir() / f"kernel-{os.getpid()}-{id(self)}")

    return IPCKernelManager


@functools.cache
def _socket_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="scamgeo-kernels-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _run_job(job: Job, output_dir: str) -> BriefResult:
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
        futures = {j.run: pool.submit(_run_job, j, str(out_dir)) for j in todo}
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
        output_dir / "manifest.json", json.dumps(manifest, indent=2, default=_jsonable)
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
