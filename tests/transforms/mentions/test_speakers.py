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


def test_a_name_closing_an_inverted_subject_is_a_person_whatever_its_tags(nlp):
    # "Why" and "Then" tagged adverbs, "Nadia" swallowed by an organisation: the model
    # finds no person; a first name opening the run that ends the subject says it is one
    found = ents(
        nlp,
        "“The birds adapt quickly,” said study co-author and Royal Society Research Fellow "
        "Nadia Why.",
    )
    assert found == [("Royal Society Research Fellow", "ORG"), ("Nadia Why", "PERSON")]
    found = ents(nlp, "“The roof leaked,” says lead author and Marine Institute Fellow Tomas Then.")
    assert found == [("Marine Institute", "ORG"), ("Tomas Then", "PERSON")]
    # not after a quotation, not closing the subject, or not name-shaped: left alone
    assert ("Tomas Then", "PERSON") not in ents(
        nlp, "The report says lead author and Marine Institute Fellow Tomas Then."
    )
    assert ents(nlp, "“We won,” said Paris Saint Germain.") == []  # a known place opens it
    assert ents(nlp, "“It is done,” said Jordan Valley Authority.") == [
        ("Jordan Valley Authority", "ORG")
    ]


def test_a_name_closing_a_titled_subject_is_a_person(nlp):
    # the model swallows the name into the organisation, or misses it; the parser makes it
    # the object of the title's preposition
    found = ents(
        nlp,
        "Former Ambassador to the World Trade Organization Wendy Cutler said it was wrong.",
    )
    assert found == [("World Trade Organization", "ORG"), ("Wendy Cutler", "PERSON")]
    found = ents(nlp, "Deputy Director of the Marine Institute Tomas Then told reporters.")
    assert found == [("Marine Institute", "ORG"), ("Tomas Then", "PERSON")]


def test_a_name_in_apposition_to_a_speakers_role_is_a_person(nlp):
    # the model tags these ORG or misses them; the title before the name is left out
    assert ents(nlp, "The mayor, Ivo Kranjc, said: “It is over.”") == [("Ivo Kranjc", "PERSON")]
    assert ents(nlp, "The town's mayor, Dr Tibor Halasz, said: “It is over.”") == [
        ("Tibor Halasz", "PERSON")
    ]
    found = ents(nlp, "“He was brilliant,” said University of Toledo's chancellor, Pradeep Khosla.")
    assert found == [("University of Toledo", "ORG"), ("Pradeep Khosla", "PERSON")]
    # not a noun for a role, or an organisation's word in the name: left alone
    assert ("Acme Holdings", "PERSON") not in ents(
        nlp, "Its owner, Acme Holdings, said: “It is over.”"
    )


def test_a_speaker_with_a_double_surname_is_one_person(nlp):
    # the model tags "Sandhu-Ross" an organisation without the first name
    found = ents(
        nlp, "Analyst Anita Sandhu-Ross of the consultancy Cask & Cooper called it “a bet.”"
    )
    assert found == [("Anita Sandhu-Ross", "PERSON"), ("Cask & Cooper", "ORG")]


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an age in apposition: a person the model took for an organisation
        (
            "Fans waited outside the ground. Lluís Valls, 58, a season-ticket holder for 30 "
            "years, said he wanted the truth.",
            [("Lluís Valls", "PERSON")],
        ),
        (
            "Cars queued along the quay. Mireia Fuster, 34, a teacher, had been due to sail.",
            [("Mireia Fuster", "PERSON")],
        ),
        # not after a determiner, nor a number that is no age
        ("The Boeing 747, 30, landed.", [("Boeing", "ORG")]),
        ("Mireia Fuster, 340, waited.", [("Mireia Fuster", "ORG")]),
    ],
)
def test_a_name_with_an_age_in_apposition_is_a_person(nlp, text, expected):
    assert ents(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a name in apposition to a role, wherever it stands: after "according to" (the
        # parser hangs the name on the verb) and in a relative clause's subject
        "The Gobi Herders Trust has sent hay to 4,000 families. According to its director, "
        "Lkhagva Dorj, “The cash helps more than hay.”",
        "The rally was called by the group Clean Air Now, whose director, Lkhagva Dorj, grew up "
        "in the city.",
    ],
)
def test_a_name_in_apposition_to_a_role_anywhere_is_a_person(nlp, text):
    assert [e for e in ents(nlp, text) if "Dorj" in e[0]] == [("Lkhagva Dorj", "PERSON")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative clause on "who" after the name: persons the model took for a facility
        # and an organisation
        (
            "Before the hearing we spoke to Sonam Pelzom Choden, who runs a bakery in Bumthang.",
            [("Sonam Pelzom Choden", "PERSON"), ("Bumthang", "GPE")],
        ),
        ("Their neighbour, Mahliyo, who weaves carpets, laughed.", [("Mahliyo", "PERSON")]),
        # "which" is an organisation's; a name after a determiner is a description
        (
            "Kovalenko Steel, which owns the plant, declined to comment.",
            [("Kovalenko Steel", "ORG")],
        ),
        ("The Riverside Rovers, who lost the final, appealed.", [("Riverside Rovers", "ORG")]),
    ],
)
def test_a_name_a_who_clause_describes_is_a_person(nlp, text, expected):
    assert ents(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # groups take "who" too: a place after a preposition of place, the end of a longer
        # name, a people, an acronym are left as the model labelled them
        (
            "The plan may calm nervous lawmakers on Capitol Hill, who have argued against it.",
            [("Capitol Hill", "ORG")],
        ),
        (
            "said Anna Reyes, a lawyer at Hartley & Finch, who represents the families.",
            [("Anna Reyes", "PERSON"), ("Hartley & Finch", "ORG")],
        ),
        (
            "It was criticised by both Democrats and Republicans, who have questioned the cost.",
            [],
        ),
        ("said a professor at MIT, who asked not to be named.", [("MIT", "ORG")]),
        (
            "said Mira Kass of the Halden Center for Oceanography, who was not involved.",
            [("Mira Kass", "PERSON"), ("Halden Center for Oceanography", "ORG")],
        ),
    ],
)
def test_groups_a_who_clause_describes_are_left_alone(nlp, text, expected):
    assert ents(nlp, text) == expected
