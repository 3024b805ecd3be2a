"""Parameterised notebooks -> validated papermill runs -> code-free HTML briefs.

The flow of one brief (:func:`run_brief`):

1. read the notebook's ``parameters`` cell (typed, commented defaults) into a
   :class:`ParameterSpec`; merge a named run (YAML) and ``-p`` overrides;
   reject unknown names (with the closest valid name), wrong types and
   impossible values *before any kernel starts*;
2. execute with papermill in a scratch folder beside the output;
3. export HTML without code through nbconvert, with the parameter table at
   the top and a provenance footer (sources, licences, credits, data hashes,
   package versions); beside it the executed notebook and a JSON of the key
   figures that the notebook recorded with :func:`record`;
4. move the outputs into place atomically. A failed run keeps the last good
   brief, saves ``<run>.failed.ipynb``, names the failing cell and raises
   :class:`BriefError`.

:func:`run_batch` runs many briefs at once, each in its own process and
kernel, on any ``concurrent.futures``-style executor (local processes by
default; a ``dask.distributed.Client`` is another, and
:func:`scheduler_executor` opens one from ``"local:N"`` or a scheduler's
address), then writes ``manifest.json`` and ``index.html``.

The package is split by job: :mod:`._api` (what a notebook calls:
:func:`check`, :func:`record`, :func:`attribute`), :mod:`._params` (the
parameters cell, types and named runs), :mod:`._rules` (parameter rules,
declared per notebook), :mod:`._render` (HTML and provenance),
:mod:`._execute` (one brief) and :mod:`._batch` (many briefs, the manifest).
"""

from __future__ import annotations

from .._validate import guard_public
from ._api import (
    ATTRIBUTION_MIME,
    BRIEF_MIME,
    FIGURE_MIME,
    attribute,
    check,
    figure_text,
    footer,
    methods,
    note,
    parameters,
    record,
    summary,
    title,
)
from ._batch import (
    check_clobber,
    derived_run_name,
    jobs_for_all,
    run_batch,
    scheduler_executor,
    write_manifest,
)
from ._cache import changes_since_last_build, changes_text
from ._execute import BriefError, BriefResult, Job, run_brief
from ._params import (
    Parameter,
    ParameterSpec,
    list_notebooks,
    load_named_run,
    notebook_path,
    parse_cli_value,
    read_parameters,
    validate_parameters,
)
from ._pdf import chromium, to_pdf
from ._render import data_versions, package_versions, to_html
from ._rules import NOTEBOOK_RULES, RULE_KINDS, register_rules

__all__ = [
    "ATTRIBUTION_MIME",
    "BRIEF_MIME",
    "FIGURE_MIME",
    "NOTEBOOK_RULES",
    "RULE_KINDS",
    "BriefError",
    "BriefResult",
    "Job",
    "Parameter",
    "ParameterSpec",
    "attribute",
    "changes_since_last_build",
    "changes_text",
    "check",
    "check_clobber",
    "chromium",
    "data_versions",
    "derived_run_name",
    "figure_text",
    "footer",
    "methods",
    "note",
    "parameters",
    "summary",
    "title",
    "to_pdf",
    "jobs_for_all",
    "list_notebooks",
    "load_named_run",
    "notebook_path",
    "package_versions",
    "parse_cli_value",
    "read_parameters",
    "record",
    "register_rules",
    "run_batch",
    "run_brief",
    "scheduler_executor",
    "to_html",
    "validate_parameters",
    "write_manifest",
]

# every public function refuses a call it cannot take with a did-you-mean (ArgumentError)
guard_public(globals())
