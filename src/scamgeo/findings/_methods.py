"""The methods annex of each brief: what is counted, how, and what it cannot say.

One text per brief, built from shared paragraphs so that the event universe,
the counting unit and the placement rules read the same in every brief.
"""

from __future__ import annotations

from .. import vocab

__all__ = ["METHODS", "UNIVERSE"]

#: The one event universe every brief counts, in words.
UNIVERSE = (
    "**What counts as fighting.** Fighting is political violence as ACLED defines it: "
    + ", ".join(t.lower() for t in vocab.FIGHTING_TYPES[:-1])
    + f" and {vocab.FIGHTING_TYPES[-1].lower()}. Strategic developments (agreements, troop "
    "movements, mine clearance, arrests), protests and riots are listed apart and never counted "
    "as fighting. Every count says what it counts: **incidents** (an attack both sides reported "
    "counts once) or **claims** (each side's report)."
)

_PLACES = (
    "**Where events are.** Each event stands at a gazetteer place with a location error: a few "
    "hundred metres for a named temple or checkpoint, kilometres to tens of kilometres for a town, "
    "district or border sector standing in for an unnamed place. An incident is *certainly* within "
    "a distance when its place and error fit inside it, *possibly* when only the error brings it "
    "in; two places closer than their combined error are not told apart."
)

_DEATHS = (
    "**Deaths.** The governments' own tallies of their dead are the headline, as each side gave "
    "them (a range where reporters of the same days differ); a side's claims about the other "
    "side's dead are shown apart and never added. The sum of the tolls the claims report is kept "
    "as a footnote: most claims give no toll, so it is a floor."
)

_BORDER = (
    "**The border.** Distances and sides are measured against OpenStreetMap's Thailand–Cambodia "
    "line (ODbL), within 0.31 km of every stated gate; a point nearer the line than its own "
    "error may lie on either side, and keeps the country its source gives."
)

#: Notebook name -> its methods annex (Markdown, read by :func:`scamgeo.briefs.methods`).
METHODS: dict[str, str] = {
    "01-border-clashes": "\n\n".join(
        [
            UNIVERSE,
            _DEATHS,
            "**Phases compared.** Incidents per day in each phase of the war inside the window "
            "are compared as incidence-rate ratios from a negative binomial model (Poisson with "
            "robust errors when the counts are not overdispersed); the sentence compares the "
            "busiest phase with the quietest one that saw fighting, and names the days of each "
            "that lie in the window.",
            "**Change points.** Changes in the daily level are found by a Poisson likelihood "
            "cost with a penalty raised for overdispersion (ruptures), each with a 95% bootstrap "
            "interval of its date, and compared with the official outbreaks and ceasefires that "
            "lie at least three days inside the window.",
            "**Before and after ceasefires.** The last week before a ceasefire is compared with "
            "the war's earlier days, never reaching back past its outbreak (a permutation test of "
            "the days with a quasi-Poisson interval). The drop at each ceasefire is an "
            "interrupted time series from the outbreak (at most 30 days before) to 30 days after, "
            "with errors that allow for overdispersion and autocorrelation.",
            _PLACES,
            _BORDER,
        ]
    ),
    "02-casino-hubs": "\n\n".join(
        [
            UNIVERSE,
            _PLACES,
            "**Were the hubs targeted?** The statistic is the median distance from a strike "
            "(air or drone strike, shelling) to the nearest hub. It is compared with two nulls "
            "side by side: the places the war's fighting hit (were strikes nearer the hubs than "
            "the rest of the fighting?), with every event and hub redrawn within its own error; "
            "and random points on land within the border band (only strikes inside the band can "
            "be compared with it, so the rest are left out of that test and counted).",
            "**Clustering in space and time.** The Knox test counts pairs of incidents within 10 "
            "km and 7 days of each other against random re-pairings of dates and places, and "
            "again with dates shuffled only within each phase of the war, so that the phases "
            "alone cannot make the clustering. Hotspots are Getis-Ord Gi* cells of 10 km under "
            "conditional permutations with the false discovery rate held at 5%; a cell is hot "
            "only where incidents happened in it.",
            "**Published figures.** Losses, workers and compounds are shown as each publisher "
            "gave them, ranges as ranges, never averaged.",
        ]
    ),
    "03-displacement": "\n\n".join(
        [
            "**Stock and flow.** A stock counts people displaced on a day (in shelters, still "
            "displaced); a flow counts people who moved over a period (evacuated, returned). "
            "The two are never added or drawn on one line.",
            "**The series that followed each war.** Each government, ministry, army region and "
            "agency counts in its own way and at its own times. For each war and country the "
            "headline follows the body whose national series has the most figures in the war's "
            "days; a higher figure from another body in the same days is named beside it and "
            "never joined to it. A figure the source hedged (about, nearly, more than) keeps its "
            "word.",
            "**Peaks.** A peak is the highest figure a series reports; with figures a few days "
            "apart, the true peak may fall between two reports and be higher.",
        ]
    ),
    "04-hub-brief": "\n\n".join([UNIVERSE, _PLACES, _BORDER]),
    "05-data-catalogue": "\n\n".join(
        [
            "**Claims and incidents.** Each row of the events table is one side's or one "
            "agency's report of an event (a claim); claims of the same attack share an incident "
            "id.",
            "**Stock and flow.** Each displacement row says whether it counts people displaced "
            "on a day (a stock) or people who moved over a period (a flow), and which body "
            "counted them.",
            _PLACES,
        ]
    ),
}
