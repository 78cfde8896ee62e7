"""When an event happened: the time expression of its clause, resolved against publication.

Time expressions are the DATE/TIME entities and the relative expressions of
:mod:`transforms.dates`, each anchored to the verb or event noun it modifies
(:func:`time_anchors`). A trigger takes the expression of its clause (:func:`date_for`),
resolved by :func:`transforms.dates.resolve` with the clause's tense: a noun trigger or an
infinitive, coordinated or *when*-clause takes the date of the clause it belongs to; a
reported event never takes the date of the reporting verb (nor of *was reported to have…*), a
requested, offered or rejected event not the date of the request or rejection, a pluperfect
clause not the date of its main clause. With several expressions the most precise wins ("next
month on August 2" → August 2); *scheduled/postponed for|to* a date dates the event, in the
future.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from transforms.dates import Resolved, find_spans, period_start, resolve
from transforms.events.context import EventContext, Trigger
from transforms.events.lexicon import lookup
from transforms.events.syntax import (
    governing_verb,
    has_own_subject,
    is_passive,
    mark_of,
    shared_object_conj,
    time_prep,
)
from transforms.events.words import DATE_SHIFTING, HAPPEN_VERBS, REPORTING, ROUND_NOUNS, SCHEDULING


def _time_spans(ctx: EventContext, trigger_ids: set[int]) -> list[Span]:
    doc = ctx.doc
    ents = sorted((e for e in doc.ents if e.label_ in {"DATE", "TIME"}), key=lambda e: e.start)
    spans: list[Span] = []
    for e in ents:  # "Saturday" + "morning": one expression
        if spans and spans[-1].end == e.start:
            spans[-1] = doc[spans[-1].start : e.end]
        else:
            spans.append(e)
    covered = {i for s in spans for i in range(s.start, s.end)}
    trigger_sents = {ctx.sentence_index(i) for i in trigger_ids}
    for a, b in find_spans(ctx.text):
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or ctx.sentence_index(span.start) not in trigger_sents:
            continue
        if not any(i in covered for i in range(span.start, span.end)):
            spans.append(span)
            covered.update(range(span.start, span.end))
    return spans


def time_anchors(ctx: EventContext, trigger_ids: set[int]) -> dict[int, list[Span]]:
    """Time expressions, each attached to the verb or event noun it modifies."""
    anchors: dict[int, list[Span]] = {}
    for span in _time_spans(ctx, trigger_ids):
        root = span.root
        anchor: Token | None = None
        if (
            root.dep_ in {"compound", "nmod", "amod", "nummod", "poss"}
            and root.head.pos_ in {"NOUN", "PROPN"}
            and not (span.start <= root.head.i < span.end)
        ):
            # Inside a noun phrase it dates that noun only ("the 2016 peace agreement").
            if root.head.i in trigger_ids:
                anchors.setdefault(root.head.i, []).append(span)
            continue
        if root.dep_ == "pobj" and not time_prep(root.head):
            continue
        h = root
        for _ in range(12):
            nxt = h.head
            if nxt is h or nxt.i == h.i:
                if h.pos_ in {"VERB", "AUX"} or h.i in trigger_ids:
                    anchor = h
                break
            if span.start <= nxt.i < span.end:
                h = nxt
                continue
            if nxt.i in trigger_ids or nxt.pos_ in {"VERB", "AUX"}:
                anchor = nxt
                break
            if nxt.pos_ in {"NOUN", "PROPN"} and h.dep_ == "prep" and h.lower_ == "by":
                break  # "a package by the end of July": the deadline of that noun
            h = nxt
        if anchor is None:
            continue
        if anchor.dep_ in {"aux", "auxpass"}:
            anchor = anchor.head
        if (
            anchor.lemma_ in {"start", "begin"}
            and anchor.tag_ == "VBG"
            and anchor.dep_ in {"advcl", "acl", "prep"}
            and not has_own_subject(anchor)
        ):
            anchor = anchor.head  # "release 11 officers, starting next month"
        anchors.setdefault(anchor.i, []).append(span)
    return anchors


def _object_of_trigger(ctx: EventContext, t: Token, clause: Token) -> bool:
    """An event noun that another event is about ("declined Honcharuk's offer yesterday",
    "called for his resignation"): that event's time is not its time."""
    if clause.i not in ctx.trigger_types:
        return False
    if t.head.i == clause.i and t.dep_ in {"dobj", "nsubjpass"}:
        return True
    return t.dep_ == "pobj" and t.head.lower_ == "for" and t.head.head.i == clause.i


def _pluperfect(v: Token) -> bool:
    return any(a.dep_ == "aux" and a.lower_ in {"had", "'d"} for a in v.children)


def _date_chain(ctx: EventContext, trig: Trigger, clause: Token) -> list[Token]:
    """The tokens whose time expressions may date the trigger, nearest first."""
    t = trig.token
    chain: list[Token] = [t]
    if trig.kind == "noun":
        _noun_chain(ctx, trig, clause, chain)
    # Event nouns that set the scene: "resolved at a meeting on Friday".
    for c in list(chain[:2]):
        if c.pos_ in {"VERB", "AUX"}:
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in {"at", "during", "in"}:
                    chain.extend(
                        x
                        for x in p.children
                        if x.dep_ == "pobj" and (p.lower_ != "in" or lookup(ctx.lex, x, "NOUN"))
                    )
    h = chain[-1]
    for _ in range(5):
        nxt = _dating_head(h)
        if nxt is None:
            break
        h = nxt
        chain.append(h)
    for c in list(chain[:2]):
        chain.extend(x for x in c.children if x.dep_ == "advcl" and mark_of(x) in {"when", "as"})
    if trig.kind == "verb" and shared_object_conj(t) is not None:
        chain.append(shared_object_conj(t))  # "fired and landed a round … yesterday"
    return chain


def _noun_chain(ctx: EventContext, trig: Trigger, clause: Token, chain: list[Token]) -> None:
    """An event noun is dated by its support verb, else its relative clauses, the verb of a
    "round of" it belongs to, and the clause it is the subject or object of."""
    t = trig.token
    if trig.light is not None:
        chain.append(trig.light)
        return
    chain.extend(c for c in t.children if c.dep_ in {"relcl", "acl"})
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_ in ROUND_NOUNS:
        chain.append(t.head.head)  # "the next round of talks is scheduled to open …"
        g = governing_verb(t.head.head)
        if g is not None:
            chain.append(g)
            chain.extend(c for c in g.children if c.dep_ == "xcomp")
    if clause is not t and not _object_of_trigger(ctx, t, clause):
        chain.append(clause)
        if t.dep_ in {"nsubj", "nsubjpass"} and clause.lemma_ in HAPPEN_VERBS:
            chain.extend(c for c in clause.children if c.dep_ == "xcomp")


def _dating_head(h: Token) -> Token | None:
    """The clause above ``h`` whose date is also ``h``'s, or None where dates part."""
    dep = h.dep_
    if dep == "acl" and h.tag_ == "VBG":
        # "joined the calls by officials asking the US"
        return governing_verb(h.head) or (
            governing_verb(h.head.head.head) if h.head.dep_ == "pobj" else None
        )
    if dep == "acomp" or (h.pos_ == "ADJ" and dep == "xcomp"):
        return h.head  # "is due to visit"
    if dep == "xcomp" and h.head.lemma_ in DATE_SHIFTING:
        return None  # "asked on Monday to waive": the waiving is not on Monday
    if dep == "xcomp" and h.head.lemma_ in REPORTING and is_passive(h.head):
        return None  # "was yesterday reported to have killed": the report is dated, not this
    if (
        dep == "xcomp"
        or (dep == "conj" and not has_own_subject(h))
        or (
            dep == "advcl"
            and mark_of(h) in {"when", "as", "while", None, "to"}
            and h.head.pos_ in {"VERB", "AUX"}
            and not _pluperfect(h)  # "as the president had requested": earlier
        )
    ):
        return h.head
    if dep in {"pobj", "dobj"} and (
        h.head.pos_ == "VERB" or (h.head.pos_ == "ADP" and h.head.head.pos_ == "VERB")
    ):
        return h.head if h.head.pos_ == "VERB" else h.head.head
    return None


def _tense(group: list[Token], modality: str) -> str:
    if modality == "future":
        return "future"
    for v in group:
        if (
            v.lemma_ in SCHEDULING
            and v.tag_ == "VBN"
            and v.dep_ != "amod"
            and not any(c.dep_ in {"aux", "auxpass"} and c.tag_ == "VBD" for c in v.children)
        ):
            return "future"  # "is scheduled for March 24" (not "was scheduled for …")
        if v.tag_ in {"VBD", "VBN"}:
            return "past"
        for c in v.children:
            if c.dep_ in {"aux", "auxpass"} and c.tag_ in {"VBD", "VBN"}:
                return "past"
    return "present"


def date_for(
    ctx: EventContext, trig: Trigger, clause: Token, modality: str
) -> tuple[Resolved | None, Span | None]:
    """The resolved date and its expression, following the inheritance rules."""
    chain = _date_chain(ctx, trig, clause)
    tense = _tense([trig.token, clause] if trig.light is None else [trig.light], modality)
    for tok in chain:
        spans = ctx.times.get(tok.i)
        if not spans:
            continue
        found = []
        for span in spans:
            res = resolve(span.text, ctx.published, tense)  # type: ignore[arg-type]
            if res is not None:
                found.append((res, span))
        if found:  # the most precise ("next month on August 2" → August 2), then the nearest
            return min(
                found,
                key=lambda rs: (_PRECISION_RANK[rs[0].precision], abs(rs[1].start - tok.i)),
            )
    return None, None


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def after_publication(res: Resolved, published: dt.date) -> bool:
    return period_start(res.date, res.precision) > period_start(published, res.precision)
