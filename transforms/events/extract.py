"""Events of one article: the rows of the ``events`` table.

:func:`extract_events` reads the article's :class:`~transforms.analysis.Analysis` and its
publication date: it finds the triggers (:mod:`~transforms.events.triggers`), anchors the
time expressions to them (:mod:`~transforms.events.time`) and builds the rows of each trigger
(:mod:`~transforms.events.rows`), each (trigger, actor, target) once, in document order.
"""

from __future__ import annotations

import datetime as dt

from transforms.analysis import Analysis
from transforms.events.context import EventContext
from transforms.events.dictionary import dictionary
from transforms.events.lexicon import Lexicon, lexicon
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
    seen: set[str] = set()
    for trig in triggers:
        for event in rows_for(ctx, trig):
            if event.event_id not in seen:
                seen.add(event.event_id)
                events.append(event)
    return events
