"""Direct quotes: the quoted segments that are someone's words, with their speakers.

:func:`direct_quotes` takes the analysis's quotation segments (:mod:`transforms.quotes.marks`)
and, for each, decides whether it is partial (:mod:`transforms.quotes.partial`), finds its
own cue and speaker (:mod:`transforms.quotes.attribution`), else inherits one from a
neighbour (:mod:`transforms.quotes.inherit`). A phrase (or one or two words) with no speaker
of its own is a scare quote, and a title-case phrase is a title (“The Art of the Deal”), not a
quote, unless it is introduced as someone's words.
"""

from __future__ import annotations

from spacy.tokens import Span

from transforms.analysis import Analysis
from transforms.quotes.attribution import own_attribution
from transforms.quotes.inherit import inherit
from transforms.quotes.lexicon import verb_class
from transforms.quotes.partial import is_partial
from transforms.quotes.regions import Direct, region_after, trailing
from transforms.quotes.speakers import Attribution


def direct_quotes(an: Analysis) -> list[Direct]:
    """The attributed direct quotes of the article, in text order."""
    doc = an.doc
    items: list[Direct] = []
    for seg in an.segments:
        toks = an.tokens_in(seg.start, seg.end)
        if not len(toks):
            continue
        span = doc[toks.start : toks.stop]
        items.append(Direct(seg=seg, span=span, sentence=an.sentence_of(toks.start)))
    for item in items:
        item.partial = is_partial(an, item)
        attr = own_attribution(an, item)
        if attr.found:
            item.attr, item.own = attr, True
    inherit(an, items)
    out = []
    for item in items:
        if not item.attr.found:
            continue
        if (item.partial or _n_words(item.span) <= 2) and not item.own:
            continue  # a phrase with no speaker of its own: a scare quote, a word as word
        if _is_title(item.span) and not _introduced(an, item):
            continue  # “The Art of the Deal”, his book ''An American Son.''
        out.append(item)
    return out


def _introduced(an: Analysis, item: Direct) -> bool:
    """Is the quote presented as someone's words: after a colon (Kasich: ‘We Will Win.’),
    or right before its attribution (“Thank You Georgia,” Trump tweeted)?"""
    seg = item.seg
    if seg.open_at is not None and an.text[: seg.open_at].rstrip()[-1:] == ":":
        return True
    attr = item.attr
    if not item.own or attr.cue is None or attr.speaker is None:
        return False
    after = [i for i in region_after(an, item) if not an.doc[i].is_punct]
    return bool(after) and trailing(attr, after) and _strong_cue(attr)


def _strong_cue(attr: Attribution) -> bool:
    """A cue that is a verb of saying or writing, or a colon after a name."""
    if attr.cue is None:
        return False
    if attr.cue.text == ":":
        return True
    return verb_class(attr.cue.root) in {"speech", "writing"}


def _n_words(span: Span) -> int:
    return sum(1 for t in span if t.is_alpha or t.like_num)


def _is_title(span: Span) -> bool:
    """“The Art of the Deal”: every content word capitalized (a title, not someone's words)."""
    words = [t for t in span if t.is_alpha and not t.is_stop]
    return bool(words) and all(t.text[:1].isupper() for t in words) and len(words) >= 2
