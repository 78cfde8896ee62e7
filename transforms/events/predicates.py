"""Event nouns whose support or participants are in the clause around them, not in the noun
phrase.

* A **prepositional predicate** supports an event noun the way a support verb does: a party
  that *is in talks* or *in agreement*, *remains on strike*, *is on alert*, *participates in*
  negotiations holds that event, and the clause's subject is its actor
  (:func:`predicate_support`).
* An aspectual verb's subject is the party of the event noun it begins, goes on with or ends
  (*officials concluded a trip to China*): :func:`aspectual_object`.
* A **verb of doing with no event of its own** whose subject is a party carries the event noun it
  governs as direct object, the way a support verb does (*Iran is preparing lawsuits*, *Japan
  has still to fulfill pledges*, *Nakasone is likely to bring a promise to open markets*):
  :func:`object_support`. Only verbs of preparing, proposing, carrying out or keeping an act
  (not *faced protests*, *received aid*, *expects talks*, *described the attack*).
* A noun phrase may name its participants in a participle (*a meeting involving Brazil and
  Colombia*), and an act may be said to *come from* a party (*a call for a cut came from the
  Dutch central bank*): :func:`clause_participant`, :func:`source_of`.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.context import EventContext
from transforms.events.kinds import is_participant
from transforms.events.markets import political
from transforms.events.syntax import subject_of

#: Verbs whose "in"/"on" phrase states that the subject takes part in the event it names.
PREDICATE_VERBS = frozenset({"be", "remain", "stay", "participate"})
PREDICATE_PREPS = frozenset({"in", "on"})
#: Fixed phrases that name no event ("in charge of": responsible for).
PREDICATE_IDIOMS = frozenset({("in", "charge")})
#: Participles that name the parties of an event noun ("a meeting involving Brazil").
PARTY_PARTICIPLES = frozenset({"involve"})
#: Verbs that give an event noun subject its source ("the call came from X").
SOURCE_VERBS = frozenset({"come"})
#: Aspectual verbs: their subject is the party of the event they begin, go on with or
#: complete ("officials concluded a trip to China", "the two sides resumed talks"); not "end",
#: whose subject is often the other side ("the company ended the strike").
ASPECT_VERBS = frozenset({"begin", "start", "conclude", "complete", "finish", "continue", "resume"})
#: Verbs of preparing, proposing, carrying out or keeping an act, whose subject is the doer of
#: the act their object names ("preparing lawsuits", "proposed an investigation", "fulfil
#: pledges"). Not verbs whose subject has, receives, fears, prevents, fights, welcomes, weighs
#: or names another's act ("faced protests", "combat threats", "greeted the announcement",
#: "would not consider requests", "characterized the attack as"): on the dev gold articles a
#: first version that took every verb but those added eight rows, none a gold event.
DOING_VERBS = frozenset(
    {
        "prepare", "plan", "propose", "draft", "fulfil", "fulfill", "honour", "honor", "keep",
        "bring", "implement", "execute", "perform", "organise", "organize", "arrange", "schedule",
        "renew", "repeat", "pursue", "undertake",
    }
)  # fmt: skip


def predicate_support(ctx: EventContext, t: Token) -> Token | None:
    """The verb of a prepositional predicate that supports the event noun ``t`` ("Japan and
    the US were in agreement", "marines were on alert", "delegates will participate in the
    talks"), when its subject is a participant; else None."""
    prep = t.head
    if t.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in PREDICATE_PREPS:
        return None
    verb = prep.head
    if verb.lemma_ not in PREDICATE_VERBS or prep.i < verb.i:
        return None  # "In the talks, Canada is …": a fronted phrase is no predicate
    if (prep.lower_, t.lower_) in PREDICATE_IDIOMS:
        return None
    subj = subject_of(ctx, verb)
    if subj is None:
        return None
    forces = ctx.lex.cls("@force")  # "marines were on alert"
    party = political(ctx, subj) or bool({subj.lower_, subj.lemma_.lower()} & forces)
    return verb if party else None


def object_support(ctx: EventContext, t: Token, busy: set[int]) -> Token | None:
    """The verb that carries the event noun ``t``, its direct object, when the verb is no
    trigger and supports no other noun (``busy``: their token indices), a verb of doing
    (:data:`DOING_VERBS`) whose subject is a party: "Iran is preparing lawsuits", "Japan has
    still to fulfill pledges"; else None."""
    verb = t.head
    if t.dep_ != "dobj" or verb.pos_ != "VERB" or verb.i in busy:
        return None
    if verb.lemma_.lower() not in DOING_VERBS:
        return None
    subj = subject_of(ctx, verb)
    return verb if subj is not None and political(ctx, subj) else None


def clause_participant(ctx: EventContext, t: Token) -> bool:
    """Does the clause around the event noun ``t`` name a party of it ("the meeting, involving
    Brazil", "a call … came from Wim Duisenberg")?"""
    for c in t.children:
        if (
            c.dep_ == "acl"
            and c.lemma_ in PARTY_PARTICIPLES
            and any(o.dep_ == "dobj" and is_participant(ctx, o) for o in c.children)
        ):
            return True
    return source_of(ctx, t) is not None


def source_of(ctx: EventContext, t: Token) -> Token | None:
    """ "A call for a German move came yesterday from Wim Duisenberg": the party the event
    noun, subject of a verb of coming, comes from."""
    if t.dep_ != "nsubj" or t.head.lemma_ not in SOURCE_VERBS:
        return None
    for c in t.head.children:
        if c.dep_ == "prep" and c.lower_ == "from":
            for p in c.children:
                if p.dep_ == "pobj" and is_participant(ctx, p):
                    return p
    return None


def aspectual_object(t: Token) -> bool:
    """Is the event noun ``t`` the object of an aspectual verb ("concluded a trip", "resumed
    talks"), whose subject is then its party?"""
    return t.dep_ == "dobj" and t.head.lemma_ in ASPECT_VERBS
