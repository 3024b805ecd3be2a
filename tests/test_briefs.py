"""The briefs runner: parameters, execution, HTML, atomic outputs, batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scamgeo
from scamgeo import briefs

FAILING = Path(__file__).parent / "fixtures" / "briefs" / "90-fails-on-demand.ipynb"


def test_read_parameters_types_defaults_and_help():
    spec = briefs.read_parameters(FAILING)
    assert list(spec.parameters) == ["fail", "label", "start", "end"]
    assert spec.parameters["fail"].type == "bool"
    assert spec.parameters["start"].default == "2025-07-24"
    assert spec.parameters["label"].help == "free text shown in the brief"


def test_every_notebook_has_a_valid_parameters_cell():
    notebooks = briefs.list_notebooks()
    assert len(notebooks) >= 1
    for nb in notebooks:
        spec = briefs.read_parameters(nb)
        assert spec.parameters, nb
        # defaults pass their own validation
        assert briefs.validate_parameters(nb) == spec.defaults


def test_unknown_parameter_suggests_closest():
    with pytest.raises(
        scamgeo.ParameterError, match=r"unknown parameter 'lable' \(did you mean 'label'\?\)"
    ):
        briefs.validate_parameters(FAILING, {"lable": "x"})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"fail": "perhaps"}, r"fail='perhaps' is not a valid bool"),
        ({"start": "24/07/2025"}, r"start='24/07/2025' is not a date; use YYYY-MM-DD"),
        (
            {"start": "2025-07-28", "end": "2025-07-24"},
            r"end='2025-07-24' is before start='2025-07-28'",
        ),
        ({"end": "2031-01-01"}, r"outside the data's range"),
    ],
)
def test_bad_values_rejected_before_execution(values, message):
    with pytest.raises(scamgeo.ParameterError, match=message):
        briefs.validate_parameters(FAILING, values)


def test_semantic_rules():
    assert briefs.check(radius_km=5, permutations=10, site="poipet")["site"] == "poipet"
    with pytest.raises(scamgeo.ParameterError, match="radius_km must be > 0"):
        briefs.check(radius_km=-1)
    with pytest.raises(
        scamgeo.ParameterError, match="site: no site is called 'poipett'. Did you mean 'poipet'"
    ):
        briefs.check(site="poipett")
    with pytest.raises(scamgeo.ParameterError, match="Allowed: 'THA', 'KHM'"):
        briefs.check(country="Thailand")
    with pytest.raises(scamgeo.ParameterError, match="'Skirmishes' not allowed"):
        briefs.check(event_types=["Battles", "Skirmishes"])
    with pytest.raises(scamgeo.ParameterError, match="use 'embedded' or the path"):
        briefs.check(event_source="/nonexistent/acled.csv")


def test_coercion_from_cli_strings():
    got = briefs.validate_parameters(FAILING, {"fail": "true", "label": 42})
    assert got["fail"] is True and got["label"] == "42"


def test_named_run_files(tmp_path):
    good = tmp_path / "x.yaml"
    good.write_text(
        "notebook: 05-data-catalogue\ntitle: Events only\nparameters:\n  tables: [events]\n"
    )
    assert briefs.load_named_run(good) == (
        "05-data-catalogue",
        "Events only",
        {"tables": ["events"]},
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("notebook: 05-data-catalogue\nparams: {}\n")
    with pytest.raises(scamgeo.ParameterError, match="unknown key"):
        briefs.load_named_run(bad)
    with pytest.raises(scamgeo.DataSourceError, match="no such parameters file"):
        briefs.load_named_run(tmp_path / "missing.yaml")


def test_every_named_run_is_valid():
    for job in briefs.jobs_for_all():
        briefs.validate_parameters(job.notebook, job.parameters)


@pytest.mark.slow
def test_failed_run_keeps_last_good_brief_and_names_cell(tmp_path):
    ok = briefs.run_brief(
        FAILING, parameters={"label": "good <b>run</b>"}, output_dir=tmp_path, run="t"
    )
    assert ok.status == "ok"
    before = (tmp_path / "t.html").read_bytes()
    figures = json.loads((tmp_path / "t.json").read_text())["key_figures"]
    assert {f["name"]: f["value"] for f in figures} == {"label": "good <b>run</b>", "days": 4}
    with pytest.raises(briefs.BriefError) as err:
        briefs.run_brief(
            FAILING, parameters={"fail": True, "label": "bad"}, output_dir=tmp_path, run="t"
        )
    assert err.value.cell_index == 7
    assert "cell 7 (section 'The failing section') failed with RuntimeError: asked to fail" in str(
        err.value
    )
    assert (tmp_path / "t.html").read_bytes() == before
    assert json.loads((tmp_path / "t.json").read_text())["parameters"]["label"] == "good <b>run</b>"
    assert (tmp_path / "t.failed.ipynb").is_file()
    # no scratch folders or temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".build",  # the build record of the good run
        "t.failed.ipynb",
        "t.html",
        "t.ipynb",
        "t.json",
    ]


@pytest.mark.slow
def test_html_has_no_code_and_escapes_parameters(tmp_path):
    briefs.run_brief(
        FAILING, parameters={"label": "<script>alert(1)</script>"}, output_dir=tmp_path, run="h"
    )
    page = (tmp_path / "h.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "sg.briefs.check" not in page  # no code
    assert "Parameters of this run" in page
    assert "Sources, licences and credits" in page
    assert "Made with Natural Earth" in page
    assert 'src="http' not in page  # nothing fetched from a CDN
    assert "label is" in page  # the printed output stays


@pytest.mark.slow
def test_batch_continues_after_a_failure(tmp_path):
    jobs = [
        briefs.Job(str(FAILING), "a", {"label": "A"}),
        briefs.Job(str(FAILING), "b", {"fail": True}),
        briefs.Job(str(FAILING), "c", {"lable": "typo"}),
    ]
    seen = []
    results = briefs.run_batch(
        jobs, output_dir=tmp_path, jobs_at_once=2, progress=lambda d, t, r: seen.append((d, t))
    )
    assert [r.status for r in results] == ["ok", "failed", "invalid"]
    assert "did you mean 'label'" in results[2].error
    assert results[1].failed_cell == 7
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [r["status"] for r in manifest["runs"]] == ["ok", "failed", "invalid"]
    assert "packages" in manifest and "data" in manifest
    index = (tmp_path / "index.html").read_text()
    assert "href='a.html'" in index and "href='b.html'" not in index
    assert sorted(seen)[-1] == (3, 3)


@pytest.mark.slow
def test_executor_is_pluggable(tmp_path):
    """Any concurrent.futures-style executor runs the batch (a dask Client has the same submit API)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [
        briefs.Job(str(FAILING), "x", {"label": "X"}),
        briefs.Job(str(FAILING), "y", {"label": "Y"}),
    ]
    spawn = multiprocessing.get_context("spawn")  # a differently made pool than the default one
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        results = briefs.run_batch(jobs, output_dir=tmp_path, executor=pool)
    assert [r.status for r in results] == ["ok", "ok"]
    assert [r.key_figures["label"] for r in results] == ["X", "Y"]


def test_cli_one_line_errors(capsys):
    from scamgeo import cli

    assert cli.main(["brief", "data-catalogue", "-p", "tabels", "[events]"]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err.count("\n") == 0
        and err.startswith("scamgeo: error: ")
        and "did you mean 'tables'" in err
    )
    assert cli.main(["brief", "no-such-notebook"]) == 2
    assert "not found" in capsys.readouterr().err
    assert cli.main(["briefs", "--only", "nope"]) == 2
    assert "unknown run(s)" in capsys.readouterr().err


def test_cli_help_documents_every_subcommand(capsys):
    from scamgeo import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for sub in ("list", "brief", "briefs"):
        assert sub in out
    for sub in ("brief", "briefs"):
        with pytest.raises(SystemExit):
            cli.main([sub, "--help"])
        assert "--output" in capsys.readouterr().out


def test_check_coerces_like_the_command_line():
    with pytest.raises(
        scamgeo.ParameterError, match="parameter radius_km='abc' is not a valid float"
    ):
        briefs.check(radius_km="abc")
    assert briefs.check("02-casino-hubs", radius_km="20", permutations="99") == {
        "radius_km": 20.0,
        "permutations": 99,
    }
    with pytest.raises(scamgeo.ParameterError, match="start='01-07-2025' is not a date"):
        briefs.check("04-hub-brief", start="01-07-2025")
    with pytest.raises(scamgeo.ParameterError, match="unknown parameter 'seed'"):
        briefs.check("04-hub-brief", seed=1)


def test_rules_are_per_notebook_not_per_name():
    # 04 checks its site against the data; 02 declares no site parameter at all
    with pytest.raises(scamgeo.ParameterError, match="no site is called"):
        briefs.validate_parameters("04-hub-brief", {"site": "atlantis"})
    # a notebook without declared rules only gets type coercion
    briefs.register_rules("99-scratch", {})
    try:
        spec = briefs.read_parameters(FAILING)
        got = briefs.validate_parameters(
            briefs.ParameterSpec(FAILING.with_name("99-scratch.ipynb"), spec.parameters),
            {"start": "whenever"},
        )
        assert got["start"] == "whenever"
    finally:
        briefs.NOTEBOOK_RULES.pop("99-scratch")
    with pytest.raises(scamgeo.ParameterError, match="rule 'dat' .* Did you mean 'date'"):
        briefs.register_rules("99-scratch", {"start": "dat"})


def test_hub_brief_validates_every_site():
    for site in scamgeo.datasets.sites("casino_hub").index:
        assert briefs.validate_parameters("04-hub-brief", {"site": site})["site"] == site
