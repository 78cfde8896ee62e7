"""The quotes table (transforms/quotes/extract.py, rows.py): rows and ids, the seed's and
the sample articles' hand-checked quotes, and properties: nothing crashes, every offset
slices the body."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE, WIKINEWS, need
from tests.transforms.helpers import article, quotes_of
from transforms.analysis import Analysis
from transforms.nlp import parse_docs
from transforms.quotes.extract import extract_quotes
from transforms.quotes.rows import Quote
from transforms.schemas import QUOTES, to_table


def check_offsets(body: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert body[q.start_char : q.end_char] == q.text
        assert q.text == q.text.strip() and q.text
        if q.speaker_text is not None:
            assert body[q.speaker_start_char : q.speaker_end_char] == q.speaker_text
        if q.cue is not None:
            assert body[q.cue_start_char : q.cue_end_char] == q.cue
    assert len({q.quote_id for q in quotes}) == len(quotes)


def view(q: Quote) -> tuple:
    return (q.text, q.is_direct, q.is_partial, q.speaker_text, q.speaker_name, q.cue)


def test_rows_match_the_schema_and_ids_are_stable(nlp):
    text = "“We will win this fight,” said Maria Lopez. She said the vote was fair."
    rows = [q.row() for q in quotes_of(nlp, text)]
    table = to_table("quotes", rows)
    assert table.schema.equals(QUOTES, check_metadata=False)
    assert table.num_rows == 2
    again = [q.row() for q in quotes_of(nlp, text)]
    assert [r["quote_id"] for r in rows] == [r["quote_id"] for r in again]
    other = [q.row() for q in quotes_of(nlp, text, article_id="another")]
    assert {r["quote_id"] for r in rows}.isdisjoint(r["quote_id"] for r in other)
    same_span_direct = Quote("a", 0, 5, "words", True, False, 0)
    same_span_indirect = Quote("a", 0, 5, "words", False, False, 0)
    assert same_span_direct.quote_id != same_span_indirect.quote_id


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "“", "”", '"', '""', "“”", "''", "“ ” “", "“\n\n”", "Hello.", "“Hi.”"],
)
def test_degenerate_texts_never_crash(nlp, text):
    got = quotes_of(nlp, text)
    check_offsets(text, got)


SEED_DIRECT = [  # full quotations (is_partial false)
    (
        "Our special forces have created a true brotherhood of arms in the face of terrorism.",
        "Parly",
        "Florence Parly",
    ),
    (
        "This convention will deepen the amazing bonds that they have formed.",
        "Parly",
        "Florence Parly",
    ),
    (
        "This task force has already had significant success in the fight against terrorism",
        "she",
        "Florence Parly",
    ),
    ("Our operational cooperation generates actual results", "she", "Florence Parly"),
]


# Phrases of the writer's sentence (bench/gold/README.md, "Partial quotation"): the object of
# "described … as", a description after "said … it is a", a clause after "adding that", and
# the two words inside the sentence.
SEED_PARTIAL = [
    (
        "a statement of intent to enhance collaboration in all areas of special operations.",
        "Lieutenant Colonel Anton Semelroth",
        "Anton Semelroth",
    ),
    (
        "unique and real example of Europeans assuming responsibility by joining the Malian "
        "military forces in combat.",
        "she",
        "Florence Parly",
    ),
    ("US support for our operations in the Sahel is critical.", "she", "Florence Parly"),
    ("excellent partner", "Austin", "Lloyd Austin"),
]


SEED_INDIRECT = [
    ("the accord had no specific regional focus", "He", "Anton Semelroth"),
    (
        "the US military presence in Afghanistan, which has lasted nearly two decades, will "
        "cease on August 31",
        "President Joe Biden",
        "Joe Biden",
    ),
    (
        "his country would begin closing military sites in northern Mali by the end of the "
        "year, as the jihadist danger in the Sahel shifts south, exposing additional countries "
        "in the region to Islamist attacks",
        "French President Emmanuel Macron",
        "Emmanuel Macron",
    ),
    (
        "the US counter-terrorism effort should be shifted from Afghanistan to Africa and "
        "other areas",
        "Biden",
        "Joe Biden",
    ),
    (
        "the Takuba task force, which consists of special forces from nine European and "
        "African countries working together in the Sahel, was a model for future cooperation "
        "during a talk at the Atlantic Council following her Pentagon visit",
        "Parly",
        "Florence Parly",
    ),
]


@pytest.fixture(scope="module")
def seed_quotes(nlp, seed_path):
    article_id, body = article(seed_path)
    doc = nlp(body)
    quotes = extract_quotes(Analysis(doc, article_id))
    return body, quotes


def test_seed_full_direct_quotes(seed_quotes):
    _, quotes = seed_quotes
    full = [
        (q.text, q.speaker_text, q.speaker_name) for q in quotes if q.is_direct and not q.is_partial
    ]
    assert full == SEED_DIRECT
    # Four full quotations, all by Florence Parly (two of them through "she"). The stray
    # closing mark after “Our operational cooperation …,” she said (“… And it will keep on
    # delivering.”) makes no quote of its own.
    full_parly = [
        q for q in quotes if q.is_direct and not q.is_partial and q.speaker_name == "Florence Parly"
    ]
    assert (len(full_parly), sum(q.speaker_text == "she" for q in full_parly)) == (4, 2)
    assert not any("delivering" in q.text for q in quotes)


def test_seed_partial_quote_and_no_scare_quote(seed_quotes):
    _, quotes = seed_quotes
    partial = [(q.text, q.speaker_text, q.speaker_name) for q in quotes if q.is_partial]
    assert partial == SEED_PARTIAL
    assert [q.cue for q in quotes if q.is_partial] == ["described", "said", "adding", "called"]
    assert all(q.is_direct for q in quotes if q.is_partial)
    assert not any(q.text == "roadmap" for q in quotes)


def test_seed_indirect_statements(seed_quotes):
    _, quotes = seed_quotes
    indirect = [(q.text, q.speaker_text, q.speaker_name) for q in quotes if not q.is_direct]
    assert indirect == SEED_INDIRECT


def test_seed_rows_all_link_their_speakers(seed_quotes):
    body, quotes = seed_quotes
    check_offsets(body, quotes)
    assert all(q.speaker_entity_id and q.speaker_mention_id for q in quotes)
    people = {q.speaker_name: q.speaker_entity_id for q in quotes}
    assert len(set(people.values())) == len(people) == 5


def sample_quotes(nlp, name: str) -> tuple[str, list[Quote]]:
    article_id, body = article(SAMPLE / name)
    doc = nlp(body)
    quotes = extract_quotes(Analysis(doc, article_id))
    check_offsets(body, quotes)
    return body, quotes


def direct_views(quotes: list[Quote]) -> list[tuple]:
    return [(q.text, q.is_partial, q.speaker_text, q.speaker_name) for q in quotes if q.is_direct]


def test_sample_multi_paragraph_quote_typographic(nlp):
    _, quotes = sample_quotes(nlp, "005_bangladesh_floods_aid.txt")
    marchetti = [q for q in quotes if q.is_direct and q.speaker_name == "Elena Marchetti"]
    assert [q.text for q in marchetti] == [
        "We are seeing families who lost their homes two years ago and rebuilt, only to lose "
        "everything again. The water came in hours, not days, and many people had no time to "
        "move their livestock or their rice stores.",
        "What worries us most is the next three weeks. The stocks of food people had are gone, "
        "the roads are cut and the monsoon is not over. Without help now, we will be dealing "
        "with a nutrition crisis by August.",
    ]
    assert {q.speaker_text for q in marchetti} == {"Elena Marchetti"}


def test_sample_multi_paragraph_quote_straight(nlp):
    _, quotes = sample_quotes(nlp, "008_nordvik_veldman_merger.txt")
    sandell = [q.text for q in quotes if q.is_direct and q.speaker_name == "Henrik Sandell"]
    assert sandell[1].startswith("Our customers, the big supermarket chains, are consolidating")
    assert sandell[1].endswith("Alone, neither of us could do that.")
    assert sandell[2].startswith("Together we can, and we can do it")
    assert sandell[2].endswith("That is the whole logic of this transaction")
    ruiter = [q.text for q in quotes if q.speaker_text == "de Ruiter"]
    assert ruiter == ["This is not the end of Veldman", "It's the start of a bigger chapter."]


def test_sample_unbalanced_mark(nlp):
    _, quotes = sample_quotes(nlp, "017_curly_unbalanced.txt")
    gruber = [q for q in quotes if q.is_direct and q.speaker_name == "Sabine Gruber"]
    assert [q.text for q in gruber] == [
        "We are deeply shocked by what has happened this morning. Our thoughts are with the "
        "families of those who died and with everyone who was injured. We will do everything "
        "to find out how this could happen"
    ]
    # the quote ends with its paragraph, not with the article
    assert not any("Investigators from the Federal Safety" in q.text for q in quotes)


def test_sample_interrupted_quote(nlp):
    _, quotes = sample_quotes(nlp, "003_portugal_rail_strike.txt")
    costa = [q for q in quotes if q.is_direct and q.speaker_name == "Rui Figueiredo"][:2]
    assert costa[0].text == "We did not choose this"
    assert costa[1].text.startswith("but the government has left us with nothing else.")
    assert costa[0].cue_start_char == costa[1].cue_start_char


def test_sample_inverted_attributions_and_according_to(nlp):
    _, quotes = sample_quotes(nlp, "004_congo_village_attack.txt")
    speakers = [(q.speaker_text, q.cue) for q in quotes if q.is_direct and not q.is_partial]
    assert ("Kasongo", "said") in speakers and ("Ngoy", "said") in speakers
    according = [q for q in quotes if q.cue == "according to"]
    assert according


def test_sample_pronoun_speakers_and_written_posts(nlp):
    _, quotes = sample_quotes(nlp, "011_kitzbuehel_slalom.txt")
    direct = direct_views(quotes)
    assert (
        "That's racing. Some days the mountain says yes, some days it says no",
        False,
        "Bernasconi",
        "Luca Bernasconi",
    ) in direct
    gstrein = [d for d in direct if d[3] == "Florian Gstrein"]
    assert [d[2] for d in gstrein] == ["he", "he"]


def test_sample_scare_quote_without_speaker(nlp):
    _, quotes = sample_quotes(nlp, "012_eu_dsa_quillo_fine.txt")
    assert not any(q.text == "dark patterns" for q in quotes)


def test_sample_speaker_in_the_previous_sentence(nlp):
    _, quotes = sample_quotes(nlp, "006_slovenia_snap_election.txt")
    tonight = next(
        q for q in quotes if q.text.startswith("Tonight Slovenia chose to turn the page")
    )
    assert tonight.speaker_name == "Maja Kranjc"


def test_sample_articles_and_feed_never_break_offsets(nlp):
    for path in sorted(SAMPLE.glob("*.txt")):
        sample_quotes(nlp, path.name)
    for line in (SAMPLE / "feed.jsonl").read_text().splitlines():
        body = json.loads(line)["body"]
        doc = nlp(body)
        check_offsets(body, extract_quotes(Analysis(doc, "feed")))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "“We will win,” she said.",
                '"No," said Anna Berg.',
                "The minister said the talks failed.",
                "“Unclosed quote here.",
                "Stray mark” here.",
                "''Old style,'' he said.",
                "according to officials,",
                "\n\n",
                "“",
                " ",
                "Berg, he said, will go.",
            ]
        ),
        max_size=8,
    )
)
def test_random_compositions_keep_offsets(nlp, parts):
    text = " ".join(parts)
    check_offsets(text, quotes_of(nlp, text))


@pytest.mark.slow
def test_wikinews_property(wikinews_tables):
    """Every Wikinews article (the session's shared NLP pass): no crash, and every offset
    slices the body (quoted words, speaker, cue)."""
    bodies = wikinews_tables["bodies"]
    rows = wikinews_tables["result"].tables["quotes"]
    assert wikinews_tables["result"].errors == {}
    for row in rows:
        body = bodies[row["article_id"]]
        assert body[row["start_char"] : row["end_char"]] == row["text"] == row["text"].strip()
        if row["speaker_text"] is not None:
            assert body[row["speaker_start_char"] : row["speaker_end_char"]] == row["speaker_text"]
        if row["cue"] is not None:
            assert body[row["cue_start_char"] : row["cue_end_char"]] == row["cue"]
    assert len({r["quote_id"] for r in rows}) == len(rows)
    assert len(rows) > 1000


@pytest.mark.slow
def test_huge_single_line_article(nlp):
    path = need(WIKINEWS.parent / "articles.jsonl")
    bodies = [json.loads(line)["body"] for line in path.read_text().splitlines()[:120]]
    line = ("“Unbalanced start " + " ".join(b.replace("\n", " ") for b in bodies))[:200_000]
    doc = next(parse_docs(nlp, [line]))
    quotes = extract_quotes(Analysis(doc, "huge"))
    check_offsets(line, quotes)
    assert sum(q.is_direct for q in quotes) > 50
    assert max(q.end_char - q.start_char for q in quotes) < 3000
