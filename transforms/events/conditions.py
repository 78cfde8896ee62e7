"""The conditions of lexicon rows, checked on a trigger's context.

A row's ``when`` column holds conditions on slots of the trigger: its particle (``prt=``),
prepositions (``prep=``, ``p:with=``), object (``obj=``), subject (``subj=``), theme, the
objects of its prepositions (``pobj=``), its modifiers (``mod=``), complements (``xcomp=``,
``ccomp=``, ``oprd=``; ``ccomp_subj=`` the subject of a that-clause, ``ccomp_aux=`` its
auxiliaries and adverbs), clause marker
(``mark=``), governing verb (``gov=``) and the words of its sentence and the two before
(``ctx=``). A value matches a slot's word or lemma, or the
"of" object of a head such as "a wave of …", or ``%family`` a mention of that family
(``%place``, ``%person``, ``%org``, ``%norp``); ``*`` is any word, ``-`` none, ``!`` negates.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.context import EventContext
from transforms.events.lexicon import Cond, Entry
from transforms.events.syntax import (
    agent_of,
    explicit_subject,
    governing_verb,
    object_of,
    shared_object_conj,
    subject_of,
)
from transforms.events.words import OF_HEADS


def conds_hold(ctx: EventContext, token: Token, entry: Entry, kind: str) -> bool:
    """Do all the conditions of a lexicon row hold for this token?"""
    return all(_cond(ctx, token, cond, kind) != cond.negate for cond in entry.conds)


def _family(ctx: EventContext, t: Token) -> str:
    m = ctx.mention_at(t)
    return f"%{m.family.lower()}" if m is not None and m.family else ""


def _match(ctx: EventContext, values: frozenset[str], tokens: list[Token | None]) -> bool:
    present = [t for t in tokens if t is not None]
    if "*" in values and present:
        return True
    if "-" in values and not present:
        return True
    present += [
        p
        for t in present
        if t.lemma_.lower() in OF_HEADS
        for c in t.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for p in c.children
        if p.dep_ == "pobj"
    ]
    return any(
        t.lower_ in values or t.lemma_.lower() in values or _family(ctx, t) in values
        for t in present
    )


def _cond(ctx: EventContext, t: Token, cond: Cond, kind: str) -> bool:
    slot, values = cond.slot, cond.values
    if slot == "prt":
        return any(c.dep_ in {"prt", "prep", "advmod"} and c.lower_ in values for c in t.children)
    if slot == "prep":
        return any(c.lower_ in values for c in _prepositions(ctx, t, kind))
    if slot == "ctx":
        return bool(ctx.window_words(t.i) & values)
    if slot.startswith("p:"):
        # "sold barley to Greece": the parser labels a recipient's "to" dative, not prep
        return _match(ctx, values, _pobjs(t, {"prep", "agent", "dative"}, slot[2:]))
    words = _SLOT_WORDS.get(slot)
    return words is not None and _match(ctx, values, words(ctx, t, kind))


def _prepositions(ctx: EventContext, t: Token, kind: str) -> list[Token]:
    """The prepositions of a trigger, the markers of its clauses, those of its object."""
    preps = [c for c in t.children if c.dep_ in {"prep", "agent", "dative"}]
    preps += _markers(t)
    obj = object_of(ctx, t, kind)
    if obj is not None:
        preps += [c for c in obj.children if c.dep_ == "prep"]
    return preps


def _markers(t: Token) -> list[Token]:
    """The markers ("that", "to", "if") of the trigger's clausal complements."""
    return [
        m
        for c in t.children
        if c.dep_ in {"ccomp", "advcl", "xcomp"}
        for m in c.children
        if m.dep_ == "mark"
    ]


def _pobjs(t: Token, deps: set[str], prep: str | None = None) -> list[Token]:
    """The objects of the trigger's prepositions (of one preposition when ``prep`` is given)."""
    return [
        p
        for c in t.children
        if c.dep_ in deps and (prep is None or c.lower_ == prep)
        for p in c.children
        if p.dep_ == "pobj"
    ]


def _obj(ctx: EventContext, t: Token, kind: str) -> list[Token | None]:
    obj = object_of(ctx, t, kind)
    if obj is None and kind == "verb" and (v := shared_object_conj(t)) is not None:
        obj = object_of(ctx, v, kind)  # "fired and landed a live round"
    if obj is None and kind == "verb":
        # "granted Paul Harvey Pogue a full pardon", parsed as the recipient's apposition
        return [
            a for c in t.children if c.dep_ == "dative" for a in c.children if a.dep_ == "appos"
        ]
    if kind == "verb" and obj is not None and obj.head.i == t.i:
        # a double object, "will lend it 20 billion yen", "lent Cuba two tankers": the small
        # parser labels the recipient dobj or dative; theme and recipient both count (not a
        # second dobj after a comma: "won the downhill, the most prestigious race")
        more = [
            c
            for c in t.children
            if (c.dep_ == "dobj" and c.i != obj.i) or (c.dep_ == "dative" and c.pos_ != "ADP")
        ]
        if more:
            doc = t.doc
            return [
                obj,
                *(
                    c
                    for c in more
                    if c.dep_ == "dative"
                    or not any(w.is_punct for w in doc[min(c.i, obj.i) : max(c.i, obj.i)])
                ),
            ]
    return [obj]


def _theme(ctx: EventContext, t: Token, kind: str) -> list[Token | None]:
    obj = object_of(ctx, t, kind)
    return [obj if obj is not None else subject_of(ctx, t)]


def _children(*deps: str):
    return lambda ctx, t, kind: [c for c in t.children if c.dep_ in deps]


#: The auxiliaries and adverbs of a that-clause ("would", "likely"): ``ccomp_aux=``.
_AUX_DEPS = {"aux", "auxpass", "advmod"}

#: Slot -> the words of the trigger's context that a condition on it is about.
_SLOT_WORDS = {
    "obj": _obj,
    "subj": lambda ctx, t, kind: [agent_of(t) or subject_of(ctx, t)],
    "theme": _theme,
    "pobj": lambda ctx, t, kind: _pobjs(t, {"prep", "agent", "dative"}),
    "mod": _children("compound", "amod", "nmod"),
    "xcomp": _children("xcomp"),
    "ccomp": _children("ccomp"),
    "ccomp_subj": lambda ctx, t, kind: [
        explicit_subject(ctx, c) for c in t.children if c.dep_ == "ccomp"
    ],
    "ccomp_aux": lambda ctx, t, kind: [
        a for c in t.children if c.dep_ == "ccomp" for a in c.children if a.dep_ in _AUX_DEPS
    ],
    "mark": lambda ctx, t, kind: _markers(t),
    "gov": lambda ctx, t, kind: [governing_verb(t)],
    "oprd": _children("oprd", "acomp", "ccomp"),
}
