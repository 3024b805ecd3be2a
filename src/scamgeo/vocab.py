"""The vocabularies scamgeo speaks: one definition each, read by every module.

Event and sub-event types (ACLED's), the phases of the 2025 war in order and
their labels, displacement metrics, countries, site kinds, attribution texts
and the names of count models. The schemas (:mod:`scamgeo.schema`), the
statistics, the maps, the charts and the briefs all read them from here, so a
label or a list changes in one place.

Pure Python: importing it loads nothing else.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

from ._validate import guard_public

__all__ = [
    "ACLED_ATTRIBUTION",
    "ACLED_PUBLISHER",
    "ACTORS",
    "CEASEFIRE_PHASES",
    "CLAIMS",
    "COORD_METHODS",
    "COUNTRIES",
    "COUNTRY_NAMES",
    "COUNT_UNITS",
    "CURATED_ATTRIBUTION",
    "DISPLACEMENT_METRICS",
    "DISPLACEMENT_METRIC_LABELS",
    "DISPLACEMENT_UNITS",
    "DISPLACED_STOCKS",
    "EMBEDDED_ATTRIBUTION",
    "EVENT_KINDS",
    "EMBEDDED_SOURCE",
    "EVENT_TYPES",
    "EVENT_TYPE_CROSSWALK",
    "FIGHTING_TYPES",
    "GEONAMES_ATTRIBUTION",
    "MEASURES",
    "CLAIM_LABELS",
    "MODEL_LABELS",
    "MODEL_NAMES",
    "NATURAL_EARTH_ATTRIBUTION",
    "OFFICIAL_KINDS",
    "OSM_ATTRIBUTION",
    "PHASES",
    "PHASE_LABELS",
    "PHASE_PHRASES",
    "PLACE_KINDS",
    "PLACE_SIDES",
    "QUALIFIERS",
    "REGION_COUNTRIES",
    "RETURN_METRICS",
    "SITE_KINDS",
    "SITE_KIND_LABELS",
    "SITE_STATUSES",
    "SITE_STATUS_LABELS",
    "SOURCE_GRADES",
    "SOURCE_GRADE_LABELS",
    "STOCK_METRICS",
    "SUB_EVENT_TYPES",
    "TALLY_CATEGORIES",
    "TALLY_CATEGORY_LABELS",
    "TIME_PRECISION_DAYS",
    "UCDP_ATTRIBUTION",
    "UCDP_PUBLISHER",
    "VICTIM_SIDES",
    "VICTIM_TYPES",
    "VIOLENT_KINDS",
    "WAR_PHASES",
    "attribution_html",
    "column_labels",
    "fold",
    "match_name",
    "phase_label",
    "suggest_names",
]

#: ISO3 codes of the countries scamgeo's tables may name.
COUNTRIES: tuple[str, ...] = (
    "THA",
    "KHM",
    "LAO",
    "MMR",
    "VNM",
    "MYS",
    "CHN",
    "PHL",
    "IDN",
    "SGP",
    "KOR",
    "JPN",
    "IND",
    "USA",
)

#: ISO3 codes of the countries kept in the reference geography.
REGION_COUNTRIES: tuple[str, ...] = ("THA", "KHM", "LAO", "MMR", "VNM", "MYS")

#: ACLED event types (the curated table uses the first four).
EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
    "Protests",
    "Riots",
)

#: ACLED sub-event types, each with its event type.
SUB_EVENT_TYPES: dict[str, str] = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}

#: Days either side of an event's date that its ``time_precision`` leaves open: 1 the day
#: itself, 2 within a week, 3 within a month (wide enough whether a source codes the first
#: or the middle day of the week or month).
TIME_PRECISION_DAYS: dict[int, int] = {1: 0, 2: 7, 3: 31}

#: Kinds of event that every source's categories are crosswalked to (see
#: :data:`EVENT_TYPE_CROSSWALK`), so that sources coded in different vocabularies compare.
EVENT_KINDS: tuple[str, ...] = (
    "armed_clash",
    "remote_violence",
    "violence_against_civilians",
    "strategic",
    "demonstration",
)

#: The kinds that are political violence ("fighting"): two events of different violent
#: kinds are related, though not the same kind.
VIOLENT_KINDS: tuple[str, ...] = ("armed_clash", "remote_violence", "violence_against_civilians")

#: (vocabulary, category) -> the kinds of event it may be. ``"ACLED"`` covers ACLED's event
#: types, which scamgeo's record and its claims use too; ``"UCDP"`` covers UCDP GED's
#: ``type_of_violence`` (1 state-based, 2 non-state: fighting between organised sides,
#: including shelling and air strikes; 3 one-sided: violence against civilians, by any means).
EVENT_TYPE_CROSSWALK: dict[tuple[str, str], frozenset[str]] = {
    ("ACLED", "Battles"): frozenset({"armed_clash"}),
    ("ACLED", "Explosions/Remote violence"): frozenset({"remote_violence"}),
    ("ACLED", "Violence against civilians"): frozenset({"violence_against_civilians"}),
    ("ACLED", "Strategic developments"): frozenset({"strategic"}),
    ("ACLED", "Protests"): frozenset({"demonstration"}),
    ("ACLED", "Riots"): frozenset({"demonstration"}),
    ("UCDP", "1"): frozenset({"armed_clash", "remote_violence"}),
    ("UCDP", "2"): frozenset({"armed_clash", "remote_violence"}),
    ("UCDP", "3"): frozenset({"violence_against_civilians", "remote_violence"}),
}

#: Actor names of the curated events table.
ACTORS: tuple[str, ...] = (
    "Military Forces of Thailand",
    "Military Forces of Cambodia",
    "Civilians (Thailand)",
    "Civilians (Cambodia)",
    "Unidentified Armed Group",
)

#: Who a fact is claimed by: one government, both, or an independent body.
CLAIMS: tuple[str, ...] = ("THA", "KHM", "both", "independent")

#: Kinds of site.
SITE_KINDS: tuple[str, ...] = (
    "casino_hub",
    "casino",
    "scam_compound",
    "border_crossing",
    "special_economic_zone",
)

#: Human-readable names of site kinds (maps, plots and briefs).
SITE_KIND_LABELS: dict[str, str] = {
    "casino_hub": "Casino hub",
    "casino": "Casino",
    "scam_compound": "Scam compound",
    "border_crossing": "Border crossing",
    "special_economic_zone": "Special economic zone",
}

#: Phases of the 2025 war, in order; their start dates come from the timeline table.
PHASES: tuple[str, ...] = (
    "pre_war",
    "may_crisis",
    "july_war",
    "truce",
    "december_war",
    "post_ceasefire",
)

#: The one set of phase labels, used by charts, static maps, web maps and briefs.
PHASE_LABELS: dict[str, str] = {
    "pre_war": "Before the May crisis",
    "may_crisis": "May crisis",
    "july_war": "July war",
    "truce": "Truce",
    "december_war": "December war",
    "post_ceasefire": "After the ceasefire",
}

#: The phases in a sentence ("incidents in the July war", "in the period after the ceasefire").
PHASE_PHRASES: dict[str, str] = {
    "pre_war": "the period before the May crisis",
    "may_crisis": "the May crisis",
    "july_war": "the July war",
    "truce": "the truce",
    "december_war": "the December war",
    "post_ceasefire": "the period after the December ceasefire",
}

#: Phases that a ceasefire starts (``ceasefire_its`` fits one model per row starting one).
CEASEFIRE_PHASES: tuple[str, ...] = ("truce", "post_ceasefire")

#: The two wars (phases of open fighting), in order.
WAR_PHASES: tuple[str, ...] = ("july_war", "december_war")

#: What a displacement figure counts.
DISPLACEMENT_METRICS: tuple[str, ...] = (
    "evacuated",
    "in_shelters",
    "displaced_total",
    "remaining",
    "returned",
    "displaced_combined",
)

#: Stock (people displaced at a moment) or flow (people who moved during a period); every
#: curated displacement row says which, and no series mixes the two.
MEASURES: tuple[str, ...] = ("stock", "flow")

#: Metrics that are stocks on a date (the others are cumulative counts).
STOCK_METRICS: tuple[str, ...] = ("in_shelters", "displaced_total", "remaining")

#: Stocks that say how many people a war displaced (each war's peak is read from them).
DISPLACED_STOCKS: tuple[str, ...] = ("in_shelters", "displaced_total")

#: Metrics that say how many went home: a stock of people still away, a flow of returns.
RETURN_METRICS: tuple[str, ...] = ("remaining", "returned")

#: Human-readable names of the displacement metrics.
DISPLACEMENT_METRIC_LABELS: dict[str, str] = {
    "evacuated": "Evacuated",
    "in_shelters": "In shelters",
    "displaced_total": "Displaced (total)",
    "remaining": "Still displaced",
    "returned": "Returned",
    "displaced_combined": "Displaced in both countries (quoted total)",
}

#: What a casualty tally counts (the tallies table's ``category``).
TALLY_CATEGORIES: tuple[str, ...] = (
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
)

#: Words for the tally categories, for readers.
TALLY_CATEGORY_LABELS: dict[str, str] = {
    "soldiers_killed": "Soldiers killed",
    "civilians_killed": "Civilians killed",
    "civilians_killed_indirect": "Civilian deaths attributed to the war, not to attacks",
    "civilians_killed_combined": "Civilians killed (direct and indirect together)",
    "killed_total": "Killed (soldiers and civilians)",
    "soldiers_injured": "Soldiers injured",
    "civilians_injured": "Civilians injured",
    "injured_total": "Injured (soldiers and civilians)",
    "missing": "Missing",
    "captured": "Captured",
}

#: Countries by name, for readers.
COUNTRY_NAMES: dict[str, str] = {
    "THA": "Thailand",
    "KHM": "Cambodia",
    "LAO": "Laos",
    "MMR": "Myanmar",
    "VNM": "Vietnam",
    "MYS": "Malaysia",
    "CHN": "China",
}

#: The event types that make "fighting" in every brief: ACLED's political violence
#: (battles, explosions and remote violence, violence against civilians). Strategic
#: developments, protests and riots are listed apart, never counted as fighting.
FIGHTING_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
)

#: Timeline kinds that are official turning points of the war (outbreaks and ceasefires),
#: the dates change points and sentences are compared with.
OFFICIAL_KINDS: tuple[str, ...] = ("outbreak", "ceasefire")

#: Whose dead or injured an event reports (empty when it reports none).
VICTIM_SIDES: tuple[str, ...] = ("THA", "KHM", "both", "unknown")

#: Who the victims were.
VICTIM_TYPES: tuple[str, ...] = ("military", "civilian", "mixed", "unknown")

#: Which side of the border a gazetteer place lies on (``disputed``: both states claim it).
PLACE_SIDES: tuple[str, ...] = ("THA", "KHM", "disputed", "LAO", "MMR", "VNM", "CHN")

#: Kinds of gazetteer place.
PLACE_KINDS: tuple[str, ...] = (
    "temple",
    "pass",
    "hill",
    "position",
    "village",
    "town",
    "crossing",
    "casino",
    "scam_compound",
    "sez",
    "bridge",
    "road",
    "facility",
    "area",
    "district",
    "border_sector",
    "province",
)

#: How a gazetteer point was obtained.
COORD_METHODS: tuple[str, ...] = ("stated", "geonames", "derived", "stand_in")

#: What scamgeo counts when it counts events: each incident once, or each side's claim.
COUNT_UNITS: tuple[str, ...] = ("incidents", "claims")

#: Units of a displacement figure.
DISPLACEMENT_UNITS: tuple[str, ...] = ("people", "families", "households", "sites")

#: How a reported figure is hedged in its source ("about 400,000", "nearly a million",
#: "more than a million", "up to 80,000", "at least 165"); empty when it is given exactly.
#: ``value`` keeps the number the source wrote; the qualifier says what it bounds.
QUALIFIERS: tuple[str, ...] = ("about", "nearly", "more than", "up to", "at least")

#: What a site (compound, casino, hub, crossing) was at a time: one row of
#: :func:`scamgeo.datasets.site_status` per site and status. The first eight follow the
#: compound trackers' vocabulary; ``closed`` (shut by a government order: a crossing, a
#: casino whose licence is suspended),
#: ``occupied`` (held by the other state's forces) and ``cut_off`` (power, internet or
#: fuel cut by a neighbouring state) cover what the record's crossings and border hubs
#: went through.
SITE_STATUSES: tuple[str, ...] = (
    "operating",
    "raided",
    "sealed",
    "struck",
    "emptied",
    "demolished",
    "sanctioned",
    "reopened",
    "closed",
    "occupied",
    "cut_off",
)

#: Human-readable names of the site statuses (tables, charts, briefs).
SITE_STATUS_LABELS: dict[str, str] = {
    "operating": "Operating",
    "raided": "Raided by police or troops",
    "sealed": "Sealed by the authorities",
    "struck": "Struck in the fighting",
    "emptied": "Emptied (workers or residents fled)",
    "demolished": "Demolished",
    "sanctioned": "Under sanctions",
    "reopened": "Reopened",
    "closed": "Closed by a government order",
    "occupied": "Held by the other side's forces",
    "cut_off": "Cut off (power, internet or fuel)",
}

#: How well an event is evidenced, best first (the events' ``source_grade``).
SOURCE_GRADES: tuple[str, ...] = ("both_confirm", "official", "independent", "unconfirmed")

#: What each evidence grade means.
SOURCE_GRADE_LABELS: dict[str, str] = {
    "both_confirm": "Both governments confirm it (in their own terms)",
    "official": "One government's official statement",
    "independent": "Independent reporting from the scene or an independent body",
    "unconfirmed": "A single report, not confirmed by an official or independent source",
}

#: Names of the count models of :func:`scamgeo.stats.count_model`, as in its table.
MODEL_NAMES: tuple[str, ...] = ("negative_binomial", "poisson_hc")

#: The count models in words.
MODEL_LABELS: dict[str, str] = {
    "negative_binomial": "Negative binomial",
    "poisson_hc": "Poisson, robust errors",
}

#: Who made a claim, in words (countries by name; "both" and "independent" spelt out).
CLAIM_LABELS: dict[str, str] = {
    "THA": "Thailand",
    "KHM": "Cambodia",
    "both": "both sides",
    "independent": "independent reporting",
    "undisputed": "undisputed (no side's claim)",
}

# Every attribution and credit text is written here, once: tests/test_owners.py fails when
# one is typed again in another module.

#: ACLED's name, as its rows' ``publisher``.
ACLED_PUBLISHER = "Armed Conflict Location & Event Data (ACLED)"
#: Citation ACLED's attribution policy requires wherever its data are shown (plain text).
ACLED_ATTRIBUTION = f"{ACLED_PUBLISHER}, https://acleddata.com"
#: UCDP's name, as its rows' ``publisher``.
UCDP_PUBLISHER = "Uppsala Conflict Data Program"
#: Citation of the UCDP Georeferenced Event Dataset (plain text).
UCDP_ATTRIBUTION = (
    f"{UCDP_PUBLISHER} (UCDP) Georeferenced Event Dataset (GED), https://ucdp.uu.se "
    "(Sundberg & Melander 2013; Davies, Pettersson & Öberg 2025)"
)
#: Credit of the Natural Earth boundaries (public domain; credit requested), plain text.
NATURAL_EARTH_ATTRIBUTION = "Made with Natural Earth, https://www.naturalearthdata.com/"
#: Credit of the OpenStreetMap Thailand–Cambodia border (ODbL 1.0), plain text.
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0, https://www.openstreetmap.org/copyright"
#: Credit of the GeoNames places (CC BY 4.0), plain text.
GEONAMES_ATTRIBUTION = "GeoNames, https://www.geonames.org/ (CC BY 4.0)"
#: Short credit of the curated events under a chart (``"Source: " + EMBEDDED_SOURCE``).
EMBEDDED_SOURCE = "scamgeo curated events"
#: Credit of the curated events embedded in scamgeo, plain text.
EMBEDDED_ATTRIBUTION = (
    f"{EMBEDDED_SOURCE} of the 2025 Thailand–Cambodia border war: facts from public reporting, "
    "each row citing its source (source, source_url, source_date); geography: Made with Natural "
    "Earth; Thailand–Cambodia border © OpenStreetMap contributors (ODbL 1.0); GeoNames (CC BY 4.0)."
)
#: Credit of the curated tables, as a brief's footer gives it (plain text).
CURATED_ATTRIBUTION = (
    "Curated tables (events, sites, displacement, timeline, tallies, scam_figures): compiled by "
    "the scamgeo developers from public reporting, every row with its source URL, publisher and "
    "publication date; sources accessed November 2026. Notes are our own words. Licence: "
    "CC BY 4.0. See the data-catalogue brief for the full source list."
)

_URL = re.compile(r"https?://[^\s,;()]+[^\s,;().]")


def attribution_html(text: str, *, prefix: str = "") -> str:
    """An attribution text as HTML: escaped, its web addresses as links.

    Parameters
    ----------
    text : str
        Plain-text attribution, e.g. :data:`ACLED_ATTRIBUTION`.
    prefix : str, optional
        Plain text put before it (e.g. ``"Events: "``).

    Returns
    -------
    str
        Safe HTML; each ``http(s)://`` address becomes a link opening in a new tab.

    Examples
    --------
    >>> attribution_html("X, https://x.org")
    'X, <a href="https://x.org" target="_blank" rel="noopener noreferrer">x.org</a>'
    """
    out, last = [], 0
    full = prefix + text
    for match in _URL.finditer(full):
        out.append(html.escape(full[last : match.start()], quote=False))
        url = match.group(0)
        shown = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
        out.append(
            f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(shown, quote=False)}</a>"
        )
        last = match.end()
    out.append(html.escape(full[last:], quote=False))
    return "".join(out)


def column_labels(column: object) -> dict[str, str] | None:
    """The words for the codes of a table column a reader sees, by the column's name.

    ``phase`` and ``war`` take :data:`PHASE_LABELS`, ``kind`` the site kinds,
    ``metric`` the displacement metrics, ``category`` the tally categories,
    ``country`` and ``side`` the country names, ``claimed_by`` who claimed,
    ``model`` the count models; any other column has none (``None``).

    Parameters
    ----------
    column : str
        A column's name.

    Examples
    --------
    >>> column_labels("war")["july_war"], column_labels("claimed_by")["both"]
    ('July war', 'both sides')
    >>> column_labels("notes") is None
    True
    """
    name = str(column)
    by_name: dict[str, dict[str, str]] = {
        "phase": PHASE_LABELS, "war": PHASE_LABELS, "term": PHASE_LABELS,
        "reference": PHASE_LABELS, "phase_starts": PHASE_LABELS,
        "kind": SITE_KIND_LABELS, "metric": DISPLACEMENT_METRIC_LABELS,
        "category": TALLY_CATEGORY_LABELS, "country": COUNTRY_NAMES, "side": COUNTRY_NAMES,
        "victims_side": COUNTRY_NAMES, "claimed_by": CLAIM_LABELS,
        "damage_claimed_by": CLAIM_LABELS, "model": MODEL_LABELS,
    }  # fmt: skip
    return by_name.get(name)


def phase_label(phase: object) -> str:
    """The label of a phase (the name itself when it is not a phase).

    Parameters
    ----------
    phase : str
        A phase name (:data:`PHASES`).

    Examples
    --------
    >>> from scamgeo import vocab
    >>> vocab.phase_label("truce")
    'Truce'
    """
    return PHASE_LABELS.get(str(phase), str(phase))


def fold(name: object) -> str:
    """Fold a name for matching: no accents, case, spaces, hyphens or apostrophes.

    Parameters
    ----------
    name : str
        Any name.

    Examples
    --------
    >>> fold("O'Smach") == fold("osmach") == fold("O Smach")
    True
    >>> fold("Ô'Smach")
    'osmach'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]", "", text.casefold())


def match_name(value: object, names: Mapping[str, Iterable[str]]) -> str | None:
    """The id whose id, name or alias ``value`` is (folded by :func:`fold`); ``None`` if none.

    The one rule every lookup of a site or place by name follows
    (:func:`scamgeo.datasets.find_site`, ``rings_map(hub=...)``, the briefs'
    ``site`` parameter): an exact id first, then any spelling that folds alike.

    Parameters
    ----------
    value : str
        What the user wrote: ``"poipet"``, ``"Paoy Paet"``, ``"osmach"``.
    names : mapping of id -> iterable of str
        Each id's spellings (its name and aliases; the id itself is always one).

    Returns
    -------
    str or None

    Examples
    --------
    >>> names = {"o-smach": ["O'Smach", "Ou Smach"], "poipet": ["Poipet", "Paoy Paet"]}
    >>> match_name("osmach", names), match_name("PAOY PAET", names), match_name("Bavet", names)
    ('o-smach', 'poipet', None)
    """
    text = str(value)
    if text in names:
        return text
    key = fold(text)
    for ident, spellings in names.items():
        if key and any(fold(s) == key for s in (ident, *spellings)):
            return ident
    return None


def suggest_names(value: object, names: Mapping[str, Iterable[str]], *, n: int = 5) -> list[str]:
    """Ids whose id, name or an alias contains ``value`` or looks like it, best first.

    ``"koh-kong"`` suggests ``koh-kong-cham-yeam`` (its id starts so) as well as
    the ids spelt nearly alike.

    Parameters
    ----------
    value : str
        What the user wrote.
    names : mapping of id -> iterable of str
        Each id's spellings.
    n : int, default 5
        At most this many ids.

    Examples
    --------
    >>> names = {"koh-kong-cham-yeam": ["Koh Kong"], "kampot": ["Kampot"]}
    >>> suggest_names("koh kong", names), suggest_names("Kampott", names), suggest_names("", names)
    (['koh-kong-cham-yeam'], ['kampot'], [])
    """
    key = fold(value)
    if not key:
        return []
    spelt = {ident: [ident, *spellings] for ident, spellings in names.items()}
    contains = [i for i, ns in spelt.items() if any(key in fold(x) for x in ns)]
    contains.sort(key=lambda i: (not any(fold(x).startswith(key) for x in spelt[i]), i))
    by_form = {fold(x): i for i, ns in spelt.items() for x in ns}
    near = [by_form[f] for f in difflib.get_close_matches(key, list(by_form), n=n, cutoff=0.6)]
    out: list[str] = []
    for ident in [*contains, *near]:
        if ident not in out:
            out.append(ident)
    return out[:n]


guard_public(globals())
