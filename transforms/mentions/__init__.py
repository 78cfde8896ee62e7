"""Named-entity mentions: the model's entities, corrected, resolved within the article, with ids.

Modules, one job each (import from the module; this package imports nothing):

* :mod:`~transforms.mentions.component` — the ``newsetl_entities`` spaCy component after
  ``ner``: trims, relabels and completes the model's entities with general rules and the
  gazetteer;
* :mod:`~transforms.mentions.repair` — what is no entity (time zones, table headings, a
  portfolio closing a title, a transcript's tag), units and numbers glued to names, company
  names cut at their "and";
* :mod:`~transforms.mentions.shouting` — lines written in capitals read again on re-cased words;
* :mod:`~transforms.mentions.tables` — names in results tables and lists (teams, athletes);
* :mod:`~transforms.mentions.model` — :class:`Mention` (the row class of the ``mentions``
  table) and :class:`Entity`, the label families and ``entity_id``;
* :mod:`~transforms.mentions.names` — how names are written: titles, suffixes, initials;
* :mod:`~transforms.mentions.resolve` — in-article resolution per label family (people by
  surname, places by country, organisations by acronym and shorter name, demonyms);
* :mod:`~transforms.mentions.extract` — :func:`extract_mentions`, the entry point: labels
  unified, acronyms, aliases the model missed, ids.

Word lists are data: ``transforms/data/mention_words.txt``; known organisations, non-entities
and nations: ``transforms/data/organisations.tsv``, ``non_entities.tsv``, ``nations.tsv``.
"""
