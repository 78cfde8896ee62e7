"""Runs the NLP step: in-process, or on a pool of worker processes that each load the model once.

spaCy's own ``n_process`` starts new processes on every ``nlp.pipe`` call, which would reload
the model for every batch; this pool keeps its workers (and their loaded model) for the whole
run. The flow's process has threads (Prefect), which a forked child must not inherit, so the
workers are forked by a *fork server* (``multiprocessing``'s ``forkserver``): a fresh process
that imports spaCy, the extractors and the language detector once (:mod:`flows.nlp_preload`)
and loads the run's model (:mod:`flows.nlp_preload_model`), then forks each worker with them
already loaded (``spawn`` where the platform has no fork server: each worker loads them itself).

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
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import forkserver

from flows import interrupt
from flows.settings import environment_model
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
#: A batch's chunks (taken by whichever worker is free) shrink to this many articles at its
#: end (:func:`split_tapered`).
SMALLEST_CHUNK = INPROCESS_GROUP
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
        # Raised again at every look until the call is over: code that swallows a
        # BaseException (a library's cleanup) cannot keep an overrunning article going.
        while not done.wait(WATCH_EVERY):
            if now() - start >= seconds:
                with lock:
                    if not done.is_set():
                        _set_async(target, _Overtime)

    watcher = threading.Thread(target=watch, name="nlp-deadline", daemon=True)
    hook = sys.unraisablehook
    sys.unraisablehook = _unraisable_but_overtime(hook)
    watcher.start()
    try:
        return fn(*args)
    finally:
        with lock:
            done.set()
            _set_async(target, None)  # one still pending must not fire after the call
        watcher.join()
        sys.unraisablehook = hook


def _unraisable_but_overtime(hook: Callable) -> Callable:
    """``sys.unraisablehook`` that drops the deadline's exception: one raised in a finalizer
    (``__del__``) or a garbage collector's callback cannot propagate — Python reports it as
    "Exception ignored in …" with a traceback on stderr (pytest: a failed test) — and the
    watcher raises it again at its next look anyway. Anything else goes to ``hook``."""

    def unraisable(info) -> None:
        if not isinstance(info.exc_value, _Overtime):
            hook(info)

    return unraisable


def _set_async(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in the thread at its next Python instruction (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), None if exc is None else ctypes.py_object(exc)
    )


def run_bounded(
    model: str, articles: list[NlpInput], budget_base: float = BUDGET_SECONDS
) -> BatchResult:
    """``process_articles`` in groups under deadlines (see the module docstring)."""
    from transforms.pipeline import process_articles  # spaCy: imported where it is used

    get_pipeline(model)  # loading the model is not the articles' time
    if any(a.detect for a in articles):  # nor loading the language detector's models
        from transforms.language import warm

        warm()
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


#: What the fork server imports before it forks the workers (see the module docstring).
PRELOAD = ["flows.nlp_preload"]
#: Imported after :data:`PRELOAD` when the run's model is the environment's: the server loads it.
PRELOAD_MODEL = "flows.nlp_preload_model"
#: How many of this process's pools have workers forked by the fork server now.
_SERVER = {"pools": 0}


def start_server(model: str | None = None) -> multiprocessing.context.BaseContext:
    """Start the workers' fork server, unless it runs already, and return the context that
    forks workers from it. Returns at once: the server imports :data:`PRELOAD` while the
    caller goes on, and the first worker is forked once it is done. A run that will surely
    parse (into a new warehouse) calls it early, so that this import overlaps the run's own
    start. The server lives as long as this process (its end ends the server). When
    ``model`` (the run's) is the one the environment names, the server also loads it
    (:data:`PRELOAD_MODEL`): the workers are forked with it loaded.

    It is started with Ctrl-C ignored (an ignored signal stays ignored through ``exec``, and
    Python then keeps it so), and the workers it forks inherit that: a Ctrl-C typed in the
    terminal reaches the whole process group, and the parent stops the workers itself (see
    :meth:`NlpRunner.__exit__`). A Ctrl-C in the millisecond the start takes is not seen:
    press again. Spawn where there is no fork server (each worker imports everything)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    same = model is not None and model == environment_model()
    context.set_forkserver_preload(PRELOAD + [PRELOAD_MODEL] * same)
    main = threading.current_thread() is threading.main_thread()
    saved = signal.getsignal(signal.SIGINT)
    if main:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        if main:
            signal.signal(signal.SIGINT, saved)
    return context


def stop_server() -> None:
    """Stop the fork server (started by :func:`start_server`) once no pool uses it, and wait
    for it: nothing of a run outlives it, and the CPU of the server and of the workers it
    forked is counted in this process's children's (logged as the workers' CPU, and what a
    benchmark of the command measures)."""
    server = getattr(forkserver, "_forkserver", None)
    if _SERVER["pools"] or getattr(server, "_forkserver_pid", None) is None:
        return
    server._stop()


def start_early(settings, sources: list[str]) -> None:
    """A run into a new warehouse parses all it reads: unless its input is small (parsed in
    the flow's own process, :data:`MIN_POOL_CHARS`), the workers' fork server is started at
    once, so that its imports overlap the run's start (Prefect's, the flow's) instead of
    delaying the first batch's parse. Any other run starts it with its first batch that has
    enough text to parse. ``settings``: :class:`flows.settings.Settings`."""
    if (
        settings.runner == "local"
        and settings.n_process > 1
        and not settings.catalog
        and not settings.db_path.exists()
        and _local_bytes(sources) >= MIN_POOL_CHARS
    ):
        start_server(settings.model)


def _local_bytes(sources: list[str]) -> float:
    """The size of the sources when all are local files (else unknown: infinite)."""
    total = 0
    for source in sources:
        if not os.path.isfile(source):
            return float("inf")  # a folder, a glob, a URL
        total += os.path.getsize(source)
    return total


def split_tapered(
    items: list[NlpInput], workers: int, smallest: int = SMALLEST_CHUNK
) -> list[list[NlpInput]]:
    """Contiguous chunks whose text shrinks towards the end (guided self-scheduling): each
    takes ``1 / (2 × workers)`` of the text still left, and at least ``smallest`` articles
    (fewer in a batch too small to give each worker two such chunks). The workers take them
    in order: when the last batch's last chunks run, no core waits long for the other (equal
    chunks left one idle for up to a whole chunk's work), and a batch is still a few chunks
    (each costs a task's round trip)."""
    parts = 2 * max(1, workers)
    smallest = max(1, min(smallest, len(items) // parts))
    chunks: list[list[NlpInput]] = []
    left = sum(len(a.body) for a in items)
    i = 0
    while i < len(items):
        target = left / parts
        chunk: list[NlpInput] = []
        size = 0
        while i < len(items) and (len(chunk) < smallest or size < target):
            chunk.append(items[i])
            size += len(items[i].body)
            i += 1
        left -= size
        chunks.append(chunk)
    return chunks


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
        #: Chunks started ahead (model, inputs, future, calls since): see prefetch.
        self._ahead: list[tuple[str, list[NlpInput], Future, int]] = []

    def __enter__(self) -> NlpRunner:
        return self

    def _start_pool(self) -> None:
        """Start the worker processes, on the first batch with enough text to parse: a run
        with nothing new never starts them (each loads the model: a CPU-second)."""
        self.pool = ProcessPoolExecutor(
            max_workers=self.n_process,
            mp_context=start_server(self.model),
            initializer=_warm,
            initargs=(self.model,),
        )
        _SERVER["pools"] += 1
        # Every worker forked now (this waits for the fork server to be ready: a Ctrl-C
        # meanwhile is seen at the next checkpoint; the workers ignore it, see start_server).
        self._started = [self.pool.submit(_ready) for _ in range(self.n_process)]

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            processes = list(getattr(self.pool, "_processes", {}).values())
            if exc and exc[0] is not None:
                # Interrupted or failed: do not wait for the workers' current articles.
                self.pool.shutdown(wait=False, cancel_futures=True)
                for proc in processes:
                    proc.terminate()
                for proc in processes:
                    proc.join(timeout=5)
            else:
                self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            _SERVER["pools"] -= 1
            if any(proc.is_alive() for proc in processes):
                return  # (the server ends with this process)
        stop_server()

    @property
    def busy(self) -> bool:
        """The workers have work started ahead that is not done yet (the next batch's)."""
        return any(not fut.done() for _, _, fut, _ in self._ahead)

    def _wants_pool(self, articles: list[NlpInput]) -> bool:
        return (
            self.n_process > 1
            and self.pool is None
            and sum(len(a.body) for a in articles) >= MIN_POOL_CHARS
        )

    def _submit(self, model: str, articles: list[NlpInput]) -> list[tuple[Future, list]]:
        # Chunks smaller than a worker's share: a worker that finishes early takes the next
        # one instead of waiting for the slowest chunk of the batch.
        assert self.pool is not None
        return [
            (self.pool.submit(run_bounded, model, chunk, self.budget_base), chunk)
            for chunk in split_tapered(articles, self.n_process)
        ]

    def prefetch(self, articles: list[NlpInput], model: str | None = None) -> None:
        """Start the NLP of articles that a coming call will probably ask for (this batch,
        and the next one planned ahead), so that the workers always have work queued while
        the flow reads, plans, writes and loads. A call takes the results of the very same
        inputs; what no call asked for by the second call after it is dropped."""
        model = model or self.model
        started = {(m, a.article_id): a for m, chunk, _, _ in self._ahead for a in chunk}
        articles = [a for a in articles if started.get((model, a.article_id)) != a]
        if not articles:
            return
        if self._wants_pool(articles):
            self._start_pool()
        if self.pool is None:
            return  # in this process: nothing to overlap
        for fut, chunk in self._submit(model, articles):
            self._ahead.append((model, chunk, fut, 0))

    def __call__(self, articles: list[NlpInput], model: str | None = None) -> BatchResult:
        """Run the NLP pass (with ``model``, default the runner's) on the articles."""
        model = model or self.model
        if not articles:
            return BatchResult.empty()
        merged = BatchResult.empty()
        if self._wants_pool(articles):
            self._start_pool()
        if self.pool is None:
            merged = run_bounded(model, articles, self.budget_base)
            self.articles_processed += parsed(articles, merged)
            return merged
        wanted = {a.article_id: a for a in articles}
        taken: list[tuple[Future, set[str] | None]] = []
        covered: set[str] = set()
        ahead, self._ahead = self._ahead, []
        for chunk_model, chunk, fut, age in ahead:
            ids = {
                a.article_id
                for a in chunk
                if chunk_model == model and wanted.get(a.article_id) == a
            }
            if ids:
                taken.append((fut, ids))
                covered |= ids
            elif age < 1:
                self._ahead.append((chunk_model, chunk, fut, age + 1))  # the next batch's
            else:
                fut.cancel()  # not started yet: never run; started: its result is dropped
        rest = [a for a in articles if a.article_id not in covered]
        if rest:
            taken += [(fut, None) for fut, _ in self._submit(model, rest)]
        pending = {fut for fut, _ in taken}
        while pending:
            interrupt.checkpoint()
            _, pending = concurrent.futures.wait(pending, timeout=0.5)
        for fut, ids in taken:
            _merge(merged, fut.result() if ids is None else _only(fut.result(), ids))
        self.articles_processed += parsed(articles, merged)
        return merged


def _only(result: BatchResult, ids: set[str]) -> BatchResult:
    """The part of a chunk's result that is about these articles."""
    return BatchResult(
        tables={
            t: [r for r in rows if r["article_id"] in ids] for t, rows in result.tables.items()
        },
        errors={k: v for k, v in result.errors.items() if k in ids},
        articles={k: v for k, v in result.articles.items() if k in ids},
        languages={k: v for k, v in result.languages.items() if k in ids},
        bands={k: v for k, v in result.bands.items() if k in ids},
    )


def parsed(articles: list[NlpInput], result: BatchResult) -> int:
    """How many of the articles were handed to the model (not those whose detected language
    is another model's: :class:`transforms.batch.NlpInput`)."""
    return sum(
        not a.detect
        or a.article_id not in result.languages
        or result.languages[a.article_id] in a.languages
        for a in articles
    )


def _merge(into: BatchResult, part: BatchResult) -> None:
    for table, rows in part.tables.items():
        into.tables[table].extend(rows)
    into.errors.update(part.errors)
    into.articles.update(part.articles)
    into.languages.update(part.languages)
    into.bands.update(part.bands)
