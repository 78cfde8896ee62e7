"""Speakers that go on with an attribution resolved before: read by
:mod:`transforms.quotes.referents` when it resolves a pronoun or a document.

A definite description or a pronoun refers, first, to what the discourse brought in last
under that description: "The CBT spokesman said …. “…,” he said. ¶ He added …" is the
spokesman each time; "the report" a dozen paragraphs after "the U.S. Embassy report" is
still the embassy's, when no other report came between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.mentions.model import Mention
from transforms.quotes.descriptions import ORGANISATION_FAMILIES, determiner, document_names
from transforms.quotes.lexicon import DOCUMENT_ACTS, DOCUMENT_NOUNS
from transforms.quotes.linking import link
from transforms.quotes.unnamed import Scope, office, unnamed_reporter, writer_sentence_before


def reporter_before(
    scope: Scope, pronoun: Token, antecedent: Mention | None
) -> tuple[Mention | None, bool] | None:
    """Whom a "he"/"she" speaker stands for when a person brought in by a common noun is the
    subject right before it (:func:`~transforms.quotes.unnamed.unnamed_reporter`); an office
    only when it names a person ("The mayor said …. Asked …, she laughed": the person the
    article titled mayor; "the senator" resolved to nobody leaves the antecedent alone)."""
    reporter = unnamed_reporter(scope, pronoun, antecedent)
    if reporter is None:
        return None
    found = reporter_referent(scope, reporter)
    if office(reporter) and (found[0] is None or found[0].family != "PERSON"):
        return None
    return found


def reporter_referent(scope: Scope, noun: Token) -> tuple[Mention | None, bool]:
    """Whom a common-noun subject of a verb of saying stands for (the pronoun after it goes
    on with them): a definite description as its own attribution was resolved ("The CBT
    spokesman said …": CBT), else the name in its phrase ("a spokesman for Airbus"), else
    nobody named (nominal)."""
    if determiner(noun) == "definite":
        said = next((s.attr for s in scope.said if s.attr.speaker.root.i == noun.i), None)
        if said is not None:
            return said.mention, said.mention is None
    found = link(scope.an, scope.an.doc[noun.left_edge.i : noun.right_edge.i + 1], noun)
    return found, found is None


def carried_on(scope: Scope, pronoun: Token) -> Any | None:
    """The attribution a "he"/"she" goes on with when the one right before it is the same
    pronoun, which these rules gave the speaker a common noun brought in, in this sentence or
    the one before, nobody named in between outside quotations ("The CBT spokesman said ….
    “…,” he said. ¶ He added that … “…,” he said": the spokesman's, as the first "he" was)."""
    if not scope.said or pronoun.lower_ not in {"he", "she"}:
        return None
    attr = scope.said[-1].attr
    before = attr.speaker.root
    if id(attr) not in scope.carried or before.lower_ != pronoun.lower_:
        return None
    an = scope.an
    if writer_sentence_before(an, an.sentence_of(pronoun.i)) > an.sentence_of(before.i):
        return None
    q = an.quoted
    named = an.mentions_in(before.i + 1, pronoun.i)
    if any(m.family == "PERSON" and not q[m.start] for m in named):
        return None
    return attr


def earlier_document(scope: Scope, noun: Token) -> Any | None:
    """The last attribution whose speaker is the same document noun as ``noun`` ("the
    report"), naming nothing ``noun`` does not ("the Republican report" is not the
    Democrats' report): the same document, so the same issuer (or none)."""
    if determiner(noun) != "definite":
        return None
    lemma, names = noun.lemma_.lower(), document_names(noun)
    for said in reversed(scope.said):
        root = said.attr.speaker.root
        if root.i < noun.i and root.lemma_.lower() == lemma and said.attr.pronoun is False:
            return said.attr if names <= document_names(root) else None
    return None


#: How many sentences back a document's act may be ("declared … the proclamation").
_ACT_SENTENCES = 6
_SPEAKING_FAMILIES = ORGANISATION_FAMILIES | {"PERSON"}


def act_before(
    an: Analysis, noun: Token, entity_of: Callable[[Token], Mention | None]
) -> Mention | None:
    """The one whose act the document records, in the last few sentences: "Trump
    declared a national emergency … The proclamation said" (``DOCUMENT_ACTS``)."""
    verbs = DOCUMENT_ACTS.get(noun.lemma_.lower())
    if not verbs:
        return None
    sent = an.sents[an.sentence_of(noun.i)]
    said = {t.lemma_.lower() for t in sent if t.pos_ in {"NOUN", "PROPN"}}
    lo = an.sent_starts[max(0, an.sentence_of(noun.i) - _ACT_SENTENCES)]
    best: tuple[int, int, Mention] | None = None
    for i in range(lo, noun.i):
        tok = an.doc[i]
        if an.quoted[i] or tok.pos_ != "VERB" or tok.lemma_.lower() not in verbs:
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        found = entity_of(subj) if subj is not None else None
        if found is None or found.family not in _SPEAKING_FAMILIES:
            continue
        # the act whose object the document's sentence speaks of, else the nearest
        obj = {t.lemma_.lower() for c in tok.children if c.dep_ == "dobj" for t in c.subtree}
        if best is None or len(obj & said) >= best[0]:
            best = (len(obj & said), i, found)
    return best[2] if best else None


def document_before(an: Analysis, it: Token, antecedent: Mention | None) -> Token | None:
    """A document named nearer before a speaker "it" than its antecedent ("A letter from the
    staff association … “…,” it said"): this sentence or the one before."""
    lo = an.sent_starts[max(0, an.sentence_of(it.i) - 1)]
    if antecedent is not None:
        lo = max(lo, antecedent.end)
    for i in range(it.i - 1, lo - 1, -1):
        tok = an.tokens[i]
        if not an.quoted[i] and tok.tag_ == "NN" and tok.lemma_.lower() in DOCUMENT_NOUNS:
            return tok
    return None
