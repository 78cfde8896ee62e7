"""Triggers (transforms/events/triggers.py, conditions.py): only lexicon words, word
sense from conditions, support verbs, harm verbs, bare mentions of earlier events."""

from __future__ import annotations

from tests.transforms.helpers import events_of, only


def test_only_lexicon_triggers_are_events(nlp):
    assert events_of(nlp, "The minister said the weather was fine and ate lunch.") == []


def test_word_sense_from_conditions(nlp):
    union = only(events_of(nlp, "The union will strike on Monday."), "strike")
    assert union["event_type"] == "PROTEST"
    air = only(events_of(nlp, "Israel carried out air strikes on Gaza."), "strikes")
    assert (air["event_type"], air["actor_name"]) == ("ASSAULT", "Israel")
    assert events_of(nlp, "The champion crashed out in the second round.") == []
    pulled = events_of(nlp, "The company pulled its advert.")
    assert pulled == []  # "pull" is an event only with "out"/"back"


def test_support_verb_makes_the_noun_the_trigger(nlp):
    rows = events_of(nlp, "The minister paid a visit to Kenya.")
    assert [(r["trigger"], r["event_type"], r["actor_text"], r["target_name"]) for r in rows] == [
        ("visit", "CONSULT", "The minister", "Kenya")
    ]


def test_harm_verbs_take_the_type_of_their_cause(nlp):
    rows = events_of(nlp, "Four people were killed when a train collided with a truck.")
    assert {(r["trigger"], r["event_type"]) for r in rows} == {
        ("killed", "ACCIDENT"),
        ("collided", "ACCIDENT"),
    }
    rows = events_of(nlp, "Three people were killed by a landslide.")
    assert only(rows, "killed")["event_type"] == "DISASTER"
    rows = events_of(nlp, "Gunmen killed three villagers.")
    assert only(rows, "killed")["event_type"] == "ASSAULT"


def test_a_bare_mention_of_an_earlier_event_is_not_a_row(nlp):
    text = "Rebels attacked the village on Friday. The attack was condemned by the mayor."
    rows = events_of(nlp, text)
    assert [r["trigger"] for r in rows] == ["attacked", "condemned"]
