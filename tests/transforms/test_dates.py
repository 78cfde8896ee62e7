"""Time expressions resolved against the publication date (transforms/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.dates import PRECISIONS, Resolved, find_spans, normalize, resolve

SAT = dt.date(2021, 7, 10)  # the seed's publication date, a Saturday
FRI = dt.date(2021, 7, 9)


def r(y: int, m: int, d: int, precision: str) -> Resolved:
    return Resolved(dt.date(y, m, d), precision)


@pytest.mark.parametrize(
    ("text", "tense", "expected"),
    [
        # weekdays: the latest such day in a past clause, the next one in a future clause
        ("on Friday", "past", r(2021, 7, 9, "day")),
        ("on Thursday", "past", r(2021, 7, 8, "day")),
        ("Thursday", "present", r(2021, 7, 8, "day")),
        ("on Friday", "future", r(2021, 7, 16, "day")),
        ("on Saturday", "past", r(2021, 7, 10, "day")),  # the publication day itself
        ("on Saturday", "future", r(2021, 7, 10, "day")),
        ("last Sunday", "past", r(2021, 7, 4, "day")),
        ("next Tuesday", "past", r(2021, 7, 13, "day")),
        ("Monday morning", "past", r(2021, 7, 5, "day")),
        ("Friday night", "past", r(2021, 7, 9, "day")),
        ("Sunday's", "past", r(2021, 7, 4, "day")),
        ("overnight on Tuesday", "past", r(2021, 7, 6, "day")),
        ("this past Friday", "past", r(2021, 7, 9, "day")),
        ("this coming Monday", "past", r(2021, 7, 12, "day")),
        ("shortly before midnight Wednesday night", "past", r(2021, 7, 7, "day")),
        ("after dawn on Tuesday", "past", r(2021, 7, 6, "day")),
        # days around publication
        ("yesterday", "past", r(2021, 7, 9, "day")),
        ("today", "past", r(2021, 7, 10, "day")),
        ("this morning", "past", r(2021, 7, 10, "day")),
        ("tomorrow", "future", r(2021, 7, 11, "day")),
        ("two days ago", "past", r(2021, 7, 8, "day")),
        # calendar dates (dateparser), the year chosen by the tense
        ("on August 31", "future", r(2021, 8, 31, "day")),
        ("August 31", "past", r(2020, 8, 31, "day")),
        ("July 9", "past", r(2021, 7, 9, "day")),
        ("on 3 July", "past", r(2021, 7, 3, "day")),
        ("Sept. 3", "past", r(2020, 9, 3, "day")),
        ("July 2, 2021", "past", r(2021, 7, 2, "day")),
        ("September 3, 2020", "future", r(2020, 9, 3, "day")),
        ("2021-07-09", "past", r(2021, 7, 9, "day")),
        # weeks: the Monday of the week
        ("earlier this week", "past", r(2021, 7, 5, "week")),
        ("this week", "past", r(2021, 7, 5, "week")),
        ("last week", "past", r(2021, 6, 28, "week")),
        ("next week", "future", r(2021, 7, 12, "week")),
        ("three weeks ago", "past", r(2021, 6, 14, "week")),
        ("this weekend", "future", r(2021, 7, 10, "week")),
        ("this past weekend", "past", r(2021, 7, 3, "week")),
        # months: the first of the month
        ("last month", "past", r(2021, 6, 1, "month")),
        ("earlier this month", "past", r(2021, 7, 1, "month")),
        ("next month", "future", r(2021, 8, 1, "month")),
        ("in March", "past", r(2021, 3, 1, "month")),
        ("in March", "future", r(2022, 3, 1, "month")),
        ("December", "past", r(2020, 12, 1, "month")),
        ("March 2020", "past", r(2020, 3, 1, "month")),
        ("mid-July", "past", r(2021, 7, 1, "month")),
        ("next March", "future", r(2022, 3, 1, "month")),
        # years: January 1
        ("next year", "future", r(2022, 1, 1, "year")),
        ("last year", "past", r(2020, 1, 1, "year")),
        ("in 2019", "past", r(2019, 1, 1, "year")),
        ("early next year", "future", r(2022, 1, 1, "year")),
        # deadlines: the last day of the period, with that period's precision
        ("by the end of the year", "future", r(2021, 12, 31, "year")),
        ("the end of the month", "future", r(2021, 7, 31, "month")),
        ("by the end of June", "future", r(2022, 6, 30, "month")),
        ("the end of 2021", "past", r(2021, 12, 31, "year")),
    ],
)
def test_resolves_against_the_publication_date(text, tense, expected):
    assert resolve(text, SAT, tense) == expected


def test_a_past_clause_may_point_a_few_weeks_ahead_but_not_months():
    june = dt.date(2024, 6, 28)
    # "said it was in talks … by the end of July" (reported speech, a deadline)
    assert resolve("the end of July", june, "past") == r(2024, 7, 31, "month")
    assert resolve("in November", june, "past") == r(2023, 11, 1, "month")


def test_a_friday_article_on_friday_is_that_day():
    assert resolve("on Friday", FRI, "past") == r(2021, 7, 9, "day")
    assert resolve("last Friday", FRI, "past") == r(2021, 7, 2, "day")


def test_february_29_without_a_year_falls_back_in_common_years():
    assert resolve("February 29", dt.date(2021, 3, 10), "past") == r(2021, 2, 28, "day")
    assert resolve("February 29", dt.date(2024, 3, 10), "past") == r(2024, 2, 29, "day")


@pytest.mark.parametrize(
    "text",
    [
        "nearly two decades",
        "two days",
        "for two days",
        "since 2022",
        "until Friday",
        "the next two weeks",
        "4:00 A.M.",
        "1100 GMT",
        "midnight",
        "in the spring",
        "the 1990s",
        "the next morning",
        "seven days earlier",
        "24-hour",
        "",
        "Friday Friday Friday " * 10,
    ],
)
def test_durations_bounds_clock_times_and_anaphora_do_not_resolve(text):
    assert resolve(text, SAT, "past") is None


def test_without_publication_date_only_self_contained_dates_resolve():
    assert resolve("August 31, 2021", None) == r(2021, 8, 31, "day")
    assert resolve("2019", None) == r(2019, 1, 1, "year")
    assert resolve("on Friday", None) is None
    assert resolve("August 31", None) is None
    assert resolve("last month", None) is None


def test_normalize_drops_prepositions_and_flags_bounds():
    assert normalize("By the end of the year.") == "end of the year"
    assert normalize("on Sunday’s") == "sunday"
    assert normalize("since Monday") == ""


def test_find_spans_catches_what_a_ner_may_miss():
    text = "Rebels attacked on Friday night; talks resume next week, officials said yesterday."
    assert [text[a:b] for a, b in find_spans(text)] == ["Friday night", "next week", "yesterday"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=40),
    published=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    tense=st.sampled_from(["past", "present", "future"]),
)
def test_never_raises_and_results_are_valid(text, published, tense):
    got = resolve(text, published, tense)
    if got is not None:
        assert got.precision in PRECISIONS
        assert dt.date(1800, 1, 1) <= got.date <= dt.date(2200, 12, 31)


WORDS = [
    "on",
    "last",
    "next",
    "this",
    "earlier",
    "the",
    "end",
    "of",
    "by",
    "Friday",
    "Monday",
    "week",
    "month",
    "year",
    "August",
    "31",
    "2021",
    "ago",
    "two",
    "days",
    "mid-July",
    "weekend",
    "morning",
]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), max_size=6), tense=st.sampled_from(["past", "future"])
)
def test_date_like_word_salads_never_raise(words, tense):
    got = resolve(" ".join(words), SAT, tense)
    assert got is None or got.precision in PRECISIONS
