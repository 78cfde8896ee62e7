"""Dates of events (transforms/events/time.py): each form of time expression, what
dates what, the publication date as fallback."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.helpers import SAT, check_event_rows, events_of, only


@pytest.mark.parametrize(
    ("sentence", "trigger", "date", "precision", "date_text"),
    [
        (
            "Rebels attacked a police station in Goma on Friday.",
            "attacked",
            (2021, 7, 9),
            "day",
            "Friday",
        ),
        (
            "Government troops killed three fighters on Thursday.",
            "killed",
            (2021, 7, 8),
            "day",
            "Thursday",
        ),
        (
            "The two countries will sign a trade agreement on Friday.",
            "sign",
            (2021, 7, 16),
            "day",
            "Friday",
        ),
        (
            "Germany will withdraw its troops from Mali on August 31.",
            "withdraw",
            (2021, 8, 31),
            "day",
            "August 31",
        ),
        (
            "France pledged to close its bases in the Sahel by the end of the year.",
            "close",
            (2021, 12, 31),
            "year",
            "end of the year",
        ),
        (
            "Police arrested two protesters earlier this week.",
            "arrested",
            (2021, 7, 5),
            "week",
            "earlier this week",
        ),
        (
            "Nigeria imposed sanctions on the militia last month.",
            "sanctions",
            (2021, 6, 1),
            "month",
            "last month",
        ),
        (
            "The European Union will send aid to Haiti next year.",
            "aid",
            (2022, 1, 1),
            "year",
            "next year",
        ),
        (
            "Thousands of workers protested in Lisbon yesterday.",
            "protested",
            (2021, 7, 9),
            "day",
            "yesterday",
        ),
        ("The president resigned two days ago.", "resigned", (2021, 7, 8), "day", "two days ago"),
        (
            "The rebels released twelve hostages in March.",
            "released",
            (2021, 3, 1),
            "month",
            "March",
        ),
        ("Turkey and Greece held talks in 2019.", "talks", (2019, 1, 1), "year", "2019"),
        (
            "The election is scheduled for March 24.",
            "election",
            (2022, 3, 24),
            "day",
            "March 24",
        ),
        (
            "The governor said he is to leave office next month on August 2.",
            "leave",
            (2021, 8, 2),
            "day",
            "August 2",
        ),
        (
            "Police fired and landed a live round on a protester yesterday.",
            "fired",
            (2021, 7, 9),
            "day",
            "yesterday",
        ),
        (
            "The army launched an offensive against the rebels last Sunday.",
            "offensive",
            (2021, 7, 4),
            "day",
            "last Sunday",
        ),
    ],
)
def test_each_date_form(nlp, sentence, trigger, date, precision, date_text):
    rows = events_of(nlp, sentence)
    check_event_rows(sentence, rows)
    row = only(rows, trigger)
    assert row["event_date"] == dt.date(*date)
    assert row["date_precision"] == precision
    assert row["date_text"] == date_text


def test_what_an_event_is_about_does_not_take_its_time(nlp):
    text = "On Friday, Congress approved a budget with half the money the president had requested."
    assert only(events_of(nlp, text), "requested")["date_precision"] == "published"
    text = "Yesterday, the president declined the prime minister's offer to resign."
    rows = events_of(nlp, text)
    assert only(rows, "declined")["event_date"] == dt.date(2021, 7, 9)
    assert only(rows, "offer")["date_precision"] == "published"
    assert only(rows, "resign")["modality"] == "hypothetical"


def test_no_time_expression_means_the_publication_date_marked_published(nlp):
    row = only(events_of(nlp, "The village was attacked by armed men."), "attacked")
    assert (row["event_date"], row["date_precision"], row["date_text"]) == (SAT, "published", None)


def test_without_publication_date_the_date_is_null_unless_absolute(nlp):
    rows = events_of(nlp, "Rebels attacked the town on Friday.", published=None)
    assert (rows[0]["event_date"], rows[0]["date_precision"]) == (None, None)
    rows = events_of(nlp, "Rebels attacked the town on August 3, 2020.", published=None)
    assert (rows[0]["event_date"], rows[0]["date_precision"]) == (dt.date(2020, 8, 3), "day")


def test_the_time_of_a_reporting_verb_does_not_date_the_reported_event(nlp):
    text = "The minister said on Monday that rebels had attacked the town."
    row = only(events_of(nlp, text), "attacked")
    assert (row["event_date"], row["date_precision"], row["modality"]) == (
        SAT,
        "published",
        "reported",
    )
