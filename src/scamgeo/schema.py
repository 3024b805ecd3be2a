"""Table schemas: one definition per table, checked on every load.

A :class:`TableSchema` lists its :class:`Column` objects (type, vocabulary,
range, whether empty cells are allowed). :meth:`TableSchema.validate` parses a
raw frame into proper dtypes and collects *every* problem (missing columns,
bad dates, out-of-range numbers, unknown categories, malformed URLs) before
raising one :class:`~scamgeo.SchemaError` naming the file, line and column.

:data:`EVENTS` is the common event schema: the curated events table, ACLED
exports and UCDP GED files all come out of their loaders in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._validate import Problems, require_columns
from .vocab import (
    ACTORS,
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
    SITE_KINDS,
    SUB_EVENT_TYPES,
    VICTIM_SIDES,
    VICTIM_TYPES,
)

__all__ = [
    "ACTORS",
    "CLAIMS",
    "COUNTRIES",
    "DISPLACEMENT",
    "DISPLACEMENT_METRICS",
    "EVENTS",
    "COORD_METHODS",
    "EVENT_TYPES",
    "GAZETTEER",
    "MEASURES",
    "PLACE_KINDS",
    "PLACE_SIDES",
    "VICTIM_SIDES",
    "VICTIM_TYPES",
    "SCAM_FIGURES",
    "SITES",
    "SITE_KINDS",
    "SUB_EVENT_TYPES",
    "TALLIES",
    "TIMELINE",
    "Column",
    "TableSchema",
]

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
_ISO_3166_2 = re.compile(r"^(TH|KH)-\d{1,2}$")

_KINDS = ("str", "int", "float", "date", "category", "url", "bool", "code")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"str", "int", "float", "date", "category", "url", "bool", "code"}
        How cells are parsed: ``date`` is ISO ``YYYY-MM-DD``; ``category`` must
        be one of ``choices``; ``url`` must be an http(s) URL; ``code`` an
        ISO 3166-2 code of a Thai or Cambodian province.
    required : bool
        The column must be present (optional columns are added empty).
    nullable : bool
        Empty cells are allowed.
    choices : tuple of str, optional
        The vocabulary of a ``category`` column.
    min, max : float or str, optional
        Inclusive range of numbers, or of dates as ``YYYY-MM-DD``.
    description : str
        What the column holds (used in the data dictionary).
    """

    name: str
    kind: str = "str"
    required: bool = True
    nullable: bool = True
    choices: tuple[str, ...] | None = None
    min: float | str | None = None
    max: float | str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"Column {self.name}: kind must be one of {_KINDS}")
        if self.kind == "category" and not self.choices:
            raise ValueError(f"Column {self.name}: a category needs choices")


@dataclass(frozen=True)
class TableSchema:
    """A table's columns, key and documented ranges.

    Parameters
    ----------
    name : str
        Table name (also the CSV file stem under ``data/curated``).
    columns : tuple of Column
        Columns in their canonical order.
    key : str, optional
        Column whose values must be unique.
    description : str
        One line on what a row is.
    """

    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    description: str = ""
    extra_checks: tuple = field(default=(), repr=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def validate(
        self, frame: pd.DataFrame, *, source: str | None = None, line_offset: int = 2
    ) -> pd.DataFrame:
        """Parse and check ``frame``; return a new frame with proper dtypes.

        Parameters
        ----------
        frame : pandas.DataFrame
            Raw table, typically read with every column as text.
        source : str, optional
            File or table name used in messages (defaults to the schema name).
        line_offset : int
            Added to the 0-based row position to give the line number in
            messages (2 for a CSV with one header line).

        Raises
        ------
        SchemaError
            Listing every missing column, or every bad cell with its line and column.
        """
        source = source or self.name
        require_columns(frame.columns, self.required, source=source)
        out = frame.copy()
        for col in self.columns:
            if col.name not in out.columns:
                out[col.name] = pd.NA
        problems = Problems(source)
        lines = np.arange(len(out)) + line_offset
        for col in self.columns:
            out[col.name] = _parse(out[col.name], col, lines, problems)
        if self.key is not None:
            dup = out[self.key].duplicated(keep=False) & out[self.key].notna()
            for line, value in zip(lines[dup.to_numpy()], out.loc[dup, self.key], strict=True):
                problems.add(f"duplicate {self.key} {value!r}", row=int(line), column=self.key)
        for check in self.extra_checks:
            check(out, lines, problems)
        problems.raise_if_any()
        ordered = self.names + [c for c in out.columns if c not in self.names]
        return out[ordered]


def _text_and_blank(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells as stripped text (<NA> when empty), and where a cell is empty (NaN, None, '' or spaces)."""
    stripped = series.astype("string").str.strip()
    blank = (series.isna() | stripped.eq("").fillna(True)).astype(bool)
    return stripped.where(~blank), blank


def _parse(series: pd.Series, col: Column, lines: np.ndarray, problems: Problems) -> pd.Series:
    text, blank = _text_and_blank(series)
    if not col.nullable:
        _flag(problems, lines, blank, "empty, but a value is required", column=col.name)

    def bad(mask: pd.Series, what: str) -> None:
        _flag(problems, lines, mask, what, column=col.name, values=text)

    if col.kind in ("int", "float"):
        values = pd.to_numeric(text, errors="coerce")
        bad(values.isna() & ~blank, "is not a number")
        if col.kind == "int":
            bad(values.notna() & (values != values.round()), "is not a whole number")
        if col.min is not None:
            bad(values < col.min, f"is below the minimum {col.min}")
        if col.max is not None:
            bad(values > col.max, f"is above the maximum {col.max}")
        if col.kind == "int":
            return values.round().astype("Int64")
        return values.astype("float64")
    if col.kind == "date":
        values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad(values.isna() & ~blank, "is not a date (YYYY-MM-DD)")
        if col.min is not None:
            bad(values < pd.Timestamp(col.min), f"is before {col.min}")
        if col.max is not None:
            bad(values > pd.Timestamp(col.max), f"is after {col.max}")
        return values.astype("datetime64[ns]")
    if col.kind == "category":
        choices = col.choices or ()
        bad(~text.isin(choices) & ~blank, f"is not one of {', '.join(choices)}")
        return pd.Categorical(text.where(text.isin(choices)), categories=list(choices))
    if col.kind == "url":
        bad(~text.fillna("").str.match(_URL) & ~blank, "is not an http(s) URL")
        return text
    if col.kind == "code":
        bad(
            ~text.fillna("").str.match(_ISO_3166_2) & ~blank,
            "is not an ISO 3166-2 code like TH-32 or KH-22",
        )
        return text
    if col.kind == "bool":
        lowered = text.str.lower()
        truth = lowered.map(
            {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        )
        bad(truth.isna() & ~blank, "is not true/false")
        return truth.astype("boolean")
    return text


# --- checks shared by tables -------------------------------------------------


def _flag(
    problems: Problems,
    lines: np.ndarray,
    where: pd.Series | np.ndarray,
    what: str,
    *,
    column: str,
    values: pd.Series | None = None,
) -> None:
    """Add the problem ``what`` at every line where ``where`` holds (missing counts as no).

    With ``values``, each problem starts with that row's value (``'x' is not a date``).
    """
    mask = (
        where.to_numpy(dtype=bool, na_value=False)
        if isinstance(where, pd.Series)
        else np.asarray(where, dtype=bool)
    )
    if values is None:
        for line in lines[mask]:
            problems.add(what, row=int(line), column=column)
        return
    for line, value in zip(lines[mask], values[mask], strict=True):
        problems.add(f"{value!r} {what}", row=int(line), column=column)


def _lat_lon(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """Both coordinates or neither; swapped coordinates get their own message."""
    lat, lon = frame["latitude"], frame["longitude"]
    _flag(
        problems,
        lines,
        lat.isna() ^ lon.isna(),
        "latitude and longitude must both be given or both be empty",
        column="latitude",
    )
    swapped = (lat.abs() > 90) & (lon.abs() <= 90)
    _flag(problems, lines, swapped, "latitude and longitude look swapped", column="latitude")


def _range_order(start: str, end: str):
    def check(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
        _flag(problems, lines, frame[end] < frame[start], f"{end} is before {start}", column=end)

    return check


def _sub_event_matches(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    expected = frame["sub_event_type"].astype("string").map(SUB_EVENT_TYPES)
    actual = frame["event_type"].astype("string")
    wrong = (
        (expected.notna() & actual.notna() & (expected != actual))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    for line, sub, et in zip(
        lines[wrong], frame["sub_event_type"][wrong], actual[wrong], strict=True
    ):
        problems.add(
            f"sub_event_type {sub!r} belongs to {SUB_EVENT_TYPES[sub]!r}, not {et!r}",
            row=int(line),
            column="event_type",
        )


def _low_high(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    _flag(problems, lines, frame["high"] < frame["low"], "high is below low", column="high")
    neither = frame["value"].isna() & frame["low"].isna() & frame["high"].isna()
    _flag(problems, lines, neither, "needs a value, or a low/high range", column="value")


def _incident_scope(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """An ``incident_id`` belongs to an incident figure and has the SG-I#### form."""
    incident = frame["incident_id"].astype("string")
    has = incident.notna()
    bad_form = has & ~incident.str.fullmatch(r"SG-I\d{4}").fillna(False)
    _flag(
        problems,
        lines,
        bad_form,
        "is not an incident id like SG-I0001",
        column="incident_id",
        values=incident,
    )
    _flag(
        problems,
        lines,
        has & frame["scope"].astype("string").eq("cumulative"),
        "a cumulative figure refers to no single incident",
        column="incident_id",
    )


#: The last date any curated table may hold.
_LAST_DATE = "2026-12-31"


def _date(name: str, since: str, **options: Any) -> Column:
    """A date column of the record, from ``since`` to :data:`_LAST_DATE`."""
    return Column(name, "date", min=since, max=_LAST_DATE, **options)


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
        _date("source_date", "2014-01-01", description="Publication date of the cited report."),
        Column(
            "source_url_2",
            "url",
            required=False,
            description="A second, independent report of the same fact.",
        ),
        _MIRROR,
    )


def _displacement_rules(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """``both`` only for combined totals; flows carry an ordered period, stocks none."""
    both = frame["country"].astype("string").eq("both").fillna(False)
    combined = frame["metric"].astype("string").eq("displaced_combined").fillna(False)
    measure = frame["measure"].astype("string")
    flow = measure.eq("flow").fillna(False)
    stock = measure.eq("stock").fillna(False)
    start, end = frame["period_start"], frame["period_end"]
    rules = (
        (
            both & ~combined,
            "country",
            "country 'both' is only allowed with metric displaced_combined",
        ),
        (
            combined & ~both,
            "country",
            "metric displaced_combined is a cross-border total: country must be 'both'",
        ),
        (both & frame["admin1"].notna(), "admin1", "a cross-border total has no province"),
        (
            flow & (start.isna() | end.isna()),
            "period_start",
            "a flow needs period_start and period_end",
        ),
        (flow & (end < start), "period_end", "period_end is before period_start"),
        (
            stock & (start.notna() | end.notna()),
            "period_start",
            "a stock is counted at as_of and has no period",
        ),
        (flow & (end > frame["as_of"]), "period_end", "period_end is after as_of"),
    )
    for where, column, what in rules:
        _flag(problems, lines, where, what, column=column)


def _coord_columns(*, nullable: bool = True) -> tuple[Column, Column]:
    """``latitude`` and ``longitude`` in WGS84 decimal degrees (may be empty when ``nullable``)."""
    note = "Decimal degrees, WGS84." + (" Empty if not known." if nullable else "")
    return (
        Column("latitude", "float", nullable=nullable, min=-90, max=90, description=note),
        Column("longitude", "float", nullable=nullable, min=-180, max=180, description=note),
    )


_COORDS = _coord_columns()


def _figure_source_columns(*, since: str, publisher: str = "") -> tuple[Column, ...]:
    """Who published a figure, where and when, and the row's notes (figure tables' tail)."""
    return (
        Column("publisher", "str", nullable=False, description=publisher),
        Column("source_url", "url", nullable=False),
        _date("source_date", since),
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
        _date("event_date", "1989-01-01", nullable=False, description="Day of the event."),
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
            description="ACLED sub-event type.",
        ),
        Column(
            "actor1",
            "str",
            nullable=False,
            description="The side that attacked or fired, as reported.",
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
    ),
    extra_checks=(_lat_lon, _sub_event_matches),
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
        _date("damage_date", "2025-01-01", description="Date of reported war damage."),
        Column("damage_note", "str", description="What was hit, in our words."),
        Column(
            "damage_claimed_by", "category", choices=CLAIMS, description="Who reports the damage."
        ),
        Column("damage_source_url", "url", description="Report of the damage."),
        Column("notes", "str", description="Short note in our words."),
        *_source_columns(),
    ),
    extra_checks=(_lat_lon,),
)

DISPLACEMENT = TableSchema(
    name="displacement",
    key="row_id",
    description="A displacement figure for one country (or province), metric and date.",
    columns=(
        Column("row_id", "str", nullable=False),
        _date("as_of", "2025-05-01", nullable=False, description="Date the figure refers to."),
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
        _date(
            "period_start",
            "2025-05-01",
            required=False,
            description="First day of the period a flow covers; empty for a stock.",
        ),
        _date(
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
        Column(
            "unit",
            "category",
            nullable=False,
            choices=DISPLACEMENT_UNITS,
            description="Unit of value.",
        ),
        *_figure_source_columns(since="2025-01-01", publisher="Who published the figure."),
    ),
    extra_checks=(_displacement_rules,),
)

TIMELINE = TableSchema(
    name="timeline",
    key="timeline_id",
    description="A key date of the conflict or of the fight against the scam economy.",
    columns=(
        Column("timeline_id", "str", nullable=False),
        _date("date", "2014-01-01", nullable=False),
        _date("end_date", "2014-01-01"),
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
    extra_checks=(_range_order("date", "end_date"),),
)

TALLIES = TableSchema(
    name="tallies",
    key="tally_id",
    description="A casualty tally as reported by one government or agency on one date.",
    columns=(
        Column("tally_id", "str", nullable=False),
        _date("as_of", "2025-05-01", nullable=False),
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
            choices=(
                "soldiers_killed",
                "civilians_killed",
                "civilians_killed_indirect",
                "civilians_killed_combined",
                "killed_total",
                "soldiers_injured",
                "civilians_injured",
                "injured_total",
                "missing",
                "captured",
            ),
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
            description="The events incident (SG-I####) an incident figure refers to; empty if not linked.",
        ),
        Column("value", "int", nullable=False, min=0),
        Column("reported_by", "str", nullable=False, description="Body that gave the figure."),
        Column("claimed_by", "category", nullable=False, choices=CLAIMS),
        *_figure_source_columns(since="2025-01-01"),
    ),
    extra_checks=(_incident_scope,),
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
        Column("unit", "str", nullable=False),
        Column("measures", "str", nullable=False, description="What exactly is counted."),
        *_figure_source_columns(since="2014-01-01"),
    ),
    extra_checks=(_low_high,),
)


def _stand_in_explained(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """A stand-in point must say in its notes what it stands for."""
    _flag(
        problems,
        lines,
        frame["coord_method"].astype("string").eq("stand_in") & frame["notes"].isna(),
        "a stand_in point needs notes saying which place's point stands in and why",
        column="notes",
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
        _date("coord_source_date", "2000-01-01", description="Date of that page, if shown."),
        Column(
            "source",
            "str",
            required=False,
            description="Publisher of a report naming the place and where it is.",
        ),
        Column("source_url", "url", required=False, description="That report."),
        _date("source_date", "2000-01-01", required=False, description="Its publication date."),
        Column(
            "notes", "str", description="What the place is and how the point was got, in our words."
        ),
    ),
    extra_checks=(_lat_lon, _stand_in_explained),
)

#: Every curated table by name.
CURATED: dict[str, TableSchema] = {
    s.name: s for s in (EVENTS, SITES, DISPLACEMENT, TIMELINE, TALLIES, SCAM_FIGURES, GAZETTEER)
}


def schema_table(schema: TableSchema) -> pd.DataFrame:
    """A data-dictionary view of ``schema`` (column, type, required, allowed, description)."""
    rows = []
    for c in schema.columns:
        allowed: Sequence[str] | str = ""
        if c.choices:
            allowed = ", ".join(c.choices)
        elif c.min is not None or c.max is not None:
            allowed = (
                f"{c.min if c.min is not None else ''} .. {c.max if c.max is not None else ''}"
            )
        rows.append(
            {
                "column": c.name,
                "type": c.kind,
                "required": c.required,
                "empty allowed": c.nullable,
                "allowed": allowed,
                "description": c.description,
            }
        )
    return pd.DataFrame(rows)
