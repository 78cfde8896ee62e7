"""How names are written: titles and suffixes around a person's name, initials, shouting.

The word lists are data (``transforms/data/mention_words.txt``).
"""

from __future__ import annotations

import re
from itertools import pairwise

from transforms.wordlists import word_lists

_WORDS = word_lists("mention_words.txt")
#: Words that precede a person's name as a title or office (lowercase, no dots).
TITLES = _WORDS["titles"]
NAME_SUFFIXES = _WORDS["name_suffixes"]
SURNAME_PARTICLES = _WORDS["surname_particles"]
_INITIAL_SKIP = _WORDS["initials_skip"]
ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&\-\.]*[A-Z0-9]\.?$")


def person_tokens(words: list[str]) -> tuple[list[str], str | None]:
    """Strip titles and suffixes from a person's name words; returns (name words, title)."""
    title = None
    words = [w for w in words if w not in {",", "."}]
    while len(words) > 1 and is_title(words[0]):
        title = words[0].lower().rstrip(".")
        words = words[1:]
    while len(words) > 1 and words[-1].lower().rstrip(".") in NAME_SUFFIXES:
        words = words[:-1]
    return words, title


def spelled(tokens, words: tuple[str, ...]) -> str:
    """A name's ``words`` (what :func:`person_tokens` kept of ``tokens``, a span's spaCy tokens
    without its whitespace) written as the text writes them: "Leigh-Pemberton", not the
    tokens' "Leigh - Pemberton"; a line break of hard-wrapped copy is one space."""
    kept, i = [], 0
    for tok in tokens:
        if i < len(words) and tok.text == words[i]:
            kept.append(tok)
            i += 1
    if i < len(words) or not kept:
        return " ".join(words)
    out = [kept[0].text]
    for prev, tok in pairwise(kept):
        glued = tok.i == prev.i + 1 and not prev.whitespace_
        out.append(tok.text if glued else " " + tok.text)
    return "".join(out)


def is_title(word: str) -> bool:
    """A title or office before a name, or a scientist's field ("Immunologist Kristian
    Andersen", "Epidemiologist …": any word in *-ologist*)."""
    low = word.lower().rstrip(".")
    return low in TITLES or (low.endswith("ologist") and word[:1].isupper())


def initials(words: tuple[str, ...]) -> str:
    """ "International Atomic Energy Agency" -> "IAEA" (function words skipped)."""
    return "".join(
        w[0].upper() for w in words if w.lower() not in _INITIAL_SKIP and w[:1].isalpha()
    )


def shouting(text: str) -> bool:
    """All capitals and longer than an acronym: a dateline or headline form ("LONDON")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 5 and all(c.isupper() for c in letters)
