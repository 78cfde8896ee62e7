"""The quotes table: mark pairing, direct/partial/indirect quotes, speakers, rows.

Hand-written cases assert exact spans and speakers (every form of the issue has one); the seed
and the sample articles assert their hand-checked quotes; property tests make sure nothing
crashes and every offset slices the body.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.settings import DEFAULT_MODEL
from tests.conftest import SAMPLE, WIKINEWS, need
from transforms.mentions import extract_mentions
from transforms.nlp import get_pipeline, parse_docs
from transforms.parse import parse_text
from transforms.quotes import (
    DATA_DIR,
    MAX_ORPHAN_SENTENCES,
    Quote,
    extract_quotes,
    quote_segments,
    reporting_verbs,
    speaker_nouns,
)
from transforms.schemas import QUOTES, to_table

# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def nlp():
    return get_pipeline(DEFAULT_MODEL)


def run(nlp, text: str, article_id: str = "art") -> list[Quote]:
    doc = nlp(text)
    return extract_quotes(doc, article_id, extract_mentions(doc, article_id))


def view(q: Quote) -> tuple:
    return (q.text, q.is_direct, q.is_partial, q.speaker_text, q.speaker_name, q.cue)


def segs(text: str) -> list[str]:
    return [text[s.start : s.end] for s in quote_segments(text)]


def article(path) -> tuple[str, str]:
    art = parse_text(str(path), path.read_bytes(), today=dt.date(2026, 1, 1))
    return art.article_id, art.body


def check_offsets(body: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert body[q.start_char : q.end_char] == q.text
        assert q.text == q.text.strip() and q.text
        if q.speaker_text is not None:
            assert body[q.speaker_start_char : q.speaker_end_char] == q.speaker_text
        if q.cue is not None:
            assert body[q.cue_start_char : q.cue_end_char] == q.cue
    assert len({q.quote_id for q in quotes}) == len(quotes)


# --------------------------------------------------------------------------- marks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “we won” today.", ["we won"]),
        ('He said "we won" today.', ["we won"]),
        ("He said ''we won'' today.", ["we won"]),
        ("Er sagte „wir gewinnen“ heute.", ["wir gewinnen"]),
        ("Il a dit « nous gagnons » hier.", ["nous gagnons"]),
        # single marks inside double ones belong to the quote; apostrophes never pair
        (
            "“I heard ‘no’ from them and it’s over,” she said.",
            ["I heard ‘no’ from them and it’s over"],
        ),
        # the same marks inside a quote, with both closing marks following, are a nested quote
        (
            "“I would rather live in what he calls “hell” than here,” she said.",
            ["I would rather live in what he calls “hell” than here"],
        ),
        # the other style inside a quote is a nested quote
        ('“He told me "never" twice,” she said.', ['He told me "never" twice']),
        # a closing mark of the other shape closes (sloppy but common)
        ('“We will win," he said.', ["We will win"]),
        # a trailing comma inside the marks belongs to the attribution
        ("“One, two,” he said.", ["One, two"]),
        # headline-style single quotes outside double ones; apostrophes stay apostrophes
        ("Kasich: ‘We Are Going To Cleveland.’ Democrats’ plans", ["We Are Going To Cleveland."]),
        # marks inside markup are attribute values, not quotes
        ('<tweet author="x">“Great news”</tweet>', ["Great news"]),
        # nothing to pair
        ("", []),
        ('""', []),
        ("“”", []),
        ("“ ”", []),
    ],
)
def test_pairing(text, expected):
    assert segs(text) == expected


def test_multi_paragraph_quote_is_one_quote_in_two_segments():
    text = "She said:\n\n“We are seeing families lose everything.\n\n“We need help now.”\n\nEnd."
    got = quote_segments(text)
    assert [text[s.start : s.end] for s in got] == [
        "We are seeing families lose everything.",
        "We need help now.",
    ]
    assert got[0].continues and not got[0].continued
    assert got[1].continued and not got[1].continues


def test_unclosed_quote_ends_with_its_paragraph():
    text = "“We are shocked. Our thoughts are with them.\n\nInvestigators arrived at noon."
    assert segs(text) == ["We are shocked. Our thoughts are with them."]


def test_unclosed_quote_before_another_quote_ends_at_the_sentence_boundary():
    text = "“Our forces are brothers. Following the meeting, Parly tweeted, “The bonds grow.”"
    assert segs(text) == ["Our forces are brothers.", "The bonds grow."]


def test_closing_mark_without_opening_starts_with_its_sentence():
    text = "Officials met. And we keep on winning.” Next."
    assert segs(text) == ["And we keep on winning."]
    text = "We keep on winning,” he said.\n\n“Next."
    assert segs(text) == ["We keep on winning", "Next."]


def test_stray_closing_mark_after_a_quote_of_its_paragraph_is_left_alone():
    # where the quote would start is a guess: the writer's words are not made a quote
    text = "“We win,” she said, citing results. And we keep on winning.” Next."
    assert segs(text) == ["We win"]


def test_misdirected_opening_mark():
    assert segs("He says,” there are people nobody hears.”") == ["there are people nobody hears."]


def test_unclosed_quote_in_a_long_paragraph_is_bounded():
    sentence = "The council met again and nothing was decided. "
    text = "“" + sentence * 100 + "Then “a quote” came. " + sentence * 50
    got = segs(text)
    assert got[0] == (sentence * MAX_ORPHAN_SENTENCES).strip()
    assert "a quote" in got


def test_pairing_is_linear_on_a_huge_single_line():
    text = ('Word “quoted words here” and "straight ones" then ” stray. ' * 4000)[:200_000]
    t0 = time.perf_counter()
    got = quote_segments(text)
    assert time.perf_counter() - t0 < 2.0
    assert len(got) > 3000
    assert max(s.end - s.start for s in got) < 1000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,!?\n\"“”„«»'‘’:")), max_size=200))
def test_pairing_never_crashes_and_segments_are_sane(text):
    previous_end = -1
    for s in sorted(quote_segments(text), key=lambda g: g.start):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == text[s.start : s.end].strip()
        assert s.start >= previous_end  # segments never overlap
        previous_end = s.end


# --------------------------------------------------------------------------- direct quotes


def test_pronoun_speaker_resolves_to_the_earlier_person(nlp):
    got = run(nlp, "Maria Lopez arrived in Lisbon on Monday. “We will win this fight,” she said.")
    assert [view(q) for q in got] == [
        ("We will win this fight", True, False, "she", "Maria Lopez", "said")
    ]


def test_pronouns_follow_gender_and_focus(nlp):
    text = (
        "Anna Berg met Tom Baker in Vienna on Monday. Berg said the deal was done. "
        "“It is a good day for both countries,” she said. “We will see,” he said."
    )
    direct = [view(q) for q in run(nlp, text) if q.is_direct]
    assert direct == [
        ("It is a good day for both countries", True, False, "she", "Anna Berg", "said"),
        ("We will see", True, False, "he", "Tom Baker", "said"),
    ]


def test_inverted_attribution_with_apposition(nlp):
    got = run(
        nlp, '"The bridge is closed until further notice," said Tom Baker, the city engineer.'
    )
    assert [view(q) for q in got] == [
        ("The bridge is closed until further notice", True, False, "Tom Baker", "Tom Baker", "said")
    ]
    q = got[0]
    assert (q.speaker_start_char, q.speaker_end_char) == (50, 59)


def test_apposition_and_colon(nlp):
    got = run(nlp, "Anna Berg, a spokeswoman for the ministry, said: “We are ready for the talks.”")
    assert [view(q) for q in got] == [
        ("We are ready for the talks.", True, False, "Anna Berg", "Anna Berg", "said")
    ]


def test_interrupted_quote_is_two_rows_with_one_speaker_and_cue(nlp):
    text = (
        "“We did not choose this strike,” said Rui Costa, the union leader, "
        "“but the government left us no choice.”"
    )
    got = run(nlp, text)
    assert [view(q) for q in got] == [
        ("We did not choose this strike", True, False, "Rui Costa", "Rui Costa", "said"),
        ("but the government left us no choice.", True, False, "Rui Costa", "Rui Costa", "said"),
    ]
    assert got[0].cue_start_char == got[1].cue_start_char == text.index("said")


def test_bare_quote_takes_the_speaker_of_the_sentence_before(nlp):
    text = (
        "The mayor, Ivo Kranjc, spoke after the vote. "
        "“Tonight the city chose a new path. Tomorrow we start the work.”"
    )
    assert [view(q) for q in run(nlp, text)] == [
        (
            "Tonight the city chose a new path. Tomorrow we start the work.",
            True,
            False,
            "The mayor",
            "Ivo Kranjc",
            "spoke",
        )
    ]


def test_multi_paragraph_quote_shares_the_speaker(nlp):
    text = (
        "Elena Marchetti, the agency's director, said the crisis was growing.\n\n"
        "“We are seeing families lose everything.\n\n"
        "“Without help now, we will face a famine by August,” she said."
    )
    direct = [view(q) for q in run(nlp, text) if q.is_direct]
    assert direct == [
        ("We are seeing families lose everything.", True, False, "she", "Elena Marchetti", "said"),
        (
            "Without help now, we will face a famine by August",
            True,
            False,
            "she",
            "Elena Marchetti",
            "said",
        ),
    ]


def test_unbalanced_mark_gives_a_sensible_span(nlp):
    text = (
        "Sabine Gruber, a spokeswoman for the railway, spoke to reporters. “We are deeply "
        "shocked. Our thoughts are with the families.\n\nInvestigators arrived at the site by noon."
    )
    got = run(nlp, text)
    assert [view(q) for q in got] == [
        (
            "We are deeply shocked. Our thoughts are with the families.",
            True,
            False,
            "Sabine Gruber",
            "Sabine Gruber",
            "spoke",
        )
    ]


def test_participle_cue_keeps_the_speaker(nlp):
    text = (
        "Florence Parly spoke at the Atlantic Council. “This task force has had success,” she "
        "said, adding that “US support for our operations is critical.”"
    )
    direct = [view(q) for q in run(nlp, text) if q.is_direct]
    assert direct == [
        ("This task force has had success", True, False, "she", "Florence Parly", "said"),
        (
            "US support for our operations is critical.",
            True,
            False,
            "she",
            "Florence Parly",
            "adding",
        ),
    ]


def test_ascii_double_apostrophes_and_guillemets_and_low_marks(nlp):
    assert [
        view(q) for q in run(nlp, "''We regularly survey advertisers,'' Mr. Mahaney said.")
    ] == [("We regularly survey advertisers", True, False, "Mr. Mahaney", "Mahaney", "said")]
    got = run(nlp, "Florence Parly tweeted: „This convention will deepen our bonds.“")
    assert [view(q) for q in got] == [
        (
            "This convention will deepen our bonds.",
            True,
            False,
            "Florence Parly",
            "Florence Parly",
            "tweeted",
        )
    ]
    got = run(nlp, "The minister, Jean Dupont, said later: « We are ready. »")
    assert [view(q) for q in got] == [
        ("We are ready.", True, False, "The minister", "Jean Dupont", "said")
    ]


def test_partial_quote(nlp):
    got = run(nlp, "Lloyd Austin called France an “excellent partner” in the Indo-Pacific.")
    assert [view(q) for q in got] == [
        ("excellent partner", True, True, "Lloyd Austin", "Lloyd Austin", "called")
    ]
    got = run(nlp, "Critics called him a “traitor”.")
    assert [view(q) for q in got] == [("traitor", True, True, "Critics", None, "called")]


def test_quoted_clause_continuing_the_writers_sentence_is_partial(nlp):
    # The writer's sentence goes on inside the marks with a clause of the speaker's (lower
    # case, a finite verb, no sentence of its own): a mixed quotation, so partial.
    got = run(nlp, "Ryan said that under the plan “the generals have been reduced to rubble.”")
    assert [view(q) for q in got] == [
        ("the generals have been reduced to rubble.", True, True, "Ryan", "Ryan", "said")
    ]


def test_quoted_description_ending_the_sentence_is_a_full_quote(nlp):
    # A quoted description with verbs but no finite one, running to the end of the sentence:
    # a full quotation, unlike the two-word “excellent partner” inside the sentence.
    got = run(
        nlp,
        "Anton Semelroth described the plan as “a statement of intent to enhance collaboration.”",
    )
    assert [view(q) for q in got] == [
        (
            "a statement of intent to enhance collaboration.",
            True,
            False,
            "Anton Semelroth",
            "Anton Semelroth",
            "described",
        )
    ]


def test_scare_quotes_and_titles_are_not_quotes(nlp):
    assert run(nlp, "The two companies agreed a new “roadmap” for their cooperation.") == []
    assert run(nlp, "She starred in “The Art of the Deal” last year.") == []


def test_quoted_words_in_a_reported_statement_belong_to_the_reporter(nlp):
    text = (
        "Union official Markus Haider said the railway had promised to install the system "
        "“by 2027 at the latest”."
    )
    direct = [view(q) for q in run(nlp, text) if q.is_direct]
    assert direct == [
        (
            "by 2027 at the latest",
            True,
            True,
            "Union official Markus Haider",
            "Markus Haider",
            "said",
        )
    ]


# --------------------------------------------------------------------------- indirect


def test_indirect_with_that_clause(nlp):
    got = run(
        nlp,
        "President Emmanuel Macron stated earlier this week that his country would close "
        "three military bases.",
    )
    assert [view(q) for q in got] == [
        (
            "his country would close three military bases",
            False,
            False,
            "President Emmanuel Macron",
            "Emmanuel Macron",
            "stated",
        )
    ]


def test_indirect_speaker_in_apposition_links_to_the_person(nlp):
    got = run(nlp, "A ministry spokesman, Karl Weiss, said the talks had failed.")
    assert [view(q) for q in got] == [
        ("the talks had failed", False, False, "A ministry spokesman", "Karl Weiss", "said")
    ]


def test_according_to(nlp):
    got = run(nlp, "The factory will close in May, according to a company statement.")
    assert [view(q) for q in got] == [
        (
            "The factory will close in May",
            False,
            False,
            "a company statement",
            None,
            "according to",
        )
    ]


def test_reporting_noun_with_its_owner(nlp):
    got = run(nlp, "Trump's claim that Mexico would pay for the wall was false.")
    assert [view(q) for q in got] == [
        ("Mexico would pay for the wall", False, False, "Trump", "Trump", "claim")
    ]
    assert run(nlp, "Clinton rejected the claim that she had lied.") == []


def test_statement_before_its_attribution(nlp):
    got = run(nlp, "Sara Okafor arrived late. The dead included the driver, police said.")
    assert [view(q) for q in got] == [
        ("The dead included the driver", False, False, "police", None, "said")
    ]


def test_parenthetical_attribution(nlp):
    got = run(nlp, "Maria Lopez spoke on Monday. The talks, she said, will resume in June.")
    assert [view(q) for q in got] == [
        ("The talks, she said, will resume in June", False, False, "she", "Maria Lopez", "said")
    ]


def test_passive_participle_is_not_a_speaker_s_cue(nlp):
    got = run(nlp, "“I don’t know,” Smith said when asked whether he would run again.")
    assert [view(q) for q in got] == [("I don’t know", True, False, "Smith", "Smith", "said")]


def test_name_set_off_by_a_comma_in_the_speaker_phrase(nlp):
    got = run(nlp, "“It is a disgrace,” said the MP for Bath, Anna Berg.")
    assert [view(q) for q in got] == [
        ("It is a disgrace", True, False, "the MP for Bath", "Anna Berg", "said")
    ]


def test_dateline_is_not_part_of_the_statement(nlp):
    got = run(nlp, "LINZ, Austria — Four people were killed in a train crash, police said.")
    assert [view(q) for q in got] == [
        ("Four people were killed in a train crash", False, False, "police", None, "said")
    ]


# --------------------------------------------------------------------------- rows


def test_rows_match_the_schema_and_ids_are_stable(nlp):
    text = "“We will win this fight,” said Maria Lopez. She said the vote was fair."
    rows = [q.row() for q in run(nlp, text)]
    table = to_table("quotes", rows)
    assert table.schema.equals(QUOTES, check_metadata=False)
    assert table.num_rows == 2
    again = [q.row() for q in run(nlp, text)]
    assert [r["quote_id"] for r in rows] == [r["quote_id"] for r in again]
    other = [q.row() for q in run(nlp, text, article_id="another")]
    assert {r["quote_id"] for r in rows}.isdisjoint(r["quote_id"] for r in other)
    same_span_direct = Quote("a", 0, 5, "words", True, False, 0)
    same_span_indirect = Quote("a", 0, 5, "words", False, False, 0)
    assert same_span_direct.quote_id != same_span_indirect.quote_id


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "“", "”", '"', '""', "“”", "''", "“ ” “", "“\n\n”", "Hello.", "“Hi.”"],
)
def test_degenerate_texts_never_crash(nlp, text):
    got = run(nlp, text)
    check_offsets(text, got)


def test_lexicons_follow_their_rules():
    """transforms/data/README.md: sorted by class then lemma, known classes, lowercase."""
    path = DATA_DIR / "reporting_verbs.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "lemma\tclass"
    rows = [tuple(line.split("\t")) for line in lines[1:]]
    assert all(len(r) == 2 and r[0] == r[0].strip().lower() and r[0] for r in rows)
    assert rows == sorted(rows, key=lambda r: (r[1], r[0]))
    assert len({lemma for lemma, _ in rows}) == len(rows)
    assert {cls for _, cls in rows} == {"speech", "writing", "naming", "quoting", "cognition"}
    verbs = reporting_verbs()
    assert verbs["say"] == "speech" and verbs["tweet"] == "writing"
    assert verbs["call"] == "naming" and verbs["continue"] == "quoting"
    nouns = speaker_nouns()
    assert "spokeswoman" in nouns and all(n == n.lower() for n in nouns)


# --------------------------------------------------------------------------- the seed

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
    (
        "This task force has already had significant success in the fight against terrorism",
        "she",
        "Florence Parly",
    ),
    ("US support for our operations in the Sahel is critical.", "she", "Florence Parly"),
    ("Our operational cooperation generates actual results", "she", "Florence Parly"),
]
SEED_PARTIAL = [("excellent partner", "Austin", "Lloyd Austin")]  # inside the writer's sentence
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
    quotes = extract_quotes(doc, article_id, extract_mentions(doc, article_id))
    return body, quotes


def test_seed_full_direct_quotes(seed_quotes):
    _, quotes = seed_quotes
    full = [
        (q.text, q.speaker_text, q.speaker_name) for q in quotes if q.is_direct and not q.is_partial
    ]
    assert full == SEED_DIRECT
    # Seven full quotations: six by Florence Parly (four of them through "she") and one by
    # Anton Semelroth. The stray closing mark after “Our operational cooperation …,” she said
    # (“… And it will keep on delivering.”) makes no quote of its own.
    full_parly = [
        q for q in quotes if q.is_direct and not q.is_partial and q.speaker_name == "Florence Parly"
    ]
    assert (len(full_parly), sum(q.speaker_text == "she" for q in full_parly)) == (6, 4)
    assert not any("delivering" in q.text for q in quotes)


def test_seed_partial_quote_and_no_scare_quote(seed_quotes):
    _, quotes = seed_quotes
    partial = [(q.text, q.speaker_text, q.speaker_name) for q in quotes if q.is_partial]
    assert partial == SEED_PARTIAL
    assert [q.cue for q in quotes if q.is_partial] == ["called"]
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


# --------------------------------------------------------------------------- samples


def sample_quotes(nlp, name: str) -> tuple[str, list[Quote]]:
    article_id, body = article(SAMPLE / name)
    doc = nlp(body)
    quotes = extract_quotes(doc, article_id, extract_mentions(doc, article_id))
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
        check_offsets(body, extract_quotes(doc, "feed", extract_mentions(doc, "feed")))


# --------------------------------------------------------------------------- properties


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
    check_offsets(text, run(nlp, text))


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
    quotes = extract_quotes(doc, "huge", extract_mentions(doc, "huge"))
    check_offsets(line, quotes)
    assert sum(q.is_direct for q in quotes) > 50
    assert max(q.end_char - q.start_char for q in quotes) < 3000
