"""Common-noun and document speakers (transforms/quotes/referents.py): whom "the
commissioner", "the company", "the statement" stand for, and the speaker_kind column."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import quotes_of
from transforms.quotes.referents import SPEAKER_KINDS
from transforms.quotes.rows import Quote


def view(q: Quote) -> tuple:
    return (q.text, q.speaker_text, q.speaker_name, q.speaker_kind)


def direct(nlp, text: str) -> list[tuple]:
    return [view(q) for q in quotes_of(nlp, text) if q.is_direct]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an apposition describes the person
        (
            "Ron Vale, the league's commissioner, met the owners on Monday. "
            "“We will appeal,” the commissioner said.",
            ("We will appeal", "the commissioner", "Ron Vale", "person"),
        ),
        # a title before the name
        (
            "Trade commissioner Albert Muchanga spoke in Niamey. "
            "The commissioner said, “We have not agreed yet.”",
            ("We have not agreed yet.", "The commissioner", "Albert Muchanga", "person"),
        ),
        # a company noun: the company with a corporate name that speaks
        (
            "Honeybee Inc said it knows of no reason for the rise. "
            "“Business is continuing as usual,” the company said.",
            ("Business is continuing as usual", "the company", "Honeybee Inc", "organisation"),
        ),
        # an organisation noun: the latest organisation whose name holds it
        (
            "The Securities and Exchange Commission opened an inquiry on Friday. "
            "“The inquiry is routine,” the commission said.",
            (
                "The inquiry is routine",
                "the commission",
                "Securities and Exchange Commission",
                "organisation",
            ),
        ),
        # a document speaks for whoever issued it
        (
            "The Finance Ministry said in a statement that talks would go on. "
            "“We will not pay,” the statement said.",
            ("We will not pay", "the statement", "Finance Ministry", "organisation"),
        ),
        # an epithet is the person who spoke last
        (
            "“The economy is fragile,” Sen. Paul Sarbanes said. "
            "“We are skating on thin ice,” the Maryland Democrat said.",
            ("We are skating on thin ice", "the Maryland Democrat", "Paul Sarbanes", "person"),
        ),
        # a former office describes a person already named, not the office's holder
        (
            "Ana Lopes, a banker, said rates should fall. "
            "“Money is too tight,” the former chairman of Banco Atlantico said.",
            (
                "Money is too tight",
                "the former chairman of Banco Atlantico",
                "Ana Lopes",
                "person",
            ),
        ),
        # an organisation brought in by a common noun ("a brewery") is named later
        (
            "A brewery in Leeds shut on Friday. The owner, Northgate Brewing Company, "
            "cited costs. “We cannot go on,” the brewery said.",
            ("We cannot go on", "the brewery", "Northgate Brewing Company", "organisation"),
        ),
    ],
)
def test_a_description_links_to_the_named_speaker(nlp, text, expected):
    assert direct(nlp, text)[-1] == expected


def test_nobody_named_stays_nominal(nlp):
    # "an aide … the aide": the earlier mention named nobody, and nobody nearby is taken
    text = (
        "Senator Ana Lopes left early. An aide to the senator said the vote was close. "
        "“It could go either way,” the aide said."
    )
    assert direct(nlp, text) == [("It could go either way", "the aide", None, "nominal")]
    # a document whose issuer the text does not give
    text = "Mayor Ivo Kranjc spoke on Monday. “Costs will rise,” the report said."
    assert direct(nlp, text) == [("Costs will rise", "the report", None, "nominal")]


def test_it_after_a_thing_that_spoke(nlp):
    text = "A World Bank report on Peru said growth would slow. “Inflation will rise,” it added."
    assert direct(nlp, text) == [("Inflation will rise", "it", "World Bank", "organisation")]


def test_speaker_kinds(nlp):
    text = (
        "Maria Lopez arrived in Lisbon. “We will win,” she said. "
        "“It was chaos,” a witness said. “Nobody knows,” they said."
    )
    got = {q.text: q.speaker_kind for q in quotes_of(nlp, text) if q.is_direct}
    assert got == {"We will win": "person", "It was chaos": "nominal", "Nobody knows": "pronoun"}
    assert set(got.values()) < set(SPEAKER_KINDS)


def test_a_ticker_symbol_is_not_a_name_in_apposition(nlp):
    # Reuters' <TICKER> after a company is its stock symbol, not a name in apposition to the
    # speaker: "the one-time chairman" is the person named before, not the organisation "MER>"
    text = (
        "Peter Hale, President Carter's\nformer chief of staff, said the government should "
        'loosen the\nmoney supply.\n    "I think what we have to face now is trying to '
        'preserve our\neconomy," the one-time chairman of Merrill Lynch and Co Inc\n<MER> '
        "said in an interview on the ABC television network."
    )
    assert direct(nlp, text)[-1][2:] == ("Peter Hale", "person")
