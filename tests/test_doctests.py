"""The docstring Examples run, on the embedded data (issue 11, item 6).

Every Examples section in the modules below is collected with :mod:`doctest` and run as
one test, so a changed figure in the record or a changed behaviour fails here with the
example that went stale. The same examples run with
``pytest --doctest-modules src/scamgeo/datasets.py ...`` (pyproject sets the same
option flags).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

# datasets, geo, stats, io and the shared core: the modules whose examples must run
PACKAGES = ("scamgeo.geo", "scamgeo.stats", "scamgeo.io", "scamgeo.reconcile")
MODULES = (
    "scamgeo.datasets",
    "scamgeo._inputs",
    "scamgeo._time",
    "scamgeo.vocab",
    "scamgeo.plots._frame",
    "scamgeo.briefs._cache",
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _module_names() -> list[str]:
    names = list(MODULES)
    for package in PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        names += [f"{package}.{m.name}" for m in pkgutil.iter_modules(path)]
    return sorted(names)


def _collect() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = []
    for name in _module_names():
        found += [t for t in finder.find(importlib.import_module(name)) if t.examples]
    return sorted(found, key=lambda t: t.name)


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
