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

Scores are rounded to 4 decimals. Like GDELT's tone, it measures the words, not the events:
a report of a deadly attack reads negative, a peace agreement positive; the news scores
below zero on average.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

#: Decimals kept: more would only record the float arithmetic.
DIGITS = 4


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """VADER's analyzer, its lexicon read once per process."""
    return SentimentIntensityAnalyzer()


def text_tone(text: str) -> float:
    """VADER's compound score of one text, in [-1, 1] (0.0 for a text without rated words)."""
    return round(_analyzer().polarity_scores(text)["compound"], DIGITS)


def mean_tone(texts: Iterable[str]) -> float | None:
    """The mean compound score of several texts (an article's sentences); None for none."""
    analyzer = _analyzer()
    scores = [analyzer.polarity_scores(t)["compound"] for t in texts if t.strip()]
    if not scores:
        return None
    return round(sum(scores) / len(scores), DIGITS)
