"""The docstring Examples run, on the embedded data.

Every Examples section of every module of scamgeo (found by walking the package, so a
new module is collected without being listed) is run with :mod:`doctest` as one test,
so a changed figure in the record or a changed behaviour fails here with the example
that went stale. ``scamgeo.scale`` needs the optional ``scale`` extra; without it its
modules are left out and said so. Every public function and class of ``geo``, ``maps``,
``plots``, ``charts``, ``scale`` and ``datasets`` must show an example.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import pkgutil

import pytest

import scamgeo

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
HAVE_SCALE = importlib.util.find_spec("dask_geopandas") is not None
#: packages whose every public function and class shows an example
EXAMPLES_REQUIRED = ("geo", "maps", "plots", "charts", "scale", "datasets")


def _module_names() -> list[str]:
    """Every module of scamgeo (scamgeo.scale and its modules only with the scale extra)."""
    names = ["scamgeo"]
    for info in pkgutil.walk_packages(scamgeo.__path__, prefix="scamgeo."):
        if info.name.startswith("scamgeo.scale") and not HAVE_SCALE:
            continue
        names.append(info.name)
    return sorted(names)


def _collect() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = []
    for name in _module_names():
        module = importlib.import_module(name)
        found += [
            t
            for t in finder.find(module)
            if t.examples and _defined_in(t, name)  # each example once, where it is written
        ]
    return sorted(found, key=lambda t: t.name)


def _defined_in(test: doctest.DocTest, module: str) -> bool:
    return test.name == module or test.name.startswith(module + ".")


DOCTESTS = _collect()


@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name.removeprefix("scamgeo.") for t in DOCTESTS])
def test_docstring_example(test: doctest.DocTest):
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=report.append, clear_globs=False)
    assert result.failed == 0, "".join(report)
    assert result.attempted == len(test.examples)


def test_at_least_twenty_examples_run_and_none_is_skipped():
    examples = [e for t in DOCTESTS for e in t.examples]
    skipped = [e.source for e in examples if e.options.get(doctest.SKIP)]
    assert skipped == []
    # the examples that call the embedded record (the issue asks for 20 and more)
    on_data = [t.name for t in DOCTESTS if any("datasets." in e.source for e in t.examples)]
    assert len(on_data) >= 20, on_data
    assert len(examples) >= 60


def test_every_module_is_searched():
    names = _module_names()
    assert {"scamgeo.maps._events", "scamgeo.charts", "scamgeo.fmt", "scamgeo._record"} <= set(
        names
    )
    assert len(names) >= 100 or not HAVE_SCALE


@pytest.mark.parametrize("package", EXAMPLES_REQUIRED)
def test_every_public_function_shows_an_example(package):
    if package == "scale" and not HAVE_SCALE:
        pytest.skip("scamgeo.scale needs the scale extra")
    module = importlib.import_module(f"scamgeo.{package}")
    without = []
    for name in module.__all__:
        obj = getattr(module, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and ">>>" not in (obj.__doc__ or ""):
            without.append(name)
    assert without == []
