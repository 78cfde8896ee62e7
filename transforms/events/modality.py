"""Negation and modality of an event.

``negated``: *not/n't/never* on the trigger or its support verb, *no* on an event noun (*no
arrests were made*), a negative subject (*nobody*), or a complement of *refuse/fail/decline*.
``modality``, first that applies: ``hypothetical`` (could, may, might, should, would outside
reported speech, *if/unless/whether*, the complement of a request, threat or proposal),
``future`` (will, shall, going to, *is to*, *due to*, plan/expect/promise/agree to, *would* in
reported speech; a resolved date after publication is applied by the rows), ``reported``
(complement of a reporting verb, inside quotation marks, *according to*, *reportedly*), else
``asserted``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from transforms.events.context import EventContext, Trigger
from transforms.events.syntax import governing_verb, has_own_subject, is_passive, mark_of
from transforms.events.words import (
    ACCUSING,
    FUTURE_ADJ,
    FUTURE_AUX,
    FUTURE_GOVERNORS,
    FUTURE_NOUN_MODIFIERS,
    FUTURE_OBJECT_GOVERNORS,
    HAPPEN_VERBS,
    HYPOTHETICAL_AUX,
    HYPOTHETICAL_CCOMP,
    HYPOTHETICAL_GOVERNORS,
    HYPOTHETICAL_NOUNS,
    NEGATING_GOVERNORS,
    NEGATIVE_SUBJECTS,
    REPORTED_ADVERBS,
    REPORTED_NOUN_MODIFIERS,
    REPORTED_OBJECT,
    REPORTING,
)


def verb_group(trig: Trigger, clause: Token) -> list[Token]:
    """The verbs whose auxiliaries and negation apply to the trigger."""
    t = trig.token
    group = [t]
    if trig.light is not None:
        group.append(trig.light)
    elif (
        trig.kind == "noun"
        and clause is not t
        and t.dep_ in {"nsubj", "nsubjpass", "attr"}
        and (clause.lemma_ in HAPPEN_VERBS or clause.lemma_ == "be")
    ):
        group.append(clause)  # "the talks will resume", "the meeting did not take place"
    h = group[-1]
    for _ in range(4):
        own_aux = any(c.dep_ in {"aux", "auxpass", "neg"} for c in h.children)
        if h.dep_ == "xcomp" or (h.dep_ == "conj" and not has_own_subject(h) and not own_aux):
            h = h.head
            group.append(h)
        elif h.pos_ == "ADJ" and h.dep_ in {"acomp", "xcomp"}:
            h = h.head  # "is due to visit", "is likely to meet"
            group.append(h)
        else:
            break
    return group


def is_negated(trig: Trigger, group: list[Token]) -> bool:
    """Is the event negated (see the module docstring)?"""
    t = trig.token
    if trig.kind == "noun" and _negated_noun(t):
        return True
    for i, h in enumerate(group):
        if h is t and trig.kind == "noun":
            continue
        for c in h.children:
            if c.dep_ == "neg":
                return True
            if c.dep_ in {"aux", "auxpass"} and any(x.dep_ == "neg" for x in c.children):
                return True  # "had not, as of yesterday, announced"
        if i > 0 and h.lemma_ in NEGATING_GOVERNORS:
            return True
    h = group[-1]
    if h.dep_ == "xcomp" and h.head.lemma_ in NEGATING_GOVERNORS:
        return True
    if trig.kind == "verb" and _negative_argument(t):
        return True
    return t.dep_ == "pcomp" and t.head.lower_ == "without"


def _negated_noun(t: Token) -> bool:
    """ "no arrests", "neither attack"; "there was not a single protest"."""
    if any(c.dep_ == "det" and c.lower_ in {"no", "neither"} for c in t.children):
        return True
    gov = governing_verb(t)
    return (
        gov is not None
        and t.dep_ in {"attr", "nsubj"}
        and gov.lemma_ == "be"
        and any(c.dep_ == "neg" for c in gov.children)
    )


def _negative_argument(t: Token) -> bool:
    """ "made no arrests"; "nobody is shooting", "none were arrested"."""
    obj = next((c for c in t.children if c.dep_ in {"dobj", "nsubjpass"}), None)
    if obj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in obj.children):
        return True
    subj = next((c for c in t.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    return subj is not None and subj.lower_ in NEGATIVE_SUBJECTS


@dataclass
class _Mood:
    """What the trigger's context says, gathered clause by clause."""

    hypothetical: bool = False
    future: bool = False
    reported: bool = False
    reported_clause: bool = False  # inside the complement of a reporting verb

    def modality(self) -> str:
        if self.hypothetical:
            return "hypothetical"
        if self.future:
            return "future"
        if self.reported:
            return "reported"
        return "asserted"


#: Prepositions whose object happened before the clause it modifies.
ANTERIOR_PREPS = frozenset({"following", "since"})

#: Relations the climb to the root goes through when they say nothing of the modality.
_THROUGH = frozenset(
    """conj agent relcl acl advcl prep pobj dobj nsubj nsubjpass attr appos npadvmod pcomp
    oprd dep advmod acomp""".split()
)


def modality_of(ctx: EventContext, trig: Trigger, clause: Token, group: list[Token]) -> str:
    """The modality of an event (see the module docstring); ``group`` is its
    :func:`verb_group`."""
    t = trig.token
    mood = _Mood()
    if trig.kind == "noun" and _requested(ctx, t):
        mood.hypothetical = True  # "called for his resignation", "demanded an investigation"
    visited, own_clause_end = _climb(ctx, trig, group, mood)
    _auxiliaries(group, mood)
    _future_frames(visited[: len(group) + 3], group, mood)
    _reported_adverbs(visited[: min(12, own_clause_end or 12)], mood)
    if trig.kind == "noun" and t.dep_ == "pobj" and t.head.lower_ in ANTERIOR_PREPS:
        # "a by-election this week following the resignation of X": what the clause will do
        # comes after the event; the clause's future or condition is not the event's
        mood.future = mood.hypothetical = False
    if trig.kind == "noun" and any(
        c.dep_ == "amod" and c.lower_ in FUTURE_NOUN_MODIFIERS for c in t.children
    ):
        mood.future = True  # "the upcoming talks"
    if trig.kind == "noun" and any(
        c.dep_ == "amod" and c.lower_ in REPORTED_NOUN_MODIFIERS for c in t.children
    ):
        mood.reported = True  # "alleged police violence"
    if mood.reported_clause or ctx.in_quote(t.idx):
        mood.reported = True
    return mood.modality()


def _requested(ctx: EventContext, t: Token) -> bool:
    """Is the event noun the object of a request ("called for his resignation")?"""
    gov = t.head if t.dep_ in {"dobj", "obj"} else None
    if t.dep_ == "pobj" and t.head.lower_ == "for":
        gov = t.head.head
    return gov is not None and ctx.trigger_types.get(gov.i) == "REQUEST"


def _climb(
    ctx: EventContext, trig: Trigger, group: list[Token], mood: _Mood
) -> tuple[list[Token], int | None]:
    """Climb from the trigger to the root, noting what each clause it sits in says.

    Returns the verbs visited (the group first) and, when the trigger's own clause is a
    conjunct with a subject of its own, where that clause ends in the list ("According to X,
    A would …, but B": B is not X's).
    """
    h = trig.token
    visited = list(group)
    own_clause_end: int | None = None
    for _ in range(10):
        nxt = h.head
        if nxt is h or nxt.i == h.i:
            break
        if not _clause(ctx, trig, h, nxt, mood):
            break
        if h.dep_ == "conj" and has_own_subject(h) and own_clause_end is None:
            own_clause_end = len(visited)
        h = nxt
        visited.append(h)
    return visited, own_clause_end


def _clause(ctx: EventContext, trig: Trigger, h: Token, nxt: Token, mood: _Mood) -> bool:
    """Note what the relation of ``h`` to its head ``nxt`` says; False to stop climbing."""
    dep = h.dep_
    lemma = nxt.lemma_.lower()
    if dep in {"xcomp", "ccomp", "advcl"}:
        # the complement of a request is hypothetical, of a promise future
        gtype = ctx.trigger_types.get(nxt.i)
        if gtype == "REQUEST":
            mood.hypothetical = True
        elif gtype == "AGREE" and dep == "xcomp":
            mood.future = True
    return (
        _complement(h, nxt, dep, lemma, mood)
        or _reported_relation(trig, h, nxt, dep, lemma, mood)
        or dep in _THROUGH
    )


def _complement(h: Token, nxt: Token, dep: str, lemma: str, mood: _Mood) -> bool:
    """A clause complement of a verb or a noun; False when ``h`` is none."""
    if dep == "ccomp":
        if lemma in REPORTING:
            mood.reported_clause = True
        if lemma in HYPOTHETICAL_CCOMP:
            mood.hypothetical = True  # "recommended the troops withdraw"
    elif dep == "xcomp":
        if lemma in REPORTING and is_passive(nxt):
            mood.reported_clause = True  # "was reported to have killed", "is said to be"
        if lemma in HYPOTHETICAL_GOVERNORS:
            mood.hypothetical = True
        elif lemma in FUTURE_GOVERNORS:
            mood.future = True
    elif dep in {"acl", "relcl"} and any(c.dep_ == "aux" and c.lower_ == "to" for c in h.children):
        if lemma in HYPOTHETICAL_NOUNS:
            mood.hypothetical = True
        elif nxt.pos_ in {"NOUN", "PROPN"}:
            mood.future = True  # "plans to pull out", "a commitment to release"
    elif dep == "advcl" and mark_of(h) in {"if", "unless", "whether"}:
        mood.hypothetical = True
    else:
        return False
    return True


def _reported_relation(
    trig: Trigger, h: Token, nxt: Token, dep: str, lemma: str, mood: _Mood
) -> bool:
    """A relation that reports the event or awaits it; False when ``h`` has none."""
    if (
        dep == "pcomp"
        and nxt.lower_ == "of"
        and (
            nxt.head.lemma_ in REPORTING | ACCUSING
            or (nxt.head.dep_ in {"dobj", "obj"} and nxt.head.head.lemma_ in ACCUSING)
        )
    ):
        mood.reported_clause = True  # "accused the military of carrying out air strikes"
    elif dep == "parataxis" and lemma in REPORTING:
        mood.reported_clause = True
    elif dep == "dobj" and lemma in REPORTED_OBJECT and trig.kind == "noun":
        mood.reported_clause = True  # "Reuters reported Monday's attack"
    elif (
        dep == "dobj"
        and lemma in FUTURE_OBJECT_GOVERNORS
        and h is trig.token
        and trig.kind == "noun"
    ):
        mood.future = True  # "awaited approval"
    else:
        return False
    return True


def _auxiliaries(group: list[Token], mood: _Mood) -> None:
    """Modal auxiliaries and conditions on the verbs of the group."""
    for v in group:
        for c in v.children:
            low = c.lower_
            if c.dep_ in {"aux", "auxpass"}:
                if low in HYPOTHETICAL_AUX:
                    mood.hypothetical = True
                elif low in FUTURE_AUX:
                    mood.future = True
                elif low in {"would", "'d"}:
                    if mood.reported_clause:
                        mood.future = True
                    else:
                        mood.hypothetical = True
            elif (c.dep_ == "mark" and low in {"if", "unless", "whether"}) or (
                c.dep_ == "advcl" and mark_of(c) in {"if", "unless"}
            ):
                mood.hypothetical = True
        if v.lemma_ == "go" and v.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in v.children):
            mood.future = True


def _future_frames(verbs: list[Token], group: list[Token], mood: _Mood) -> None:
    """ "is due to visit", "are expected to meet", "are to be delivered"."""
    for v in verbs:
        if v.n_lefts + v.n_rights > 40:
            continue
        if v.lower_ in FUTURE_ADJ and any(c.dep_ == "xcomp" for c in v.children):
            mood.future = True
        for c in v.children:
            if (
                c.dep_ == "acomp"
                and c.lower_ in FUTURE_ADJ
                and any(x.dep_ == "xcomp" for x in c.children)
            ):
                mood.future = True
            if v.lemma_ == "be" and c.dep_ == "xcomp" and c in group:
                mood.future = True  # "are to be delivered"


def _reported_adverbs(verbs: list[Token], mood: _Mood) -> None:
    """ "reportedly", "according to" on the trigger's clauses."""
    for v in verbs:
        if v.n_lefts + v.n_rights > 40:
            continue  # the hub of a run-on "sentence": nothing to learn there
        for c in v.children:
            if (c.dep_ == "advmod" and c.lower_ in REPORTED_ADVERBS) or (
                c.dep_ == "prep" and c.lower_ == "according"
            ):
                mood.reported = True
