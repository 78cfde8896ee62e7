"""PLOVER coding of events: the field's dictionary under our lexicon (dictionary.py,
fieldmatch.py), the manual's rules (manual.py), modes (modes.py), quad class and score
(plover.py) and the top event of a sentence (extract.py). Each sentence is parsed once."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import events_of, only
from transforms.events.dictionary import _comment_verbs, _tsv, dictionary, pattern_key
from transforms.events.fieldmatch import phrase_matches
from transforms.events.lexicon import PLOVER_TYPES
from transforms.events.modes import mode_rules
from transforms.events.plover import QUAD_CLASSES, all_modes, quad_class, score

SENTENCES = {
    "field verb": "Japan bought 5,000 tonnes of Canadian rapeseed.",
    "field pattern": "Britain expressed dissatisfaction with the decision.",
    "hostage": "The rebels took two journalists hostage.",
    "aerial": "Afghan warplanes bombed a village.",
    "arrest": "Police arrested two men on Friday.",
    "future visit": "Merkel will visit Paris next week.",
    "promised concession": "Washington agreed to lift the sanctions.",
    "announced attack": "Iran said it would attack ships and seize tankers.",
    "dropped pattern": "He came to the house.",
    "verb off": "They want peace.",
    "disaster": "An earthquake killed 20 people.",
    "diplomatic protest": "Britain has protested the Japanese limitations.",
    "riot": "Thousands of farmers battled police in the city.",
    "ships": "Italy has sent eight ships to the Gulf.",
}


@pytest.fixture(scope="module")
def rows(nlp):
    return {name: events_of(nlp, text) for name, text in SENTENCES.items()}


def _coded(row: dict) -> tuple:
    return row["event_type"], row["mode"], row["quad_class"], row["plover_score"]


def test_a_verb_our_lexicon_lacks_is_read_from_the_field_dictionary(rows):
    bought = only(rows["field verb"], "bought")  # PETRARCH2 PURCHASE: CAMEO 061
    assert _coded(bought) == ("COOPERATE", None, "material_cooperation", 9.5)
    # the country of the goods is the other party of the exchange
    assert (bought["actor_name"], bought["target_name"]) == ("Japan", "Canada")


def test_a_field_pattern_reads_the_object(rows):
    # EXPRESS * DISSATISFACTION [111]: ACCUSE disapprove (score -2)
    row = only(rows["field pattern"], "expressed")
    assert _coded(row) == ("ACCUSE", "disapprove", "verbal_conflict", -2.0)
    assert row["actor_name"] == "United Kingdom"
    # TAKE * &HOSTAGE [181]: ASSAULT abduct
    took = only(rows["hostage"], "took")
    assert _coded(took) == ("ASSAULT", "abduct", "material_conflict", -8.5)
    assert (took["actor_text"], took["target_text"]) == ("The rebels", "two journalists")


def test_what_we_took_out_of_the_field_dictionary_makes_no_event(rows):
    assert rows["dropped pattern"] == []  # COME * (TO) [040] (field_patterns_off.tsv)
    assert rows["verb off"] == []  # WANT, CAMEO 030 (field_verbs_off)


def test_modes_from_the_instrument_and_the_trigger(rows):
    bombed = only(rows["aerial"], "bombed")
    assert _coded(bombed) == ("ASSAULT", "aerial", "material_conflict", -9.5)
    # a country adjective stands for the country (PLOVER's actor)
    assert (bombed["actor_name"], bombed["actor_text"]) == ("Afghanistan", "Afghan warplanes")
    assert _coded(only(rows["arrest"], "arrested")) == (
        "COERCE",
        "arrest",
        "material_conflict",
        -7.0,
    )
    sent = only(rows["ships"], "sent")
    assert _coded(sent) == ("MOBILIZE", "weapons", "material_conflict", -6.5)
    assert sent["actor_name"] == "Italy"


def test_the_manuals_rules_on_promises_and_announcements(rows):
    visit = only(rows["future visit"], "visit")  # future cooperation is AGREE
    assert (visit["event_type"], visit["modality"], visit["quad_class"]) == (
        "AGREE",
        "future",
        "verbal_cooperation",
    )
    agreed = only(rows["promised concession"], "agreed")  # a promise to retreat: CONCEDE
    assert (agreed["event_type"], agreed["actor_name"]) == ("CONCEDE", "Washington")
    attack = only(rows["announced attack"], "attack")  # its own future attack: a threat
    assert _coded(attack) == ("THREATEN", "violence", "verbal_conflict", -3.5)
    assert attack["actor_name"] == "Iran"
    assert only(rows["announced attack"], "seize")["mode"] == "territory"


def test_diplomatic_protests_and_riots(rows):
    protested = only(rows["diplomatic protest"], "protested")
    assert _coded(protested) == ("ACCUSE", "disapprove", "verbal_conflict", -2.0)
    assert protested["target_name"] == "Japan"
    battled = only(rows["riot"], "battled")
    assert _coded(battled) == ("PROTEST", "riot", "material_conflict", -7.0)
    assert battled["target_text"] == "police"


def test_one_top_event_per_sentence_and_never_one_of_our_own_types(rows):
    tops = [r["trigger"] for r in rows["announced attack"] if r["is_top_event"]]
    assert tops == ["attack"]  # nearer the root than "seize"; "said" is no event
    disaster = rows["disaster"]
    assert {r["event_type"] for r in disaster} == {"DISASTER"}
    assert not any(r["is_top_event"] for r in disaster)
    assert {(r["mode"], r["quad_class"], r["plover_score"]) for r in disaster} == {
        (None, None, None)
    }


def test_scores_and_quad_classes_from_the_manual():
    assert [quad_class(t) for t in ("AGREE", "AID", "REQUEST", "ASSAULT")] == list(QUAD_CLASSES)
    assert score("ACCUSE", None) == -3.0  # the manual prints +3: a slipped sign
    assert score("ACCUSE", "allege") == -3.5  # a scored mode wins over its type
    assert score("PROTEST", "vandalize") == -5.0  # an unscored mode: the type's
    assert score("ELECTION", None) is None and quad_class(None) is None
    assert {quad_class(t) for t in PLOVER_TYPES} == set(QUAD_CLASSES)


def test_mode_rules_name_the_manuals_modes():
    rules = mode_rules()
    assert set(rules) <= set(PLOVER_TYPES)
    assert {m for rs in rules.values() for m, _, _ in rs} <= set(all_modes())


def test_every_override_names_a_pattern_of_the_dictionary():
    known = {
        (verb, pattern_key(row["source_line"]))
        for row in _tsv("plover_patterns.tsv")
        for verb in _comment_verbs(row["source_line"])
    }
    for row in _tsv("field_patterns_off.tsv"):
        assert (row["verb"].lower(), pattern_key(row["pattern"])) in known, row
    lines = {p.line for b in dictionary().blocks.values() for p in b.patterns}
    assert not any(pattern_key(line) == "- * (TO) [040]" and "COME" in line for line in lines)


def test_synonym_set_members_of_several_words_match_whole(nlp):
    military = next(
        p.after[0]
        for p in dictionary().blocks["SEND"].patterns
        if p.line.startswith("- * &MILITARY [154]")
    )
    doc = nlp("They sent armed services and security services.")
    armed, security = doc[3], doc[6]
    assert (armed.text, security.text) == ("services", "services")
    assert phrase_matches(military, armed)  # "armed service" is a member
    assert not phrase_matches(military, security)  # "service" alone is not
    assert phrase_matches(military, nlp("They sent troops.")[2])
