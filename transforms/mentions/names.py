"""How names are written: titles and suffixes around a person's name, initials, shouting.

The word lists are data (``transforms/data/mention_words.txt``).
"""

from __future__ import annotations

import re

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
