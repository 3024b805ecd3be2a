"""The index page of a reports folder: briefs by theme, with titles, summaries and links."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..style import HIGHLIGHT, INK_MUTED

__all__ = ["THEMES", "citation", "data_edition", "index_page"]

#: Theme of each notebook (by the part of its name after the number).
THEMES = {
    "border-clashes": "The border war",
    "casino-hubs": "Casino hubs and the scam economy",
    "hub-brief": "Casino hubs and the scam economy",
    "displacement": "Displacement",
    "data-catalogue": "Data",
}


def _theme(notebook: str) -> str:
    key = notebook.split("-", 1)[-1] if notebook[:2].isdigit() else notebook
    return THEMES.get(key, key.replace("-", " ").capitalize())


def _run_json(out_dir: Path, run: str) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / f"{run}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _summary_line(data: Mapping[str, Any]) -> str:
    summary = data.get("summary")
    if isinstance(summary, list) and summary:
        return str(summary[0])
    if isinstance(summary, str):
        return summary
    return ""


def _dates(data: Mapping[str, Any]) -> str:
    start, end, as_of = data.get("start"), data.get("end"), data.get("as_of")
    params = data.get("parameters") or {}
    start = start or params.get("start")
    end = end or params.get("end")
    bits = []
    from .. import fmt

    if start and end:
        bits.append(fmt.window(start, end))
    if as_of:
        bits.append(f"data as of {fmt.date(as_of)}")
    return " · ".join(bits)


def data_edition(manifest: Mapping[str, Any]) -> str:
    """A short fingerprint of the embedded data a folder of briefs was built from.

    The first 12 hex digits of a SHA-256 over the files' own hashes, so the
    same data give the same edition whatever the build's date.
    """
    data = manifest.get("data") or {}
    joined = "".join(f"{k}:{v.get('sha256', '')};" for k, v in sorted(data.items()))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12] if joined else ""


def citation(data: Mapping[str, Any], manifest: Mapping[str, Any], href: str) -> str:
    """How to cite one brief: title, edition date, file, scamgeo and data versions (plain text)."""
    from .. import fmt

    title = str(data.get("title") or data.get("run") or href)
    as_of = data.get("as_of")
    edition = f"edition of {fmt.date(as_of)}" if as_of else "undated edition"
    version = (manifest.get("packages") or {}).get("scamgeo", "")
    bits = [f"scamgeo developers, “{title}”", edition, href]
    if version:
        bits.append(f"scamgeo {version}")
    if data_edition(manifest):
        bits.append(f"data {data_edition(manifest)}")
    return ", ".join(bits) + "."


def _failed_item(entry: Mapping[str, Any]) -> str:
    """A run of the last build that failed and has no good brief on disk."""
    esc = html.escape
    files = entry.get("files", {})
    cell = entry.get("failed_cell")
    where = f" at cell {cell}" if cell is not None else ""
    link = (
        f" <a href='{esc(files['failed_notebook']['name'])}'>executed notebook with the error</a>"
        if "failed_notebook" in files
        else ""
    )
    return (
        f"<li><h3>{esc(str(entry['run']))}</h3><p class='failed'>{esc(str(entry.get('status')))}"
        f"{esc(where)}: {esc(str(entry.get('error') or 'no message'))}.{link}</p></li>"
    )


def _distinct_briefs(
    manifest: Mapping[str, Any],
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], list[str]], list[str]]:
    """One entry per distinct brief (notebook and parameters; a named run over the default),
    the HTML files of every run that is that brief, and the failed runs with no brief."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    same: dict[tuple[str, str], list[str]] = {}
    failed = []
    for entry in manifest.get("runs", []):
        if "html" not in entry.get("files", {}):
            if entry.get("status") in ("failed", "invalid"):
                failed.append(_failed_item(entry))
            continue
        key = (
            str(entry.get("notebook")),
            json.dumps(entry.get("parameters", {}), sort_keys=True, default=str),
        )
        same.setdefault(key, []).append(entry["files"]["html"]["name"])
        named = entry["run"] != entry.get("notebook")
        if key not in seen or (named and seen[key]["run"] == seen[key].get("notebook")):
            seen[key] = entry
    return seen, same, failed


def _brief_item(
    entry: Mapping[str, Any],
    data: Mapping[str, Any],
    same: list[str],
    manifest: Mapping[str, Any],
) -> str:
    """One brief's list item: title, dates, first summary sentence, state, links, citation."""
    esc = html.escape
    title = str(data.get("title") or entry["run"])
    files = entry.get("files", {})
    links = [f"<a href='{esc(files['html']['name'])}'>brief</a>"]
    for kind, label in (("pdf", "PDF"), ("json", "key figures (JSON)"), ("notebook", "notebook")):
        if kind in files:
            links.append(f"<a href='{esc(files[kind]['name'])}'>{label}</a>")
    for other in same:
        if other != files["html"]["name"]:
            links.append(f"same brief as the default: <a href='{esc(other)}'>{esc(other)}</a>")
    note = ""
    if entry.get("status", "ok") != "ok":
        note = (
            f"<p class='failed'>The last build failed ({esc(str(entry.get('error') or ''))}); "
            "showing the last good brief.</p>"
        )
    return (
        "<li>"
        f"<h3><a href='{esc(files['html']['name'])}'>{esc(title)}</a></h3>"
        + (f"<p class='dates'>{esc(_dates(data))}</p>" if _dates(data) else "")
        + (f"<p>{esc(_summary_line(data))}</p>" if _summary_line(data) else "")
        + note
        + f"<p class='links'>{' · '.join(links)}</p>"
        + f"<p class='cite'>Cite as: {esc(citation(data, manifest, files['html']['name']))}</p>"
        + "</li>"
    )


def index_page(manifest: Mapping[str, Any], out_dir: Path) -> str:
    """The ``index.html`` of a folder of briefs.

    Each brief on disk is listed once under its theme, with its title (from
    ``RUN.json``), the window and "as of" date, its first summary sentence and
    links to its HTML, PDF (when present), JSON and executed notebook. A run
    that is the same brief as another (same notebook and parameters, e.g. the
    default hub brief and the named Poipet run) is listed once, under the
    named run.
    """
    esc = html.escape
    seen, same, failed = _distinct_briefs(manifest)
    by_theme: dict[str, list[str]] = {}
    for key, entry in sorted(
        seen.items(), key=lambda kv: (str(kv[1].get("notebook")), kv[1]["run"])
    ):
        data = _run_json(out_dir, entry["run"])
        by_theme.setdefault(_theme(str(entry.get("notebook"))), []).append(
            _brief_item(entry, data, same[key], manifest)
        )
    order = list(dict.fromkeys(THEMES.values()))
    themes = sorted(by_theme, key=lambda t: (order.index(t) if t in order else len(order), t))
    sections = "".join(
        f"<section><h2>{esc(theme)}</h2><ul>{''.join(by_theme[theme])}</ul></section>"
        for theme in themes
    )
    if failed:
        sections = (
            "<section><h2>Failed in the last build</h2><p>These briefs could not be built and "
            f"have no earlier good copy here.</p><ul>{''.join(failed)}</ul></section>" + sections
        )
    edition = data_edition(manifest)
    version = (manifest.get("packages") or {}).get("scamgeo", "")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>scamgeo briefs</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:52em;line-height:1.4;}"
        "ul{list-style:none;padding:0;}li{margin:0 0 1.2em;}h3{margin:0;}"
        f".dates{{color:{INK_MUTED};margin:0;}}.links{{font-size:90%;}}"
        f".failed{{color:{HIGHLIGHT};}}.cite{{font-size:80%;color:{INK_MUTED};}}"
        "</style></head><body><h1>Briefs on the 2025 Thailand–Cambodia border war "
        "and the border scam economy</h1>"
        f"{sections}<p>scamgeo {esc(str(version))}, embedded data edition {esc(edition)}. "
        "<a href='manifest.json'>manifest.json</a> lists every file with its hash, the "
        "inputs each brief read and the package versions.</p></body></html>\n"
    )
