"""Events of one article: the rows of the ``events`` table.

:func:`extract_events` reads the article's :class:`~transforms.analysis.Analysis` and its
publication date: it finds the triggers (:mod:`~transforms.events.triggers`), anchors the
time expressions to them (:mod:`~transforms.events.time`) and builds the rows of each trigger
(:mod:`~transforms.events.rows`), each (trigger, actor, target) once, in document order.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.events.context import EventContext
from transforms.events.dictionary import dictionary
from transforms.events.lexicon import PLOVER_TYPES, Lexicon, lexicon
from transforms.events.rows import Event, rows_for
from transforms.events.time import time_anchors
from transforms.events.triggers import find_triggers


def extract_events(
    an: Analysis, published: dt.date | None, lex: Lexicon | None = None
) -> list[Event]:
    """The events of one article (document order).

    ``published`` dates the relative time expressions; ``lex`` replaces the packaged lexicon
    (see :func:`~transforms.events.lexicon.parse_lexicon`).
    """
    if len(an.doc) == 0:
        return []
    ctx = EventContext(an, published, lex or lexicon(), dictionary())
    triggers = find_triggers(ctx)
    if not triggers:
        return []
    ctx.trigger_types = {t.token.i: t.type for t in triggers}
    ctx.times = time_anchors(ctx, {t.token.i for t in triggers})
    events: list[Event] = []
    depth: dict[int, int] = {}
    seen: set[str] = set()
    for trig in triggers:
        for event in rows_for(ctx, trig):
            if event.event_id not in seen:
                seen.add(event.event_id)
                events.append(event)
                depth[id(event)] = root_distance(trig.token)
    mark_top_events(events, depth)
    return events


def root_distance(t: Token) -> int:
    """How many arcs separate a token from the root of its sentence's parse."""
    d = 0
    while t.head.i != t.i and d < 100:
        t, d = t.head, d + 1
    return d


def mark_top_events(events: list[Event], depth: dict[int, int]) -> None:
    """Mark each sentence's **top event**: among its events of a PLOVER type, the one whose
    trigger is nearest the root of the parse (the main clause's event; then an event noun or
    verb hanging from it: "launched an attack", "said it would retaliate"), the first in the
    text on a tie, and of a trigger's rows the first. The project's own types (STATEMENT,
    ELECTION, ACCIDENT, DISASTER) are never top events, nor is a negated event: a coder codes
    what happened ("Ongpin would not discuss details" codes no meeting)."""
    best: dict[int, Event] = {}
    for e in events:
        if e.event_type not in PLOVER_TYPES or e.negated:
            continue
        cur = best.get(e.sentence_index)
        if cur is None or (depth[id(e)], e.start_char) < (depth[id(cur)], cur.start_char):
            best[e.sentence_index] = e
    for e in best.values():
        e.is_top_event = True
