"""Displacement datasets from the Humanitarian Data Exchange (HDX).

:func:`fetch_hdx` downloads one resource of an HDX dataset into the cache
(through the optional ``hdx-python-api``) with a ``.meta.json`` beside it
(resource URL, access date, sha256, licence, attribution);
:func:`load_hdx_displacement` reads it with :func:`scamgeo.io.read_dtm` or
:func:`scamgeo.io.read_displacement_table`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .. import config
from .._errors import DataSourceError, ParameterError
from .._validate import check_choice
from ._cache import atomic_write_text
from ._displacement_names import find_column
from ._events import today
from ._hapi import hapi_layout
from ._http import USER_AGENT, download, safe_url
from ._raw import load_raw
from ._tables import to_frame
from .dtm import DTM_COLUMNS, read_dtm
from .sitrep import read_displacement_table

__all__ = ["HDX_URL", "fetch_hdx", "load_hdx_displacement"]

logger = logging.getLogger(__name__)

#: HDX site (dataset pages are ``<HDX_URL>/dataset/<name>``).
HDX_URL = "https://data.humdata.org"


def _hdx_modules() -> tuple[Any, Any]:
    """hdx-python-api's Configuration and Dataset classes (DataSourceError if not installed)."""
    try:
        from hdx.api.configuration import Configuration
        from hdx.data.dataset import Dataset
    except ImportError:
        raise DataSourceError(
            "reading from HDX needs the optional package hdx-python-api: `pip install hdx-python-api`."
        ) from None
    return Configuration, Dataset


def _hdx_configure(configuration: Any, *, site: str, user_agent: str) -> None:
    """Configure hdx-python-api read-only, unless it already is."""
    try:
        configuration.read()
    except Exception:  # not created yet: hdx raises its ConfigurationError
        configuration.create(hdx_site=site, user_agent=user_agent, hdx_read_only=True)


def _safe_name(name: str) -> str:
    """A dataset or resource name as a file name (letters, digits, ``._-``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned[:120] or "resource"


def _cached_resources(folder: Path) -> list[dict[str, Any]]:
    """The metadata of the resources cached in ``folder`` whose file is there."""
    metas = []
    for meta_path in sorted(folder.glob("*.meta.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if (folder / meta.get("file", "")).is_file():
            metas.append(meta)
    return metas


def _read_dataset(dataset_cls: Any, dataset: str, *, hdx_site: str) -> tuple[Any, list[Any]]:
    """The dataset and its resources (DataSourceError if HDX fails or has no such dataset)."""
    try:
        found = dataset_cls.read_from_hdx(dataset)
        resources = list(found.get_resources()) if found else []
    except Exception as exc:  # hdx-python-api raises its own HDXError on network failures
        raise DataSourceError(
            f"HDX: could not read the dataset {dataset!r} ({type(exc).__name__}: {exc})."
        ) from None
    if not found:
        raise DataSourceError(
            f"HDX: no dataset called {dataset!r} on {hdx_site} (see {HDX_URL}/dataset/{dataset})."
        )
    return found, resources


def _choose_resource(resources: list[Any], *, dataset: str, resource: str | None) -> Any:
    """The resource named ``resource`` (exactly, else a unique part), or the only one.

    Raises
    ------
    ParameterError
        No ``resource`` given for a dataset of several, or one that matches
        none or several (the message lists them).
    """
    names = [str(r.get("name") or "") for r in resources]
    if resource is None:
        if len(resources) != 1:
            raise ParameterError(
                f"dataset {dataset!r} has {len(resources)} resources; pass resource= one of "
                f"{', '.join(repr(n) for n in names)}."
            )
        return resources[0]
    exact = [r for r, n in zip(resources, names, strict=True) if n == resource]
    part = [r for r, n in zip(resources, names, strict=True) if resource.lower() in n.lower()]
    pool = exact or part
    if len(pool) != 1:
        what = "matches no" if not pool else "matches several"
        raise ParameterError(
            f"resource={resource!r} {what} resource of {dataset!r}. Resources: {', '.join(repr(n) for n in names)}."
        )
    return pool[0]


def _resource_file(chosen: Any, *, dataset: str) -> tuple[str, str]:
    """(download URL, cache file name) of a resource; the name keeps the URL's extension."""
    url = chosen.get("url") or chosen.get("download_url")
    if not url:
        raise DataSourceError(
            f"HDX: resource {chosen.get('name')!r} of {dataset!r} has no download URL."
        )
    filename = _safe_name(str(chosen.get("name") or Path(url).name))
    if not Path(filename).suffix and Path(safe_url(url)).suffix:
        filename += Path(safe_url(url)).suffix
    return url, filename


def _metadata(
    found: Any, chosen: Any, *, dataset: str, url: str, filename: str
) -> tuple[dict[str, Any], str]:
    """(what the ``.meta.json`` of a download records, less sha256 and site; attribution)."""
    organisation = found.get("organization")
    org = (
        organisation.get("title")
        if isinstance(organisation, Mapping)
        else found.get("dataset_source")
    )
    title = found.get("title") or dataset
    licence = found.get("license_title") or "see the dataset page"
    access_date = today()
    attribution = (
        f"{org or 'HDX contributor'}: {title} ({licence}), via the Humanitarian Data Exchange, "
        f"{HDX_URL}/dataset/{dataset}, accessed {access_date}."
    )
    return {
        "dataset": dataset,
        "dataset_title": title,
        "organisation": org,
        "licence": licence,
        "resource_name": chosen.get("name"),
        "resource_url": safe_url(url),
        "file": filename,
        "access_date": access_date,
    }, attribution


def fetch_hdx(
    dataset: str,
    *,
    resource: str | None = None,
    user_agent: str | None = None,
    hdx_site: str = "prod",
    refresh: bool = False,
    timeout_s: float | tuple[float, float] | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
) -> Path:
    """Download one resource of an HDX dataset into the cache; return its path.

    Parameters
    ----------
    dataset : str
        The dataset's name on HDX (the last part of its URL), e.g.
        ``"cambodia-displacement-2025"``.
    resource : str, optional
        The resource's name (exact, or a unique case-insensitive part of it);
        needed when the dataset has several.
    user_agent : str, optional
        Sent to HDX (default ``scamgeo/<version> ...``).
    hdx_site : str, default "prod"
        HDX site for ``hdx-python-api``.
    refresh : bool, default False
        Download again even if the resource is in the cache.
    timeout_s, max_retries, backoff_s
        HTTP settings of the download.

    Returns
    -------
    pathlib.Path
        ``config.cache_dir/hdx/<dataset>/<file>``, with ``<file>.meta.json``
        beside it (resource URL, access date, sha256, licence, attribution).

    Raises
    ------
    DataSourceError
        ``hdx-python-api`` missing (install it with ``pip install
        hdx-python-api``), unknown dataset, or a failed download.
    ParameterError
        ``resource`` missing or ambiguous (the message lists the resources).
    """
    folder = Path(config.cache_dir) / "hdx" / _safe_name(dataset)
    if not refresh and folder.is_dir():
        cached = _cached_resources(folder)
        hits = [m for m in cached if resource is None or m.get("resource_name") == resource]
        if len(hits) == 1 or (resource is not None and hits):
            logger.info("HDX: using the cached %s", folder / hits[-1]["file"])
            return folder / hits[-1]["file"]
    configuration, dataset_cls = _hdx_modules()
    agent = user_agent or USER_AGENT
    _hdx_configure(configuration, site=hdx_site, user_agent=agent)
    found, resources = _read_dataset(dataset_cls, dataset, hdx_site=hdx_site)
    chosen = _choose_resource(resources, dataset=dataset, resource=resource)
    url, filename = _resource_file(chosen, dataset=dataset)
    dest = folder / filename
    digest = download(
        url,
        dest,
        what=f"HDX download of {dataset!r}",
        headers={"User-Agent": agent},
        timeout=timeout_s,
        max_retries=max_retries,
        backoff_s=backoff_s,
    )
    meta, attribution = _metadata(found, chosen, dataset=dataset, url=url, filename=filename)
    meta.update(sha256=digest, hdx_site=hdx_site, attribution=attribution)
    atomic_write_text(
        folder / f"{filename}.meta.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    )
    return dest


def _is_dtm(path: Path, *, sheet: Any) -> bool:
    """Whether the file at ``path`` has DTM's people or households column."""
    raw = load_raw(path, expected="a displacement table")
    head = to_frame(raw).columns if raw.kind != "excel" else to_frame(raw, sheet=sheet).columns
    return bool(
        find_column(head, DTM_COLUMNS["people"])
        or find_column(head, DTM_COLUMNS["households"])
        or hapi_layout(head)  # HDX HAPI's IDP table (DTM's figures); its returnees table is refused
    )


def load_hdx_displacement(
    dataset: str,
    *,
    resource: str | None = None,
    kind: str = "auto",
    user_agent: str | None = None,
    refresh: bool = False,
    **read_options: Any,
) -> pd.DataFrame:
    """Download (or reuse) an HDX resource and read it into the displacement schema.

    Parameters
    ----------
    dataset, resource
        As in :func:`fetch_hdx`.
    kind : {"auto", "dtm", "table"}, default "auto"
        Read with :func:`read_dtm` or :func:`read_displacement_table`
        (``auto``: DTM if the file has DTM's columns).
    user_agent, refresh
        As in :func:`fetch_hdx`.
    **read_options
        Passed to the reader (e.g. ``metric=``, ``unit=``, ``country=``).

    Returns
    -------
    pandas.DataFrame
        In :data:`scamgeo.schema.DISPLACEMENT`; ``.attrs["attribution"]``
        credits the dataset's organisation, its licence and HDX.
    """
    check_choice(kind, ["auto", "dtm", "table"], name="kind")
    path = fetch_hdx(dataset, resource=resource, user_agent=user_agent, refresh=refresh)
    meta_path = path.with_name(f"{path.name}.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    if kind == "auto":
        kind = "dtm" if _is_dtm(path, sheet=read_options.get("sheet")) else "table"
    if kind == "dtm":
        out = read_dtm(path, **read_options)
    else:
        read_options.setdefault("source_url", f"{HDX_URL}/dataset/{dataset}")
        read_options.setdefault("publisher", meta.get("organisation") or "HDX")
        out = read_displacement_table(path, **read_options)
    out.attrs["attribution"] = meta.get("attribution", f"HDX dataset {dataset}")
    out.attrs["source"] = {**meta, "file": str(path), "text": out.attrs["attribution"]}
    return out
