"""Partitioned GeoParquet: write an event table once, read it back in memory or lazily.

A folder of ``part.000000.parquet``, ``part.000001.parquet``, … files (zero-padded, so
that any reader listing them by name keeps the row order), each a GeoParquet file (geometry as WKB
with its CRS in the ``geo`` metadata), written by dask-geopandas. The
frame's ``.attrs`` (the source and attribution of an in-memory table) travel
in the files' metadata under the key ``scamgeo``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dask
import dask_geopandas
import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from .._dask import is_dask
from .._errors import DataSourceError, ParameterError

__all__ = ["attrs", "read_geoparquet", "to_geoparquet"]

_ATTRS_KEY = b"scamgeo"


def attrs(frame: Any) -> dict[str, Any]:
    """The ``.attrs`` of a frame, in memory or dask (whose frames keep them on their meta).

    For :func:`read_events` and :func:`read_geoparquet` results: ``"attribution"``
    (the credit line of the sources read, e.g. ACLED's) and ``"source"``.

    Parameters
    ----------
    frame : GeoDataFrame or dask_geopandas.GeoDataFrame
        A table read by scamgeo.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scamgeo import datasets, io, scale
    >>> path = scale.to_geoparquet(io.load_events(), pathlib.Path(tempfile.mkdtemp()) / 'events.parquet')
    >>> scale.attrs(scale.read_geoparquet(path))['attribution'] == io.load_events().attrs['attribution']
    True
    """
    if is_dask(frame):
        return dict(frame._meta.attrs)
    return dict(getattr(frame, "attrs", {}) or {})


def part_name(i: int) -> str:
    """File name of partition ``i``: zero-padded, so that a name sort keeps the row order."""
    return f"part.{i:06d}.parquet"


def to_geoparquet(
    frame: Any,
    path: str | os.PathLike,
    *,
    rows_per_file: int = 1_000_000,
    overwrite: bool = False,
    storage_options: dict[str, Any] | None = None,
) -> str:
    """Write events as partitioned GeoParquet (one file per partition).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or dask_geopandas.GeoDataFrame
        Events (any columns) with point or other geometry and a CRS.
    path : str or path
        Folder to write, local or an fsspec URL (e.g. ``"…/events.parquet"``).
    rows_per_file : int, default 1,000,000
        Rows per file when ``frame`` is in memory (a dask frame keeps its
        partitions).
    overwrite : bool, default False
        Replace an existing folder; otherwise an existing one is an error.
    storage_options : dict, optional
        Passed to fsspec.

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    ParameterError
        If ``frame`` has no geometry or CRS, or ``path`` exists and not ``overwrite``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scamgeo import datasets, scale
    >>> path = scale.to_geoparquet(datasets.events(), pathlib.Path(tempfile.mkdtemp()) / 'events.parquet', rows_per_file=100)
    >>> sorted(p.name for p in pathlib.Path(path).glob('*.parquet'))
    ['part.000000.parquet', 'part.000001.parquet', 'part.000002.parquet']
    """
    if not is_dask(frame):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise ParameterError(
                f"frame must be a GeoDataFrame or a dask-geopandas GeoDataFrame, got "
                f"{type(frame).__name__}."
            )
        attrs = dict(frame.attrs)
        with dask.config.set({"dataframe.convert-string": False}):
            frame = dask_geopandas.from_geopandas(
                frame, chunksize=max(int(rows_per_file), 1), sort=False
            )
    else:
        attrs = dict(frame._meta.attrs)
    if getattr(frame, "crs", None) is None:
        raise ParameterError(
            "frame has no CRS: GeoParquet stores one; call frame.set_crs(...) first."
        )
    path = str(path)
    if not overwrite and not str(path).startswith(("s3://", "gs://", "az://", "http")):
        if Path(path).exists():
            raise ParameterError(f"{path} exists; pass overwrite=True to replace it.")
    metadata = {_ATTRS_KEY: json.dumps(attrs, default=str).encode()} if attrs else None
    with dask.config.set({"dataframe.convert-string": False}):
        frame.to_parquet(
            path,
            write_index=False,
            overwrite=overwrite,
            name_function=part_name,
            custom_metadata=metadata,
            storage_options=storage_options,
        )
    return path


def _attrs(path: str) -> dict[str, Any]:
    files = sorted(Path(path).glob("*.parquet")) if Path(path).is_dir() else [Path(path)]
    if not files:
        return {}
    meta = pq.read_schema(files[0]).metadata or {}
    raw = meta.get(_ATTRS_KEY)
    return json.loads(raw) if raw else {}


def read_geoparquet(
    path: str | os.PathLike,
    *,
    lazy: bool = True,
    columns: list[str] | None = None,
    storage_options: dict[str, Any] | None = None,
    **filters: Any,
):
    """Read partitioned GeoParquet written by :func:`to_geoparquet` (or any GeoParquet).

    Parameters
    ----------
    path : str or path
        The folder (or one file), local or an fsspec URL.
    lazy : bool, default True
        ``True``: a ``dask_geopandas.GeoDataFrame``, one partition per file.
        ``False``: a ``geopandas.GeoDataFrame`` in memory, with the ``.attrs``
        that were saved.
    columns : list of str, optional
        Only these columns (the geometry is always read).
    storage_options : dict, optional
        Passed to fsspec.
    **filters
        ``countries``, ``start``, ``end``, ``event_types``, ``sub_event_types``,
        ``min_geo_precision``: as in :func:`scamgeo.io.filter_events` (checked
        now, applied to each partition), for a table in the event schema.

    Raises
    ------
    DataSourceError
        If nothing is at ``path`` or it is not GeoParquet.
    ParameterError
        An unknown filter or filter value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scamgeo import datasets, scale
    >>> path = scale.to_geoparquet(datasets.events(), pathlib.Path(tempfile.mkdtemp()) / 'events.parquet')
    >>> lazy = scale.read_geoparquet(path, countries='KHM')
    >>> len(lazy.compute()) == int((datasets.events()['country'] == 'KHM').sum())
    True
    """
    from .. import io as sio

    filters = {k: v for k, v in filters.items() if v is not None}
    if filters:  # the in-memory filter checks the names and values now
        sio.filter_events(_empty_events(), **filters)
    path = str(path)
    local = "://" not in path
    if local and not Path(path).exists():
        raise DataSourceError(f"{path}: no such file or folder.")
    try:
        with dask.config.set({"dataframe.convert-string": False}):
            frame = dask_geopandas.read_parquet(
                path, columns=columns, storage_options=storage_options
            )
            if filters:
                frame = frame.map_partitions(sio.filter_events, **filters, meta=frame._meta)
            if lazy:
                if local:
                    frame._meta.attrs.update(_attrs(path))
                return frame
            out = frame.compute()
    except (ValueError, OSError) as exc:
        raise DataSourceError(f"{path}: not a readable GeoParquet dataset ({exc}).") from None
    out = out.reset_index(drop=True)
    if local:
        out.attrs = _attrs(path)
    return gpd.GeoDataFrame(out) if not isinstance(out, gpd.GeoDataFrame) else out


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": pd.Series(dtype="string"),
            "event_date": pd.Series(dtype="datetime64[ns]"),
            "event_type": pd.Series(dtype="string"),
            "sub_event_type": pd.Series(dtype="string"),
            "geo_precision": pd.Series(dtype="Int64"),
        }
    )
