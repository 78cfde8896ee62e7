"""Quotations and reported statements, with their speakers: the ``quotes`` table.

Modules, one job each (import from the module; this package imports nothing, since
:mod:`~transforms.quotes.marks` is read by the analysis that the other modules read):

* :mod:`~transforms.quotes.marks` — quotation marks: direction, pairing into segments
  (character level, no parse needed);
* :mod:`~transforms.quotes.lexicon` — reporting verbs and their classes, nouns for people
  who speak (data files in ``transforms/data/``);
* :mod:`~transforms.quotes.speakers` — **the speaker rule**: from a cue to who speaks, its
  span as written and the entity it links to;
* :mod:`~transforms.quotes.linking` — from a speaker's phrase to the entity it names (its
  mention, a person in apposition, a spokesman's organisation, a missed surname);
* :mod:`~transforms.quotes.descriptions` — how a noun phrase describes (determiner, the words
  describing a name, epithets), read by :mod:`~transforms.quotes.referents`;
* :mod:`~transforms.quotes.regions` — where a direct quote sits in its sentence;
* :mod:`~transforms.quotes.attribution` — where a direct quote's own cue is (after it,
  above it, before it, a colon);
* :mod:`~transforms.quotes.partial` — partial quotes (a phrase inside the writer's sentence);
* :mod:`~transforms.quotes.inherit` — quotes without a cue take a neighbour's speaker;
* :mod:`~transforms.quotes.direct` — direct quotes: the steps above, scare quotes and titles;
* :mod:`~transforms.quotes.indirect` — reported statements outside quotation marks;
* :mod:`~transforms.quotes.rows` — :class:`~transforms.quotes.rows.Quote`, the row class;
* :mod:`~transforms.quotes.extract` — :func:`~transforms.quotes.extract.extract_quotes`, the
  entry point, on an article's :class:`~transforms.analysis.Analysis`.

A quote's ``cue`` is its reporting verb (with a particle), "according to", or ":".
"""
