"""What the event rules read: the article's analysis, the lexicon, and per-article caches.

:class:`EventContext` wraps the article's :class:`~transforms.analysis.Analysis` (tokens,
sentences, quotations, the mention index, pronoun answers — read, never recomputed) with what
only events need: the lexicon, the publication date, the triggers' types and time anchors,
the leading dateline, and caches filled as the rules ask. :class:`Trigger` is a word of the
lexicon that makes an event, :class:`Arg` a participant.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from spacy.tokens import Span, Token

from transforms.analysis import Analysis
from transforms.dates import resolve
from transforms.events.dictionary import Dictionary
from transforms.events.lexicon import Entry, Lexicon
from transforms.mentions.model import Mention

_OLD = os.environ.get("NEWSETL_OLD_MODE") == "1"

#: A trigger gives at most this many rows (coordinated actors or targets beyond are dropped).
MAX_ROWS_PER_TRIGGER = 4
PLACE_FAMILIES = frozenset({"PLACE", "FAC"})
#: Nouns naming these are entities, not event triggers.
SKIP_NOUN_FAMILIES = frozenset({"PERSON", "ORG", "PLACE", "FAC", "NORP", "PRODUCT"})


@dataclass
class Trigger:
    """A word of the lexicon that makes an event, with the lexicon row that matched."""

    token: Token
    entry: Entry
    kind: str  # "verb" | "noun"
    type: str | None
    light: Token | None = None  # the support verb of a noun trigger
    end_char: int = 0
    merged: Token | None = None  # a participle merged into a verb trigger

    def __post_init__(self) -> None:
        if not self.end_char:
            self.end_char = self.token.idx + len(self.token.text)


@dataclass
class Arg:
    """A participant: the words in the text and the entity they resolve to."""

    start_char: int
    end_char: int
    text: str
    mention: Mention | None = None
    name: str | None = None  # a name without entity (a proper noun the NER missed)

    def key(self) -> object:
        return id(self.mention.entity) if self.mention else (self.start_char, self.end_char)


class EventContext:
    """The analysis of one article as the event rules read it (see the module docstring)."""

    def __init__(
        self,
        an: Analysis,
        published: dt.date | None,
        lex: Lexicon,
        field: Dictionary | None = None,
    ):
        self.an = an
        self.doc = an.doc
        self.article_id = an.article_id
        self.published = published
        self.mentions = an.mentions
        self.lex = lex
        self.field = field
        self.prefixes = lex.prefixes | field.prefixes if field is not None else lex.prefixes
        self.tokens = an.tokens
        self.text = an.text
        self.sent_starts = an.sent_starts
        self.by_token = an.by_token
        self.dateline_end = _dateline_end(self.tokens)
        # filled once the triggers are known
        self.trigger_types: dict[int, str | None] = {}
        self.times: dict[int, list[Span]] = {}
        # caches
        self.countries: dict[int, Mention | None] = {}
        self._ids: dict[int, tuple[str, str]] = {}
        self._ctx_words: dict[int, set[str]] = {}
        self._time_text: dict[int, str] | None = None
        self._places: dict[int, list[Mention]] | None = None

    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def antecedent(self, token: Token) -> Mention | None:
        """The pronoun's antecedent, from the analysis."""
        return self.an.antecedent(token)

    def ids(self, m: Mention) -> tuple[str, str]:
        """(entity_id, canonical name) of a mention, hashed once per entity."""
        ent = m.entity
        key = id(ent)
        got = self._ids.get(key)
        if got is None:
            got = (m.entity_id or "", m.canonical_name or "")
            self._ids[key] = got
        return got

    def sentence_index(self, i: int) -> int:
        return self.an.sentence_of(i)

    def sentence_bounds(self, i: int) -> tuple[int, int]:
        return self.an.sentence_bounds(i)

    def window_words(self, i: int) -> set[str]:
        """Lowercased words of the sentence of token i and the two before it."""
        k = self.sentence_index(i)
        got = self._ctx_words.get(k)
        if got is None:
            lo = self.sent_starts[max(0, k - 2)]
            _, hi = self.sentence_bounds(i)
            got = {t.lower_ for t in self.tokens[lo:hi]} | {t.lemma_ for t in self.tokens[lo:hi]}
            self._ctx_words[k] = got
        return got

    def in_quote(self, char: int) -> bool:
        """Is this character among the words of a quotation?"""
        return self.an.quoted_char(char)

    def places_in_sentence(self, i: int) -> list[Mention]:
        """Place mentions of the sentence of token i, in order (computed once per sentence)."""
        k = self.sentence_index(i)
        if self._places is None:
            self._places = {}
            for m in self.mentions:
                if m.family in PLACE_FAMILIES and m.entity is not None:
                    self._places.setdefault(self.sentence_index(m.start), []).append(m)
            for ms in self._places.values():
                ms.sort(key=lambda m: m.start)
        return self._places.get(k, [])

    def usable_time(self, tok: Token) -> bool:
        """Is this token part of a time expression that resolves ("last year", not "in a
        month" or "nearly two decades")?"""
        if tok.ent_type_ not in {"DATE", "TIME"}:
            return False
        if self._time_text is None:
            self._time_text = {}
            for e in self.doc.ents:
                if e.label_ in {"DATE", "TIME"}:
                    for i in range(e.start, e.end):
                        self._time_text[i] = e.text
        text = self._time_text.get(tok.i)
        return text is not None and resolve(text, self.published or dt.date(2000, 1, 1)) is not None

    def in_dateline(self, token: Token) -> bool:
        return token.i < self.dateline_end


def _dateline_end(tokens: list[Token]) -> int:
    """Token index after a leading dateline ("WARSAW —", "GOMA, Democratic Republic of
    Congo -"), 0 when there is none."""
    for i, t in enumerate(tokens[:14]):
        if t.text in {"—", "–", "-", "--"} and i > 0:
            words = [x for x in tokens[:i] if x.is_alpha]
            if words and words[0].text.isupper() and len(words[0].text) > 1:
                return i + 1
            return 0
        if t.is_space and "\n" in t.text:
            return 0
    return 0
