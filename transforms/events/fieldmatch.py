"""The field's dictionary matched on the dependency parse: a verb token → its PLOVER reading.

:func:`field_reading` finds the verb's entries in the dictionary
(:mod:`~transforms.events.dictionary`; a particle verb, "call off", when the particle is a child
of the verb), then the best pattern of their blocks that the clause satisfies:

* ``after`` phrases: a direct or indirect object, the subject of a passive, a predicate
  (``attr``, ``oprd``, ``acomp``), their conjuncts and the "of" object of a quantifier ("a
  number of troops"); a bare word also matches a particle or adverb ("back", "down");
* ``before`` phrases: the subject (its conjuncts, the agent of a passive) or a word of an
  auxiliary, negation or adverb ("will not", "abruptly");
* ``preps``: a preposition of the verb or of its object, whose object matches the phrase.

A phrase matches a token whose lemma (or form) is its head, with each modifier word among the
few words before it in its phrase. The best pattern is the most specific (weights in
:mod:`~transforms.events.dictionary`); on a tie, one written for this very verb (its comment),
then the type most of the tied patterns give, then the first in the file. A pattern applies to
the verbs its comment names (PETRARCH2's blocks group verbs of related meaning, but a pattern
written for "kick off" says nothing about "attack"), or to its whole block when it names
none. Without a pattern, the verb's own code is its reading (:class:`FieldMatch` says which).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Token

from transforms.events.dictionary import Dictionary, Pattern, Phrase, Reading, VerbEntry
from transforms.events.lexicon import SYMMETRIC_TYPES, Entry, forms
from transforms.events.syntax import is_passive, of_quantifier

OBJECT_DEPS = frozenset({"dobj", "obj", "dative", "attr", "oprd", "acomp"})
WORD_DEPS = frozenset({"prt", "advmod", "prep", "neg", "aux", "npadvmod"})
PREP_DEPS = frozenset({"prep", "agent", "dative", "prt"})
#: Modifier words are looked for this many tokens before the head.
MOD_WINDOW = 5


@dataclass(frozen=True)
class FieldMatch:
    """The dictionary's reading of a verb: from a pattern (``pattern`` set) or the verb's own
    code; ``lemma`` is the dictionary's verb."""

    lemma: str
    reading: Reading
    pattern: Pattern | None = None


@dataclass
class Clause:
    """The words of a verb's clause that patterns look at."""

    objects: list[Token]
    subjects: list[Token]
    words: set[str]  # particles, adverbs, auxiliaries, negation: lowercase forms
    preps: list[tuple[str, list[Token]]]  # (preposition, its objects)

    def heads(self) -> set[str]:
        toks = [*self.objects, *self.subjects, *(p for _, ps in self.preps for p in ps)]
        return {t.lemma_.lower() for t in toks} | {t.lower_ for t in toks} | self.words


def _with_conjuncts(toks: list[Token]) -> list[Token]:
    out = []
    for t in toks:
        out.append(t)
        out.extend(c for c in t.conjuncts if c.i > t.i)
        q = of_quantifier(t)
        if q is not None:
            out.append(q)
    return out


def clause_of(t: Token) -> Clause:
    objects, subjects, words, preps = [], [], set(), []
    passive = is_passive(t)
    for c in t.children:
        dep = c.dep_
        if dep in OBJECT_DEPS or (dep == "nsubjpass" and passive):
            objects.append(c)
        elif dep in {"nsubj", "csubj"}:
            subjects.append(c)
        if dep in WORD_DEPS:
            words.add(c.lower_)
        if dep in PREP_DEPS:
            pobjs = [p for p in c.children if p.dep_ in {"pobj", "pcomp"}]
            preps.append((c.lower_, _with_conjuncts(pobjs)))
            if dep == "agent":
                subjects.extend(pobjs)
    for o in objects[:1]:
        for c in o.children:
            if c.dep_ == "prep":
                preps.append(
                    (c.lower_, _with_conjuncts([p for p in c.children if p.dep_ == "pobj"]))
                )
    return Clause(_with_conjuncts(objects), _with_conjuncts(subjects), words, preps)


def phrase_matches(phrase: Phrase, tok: Token) -> bool:
    if phrase.any:
        return True
    head = tok.lemma_.lower() if tok.lemma_.lower() in phrase.heads else tok.lower_
    if head not in phrase.heads:
        return False
    needs = phrase.member_mods(head)
    if not phrase.mods and needs == ((),):
        return True
    lo = max(tok.left_edge.i, tok.i - MOD_WINDOW)
    near = {w for x in tok.doc[lo : tok.i] for w in (x.lower_, x.lemma_.lower())}
    if not any(all(w in near for w in need) for need in needs):
        return False
    return all(mod & near for mod in phrase.mods)


def _after_ok(phrase: Phrase, clause: Clause) -> bool:
    if phrase.any:
        return bool(clause.objects)
    if any(phrase_matches(phrase, o) for o in clause.objects):
        return True
    return not phrase.mods and bool(phrase.heads & clause.words)


def _before_ok(phrase: Phrase, clause: Clause) -> bool:
    if phrase.any:
        return True
    if any(phrase_matches(phrase, s) for s in clause.subjects):
        return True
    return not phrase.mods and bool(phrase.heads & clause.words)


def _prep_ok(words: frozenset[str], phrase: Phrase | None, clause: Clause) -> bool:
    for prep, objs in clause.preps:
        if prep not in words:
            continue
        if phrase is None or (phrase.any and objs):
            return True
        if any(phrase_matches(phrase, o) for o in objs):
            return True
    return False


def pattern_holds(p: Pattern, clause: Clause) -> bool:
    return (
        all(_after_ok(x, clause) for x in p.after)
        and all(_before_ok(x, clause) for x in p.before)
        and all(_prep_ok(w, x, clause) for w, x in p.preps)
    )


def field_entries(d: Dictionary, t: Token) -> tuple[str, list[VerbEntry]]:
    """The verb's dictionary lemma and its entries whose particle is in the clause (particle
    verbs first); ("", []) for a verb the dictionary lacks."""
    for form in forms(t, "VERB"):
        entries = d.verbs.get(form)
        if not entries:
            continue
        if not any(e.particle for e in entries):
            return form, entries
        right = {c.lower_ for c in t.children if c.i > t.i}
        return form, [e for e in entries if all(w in right for w in e.particle)]
    return "", []


def _may_match(d: Dictionary, verb: str, blocks: list[str], t: Token) -> bool:
    """A cheap test before :func:`clause_of`: does some word near the verb (its children and
    theirs) anchor one of its patterns?"""
    anchors, loose = d.anchors_for(verb, tuple(blocks))
    if loose:
        return True
    if not anchors:
        return False
    for c in t.children:
        if c.lemma in anchors or c.lower in anchors:
            return True
        if c.n_lefts + c.n_rights and any(
            g.lemma in anchors or g.lower in anchors for g in c.children
        ):
            return True
    return False


def has_patterns(d: Dictionary, verb: str, entries: list[VerbEntry]) -> bool:
    anchors, loose = d.anchors_for(verb, tuple(dict.fromkeys(e.block for e in entries)))
    return loose or bool(anchors)


def best_pattern(d: Dictionary, blocks: list[str], clause: Clause, verb: str) -> Pattern | None:
    heads = clause.heads()
    found: list[Pattern] = []
    for name in blocks:
        block = d.patterns_for(verb, name)
        cands = list(block.unanchored)
        for w in heads:
            cands.extend(block.by_anchor.get(w, ()))
        found.extend(p for p in cands if pattern_holds(p, clause))
    if not found:
        return None
    top = max(p.weight for p in found)
    tied = [p for p in found if p.weight == top]
    own = [p for p in tied if verb in p.verbs]
    tied = own or tied
    votes = Counter(p.reading.type for p in tied)
    return min(tied, key=lambda p: (-votes[p.reading.type], p.order))


def field_reading(
    d: Dictionary,
    t: Token,
    found: tuple[str, list[VerbEntry]] | None = None,
    patterns_only: bool = False,
) -> FieldMatch | None:
    """The dictionary's reading of verb token ``t`` (see the module docstring; ``found`` is
    :func:`field_entries` when already known); with ``patterns_only``, a pattern's or
    nothing."""
    lemma, entries = found or field_entries(d, t)
    if not entries:
        return None
    blocks = list(dict.fromkeys(e.block for e in entries))
    p = None
    if _may_match(d, lemma, blocks, t):
        p = best_pattern(d, blocks, clause_of(t), lemma)
    if p is not None:
        return FieldMatch(lemma, p.reading, p)
    if patterns_only:
        return None
    own = next((e.reading for e in entries if e.reading is not None), None)
    return FieldMatch(lemma, own) if own is not None else None


#: Types whose object, in a pattern that names it, is what is given, moved or exchanged ("sent
#: troops", "provided wheat"), not the recipient.
THEME_TYPES = frozenset({"AID", "MOBILIZE", "RETREAT", "COOPERATE"})


def field_entry(match: FieldMatch) -> Entry:
    """The lexicon entry the extractor uses for a reading of the field's dictionary: its type
    and mode; ``swap`` when the object side acts ([:B] codes, PETRARCH's ``$`` after the verb),
    ``sym`` for symmetric types, ``theme`` when a pattern names the object of a giving type,
    and the preposition of PETRARCH's ``+`` as the target's."""
    r, p = match.reading, match.pattern
    flags = set()
    if r.reverse or (p is not None and (p.source == "after" or p.source.startswith("prep:"))):
        flags.add("swap")
    if r.type in SYMMETRIC_TYPES:
        flags.add("sym")
    if p is not None and r.type in THEME_TYPES and any(x.heads for x in p.after):
        flags.add("theme")
    tp = (p.target[5:],) if p is not None and p.target.startswith("prep:") else ()
    return Entry(
        lemma=match.lemma,
        pos="VERB",
        type=r.type,
        conds=(),
        flags=frozenset(flags),
        of_role=None,
        line=0,
        target_preps=tp,
        mode=r.mode,
        origin="verb" if p is None else "pattern",
    )
