"""The import rules of DESIGN.md, checked on the source with ast (nothing is imported).

- no import cycle among scamgeo's modules (a lazy import inside a function counts);
- no module imports names from its own package's ``__init__``;
- no package reaches into another package's private modules (``scamgeo.cli`` may use
  ``scamgeo.briefs`` but not ``scamgeo.briefs._batch``);
- ``geo``, ``io`` and ``stats`` never import ``scale`` (scale registers itself with them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import scamgeo

ROOT = Path(scamgeo.__file__).resolve().parent


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(ROOT.rglob("*.py")) if "_data" not in p.parts}


def _package(module: str) -> str:
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _imports(module: str) -> Iterator[tuple[int, str, bool]]:
    """(line, the scamgeo module imported, whether names were taken from a package __init__)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [(a.name, False) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(module).split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = []
            for alias in node.names:
                full = f"{source}.{alias.name}"
                targets.append((full, False) if full in MODULES else (source, True))
        else:
            continue
        for target, from_init in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("scamgeo") and target != module:
                yield node.lineno, target, from_init and MODULES[target].name == "__init__.py"


GRAPH = {m: {t for _, t, _ in _imports(m)} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    group = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        group.append(w)
                        if w == v:
                            break
                    if len(group) > 1:
                        out.append(sorted(group))
    return out


def test_the_graph_is_read():
    assert len(MODULES) > 80
    assert "scamgeo.geo._nearest" in GRAPH["scamgeo.geo"]
    assert "scamgeo._dask" in GRAPH["scamgeo.geo._nearest"]


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    planted = {m: set(t) for m, t in GRAPH.items()}
    planted["scamgeo.geo._crs"].add("scamgeo.scale")  # geo -> scale -> geo
    found = _cycles(planted)
    assert len(found) == 1
    assert {"scamgeo.geo._crs", "scamgeo.scale", "scamgeo.scale._geo"} <= set(found[0])


IMPORTS = {m: list(_imports(m)) for m in MODULES}


def _violations(imports: dict[str, list[tuple[int, str, bool]]]) -> list[str]:
    bad = []
    for module, found in imports.items():
        package = _package(module)
        where = MODULES[module].relative_to(ROOT.parent)
        for line, target, from_init in found:
            parts = target.split(".")
            for i, part in enumerate(parts):
                if part.startswith("_"):
                    owner = ".".join(parts[:i])  # the package the private module belongs to
                    if not (package == owner or package.startswith(owner + ".")):
                        bad.append(f"{where}:{line}: {module} imports {target}, private to {owner}")
                    break
            if from_init and target == package and MODULES[module].name != "__init__.py":
                bad.append(f"{where}:{line}: {module} imports its own package's __init__")
    return bad


def test_no_package_reaches_into_another_packages_private_modules():
    assert _violations(IMPORTS) == []


def test_the_rule_finds_planted_violations():
    planted = {
        "scamgeo.cli": [(1, "scamgeo.briefs._batch", False)],  # another package's private module
        "scamgeo.briefs._batch": [(2, "scamgeo.briefs", True)],  # its own package's __init__
        "scamgeo.geo._crs": [(3, "scamgeo._inputs", False)],  # the core's private module: allowed
        "scamgeo.briefs._execute": [(4, "scamgeo.briefs._cache", False)],  # a sibling: allowed
    }
    found = _violations(planted)
    assert len(found) == 2
    assert "scamgeo.cli imports scamgeo.briefs._batch, private to scamgeo.briefs" in found[0]
    assert "scamgeo.briefs._batch imports its own package's __init__" in found[1]


@pytest.mark.parametrize("package", ["geo", "io", "stats"])
def test_the_in_memory_packages_never_import_scale(package):
    prefix = f"scamgeo.{package}"
    users = sorted(
        m
        for m, targets in GRAPH.items()
        if (m == prefix or m.startswith(prefix + "."))
        and any(t == "scamgeo.scale" or t.startswith("scamgeo.scale.") for t in targets)
    )
    assert users == []


def test_scale_registers_a_version_of_every_function_that_hands_over_dask_frames():
    """Every in-memory function that asks for scale's version has one once scale is imported."""
    pytest.importorskip("dask_geopandas")
    import scamgeo.scale  # noqa: F401
    from scamgeo._dask import registered

    asked = set()
    for module, path in MODULES.items():
        if module == "scamgeo._dask":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"dask_version", "scale_version"}
                and isinstance(node.args[0], ast.Name)
            ):
                asked.add(f"{module.rsplit('.', 1)[0]}.{node.args[0].id}")
    have = {f"{f.__module__.rsplit('.', 1)[0]}.{f.__name__}" for f in registered()}
    assert len(asked) >= 7
    assert asked <= have, sorted(asked - have)
