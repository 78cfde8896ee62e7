"""Tone: how positive or negative a text reads, as GDELT scores articles.

The scorer is VADER (Hutto & Gilbert 2014, the ``vaderSentiment`` package): a lexicon of
~7,500 words and emoticons rated by people from -4 to +4, with rules for negation ("not
good"), intensifiers ("very"), contrast ("but"), capitals and exclamation marks. Its lexicon
ships with the package, so scoring works offline. A text's *compound* score normalises the sum
of its valences to [-1, 1]; it is what we store:

* a **quote**'s ``tone`` is the compound score of its text (a quotation is short, the kind of
  text VADER was built for);
* an **article**'s ``tone`` is the mean compound score of its sentences — the compound of a
  whole article saturates towards ±1 as the valences add up, whereas the mean of its
  sentences stays comparable between short and long articles (the authors' advice for
  paragraphs). Sentences are the parse's (:func:`transforms.document.sentences`).

:func:`compound` is VADER's ``polarity_scores(text)["compound"]`` computed with fewer steps
for an emoji-free text: VADER's character-by-character emoji pass (which leaves such a text
as it is, stripped) and its rules for the words outside its lexicon (a valence of 0 whatever
the neighbours) are skipped, so a sentence without a rated word scores 0.0 at once; and
VADER's rules for a rated word are handed the six words they read (three before it, two
after), not the whole text, which its negation and idiom checks would lower-case again at
each of their calls.
``tests/transforms/test_tone.py`` holds it to VADER's score on the sample articles' sentences.

Scores are rounded to 4 decimals. Like GDELT's tone, it measures the words, not the events:
a report of a deadly attack reads negative, a peace agreement positive; the news scores
below zero on average.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    allcap_differential,
)

#: Decimals kept: more would only record the float arithmetic.
DIGITS = 4


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """VADER's analyzer, its lexicon read once per process."""
    return SentimentIntensityAnalyzer()


@functools.cache
def _emoji_chars() -> frozenset[str]:
    """The characters VADER replaces by their description before scoring."""
    return frozenset(c for c in _analyzer().emojis if len(c) == 1)


def warm() -> None:
    """VADER's lexicon and emoji table read, so that a process forked after this shares them."""
    _emoji_chars()


_PUNCTUATION = string.punctuation


class _Window:
    """The part of a ``SentiText`` that ``sentiment_valence`` reads, over a window of words."""

    __slots__ = ("is_cap_diff", "words_and_emoticons")

    def __init__(self, words: list[str], is_cap_diff: bool):
        self.words_and_emoticons = words
        self.is_cap_diff = is_cap_diff


def compound(text: str) -> float:
    """VADER's compound score of a text, unrounded: ``polarity_scores(text)["compound"]``.

    For an emoji-free text (nearly all news), VADER's own steps without its character-by-
    character emoji pass, and without its rules for the words outside the lexicon (they add
    a valence of 0 whatever their neighbours): 0.0 at once when no word is in it."""
    analyzer = _analyzer()
    if not _emoji_chars().isdisjoint(text):
        return analyzer.polarity_scores(text)["compound"]
    text = text.strip()  # what VADER's emoji pass leaves of an emoji-free text
    # SentiText's words: each stripped of its punctuation unless that leaves two characters
    # or fewer (an emoticon); its capitals flag is only read when a word is rated.
    words = [w if len(s := w.strip(_PUNCTUATION)) <= 2 else s for w in text.split()]
    lexicon = analyzer.lexicon
    lowered = [w.lower() for w in words]
    if not any(w in lexicon for w in lowered):
        return 0.0
    is_cap_diff = allcap_differential(words)
    sentiments: list[float] = []
    for i, item in enumerate(lowered):
        if (
            item in BOOSTER_DICT
            or (item == "kind" and i < len(words) - 1 and lowered[i + 1] == "of")
            or item not in lexicon
        ):
            sentiments.append(0)
        else:
            # VADER's rules for word i read words i-3 .. i+2 only, but its negation and idiom
            # checks lower-case the whole text at each call: handed just that window (same
            # offsets from i, the same ends of the text), they do the same on six words.
            lo = max(0, i - 3)
            window = _Window(words[lo : i + 3], is_cap_diff)
            sentiments = analyzer.sentiment_valence(0, window, words[i], i - lo, sentiments)
    sentiments = analyzer._but_check(words, sentiments)
    return analyzer.score_valence(sentiments, text)["compound"]


def text_tone(text: str) -> float:
    """VADER's compound score of one text, in [-1, 1] (0.0 for a text without rated words)."""
    return round(compound(text), DIGITS)


def mean_tone(texts: Iterable[str]) -> float | None:
    """The mean compound score of several texts (an article's sentences); None for none."""
    scores = [compound(t) for t in texts if t.strip()]
    if not scores:
        return None
    return round(sum(scores) / len(scores), DIGITS)
