"""Direct quotes (transforms/quotes/direct.py, attribution.py, partial.py, inherit.py):
own cues, inherited speakers, partial quotes, scare quotes and titles."""

from __future__ import annotations

from tests.transforms.helpers import quotes_of
from transforms.quotes.rows import Quote


def view(q: Quote) -> tuple:
    return (q.text, q.is_direct, q.is_partial, q.speaker_text, q.speaker_name, q.cue)


def test_interrupted_quote_is_two_rows_with_one_speaker_and_cue(nlp):
    text = (
        "“We did not choose this strike,” said Rui Costa, the union leader, "
        "“but the government left us no choice.”"
    )
    got = quotes_of(nlp, text)
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
    assert [view(q) for q in quotes_of(nlp, text)] == [
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
    direct = [view(q) for q in quotes_of(nlp, text) if q.is_direct]
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
    got = quotes_of(nlp, text)
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


def test_ascii_double_apostrophes_and_guillemets_and_low_marks(nlp):
    assert [
        view(q) for q in quotes_of(nlp, "''We regularly survey advertisers,'' Mr. Mahaney said.")
    ] == [("We regularly survey advertisers", True, False, "Mr. Mahaney", "Mahaney", "said")]
    got = quotes_of(nlp, "Florence Parly tweeted: „This convention will deepen our bonds.“")
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
    got = quotes_of(nlp, "The minister, Jean Dupont, said later: « We are ready. »")
    assert [view(q) for q in got] == [
        ("We are ready.", True, False, "The minister", "Jean Dupont", "said")
    ]


def test_partial_quote(nlp):
    got = quotes_of(nlp, "Lloyd Austin called France an “excellent partner” in the Indo-Pacific.")
    assert [view(q) for q in got] == [
        ("excellent partner", True, True, "Lloyd Austin", "Lloyd Austin", "called")
    ]
    got = quotes_of(nlp, "Critics called him a “traitor”.")
    assert [view(q) for q in got] == [("traitor", True, True, "Critics", None, "called")]


def test_quoted_clause_continuing_the_writers_sentence_is_partial(nlp):
    # The writer's sentence goes on inside the marks with a clause of the speaker's (lower
    # case, a finite verb, no sentence of its own): a mixed quotation, so partial.
    got = quotes_of(
        nlp, "Ryan said that under the plan “the generals have been reduced to rubble.”"
    )
    assert [view(q) for q in got] == [
        ("the generals have been reduced to rubble.", True, True, "Ryan", "Ryan", "said")
    ]


def test_quoted_description_ending_the_sentence_is_partial(nlp):
    # A quoted description with verbs but no finite one, running to the end of the sentence:
    # a phrase of the writer's sentence (the object of "described … as"), like the two-word
    # “excellent partner” inside a sentence — partial, with its speaker.
    got = quotes_of(
        nlp,
        "Anton Semelroth described the plan as “a statement of intent to enhance collaboration.”",
    )
    assert [view(q) for q in got] == [
        (
            "a statement of intent to enhance collaboration.",
            True,
            True,
            "Anton Semelroth",
            "Anton Semelroth",
            "described",
        )
    ]


def test_scare_quotes_and_titles_are_not_quotes(nlp):
    assert quotes_of(nlp, "The two companies agreed a new “roadmap” for their cooperation.") == []
    assert quotes_of(nlp, "She starred in “The Art of the Deal” last year.") == []


def test_quoted_words_in_a_reported_statement_belong_to_the_reporter(nlp):
    text = (
        "Union official Markus Haider said the railway had promised to install the system "
        "“by 2027 at the latest”."
    )
    direct = [view(q) for q in quotes_of(nlp, text) if q.is_direct]
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


def test_a_quote_after_another_person_s_main_clause_is_theirs(nlp):
    # a cue-less quote continues the speaker of its paragraph unless another person is the
    # subject of a main clause in between; a subordinate clause, or the speaker speaking again
    # in between, does not take it away
    def speakers(text):
        return [q.speaker_name for q in quotes_of(nlp, text) if q.is_direct]

    text = "“We will win,” Anna Smith said, and Tom Jones replied. “You will lose.”"
    assert speakers(text) == ["Anna Smith", "Tom Jones"]
    text = "“We will win,” Anna Smith said as Tom Jones shook his head. “It is a good plan.”"
    assert speakers(text) == ["Anna Smith", "Anna Smith"]
    text = (
        "“We will win,” Anna Smith said. Tom Jones should resign, she told reporters. "
        "“It is a good plan.”"
    )
    assert speakers(text) == ["Anna Smith", "Anna Smith"]
