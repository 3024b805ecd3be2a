"""Parameters of a notebook: read, coerce to their declared types, validate; named runs."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import config
from .._errors import DataSourceError, ParameterError
from .._validate import closest
from ._rules import resolve_paths, rules_for, semantic_problems

__all__ = [
    "TYPES",
    "Parameter",
    "ParameterSpec",
    "coerce",
    "injected_names",
    "injected_problems",
    "list_notebooks",
    "load_named_run",
    "notebook_path",
    "owners",
    "parse_cli_value",
    "read_parameters",
    "spec_for",
    "validate_parameters",
]


log = logging.getLogger("scamgeo.briefs")


TYPES = (
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
# --- parameters --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook: name, declared type, default and help text.

    Parameters
    ----------
    name : str
        The variable's name in the parameters cell.
    type : str
        The declared type, as written (``"float"``, ``"list[str]"``, ``"Optional[str]"``).
    default : object
        The default value.
    help : str, optional
        The comment beside it.
    """

    name: str
    type: str
    default: Any
    help: str = ""


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """The parameters cell of a notebook, as declared.

    Parameters
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
    """Resolve a notebook name (``"04-hub-brief"``, ``"hub-brief"``) or path to a file.

    Parameters
    ----------
    name : str or path
        A notebook's name with or without its number (``"04-hub-brief"``, ``"hub-brief"``) or a path.
    """
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
    """The brief notebooks (``NN-name.ipynb``) in ``folder`` (default: the package's notebooks).

    Parameters
    ----------
    folder : path, optional
        Where the notebooks are (default :data:`scamgeo.config.notebooks_dir`).
    """
    folder = Path(folder or config.notebooks_dir)
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def read_parameters(notebook: str | os.PathLike) -> ParameterSpec:
    """Read the ``parameters`` cell of a notebook.

    Each line of the cell is ``name: type = default  # help``. Allowed types:
    ``str``, ``int``, ``float``, ``bool``, ``list[str]``, ``list[int]`` and
    ``str | None`` / ``int | None`` / ``float | None``; defaults are literals.

    Parameters
    ----------
    notebook : str or path
        A notebook name or path (see :func:`notebook_path`).

    Raises
    ------
    ParameterError
        If there is no parameters cell, or a line does not follow the form.
    """
    path = notebook_path(notebook)
    source = _parameters_source(path)
    comments = {}
    for lineno, line in enumerate(source.splitlines(), start=1):
        if "#" in line:
            comments[lineno] = line.split("#", 1)[1].strip()
    params: dict[str, Parameter] = {}
    try:
        body = ast.parse(source).body
    except SyntaxError as exc:
        raise ParameterError(
            f"{path.name}: parameters cell line {exc.lineno} is not Python ({exc.msg})."
        ) from None
    for node in body:
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            raise ParameterError(
                f"{path.name}: parameters cell line {node.lineno} must read `name: type = default  # help`."
            )
        type_ = _type_name(node.annotation)
        if type_ not in TYPES:
            raise ParameterError(
                f"{path.name}: parameter {node.target.id} has type {type_!r}; allowed: {', '.join(TYPES)}."
            )
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{path.name}: the default of {node.target.id} must be a literal."
            ) from None
        params[node.target.id] = Parameter(
            node.target.id, type_, default, comments.get(node.lineno, "")
        )
    return ParameterSpec(path, params)


def _parameters_source(path: Path) -> str:
    """The source of the notebook's one cell tagged ``parameters`` (read as JSON: fast)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{path.name}: not a readable notebook ({exc}).") from None
    cells = [
        c
        for c in nb.get("cells", [])
        if c.get("cell_type") == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ParameterError(
            f"{path.name}: expected exactly one cell tagged 'parameters', found {len(cells)}."
        )
    source = cells[0].get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _type_name(annotation: ast.expr) -> str:
    """``str``, ``list[str]``, ``str | None``; ``Optional[str]`` (quoted or not) as ``str | None``."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    text = ast.unparse(annotation).replace(" ", "")
    if text.startswith("Optional[") and text.endswith("]"):
        text = f"{text[9:-1]}|None"
    return text.replace("|", " | ")


def _to_str(value: Any) -> str:
    if isinstance(value, list | dict):
        raise TypeError
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
        return value.lower() in ("true", "yes", "1")
    raise TypeError


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError
    number = float(value)
    if number != int(number):
        raise TypeError
    return int(number)


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError
    number = float(value)
    if number != number:  # NaN is not a value a parameter can mean
        raise ValueError
    return number


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "str": _to_str,
    "bool": _to_bool,
    "int": _to_int,
    "float": _to_float,
}


def coerce(name: str, value: Any, type_: str) -> Any:
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
        if base in _SCALARS:
            return _SCALARS[base](value)
        if base.startswith("list["):
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list | tuple):
                raise TypeError
            return [coerce(name, v, base[5:-1]) for v in value]
    except (TypeError, ValueError):
        raise ParameterError(f"parameter {name}={value!r} is not a valid {type_}.") from None
    raise ParameterError(f"parameter {name}: unsupported type {type_!r}.")


def parse_cli_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: YAML scalar or list syntax (``[a, b]``), else the string.

    Parameters
    ----------
    text : str
        The value as typed after ``-p NAME`` (YAML syntax: ``'[THA, KHM]'``, ``25``, ``null``).
    """
    import yaml

    try:
        return yaml.load(text, Loader=_loader())
    except yaml.YAMLError:
        return text


@functools.cache
def _loader() -> type:
    """A safe YAML loader that keeps dates as text (checked by the date rule, one line)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


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
        Every parameter with its (coerced) value, defaults filled in; a path
        (``event_source``) made absolute, so it means the same file from the
        folder the kernel runs in.

    Raises
    ------
    ParameterError
        Naming every unknown parameter (with the closest valid name), every
        value of the wrong type and every impossible value (an end before the
        start, an unknown site, a negative radius), by the rules the notebook
        declares (:data:`scamgeo.briefs.NOTEBOOK_RULES`).
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
                merged[name] = coerce(name, value, spec.parameters[name].type)
            except ParameterError as exc:
                problems.append(str(exc))
    if not problems:
        problems.extend(semantic_problems(rules_for(spec.notebook.stem), merged))
    if problems:
        allowed = ", ".join(f"{p.name}: {p.type}" for p in spec.parameters.values())
        joined = "; ".join(p.rstrip(".") for p in problems)
        raise ParameterError(f"{spec.notebook.name}: {joined}. Parameters: {allowed}.")
    # a relative path means "from here": the kernel, a worker or Chromium runs elsewhere
    return resolve_paths(rules_for(spec.notebook.stem), merged)


def load_named_run(path: str | os.PathLike) -> tuple[str, str, dict[str, Any]]:
    """Read a named run (YAML with ``notebook``, optional ``title`` and ``parameters``).

    Parameters
    ----------
    path : str or path
        A named run's YAML file (``notebook``, ``title``, ``parameters``).

    Returns
    -------
    (notebook, title, parameters)
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())
    except FileNotFoundError:
        raise DataSourceError(f"{path}: no such parameters file.") from None
    except yaml.YAMLError as exc:
        raise DataSourceError(
            f"{path.name}: not valid YAML ({' '.join(str(exc).split())})."
        ) from None
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


def spec_for(names: Iterable[str]) -> ParameterSpec:
    """The parameters ``names`` as the package's notebooks declare them.

    The notebook declaring all of them when there is one; otherwise, each name
    as the first notebook declaring it does (its type, and that notebook's rule).

    Raises
    ------
    ParameterError
        Naming a parameter that no notebook declares (with the closest name).
    """
    names = list(names)
    specs = [read_parameters(nb) for nb in list_notebooks()]
    whole = [sp for sp in specs if set(names) <= set(sp.parameters)]
    if len(whole) == 1:
        return whole[0]
    found: dict[str, Parameter] = {}
    unknown = []
    for name in names:
        owner = next((sp for sp in specs if name in sp.parameters), None)
        if owner is None:
            unknown.append(name)
            continue
        found[name] = owner.parameters[name]
    if unknown:
        every = sorted({n for sp in specs for n in sp.parameters})
        hints = []
        for name in unknown:
            near = closest(name, every)
            hints.append(f"{name!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        raise ParameterError(
            f"unknown parameter {', '.join(hints)}: no notebook declares it; "
            "pass the notebook's name first, e.g. check('04-hub-brief', site=site)."
        )
    return ParameterSpec(Path("(several notebooks)"), found)


def owners(names: Iterable[str]) -> dict[str, str]:
    """For each name, the stem of the first package notebook declaring it."""
    out = {}
    specs = [read_parameters(nb) for nb in list_notebooks()]
    for name in names:
        for sp in specs:
            if name in sp.parameters:
                out[name] = sp.notebook.stem
                break
    return out


def injected_names() -> list[str] | None:
    """The names papermill injected into the running kernel, or None when it injected none.

    Papermill runs its injected cell (``# Parameters`` then ``name = value`` lines)
    in the kernel; IPython keeps every executed source in ``In``. Outside a
    kernel (plain Python, the command line) there is nothing to find.
    """
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return None
    for source in reversed(list(shell.user_ns.get("In") or [])):
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            try:
                body = ast.parse(source).body
            except SyntaxError:
                return None
            return [
                t.id
                for node in body
                if isinstance(node, ast.Assign)
                for t in node.targets
                if isinstance(t, ast.Name)
            ]
    return None


def injected_problems(spec: ParameterSpec) -> list[str]:
    """Unknown parameters that papermill injected (``papermill nb.ipynb out -p sitee x``).

    Papermill only warns about a name the parameters cell does not declare
    and runs the notebook with the default; :func:`scamgeo.briefs.check` calls
    this so the run stops with scamgeo's message instead.
    """
    if spec.notebook.suffix != ".ipynb":  # check() without a notebook: names of several notebooks
        return []
    problems = []
    for name in injected_names() or []:
        if name not in spec.parameters:
            near = closest(name, spec.parameters)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            problems.append(
                f"unknown parameter {name!r}{hint} injected by papermill into {spec.notebook.name}"
            )
    return problems
