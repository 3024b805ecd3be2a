"""Every public function refuses a call it cannot take, saying what was meant (issue 21)."""

from __future__ import annotations

import importlib
import inspect

import pytest

import scamgeo
from scamgeo import ArgumentError, ParameterError
from scamgeo._validate import check_keywords, guard_arguments

PUBLIC = scamgeo._public_packages()


def _public_functions():
    for mod_name in PUBLIC:
        module = importlib.import_module(f"scamgeo.{mod_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{mod_name}.{name}", obj


FUNCTIONS = dict(_public_functions())


def test_there_are_many_public_functions() -> None:
    assert len(FUNCTIONS) > 100


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_unknown_keyword_is_an_argument_error(name: str) -> None:
    func = FUNCTIONS[name]
    params = inspect.signature(func).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        pytest.skip("takes **options: checks them itself (check_keywords)")
    with pytest.raises(ArgumentError, match="takes no argument 'no_such_option'") as info:
        func(no_such_option=1)
    assert "Call: " in str(info.value)
    assert isinstance(info.value, TypeError)  # still what Python users catch


def test_did_you_mean_names_the_parameter() -> None:
    events = scamgeo.datasets.events()
    hubs = scamgeo.datasets.sites("casino_hub")
    with pytest.raises(ArgumentError, match=r"within_km\(\) takes 2 argument\(s\) by position"):
        scamgeo.geo.within_km(events, hubs, 20)
    with pytest.raises(ArgumentError, match="by position .*border=..."):
        scamgeo.geo.distance_to_border_km(events, "THA")
    with pytest.raises(ArgumentError, match="Did you mean 'count'"):
        scamgeo.stats.daily_counts(events, cuont="claims")
    # the top-level names are the guarded ones too
    with pytest.raises(ArgumentError, match="Did you mean 'count'"):
        scamgeo.daily_counts(events, cuont="claims")


def test_an_error_inside_the_function_is_not_rewritten() -> None:
    @guard_arguments
    def broken(x, *, y=1):
        return x + "a"  # a TypeError from inside, with a call that fits

    with pytest.raises(TypeError, match="unsupported operand") as info:
        broken(1, y=2)
    assert not isinstance(info.value, ArgumentError)


def test_load_events_options_did_you_mean() -> None:
    with pytest.raises(ArgumentError, match="did you mean 'min_geo_precision'"):
        scamgeo.load_events(min_precision=2)
    with pytest.raises(ArgumentError, match=r"\(via read_acled\).*'date_fromat'.*'date_format'"):
        scamgeo.load_events("tests/fixtures/io/acled_export.csv", date_fromat="%d %B %Y")


def test_check_keywords_lists_every_option() -> None:
    check_keywords({"a": 1}, ["a", "b"], func="f")  # fine
    with pytest.raises(ParameterError, match=r"f\(\) takes no options 'x', 'y'. Options: a, b."):
        check_keywords({"x": 1, "y": 2}, ["a", "b"], func="f")


def test_a_frame_where_a_word_is_expected_is_named_by_its_type():
    """by=<a GeoDataFrame> once raised pandas' ambiguous-truth ValueError from inside check_choice."""
    with pytest.raises(
        scamgeo.ParameterError, match="by= takes one of 'province', 'grid', not a GeoDataFrame"
    ):
        scamgeo.geo.aggregate(scamgeo.datasets.events(), by=scamgeo.datasets.provinces())
