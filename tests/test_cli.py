"""The command line: fast, one-line errors, run names that never clobber, a merged index."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import scamgeo
from scamgeo import cli
from scamgeo.briefs import _batch, _index
from scamgeo.briefs._execute import BriefResult


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
    assert page.count("Poipet and the Aranyaprathet crossing") == 1
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


def test_manifest_honours_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    r = _fake_brief(tmp_path, "05-data-catalogue", "05-data-catalogue", {})
    _batch.write_manifest([r], tmp_path)
    first = (tmp_path / "manifest.json").read_bytes()
    assert json.loads(first)["built"] == "2026-01-01T00:00:00+00:00"
    _batch.write_manifest([r], tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == first


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


def test_scheduler_goes_through_the_briefs_runner(tmp_path):
    """--scheduler opens an executor for briefs.run_batch; a bad address is one line, exit 2."""
    pytest.importorskip("dask_geopandas")
    out = _run("briefs", "--scheduler", "nowhere", "--only", "03-displacement", "-o", str(tmp_path))
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "scheduler='nowhere' is not a scheduler" in lines[0]
    assert not (tmp_path / "manifest.json").exists()
