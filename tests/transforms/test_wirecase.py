"""Reuters' capital after "U.S." (transforms/wirecase.py): what the model reads in lower case,
and the parse that follows (the Doc still shows the body's text)."""

from __future__ import annotations

from transforms.nlp import parse_docs
from transforms.unwrap import prepare
from transforms.wirecase import wire_case

BODY = (
    "Armacost said the U.S. Hopes Japan will act. A top U.S. Official said the\n"
    "U.S. Not to impose tariffs and the U.S. And Japan met. The U.S. Treasury, the U.S. Navy\n"
    "and the U.S. Trade Representative spoke, as did the U.S. Economic Council, in May and in\n"
    "U.S. May trade figures; U.S. officials and U.S. Banks agreed."
)


def test_ordinary_words_after_us_are_read_in_lower_case(nlp):
    prep = prepare(BODY, wire_case(nlp))
    assert prep is not None and len(prep.text) == len(BODY)
    changed = [
        BODY[i : BODY.index(" ", i)]
        for i in range(len(BODY))
        if BODY[i].isalpha() and BODY[i] != prep.text[i]
    ]
    # inflected verbs (Hopes, Banks), an adjective before no name (Official), function words
    # (Not, And); nouns and names stay (Treasury, Navy, Trade Representative, Economic before
    # a name, the month May)
    assert changed == ["Hopes", "Official", "Not", "And", "Banks"]
    # an event noun of the lexicon before no capitalized word; before one it stays a name
    text = "the U.S. Attack on Iran and the U.S. Attack Force"
    assert prepare(text, wire_case(nlp)).text == "the U.S. attack on Iran and the U.S. Attack Force"
    assert prepare("No capital after U.S. here.", wire_case(nlp)) is None
    assert prepare("the U.S. Hopes Japan will act.") is None  # without the word lists


def test_the_verb_after_us_is_parsed_as_a_verb(nlp):
    text = "Armacost said the U.S. Hopes Japan will take steps."
    doc = next(parse_docs(nlp, [text]))
    hopes = next(t for t in doc if t.text == "Hopes")
    assert doc.text == text  # the Doc is over the body
    assert (hopes.pos_, hopes.dep_) == ("VERB", "ccomp")
    assert [e.text for e in doc.ents if e.label_ == "GPE"] == ["U.S.", "Japan"]
