"""Cross-column rules of the curated tables (each ``rule(frame, lines, problems)``)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._validate import Problems
from ..vocab import SUB_EVENT_TYPES
from ._kit import flag

__all__ = [
    "EPISODE_STATUSES",
    "displacement_rules",
    "grade_explained",
    "incident_scope",
    "lat_lon",
    "low_high",
    "qualifier_stated",
    "range_order",
    "repeated_figure",
    "stand_in_explained",
    "status_dates",
    "sub_event_matches",
    "tally_repeats",
]


def lat_lon(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """Both coordinates or neither; swapped coordinates get their own message."""
    lat, lon = frame["latitude"], frame["longitude"]
    flag(
        problems,
        lines,
        lat.isna() ^ lon.isna(),
        "latitude and longitude must both be given or both be empty",
        column="latitude",
    )
    swapped = (lat.abs() > 90) & (lon.abs() <= 90)
    flag(problems, lines, swapped, "latitude and longitude look swapped", column="latitude")


def range_order(start: str, end: str):
    def check(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
        flag(problems, lines, frame[end] < frame[start], f"{end} is before {start}", column=end)

    return check


def sub_event_matches(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """A sub-event type belongs to its event type (each distinct pair looked up once)."""
    sub, event = frame["sub_event_type"], frame["event_type"]
    if isinstance(sub.dtype, pd.CategoricalDtype) and isinstance(event.dtype, pd.CategoricalDtype):
        # conformed columns: the pair checked on the category codes, one lookup per category
        parents = [SUB_EVENT_TYPES.get(c) for c in sub.cat.categories]
        # the code of each sub-event type's parent; -2 (matches no row) where it has none
        belongs = np.append(pd.Index(event.cat.categories).get_indexer(parents), -2)
        belongs[:-1][[p is None for p in parents]] = -2
        sub_codes, event_codes = sub.cat.codes.to_numpy(), event.cat.codes.to_numpy()
        parent = belongs[sub_codes]  # code -1 (missing) takes the last entry, -2
        wrong = (parent != -2) & (event_codes >= 0) & (parent != event_codes)
        if wrong.any():
            _wrong_pairs(frame, lines, problems, wrong)
        return
    sub_codes, _ = pd.factorize(frame["sub_event_type"])
    type_codes, types = pd.factorize(frame["event_type"])
    pair, pairs = pd.factorize((sub_codes.astype(np.int64) + 1) * (len(types) + 1) + type_codes + 1)
    first = np.empty(len(pairs), dtype=np.int64)
    first[pair[::-1]] = np.arange(len(pair) - 1, -1, -1)
    distinct = frame[["sub_event_type", "event_type"]].iloc[first]
    expected = distinct["sub_event_type"].astype("string").map(SUB_EVENT_TYPES)
    actual = distinct["event_type"].astype("string")
    wrong_pair = (
        (expected.notna() & actual.notna() & (expected != actual))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    if wrong_pair.any():
        _wrong_pairs(frame, lines, problems, wrong_pair[pair])


def _wrong_pairs(
    frame: pd.DataFrame, lines: np.ndarray, problems: Problems, wrong: np.ndarray
) -> None:
    for line, sub, et in zip(
        lines[wrong],
        frame["sub_event_type"][wrong],
        frame["event_type"][wrong].astype("string"),
        strict=True,
    ):
        problems.add(
            f"sub_event_type {sub!r} belongs to {SUB_EVENT_TYPES[sub]!r}, not {et!r}",
            row=int(line),
            column="event_type",
        )


def low_high(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    flag(problems, lines, frame["high"] < frame["low"], "high is below low", column="high")
    neither = frame["value"].isna() & frame["low"].isna() & frame["high"].isna()
    flag(problems, lines, neither, "needs a value, or a low/high range", column="value")


def incident_scope(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """An ``incident_id`` belongs to an incident figure and has the SG-I#### form."""
    incident = frame["incident_id"].astype("string")
    has = incident.notna()
    bad_form = has & ~incident.str.fullmatch(r"SG-I\d{4}").fillna(False)
    flag(
        problems,
        lines,
        bad_form,
        "is not an incident id like SG-I0001",
        column="incident_id",
        values=incident,
    )
    flag(
        problems,
        lines,
        has & frame["scope"].astype("string").eq("cumulative"),
        "a cumulative figure refers to no single incident",
        column="incident_id",
    )
    flag(
        problems,
        lines,
        ~has & frame["scope"].astype("string").eq("incident"),
        "an incident-scope figure names no incident: set incident_id to the events' incident "
        "it counts (SG-I####), so that nobody adds it to that incident's own toll",
        column="incident_id",
    )


def displacement_rules(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
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
        flag(problems, lines, where, what, column=column)


def stand_in_explained(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """A stand-in point must say in its notes what it stands for."""
    flag(
        problems,
        lines,
        frame["coord_method"].astype("string").eq("stand_in") & frame["notes"].isna(),
        "a stand_in point needs notes saying which place's point stands in and why",
        column="notes",
    )


# --- hedged and repeated figures ----------------------------------------------

#: Words a source uses to hedge a figure, by the qualifier they mean.
_HEDGES = {
    "about": ("about", "around", "approximately", "roughly", "some", "an estimated", "estimated"),
    "nearly": ("nearly", "almost", "close to"),
    "more than": ("more than", "over", "upwards of"),
    "up to": ("up to",),
    "at least": ("at least",),
}
_HEDGE_OF = {word: q for q, words in _HEDGES.items() for word in words}
_NUMBER = r"(?:\d[\d,]*(?:\.\d+)?(?:\s*(?:million|billion))?|a million|one million|half a million)"
_HEDGED = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _HEDGE_OF), key=len, reverse=True)) + r")\s+"
    r"(?:US\$|\$|THB\s*|USD\s*)?(" + _NUMBER + r")",
    re.IGNORECASE,
)
_WORDS = {"a million": 1e6, "one million": 1e6, "half a million": 5e5}
#: A hedge written as a label of the whole figure: "(at least)", "(over; unit: devices)".
_LABEL = re.compile(r"\((about|nearly|over|more than|at least|up to)\s*[;)]", re.IGNORECASE)


def _number(text: str) -> float | None:
    """The value of a figure as written ("17,000", "1.6 million", "nearly a million")."""
    low = text.lower().strip()
    if low in _WORDS:
        return _WORDS[low]
    match = re.fullmatch(r"([\d,]+(?:\.\d+)?)\s*(million|billion)?", low)
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return value * {"million": 1e6, "billion": 1e9}.get(match.group(2) or "", 1.0)


def hedge_of(text: object, value: float | None) -> str | None:
    """The qualifier a text puts before the figure ``value`` ("nearly a million" -> "nearly").

    Only a hedge written immediately before the row's own figure counts, so "over three
    weeks" or a hedged component figure elsewhere in the notes does not.

    Examples
    --------
    >>> hedge_of("Given as nearly a million displaced on both sides", 1_000_000)
    'nearly'
    >>> hedge_of("More than 4,000 displaced in Cambodia", 4000)
    'more than'
    >>> hedge_of("Over three weeks of fighting; 101,229 moved", 101229) is None
    True
    """
    if not isinstance(text, str) or value is None or pd.isna(value):
        return None
    label = _LABEL.search(text)
    if label:
        return _HEDGE_OF[label.group(1).lower()]
    for match in _HEDGED.finditer(text):
        number = _number(match.group(2))
        if number is not None and np.isclose(number, float(value), rtol=1e-9):
            return _HEDGE_OF[match.group(1).lower()]
    return None


def qualifier_stated(*text_columns: str):
    """A figure whose own text hedges it ("nearly a million") carries that ``qualifier``."""

    def check(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
        if "qualifier" not in frame.columns:
            return
        given = frame["qualifier"].astype("string")
        for pos in range(len(frame)):
            value = frame["value"].iloc[pos]
            said = None
            for col in text_columns:
                if col in frame.columns:
                    said = said or hedge_of(frame[col].iloc[pos], value)
            have = given.iloc[pos]
            if said is not None and (pd.isna(have) or have != said):
                problems.add(
                    f"its {'/'.join(text_columns)} give the figure as '{said} {value:g}' but "
                    f"qualifier is {'empty' if pd.isna(have) else repr(have)}: set qualifier "
                    f"to {said!r} (value keeps the number as written)",
                    row=int(lines[pos]),
                    column="qualifier",
                )

    return check


def _close(a: float, b: float, hedged: bool) -> bool:
    """Equal figures, or within 1% of each other when either is hedged ("nearly 610,000")."""
    return a == b or (hedged and abs(a - b) <= 0.01 * max(abs(a), abs(b)))


def _repeats(frame: pd.DataFrame, keys: list[str]) -> list[tuple[int, int]]:
    """Pairs of row positions with equal ``keys`` that give the same figure twice."""
    pairs = []
    key = frame[keys].astype("string").fillna("").agg("\x1f".join, axis=1)
    value = pd.to_numeric(frame["value"], errors="coerce")
    hedged = (
        frame["qualifier"].notna()
        if "qualifier" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    for _, group in key.groupby(key.to_numpy(), sort=False):
        pos = [frame.index.get_loc(i) for i in group.index]
        for i, a in enumerate(pos):
            for b in pos[i + 1 :]:
                va, vb = value.iloc[a], value.iloc[b]
                if pd.notna(va) and pd.notna(vb):
                    if _close(float(va), float(vb), bool(hedged.iloc[a] or hedged.iloc[b])):
                        pairs.append((a, b))
    return pairs


def repeated_figure(*keys: str, body: str = "counting_body"):
    """Two rows of one counting body's series giving one figure twice are refused.

    A figure reported by two outlets is one row with a second source (``source_url_2``),
    never two rows that a sum or a chart would count twice.
    """

    def check(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
        for a, b in _repeats(frame, [*keys, body]):
            problems.add(
                f"repeats the figure of row {int(lines[a])} ({frame[body].iloc[b]}, "
                f"{frame['value'].iloc[b]:g} and {frame['value'].iloc[a]:g}): keep one row and "
                "put the other report in source_url_2",
                row=int(lines[b]),
                column="value",
            )

    return check


def tally_repeats(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """One body's figure for one incident, or for one date of a running total, is one row."""
    scope = frame["scope"].astype("string")
    for part, extra in (("incident", "incident_id"), ("cumulative", "as_of")):
        keep = scope.eq(part).fillna(False).to_numpy(dtype=bool)
        check = repeated_figure("side", "category", extra, body="reported_by")
        check(frame[keep], lines[keep], problems)


def grade_explained(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """An evidence grade says why (``source_grade_reason``)."""
    if "source_grade" not in frame.columns:
        return
    reason = frame.get("source_grade_reason", pd.Series(pd.NA, index=frame.index))
    flag(
        problems,
        lines,
        frame["source_grade"].notna() & reason.isna(),
        "a source_grade needs source_grade_reason: a few words on why",
        column="source_grade_reason",
    )


#: Statuses that are episodes with an end (a raid, a strike), not states that last.
EPISODE_STATUSES = ("raided", "struck")


def status_dates(frame: pd.DataFrame, lines: np.ndarray, problems: Problems) -> None:
    """A status ends on or after it starts, starts no later than its report, and an undated
    report says so in its notes."""
    episode = frame["status"].astype("string").isin(EPISODE_STATUSES).fillna(False)
    rules = (
        (frame["end"] < frame["start"], "end", "end is before start"),
        (
            episode & frame["end"].isna(),
            "end",
            "a raid or strike is an episode: give its last reported day (the start day for a "
            "one-day episode, the month's last day when only the month is known)",
        ),
        (
            frame["published"].notna() & (frame["start"] > frame["published"]),
            "start",
            "a report cannot give a status that starts after it was published",
        ),
        (
            frame["published"].isna()
            & ~frame["notes"].astype("string").str.contains("undated", case=False).fillna(False),
            "published",
            "no publication date: say in notes that the page is undated",
        ),
    )
    for where, column, what in rules:
        flag(problems, lines, where, what, column=column)
