"""What goes into and comes out of the NLP step, without spaCy: the flow (and a run with
nothing to parse) imports these without importing the pipeline (:mod:`transforms.pipeline`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NlpInput:
    """What the NLP step needs of an article.

    The per-article work that does not need the parse is done by the worker too, before it
    (:func:`transforms.pipeline.prepare`), so that it runs on every core instead of in the
    flow's process while the workers wait: with ``detect`` the article's language is
    detected (the text decides, ``declared_language`` speaks for a text too short to judge;
    :func:`transforms.parse.resolve_language`) and the article is parsed only when that
    language is one of ``languages`` (the languages this model is for; the flow sends the
    others to their own pipeline); with ``bands`` the near-duplicate band hashes of its body
    are computed (:func:`transforms.dedup.fingerprint`). Both answers are in the
    :class:`BatchResult`.
    """

    article_id: str
    body: str
    published_date: dt.date | None
    detect: bool = False
    declared_language: str | None = None
    languages: tuple[str | None, ...] = ()
    bands: bool = False


@dataclass
class BatchResult:
    """Rows per NLP table, the NLP columns of each article's own row (id -> {"tone": …}),
    and the articles whose extraction failed (id -> error); the languages detected
    (id -> ISO code or None) and the near-duplicate band hashes (id -> tuple) asked for."""

    tables: dict[str, list[dict]]
    errors: dict[str, str]
    articles: dict[str, dict] = field(default_factory=dict)
    languages: dict[str, str | None] = field(default_factory=dict)
    bands: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> BatchResult:
        """No rows in any NLP table of the registry, no errors."""
        from transforms.schemas import nlp_tables

        return cls(tables={t: [] for t in nlp_tables()}, errors={})
