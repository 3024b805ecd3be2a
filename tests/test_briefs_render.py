"""The notebook-side brief API and the page it renders to: title, summary first, annexes, JSON."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from scamgeo import briefs, fmt
from scamgeo.briefs import _api, _render
from scamgeo.briefs._params import read_parameters

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def outputs(monkeypatch):
    """Every bundle the API displays, as notebook outputs (what a kernel would save)."""
    shown: list = []

    def fake_display(bundle, raw=False):
        assert raw
        shown.append(nbformat.v4.new_output("display_data", data=dict(bundle)))

    import IPython.display

    monkeypatch.setattr(IPython.display, "display", fake_display)
    monkeypatch.setattr(_api, "_FIGURES", {})
    monkeypatch.setattr(_api, "_ATTRIBUTIONS", [])
    return shown


def _notebook(groups):
    nb = nbformat.v4.new_notebook()
    for group in groups:
        if isinstance(group, str):
            nb.cells.append(nbformat.v4.new_markdown_cell(group))
        else:
            cell = nbformat.v4.new_code_cell("")
            cell.outputs = list(group)
            nb.cells.append(cell)
    return nb


def _build(outputs):
    """A small brief: title, a section, figures, a note, summary at the end, annexes, footer."""
    groups = []
    mark = 0

    def take():
        nonlocal mark
        group, mark = outputs[mark:], len(outputs)
        groups.append(group)

    briefs.title(f"Poipet {HOSTILE}", start="2025-05-28", end="2026-02-28", as_of="2026-02-28")
    take()
    groups.append("## Fighting within reach")
    n = briefs.record(
        "incidents_within_radius",
        19,
        text=f"{fmt.count(19)} incidents within 30 km of Poipet.",
        counts="incidents",
        unit="incidents",
    )
    briefs.record(
        "ratio",
        174.8123456,
        text="Intensity 175× the pre-war months.",
        unit="ratio",
        reference_period="28 May – 23 July 2025",
    )
    briefs.record("raw_only", {"a": 1})
    assert briefs.figure_text("ratio") == "Intensity 175× the pre-war months."
    briefs.note("No damage reported at the site in this window.")
    take()
    briefs.summary("incidents_within_radius", "ratio")
    take()
    briefs.methods("Incidents, not claims.\n\n- **Stock**: people displaced on a day\n- Flow: a")
    briefs.parameters(
        {"site": "poipet", "radius_km": 30.0, "path": "/home/me/x.csv"}, notebook="04-hub-brief"
    )
    briefs.attribute("ACLED credit line")
    briefs.footer()
    take()
    assert n == 19
    return _notebook(groups)


def test_record_validates_counts(outputs):
    from scamgeo._errors import ParameterError

    with pytest.raises(ParameterError, match="counts must be one of"):
        briefs.record("x", 1, counts="people")


def test_summary_needs_texts(outputs):
    from scamgeo._errors import ScamgeoError

    briefs.record("a", 1)
    with pytest.raises(ScamgeoError, match="without text"):
        briefs.summary("a")
    with pytest.raises(ScamgeoError, match="'b'"):
        briefs.summary("b")


def test_every_output_has_a_text_fallback(outputs):
    _build(outputs)
    assert outputs and all("text/plain" in o["data"] for o in outputs)
    plain = "\n".join(o["data"]["text/plain"] for o in outputs)
    assert "Window: 28 May 2025 – 28 February 2026 · data as of 28 February 2026" in plain
    assert "- 19 incidents within 30 km of Poipet." in plain
    assert "Sources, licences and credits" in plain and "ACLED credit line" in plain


def test_page_structure_summary_first_and_json(outputs):
    nb = _build(outputs)
    figures, attributions = _render.extract(nb)
    assert figures["incidents_within_radius"] == 19 and attributions == ["ACLED credit line"]
    spec = read_parameters("04-hub-brief")
    page = _render.to_html(
        nb,
        run="poipet",
        title="Hub brief",
        notebook="04-hub-brief",
        params={"site": "poipet"},
        spec=spec,
        attributions=attributions,
    )
    assert page.startswith("<!DOCTYPE html>")
    assert HOSTILE not in page and "Poipet &lt;script&gt;" in page
    page = page.replace('"', "'")
    order = [
        page.index(k)
        for k in (
            "<h1>",
            "id='summary'",
            "Fighting within reach",
            "id='methods'",
            "id='parameters'",
            "class='sg-footer'",
        )
    ]
    assert order == sorted(order)
    # the notebook's own annex and footer are not doubled by the renderer's
    assert page.count("id='parameters'") == 1 and page.count("class='sg-footer'") == 1
    # the border's ODbL credit reaches the footer through data/reference/PROVENANCE.json
    assert "© OpenStreetMap contributors, ODbL 1.0" in page.split("class='sg-footer'")[1]
    assert "/home/me" not in page and "x.csv" in page
    assert "<strong>Stock</strong>" in page
    # print: headings stay with what follows; no forced page per section
    assert "@media print" in page and "break-after: avoid" in page
    assert "break-before: page" not in page
    assert "No damage reported at the site in this window." in page
    doc = json.loads(
        _render.run_json(
            nb,
            run="poipet",
            notebook="04-hub-brief",
            params={"site": "poipet"},
            inputs=["events.csv"],
        )
    )
    assert list(doc) == sorted(doc)
    assert doc["title"] == f"Poipet {HOSTILE}" and doc["start"] == "2025-05-28"
    assert doc["summary"] == [
        "19 incidents within 30 km of Poipet.",
        "Intensity 175× the pre-war months.",
    ]
    kf = {k["name"]: k for k in doc["key_figures"]}
    assert kf["incidents_within_radius"]["counts"] == "incidents"
    assert kf["ratio"]["value"] == 174.812345600 and kf["ratio"]["reference_period"]
    assert "text" not in kf["raw_only"]
    for item in doc["key_figures"]:
        if "text" in item:
            assert _render.html.escape(item["text"], quote=True) in page or item["text"] in page
    assert len(page.encode()) < 60_000  # no notebook CSS: the slim page


def test_page_without_api_still_gets_annex_and_footer(outputs):
    nb = _notebook(["# Old brief", [nbformat.v4.new_output("stream", text="hello\n")]])
    figures, attributions = _render.extract(nb)
    page = _render.to_html(
        nb,
        run="r",
        title="T",
        notebook="04-hub-brief",
        params={"site": "poipet"},
        spec=read_parameters("04-hub-brief"),
        attributions=attributions,
    )
    page = page.replace('"', "'")
    assert "id='parameters'" in page and "class='sg-footer'" in page and "hello" in page
    assert re.search(r"<title>T</title>", page)


def test_to_pdf_without_chromium(tmp_path, monkeypatch):
    from scamgeo._errors import ScamgeoError
    from scamgeo.briefs import _pdf

    (tmp_path / "b.html").write_text("<p>x</p>")
    monkeypatch.setattr(_pdf, "CHROMIUM", str(tmp_path / "nope"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("SCAMGEO_CHROMIUM", raising=False)
    with pytest.raises(ScamgeoError, match="needs Chromium"):
        briefs.to_pdf(tmp_path / "b.html", tmp_path / "b.pdf")
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.skipif(not __import__("os").path.exists("/usr/bin/chromium"), reason="no chromium")
def test_to_pdf_prints(tmp_path):
    (tmp_path / "b.html").write_text(
        "<!DOCTYPE html><html><body><h1>Brief</h1><h2>Section</h2><p>text</p></body></html>"
    )
    out = briefs.to_pdf(tmp_path / "b.html", tmp_path / "out" / "b.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_cli_pdf_without_chromium_fails_before_building(tmp_path, monkeypatch, capsys):
    from scamgeo import cli
    from scamgeo.briefs import _pdf

    monkeypatch.setattr(_pdf, "CHROMIUM", str(tmp_path / "nope"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("SCAMGEO_CHROMIUM", raising=False)
    code = cli.main(["brief", "04-hub-brief", "-o", str(tmp_path / "out"), "--pdf"])
    assert code != 0
    assert "needs Chromium" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing built
