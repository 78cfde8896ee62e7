"""Helpers of the transforms tests: parse a text, analyse it, extract from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from spacy.language import Language

from transforms.analysis import Analysis
from transforms.events.extract import extract_events
from transforms.events.lexicon import EVENT_TYPES, MODALITIES
from transforms.nlp import parse_docs
from transforms.parse import parse_text
from transforms.quotes.extract import extract_quotes
from transforms.quotes.rows import Quote
from transforms.schemas import EVENTS, to_table

#: A Saturday, the seed's publication date.
SAT = dt.date(2021, 7, 10)


def analyse(nlp: Language, text: str, article_id: str = "art") -> Analysis:
    """The analysis of a text parsed as the pipeline parses it."""
    return Analysis(next(parse_docs(nlp, [text])), article_id)


def quotes_of(nlp: Language, text: str, article_id: str = "art") -> list[Quote]:
    return extract_quotes(Analysis(nlp(text), article_id))


def direct_quotes_of(nlp: Language, text: str) -> list[Quote]:
    """The direct quotations :func:`quotes_of` finds in a text."""
    return [q for q in quotes_of(nlp, text) if q.is_direct]


def events_of(
    nlp: Language, text: str, published: dt.date | None = SAT, lex=None, article_id: str = "a1"
) -> list[dict]:
    """The rows of the events of a text."""
    return [e.row() for e in extract_events(analyse(nlp, text, article_id), published, lex)]


def article(path: Path) -> tuple[str, str]:
    """(article_id, body) of an article file."""
    art = parse_text(str(path), path.read_bytes(), today=dt.date(2026, 1, 1))
    return art.article_id, art.body


def only(rows: list[dict], trigger: str) -> dict:
    """The one event row of a trigger."""
    found = [r for r in rows if r["trigger"] == trigger]
    assert len(found) == 1, [(r["trigger"], r["actor_text"], r["target_text"]) for r in rows]
    return found[0]


PRECISIONS = {"day", "week", "month", "year", "published"}


def check_event_rows(body: str, rows: list[dict]) -> None:
    """Schema, offsets and the (trigger, actor, target) grain of event rows."""
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


def top_event(rows: list[dict]) -> tuple | None:
    """The top event of a sentence's rows as (trigger, type, actor's name or text), or None."""
    top = [r for r in rows if r["is_top_event"]]
    if not top:
        return None
    r = top[0]
    return r["trigger"], r["event_type"], r["actor_name"] or r["actor_text"]
