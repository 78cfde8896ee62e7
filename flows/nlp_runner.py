"""Runs the NLP step: in-process, or on a pool of worker processes that each load the model once.

spaCy's own ``n_process`` starts new processes on every ``nlp.pipe`` call, which would reload
the model for every batch; this pool keeps its workers (and their loaded model) for the whole
run. Workers are started with ``spawn``: the flow's process has threads (Prefect), which a
forked child must not inherit.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from flows import interrupt
from transforms.nlp import get_pipeline
from transforms.pipeline import NLP_TABLES, BatchResult, NlpInput, process_articles

#: In-process NLP works through a batch in groups this small, checking for Ctrl-C in between.
INPROCESS_GROUP = 8


def _warm(model: str) -> None:
    interrupt.ignore_in_worker()  # the parent decides when to stop (flows.interrupt)
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
        if self.pool is None:
            return
        if exc and exc[0] is not None:
            # Interrupted or failed: do not wait for the workers' current articles.
            processes = list(getattr(self.pool, "_processes", {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:
                proc.terminate()
            for proc in processes:
                proc.join(timeout=5)
        else:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def __call__(self, articles: list[NlpInput]) -> BatchResult:
        self.articles_processed += len(articles)
        if not articles:
            return BatchResult(tables={t: [] for t in NLP_TABLES}, errors={})
        merged = BatchResult(tables={t: [] for t in NLP_TABLES}, errors={})
        if self.pool is None:
            for start in range(0, len(articles), INPROCESS_GROUP):
                interrupt.checkpoint()
                _merge(
                    merged, process_articles(self.model, articles[start : start + INPROCESS_GROUP])
                )
            return merged
        futures = [
            self.pool.submit(process_articles, self.model, chunk)
            for chunk in split_balanced(articles, self.n_process)
        ]
        pending = set(futures)
        while pending:
            interrupt.checkpoint()
            _, pending = concurrent.futures.wait(pending, timeout=0.5)
        for fut in futures:
            _merge(merged, fut.result())
        return merged


def _merge(into: BatchResult, part: BatchResult) -> None:
    for table, rows in part.tables.items():
        into.tables[table].extend(rows)
    into.errors.update(part.errors)
