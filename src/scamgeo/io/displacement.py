"""Displacement figures from situation reports, IOM DTM tables and HDX datasets.

Everything comes out in :data:`scamgeo.schema.DISPLACEMENT` (one row per
country or province, date, metric and unit), never summed across metrics:

- :func:`read_displacement_table` (:mod:`scamgeo.io.sitrep`) reads the
  province-by-date tables that national authorities publish in situation
  reports, wide (one column per date, or one per province) or long, counted in
  people or in families;
- :func:`read_dtm` (:mod:`scamgeo.io.dtm`) reads IOM Displacement Tracking
  Matrix tables (the DTM API's admin-1 layout and its v2 JSON replies, with or
  without the HXL hashtag row of HDX copies, one admin level at a time);
- :func:`fetch_hdx` (:mod:`scamgeo.io.hdx`) downloads a resource of a
  Humanitarian Data Exchange dataset into the cache (through the optional
  ``hdx-python-api``), and :func:`load_hdx_displacement` reads it.

This module gathers them under one name; the readers share
``_displacement_names`` (headers, "Total" rows, province names) and
``_displacement_rows`` (numbers, scope, validation).
"""

from __future__ import annotations

from .dtm import DTM_URL, read_dtm
from .hdx import HDX_URL, fetch_hdx, load_hdx_displacement
from .sitrep import read_displacement_table

__all__ = [
    "DTM_URL",
    "HDX_URL",
    "fetch_hdx",
    "load_hdx_displacement",
    "read_displacement_table",
    "read_dtm",
]
