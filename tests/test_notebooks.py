"""Every notebook and named run executes into a correct, code-free brief that renders offline."""

from __future__ import annotations

import ast
import html
import json
import re
import warnings
from pathlib import Path

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
        "06-sources",
    ]
    named = {j.run for j in JOBS if j.parameters}
    assert {
        "04-hub-brief--poipet",
        "04-hub-brief--o-smach",
        "04-hub-brief--thmor-da",
        "01-border-clashes--july-war",
        "01-border-clashes--december-war",
        "06-sources--sides-july-war",
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
            # thin: a few statements (ruff format spreads a long call over many lines), no
            # if-statements (a conditional expression at most); ruff format checks the layout
            assert len(tree.body) <= 4, cell.source
            # only a cell's last expression is shown: a map or a table before it would be lost
            lost = [
                ast.unparse(st)[:80]
                for st in tree.body[:-1]
                if isinstance(st, ast.Expr)
                and re.search(r"display_map\(|display\.table\(", ast.unparse(st))
            ]
            assert not lost, lost
            assert not any(isinstance(n, ast.If | ast.While) for n in ast.walk(tree)), cell.source


_SKIP = re.compile(
    r"<(script|style|iframe)\b.*?</\1>|data:image/[a-z]+;base64,[A-Za-z0-9+/=]+"
    # the parameters annex shows each value as -p takes it, and the data dictionary names fields
    r"|<section[^>]*id=.parameters.*?</section>|<table[^>]*><caption>Columns of each table.*?</table>",
    re.S | re.I,
)
_PROBLEMS = {
    "missing value": re.compile(r"\b(NaN|NaT|nan)\b|&lt;NA&gt;|<NA>|>\s*None\s*<"),
    "Python repr": re.compile(r"\{'|\['|dtype:|Timestamp\(|\d+ rows × \d+ columns|<bound method"),
    "long float": re.compile(r"(?<![\w.])\d+\.\d{5,}(?![\w.])"),
    # column headers only: the parameters annex names each parameter (as -p takes it) in a row
    "field name as header": re.compile(
        r"<th(?![^>]*scope)[^>]*>\s*[a-z][a-z0-9]*_[a-z0-9_]+\s*</th>"
    ),
    # model codes, field values, build remarks and reprs a reader once saw (issue 25); grows
    # as new ones are found
    "residue": re.compile(
        r"alpha = \d|\bLR test\b|\bAIC\b|scamgeo\.stats\.|poisson[ _]hc|negative_binomial|"
        r"baseline_level|events_per_day\[|claimed by independent|\bcasino_hub\b|"
        r"Location precision \d|sq10km_|\bin_shelters\b|returned \| stock|chosen so the brief|"
        r"make data|None for both|&lt;Axes|<Axes|&lt;Figure|<Figure size|\bp p =|0\.0×"
    ),
    "developer string": re.compile(
        # local paths, not a URL's path (https://example.org/home/ is fine)
        r"\d{4}-\d\d-\d\d\.\.\d{4}|day\(s\)|Traceback|Warning:|site-packages|(?<![\w.])/(?:work|home)/"
    ),
}


def text_problems(page: str) -> list[str]:
    """What a reader should never see on a page (maps, scripts and images left out)."""
    visible = _SKIP.sub(" ", page)
    found = []
    for what, pattern in _PROBLEMS.items():
        for m in pattern.finditer(visible):
            found.append(f"{what}: {visible[max(0, m.start() - 60) : m.end() + 60]!r}")
    return found


def test_text_problems_finds_what_it_should():
    bad = "<td>NaN</td><p>{'a': 1}</p><td>0.123456789</td><th>event_date</th><td>None</td>"
    assert len(text_problems(bad)) == 5
    residue = "<p>model: scamgeo.stats.count_model</p><td>sq10km_47_160</td><p>ran at 0.0× the</p>"
    assert len(text_problems(residue)) == 3
    good = "<td>0.12</td><th>Date</th><p>None of the 12 claims</p><script>x=0.123456789</script>"
    good += '<a href="https://transbordernews.in.th/home/?p=44233">link</a>'
    assert text_problems("<pre>/home/me/x.py: Warning: x</pre>")
    assert text_problems(good) == []


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
    # structure for a reader: title, window line, summary first, annexes, sources last
    assert page.count("<h1") == 1 and "sg-window" in page
    marks = ["<h1", 'id="summary"', 'id="methods"', 'id="parameters"', 'class="sg-footer"']
    at = [page.replace("'", '"').find(m) for m in marks]
    assert -1 not in at and at == sorted(at), dict(zip(marks, at, strict=True))
    body = page.replace("'", '"')
    first_section = body.find("<h2", body.find('id="summary"') + 1)
    assert body.find('id="summary"') < first_section  # summary before the analysis
    summary_html = re.split(r"id=[\"']summary[\"']", page)[1].split("</section>")[0]
    sentences = re.findall(r"<li>(.*?)</li>", summary_html)
    assert 2 <= len(sentences) <= 6, sentences
    # parameter annex with the run's values (shown as words, never as paths)
    assert "Parameters of this run" in page
    for name in job.parameters:
        assert f">{name}</th>" in page, name
    # the key figures' texts are on the page verbatim, and make up the summary
    figures = executed.metadata["scamgeo"]["key_figures"]
    texts = [f["text"] for f in figures if f.get("text")]
    assert texts, "no key figure with a text"
    shown = html.unescape(page)
    for text in texts:
        assert text in shown, text
    assert [html.unescape(x) for x in sentences] == executed.metadata["scamgeo"]["summary"][
        "sentences"
    ]
    assert not text_problems(page), text_problems(page)
    assert "Sources, licences and credits" in page and "Made with Natural Earth" in page
    assert summary["key_figures"], "the notebook recorded no key figures"
    assert summary["parameters"] == briefs.validate_parameters(job.notebook, job.parameters)
    # nothing fetched from the network when reading the brief
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)
    # every cell that draws a chart shows one, and every map cell a map with its print image
    # (a map's print image once switched pyplot to Agg, and every later chart vanished)
    # (a cell "X if data else a note" may rightly show the note instead)
    for cell in executed.cells:
        if cell.cell_type != "code" or " else " in cell.source:
            continue
        data = [o.get("data", {}) for o in cell.outputs]
        if "sg.charts." in cell.source:
            assert any("image/png" in d for d in data), cell.source[:200]
        if "display_map(" in cell.source:
            assert any("scamgeo-map-print" in d.get("text/html", "") for d in data), cell.source


def _figures(path: Path) -> dict:
    """RUN.json's key figures (a list of {name, value, text, ...}) by name."""
    return {f["name"]: f["value"] for f in json.loads(path.read_text())["key_figures"]}


@pytest.mark.slow
@pytest.mark.xdist_group("briefs")
def test_key_figures_are_real_numbers(built):
    out, _ = built
    catalogue = _figures(out / "05-data-catalogue.json")
    record = catalogue["record"]
    assert record["rows"]["events"] >= 150 and record["sources"] >= 100
    assert record["incidents"] < record["rows"]["events"]  # claims grouped into incidents
    clashes = _figures(out / "01-border-clashes.json")
    july = _figures(out / "01-border-clashes--july-war.json")
    assert clashes["incidents"] > july["incidents"] > 0
    assert clashes["peak_rate_ratio"] > 1  # the busiest phase against the quietest
    hubs = _figures(out / "02-casino-hubs.json")["hub_tests"]
    assert 0 < hubs["against_places"] <= 1 and 0 < hubs["against_band"] <= 1
    poipet = _figures(out / "04-hub-brief--poipet.json")
    assert poipet["site"] == "poipet" and poipet["incidents_within_radius"] > 0
    # an empty selection builds a brief that says so, instead of failing
    bavet = _figures(out / "04-hub-brief--bavet.json")
    assert bavet["site"] == "bavet" and bavet["incidents_within_radius"] == 0
    page = (out / "04-hub-brief--bavet.html").read_text()
    assert "No fighting is recorded within 30 km of Bavet" in page


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


# --- every reasonable question runs (issue 14 item 1) ------------------------------------------
# One kernel per notebook runs the grid in-process (nbclient): the notebook's cells with the
# parameters cell replaced by each case's values, so scamgeo is imported once per notebook.

PHASE_WINDOWS = {  # a window inside each phase of the war, and one across none of its events
    "may_crisis": ("2025-06-01", "2025-07-20"),
    "july_war": ("2025-07-24", "2025-07-28"),
    "truce": ("2025-08-01", "2025-11-30"),
    "december_war": ("2025-12-07", "2025-12-26"),
    "post_ceasefire": ("2026-01-01", "2026-02-28"),
}
DISPLACEMENT_GRID = [
    {"country": c, "metric": m}
    for c in (None, "THA", "KHM")
    for m in ("evacuated", "in_shelters", "displaced_total", "remaining", "returned")
] + [  # a map date before any figure, and one after the last: a note, not a failure
    {"country": "THA", "metric": "in_shelters", "as_of": "2025-01-01"},
    {"country": None, "metric": "in_shelters", "as_of": "2026-11-01"},
]


def _site_ids() -> list[str]:
    from scamgeo import datasets

    return list(datasets.sites().index)


@pytest.fixture(scope="module")
def kernels():
    """A started kernel per notebook, shared by that notebook's grid cases."""
    import contextlib

    from nbclient import NotebookClient

    clients: dict = {}
    with contextlib.ExitStack() as stack:

        def client_for(stem):
            if stem not in clients:
                nb = nbformat.read(str(briefs.notebook_path(stem)), as_version=4)
                client = NotebookClient(nb, kernel_name="python3", timeout=300)
                stack.enter_context(client.setup_kernel())
                clients[stem] = client
            return clients[stem]

        yield client_for


def _run(client, stem, params):
    """Execute the notebook with ``params`` in the shared kernel; return its HTML outputs."""
    nb = nbformat.read(str(briefs.notebook_path(stem)), as_version=4)
    reset = (  # a fresh brief in the shared kernel: no figures of the last case, no open charts
        "import matplotlib.pyplot as _plt\nimport scamgeo.briefs._api as _a\n"
        "_plt.close('all'); _a._FIGURES.clear(); _a._ATTRIBUTIONS.clear()\n"
    )
    cells = [nbformat.v4.new_code_cell(reset)]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            cells.append(cell)  # the defaults, then the case's values on top (as papermill does)
            cells.append(
                nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in params.items()))
            )
        else:
            cells.append(cell)
    client.nb = nbformat.v4.new_notebook(cells=cells)
    for i, cell in enumerate(cells):
        client.execute_cell(cell, i)
    return "".join(  # HTML outputs and printed text (warnings included): what the page shows
        "".join(out.get("data", {}).get("text/html", "")) + "".join(out.get("text", ""))
        for cell in cells
        for out in cell.get("outputs", [])
    )


def _check_case(markup: str) -> None:
    assert "id='summary'" in markup and "<h1>" in markup and "class='sg-footer'" in markup
    assert not text_problems(markup), text_problems(markup)


@pytest.mark.slow
@pytest.mark.parametrize("site", _site_ids())
def test_every_site_gets_a_hub_brief(kernels, site):
    markup = _run(kernels("04-hub-brief"), "04-hub-brief", {"site": site})
    _check_case(markup)


@pytest.mark.slow
@pytest.mark.parametrize("window", PHASE_WINDOWS.values(), ids=list(PHASE_WINDOWS))
def test_border_clashes_inside_each_phase(kernels, window):
    start, end = window
    markup = _run(kernels("01-border-clashes"), "01-border-clashes", {"start": start, "end": end})
    _check_case(markup)
    if window == PHASE_WINDOWS["truce"]:
        assert "Only the truce falls in this window" in markup


@pytest.mark.slow
def test_border_clashes_in_a_window_without_events(kernels):
    markup = _run(
        kernels("01-border-clashes"),
        "01-border-clashes",
        {"start": "2025-01-01", "end": "2025-03-31"},
    )
    _check_case(markup)
    assert "No fighting is recorded from 1 January 2025 to 31 March 2025" in markup


@pytest.mark.slow
def test_casino_hubs_names_the_site_kinds_asked_for(kernels):
    markup = _run(
        kernels("02-casino-hubs"),
        "02-casino-hubs",
        {"site_kinds": ["scam_compound"], "radius_km": 1.0, "permutations": 99},
    )
    _check_case(markup)
    assert "within 1 km of a scam compound" in markup and "casino hub or casino" not in markup


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", DISPLACEMENT_GRID, ids=lambda c: "-".join(str(v) for v in c.values())
)
def test_every_displacement_combination(kernels, case):
    markup = _run(kernels("03-displacement"), "03-displacement", case)
    _check_case(markup)
    if case.get("as_of"):
        assert "so there is nothing to map on that date" in markup


@pytest.mark.slow
def test_site_without_coordinates_says_so(kernels):
    markup = _run(kernels("04-hub-brief"), "04-hub-brief", {"site": "golden-fortune-park"})
    assert "has no coordinates in the record" in markup


IO_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"


@pytest.mark.slow
@pytest.mark.parametrize("window", PHASE_WINDOWS.values(), ids=list(PHASE_WINDOWS))
def test_sources_inside_each_phase(kernels, window):
    start, end = window
    markup = _run(kernels("06-sources"), "06-sources", {"start": start, "end": end})
    _check_case(markup)
    assert "the record&#x27;s Thai claims are set against its Cambodian claims" in markup or (
        "the record's Thai claims are set against its Cambodian claims" in markup
    )


@pytest.mark.slow
def test_sources_on_the_analysts_acled_and_ucdp_files(kernels):
    files = {
        "acled_file": str(IO_FIXTURES / "acled_export.csv"),
        "ucdp_file": str(IO_FIXTURES / "ucdp_ged.csv"),
    }
    markup = html.unescape(_run(kernels("06-sources"), "06-sources", files))
    _check_case(markup)
    assert "Sources side by side: scamgeo record, ACLED, UCDP" in markup
    assert "ACLED and UCDP share 4 incidents (4 only in ACLED, 1 only in UCDP)" in markup
    assert (
        "Armed Conflict Location &amp; Event Data" in markup or "Armed Conflict Location" in markup
    )


@pytest.mark.slow
def test_sources_in_a_window_without_events(kernels):
    markup = _run(kernels("06-sources"), "06-sources", {"start": "2025-01-01", "end": "2025-03-01"})
    _check_case(markup)
    assert "Every event of every source has a partner" in markup


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["acled_export.csv", "acled_export_2025.csv", "ucdp_ged.csv", "ucdp_ged191.csv"]
)
def test_border_clashes_brief_on_the_analysts_own_file(tmp_path, name):
    """Issue 21: a brief on an ACLED export said 'No incidents' beside 4 incidents; each row of a
    source without incident ids is its own incident, the page credits the source and shows no
    local path or raw warning."""
    from scamgeo import load_events, vocab

    path = IO_FIXTURES / name
    if not path.is_file():
        pytest.skip(f"no fixture {name}")
    work = tmp_path / "my files"
    work.mkdir()
    own = work / name
    own.write_bytes(path.read_bytes())
    result = briefs.run_brief(
        "01-border-clashes", parameters={"event_source": str(own)}, output_dir=tmp_path / "out"
    )
    page = result.html.read_text()
    figures = json.loads(result.figures.read_text())
    shown = {k["name"]: k for k in figures["key_figures"]}
    with warnings.catch_warnings():  # the reader's notes on the file (the brief shows them)
        warnings.simplefilter("ignore")
        events = load_events(own, countries=["THA", "KHM"], start="2025-05-28", end="2026-02-28")
    fighting = events[events["event_type"].isin(vocab.FIGHTING_TYPES)]
    assert shown["incidents"]["value"] == len(fighting) > 0
    visible = html.unescape(_SKIP.sub(" ", page))  # the text a reader sees, not Leaflet's code
    assert f"in the {'ACLED' if 'acled' in name else 'UCDP GED'} file {name}" in visible
    assert "No fighting is recorded" not in visible and "infinite" not in visible
    assert str(work) not in page and str(tmp_path) not in page
    assert "Warning:" not in page and "Traceback" not in page
    assert figures["parameters"]["event_source"] == name
    assert not text_problems(page), text_problems(page)
