"""What goes into and comes out of the NLP step, without spaCy: the flow (and a run with
nothing to parse) imports these without importing the pipeline (:mod:`transforms.pipeline`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NlpInput:
    """What the NLP step needs of an article."""

    article_id: str
    body: str
    published_date: dt.date | None


@dataclass
class BatchResult:
    """Rows per NLP table, the NLP columns of each article's own row (id -> {"tone": …}),
    and the articles whose extraction failed (id -> error)."""

    tables: dict[str, list[dict]]
    errors: dict[str, str]
    articles: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> BatchResult:
        """No rows in any NLP table of the registry, no errors."""
        from transforms.schemas import nlp_tables

        return cls(tables={t: [] for t in nlp_tables()}, errors={})
