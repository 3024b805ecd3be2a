"""Parameter rules, declared per notebook.

Each notebook names the rule of each of its parameters in
:data:`NOTEBOOK_RULES` (by notebook name, e.g. ``"04-hub-brief"``); the rules
themselves are in :data:`RULE_KINDS`. A parameter whose notebook declares no
rule for it is only coerced to its declared type. Another notebook (your own)
declares its rules with :func:`register_rules`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .._errors import ParameterError
from .._validate import closest
from ..vocab import match_name, suggest_names

__all__ = [
    "DATE_RANGE",
    "NOTEBOOK_RULES",
    "PATH_RULES",
    "RULE_KINDS",
    "Rule",
    "is_path_value",
    "public_values",
    "register_rules",
    "resolve_paths",
    "rules_for",
    "semantic_problems",
    "site_names",
    "suggest_sites",
]

#: A rule: (parameter name, coerced value) -> an error message, or None when the value is fine.
Rule = Callable[[str, Any], "str | None"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

#: First and last day a date parameter may name (the data's range).
DATE_RANGE = ("2025-01-01", "2026-12-31")


def _date(name: str, value: Any) -> str | None:
    text = str(value).strip()
    if isinstance(value, dt.date) or _ISO_DAY.fullmatch(text):
        try:  # the common case without pandas (parameter errors answer at once)
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(text)
        except ValueError as exc:
            return (
                f"{name}={value!r} is not a calendar date ({exc}); use YYYY-MM-DD, e.g. 2025-07-24"
            )
    else:
        from .._time import parse_date

        try:
            day = parse_date(value, name=name)
        except (ParameterError, ValueError, TypeError, OverflowError):
            return f"{name}={value!r} is not a date; use YYYY-MM-DD, e.g. 2025-07-24"
    if not (DATE_RANGE[0] <= f"{day:%Y-%m-%d}" <= DATE_RANGE[1]):
        return f"{name}={value!r} is outside the data's range {DATE_RANGE[0]} .. {DATE_RANGE[1]}"
    return None


def _positive(name: str, value: Any) -> str | None:
    return None if value > 0 else f"{name} must be > 0 (got {value})."


def _at_least_one(name: str, value: Any) -> str | None:
    return None if value >= 1 else f"{name} must be >= 1 (got {value})."


def _non_negative(name: str, value: Any) -> str | None:
    return None if value >= 0 else f"{name} must be >= 0 (got {value})."


def _precision(name: str, value: Any) -> str | None:
    return None if value in (1, 2, 3) else f"{name} must be 1, 2 or 3 (got {value})."


def _site(name: str, value: Any) -> str | None:
    names = site_names()
    if match_name(value, names) is not None:
        return None
    hits = suggest_sites(str(value), names)
    hint = f" Did you mean {', '.join(repr(h) for h in hits)}?" if hits else ""
    return (
        f"{name}: no site is called {value!r}.{hint} `scamgeo list` and the data catalogue "
        f"list all {len(names)}."
    )


@functools.cache
def site_names() -> dict[str, tuple[str, ...]]:
    """Site id -> (id, name, aliases...), read straight from the curated CSV (no pandas: fast)."""
    from .. import config
    from .._provenance import record_read

    path = config.data_dir / "curated" / "sites.csv"
    record_read(path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["site_id"]: (
            r["site_id"],
            r["name"],
            *(a.strip() for a in (r.get("aliases") or "").split(";") if a.strip()),
        )
        for r in rows
    }


def suggest_sites(
    value: str, names: Mapping[str, Iterable[str]] | None = None, *, n: int = 5
) -> list[str]:
    """Site ids whose id, name or an alias contains ``value`` or looks like it, best first.

    ``"koh-kong"`` suggests ``koh-kong-cham-yeam`` (its id starts so) as well as
    the sites spelt nearly alike.
    """
    return suggest_names(value, site_names() if names is None else names, n=n)


def _event_source(name: str, value: Any) -> str | None:
    if value == "embedded":
        return None
    if not Path(str(value)).expanduser().is_file():
        return (
            f"{name}={value!r}: use 'embedded' or the path of an existing ACLED or UCDP GED file."
        )
    return None


def _event_file(name: str, value: Any) -> str | None:
    if not Path(str(value)).expanduser().is_file():
        return (
            f"{name}={value!r}: no such file; give the path of an ACLED or UCDP GED file, or None."
        )
    return None


#: Rule kinds whose value may be a path: resolved to an absolute path before it reaches a
#: kernel, a worker or Chromium (they run in other folders), and shown by its file name only.
PATH_RULES = frozenset({"event_source", "event_file"})

#: Values of a path rule that name a source rather than a file.
NAMED_SOURCES = frozenset({"embedded"})


def is_path_value(kind: str | None, value: Any) -> bool:
    """Whether ``value`` of a parameter with rule ``kind`` is a file path (not a named source)."""
    return kind in PATH_RULES and isinstance(value, str) and value not in NAMED_SOURCES


def resolve_paths(rules: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every path parameter made absolute (``~`` expanded, from this folder)."""
    return {
        name: str(Path(value).expanduser().resolve())
        if is_path_value(rules.get(name), value)
        else value
        for name, value in values.items()
    }


def public_values(rules: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` as a reader may see them: a path parameter by its file name, never a local path."""
    return {
        name: Path(value).name if is_path_value(rules.get(name), value) else value
        for name, value in values.items()
    }


def _vocabulary(key: str) -> Iterable[str]:
    from .. import schema, vocab

    return {
        "countries": schema.DISPLACEMENT.column("country").choices or (),
        "metrics": vocab.DISPLACEMENT_METRICS,
        "site_kinds": vocab.SITE_KINDS,
        "event_types": vocab.EVENT_TYPES,
        "tables": tuple(schema.CURATED),
    }[key]


def _choice(key: str) -> Rule:
    def rule(name: str, value: Any) -> str | None:
        allowed = list(_vocabulary(key))
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v is not None and v not in allowed]
        if not bad:
            return None
        near = closest(str(bad[0]), allowed)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        listed = ", ".join(map(repr, allowed))
        return f"{name}: {', '.join(repr(b) for b in bad)} not allowed.{hint} Allowed: {listed}."

    return rule


#: The rules a notebook may name for a parameter.
RULE_KINDS: dict[str, Rule] = {
    "date": _date,
    "positive": _positive,
    "at_least_one": _at_least_one,
    "non_negative": _non_negative,
    "precision": _precision,
    "site": _site,
    "event_source": _event_source,
    "event_file": _event_file,
    "country": _choice("countries"),
    "metric": _choice("metrics"),
    "site_kinds": _choice("site_kinds"),
    "event_types": _choice("event_types"),
    "tables": _choice("tables"),
}

#: Notebook name -> {parameter: rule kind}. ``start``/``end`` pairs are also checked in order.
NOTEBOOK_RULES: dict[str, dict[str, str]] = {
    "01-border-clashes": {
        "start": "date",
        "end": "date",
        "event_source": "event_source",
        "event_types": "event_types",
        "countries": "country",
        "min_precision": "precision",
    },
    "02-casino-hubs": {
        "site_kinds": "site_kinds",
        "radius_km": "positive",
        "permutations": "at_least_one",
        "seed": "non_negative",
        "band_km": "positive",
    },
    "03-displacement": {"country": "country", "metric": "metric", "as_of": "date"},
    "04-hub-brief": {"site": "site", "radius_km": "positive", "start": "date", "end": "date"},
    "05-data-catalogue": {"tables": "tables"},
    "06-sources": {
        "acled_file": "event_file",
        "ucdp_file": "event_file",
        "start": "date",
        "end": "date",
        "countries": "country",
        "km": "non_negative",
        "days": "non_negative",
    },
}


def register_rules(notebook: str, rules: Mapping[str, str]) -> None:
    """Declare the rules of a notebook's parameters (``{parameter: rule kind}``).

    Parameters
    ----------
    notebook : str
        The notebook's stem (``"04-hub-brief"``).
    rules : mapping
        Parameter name -> rule kind (one of :data:`RULE_KINDS`).

    Raises
    ------
    ParameterError
        If a rule kind is not one of :data:`RULE_KINDS`.
    """
    for name, kind in rules.items():
        if kind not in RULE_KINDS:
            near = closest(str(kind), RULE_KINDS)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise ParameterError(
                f"rule {kind!r} of parameter {name} is unknown.{hint} "
                f"Rules: {', '.join(RULE_KINDS)}."
            )
    NOTEBOOK_RULES[str(notebook)] = dict(rules)


def rules_for(notebook: str) -> dict[str, str]:
    """The rules a notebook declares (empty for a notebook that declares none)."""
    return dict(NOTEBOOK_RULES.get(str(notebook), {}))


def semantic_problems(rules: Mapping[str, str], values: Mapping[str, Any]) -> list[str]:
    """Every rule broken by ``values`` (already coerced to their types), as messages."""
    problems = []
    for name, value in values.items():
        kind = rules.get(name)
        if kind is not None and value is not None:
            message = RULE_KINDS[kind](name, value)
            if message:
                problems.append(message)
    start, end = values.get("start"), values.get("end")
    dated = rules.get("start") == "date" and rules.get("end") == "date"
    if dated and start and end and not problems and str(end) < str(start):
        problems.append(f"end={end!r} is before start={start!r}")
    return problems
