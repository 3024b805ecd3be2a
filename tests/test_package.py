"""Package-level behaviour: cheap import, errors, version, installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

import scamgeo

REPO = Path(__file__).resolve().parents[1]


def test_version():
    assert scamgeo.__version__.count(".") == 2


def test_import_is_cheap():
    code = "import sys, scamgeo; heavy = [m for m in ('geopandas', 'statsmodels', 'folium', 'matplotlib') if m in sys.modules]; print(heavy)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


#: run first in a subprocess: the notebook stack (the notebooks extra) cannot be imported
NO_NOTEBOOK_STACK = """
import sys, importlib.abc
STACK = ("jupyterlab", "jupyter_server", "ipykernel", "IPython", "nbclient", "nbconvert",
         "nbformat", "papermill", "jupyter_client")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in STACK:
            raise ImportError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
"""


def test_the_library_needs_no_notebook_stack(tmp_path):
    """import scamgeo, its data and functions, and briefs' listing work without the notebooks extra."""
    code = NO_NOTEBOOK_STACK + textwrap.dedent(
        """
        import scamgeo as sg
        from scamgeo import briefs, display
        assert len(sg.datasets.events()) > 100
        assert sg.geo.distance_to_border_km(sg.datasets.sites()).notna().any()
        assert "04-hub-brief" in [nb.stem for nb in briefs.list_notebooks()]
        assert briefs.validate_parameters("04-hub-brief", {"site": "poipet"})["site"] == "poipet"
        shown = display.table(sg.datasets.sites().head(3))
        assert "<table" in shown._repr_html_()
        try:
            briefs.run_batch([briefs.Job("04-hub-brief", "x")], output_dir=sys.argv[1])
        except sg.ScamgeoError as exc:
            print(exc)
        blocked = sorted(m for m in sys.modules if m.split(".")[0] in STACK)
        assert blocked == [], blocked
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    message = out.stdout.strip()
    assert message.count("\n") == 0 and 'pip install "scamgeo[notebooks]"' in message
    assert not (tmp_path / "x.html").exists()


def test_the_command_line_names_the_notebooks_extra(tmp_path):
    code = NO_NOTEBOOK_STACK + (
        "from scamgeo.cli import main; "
        f"raise SystemExit(main(['brief', 'hub-brief', '-o', {str(tmp_path)!r}]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    errors = [line for line in out.stderr.strip().splitlines() if "error" in line]
    assert len(errors) == 1 and errors[0].startswith("scamgeo: error: running briefs needs")
    assert 'pip install "scamgeo[notebooks]"' in errors[0]


def test_errors_share_a_base():
    for cls in (
        scamgeo.SchemaError,
        scamgeo.CRSError,
        scamgeo.ParameterError,
        scamgeo.DataSourceError,
    ):
        assert issubclass(cls, scamgeo.ScamgeoError)


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        scamgeo.nope  # noqa: B018


def test_lazy_api():
    assert scamgeo.find_province("Sisaket").name == "TH-33"


@pytest.mark.slow
@pytest.mark.xdist_group("wheel")
def test_wheel_installs_and_reads_data_outside_repo(tmp_path: Path):
    """Build a wheel, install it in a fresh venv (reusing this venv's packages), import elsewhere."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("scamgeo-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # Expose this environment's dependencies through a plain path entry: a path in a
    # .pth file is appended to sys.path without running that folder's own .pth hooks,
    # so the editable scamgeo of the test environment stays invisible and the wheel wins.
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "_scamgeo_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = textwrap.dedent(
        """
        import scamgeo, scamgeo.config as c
        from scamgeo import datasets
        assert "site-packages" in str(c.data_dir), c.data_dir
        print(len(datasets.provinces()), round(float(datasets.border()['length_km'].iloc[0])),
              datasets.find_province('Otar Meanchey').name, len(datasets.places()) > 40,
              len(datasets.timeline()) > 0)
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    out = subprocess.run(
        [str(py), "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["101", "824", "KH-22", "True", "True"]
