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

from transforms import dedup
from transforms.analysis import Analysis
from transforms.batch import BatchResult, NlpInput
from transforms.events.extract import extract_events
from transforms.language import language_of
from transforms.nlp import get_pipeline, parse_docs
from transforms.quotes.extract import extract_quotes
from transforms.schemas import TABLES, nlp_tables
from transforms.tone import mean_tone, text_tone

__all__ = [
    "BatchResult",
    "Extraction",
    "NlpInput",
    "event_rows",
    "extract",
    "mention_rows",
    "prepare",
    "process_articles",
    "quote_rows",
]


# The extractors of the NLP tables, named by their declarations in transforms.schemas.TABLES:
# each reads the article's analysis and returns the table's rows.


def mention_rows(an: Analysis, art: NlpInput) -> list[dict]:
    """The ``mentions`` rows: the analysis holds the article's mentions."""
    return [m.row(art.article_id) for m in an.mentions]


def quote_rows(an: Analysis, art: NlpInput) -> list[dict]:
    """The ``quotes`` rows, each scored for tone (:mod:`transforms.tone`)."""
    quotes = extract_quotes(an)
    for q in quotes:
        q.tone = text_tone(q.text)
    return [q.row() for q in quotes]


def event_rows(an: Analysis, art: NlpInput) -> list[dict]:
    """The ``events`` rows (dates resolved against the publication date)."""
    return [e.row() for e in extract_events(an, art.published_date)]


@dataclass
class Extraction:
    """Everything extracted from one article's Doc: the rows of every NLP table, and the
    columns of the article's own row that the NLP step fills (its tone)."""

    tables: dict[str, list[dict]]
    article: dict[str, object] = field(default_factory=dict)


def extract(doc: Doc, art: NlpInput) -> Extraction:
    """All extractions of one article from its Doc, on one shared analysis."""
    an = Analysis(doc, art.article_id)
    tables = {table: TABLES[table].extract_fn()(an, art) for table in nlp_tables()}
    # A sentence's text sliced from the article's (Span.text re-creates every token).
    tone = mean_tone(an.text[s.start_char : s.end_char] for s in an.sents)
    return Extraction(tables=tables, article={"tone": tone})


def prepare(articles: list[NlpInput], result: BatchResult) -> list[NlpInput]:
    """The work before the parse that the flow asks of the worker (see :class:`NlpInput`):
    near-duplicate band hashes and languages into ``result``; returns the articles to parse
    (those whose language is one this model is for)."""
    todo = []
    for art in articles:
        if art.bands:
            result.bands[art.article_id] = dedup.bands_of(dedup.shingles(art.body))
        if art.detect:
            language = language_of(art.body, art.declared_language)
            result.languages[art.article_id] = language
            if language not in art.languages:
                continue
        todo.append(art)
    return todo


def process_articles(model: str, articles: list[NlpInput]) -> BatchResult:
    """Run the NLP pass on articles and return the rows of every NLP table.

    An exception while extracting one article does not stop the batch: the article is
    reported in ``errors`` (the flow rejects it with reason ``nlp_error``) and has no rows.
    What the flow asks besides (languages, band hashes: :func:`prepare`) is done first.
    """
    nlp = get_pipeline(model)
    result = BatchResult.empty()
    articles = prepare(articles, result)
    for art, doc in zip(articles, parse_docs(nlp, [a.body for a in articles]), strict=True):
        try:
            ex = extract(doc, art)
        except Exception as exc:
            result.errors[art.article_id] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        result.articles[art.article_id] = ex.article
        for table, table_rows in ex.tables.items():
            result.tables[table].extend(table_rows)
    return result
