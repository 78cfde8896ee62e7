"""From article bodies to the NLP tables, with one spaCy pass and one analysis per article.

:func:`process_articles` is what an NLP worker runs on a batch: it is pure (no Prefect, no
I/O beyond loading the model once per process) and returns plain rows per table.
:func:`extract` runs on one Doc: it builds the article's
:class:`~transforms.analysis.Analysis` (sentences, quotations, mentions, pronoun answers) once,
and the quotes and events extractors read it; :mod:`transforms.tone` scores the article's
sentences and each quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from transforms.analysis import Analysis
from transforms.batch import BatchResult, NlpInput
from transforms.events.extract import extract_events
from transforms.events.rows import Event
from transforms.mentions.model import Mention
from transforms.nlp import get_pipeline, parse_docs
from transforms.quotes.extract import extract_quotes
from transforms.quotes.rows import Quote
from transforms.schemas import NLP_TABLES
from transforms.tone import mean_tone, text_tone

__all__ = ["NLP_TABLES", "BatchResult", "Extraction", "NlpInput", "extract", "process_articles"]


@dataclass
class Extraction:
    """Everything extracted from one article's Doc."""

    mentions: list[Mention]
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tone: float | None = None

    def article_columns(self) -> dict:
        """The columns of the article's own row that the NLP step fills."""
        return {"tone": self.tone}

    def rows(self, article_id: str) -> dict[str, list[dict]]:
        """The rows of each NLP table for this article."""
        return {
            "mentions": [m.row(article_id) for m in self.mentions],
            "quotes": [q.row() for q in self.quotes],
            "events": [e.row() for e in self.events],
        }


def extract(doc: Doc, art: NlpInput) -> Extraction:
    """All extractions of one article from its Doc, on one shared analysis."""
    an = Analysis(doc, art.article_id)
    quotes = extract_quotes(an)
    for q in quotes:
        q.tone = text_tone(q.text)
    events = extract_events(an, art.published_date)
    tone = mean_tone(s.text for s in an.sents)
    return Extraction(mentions=an.mentions, quotes=quotes, events=events, tone=tone)


def process_articles(model: str, articles: list[NlpInput]) -> BatchResult:
    """Run the NLP pass on articles and return the rows of every NLP table.

    An exception while extracting one article does not stop the batch: the article is
    reported in ``errors`` (the flow rejects it with reason ``nlp_error``) and has no rows.
    """
    nlp = get_pipeline(model)
    result = BatchResult(tables={t: [] for t in NLP_TABLES}, errors={})
    for art, doc in zip(articles, parse_docs(nlp, [a.body for a in articles]), strict=True):
        try:
            ex = extract(doc, art)
            rows = ex.rows(art.article_id)
        except Exception as exc:
            result.errors[art.article_id] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        result.articles[art.article_id] = ex.article_columns()
        for table, table_rows in rows.items():
            result.tables[table].extend(table_rows)
    return result
