"""Indirect statements (transforms/quotes/indirect.py): that-clauses, according to,
reporting nouns, parenthetical cues, datelines."""

from __future__ import annotations

from tests.transforms.helpers import quotes_of
from transforms.quotes.rows import Quote


def view(q: Quote) -> tuple:
    return (q.text, q.is_direct, q.is_partial, q.speaker_text, q.speaker_name, q.cue)


def test_indirect_with_that_clause(nlp):
    got = quotes_of(
        nlp,
        "President Emmanuel Macron stated earlier this week that his country would close "
        "three military bases.",
    )
    assert [view(q) for q in got] == [
        (
            "his country would close three military bases",
            False,
            False,
            "President Emmanuel Macron",
            "Emmanuel Macron",
            "stated",
        )
    ]


def test_indirect_speaker_in_apposition_links_to_the_person(nlp):
    got = quotes_of(nlp, "A ministry spokesman, Karl Weiss, said the talks had failed.")
    assert [view(q) for q in got] == [
        ("the talks had failed", False, False, "A ministry spokesman", "Karl Weiss", "said")
    ]


def test_according_to(nlp):
    got = quotes_of(nlp, "The factory will close in May, according to a company statement.")
    assert [view(q) for q in got] == [
        (
            "The factory will close in May",
            False,
            False,
            "a company statement",
            None,
            "according to",
        )
    ]


def test_reporting_noun_with_its_owner(nlp):
    got = quotes_of(nlp, "Trump's claim that Mexico would pay for the wall was false.")
    assert [view(q) for q in got] == [
        ("Mexico would pay for the wall", False, False, "Trump", "Trump", "claim")
    ]
    assert quotes_of(nlp, "Clinton rejected the claim that she had lied.") == []


def test_statement_before_its_attribution(nlp):
    got = quotes_of(nlp, "Sara Okafor arrived late. The dead included the driver, police said.")
    assert [view(q) for q in got] == [
        ("The dead included the driver", False, False, "police", None, "said")
    ]


def test_parenthetical_attribution(nlp):
    got = quotes_of(nlp, "Maria Lopez spoke on Monday. The talks, she said, will resume in June.")
    assert [view(q) for q in got] == [
        ("The talks, she said, will resume in June", False, False, "she", "Maria Lopez", "said")
    ]


def test_dateline_is_not_part_of_the_statement(nlp):
    got = quotes_of(nlp, "LINZ, Austria — Four people were killed in a train crash, police said.")
    assert [view(q) for q in got] == [
        ("Four people were killed in a train crash", False, False, "police", None, "said")
    ]
