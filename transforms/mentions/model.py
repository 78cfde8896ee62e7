"""Mentions and entities: the row class of the ``mentions`` table and what it resolves to.

A :class:`Mention` is one span of an entity recognized in an article (token and character
offsets, label, origin); resolution (:mod:`transforms.mentions.resolve`) attaches the
:class:`Entity` it names within the article. ``entity_id`` = hash of (label family,
normalized canonical name), the same across articles (:func:`entity_id_for`). Numeric and
temporal labels (``NON_ENTITY_LABELS``) are kept as mentions with their label but have no
entity (``entity_id`` NULL).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from transforms.gazetteer import name_key
from transforms.ids import stable_id

#: Label families: the part of an entity's identity that its label contributes.
#: Label families: the part of an entity's identity that its label contributes.
FAMILY = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "FAC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "PRODUCT": "PRODUCT",
    "WORK_OF_ART": "WORK_OF_ART",
    "LAW": "LAW",
    "LANGUAGE": "LANGUAGE",
}


NON_ENTITY_LABELS = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
)


ORIGINS = ("model", "gazetteer", "alias")


@dataclass
class Mention:
    """One entity mention; ``entity`` is filled by resolution."""

    start: int  # token index
    end: int
    start_char: int
    end_char: int
    text: str
    label: str
    origin: str
    sentence_index: int = 0
    entity: Entity | None = None
    country_code: str | None = None
    title: str | None = None  # the title word right before a person's name, if any
    firm: bool = False  # the label is backed by the gazetteer or a layout rule
    mention_id: str = ""

    @property
    def family(self) -> str | None:
        return FAMILY.get(self.label)

    @property
    def entity_id(self) -> str | None:
        return self.entity.entity_id if self.entity else None

    @property
    def canonical_name(self) -> str | None:
        return self.entity.name if self.entity else None

    def row(self, article_id: str) -> dict:
        return {
            "mention_id": self.mention_id,
            "article_id": article_id,
            "sentence_index": self.sentence_index,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "text": self.text,
            "label": self.label,
            "entity_id": self.entity_id,
            "canonical_name": self.canonical_name,
            "country_code": self.country_code,
            "origin": self.origin,
        }


@dataclass
class Entity:
    family: str
    label: str
    name: str
    fixed_name: bool = False  # a gazetteer name: not replaced by longer forms
    tokens: tuple[str, ...] = ()
    country_code: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)

    @property
    def entity_id(self) -> str:
        return entity_id_for(self.family, self.name)

    @property
    def surname(self) -> str | None:
        return self.tokens[-1] if self.family == "PERSON" and self.tokens else None


@functools.lru_cache(maxsize=65_536)
def entity_id_for(family: str, name: str) -> str:
    """The cross-article entity id: label family + normalized canonical name (computed once
    per name in a process: the extractors ask for it again and again)."""
    return stable_id("entity", family, name_key(name))
