"""The notebook-side API: record key figures and attributions, check parameters."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from .._errors import ParameterError
from .._validate import closest

__all__ = [
    "ATTRIBUTION_MIME",
    "FIGURE_MIME",
    "attribute",
    "check",
    "jsonable",
    "record",
]


log = logging.getLogger("scamgeo.briefs")


FIGURE_MIME = "application/vnd.scamgeo.key-figure+json"
ATTRIBUTION_MIME = "application/vnd.scamgeo.attribution+json"
# --- recording key figures from inside a notebook ----------------------------


def record(name: str, value: Any) -> Any:
    """Record a key figure of a brief (shown nowhere, saved in the brief's JSON).

    Call it in a notebook cell: ``sg.briefs.record("events_total", len(ev))``.
    Numbers, strings, booleans, lists and dicts of them are allowed. Returns
    ``value`` so it can wrap an expression.
    """
    from IPython.display import display

    payload = json.loads(json.dumps({"name": str(name), "value": value}, default=jsonable))
    display({FIGURE_MIME: payload}, raw=True)
    return value


def attribute(text: str) -> None:
    """Record an attribution line (e.g. ACLED's required credit) for the brief's footer."""
    from IPython.display import display

    display({ATTRIBUTION_MIME: {"text": str(text)}}, raw=True)


def jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def check(notebook: str | os.PathLike | None = None, /, **values: Any) -> dict[str, Any]:
    """Check parameters inside a notebook with exactly the command line's rules; return them.

    The values are coerced to the types the notebook's parameters cell
    declares (``"20"`` for a ``float`` becomes 20.0; ``"abc"`` is refused)
    and checked by the rules the notebook declares, as ``scamgeo brief``
    does before it starts a kernel::

        P = sg.briefs.check("04-hub-brief", site=site, radius_km=radius_km, start=start, end=end)

    Parameters
    ----------
    notebook : str or path, optional
        The notebook's name (``"04-hub-brief"``) or path. Without it, the
        notebook declaring every given parameter is used; if none or several
        do, each parameter is checked as the first notebook declaring it does.
    **values
        The parameter values.

    Returns
    -------
    dict
        The given parameters, coerced to their declared types.

    Raises
    ------
    ParameterError
        Naming every parameter that is unknown, of the wrong type or impossible.
    """
    from ._params import injected_problems, owners, read_parameters, spec_for
    from ._rules import rules_for, semantic_problems

    if notebook is not None:
        spec = read_parameters(notebook)
        rules = rules_for(spec.notebook.stem)
    else:
        spec = spec_for(values)
        if spec.notebook.suffix == ".ipynb":
            rules = rules_for(spec.notebook.stem)
        else:
            rules = {
                name: kind
                for name, stem in owners(values).items()
                if (kind := rules_for(stem).get(name)) is not None
            }
    problems, coerced = _coerce_all(spec, values)
    problems += injected_problems(spec)  # papermill -p with a name the notebook lacks
    if not problems:
        problems = semantic_problems(rules, coerced)
    if problems:
        raise ParameterError("; ".join(p.rstrip(".") for p in problems) + ".")
    return coerced


def _coerce_all(spec: Any, values: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    from ._params import coerce

    problems, coerced = [], {}
    for name, value in values.items():
        if name not in spec.parameters:
            near = closest(name, spec.parameters)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            problems.append(f"unknown parameter {name!r}{hint}")
            continue
        try:
            coerced[name] = coerce(name, value, spec.parameters[name].type)
        except ParameterError as exc:
            problems.append(str(exc))
    return problems, coerced
