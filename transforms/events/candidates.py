"""Which tokens may be an event's actor or target, and where else a role may be found.

An inanimate cause is no actor (:func:`actor_token`: "the attack killed twelve", "the
measures freeze assets"; "the US airstrike" stands for the United States); objects that are
things, not participants, are no targets (:func:`target_ok`: "condemned the measures",
"agreed a roadmap"; a place or a building only for events in space). The object of a
withdrawal or a deployment is its theme (:func:`is_theme`), whose place is the target
(:func:`theme_place`). The category's prepositions give targets (:func:`prep_target`).
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.context import PLACE_FAMILIES, EventContext, Trigger
from transforms.events.kinds import (
    entity_modifier,
    is_agentive,
    is_name,
    is_participant,
    is_place,
    state_modifier,
)
from transforms.events.lexicon import SPATIAL_TYPES, TARGET_PREPS, lookup
from transforms.events.participants import owners_of
from transforms.events.syntax import (
    child_with,
    explicit_subject,
    is_time,
    mark_of,
    near_tokens,
    of_quantifier,
)
from transforms.events.words import NEGATIVE_SUBJECTS, PHYSICAL_TARGETS, PLACE_NOUNS


def is_cause(ctx: EventContext, tok: Token) -> bool:
    """An inanimate cause, not an actor: "the attack killed twelve", "the train collided"."""
    words = {tok.lemma_.lower(), tok.lower_}
    lex = ctx.lex
    return bool(
        words
        & (
            lex.cls("@hazard")
            | lex.cls("@vehicle")
            | lex.cls("@accidentcause")
            | lex.cls("@attacknoun")
            | lex.cls("@weapon")
        )
    )


def actor_token(ctx: EventContext, tok: Token | None) -> Token | None:
    """The actor, unless it is an inanimate cause or a thing ("the attack killed twelve",
    "the measures freeze assets"); "the US airstrike" stands for the United States."""
    if tok is not None and tok.lower_ in NEGATIVE_SUBJECTS:
        return None
    m = ctx.mention_at(tok) if tok is not None else None
    if m is not None and m.family in {"EVENT", "LAW", "WORK_OF_ART"}:
        return None  # "the Cold War ended": a named event is not an actor
    if tok is None or m is not None or tok.pos_ == "PRON" or is_name(tok):
        return tok
    if is_cause(ctx, tok):
        words = {tok.lemma_.lower(), tok.lower_}
        if words & (ctx.lex.cls("@attacknoun") | ctx.lex.cls("@weapon")):
            return state_modifier(ctx, tok)
        return None
    if tok.like_num or is_agentive(tok) or owners_of(ctx, tok):
        return tok
    return None


def target_ok(ctx: EventContext, tok: Token, trig: Trigger) -> bool:
    """Objects that are participants, not things: "accused Rwanda", not "condemned the
    measures" or "agreed a roadmap"; a place noun ("the region") only for events in space."""
    if tok.tag_ in {"WP", "WDT", "WP$"}:
        return False  # "investigate who leaked the recording": an open question
    if tok.lemma_.lower() in PLACE_NOUNS and ctx.mention_at(tok) is None:
        return trig.type in SPATIAL_TYPES
    if tok.lemma_.lower() in PHYSICAL_TARGETS and ctx.mention_at(tok) is None:
        # "attacked the village", "evacuated villages", "visited the hospital"
        return trig.type in SPATIAL_TYPES | {"AID", "CONSULT"}
    if is_participant(ctx, tok):
        return True
    if (tok.like_num or tok.ent_type_ == "CARDINAL") and "theme" not in trig.entry.flags:
        return True  # "killed five", "arrested four others", "the 36 must face charges"
    return bool(owners_of(ctx, tok)) and "theme" not in trig.entry.flags


def theme_place(ctx: EventContext, theme: Token) -> Token | None:
    """ "its presence in Congo" → Congo; "closing military sites in northern Mali" → Mali."""
    for c in theme.children:
        if c.dep_ == "prep" and c.lower_ in {"in", "from", "at", "inside"}:
            for p in c.children:
                if p.dep_ == "pobj":
                    m = ctx.mention_at(p)
                    if m is not None and m.family in PLACE_FAMILIES:
                        return p
                    for x in near_tokens(p.subtree):
                        mm = ctx.mention_at(x)
                        if mm is not None and mm.family in PLACE_FAMILIES:
                            return x
    return None


def is_event_noun(ctx: EventContext, tok: Token) -> bool:
    """A noun that is an event of its own, not a document ("agreements" under "concluded")."""
    if tok.pos_ != "NOUN":
        return False
    return any("light" not in e.flags for e in lookup(ctx.lex, tok, "NOUN"))


def ccomp_subject(ctx: EventContext, t: Token, verbs: frozenset[str] | None = None) -> Token | None:
    ccomp = child_with(ctx, t, {"ccomp"})
    if ccomp is None or (verbs is not None and ccomp.lemma_ not in verbs):
        return None
    return explicit_subject(ctx, ccomp)


def is_theme(ctx: EventContext, trig: Trigger, obj: Token) -> bool:
    """Is the object what is moved or given rather than the recipient? ("deployed troops",
    "withdraw its fighters", "provide $3 million")."""
    if "theme" in trig.entry.flags:
        return True
    if trig.type in {"RETREAT", "MOBILIZE"}:
        if is_agentive(obj) and any(c.dep_ == "poss" for c in obj.children):
            return True  # "withdrew its reporters / their ambassador from …"
        words = {obj.lemma_.lower(), obj.lower_}
        lex = ctx.lex
        return bool(words & (lex.cls("@force") | lex.cls("@presence") | lex.cls("@site")))
    return False


def owner_token(ctx: EventContext, theme: Token) -> Token | None:
    for c in theme.children:
        if c.dep_ in {"poss", "compound", "nmod", "amod"} and (
            entity_modifier(ctx, c) is not None or c.tag_ == "PRP$"
        ):
            return c
    return None


def cause_actor(ctx: EventContext, t: Token) -> Token | None:
    """ "23 civilians were killed when gunmen attacked": the attackers; "killed in a US
    counter-terrorism operation": the owner of the operation."""
    for c in t.children:
        if c.dep_ == "advcl" and mark_of(c) in {"when", "as", "after"}:
            s = explicit_subject(ctx, c)
            if s is not None and any(e.type == "ASSAULT" for e in lookup(ctx.lex, c, "VERB")):
                return s
        if c.dep_ == "prep" and c.lower_ in {"in", "during", "by"}:
            for p in c.children:
                if p.dep_ == "pobj" and p.lemma_.lower() in ctx.lex.cls("@attacknoun"):
                    owner = state_modifier(ctx, p)
                    if owner is not None:
                        return owner
    return None


def compound_actor(t: Token) -> Token | None:
    """ "police violence", "rebel attacks": a people noun modifying the event."""
    for c in t.children:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and is_agentive(c):
            return c
    return None


def prep_target(
    ctx: EventContext, t: Token | None, trig: Trigger, exclude: Token | None
) -> Token | None:
    if t is None:
        return None
    preps = trig.entry.target_preps + TARGET_PREPS.get(trig.type, ())
    for c in t.children:
        if c.dep_ not in {"prep", "dative"} or c.lower_ not in preps:
            continue
        for p in c.children:
            cand = None
            if p.dep_ == "pobj" and (exclude is None or p.i != exclude.i) and not is_time(p):
                cand = of_quantifier(p) or p
                if c.lower_ == "at" and (
                    is_place(ctx, cand) or cand.lemma_.lower() in PHYSICAL_TARGETS
                ):
                    continue  # "carried out the airstrike at Baghdad airport": where
            elif p.dep_ == "prep" and p.lower_ == "of":  # "out of Afghanistan"
                cand = next((q for q in p.children if q.dep_ == "pobj"), None)
            if cand is not None and target_ok(ctx, cand, trig):
                return cand
            if cand is not None and trig.type in OWNER_TARGET_TYPES:
                owner = _owner_of_act(ctx, cand)
                if owner is not None:
                    return owner
    return None


#: Types whose prepositional target, when it is an act or a thing, stands for whose it is
#: ("an inquiry into the conduct of President Trump", "protested against the policies of X").
OWNER_TARGET_TYPES = frozenset({"ACCUSE", "REJECT", "PROTEST", "REQUEST"})


def _owner_of_act(ctx: EventContext, noun: Token) -> Token | None:
    """The named possessor or "of" object of a noun ("Trump's conduct", "the conduct of
    Trump")."""
    for c in noun.children:
        if c.dep_ == "poss" and ctx.mention_at(c) is not None:
            return c
        if c.dep_ == "prep" and c.lower_ == "of":
            for p in c.children:
                if p.dep_ == "pobj" and ctx.mention_at(p) is not None:
                    return p
    return None
