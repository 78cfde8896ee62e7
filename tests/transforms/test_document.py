"""The text layer (transforms/document.py): sentences, tokens, quotation segments and mask."""

from __future__ import annotations

import spacy

from transforms.document import Document, sentences


def test_sentences_tokens_and_lookups(nlp):
    text = "Ana spoke first. Then Bo said “we will stay.” It rained."
    doc = nlp(text)
    d = Document(doc)
    assert d.text == text
    assert [s.text for s in d.sents] == [
        "Ana spoke first.",
        "Then Bo said “we will stay.”",
        "It rained.",
    ]
    assert d.sent_starts == [0, 4, 13]
    assert d.sent_start_chars == [0, 17, 46]
    assert d.sentence_of(0) == 0 and d.sentence_of(5) == 1 and d.sentence_of(14) == 2
    assert d.sentence_bounds(7) == (4, 13)
    assert d.sentence_bounds(14) == (13, len(doc))
    assert d.token_at(text.index("said")) == 6 and d.token_at(text.index("said") + 2) == 6
    assert list(d.tokens_in(text.index("Bo"), text.index("we"))) == [5, 6, 7]


def test_quotation_segments_mask_and_ranges(nlp):
    text = "Then Bo said “we will stay.” It rained."
    doc = nlp(text)
    d = Document(doc)
    assert [(text[g.start : g.end], g.open_at, g.close_at) for g in d.segments] == [
        ("we will stay.", text.index("“"), text.index("”"))
    ]
    quoted = [t.text for t in doc if d.quoted[t.i]]
    assert quoted == ["“", "we", "will", "stay", ".", "”"]  # marks included
    assert d.quote_ranges == [(text.index("we"), text.index("”"))]
    assert d.quoted_char(text.index("will")) and not d.quoted_char(text.index("“"))
    assert not d.quoted_char(text.index("It"))


def test_a_doc_without_sentence_boundaries_is_one_sentence():
    doc = spacy.blank("en")("no parse here . none at all")
    assert [s.text for s in sentences(doc)] == ["no parse here . none at all"]
    d = Document(doc)
    assert d.sent_starts == [0] and d.sentence_bounds(5) == (0, len(doc))
    empty = Document(spacy.blank("en")(""))
    assert empty.sents == [] and empty.segments == [] and len(empty.quoted) == 0
