"""Mentions: entity fixes, in-article alias resolution, entity ids, exact offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import SAMPLE
from transforms.ids import article_id_for
from transforms.mentions.extract import extract_mentions
from transforms.mentions.model import entity_id_for
from transforms.mentions.names import person_tokens, spelled
from transforms.parse import parse_text

TODAY = dt.date(2026, 1, 1)


def mentions_of(nlp, text: str):
    return extract_mentions(nlp(text), article_id_for(text))


def by_text(mentions, text):
    return [m for m in mentions if m.text == text]


@pytest.fixture(scope="module")
def seed(nlp, seed_path):
    art = parse_text(str(seed_path), seed_path.read_bytes(), today=TODAY)
    return art, extract_mentions(nlp(art.body), art.article_id)


def test_seed_people_carry_their_full_canonical_names(seed):
    _, ms = seed
    people = [(m.text, m.canonical_name, m.origin) for m in ms if m.label == "PERSON"]
    assert people == [
        ("Lloyd Austin", "Lloyd Austin", "model"),
        ("Florence Parly", "Florence Parly", "model"),
        ("Parly", "Florence Parly", "alias"),
        ("Anton Semelroth", "Anton Semelroth", "model"),
        ("Joe Biden", "Joe Biden", "model"),
        ("Emmanuel Macron", "Emmanuel Macron", "model"),
        ("Biden", "Joe Biden", "model"),
        ("Parly", "Florence Parly", "alias"),
        ("Austin", "Lloyd Austin", "model"),
        ("Parly", "Florence Parly", "alias"),
    ]
    parly = {m.entity_id for m in ms if m.canonical_name == "Florence Parly"}
    assert parly == {entity_id_for("PERSON", "Florence Parly")}


def test_seed_bare_parly_mentions_are_added_as_aliases(seed):
    art, ms = seed
    bare = [m for m in ms if m.text == "Parly"]
    assert [(m.start_char, m.origin, m.sentence_index) for m in bare] == [
        (596, "alias", 3),
        (1745, "alias", 10),
        (2606, "alias", 16),
    ]
    assert all(art.body[m.start_char : m.end_char] == "Parly" for m in bare)


def test_seed_model_label_errors_are_corrected(seed):
    _, ms = seed
    assert [(m.label, m.canonical_name, m.country_code) for m in by_text(ms, "Mali")] == [
        ("GPE", "Mali", "ML")
    ]
    assert {(m.label, m.canonical_name) for m in by_text(ms, "Sahel")} == {("LOC", "Sahel")}
    assert len(by_text(ms, "Sahel")) == 4
    assert {m.label for m in by_text(ms, "Takuba")} == {"ORG"}
    assert [(m.text, m.label) for m in ms if "Islamic" in m.text] == [
        ("Islamic State", "ORG"),
        ("Islamic", "NORP"),
    ]
    assert by_text(ms, "Defense") == []  # part of the title "French Defense Minister"
    assert [m.label for m in by_text(ms, "Indo-Pacific")] == ["LOC"]


def test_seed_places_and_demonyms_link_to_countries(seed):
    _, ms = seed
    us = {(m.entity_id, m.canonical_name, m.country_code) for m in by_text(ms, "US")}
    assert us == {(entity_id_for("PLACE", "United States"), "United States", "US")}
    french = {
        (m.label, m.entity_id, m.canonical_name, m.country_code) for m in by_text(ms, "French")
    }
    france = {m.entity_id for m in by_text(ms, "France")}
    assert french == {("NORP", entity_id_for("PLACE", "France"), "France", "FR")}
    assert france == {entity_id_for("PLACE", "France")}
    assert [(m.canonical_name, m.country_code) for m in by_text(ms, "Malian")] == [("Mali", "ML")]


def test_seed_offsets_slice_the_body(seed):
    art, ms = seed
    assert all(art.body[m.start_char : m.end_char] == m.text for m in ms)
    assert len({m.mention_id for m in ms}) == len(ms)


def test_us_spellings_share_one_entity(nlp):
    ms = mentions_of(
        nlp,
        (
            "The United States imposed new tariffs on Monday. U.S. officials said the measures "
            "were temporary, and the US Treasury will review them. America has done this before."
        ),
    )
    places = [(m.text, m.canonical_name) for m in ms if m.country_code == "US" and m.label == "GPE"]
    assert places == [
        ("United States", "United States"),
        ("U.S.", "United States"),
        ("America", "United States"),
    ]
    assert len({m.entity_id for m in ms if m.country_code == "US" and m.label == "GPE"}) == 1


def test_former_states_are_countries_of_their_own(nlp):
    """Archive copy names states that no longer exist: the Soviet Union (and "USSR", "Soviet
    officials") is one country entity with its former ISO code SU, never Russia; West Germany
    is Germany, Zaire the DR Congo (same states, older names)."""
    ms = mentions_of(
        nlp,
        (
            "The Soviet Union rejected the offer on Tuesday. Soviet officials said the USSR "
            "would reply later. West Germany and Zaire backed the plan."
        ),
    )
    got = [(m.text, m.canonical_name, m.country_code) for m in ms if m.country_code]
    assert got == [
        ("Soviet Union", "Soviet Union", "SU"),
        ("Soviet", "Soviet Union", "SU"),
        ("USSR", "Soviet Union", "SU"),
        ("West Germany", "Germany", "DE"),
        ("Zaire", "Democratic Republic of the Congo", "CD"),
    ]
    soviet = {m.entity_id for m in ms if m.country_code == "SU"}
    assert len(soviet) == 1


def test_acronym_defined_in_text_is_one_entity(nlp):
    text = (
        "Russia's Federal Security Service (FSB) said on Tuesday it had detained two men. "
        "The FSB did not name them. A lawyer said the FSB had refused to let him see them."
    )
    ms = mentions_of(nlp, text)
    fsb = [m for m in ms if m.text in {"Federal Security Service", "FSB"}]
    assert [m.text for m in fsb] == ["Federal Security Service", "FSB", "FSB", "FSB"]
    assert {m.canonical_name for m in fsb} == {"Federal Security Service"}
    assert len({m.entity_id for m in fsb}) == 1
    assert [m.origin for m in fsb].count("alias") >= 1


def test_possessives_and_determiners_are_trimmed(nlp):
    ms = mentions_of(
        nlp,
        (
            "President Emmanuel Macron spoke in Paris. Macron's government later said "
            "the Pentagon's offer was welcome."
        ),
    )
    assert [(m.text, m.canonical_name) for m in ms if m.label == "PERSON"] == [
        ("Emmanuel Macron", "Emmanuel Macron"),
        ("Macron", "Emmanuel Macron"),
    ]
    assert [m.text for m in ms if m.label == "ORG"] == ["Pentagon"]


def test_numbers_and_dates_are_kept_without_entity(nlp):
    ms = mentions_of(nlp, "The company paid $4 million to 300 workers on Friday.")
    assert [(m.text, m.label, m.entity_id) for m in ms] == [
        ("$4 million", "MONEY", None),
        ("300", "CARDINAL", None),
        ("Friday", "DATE", None),
    ]


def test_two_people_with_one_surname_stay_apart(nlp):
    path = SAMPLE / "007_london_fraud_sentencing.txt"
    art = parse_text(str(path), path.read_bytes(), today=TODAY)
    ms = extract_mentions(nlp(art.body), art.article_id)
    whitfields = [(m.text, m.canonical_name) for m in ms if "Whitfield" in m.text]
    assert whitfields == [
        ("Daniel Whitfield", "Daniel Whitfield"),
        ("Eleanor Whitfield", "Eleanor Whitfield"),
        ("Daniel Whitfield", "Daniel Whitfield"),
        ("Whitfield", "Eleanor Whitfield"),  # "Judge Whitfield said": the title decides
        ("Whitfield", "Daniel Whitfield"),
        ("Whitfield", "Daniel Whitfield"),
    ]
    assert entity_id_for("PERSON", "Daniel Whitfield") != entity_id_for(
        "PERSON", "Eleanor Whitfield"
    )
    # Post-nominals are not part of the name; the bare surname then resolves.
    assert [(m.text, m.canonical_name) for m in ms if "Ashworth" in m.text] == [
        ("Simon Ashworth KC", "Simon Ashworth"),
        ("Ashworth", "Simon Ashworth"),
    ]


def test_entity_ids_are_stable_across_articles(nlp, seed):
    _, seed_mentions = seed
    other = mentions_of(
        nlp,
        "French Defense Minister Florence Parly met NATO officials in "
        "Brussels on Monday. Parly said little.",
    )
    ids = {m.entity_id for m in other if m.canonical_name == "Florence Parly"}
    assert ids == {m.entity_id for m in seed_mentions if m.canonical_name == "Florence Parly"}


def test_wikinews_mentions_slice_their_bodies(wikinews_tables):
    bodies = wikinews_tables["bodies"]
    rows = wikinews_tables["result"].tables["mentions"]
    assert wikinews_tables["result"].errors == {}
    assert len(rows) > 10_000
    bad = [r for r in rows if bodies[r["article_id"]][r["start_char"] : r["end_char"]] != r["text"]]
    assert bad == []
    assert len({r["mention_id"] for r in rows}) == len(rows)
    assert all(r["origin"] in {"model", "gazetteer", "alias"} for r in rows)


def test_an_occupation_written_as_a_title_is_not_part_of_the_name(nlp):
    # the recognizer takes a capitalized occupation for part of the name
    ms = mentions_of(
        nlp,
        (
            "Shares rose after analyst Kevin Lee raised his target. Analyst Lee said the stock "
            "was cheap."
        ),
    )
    people = [(m.text, m.canonical_name) for m in ms if m.label == "PERSON"]
    assert people == [
        ("Kevin Lee", "Kevin Lee"),
        ("Analyst Lee", "Kevin Lee"),
    ]


def test_a_scientist_s_field_before_a_name_is_a_title():
    from transforms.mentions.names import person_tokens

    assert person_tokens(["Immunologist", "Kristian", "Andersen"]) == (
        ["Kristian", "Andersen"],
        "immunologist",
    )
    assert person_tokens(["Economist", "Maria", "Sandoval"]) == (["Maria", "Sandoval"], "economist")
    assert person_tokens(["Kristian", "Andersen"]) == (["Kristian", "Andersen"], None)


def test_alias_occurrences_are_the_phrase_matchers(nlp):
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    from transforms.mentions.extract import _occurrences

    doc = nlp("New York said New York City and York agreed; York, New York, said York.")
    forms = [("New", "York"), ("New", "York", "City"), ("York",), ("Boston",)]
    # By start, the longest first; overlapping occurrences all found.
    expected = [(0, 0, 2), (2, 1, 2), (1, 3, 6), (0, 3, 5), (2, 4, 5), (2, 7, 8)]
    expected += [(2, 10, 11), (0, 12, 14), (2, 13, 14), (2, 16, 17)]
    assert _occurrences(doc, forms) == expected
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    for k, form in enumerate(forms):
        matcher.add(str(k), [Doc(doc.vocab, words=list(form))])
    found = [(int(doc.vocab.strings[m]), s, e) for m, s, e in matcher(doc)]
    assert sorted(found, key=lambda x: (x[1], -x[2])) == expected


def test_a_surname_with_its_particle_and_a_family_name_first_link_to_the_full_name(nlp):
    text = (
        "Yesterday, Bill de Blasio, the mayor of New York, ended his campaign. De Blasio made "
        "the announcement on television. North Korean leader Kim Jong Un met the envoy on "
        "Monday. Kim said the talks were useful."
    )
    ms = mentions_of(nlp, text)
    assert [m.canonical_name for m in by_text(ms, "De Blasio")] == ["Bill de Blasio"]
    assert [m.canonical_name for m in by_text(ms, "Kim")] == ["Kim Jong Un"]


def test_a_person_s_name_is_written_as_the_text_spells_it_on_one_line(nlp):
    """Hard-wrapped wire copy ("Governor Robin\nLeigh-Pemberton, Jr."): spaCy makes the line
    break and the hyphen tokens of their own, and the entity's name was the tokens joined by
    spaces, "Robin \n Leigh - Pemberton"; the title and the suffix stay out of it."""
    doc = nlp.make_doc("Governor Robin\nLeigh-Pemberton, Jr. said so.")
    span = [t for t in doc[:8] if not t.is_space]
    assert [t.text for t in span] == ["Governor", "Robin", "Leigh", "-", "Pemberton", ",", "Jr."]
    words, title = person_tokens([t.text for t in span])
    assert (words, title) == (["Robin", "Leigh", "-", "Pemberton"], "governor")
    assert spelled(span, tuple(words)) == "Robin Leigh-Pemberton"
    # words that are not the span's (a caller's mistake) are joined as before, not dropped
    assert spelled(span, ("Robin", "Smith")) == "Robin Smith"
