"""Event nouns supported or given their parties by the clause around them (extraction version
52, :mod:`transforms.events.predicates`), forces that flee, and predicate adjectives read like
their verbs (version 53). The sentences are made up (none is a gold sentence); each is parsed
once."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import events_of, top_event
from transforms.events.lexicon import PLOVER_TYPES

SENTENCES = {
    "in talks": "Iran is in talks with Iraq.",
    "in agreement": "Peru and Chile were in agreement on the border.",
    "on strike": "The union said 40,000 dockers remained on strike.",
    "on alert": "Hundreds of marines were on alert at the port.",
    "participate": "Mexico participated in the negotiations.",
    "in the garden": "The minister was in the garden.",
    "no party": "Prices were on alert.",
    "fronted": "In the talks, Canada is chiefly interested in wheat.",
    "in charge": "Adam Schiff is to be in charge of the hearings.",
    "other predicate": "In the lockdown, patients were unable to get drugs.",
    "involving": "The meeting, involving Brazil and Colombia, ended.",
    "came from": "A call for lower rates came from the Bundesbank.",
    "came from a place": "The call came from a hotel.",
    "boats fled": "Iranian boats fled.",
    "refugees fled": "Thousands of refugees fled.",
    "critical of": "Japan has been increasingly critical of the United States.",
    "who was critical": "The plan was drawn up by Ortiz Mena, who was critical of Mexico.",
    "supportive of": "France was supportive of Germany.",
    "critical condition": "The minister is in critical condition.",
    "critical to": "Exports are critical to Chile.",
    "submit a petition": "The American Meat Institute expects to submit a trade petition by April 30.",
    "submitted a complaint": "Chile submitted a complaint against Peru.",
    "submitted a report": "Chile submitted a report to Peru.",
    "pull request": "One user submitted a pull request to the repository.",
    "concluded a trip": "Officials of the exchange concluded a ten-day trip to China.",
    "reported a trip": "Newspapers reported a ten-day trip to China.",
    "ended a strike": "The company ended a strike that began last week.",
}


@pytest.fixture(scope="module")
def rows(nlp):
    return {name: events_of(nlp, text) for name, text in SENTENCES.items()}


def test_a_prepositional_predicate_supports_the_event_noun(rows):
    got = {name: top_event(rows[name]) for name in list(SENTENCES)[:10]}
    assert got == {
        "in talks": ("talks", "CONSULT", "Iran"),
        "in agreement": ("agreement", "AGREE", "Peru"),
        "on strike": ("strike", "PROTEST", "40,000 dockers"),
        "on alert": ("alert", "MOBILIZE", "marines"),
        "participate": ("negotiations", "CONSULT", "Mexico"),
        "in the garden": None,
        "no party": None,  # prices take part in nothing
        "fronted": None,  # an adverbial phrase, not the predicate
        "in charge": None,  # an idiom: responsible for
        "other predicate": None,
    }


def test_the_clause_names_the_parties_of_an_event_noun(rows):
    assert top_event(rows["involving"])[:2] == ("meeting", "CONSULT")
    assert top_event(rows["came from"]) == ("call", "REQUEST", "Bundesbank")
    assert top_event(rows["came from a place"]) is None  # a hotel is no party


def test_forces_that_flee_retreat_and_refugees_make_no_row(rows):
    assert top_event(rows["boats fled"])[:2] == ("fled", "RETREAT")
    assert [r for r in rows["refugees fled"] if r["event_type"] in PLOVER_TYPES] == []


def test_a_predicate_adjective_reads_like_its_verb(rows):
    def typed(name: str) -> tuple | None:
        top = [r for r in rows[name] if r["is_top_event"]]
        if not top:
            return None
        r = top[0]
        return r["event_type"], r["mode"], r["actor_name"], r["target_name"]

    assert typed("critical of") == ("ACCUSE", "disapprove", "Japan", "United States")
    assert typed("who was critical") == ("ACCUSE", "disapprove", "Ortiz Mena", "Mexico")
    assert typed("supportive of") == ("SUPPORT", None, "France", "Germany")
    assert typed("critical condition") is None
    assert typed("critical to") is None  # "critical" only with "of"


def test_a_petition_is_an_appeal_and_submitting_it_hands_over_the_event(rows):
    assert top_event(rows["submit a petition"]) == (
        "petition",
        "REQUEST",
        "American Meat Institute",
    )
    assert top_event(rows["submitted a complaint"]) == ("complaint", "ACCUSE", "Chile")
    assert top_event(rows["submitted a report"]) is None
    assert top_event(rows["pull request"]) is None  # software, no appeal


def test_an_aspectual_verbs_subject_is_the_party_of_the_event_noun(rows):
    trip = next(r for r in rows["concluded a trip"] if r["is_top_event"])
    assert (trip["event_type"], trip["actor_text"], trip["target_name"]) == (
        "CONSULT",
        "Officials",
        "China",
    )
    trip = [r for r in rows["reported a trip"] if r["trigger"] == "trip"]
    assert [r["actor_text"] for r in trip] == [None]  # the press only reports it
    strike = [r for r in rows["ended a strike"] if r["trigger"] == "strike"]
    assert [r["actor_text"] for r in strike] == [None]  # the company is the other side
