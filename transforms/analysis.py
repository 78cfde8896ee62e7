"""One analysis per article: what every extractor reads of a Doc, computed once.

:class:`Analysis` extends the article's text layer (:class:`~transforms.document.Document`:
tokens, sentences, quotation segments and the quoted-token mask) with what depends on the
entities:

* ``mentions`` — the article's mentions (:func:`transforms.mentions.extract.extract_mentions`,
  which reads the sentences of this very object), in document order;
* the mention index — ``named`` (mentions with an entity, by start, longest first) for
  :meth:`mentions_in`, and ``by_token`` (token → the first mention of a nameable entity
  covering it) for :meth:`mention_at`;
* ``misread`` — bare surnames the recognizer took for a nationality or a region ("said
  Cuban"), mapped to the person they name (:func:`transforms.coref.misread_surnames`);
* ``antecedents`` — every pronoun resolved once, in text order
  (:func:`transforms.coref.resolve_pronouns`), read with :meth:`antecedent`: the answer
  never depends on which extractor asks first.

The mentions, quotes and events extractors read it; none recomputes what it holds.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Token

from transforms.coref import misread_surnames, resolve_pronouns
from transforms.document import Document
from transforms.mentions.extract import extract_mentions
from transforms.mentions.model import Mention

#: Families of entities that can take part in an event or be a place (not laws, works, ...).
ENTITY_FAMILIES = frozenset({"PERSON", "ORG", "PLACE", "FAC", "NORP", "EVENT", "PRODUCT"})


class Analysis(Document):
    """The shared analysis of one article's Doc (see the module docstring)."""

    def __init__(self, doc: Doc, article_id: str, mentions: list[Mention] | None = None):
        """Analyse ``doc``; ``mentions`` are extracted here unless given."""
        super().__init__(doc)
        self.article_id = article_id
        if mentions is None:
            mentions = extract_mentions(doc, article_id, self)
        self.mentions = mentions
        self.named = sorted(
            (m for m in mentions if m.entity is not None), key=lambda m: (m.start, -m.end)
        )
        self.named_starts = [m.start for m in self.named]
        self.by_token: dict[int, Mention] = {}
        for m in mentions:
            if m.entity is not None and m.family in ENTITY_FAMILIES:
                for i in range(m.start, m.end):
                    self.by_token.setdefault(i, m)
        self.misread = misread_surnames(self.named)
        self.antecedents = resolve_pronouns(self, mentions, self.misread)

    def mention_at(self, token_i: int) -> Mention | None:
        """The mention of a nameable entity (``ENTITY_FAMILIES``) covering a token."""
        return self.by_token.get(token_i)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions with an entity that overlap the token range [start, end)."""
        lo = bisect.bisect_left(self.named_starts, start - 12)
        out = []
        for m in self.named[lo:]:
            if m.start >= end:
                break
            if m.end > start:
                out.append(m)
        return out

    def antecedent(self, token: Token) -> Mention | None:
        """The mention a pronoun stands for (None: no antecedent, or not a pronoun)."""
        return self.antecedents.get(token.i)
