"""scamgeo.schema._rules: the checks a schema runs across columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scamgeo._validate import Problems
from scamgeo.schema import EVENT_TYPES, SUB_EVENT_TYPES
from scamgeo.schema._rules import sub_event_matches


def _pairs(as_categories: bool) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "event_type": ["Battles", "Protests", "Battles", None, "Battles"],
            "sub_event_type": [
                "Armed clash",
                "Armed clash",
                "Sexual violence",
                "Armed clash",
                None,
            ],
        }
    )
    if as_categories:  # as the readers' conformed columns hold them
        frame["event_type"] = pd.Categorical(frame["event_type"], categories=list(EVENT_TYPES))
        frame["sub_event_type"] = pd.Categorical(
            frame["sub_event_type"], categories=list(SUB_EVENT_TYPES)
        )
    return frame


@pytest.mark.parametrize("as_categories", [False, True])
def test_a_sub_event_type_must_belong_to_its_event_type(as_categories: bool) -> None:
    problems = Problems("events.csv")
    sub_event_matches(_pairs(as_categories), np.arange(5) + 2, problems)
    assert problems.items == [
        "row 3, column event_type: sub_event_type 'Armed clash' belongs to 'Battles', not "
        "'Protests'",
        "row 4, column event_type: sub_event_type 'Sexual violence' belongs to 'Violence "
        "against civilians', not 'Battles'",
    ]


def test_categories_without_a_parent_are_not_flagged() -> None:
    frame = _pairs(True).iloc[[0, 3, 4]]
    problems = Problems("events.csv")
    sub_event_matches(frame.reset_index(drop=True), np.arange(3) + 2, problems)
    assert problems.items == []
