"""One owner per concept: a second copy, where it can be found mechanically, fails here.

Read from the source with ast (nothing imported but the owners themselves):

- vocabulary lists live in :mod:`scamgeo.vocab` (presentation subsets in :mod:`scamgeo.style`);
- colours live in :mod:`scamgeo.style`;
- attribution and credit texts live in :mod:`scamgeo.vocab`;
- numbers and dates a reader sees are written by :mod:`scamgeo.fmt`;
- UTM zones and CRS keys are :mod:`scamgeo.geo`'s; date columns are read by ``_time``;
- a site is looked up by one rule (:func:`scamgeo.vocab.match_name`) everywhere;
- every function that counts events takes ``count=`` with one default.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import scamgeo
from scamgeo import fmt, style, vocab

SRC = Path(scamgeo.__file__).resolve().parent
FILES = {
    p.relative_to(SRC).as_posix(): p for p in sorted(SRC.rglob("*.py")) if "_data" not in p.parts
}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in FILES.items()}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant (f-string pieces included) that is not a docstring."""
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


# --- vocabularies ---------------------------------------------------------------------

VOCABULARIES = {
    name: set(values.values() if isinstance(values, dict) and name.endswith("LABELS") else values)
    for name, values in {
        "EVENT_TYPES": vocab.EVENT_TYPES,
        "SUB_EVENT_TYPES": vocab.SUB_EVENT_TYPES,
        "PHASES": vocab.PHASES,
        "PHASE_LABELS": vocab.PHASE_LABELS,
        "SITE_KINDS": vocab.SITE_KINDS,
        "SITE_KIND_LABELS": vocab.SITE_KIND_LABELS,
        "DISPLACEMENT_METRICS": vocab.DISPLACEMENT_METRICS,
        "DISPLACEMENT_METRIC_LABELS": vocab.DISPLACEMENT_METRIC_LABELS,
        "DISPLACEMENT_UNITS": vocab.DISPLACEMENT_UNITS,
        "MEASURES": vocab.MEASURES,
        "PLACE_KINDS": vocab.PLACE_KINDS,
        "VICTIM_TYPES": vocab.VICTIM_TYPES,
        "COORD_METHODS": vocab.COORD_METHODS,
        "MODEL_NAMES": vocab.MODEL_NAMES,
        "ACTORS": vocab.ACTORS,
    }.items()
}


def _vocabulary_copies(trees: dict[str, ast.AST]) -> list[str]:
    """A tuple, list or set literal holding two or more values of one vocabulary."""
    bad = []
    for name, tree in trees.items():
        if name in {"vocab.py", "style.py"}:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Tuple | ast.List | ast.Set):
                continue
            values = {
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
            for vocabulary, allowed in VOCABULARIES.items():
                if len(values & allowed) >= 2:
                    bad.append(f"{name}:{node.lineno}: a copy of vocab.{vocabulary}")
    return bad


def test_vocabulary_lists_live_in_vocab():
    assert _vocabulary_copies(TREES) == []


def test_a_planted_vocabulary_copy_is_found():
    planted = {"stats/_x.py": ast.parse('WARS = ("july_war", "december_war")\nONE = ("truce",)')}
    assert _vocabulary_copies(planted) == ["stats/_x.py:1: a copy of vocab.PHASES"]


# --- colours --------------------------------------------------------------------------

_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9A-Za-z])")


def _colour_copies(trees: dict[str, ast.AST]) -> list[str]:
    return sorted(
        f"{name}:{line}: {colour}"
        for name, tree in trees.items()
        if name != "style.py"
        for line, text in _strings(tree)
        for colour in _HEX.findall(text)
    )


def test_colours_live_in_style():
    assert _colour_copies(TREES) == []


def test_a_planted_colour_is_found():
    planted = {"charts.py": ast.parse('ax.plot(x, color="#0072B2")\nCSS = "a{color:#555}"')}
    assert _colour_copies(planted) == ["charts.py:1: #0072B2", "charts.py:2: #555"]


def test_the_base_map_has_one_sea():
    assert style.BASE_MAP["sea"] == style.css_colors()["sea"]
    assert len({v for k, v in style.BASE_MAP.items() if "sea" in k}) == 1


# --- attribution texts ----------------------------------------------------------------

#: a distinctive piece of each credit text vocab owns
CREDITS = {
    "ACLED_PUBLISHER": "Armed Conflict Location & Event Data",
    "UCDP_PUBLISHER": "Uppsala Conflict Data Program",
    "UCDP_ATTRIBUTION": "Georeferenced Event Dataset (GED), https://ucdp.uu.se",
    "NATURAL_EARTH_ATTRIBUTION": "Made with Natural Earth",
    "GEONAMES_ATTRIBUTION": "geonames.org",
    "EMBEDDED_ATTRIBUTION": "scamgeo curated events",
    "CURATED_ATTRIBUTION": "compiled by the scamgeo developers",
}


def _credit_copies(trees: dict[str, ast.AST]) -> list[str]:
    return [
        f"{name}:{line}: vocab.{owner}"
        for name, tree in trees.items()
        if name != "vocab.py"
        for line, text in _strings(tree)
        for owner, piece in CREDITS.items()
        if piece.lower() in text.lower()
    ]


def test_the_credit_pieces_are_the_owners_own():
    for owner, piece in CREDITS.items():
        assert piece in getattr(vocab, owner)


def test_attribution_texts_live_in_vocab():
    assert _credit_copies(TREES) == []


def test_a_planted_attribution_is_found():
    planted = {
        "io/x.py": ast.parse('TEXT = "Made with Natural Earth, 1:10m"\n"""Natural Earth."""')
    }
    assert _credit_copies(planted) == ["io/x.py:1: vocab.NATURAL_EARTH_ATTRIBUTION"]


# --- numbers and dates a reader sees ----------------------------------------------------

#: modules whose text a reader sees (maps, charts, tables, the brief pages)
READER_FACING = (
    "maps/",
    "plots/",
    "charts/",
    "display.py",
    "briefs/_render.py",
    "briefs/_api.py",
)
#: functions that write machine text (SVG geometry, JSON for the browser), not reader text
MACHINE_TEXT = {
    ("maps/_legend.py", "swatch_circle"),
    ("maps/_legend.py", "swatch_line"),
    ("maps/_legend.py", "swatch_fill"),
    ("maps/_legend.py", "site_symbol"),
    ("maps/_base.py", "locator_svg"),
    ("maps/_base.py", "xy"),
    ("maps/_events.py", "_event_data"),
    ("briefs/_render.py", "_stable"),
    ("briefs/_render.py", "param_table"),
    ("findings/_core.py", "of"),  # an error message naming the dates as typed
}


def _format_copies(trees: dict[str, ast.AST]) -> list[str]:
    """Format specs (``{x:,.0f}``), ``strftime`` and ``%`` formatting in reader-facing modules."""
    bad = []
    for name, tree in trees.items():
        if not name.startswith(READER_FACING):
            continue
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        owner = {
            id(inner): f.name for f in functions for inner in ast.walk(f)
        }  # innermost last: nested functions overwrite their parents
        for node in ast.walk(tree):
            if (name, owner.get(id(node))) in MACHINE_TEXT:
                continue
            spec = isinstance(node, ast.FormattedValue) and node.format_spec is not None
            strftime = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "strftime"
            )
            percent = (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
            )
            if spec or strftime or percent:
                bad.append(f"{name}:{node.lineno}: {ast.unparse(node)[:60]}")
    return bad


def test_numbers_and_dates_a_reader_sees_are_written_by_fmt():
    assert _format_copies(TREES) == []


def test_a_planted_number_format_is_found():
    planted = {
        "maps/_x.py": ast.parse('def f(n, d):\n    return f"{n:,} events", d.strftime("%Y")'),
        "maps/_legend.py": ast.parse('def swatch_fill(w):\n    return f"<svg width={w:g}>"'),
    }
    found = _format_copies(planted)
    assert len(found) == 2 and all(s.startswith("maps/_x.py:2") for s in found)


def test_fmt_writes_what_the_maps_used_to_format_by_hand():
    assert fmt.count(12345.0) == "12,345"
    assert fmt.date("2025-12-18") == "18 December 2025"
    assert fmt.month("2025-12-18") == "December 2025"
    assert fmt.number(2.0) == "2" and fmt.number(2.5) == "2.5"


# --- UTM zones, CRS keys and date columns -----------------------------------------------


def _calls_and_numbers(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in (32600, 32700):
            out.append((node.lineno, f"UTM code {node.value}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "to_epsg":
                out.append((node.lineno, "to_epsg()"))
            coerce = any(
                k.arg == "errors"
                and isinstance(k.value, ast.Constant)
                and k.value.value == "coerce"
                for k in node.keywords
            )
            if node.func.attr == "to_datetime" and coerce:
                out.append((node.lineno, "to_datetime(errors='coerce')"))
    return out


def test_utm_zones_and_crs_keys_are_geos_and_dates_are_read_by_time():
    """geo/_crs.py decides UTM zones and CRS keys; _time reads date columns (io reads files)."""
    bad = [
        f"{name}:{line}: {what}"
        for name, tree in TREES.items()
        if name not in {"geo/_crs.py", "_time.py"} and not name.startswith(("io/", "schema/"))
        for line, what in _calls_and_numbers(tree)
        if not (what == "to_epsg()" and name.startswith("geo/"))
    ]
    assert bad == []


# --- site lookup ------------------------------------------------------------------------


def test_one_site_lookup_everywhere():
    """find_site, rings_map(hub=) and the briefs' site rule resolve every spelling alike."""
    from scamgeo import datasets, maps
    from scamgeo.briefs import _rules

    sites = datasets.sites()
    spellings = datasets.site_spellings(sites)
    assert spellings == {k: list(v[1:]) for k, v in _rules.site_names().items()}
    owners: dict[str, set[str]] = {}
    for site_id, names in spellings.items():
        for name in {site_id, *names, *(vocab.fold(n) for n in names)}:
            owners.setdefault(vocab.fold(name), set()).add(site_id)
    for site_id, names in spellings.items():
        for name in {site_id, *names, *(vocab.fold(n) for n in names)}:
            found = vocab.match_name(name, spellings)
            # an alias two sites share ("Chup Koki") finds the first; an id always its own
            assert found == site_id or (name != site_id and found in owners[vocab.fold(name)])
            assert datasets.find_site(name).index.tolist() == [found]
            assert _rules._site("site", name) is None
    # the map's own lookup is the same rule: a folded name finds O'Smach
    m = maps.rings_map(sites, hub="osmach", radii_km=(10,))
    assert any("O'Smach" in name or "O&#x27;Smach" in name for name in maps.map_layers(m))
    with pytest.raises(scamgeo.ParameterError, match="Did you mean 'o-smach'"):
        maps.rings_map(sites, hub="osmch")


# --- the counting unit ------------------------------------------------------------------


def test_every_function_that_counts_events_takes_count_with_one_default():
    counted = []
    for package in ("geo", "stats", "maps", "plots", "charts", "datasets", "io"):
        module = importlib.import_module(f"scamgeo.{package}")
        for name in getattr(module, "__all__", []):
            function = getattr(module, name)
            if not inspect.isfunction(function):
                continue
            parameter = inspect.signature(function).parameters.get("count")
            if parameter is not None:
                counted.append(f"{package}.{name}")
                assert parameter.default == "incidents", f"{package}.{name}"
                assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, f"{package}.{name}"
    assert {"geo.aggregate", "stats.daily_counts"} <= set(counted)
