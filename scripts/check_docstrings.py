#!/usr/bin/env python3
"""numpydoc validation of scamgeo's public docstrings (run by ``make lint``).

Every public name (the ``__all__`` of each package and public module) that is a
function or a class, and each public method of those classes, is checked with
numpydoc's own validator (:func:`numpydoc.validate.validate`) for the rules in
``CHECKS``: a docstring exists, every parameter is documented and no documented
one is unknown, in the signature's order, written ``name : type``. Prints one line
per problem and exits 1 when there is any.

Usage::

    .venv/bin/python scripts/check_docstrings.py            # every public package
    .venv/bin/python scripts/check_docstrings.py maps fmt   # some of them
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import sys

from numpydoc.docscrape import ClassDoc
from numpydoc.validate import validate

import scamgeo

#: numpydoc's codes checked (numpydoc.validate.ERROR_MSGS has the wording)
CHECKS = {
    "GL08",  # the object has no docstring
    "PR01",  # a parameter is not documented
    "PR02",  # a documented parameter is not in the signature
    "PR03",  # parameters documented in another order than the signature's
    "PR10",  # "name : type" written without the spaces around the colon
}
#: packages whose helpers are rewriting their docstrings now: problems there are listed as
#: pending, not failures (remove a package once its branch is merged)
PENDING: dict[str, str] = {}
#: the modules whose __all__ is scamgeo's public API (the optional ones where installed)
PUBLIC = tuple(scamgeo._public_packages())


def public_names(package: str) -> list[str]:
    """``scamgeo.<package>.<name>`` for each function and class it exports, and their methods."""
    module = importlib.import_module(f"scamgeo.{package}")
    names = []
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        names.append(f"scamgeo.{package}.{name}")
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and inspect.isfunction(member):
                    names.append(f"scamgeo.{package}.{name}.{attr}")
    return names


def _attributes(name: str) -> set[str]:
    """The fields a dataclass documents under Attributes (they are its constructor's parameters)."""
    parts = name.split(".")
    obj = importlib.import_module(".".join(parts[:2]))
    for part in parts[2:]:
        obj = getattr(obj, part, None)
    if not (inspect.isclass(obj) and dataclasses.is_dataclass(obj)):
        return set()
    documented = set()
    for item in ClassDoc(obj)["Attributes"]:
        documented |= {n.strip() for n in item.name.split(",")}
    return documented


def problems(names: list[str]) -> list[str]:
    out = []
    for name in names:
        result = validate(name)
        for code, message in result["errors"]:
            if code not in CHECKS:
                continue
            if code == "PR01":  # a result object documents its fields as Attributes
                missing = set(re.findall(r"'([^']+)'", message)) - _attributes(name)
                if not missing:
                    continue
            out.append(f"{result.get('file')}:{result.get('file_line')}: {code} {name}: {message}")
    return out


def main(argv: list[str]) -> int:
    packages = argv or list(PUBLIC)
    failing, pending = [], []
    for package in packages:
        found = problems(public_names(package))
        (pending if package in PENDING else failing).extend(
            f"{line}  [pending: {PENDING[package]}]" if package in PENDING else line
            for line in found
        )
    for line in failing + pending:
        print(line)
    checked = sum(len(public_names(p)) for p in packages)
    print(
        f"numpydoc: {checked} public docstrings checked, {len(failing)} problem(s)"
        + (f", {len(pending)} pending in {', '.join(sorted(PENDING))}" if pending else "")
    )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
