#!/usr/bin/env python3
"""Print pip constraints pinning each dependency of scamgeo to its lowest allowed version.

``make test-min`` installs scamgeo with these constraints into a venv of its own and
runs the fast tests there, so the lower bounds in pyproject.toml are tested, not
hoped for (pip has no "lowest" resolution of its own; uv's ``--resolution
lowest-direct`` does the same). A requirement ``pkg>=1.2`` becomes ``pkg==1.2``
(``1.2`` is ``1.2.0`` to pip); an exact pin stays; one with only an upper bound
is left to the resolver.

Usage::

    python scripts/min_constraints.py [EXTRA ...] > constraints.txt   # default: test scale notebooks
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EXTRAS = ("test", "scale", "notebooks")


def lowest(requirement: str) -> str | None:
    """``name==version`` at the requirement's lower (or exact) bound; None without one."""
    spec = requirement.split(";")[0].strip()
    name = re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0]
    exact = re.search(r"==\s*([\w.]+)", spec)
    low = re.search(r">=\s*([\w.]+)", spec)
    version = exact.group(1) if exact else (low.group(1) if low else None)
    return f"{name}=={version}" if version else None


def constraints(extras: tuple[str, ...] | list[str]) -> list[str]:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(meta["dependencies"])
    for extra in extras:
        requirements += meta["optional-dependencies"][extra]
    pins = {}
    for requirement in requirements:
        pin = lowest(requirement)
        if pin:
            pins[pin.split("==")[0].lower()] = pin
    return [pins[k] for k in sorted(pins)]


if __name__ == "__main__":
    print("\n".join(constraints(sys.argv[1:] or DEFAULT_EXTRAS)))
