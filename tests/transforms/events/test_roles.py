"""Roles (transforms/events/roles.py, candidates.py, participants.py, references.py):
actors, targets, pronouns, owners, definite descriptions."""

from __future__ import annotations

from tests.transforms.helpers import check_event_rows, events_of, only


def test_passive_agent_is_the_actor_and_subject_the_target(nlp):
    row = only(events_of(nlp, "The village was attacked by armed men."), "attacked")
    assert (row["event_type"], row["actor_text"], row["target_text"]) == (
        "ASSAULT",
        "armed men",
        "The village",
    )
    row = only(events_of(nlp, "Two journalists were arrested by police in Minsk."), "arrested")
    assert (row["event_type"], row["actor_text"], row["target_text"], row["location_name"]) == (
        "COERCE",
        "police",
        "Two journalists",
        "Minsk",
    )


def test_symmetric_event_between_coordinated_parties(nlp):
    row = only(events_of(nlp, "The agreement was signed by Serbia and Kosovo."), "signed")
    assert (row["event_type"], row["actor_name"], row["target_name"]) == (
        "SUPPORT",
        "Serbia",
        "Kosovo",
    )


def test_coordinated_actors_of_a_one_sided_event_give_one_row_each(nlp):
    rows = events_of(nlp, "Canada and Japan imposed sanctions on Russia.")
    check_event_rows("Canada and Japan imposed sanctions on Russia.", rows)
    assert sorted((r["trigger"], r["actor_name"], r["target_name"]) for r in rows) == [
        ("sanctions", "Canada", "Russia"),
        ("sanctions", "Japan", "Russia"),
    ]


def test_pronoun_actor_resolves_through_the_article(nlp):
    text = "Egypt has protested for months. It warned Ethiopia against filling the dam."
    row = only(events_of(nlp, text), "warned")
    assert (row["event_type"], row["actor_text"], row["actor_name"], row["target_name"]) == (
        "THREATEN",
        "It",
        "Egypt",
        "Ethiopia",
    )


def test_a_common_noun_stands_for_its_owner(nlp):
    row = only(events_of(nlp, "Russian troops shelled the town."), "shelled")
    assert (row["event_type"], row["actor_text"], row["actor_name"]) == (
        "ASSAULT",
        "Russian troops",
        "Russia",
    )


def test_object_that_is_a_thing_is_not_a_target(nlp):
    row = only(events_of(nlp, "Russia condemned the measures."), "condemned")
    assert (row["event_type"], row["actor_name"], row["target_text"]) == (
        "ACCUSE",
        "Russia",
        None,
    )


def test_roles_of_requests_and_instructions(nlp):
    rows = events_of(nlp, "Protesters called for Rosselló's resignation.")
    called = only(rows, "called")
    assert (called["actor_text"], called["target_text"]) == ("Protesters", "Rosselló's")
    rows = events_of(nlp, "Zelensky instructed security agencies to investigate the leak.")
    assert only(rows, "instructed")["target_text"] == "security agencies"
    assert only(rows, "investigate")["actor_text"] == "security agencies"


def test_a_state_of_emergency_is_coerce_without_a_target(nlp):
    row = only(events_of(nlp, "President Trump declared a state of emergency."), "declared")
    assert (row["event_type"], row["actor_text"], row["target_text"]) == (
        "COERCE",
        "President Trump",
        None,
    )


def test_a_titled_definite_description_is_the_person_with_that_title(nlp):
    text = (
        "President Donald Trump visited Texas on Monday. Congress gave less money than the "
        "president had requested."
    )
    row = only(events_of(nlp, text), "requested")
    assert (row["actor_text"], row["actor_name"]) == ("the president", "Donald Trump")


def test_a_pronoun_in_a_quotation_is_not_its_speaker(nlp):
    text = (
        'Police superintendent Yolanda Yu said: "To save his colleagues, he fired a live shot '
        'at the attacker."'
    )
    row = only(events_of(nlp, text), "fired")
    assert (row["actor_text"], row["actor_name"], row["modality"]) == ("he", None, "reported")
