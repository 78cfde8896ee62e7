"""Where a direct quote sits: its item, and the writer's words around it in its sentence.

A :class:`Direct` is one quoted segment being attributed. The regions are the tokens between
the sentence start (or the previous quote) and the opening mark (:func:`region_before`), and
between the closing mark and the sentence end (or the next quote) (:func:`region_after`); the
cues of :mod:`transforms.quotes.attribution` are looked for there.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Span

from transforms.analysis import Analysis
from transforms.quotes.marks import Segment
from transforms.quotes.speakers import Attribution


@dataclass
class Direct:
    """A quoted segment, its words (``span``) and the attribution found for it."""

    seg: Segment
    span: Span
    sentence: int
    attr: Attribution = field(default_factory=Attribution)
    own: bool = False  # attribution found around the segment itself
    partial: bool = False


def region_before(an: Analysis, item: Direct) -> range:
    """Tokens between the sentence start (or the previous quote) and the opening mark."""
    doc = an.doc
    first = item.span.start
    mark = an.token_at(item.seg.outer_start) if item.seg.open_at is not None else first
    sent = an.sentence_of(first)
    lo = an.sent_starts[sent]
    if lo >= mark and sent > 0:  # the parser cut "X said: | “…”"
        prev = mark - 1
        while prev > 0 and doc[prev].is_space and "\n" not in doc[prev].text:
            prev -= 1
        if doc[prev].text in {":", ","}:
            lo = an.sent_starts[an.sentence_of(prev)]
    lo = min(lo, mark)
    i = mark - 1
    while i >= lo and not an.quoted[i] and not _paragraph_break(doc, i):
        i -= 1
    return range(i + 1, mark)


def region_after(an: Analysis, item: Direct) -> range:
    """Tokens between the closing mark and the end of the sentence (or the next quote)."""
    doc = an.doc
    if item.seg.close_end is None:
        return range(0)
    start = bisect.bisect_left(an.tok_starts, item.seg.close_end)
    while start < len(doc) and doc[start].is_space and "\n" not in doc[start].text:
        start += 1
    if start >= len(doc):
        return range(0)
    sent = an.sentence_of(start)
    hi = an.sent_starts[sent + 1] if sent + 1 < len(an.sent_starts) else len(doc)
    i = start
    while i < hi and not an.quoted[i] and not _paragraph_break(doc, i):
        i += 1
    return range(start, i)


def _paragraph_break(doc, i: int) -> bool:
    """A line break that starts a paragraph (the next word starts a sentence): in
    hard-wrapped text a line break inside a sentence is only a space ("…economy,”⏎the
    Republican report said")."""
    if not doc[i].is_space or "\n" not in doc[i].text:
        return False
    return i + 1 >= len(doc) or doc[i + 1].is_sent_start is not False


def trailing(attr: Attribution, words: list[int]) -> bool:
    """Is this attribution the words right after a quote (", she said", ", said X",
    ", the official, who …, said", ", according to X")?"""
    if not words or attr.cue is None or attr.speaker is None:
        return False
    first = words[0]
    return (
        attr.cue.start == first
        or first <= attr.speaker.start <= first + 2  # "screenwriter Cole Haddon wrote"
        or attr.speaker.root.left_edge.i == first
    )


def opens_paragraph(an: Analysis, item: Direct) -> bool:
    """Does the quote's opening mark start its paragraph?"""
    i = an.token_at(item.seg.outer_start) - 1
    while i >= 0 and an.doc[i].is_space and "\n" not in an.doc[i].text:
        i -= 1
    return i < 0 or "\n" in an.doc[i].text


def opens_sentence(an: Analysis, item: Direct) -> bool:
    """Is there nothing of the writer's before the quote in its sentence?"""
    return not any(not an.doc[i].is_space for i in region_before(an, item))


def previous_sentence(an: Analysis, item: Direct) -> Span | None:
    """The last sentence with words before the quote's sentence."""
    sent = an.sentence_of(an.token_at(item.seg.outer_start))
    while sent > 0:
        sent -= 1
        prev = an.sents[sent]
        if any(not t.is_space for t in prev):
            return prev
    return None
