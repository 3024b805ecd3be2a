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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import config
from ._api import ATTRIBUTION_MIME, FIGURE_MIME
from ._params import ParameterSpec

__all__ = [
    "PACKAGES",
    "data_versions",
    "extract",
    "footer",
    "package_versions",
    "param_table",
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


def footer(attributions: list[str]) -> str:
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


def extract(nb: Any) -> tuple[dict[str, Any], list[str]]:
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
    nb.cells.insert(0, _html_output(_CSS + param_table(run, title, notebook, params, spec)))
    nb.cells.append(_html_output(footer(attributions)))
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
