"""HDX HAPI's displacement tables, mapped onto IOM DTM's layout (private plumbing).

HDX HAPI (the Humanitarian API, and the ``hdx_hapi_*`` CSV files HDX
publishes from it) carries IOM DTM's IDP figures in its own columns:
``location_code`` (ISO3), ``admin1_code``/``admin1_name``,
``admin2_code``/``admin2_name`` (COD p-codes and names), ``operation``,
``assessment_type``, ``reporting_round``, ``population`` (IDPs, people) and
``reference_period_start``/``reference_period_end``, with an HXL row under
the header in the CSV files. :func:`from_hapi` renames them to DTM's API
names, so :func:`scamgeo.io.read_dtm` reads them as it reads DTM's own.

HAPI's *returnees* table is another thing: refugees returning across a
border (``origin_location_code``, ``asylum_location_code``, by population
group, gender and age), not people displaced inside Thailand or Cambodia by
province; it is refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .._errors import DataSourceError

__all__ = ["from_hapi", "hapi_layout"]

#: HAPI's IDP columns -> DTM's API names.
_IDP_NAMES = {
    "location_code": "admin0Pcode",
    "location_name": "admin0Name",
    "admin1_code": "admin1Pcode",
    "admin1_name": "admin1Name",
    "admin2_code": "admin2Pcode",
    "admin2_name": "admin2Name",
    "admin_level": "adminLevel",
    "reference_period_end": "reportingDate",
    "population": "numPresentIdpInd",
}
_IDP_SIGNS = {"location_code", "population", "assessment_type", "reporting_round"}
_RETURNEE_SIGNS = {"origin_location_code", "asylum_location_code", "population_group"}


def hapi_layout(columns: Iterable[str]) -> str | None:
    """``"idps"``, ``"returnees"`` for HAPI's displacement tables, else None."""
    cols = {str(c).strip().lower() for c in columns}
    if _IDP_SIGNS <= cols:
        return "idps"
    if _RETURNEE_SIGNS <= cols:
        return "returnees"
    return None


def from_hapi(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """HAPI's IDP table in DTM's column names (other tables are returned as they are).

    A figure HAPI files under an unspecified district (``admin2_code`` ending
    in ``XXX``, ``admin2_name`` "Unspecified") is a province figure: its
    district is left empty, so the row is read at admin level 1.

    Raises
    ------
    DataSourceError
        For HAPI's returnees table, saying what it holds and what to do.
    """
    layout = hapi_layout(frame.columns)
    if layout == "returnees":
        raise DataSourceError(
            f"{source}: an HDX HAPI returnees table: refugees returning across a border (by "
            "origin and asylum country, population group, gender and age), not people displaced "
            "inside Thailand or Cambodia by province, which is what scamgeo's displacement "
            "schema holds. Read it with pandas (e.g. keep gender 'all' and one age range so "
            "that groups are not summed twice); for returns within the country read the DTM or "
            "HAPI IDP table, or an authority's table with scamgeo.io.read_displacement_table()."
        )
    if layout != "idps":
        return frame
    out = frame.rename(columns={k: v for k, v in _IDP_NAMES.items() if k in frame.columns})
    if "admin2Pcode" in out.columns:
        code = out["admin2Pcode"].astype("string").str.strip()
        name = (
            out["admin2Name"].astype("string").str.strip().str.lower()
            if "admin2Name" in out.columns
            else pd.Series(pd.NA, index=out.index, dtype="string")
        )
        unspecified = (code.str.upper().str.endswith("XXX") | name.eq("unspecified")).fillna(False)
        mask = unspecified.to_numpy(dtype=bool)
        for col in ("admin2Pcode", "admin2Name"):
            if col in out.columns:
                out[col] = out[col].astype("object").where(~mask, None)
    return out
