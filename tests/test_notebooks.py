"""Every notebook and named run executes into a correct, code-free brief that renders offline."""

from __future__ import annotations

import ast
import html
import json
import re

import nbformat
import pytest
from _browser import CHROMIUM, chromium

from scamgeo import briefs

NOTEBOOKS = briefs.list_notebooks()
JOBS = briefs.jobs_for_all()


def test_the_expected_notebooks_and_runs_exist():
    assert [nb.stem for nb in NOTEBOOKS] == [
        "01-border-clashes",
        "02-casino-hubs",
        "03-displacement",
        "04-hub-brief",
        "05-data-catalogue",
    ]
    named = {j.run for j in JOBS if j.parameters}
    assert {
        "04-hub-brief--poipet",
        "04-hub-brief--o-smach",
        "04-hub-brief--thmor-da",
        "01-border-clashes--july-war",
        "01-border-clashes--december-war",
    } <= named


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_clean_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), (
        "outputs must be stripped"
    )
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(
            isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda) for n in ast.walk(tree)
        ), cell.source
        assert (
            "open(" not in cell.source
            and "read_csv" not in cell.source
            and "/" not in _strings(tree)
        )
        if "parameters" not in cell.metadata.get("tags", []):
            assert len([ln for ln in cell.source.splitlines() if ln.strip()]) <= 4, cell.source


def _strings(tree: ast.AST) -> str:
    """Concatenated string constants that look like paths (f-strings' text parts excluded)."""
    return " ".join(
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and (
            "/" in n.value
            and not n.value.startswith(("Air/", "Explosions/", "Shelling/", "Remote ", "Looting/"))
        )
    )


@pytest.fixture
def built(built_briefs):
    return built_briefs  # built once per session (tests/conftest.py)


@pytest.mark.slow
@pytest.mark.xdist_group("briefs")
def test_every_brief_builds(built):
    out, results = built
    failed = [(r.run, r.error) for r in results if r.status != "ok"]
    assert not failed
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["runs"]) == len(JOBS)
    index = (out / "index.html").read_text()
    for job in JOBS:
        assert f"href='{job.run}.html'" in index


@pytest.mark.slow
@pytest.mark.xdist_group("briefs")
@pytest.mark.parametrize("job", JOBS, ids=lambda j: j.run)
def test_brief_content(built, job):
    out, _ = built
    page = (out / f"{job.run}.html").read_text()
    executed = nbformat.read(out / f"{job.run}.ipynb", as_version=4)
    summary = json.loads((out / f"{job.run}.json").read_text())
    # no code, no errors
    assert 'jp-InputArea-editor" data-type="inline"' not in page and "import scamgeo" not in page
    assert not any(
        o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", [])
    )
    assert "Traceback" not in page
    assert "No description has been provided" not in page  # every chart has alternative text
    # parameter table with the run's values, footer, key figures
    assert "Parameters of this run" in page
    for name, value in job.parameters.items():
        assert json.dumps(value, default=str) in html.unescape(page), name
    assert "Sources, licences and credits" in page and "Made with Natural Earth" in page
    assert summary["key_figures"], "the notebook recorded no key figures"
    assert summary["parameters"] == briefs.validate_parameters(job.notebook, job.parameters)
    # nothing fetched from the network when reading the brief
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)


@pytest.mark.slow
@pytest.mark.xdist_group("briefs")
def test_key_figures_are_real_numbers(built):
    out, _ = built
    catalogue = json.loads((out / "05-data-catalogue.json").read_text())["key_figures"]
    assert catalogue["rows"]["events"] >= 150 and catalogue["distinct_sources"] >= 100
    clashes = json.loads((out / "01-border-clashes.json").read_text())["key_figures"]
    july = json.loads((out / "01-border-clashes--july-war.json").read_text())["key_figures"]
    assert clashes["events"] > july["events"] > 0
    assert clashes["irr"]["july_war"] > 1  # the July war was more intense than the May crisis
    hubs = json.loads((out / "02-casino-hubs.json").read_text())["key_figures"]["hub_test"]
    assert 0 < hubs["p_value"] <= 1 and hubs["n_strikes"] > 10
    poipet = json.loads((out / "04-hub-brief--poipet.json").read_text())["key_figures"]
    assert poipet["site"] == "poipet" and poipet["events_within_radius"] > 0
    # an empty selection builds a brief that says so, instead of failing
    bavet = json.loads((out / "04-hub-brief--bavet.json").read_text())["key_figures"]
    assert bavet["site"] == "bavet" and bavet["events_within_radius"] == 0
    page = (out / "04-hub-brief--bavet.html").read_text()
    assert "No events within 30 km of Bavet" in page


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("briefs")
@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (CI's .ci/run installs it)"
)
@pytest.mark.parametrize("run", ["01-border-clashes", "03-displacement", "04-hub-brief--poipet"])
def test_brief_renders_maps_and_figures_offline(built, run, tmp_path):
    out, _ = built
    page = out / f"{run}.html"
    dom = chromium(page, tmp_path / "a", "--dump-dom").stdout
    assert dom.count("<img") >= 1 and "data:image/png;base64" in dom  # figures are inline
    frames = re.findall(r'<iframe[^>]*?srcdoc="(.*?)"', page.read_text(), re.S)
    assert frames, "no map in the brief"
    inner = tmp_path / "map.html"
    inner.write_text(html.unescape(frames[0]))
    map_dom = chromium(inner, tmp_path / "b", "--dump-dom").stdout
    assert "leaflet-container" in map_dom
    assert map_dom.count("leaflet-interactive") >= 5  # provinces, border, points drawn as paths
    shot = tmp_path / "brief.png"
    chromium(page, tmp_path / "c", "--window-size=1280,2400", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 50_000
