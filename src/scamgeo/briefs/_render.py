"""Rendering an executed notebook as a code-free HTML brief with its provenance footer."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import importlib.metadata as md
import json
import logging
import platform
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import config
from ..style import css_colors
from ..vocab import CURATED_ATTRIBUTION
from ._common import ATTRIBUTION_MIME, BRIEF_MIME, FIGURE_MIME, jsonable, param_value
from ._params import ParameterSpec

__all__ = [
    "PACKAGES",
    "data_versions",
    "extract",
    "brief_content",
    "footer",
    "footer_text",
    "run_json",
    "package_versions",
    "notes_annex",
    "param_table",
    "run_notes",
    "sha256",
    "to_html",
]


log = logging.getLogger("scamgeo.briefs")


PACKAGES = (
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


def sha256(path: Path) -> str:
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
                    "sha256": sha256(path)[:16],
                    "bytes": path.stat().st_size,
                }
    return out


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a brief's numbers depend on (for its footer).

    Returns
    -------
    dict
        Package -> version (``"not installed"`` when missing).
    """
    out = {"python": platform.python_version()}
    for pkg in PACKAGES:
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


def param_table(
    run: str, title: str, notebook: str, params: Mapping[str, Any], spec: ParameterSpec
) -> str:
    """The parameters annex for a notebook that does not show its own."""
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(name)}</th>"
        f"<td>{html.escape(param_value(value))}</td>"
        f"<td>{html.escape(spec.parameters[name].help if name in spec.parameters else '')}</td></tr>"
        for name, value in params.items()
    )
    built = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<section id='parameters' class='sg-annex'><h2>Parameters of this run</h2>"
        f"<p class='sg-run'>Run {html.escape(title or run)} · notebook "
        f"{html.escape(notebook)} · built {html.escape(built)}</p>"
        "<table class='sg-param-table'><thead><tr><th>Parameter</th><th>Value</th>"
        f"<th>Meaning</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


#: A line Python's warnings module writes: ``/path/file.py:12: RowsLeftOut: 3 rows left out``.
_WARNING_LINE = re.compile(r"^(?:.*?):\d+: (?P<kind>[A-Za-z_]*Warning|RowsLeftOut): (?P<text>.*)$")
#: An absolute local path (POSIX or Windows), kept only by its last part on a reader's page.
_LOCAL_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s/\\:'\"]+[/\\])+(?P<name>[^\s/\\:'\"]+)")
#: Warnings a reader should see (a reader's count of rows left out); others stay in the notebook.
_READER_WARNINGS = frozenset({"RowsLeftOut", "UserWarning"})


def run_notes(nb: Any) -> list[str]:
    """Take the warnings text (stderr) out of a notebook's outputs; return what a reader needs.

    The code-free page never shows raw warnings or local paths: the rows a
    reader left out (``RowsLeftOut``) and scamgeo's own user warnings become
    plain notes, each path reduced to its file name; everything else on stderr
    (library chatter) stays only in the executed notebook.
    """
    notes: list[str] = []
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                for line in "".join(out.get("text", "")).splitlines():
                    match = _WARNING_LINE.match(line.strip())
                    if match and match["kind"] in _READER_WARNINGS:
                        text = _LOCAL_PATH.sub(lambda m: m["name"], match["text"]).strip()
                        if text and text not in notes:
                            notes.append(text)
                continue
            kept.append(out)
        cell["outputs"] = kept
    return notes


def notes_annex(notes: list[str]) -> str:
    """The annex listing what the run's readers reported (rows left out and why)."""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        "<section id='run-notes' class='sg-annex'><h2>Notes from the data</h2>"
        f"<p>What the readers of this run's files reported:</p><ul>{items}</ul></section>"
    )


def footer(attributions: list[str]) -> str:
    from .. import fmt

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
    curated = [CURATED_ATTRIBUTION]
    items = "".join(f"<li>{html.escape(x)}</li>" for x in curated + attributions + credits)
    vers = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in versions.items())
    hashes = "".join(
        f"<li><code>{html.escape(name)}</code> sha256:{html.escape(meta['sha256'])}… ({fmt.count(meta['bytes'])} bytes)</li>"
        for name, meta in data.items()
    )
    return (
        "<footer class='sg-footer'><h2>Sources, licences and credits</h2>"
        f"<ul>{items}</ul>"
        f"<details><summary>Data files and package versions</summary><p>{vers}</p><ul>{hashes}</ul></details>"
        "</footer>"
    )


def footer_text(attributions: list[str]) -> str:
    """The footer as plain text (the fallback of the notebook's own footer output)."""
    import re as _re

    markup = footer(attributions)
    items = _re.findall(r"<li>(.*?)</li>", markup.split("<details>")[0])
    return "Sources, licences and credits\n" + "\n".join(
        "- " + html.unescape(_re.sub(r"<[^>]+>", "", x)) for x in items
    )


_CSS = string.Template("""
<style>
:root { --ink: $ink; --muted: $ink_muted; --rule: $rule; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       line-height: 1.5; margin: 0; background: $paper; }
main.sg-brief { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 2px; }
h3 { font-size: 17px; margin: 20px 0 6px; }
p, li { font-size: 15px; max-width: 75ch; }
.sg-window { color: var(--muted); margin: 0 0 12px; font-size: 14px; }
.sg-summary { background: $faint; border-left: 4px solid $blue; padding: 4px 18px 8px; margin: 12px 0 20px; }
.sg-summary h2 { border: 0; margin-top: 8px; }
.sg-note { font-style: italic; color: var(--muted); }
.sg-annex { font-size: 14px; }
.sg-param-table { border-collapse: collapse; font-size: 13px; }
.sg-param-table th, .sg-param-table td { border: 1px solid var(--rule); padding: 2px 8px; text-align: left; vertical-align: top; }
.sg-footer { font-size: 13px; border-top: 2px solid $ink_secondary; margin-top: 32px; padding-top: 6px; color: $ink_secondary; }
.sg-footer code { font-size: 11px; }
.jp-Cell, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
/* a phone: a chart keeps its own size (its labels stay legible) and scrolls sideways in its box */
@media screen and (max-width: 600px) {
  .output_png { overflow-x: auto; }
  .output_png img { max-width: none; }
  main.sg-brief { padding: 16px 14px 32px; }
}
.jp-RenderedImage img, img { max-width: 100%; height: auto; }
.jp-RenderedText pre, pre { white-space: pre-wrap; word-break: break-word; font-size: 13px; }
table { max-width: 100%; }
.sg-table td { overflow-wrap: break-word; hyphens: auto; }
.sg-table td:first-child { white-space: nowrap; }
.anchor-link { display: none; }
iframe { max-width: 100%; border: 0; }
@media print {
  main.sg-brief { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  .sg-summary, table, img, figure { break-inside: avoid; }
  iframe { display: none; }
  details { display: block; }
  a { color: inherit; text-decoration: none; }
}
</style>
""").substitute(css_colors())


def _html_output(markup: str) -> Any:
    import nbformat

    cell = nbformat.v4.new_code_cell(source="")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": markup})]
    cell.metadata["tags"] = ["scamgeo-frame"]
    return cell


def extract(nb: Any) -> tuple[dict[str, Any], list[str]]:
    """Key figures and attributions recorded by the notebook; strip their outputs."""
    figures: dict[str, Any] = {}
    details: list[dict[str, Any]] = []
    attributions: list[str] = []
    parts: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if FIGURE_MIME in data:
                item = dict(data[FIGURE_MIME])
                figures[item["name"]] = item["value"]
                details = [d for d in details if d["name"] != item["name"]] + [item]
            elif ATTRIBUTION_MIME in data:
                if data[ATTRIBUTION_MIME]["text"] not in attributions:
                    attributions.append(data[ATTRIBUTION_MIME]["text"])
            else:
                if BRIEF_MIME in data:
                    part = dict(data.pop(BRIEF_MIME))
                    parts[part.pop("part")] = part
                kept.append(out)
        cell["outputs"] = kept
    nb.metadata["scamgeo"] = {"key_figures": details, "attributions": attributions, **parts}
    return figures, attributions


def brief_content(nb: Any) -> dict[str, Any]:
    """What :func:`extract` found: title, window, summary sentences, key figures (a list)."""
    meta = nb.metadata.get("scamgeo", {})
    title = meta.get("title", {})
    return {
        "title": title.get("title"),
        "start": title.get("start"),
        "end": title.get("end"),
        "as_of": title.get("as_of"),
        "summary": list(meta.get("summary", {}).get("sentences", [])),
        "key_figures": list(meta.get("key_figures", [])),
        "attributions": list(meta.get("attributions", [])),
    }


def run_json(
    nb: Any,
    *,
    run: str,
    notebook: str,
    params: Mapping[str, Any],
    inputs: list[Any] | None = None,
    **extra: Any,
) -> str:
    """The ``RUN.json`` text of a brief (keys sorted, floats stable), after :func:`extract`.

    ``{"run", "notebook", "title", "start", "end", "as_of", "summary": [...],
    "key_figures": [{"name", "value", "text"?, "unit"?, "reference_period"?, "counts"?}],
    "parameters", "inputs"}`` plus any ``extra`` keys.
    """
    content = brief_content(nb)
    content.pop("attributions")
    doc = {
        "run": run,
        "notebook": notebook,
        **content,
        "title": content["title"] or run,
        "parameters": dict(params),
        "inputs": list(inputs or []),
        **extra,
    }
    return json.dumps(_stable(doc), indent=2, sort_keys=True, default=jsonable) + "\n"


def _stable(obj: Any) -> Any:
    if isinstance(obj, float):
        return float(f"{obj:.12g}")
    if isinstance(obj, dict):
        return {k: _stable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_stable(v) for v in obj]
    return obj


def _image_alts(nb: Any) -> list[str]:
    """Alternative text for each image output without its own, in order: the chart's section and number."""
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
                if _own_alt(out):  # nbconvert writes the chart's own description
                    continue
                alts.append(
                    f"Chart {count} of section '{section}'" if section else f"Chart {count}"
                )
    return alts


def _own_alt(output: Any) -> bool:
    """Whether an image output carries its description (``briefs._figures``) for nbconvert."""
    meta = output.get("metadata", {})
    return any(
        bool((meta.get(k) or {}).get("alt"))
        for k in output.get("data", {})
        if k.startswith("image/")
    )


def _has_markup(cell: Any, needle: str) -> bool:
    """Whether one of a cell's HTML outputs has ``needle`` (an ``attr='value'``, either quote)."""
    pattern = re.compile(re.escape(needle).replace("'", "[\"']"))
    return any(
        pattern.search("".join(out.get("data", {}).get("text/html", "")))
        for out in cell.get("outputs", [])
    )


def _has(nb: Any, needle: str) -> bool:
    """Whether an HTML output of the notebook has ``needle`` (an ``attr='value'``, either quote)."""
    return any(_has_markup(cell, needle) for cell in nb.cells)


_SUMMARY = re.compile(r"<section id=[\"']summary[\"']")
_TITLE = re.compile(r"<header class=[\"']sg-title[\"']")


def _summary_first(nb: Any) -> None:
    """Move the summary output to just after the title output (or first, without a title)."""
    import nbformat

    found = title_at = None
    for i, cell in enumerate(nb.cells):
        for j, out in enumerate(cell.get("outputs", [])):
            markup = "".join(out.get("data", {}).get("text/html", ""))
            if _SUMMARY.search(markup) and found is None:
                found = (i, j)
            if _TITLE.search(markup) and title_at is None:
                title_at = i
    if found is None:
        return
    i, j = found
    out = nb.cells[i].outputs.pop(j)
    cell = nbformat.v4.new_code_cell(source="")
    cell.outputs = [out]
    nb.cells.insert(0 if title_at is None else title_at + 1, cell)


def _page(body: str, title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title>{_CSS}</head>"
        f"<body><main class='sg-brief'>{body}</main></body></html>\n"
    )


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
    """Export an executed notebook to a code-free HTML brief (no network needed to read it).

    A slim page of our own: nbconvert's ``basic`` template (no notebook CSS)
    inside a page with only the CSS the briefs use, print CSS included. The
    summary section moves to just after the title; a notebook that shows its
    own parameters annex and footer gets no second copy.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook, after :func:`extract`.
    run : str
        The run's name.
    title : str
        The run's title (or empty).
    notebook : str
        The notebook's name.
    params : mapping
        The run's parameters.
    spec : ParameterSpec
        The notebook's parameters cell (for the annex's meanings).
    attributions : list of str
        Attribution lines recorded by the notebook (for the footer).
    """
    import copy

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    drop = {"parameters", "injected-parameters", "remove"}
    nb.cells = [c for c in nb.cells if not drop & set(c.metadata.get("tags", []))]
    # markdown cells are the notebook's text for a reader; a brief's own title replaces the
    # notebook's first heading when the notebook shows one
    _summary_first(nb)
    if not _has(nb, "id='parameters'"):
        nb.cells.append(_html_output(param_table(run, title, notebook, params, spec)))
    notes = run_notes(nb)
    if notes:
        at = next(
            (i for i, c in enumerate(nb.cells) if _has_markup(c, "class='sg-footer'")),
            len(nb.cells),
        )
        nb.cells.insert(at, _html_output(notes_annex(notes)))
    if not _has(nb, "class='sg-footer'"):
        nb.cells.append(_html_output(footer(attributions)))
    exporter = HTMLExporter(template_name="basic")
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
    page_title = nb.metadata.get("scamgeo", {}).get("title", {}).get("title") or title or run
    return _page(body, page_title)
