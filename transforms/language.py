"""Which language is an article written in? Lingua's detector, with a gate for non-prose.

The detector is `lingua <https://github.com/pemistahl/lingua-py>`_ (its n-gram models ship
inside the PyPI package: nothing is downloaded), built once per process over all its 75
languages in low-accuracy mode (trigrams: ~100 MB and ~2 ms per article; the high-accuracy
mode needs 1.2 GB for little gain on article-length text).

Before asking it, the text is reduced to its words: numbers and tokens with digits go (tables
of results, tickers), as do all-capital tokens inside normal text (tickers, acronyms, shouted
datelines); text that is mostly capitals is lowercased instead. Text with fewer than
``MIN_DISTINCT_WORDS`` distinct words, or where numbers outnumber words, is not judged
(``None``): a results table or a one-line brief has no reliable language. Measured on the
Reuters-21578 corpus (all English): 16,712 articles judged English, 13 judged otherwise
(weather and price tables of Brazilian and Argentine place names), 2,318 not judged.

Plain English is settled before lingua, which costs ~3 ms per article (~10 % of the parse):
a text of at least ``PLAIN_MIN_WORDS`` words, a quarter of them common English function
words, "the" at least 2 % of them and next to no accented letter, is English
(:func:`plainly_english`). Checked against lingua's own answer on every body of Reuters-21578,
Wikinews and the sample articles (``bench/check_language.py``: 0 disagreements; it settles
~90 % of their text): lingua judges every such text English, with confidence ≥ 0.55; the
non-English answers on those corpora are all texts under 53 words.

Codes are ISO 639-1 (``en``, ``de``, ``pt``, …), lower case.
"""

from __future__ import annotations

import functools
import re

from transforms.wordlists import word_lists

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NUMBER_RE = re.compile(r"\S*\d\S*")
MIN_DISTINCT_WORDS = 20
SAMPLE_CHARS = 5000
#: Below this confidence the detector's answer is not used.
MIN_CONFIDENCE = 0.3
#: Plain English, settled without lingua (:func:`plainly_english`): at least this many words,
PLAIN_MIN_WORDS = 60
#: this share of them English function words (``language_words.txt``),
PLAIN_MIN_SHARE = 0.25
#: this share of them "the",
PLAIN_MIN_THE = 0.02
#: and at most this share with a letter outside ASCII.
PLAIN_MAX_NON_ASCII = 0.02


@functools.cache
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def warm() -> None:
    """Load the detector's models for Latin-script text now (lingua loads a language's model
    when a text first calls for it: about a second): an NLP worker does it before the time
    budgets of its articles start."""
    detect_language(
        "The minister said on Monday that the government would present the new budget to "
        "parliament next week, after talks with the unions and the central bank ended."
    )


def prose_words(text: str) -> list[str] | None:
    """The words the detector should see, or None when the text is not prose enough."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD_RE.findall(sample)
    numbers = len(_NUMBER_RE.findall(sample))
    if not words or numbers > len(words):
        return None
    if sum(w.isupper() for w in words) > 0.5 * len(words):
        words = [w.lower() for w in words]
    else:
        words = [w for w in words if not (w.isupper() and len(w) > 1)]
    if len({w.lower() for w in words if len(w) > 1}) < MIN_DISTINCT_WORDS:
        return None
    return words


def plainly_english(words: list[str]) -> bool:
    """Whether the detector's words are plainly English: long enough, full of English function
    words, "the" among them, next to no accented letter (thresholds above)."""
    n = len(words)
    if n < PLAIN_MIN_WORDS:
        return False
    lowered = [w.lower() for w in words]
    common = word_lists("language_words.txt")["english_function_words"]
    return (
        sum(w in common for w in lowered) >= PLAIN_MIN_SHARE * n
        and lowered.count("the") >= PLAIN_MIN_THE * n
        and sum(not w.isascii() for w in words) <= PLAIN_MAX_NON_ASCII * n
    )


def language_of(text: str, declared: str | None = None) -> str | None:
    """The language an article is loaded with: the text decides; a declared language only
    speaks for a text too short (or not prose enough) to judge."""
    return detect_language(text) or declared


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told."""
    words = prose_words(text)
    if words is None:
        return None
    if plainly_english(words):
        return "en"
    return lingua_language(words)


def lingua_language(words: list[str]) -> str | None:
    """Lingua's answer on the detector's words (:func:`prose_words`), or None when unsure."""
    values = _detector().compute_language_confidence_values(" ".join(words))
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()
