"""A small warehouse from hand-written rows, loaded by the project's own code (lake + load_batch).

Four articles, their mentions, quotes and events, written here with exact offsets (computed
from the bodies, so ``body[start:end] == text`` holds), so the marts can be checked row by row
while the quote and event extractors are still being built. One title and one quote carry
HTML, to check that the report escapes them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows import lake, warehouse
from flows.settings import load_settings
from transforms.events.plover import quad_class, score
from transforms.schemas import to_table

RUN_ID = "r20240401T000000_tests0"
INGESTED = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
EVIL_TITLE = "<script>alert('x')</script> Carney & Duda meet again"

ARTICLES = {
    "a1": (
        dt.date(2024, 2, 16),
        "Canada and Poland sign defence pact",
        "Canada and Poland signed a defence pact in Warsaw on Friday.\n\n"
        '"This pact makes both nations safer," said Prime Minister Mark Carney. '
        "Polish President Andrzej Duda welcomed Canada's commitment.",
    ),
    "a2": (
        dt.date(2024, 3, 5),
        EVIL_TITLE,
        "Mark Carney met Andrzej Duda in Ottawa on Tuesday.\n\n"
        '"We will keep our promises <b>always</b>," Carney said. '
        "Duda said Poland would send troops to Canada for training.",
    ),
    "a3": (
        dt.date(2024, 3, 20),
        "Protest in Warsaw",
        "Protesters marched in Warsaw against the pact. "
        "Police arrested 12 people, Poland's interior ministry said.",
    ),
    "a4": (
        None,
        "Aid pledged",
        'Canada pledged aid to flood victims. "Help is on its way," Carney said.',
    ),
}

ENTITIES = {
    # entity_id: (canonical name, country code)
    "e_canada": ("Canada", "CA"),
    "e_poland": ("Poland", "PL"),
    "e_warsaw": ("Warsaw", None),
    "e_ottawa": ("Ottawa", None),
    "e_carney": ("Mark Carney", None),
    "e_duda": ("Andrzej Duda", None),
}

# Tones chosen by hand (not scored): the marts' averages are checked against them.
ARTICLE_TONES = {"a1": 0.25, "a2": 0.1, "a3": -0.3, "a4": 0.4}
QUOTE_TONES = {"q1": 0.5, "q2": 0.3, "q3": None, "q4": -0.6, "q5": 0.4}

# (article, text, occurrence, sentence, label, entity_id): the n-th occurrence of text.
MENTIONS = [
    ("a1", "Canada", 0, 0, "GPE", "e_canada"),
    ("a1", "Poland", 0, 0, "GPE", "e_poland"),
    ("a1", "Warsaw", 0, 0, "GPE", "e_warsaw"),
    ("a1", "Friday", 0, 0, "DATE", None),
    ("a1", "Mark Carney", 0, 1, "PERSON", "e_carney"),
    ("a1", "Polish", 0, 2, "NORP", "e_poland"),
    ("a1", "Andrzej Duda", 0, 2, "PERSON", "e_duda"),
    ("a1", "Canada", 1, 2, "GPE", "e_canada"),
    ("a2", "Mark Carney", 0, 0, "PERSON", "e_carney"),
    ("a2", "Andrzej Duda", 0, 0, "PERSON", "e_duda"),
    ("a2", "Ottawa", 0, 0, "GPE", "e_ottawa"),
    ("a2", "Tuesday", 0, 0, "DATE", None),
    ("a2", "Carney", 1, 1, "PERSON", "e_carney"),
    ("a2", "Duda", 1, 2, "PERSON", "e_duda"),
    ("a2", "Poland", 0, 2, "GPE", "e_poland"),
    ("a2", "Canada", 0, 2, "GPE", "e_canada"),
    ("a3", "Warsaw", 0, 0, "GPE", "e_warsaw"),
    ("a3", "12", 0, 1, "CARDINAL", None),
    ("a3", "Poland", 0, 1, "GPE", "e_poland"),
    ("a4", "Canada", 0, 0, "GPE", "e_canada"),
    ("a4", "Carney", 0, 1, "PERSON", "e_carney"),
]

# (quote id, article, text, direct, sentence, speaker text/occurrence, entity, cue occurrence)
QUOTES = [
    ("q1", "a1", "This pact makes both nations safer,", True, 1, ("Mark Carney", 0), "e_carney", 0),
    ("q2", "a2", "We will keep our promises <b>always</b>,", True, 1, ("Carney", 1), "e_carney", 0),
    ("q3", "a2", "Poland would send troops to Canada for training", False, 2, ("Duda", 1), "e_duda", 1),
    ("q4", "a3", "Police arrested 12 people", False, 1, ("Poland's interior ministry", 0), None, 0),
    ("q5", "a4", "Help is on its way,", True, 1, ("Carney", 0), "e_carney", 0),
]  # fmt: skip

# (event id, article, trigger, lemma, type, actor, target, location, date, date text, precision,
#  modality)
EVENTS = [
    ("v1", "a1", "signed", "sign", "AGREE", "e_canada", "e_poland", "e_warsaw", dt.date(2024, 2, 16), "Friday", "day", "asserted"),
    ("v7", "a1", "welcomed", "welcome", None, "e_duda", "e_canada", None, dt.date(2024, 2, 16), None, "published", "asserted"),
    ("v2", "a2", "met", "meet", "CONSULT", "e_carney", "e_duda", "e_ottawa", dt.date(2024, 3, 5), "Tuesday", "day", "asserted"),
    ("v3", "a2", "send", "send", "MOBILIZE", "e_poland", "e_canada", None, None, None, None, "future"),
    ("v4", "a3", "marched", "march", "PROTEST", None, None, "e_warsaw", dt.date(2024, 3, 20), None, "published", "asserted"),
    ("v5", "a3", "arrested", "arrest", "COERCE", None, None, None, dt.date(2024, 3, 20), None, "published", "asserted"),
    ("v6", "a4", "pledged", "pledge", "AID", "e_canada", None, None, None, None, None, "asserted"),
]  # fmt: skip


#: PLOVER modes of some events (the others have none).
EVENT_MODES = {"v4": "demo", "v5": "arrest"}


def find(body: str, text: str, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(text, start + 1)
    return start


def rows() -> dict[str, list[dict]]:
    """Every table's rows."""
    articles = []
    for aid, (published, title, body) in ARTICLES.items():
        articles.append(
            {
                "article_id": aid,
                "source_uri": f"/corpus/{aid}.txt",
                "source_id": aid,
                "url": None,
                "title": title,
                "published_date": published,
                "body": body,
                "word_count": len(body.split()),
                "content_sha256": f"sha-{aid}",
                "encoding": "utf-8",
                "flags": [] if published else ["no_header"],
                "nlp_version": "test",
                "tone": ARTICLE_TONES[aid],
                "ingested_at": INGESTED,
                "run_id": RUN_ID,
                # Two outlets, alternating (the report's outlet chart has two bars).
                "outlet": ("Harbour Times", "Harbour Wire")[len(articles) % 2],
                "authors": [],
                "published_at": None,
                "dateline": None,
                "language": "en",
                "duplicate_of": None,
                "duplicate_similarity": None,
            }
        )
    bodies = {aid: body for aid, (_, _, body) in ARTICLES.items()}
    mentions, mention_ids = [], {}
    for i, (aid, text, occ, sentence, label, entity) in enumerate(MENTIONS):
        start = find(bodies[aid], text, occ)
        mid = f"m{i:02d}"
        mention_ids[(aid, text, occ)] = mid
        name, country = ENTITIES.get(entity, (None, None))
        mentions.append(
            {
                "mention_id": mid,
                "article_id": aid,
                "sentence_index": sentence,
                "start_char": start,
                "end_char": start + len(text),
                "text": text,
                "label": label,
                "entity_id": entity,
                "canonical_name": name,
                "country_code": country,
                "origin": "model",
            }
        )
    quotes = []
    for qid, aid, text, direct, sentence, (speaker, s_occ), entity, cue_occ in QUOTES:
        body = bodies[aid]
        start = find(body, text)
        s_start = find(body, speaker, s_occ)
        c_start = find(body, "said", cue_occ)
        quotes.append(
            {
                "quote_id": qid,
                "article_id": aid,
                "sentence_index": sentence,
                "start_char": start,
                "end_char": start + len(text),
                "text": text,
                "is_direct": direct,
                "is_partial": False,
                "speaker_text": speaker,
                "speaker_start_char": s_start,
                "speaker_end_char": s_start + len(speaker),
                "speaker_name": ENTITIES[entity][0] if entity else None,
                "speaker_entity_id": entity,
                "speaker_mention_id": mention_ids.get((aid, speaker, s_occ)),
                "speaker_kind": "person" if entity else "nominal",
                "cue": "said",
                "cue_start_char": c_start,
                "cue_end_char": c_start + 4,
                "tone": QUOTE_TONES[qid],
            }
        )
    events = []
    tops: set[str] = set()  # one top event per sentence: each article's first PLOVER event
    for (
        eid,
        aid,
        trigger,
        lemma,
        etype,
        actor,
        target,
        location,
        date,
        date_text,
        precision,
        modality,
    ) in EVENTS:
        start = find(bodies[aid], trigger)
        events.append(
            {
                "event_id": eid,
                "article_id": aid,
                "sentence_index": 0,
                "start_char": start,
                "end_char": start + len(trigger),
                "trigger": trigger,
                "trigger_lemma": lemma,
                "event_type": etype,
                "mode": EVENT_MODES.get(eid),
                "quad_class": quad_class(etype),
                "plover_score": score(etype, EVENT_MODES.get(eid)),
                "is_top_event": etype is not None and aid not in tops,
                "actor_text": ENTITIES[actor][0] if actor else None,
                "actor_entity_id": actor,
                "actor_name": ENTITIES[actor][0] if actor else None,
                "target_text": ENTITIES[target][0] if target else None,
                "target_entity_id": target,
                "target_name": ENTITIES[target][0] if target else None,
                "location_entity_id": location,
                "location_name": ENTITIES[location][0] if location else None,
                "event_date": date,
                "date_text": date_text,
                "date_precision": precision,
                "negated": False,
                "modality": modality,
                "confidence": 0.75,
            }
        )
        if etype is not None:
            tops.add(aid)
    return {"articles": articles, "mentions": mentions, "quotes": quotes, "events": events}


def build_warehouse(warehouse_dir: Path, given: dict[str, list[dict]] | None = None) -> Path:
    """Load rows (by default the hand-written ones above) into a new warehouse as one run and
    one batch; returns the DuckDB path."""
    given = given if given is not None else rows()
    settings = load_settings(warehouse_dir)
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
        warehouse.start_run(
            con,
            {
                "run_id": RUN_ID,
                "flow_run_id": None,
                "started_at": INGESTED,
                "finished_at": None,
                "status": "running",
                "sources": ["/corpus"],
                "nlp_version": "test",
                "full_refresh": False,
                "records_seen": len(given["articles"]),
                "articles_new": len(given["articles"]),
                "articles_changed": 0,
                "articles_unchanged": 0,
                "articles_reprocessed": 0,
                "rejected": 0,
                "rows_written": {},
                "nlp_articles": len(given["articles"]),
                "seconds": None,
                "error": None,
            },
        )
        load_rows(con, settings, given, RUN_ID)
        warehouse.finish_run(
            con,
            RUN_ID,
            {
                "finished_at": INGESTED + dt.timedelta(seconds=12),
                "status": "completed",
                "seconds": 12.0,
                "rows_written": {t: len(given[t]) for t in given},
            },
        )
    return settings.db_path


def load_rows(con, settings, given: dict[str, list[dict]], run_id: str) -> None:
    """Write ``given``'s rows as the lake parts of batch 1 of ``run_id`` and load them."""
    tables = {name: to_table(name, table_rows) for name, table_rows in given.items()}
    months = {a["article_id"]: lake.month_of(a["published_date"]) for a in given["articles"]}
    parts = lake.write_parts(settings.lake_dir, tables, months, run_id=run_id, batch=1)
    warehouse.load_batch(
        con,
        settings.warehouse_dir,
        parts=parts,
        incoming=[(a["article_id"], a["source_uri"]) for a in given["articles"]],
        rejects=to_table("rejects", []),
        run_id=run_id,
        batch=1,
    )
