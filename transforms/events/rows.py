"""The row class of the ``events`` table, and the rows of one trigger.

:func:`rows_for` puts together, for one trigger, its roles (:mod:`~transforms.events.roles`),
negation and modality (:mod:`~transforms.events.modality`), date
(:mod:`~transforms.events.time`) and, per (actor, target) pair, its location
(:mod:`~transforms.events.location`): one :class:`Event` per pair.

``event_id`` = hash of (article_id, trigger span, actor span, target span): stable across
runs. ``mode`` (:mod:`~transforms.events.modes`), ``quad_class`` and ``plover_score`` (the
manual's conflict–cooperation score of the mode, else of the type:
:mod:`~transforms.events.plover`) are NULL for the project's own types; ``is_top_event`` marks
the one PLOVER event of each sentence nearest the root of its parse
(:func:`~transforms.events.extract.mark_top_events`). ``actor_text`` is the words in the sentence, ``actor_name``/``actor_entity_id`` the
resolved entity (NULL when no entity is named: *gunmen*, *police*). Without a usable time
expression, ``event_date`` is the publication date and ``date_precision = 'published'``
(``date_text`` NULL); an article without publication date then has NULL ``event_date`` and
``date_precision``. **Confidence** is a ranking score in [0, 1], not a calibrated
probability: higher for verbs than nouns, for unconditional or condition-matched lexicon
rows, and when actor and target resolve to entities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from transforms.dates import PUBLISHED
from transforms.events.context import PLACE_FAMILIES, Arg, EventContext, Trigger
from transforms.events.location import location_of
from transforms.events.manual import plover_type, threat_mode
from transforms.events.modality import is_negated, modality_of, verb_group
from transforms.events.modes import mode_of
from transforms.events.plover import quad_class, score
from transforms.events.roles import pairs, roles_of
from transforms.events.time import after_publication, date_for
from transforms.ids import stable_id


@dataclass
class Event:
    """One row of the ``events`` table: its fields are the table's columns, in order."""

    event_id: str
    article_id: str
    sentence_index: int
    start_char: int
    end_char: int
    trigger: str
    trigger_lemma: str
    event_type: str | None
    mode: str | None
    quad_class: str | None
    plover_score: float | None
    is_top_event: bool
    actor_text: str | None
    actor_entity_id: str | None
    actor_name: str | None
    target_text: str | None
    target_entity_id: str | None
    target_name: str | None
    location_entity_id: str | None
    location_name: str | None
    event_date: dt.date | None
    date_text: str | None
    date_precision: str | None
    negated: bool
    modality: str
    confidence: float

    def row(self) -> dict:
        """The row of the ``events`` table."""
        return dict(self.__dict__)


def _confidence(trig: Trigger, actor: Arg | None, target: Arg | None) -> float:
    score = 0.55 if trig.kind == "verb" else 0.45
    if trig.entry.conds:
        score += 0.1
    if trig.light is not None:
        score += 0.1
    if actor is not None and actor.mention is not None:
        score += 0.2
    elif actor is not None:
        score += 0.1
    if target is not None and target.mention is not None:
        score += 0.1
    return round(min(score, 0.95), 2)


def rows_for(ctx: EventContext, trig: Trigger) -> list[Event]:
    """The events of one trigger: one per (actor, target) pair."""
    t = trig.token
    actors, targets, clause = roles_of(ctx, trig)
    group = verb_group(trig, clause)
    modality = modality_of(ctx, trig, clause, group)
    res, span = date_for(ctx, trig, clause, modality)
    if (
        res is not None
        and ctx.published is not None
        and modality in {"asserted", "reported"}
        and after_publication(res, ctx.published)
    ):
        modality = "future"
    if res is not None:
        event_date, precision, date_text = res.date, res.precision, span.text if span else None
    elif ctx.published is not None:
        event_date, precision, date_text = ctx.published, PUBLISHED, None
    else:
        event_date, precision, date_text = None, None, None
    negated = is_negated(trig, group)
    start, end = t.idx, trig.end_char
    type_, mode = _type_and_mode(ctx, trig, modality, negated)
    rows = []
    for actor, target in pairs(actors, targets, trig):
        used = {id(a.mention.entity) for a in (actor, target) if a is not None and a.mention}
        loc = location_of(ctx, trig, clause, used)
        if (
            loc is None
            and trig.type == "RETREAT"
            and target is not None
            and target.mention is not None
            and target.mention.family in PLACE_FAMILIES
        ):
            loc = target.mention
        a_text, a_id, a_name = _participant(ctx, actor)
        t_text, t_id, t_name = _participant(ctx, target)
        l_id, l_name = ctx.ids(loc) if loc else (None, None)
        rows.append(
            Event(
                event_id=stable_id(
                    "event",
                    ctx.article_id,
                    start,
                    end,
                    None if actor is None else f"{actor.start_char}:{actor.end_char}",
                    None if target is None else f"{target.start_char}:{target.end_char}",
                ),
                article_id=ctx.article_id,
                sentence_index=ctx.sentence_index(t.i),
                start_char=start,
                end_char=end,
                trigger=ctx.text[start:end],
                trigger_lemma=trig.entry.lemma,
                event_type=type_,
                mode=mode,
                quad_class=quad_class(type_),
                plover_score=score(type_, mode),
                is_top_event=False,  # set for the whole article (extract.mark_top_events)
                actor_text=a_text,
                actor_entity_id=a_id,
                actor_name=a_name,
                target_text=t_text,
                target_entity_id=t_id,
                target_name=t_name,
                location_entity_id=l_id or None,
                location_name=l_name or None,
                event_date=event_date,
                date_text=date_text,
                date_precision=precision,
                negated=negated,
                modality=modality,
                confidence=_confidence(trig, actor, target),
            )
        )
    return rows


def _type_and_mode(
    ctx: EventContext, trig: Trigger, modality: str, negated: bool
) -> tuple[str | None, str | None]:
    """The event's PLOVER type (the manual's rules on the trigger's type) and mode."""
    type_ = plover_type(ctx, trig, modality, negated)
    mode = mode_of(ctx, trig, trig.type)
    if type_ == "THREATEN" and trig.type != "THREATEN":  # an announced attack or sanction
        return type_, threat_mode(trig.type, mode)
    if type_ != trig.type:
        return type_, mode_of(ctx, trig, type_)
    return type_, mode


def _participant(ctx: EventContext, arg: Arg | None) -> tuple[str | None, str | None, str | None]:
    """(text, entity_id, name) of an actor or target: the entity's canonical name, else a
    name the recognizer missed."""
    if arg is None:
        return None, None, None
    ent_id, name = ctx.ids(arg.mention) if arg.mention else (None, None)
    return arg.text, ent_id or None, (name or arg.name) or None
