"""One vocabulary: schemas, stats, maps, charts and briefs read the same lists and labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from scamgeo import briefs, charts, config, schema, style, vocab
from scamgeo.maps import _common as map_common
from scamgeo.stats import _displacement


def test_schemas_read_their_vocabularies_from_vocab():
    assert schema.EVENT_TYPES is vocab.EVENT_TYPES
    assert schema.COUNTRIES is vocab.COUNTRIES and schema.SITE_KINDS is vocab.SITE_KINDS
    assert schema.DISPLACEMENT.column("metric").choices == vocab.DISPLACEMENT_METRICS
    assert schema.TIMELINE.column("phase_starts").choices == vocab.PHASES[1:]
    assert config.PHASES is vocab.PHASES
    assert _displacement.METRICS is vocab.DISPLACEMENT_METRICS


def test_one_phase_label_set_for_charts_and_maps():
    assert charts.PHASE_COLORS is style.PHASE_COLORS
    assert style.PHASE_LABELS is vocab.PHASE_LABELS
    assert set(vocab.PHASE_LABELS) == set(vocab.PHASES)
    assert vocab.phase_label("truce") == "Truce"
    assert vocab.phase_label("not_a_phase") == "not_a_phase"


def test_attribution_is_plain_text_once_and_html_derived():
    assert "<" not in vocab.ACLED_ATTRIBUTION
    assert map_common.ACLED_ATTRIBUTION == vocab.ACLED_ATTRIBUTION
    assert map_common.ACLED_HTML == (
        "Events: Armed Conflict Location &amp; Event Data (ACLED), "
        '<a href="https://acleddata.com" target="_blank" rel="noopener noreferrer">acleddata.com</a>'
    )
    assert vocab.attribution_html("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


def test_fold_matches_names_regardless_of_accents_case_and_punctuation():
    assert vocab.fold("O'Smach") == vocab.fold("osmach") == vocab.fold("O Smach") == "osmach"
    assert vocab.fold("Bántéay Méanchey") == "banteaymeanchey"


def test_brief_rules_are_declared_per_notebook():
    assert briefs.NOTEBOOK_RULES["04-hub-brief"]["site"] == "site"
    assert "site" not in briefs.NOTEBOOK_RULES["02-casino-hubs"]
    assert set(briefs.NOTEBOOK_RULES) == {nb.stem for nb in briefs.list_notebooks()} | {
        "90-fails-on-demand"
    }
