"""Pronoun speakers who go on with an unnamed person ("a senior official said … “…,” he
said"): read by :mod:`transforms.quotes.referents` when it resolves a "he"/"she" speaker.

The antecedent coref gives a pronoun is a named entity; news also brings in speakers it does
not name — "an aide", "a spokesman for Airbus" — and the next "he said" is theirs when they
are nearer than the named antecedent and nobody is named in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.coref import FEMALE_WORDS, MALE_WORDS
from transforms.mentions.model import Mention
from transforms.quotes.descriptions import determiner
from transforms.quotes.lexicon import (
    REPRESENTATIVES,
    speaker_nouns,
    verb_class,
)

#: Nouns for people of the other gender than a pronoun's ("spokeswoman" is no "he").
_OTHER_GENDER = {"he": FEMALE_WORDS, "she": MALE_WORDS}


@dataclass
class Scope:
    """What the rules read of the article: its analysis, the attributions resolved so far
    (in text order: ``pos``, ``attr``), the paragraph index of a token, and the pronoun
    attributions these rules resolved against coref's antecedent (``id`` of each)."""

    an: Analysis
    said: list[Any]
    paragraph: Callable[[int], int]
    carried: set[int] = field(default_factory=set)


def unnamed_before(scope: Scope, pronoun: Token) -> bool:
    """Does "he"/"she" left without antecedent go on with an unnamed speaker who spoke
    last ("a senior official said … “…,” he said": the official, nominal)?"""
    if not scope.said or pronoun.lower_ not in {"he", "she"}:
        return False
    prev = scope.said[-1]
    if scope.paragraph(pronoun.i) - scope.paragraph(prev.pos) > 1:
        return False
    return prev.attr.kind == "nominal" and not prev.attr.pronoun


def unnamed_nearer(scope: Scope, pronoun: Token, antecedent: Mention) -> bool:
    """Does "he"/"she" go on with an unnamed person brought in as the subject who spoke
    last, nearer than the named antecedent, nobody named in between ("… chief executive
    John Reed. “…,” a senior employee told Reuters. “…,” he added": the employee)?"""
    if not scope.said or pronoun.lower_ not in {"he", "she"}:
        return False
    attr = scope.said[-1].attr
    root = attr.speaker.root
    if attr.kind != "nominal" or attr.pronoun or antecedent.start >= root.i:
        return False
    if root.tag_ != "NN" or root.lemma_.lower() not in speaker_nouns():
        return False  # a person, not a document or a group
    if root.dep_ != "nsubj" or determiner(root) != "indefinite":
        return False  # "an aide said", "one manager commented"
    if scope.paragraph(pronoun.i) - scope.paragraph(root.i) > 1:
        return False
    end = attr.speaker.end
    between = scope.an.mentions_in(end, pronoun.i)
    q = scope.an.quoted
    return not any(m.family == "PERSON" and m.start >= end and not q[m.start] for m in between)


def unnamed_reporter(scope: Scope, pronoun: Token, antecedent: Mention | None) -> Token | None:
    """A person brought in by a common noun as the subject of a verb of saying in the
    writer's sentence right before "he"/"she" (or earlier in its sentence; a sentence
    wholly inside a quotation is the speaker's, not the writer's), nearer than the
    named antecedent, nobody named in between ("Crandall told a briefing … A spokesman for
    Airbus confirmed those terms. “…,” he said": the spokesman — the subject of the sentence
    before is the likeliest antecedent). Indefinite ("a spokesman", "one trader"), a
    relative ("Her daughter, 23, was less impressed. “…,” she said"), or definite ("The CBT
    spokesman said …. “…,” he said"; "The mayor said …. Asked …, she laughed"): whom the
    description stands for, which the caller resolves (an office only when it names a
    person: :func:`office`). Its verb is any verb of saying or thinking ("One analyst
    speculated …", "A manager … agreed that …"), or the main verb of its sentence. A noun of
    the other gender does not count."""
    if pronoun.lower_ not in {"he", "she"}:
        return None
    an = scope.an
    sent = writer_sentence_before(an, an.sentence_of(pronoun.i))
    if _same_pronoun_subject(an, sent, pronoun) and sent > 0:
        # "A Chrysler spokeswoman would not say … She stuck by … “…,” she said": the
        # sentence before goes on with the same "she"; look one sentence further back
        sent = writer_sentence_before(an, sent)
    lo = an.sent_starts[sent]
    if antecedent is not None:
        lo = max(lo, antecedent.end)
    q = an.quoted
    for i in range(pronoun.i - 1, lo - 1, -1):
        tok = an.tokens[i]
        if (
            not q[i]
            and tok.dep_ == "nsubj"
            and tok.tag_ == "NN"
            and _brought_in(tok)
            and tok.lemma_.lower() in speaker_nouns()
            and tok.lemma_.lower() not in _OTHER_GENDER[pronoun.lower_]
            and (verb_class(tok.head) is not None or tok.head.dep_ == "ROOT")
            and scope.paragraph(pronoun.i) - scope.paragraph(i) <= 1
        ):
            named = an.mentions_in(tok.right_edge.i + 1, pronoun.i)
            if any(not q[m.start] and _rival(an, m, tok) for m in named):
                return None  # somebody named in between
            return tok
    return None


def _same_pronoun_subject(an: Analysis, sent: int, pronoun: Token) -> bool:
    """Is the subject of sentence ``sent``'s main verb the same "he"/"she"?"""
    root = an.sents[sent].root
    return any(c.dep_ == "nsubj" and c.lower_ == pronoun.lower_ for c in root.children)


def _rival(an: Analysis, m: Mention, subject: Token) -> bool:
    """Does a person named between an unnamed subject and "he" compete with it for the
    pronoun: as a subject of its own, or in a later sentence? A name in the object or
    possessive of the subject's own sentence does not ("Another arbitrageur said he expects
    Gillette to resist Perelman's overture. “…,” he said": the arbitrageur) — the subject
    of the sentence before is the likeliest antecedent."""
    if m.family != "PERSON":
        return False
    root = an.doc[m.start : m.end].root
    later = an.sentence_of(m.start) != an.sentence_of(subject.i)
    return later or root.dep_ in {"nsubj", "nsubjpass"}


def _brought_in(noun: Token) -> bool:
    """An indefinite noun ("a spokesman") or a definite one ("the CBT spokesman", "her
    daughter", "the mayor")."""
    return determiner(noun) in {"indefinite", "definite"}


def office(noun: Token) -> bool:
    """A definite description that is neither a representative's ("the CBT spokesman") nor a
    relative's ("her daughter"): "the mayor", "the senator" — a pronoun after it is theirs
    only when the text names them (else the pronoun's antecedent names them better)."""
    return (
        determiner(noun) == "definite"
        and noun.lemma_.lower() not in REPRESENTATIVES
        and not any(c.dep_ == "poss" for c in noun.children)
    )


def writer_sentence_before(an: Analysis, sent: int) -> int:
    """The index of the sentence before ``sent`` that is the writer's: sentences wholly
    inside a quotation ("The spokesman said, “I would not draw any conclusion. I would just
    say it's the press of business.” ¶ He said …") are the speaker's, not the writer's."""
    s = max(0, sent - 1)
    while s > 0 and _quoted_sentence(an, s):
        s -= 1
    return s


def _quoted_sentence(an: Analysis, sent: int) -> bool:
    end = an.sent_starts[sent + 1] if sent + 1 < len(an.sent_starts) else len(an.tokens)
    words = [i for i in range(an.sent_starts[sent], end) if an.tokens[i].is_alpha]
    return bool(words) and all(an.quoted[i] for i in words)
