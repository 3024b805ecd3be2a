"""Boundary files (any OGR source) matched to scamgeo's province crosswalk.

:func:`read_boundaries` reads shapefiles, zipped shapefiles, GeoPackages,
GeoJSON and TopoJSON (GADM, geoBoundaries, OCHA COD, Natural Earth, ...) and
gives every unit the ISO 3166-2 code of its Thai or Cambodian province, so
that province-level joins keep working with finer (district, commune) files.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
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
    "iso_1",
    "admin1_code",
    "adm1_pcode",
    "admin1pcode",
    "admin1_pcode",
    "hasc_1",
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

#: Tboung Khmum (ISO 3166-2 KH-25), split from Kampong Cham (KH-3) in 2013: a
#: current province that scamgeo's embedded Natural Earth 1:10m provinces predate.
NEWER_PROVINCES = {"KH-25": "Tboung Khmum"}
_NEWER_NAMES = {
    "tboungkhmum": "KH-25",
    "tbongkhmum": "KH-25",
    "tbaungkhmum": "KH-25",
    "tboungkhmom": "KH-25",
    "tbongkhmom": "KH-25",
    "tboungkhmumprovince": "KH-25",
    "ត្បូងឃ្មុំ": "KH-25",
}
_NEWER_HASC = {"KH.TB": "KH-25", "KH.TK": "KH-25"}
_ISO_LIKE = re.compile(r"^(TH|KH)[-_. ]?0*(\d{1,2})$", re.IGNORECASE)
_POLYGONAL = ("Polygon", "MultiPolygon")
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


def _fold(value: object) -> str:
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]", "", text.casefold())


def _own_codes(values: pd.Series, valid: set[str]) -> pd.Series:
    """A file's own ISO 3166-2 codes (or national p-codes, or HASC of newer provinces),
    kept when they are valid codes of a Thai or Cambodian province; else <NA>."""

    def convert(value: object) -> object:
        if not isinstance(value, str):
            return None
        text = value.strip()
        if text.upper() in _NEWER_HASC:
            return _NEWER_HASC[text.upper()]
        match = _ISO_LIKE.match(text)
        if not match:
            return None
        code = f"{match.group(1).upper()}-{int(match.group(2))}"
        return code if code in valid else None

    return values.map(convert).astype("string")


def _newer_by_name(values: pd.Series) -> pd.Series:
    return values.map(lambda v: _NEWER_NAMES.get(_fold(v)) if isinstance(v, str) else None).astype(
        "string"
    )


def read_boundaries(
    path: str | os.PathLike,
    *,
    layer: str | int | None = None,
    country: str | Iterable[str] | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    dissolve: bool = False,
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
    dissolve : bool, default False
        Merge the units of a finer file (districts, communes) into one polygon
        per province (``admin1_code``): the result can then serve as
        ``provinces=`` of :func:`scamgeo.geo.assign_province`. Units matched to
        no province are left out, with a warning that counts them.

    Returns
    -------
    geopandas.GeoDataFrame
        The file's fields, then ``country`` (ISO3), ``admin1`` (English name
        from scamgeo's crosswalk), ``admin1_code`` (ISO 3166-2) and
        ``admin1_match`` (how the unit was matched: ``code``, ``name``,
        ``spatial`` (its representative point lies in the province) or empty),
        in EPSG:4326. A field of the file named like an added column is kept
        as ``src_<name>`` (compared case-insensitively, as GIS formats do).
        A unit's own valid ISO 3166-2 code is kept, including KH-25 (Tboung
        Khmum, created 2013), which scamgeo's embedded 1:10m provinces
        predate (a warning says so); a unit is never given another
        province's code: in a province (admin-1) file each code names one
        unit (parts of one unit are merged), and a unit whose only match is
        spatial and whose code another unit already carries is left empty.

    Raises
    ------
    DataSourceError
        Missing, empty or unreadable file; a file with no features, or of
        points or lines instead of polygons; a province file in which two
        different units carry the same code (both named).
    ParameterError
        Several layers and no ``layer``, an unknown layer or field.
    CRSError
        No CRS and coordinates that are not longitude/latitude.

    Warns
    -----
    UserWarning
        When the file has no CRS (TopoJSON never has one) and its coordinates
        look like longitude/latitude: EPSG:4326 is assumed; when units carry
        KH-25; when ``code_field`` matches no unit; when a unit loses a code
        another unit carries; when ``dissolve`` leaves out unmatched units.
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
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise DataSourceError(
            f"{path}: has no geometry; expected a boundary file (shapefile, GeoPackage, GeoJSON, ...)."
        )
    if gdf.empty:
        shown = layer if layer is not None else (names[0] if names else "")
        raise DataSourceError(
            f"{path}: the layer {shown!r} has no features (an empty collection); expected "
            "boundary polygons."
        )
    if gdf.geometry.isna().all():
        raise DataSourceError(
            f"{path}: has no geometry; expected a boundary file (shapefile, GeoPackage, GeoJSON, ...)."
        )
    kinds = gdf.geometry.geom_type.dropna()
    other = kinds[~kinds.isin(_POLYGONAL)]
    if len(other):
        counts = ", ".join(f"{k} ({v})" for k, v in other.value_counts().items())
        raise DataSourceError(
            f"{path}: holds {counts} geometries, not boundary polygons; read_boundaries needs "
            "a file of areas (Polygon/MultiPolygon), e.g. an admin-1 file from GADM, "
            "geoBoundaries or OCHA COD. Read point or line files with geopandas.read_file()."
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
    valid = set(provinces().index) | set(NEWER_PROVINCES)
    names_series = gdf[name_col] if name_col else pd.Series(pd.NA, index=gdf.index, dtype="string")
    codes_series = gdf[code_col].astype("string") if code_col else None
    empty = pd.Series(pd.NA, index=gdf.index, dtype="string")
    if codes_series is not None:
        own = _own_codes(codes_series, valid)
        by_code = own.fillna(
            admin1_codes(empty, country=per_row, codes=codes_series).where(
                lambda c: c.isin(list(valid))
            )
        )
        if code_field is not None and by_code.isna().all():
            message = (
                f"{path}: code_field={code_field!r} holds no Thai or Cambodian province code "
                f"(values such as {', '.join(repr(v) for v in codes_series.dropna().head(3))}); "
                "units are matched by name or location instead."
            )
            logger.warning(message)
            warnings.warn(message, UserWarning, stacklevel=2)
    else:
        by_code = empty
    by_name = _newer_by_name(names_series).fillna(admin1_codes(names_series, country=per_row))
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
            if not finer:  # a province file: never a second unit with one province's code
                taken = set(codes.dropna())
                clash = hit.isin(list(taken)).to_numpy(dtype=bool)
                if clash.any():
                    label = gdf[name_col] if name_col else pd.Series(gdf.index, index=gdf.index)
                    shown = ", ".join(
                        f"{label.loc[i]!r} (inside {c} of the 1:10m layer)"
                        for i, c in hit[clash].items()
                    )
                    message = (
                        f"{path}: {int(clash.sum())} unit(s) lie inside a province that another "
                        f"unit of the file already is: {shown}; their admin1_code is left empty "
                        "rather than given another province's code."
                    )
                    logger.warning(message)
                    warnings.warn(message, UserWarning, stacklevel=2)
                    hit = hit[~clash]
            codes.loc[hit.index] = hit.to_numpy()
            how.loc[hit.index] = "spatial"
    newer = codes.isin(list(NEWER_PROVINCES)).fillna(False).to_numpy(dtype=bool)
    if newer.any():
        listed = ", ".join(f"{c} {NEWER_PROVINCES[c]}" for c in sorted(set(codes[newer])))
        message = (
            f"{path}: {int(newer.sum())} unit(s) carry {listed}, a province created in 2013 from "
            "Kampong Cham (KH-3); their code is kept. scamgeo's embedded 1:10m provinces "
            "(scamgeo.datasets.provinces) predate it and still count it under KH-3: pass these "
            "boundaries as provinces= to scamgeo.geo.assign_province to use the current provinces."
        )
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=2)
    prov_names = provinces()["name"]
    country_out = iso3.copy()
    from_code = codes.str[:2].map({"TH": "THA", "KH": "KHM"}).astype("string")
    country_out = country_out.fillna(from_code)
    if restrict is not None:
        country_out = country_out.fillna(restrict)
    gdf = gdf.rename(columns={c: f"src_{c}" for c in gdf.columns if c.lower() in _ADDED})
    gdf["country"] = country_out.to_numpy()
    all_names = {**prov_names.to_dict(), **NEWER_PROVINCES}
    gdf["admin1"] = codes.map(all_names).astype("string").to_numpy()
    gdf["admin1_code"] = codes.to_numpy()
    gdf["admin1_match"] = how.to_numpy()
    if wanted is not None:
        gdf = gdf[gdf["country"].isin(wanted).fillna(False).to_numpy(dtype=bool)]
    n_missing = int(gdf["admin1_code"].isna().sum())
    if n_missing:
        logger.info(
            "%s: %d of %d units matched no Thai/Cambodian province", path, n_missing, len(gdf)
        )
    if dissolve:
        gdf = _dissolve(gdf, path=path)
    elif not finer:
        gdf = _one_unit_per_code(gdf, path=path, name_col=name_col)
    columns = [c for c in gdf.columns if c != gdf.geometry.name] + [gdf.geometry.name]
    out = gdf[columns].reset_index(drop=True)
    out.attrs["source"] = {
        "file": str(path),
        "layer": layer if layer is not None else (names[0] if names else None),
        "code_field": code_col,
        "name_field": name_col,
    }
    return out


def _one_unit_per_code(
    gdf: gpd.GeoDataFrame, *, path: object, name_col: str | None
) -> gpd.GeoDataFrame:
    """In a province file, one row per code: parts of one unit merged; two units refused."""
    codes = gdf["admin1_code"]
    dup = codes.duplicated(keep=False) & codes.notna()
    if not dup.any():
        return gdf
    label = gdf[name_col].astype("string") if name_col else gdf["admin1"].astype("string")
    groups = pd.DataFrame({"code": codes[dup], "name": label[dup].map(_fold)})
    differing = groups.groupby("code")["name"].nunique()
    bad = differing[differing > 1]
    if len(bad):
        parts = []
        for code in bad.index:
            shown = ", ".join(repr(n) for n in label[dup & codes.eq(code)].tolist())
            parts.append(f"{code}: {shown}")
        raise DataSourceError(
            f"{path}: several different units carry one province code ({'; '.join(parts)}). "
            "A province file has one unit per province; if this is a district or commune "
            "file, pass dissolve=True to merge its units into provinces, or name the right "
            "fields with code_field= / name_field=."
        )
    merged = _dissolve(gdf[dup], path=path, warn=False)
    n_parts = int(dup.sum())
    message = (
        f"{path}: {n_parts} features are parts of {len(merged)} unit(s) "
        f"({', '.join(sorted(set(codes[dup])))}); merged into one feature each."
    )
    logger.info(message)
    keep = gdf[~dup.to_numpy()]
    out = pd.concat([keep, merged[keep.columns]], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry=gdf.geometry.name, crs=gdf.crs)


def _dissolve(gdf: gpd.GeoDataFrame, *, path: object, warn: bool = True) -> gpd.GeoDataFrame:
    """One polygon per province code (first value of every other field kept)."""
    unmatched = gdf["admin1_code"].isna().to_numpy(dtype=bool)
    if unmatched.any() and warn:
        message = (
            f"{path}: {int(unmatched.sum())} unit(s) matched no Thai or Cambodian province and "
            "are left out of the dissolved provinces."
        )
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=3)
    matched = gdf[~unmatched]
    merged = matched.dissolve(by="admin1_code", as_index=False, aggfunc="first", sort=False)
    merged["admin1_match"] = (
        matched.groupby("admin1_code", sort=False)["admin1_match"]
        .first()
        .reindex(merged["admin1_code"])
        .to_numpy()
    )
    return gpd.GeoDataFrame(merged, geometry=gdf.geometry.name, crs=gdf.crs)
