"""The events table (transforms/events/extract.py, rows.py): the seed's hand-checked
events, stable ids, and properties on odd, generated and Wikinews texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transforms.helpers import check_event_rows, events_of, only
from transforms.parse import parse_text


@pytest.fixture(scope="module")
def seed(nlp, seed_path: Path):
    art = parse_text(str(seed_path), seed_path.read_bytes(), today=dt.date(2100, 1, 1))
    rows = events_of(nlp, art.body, art.published_date)
    check_event_rows(art.body, rows)
    return art, rows


def test_seed_roadmap_agreement_is_agree_between_the_two_countries_on_friday(seed):
    _, rows = seed
    agreed = only(rows, "agreed")
    assert agreed["event_type"] == "AGREE"
    assert {agreed["actor_name"], agreed["target_name"]} == {"United States", "France"}
    assert agreed["event_date"] == dt.date(2021, 7, 9)
    assert (agreed["date_text"], agreed["date_precision"]) == ("Friday", "day")
    assert agreed["modality"] == "asserted"
    assert agreed["negated"] is False


def test_seed_parly_visits_the_pentagon_and_us_cyber_command(seed):
    art, rows = seed
    visits = [r for r in rows if r["trigger"] == "visit"]
    assert {(r["event_type"], r["actor_name"], r["target_name"]) for r in visits} == {
        ("CONSULT", "Florence Parly", "Pentagon"),
        ("CONSULT", "Florence Parly", "US Cyber Command"),
    }
    assert len(visits) == 3  # "On a visit to the Pentagon", "her Pentagon visit", "paid a visit"
    cyber = next(r for r in visits if r["target_name"] == "US Cyber Command")
    assert art.body[cyber["start_char"] - 7 : cyber["end_char"]] == "paid a visit"
    assert cyber["location_name"] == "Washington"
    # No time expression in those sentences: the publication date, marked as such.
    assert {(r["event_date"], r["date_precision"], r["date_text"]) for r in visits} == {
        (dt.date(2021, 7, 10), "published", None)
    }


def test_seed_end_of_us_presence_in_afghanistan_on_august_31(seed):
    _, rows = seed
    cease = only(rows, "cease")
    # a future retreat is coded CONCEDE by the PLOVER manual ("announced … would withdraw
    # troops" is RETREAT + future: CONCEDE); modality still says it is to come
    assert (cease["event_type"], cease["quad_class"]) == ("CONCEDE", "verbal_cooperation")
    assert cease["actor_name"] == "United States"
    assert cease["target_name"] == "Afghanistan"
    assert cease["event_date"] == dt.date(2021, 8, 31)
    assert cease["date_precision"] == "day"
    assert cease["modality"] == "future"  # "will cease"


def test_seed_france_closes_sites_in_northern_mali_by_the_end_of_the_year(seed):
    _, rows = seed
    closing = only(rows, "closing")
    assert closing["event_type"] == "CONCEDE"  # a promised retreat (PLOVER manual)
    assert closing["actor_text"] == "his country"  # Macron's country
    assert closing["actor_name"] == "France"
    assert closing["target_name"] == "Mali"
    assert (closing["event_date"], closing["date_precision"]) == (dt.date(2021, 12, 31), "year")
    assert closing["date_text"] == "end of the year"  # the NER span, its "the" trimmed
    assert closing["modality"] == "future"  # "would begin" in Macron's reported statement


def test_seed_pulling_out_of_afghanistan(seed):
    _, rows = seed
    pull = only(rows, "pulls")
    assert (pull["event_type"], pull["actor_name"], pull["target_name"]) == (
        "RETREAT",
        "United States",
        "Afghanistan",
    )


def test_seed_attribution_verbs_are_not_events(seed):
    _, rows = seed
    assert not {"stated", "said", "tweeted", "described", "stating"} & {r["trigger"] for r in rows}


def test_event_ids_are_stable_and_depend_on_spans_and_roles(nlp):
    text = "Rebels attacked the town on Friday. Police arrested two men."
    first = events_of(nlp, text)
    again = events_of(nlp, text)
    assert [r["event_id"] for r in first] == [r["event_id"] for r in again]
    shifted = events_of(nlp, "Meanwhile. " + text)
    assert {r["event_id"] for r in first}.isdisjoint({r["event_id"] for r in shifted})


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        '"""',
        "“ unbalanced quote that never closes and rebels attacked the town",
        "”)]}({[“",
        "They they they it its their",
        "WARSAW —",
        "killed killed killed attack attack sanctions",
        "On Friday on Friday on Friday by the end of the year next week last month.",
        "\u200b\u200bRebels\u00a0attacked\u2028the town.",
    ],
)
def test_odd_texts_do_not_crash(nlp, text):
    rows = events_of(nlp, text)
    check_event_rows(text, rows)


@pytest.mark.slow
def test_a_200k_character_single_line_does_not_crash(nlp):
    text = ("Rebels attacked the town on Friday and police arrested " * 4000)[:200_000]
    rows = events_of(nlp, text)
    check_event_rows(text, rows)
    assert rows


SUBJECTS = ["Rebels", "The army", "France", "Police", "They", "It", "The union", "Gunmen"]


VERBS = ["attacked", "arrested", "met", "did not sign", "will visit", "condemned", "pulled out of"]


OBJECTS = ["the town", "Germany", "two protesters", "the deal", "Mali", "them", "it"]


TIMES = ["", " on Friday", " last week", " by the end of the year", " on August 31", " yesterday"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SUBJECTS),
            st.sampled_from(VERBS),
            st.sampled_from(OBJECTS),
            st.sampled_from(TIMES),
            st.sampled_from([".", ",", ' "', "", "\n\n"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_generated_news_sentences(nlp, parts, published):
    text = " ".join(f"{s} {v} {o}{t}{p}" for s, v, o, t, p in parts)
    rows = events_of(nlp, text, published)
    check_event_rows(text, rows)


@pytest.mark.slow
def test_every_wikinews_article_gives_valid_rows(wikinews_articles, wikinews_tables):
    # One shared NLP pass over the corpus (tests/conftest.py) serves every table's check.
    assert len(wikinews_articles) == 294
    assert wikinews_tables["result"].errors == {}
    published = {a.article_id: a.published_date for a in wikinews_articles}
    by_article: dict[str, list[dict]] = {}
    for row in wikinews_tables["result"].tables["events"]:
        by_article.setdefault(row["article_id"], []).append(row)
    for article_id, rows in by_article.items():
        check_event_rows(wikinews_tables["bodies"][article_id], rows)
        if published[article_id] is not None:
            assert all(row["event_date"] is not None for row in rows)
    assert sum(len(rows) for rows in by_article.values()) > 1000
