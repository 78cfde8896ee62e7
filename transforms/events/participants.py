"""From a participant token to :class:`~transforms.events.context.Arg` rows' participants.

:func:`args_of` turns a participant phrase into one Arg per coordinated member (at most
``MAX_ROWS_PER_TRIGGER``), each with its words in the sentence and the entity it resolves to:
a mention, a pronoun's antecedent, a definite description, or the entity a common noun stands
for (:func:`owners_of`: its apposition, its owner — "its troops", "Congo's government" —, its
entity modifiers — "the US and French defense chiefs" —, or "of X"). Phrases the parser did
not coordinate ("US President Donald Trump and Turkish President Recep Tayyip Erdoğan") are
split at their "and".
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.context import MAX_ROWS_PER_TRIGGER, Arg, EventContext
from transforms.events.kinds import entity_modifier, is_agentive, is_name
from transforms.events.references import definite, person_country, resolve_pronoun
from transforms.events.syntax import explicit_subject, near_tokens, recover_subject
from transforms.events.words import AFFILIATION_NOUNS, POSTPOSITIVE, QUANTIFIERS
from transforms.mentions.model import Mention


def np_bounds(ctx: EventContext, head: Token) -> tuple[int, int]:
    """Token bounds of a compact noun phrase: determiners, modifiers and the head."""
    left = max(head.left_edge.i, head.i - 30)
    for c in head.children:
        if c.i > head.i:
            break
        if c.dep_ in {"relcl", "acl", "appos", "prep", "punct", "cc", "conj"}:
            left = c.i + 1 if c.right_edge.i < head.i else left
    left = max(left, ctx.dateline_end)
    right = head.i
    for c in head.rights:
        if c.dep_ in {"compound", "case"} or (
            c.dep_ == "amod" and c.i == right + 1 and c.lower_ in POSTPOSITIVE
        ):
            right = max(right, c.i)
        else:
            break
    toks = ctx.tokens
    while left < head.i and (
        toks[left].is_punct or toks[left].is_space or toks[left].dep_ in {"cc", "prep"}
    ):
        left += 1
    return left, right + 1


def span_arg(ctx: EventContext, start: int, end: int, mention: Mention | None) -> Arg:
    toks = ctx.tokens
    first, last = toks[start], toks[end - 1]
    s, e = first.idx, last.idx + len(last.text)
    return Arg(s, e, ctx.text[s:e], mention)


def args_of(ctx: EventContext, head: Token | None, depth: int = 0) -> list[Arg]:
    """A participant phrase → one Arg per coordinated member, resolved to entities."""
    if head is None or depth > 3:
        return []
    if ctx.in_dateline(head):  # "WARSAW — Canada and Poland signed": the apposition
        appos = next(
            (c for c in head.children if c.dep_ == "appos" and not ctx.in_dateline(c)), None
        )
        if appos is not None:
            return args_of(ctx, appos, depth + 1)
        after = [c for c in head.children if not ctx.in_dateline(c) and c.pos_ in {"NOUN", "PROPN"}]
        return args_of(ctx, after[0], depth + 1) if after else []
    members = [head] + [
        c for c in head.conjuncts if c.i > head.i and not _subject_of_next_verb(ctx, c)
    ]
    if (
        head.dep_ == "pobj"
        and head.head.lower_ == "of"
        and (head.head.head.lower_ in QUANTIFIERS or head.head.head.like_num)
    ):
        # "dozens of homes and a health centre": the quantifier's conjuncts too
        members += [c for c in head.head.head.conjuncts if c.i > head.i]
    if len(members) == 1:  # "by state news firm Saba and al-Eryani": the apposition's
        for a in head.children:
            if a.dep_ == "appos" and a.i > head.i:
                members += [c for c in a.conjuncts if c.i > a.i and c.pos_ == "PROPN"]
    if len(members) == 1:
        groups = _np_coordination(ctx, head)
        if groups:
            return groups
    out: list[Arg] = []
    for t in members[:MAX_ROWS_PER_TRIGGER]:
        out.extend(_arg(ctx, t, depth))
    return out


_RANK = {"PERSON": 0, "ORG": 1, "PLACE": 2, "FAC": 3, "NORP": 4}


def _subject_of_next_verb(ctx: EventContext, c: Token) -> bool:
    """ "the US pulls out of Afghanistan and France reduces its operations": the parser made
    France a conjunct of Afghanistan, but it is the subject of the verb that follows."""
    i = c.i + 1
    while i < len(ctx.tokens) and ctx.tokens[i].pos_ == "ADV":
        i += 1
    if i >= len(ctx.tokens) or ctx.tokens[i].tag_ not in {"VBZ", "VBD", "VBP"}:
        return False
    verb = ctx.tokens[i]
    if verb.pos_ != "VERB" or verb.dep_ in {"aux", "auxpass"}:
        return False
    if explicit_subject(ctx, verb) is not None or any(c.dep_ == "nsubjpass" for c in verb.children):
        return False
    subj = recover_subject(ctx, verb)
    return subj is not None and subj.i == c.i


def _np_coordination(ctx: EventContext, head: Token) -> list[Arg]:
    """ "US President Donald Trump and Turkish President Recep Tayyip Erdoğan", "the US and
    French defense chiefs": the parser does not always make the members conjuncts; split the
    phrase at its "and" and take the most specific entity of each side."""
    lo = max(head.left_edge.i, head.i - 30)
    if head.i - lo < 2:
        return []
    if ctx.mention_at(head) is None and head.lemma_.lower() not in AFFILIATION_NOUNS:
        return []
    toks = ctx.tokens
    cc = [
        t
        for t in toks[lo : head.i]
        if t.lower_ in {"and", "&"} and t.dep_ == "cc" and ctx.mention_at(t) is None
    ]
    if len(cc) != 1:
        return []
    cut = cc[0].i
    out: list[Arg] = []
    for a, b in ((lo, cut), (cut + 1, head.i + 1)):
        best: Mention | None = None
        for i in range(a, b):
            m = ctx.by_token.get(i)
            if m is None or m.family not in _RANK or (m.family == "NORP" and not m.country_code):
                continue
            if best is None or _RANK[m.family] <= _RANK[best.family]:
                best = m
        if best is None:
            return []
        out.append(span_arg(ctx, best.start, best.end, best))
    if (
        out[0].mention is not None
        and out[1].mention is not None
        and out[0].mention.entity is out[1].mention.entity
    ):
        return []
    return out


def _arg(ctx: EventContext, t: Token, depth: int = 0) -> list[Arg]:
    m = ctx.mention_at(t)
    if m is not None:
        lo, hi = np_bounds(ctx, t)
        return [span_arg(ctx, min(lo, m.start), max(hi, m.end), m)]
    if t.pos_ == "PRON" or t.tag_ in {"PRP", "PRP$"}:
        ante, local = resolve_pronoun(ctx, t, depth)
        if local is not None and ante is None:
            # "the government said it had arrested": the antecedent's words and entity
            sub = _arg(ctx, local, depth + 1)
            if sub:
                return sub[:1]
        return [span_arg(ctx, t.i, t.i + 1, ante)]
    lo, hi = np_bounds(ctx, t)
    owner = owners_of(ctx, t, depth) or ([d] if (d := definite(ctx, t)) else [])
    if owner:
        return [span_arg(ctx, lo, hi, o) for o in owner]
    arg = span_arg(ctx, lo, hi, None)
    if is_name(t):
        arg.name = arg.text  # a name the NER missed
    return [arg]


def owners_of(ctx: EventContext, t: Token, depth: int = 0) -> list[Mention]:
    """The entity a common noun stands for: its apposition, its owner ("its troops", "Congo's
    government"), its entity modifiers ("the US and French defense chiefs"), or "of X"."""
    low = t.lemma_.lower()
    affiliated = low in AFFILIATION_NOUNS or t.lower_ in AFFILIATION_NOUNS
    named = _named_in_apposition(ctx, t)
    if named is not None:
        return [named]
    org = next(
        (m for c in t.children if (m := entity_modifier(ctx, c)) and m.family == "ORG"), None
    )
    if org is not None and c_dep_compound(t, org):
        return [org]  # "Angola's U.S.-backed UNITA rebel group": the group is UNITA
    for c in t.children:
        if c.dep_ == "poss":
            owner = _possessor(ctx, c, low, affiliated, depth)
            if owner is not None:
                return [owner]
    found = _modifier_entities(ctx, t)
    if found and (affiliated or t.pos_ == "NOUN"):
        # "the US and French defense chiefs"; "Afghan warplanes", "two Iranian platforms"
        return found[:MAX_ROWS_PER_TRIGGER]
    if not affiliated:
        return []
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ in {"of", "from", "for"}:
            for p in c.children:
                pm = ctx.mention_at(p) if p.dep_ == "pobj" else None
                if pm is not None and pm.family in {"PLACE", "ORG", "NORP"}:
                    return [pm]
    return []


def c_dep_compound(t: Token, m: Mention) -> bool:
    """Is the mention a compound or name modifier of the noun ("UNITA rebel group")?"""
    return any(c.dep_ in {"compound", "nmod"} and m.start <= c.i < m.end for c in t.children)


def _modifier_entities(ctx: EventContext, t: Token) -> list[Mention]:
    """The entities modifying a noun, with their conjuncts ("the US and French defense
    chiefs" → United States, France)."""
    found: list[Mention] = []
    for c in t.children:
        if c.dep_ in {"compound", "amod", "nmod"}:
            pm = entity_modifier(ctx, c)
            if pm is not None:
                found.append(pm)
                for cc in c.conjuncts:
                    cm = entity_modifier(ctx, cc)
                    if cm is not None and cm.entity is not pm.entity:
                        found.append(cm)
    return found


def _named_in_apposition(ctx: EventContext, t: Token) -> Mention | None:
    """A name in apposition to the noun ("the spokesman, Jean-Pierre Amani")."""
    for c in t.children:
        if c.dep_ == "appos":
            m = ctx.mention_at(c)
            if m is not None:
                return m
    if is_agentive(t) and t.tag_ == "NN":
        # "A man who identified himself as a UPLK spokesman, Jean-Pierre Amani, denied"
        for x in near_tokens(t.subtree):
            if x.dep_ == "appos" and x.i > t.i:
                m = ctx.mention_at(x)
                if m is not None and m.family == "PERSON":
                    return m
    return None


def _possessor(
    ctx: EventContext, c: Token, low: str, affiliated: bool, depth: int
) -> Mention | None:
    """The entity of the possessor ``c`` of a noun (lemma ``low``), when it stands for the
    noun: an organisation or place owns anything, a person only what is affiliated to them
    ("his troops"); "his country" is the country the person is introduced with."""
    if not (c.pos_ == "PRON" or c.tag_ == "PRP$"):
        pm = ctx.mention_at(c)
        return pm if pm is not None and (affiliated or pm.family != "PERSON") else None
    ante, local = resolve_pronoun(ctx, c, depth)
    if ante is None and local is not None and depth < 2:
        sub = owners_of(ctx, local, depth + 1) if ctx.mention_at(local) is None else []
        ante = sub[0] if sub else None
    if ante is None:
        return None
    if ante.family == "PERSON" and low in {"country", "nation", "government"}:
        country = person_country(ctx, ante)
        if country is not None:
            return country
    return ante if affiliated or ante.family != "PERSON" else None
