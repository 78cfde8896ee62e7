"""What pronouns and definite descriptions stand for, in an event's roles.

Pronouns read the article's pronoun answers (:meth:`Analysis.antecedent
<transforms.analysis.Analysis.antecedent>`), after what only events need: a compatible subject
of an enclosing clause first ("France reduces its operations"), "I/we" inside a quotation is
the speaker, a quoted "he/she" is never the quotation's speaker, and an appositive title makes
a name a person even when the NER typed it otherwise. Definite descriptions resolve to what
the article named: *the group/company* → the last organisation, *the government* → the
country named most, *the president/governor* → the one person named with that title; *his
country* → the country its owner is introduced with ("French President Emmanuel Macron").
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.coref import PLURAL_PRONOUNS, PRONOUN_GENDER, THING_PRONOUNS
from transforms.events.context import EventContext
from transforms.events.kinds import is_name, titled_person
from transforms.events.syntax import explicit_subject
from transforms.events.words import (
    COUNTRY_DEFINITES,
    FIRST_PERSON,
    ORG_DEFINITES,
    ORG_NOUNS,
    PERSON_TITLES,
    SPEECH,
    TITLE_DEFINITES,
)
from transforms.gazetteer import gazetteer
from transforms.mentions.model import Mention
from transforms.quotes.lexicon import speaker_nouns

_PERSON_PRONOUNS = frozenset(PRONOUN_GENDER)
_THING_PRONOUNS = THING_PRONOUNS
_PLURAL_PRONOUNS = PLURAL_PRONOUNS


def _compatible(ctx: EventContext, pron: str, cand: Token) -> bool:
    m = ctx.mention_at(cand)
    if pron in _PERSON_PRONOUNS:
        if m is not None and m.family == "PERSON":
            return True
        return (m is not None or is_name(cand)) and titled_person(cand)
    if pron in _THING_PRONOUNS:
        if m is not None:
            return m.family in {"ORG", "PLACE", "FAC"}
        if is_name(cand):
            return True  # a name the NER missed ("MONUSCO")
        return cand.pos_ == "NOUN" and cand.tag_ == "NN" and cand.lemma_.lower() in ORG_NOUNS
    if pron in _PLURAL_PRONOUNS:
        if m is not None:
            return m.family in {"ORG", "PLACE", "NORP"} or bool(cand.conjuncts)
        return cand.tag_ in {"NNS", "NNPS"} or bool(cand.conjuncts)
    return False


def _loosely_compatible(ctx: EventContext, pron: str, cand: Token) -> bool:
    """Agreement when nothing stricter answers (no compatible subject, no antecedent in the
    article): "he/his/she/her" and a name the NER missed ("Ortoli, due here for his official
    visit, told"), a one-word name it took for a place the gazetteer does not know, or one
    person named by a common noun ("a grain dealer said he shipped"); "its" and a name under
    "the" it took for a person (people's names take no article: "The Barracuda … after its
    attack")."""
    m = ctx.mention_at(cand)
    if pron in _PERSON_PRONOUNS:
        if m is None:
            if cand.tag_ == "NN":
                return (
                    cand.lemma_.lower() in speaker_nouns() or cand.lemma_.lower() in PERSON_TITLES
                )
            return cand.tag_ == "NNP" and cand.is_title and not cand.conjuncts
        return m.family == "PLACE" and m.end - m.start == 1 and gazetteer().place(m.text) is None
    if pron in _THING_PRONOUNS:
        return (
            m is not None
            and m.family == "PERSON"
            and any(c.dep_ == "det" and c.lower_ == "the" for c in cand.children)
        )
    return False


def _local_antecedent(ctx: EventContext, pron: Token, compatible=_compatible) -> Token | None:
    """A compatible subject of an enclosing clause in the same sentence ("France reduces its
    operations", "the government said it had arrested")."""
    low = pron.lower_
    h = pron
    for _ in range(10):
        nxt = h.head
        if nxt is h or nxt.i == h.i:
            break
        h = nxt
        if h.pos_ not in {"VERB", "AUX"}:
            continue
        subj = explicit_subject(ctx, h)
        if subj is None or subj.i == pron.i or pron.head.i == subj.i:
            continue
        if compatible is _compatible and subj.left_edge.i <= pron.i <= subj.right_edge.i:
            continue  # (a modifier of the subject: "Ortoli, due here for his visit, told")
        if subj.pos_ == "PRON":
            continue
        if ctx.in_quote(pron.idx) and not ctx.in_quote(subj.idx):
            break  # the speaker outside a quotation is "I" inside it, not "he"
        if compatible(ctx, low, subj):
            return subj
    return None


def _speaker(ctx: EventContext, pron: Token) -> Token | None:
    """The speaker of the quotation a first-person pronoun is in: the subject of a speech verb
    outside quotation marks in that sentence or the next or previous one."""
    k = ctx.sentence_index(pron.i)
    for kk in (k, k + 1, k - 1):
        if not 0 <= kk < len(ctx.sent_starts):
            continue
        lo = ctx.sent_starts[kk]
        hi = ctx.sent_starts[kk + 1] if kk + 1 < len(ctx.sent_starts) else len(ctx.tokens)
        for tok in ctx.tokens[lo:hi]:
            if tok.lemma_ not in SPEECH or ctx.in_quote(tok.idx):
                continue
            subj = explicit_subject(ctx, tok)
            if subj is not None and not ctx.in_quote(subj.idx) and subj.lower_ not in FIRST_PERSON:
                return subj
    return None


def resolve_pronoun(ctx: EventContext, t: Token, depth: int) -> tuple[Mention | None, Token | None]:
    """(mention, or a local common-noun antecedent token) for a pronoun."""
    low = t.lower_
    if low in FIRST_PERSON:
        if ctx.in_quote(t.idx):
            spk = _speaker(ctx, t)
            if spk is not None:
                return ctx.mention_at(spk), (None if ctx.mention_at(spk) else spk)
        return None, None
    local = _local_antecedent(ctx, t)
    if local is not None:
        m = ctx.mention_at(local)
        if m is not None:
            return m, None
        if local.pos_ == "PRON" or depth > 2:
            return None, None
        return None, local
    m = ctx.antecedent(t)
    if m is None and depth <= 2 and (loose := _local_antecedent(ctx, t, _loosely_compatible)):
        lm = ctx.mention_at(loose)
        return lm, (None if lm is not None else loose)
    if m is not None and ctx.in_quote(t.idx):
        # A third-person pronoun in a quotation is not its speaker, who says "I": "Yu said:
        # 'he fired a live shot'" (a workaround for the resolver, which may pick the speaker).
        spk = _speaker(ctx, t)
        sm = ctx.mention_at(spk) if spk is not None else None
        if sm is not None and (sm is m or (sm.entity_id and sm.entity_id == m.entity_id)):
            return None, None
    return m, None


def resolved_possessive(ctx: EventContext, c: Token) -> bool:
    """ "criticising his role": "his" when it names someone, not an unresolved pronoun."""
    return c.tag_ == "PRP$" and resolve_pronoun(ctx, c, 0) != (None, None)


def person_country(ctx: EventContext, m: Mention) -> Mention | None:
    """The country a person is introduced with: "French President Emmanuel Macron"."""
    ent = m.entity
    if ent is None:
        return None
    key = id(ent)
    if key in ctx.countries:
        return ctx.countries[key]
    found = None
    for pm in ent.mentions:
        for i in range(pm.start - 1, max(-1, pm.start - 6), -1):
            tok = ctx.tokens[i]
            if tok.is_punct or tok.is_space:
                break
            cm = ctx.by_token.get(i)
            if cm is not None and cm is not pm and cm.country_code and cm.entity is not None:
                found = cm
                break
        if found is not None:
            break
    ctx.countries[key] = found
    return found


def _titled(ctx: EventContext, t: Token, title: str) -> Mention | None:
    """The last person before ``t`` named with ``title`` ("President Donald Trump", "Ricardo
    Rosselló, Puerto Rico's governor"); None unless exactly one person carries it."""
    if any(c.dep_ == "prep" for c in t.children):
        return None  # "the president of the company"
    found: Mention | None = None
    for m in ctx.mentions:
        if m.start >= t.i:
            break
        head = ctx.tokens[m.end - 1]
        if m.family != "PERSON" and not titled_person(head):
            continue
        words = ctx.tokens[max(0, m.start - 4) : m.end]
        titled = any(w.lemma_.lower() == title and w.i < m.end - 1 for w in words) or any(
            c.dep_ == "appos" and c.lemma_.lower() == title for c in head.children
        )
        if not titled:
            continue
        if found is not None and found.entity is not m.entity and found.entity_id != m.entity_id:
            return None  # two presidents: ambiguous
        found = m
    return found


def definite(ctx: EventContext, t: Token) -> Mention | None:
    """ "the group", "the company", "the government": the organisation or country named last
    (in this sentence before the noun, or the three before)."""
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in t.children):
        return None
    if any(c.dep_ in {"compound", "amod", "nmod", "poss"} for c in t.children):
        return None
    lemma = t.lemma_.lower()
    if lemma in ORG_DEFINITES:
        want = "ORG"
    elif lemma in COUNTRY_DEFINITES:
        want = "COUNTRY"
    elif lemma in TITLE_DEFINITES and t.tag_ == "NN":
        return _titled(ctx, t, lemma)
    else:
        return None
    if want == "COUNTRY":
        # "the government": the country the article has named most so far (last on ties)
        counts: dict[int, list] = {}
        for m in ctx.mentions:
            if m.start >= t.i:
                break
            if m.family in {"PLACE", "NORP"} and m.country_code and m.entity is not None:
                entry = counts.setdefault(id(m.entity), [0, m])
                entry[0] += 1
                entry[1] = m
        if not counts:
            return None
        return max(counts.values(), key=lambda e: (e[0], e[1].start))[1]
    k = ctx.sentence_index(t.i)
    lo = ctx.sent_starts[max(0, k - 3)]
    for i in range(t.i - 1, lo - 1, -1):
        m = ctx.by_token.get(i)
        if m is not None and m.start == i and m.family == "ORG":
            return m
    return None
