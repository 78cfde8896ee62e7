"""The entity fixer: non-entities, names cut in pieces, known organisations, shouted lines and
results tables. Sentences are written for these tests.

``fixed(nlp, text, ents)`` runs the component on entities given by hand (what the model might
have found), so that each repair is tested whatever the model reads; ``ents_of`` runs the whole
pipeline.
"""

from __future__ import annotations

import re

import pytest

from transforms.mentions.extract import extract_mentions


def ents_of(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents if e.label_ not in NUMERIC]


NUMERIC = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}


def fixed(nlp, text: str, ents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The component's output when the model found ``ents`` (text, label; the first occurrence
    of the words as whole words)."""
    return [(e.text, e.label_) for e in fixed_doc(nlp, text, ents).ents if e.label_ not in NUMERIC]


def fixed_doc(nlp, text: str, ents: list[tuple[str, str]]):
    with nlp.select_pipes(disable=["newsetl_entities"]):
        doc = nlp(text)
    spans = []
    for words, label in ents:
        found = re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text)
        assert found is not None, words
        spans.append(doc.char_span(found.start(), found.end(), label=label))
    assert None not in spans, "an entity must cover whole tokens"
    doc.ents = spans
    return nlp.get_pipe("newsetl_entities")(doc)


# -- what is no entity


def test_time_zones_table_headings_units_and_diseases_are_no_entities(nlp):
    text = "The quake struck at 0340 GMT. She died of COVID-19.\nAvg shrs 12.1 mln vs 11.0 mln"
    assert fixed(nlp, text, [("GMT", "ORG"), ("COVID-19", "PERSON"), ("Avg", "PERSON")]) == []


def test_a_name_without_capitals_or_a_bare_company_suffix_is_no_entity(nlp):
    assert fixed(nlp, "Net profit 4.1 dlrs vs 3.2 dlrs.", [("dlrs vs", "PERSON")]) == []
    assert fixed(nlp, "Shares of Co Inc rose.", [("Co Inc", "ORG")]) == []


def test_a_portfolio_closing_a_title_is_no_entity(nlp):
    text = "Secretary of State Ann Lowe flew to Oslo."
    got = fixed(nlp, text, [("State", "ORG"), ("Ann Lowe", "PERSON"), ("Oslo", "GPE")])
    assert got == [("Ann Lowe", "PERSON"), ("Oslo", "GPE")]
    # The department keeps its name.
    text = "The Department of State said no."
    assert fixed(nlp, text, [("Department of State", "ORG")]) == [("Department of State", "ORG")]


def test_a_transcript_speaker_tag_is_no_entity(nlp):
    text = "He spoke to us.\n\n((WN)) What comes next?\n\n((Tom Reid)) We wait."
    got = fixed(nlp, text, [("WN", "ORG"), ("Tom Reid", "PERSON")])
    assert got == [("Tom Reid", "PERSON")]


def test_units_glued_to_a_place_are_cut_off(nlp):
    text = "It raised 50 mln U.S. Dlrs in Japan."
    assert fixed(nlp, text, [("U.S. Dlrs", "PERSON")]) == [("U.S.", "GPE"), ("Japan", "GPE")]


# -- names cut in pieces


def test_company_names_cut_at_their_and_are_joined(nlp):
    text = "Standard and Poor's Corp cut the rating, and S and P said more cuts may follow."
    assert fixed(nlp, text, [("Poor's Corp", "ORG"), ("P", "ORG")]) == [
        ("Standard and Poor's Corp", "ORG"),
        ("S and P", "ORG"),
    ]
    text = "American Telephone and Telegraph Co hired Merrill Lynch and Co Inc on Monday."
    got = fixed(
        nlp,
        text,
        [("American Telephone", "ORG"), ("Telegraph Co", "ORG"), ("Merrill Lynch", "PERSON")],
    )
    assert got == [
        ("American Telephone and Telegraph Co", "ORG"),
        ("Merrill Lynch and Co Inc", "ORG"),
    ]


def test_two_companies_joined_by_and_stay_apart(nlp):
    text = "IBM and Apple Inc signed. Joe Kent and Acme Corp agreed."
    got = fixed(
        nlp,
        text,
        [("IBM", "ORG"), ("Apple Inc", "ORG"), ("Joe Kent", "PERSON"), ("Acme Corp", "ORG")],
    )
    assert got == [
        ("IBM", "ORG"),
        ("Apple Inc", "ORG"),
        ("Joe Kent", "PERSON"),
        ("Acme Corp", "ORG"),
    ]


def test_a_company_named_with_a_possessive_keeps_it(nlp):
    text = "Moody's said the Pentagon's budget was at risk, and Moody's and Fitch agreed."
    got = fixed(nlp, text, [("Moody's", "ORG"), ("Pentagon's", "ORG"), ("Fitch", "ORG")])
    assert got[:2] == [("Moody's", "ORG"), ("Pentagon", "ORG")]


def test_scores_are_cut_off_names_but_short_numbers_stay_in_organisations(nlp):
    text = "Durham 114 beat Ann Hill 69 while Channel 4 watched."
    got = fixed(nlp, text, [("Durham 114", "ORG"), ("Ann Hill 69", "PERSON"), ("Channel 4", "ORG")])
    assert got == [("Durham", "ORG"), ("Ann Hill", "PERSON"), ("Channel 4", "ORG")]


# -- known names


@pytest.mark.parametrize("label", ["PERSON", "PRODUCT", "GPE"])
def test_a_known_platform_is_an_organisation(nlp, label):
    text = "The fire service said on Twitter that the road was closed."
    assert fixed(nlp, text, [("Twitter", label)]) == [("Twitter", "ORG")]


def test_a_known_organisation_the_model_missed_is_added(nlp):
    doc = fixed_doc(nlp, "The video was posted on YouTube late on Monday.", [])
    ms = extract_mentions(doc, "a")
    assert [(m.text, m.label, m.origin) for m in ms] == [("YouTube", "ORG", "gazetteer")]


def test_the_nations_of_the_united_kingdom_are_places(nlp):
    text = "Wales beat Scotland in Cardiff."
    got = fixed(nlp, text, [("Wales", "PERSON")])
    assert ("Wales", "GPE") in got and ("Scotland", "GPE") in got


# -- shouted lines, tables, lists


def test_a_shouted_headline_is_read_on_recased_words(nlp):
    got = ents_of(nlp, "SOCCER - FRANCE BEAT MEXICO IN FRIENDLY .\n\nPARIS 1996-08-31")
    assert got == [("FRANCE", "GPE"), ("MEXICO", "GPE"), ("PARIS", "GPE")]


def test_shouted_lines_are_sentences_of_at_least_four_letters_all_capitals():
    import spacy
    from spacy.tokens import Doc

    from transforms.mentions.shouting import shouted_ranges

    words = "SOCCER - FRANCE WIN . Paris is calm . UN OK . ABC中 NEWS . IBM 1996 .".split()
    starts = [i in {0, 5, 9, 12, 15} for i in range(len(words))]
    doc = Doc(spacy.blank("en").vocab, words=words, sent_starts=starts)
    # "UN OK": four letters, enough; "ABC中" passes str.isupper() but one of its letters is
    # no capital; "IBM 1996": three letters, too few
    assert shouted_ranges(doc) == [(0, 5), (9, 12)]


def test_team_names_in_results_and_standings_are_organisations(nlp):
    text = (
        "Results of matches on Saturday:\n\n"
        "Millwall 2 Burnley 1\n\nLuton 1 Norway 0\n\n"
        "Standings:\n\nWycombe 4 2 1 1 7 5 7\n\nBrentford 4 2 1 1 6 4 7\n\nSwindon 4 2 0 2 6 6 6\n"
    )
    got = [(e.text, e.label_, e._.newsetl_firm) for e in nlp(text).ents if e.label_ not in NUMERIC]
    assert got == [
        ("Millwall", "ORG", True),
        ("Burnley", "ORG", True),
        ("Luton", "ORG", True),
        ("Norway", "GPE", True),  # a national team is its country
        ("Wycombe", "ORG", True),
        ("Brentford", "ORG", True),
        ("Swindon", "ORG", True),
    ]


def test_lines_of_figures_that_are_no_sports_table_stay_as_read(nlp):
    # A lone line of one name and numbers, and commodity figures, are no table rows.
    text = "Net 12 14\n\nProduction 12.5 13.4\n\nExports 1,234 1,456\n\nImports 1,1 1,2\n"
    assert fixed(nlp, text, []) == []


def test_a_name_before_a_country_in_brackets_is_a_person(nlp):
    text = "1. Olaf Lindqvist ( Sweden ) 4:09.25\n2. Acme Corp ( Japan ) 4:10.02"
    got = fixed(nlp, text, [("Olaf Lindqvist", "ORG"), ("Acme Corp", "ORG")])
    assert got == [
        ("Olaf Lindqvist", "PERSON"),
        ("Sweden", "GPE"),
        ("Acme Corp", "ORG"),
        ("Japan", "GPE"),
    ]


def test_a_firm_label_wins_the_article_vote(nlp):
    text = "Millwall 2 Burnley 1\n\nLuton 1 Rotherham 0\n\nBurnley said the result was fair."
    with nlp.select_pipes(disable=["newsetl_entities"]):
        doc = nlp(text)
    start = text.rindex("Burnley")
    doc.ents = [doc.char_span(start, start + 7, label="PERSON")]
    doc = nlp.get_pipe("newsetl_entities")(doc)
    ms = extract_mentions(doc, "a")
    assert [(m.text, m.label, m.firm) for m in ms if m.text == "Burnley"] == [
        ("Burnley", "ORG", True),
        ("Burnley", "ORG", False),  # read as a person, outvoted by the table
    ]


def test_a_place_glued_to_a_person_after_from_is_split(nlp):
    text = "The senator from Vermont Ada Brenner voted no."
    got = fixed(nlp, text, [("Vermont Ada Brenner", "ORG")])
    assert got == [("Vermont", "GPE"), ("Ada Brenner", "PERSON")]


def test_a_name_ending_in_a_law_head_noun_is_a_law(nlp):
    text = "The Clean Water Act and the Ruritanian Constitution were cited; Act Now marched."
    got = fixed(nlp, text, [("Clean Water Act", "ORG"), ("Ruritanian Constitution", "NORP")])
    assert got == [("Clean Water Act", "LAW"), ("Ruritanian Constitution", "LAW")]


def test_a_company_and_its_seat_are_two_names(nlp):
    text = "It bought Daniels Pharmaceuticals Inc of St. Petersburg, Fla., and Bank of Tokyo Ltd in May."
    got = fixed(
        nlp,
        text,
        [("Daniels Pharmaceuticals Inc of St. Petersburg", "ORG"), ("Bank of Tokyo Ltd", "ORG")],
    )
    assert got == [
        ("Daniels Pharmaceuticals Inc", "ORG"),
        ("St. Petersburg", "GPE"),
        ("Bank of Tokyo Ltd", "ORG"),
    ]


def test_a_name_cut_at_a_lowercase_particle_is_joined(nlp):
    # the model takes "ten" for a number and "Leyen" for a place
    text = (
        "Coach Erik ten Hag said the team would recover. Ten Hag added that he was proud. "
        "Ursula von der Leyen met him. Von der Leyen spoke too. Ten men were arrested."
    )
    ents = [
        ("Erik", "PERSON"),
        ("ten", "CARDINAL"),
        ("Ten", "CARDINAL"),
        ("Ursula von der", "PERSON"),
        ("Leyen", "GPE"),
        ("Von der Leyen", "ORG"),
    ]
    assert fixed(nlp, text, ents) == [
        ("Erik ten Hag", "PERSON"),
        ("Ten Hag", "PERSON"),
        ("Ursula von der Leyen", "PERSON"),
        ("Von der Leyen", "PERSON"),
    ]
    # a name the model found whole teaches its surname: "De Vries" is no organisation
    text = "He met Peter de Vries on Monday. De Vries said it was fine."
    got = fixed(nlp, text, [("Peter de Vries", "PERSON"), ("De Vries", "ORG")])
    assert got == [("Peter de Vries", "PERSON"), ("De Vries", "PERSON")]
    # a number after a name is no particle
    assert fixed(nlp, "John Smith gave ten Euros.", [("John Smith", "PERSON")]) == [
        ("John Smith", "PERSON")
    ]


def test_a_name_cut_at_the_hyphen_of_a_double_surname_is_joined(nlp):
    # the model's own splits, as it makes them in news copy
    text = "Deputy Finance Minister Agata Wróblewska-Nowak met the press on Monday."
    got = fixed(nlp, text, [("Agata Wróblewska", "PERSON"), ("Nowak", "PERSON")])
    assert got == [("Agata Wróblewska-Nowak", "PERSON")]
    with nlp.select_pipes(disable=["newsetl_entities"]):
        doc = nlp("Officials thanked Renata Okonkwo-Baptiste and left.")
    doc.ents = [doc.char_span(18, 33, label="ORG"), doc.char_span(33, 41, label="PERSON")]
    assert [e.text for e in doc.ents] == ["Renata Okonkwo-", "Baptiste"]
    got = [(e.text, e.label_) for e in nlp.get_pipe("newsetl_entities")(doc).ents]
    assert got == [("Renata Okonkwo-Baptiste", "PERSON")]
    text = "Deputy Finance Minister Jolanta Kwiatkowska-Lis met the press on Monday."
    got = fixed(nlp, text, [("Jolanta Kwiatkowska", "PERSON")])
    assert got == [("Jolanta Kwiatkowska-Lis", "PERSON")]
    # two surnames alone, or spaced dashes, stay apart
    text = "The Trump-Pence ticket met Smith - Jones in Ohio."
    got = fixed(nlp, text, [("Trump", "PERSON"), ("Pence", "PERSON"), ("Smith", "PERSON")])
    assert got == [("Trump", "PERSON"), ("Pence", "PERSON"), ("Smith", "PERSON")]


def test_a_bare_surname_that_speaks_is_the_person_named_in_full_before(nlp):
    # the model leaves the surname untagged (or takes it for an organisation) when it opens
    # a paragraph; as the subject of a verb of saying it is the person named before
    text = (
        "Assistant coach Ben Tolliday said it was a hard game.\n\n"
        "Tolliday conceded that his side needed to work on some things."
    )
    ents = [("Ben Tolliday", "PERSON")]
    assert fixed(nlp, text, ents) == [("Ben Tolliday", "PERSON"), ("Tolliday", "PERSON")]
    # a bare word that is no one's surname stays as the model read it
    text = "Assistant coach Ben Tolliday said it was hard.\n\nOakhill conceded the point."
    assert fixed(nlp, text, [("Ben Tolliday", "PERSON")]) == [("Ben Tolliday", "PERSON")]
    # two people of that surname: no telling which
    text = (
        "Ben Tolliday met Ana Tolliday on Monday. They argued.\n\n"
        "Tolliday conceded that the plan was late."
    )
    ents = [("Ben Tolliday", "PERSON"), ("Ana Tolliday", "PERSON")]
    assert fixed(nlp, text, ents) == ents


def test_a_speaker_named_after_a_title_inside_a_capitalized_run_is_a_person(nlp):
    # the model takes "Piers Jacobs" for an organisation ("piers"); "Secretary" before it,
    # modified by "Financial", marks a person's name — across a line break of wrapped text
    text = "But Financial Secretary\nPiers Jacobs said yesterday the criteria are flexible."
    assert fixed(nlp, text, [("Piers Jacobs", "ORG")]) == [("Piers Jacobs", "PERSON")]
    # a word that also opens names of other things is no title ("General Motors")
    text = "But General Motors Chief Piers Ostrander said the plant would close."
    assert fixed(nlp, text, [("Piers Ostrander", "ORG")]) == [("Piers Ostrander", "ORG")]
