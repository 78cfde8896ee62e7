"""Triggers: the words of the lexicon that make an event row, and their type.

Only words of the lexicon (:mod:`transforms.events.lexicon`) produce rows: verbs ("agreed",
"pulls out") and event nouns ("visit", "sanctions"), when the conditions of their row hold
(:mod:`transforms.events.conditions`). Support verbs (``LIGHT``: *held talks*, *imposed
sanctions*, *paid a visit*) make the noun the trigger. A noun that merely names an earlier
event again without saying anything new (*since the attack*, *the protest was peaceful*) is
not a row: an event noun needs a support verb, a participant (*her visit*, *attack on
civilians*, *Russian strikes*), a time or a place, or to be the subject of a verb that
narrates it (*protests filled the streets*). The object of another trigger is that trigger's
business (*rejected the demand*) unless it names participants of its own; a capitalised
event noun inside a name (*the Iran–Iraq War*) is a historical reference, not a row; a
violent verb whose object is no possible target is a metaphor ("attack every gate"); a
participle that repeats its verb's event is merged into it. "kill"/"injure" are ACCIDENT or
DISASTER when the cause is one, else ASSAULT.
"""

from __future__ import annotations

from spacy.symbols import ADJ, AUX, NOUN, PROPN, VERB
from spacy.tokens import Token

from transforms.events.candidates import target_ok
from transforms.events.conditions import conds_hold
from transforms.events.context import SKIP_NOUN_FAMILIES, EventContext, Trigger
from transforms.events.fieldmatch import field_entries, field_entry, field_reading, has_patterns
from transforms.events.kinds import (
    entity_modifier,
    is_participant,
    is_place,
    named_event,
)
from transforms.events.lexicon import Entry, lookup
from transforms.events.markets import endangers, market_operation, political, trade_statistics
from transforms.events.predicates import clause_participant, object_support, predicate_support
from transforms.events.syntax import (
    agent_of,
    governing_verb,
    is_time,
    near_tokens,
    of_quantifier,
    subject_of,
    time_prep,
)
from transforms.events.words import (
    AFFILIATION_NOUNS,
    AGENT_VERBS,
    EVENT_SUBJECT_VERBS,
    FIELD_VERBS_OFF,
    HAPPEN_VERBS,
    LOCATIVE_PREPS,
    PHYSICAL_TARGETS,
    PLACE_NOUNS,
    ROUND_NOUNS,
)


def find_triggers(ctx: EventContext) -> list[Trigger]:
    """The triggers of the article, in text order, typed (see the module docstring)."""
    verb_tokens, nouns = _candidates(ctx)
    verbs = [t for t in _verb_triggers(ctx, verb_tokens, nouns) if not _metaphor(ctx, t)]
    verb_at = {t.token.i: t for t in verbs}
    busy = set(verb_at) | {t.light.i for t in nouns.values() if t.light is not None}
    for trig in nouns.values():
        if trig.light is None and trig.token.dep_ == "pobj":
            trig.light = predicate_support(ctx, trig.token)  # "were in agreement"
        elif trig.light is None and "light" not in trig.entry.flags:
            trig.light = object_support(ctx, trig.token, busy)  # "is preparing lawsuits"
        else:
            continue
        if trig.light is not None:
            busy.add(trig.light.i)
            _retype(ctx, trig)
    light_at = {t.light.i: t for t in nouns.values() if t.light is not None}
    kept: list[Trigger] = []
    for trig in verbs:
        if not _merged_participle(trig, verb_at):
            kept.append(trig)
    for trig in nouns.values():
        if _keep_noun(ctx, trig, verb_at, light_at):
            kept.append(trig)
    kept = [
        t
        for t in kept
        if not market_operation(ctx, t) and not endangers(ctx, t) and not trade_statistics(t)
    ]
    for trig in kept:
        if "harm" in trig.entry.flags and trig.type == "ASSAULT":
            trig.type = _harm_type(ctx, trig, kept)
    kept.sort(key=lambda t: t.token.i)
    return kept


def _candidates(ctx: EventContext) -> tuple[list[Token], dict[int, Trigger]]:
    """The verbs that may be triggers, and the noun triggers (by token index)."""
    nouns: dict[int, Trigger] = {}
    verb_tokens: list[Token] = []
    tokens = ctx.tokens
    # Only nouns and verbs: the other tokens are passed over on the POS array.
    wanted = {NOUN, PROPN, VERB, AUX, ADJ}
    for i in (i for i, p in enumerate(ctx.doc.to_array("POS").tolist()) if p in wanted):
        token = tokens[i]
        pos = token.pos_
        low = token.lower_
        verbal = pos == "VERB" or (
            pos == "AUX" and token.dep_ not in {"aux", "auxpass"} and token.lemma_ != "be"
        )
        if pos == "ADJ" or _predicate_noun(ctx, token):
            # "has been critical of", "was an outspoken opponent of": a predicate adjective or
            # agent noun after a copula reads like its verb (rows of pos ADJ; a predicate
            # noun's were looked up by _predicate_noun)
            if pos == "NOUN" or (
                token.dep_ in {"acomp", "attr"} and ctx.lex.rows(token.lemma_.lower(), "ADJ")
            ):
                verb_tokens.append(token)
            continue
        prefixes = ctx.prefixes if verbal else ctx.lex.prefixes  # the field has verbs only
        if low[:4] not in prefixes and token.lemma_.lower()[:4] not in prefixes:
            continue
        if verbal:
            if token.dep_ != "amod":  # "the detained activists", "captured militants"
                verb_tokens.append(token)
            continue
        if not _noun_candidate(ctx, token):
            continue
        trig = _noun_trigger(ctx, token)
        if trig is not None:
            nouns[token.i] = trig
    return verb_tokens, nouns


def _predicate_noun(ctx: EventContext, token: Token) -> bool:
    """Is this noun a predicate nominal the lexicon reads like a verb ("X was a long-time
    advocate for democratization": the copula's subject advocates)?"""
    return (
        token.pos_ == "NOUN"
        and token.dep_ == "attr"
        and token.head.lemma_ == "be"
        and bool(ctx.lex.rows(token.lemma_.lower(), "ADJ"))
    )


def _noun_candidate(ctx: EventContext, token: Token) -> bool:
    """May this noun be an event? Not a modifier in a compound, not a named entity (but
    a named event), not a capitalised event inside a name."""
    if token.dep_ == "compound":
        return False
    m = ctx.mention_at(token)
    if m is not None and m.family in SKIP_NOUN_FAMILIES:
        return False
    if token.pos_ == "PROPN" and token.ent_type_ not in {"", "EVENT"}:
        return False
    return not named_event(token)


def _verb_triggers(
    ctx: EventContext, verb_tokens: list[Token], nouns: dict[int, Trigger]
) -> list[Trigger]:
    """The verbs that make events (their reading: :func:`_verb_entry`)."""
    verbs: list[Trigger] = []
    for token in verb_tokens:
        entry = _verb_entry(ctx, token, nouns)
        if entry is not None and entry.type != "-":
            verbs.append(Trigger(token, entry, "verb", entry.type))
    return verbs


def _verb_entry(ctx: EventContext, token: Token, nouns: dict[int, Trigger]) -> Entry | None:
    """The reading of a verb, by precedence: a support verb hands the event to its noun; then
    the first row of our lexicon with conditions that hold; then the most specific pattern of
    the field's dictionary that the clause satisfies; then our unconditioned row; then — for a
    verb our lexicon does not list — the dictionary's own code for the verb. ``-`` readings
    (not an event) stop the search like any other."""
    if token.pos_ == "ADJ" or (token.pos_ == "NOUN" and token.dep_ == "attr"):  # a predicate
        return _first_entry(ctx, token, ctx.lex.rows(token.lemma_.lower(), "ADJ"), "verb")
    rows = lookup(ctx.lex, token, "VERB")
    for entry in rows:
        if entry.type == "LIGHT":
            if not conds_hold(ctx, token, entry, "verb"):
                continue
            noun = _light_object(token, nouns)
            if noun is None:
                continue
            if nouns[noun.i].light is None:
                nouns[noun.i].light = token
                _retype(ctx, nouns[noun.i])
            return None
        if conds_hold(ctx, token, entry, "verb"):
            return entry
    return _field_entry(ctx, token, listed=bool(rows))


def _field_entry(ctx: EventContext, token: Token, listed: bool) -> Entry | None:
    """The field's reading of a verb: a pattern's, or — for a verb our lexicon does not list
    and that is not in ``field_verbs_off`` — the verb's own code; cheap tests first."""
    if ctx.field is None:
        return None
    lemma, entries = found = field_entries(ctx.field, token)
    if not entries:
        return None
    own_code = not listed and lemma not in FIELD_VERBS_OFF and any(e.reading for e in entries)
    if not own_code and not has_patterns(ctx.field, lemma, entries):
        return None  # a verb our lexicon reads and the field has no pattern for
    match = field_reading(ctx.field, token, found, patterns_only=not own_code)
    if match is None or not _field_participant(ctx, token) or _not_event_object(ctx, token):
        return None
    return field_entry(match)


def _field_participant(ctx: EventContext, token: Token) -> bool:
    """The field's readings need a political actor taking part, as PETRARCH2 needs one from
    its actor dictionary: a subject, an agent or a passive subject that is an entity, a
    pronoun standing for one, a people noun ("police", "protesters") or a noun a state
    modifies ("Afghan warplanes") — not "I", "we" or "you"."""
    cands = [subject_of(ctx, token), agent_of(token)]
    cands += [c for c in token.children if c.dep_ == "nsubjpass"]
    return any(c is not None and political(ctx, c) for c in cands)


def _not_event_object(ctx: EventContext, token: Token) -> bool:
    """Does our lexicon say that the verb's object is no event ("held a campaign rally",
    "a press conference")? Then no pattern of the field reads it as one."""
    for c in token.children:
        if c.dep_ in {"dobj", "obj", "nsubjpass"} and c.pos_ == "NOUN":
            entry = _first_entry(ctx, c, lookup(ctx.lex, c, "NOUN"), "noun")
            if entry is not None and entry.type == "-":
                return True
    return False


def _noun_trigger(ctx: EventContext, token: Token) -> Trigger | None:
    # "sit-in", "pull-out": a hyphenated noun the tokenizer split.
    doc = ctx.doc
    if (
        token.i + 2 < len(doc)
        and not token.whitespace_
        and doc[token.i + 1].text == "-"
        and not doc[token.i + 1].whitespace_
    ):
        joined = f"{token.lower_}-{doc[token.i + 2].lower_}"
        rows = ctx.lex.rows(joined, "NOUN")
        if rows:
            entry = _first_entry(ctx, token, rows, "noun")
            if entry is not None and entry.type not in {"-", "LIGHT"}:
                end = doc[token.i + 2]
                return Trigger(token, entry, "noun", entry.type, end_char=end.idx + len(end.text))
    rows = lookup(ctx.lex, token, "NOUN")
    if not rows:
        return None
    entry = _first_entry(ctx, token, rows, "noun")
    if entry is None or entry.type in {"-", "LIGHT"}:
        return None
    return Trigger(token, entry, "noun", entry.type)


def _metaphor(ctx: EventContext, trig: Trigger) -> bool:
    """ "attack every gate", "fighting yesterday's war": a violent verb whose object is no
    possible target (rows that name their objects, "fired tear gas", are not checked)."""
    if trig.type != "ASSAULT" or any(c.slot in {"obj", "theme"} for c in trig.entry.conds):
        return False
    obj = next((c for c in trig.token.children if c.dep_ in {"dobj", "obj"}), None)
    if obj is None or obj.pos_ in {"PRON", "PROPN"} or ctx.mention_at(obj) is not None:
        return False
    obj = of_quantifier(obj) or obj
    return not target_ok(ctx, obj, trig) and obj.lemma_.lower() not in PLACE_NOUNS


def _first_entry(ctx: EventContext, token: Token, rows: list[Entry], kind: str) -> Entry | None:
    for entry in rows:
        if entry.type == "LIGHT":
            continue
        if conds_hold(ctx, token, entry, kind):
            return entry
    return None


def _retype(ctx: EventContext, trig: Trigger) -> None:
    """Rows with a gov= condition ("open fire") are re-evaluated once the support verb is known."""
    rows = ctx.lex.rows(trig.entry.lemma, "NOUN")
    entry = _first_entry(ctx, trig.token, rows, "noun")
    if entry is not None and entry.type not in {"-", "LIGHT"}:
        trig.entry, trig.type = entry, entry.type


def _light_object(verb: Token, nouns: dict[int, Trigger]) -> Token | None:
    """The event noun a support verb governs: object, passive subject, prepositional object,
    or the noun it describes ("the withdrawal first announced on October 6")."""
    cands: list[Token] = []
    for c in verb.children:
        if c.dep_ in {"dobj", "nsubjpass", "attr"}:
            cands.append(c)
            cands.extend(x for x in c.children if x.dep_ == "conj")
            for p in c.children:
                if p.dep_ == "prep":
                    cands.extend(x for x in p.children if x.dep_ == "pobj")
        elif c.dep_ in {"prep", "prt"} and c.lower_ in {
            "into",
            "in",
            "for",
            "under",
            "to",
            "on",
            "with",
        }:
            cands.extend(x for x in c.children if x.dep_ == "pobj")
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        cands.append(verb.head)
    for c in cands:
        quant = of_quantifier(c)
        if quant is not None and quant.i in nouns:
            return quant
        if c.i in nouns:
            return c
    return None


def _merged_participle(trig: Trigger, verb_at: dict[int, Trigger]) -> bool:
    """ "launched missiles targeting US troops": the participle is the launch itself."""
    t = trig.token
    if t.dep_ != "acl" or t.tag_ not in {"VBG", "VBN"}:
        return False
    head = t.head
    if head.dep_ in {"dobj", "nsubjpass"} and head.head.i in verb_at:
        main = verb_at[head.head.i]
        if main.type == trig.type:
            main.merged = t
            return True
    return False


def _keep_noun(
    ctx: EventContext, trig: Trigger, verb_at: dict[int, Trigger], light_at: dict[int, Trigger]
) -> bool:
    """Is this event noun a row of its own? (see the module docstring)"""
    t = trig.token
    flags = trig.entry.flags
    if trig.light is not None:
        return True
    if "light" in flags:
        return False
    participant = _noun_participant(ctx, t)
    gov = governing_verb(t)
    if gov is not None and gov.i in light_at and t.dep_ == "pobj":
        other = light_at[gov.i]  # "began a military offensive with airstrikes"
        if other.type == trig.type and other is not trig:
            return False
    if gov is not None and gov.i in verb_at:
        gtrig = verb_at[gov.i]
        # An adjunct of the same category is the same event ("killed nine attackers in
        # clashes", "discussed shortages at a meeting"). The object of another trigger is
        # the same event ("signed an agreement") or an earlier one named again ("rejected
        # the demand"), unless it names its participants ("condemned this attack on
        # civilians").
        if gtrig.type == trig.type and t.dep_ in {"dobj", "nsubjpass", "pobj", "attr"}:
            return False
        if t.dep_ in {"dobj", "nsubjpass", "attr"} and not participant:
            return False
    if "strict" in flags:
        return participant
    if participant or clause_participant(ctx, t):
        return True
    if _noun_time_or_place(ctx, t):
        return True
    if any(c.dep_ == "det" and c.lower_ in {"no"} for c in t.children) and t.dep_ in {
        "attr",
        "nsubj",
        "nsubjpass",
    }:
        return True  # "There was no bombing", "No arrests were made"
    if (
        t.dep_ == "nsubj"
        and t.head.tag_ == "VBD"
        and t.head.lemma_ in EVENT_SUBJECT_VERBS
        and t.head.i not in verb_at
    ):
        return True  # "protests filled the streets daily", "clashes erupted"
    # "An earthquake struck", "a fire killed three": an accident or hazard doing something
    return (
        trig.type in {"ACCIDENT", "DISASTER"}
        and t.dep_ in {"nsubj", "nsubjpass"}
        and t.head.lemma_ not in {"be", "seem", "remain", "appear"}
        and any(c.dep_ in {"det", "poss", "nummod"} for c in t.children)
    )


def _noun_participant(ctx: EventContext, t: Token) -> bool:
    for c in t.children:
        dep = c.dep_
        if dep == "poss" and not is_time(c):
            return True
        if dep in {"compound", "amod", "nmod"} and entity_modifier(ctx, c) is not None:
            return True
        if (
            dep == "acl"
            and c.tag_ == "VBN"
            and c.lemma_ in AGENT_VERBS
            and any(x.dep_ == "agent" for x in c.children)
        ):
            return True  # "the attack, reportedly conducted by the Taliban"
        if dep == "prep" and c.lower_ in {
            "by",
            "about",
            "against",
            "on",
            "with",
            "between",
            "from",
            "to",
            "into",
            "of",
            "for",
        }:
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                physical = c.lower_ in {"on", "against", "into"} and (
                    p.lemma_.lower() in PHYSICAL_TARGETS or p.lemma_.lower() in PLACE_NOUNS
                )  # "attacks on villages"
                if not physical and not is_participant(ctx, p):
                    continue
                if (
                    c.lower_ in {"for", "to", "from"}
                    and ctx.mention_at(p) is None
                    and p.pos_ != "PRON"
                    and p.lemma_.lower() not in AFFILIATION_NOUNS
                    and not any(
                        a.dep_ == "appos" and ctx.mention_at(a) is not None for a in p.children
                    )
                ):
                    continue
                return True
    return False


def _noun_time_or_place(ctx: EventContext, t: Token) -> bool:
    """A time or a place in the noun's phrase or its relative clause, or in the clause it is
    the subject of ("The strike took place in Iraq", "talks that began last year")."""

    def direct(tok: Token) -> bool:
        for c in tok.children:
            if ctx.usable_time(c) and c.dep_ in {"npadvmod", "poss", "nmod", "compound", "tmod"}:
                return True
            if c.dep_ == "prep" and time_prep(c):
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    if ctx.usable_time(p) or (c.lower_ in LOCATIVE_PREPS and is_place(ctx, p)):
                        return True
            if c.dep_ in {"compound", "nmod"} and is_place(ctx, c) and ctx.mention_at(c):
                return True
        return False

    if direct(t):
        return True
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_ in ROUND_NOUNS:
        t = t.head.head  # "the next round of talks is scheduled to open in Havana"
    for c in t.children:
        if c.dep_ in {"relcl", "acl"} and any(
            ctx.usable_time(x)
            or (x.dep_ == "pobj" and x.head.lower_ in LOCATIVE_PREPS and is_place(ctx, x))
            for x in near_tokens(c.subtree)
        ):
            return True
    if t.dep_ in {"nsubj", "nsubjpass"} and t.head.lemma_ in HAPPEN_VERBS:
        return direct(t.head) or any(direct(c) for c in t.head.children if c.dep_ == "xcomp")
    return False


def _harm_type(ctx: EventContext, trig: Trigger, triggers: list[Trigger]) -> str:
    """ "kill"/"injure": ACCIDENT or DISASTER when the cause is one, else ASSAULT."""
    lex = ctx.lex
    t = trig.token
    cause = agent_of(t) or subject_of(ctx, t)
    if cause is not None:
        words = {cause.lemma_.lower(), cause.lower_}
        if words & lex.cls("@hazard"):
            return "DISASTER"
        if words & (lex.cls("@accidentcause") | lex.cls("@vehicle")):
            return "ACCIDENT"
        return "ASSAULT"
    lo, hi = ctx.sentence_bounds(t.i)
    for other in triggers:
        if (
            other is not trig
            and lo <= other.token.i < hi
            and other.type in {"ACCIDENT", "DISASTER"}
        ):
            return other.type
    return "ASSAULT"
