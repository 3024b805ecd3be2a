"""The curated tables as files: where each is, how it is read and checked, kept once read.

Below :mod:`scamgeo.datasets` (which adds the geography, the places and the
derived tables) and :mod:`scamgeo._time` (which reads the phases of the war from
the timeline), so that neither imports the other.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from . import config
from ._errors import DataSourceError
from ._provenance import record_read
from .schema import CURATED, TableSchema

__all__ = ["curated", "curated_path", "read_table", "sorted_timeline"]


def curated_path(name: str) -> Path:
    """The curated table ``name``'s file (its read recorded for the brief's provenance)."""
    path = config.data_dir / "curated" / f"{name}.csv"
    if not path.is_file():
        raise DataSourceError(f"curated table {path} is missing; reinstall scamgeo.")
    record_read(path)
    return path


def read_table(path: str | Path, schema: TableSchema) -> pd.DataFrame:
    """Read a CSV in one of scamgeo's schemas and validate it.

    Parameters
    ----------
    path : str or Path
        A CSV file with a header row.
    schema : scamgeo.schema.TableSchema
        The schema to check (e.g. ``scamgeo.schema.SITES``).

    Returns
    -------
    pandas.DataFrame
        Parsed and typed; columns in the schema's order, extra columns kept.

    Raises
    ------
    DataSourceError
        If the file cannot be read as UTF-8 CSV.
    SchemaError
        Listing every missing column or bad cell, with line numbers.

    Examples
    --------
    >>> from scamgeo import config, datasets, schema
    >>> sites = datasets.read_table(config.data_dir / 'curated' / 'sites.csv', schema.SITES)
    >>> sites['site_id'].is_unique, sites.columns[0]
    (True, 'site_id')
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except FileNotFoundError:
        raise DataSourceError(f"{path}: no such file.") from None
    except UnicodeDecodeError as exc:
        raise DataSourceError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataSourceError(f"{path}: not a readable CSV table ({exc}).") from None
    return schema.validate(raw, source=str(path))


@functools.cache
def curated(name: str) -> pd.DataFrame:
    """The curated table ``name``, read and checked once (callers copy before changing it)."""
    return read_table(curated_path(name), CURATED[name])


def sorted_timeline() -> pd.DataFrame:
    """The timeline sorted by date (a new frame): what the phases are read from."""
    return curated("timeline").sort_values("date", kind="stable").reset_index(drop=True)
