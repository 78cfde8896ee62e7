"""The person a speaker's phrase leads to when the parser took another of its words for the
subject (read by :func:`transforms.quotes.speakers.attribution`): a name after a run of titles
("said study co-author Karen Alley"), the person named last before the verb ("Longtime Imus in
the Morning writer Rob Bartlett tweeted"), the person after a noun for an occupation ("said
Carroll McEntee and McGinley analyst Denis Karnosky"), a name right before a verb the parser
left without a subject ("her adviser, Jake Sullivan, said")."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.quotes.lexicon import speaker_nouns


def titled_name(an: Analysis, subj: Token, verb: Token) -> Token | None:
    """The name a run of title words leads to, when the parser took one of them for the
    subject ("said study co-author Karen Alley", "selection committee member Ulf Danielsson
    said"): only nouns, adjectives and hyphens between the noun and the name (and an "and"
    joining two titles: "said study co-author and Royal Society Research Fellow Martin How"),
    the name next to the verb or the noun right after it — or closing an inverted subject,
    then as far as the run of titles goes."""
    doc = an.doc
    lo, hi = (verb.i + 1, verb.i + 16) if subj.i > verb.i else (subj.i, verb.i)
    for m in an.mentions_in(lo, min(hi, len(doc))):
        if m.family != "PERSON" or m.start <= subj.i:
            continue
        closes = subj.i > verb.i and (m.end == len(doc) or doc[m.end].is_punct)
        if m.start - subj.i > (14 if closes else 6):
            continue
        between = doc[subj.i + 1 : m.start]
        if not all(_title_word(t) for t in between):
            return None
        after = doc[m.end] if m.end < len(doc) else None
        if after is not None and after.tag_ == "POS":
            return None  # "said Smith's lawyer"
        if subj.i < verb.i and m.end != verb.i:
            return None
        return doc[m.start : m.end].root
    return None


def _title_word(tok: Token) -> bool:
    """A word of a run of titles before a name: a noun, an adjective, a hyphen, or the "and"
    after a noun for a person's role ("co-author and Research Fellow")."""
    if tok.pos_ in {"NOUN", "ADJ", "PROPN"} or tok.text in {"-", "–"}:
        return True
    prev = tok.doc[tok.i - 1]
    return tok.lower_ == "and" and prev.pos_ == "NOUN" and prev.lemma_.lower() in speaker_nouns()


def name_at_verb(an: Analysis, subj: Token, verb: Token) -> Token | None:
    """The person named last in the subject's phrase, right before the verb, when the parser
    took an earlier proper noun for the subject ("Longtime Imus in the Morning writer Rob
    Bartlett tweeted": the show's "Imus"): the head of an English noun phrase comes last."""
    doc = an.doc
    other = an.mention_at(subj.i)
    if other is None or other.family != "PERSON":
        return None  # a title ("US Ambassador to Germany Richard Grenell"): linked already
    for m in an.mentions_in(subj.i + 1, verb.i):
        if m.family != "PERSON" or m.end != verb.i or m.start <= subj.i:
            continue
        if m.start - subj.i > 8 or an.quoted[m.start]:
            return None
        if any(t.is_punct or t.pos_ in {"VERB", "AUX"} for t in doc[subj.i + 1 : m.start]):
            return None  # "Smith, Jones said", "Smith told Jones"
        return doc[m.start : m.end].root
    return None


def name_after_occupation(an: Analysis, subj: Token) -> Token | None:
    """The person an inverted subject's phrase ends with, after a noun for what they do,
    when the parser took an earlier proper noun for the subject ("said Carroll McEntee and
    McGinley analyst Denis Karnosky": the firm's "McEntee"): the names before the noun
    modify it, and the head of an English noun phrase comes last."""
    doc = an.doc
    for m in an.mentions_in(subj.i + 1, min(subj.i + 9, len(doc))):
        if m.family != "PERSON" or m.start <= subj.i + 1 or an.quoted[m.start]:
            continue
        noun = doc[m.start - 1]
        if noun.tag_ != "NN" or noun.lemma_.lower() not in speaker_nouns():
            continue  # "said Smith and Jones": two speakers, the first one named
        between = doc[subj.i + 1 : noun.i]
        if any(t.is_punct and t.text not in {"-", "&"} for t in between):
            return None  # "said Smith, a Morgan analyst, and Jones"
        if any(t.pos_ in {"VERB", "AUX"} for t in between):
            return None
        return doc[m.start : m.end].root
    return None


def name_before(an: Analysis, verb: Token) -> Token | None:
    """A person named right before a verb the parser left without a subject
    ("her adviser, Jake Sullivan, said": the name hangs on "adviser")."""
    doc = an.doc
    i = verb.i - 1
    while i >= 0 and doc[i].text == ",":
        i -= 1
    if i < 0 or an.quoted[i]:
        return None
    for m in an.mentions_in(i, i + 1):
        if m.end == i + 1 and m.family == "PERSON":
            return doc[m.start : m.end].root
    return None
