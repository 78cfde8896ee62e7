"""Readings that are no PLOVER event in economic copy: market operations and things that
"threaten" (extraction versions 35 and 38); trade figures over a season or a year (70).

Central banks' money-market operations are no event (the guideline, ``bench/gold/README.md``,
"PLOVER sentences"): an event with the money market as a participant, or a bank trading
securities or currency. PLOVER's THREATEN needs an actor: a thing as the subject of
"threaten" endangers.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.events.context import EventContext, Trigger
from transforms.events.kinds import is_agentive, state_of
from transforms.events.syntax import subject_of
from transforms.events.words import CENTRAL_BANKS, FIRST_PERSON, MARKET_INSTRUMENTS


def market_operation(ctx: EventContext, trig: Trigger) -> bool:
    """A market operation is no PLOVER event (central banks' money-market operations, in the
    guideline): an event with the money market as a participant ("provided the money market
    with 120 mln stg", "help to the money market", "suspended its money market assistance"),
    or a bank trading securities or currency ("the Bank of Japan bought bonds", "purchased one
    billion dlrs in intervention"). Loans and credits to a country stay AID."""
    tok = trig.token
    parts = [c for c in tok.children if c.dep_ in {"dobj", "obj", "dative", "nsubjpass"}]
    preps = [c for c in tok.children if c.dep_ in {"prep", "dative"}]
    pobjs = [g for c in preps for g in c.children if g.dep_ == "pobj"]
    if any(_money_market(p) for p in [tok, *parts, *pobjs]):
        return True
    subj = subject_of(ctx, tok) if trig.kind == "verb" else None
    if subj is None or not _bank(ctx, subj):
        return False
    verbs = [tok, *(c for c in tok.children if c.dep_ == "xcomp")]  # "offered to drain funds"
    things = [c for v in verbs for c in v.children if c.dep_ in {"dobj", "obj", "dative"}]
    things += [g for v in verbs for c in v.children if c.dep_ == "prep" for g in c.children]
    things += [g for t in things for c in t.children if c.dep_ == "prep" for g in c.children]
    things += [c for t in things for c in t.children if c.dep_ == "compound"]
    return any({t.lemma_.lower(), t.lower_} & MARKET_INSTRUMENTS for t in things)


#: A trade figure's period: a season, a split year ("1986/87"), a marketing year, or a rate.
_SPLIT_YEAR = re.compile(r"^(19|20)?\d\d/(19|20)?\d\d$")
_PERIOD_WORDS = frozenset({"season", "annually", "yearly"})


def trade_statistics(trig: Trigger) -> bool:
    """A purchase or sale over a season or a year is a trade figure, no event (the guideline's
    aggregate statistics, ``bench/gold/README.md``): "France sold 300,000 tonnes of wheat to
    Tunisia during the 1986/87 season", "in 1985/86", "each year has exported", "in the
    marketing year"; a dated sale, or a future or agreed one, stays COOPERATE."""
    tok = trig.token
    if trig.type != "COOPERATE" or trig.kind != "verb" or tok.dep_ == "xcomp":
        return False  # "agreed to purchase 500,000 tonnes a year" is an agreement
    if any(c.dep_ == "aux" and c.lower_ in {"will", "would", "shall", "'ll"} for c in tok.children):
        return False
    periods = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in {"in", "during", "over"}:
            periods += [p for p in c.children if p.dep_ == "pobj"]  # not "since", "for delivery in"
        elif c.dep_ in {"npadvmod", "advmod"}:
            periods.append(c)
    for t in periods:
        words = [t, *(d for d in t.children if d.dep_ in {"compound", "amod", "nummod", "det"})]
        if any(_SPLIT_YEAR.match(w.lower_) or w.lemma_.lower() in _PERIOD_WORDS for w in words):
            return True
        if t.lower_ in {"year", "years"} and any(
            d.lower_ in {"each", "every", "per", "a", "marketing"} for d in t.children
        ):
            return True
    return False


def endangers(ctx: EventContext, trig: Trigger) -> bool:
    """ "pressure which threatens the trading system", "falling prices threaten farmers": a
    thing as the subject of "threaten" endangers, no actor threatens (PLOVER THREATEN needs
    one); a passive or a subject that is a participant stays a threat."""
    tok = trig.token
    if trig.type != "THREATEN" or trig.kind != "verb" or tok.lemma_.lower() != "threaten":
        return False
    subj = subject_of(ctx, tok)
    return subj is not None and subj.pos_ == "NOUN" and not political(ctx, subj)


def _money_market(tok: Token) -> bool:
    """ "the money market", "money market assistance": the noun or its compound modifiers."""
    words = {tok.lemma_.lower()}
    for c in tok.children:
        if c.dep_ in {"compound", "amod", "nmod"}:
            words.add(c.lemma_.lower())
            words |= {g.lemma_.lower() for g in c.children if g.dep_ in {"compound", "amod"}}
    return {"money", "market"} <= words


def _bank(ctx: EventContext, tok: Token) -> bool:
    """A bank as actor: "the Bank of Japan", "the central bank", "the Bundesbank", or "it"
    standing for one."""
    m = ctx.antecedent(tok) if tok.pos_ == "PRON" else ctx.mention_at(tok)
    words = set((m.text if m is not None else tok.text).lower().split())
    words.add(tok.lower_)
    return "bank" in words or bool(words & CENTRAL_BANKS)


def political(ctx: EventContext, c: Token) -> bool:
    """An entity, a pronoun standing for one, a people noun or a noun a state modifies."""
    if c.pos_ == "PRON" or c.tag_ in {"PRP", "PRP$"}:
        return c.lower_ not in FIRST_PERSON | {"you"} and ctx.antecedent(c) is not None
    return ctx.mention_at(c) is not None or is_agentive(c) or state_of(ctx, c) is not None
