"""The run's batches: read → parse → plan → NLP → Parquet → load, batch after batch, then the
second chances and the backfill of stale articles. Each stage is a task (:mod:`flows.tasks`);
Ctrl-C is honoured between them (:func:`flows.interrupt.checkpoint`).
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from prefect.utilities.annotations import quote

from flows import dbt_process, fetch_state, held, input_files, interrupt, lake, warehouse
from flows import sources as src
from flows import web as webmod
from flows.input_files import InputFiles
from flows.languages import model_for
from flows.ledger import Run
from flows.nlp_runner import NlpRunner
from flows.planning import Plan
from flows.runners import ChunkJob
from flows.tasks import (
    link_near_dups,
    load_warehouse,
    nlp_inputs,
    parse_items,
    plan_batch,
    read_sources,
    stale_articles,
    transform_batch,
    write_parquet,
)
from transforms.nlp import work_bound
from transforms.parse import Article, Reject, SourceItem, resolve_language
from transforms.schemas import nlp_tables

#: Bodies kept in memory for second chances (see Plan.duplicates), at most.
MAX_DEFERRED_CHARS = 64_000_000


@dataclass
class _Read:
    """One batch of the sources, read and parsed (not planned yet)."""

    items: list[SourceItem]
    skipped: list[SourceItem]
    articles: list[Article]
    rejects: list[Reject]
    entry: int  # entries read so far (progress)
    #: Planned early (while the previous batch was in NLP), with the sources seen before it.
    early: tuple[Plan, dict[str, int]] | None = None


class _Reader:
    """Reads and parses the sources' records, ``batch_size`` at a time."""

    def __init__(self, run: Run, entries: list[src.Entry]):
        self.run, self.entries, self.cursor = run, entries, src.Cursor()

    def next(self) -> _Read | None:
        run, settings, cursor = self.run, self.run.settings, self.cursor
        if cursor.entry >= len(self.entries):
            return None
        interrupt.checkpoint()
        window = self.entries[cursor.entry : cursor.entry + settings.batch_size]
        local = src.Cursor(0, cursor.offset, cursor.line)
        # Reading and parsing are plain calls, not task runs: a run with nothing new starts no
        # task run at all (~60 ms of Prefect each, three per batch before).
        with run.stage("read"):
            items, nxt = read_sources.fn(window, local, settings.batch_size, settings.max_bytes)
        self.cursor = src.Cursor(cursor.entry + nxt.entry, nxt.offset, nxt.line)
        with run.stage("fetch"):
            items = _fetch(run, items)
        skipped = [i for i in items if i.kind == "skip"]
        items = [i for i in items if i.kind != "skip"]
        with run.stage("parse"):
            articles, rejects = parse_items.fn(items, run.today, settings.max_chars)
        return _Read(items, skipped, articles, rejects, self.cursor.entry)


class _Planner:
    """Plans the run's source batches (:func:`flows.tasks.plan_batch`). Consecutive batches
    with nothing new share one read-only connection to the warehouse (opening the file costs
    15–35 ms; 75 times over 19,000 records); :meth:`release` closes it before anything is
    written. Read-only, it keeps no reader out (``newsetl query`` during a run). A DuckLake
    warehouse is planned as before, a connection per batch."""

    def __init__(self, run: Run):
        self.run = run
        self._held: contextlib.ExitStack | None = None
        self._con = None

    def plan(self, articles: list[Article], rejects: list[Reject], seen: dict[str, int]) -> Plan:
        run = self.run
        return plan_batch.fn(
            articles, rejects, run.settings, seen, run.nlp_version, run.full_refresh,
            con=None if run.settings.catalog else self.connection(),
        )  # fmt: skip

    def connection(self):
        """The held read-only connection (opened on first use)."""
        if self._con is None:
            self._held = contextlib.ExitStack()
            self._con = self._held.enter_context(
                warehouse.connection(self.run.settings, read_only=True)
            )
        return self._con

    def release(self) -> None:
        held, self._held, self._con = self._held, None, None
        if held is not None:
            held.close()


def source_batches(run: Run, entries: list[src.Entry], runner: NlpRunner) -> None:
    """Read, plan and load the sources' records, ``batch_size`` at a time.

    The NLP workers always have work queued: once a batch is planned, its articles to
    process are handed to them (:meth:`flows.nlp_runner.NlpRunner.prefetch`), then the next
    batch is read, parsed and planned early and handed to them too, and only then does the
    flow wait for this batch's NLP, link, write and load it — while the workers go on with
    the next. The early plan only chooses what the workers start on: the next batch is
    planned again once this one is loaded (every decision is that of a run done batch after
    batch), and only the NLP results of the very same inputs are taken from what was started.
    """
    planner = _Planner(run)
    inputs = InputFiles(run, entries)
    try:
        # Input files unchanged since a run settled them are not read (flows/input_files.py).
        todo = inputs.skip(planner.connection(), entries) if inputs.enabled else entries
        if len(todo) < len(entries) and run.progress is not None:
            run.progress(len(entries) - len(todo), len(entries), run.counts)
        _source_batches(run, entries, runner, _Reader(run, todo), planner, inputs)
    finally:
        planner.release()
        held.let_go(run.settings.db_path)  # kept by a batch: checkpointed (errors too)


def _source_batches(
    run: Run,
    entries: list[src.Entry],
    runner: NlpRunner,
    reader: _Reader,
    planner: _Planner,
    inputs: InputFiles,
) -> None:
    seen_sources: dict[str, int] = {}
    deferred: list[Article] = []
    deferred_chars = 0
    batch = reader.next()
    touched: tuple[set[str], set[str]] = (set(), set())  # the last batch's loaded uris, ids
    while batch is not None:
        interrupt.checkpoint()
        items, skipped, articles, rejects = (
            batch.items,
            batch.skipped,
            batch.articles,
            [*batch.rejects],
        )
        run.counts.records_seen += len(skipped)
        run.counts.articles_unchanged += len(skipped)
        seen = _seen(seen_sources, articles)
        with run.stage("plan"):
            plan = _early_plan(run, batch, seen, touched) or planner.plan(articles, rejects, seen)
        if plan.process or (plan.rejects and not plan.rejects_recorded):
            planner.release()  # something to write: the file is opened for writing
        for art in articles:
            seen_sources[art.source_uri] = seen_sources.get(art.source_uri, 0) + 1
        for art in plan.duplicates:
            if deferred_chars + len(art.body) <= MAX_DEFERRED_CHARS:
                deferred.append(art)
                deferred_chars += len(art.body)
        run.counts.records_seen += len(articles) + len(rejects)
        run.counts.articles_unchanged += plan.unchanged
        upcoming: list[_Read | None] = []
        ahead = functools.partial(_read_ahead, run, reader, runner, seen_sources, upcoming)
        _prefetch(run, runner, plan.process)
        loaded = process(run, plan, runner, ahead)
        inputs.tally({i.source_uri for i in items}, batch.articles, batch.rejects, plan, loaded)
        touched = (
            {a.source_uri for a in loaded} | {r.source_uri for r in plan.rejects},
            {a.article_id for a in loaded},
        )
        urls = {i.source_uri for i in items} | {i.source_uri for i in skipped}
        _save_fetch_state(run, urls, planner)
        if run.progress is not None:
            run.progress(len(inputs.skipped) + batch.entry, len(entries), run.counts)
        batch = upcoming[0] if upcoming else reader.next()
    planner.release()
    held.let_go(run.settings.db_path)
    if deferred:
        second_chance(run, deferred, runner)
    _save_fetch_state(run, None)  # feeds and lists: once their entries are all loaded
    _record_inputs(inputs, planner)
    c = run.counts
    if not (c.articles_new or c.articles_changed or c.articles_reprocessed or c.parts_written):
        run.logger.info(
            "nothing new in the sources: %d record(s) read, %d unchanged, %d rejected",
            c.records_seen, c.articles_unchanged, c.rejected,
        )  # fmt: skip


def _record_inputs(inputs: InputFiles, planner: _Planner) -> None:
    """Remember the input files this run settled (read on the planner's read-only connection;
    written, when anything is to be written, on a connection of its own)."""

    def write():
        planner.release()
        return connect()

    with _BatchConnection(planner.run.settings) as connect:
        inputs.record(planner.connection, write)
    planner.release()


def _read_ahead(
    run: Run,
    reader: _Reader,
    runner: NlpRunner,
    seen_sources: dict[str, int],
    upcoming: list[_Read | None],
) -> None:
    """Read the next batch and start the NLP of what an early plan of it would process."""
    nxt = reader.next()
    upcoming.append(nxt)
    if nxt is None or not nxt.articles or not hasattr(runner, "prefetch"):
        return  # (a Dask runner starts nothing ahead)
    seen = _seen(seen_sources, nxt.articles)
    with run.stage("plan"):
        early = plan_batch.fn(
            nxt.articles, nxt.rejects, run.settings, seen, run.nlp_version, run.full_refresh
        )
    nxt.early = (early, seen)
    _prefetch(run, runner, early.process)


def _early_plan(
    run: Run, batch: _Read, seen: dict[str, int], touched: tuple[set[str], set[str]]
) -> Plan | None:
    """The batch's early plan, when planning it again now would give the same plan: the
    warehouse held nothing for its sources and bodies then, and the batch loaded since
    touched none of them (its articles' and rejects' source identities, its articles' ids;
    a run holds the writer lock: nothing else wrote). A first run plans each batch once.
    A DuckLake warehouse (other runs write at once) is always planned again."""
    if batch.early is None or run.settings.catalog:
        return None
    early, early_seen = batch.early
    batch.early = None  # planned once: its lists are the plan's own from here
    uris, ids = touched
    if (
        not early.nothing_loaded
        or early_seen != seen
        or any(a.source_uri in uris or a.article_id in ids for a in batch.articles)
        or any(r.source_uri in uris for r in batch.rejects)
    ):
        return None
    return early


def _prefetch(run: Run, runner: NlpRunner, articles: list[Article]) -> None:
    """Start the NLP of a source batch's articles (as transform_batch will ask for it). The
    run's dbt build process, if any, is started first: a first run's first prefetch waits
    for the workers' fork server to finish its preload, and dbt's imports use that wait."""
    if articles:
        dbt_process.prestart()
    if articles and hasattr(runner, "prefetch"):
        todo = [a for a in articles if not work_bound(a.body)]
        for model, inputs in nlp_inputs(todo, run.settings, bands=True).items():
            runner.prefetch(inputs, model)


def _seen(seen_sources: dict[str, int], articles: list[Article]) -> dict[str, int]:
    """The batch's source identities already read earlier in this run (with their copies)."""
    uris = {a.source_uri for a in articles}
    return {u: seen_sources[u] for u in uris if u in seen_sources}


def second_chance(run: Run, deferred: list[Article], runner: NlpRunner) -> None:
    """Load the duplicates whose original was replaced later in this run: a run never drops
    an article that its input still holds (a body that moved from one record to another)."""
    interrupt.checkpoint()
    with warehouse.connection(run.settings, read_only=False) as con:
        present = warehouse.existing_by_article(con, [a.article_id for a in deferred])
    orphans: dict[str, Article] = {}
    for art in deferred:
        if art.article_id not in present:
            orphans.setdefault(art.article_id, art)
    todo = list(orphans.values())
    for start in range(0, len(todo), run.settings.batch_size):
        chunk = todo[start : start + run.settings.batch_size]
        plan = Plan(process=chunk, rejects=[], new=len(chunk))
        plan.kinds = {a.source_uri: "new" for a in chunk}
        run.counts.rejected -= len(chunk)
        run.counts.reject_reasons["duplicate_body"] -= len(chunk)
        process(run, plan, runner)
    if todo:
        run.logger.info("%d article(s) whose original was replaced in this run loaded", len(todo))


def _fetch(run: Run, items: list[SourceItem]) -> list[SourceItem]:
    """Replace the batch's page placeholders by the fetched pages (or their rejects)."""
    refs = [i.meta["ref"] for i in items if i.kind == "page"]
    if not refs:
        return items
    fetched = iter(webmod.fetch_pages(refs, run.web))
    return [next(fetched) if i.kind == "page" else i for i in items]


def _save_fetch_state(run: Run, urls: set[str] | None, planner: _Planner | None = None) -> None:
    rows = webmod.take_pending(run.web, urls)
    if rows:
        if planner is not None:
            planner.release()
        with warehouse.connection(run.settings, read_only=False) as con:
            fetch_state.save_state(con, rows)


def backfill_batches(run: Run, runner: NlpRunner) -> None:
    """Reprocess stale loaded articles from their stored bodies, batch by batch (resumable).
    Not even looked for while the warehouse is as the last search found none stale (the same
    settings): the search scanned every article, and started a task run. Nor when the
    warehouse held no article at the run's start (``run.fresh``): every article is then this
    run's, which the search leaves out; the mark is saved as that search would have."""
    failed: list[str] = []
    with run.stage("plan"):
        mark = None if run.full_refresh else input_files.StateMark(run, "backfill_checked")
        if mark is not None and run.fresh:
            mark.save()
            return
        if mark is not None and mark.unchanged():
            return
    while True:
        interrupt.checkpoint()
        with run.stage("plan"):
            stale = stale_articles(
                run.settings,
                run.nlp_version,
                run.run_id,
                run.full_refresh,
                failed,
                run.settings.batch_size,
            )
        if not stale:
            if mark is not None and not failed:
                mark.save()
            return
        plan = Plan(process=stale, rejects=[], reprocessed=len(stale))
        plan.kinds = {a.source_uri: "reprocessed" for a in stale}
        loaded = process(run, plan, runner)
        failed += [a.article_id for a in stale if a not in loaded]
        run.logger.info("backfill: %d stale article(s) reprocessed", len(loaded))


def process(
    run: Run, plan: Plan, runner: NlpRunner, ahead: Callable[[], None] | None = None
) -> list[Article]:
    """NLP, Parquet and load for one planned batch. Returns the articles loaded. ``ahead`` is
    called before waiting for the batch's NLP (source_batches: the next batch's is started)."""
    settings = run.settings
    interrupt.checkpoint()
    run.batch += 1
    if not plan.process:
        # Nothing to parse, write or load (a run with nothing new): no task runs for it, only
        # the rejects' upsert when they are not already recorded as they are (plan_batch).
        # Nothing is started ahead: the next batch is read and planned once, by the caller.
        if plan.rejects and not plan.rejects_recorded:
            with run.stage("load"):
                load_warehouse(
                    [], [], run.reject_table(plan.rejects), settings, run.run_id, run.batch
                )
        _count(run, plan, [], dict.fromkeys(("articles", *nlp_tables()), 0), [])
        return []
    if ahead is not None:
        ahead()
    dbt_process.prestart()  # the run's dbt build, if any, gets ready while it parses
    with _BatchConnection(settings, runner) as connect:
        loaded, written, parts = _transform_load(run, plan, runner, connect)
    _count(run, plan, loaded, written, parts)
    return loaded


def _transform_load(
    run: Run, plan: Plan, runner: NlpRunner, connect: _BatchConnection
) -> tuple[list[Article], dict[str, int], list]:
    """The batch's NLP, link, Parquet and load (:func:`process`); the link and the load share
    one connection, opened once the NLP is done (the file is not held while the workers
    work), and the near-duplicate band hashes are committed with the articles.

    The tasks' collections (the batch's articles, its keys, parts and band hashes)
    are passed in Prefect's ``quote`` (to tasks only: a plain function would get the
    wrapper): Prefect walks every task parameter element by element twice (for the run's
    inputs, then to resolve futures), ~90 ms of the flow's CPU per batch of 256 Reuters
    stories; none of them holds a future, and the task gets the value as is."""
    settings = run.settings
    parts = None
    with run.stage("nlp"):
        if getattr(runner, "writes_parts", False):  # Dask: the workers write the parts
            if plan.link:  # each worker sees its chunk only: languages and links decided here
                for a in plan.process:
                    resolve_language(a)
                plan.fingerprints = link_near_dups(plan.process, settings, con=connect())
            job = ChunkJob(settings, run.run_id, run.ingested_at, run.nlp_version, run.batch)
            connect.close()  # not held while the Dask workers work
            parts, failed, written = runner.transform(plan.process, job)
        else:
            out = transform_batch(
                quote(plan.process),
                runner,
                run.run_id,
                run.ingested_at,
                run.nlp_version,
                settings,
                link=plan.link,
                connect=connect,
            )
            tables, failed = out[0], out[1]
            if plan.link:
                plan.fingerprints = out[2]
            _take_back(plan.process, tables["articles"])
            written = {table: data.num_rows for table, data in tables.items()}
    plan.rejects.extend(failed)
    failed_uris = {f.source_uri for f in failed}
    loaded = [a for a in plan.process if a.source_uri not in failed_uris]
    for uri in failed_uris:
        kind = plan.kinds[uri]
        setattr(plan, kind, getattr(plan, kind) - 1)
    months = {a.article_id: lake.month_of(a.published_date) for a in loaded}
    interrupt.checkpoint()
    if parts is None:
        # A plain call, as reading and parsing are: the write has no retries or state of its own
        # to show, and a task run costs the run's Prefect server ~35 ms of CPU (its events
        # recorded) and the flow's process ~5 ms, beside the workers (docs/performance.md).
        with run.stage("write"):
            parts = write_parquet.fn(tables, months, settings, run.run_id, run.batch)
    interrupt.checkpoint()
    fingerprints = {
        a.article_id: plan.fingerprints[a.article_id]
        for a in loaded
        if a.article_id in plan.fingerprints
    }
    with run.stage("load"):
        load_warehouse(
            quote(parts),
            quote([(a.article_id, a.source_uri) for a in loaded]),
            run.reject_table(plan.rejects),
            settings,
            run.run_id,
            run.batch,
            fingerprints=quote(fingerprints),
            con=connect(),
            record_changes=run.track_changes,
            keys=quote(run.keys),
        )
        connect.close(keep=True)  # closing the file checkpoints it: kept while workers work
    return loaded, written, parts


class _BatchConnection:
    """One batch's connection to the warehouse, opened on first use (``connect()``) and
    closed on leaving (or by :meth:`close`). When it is opened while the NLP workers have
    work (``runner.busy``: the next batch's), DuckDB runs its statements on one thread: the
    workers keep every core busy, and a second DuckDB thread would only add its parallel
    overhead (more CPU for the same statements, taken from the workers). The last batch's,
    with the workers idle, keeps DuckDB's threads.

    After the batch's load, ``close(keep=True)`` leaves the file open for the next batch while
    the workers are busy (:mod:`flows.held`: not checkpointed at every batch, its commit in
    DuckDB's log), while it would be let go within ``held.HOLD_SECONDS`` of its opening; the
    next batch's connection takes it over."""

    def __init__(self, settings, runner=None):
        self.settings = settings
        self.runner = runner
        self._held: held.Held | None = None
        self._con = None

    def __enter__(self) -> _BatchConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __call__(self):
        if self._con is None:
            path, busy = self.settings.db_path, getattr(self.runner, "busy", False)
            kept = None if self.settings.catalog else held.take(path)
            if kept is None:
                closer = contextlib.ExitStack()
                con = closer.enter_context(warehouse.connection(self.settings, read_only=False))
                kept = held.Held(closer, con, time.monotonic())
            self._held, self._con = kept, kept.con
            if not self.settings.catalog:  # this file's instance, until closed
                self._con.execute("SET threads = 1" if busy else "RESET threads")
        return self._con

    def close(self, keep: bool = False) -> None:
        """Close the connection (DuckDB checkpoints the file), or with ``keep`` (after the
        batch's load) leave it open for the next batch when the workers are busy and it would
        be let go soon enough (:func:`flows.held.may_keep`)."""
        kept, self._held, self._con = self._held, None, None
        if kept is None:
            return
        busy = getattr(self.runner, "busy", False)
        if keep and held.may_keep(self.settings.db_path, kept) and busy:
            held.keep(self.settings.db_path, kept)
        else:
            kept.closer.close()


def _take_back(articles: list[Article], rows) -> None:
    """What the NLP step decided of the articles (language, near-duplicate link), from their
    rows, onto the flow's own objects (the task may have been handed copies)."""
    cols = ["article_id", "language", "duplicate_of", "duplicate_similarity"]
    decided = {r["article_id"]: r for r in rows.select(cols).to_pylist()}
    for a in articles:
        r = decided.get(a.article_id)
        if r is not None:
            a.language, a.language_pending = r["language"], False
            a.duplicate_of, a.duplicate_similarity = r["duplicate_of"], r["duplicate_similarity"]


def _count(
    run: Run, plan: Plan, loaded: list[Article], written: dict[str, int], parts: list
) -> None:
    """Add a batch to the run's counts, and log it."""
    c = run.counts
    c.batches = run.batch
    c.near_duplicates += sum(a.duplicate_of is not None for a in loaded)
    c.nlp_skipped_language += sum(model_for(a.language, run.settings) is None for a in loaded)
    c.articles_new += plan.new
    c.articles_changed += plan.changed
    c.articles_reprocessed += plan.reprocessed
    c.rejected += len(plan.rejects)
    c.parts_written += len(parts)
    for table, n in written.items():
        c.written[table] = c.written.get(table, 0) + n
    for r in plan.rejects:
        c.reject_reasons[r.reason] = c.reject_reasons.get(r.reason, 0) + 1
    run.logger.info(
        "batch %d: %d new, %d changed, %d reprocessed, %d rejected; %s",
        run.batch,
        plan.new,
        plan.changed,
        plan.reprocessed,
        len(plan.rejects),
        ", ".join(f"{n} {table}" for table, n in written.items()),
    )
