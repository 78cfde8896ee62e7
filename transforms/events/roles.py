"""Roles: who did what to whom — the actors and targets of a trigger.

actor = PLOVER source: subject (inherited through *to*-infinitives, coordination and relative
clauses), *by*-agent of a passive, possessor or entity modifier of a noun. target =
recipient: direct object, or the category's preposition (``TARGET_PREPS``: *with* for
meetings and agreements, *against* for attacks and accusations, *on* for sanctions, *to* for
aid and visits, *from* for withdrawals and purchases). Support verbs (*held talks*) give the noun trigger
their subject as actor. An inanimate cause is no actor ("the attack killed twelve"); objects
that are things, not participants, are no targets ("condemned the measures"); the object of
a withdrawal or a deployment is its theme ("withdrew its troops from Mali" → Mali is the
target). Coordinated participants of a symmetric event (*X and Y met*) become actor and
target (:func:`pairs`); otherwise each coordinated actor or target gives its own row.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.candidates import (
    actor_token,
    cause_actor,
    ccomp_subject,
    compound_actor,
    is_event_noun,
    is_theme,
    owner_token,
    prep_target,
    target_ok,
    theme_place,
)
from transforms.events.context import (
    MAX_ROWS_PER_TRIGGER,
    Arg,
    EventContext,
    Trigger,
)
from transforms.events.kinds import (
    entity_modifier,
    is_agentive,
    is_participant,
    is_person,
    state_of,
)
from transforms.events.lexicon import (
    OF_ROLE,
    PARTICIPATORY,
    SYMMETRIC_TYPES,
    TARGET_PREPS,
)
from transforms.events.participants import args_of, owners_of, span_arg
from transforms.events.predicates import aspectual_object, source_of
from transforms.events.references import resolved_possessive
from transforms.events.syntax import (
    agent_of,
    child_with,
    governing_verb,
    is_passive,
    is_time,
    object_of,
    shared_object_conj,
    stative_subject,
    subject_of,
)
from transforms.events.words import (
    AGENT_VERBS,
    THREAT_VERBS,
)
from transforms.mentions.model import Mention


def roles_of(ctx: EventContext, trig: Trigger) -> tuple[list[Arg], list[Arg], Token]:
    """(actors, targets, clause verb) of a trigger."""
    if trig.kind == "noun":
        return _noun_role_args(ctx, trig)
    t = trig.token
    stance = stative_subject(t)  # "were opposed to the tax"
    passive = is_passive(t) and stance is None
    obj = object_of(ctx, t, "verb") if stance is None else None
    if obj is None and not passive and (v := shared_object_conj(t)) is not None:
        obj = object_of(ctx, v, "verb")  # "shelled and destroyed two Iranian platforms"
    actor_tok = agent_of(t) if passive else (stance or subject_of(ctx, t))
    target_tok = obj
    if trig.type == "CONSULT" and obj is not None and not is_person(ctx, obj):
        # "discussed the Middle East with Soviet officials": the object is the topic
        target_tok = prep_target(ctx, t, trig, exclude=actor_tok) or obj
    if trig.type == "MOBILIZE" and actor_tok is None and obj is not None:
        actor_tok, target_tok = obj, None  # "the army had been deployed"
    theme = None
    if target_tok is not None and is_theme(ctx, trig, target_tok):
        theme, target_tok = target_tok, None
    if (
        "theme" in {c.slot for c in trig.entry.conds}
        and obj is None
        and not passive
        and actor_tok is not None
        and not is_participant(ctx, actor_tok)
    ):
        # "the US military presence in Afghanistan will cease": the subject is the theme
        theme = actor_tok
        actor_tok = owner_token(ctx, theme)
    if target_tok is not None and not target_ok(ctx, target_tok, trig):
        target_tok = _target_owner(ctx, trig, target_tok)
    if target_tok is None:
        target_tok = _other_target(ctx, trig, obj, actor_tok)
    if target_tok is None:
        target_tok = _clausal_target(ctx, trig, obj, actor_tok, theme)
    if actor_tok is None and "harm" in trig.entry.flags:
        actor_tok = cause_actor(ctx, t)
    actor_tok = actor_token(ctx, actor_tok)
    actors = args_of(ctx, actor_tok)
    targets = args_of(ctx, target_tok)
    if "swap" in trig.entry.flags:
        actors, targets = targets, actors
    return actors, targets, t


#: Types whose object, when it is no participant, stands for its owner ("rejected the EU's
#: demand", "agreed to a South Korean proposal").
OWNED_OBJECT_TYPES = frozenset({"ACCUSE", "REJECT", "SUPPORT", "REQUEST", "CONCEDE", "AGREE"})


def _target_owner(ctx: EventContext, trig: Trigger, obj: Token) -> Token | None:
    """For an object that is no participant, whose it is: "alleged Iranian involvement",
    "rejected the EU's demand", "a report criticising his role", "condemned the act of the NTC", "rejected a demand by the
    IMF" (accusations, rejections, support, requests, concessions, agreements); None
    otherwise."""
    if trig.type not in OWNED_OBJECT_TYPES or is_theme(ctx, trig, obj):
        return None
    owner = next(
        (
            c
            for c in obj.children
            if c.dep_ in {"poss", "amod", "compound", "nmod"}
            and (
                entity_modifier(ctx, c) is not None
                or (c.dep_ == "poss" and (is_agentive(c) or resolved_possessive(ctx, c)))
            )
        ),
        None,
    )
    if owner is not None:
        return owner
    return next(
        (
            p
            for c in obj.children
            if c.dep_ in {"prep", "agent"} and c.lower_ in {"of", "by", "from"}
            for p in c.children
            if p.dep_ == "pobj" and ctx.mention_at(p) is not None
        ),
        None,
    )


def _other_target(
    ctx: EventContext, trig: Trigger, obj: Token | None, actor_tok: Token | None
) -> Token | None:
    """A target outside the direct object: the category's preposition on the trigger, on
    its object, on a coordinated verb sharing it, or the object of a merged participle."""
    t = trig.token
    found = prep_target(ctx, t, trig, exclude=actor_tok)
    if found is None:  # an indirect object: "granted Milken a pardon", "extended Pakistan $1m"
        found = next(
            (c for c in t.children if c.dep_ == "dative" and c.pos_ in {"PROPN", "NOUN", "PRON"}),
            None,
        )
        if found is not None and (found == actor_tok or not target_ok(ctx, found, trig)):
            found = None
    if found is None and obj is not None and not is_event_noun(ctx, obj):
        found = prep_target(ctx, obj, trig, exclude=actor_tok)
    if found is None and child_with(ctx, t, {"dobj", "obj"}) is None:
        v = shared_object_conj(t)  # "police fired and landed a live round on a protester"
        if v is not None:
            found = prep_target(ctx, v, trig, exclude=actor_tok)
    if found is None and trig.merged is not None:
        m_obj = object_of(ctx, trig.merged, "verb")
        if m_obj is not None and m_obj.i != t.i and target_ok(ctx, m_obj, trig):
            found = m_obj
    return found


def _clausal_target(
    ctx: EventContext,
    trig: Trigger,
    obj: Token | None,
    actor_tok: Token | None,
    theme: Token | None,
) -> Token | None:
    """A target found in a complement, by category: the subject of a requested, alleged or
    threatened clause, the one who should resign, what is agreed to be bought, where a
    withdrawal leaves."""
    t = trig.token
    type_ = trig.type
    if obj is None and type_ in {"REQUEST", "ACCUSE", "THREATEN"}:
        # "recommended the troops withdraw", "alleged the government is hiding figures",
        # "warned that insurers would face serious consequences"
        cs = ccomp_subject(ctx, t, THREAT_VERBS if type_ == "THREATEN" else None)
        if cs is not None and target_ok(ctx, cs, trig):
            return cs
    if obj is None and type_ == "REQUEST":
        found = _requested_of(ctx, t)
        if found is not None:
            return found
    found = _complement_target(ctx, trig, obj)
    if found is not None or type_ == "COOPERATE":
        return found
    if type_ == "RETREAT":
        for where in (theme, t, actor_tok if obj is None else None):
            if where is not None:
                found = theme_place(ctx, where)
                if found is not None:
                    return found
    return None


def _complement_target(ctx: EventContext, trig: Trigger, obj: Token | None) -> Token | None:
    """The object of what is agreed or threatened ("agreed to buy Dutch rival Veldman Groep",
    "threatened to block Japanese firms"), the owner of what is agreed to ("agreed to a South
    Korean proposal"), the country of goods exchanged ("bought French wheat")."""
    t, type_ = trig.token, trig.type
    if type_ in {"AGREE", "THREATEN"}:
        x = child_with(ctx, t, {"xcomp"})
        xo = child_with(ctx, x, {"dobj"}) if x is not None else None
        if xo is not None and (ctx.mention_at(xo) is not None or state_of(ctx, xo) is not None):
            return xo
    if type_ in OWNED_OBJECT_TYPES and obj is None:
        for c in t.children:
            if c.dep_ in {"prep", "dative"} and c.lower_ in {"to", "on"}:
                p = child_with(ctx, c, {"pobj"})
                owner = _target_owner(ctx, trig, p) if p is not None else None
                if owner is not None:
                    return owner
    if type_ == "COOPERATE" and obj is not None:
        goods = [obj] + [  # "5,000 tonnes of Canadian rapeseed"
            p for c in obj.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children
        ]
        return next(
            (
                c
                for g in goods
                for c in g.children
                if c.dep_ in {"amod", "compound", "nmod"}
                and (m := entity_modifier(ctx, c)) is not None
                and m.family != "PERSON"
            ),
            None,
        )
    return None


def _requested_of(ctx: EventContext, t: Token) -> Token | None:
    """ "called for Rosselló's resignation": the demand is on the one who should resign;
    "called for President Reagan to force Japan …": on the one asked to act."""
    fors = [p for c in t.children if c.dep_ == "prep" and c.lower_ == "for" for p in c.children]
    fors = [p for p in fors if p.dep_ == "pobj"]
    wanted = next((p for p in fors if is_event_noun(ctx, p)), None)
    if wanted is None:
        asked = next((p for p in fors if is_participant(ctx, p)), None)
        return asked if asked is not None and _acts(t) else None
    return next(
        (
            c
            for c in wanted.children
            if (
                c.dep_ == "poss"
                and (entity_modifier(ctx, c) is not None or is_agentive(c) or c.tag_ == "PRP$")
            )
            or (c.dep_ in {"compound", "amod", "nmod"} and _named_body(ctx, c))
        ),
        None,
    )


def _acts(t: Token) -> bool:
    """Does a request name the act asked for in an infinitive ("… to force Japan")?"""
    return any(
        c.dep_ in {"xcomp", "advcl"}
        and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        for c in t.children
    )


def _named_body(ctx: EventContext, c: Token) -> bool:
    """ "called for G7 action": an organisation or state modifying the requested act."""
    m = entity_modifier(ctx, c)
    return m is not None and (m.family == "ORG" or bool(m.country_code))


def _noun_role_args(ctx: EventContext, trig: Trigger) -> tuple[list[Arg], list[Arg], Token]:
    t = trig.token
    type_ = trig.type
    light = trig.light
    clause = light if light is not None else (governing_verb(t) or t)
    actor_tok, target_tok = _noun_roles(ctx, t, trig)
    lsubj = None
    if light is not None:
        light_rows = ctx.lex.rows(light.lemma_.lower(), "VERB")
        recv = any("recv" in e.flags for e in light_rows)
        lsubj = agent_of(light) if is_passive(light) else subject_of(ctx, light)
        if lsubj is not None and lsubj.i == t.i:
            lsubj = None
        if recv:
            if target_tok is None:
                target_tok = lsubj
            lsubj = None
        elif actor_tok is None and lsubj is not None:
            actor_tok = lsubj
        if target_tok is None:
            target_tok = _light_target(ctx, trig, light, actor_tok)
    elif actor_tok is None and type_ in PARTICIPATORY and t.dep_ == "pobj":
        gov = governing_verb(t)
        if gov is not None and t.head.lower_ in {
            "on",
            "during",
            "at",
            "for",
            "in",
            "after",
            "following",
            "before",
            "to",  # "drove straight to a meeting with Shevardnadze"
        }:
            actor_tok = subject_of(ctx, gov)
    elif actor_tok is None and type_ in PARTICIPATORY and aspectual_object(t):
        actor_tok = subject_of(ctx, t.head)  # "officials concluded a trip to China"
    if actor_tok is None:
        actor_tok = compound_actor(t) or source_of(ctx, t)  # "the call came from X"
    if target_tok is not None and not target_ok(ctx, target_tok, trig):
        target_tok = None
    sym = trig.type in SYMMETRIC_TYPES or "sym" in trig.entry.flags
    if sym and target_tok is None and actor_tok is not None and actor_tok.lower_ == "their":
        # "their meeting", "put their signatures to the accord": the coordinated subject
        # of the support verb, else the clause's participants
        if lsubj is not None and lsubj.conjuncts:
            return args_of(ctx, lsubj), [], clause
        pair = _their_participants(ctx, t, clause)
        if pair:
            return pair, [], clause
    actor_tok = actor_token(ctx, actor_tok)
    return args_of(ctx, actor_tok), args_of(ctx, target_tok), clause


def _light_target(
    ctx: EventContext, trig: Trigger, light: Token, actor_tok: Token | None
) -> Token | None:
    """The target a support verb gives its noun: the category's preposition, an indirect
    object, or its own object when the noun is in a prepositional phrase ("provided its
    former colony with a loan")."""
    found = prep_target(ctx, light, trig, exclude=actor_tok)
    if found is None:
        found = child_with(ctx, light, {"dative"})
    if found is None and trig.token.dep_ == "pobj":
        lobj = child_with(ctx, light, {"dobj"})
        found = lobj if lobj is not None and is_participant(ctx, lobj) else None
    return found


def _their_participants(ctx: EventContext, t: Token, clause: Token) -> list[Arg]:
    """The two parties of "their talks": the clause's subject and the other entities of the
    sentence, else the people named just before."""
    found: list[Mention] = []
    seen: set[int] = set()

    def add(m: Mention | None) -> None:
        if (
            m is not None
            and m.entity is not None
            and id(m.entity) not in seen
            and (m.family in {"PERSON", "ORG", "PLACE"} or (m.family == "NORP" and m.country_code))
        ):
            seen.add(id(m.entity))
            found.append(m)

    subj = subject_of(ctx, clause) if clause is not t else None
    if subj is not None:
        add(ctx.mention_at(subj))
        for o in owners_of(ctx, subj):
            add(o)
    lo, hi = ctx.sentence_bounds(t.i)
    for i in range(lo, hi):
        m = ctx.by_token.get(i)
        if m is not None and m.start == i and m.family in {"PERSON", "PLACE", "ORG"}:
            tok = ctx.tokens[i]
            if tok.dep_ in {"nsubj", "dobj", "pobj", "appos", "conj"} or ctx.tokens[
                m.end - 1
            ].dep_ in {"nsubj", "dobj", "pobj", "appos", "conj"}:
                add(m)
        if len(found) >= 2:
            break
    k = ctx.sentence_index(t.i)
    for kk in range(k - 1, max(-1, k - 3), -1):
        if len(found) >= 2:
            break
        lo = ctx.sent_starts[kk]
        hi = ctx.sent_starts[kk + 1]
        for i in range(hi - 1, lo - 1, -1):
            m = ctx.by_token.get(i)
            if m is not None and m.family == "PERSON" and not ctx.in_quote(ctx.tokens[i].idx):
                add(m)
            if len(found) >= 2:
                break
    if len(found) < 2:
        return []
    return [span_arg(ctx, m.start, m.end, m) for m in found[:2]]


def _noun_roles(ctx: EventContext, t: Token, trig: Trigger) -> tuple[Token | None, Token | None]:
    """(actor, target) tokens of an event noun: its possessor, its prepositions, its entity
    modifiers."""
    actor = None
    for c in t.children:
        if c.dep_ == "poss" and not is_time(c):
            actor = c
    actor, target = _prep_roles(t, trig, actor)
    mods = _who_modifiers(ctx, t)
    if mods:
        if actor is None:
            actor = mods[0]
        elif target is None and mods[0].i != actor.i:
            target = mods[0]
    return actor, target


def _who_modifiers(ctx: EventContext, t: Token) -> list[Token]:
    """Modifiers of an event noun that say who: a country or an organisation ("Russian
    strikes", "the US airstrike", "her Pentagon visit"); a city says where ("a Kabul car
    bombing"), and the noun's own name is no party ("the Vietnam War")."""
    own = ctx.mention_at(t)
    mods = []
    for c in t.children:
        if c.dep_ in {"compound", "amod", "nmod"}:
            m = entity_modifier(ctx, c)
            if m is not None and m is not own and not (m.family == "PLACE" and not m.country_code):
                mods.append(c)
    return mods


def _prep_roles(t: Token, trig: Trigger, actor: Token | None) -> tuple[Token | None, Token | None]:
    """Actor and target from the noun's prepositions ("attack by X on Y", "talks between
    X and Y", "withdrawal of X"), and the agent of "the attack conducted by X"."""
    target = None
    type_ = trig.type
    of_role = trig.entry.of_role or OF_ROLE.get(type_ or "", "actor")
    tpreps = TARGET_PREPS.get(type_, ())
    for c in t.children:
        if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_ in AGENT_VERBS and actor is None:
            actor = agent_of(c)  # "the attack, reportedly conducted by the Taliban"
        if c.dep_ != "prep":
            continue
        pobj = next((p for p in c.children if p.dep_ == "pobj"), None)
        if pobj is None or is_time(pobj):
            continue
        prep = c.lower_
        if prep == "by" and actor is None:
            actor = pobj
        elif prep == "from" and type_ not in {"RETREAT", "SANCTION"} and actor is None:
            actor = pobj  # "pressure from the United States", "aid from Japan"
        elif prep == "between" and actor is None:
            actor = pobj
        elif prep == "of":
            if of_role == "actor" and actor is None:
                actor = pobj
            elif of_role == "target" and target is None:
                target = pobj
        elif prep in tpreps and target is None:
            target = pobj
    return actor, target


def pairs(
    actors: list[Arg], targets: list[Arg], trig: Trigger
) -> list[tuple[Arg | None, Arg | None]]:
    sym = (
        "sym" in trig.entry.flags
        or (trig.type in SYMMETRIC_TYPES and trig.kind == "noun")
        # "the war between the army and the RSF": both sides are parties
        or any(c.dep_ == "prep" and c.lower_ == "between" for c in trig.token.children)
    )
    if sym and len(actors) >= 2 and not targets:
        return [(actors[0], a) for a in actors[1:]][:MAX_ROWS_PER_TRIGGER]
    if sym and len(targets) >= 2 and not actors:
        return [(targets[0], a) for a in targets[1:]][:MAX_ROWS_PER_TRIGGER]
    out: list[tuple[Arg | None, Arg | None]] = []
    for a in actors or [None]:
        for b in targets or [None]:
            if a is not None and b is not None and a.key() == b.key():
                continue
            out.append((a, b))
    if not out:
        out = [(actors[0] if actors else None, None)]
    return out[:MAX_ROWS_PER_TRIGGER]
