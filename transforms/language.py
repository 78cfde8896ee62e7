"""A small, deterministic language check: is this English news or something else?

The pipeline's model is English; other languages would fill the tables with noise, so such
articles are rejected (`not_english`). The check is conservative: it only says "not English"
when the text is mostly in a non-Latin script, or when the function words of another common
language clearly outnumber English ones. Short texts and texts made of numbers and tickers
(commodity tables, results) are not judged (``None``).
"""

from __future__ import annotations

import re
import unicodedata

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# The most frequent function words of each language (short, closed-class, distinctive).
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in a is that for it was on with as by at from his her he she they "
        "this which be are were has have had not but an or its their said would will been "
        "who after also more than".split()
    ),
    "fr": frozenset(
        "le la les des et du un une est que qui dans pour pas sur au aux ce cette avec "
        "par il elle sont ont été mais plus leur nous vous".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine zu den mit von sich des auf für im dem auch "
        "es an wird sind wurde nach bei aus oder".split()
    ),
    "es": frozenset(
        "el la los las de y que en un una es por con para del se al lo como más pero sus "
        "su fue ha son este esta".split()
    ),
    "it": frozenset(
        "il lo la gli le di che e un una è per non con del della sono nel alla ha anche "
        "come più ma questo".split()
    ),
    "pt": frozenset(
        "o os as de e que em um uma do da dos das para com não por mais foi ao se como "
        "mas ele ela são".split()
    ),
    "nl": frozenset(
        "de het een en van in is dat op te zijn niet met voor die er aan ook als bij door "
        "maar om dan nog".split()
    ),
}
MIN_WORDS = 20
SAMPLE_CHARS = 5000


def _script_share(text: str) -> float:
    """Share of letters that are not Latin (Cyrillic, Greek, CJK, Arabic …)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    non_latin = sum(1 for c in letters if "LATIN" not in unicodedata.name(c, "LATIN"))
    return non_latin / len(letters)


def detect_language(text: str) -> str | None:
    """Return 'en', another ISO 639-1 code, 'xx' (non-Latin script), or None (can't tell)."""
    sample = text[:SAMPLE_CHARS]
    if _script_share(sample) > 0.5:
        return "xx"
    words = [w.lower() for w in _WORD_RE.findall(sample)]
    if len(words) < MIN_WORDS:
        return None
    scores = {lang: sum(w in sw for w in words) / len(words) for lang, sw in _STOPWORDS.items()}
    best = max(scores, key=scores.__getitem__)
    if best != "en" and scores[best] >= 0.15 and scores[best] > 2 * scores["en"]:
        return best
    if scores["en"] >= 0.08:
        return "en"
    return None
