"""What a token is, for the event rules: a name, a people noun, a place, a participant.

A proper name includes one the tagger took for a common noun ("MONUSCO"); a people noun is
listed (``PARTICIPANT_NOUNS``) or a plural agent noun ("smugglers"); an entity modifier is a
mention that can stand for who acts ("the US airstrike", "Russian strikes").
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.context import PLACE_FAMILIES, EventContext
from transforms.events.words import PARTICIPANT_NOUNS, PERSON_TITLES, PLACE_NOUNS
from transforms.mentions.model import Mention


def is_name(tok: Token) -> bool:
    """A proper name, including one the tagger took for a common noun ("MONUSCO")."""
    return tok.pos_ == "PROPN" or (tok.text.isupper() and len(tok.text) >= 3 and tok.is_alpha)


def is_agentive(tok: Token) -> bool:
    """A common noun for people acting: listed, or a plural agent noun ("smugglers",
    "separatists", "civilians", "assailants")."""
    low, lemma = tok.lower_, tok.lemma_.lower()
    if low in PARTICIPANT_NOUNS or lemma in PARTICIPANT_NOUNS or lemma in PERSON_TITLES:
        return True
    if tok.tag_ == "NN" and _plural(low) in PARTICIPANT_NOUNS:
        return True  # the list's plurals name their singulars ("boys": "a boy")
    return tok.tag_ == "NNS" and low.endswith(("ers", "ists", "ians", "ants", "ors"))


def _plural(low: str) -> str:
    if low.endswith("man"):
        return low[:-3] + "men"  # "fisherman"
    if low.endswith("y") and low[-2:-1] not in set("aeiou"):
        return low[:-1] + "ies"  # "deputy"
    return low + "s"


def is_participant(ctx: EventContext, p: Token) -> bool:
    """Someone who can act or be acted upon: an entity, a pronoun, a name, a people noun, or
    a common noun that a state or organisation modifies ("Afghan warplanes", "two Iranian
    platforms", "Japanese exports": PLOVER codes them as that country)."""
    if p.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}:
        return False
    if ctx.mention_at(p) is not None or p.pos_ == "PRON" or is_name(p):
        return True
    return is_agentive(p) or (p.pos_ == "NOUN" and state_of(ctx, p) is not None)


def is_person(ctx: EventContext, tok: Token) -> bool:
    """A person or people: a pronoun, a person's name, a people noun."""
    m = ctx.mention_at(tok)
    return tok.pos_ == "PRON" or (m.family == "PERSON" if m is not None else is_agentive(tok))


def state_of(ctx: EventContext, noun: Token) -> Mention | None:
    """A country, nationality or organisation modifying a noun, that PLOVER codes the noun
    as ("Afghan warplanes" → Afghanistan, "Iranian platforms", "UNITA rebels"); not a
    person's possession ("Honcharuk's offer")."""
    for c in noun.children:
        if c.dep_ in {"poss", "compound", "amod", "nmod"}:
            m = entity_modifier(ctx, c)
            if m is not None and (m.family == "ORG" or m.country_code):
                return m
    return None


def is_place(ctx: EventContext, tok: Token) -> bool:
    """A place: a place or building mention, a named organisation's site ("outside the
    Legislative Council Complex"), or a place noun ("in the region")."""
    m = ctx.mention_at(tok)
    if m is not None:
        return m.family in PLACE_FAMILIES or m.family == "ORG"
    return tok.lemma_.lower() in PLACE_NOUNS


def entity_modifier(ctx: EventContext, c: Token) -> Mention | None:
    m = ctx.mention_at(c)
    if m is None:
        return None
    if m.family == "NORP" and not m.country_code:
        return None
    return m


def state_modifier(ctx: EventContext, noun: Token) -> Token | None:
    """The modifier of a noun that names who acts through it — an entity that is not a
    place without a country ("the US airstrike", "Israel's raid", "Afghan warplanes"), or
    None."""
    for c in noun.children:
        if c.dep_ in {"poss", "compound", "amod", "nmod"}:
            m = entity_modifier(ctx, c)
            if m is not None and not (m.family == "PLACE" and not m.country_code):
                return c
    return None


def titled_person(cand: Token) -> bool:
    return any(
        c.dep_ == "appos" and c.lemma_.lower() in PERSON_TITLES and c.tag_ == "NN"
        for c in cand.children
    )


def named_event(token: Token) -> bool:
    """A capitalised event noun inside a name, mid-sentence: a historical event the article
    refers to ("the Iran–Iraq War", "the Cold War"), not one it reports."""
    if not token.text.istitle() or token.is_sent_start:
        return False
    if wire_capital(token):
        return False
    return any(
        c.dep_ in {"compound", "amod", "nmod"} and c.i < token.i and c.text[:1].isupper()
        for c in token.children
    )


def wire_capital(token: Token) -> bool:
    """Reuters' capital right after "U.S." with no capitalized word after it, which the model
    read in lower case (:mod:`transforms.wirecase`): "the U.S. Attack on Iran" is no name."""
    doc = token.doc
    return (
        token.i > 0
        and doc[token.i - 1].text == "U.S."
        and not (token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper())
    )
