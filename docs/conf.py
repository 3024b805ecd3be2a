"""Sphinx configuration of the scamgeo API site (``make docs``; offline, warnings are errors)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO / "src"))

import scamgeo  # noqa: E402

project = "scamgeo"
author = "scamgeo developers"
copyright = "scamgeo developers; data CC BY 4.0 with the credits in the data dictionary"
version = release = scamgeo.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
# the site is built offline: no intersphinx, no remote images
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
html_theme = "alabaster"
html_title = f"scamgeo {release}"
suppress_warnings = ["myst.xref_missing"]  # README links to repository files, not site pages


def _notebook_pages() -> None:
    """One page per notebook: its markdown cells (the narrative), in order, no code."""
    out = DOCS / "notebooks"
    out.mkdir(exist_ok=True)
    names = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        body = "\n\n".join(t.strip() for t in text if t.strip())
        if not body.lstrip().startswith("# "):
            body = f"# {path.stem}\n\n{body}"
        page = f"{body}\n\n*Narrative of `notebooks/{path.name}` (code and outputs left out).*\n"
        target = out / f"{path.stem}.md"
        if not target.exists() or target.read_text(encoding="utf-8") != page:
            target.write_text(page, encoding="utf-8")
        names.append(path.stem)
    index = "# The notebooks\n\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join(names) + "\n```\n"
    (out / "index.md").write_text(index, encoding="utf-8")


_notebook_pages()
