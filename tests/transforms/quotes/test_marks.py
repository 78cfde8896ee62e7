"""Quotation marks (transforms/quotes/marks.py): direction, pairing, unclosed and
nested quotes, paragraphs, linear cost."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.quotes.marks import MAX_ORPHAN_SENTENCES, quote_segments


def segs(text: str) -> list[str]:
    return [text[s.start : s.end] for s in quote_segments(text)]


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
        # a straight mark between two letters is an apostrophe (1987 wire copy)
        (
            'The UAE"s rate held. "I"m afraid it"s going down," Kohli said.',
            ['I"m afraid it"s going down'],
        ),
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
    """Four times the text costs about four times the CPU, not sixteen (a quadratic pairing
    took minutes on one huge line); the best of three CPU timings, as a ratio, so a loaded
    machine does not make it fail."""
    line = 'Word “quoted words here” and "straight ones" then ” stray. '

    def best_cpu(size: int) -> float:
        text = (line * (size // len(line) + 1))[:size]
        times = []
        for _ in range(3):
            t0 = time.process_time()
            got = quote_segments(text)
            times.append(time.process_time() - t0)
        assert len(got) > size // 70
        assert max(s.end - s.start for s in got) < 1000
        return min(times)

    assert best_cpu(800_000) / best_cpu(200_000) < 8.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,!?\n\"“”„«»'‘’:")), max_size=200))
def test_pairing_never_crashes_and_segments_are_sane(text):
    previous_end = -1
    for s in sorted(quote_segments(text), key=lambda g: g.start):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == text[s.start : s.end].strip()
        assert s.start >= previous_end  # segments never overlap
        previous_end = s.end
