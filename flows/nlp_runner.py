"""Runs the NLP step: in-process, or on a pool of worker processes that each load the model once.

spaCy's own ``n_process`` starts new processes on every ``nlp.pipe`` call, which would reload
the model for every batch; this pool keeps its workers (and their loaded model) for the whole
run. Workers are started with ``spawn``: the flow's process has threads (Prefect), which a
forked child must not inherit.

The work per article is bounded in time, in general (whatever makes it slow): articles are
processed in small groups under a deadline of :func:`time_budget` seconds per article; when a
group overruns, its articles are retried one by one, each under its own deadline, and an
article that overruns alone is reported in ``BatchResult.errors`` with the
:data:`OVERTIME` prefix (the flow rejects it ``too_complex``). The deadline raises an
exception in the working thread at its next Python instruction (spaCy's pipeline runs through
thinc's Python layers between its compiled kernels, and the extractors are Python), so a
runaway article costs about its budget, not hours. The budget counts the working thread's CPU
time, not the wall clock: on a loaded machine an article gets the same work as on an idle one,
so the same input gives the same rows and the same rejects whatever else the machine runs.
Pathological tokenizer input is refused before it starts (``transforms.nlp.work_bound``): the
tokenizer is one compiled call.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from flows import interrupt
from transforms.batch import BatchResult, NlpInput
from transforms.nlp import get_pipeline

#: NLP works through a batch in groups this small (Ctrl-C checked and deadlines set per group).
INPROCESS_GROUP = 8
#: The marker of an article that overran its time budget in ``BatchResult.errors``.
OVERTIME = "overtime: "
#: A batch with less text than this is parsed in the flow's process even when ``n_process`` > 1:
#: starting the workers (each imports spaCy and loads the model, ~4 s) costs more than the
#: second core saves on it (~60 Reuters stories; one new article is parsed at once).
MIN_POOL_CHARS = 50_000
#: Default time budget: this many seconds per article, plus one per this many characters
#: (about 5× the pipeline's speed on one busy core of this project's 2-core machines).
BUDGET_SECONDS = 30.0
BUDGET_CHARS_PER_SECOND = 2_000


def time_budget(chars: int, base: float = BUDGET_SECONDS) -> float:
    """Seconds the NLP step may spend on an article of ``chars`` characters."""
    return base + chars * (base / BUDGET_SECONDS) / BUDGET_CHARS_PER_SECOND


class _Overtime(BaseException):
    """Raised in the working thread when its deadline passes (not an Exception: extraction code
    that catches ``Exception`` must not swallow it)."""


#: How often (wall-clock seconds) the deadline's watcher reads the working thread's CPU clock.
WATCH_EVERY = 0.05


def _cpu_clock() -> Callable[[], float]:
    """The calling thread's CPU time (seconds), readable from another thread; the monotonic
    wall clock where the platform has no per-thread CPU clock."""
    getclock = getattr(time, "pthread_getcpuclockid", None)
    if getclock is None:  # pragma: no cover - not on Linux
        return time.monotonic
    clock = getclock(threading.get_ident())
    return lambda: time.clock_gettime(clock)


def _with_deadline(seconds: float, fn: Callable, *args):
    """Call ``fn(*args)``; raise _Overtime in this thread once it has spent more than
    ``seconds`` of its own CPU time in it."""
    target = threading.get_ident()
    now = _cpu_clock()
    start = now()
    lock = threading.Lock()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(WATCH_EVERY):
            if now() - start >= seconds:
                with lock:
                    if not done.is_set():
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(target), ctypes.py_object(_Overtime)
                        )
                return

    watcher = threading.Thread(target=watch, name="nlp-deadline", daemon=True)
    watcher.start()
    try:
        return fn(*args)
    finally:
        with lock:
            done.set()
        watcher.join()


def run_bounded(
    model: str, articles: list[NlpInput], budget_base: float = BUDGET_SECONDS
) -> BatchResult:
    """``process_articles`` in groups under deadlines (see the module docstring)."""
    from transforms.pipeline import process_articles  # spaCy: imported where it is used

    get_pipeline(model)  # loading the model is not the articles' time
    merged = BatchResult.empty()
    for start in range(0, len(articles), INPROCESS_GROUP):
        interrupt.checkpoint()
        group = articles[start : start + INPROCESS_GROUP]
        seconds = sum(time_budget(len(a.body), budget_base) for a in group)
        try:
            _merge(merged, _with_deadline(seconds, process_articles, model, group))
            continue
        except _Overtime:
            pass
        for art in group:
            interrupt.checkpoint()
            seconds = time_budget(len(art.body), budget_base)
            try:
                _merge(merged, _with_deadline(seconds, process_articles, model, [art]))
            except _Overtime:
                merged.errors[art.article_id] = (
                    f"{OVERTIME}over the NLP time budget of {seconds:.0f}s for "
                    f"{len(art.body):,} characters"
                )
    return merged


def _warm(model: str) -> None:
    interrupt.ignore_in_worker()  # the parent decides when to stop (flows.interrupt)
    get_pipeline(model)


def _ready() -> bool:
    return True


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

    def __init__(self, model: str, n_process: int = 1, budget_base: float = BUDGET_SECONDS):
        self.model = model
        self.n_process = max(1, n_process)
        self.budget_base = budget_base
        self.pool: ProcessPoolExecutor | None = None
        self.articles_processed = 0

    def __enter__(self) -> NlpRunner:
        return self

    def _start_pool(self) -> None:
        """Start the worker processes, on the first batch with enough text to parse: a run
        with nothing new never starts them (each loads the model: seconds of CPU)."""
        # Workers are started with Ctrl-C ignored (an ignored signal stays ignored through
        # exec, and Python then keeps it so): a Ctrl-C typed in the terminal reaches the
        # whole process group, and a worker still importing spaCy would print a traceback.
        # The parent stops them itself (see __exit__). A Ctrl-C in the few milliseconds the
        # spawning takes is not seen: press again.
        saved = signal.getsignal(signal.SIGINT)
        main = threading.current_thread() is threading.main_thread()
        if main:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.pool = ProcessPoolExecutor(
                max_workers=self.n_process,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                initargs=(self.model,),
            )
            # Start every worker now, while the signal is ignored.
            self._started = [self.pool.submit(_ready) for _ in range(self.n_process)]
        finally:
            if main:
                signal.signal(signal.SIGINT, saved)

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

    def __call__(self, articles: list[NlpInput], model: str | None = None) -> BatchResult:
        """Run the NLP pass (with ``model``, default the runner's) on the articles."""
        model = model or self.model
        self.articles_processed += len(articles)
        if not articles:
            return BatchResult.empty()
        merged = BatchResult.empty()
        if (
            self.n_process > 1
            and self.pool is None
            and sum(len(a.body) for a in articles) >= MIN_POOL_CHARS
        ):
            self._start_pool()
        if self.pool is None:
            return run_bounded(model, articles, self.budget_base)
        futures = [
            self.pool.submit(run_bounded, model, chunk, self.budget_base)
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
    into.articles.update(part.articles)
