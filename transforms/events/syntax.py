"""Grammatical relations the event rules need, read off the dependency parse.

The (possibly inherited) subject of a verb (:func:`subject_of`: through *to*-infinitives,
coordination, relative clauses, control verbs), its object (:func:`object_of`), the agent of
a passive (:func:`agent_of`), the verb a noun depends on (:func:`governing_verb`), a clause's
marker (:func:`mark_of`), and quantifiers that hand over to their "of" object ("dozens of
homes" → homes). Subtree walks stop after ``NEAR`` tokens so that a run-on sentence never
makes extraction quadratic.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from transforms.events.context import EventContext
from transforms.events.kinds import is_agentive
from transforms.events.words import (
    ACCUSING,
    NOT_TIME_PREPS,
    OBJECT_CONTROL,
    QUANTIFIERS,
    SCHEDULING,
)

#: Relative adverbs: the noun a relative clause they open hangs on is no argument of its verb.
ADVERB_RELATIVES = frozenset({"where", "when", "why"})
#: Participles that state a stance with "to" ("opposed to", not a passive).
STATIVE_PARTICIPLES = frozenset({"oppose"})


def is_time(tok: Token) -> bool:
    return tok.ent_type_ in {"DATE", "TIME"}


def time_prep(prep: Token) -> bool:
    """Can the object of this preposition date an event? Not "since 2011", "for two days";
    "for" and "to" only after a scheduling verb ("is scheduled for March 24")."""
    low = prep.lower_
    if low not in NOT_TIME_PREPS:
        return True
    return low in {"for", "to"} and prep.head.lemma_ in SCHEDULING


def governing_verb(t: Token) -> Token | None:
    """The verb a noun depends on, directly or through one preposition."""
    h = t.head
    if t.dep_ == "pobj" and h.dep_ in {"prep", "agent"}:
        h = h.head
    if h is t or h.i == t.i:
        return None
    return h if h.pos_ in {"VERB", "AUX"} else None


def shared_object_conj(t: Token) -> Token | None:
    """The next coordinated verb when ``t`` has neither object nor preposition of its own and
    the conjunct shares ``t``'s subject: "police fired and landed a round on a protester"."""
    if any(
        c.dep_ in {"dobj", "obj", "dative", "ccomp", "xcomp"}
        or (c.dep_ == "prep" and c.lower_ in {"on", "at", "against", "into", "upon"})
        for c in t.children
    ):
        return None
    for c in t.children:
        if c.dep_ == "conj" and c.pos_ == "VERB" and not has_own_subject(c):
            if any(x.dep_ == "dobj" for x in c.children):
                return c
            return None
    return None


def of_quantifier(t: Token) -> Token | None:
    """ "three of the same companies" → companies; "dozens of homes" → homes."""
    if t.lower_ in QUANTIFIERS or t.like_num:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj" and not (p.pos_ == "PRON" and t.lower_ == "one"):
                        # "most of them" → them; "one of them" stays one (not the group)
                        return p
    return None


#: Subtree walks stop after this many tokens: a run-on "sentence" of thousands of tokens must
#: not make extraction quadratic.
NEAR = 60


def near_tokens(tokens: Iterable[Token]) -> Iterable[Token]:
    for n, tok in enumerate(tokens):
        if n >= NEAR:
            return
        yield tok


def child_with(ctx: EventContext, t: Token, deps: set[str]) -> Token | None:
    """The first child with one of these relations, preferring one outside the dateline
    ("GOMA, Democratic Republic of Congo - At least 23 civilians were killed")."""
    fallback = None
    for c in t.children:
        if c.dep_ in deps:
            if c.i >= ctx.dateline_end:
                return c
            fallback = fallback or c
    return fallback


def object_of(ctx: EventContext, t: Token, kind: str = "verb") -> Token | None:
    if kind == "noun":
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in {"of", "on", "against"}:
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        return None
    c = child_with(ctx, t, {"dobj", "obj"}) or child_with(ctx, t, {"nsubjpass"})
    if c is not None:
        if c.tag_ in {"WDT", "WP"} and t.dep_ == "relcl":
            return t.head  # "the dispute, which ambassadors resolved"
        return of_quantifier(c) or c
    dep = t.dep_
    if dep == "relcl" and not any(
        c.dep_ in {"dobj", "nsubjpass"} or c.lower_ in ADVERB_RELATIVES for c in t.children
    ):  # "the ships Iran attacked"; not "Hong Kong, where newspapers alleged …"
        subj = child_with(ctx, t, {"nsubj"})
        if subj is not None and subj.tag_ not in {"WDT", "WP"} and subj.lower_ != "that":
            return t.head
    if dep == "acl" and t.tag_ == "VBN":
        return t.head
    if dep in {"conj", "xcomp"} and is_passive(t):
        # "drowned or killed by landslides", "are to be delivered": the head's subject
        c = child_with(ctx, t.head, {"nsubj", "nsubjpass"})
        if c is not None:
            return of_quantifier(c) or c
    if dep == "pcomp" and t.tag_ == "VBN" and is_passive(t):
        # "died in Aden after being shot": the main clause's subject; only after a
        # preposition ("Asked by reporters, he said" is an interview frame, not a request)
        c = child_with(ctx, _verb_above(t.head), {"nsubj", "nsubjpass"})
        if c is not None:
            return of_quantifier(c) or c
    return None


def explicit_subject(ctx: EventContext, t: Token) -> Token | None:
    c = child_with(ctx, t, {"nsubj", "csubj"})
    if c is not None:
        return c
    for a in t.children:  # the parser sometimes hangs the subject on the auxiliary
        if a.dep_ in {"aux", "auxpass"}:
            c = child_with(ctx, a, {"nsubj"})
            if c is not None:
                return c
    return None


def subject_of(ctx: EventContext, t: Token, depth: int = 0) -> Token | None:
    """The (possibly inherited) active subject of a verb."""
    c = explicit_subject(ctx, t)
    if c is not None:
        if c.tag_ in {"WDT", "WP"} or c.lower_ == "that":
            return t.head if t.dep_ == "relcl" else None
        return of_quantifier(c) or c
    if any(c.dep_ == "nsubjpass" for c in t.children) or depth > 4:
        return None
    head = t.head
    if head is t or head.i == t.i:
        return recover_subject(ctx, t)
    dep = t.dep_
    if head.pos_ == "ADJ" and head.dep_ in {"acomp", "xcomp"} and dep == "xcomp":
        head = head.head  # "Wierzbicki is due to visit Canada"
    if dep == "xcomp" or (dep == "advcl" and mark_of(t) == "to"):
        return _controller(ctx, head, depth)
    if (dep == "acomp" and t.pos_ == "ADJ") or (dep == "attr" and head.lemma_ == "be"):
        return subject_of(ctx, head, depth + 1)  # "X has been critical of": the copula's
    if dep == "conj" and head.pos_ in {"VERB", "AUX"}:
        return subject_of(ctx, head, depth + 1)
    if dep == "relcl":
        return _relative_subject(ctx, t, depth)
    if dep == "acl":
        return _acl_subject(ctx, t, depth)
    if dep == "pcomp" and head.lower_ == "of":
        accused = _accused(ctx, head)
        if accused is not None:
            return accused
    if (
        dep in {"advcl", "pcomp"}
        and t.tag_ in {"VBG", "VB"}
        and not any(c.dep_ == "mark" for c in t.children)
    ):
        return subject_of(ctx, _verb_above(head), depth + 1)
    if dep in {"ccomp", "advcl", "parataxis"} and t.tag_ in {"VBD", "VBZ", "VBP"}:
        return recover_subject(ctx, t)
    return None


def _verb_above(head: Token) -> Token:
    """The verb an adverbial gerund hangs on, through up to three non-verbs ("the US was
    more forceful in blaming Iran")."""
    v = head
    for _ in range(3):
        if v.pos_ in {"VERB", "AUX"} or v.head.i == v.i:
            break
        v = v.head
    return v


def _controller(ctx: EventContext, head: Token, depth: int) -> Token | None:
    """Who does an infinitive: the object of "urge/order/instruct…" ("instructed agencies
    to investigate"), else the subject (or agent) of the verb it depends on."""
    if head.lemma_ in OBJECT_CONTROL:
        obj = child_with(ctx, head, {"dobj", "obj"})
        if obj is not None:
            return obj
    got = subject_of(ctx, head, depth + 1) or agent_of(head)
    if got is None and is_passive(head):  # "the army had been deployed to help evacuate"
        got = child_with(ctx, head, {"nsubjpass"})
    return got


def _relative_subject(ctx: EventContext, t: Token, depth: int) -> Token | None:
    """The noun a relative clause hangs on; but "had reason to reject a compromise" (an
    infinitive the parser took for a relative clause) is done by who has the reason, as for
    "a chance to soothe"."""
    if _to_infinitive(t) and t.head.pos_ == "NOUN" and not _people(ctx, t.head):
        return _noun_agent(ctx, t.head, depth)
    return t.head


def _to_infinitive(t: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)


def _people(ctx: EventContext, noun: Token) -> bool:
    """A noun that can do the infinitive itself ("hired lawyers to sue")."""
    return ctx.mention_at(noun) is not None or is_agentive(noun)


def _acl_subject(ctx: EventContext, t: Token, depth: int) -> Token | None:
    """The subject of a verb modifying a noun: "protesters demanding …" (the noun, or its
    owner), "a commitment by the CDS to release" (who would do what the noun announces)."""
    if t.tag_ == "VBG":
        owner = _noun_agent_only(t.head)
        return owner if owner is not None else t.head
    if _to_infinitive(t):
        return _noun_agent(ctx, t.head, depth)
    return None


def _accused(ctx: EventContext, of: Token) -> Token | None:
    """ "accused the military of carrying out air strikes": the object of the accusation
    ("of" on the verb or on the object)."""
    gov = of.head
    if gov.lemma_ in ACCUSING:
        return child_with(ctx, gov, {"dobj", "obj"})
    if gov.dep_ in {"dobj", "obj"} and gov.head.lemma_ in ACCUSING:
        return gov
    return None


def recover_subject(ctx: EventContext, t: Token) -> Token | None:
    """A finite verb the parser left without subject: the name right before it
    ("…her counterpart Lloyd Austin, French Defense Minister Florence Parly inked")."""
    if t.tag_ not in {"VBD", "VBZ", "VBP"} or t.i == 0:
        return None
    i = t.i - 1
    while i > 0 and ctx.tokens[i].pos_ == "ADV":
        i -= 1
    prev = ctx.tokens[i]
    if (
        prev.pos_ in {"NOUN", "PROPN"}
        and prev.head.i != t.i
        and prev.dep_ in {"appos", "conj", "compound", "npadvmod", "dep"}
        and not is_time(prev)
        and not prev.is_sent_start
        and prev.i >= ctx.dateline_end
    ):
        return prev
    return None


def _noun_agent_only(noun: Token) -> Token | None:
    for c in noun.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _noun_agent(ctx: EventContext, noun: Token, depth: int) -> Token | None:
    """Who would do what a noun announces: "a commitment by the CDS to release",
    "a resolution to expel" (the subject of the verb the noun depends on)."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    gov = governing_verb(noun)
    if gov is not None and noun.dep_ != "nsubj":
        return subject_of(ctx, gov, depth + 1)
    return None


def agent_of(t: Token) -> Token | None:
    for c in t.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and is_passive(t)):
            for p in c.children:
                if p.dep_ == "pobj" and not is_time(p) and p.lemma_ not in {"end", "time"}:
                    return of_quantifier(p) or p
    return None


def stative_subject(t: Token) -> Token | None:
    """The subject of a participle that states a stance rather than a passive ("the members
    were opposed to the tax": the members oppose it), else None."""
    if t.lemma_ not in STATIVE_PARTICIPLES or any(c.dep_ == "agent" for c in t.children):
        return None
    if not any(c.dep_ == "prep" and c.lower_ == "to" for c in t.children):
        return None
    holders = [t, *(a for a in t.children if a.dep_ in {"aux", "auxpass"})]
    if t.dep_ == "acomp":  # "members were opposed": the participle a complement of "be"
        holders.append(t.head)
    subjects = (c for h in holders for c in h.children if c.dep_ in {"nsubj", "nsubjpass"})
    return next(subjects, None)


def is_passive(t: Token) -> bool:
    for c in t.children:
        if c.dep_ in {"nsubjpass", "auxpass", "agent"}:
            return True
    return (
        t.tag_ == "VBN"
        and t.dep_ in {"acl", "relcl"}
        and not any(c.dep_ in {"nsubj", "aux"} for c in t.children)
    )


def has_own_subject(t: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"} for c in t.children)


def mark_of(t: Token) -> str | None:
    for c in t.children:
        if c.dep_ == "mark" or (c.dep_ == "aux" and c.lower_ == "to"):
            return c.lower_
        if c.dep_ == "advmod" and c.lower_ in {"when", "while"}:
            return c.lower_
    return None
