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
from ..vocab import fold
from ._codes import (
    CODE_FIELDS,
    COUNTRY_FIELDS,
    FINER,
    GENERIC_CODE,
    GENERIC_NAME,
    NAME_FIELDS,
    NEWER_PROVINCES,
    field,
    newer_by_name,
    own_codes,
)
from ._events import admin1_codes, country_from_name

__all__ = ["read_boundaries"]

logger = logging.getLogger(__name__)

_ADDED = ("country", "admin1", "admin1_code", "admin1_match")
_POLYGONAL = ("Polygon", "MultiPolygon")
_ISO2 = {"TH": "THA", "KH": "KHM", "LA": "LAO", "MM": "MMR", "VN": "VNM", "MY": "MYS"}


def _open_path(path: str | os.PathLike) -> str:
    """The source as OGR opens it; a missing or 0-byte local file is refused."""
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
        no province are left out, with a warning that counts them. Fields
        with one value per province (its name, code, country) are kept;
        numeric area fields (``Shape_Area``, ``area_km2``) are summed; fields
        that differ between the units of a province (a district's
        ``ADM2_EN``, ``ADM2_PCODE``, ``Shape_Leng``) are dropped, since they
        describe no province; ``units`` counts the features merged. The
        fields dropped and summed are in ``.attrs["dissolve"]``.

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
    source = _open_path(path)
    names = _layer_names(source, path=path, layer=layer)
    gdf = _to_geographic(_read_polygons(source, path=path, layer=layer, names=names), path=path)
    code_col, name_col, finer = _pick_fields(gdf, path=path, code=code_field, name=name_field)
    wanted = _wanted_countries(country)
    iso3 = _file_countries(gdf)
    restrict = _only_country(wanted)
    codes, how = _match_units(
        gdf,
        code_col=code_col,
        name_col=name_col,
        iso3=iso3,
        restrict=restrict,
        code_field=code_field,
        path=path,
    )
    codes, how = _match_spatially(
        gdf, codes, how, restrict=restrict, finer=finer, name_col=name_col, path=path
    )
    _warn_newer(codes, path=path)
    gdf = _assemble(gdf, codes=codes, how=how, iso3=iso3, restrict=restrict)
    gdf = _keep_countries(gdf, wanted=wanted, path=path)
    if dissolve:
        gdf = _dissolve(gdf, path=path)
    elif not finer:
        gdf = _one_unit_per_code(gdf, path=path, name_col=name_col)
    return _finish(
        gdf,
        source={
            "file": str(path),
            "layer": layer if layer is not None else (names[0] if names else None),
            "code_field": code_col,
            "name_field": name_col,
        },
    )


# --- check: open the file, its layer, its geometry and CRS, the fields asked for --------


def _layer_names(source: str, *, path: object, layer: str | int | None) -> list[str]:
    """The source's layer names, refusing an unreadable file or an ambiguous or unknown layer."""
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
    return names


def _read_polygons(
    source: str, *, path: object, layer: str | int | None, names: list[str]
) -> gpd.GeoDataFrame:
    """The layer as a frame of (Multi)Polygons; other files are refused by what they hold."""
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
    return gdf


def _to_geographic(gdf: gpd.GeoDataFrame, *, path: object) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326; no CRS is taken as longitude/latitude only when it fits."""
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            _warn(f"{path}: no CRS in the file; assuming longitude/latitude (EPSG:4326).", 3)
            return gdf.set_crs(config.GEOGRAPHIC_CRS)
        raise CRSError(
            f"{path}: no CRS in the file and the coordinates ({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) "
            "are not longitude/latitude; add a .prj (or set the CRS with geopandas) and read it again."
        )
    if not gdf.crs.equals(config.GEOGRAPHIC_CRS):
        return gdf.to_crs(config.GEOGRAPHIC_CRS)
    return gdf


def _pick_fields(
    gdf: gpd.GeoDataFrame, *, path: object, code: str | None, name: str | None
) -> tuple[str | None, str | None, bool]:
    """The code and name fields (given or recognised) and whether the file is finer than admin-1."""
    for given, label in ((code, "code_field"), (name, "name_field")):
        if given is not None and given not in gdf.columns:
            fields = [c for c in gdf.columns if c != "geometry"]
            raise ParameterError(
                f"{label}={given!r} is not a field of {path}. Fields: {', '.join(fields)}."
            )
    finer = field(gdf, FINER) is not None
    code_col = code or field(gdf, CODE_FIELDS) or (None if finer else field(gdf, GENERIC_CODE))
    name_col = name or field(gdf, NAME_FIELDS) or (None if finer else field(gdf, GENERIC_NAME))
    return code_col, name_col, finer


def _wanted_countries(country: str | Iterable[str] | None) -> list[str] | None:
    """The ISO3 codes of ``country=`` (upper-cased, checked), or None for all."""
    if country is None:
        return None
    wanted = [country] if isinstance(country, str) else list(country)
    return check_choices([str(c).upper() for c in wanted], COUNTRIES, name="country")


# --- compute: each unit's country and province code -----------------------------------


def _file_countries(gdf: gpd.GeoDataFrame) -> pd.Series:
    """ISO3 of each unit from the file's own country field (names, ISO3 or ISO2), else <NA>."""
    iso3 = pd.Series(pd.NA, index=gdf.index, dtype="string")
    country_col = field(gdf, COUNTRY_FIELDS)
    if country_col is not None:
        values = gdf[country_col].astype("string").str.strip()
        iso3 = country_from_name(values).fillna(values.str.upper().map(_ISO2))
    return iso3


def _only_country(wanted: list[str] | None) -> str | None:
    """THA or KHM when ``country=`` names that one country alone, else None."""
    return wanted[0] if wanted and len(wanted) == 1 and wanted[0] in ("THA", "KHM") else None


def _match_units(
    gdf: gpd.GeoDataFrame,
    *,
    code_col: str | None,
    name_col: str | None,
    iso3: pd.Series,
    restrict: str | None,
    code_field: str | None,
    path: object,
) -> tuple[pd.Series, pd.Series]:
    """Province codes matched by the file's codes first, names second, and how each matched."""
    from ..datasets import provinces

    per_row = (
        iso3.where(iso3.isin(["THA", "KHM"]), restrict)
        if restrict
        else iso3.where(iso3.isin(["THA", "KHM"]))
    )
    valid = set(provinces().index) | set(NEWER_PROVINCES)
    empty = pd.Series(pd.NA, index=gdf.index, dtype="string")
    names_series = gdf[name_col] if name_col else empty.copy()
    by_code = empty
    if code_col:
        by_code = _match_codes(
            gdf[code_col].astype("string"),
            per_row=per_row,
            valid=valid,
            code_field=code_field,
            path=path,
        )
    by_name = newer_by_name(names_series).fillna(admin1_codes(names_series, country=per_row))
    codes = by_code.fillna(by_name)
    how = pd.Series(pd.NA, index=gdf.index, dtype="string")
    how = how.mask(by_code.notna(), "code").mask(by_code.isna() & by_name.notna(), "name")
    return codes, how


def _match_codes(
    codes: pd.Series, *, per_row: pd.Series, valid: set[str], code_field: str | None, path: object
) -> pd.Series:
    """Province codes from a code field; warns when ``code_field=`` holds none."""
    empty = pd.Series(pd.NA, index=codes.index, dtype="string")
    own = own_codes(codes, valid)
    by_code = own.fillna(
        admin1_codes(empty, country=per_row, codes=codes).where(lambda c: c.isin(list(valid)))
    )
    if code_field is not None and by_code.isna().all():
        _warn(
            f"{path}: code_field={code_field!r} holds no Thai or Cambodian province code "
            f"(values such as {', '.join(repr(v) for v in codes.dropna().head(3))}); "
            "units are matched by name or location instead.",
            4,
        )
    return by_code


def _match_spatially(
    gdf: gpd.GeoDataFrame,
    codes: pd.Series,
    how: pd.Series,
    *,
    restrict: str | None,
    finer: bool,
    name_col: str | None,
    path: object,
) -> tuple[pd.Series, pd.Series]:
    """Codes of still unmatched units whose representative point lies in a province."""
    unmatched = codes.isna().to_numpy()
    if not unmatched.any():
        return codes, how
    hit = _province_of_points(gdf.geometry[unmatched], restrict=restrict)
    if hit is None:
        return codes, how
    if not finer:  # a province file: never a second unit with one province's code
        label = gdf[name_col] if name_col else pd.Series(gdf.index, index=gdf.index)
        hit = _drop_taken(hit, taken=set(codes.dropna()), label=label, path=path)
    codes.loc[hit.index] = hit.to_numpy()
    how.loc[hit.index] = "spatial"
    return codes, how


def _province_of_points(geometry: gpd.GeoSeries, *, restrict: str | None) -> pd.Series | None:
    """The 1:10m province each unit's representative point lies in (None: no points)."""
    from ..datasets import provinces

    points = gpd.GeoDataFrame(geometry=geometry.representative_point(), crs=geometry.crs)
    points = points[~points.geometry.is_empty]
    if not len(points):
        return None
    polygons = (
        provinces()[["iso_3166_2", "geometry"]]
        .reset_index(drop=True)
        .rename(columns={"iso_3166_2": "_code"})
    )
    hit = gpd.sjoin(points, polygons, how="left", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]["_code"].dropna().astype("string")
    if restrict is not None:
        hit = hit[hit.str[:2] == restrict[:2]]
    return hit


def _drop_taken(hit: pd.Series, *, taken: set[str], label: pd.Series, path: object) -> pd.Series:
    """Spatial matches whose code no other unit carries; the others are dropped with a warning."""
    clash = hit.isin(list(taken)).to_numpy(dtype=bool)
    if not clash.any():
        return hit
    shown = ", ".join(
        f"{label.loc[i]!r} (inside {c} of the 1:10m layer)" for i, c in hit[clash].items()
    )
    _warn(
        f"{path}: {int(clash.sum())} unit(s) lie inside a province that another "
        f"unit of the file already is: {shown}; their admin1_code is left empty "
        "rather than given another province's code.",
        4,
    )
    return hit[~clash]


def _warn_newer(codes: pd.Series, *, path: object) -> None:
    """Warn that units carry a province the embedded 1:10m provinces predate (KH-25)."""
    newer = codes.isin(list(NEWER_PROVINCES)).fillna(False).to_numpy(dtype=bool)
    if not newer.any():
        return
    listed = ", ".join(f"{c} {NEWER_PROVINCES[c]}" for c in sorted(set(codes[newer])))
    _warn(
        f"{path}: {int(newer.sum())} unit(s) carry {listed}, a province created in 2013 from "
        "Kampong Cham (KH-3); their code is kept. scamgeo's embedded 1:10m provinces "
        "(scamgeo.datasets.provinces) predate it and still count it under KH-3: pass these "
        "boundaries as provinces= to scamgeo.geo.assign_province to use the current provinces.",
        3,
    )


# --- assemble: the added columns, the countries asked for, one unit per province --------


def _assemble(
    gdf: gpd.GeoDataFrame,
    *,
    codes: pd.Series,
    how: pd.Series,
    iso3: pd.Series,
    restrict: str | None,
) -> gpd.GeoDataFrame:
    """The file's fields (clashing names as ``src_<name>``) and the four added columns."""
    from ..datasets import provinces

    from_code = codes.str[:2].map({"TH": "THA", "KH": "KHM"}).astype("string")
    country_out = iso3.copy().fillna(from_code)
    if restrict is not None:
        country_out = country_out.fillna(restrict)
    gdf = gdf.rename(columns={c: f"src_{c}" for c in gdf.columns if c.lower() in _ADDED})
    gdf["country"] = country_out.to_numpy()
    all_names = {**provinces()["name"].to_dict(), **NEWER_PROVINCES}
    gdf["admin1"] = codes.map(all_names).astype("string").to_numpy()
    gdf["admin1_code"] = codes.to_numpy()
    gdf["admin1_match"] = how.to_numpy()
    return gdf


def _keep_countries(
    gdf: gpd.GeoDataFrame, *, wanted: list[str] | None, path: object
) -> gpd.GeoDataFrame:
    """The units of the countries asked for; unmatched units are counted in the log."""
    if wanted is not None:
        gdf = gdf[gdf["country"].isin(wanted).fillna(False).to_numpy(dtype=bool)]
    n_missing = int(gdf["admin1_code"].isna().sum())
    if n_missing:
        logger.info(
            "%s: %d of %d units matched no Thai/Cambodian province", path, n_missing, len(gdf)
        )
    return gdf


def _finish(gdf: gpd.GeoDataFrame, *, source: dict[str, object]) -> gpd.GeoDataFrame:
    """Geometry last, a fresh index, and where the frame came from in ``.attrs``."""
    columns = [c for c in gdf.columns if c != gdf.geometry.name] + [gdf.geometry.name]
    out = gdf[columns].reset_index(drop=True)
    out.attrs["source"] = source
    return out


def _warn(message: str, stacklevel: int) -> None:
    """Log ``message`` and warn with it, ``stacklevel`` counted from the caller of _warn."""
    logger.warning(message)
    warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def _one_unit_per_code(
    gdf: gpd.GeoDataFrame, *, path: object, name_col: str | None
) -> gpd.GeoDataFrame:
    """In a province file, one row per code: parts of one unit merged; two units refused."""
    codes = gdf["admin1_code"]
    dup = codes.duplicated(keep=False) & codes.notna()
    if not dup.any():
        return gdf
    label = gdf[name_col].astype("string") if name_col else gdf["admin1"].astype("string")
    groups = pd.DataFrame({"code": codes[dup], "name": label[dup].map(fold)})
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
    out = pd.concat([keep, merged.reindex(columns=keep.columns)], ignore_index=True)
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
    keep, summed, dropped = _dissolved_columns(matched)
    aggfunc: dict[str, str] = {c: "first" for c in keep}
    aggfunc.update({c: "sum" for c in summed})
    merged = matched[[*keep, *summed, "admin1_code", gdf.geometry.name]].dissolve(
        by="admin1_code", as_index=False, aggfunc=aggfunc, sort=False
    )
    merged["units"] = (
        matched.groupby("admin1_code", sort=False).size().reindex(merged["admin1_code"]).to_numpy()
    )
    if dropped:
        logger.info(
            "%s: dissolve=True dropped the fields that differ between the units of a province "
            "(%s) and summed the area fields (%s)",
            path,
            ", ".join(dropped),
            ", ".join(summed) or "none",
        )
    out = gpd.GeoDataFrame(merged, geometry=gdf.geometry.name, crs=gdf.crs)
    out.attrs["dissolve"] = {"dropped": dropped, "summed": summed}
    return out


_AREA = ("area", "shape_area", "area_km2", "area_sqkm", "shape_are")


def _dissolved_columns(units: gpd.GeoDataFrame) -> tuple[list[str], list[str], list[str]]:
    """(fields kept, area fields summed, fields dropped) when units are merged into provinces.

    A field with one value per province (its name, code, country) is kept; a
    numeric area field (``Shape_Area``, ``area_km2``, ...) is summed; a field
    that differs between the units of one province (a district's name or
    code, ``Shape_Leng``) describes no province and is dropped.
    """
    geometry = units.geometry.name
    fields = [c for c in units.columns if c not in (geometry, "admin1_code")]
    groups = units.groupby("admin1_code", sort=False)
    distinct = groups[fields].nunique(dropna=False).max() if len(units) else pd.Series(dtype=int)
    keep, summed, dropped = [], [], []
    for col in fields:
        if int(distinct.get(col, 1)) <= 1:
            keep.append(col)
        elif str(col).lower() in _AREA and pd.api.types.is_numeric_dtype(units[col].dtype):
            summed.append(col)
        else:
            dropped.append(col)
    return keep, summed, dropped
