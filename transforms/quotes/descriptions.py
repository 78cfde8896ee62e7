"""How a noun phrase describes: its determiner, the words a text describes a name with, and
epithets — descriptions that refer back to a person already named.

Read by :mod:`transforms.quotes.referents` to link common-noun speakers ("the commissioner",
"the senator", "the Maryland Democrat") to whom they stand for.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.gazetteer import gazetteer
from transforms.mentions.model import Mention
from transforms.mentions.speakers import person_shaped
from transforms.quotes.lexicon import (
    COMPANY_NOUNS,
    CORPORATE_SUFFIXES,
    DIRECT_CLASSES,
    DOCUMENT_NOUNS,
    EPITHET_MODIFIERS,
    EPITHET_NOUNS,
    LEADER_NOUNS,
    LEADER_TITLES,
    ORGANISATION_NOUNS,
    TITLE_ABBREVIATIONS,
    TITLE_EPITHETS,
    TITLE_HYPERNYMS,
    is_cue_verb,
)
from transforms.quotes.speakers import Attribution

_INDEFINITE = {"a", "an", "one", "another", "some", "any", "each", "every", "no"}
_DEFINITE = {"the", "this", "that"}
#: Words that stop a description read leftwards from a name.
_LEFT_STOP_POS = {"VERB", "AUX", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "PART", "NUM"}
CONTENT_POS = {"NOUN", "PROPN", "ADJ"}
ORGANISATION_FAMILIES = {"ORG", "PLACE", "FAC", "PRODUCT"}
#: Heads of a speaker phrase that stand for an organisation, never a person's name.
_THING_NOUNS = DOCUMENT_NOUNS | ORGANISATION_NOUNS | COMPANY_NOUNS
#: Common nouns for an organisation of any kind ("the ministry", "the company").
ORGANISATION_WORDS = ORGANISATION_NOUNS | COMPANY_NOUNS
_NOT_BUSINESS = ORGANISATION_NOUNS - COMPANY_NOUNS
_SUBJECTS = {"nsubj", "nsubjpass"}
_BOUNDARY = {",", ";", ":", "(", ")", ".", "—", "–", "!", "?"}


def determiner(noun: Token) -> str:
    """ "definite", "indefinite" or "" (a bare noun)."""
    for child in noun.children:
        if child.dep_ == "det":
            low = child.lower_
            if low in _INDEFINITE:
                return "indefinite"
            if low in _DEFINITE:
                return "definite"
        if child.dep_ == "poss":
            return "definite"
        if child.dep_ == "nummod":
            return "indefinite"
    return ""


def roles_of(an: Analysis, m: Mention) -> frozenset[str]:
    """The words the text describes a named entity with: before the name ("AU trade
    commissioner Albert Muchanga", "Niger's president Mahamadou Issoufou"), in apposition
    after it ("Ron Vale, the league's commissioner,") or before it ("The mayor, Ivo
    Kranjc,"), or after a copula ("Vale is the commissioner")."""
    doc, quoted = an.tokens, an.quoted
    words: set[str] = set()
    i = m.start - 1
    while i >= 0 and m.start - i <= 7 and not quoted[i]:
        tok = doc[i]
        if tok.text in _BOUNDARY or (tok.pos_ in _LEFT_STOP_POS and tok.tag_ != "POS"):
            break
        if an.mention_at(i) is not None and an.mention_at(i).family == "PERSON":
            break
        if tok.pos_ in CONTENT_POS:
            lemma = tok.lemma_.lower()
            words.add(TITLE_ABBREVIATIONS.get(lemma.rstrip("."), lemma))
        i -= 1
    if i >= 0 and doc[i].text == "," and m.start - i == 1:
        words |= _phrase_words(an, range(i - 1, max(-1, i - 8), -1), leftwards=True)
    if m.end < len(doc) and doc[m.end].text == ",":
        words |= _phrase_words(an, range(m.end + 1, min(len(doc), m.end + 12)), leftwards=False)
    # the copula's subject: the name's root, or a word of it when the parser split the name
    # ("Dr. Pieter Van den Bossche is the medical director": "den" a verb, "Bossche" the
    # subject of "is")
    span = an.doc[m.start : m.end]
    root = next(
        (t for t in (span.root, *reversed(span)) if t.dep_ == "nsubj" and t.head.lemma_ == "be"),
        span.root,
    )
    if root.dep_ == "nsubj" and root.head.lemma_ == "be" and not m.start <= root.head.i < m.end:
        for c in root.head.children:
            if c.dep_ == "attr" and c.pos_ == "NOUN":
                words |= {t.lemma_.lower() for t in c.subtree if t.pos_ in CONTENT_POS}
    return frozenset(words)


def _phrase_words(an: Analysis, span: range, leftwards: bool) -> set[str]:
    """The content words of a noun phrase in apposition (read from the name outwards); none
    when the phrase has a verb (it is a clause, not a description)."""
    doc, quoted = an.tokens, an.quoted
    words: set[str] = set()
    toks = []
    for i in span:
        tok = doc[i]
        if quoted[i] or tok.text in _BOUNDARY or "\n" in tok.text:
            break
        toks.append(tok)
    if leftwards:
        det = next((k for k, tok in enumerate(toks) if tok.pos_ == "DET"), None)
        if det is not None and toks[det].i > 0 and doc[toks[det].i - 1].pos_ == "ADP":
            toks = toks[: det + 1]  # "talks with the employers' association, VHW, broke down"
        toks.reverse()
        if toks and toks[0].pos_ != "DET" and (toks[0].i > 0 and not toks[0].is_sent_start):
            return set()  # "After meeting the mayor, Ivo Kranjc said": not a description
    elif toks[:2] and toks[0].lower_ == "who" and toks[1:2] and toks[1].lemma_ == "be":
        toks = toks[2:]
    for tok in toks:
        if tok.pos_ in {"VERB", "AUX"}:
            return set()
        if tok.pos_ in CONTENT_POS:
            words.add(tok.lemma_.lower())
    return words


def epithet_mention(m: Mention, head: Token) -> bool:
    """A group's name used for one person: "the Maryland Democrat" (a NORP mention as the
    head of a singular definite description)."""
    return m.family == "NORP" and head.tag_ in {"NN", "NNP"} and determiner(head) == "definite"


def title_epithet(head: Token, lemma: str) -> bool:
    """ "the senator", "the Republican nominee": a singular definite office with no former
    holder's modifier ("the former president" is an epithet: the person who spoke last)."""
    if lemma not in TITLE_EPITHETS or head.tag_ not in {"NN", "NNP"}:
        return False
    if determiner(head) != "definite":
        return False
    modifiers = (c for c in head.children if c.dep_ in {"amod", "compound"} and c.i < head.i)
    return not any(
        "".join(t.text for t in c.subtree).lower() in EPITHET_MODIFIERS for c in modifiers
    )


def is_epithet(head: Token, lemma: str) -> bool:
    """A description of an already named person ("the Maryland Democrat", "the 45-year-old",
    "the veteran", "the one-time chairman of Merrill Lynch")."""
    if determiner(head) != "definite":
        return False
    if lemma in EPITHET_NOUNS or lemma.endswith(("year-old", "ologist")):
        return True
    modifiers = (c for c in head.children if c.dep_ in {"amod", "compound"} and c.i < head.i)
    if any("".join(t.text for t in c.subtree).lower() in EPITHET_MODIFIERS for c in modifiers):
        return True
    return head.text[:1].isupper() and not head.is_sent_start


def speaker_kind(attr: Attribution) -> str:
    """The ``speaker_kind`` of an attribution: ``person`` or ``organisation`` when its
    speaker links to a named one, ``pronoun`` for a pronoun left unresolved, ``nominal`` for
    an unnamed speaker (a description, a group, a document), ``none`` without speaker."""
    if not attr.found:
        return "none"
    m = attr.mention
    if m is not None and m.entity is not None:
        if m.family == "PERSON":
            return "person"
        if m.family in ORGANISATION_FAMILIES:
            # a person the recognizer labelled an organisation (not a document's issuer)
            thing = attr.speaker.root.lemma_.lower() in _THING_NOUNS
            return (
                "person" if not thing and person_shaped(m.entity.name.split()) else "organisation"
            )
        return "nominal"  # a group: "Democrats said"
    if attr.pronoun and not attr.nominal:
        return "pronoun"
    return "nominal"


def is_leader(lemma: str, roles: frozenset[str], shared: int) -> bool:
    """Is a leader noun ("the UAW chief") the head the text titled otherwise ("UAW president
    Owen Bieber"): a leader's title, and a name of the phrase (the organisation's) shared?"""
    return lemma in LEADER_NOUNS and bool(roles & LEADER_TITLES) and shared > 0


def fits_office(lemma: str, roles: frozenset[str]) -> bool:
    """Do these descriptions give someone the office ``lemma``: the word itself, a narrower
    title ("Sen. X" … "the lawmaker": ``TITLE_HYPERNYMS``), or for a leader noun ("the
    chief") a leader's title?"""
    if lemma in roles or TITLE_HYPERNYMS.get(lemma, frozenset()) & roles:
        return True
    return lemma in LEADER_NOUNS and bool(roles & LEADER_TITLES)


def document_names(noun: Token) -> set[str]:
    """The capitalized words that tell one document from another ("the Republican
    report", "Stardom's statement")."""
    return {
        c.lower_
        for c in noun.children
        if c.dep_ in {"compound", "amod", "nmod", "poss"} and c.text[:1].isupper() and c.is_alpha
    }


def pobj(prep: Token) -> Token | None:
    return next((g for g in prep.children if g.dep_ == "pobj"), None)


def of_object(noun: Token) -> Token | None:
    """The object of a noun's "of" ("part of the statement" → statement)."""
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return pobj(prep) if prep is not None else None


def corporate(m: Mention, roles: list[tuple[int, Mention, frozenset[str]]]) -> bool:
    """A company's name ("Honeybee Inc") or an organisation described as a company."""
    last = m.entity.name.split()[-1].lower().rstrip(".") if m.entity.name else ""
    if last in CORPORATE_SUFFIXES:
        return True
    return any(r is m and bool(words & COMPANY_NOUNS) for _, r, words in roles)


def narrowing_nouns(head: Token) -> list[str]:
    """The nouns before an organisation noun that narrow its kind: "the energy ministry" is
    not the Interior Ministry ("the central bank", an adjective, may be the Bundesbank)."""
    if head.lemma_.lower() not in ORGANISATION_WORDS:
        return []  # "the company spokesman" is Honeybee's
    return [c.lower_ for c in head.children if c.dep_ == "compound" and c.pos_ == "NOUN"]


def of_kind(m: Mention, kinds: list[str]) -> bool:
    """Does the entity's name hold every one of those nouns (persons hold none)?"""
    if not kinds or m.family == "PERSON":
        return True
    words = {w.lower() for w in m.entity.name.split()}
    return all(k in words for k in kinds)


def name_in_place(an: Analysis, noun: Token) -> tuple[bool, Mention | None]:
    """(whether an organisation noun carries its own name, the organisation that name is):
    "the state-owned tin mining company PT Tambang Timah" (a name in apposition), "the
    Sustainable Australia party" (proper nouns before it, not all a place or a people: "the
    U.S. company" names no company). The name is the organisation a mention of it is, else one
    the recognizer missed (None): never another organisation with the same noun."""
    lemma = noun.lemma_.lower()
    if noun.tag_ != "NN" or lemma not in ORGANISATION_WORDS or an.mention_at(noun.i) is not None:
        return False, None  # "the Interior Ministry" is a name, not a noun with one
    for c in noun.children:
        before = c.dep_ == "compound" and c.i < noun.i
        if c.pos_ != "PROPN" or not (before or (c.dep_ == "appos" and c.i > noun.i)):
            continue
        lo, hi = c.left_edge.i, c.right_edge.i + 1
        ms = an.mentions_in(lo, hi)
        if before and _place_or_people(an, ms, range(lo, hi)):
            continue  # "the U.S. company", "the Labor party"
        whole = next((m for m in ms if m.start <= lo and m.end >= hi), None)
        if whole is not None and whole.family in ORGANISATION_FAMILIES - {"PLACE"}:
            return True, an.misread.get(id(whole), whole)
        return True, None
    return False, None


def _place_or_people(an: Analysis, ms: list[Mention], span: range) -> bool:
    """Are these words, every one, a place's or a people's name ("Omsk hospital": a place
    the gazetteer knows, whatever the recognizer said)?"""
    words = " ".join(an.tokens[i].text for i in span)
    if gazetteer().place(words) or gazetteer().is_demonym(words):
        return True
    if not ms or any(m.family not in {"PLACE", "NORP"} for m in ms):
        return False
    return all(an.mention_at(i) is not None for i in span if an.tokens[i].is_alpha)


def named_kind(an: Analysis, head: Token, lemma: str) -> Mention | None:
    """The latest organisation whose name holds the noun ("the commission" → "Commission on
    Presidential Debates", "the central bank" → "Bundesbank") and the nouns that narrow it."""
    kinds = narrowing_nouns(head)
    k = bisect.bisect_left(an.named_starts, head.i)
    for m in reversed(an.named[:k]):
        if m.family != "ORG" or an.quoted[m.start] or not of_kind(m, kinds):
            continue
        words = [w.lower() for w in m.entity.name.split()]
        if lemma in words or any(len(w) > len(lemma) + 2 and w.endswith(lemma) for w in words):
            return m
    return None


def company(
    an: Analysis, head: Token, roles: list[tuple[int, Mention, frozenset[str]]]
) -> Mention | None:
    """The company the article is about (for "the company"): of the organisations that may be
    one (not named as another kind: "Department of …"), the corporate one that speaks and is
    named most."""
    any_kind = head.lemma_.lower() == "group"
    k = bisect.bisect_left(an.named_starts, head.i)
    score: dict[int, float] = {}
    latest: dict[int, Mention] = {}
    firms: set[int] = set()
    for m in an.named[:k]:
        if m.family != "ORG" or an.quoted[m.start]:
            continue
        key = id(m.entity)
        if key not in score:
            firm = corporate(m, roles)
            score[key] = 6.0 if firm else 0.0
            if firm or any_kind or not _NOT_BUSINESS & set(m.entity.name.lower().split()):
                firms.add(key)
        score[key] += 1.0
        root = an.doc[m.start : m.end].root
        if root.dep_ in _SUBJECTS:
            score[key] += 1.0
            if is_cue_verb(root.head, DIRECT_CLASSES):
                score[key] += 2.0
        latest[key] = m
    if not firms:
        return None
    key = max(firms, key=lambda k: (score[k], latest[k].start))
    return latest[key]
