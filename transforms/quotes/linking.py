"""From a speaker's phrase to the entity it names: the mention it holds, a person in
apposition or named by a participle, the organisation a spokesman speaks for, a surname the
recognizer missed (read by :mod:`transforms.quotes.speakers` and
:mod:`transforms.quotes.referents`)."""

from __future__ import annotations

import bisect

from spacy.tokens import Span, Token

from transforms.analysis import Analysis
from transforms.mentions.model import Mention
from transforms.mentions.names import SURNAME_PARTICLES
from transforms.quotes.lexicon import REPRESENTATIVES, speaker_nouns

#: Participles that give a description its name ("a student named Wong").
_NAMING = {"name", "call", "nickname", "dub"}


def link(an: Analysis, span: Span, head: Token) -> Mention | None:
    """The mention naming the speaker: one covering the head, else a person in apposition."""
    ms = an.mentions_in(span.start, span.end)
    for m in ms:
        if m.start <= head.i < m.end:
            if m.family in {"ORG", "PLACE"}:
                # "said University of California, San Diego's chancellor, Pradeep Khosla"
                person = _person_beside(an, head)
                if person is not None:
                    return person
            return an.misread.get(id(m), m)
    found = _person_beside(an, head) or _named(an, head)
    if found is not None:
        return found
    persons = [m for m in ms if m.family == "PERSON"]
    if len(persons) == 1 and head.pos_ == "PROPN":
        return persons[0]
    if head.pos_ == "PROPN" and not ms:
        return by_surname(an, span)
    if len(span) == 1 and head.pos_ == "NOUN" and head.is_title and not ms:
        # a surname the tagger took for a plural noun ("Fallows remarked")
        found = by_surname(an, span, any_case=True)
        if found is not None and found.family == "PERSON":
            return found
    if head.lemma_.lower() in REPRESENTATIVES:
        # "a spokesman for CP", "Pentagon officials": whom they speak for — an organisation
        # before a place or a people, the nearest to the noun ("a U.S. Sprint spokesman")
        found = [
            m
            for m in an.mentions_in(head.left_edge.i, head.right_edge.i + 1)
            if m.family in {"ORG", "PLACE", "NORP"} and m.start != head.i
        ]
        if found:
            return min(found, key=lambda m: (m.family != "ORG", abs(m.start - head.i)))
    return None


def _person_beside(an: Analysis, head: Token) -> Mention | None:
    """A person named beside the speaker's head: in apposition ("The mayor, Ivo Kranjc,"),
    after a comma in its phrase ("the MP for Bath, Wera Hobhouse"), or the name the head is
    in apposition to."""
    found = _in_apposition(an, head)
    if found is not None:
        return found
    if head.pos_ == "NOUN" and head.i + 1 < len(head.doc):
        # a title right before the name the parser left apart ("Niger's president
        # Mahamadou Issoufou said")
        for m in an.mentions_in(head.i + 1, head.i + 2):
            if m.family == "PERSON" and m.start == head.i + 1:
                return m
    for m in an.mentions_in(head.i + 1, head.right_edge.i + 1):
        if m.family == "PERSON" and m.start > 0 and head.doc[m.start - 1].text == ",":
            return m
    found = _holder_after_field(an, head)
    if found is not None:
        return found
    if head.dep_ == "appos":
        parent = head.head
        for m in an.mentions_in(parent.i, parent.i + 1):
            if m.family == "PERSON":
                return m
    return None


def _in_apposition(an: Analysis, head: Token) -> Mention | None:
    """The person an apposition of the head names: its own head's name, even one mistaken
    for an organisation after a noun for a person — never a name among its modifiers
    ("O'Donnell, chief strategist for Bachmann's campaign")."""
    person_noun = head.pos_ == "NOUN" and head.lemma_.lower() in speaker_nouns()
    for child in _apposed(head):
        for m in an.mentions_in(child.left_edge.i, child.right_edge.i + 1):
            if m.start > 0 and head.doc[m.start - 1].text == "<":
                continue  # a wire story's ticker symbol ("Merrill Lynch and Co Inc <MER>")
            if an.quoted[m.start]:
                continue  # a name in the quotation the parser hung on the speaker's phrase
            if m.start <= child.i < m.end and (m.family == "PERSON" or person_noun):
                return m
    return None


def _holder_after_field(an: Analysis, head: Token) -> Mention | None:
    """The name closing a title's "of"/"for" phrase of a field: "said vice president of
    sales Tom Baker", "Sirius XM Vice President for news and talk Dave Gorab". The field is
    lowercase common nouns, plural or coordinated, with no article or comma: a singular noun
    before the name is that person's own title ("the lawyer for defendant Tom Baker")."""
    end = head.right_edge.i + 1
    doc = head.doc
    if end < head.i + 4 or doc[head.i + 1].lower_ not in {"of", "for"}:
        return None
    if head.lemma_.lower() not in speaker_nouns():
        return None
    for m in an.mentions_in(head.i + 3, end):
        field = doc[head.i + 2 : m.start]
        if m.family != "PERSON" or m.end != end or len(field) == 0:
            continue
        if (
            all(t.is_lower and t.pos_ in {"NOUN", "CCONJ"} for t in field)
            and field[-1].pos_ == "NOUN"
            and (field[-1].tag_ == "NNS" or any(t.pos_ == "CCONJ" for t in field))
        ):
            return m
    return None


def _named(an: Analysis, head: Token) -> Mention | None:
    """The person a description is given the name of: "a university student named Wong",
    "a man called Ali"."""
    if head.pos_ != "NOUN":
        return None
    for child in head.children:
        if child.dep_ != "acl" or child.tag_ != "VBN" or child.lemma_.lower() not in _NAMING:
            continue
        for name in child.children:
            if name.dep_ in {"oprd", "dobj", "attr", "npadvmod"} and name.pos_ == "PROPN":
                for m in an.mentions_in(name.i, name.i + 1):
                    if m.family == "PERSON":
                        return m
    return None


def _apposed(head: Token) -> list[Token]:
    """The appositions of a noun, and those of a comma-joined conjunct the parser made of an
    apposition ("University of California, San Diego's chancellor, Pradeep Khosla")."""
    out = []
    for child in head.children:
        if child.dep_ == "appos":
            out.append(child)
        elif child.dep_ == "conj" and (
            not any(c.dep_ == "cc" for c in head.children) or _possessed_role(child)
        ):
            out += [g for g in child.children if g.dep_ == "appos"]
    return out


def _possessed_role(tok: Token) -> bool:
    """A noun for a person's role with a possessor ("the Institute of Allergy and Infectious
    Disease's director"): the parser's conjunct of the name before it stands for the
    possessor's officer, whatever "and" the name holds."""
    return (
        tok.pos_ == "NOUN"
        and tok.lemma_.lower() in speaker_nouns()
        and any(c.dep_ == "poss" for c in tok.children)
    )


def by_surname(an: Analysis, span: Span, any_case: bool = False) -> Mention | None:
    """A name the entity recognizer missed ("de Ruiter", a transcript's "FALLIN"): the
    latest earlier mention of a person (or name) whose full name ends with these words."""
    words = [
        t.text
        for t in span
        if t.pos_ == "PROPN" or t.lower_ in SURNAME_PARTICLES or (any_case and t.is_alpha)
    ]
    if not words:
        return None
    if any_case:
        words = [w.lower() for w in words]
    k = bisect.bisect_left(an.named_starts, span.start)
    for m in reversed(an.named[:k]):
        name = m.entity.name.split() if m.entity is not None else []
        if any_case:
            name = [w.lower() for w in name]
        fits = m.family in {"PERSON", "ORG"} and len(name) > len(words)
        if fits and name[-len(words) :] == words:
            return m
    return None
