"""Session 15's coverage changes, written on plover_dev7's diagnosis: a double object's
theme counts for the lexicon's object test and credits are money (extraction version 65);
agent nouns after a copula read like their verbs (version 66). The sentences are made up
(none is a gold sentence); each is parsed once. Agreeing that an assessment holds is no
event (version 67); seeking approval or another party's act is a request (version 68); a
"to" the parser labels dative is a preposition for the lexicon's conditions (version 69); a
sale over a season or each year is a trade figure, no event (version 70)."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import events_of, top_event

SENTENCES = {
    "lend it yen": "Chile said Japanese banks will lend it 50 billion yen.",
    "lend goods": "Mexico lent Cuba two tankers last year.",
    "lend money to": "Iraq lent 10 mln dlrs to Jordan.",
    "lend a hand": "Neighbours lent a hand with the harvest.",
    "provided a credit": "Three Swiss banks provided a 300 mln franc credit to Peru.",
    "gives credit": "Castro gives credit to the doctors of Cuba.",
    "opponent of": "Maria Mendez was a vocal opponent of the Ecuadorean government.",
    "advocate for": "Jansen was a long-time advocate for reform in Chile.",
    "critic of": "Thabo Mbeki is a fierce critic of the Zambian government.",
    "supporter of": "Japan has been a strong supporter of the accord.",
    "opponent in a race": "Ortega was his opponent in the race.",
    "advocate profession": "Smith is an advocate in Nairobi.",
    "I am a supporter": "I am a supporter of the accord.",
    "agreed an assessment": "Analysts agreed that the budget was a disaster for Peru.",
    "agreed a forecast": "Bankers agreed that a Chilean loan would likely be delayed.",
    "agreed to act": "Peru and Chile agreed that their navies would patrol the coast.",
    "seek approval": "Unilever is seeking approval in France and Spain.",
    "seek removal": "Brazil will seek removal of the tariffs on steel.",
    "seek a buyer": "Nestle is seeking a buyer for its plant in Chile.",
    "sold to a state": "Cargill, the American grain trader, sold 5,000 tonnes of maize to Peru.",
    "sold to a company": "Cargill sold 5,000 tonnes of maize to Unilever.",
    "sold in a season": "Canada sold 90,000 tonnes of barley to Chile during the 1986/87 season.",
    "exported each year": "Chile each year has exported 20,000 tonnes of copper to Peru.",
    "bought last year": "Egypt bought 200,000 tonnes of wheat from France last year.",
    "will buy each year": "Egypt will buy 200,000 tonnes of wheat from France each year.",
}


@pytest.fixture(scope="module")
def rows(nlp):
    return {name: events_of(nlp, text) for name, text in SENTENCES.items()}


def test_a_double_object_and_a_credit_are_lending(rows):
    got = {name: top_event(rows[name]) for name in list(SENTENCES)[:6]}
    assert got == {
        "lend it yen": ("lend", "AGREE", "Japan"),
        "lend goods": ("lent", "AID", "Mexico"),
        "lend money to": ("lent", "AID", "Iraq"),
        "lend a hand": None,
        "provided a credit": ("provided", "AID", "Switzerland"),
        "gives credit": None,
    }


def test_an_agent_noun_after_a_copula_reads_like_its_verb(rows):
    got = {name: top_event(rows[name]) for name in list(SENTENCES)[6:13]}
    assert got == {
        "opponent of": ("opponent", "REJECT", "Maria Mendez"),
        "advocate for": ("advocate", "SUPPORT", "Jansen"),
        "critic of": ("critic", "ACCUSE", "Thabo Mbeki"),
        "supporter of": ("supporter", "SUPPORT", "Japan"),
        "opponent in a race": None,
        "advocate profession": None,
        "I am a supporter": None,
    }


def test_agreeing_with_an_assessment_is_no_event(rows):
    got = {name: top_event(rows[name]) for name in list(SENTENCES)[13:16]}
    assert got == {
        "agreed an assessment": None,
        "agreed a forecast": None,
        "agreed to act": ("agreed", "AGREE", "Peru"),
    }


def test_seeking_approval_or_an_act_is_a_request(rows):
    got = {name: top_event(rows[name]) for name in list(SENTENCES)[16:19]}
    assert got == {
        "seek approval": ("seeking", "REQUEST", "Unilever"),
        "seek removal": ("seek", "REQUEST", "Brazil"),
        "seek a buyer": None,
    }


def test_a_dative_to_is_a_preposition_of_the_conditions(rows):
    got = {name: top_event(rows[name]) for name in list(SENTENCES)[19:]}
    assert got == {
        "sold to a state": ("sold", "COOPERATE", "Cargill"),
        "sold to a company": None,
        "sold in a season": None,
        "exported each year": None,
        "bought last year": ("bought", "COOPERATE", "Egypt"),
        "will buy each year": ("buy", "AGREE", "Egypt"),
    }
