"""Name-shaped speakers the text marks as persons (transforms/mentions/speakers.py)."""

from __future__ import annotations

import pytest

from transforms.mentions.speakers import FIRST_NAMES, HONORIFICS


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents if e.label_ in {"PERSON", "ORG", "GPE"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a first name opens the name: a person the model missed
        (
            "Regina Ip from the pro-Beijing camp said in a press conference that it was wrong.",
            [("Regina Ip", "PERSON")],
        ),
        # a person the model took for a work, cut to the name
        (
            "“It will heal us,” Crystal C'Bearing of the Northern Arapaho tribal historic "
            "preservation office told those gathered.",
            [("Crystal C'Bearing", "PERSON")],
        ),
    ],
)
def test_a_speaker_with_a_first_name_is_a_person(nlp, text, expected):
    assert ents(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a role noun in lower case right before the name
        (
            "Speaking about the film, the senior Polish archbishop Wojciech Polak said he was "
            "disturbed.",
            [("Wojciech Polak", "PERSON")],
        ),
        (
            "“Both prizes tell us something,” said selection committee member Ulf Danielsson.",
            [("Ulf Danielsson", "PERSON")],
        ),
        # an initial opening the name: the model finds no entity
        (
            "Speaking to the newspaper Star of Mysore, B Shiva Parvathi said, “It is a proud "
            "moment.”",
            [("B Shiva Parvathi", "PERSON")],
        ),
        # a role written as a title
        (
            "Prosecutor Kama Melly QC said the victims were vulnerable.",
            [("Kama Melly QC", "PERSON")],
        ),
    ],
)
def test_a_speaker_after_a_role_noun_is_a_person(nlp, text, expected):
    # the model tags each of these names ORG
    assert [e for e in ents(nlp, text) if e[1] != "NORP"] == expected


def test_a_name_the_parser_hung_on_the_role_noun_before_it_is_a_person(nlp):
    # "Per" (a Scandinavian first name) taken for a preposition: the model tags the surname
    # alone, or as an organisation
    found = ents(nlp, "Foreign Ministry spokesman Per Lindqvist said trade had fallen.")
    assert found == [("Foreign Ministry", "ORG"), ("Per Lindqvist", "PERSON")]
    found = ents(nlp, "“It has fallen,” Foreign Ministry spokesman Per Lindqvist told Reuters.")
    assert ("Per Lindqvist", "PERSON") in found


def test_organisations_that_look_like_names_are_left_alone(nlp):
    # a title word opening a company name, an organisation noun, a longer company name
    assert ents(nlp, "General Motors said on Monday it would cut jobs.") == [
        ("General Motors", "ORG")
    ]
    assert ("Justice Department", "ORG") in ents(
        nlp, "The Justice Department said it would appeal."
    )
    found = ents(nlp, "Dean Witter Reynolds Inc raised its rating. Dean Witter said it was cheap.")
    assert ("Dean Witter", "PERSON") not in found
    # a description, whose first word is also a first name (and a state)
    found = ents(nlp, "“We are on thin ice,” the Maryland Democrat said.")
    assert ("Maryland Democrat", "PERSON") not in found


def test_the_name_lists_are_loaded():
    assert {"Regina", "Crystal", "John", "Alexis"} <= FIRST_NAMES
    assert "general" not in HONORIFICS
