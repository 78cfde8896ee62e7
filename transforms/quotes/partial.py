"""Partial quotes: a phrase quoted inside the writer's sentence, not a quotation of its own.

Two decisions, with different purposes:

* :func:`is_partial` decides how a quote finds its speaker: a partial quote only takes the
  verb that governs it (called France an “excellent partner”), never inherits a neighbour's
  speaker, and with no speaker of its own is a scare quote;
* :func:`reported_partial` is the ``is_partial`` column, wider: it also marks a mixed
  quotation, a quoted clause that continues the writer's words (said that under Obama, “the
  generals have been reduced to rubble.”).
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.quotes.attribution import own_complement
from transforms.quotes.lexicon import DIRECT_CLASSES, is_cue_verb, verb_class
from transforms.quotes.regions import Direct, region_after, region_before, trailing
from transforms.quotes.speakers import attribution

_INNER_SENTENCE_RE = re.compile(r"[.!?…][\"'”’)]*\s+\S")
_TERMINAL = set(".!?…")


def is_partial(an: Analysis, item: Direct) -> bool:
    """A phrase inside the writer's sentence, not a full quotation.

    Partial when the writer's words surround the quote within its sentence (called France
    an “excellent partner” in the Indo-Pacific), or when the quote follows the writer's
    words and has no verb (called him a “traitor”). A trailing attribution (“…,” she
    wrote) is not the writer's sentence going on; a capitalized quote after a colon or
    comma (X said: “Never.”), and a quote of several sentences, are full quotations.
    """
    text, seg = an.text, item.seg
    if seg.open_at is None or seg.continued or seg.continues:
        return False
    inner = text[seg.start : seg.end]
    if _INNER_SENTENCE_RE.search(inner):
        return False
    if not _writer_words_before(an, item):
        return False
    intro = text[: seg.open_at].rstrip()[-1:]
    if intro in {":", ","} and inner[:1].isupper():
        return False
    if inner[:1].isupper() and _after_saying(an, item) and any(_finite(t) for t in item.span):
        return False  # a sentence right after its verb of saying: He went on to add "The …"
    ends_sentence = inner.rstrip("\"'”’) ")[-1:] in _TERMINAL
    if not ends_sentence and _writer_words_after(an, item):
        return True
    return not any(t.pos_ in {"VERB", "AUX"} for t in item.span)


def reported_partial(an: Analysis, item: Direct) -> bool:
    """The ``is_partial`` column: a phrase inside the writer's sentence.

    Wider than :func:`is_partial` (which decides how a quote finds its speaker): a
    single-sentence quoted *clause* that continues the writer's words without starting a
    sentence of its own — it opens in lower case after them and has a finite verb — is a
    mixed quotation, reported speech with the speaker's wording kept (said that under
    Obama, “the generals have been reduced to rubble.”), so it is partial too. A quoted
    description with no finite verb that runs to the end of the sentence is a full
    quotation (described the roadmap as “a statement of intent to enhance …”), as is a
    capitalized quote after an attribution (Parly tweeted, “This convention …”) and the
    second half of an interrupted quote.
    """
    if item.partial:
        return True
    seg = item.seg
    if seg.open_at is None or seg.continued or seg.continues:
        return False
    if _after_that(an, item):
        return True  # told reporters that “I think you're going to find a pause …”
    inner = an.text[seg.start : seg.end]
    if _INNER_SENTENCE_RE.search(inner):
        return False
    if not any(_finite(t) for t in item.span):
        # a quoted description the writer's sentence ends with ("described the roadmap as
        # “a statement of intent to …”"): a phrase of the writer's sentence
        return _writer_words_before(an, item) and not _after_saying(an, item)
    if not inner[:1].islower():
        return False
    if (_after_saying(an, item) or _after_saying(an, item, comma=True)) and _clause(item.span):
        return False  # a clause of its own after a verb of saying: He noted, “the army …”
    region = region_before(an, item)
    if (
        region.start > 0
        and an.quoted[region.start - 1]
        and (an.sentence_of(region.start - 1) == item.sentence)
        and _attribution_only(an, region)
    ):
        return False  # the second half of “…,” she said, “…”: the quote goes on
    return _writer_words_before(an, item)


def _after_that(an: Analysis, item: Direct) -> bool:
    """Does the quote open right after the writer's complementizer "that" (said that “…”)?
    The quotation is then a clause of the writer's sentence: reported speech with the
    speaker's words kept, whatever its case."""
    words = [i for i in region_before(an, item) if not an.doc[i].is_space]
    return bool(words) and an.doc[words[-1]].lower_ == "that" and an.doc[words[-1]].dep_ == "mark"


def _attribution_only(an: Analysis, region: range) -> bool:
    """Are the writer's words between two quotes of a sentence only an attribution
    (“…,” she said, “…”), not more of the writer's sentence (“…,” and that, in regard to
    Clinton, “…”)?"""
    doc = an.doc
    words = [i for i in region if doc[i].is_alpha]
    if not words or len(words) > 8:
        return False
    if any(doc[i].pos_ in {"SCONJ", "CCONJ"} or doc[i].lower_ == "that" for i in words):
        return False
    return any(is_cue_verb(doc[i], DIRECT_CLASSES) for i in words)


def _after_saying(an: Analysis, item: Direct, comma: bool = False) -> bool:
    """Does a verb of saying or writing stand right before the opening mark (with a comma or
    colon between them when ``comma``)?"""
    region = region_before(an, item)
    words = [i for i in region if not an.doc[i].is_space]
    if comma:
        if not words or an.doc[words[-1]].text not in {",", ":"}:
            return False
        words = words[:-1]
    return bool(words) and verb_class(an.doc[words[-1]]) in {"speech", "writing"}


def _writer_words_before(an: Analysis, item: Direct) -> bool:
    region = region_before(an, item)
    return any(an.doc[i].is_alpha or an.doc[i].like_num for i in region)


def _writer_words_after(an: Analysis, item: Direct) -> bool:
    """Words of the writer's sentence after the quote (not a trailing attribution)."""
    doc = an.doc
    region = region_after(an, item)
    words = [i for i in region if doc[i].is_alpha or doc[i].like_num]
    if not words:
        return False
    head = [i for i in region if not doc[i].is_punct and not doc[i].is_space]
    for i in head[:6]:
        tok = doc[i]
        attr = attribution(an, tok, inverted=i == head[0])
        if attr is not None and trailing(attr, head):
            return own_complement(tok, an.quoted)
    return True


def _clause(span) -> bool:
    """Does the quote hold a clause of its own (its subject inside, no conjunction first)?
    "He noted, “the army … does not …”" is; "That, the commission said, “would be
    helpful”" continues the writer's subject, "he added, “but people …”" the writer's
    sentence."""
    words = [t for t in span if not t.is_punct and not t.is_space]
    if not words or words[0].pos_ == "CCONJ":
        return False
    root = span.root  # the clause's own verb with its subject, not a phrase holding a
    # relative clause ("would respond “in a way the Europeans will feel”")
    return any(
        c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"} and span.start <= c.i < span.end
        for c in root.children
    )


def _finite(tok: Token) -> bool:
    """A finite verb (the head of a clause of its own, not an infinitive or participle)."""
    return tok.morph.get("VerbForm") == ["Fin"] or tok.tag_ in {"VBD", "VBZ", "VBP", "MD"}
