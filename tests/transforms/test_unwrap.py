"""The text the model reads (transforms/unwrap.py): hard wraps and wire tags out, offsets kept."""

from __future__ import annotations

from transforms.mentions.extract import extract_mentions
from transforms.nlp import parse_docs
from transforms.unwrap import prepare

# Wrapped at 61 characters; every kind of line break a wrapped story holds.
BODY = (
    "The central bank left its main lending rate unchanged on\n"
    "Monday after a meeting of its board, said the governor, Robin\n"
    "Leigh-Pemberton, who added that the decision was unanimous.\n"
    "Shares of <Sedio N.V.> rose 20 cts after the company and its\n"
    "partner Hitachi Ltd <HIT.T> agreed a long-\n"
    "term supply deal worth 40 mln dlrs, the U.S.\n"
    " company said in a statement issued late on Friday evening.\n"
    "    The bank listed its reasons for the decision as follows:\n"
    "- inflation is expected to fall below two pct this year\n"
    "- wage growth has slowed in each of the last three months\n"
    "    RESULTS FOR THE YEAR\n"
    "Net profit      1,234 mln     1,100 mln\n"
    "Turnover        9,876 mln     9,001 mln\n"
    "The bank will publish its full accounts in the first week of\n"
    "April.\n"
    "Its shares closed two pct lower, dealers said.\n"
    "MARKETS\n"
    "Traders said the decision had been expected by most of the\n"
    "market, where x < y > z is no tag and <b>bold</b> is markup.\n"
    " REUTER\n"
)
READ = (
    # wraps are spaces, a continuation's leading blank with them ("unanimous." had no room for
    # "Shares"; "U.S." is no sentence end; a word hyphenated at the line end is not joined), a
    # tag's brackets are gone, a ticker after a name is in parentheses
    "The central bank left its main lending rate unchanged on Monday after a meeting of its "
    "board, said the governor, Robin Leigh-Pemberton, who added that the decision was "
    "unanimous. Shares of Sedio N.V. rose 20 cts after the company and its partner Hitachi "
    "Ltd (HIT.T) agreed a long- term supply deal worth 40 mln dlrs, the U.S. company said in "
    "a statement issued late on Friday evening.\n"
    "    The bank listed its reasons for the decision as follows:\n"  # indent: a paragraph
    "- inflation is expected to fall below two pct this year\n"  # list items
    "- wage growth has slowed in each of the last three months\n"
    "    RESULTS FOR THE YEAR\n"
    "Net profit      1,234 mln     1,100 mln\n"  # table rows
    "Turnover        9,876 mln     9,001 mln\n"
    "The bank will publish its full accounts in the first week of April.\n"
    "Its shares closed two pct lower, dealers said.\n"  # a sentence ended with room left
    "MARKETS\n"  # a heading in capitals
    # "x < y > z" and HTML are no wire tags
    "Traders said the decision had been expected by most of the market, where x < y > z is "
    "no tag and <b>bold</b> is markup.\n"
    " REUTER\n"  # a sign-off after a sentence: kept, though the line left no room for it
)


def test_a_wrapped_body_is_read_with_its_paragraphs_only():
    prep = prepare(BODY)
    assert prep.text == READ
    assert len(prep.starts) == len(prep.ends) == len(READ)
    # each character read stands for the body's characters at its place
    for k, ch in enumerate(READ):
        original = BODY[prep.starts[k] : prep.ends[k]]
        assert (
            original == ch
            or (ch == " " and original in ("<", ">"))
            or (ch == " " and "\n" in original and not original.strip())
            or (ch in "()" and original in "<>")
        ), (k, ch, original)
    assert prep.starts[READ.index("Robin") + 5] == BODY.index("Robin") + 5  # the "\n"


def test_windows_line_ends_are_read_like_unix_ones():
    crlf = BODY.replace("\n", "\r\n")
    prep = prepare(crlf)
    assert prep.text == READ.replace("\n", "\r\n")
    k = READ.index("Robin") + 5
    assert crlf[prep.starts[k] : prep.ends[k]] == "\r\n"


def test_text_that_is_not_wrapped_is_read_as_it_is():
    one_per_line = (
        "Dock workers in Antwerp walked out on Monday.\n"
        "The union said the strike would last until Friday\n"
        "Ships queued outside the port on Tuesday, officials said.\n"
        "Shipping lines diverted cargo to Rotterdam\n"
        "Talks are due to resume next week.\n"
        "The port authority declined to comment.\n"
    )
    assert prepare(one_per_line) is None
    # ... but a stray wrap in it, a sentence's start continued in lower case, is a wrap
    stray = one_per_line.replace("outside the port on", "outside the port\non")
    assert prepare(stray).text == one_per_line
    # a story too short to be sure of its width: its lines fit a terminal, none ends a sentence
    short = (
        "Robert Halmi Inc said it has received\n"
        "a commitment for a five mln dlr revolving credit line\n"
        "from Wells Fargo and Co <WFC>.\n"
        " REUTER\n"
    )
    assert prepare(short).text == (
        "Robert Halmi Inc said it has received a commitment for a five mln dlr revolving "
        "credit line from Wells Fargo and Co (WFC).\n REUTER\n"
    )
    # a sign-off ending the text is a line of its own after any line
    assert prepare(short.replace("<WFC>.", "<WFC>")).text.endswith("Co (WFC)\n REUTER\n")
    # a bracket beside punctuation is a space: no token of the model spans a dropped character
    assert prepare("Prices rose 2 pct, said <Acme Corp>.").text == (
        "Prices rose 2 pct, said Acme Corp ."
    )
    assert prepare("if x<y and y>z, and <p>markup</p> or <B>bold</B>") is None
    # a tag between two words leaves a space; a trailing blank before a wrap is taken with it
    assert prepare("Shares of XYZ<TCB>fell.").text == "Shares of XYZ TCB fell."
    # a tag across a wrap
    assert prepare("It bought the <Gates\nCorp> loan.").text == "It bought the Gates\nCorp loan."


def test_the_doc_is_over_the_body_with_what_the_model_read(nlp):
    (doc,) = parse_docs(nlp, [BODY])
    assert doc.text == BODY
    ents = {(e.text, e.label_) for e in doc.ents}
    # one name across the line break; names without the tag's brackets or the ticker
    assert ("Robin\nLeigh-Pemberton", "PERSON") in ents
    assert ("Sedio N.V.", "ORG") in ents and ("Hitachi Ltd", "ORG") in ents
    assert not any(ch in e.text for e in doc.ents for ch in "<>")
    starts = {s.start_char for s in doc.sents}
    assert BODY.index("Leigh-Pemberton") not in starts and BODY.index("company said") not in starts
    assert BODY.index("Net profit") in starts and BODY.index("- wage") in starts
    mentions = extract_mentions(doc, "a")
    assert all(BODY[m.start_char : m.end_char] == m.text for m in mentions)
    names = {m.canonical_name for m in mentions if m.label == "PERSON"}
    assert "Robin Leigh-Pemberton" in names
    (tagged,) = parse_docs(nlp, ["The plant was sold to <Columbia Aluminium Corp>."])
    assert [t.text for t in tagged][4:] == ["to", "<", "Columbia", "Aluminium", "Corp", ">", "."]
    assert [(e.text, e.label_) for e in tagged.ents] == [("Columbia Aluminium Corp", "ORG")]
    (crlf,) = parse_docs(nlp, [BODY.replace("\n", "\r\n")])
    assert [(e.start_char, e.label_) for e in crlf.ents if e.label_ == "PERSON"] == [
        (BODY.replace("\n", "\r\n").index("Robin"), "PERSON")
    ]
