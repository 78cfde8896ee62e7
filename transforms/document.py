"""The text layer of one parsed article: tokens, sentences and quotations, computed once.

A :class:`Document` is built once per ``Doc`` (by :class:`transforms.analysis.Analysis`, which
extends it with the mentions and the pronoun answers) and read by every extractor, so that no
extractor looks up sentences or pairs quotation marks again:

* ``tokens`` / ``tok_starts`` — the Doc's tokens (spaCy makes a new ``Token`` object on every
  access, so they are fetched once) and their character offsets;
* ``sents`` / ``sent_starts`` / ``sent_start_chars`` — the sentences (the whole Doc when
  nothing set sentence boundaries), their first token and first character;
* ``segments`` — the quoted segments of the text (:func:`transforms.quotes.marks.quote_segments`,
  paired with the parse's sentence starts);
* ``quoted`` — one flag per token: 1 inside a quotation, marks included (segments that hold
  at least one token of their own); ``quote_ranges`` — the (start, end) characters of every
  segment's words, for character lookups (:meth:`quoted_char`).

Lookups are by bisection: :meth:`sentence_of`, :meth:`sentence_bounds`, :meth:`token_at`,
:meth:`tokens_in`.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

from transforms.quotes.marks import Segment, quote_segments


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences; the whole doc when nothing has set sentence boundaries."""
    if len(doc) and (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return list(doc.sents)
    return [doc[:]] if len(doc) else []


class Document:
    """Tokens, sentences and quotations of one Doc (see the module docstring)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.tokens: list[Token] = list(doc)
        # Doc.text re-creates every token on each access: join the ones we hold instead.
        self.text = "".join([t.text_with_ws for t in self.tokens])
        self.tok_starts = doc.to_array("IDX").tolist() if len(doc) else []
        self.sents = sentences(doc)
        self.sent_starts = [s.start for s in self.sents]
        self.sent_start_chars = [s.start_char for s in self.sents]
        self.segments: list[Segment] = quote_segments(self.text, self.sent_start_chars)
        self.quote_ranges = [(g.start, g.end) for g in self.segments]
        self.quoted = bytearray(len(self.tokens))
        for seg in self.segments:
            if not len(self.tokens_in(seg.start, seg.end)):
                continue
            outer = self.tokens_in(seg.outer_start, seg.outer_end)
            self.quoted[outer.start : outer.stop] = b"\x01" * len(outer)

    def sentence_of(self, token_i: int) -> int:
        """Index of the sentence of a token."""
        return max(0, bisect.bisect_right(self.sent_starts, token_i) - 1)

    def sentence_bounds(self, token_i: int) -> tuple[int, int]:
        """(first token, end token) of the sentence of a token."""
        k = self.sentence_of(token_i)
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.tokens)
        return self.sent_starts[k], end

    def token_at(self, char: int) -> int:
        """Index of the token containing (or starting right after) a character offset."""
        i = bisect.bisect_right(self.tok_starts, char) - 1
        return max(0, i)

    def tokens_in(self, start: int, end: int) -> range:
        """Indices of the tokens that start in the characters [start, end)."""
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_left(self.tok_starts, end)
        return range(lo, hi)

    def quoted_char(self, char: int) -> bool:
        """Is this character among the words of a quotation (marks excluded)?"""
        k = bisect.bisect_right(self.quote_ranges, (char, float("inf"))) - 1
        return k >= 0 and self.quote_ranges[k][0] <= char < self.quote_ranges[k][1]
