"""The curated tables' schemas: :data:`EVENTS`, :data:`SITES`, :data:`DISPLACEMENT`, ...

Declared with the column kit (:mod:`scamgeo.schema._kit`); every table also
checks its cross-column rules (:mod:`scamgeo.schema._rules`).
"""

from __future__ import annotations

from ..vocab import (
    CLAIMS,
    COORD_METHODS,
    COUNTRIES,
    DISPLACEMENT_METRICS,
    DISPLACEMENT_UNITS,
    EVENT_TYPES,
    MEASURES,
    PHASES,
    PLACE_KINDS,
    PLACE_SIDES,
    QUALIFIERS,
    SITE_KINDS,
    SITE_STATUSES,
    SOURCE_GRADES,
    SUB_EVENT_TYPES,
    TALLY_CATEGORIES,
    VICTIM_SIDES,
    VICTIM_TYPES,
)
from ._kit import Column, TableSchema, date_column
from ._rules import (
    displacement_rules,
    grade_explained,
    incident_scope,
    lat_lon,
    low_high,
    qualifier_stated,
    range_order,
    repeated_figure,
    stand_in_explained,
    status_dates,
    sub_event_matches,
    tally_repeats,
)

__all__ = [
    "CURATED",
    "DISPLACEMENT",
    "EVENTS",
    "GAZETTEER",
    "SCAM_FIGURES",
    "SITES",
    "SITE_STATUS",
    "TALLIES",
    "TIMELINE",
]


#: Optional flag on every sourced table: the cited URL is a mirror, staging or copy host.
_MIRROR = Column(
    "source_is_mirror",
    "bool",
    required=False,
    description="true when source_url is a mirror, staging or aggregator copy (hosts such as test., "
    "dev., stg-, pre., beta-, api.) and the publisher's own URL could not be found.",
)


def _source_columns(*, url_required: bool = True) -> tuple[Column, ...]:
    return (
        Column(
            "source",
            "str",
            nullable=False,
            description="Publisher of the cited report (e.g. Reuters, Khmer Times).",
        ),
        Column(
            "source_url",
            "url",
            nullable=not url_required,
            description="Full http(s) URL of the cited report.",
        ),
        date_column(
            "source_date", "2014-01-01", description="Publication date of the cited report."
        ),
        Column(
            "source_url_2",
            "url",
            required=False,
            description="A second, independent report of the same fact.",
        ),
        _MIRROR,
    )


def _coord_columns(*, nullable: bool = True) -> tuple[Column, Column]:
    """``latitude`` and ``longitude`` in WGS84 decimal degrees (may be empty when ``nullable``)."""
    note = "Decimal degrees, WGS84." + (" Empty if not known." if nullable else "")
    return (
        Column("latitude", "float", nullable=nullable, min=-90, max=90, description=note),
        Column("longitude", "float", nullable=nullable, min=-180, max=180, description=note),
    )


_COORDS = _coord_columns()

#: Optional on every figure table: how the source hedges the figure.
_QUALIFIER = Column(
    "qualifier",
    "category",
    required=False,
    choices=QUALIFIERS,
    description="How the source hedges the figure: about, nearly, more than, up to, at least; "
    "empty when it is given exactly. value keeps the number as written, so 'nearly a million' "
    "is 1,000,000 with qualifier 'nearly' (an upper bound), never an exact count. Checked "
    "against the notes.",
)


def _figure_source_columns(*, since: str, publisher: str = "") -> tuple[Column, ...]:
    """Who published a figure, where and when, and the row's notes (figure tables' tail)."""
    return (
        Column("publisher", "str", nullable=False, description=publisher),
        Column("source_url", "url", nullable=False),
        date_column("source_date", since),
        Column("source_url_2", "url", required=False),
        _MIRROR,
        Column("notes", "str"),
    )


#: Common event schema: the curated events and every loader's output.
EVENTS = TableSchema(
    name="events",
    key="event_id",
    description="One armed incident at one location on one day (ACLED vocabulary).",
    columns=(
        Column(
            "event_id",
            "str",
            nullable=False,
            description="Unique id (SG-E#### for curated rows; the source's id otherwise).",
        ),
        date_column("event_date", "1989-01-01", nullable=False, description="Day of the event."),
        Column(
            "time_precision",
            "int",
            nullable=False,
            min=1,
            max=3,
            description="1 exact day, 2 within a week, 3 within a month.",
        ),
        Column(
            "event_type",
            "category",
            nullable=False,
            choices=EVENT_TYPES,
            description="ACLED event type.",
        ),
        Column(
            "sub_event_type",
            "category",
            nullable=False,
            choices=tuple(SUB_EVENT_TYPES),
            description="ACLED sub-event type (empty only in events read from ACLED's pre-2019 "
            "layout whose old type does not tell it; their old type is in event_type_original).",
            empty_where="event_type_original",
        ),
        Column(
            "actor1",
            "str",
            nullable=False,
            description="The side that attacked or fired, as reported. In Battles whose source "
            "names no initiator the order carries no meaning (as in ACLED) and notes say "
            "'initiator not stated'.",
        ),
        Column("actor2", "str", description="The side attacked, if any."),
        Column(
            "country",
            "category",
            nullable=False,
            choices=COUNTRIES,
            description="ISO3 code of the country where it happened.",
        ),
        Column("admin1", "str", description="Province, as named by the source."),
        Column("admin2", "str", description="District, if reported."),
        Column("location", "str", nullable=False, description="Named place."),
        *_COORDS,
        Column(
            "geo_precision",
            "int",
            min=1,
            max=3,
            description="1 exact place, 2 near place or district, 3 province.",
        ),
        Column(
            "fatalities",
            "int",
            min=0,
            description="Deaths reported for this event; empty when not reported.",
        ),
        Column(
            "notes",
            "str",
            description="Short description in scamgeo's own words (or the source's notes for external data).",
        ),
        *_source_columns(),
        Column(
            "claimed_by",
            "category",
            required=False,
            choices=CLAIMS,
            description="THA/KHM when only that side reports the fact; both; independent.",
        ),
        Column(
            "location_note",
            "str",
            required=False,
            description="What an approximate point stands for; 'disputed' where the place is contested.",
        ),
        Column(
            "coord_source",
            "str",
            required=False,
            description="Where the coordinates come from (GeoNames:id or a URL).",
        ),
        Column(
            "place_id",
            "str",
            required=False,
            description="The gazetteer place the event happened at; its point and uncertainty "
            "come from the gazetteer (one place, one point). Empty when the row carries its own "
            "sourced coordinates.",
        ),
        Column(
            "uncertainty_m",
            "int",
            required=False,
            min=1,
            description="Radius in metres the point is good to: from the gazetteer for rows with a "
            "place_id, else the row's own, else derived from geo_precision (see uncertainty_source).",
        ),
        Column(
            "incident_id",
            "str",
            required=False,
            description="One incident as reported by each side: rows sharing an incident_id are "
            "claims about the same incident (SG-I#### for curated rows).",
        ),
        Column(
            "victims_side",
            "category",
            required=False,
            choices=VICTIM_SIDES,
            description="Whose dead or injured the row reports; empty when it reports none.",
        ),
        Column(
            "victim_type",
            "category",
            required=False,
            choices=VICTIM_TYPES,
            description="Military, civilian or mixed victims; empty when none are reported.",
        ),
        Column(
            "source_grade",
            "category",
            required=False,
            choices=SOURCE_GRADES,
            description="How well the event is evidenced: both_confirm (both governments confirm "
            "it in their own terms), official (one government's official statement), "
            "independent (reporting from the scene or an independent body), unconfirmed (a "
            "single report nobody official or independent confirms). Empty for external data.",
        ),
        Column(
            "source_grade_reason",
            "str",
            required=False,
            description="A few words on why the event has its grade.",
        ),
    ),
    extra_checks=(lat_lon, sub_event_matches, grade_explained),
)

SITES = TableSchema(
    name="sites",
    key="site_id",
    description="A casino hub, casino, scam compound, border crossing or special economic zone.",
    columns=(
        Column("site_id", "str", nullable=False, description="Unique lowercase slug."),
        Column("name", "str", nullable=False, description="Commonest English name."),
        Column("aliases", "str", description="Other spellings, separated by '; '."),
        Column("kind", "category", nullable=False, choices=SITE_KINDS, description="Kind of site."),
        Column("country", "category", nullable=False, choices=COUNTRIES, description="ISO3 code."),
        Column("admin1", "str", description="Province or state."),
        *_COORDS,
        Column(
            "location_precision",
            "int",
            min=1,
            max=3,
            description="1 exact site, 2 within a few km, 3 town centroid.",
        ),
        Column("location_note", "str", description="What an approximate point stands for."),
        Column("coord_source", "str", description="Where the coordinates come from."),
        Column(
            "place_id",
            "str",
            required=False,
            description="The gazetteer place of the site; its point comes from the gazetteer.",
        ),
        Column(
            "uncertainty_m",
            "int",
            required=False,
            min=1,
            description="Radius in metres the point is good to (from the gazetteer).",
        ),
        Column("active_from", "str", description="Year or date the site is reported active from."),
        Column("active_to", "str", description="Year or date it closed, if reported."),
        Column("status", "str", description="Short status as reported."),
        date_column("damage_date", "2025-01-01", description="Date of reported war damage."),
        Column("damage_note", "str", description="What was hit, in our words."),
        Column(
            "damage_claimed_by", "category", choices=CLAIMS, description="Who reports the damage."
        ),
        Column("damage_source_url", "url", description="Report of the damage."),
        Column("notes", "str", description="Short note in our words."),
        *_source_columns(),
    ),
    extra_checks=(lat_lon,),
)

DISPLACEMENT = TableSchema(
    name="displacement",
    key="row_id",
    description="A displacement figure for one country (or province), metric and date.",
    columns=(
        Column("row_id", "str", nullable=False),
        date_column(
            "as_of", "2025-05-01", nullable=False, description="Date the figure refers to."
        ),
        Column(
            "country",
            "category",
            nullable=False,
            choices=("THA", "KHM", "both"),
            description="ISO3 code; 'both' only for a cross-border total (metric displaced_combined).",
        ),
        Column("admin1", "str", description="Province (English); empty for a national figure."),
        Column(
            "admin1_code",
            "code",
            description="ISO 3166-2 code of the province; empty for a national figure.",
        ),
        Column(
            "metric",
            "category",
            nullable=False,
            choices=DISPLACEMENT_METRICS,
            description="What is counted; Thai figures are mostly in_shelters, Cambodian mostly "
            "displaced_total; displaced_combined is a widely quoted total for both countries.",
        ),
        Column(
            "measure",
            "category",
            required=False,
            choices=MEASURES,
            description="stock: people displaced, sheltered, remaining or returned AT as_of (cumulative "
            "returns are a stock of returnees); flow: people who moved DURING period_start..period_end. "
            "Every curated row has one; a series never mixes the two.",
        ),
        date_column(
            "period_start",
            "2025-05-01",
            required=False,
            description="First day of the period a flow covers; empty for a stock.",
        ),
        date_column(
            "period_end",
            "2025-05-01",
            required=False,
            description="Last day of the period a flow covers; empty for a stock.",
        ),
        Column(
            "counting_body",
            "str",
            required=False,
            description="Who counted (the authority or agency that produced the figure, e.g. Thai Ministry "
            "of Interior, Cambodia NCDM); distinct from publisher. Every curated row has one.",
        ),
        Column("value", "int", nullable=False, min=0, description="The figure as reported."),
        _QUALIFIER,
        Column(
            "unit",
            "category",
            nullable=False,
            choices=DISPLACEMENT_UNITS,
            description="Unit of value.",
        ),
        *_figure_source_columns(since="2025-01-01", publisher="Who published the figure."),
    ),
    extra_checks=(
        displacement_rules,
        qualifier_stated("notes"),
        repeated_figure(
            "as_of",
            "country",
            "admin1",
            "metric",
            "unit",
            "measure",
            "period_start",
            "period_end",
        ),
    ),
)

TIMELINE = TableSchema(
    name="timeline",
    key="timeline_id",
    description="A key date of the conflict or of the fight against the scam economy.",
    columns=(
        Column("timeline_id", "str", nullable=False),
        date_column("date", "2014-01-01", nullable=False),
        date_column("end_date", "2014-01-01"),
        Column(
            "kind",
            "category",
            nullable=False,
            choices=(
                "skirmish",
                "landmine",
                "outbreak",
                "ceasefire",
                "accord",
                "suspension",
                "border_closure",
                "border_reopening",
                "diplomatic",
                "political",
                "scam_crackdown",
                "sanction",
                "other",
            ),
        ),
        Column(
            "label",
            "str",
            nullable=False,
            description="Short label (<= 40 characters) for chart annotations.",
        ),
        Column("description", "str"),
        Column("countries", "str", description="ISO3 codes separated by ';'."),
        Column(
            "phase_starts",
            "category",
            choices=PHASES[1:],
            description="The phase of the war that starts on this date, if any.",
        ),
        *_source_columns(),
    ),
    extra_checks=(range_order("date", "end_date"),),
)

TALLIES = TableSchema(
    name="tallies",
    key="tally_id",
    description="A casualty tally as reported by one government or agency on one date.",
    columns=(
        Column("tally_id", "str", nullable=False),
        date_column("as_of", "2025-05-01", nullable=False),
        Column(
            "phase",
            "category",
            nullable=False,
            choices=(*PHASES[1:], "all_2025"),
        ),
        Column(
            "side",
            "category",
            nullable=False,
            choices=("THA", "KHM"),
            description="Whose casualties.",
        ),
        Column(
            "category",
            "category",
            nullable=False,
            choices=TALLY_CATEGORIES,
            description="What is counted; civilians_killed_indirect are deaths Thailand attributed to the "
            "situation (evacuation, illness) rather than to attacks, never added to civilians_killed; "
            "civilians_killed_combined is a figure that lumps direct and indirect deaths together.",
        ),
        Column(
            "scope",
            "category",
            required=False,
            choices=("incident", "cumulative"),
            description="incident: a figure for one incident; cumulative: a running total for the phase. "
            "Every curated row has one; never add cumulative figures to each other.",
        ),
        Column(
            "incident_id",
            "str",
            required=False,
            description="The events incident (SG-I####) an incident figure counts; required when "
            "scope is incident (check_record also checks that the incident exists).",
        ),
        Column("value", "int", nullable=False, min=0),
        _QUALIFIER,
        Column("reported_by", "str", nullable=False, description="Body that gave the figure."),
        Column("claimed_by", "category", nullable=False, choices=CLAIMS),
        *_figure_source_columns(since="2025-01-01"),
    ),
    extra_checks=(incident_scope, qualifier_stated("notes"), tally_repeats),
)

SCAM_FIGURES = TableSchema(
    name="scam_figures",
    key="figure_id",
    description="A published figure on the scam economy; ranges kept as low/high.",
    columns=(
        Column("figure_id", "str", nullable=False),
        Column(
            "indicator",
            "category",
            nullable=False,
            choices=(
                "losses",
                "revenue",
                "people_in_compounds",
                "compounds",
                "raids",
                "arrests",
                "deportations",
                "sanctions",
                "seizures",
                "other",
            ),
        ),
        Column("geography", "str", nullable=False, description="ISO3 code or a named region."),
        Column("period_start", "str", description="Year (YYYY) or date the figure covers from."),
        Column("period_end", "str", description="Year (YYYY) or date it covers to."),
        Column(
            "value", "float", min=0, description="A single figure (empty when a range is given)."
        ),
        Column("low", "float", min=0, description="Low end of a range."),
        Column("high", "float", min=0, description="High end of a range."),
        _QUALIFIER,
        Column("unit", "str", nullable=False),
        Column("measures", "str", nullable=False, description="What exactly is counted."),
        *_figure_source_columns(since="2014-01-01"),
    ),
    extra_checks=(low_high, qualifier_stated("notes", "measures")),
)


#: A site's history: one row per site and status.
SITE_STATUS = TableSchema(
    name="site_status",
    key="status_id",
    description="One status of one site over a period (operating, raided, sealed, struck ...).",
    columns=(
        Column("status_id", "str", nullable=False, description="Unique id (SS####)."),
        Column(
            "site_id",
            "str",
            nullable=False,
            description="The site (scamgeo.datasets.sites() index); checked to exist.",
        ),
        Column(
            "status",
            "category",
            nullable=False,
            choices=SITE_STATUSES,
            description="What the site was in the period (scamgeo.vocab.SITE_STATUS_LABELS).",
        ),
        date_column(
            "start",
            "1990-01-01",
            nullable=False,
            description="First day the status is reported to hold (for 'operating': the earliest "
            "report of it operating; earlier history is not recorded).",
        ),
        Column(
            "start_precision",
            "category",
            nullable=False,
            choices=("day", "month", "year"),
            description="How exactly start is known: day, or only the month or the year (start is "
            "then the first day of it).",
        ),
        date_column(
            "end",
            "1990-01-01",
            description="Last day of the status; empty while it holds on the last report. A "
            "one-day raid or strike ends the day it starts.",
        ),
        Column(
            "claimed_by",
            "category",
            required=False,
            choices=CLAIMS,
            description="THA/KHM when only that government reports the status (a strike one side "
            "claims); independent; empty when undisputed.",
        ),
        Column("source_url", "url", nullable=False, description="Report of the status."),
        Column("publisher", "str", nullable=False, description="Who published it."),
        date_column(
            "published",
            "2000-01-01",
            description="Publication date of the report; empty only when the page shows none "
            "(notes say so).",
        ),
        Column("source_url_2", "url", required=False, description="A second report."),
        _MIRROR,
        Column("notes", "str", description="What happened, in our words."),
    ),
    extra_checks=(status_dates,),
)


GAZETTEER = TableSchema(
    name="gazetteer",
    key="place_id",
    description="A named place the record uses, with one sourced point and the radius it is good to.",
    columns=(
        Column("place_id", "str", nullable=False, description="Unique lowercase slug."),
        Column("name", "str", nullable=False, description="Commonest English name."),
        Column(
            "aliases",
            "str",
            description="Other spellings the sources use (Thai and Khmer romanisations), '; '-separated.",
        ),
        Column(
            "kind", "category", nullable=False, choices=PLACE_KINDS, description="Kind of place."
        ),
        Column(
            "side",
            "category",
            nullable=False,
            choices=PLACE_SIDES,
            description="Side of the border it lies on; 'disputed' where both states claim it.",
        ),
        Column("admin1", "str", description="Province of the side (English)."),
        Column("admin2", "str", description="District, if known."),
        *_coord_columns(nullable=False),
        Column(
            "uncertainty_m",
            "int",
            nullable=False,
            min=1,
            description="Radius in metres within which the place lies.",
        ),
        Column(
            "coord_method",
            "category",
            nullable=False,
            choices=COORD_METHODS,
            description="stated (a page gives coordinates for the place), geonames (its GeoNames "
            "record), derived (computed from stated facts), stand_in (another place's point, only "
            "where the place cannot be located).",
        ),
        Column(
            "coord_source",
            "url",
            nullable=False,
            description="URL of the page that gives the coordinates.",
        ),
        Column("coord_publisher", "str", nullable=False, description="Who publishes that page."),
        date_column("coord_source_date", "2000-01-01", description="Date of that page, if shown."),
        Column(
            "source",
            "str",
            required=False,
            description="Publisher of a report naming the place and where it is.",
        ),
        Column("source_url", "url", required=False, description="That report."),
        date_column(
            "source_date", "2000-01-01", required=False, description="Its publication date."
        ),
        Column(
            "notes", "str", description="What the place is and how the point was got, in our words."
        ),
    ),
    extra_checks=(lat_lon, stand_in_explained),
)

#: Every curated table by name.
CURATED: dict[str, TableSchema] = {
    s.name: s
    for s in (
        EVENTS,
        SITES,
        DISPLACEMENT,
        TIMELINE,
        TALLIES,
        SCAM_FIGURES,
        GAZETTEER,
        SITE_STATUS,
    )
}
