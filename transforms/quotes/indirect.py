"""Indirect statements: reported speech outside quotation marks, with its speaker.

:func:`indirect_statements` finds

* a verb of saying with a clausal complement ("stated that …", "…, police said");
* a parenthetical cue ("Taxes, he said, will rise"): the statement is the sentence around it;
* "according to X" with the clause it qualifies;
* a reporting noun with its owner and a "that" clause ("Trump's claim that Mexico would pay");
* a paragraph opened by a person's name and a colon (headlines, transcripts).

A statement that is mostly a direct quote already is left to the direct quotes. Who speaks is
:mod:`transforms.quotes.speakers`.
"""

from __future__ import annotations

import bisect
import functools
import re

from spacy.tokens import Span, Token

from transforms.analysis import Analysis
from transforms.quotes.lexicon import (
    INDIRECT_CLASSES,
    REPORTING_NOUNS,
    is_cue_verb,
    reporting_verbs,
)
from transforms.quotes.linking import by_surname
from transforms.quotes.marks import QUOTE_TOKEN_RE, paragraph_spans
from transforms.quotes.speakers import (
    Attribution,
    according_to,
    cue_span,
    from_cue,
    own_subject,
    subject_of,
)
from transforms.tokenfind import tokens_with

_DATELINE_RE = re.compile(r"[A-Z][A-Z.'’ ]+(?:, [A-Z][\w.'’ ]+)?(?: \([\w .]+\))? ?[—–-]+ ")
#: The forms that make a token a cue whatever its lemma (:func:`is_cue_verb` takes "says",
#: "said" as speech).
_CUE_FORMS = frozenset({"according", "says", "said"})
#: What may follow a parenthetical cue inside its phrase: ", he said on Tuesday in a statement,"
_CUE_TAIL = {"npadvmod", "prep", "advmod", "dative", "prt", "nsubj", "dobj"}


@functools.cache
def _cue_lemmas() -> frozenset[str]:
    """The lemmas of reporting nouns and verbs of saying (:func:`is_cue_verb`'s)."""
    return frozenset(REPORTING_NOUNS) | frozenset(reporting_verbs())


def indirect_statements(an: Analysis) -> list[tuple[Span, Attribution]]:
    """Reported statements: (content span, attribution); one attribution may have two spans,
    around a parenthetical cue ("Taxes, he said, will rise")."""
    out: list[tuple[Span, Attribution]] = _labelled(an)
    # only a token that may be a cue below: "according", a reporting noun, a verb of saying
    cues = tokens_with(an.doc, _CUE_FORMS, _cue_lemmas())
    for tok in map(an.tokens.__getitem__, cues):
        if an.quoted[tok.i]:
            continue
        if tok.lower_ == "according":
            out += _according(an, tok)
            continue
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in REPORTING_NOUNS:
            found = _reporting_noun(an, tok)
            if found is not None:
                out.append(found)
            continue
        if is_cue_verb(tok, INDIRECT_CLASSES):
            out += _reported_clause(an, tok)
    return out


def _according(an: Analysis, tok: Token) -> list[tuple[Span, Attribution]]:
    """ "according to X" and the clause(s) it qualifies."""
    obj = according_to(tok)
    if obj is None:
        return []
    pp_hi = max(max(t.i for t in tok.subtree) + 1, obj.right_edge.i + 1, tok.i + 2)
    attr = from_cue(an, an.doc[tok.i : tok.i + 2], obj)
    if not attr.found:
        return []
    return [(part, attr) for part in _around(an, tok.i, pp_hi)]


def _reported_clause(an: Analysis, verb: Token) -> list[tuple[Span, Attribution]]:
    """A verb of saying: its clausal complement, else the sentence around it when it is a
    parenthetical cue."""
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if comp is None:
        parts = _parenthetical(an, verb)
        if not parts:
            return []
    else:
        content = _clause_span(an, comp, verb)
        if content is None:
            return []
        parts = [content]
    subj = subject_of(verb, an.quoted)
    if subj is None:
        return []
    attr = from_cue(an, cue_span(verb), subj)
    if not attr.found:
        return []
    return [(part, attr) for part in parts]


def _reporting_noun(an: Analysis, noun: Token) -> tuple[Span, Attribution] | None:
    """ "Trump's claim that Mexico would pay": a reporting noun, its owner and its "that"
    clause (an owner is needed: in "rejected the claim that …" nobody is named)."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in {"acl", "ccomp"}
            and c.i > noun.i
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ),
        None,
    )
    if owner is None or clause is None or an.quoted[owner.i]:
        return None
    if owner.lower_ in {"its", "their", "our", "my", "your"}:
        return None
    content = _clause_span(an, clause, noun)
    if content is None:
        return None
    attr = from_cue(an, an.doc[noun.i : noun.i + 1], owner)
    return (content, attr) if attr.found else None


def _labelled(an: Analysis) -> list[tuple[Span, Attribution]]:
    """A paragraph that opens with a person's name and a colon: a headline ("Marco
    Rubio: I'm Not Interested In Being Vice President") or a transcript line ("FALLIN:
    Well, I think …"). The rest of the paragraph is the statement (unquoted, so not
    direct)."""
    doc, text = an.doc, an.text
    out: list[tuple[Span, Attribution]] = []
    for lo, hi in paragraph_spans(text):
        colon = text.find(":", lo, min(hi, lo + 60))
        if colon < 0 or text[colon + 1 : colon + 2] not in {" ", "\u00a0"}:
            continue
        first = bisect.bisect_left(an.tok_starts, lo)
        end = bisect.bisect_left(an.tok_starts, colon)
        if not 0 < end - first <= 5 or an.quoted[end]:
            continue
        name = doc[first:end]
        if not all(t.is_title or t.is_upper or t.is_punct for t in name):
            continue
        mention = next(
            (m for m in an.mentions_in(first, end) if m.start == first and m.end == end), None
        )
        if mention is None and name.text.isupper():
            mention = by_surname(an, name, any_case=True)
        if mention is None or mention.family != "PERSON":
            continue
        stop = bisect.bisect_left(an.tok_starts, hi)
        content = _content(an, end + 1, stop, min_words=3)
        if content is None or QUOTE_TOKEN_RE.match(content[0].text):
            continue
        attr = Attribution(speaker=name, cue=doc[end : end + 1], mention=mention)
        out.append((content, attr))
    return out


def _clause_span(an: Analysis, comp: Token, verb: Token) -> Span | None:
    """The reported clause: the complement's words, without a leading "that", and
    without a clause that reports someone else's statement ("…, while others said …")."""
    doc = an.doc
    lo, hi = comp.left_edge.i, comp.right_edge.i + 1
    if lo <= verb.i < hi:
        return None
    for t in doc[lo:hi]:
        if (
            t.i > comp.i
            and t.dep_ in {"advcl", "conj"}
            and is_cue_verb(t, INDIRECT_CLASSES)
            and own_subject(t) is not None
        ):
            hi = min(hi, t.left_edge.i)
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].lower_ == "that"):
        lo += 1
    return _content(an, lo, hi)


def _content(an: Analysis, lo: int, hi: int, min_words: int = 2) -> Span | None:
    """Trimmed content tokens, unless too short or mostly a direct quote already."""
    doc = an.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    if lo < hi:  # a dateline is not part of the statement: "WARSAW — Canada and …"
        m = _DATELINE_RE.match(an.text, doc[lo].idx)
        if m is not None:
            lo = max(lo, bisect.bisect_left(an.tok_starts, m.end()))
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    marks = sum(1 for t in doc[lo:hi] if QUOTE_TOKEN_RE.match(t.text))
    if marks % 2 and hi < len(doc) and QUOTE_TOKEN_RE.match(doc[hi].text):
        hi += 1  # keep the closing mark of a quote the statement contains
    if sum(1 for t in doc[lo:hi] if t.is_alpha or t.like_num) < min_words:
        return None
    quoted = sum(1 for i in range(lo, hi) if an.quoted[i])
    if quoted * 2 > hi - lo:
        return None
    return doc[lo:hi]


def _around(an: Analysis, lo: int, hi: int) -> list[Span]:
    """The statement around an attribution phrase doc[lo:hi] inside its sentence.

    Two clauses ("Taxes will rise, he said, and nobody likes it") are two spans of one
    attribution, except that a clause opening with a conjunction is the writer's again
    ("A, according to X, and B": X vouches for A only). A fragment on one side ("The
    talks, she said, will resume") belongs to the statement: one span, cue included.
    """
    sent = an.sents[an.sentence_of(lo)]
    left = _content(an, sent.start, lo, min_words=1)
    right = _content(an, hi, sent.end, 1)

    def clause(part: Span | None) -> bool:
        return (
            part is not None
            and sum(1 for t in part if t.is_alpha or t.like_num) >= 3
            and any(t.pos_ in {"VERB", "AUX"} for t in part)
        )

    if clause(left) and clause(right):
        return [left] if right[0].pos_ == "CCONJ" else [left, right]
    if clause(left) or clause(right):
        other = right if clause(left) else left
        if other is None or other[0].pos_ == "CCONJ":
            return [left if clause(left) else right]
        whole = _content(an, sent.start, sent.end, min_words=3)
        return [whole] if whole is not None else []
    return []


def _parenthetical(an: Analysis, verb: Token) -> list[Span]:
    """ "Taxes, he said, will rise." / "… will rise, he said." with no complement parsed:
    the statement is the sentence around the attribution clause."""
    doc = an.doc
    if verb.dep_ not in {"ROOT", "parataxis", "advcl", "conj", "ccomp"}:
        return []
    if any(c.dep_ in {"ccomp", "xcomp", "dobj"} and c.i > verb.i for c in verb.children):
        return []
    subj = own_subject(verb, an.quoted)
    if subj is None or subj.i > verb.i + 3 or verb.i - subj.left_edge.i > 8:
        return []
    lo = min(subj.left_edge.i, verb.i)
    hi = verb.i + 1
    while hi < len(doc) and doc[hi].head.i == verb.i and doc[hi].dep_ in _CUE_TAIL:
        hi = doc[hi].right_edge.i + 1
    before = doc[lo - 1].text if lo > 0 else ""
    after = doc[hi].text if hi < len(doc) else ""
    if before not in {",", "—", "–"} or after not in {",", ".", "—", "–", ";"}:
        return []
    return _around(an, lo - 1, hi)
