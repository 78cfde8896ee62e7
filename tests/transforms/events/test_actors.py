"""Actors and recipients added on the development sets' role errors (extraction version 52,
session 14): pronouns whose only antecedent is the clause's subject the NER missed or
mistyped, support verbs of organising and attending, the topic object of a consultation,
the subject behind an infinitive the parser took for a relative clause, the owner pronoun of
a criticised act, the seller of a purchase, the patient of "after being shot". (The senses
that are no event of the same version are in ``test_plover_coverage.py``.) The sentences are
made up (none is a gold sentence); each is parsed once."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import events_of, only

SENTENCES = {
    "dealer said he": "A grain dealer said he shipped Thai rice to Indonesia.",
    "its attack": "The Barracuda was short of shells after its attack on Japanese cargo ships.",
    "his visit": "Ortoli, due in Paris for his official visit to France, told reporters he was hopeful.",
    "orchestrated": "Ahmed Khan founded the cell and orchestrated the attacks on the embassy.",
    "attended": "The minister attended a summit with Chinese leaders.",
    "discussed with": "The envoy discussed the Middle East with Japanese officials.",
    "reason to reject": "The farm minister had good reason to reject the proposal.",
    "criticising his role": "Lopez said a Senate report criticising his role in the affair was unfair.",
    "imported from": "Kenya imported 50,000 tonnes of maize from Zambia.",
    "after being shot": "A Mexican reporter died in hospital after being shot outside his home.",
}


@pytest.fixture(scope="module")
def rows(nlp):
    return {name: events_of(nlp, text) for name, text in SENTENCES.items()}


def _roles(row: dict) -> tuple:
    return (
        row["event_type"],
        row["actor_name"] or row["actor_text"],
        row["target_name"] or row["target_text"],
    )


def test_a_person_pronoun_takes_the_person_noun_subject_of_the_clause(rows):
    assert _roles(only(rows["dealer said he"], "shipped")) == (
        "COOPERATE",
        "A grain dealer",
        "Indonesia",
    )


def test_its_takes_a_name_under_the_that_the_ner_took_for_a_person(rows):
    row = only(rows["its attack"], "attack")
    assert (row["event_type"], row["actor_text"], row["actor_name"]) == (
        "ASSAULT",
        "its",
        "Barracuda",
    )


def test_his_takes_the_subject_it_modifies_when_the_ner_missed_the_name(rows):
    row = only(rows["his visit"], "visit")
    assert (row["event_type"], row["actor_text"], row["target_name"]) == (
        "CONSULT",
        "Ortoli",
        "France",
    )


def test_organising_and_attending_lend_the_subject_to_the_event_noun(rows):
    assert _roles(only(rows["orchestrated"], "attacks"))[:2] == ("ASSAULT", "Ahmed Khan")
    assert _roles(only(rows["attended"], "summit"))[:2] == ("CONSULT", "The minister")


def test_the_object_of_a_consultation_is_its_topic_when_a_party_is_named(rows):
    row = only(rows["discussed with"], "discussed")
    assert (row["event_type"], row["actor_text"], row["target_text"]) == (
        "CONSULT",
        "The envoy",
        "Japanese officials",
    )


def test_who_has_a_reason_to_act_acts(rows):
    assert _roles(only(rows["reason to reject"], "reject")) == ("REJECT", "The farm minister", None)


def test_an_act_criticised_stands_for_its_owner_a_pronoun_too(rows):
    row = only(rows["criticising his role"], "criticising")
    assert (row["event_type"], row["target_name"]) == ("ACCUSE", "Lopez")


def test_a_purchase_is_directed_at_the_seller(rows):
    assert _roles(only(rows["imported from"], "imported")) == ("COOPERATE", "Kenya", "Zambia")


def test_a_passive_adverbial_clause_without_subject_is_done_to_the_main_subject(rows):
    row = only(rows["after being shot"], "shot")
    assert (row["event_type"], row["actor_text"], row["target_text"]) == (
        "ASSAULT",
        None,
        "A Mexican reporter",
    )
