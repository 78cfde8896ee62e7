"""transforms/tokenfind.py: the tokens an extractor looks at, found on the Doc's arrays."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from transforms.tokenfind import tokens_where, tokens_with


def _doc() -> Doc:
    words = ["He", "SAID", "the", "Reports", "were", "reported", "(", "said", "\n\n", "X", "("]
    lemmas = ["he", "say", "the", "Report", "be", "report", "(", "say", "\n\n", "X", "("]
    return Doc(spacy.blank("en").vocab, words=words, lemmas=lemmas)


def test_tokens_found_by_form_or_lemma_in_text_order():
    doc = _doc()
    assert tokens_where(doc, "ORTH", "(".__eq__) == [6, 10]
    assert tokens_where(doc, "ORTH", lambda s: "\n" in s) == [8]
    assert tokens_with(doc, {"said"}) == [1, 7]  # the lower-case form: "SAID" too
    assert tokens_with(doc, lemmas={"report"}) == [3, 5]  # the lemma lower-cased: "Report"
    assert tokens_with(doc, {"he", "x"}, {"say"}) == [0, 1, 7, 9]
    assert tokens_with(doc, {"nobody"}, {"nothing"}) == []
    assert tokens_with(Doc(doc.vocab, words=[])) == []


def test_the_same_tokens_as_a_loop_over_every_token(nlp):
    text = (
        "Officials said on Monday that the talks (in Geneva) would resume, according to a "
        "report.\n\nShe says they reported it. “They will,” he said."
    )
    doc = nlp(text)
    forms = {"said", "says", "(", "according", "she", "he"}
    assert tokens_with(doc, forms) == [t.i for t in doc if t.lower_ in forms]
    assert tokens_with(doc, lemmas={"say", "report"}) == [
        t.i for t in doc if t.lemma_.lower() in {"say", "report"}
    ]
    assert tokens_where(doc, "ORTH", str.isspace) == [t.i for t in doc if t.is_space]
