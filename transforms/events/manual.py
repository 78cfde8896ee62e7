"""The PLOVER manual's rules that type an event by its modality and by what it governs.

The lexicons say what kind of act a word names; the manual codes some acts by what they
promise (its "potential ambiguities" of AGREE, CONSULT, COOPERATE, AID, RETREAT, CONCEDE):

* future cooperative acts — CONSULT, SUPPORT, COOPERATE, AID with ``modality = 'future'``
  ("will meet next week", "plans to sign", "is to visit") — are AGREE ("Cooperative actions of
  types CONSULT, SUPPORT, COOPERATE, and AID reported in future tense … should be coded as
  AGREE");
* future retreats are CONCEDE ("announced … would withdraw troops" is RETREAT + future and
  "should be coded as CONCEDE"); future concessions stay CONCEDE;
* an agreement, offer or promise to retreat or concede ("agreed to forego antidumping duties",
  "offered to release the hostages") is the concession itself: CONCEDE;
* an actor announcing its own future attack, repression or sanction ("Iran said it would
  retaliate", "Washington warned it would impose tariffs") makes a threat: THREATEN, whose
  mode is the content of the threat (ASSAULT → ``violence``, an arrest → ``arrest``, an
  occupation → ``territory``, an expulsion → ``expel``, cut relations → ``relations``, else
  ``restrict``) — the manual's "THREATEN could be ASSAULT + hypothetical … return the single
  event category".

Negated events keep their type ("will not meet" is no agreement). The event's ``modality``
column still says ``future``, so the original kind of act is never lost to a query.
"""

from __future__ import annotations

from transforms.events.context import EventContext, Trigger
from transforms.events.syntax import subject_of
from transforms.events.words import REPORTING

#: Cooperative types that the manual codes AGREE when they are only promised.
FUTURE_AGREE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
#: Types whose promise is a concession.
CONCESSIONS = frozenset({"RETREAT", "CONCEDE"})


#: Conflictual acts whose announcement by their own actor is a threat.
THREATENED = frozenset({"ASSAULT", "COERCE", "SANCTION"})
#: Verbs through which an actor announces what it will do.
ANNOUNCING = REPORTING | frozenset({"vow", "threaten", "pledge", "promise", "announce"})
#: The content of a threat, by the mode of the act threatened (THREATEN's modes).
THREAT_MODES = {
    ("COERCE", "arrest"): "arrest",
    ("COERCE", "seize"): "territory",
    ("COERCE", "deport"): "expel",
    ("SANCTION", "expel"): "expel",
    ("SANCTION", "withdraw"): "relations",
}


def plover_type(ctx: EventContext, trig: Trigger, modality: str, negated: bool) -> str | None:
    """The event's type after the manual's rules (see the module docstring)."""
    type_ = trig.type
    if type_ is None or negated:
        return type_
    if type_ == "AGREE" and _promised_concession(ctx, trig):
        return "CONCEDE"
    if modality == "future":
        if type_ in FUTURE_AGREE:
            return "AGREE"
        if type_ == "RETREAT":
            return "CONCEDE"
        if type_ in THREATENED and _own_announcement(ctx, trig):
            return "THREATEN"
    return type_


def threat_mode(type_: str | None, mode: str | None) -> str:
    """THREATEN's mode for a threatened act of this type and mode."""
    if type_ == "ASSAULT":
        return "violence"
    return THREAT_MODES.get((type_ or "", mode or ""), "restrict")


def _own_announcement(ctx: EventContext, trig: Trigger) -> bool:
    """Is the event announced by its own actor: the complement of a verb of saying or
    announcing whose subject is the event's subject, or a pronoun for it ("Iran said it would
    attack ships", "the army warned it would respond")?"""
    v = trig.light or trig.token
    for _ in range(3):
        if v.dep_ not in {"xcomp", "conj"}:
            break
        v = v.head
    if v.dep_ != "ccomp" or v.head.lemma_ not in ANNOUNCING:
        return False
    speaker, actor = subject_of(ctx, v.head), subject_of(ctx, v)
    if speaker is None or actor is None:
        return False
    if actor.pos_ == "PRON" and actor.lower_ not in {"you", "i"}:
        return True
    m, sm = ctx.mention_at(actor), ctx.mention_at(speaker)
    return (
        m is not None and sm is not None and m.entity is sm.entity
    ) or actor.lower_ == speaker.lower_


def _promised_concession(ctx: EventContext, trig: Trigger) -> bool:
    """Does this agreement, offer or promise govern a retreat or a concession ("agreed to
    give up", "offered to release")? Its infinitive complement, or the one that one governs
    ("agreed to try to lift")."""
    todo = [c for c in trig.token.children if c.dep_ == "xcomp"]
    for _ in range(2):
        nxt = []
        for c in todo:
            if ctx.trigger_types.get(c.i) in CONCESSIONS:
                return True
            nxt += [x for x in c.children if x.dep_ in {"xcomp", "conj"}]
        todo = nxt
    return False
