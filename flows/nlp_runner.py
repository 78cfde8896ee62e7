"""Runs the NLP step: in-process, or on a pool of worker processes that each load the model once.

spaCy's own ``n_process`` starts new processes on every ``nlp.pipe`` call, which would reload
the model for every batch; this pool keeps its workers (and their loaded model) for the whole
run. Workers are started with ``spawn``: the flow's process has threads (Prefect), which a
forked child must not inherit.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from transforms.nlp import get_pipeline
from transforms.pipeline import NLP_TABLES, BatchResult, NlpInput, process_articles


def _warm(model: str) -> None:
    get_pipeline(model)


def split_balanced(items: list[NlpInput], parts: int) -> list[list[NlpInput]]:
    """Split into at most ``parts`` contiguous chunks of similar total text length."""
    if parts <= 1 or len(items) <= 1:
        return [items] if items else []
    total = sum(len(a.body) for a in items) or 1
    chunks: list[list[NlpInput]] = [[]]
    acc = 0
    for item in items:
        if acc >= total * len(chunks) / parts and len(chunks) < parts and chunks[-1]:
            chunks.append([])
        chunks[-1].append(item)
        acc += len(item.body)
    return chunks


class NlpRunner:
    """Context manager: ``with NlpRunner(model, n) as run: run(articles)``."""

    def __init__(self, model: str, n_process: int = 1):
        self.model = model
        self.n_process = max(1, n_process)
        self.pool: ProcessPoolExecutor | None = None
        self.articles_processed = 0

    def __enter__(self) -> NlpRunner:
        if self.n_process > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=self.n_process,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                initargs=(self.model,),
            )
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __call__(self, articles: list[NlpInput]) -> BatchResult:
        self.articles_processed += len(articles)
        if not articles:
            return BatchResult(tables={t: [] for t in NLP_TABLES}, errors={})
        if self.pool is None:
            return process_articles(self.model, articles)
        futures = [
            self.pool.submit(process_articles, self.model, chunk)
            for chunk in split_balanced(articles, self.n_process)
        ]
        merged = BatchResult(tables={t: [] for t in NLP_TABLES}, errors={})
        for fut in futures:
            part = fut.result()
            for table, rows in part.tables.items():
                merged.tables[table].extend(rows)
            merged.errors.update(part.errors)
        return merged
