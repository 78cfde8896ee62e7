"""One analysis per article (transforms/analysis.py): built once, read by every extractor."""

from __future__ import annotations

import datetime as dt

from tests.transforms.helpers import SAT
from transforms.analysis import Analysis
from transforms.events.extract import extract_events
from transforms.mentions.extract import extract_mentions
from transforms.quotes.extract import extract_quotes

TEXT = (
    "Maria Lopez met officials of Nordvik AB in Oslo on Friday. She said the talks went well. "
    "“We will sign,” she said. Nordvik AB said it would invest in Norway."
)


def test_the_mention_index(nlp):
    an = Analysis(nlp(TEXT), "a1")
    names = [(m.text, m.label) for m in an.mentions if m.entity is not None]
    assert names == [
        ("Maria Lopez", "PERSON"),
        ("Nordvik AB", "ORG"),
        ("Oslo", "GPE"),
        ("Nordvik AB", "ORG"),
        ("Norway", "GPE"),
    ]
    lopez = an.mentions[0]
    assert an.mention_at(0) is lopez and an.mention_at(1) is lopez and an.mention_at(2) is None
    assert [m.text for m in an.mentions_in(0, 8)] == ["Maria Lopez", "Nordvik AB"]
    assert [m.row("a1") for m in an.mentions] == [
        m.row("a1") for m in extract_mentions(nlp(TEXT), "a1")
    ]


def test_every_pronoun_is_answered_once_in_text_order(nlp):
    doc = nlp(TEXT)
    an = Analysis(doc, "a1")
    answers = {
        doc[i].text + f"@{i}": (m.entity.name if m else None) for i, m in an.antecedents.items()
    }
    assert list(answers.values()) == ["Maria Lopez", "Maria Lopez", "Nordvik AB"]
    she = next(t for t in doc if t.lower_ == "she")
    assert an.antecedent(she).entity.name == "Maria Lopez"
    assert an.antecedent(doc[0]) is None  # not a pronoun


def test_extractors_read_the_same_answers_whichever_runs_first(nlp):
    """The answers are fixed when the analysis is built, so the order in which the quotes
    and the events extractors ask cannot change them (the old resolvers learned genders and
    chains from whatever was asked first)."""
    published = SAT
    first = Analysis(nlp(TEXT), "a1")
    quotes_first = [q.row() for q in extract_quotes(first)]
    events_after = [e.row() for e in extract_events(first, published)]
    second = Analysis(nlp(TEXT), "a1")
    events_first = [e.row() for e in extract_events(second, published)]
    quotes_after = [q.row() for q in extract_quotes(second)]
    assert quotes_first == quotes_after and events_first == events_after
    assert [q["speaker_name"] for q in quotes_first] == ["Maria Lopez", "Maria Lopez", "Nordvik AB"]
    assert [(i, m.mention_id) for i, m in first.antecedents.items()] == [
        (i, m.mention_id) for i, m in second.antecedents.items()
    ]


def test_given_mentions_are_used_as_they_are(nlp):
    doc = nlp("Ana Berg spoke. She left.")
    an = Analysis(doc, "x", mentions=[])
    assert an.mentions == [] and an.named == [] and an.by_token == {}
    assert all(m is None for m in an.antecedents.values()) and an.antecedents
    assert extract_events(an, dt.date(2020, 1, 1)) == []
