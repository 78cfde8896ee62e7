"""Where an event happened.

A place (GPE/LOC/FAC mention) governed by a locative preposition of the trigger, of its
clause or of its object, else (withdrawals and meetings) a place after *from/out/to*, else
the first place in the sentence that is not the actor or the target, else the place of a
leading dateline for the first sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from transforms.events.context import PLACE_FAMILIES, EventContext, Trigger
from transforms.events.syntax import near_tokens, object_of
from transforms.events.words import LOCATIVE_PREPS
from transforms.mentions.model import Mention


def location_of(ctx: EventContext, trig: Trigger, clause: Token, used: set[int]) -> Mention | None:
    """The place of an event, not one of the entities in ``used`` (its actor and target)."""
    t = trig.token
    heads = [t] if clause is t else [t, clause]
    obj = object_of(ctx, t, trig.kind)
    if obj is not None:
        heads.append(obj)
    for h in heads:
        m = _locative(ctx, h, used)
        if m is not None:
            return m
    if trig.type in {"RETREAT", "CONSULT"}:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in {"from", "out", "to"}:
                m = _first_place(ctx, near_tokens(c.subtree), used)
                if m is not None:
                    return m
    lo, _ = ctx.sentence_bounds(t.i)
    for m in ctx.places_in_sentence(t.i):
        if id(m.entity) not in used and m.start >= ctx.dateline_end:
            return m
    if lo == 0 and ctx.dateline_end:
        for i in range(ctx.dateline_end):
            m = ctx.by_token.get(i)
            if m is not None and m.family in PLACE_FAMILIES:
                return m
    return None


def _place(ctx: EventContext, tok: Token, used: set[int]) -> Mention | None:
    m = ctx.mention_at(tok)
    if m is not None and m.family in PLACE_FAMILIES and id(m.entity) not in used:
        return m
    return None


def _first_place(ctx: EventContext, tokens: Iterable[Token], used: set[int]) -> Mention | None:
    for x in tokens:
        m = _place(ctx, x, used)
        if m is not None:
            return m
    return None


def _locative(ctx: EventContext, h: Token, used: set[int]) -> Mention | None:
    """A place governed by a locative preposition of ``h`` ("in Kabul", "at the border of
    Mali"), unless ``h`` is the hub of a run-on sentence."""
    if h.n_lefts + h.n_rights > 40:
        return None
    for c in h.children:
        if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS:
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                m = _place(ctx, p, used) or _first_place(ctx, near_tokens(p.subtree), used)
                if m is not None:
                    return m
    return None
