"""Tone (transforms/tone.py): VADER's compound score, checked by hand against its lexicon.

VADER's lexicon rates good +1.9, terrible -2.1, disaster -3.1; the compound score of a sum
of valences s is s / sqrt(s² + 15); a negation multiplies the valence after it by -0.74; the
words before "but" count half and those after it one and a half times.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import MODEL
from transforms.pipeline import NlpInput, process_articles
from transforms.schemas import to_table
from transforms.tone import mean_tone, text_tone


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("good", 0.4404),  # 1.9 / sqrt(1.9² + 15)
        ("not good", -0.3412),  # -1.406 / sqrt(1.406² + 15)
        ("This is a terrible disaster.", -0.802),  # -5.2 / sqrt(5.2² + 15)
        ("good, but terrible", -0.4939),  # (0.95 - 3.15) / sqrt(2.2² + 15)
        ("Officials met on Tuesday.", 0.0),  # no rated word
        ("", 0.0),
    ],
)
def test_text_tone_is_vaders_compound_score(text, tone):
    assert text_tone(text) == tone


def test_mean_tone_averages_the_sentences_and_skips_blank_ones():
    assert mean_tone(["It was good.", "The meeting is on Tuesday.", "  "]) == 0.2202
    assert mean_tone(["This is a terrible disaster.", "good"]) == round((-0.802 + 0.4404) / 2, 4)
    assert mean_tone([]) is None
    assert mean_tone(["", " \n"]) is None


def test_pipeline_scores_each_article_by_its_sentences_and_each_quote_by_its_text():
    body = (
        'The mayor said: "This is a terrible disaster." Officials met on Tuesday.\n\n'
        "The rescue went well, and residents were grateful."
    )
    result = process_articles(MODEL, [NlpInput("a1", body, dt.date(2024, 5, 1))])
    assert result.errors == {}
    quotes = result.tables["quotes"]
    assert [(q["text"], q["tone"]) for q in quotes] == [("This is a terrible disaster.", -0.802)]
    to_table("quotes", quotes)  # the column fits the contract
    sentence_tones = [
        text_tone('The mayor said: "This is a terrible disaster."'),
        text_tone("Officials met on Tuesday."),
        text_tone("The rescue went well, and residents were grateful."),
    ]
    assert sentence_tones[1] == 0.0 and sentence_tones[0] < 0 < sentence_tones[2]
    assert result.articles == {"a1": {"tone": round(sum(sentence_tones) / 3, 4)}}


def test_the_shortcut_for_unrated_text_gives_vaders_score():
    import re
    from pathlib import Path

    from transforms.tone import _analyzer, compound

    root = Path(__file__).resolve().parents[2] / "data" / "sample"
    texts = [
        s
        for f in sorted(root.glob("*.txt"))
        for s in re.split(r"(?<=[.!?])\s+|\n+", f.read_text(encoding="utf-8"))
    ]
    texts += [
        "Officials met 😁 on Tuesday",  # an emoji: VADER reads its description ("grinning")
        "They met :) on Tuesday",  # an emoticon in the lexicon, kept whole by VADER
        "Officials MET on Tuesday.",
        "(good)",  # punctuation stripped before the lexicon look-up
        "It is kind of bad",
        "",
    ]
    vader = _analyzer()
    assert [compound(t) for t in texts] == [vader.polarity_scores(t)["compound"] for t in texts]
    unrated = [t for t in texts if compound(t) == 0.0]
    assert 100 < len(unrated) < len(texts) - 100  # both ways taken, many times


@pytest.mark.parametrize(
    "text",
    [
        # VADER reads words i-3 .. i+2 around a rated word i: each of its rules at each edge
        "good",
        "no good",  # "no" before a rated word negates it ...
        "good no",  # ... and "no" at the end is rated itself
        "no problem at all, it is not good and no bad",
        "it is no very good idea nor bad",
        "not very good",
        "never so good",  # "never so" / "never this" boost
        "it was never this bad at all",
        "without doubt good",
        "without any doubt good",
        "at least good",  # "least" negates, but not after "at" or "very"
        "very least good",
        "the least good of them",
        "least good",
        "the kiss of death for him",  # idioms ending at, around and after the rated word
        "he said the kiss of death",
        "that is the bomb",
        "a bad ass move",
        "yeah right good",
        "it is kind of good",
        "sort of good",
        "VERY GOOD news for some",  # capitals, with and without others in lower case
        "VERY GOOD",
        "hardly good, but awful",
        "The deal was good but the terms were not great, and the outlook is bleak.",
    ],
)
def test_a_rated_word_is_scored_on_its_window_as_vader_scores_the_whole_text(text):
    from transforms.tone import _analyzer, compound

    assert compound(text) == _analyzer().polarity_scores(text)["compound"]
