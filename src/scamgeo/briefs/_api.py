"""The notebook-side API: record key figures and attributions, check parameters."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from .._errors import ParameterError
from .._validate import closest
from ._common import (
    ATTRIBUTION_MIME,
    BRIEF_MIME,
    COUNTS,
    FIGURE_MIME,
    jsonable,
    param_value,
)
from ._figures import use_brief_figures

__all__ = [
    "ATTRIBUTION_MIME",
    "BRIEF_MIME",
    "FIGURE_MIME",
    "attribute",
    "check",
    "figure_text",
    "footer",
    "methods",
    "note",
    "parameters",
    "record",
    "summary",
    "title",
]


log = logging.getLogger("scamgeo.briefs")


# what this kernel has recorded so far (a notebook runs in one kernel, top to bottom)
_FIGURES: dict[str, dict[str, Any]] = {}
_ATTRIBUTIONS: list[str] = []

# --- recording key figures from inside a notebook ----------------------------


def _show(html_markup: str, plain: str, extra: Mapping[str, Any] | None = None) -> None:
    from IPython.display import display

    bundle: dict[str, Any] = {"text/html": html_markup, "text/plain": plain}
    if extra:
        bundle.update(extra)
    display(bundle, raw=True)


def record(
    name: Any,
    value: Any = None,
    *,
    text: str | None = None,
    unit: str | None = None,
    reference_period: str | None = None,
    counts: str | None = None,
) -> Any:
    """Record a key figure of a brief (saved in the brief's ``RUN.json``).

    Call it in a notebook cell: ``sg.briefs.record("events_total", len(ev))``.
    Numbers, strings, booleans, lists and dicts of them are allowed. Returns
    ``value`` so it can wrap an expression.

    A :class:`scamgeo.findings.Finding` can be recorded as it is:
    ``sg.briefs.record(sg.findings.fighting_incidents(events, window, source=...))``
    takes its name, value, sentence, unit and what it counts, and shows the
    sentence where the cell stands (returning nothing).

    Parameters
    ----------
    name : str or Finding
        The figure's name in the JSON, or a finding.
    value : object
        The figure (not with a finding).
    text : str, optional
        The exact sentence the page shows for the figure (built with
        :mod:`scamgeo.fmt`); only figures with a text can be named in
        :func:`summary`.
    unit : str, optional
        The figure's unit ("events", "people", "km", "ratio").
    reference_period : str, optional
        The period a ratio is measured against, in words.
    counts : {"incidents", "claims"}, optional
        What an event count counts.
    """
    from IPython.display import display

    if hasattr(name, "record_args") and hasattr(name, "name"):  # a Finding: recorded and shown
        finding = name
        record(finding.name, finding.value, **finding.record_args())
        from .._html import text as esc

        _show(f"<p class='sg-finding'>{esc(finding.text)}</p>", finding.text)
        return None
    if counts is not None and counts not in COUNTS:
        raise ParameterError(f"record({name!r}): counts must be one of {COUNTS}, not {counts!r}")
    item: dict[str, Any] = {"name": str(name), "value": value}
    for key, extra in (
        ("text", text),
        ("unit", unit),
        ("reference_period", reference_period),
        ("counts", counts),
    ):
        if extra is not None:
            item[key] = str(extra)
    payload = json.loads(json.dumps(item, default=jsonable))
    _FIGURES[payload["name"]] = payload
    # text/plain: an empty fallback, so plain nbconvert shows nothing and warns of nothing
    display({FIGURE_MIME: payload, "text/plain": ""}, raw=True)
    return value


def figure_text(name: str) -> str:
    """The text recorded for a key figure, to show it on the page where it belongs.

    Every key figure's text must appear on the page: those not in the summary
    are shown in their section (a caption, a sentence) with this.

    Parameters
    ----------
    name : str
        The key figure's name, as given to :func:`record`.
    """
    from .._errors import ScamgeoError

    if not _FIGURES.get(name, {}).get("text"):
        raise ScamgeoError(f"figure_text(): no key figure {name!r} recorded with a text")
    return _FIGURES[name]["text"]


def attribute(text: str) -> None:
    """Record an attribution line (e.g. ACLED's required credit) for the brief's footer.

    Parameters
    ----------
    text : str
        The attribution, plain text (shown once however often recorded).
    """
    from IPython.display import display

    if str(text) not in _ATTRIBUTIONS:
        _ATTRIBUTIONS.append(str(text))
    display({ATTRIBUTION_MIME: {"text": str(text)}, "text/plain": ""}, raw=True)


def title(text: str, *, start: Any = None, end: Any = None, as_of: Any = None) -> None:
    """Show the brief's ``<h1>`` title and the line with its window and "data as of" date.

    ``Window: 28 May 2025 – 28 February 2026 · data as of 28 February 2026``.

    Parameters
    ----------
    text : str
        The brief's title.
    start : date-like, optional
        First day of the brief's window.
    end : date-like, optional
        Last day of the brief's window.
    as_of : date-like, optional
        The date the data run to.
    """
    from .. import fmt
    from .._html import text as esc

    bits = []
    if start is not None or end is not None:
        bits.append("Window: " + fmt.window(start if start is not None else end, end or start))
    if as_of is not None:
        bits.append("data as of " + fmt.date(as_of))
    line = " · ".join(bits)
    meta = {
        "title": str(text),
        "start": None if start is None else str(start),
        "end": None if end is None else str(end),
        "as_of": None if as_of is None else str(as_of),
        "window_line": line,
    }
    markup = (
        f"<header class='sg-title' id='title'><h1>{esc(text)}</h1>"
        + (f"<p class='sg-window'>{esc(line)}</p>" if line else "")
        + "</header>"
    )
    _show(markup, f"{text}\n{line}".rstrip(), {BRIEF_MIME: {"part": "title", **meta}})


def summary(*names: str) -> list[str]:
    """Show the summary: one sentence per named key figure (its ``text``), in order.

    Call it at the end of the notebook; the brief moves the section to just
    after the title. Returns the sentences.

    Parameters
    ----------
    *names : str
        Names of key figures recorded with a ``text``, in the order shown.
    """
    from .._errors import ScamgeoError
    from .._html import text as esc

    missing = [n for n in names if n not in _FIGURES]
    if missing:
        raise ScamgeoError(f"summary(): no key figure recorded as {', '.join(map(repr, missing))}")
    no_text = [n for n in names if not _FIGURES[n].get("text")]
    if no_text:
        raise ScamgeoError(
            f"summary(): key figure(s) {', '.join(map(repr, no_text))} were recorded without text="
        )
    sentences = [_FIGURES[n]["text"] for n in names]
    items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    markup = f"<section id='summary' class='sg-summary'><h2>Summary</h2><ul>{items}</ul></section>"
    plain = "Summary\n" + "\n".join(f"- {s}" for s in sentences)
    _show(markup, plain, {BRIEF_MIME: {"part": "summary", "sentences": sentences}})
    return sentences


def note(text: str) -> None:
    """One plain sentence shown where a section does not apply to this run.

    Parameters
    ----------
    text : str
        The sentence (escaped).
    """
    from .._html import text as esc

    _show(f"<p class='sg-note'>{esc(text)}</p>", str(text))


def methods(markdown: str) -> None:
    """The methods annex (``<section id="methods">``), from a short Markdown text.

    Supported: paragraphs, ``- `` bullet lists and ``**bold**``; everything escaped.

    Parameters
    ----------
    markdown : str
        The annex's text.
    """
    body = _mini_markdown(markdown)
    _show(
        f"<section id='methods' class='sg-annex'><h2>Methods and definitions</h2>{body}</section>",
        "Methods and definitions\n" + markdown.strip(),
    )


def parameters(
    P: Mapping[str, Any], *, notebook: str | None = None, help: Mapping[str, str] | None = None
) -> None:
    """The parameters annex (``<section id="parameters">``): a table with words for headers.

    ``notebook`` (e.g. ``"04-hub-brief"``) adds each parameter's meaning from
    the comment in its parameters cell; ``help`` overrides meanings.

    Parameters
    ----------
    P : mapping
        The run's parameters (e.g. the result of :func:`check`).
    notebook : str, optional
        The notebook whose parameters cell gives each parameter's meaning.
    help : mapping, optional
        Meanings that replace the cell's comments.
    """
    from .._html import text as esc

    meaning = {}
    if notebook is not None:
        from ._params import read_parameters

        spec = read_parameters(notebook)
        meaning = {name: par.help for name, par in spec.parameters.items()}
    meaning.update(help or {})
    rows, plain = [], []
    for name, value in P.items():
        shown = param_value(value)
        rows.append(
            f"<tr><th scope='row'>{esc(name)}</th><td>{esc(shown)}</td>"
            f"<td>{esc(meaning.get(name, ''))}</td></tr>"
        )
        plain.append(f"{name}: {shown}")
    markup = (
        "<section id='parameters' class='sg-annex'><h2>Parameters of this run</h2>"
        "<table class='sg-param-table'><thead><tr><th>Parameter</th><th>Value</th>"
        f"<th>Meaning</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )
    _show(markup, "Parameters of this run\n" + "\n".join(plain))


def footer() -> None:
    """The sources, licences and credits block, emitted by the notebook itself.

    Any route to HTML (plain nbconvert of a papermill output included) carries it.
    """
    from ._render import footer as build
    from ._render import footer_text

    _show(build(list(_ATTRIBUTIONS)), footer_text(list(_ATTRIBUTIONS)))


def _mini_markdown(markdown: str) -> str:
    import re

    from .._html import text as esc

    def inline(line: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(line))

    out: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(f"<p>{inline(' '.join(para))}</p>")
            para.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in markdown.strip().splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith(("- ", "* ")):
            if para:
                flush()
            items.append(line[2:])
        elif items and raw.startswith("  "):
            items[-1] += " " + line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return "".join(out)


def check(notebook: str | os.PathLike | None = None, /, **values: Any) -> dict[str, Any]:
    """Check parameters inside a notebook with exactly the command line's rules; return them.

    The values are coerced to the types the notebook's parameters cell
    declares (``"20"`` for a ``float`` becomes 20.0; ``"abc"`` is refused)
    and checked by the rules the notebook declares, as ``scamgeo brief``
    does before it starts a kernel. In a kernel, charts from then on are sent
    at twice the resolution with a description for their alternative text
    (:func:`scamgeo.briefs._figures.use_brief_figures`)::

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
    use_brief_figures()  # in a kernel: charts at 2x with their own alternative text
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
