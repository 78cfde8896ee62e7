"""The speaker rule: from a cue (a reporting verb, "according to", a colon) to who speaks.

This is the one place that decides who said something, once a cue is found:

* the speaker is the subject of the cue (:func:`subject_of`): its own subject, its inverted
  subject ("said Parly"), the agent of a passive ("was told by X"), a name the parser did not
  take for the subject ("Parly tweeted"), or the subject of the verb a participle hangs on
  ("she said, adding that …"); a quoted word is never the speaker of its own quote;
* it is written as in the text, without appositions, relative clauses and commas
  (:func:`speaker_span`);
* it links to an entity (:func:`~transforms.quotes.linking.link`): the mention it contains (a misread surname stands for
  the person), a person in apposition ("a Pentagon spokesperson, Anton Semelroth"), the
  organisation a spokesman speaks for, a name the recognizer missed that ends a known name
  (:func:`~transforms.quotes.linking.by_surname`), or — for a pronoun — its antecedent,
  read from the analysis (:meth:`transforms.analysis.Analysis.antecedent`).

:func:`attribution` applies the rule to one cue token; where cues are looked for around a
quote is the business of :mod:`transforms.quotes.attribution` (direct quotes) and
:mod:`transforms.quotes.indirect`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from transforms.analysis import Analysis
from transforms.mentions.model import Mention
from transforms.quotes.lexicon import (
    COMPANY_NOUNS,
    DEPICTION_NOUNS,
    DIRECT_CLASSES,
    DOCUMENT_NOUNS,
    MESSAGE_NOUNS,
    ORGANISATION_NOUNS,
    is_cue_verb,
    speaker_nouns,
)
from transforms.quotes.linking import link
from transforms.quotes.marks import QUOTE_TOKEN_RE
from transforms.quotes.subject_names import (
    name_after_occupation,
    name_at_verb,
    name_before,
    titled_name,
)

_NOMINAL = {"NOUN", "PROPN", "PRON"}
#: Pronouns in the object case: never the subject of an inverted verb of saying.
_OBJECT_PRONOUNS = {"him", "her", "them", "me", "us"}
#: Relations the parser gives a name it did not recognize ("said Skelly": an adverb).
_MISTAKEN_NAME_DEPS = {"advmod", "npadvmod", "nmod", "appos", "oprd"}
_RELATIVE = {"who", "which", "that", "whom"}
_SPEAKER_DROP_DEPS = {"appos", "relcl", "acl", "advcl", "punct", "cc", "conj", "prep", "case"}
#: Relations a participle climbs to reach the verb whose subject speaks.
_CLIMB = {"xcomp", "advcl", "conj", "pcomp", "prep"}
_NOT_SPEAKERS = {"this", "that", "which", "what", "there", "something", "nothing"}
#: Verbs whose object is the speaker of the "as saying" they govern.
_QUOTING = {"quote", "cite"}
_SUBJ = {"nsubj", "nsubjpass"}


@dataclass
class Attribution:
    """Who said it, and with which cue (token spans; both may be None)."""

    speaker: Span | None = None
    cue: Span | None = None
    mention: Mention | None = None  # the mention that names the speaker (or the antecedent)
    pronoun: bool = False
    nominal: bool = False  # known to name nobody ("an aide … the aide", a document)
    kind: str = ""  # the speaker_kind, set by transforms.quotes.referents

    @property
    def found(self) -> bool:
        return self.speaker is not None


def subject_of(verb: Token, skip: bytearray | None = None) -> Token | None:
    """The speaker of a reporting verb: its subject, or the subject of the verb it hangs on.

    "she said, adding that …" (adding → said → she), "X, who said …" (the relative clause's
    noun), "by saying" (the verb the preposition hangs on), "X was quoted as saying", "a
    message reading “…”" (whoever posted the message, else the message).
    """
    v = verb
    fallback: Token | None = None
    if (
        verb.tag_ == "VBN"
        and verb.dep_ in {"advcl", "acl", "conj", "xcomp"}
        and not any(c.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass"} for c in verb.children)
    ):
        return None  # a passive participle: in "Smith said when asked", Smith was asked
    for _ in range(6):
        quoted_as = _quoted_as(v, verb)
        if quoted_as is not None:
            return quoted_as
        v = _outside_place_clause(v, verb)
        subj = own_subject(v, skip, cue=v is verb)
        if v is verb and subj is not None and _object_as_subject(v, subj):
            v = v.head  # "The governor tweeted her reasoning saying, “…”": the governor
            continue
        if subj is not None:
            # a participle hangs on the reporting verb of its sentence if there is one:
            # "Sanders said the process could be “messy,” adding …" → Sanders, not process
            if v is not verb and _reported_clause(v, verb, subj):
                # "X said the use of dollars “costs …,” further saying …": the participle
                # the parser hung on the reported clause goes on with X's words
                fallback, v = fallback or subj, v.head
                continue
            if v is verb or is_cue_verb(v, DIRECT_CLASSES) or v.dep_ not in _CLIMB:
                return subj
            fallback = fallback or subj
        if v.dep_ == "acl":
            # "a message reading “…”": whoever posted the message, else the message itself;
            # "a show called “…”" names the show, nobody says anything
            noun = v.head
            if v.tag_ != "VBG" or v is not verb:
                return fallback
            if noun.dep_ == "dobj":
                owner = own_subject(noun.head, skip)
                if owner is not None:
                    return owner
            if noun.lemma_.lower() in MESSAGE_NOUNS or noun.pos_ == "PROPN":
                return noun
            v = noun
            if v.dep_ not in _CLIMB and v.dep_ not in {"pobj", "dobj"}:
                return fallback
            v = v.head
            continue
        if v.dep_ in _CLIMB and v.head.i != v.i:
            v = v.head
            continue
        break
    return fallback


def _depicted(verb: Token) -> Token | None:
    """ "The ad uses footage of Hillary Clinton asking, “…”": a participle right after "<a
    record> of X" (``DEPICTION_NOUNS``) is X's, not the record's or the clause subject's."""
    shown = verb.doc[verb.i - 1] if verb.tag_ == "VBG" and verb.i else None
    while shown is not None and shown.dep_ in {"compound", "flat"} and shown.head.i > shown.i:
        shown = shown.head
    if shown is None or shown.dep_ != "pobj" or shown.head.lower_ != "of":
        return None
    record, subj = shown.head.head, [c for c in verb.children if c.dep_ in _SUBJ]
    ok = record.lemma_.lower() in DEPICTION_NOUNS and all(c.i == record.i for c in subj)
    return shown if ok and shown.pos_ in _NOMINAL else None


def _outside_place_clause(v: Token, participle: Token) -> Token:
    """ "looping the streets around the stadium - where the Panthers played the Vikings -
    while chanting, “…”": a "where" clause the parser hung the participle on describes a
    place; the participle goes on with the clause around it."""
    while v is not participle and _place_clause(v):
        v = v.head
    return v


def _place_clause(v: Token) -> bool:
    """Is ``v`` a clause opened by "where" that hangs on another word (a relative clause of
    place, which the parser may make a complement)? Not "when": "When asked, she said …"."""
    return v.head.i != v.i and any(
        c.dep_ == "advmod" and c.tag_ == "WRB" and c.lower_ == "where" and c.i < v.i
        for c in v.children
    )


def _object_as_subject(v: Token, subj: Token) -> bool:
    """Did the parser make the object of the verb before a participle of saying its subject
    ("tweeted her reasoning saying", "posted his letter saying")? An adverbial participle
    has no subject of its own; a possessed thing (not a person: "heard her aide saying")
    between it and its verb, which has no other object, is that verb's object."""
    head = v.head
    return (
        v.tag_ == "VBG"
        and v.dep_ in {"advcl", "dobj"}
        and head.i < subj.i < v.i
        and subj.pos_ == "NOUN"
        and subj.lemma_.lower() not in speaker_nouns()
        and any(c.dep_ == "poss" for c in subj.children)
        and not any(c.dep_ == "mark" for c in v.children)
        and not any(c.dep_ == "dobj" and c.i != v.i for c in head.children)
    )


def _quoted_as(v: Token, participle: Token) -> Token | None:
    """ "Xinhua quoted the official as saying": the one quoted speaks, not the medium that
    quotes — the object of "quote", reached from the participle through its "as"; at the
    participle itself, the one a record shows (:func:`_depicted`)."""
    if v is participle:
        return _depicted(participle)
    if v.lemma_.lower() not in _QUOTING:
        return None
    as_ = participle.head
    if as_.lower_ != "as" or as_.head.i != v.i or participle.dep_ != "pcomp":
        return None
    return next((c for c in v.children if c.dep_ == "dobj"), None)


def _mute(subj: Token) -> bool:
    """A subject that cannot be the speaker of a verb of saying: "it", "there", "this"."""
    return subj.lower_ in _NOT_SPEAKERS or subj.lower_ == "it"


def _reported_clause(v: Token, participle: Token, subj: Token) -> bool:
    """Is ``v`` the clause a verb of saying reports, reached from a participle of saying
    hung on it ("said the use … costs …, further saying"; "said Clinton will have to choose
    …, saying": through the infinitives of the clause), or from a conjunct verb of saying
    whose clause's subject cannot speak ("said it was too early but added, “…”")?"""
    if (
        v.dep_ != "ccomp"
        or not is_cue_verb(v.head, DIRECT_CLASSES)
        or is_cue_verb(v, DIRECT_CLASSES)
    ):
        return False
    if participle.tag_ == "VBG" and participle.dep_ == "advcl":
        t = participle.head
        while t.dep_ == "xcomp" and t.i != v.i:
            t = t.head
        return t.i == v.i
    return participle.dep_ == "conj" and participle.head.i == v.i and (_mute(subj) or _thing(subj))


def _thing(subj: Token) -> bool:
    """A common noun for no one who could speak ("De Blasio said the move was made by X and
    said, “…”"): not a noun for people, an organisation or a document."""
    lemma = subj.lemma_.lower()
    return (
        subj.pos_ == "NOUN"
        and lemma not in speaker_nouns()
        and lemma not in ORGANISATION_NOUNS | COMPANY_NOUNS | DOCUMENT_NOUNS
    )


def own_subject(v: Token, skip: bytearray | None = None, cue: bool = True) -> Token | None:
    """The subject of a verb (a quoted word is never the speaker of its own quote).

    For the cue itself, a passive verb's agent ("was told by X"); for a verb a participle
    hangs on, its passive subject ("X was booed after telling …" → X).
    """
    subjects = []
    for child in v.children:
        if skip is not None and skip[child.i]:
            continue
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in _RELATIVE and v.dep_ == "relcl":
                return v.head
            subjects.append(child)
        elif child.dep_ == "nsubjpass" and (v.lemma_ == "quote" or not cue):
            subjects.append(child)
    if subjects:
        return _one_subject(v, subjects)
    if not cue:
        return None
    prev = v.doc[v.i - 1] if v.i > 0 else None
    if (
        prev is not None
        and v.tag_ != "VBG"  # "… outside Washington, D.C. saying": a participle's subject is up
        and (skip is None or not skip[prev.i])
        and not prev.is_stop
        and not prev.is_sent_end
        and (
            (
                prev.head.i == v.i
                and prev.dep_ in {"advmod", "npadvmod", "nmod", "compound"}
                and prev.is_title
            )
            or (prev.pos_ == "PROPN" and prev.dep_ not in {"pobj", "poss", "compound"})
        )
    ):
        # a name the parser did not take for the subject: "Parly tweeted" (an adverb),
        # "screenwriter Cole Haddon wrote" (the object of "screenwriter", a verb)
        return prev
    for child in v.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _one_subject(v: Token, subjects: list[Token]) -> Token:
    """The subject of ``v`` among those the parser gave it."""
    if len(subjects) == 1:
        return subjects[0]
    # a subject after a subordinator of the verb belongs to the phrase it opens ("The
    # Boeing statement after the crash said:" — "after" made a mark, "crash" a subject)
    marks = [c.i for c in v.children if c.dep_ == "mark"]
    subjects = [
        s for s in subjects if not any(o.i < m < s.i for m in marks for o in subjects)
    ] or subjects
    if len(subjects) == 1:
        return subjects[0]
    # two subjects: a description and the name the parser did not join to it ("His
    # daughter, and member of the INC, Sharmistha Mukherjee wrote"): the name; a person's
    # name before another proper noun: "commented Ontario Premier David Peterson" (the
    # parser made "Ontario" a second subject)
    names = [c for c in subjects if c.pos_ == "PROPN"] or subjects
    best = min(names, key=lambda c: abs(c.i - v.i))
    if all(t.ent_type_ != "PERSON" for t in best.subtree):
        persons = [c for c in subjects if c.ent_type_ == "PERSON"]
        best = min(persons, key=lambda c: abs(c.i - v.i)) if persons else best
    return best


def speaker_span(head: Token) -> Span:
    """The speaker as written: the subject's phrase without appositions, clauses and commas."""
    doc = head.doc
    keep = [head]
    stack = [c for c in head.children if c.dep_ not in _SPEAKER_DROP_DEPS or c.dep_ == "prep"]
    # prepositional modifiers are kept ("a spokesman for the company") unless after a comma
    while stack:
        t = stack.pop()
        if t.dep_ == "prep" and t.i > head.i and doc[t.i - 1].text == ",":
            continue
        keep.append(t)
        stack.extend(c for c in t.children if c.dep_ not in {"appos", "relcl", "punct", "case"})
    lo = min(t.i for t in keep)
    hi = max(t.i for t in keep) + 1
    # contiguous around the head: stop at a comma on either side
    for i in range(head.i - 1, lo - 1, -1):
        if doc[i].text in {",", ";", "(", ")", "—", "–"} or QUOTE_TOKEN_RE.match(doc[i].text):
            lo = i + 1
            break
    for i in range(head.i + 1, hi):
        if doc[i].text in {",", ";", "(", ")", "—", "–"} or QUOTE_TOKEN_RE.match(doc[i].text):
            hi = i
            break
    while hi > lo + 1 and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    while lo < hi - 1 and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return doc[lo:hi]


def from_cue(an: Analysis, cue: Span | None, speaker_head: Token | None) -> Attribution:
    """The attribution of a cue whose speaker's head token is known (or None)."""
    if speaker_head is None:
        return Attribution(cue=cue)
    if an.quoted[speaker_head.i]:
        return Attribution(cue=cue)
    if speaker_head.pos_ == "PRON" or speaker_head.tag_ in {"PRP", "WP"}:
        if speaker_head.lower_ in _NOT_SPEAKERS:
            return Attribution(cue=cue)
        span = speaker_head.doc[speaker_head.i : speaker_head.i + 1]
        ante = an.antecedent(speaker_head)
        return Attribution(speaker=span, cue=cue, mention=ante, pronoun=True)
    span = speaker_span(speaker_head)
    mention = link(an, span, speaker_head)
    if mention is not None and mention.start <= speaker_head.i < mention.end:
        # the whole name the head is part of, however the parser split it ("… Fellow Nadia
        # Why": "Why" an adverb, "Nadia" hung elsewhere)
        doc = speaker_head.doc
        span = doc[min(span.start, mention.start) : max(span.end, mention.end)]
    return Attribution(speaker=span, cue=cue, mention=mention)


def cue_span(verb: Token) -> Span:
    """The cue of a reporting verb: the verb and its particle ("pointed out")."""
    doc = verb.doc
    end = verb.i + 1
    if end < len(doc) and doc[end].dep_ == "prt" and doc[end].head.i == verb.i:
        end += 1
    return doc[verb.i : end]


def according_to(tok: Token) -> Token | None:
    """For the token "according" of "according to X", X's head token."""
    if tok.lower_ != "according":
        return None
    doc = tok.doc
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    to = doc[tok.i + 1]
    for child in to.children:
        if child.dep_ == "pobj":
            return child
    if to.i + 1 < len(doc) and doc[to.i + 1].pos_ in {"PROPN", "NOUN", "PRON"}:
        # the parse missed the object: take the noun phrase's head to the right
        t = doc[to.i + 1]
        while t.head.i > t.i and t.head.i - to.i < 8 and t.head.pos_ in {"PROPN", "NOUN"}:
            t = t.head
        return t
    return None


def attribution(an: Analysis, tok: Token, inverted: bool = False) -> Attribution | None:
    """The attribution made by a cue token (a reporting verb or "according to"), or None.

    ``inverted``: the verb comes right after the quote, so a noun after it that the parser
    took for its object is its subject (“…,” read the email).
    """
    if an.quoted[tok.i]:
        return None
    obj = according_to(tok)
    if obj is not None:
        cue = tok.doc[tok.i : tok.i + 2]
        attr = from_cue(an, cue, obj)
        return attr if attr.found else None
    if not is_cue_verb(tok, DIRECT_CLASSES) or any(c.dep_ == "neg" for c in tok.children):
        return None  # "The campaign did not elaborate."
    subj = subject_of(tok, an.quoted)
    if subj is None and inverted and tok.tag_ != "VBG":
        # quotative inversion takes a finite verb ("“…,” read the email"), never a
        # participle ("“…”, calling it a …": "it" is its object), and a subject's case
        subj = next(
            (
                c
                for c in tok.rights
                if c.i <= tok.i + 4
                and not an.quoted[c.i]
                and c.lower_ not in _OBJECT_PRONOUNS
                and (
                    (c.dep_ in {"dobj", "attr"} and c.pos_ in _NOMINAL)
                    or (c.dep_ in _MISTAKEN_NAME_DEPS and c.is_title and not c.is_stop)
                )
            ),
            None,
        )
    if subj is None:
        subj = name_before(an, tok)
    if subj is None:
        return None
    if subj.pos_ == "NOUN":
        subj = titled_name(an, subj, tok) or subj
    elif subj.pos_ == "PROPN" and subj.i < tok.i:
        subj = name_at_verb(an, subj, tok) or subj
    elif subj.pos_ == "PROPN":
        subj = name_after_occupation(an, subj) or subj
    attr = from_cue(an, cue_span(tok), subj)
    return attr if attr.found else None
