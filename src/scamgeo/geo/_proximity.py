"""How near each point lies to a set of sites, given both points' location errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._inputs import uncertainty_radius_m
from .._validate import check_positive
from ._crs import Frame
from ._nearest import nearest_site

__all__ = ["WITHIN", "nearest_place", "proximity"]

#: The answers of :func:`proximity` to "is it within ``km``?", from sure to no.
WITHIN = ("certainly", "possibly", "no")


def proximity(gdf: Frame, sites: Frame, *, km: float) -> pd.DataFrame:
    """How near each row lies to its nearest site, and whether it is within ``km`` for sure.

    A point and a site are each known only to within a radius (their
    ``uncertainty_m``, else their ``geo_precision``'s radius; the rule of
    :func:`scamgeo._inputs.uncertainty_radius_m`). A row is **certainly** within
    ``km`` when its distance plus both radii is at most ``km``, **possibly** when
    its distance minus both radii is at most ``km`` but not certainly, and **no**
    otherwise. Two points closer than their combined radii are not told apart:
    their distance is no measurement (``apart`` is False), so a place standing
    on another's stand-in point is never "0.00 km" from it.

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame with latitude/longitude
        Events or places, with a CRS.
    sites : GeoDataFrame
        Sites with ``site_id`` (as :func:`nearest_site` takes them).
    km : float
        The distance asked about.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``gdf``: ``nearest_site_id``, ``nearest_site_name``,
        ``distance_km`` (between the recorded points), ``margin_km`` (the two
        radii added), ``within`` (ordered categorical :data:`WITHIN`) and
        ``apart`` (whether the distance exceeds the margin).

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> hub = datasets.sites().loc[["poipet"]]
    >>> near = geo.proximity(datasets.events(), hub, km=30)
    >>> near["within"].value_counts().to_dict()
    {'no': 177, 'possibly': 32, 'certainly': 7}
    """
    km = check_positive(km, name="km")
    near = nearest_site(gdf, sites)
    site_frame = sites if "site_id" in getattr(sites, "columns", ()) else sites.reset_index()
    site_radius = pd.Series(
        uncertainty_radius_m(site_frame)[0] / 1000.0,
        index=site_frame["site_id"].astype("string").to_numpy(),
    )
    own = uncertainty_radius_m(pd.DataFrame(gdf))[0] / 1000.0
    theirs = near["nearest_site_id"].map(site_radius).to_numpy(dtype=float, na_value=np.nan)
    margin = own + theirs
    dist = near["nearest_site_km"].to_numpy(dtype=float)
    within = np.where(
        dist + margin <= km, "certainly", np.where(dist - margin <= km, "possibly", "no")
    )
    within = np.where(np.isnan(dist), "no", within)
    return pd.DataFrame(
        {
            "nearest_site_id": near["nearest_site_id"],
            "nearest_site_name": near["nearest_site_name"],
            "distance_km": dist,
            "margin_km": margin,
            "within": pd.Categorical(within, categories=list(WITHIN), ordered=True),
            "apart": dist > margin,
        },
        index=near.index,
    )


def nearest_place(gdf: Frame, *, places: Frame | None = None) -> pd.DataFrame:
    """The nearest named place of each geometry (a grid cell, an event), to say where it is.

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame with latitude/longitude
        Points, lines or polygons (a polygon is measured from a point on its surface).
    places : GeoDataFrame, optional
        Named places with ``place_id`` and ``name`` (default: the gazetteer,
        :func:`scamgeo.datasets.gazetteer`).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``gdf``: ``nearest_place_id``, ``nearest_place`` (its name)
        and ``nearest_place_km``.

    Examples
    --------
    >>> from scamgeo import datasets, geo
    >>> geo.nearest_place(datasets.sites().loc[["poipet"]])["nearest_place"].iloc[0]
    'Poipet casino strip'
    """
    if places is None:
        from .. import datasets

        places = datasets.gazetteer()
    named = (
        places.rename(columns={"place_id": "site_id"}) if "place_id" in places.columns else places
    )
    near = nearest_site(gdf, named)
    return pd.DataFrame(
        {
            "nearest_place_id": near["nearest_site_id"],
            "nearest_place": near["nearest_site_name"],
            "nearest_place_km": near["nearest_site_km"],
        },
        index=near.index,
    )
