"""Boundary files (any OGR source) matched to scamgeo's province crosswalk.

:func:`read_boundaries` reads shapefiles, zipped shapefiles, GeoPackages,
GeoJSON and TopoJSON (GADM, geoBoundaries, OCHA COD, Natural Earth, ...) and
gives every unit the ISO 3166-2 code of its Thai or Cambodian province, so
that province-level joins keep working with finer (district, commune) files.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .. import config
from .._errors import CRSError, DataSourceError, ParameterError
from .._validate import check_choices
from ..schema import COUNTRIES
from ._events import admin1_codes, country_from_name

__all__ = ["read_boundaries"]

logger = logging.getLogger(__name__)

# Field names (case-insensitive) that hold the province's code or name, in the
# order they are trusted. Level-1 fields of finer files come first; the generic
# ones (shapeName, name) are used only when the file has no finer-level field.
_CODE_FIELDS = (
    "iso_3166_2",
    "admin1_code",
    "adm1_pcode",
    "admin1pcode",
    "admin1_pcode",
    "hasc_1",
    "iso_1",
    "adm1_code",
)
_NAME_FIELDS = (
    "adm1_en",
    "name_1",
    "admin1",
    "admin1name",
    "admin1_name",
    "adm1_name",
    "province",
    "changwat",
    "khet",
    "varname_1",
    "adm1_th",
    "adm1_km",
    "nl_name_1",
)
_GENERIC_CODE = ("shapeiso", "iso", "hasc", "code", "pcode")
_GENERIC_NAME = ("shapename", "name_en", "name", "name_th", "name_km", "nom")
_FINER = ("adm2_pcode", "adm2_en", "name_2", "gid_2", "adm3_pcode", "name_3", "gid_3", "hasc_2")
_COUNTRY_FIELDS = (
    "gid_0",
    "shapegroup",
    "adm0_pcode",
    "adm0_a3",
    "iso_a3",
    "iso3",
    "country",
    "adm0_en",
    "name_0",
)
_ADDED = ("country", "admin1", "admin1_code", "admin1_match")
_ISO2 = {"TH": "THA", "KH": "KHM", "LA": "LAO", "MM": "MMR", "VN": "VNM", "MY": "MYS"}


def _field(frame: pd.DataFrame, names: Iterable[str]) -> str | None:
    lowered = {c.lower(): c for c in frame.columns if c != "geometry"}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _open_path(path: str | os.PathLike) -> str:
    text = os.fspath(path)
    if text.startswith(("/vsi", "zip://", "http://", "https://")):
        return text
    p = Path(text)
    if not p.exists():
        raise DataSourceError(f"{text}: no such file or folder.")
    if p.is_file() and p.stat().st_size == 0:
        raise DataSourceError(f"{text}: the file is empty (0 bytes); expected a boundary file.")
    return text


def read_boundaries(
    path: str | os.PathLike,
    *,
    layer: str | int | None = None,
    country: str | Iterable[str] | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a boundary file and match its units to Thai and Cambodian provinces.

    Parameters
    ----------
    path : str or Path
        Any OGR source: shapefile (or its folder), zipped shapefile,
        GeoPackage, GeoJSON, TopoJSON, ... Opened read-only.
    layer : str or int, optional
        Layer to read; required when the source has several (the message lists them).
    country : str or list of str, optional
        ISO3 code(s) to keep (e.g. "KHM"). Also restricts name matching to
        that country's provinces.
    code_field, name_field : str, optional
        The fields holding the province (admin-1) code and name, when they are
        not among the usual ones (GADM ``NAME_1``/``HASC_1``, OCHA COD
        ``ADM1_EN``/``ADM1_PCODE``, geoBoundaries ``shapeName``/``shapeISO``).

    Returns
    -------
    geopandas.GeoDataFrame
        The file's fields, then ``country`` (ISO3), ``admin1`` (English name
        from scamgeo's crosswalk), ``admin1_code`` (ISO 3166-2) and
        ``admin1_match`` (how the unit was matched: ``code``, ``name``,
        ``spatial`` (its representative point lies in the province) or empty),
        in EPSG:4326. A field of the file named like an added column is kept
        as ``src_<name>`` (compared case-insensitively, as GIS formats do).

    Raises
    ------
    DataSourceError
        Missing, empty or unreadable file.
    ParameterError
        Several layers and no ``layer``, an unknown layer or field.
    CRSError
        No CRS and coordinates that are not longitude/latitude.

    Warns
    -----
    UserWarning
        When the file has no CRS (TopoJSON never has one) and its coordinates
        look like longitude/latitude: EPSG:4326 is assumed.
    """
    from ..datasets import provinces

    source = _open_path(path)
    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # pyogrio raises DataSourceError/DataLayerError of its own
        raise DataSourceError(f"{path}: not a readable boundary file ({exc}).") from None
    names = [str(n) for n in layers[:, 0]] if len(layers) else []
    if layer is None and len(names) > 1:
        raise ParameterError(
            f"{path} has {len(names)} layers; pass layer= one of {', '.join(repr(n) for n in names)}."
        )
    if isinstance(layer, str) and layer not in names:
        raise ParameterError(
            f"layer={layer!r} is not in {path}. Layers: {', '.join(repr(n) for n in names)}."
        )
    try:
        gdf = gpd.read_file(source, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise DataSourceError(f"{path}: not a readable boundary file ({exc}).") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.isna().all():
        raise DataSourceError(
            f"{path}: has no geometry; expected a boundary file (shapefile, GeoPackage, GeoJSON, ...)."
        )
    if gdf.empty:
        shown = layer if layer is not None else (names[0] if names else "")
        raise DataSourceError(
            f"{path}: the layer {shown!r} has no features; expected boundary polygons."
        )
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            message = f"{path}: no CRS in the file; assuming longitude/latitude (EPSG:4326)."
            logger.warning(message)
            warnings.warn(message, UserWarning, stacklevel=2)
            gdf = gdf.set_crs(config.GEOGRAPHIC_CRS)
        else:
            raise CRSError(
                f"{path}: no CRS in the file and the coordinates ({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) "
                "are not longitude/latitude; add a .prj (or set the CRS with geopandas) and read it again."
            )
    elif not gdf.crs.equals(config.GEOGRAPHIC_CRS):
        gdf = gdf.to_crs(config.GEOGRAPHIC_CRS)

    for given, label in ((code_field, "code_field"), (name_field, "name_field")):
        if given is not None and given not in gdf.columns:
            fields = [c for c in gdf.columns if c != "geometry"]
            raise ParameterError(
                f"{label}={given!r} is not a field of {path}. Fields: {', '.join(fields)}."
            )
    finer = _field(gdf, _FINER) is not None
    code_col = (
        code_field or _field(gdf, _CODE_FIELDS) or (None if finer else _field(gdf, _GENERIC_CODE))
    )
    name_col = (
        name_field or _field(gdf, _NAME_FIELDS) or (None if finer else _field(gdf, _GENERIC_NAME))
    )

    wanted = None
    if country is not None:
        wanted = [country] if isinstance(country, str) else list(country)
        wanted = check_choices([str(c).upper() for c in wanted], COUNTRIES, name="country")
    country_col = _field(gdf, _COUNTRY_FIELDS)
    iso3 = pd.Series(pd.NA, index=gdf.index, dtype="string")
    if country_col is not None:
        values = gdf[country_col].astype("string").str.strip()
        iso3 = country_from_name(values).fillna(values.str.upper().map(_ISO2))
    restrict = wanted[0] if wanted and len(wanted) == 1 and wanted[0] in ("THA", "KHM") else None
    per_row = (
        iso3.where(iso3.isin(["THA", "KHM"]), restrict)
        if restrict
        else iso3.where(iso3.isin(["THA", "KHM"]))
    )
    names_series = gdf[name_col] if name_col else pd.Series(pd.NA, index=gdf.index, dtype="string")
    codes_series = gdf[code_col].astype("string") if code_col else None
    by_code = (
        admin1_codes(
            pd.Series(pd.NA, index=gdf.index, dtype="string"), country=per_row, codes=codes_series
        )
        if codes_series is not None
        else pd.Series(pd.NA, index=gdf.index, dtype="string")
    )
    by_name = admin1_codes(names_series, country=per_row)
    codes = by_code.fillna(by_name)
    how = pd.Series(pd.NA, index=gdf.index, dtype="string")
    how = how.mask(by_code.notna(), "code").mask(by_code.isna() & by_name.notna(), "name")

    unmatched = codes.isna().to_numpy()
    if unmatched.any():
        prov = provinces()
        points = gpd.GeoDataFrame(
            geometry=gdf.geometry[unmatched].representative_point(), crs=gdf.crs
        )
        points = points[~points.geometry.is_empty]
        if len(points):
            polygons = (
                prov[["iso_3166_2", "geometry"]]
                .reset_index(drop=True)
                .rename(columns={"iso_3166_2": "_code"})
            )
            hit = gpd.sjoin(points, polygons, how="left", predicate="within")
            hit = hit[~hit.index.duplicated(keep="first")]["_code"].dropna().astype("string")
            if restrict is not None:
                hit = hit[hit.str[:2] == restrict[:2]]
            codes.loc[hit.index] = hit.to_numpy()
            how.loc[hit.index] = "spatial"
    prov_names = provinces()["name"]
    country_out = iso3.copy()
    from_code = codes.str[:2].map({"TH": "THA", "KH": "KHM"}).astype("string")
    country_out = country_out.fillna(from_code)
    if restrict is not None:
        country_out = country_out.fillna(restrict)
    gdf = gdf.rename(columns={c: f"src_{c}" for c in gdf.columns if c.lower() in _ADDED})
    gdf["country"] = country_out.to_numpy()
    gdf["admin1"] = codes.map(prov_names).astype("string").to_numpy()
    gdf["admin1_code"] = codes.to_numpy()
    gdf["admin1_match"] = how.to_numpy()
    if wanted is not None:
        gdf = gdf[gdf["country"].isin(wanted).fillna(False).to_numpy(dtype=bool)]
    n_missing = int(gdf["admin1_code"].isna().sum())
    if n_missing:
        logger.info(
            "%s: %d of %d units matched no Thai/Cambodian province", path, n_missing, len(gdf)
        )
    columns = [c for c in gdf.columns if c != gdf.geometry.name] + [gdf.geometry.name]
    out = gdf[columns].reset_index(drop=True)
    out.attrs["source"] = {
        "file": str(path),
        "layer": layer if layer is not None else (names[0] if names else None),
        "code_field": code_col,
        "name_field": name_col,
    }
    return out
