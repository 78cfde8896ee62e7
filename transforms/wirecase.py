"""Reuters' capital after "U.S.": the word the model should read in lower case.

Reuters-21578 copy capitalizes the word after "U.S." in about half of its occurrences (an
old all-capitals conversion took the abbreviation's full stop for a sentence end): "the U.S.
Hopes Japan will…", "persuade the U.S. Not to impose…", "a top U.S. Official said". The
small model then reads the word as part of a name ("U.S. Hopes Japan" one GPE, "Hopes" a
PROPN) and the parse loses the verb. :func:`wire_case` decides, from the model's own word
lists, which such capitals are ordinary words, and :func:`transforms.unwrap.prepare` gives
the model that word in lower case (one character changed, offsets kept; the Doc over the
body still shows the body's text). A capital word after "U.S." is read in lower case when it
is

* a function word (the language's stop words, "May" left alone: a month), or
* an inflected verb ("Hopes", "Imposed", "Determines", "Saw": a suffix on a verb of the
  lemmatizer's word index, or an irregular form of its exceptions), or
* an adjective or adverb of the word index followed by no capitalized word ("a U.S.
  Official said"; "U.S. Trade Representative" and "U.S. Home Corp" stay names), or
* an event noun of the packaged event lexicon (a PLOVER type) followed by no capitalized word
  ("the U.S. Attack on Iran", "due to U.S. Pressure for an appreciation": read as a name,
  the event was lost).

Other nouns are left alone (the word index's nouns include names and the names of
institutions: "U.S. Treasury", "U.S. Navy", "U.S. Steel").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

#: "U.S." (not inside another abbreviation), blanks or one line break, a capitalized word,
#: and whether a capitalized word follows it after blanks.
_AFTER_US_RE = re.compile(
    r"(?<![\w.])U\.S\.[ \t]*\n?[ \t]*([A-Z][a-z]+)\b(?=([ \t]*\n?[ \t]*[A-Z])?)"
)
_INFLECTIONS = (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ies", "y"), ("ied", "y"))
_INFLECTIONS += (("ing", ""), ("ing", "e"))
_MONTHS = frozenset({"may"})


@dataclass(frozen=True)
class WireCase:
    """Which capitalized words after "U.S." are ordinary words (lower-cased forms)."""

    function_words: frozenset[str]
    verbs: frozenset[str]
    verb_forms: frozenset[str]  # irregular inflected forms ("saw", "sought")
    modifiers: frozenset[str]  # adjectives and adverbs
    event_nouns: frozenset[str] = frozenset()  # nouns of the event lexicon (a PLOVER type)

    def inflected_verb(self, low: str) -> bool:
        if low in self.verb_forms:
            return True
        return any(
            low.endswith(suffix)
            and len(low) > len(suffix) + 2
            and low[: -len(suffix)] + repl in self.verbs
            for suffix, repl in _INFLECTIONS
        )

    def lower(self, word: str, name_follows: bool) -> bool:
        low = word.lower()
        if low in _MONTHS:
            return False
        if low in self.function_words or self.inflected_verb(low):
            return True
        return not name_follows and (low in self.modifiers or low in self.event_nouns)

    def edits(self, body: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of each capital to read in lower case."""
        out = []
        for m in _AFTER_US_RE.finditer(body):
            if self.lower(m.group(1), m.group(2) is not None):
                out.append((m.start(1), m.start(1) + 1, m.group(1)[0].lower()))
        return out


@lru_cache(maxsize=4)
def wire_case(nlp: Language) -> WireCase | None:
    """The word lists of ``nlp``'s lemmatizer, or None when it has no word index."""
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return None
    index = lookups.get_table("lemma_index")
    exc = lookups.get_table("lemma_exc") if lookups.has_table("lemma_exc") else {}
    verbs = frozenset(index["verb"]) if "verb" in index else frozenset()
    forms = frozenset(exc["verb"]) if "verb" in exc else frozenset()
    modifiers = frozenset(w for pos in ("adj", "adv") if pos in index for w in index[pos])
    return WireCase(frozenset(nlp.Defaults.stop_words), verbs, forms, modifiers, _event_nouns())


def _event_nouns() -> frozenset[str]:
    """The nouns of the packaged event lexicon that have a PLOVER type ("attack", "pressure")."""
    from transforms.events.lexicon import PLOVER_TYPES, lexicon

    return frozenset(
        lemma
        for (lemma, pos), rows in lexicon().entries.items()
        if pos == "NOUN" and any(e.type in PLOVER_TYPES for e in rows)
    )
