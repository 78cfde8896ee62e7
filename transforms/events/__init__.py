"""Events: who did what to whom, where and when — PLOVER-typed rows from the dependency parse.

One row per (trigger, actor, target), traceable to the trigger's character span. The types
are PLOVER's 16 categories (AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST
ACCUSE REJECT THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT, definitions from the PLOVER
manual, REQUEST as in POLECAT) and four of ours for what news needs beyond PLOVER:

* ``STATEMENT`` — public announcements and declarations (*announced*, *declared victory*,
  *claimed responsibility*). PLOVER dropped CAMEO's comment categories; attribution verbs
  (*say, tell, state, add, write, tweet*) are **not** events: the quotes table holds every
  quotation with its speaker, and an event inside a reported clause gets
  ``modality = 'reported'``;
* ``ELECTION`` — elections, referendums, being elected, winning a vote;
* ``ACCIDENT`` — crashes, collisions, derailments, fires, explosions, collapses;
* ``DISASTER`` — earthquakes, floods, storms and other natural hazards.

``NULL`` is allowed for lexicon rows typed ``NULL`` (an event of no category).

Modules, one job each (import from the module; this package imports nothing):

* :mod:`~transforms.events.lexicon` — **the event lexicon** (data:
  ``transforms/data/event_lexicon.tsv``) and the event types with their role tables;
* :mod:`~transforms.events.words` — the word lists (data: ``event_words.txt``);
* :mod:`~transforms.events.context` — what the rules read: the article's analysis, the
  lexicon, caches; the ``Trigger`` and ``Arg`` structures;
* :mod:`~transforms.events.syntax` — subjects, objects, agents, governing verbs;
* :mod:`~transforms.events.kinds` — what a token is: a name, a people noun, a place;
* :mod:`~transforms.events.conditions` — the conditions of lexicon rows;
* :mod:`~transforms.events.triggers` — which words make an event, and its type;
* :mod:`~transforms.events.references` — pronouns and definite descriptions in roles;
* :mod:`~transforms.events.participants` — from a participant token to entities;
* :mod:`~transforms.events.roles` — actors and targets;
* :mod:`~transforms.events.location` — where;
* :mod:`~transforms.events.time` — when;
* :mod:`~transforms.events.modality` — negation and modality;
* :mod:`~transforms.events.rows` — :class:`~transforms.events.rows.Event`, the row class, and
  the rows of one trigger;
* :mod:`~transforms.events.extract` — :func:`~transforms.events.extract.extract_events`, the
  entry point, on an article's :class:`~transforms.analysis.Analysis`.
"""
