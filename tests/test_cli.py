"""The command line: fast, one-line errors, run names that never clobber, a merged index."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import scamgeo
from scamgeo import cli
from scamgeo.briefs import _batch, _index
from scamgeo.briefs._execute import BriefResult

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scamgeo.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_list_is_fast_and_imports_no_executor():
    code = (
        "import sys, io, contextlib; from scamgeo.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['list'])\n"
        "print(sorted(m for m in ('nbformat', 'papermill', 'pandas', 'geopandas', 'jsonschema')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    listed = _run("list")  # its speed is measured in benchmarks/bench_briefs.py, not here
    assert listed.returncode == 0
    assert "03-displacement" in listed.stdout and "04-hub-brief--poipet" in listed.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["brief", "hub-brief", "-p", "start", "2025-02-30"],
            "start='2025-02-30' is not a calendar",
        ),
        (["brief", "hub-brief", "-p", "site", "koh-kong"], "'koh-kong-cham-yeam'"),
        (["brief", "hub-brief", "-p", "sitee", "o-smach"], "unknown parameter 'sitee'"),
        (["brief", "border-clashes", "-p", "end", "2025-13-01"], "end='2025-13-01'"),
        (["brief"], "name a notebook"),
    ],
)
def test_bad_values_give_one_line_and_exit_2(args, needle):
    out = _run(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scamgeo: error: ")
    assert needle in lines[0]
    assert "Traceback" not in out.stderr


def test_yaml_alone_is_enough_and_its_dates_are_checked(tmp_path, capsys):
    run = tmp_path / "feb.yaml"
    run.write_text("notebook: 04-hub-brief\nparameters:\n  start: 2025-02-30\n")
    assert cli.main(["brief", "-f", str(run), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "start='2025-02-30' is not a calendar date" in err
    other = tmp_path / "other.yaml"
    other.write_text("notebook: 01-border-clashes\nparameters:\n  start: 2025-07-01\n")
    assert cli.main(["brief", "hub-brief", "-f", str(other), "-o", str(tmp_path)]) == 2
    assert "is a run of '01-border-clashes'" in capsys.readouterr().err


def test_site_suggestions_search_ids_names_and_aliases():
    from scamgeo.briefs._rules import suggest_sites

    assert suggest_sites("koh-kong")[0] == "koh-kong-cham-yeam"
    assert "poipet" in suggest_sites("Paoy Paet")  # an alias, spelt as the alias
    assert suggest_sites("zzzz") == []


def test_one_off_runs_get_names_from_their_overrides():
    name = _batch.derived_run_name("hub-brief", {"radius_km": "25", "site": "o-smach"})
    assert name == "04-hub-brief--site-o-smach--radius_km-25"
    # an override equal to the default is the default brief
    assert _batch.derived_run_name("04-hub-brief", {"site": "poipet"}) == "04-hub-brief"
    assert (
        _batch.derived_run_name("01-border-clashes", {"countries": ["KHM"]})
        == "01-border-clashes--countries-khm"
    )


def _fake_brief(folder, run, notebook, parameters, *, title="", summary=()):
    (folder / f"{run}.html").write_text(f"<h1>{run}</h1>")
    (folder / f"{run}.ipynb").write_text("{}")
    (folder / f"{run}.json").write_text(
        json.dumps(
            {
                "run": run,
                "notebook": notebook,
                "parameters": parameters,
                "title": title,
                "summary": list(summary),
            }
        )
    )
    return BriefResult(run, notebook, "ok", parameters, 1.0)


def test_a_different_run_is_not_overwritten_without_force(tmp_path):
    hub = dict(site="poipet", radius_km=30.0, start="2025-05-28", end="2026-02-28")
    _fake_brief(tmp_path, "mine", "04-hub-brief", hub)
    _batch.check_clobber(tmp_path, "mine", "04-hub-brief", {})  # the same brief: fine
    with pytest.raises(scamgeo.ParameterError, match="pass --force"):
        _batch.check_clobber(tmp_path, "mine", "04-hub-brief", {"site": "o-smach"})
    out = _run("brief", "hub-brief", "-p", "site", "o-smach", "--run", "mine", "-o", str(tmp_path))
    assert out.returncode == 2 and "--force" in out.stderr and "differs in site" in out.stderr


def test_manifest_and_index_are_merged_and_describe_the_files_on_disk(tmp_path):
    hub = dict(site="poipet", radius_km=30.0, start="2025-05-28", end="2026-02-28")
    a = _fake_brief(tmp_path, "04-hub-brief", "04-hub-brief", hub)
    b = _fake_brief(
        tmp_path,
        "04-hub-brief--poipet",
        "04-hub-brief",
        hub,
        title="Poipet and the Aranyaprathet crossing",
        summary=["Nineteen events fell within 30 km of Poipet.", "Second sentence."],
    )
    c = _fake_brief(
        tmp_path, "03-displacement", "03-displacement", {"metric": "in_shelters"}, title="Shelters"
    )
    _batch.write_manifest([a, b, c], tmp_path)
    # a later batch of one run (--only) keeps the others
    _batch.write_manifest([c], tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [r["run"] for r in manifest["runs"]] == [
        "03-displacement",
        "04-hub-brief",
        "04-hub-brief--poipet",
    ]
    assert manifest["runs"][1]["files"]["html"]["name"] == "04-hub-brief.html"
    page = (tmp_path / "index.html").read_text()
    # the default hub brief and the Poipet run are the same brief: listed once, by title
    assert page.count(">Poipet and the Aranyaprathet crossing</a></h3>") == 1
    assert page.count("href='04-hub-brief.html'") == 1  # as the same brief, not a second entry
    assert page.count("<li>") == 2
    assert "Nineteen events fell within 30 km of Poipet." in page
    assert "Second sentence." not in page
    assert page.index("<h2>Casino hubs") < page.index("<h2>Displacement")
    assert "href='04-hub-brief--poipet.json'" in page
    assert "href='04-hub-brief--poipet.ipynb'" in page
    # a brief whose files are gone leaves the manifest
    for suffix in (".html", ".ipynb", ".json"):
        (tmp_path / f"04-hub-brief{suffix}").unlink()
    _batch.write_manifest([], tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [r["run"] for r in manifest["runs"]] == ["03-displacement", "04-hub-brief--poipet"]


def test_manifest_and_index_hold_no_clock_and_are_not_rewritten(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    r = _fake_brief(tmp_path, "05-data-catalogue", "05-data-catalogue", {})
    _batch.write_manifest([r], tmp_path)
    first = (tmp_path / "manifest.json").read_bytes()
    stamps = {n: (tmp_path / n).stat().st_mtime_ns for n in ("manifest.json", "index.html")}
    assert "built" not in json.loads(first)
    _batch.write_manifest([r], tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == first
    for name, stamp in stamps.items():
        assert (tmp_path / name).stat().st_mtime_ns == stamp, name
    page = (tmp_path / "index.html").read_text()
    assert "Cite as: scamgeo developers, “" in page
    assert "embedded data edition " in page


def test_index_lists_failed_runs_with_their_reason(tmp_path):
    from scamgeo.briefs._execute import BriefResult

    bad = BriefResult(
        "01-border-clashes--x",
        "01-border-clashes",
        "failed",
        {},
        1.0,
        error="brief 01-border-clashes--x: cell 7 failed with KeyError: 'incident_id'",
        failed_cell=7,
    )
    (tmp_path / "01-border-clashes--x.failed.ipynb").write_text("{}")
    _batch.write_manifest([bad], tmp_path)
    page = (tmp_path / "index.html").read_text()
    assert "Failed in the last build" in page
    assert (
        "failed at cell 7: brief 01-border-clashes--x: cell 7 failed with KeyError: &#x27;incident_id&#x27;"
        in page
    )
    assert "href='01-border-clashes--x.failed.ipynb'" in page


def test_index_themes_come_from_the_notebook_name():
    assert _index._theme("01-border-clashes") == "The border war"
    assert _index._theme("07-new-thing") == "New thing"


def test_a_reader_that_stops_early_is_not_an_error():
    """`scamgeo list | head -1`: no traceback, exit 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "scamgeo.cli", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command writes anything
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err


# --- relative paths, from another folder, as a user types them (issue 21) ---------------


def _scamgeo(*args: str, cwd) -> subprocess.CompletedProcess:
    exe = os.path.join(os.path.dirname(sys.executable), "scamgeo")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("SCAMGEO_REPORTS_DIR", None)
    return subprocess.run(
        [exe, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=900
    )


@pytest.mark.slow
@pytest.mark.browser
def test_relative_paths_from_another_folder(tmp_path):
    here = tmp_path / "work" / "today"
    here.mkdir(parents=True)
    data = tmp_path / "downloads"
    data.mkdir()
    acled = data / "my acled export.csv"
    acled.write_bytes((REPO / "tests/fixtures/io/acled_export.csv").read_bytes())

    # the default output (reports/ under the current folder) and a relative -o
    done = _scamgeo(
        "brief", "hub-brief", "-p", "site", "o-smach", "-p", "radius_km", "25", cwd=here
    )
    assert done.returncode == 0, done.stderr
    assert (here / "reports" / "04-hub-brief--site-o-smach--radius_km-25.html").is_file()
    # the reader's own file, relative to where they stand, and a PDF printed by Chromium
    done = _scamgeo(
        "brief",
        "border-clashes",
        "-p",
        "event_source",
        "../../downloads/my acled export.csv",
        "-o",
        "../out",
        "--pdf",
        cwd=here,
    )
    assert done.returncode == 0, done.stderr
    run = "01-border-clashes--event_source-my-acled-export.csv"
    out = tmp_path / "work" / "out"
    assert (out / f"{run}.html").is_file() and (out / f"{run}.pdf").is_file()
    page = (out / f"{run}.html").read_text()
    figures = json.loads((out / f"{run}.json").read_text())
    for local in (str(tmp_path), str(data), "downloads/"):
        assert local not in page, local  # no local path reaches a reader
        assert local not in json.dumps(figures), local
    assert figures["parameters"]["event_source"] == "my acled export.csv"
    assert "Traceback" not in page and "Warning:" not in page
    # the PDF prints every chart and every map (each map as its static image)
    maps = page.count('<iframe class="scamgeo-map"') + page.count("class='scamgeo-map'")
    images = len(re.findall(r"<img\b", page))
    assert maps >= 1 and page.count("scamgeo-map-print") >= maps
    pdf = (out / f"{run}.pdf").read_bytes()
    masks = len(re.findall(rb"/SMask\s+\d+\s+0\s+R", pdf))
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) - masks == images
    _reads_at_phone_width(out / f"{run}.html", tmp_path)


def _reads_at_phone_width(page: Path, tmp_path: Path) -> None:
    """At 375 px nothing widens the page: wide tables and charts scroll in their own boxes."""
    from _browser import CHROMIUM, chromium

    if CHROMIUM is None:  # pragma: no cover - CI installs it
        return
    probe = (
        "<script>window.addEventListener('load', function () {"
        "parent.postMessage(document.documentElement.scrollWidth + ' ' + "
        "document.querySelectorAll('iframe.scamgeo-map, img').length, '*');});</script>"
    )
    child = page.with_name("phone-probe.html")
    child.write_text(page.read_text().replace("</body>", probe + "</body>"))
    frame = tmp_path / "phone.html"
    frame.write_text(
        "<html><body><div id='got'></div><iframe src='" + child.as_uri() + "' "
        "style='width:375px;height:800px;border:0'></iframe><script>"
        "window.addEventListener('message', function (e) {"
        "document.getElementById('got').setAttribute('data-got', e.data); });</script>"
        "</body></html>"
    )
    dom = chromium(frame, tmp_path, "--dump-dom", "--window-size=800,900").stdout
    width, shown = (int(x) for x in re.search(r'data-got="(\d+) (\d+)"', dom).groups())
    assert shown >= 2 and width <= 375, width


def test_scheduler_goes_through_the_briefs_runner(tmp_path):
    """--scheduler opens an executor for briefs.run_batch; a bad address is one line, exit 2."""
    pytest.importorskip("dask_geopandas")
    out = _run("briefs", "--scheduler", "nowhere", "--only", "03-displacement", "-o", str(tmp_path))
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "scheduler='nowhere' is not a scheduler" in lines[0]
    assert not (tmp_path / "manifest.json").exists()
