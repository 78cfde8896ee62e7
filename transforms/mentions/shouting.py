"""Entities of shouted lines: headlines, datelines and tables written in capitals.

The model reads case: on "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT ." it finds
"DEFEAT" and misses both countries. A line whose words are all in capitals is re-cased the way
news writes a sentence — function words and the common words of English (the lemmatizer's
word index, less known places and nationalities) in lower case, other words capitalized — and
the model's recognizer runs again on those words alone (the recognizer has its own token
encoder: no tagging or parsing is redone). Its entities replace the ones found on the shouted
line; tokens are the same, so offsets do not move.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy
from spacy.attrs import IS_ALPHA, IS_UPPER, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.gazetteer import Gazetteer

_DASHES = {"-", "—", "–"}
#: A shouted line has at least this many letters, all of them capitals.
MIN_LETTERS = 4


def shouted_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the lines (sentences) written wholly in capitals: at least
    ``MIN_LETTERS`` letters in their alphabetic tokens, every one of them a capital.

    Read on the Doc's lexeme columns: a sentence with an alphabetic token that is not
    ``str.isupper()`` cannot be all capitals, nor one with fewer letters; only the few left
    are checked letter by letter (``isupper()`` passes a word with an uncased letter)."""
    sents = [(s.start, s.end) for s in doc.sents]
    if not sents:
        return []
    cols = doc.to_array([IS_ALPHA, IS_UPPER, LENGTH]).astype(numpy.int64)
    alpha = cols[:, 0]
    starts = [start for start, _ in sents]
    letters = numpy.add.reduceat(alpha * cols[:, 2], starts)
    not_upper = numpy.add.reduceat(alpha * (1 - cols[:, 1]), starts)
    out = []
    for k in numpy.flatnonzero((letters >= MIN_LETTERS) & (not_upper == 0)).tolist():
        start, end = sents[k]
        if all(c.isupper() for t in doc[start:end] if t.is_alpha for c in t.text):
            out.append((start, end))
    return out


class Recaser:
    """Writes a shouted line's words as a sentence would, and finds its entities again."""

    def __init__(self, nlp: Language, gaz: Gazetteer):
        self.vocab = nlp.vocab
        self.stop_words = nlp.Defaults.stop_words
        self.common_words = _common_words(nlp)
        self.gaz = gaz
        self.ner: Callable[[Doc], Doc] | None = (
            nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
        )

    def word(self, text: str) -> str:
        if not text.isalpha() or not text.isupper():
            return text
        low = text.lower()
        if low in self.stop_words:
            return low
        cap = text.capitalize()
        if self.common(low) and not self._known_name(cap):
            return low
        return cap

    def common(self, low: str) -> bool:
        """A common verb, adjective or adverb, or an inflection of one ("defends", "lowered",
        "fighting"). Nouns are left out: the word index's nouns include many names."""
        forms = {low}
        for suffix, repl in (
            ("s", ""),
            ("es", ""),
            ("ed", ""),
            ("ed", "e"),
            ("ing", ""),
            ("ing", "e"),
            ("ies", "y"),
            ("ied", "y"),
        ):
            if low.endswith(suffix) and len(low) > len(suffix) + 2:
                forms.add(low[: -len(suffix)] + repl)
        return not forms.isdisjoint(self.common_words)

    def _known_name(self, cap: str) -> bool:
        g = self.gaz
        return (
            g.place(cap) is not None
            or g.is_demonym(cap)
            or g.is_subdivision(cap)
            or g.organisation(cap) is not None
        )

    def entities(self, doc: Doc, start: int, end: int) -> list[Span]:
        """The entities of ``doc[start:end]`` found on its re-cased words, as spans of ``doc``.

        A spaced dash separates the parts of a headline ("SOCCER - JAPAN GET …"): each part is
        read on its own."""
        if self.ner is None:
            return []
        out: list[Span] = []
        part = start
        for i in range(start, end + 1):
            if i == end or (
                doc[i].text in _DASHES
                and doc[i].whitespace_
                and i > start
                and doc[i - 1].whitespace_
            ):
                if i > part:
                    out += self._part(doc, part, i)
                part = i + 1
        return out

    def _part(self, doc: Doc, start: int, end: int) -> list[Span]:
        tokens = doc[start:end]
        words = [self.word(t.text) for t in tokens]
        words[0] = words[0][:1].upper() + words[0][1:]
        again = Doc(self.vocab, words=words, spaces=[bool(t.whitespace_) for t in tokens])
        again = self.ner(again)
        return [Span(doc, start + e.start, start + e.end, label=e.label_) for e in again.ents]


def _common_words(nlp: Language) -> frozenset[str]:
    """Verbs, adjectives and adverbs of the lemmatizer's word index (its nouns include many
    names: "boston", "paris")."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    words: set[str] = set()
    for pos in ("verb", "adj", "adv"):
        if pos in index:
            words.update(index[pos])
    return frozenset(words)
