"""The ``news_etl`` Prefect flow: discover → read → parse → plan → transform → Parquet → load.

Work is done in batches of ``batch_size`` source items: one task run per stage and batch, never
one per article. Sources are streamed through a cursor, so memory stays flat as the corpus grows.
Run it with ``newsetl run SOURCE ...`` or directly: ``python -m flows.etl data/sample``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import lake, models, warehouse
from flows import sources as src
from flows.nlp_runner import NlpRunner
from flows.settings import Settings, load_settings
from transforms.nlp import nlp_version as current_nlp_version
from transforms.parse import Article, Reject, SourceItem, parse_item
from transforms.pipeline import NLP_TABLES, NlpInput
from transforms.schemas import to_table


@dataclass
class Counts:
    """What a run did; also the run ledger's figures."""

    records_seen: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    articles_reprocessed: int = 0
    rejected: int = 0
    mentions_written: int = 0
    quotes_written: int = 0
    events_written: int = 0
    nlp_articles: int = 0
    batches: int = 0
    parts_written: int = 0
    orphans_removed: int = 0
    parts_compacted: int = 0
    models: dict | None = None  # the dbt build's summary (flows.models.run_models)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def ledger(self) -> dict:
        keep = {
            "records_seen",
            "articles_new",
            "articles_changed",
            "articles_unchanged",
            "articles_reprocessed",
            "rejected",
            "mentions_written",
            "quotes_written",
            "events_written",
            "nlp_articles",
        }
        return {k: v for k, v in asdict(self).items() if k in keep}


@dataclass
class Plan:
    """What to do with one batch of parsed records."""

    process: list[Article]  # parse + NLP + write + load
    rejects: list[Reject]
    kinds: dict[str, str] = field(default_factory=dict)  # source_uri -> new/changed/...
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    reprocessed: int = 0


def new_run_id() -> str:
    return f"r{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}_{secrets.token_hex(3)}"


# --------------------------------------------------------------------------- tasks


@task(cache_policy=NO_CACHE)
def discover_sources(source_list: list[str]) -> list[src.Entry]:
    """Expand files, directories and globs into the ordered list of entries to read."""
    return src.discover(source_list)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def read_sources(
    entries: list[src.Entry], cursor: src.Cursor, max_items: int, max_bytes: int
) -> tuple[list[SourceItem], src.Cursor]:
    """Read the next batch of source items (I/O: retried)."""
    return src.read_batch(entries, cursor, max_items, max_bytes=max_bytes)


@task(cache_policy=NO_CACHE)
def parse_items(
    items: list[SourceItem], today: dt.date, max_chars: int
) -> tuple[list[Article], list[Reject]]:
    """Parse raw items into articles and rejects."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in items:
        for result in parse_item(item, today=today, max_chars=max_chars):
            (articles if isinstance(result, Article) else rejects).append(result)
    return articles, rejects


@task(cache_policy=NO_CACHE)
def plan_batch(
    articles: list[Article],
    rejects: list[Reject],
    settings: Settings,
    seen_sources: list[str],
    nlp_version: str | None,
    full_refresh: bool,
) -> Plan:
    """Classify each article as new, changed, unchanged, to reprocess, or a duplicate.

    ``seen_sources`` are the batch's source identities already read earlier in this run.
    """
    plan = Plan(process=[], rejects=list(rejects))
    seen = set(seen_sources)
    con = warehouse.connect(settings.db_path, read_only=False, timeout=settings.lock_timeout)
    try:
        by_source = warehouse.existing_by_source(con, [a.source_uri for a in articles])
        by_article = warehouse.existing_by_article(con, [a.article_id for a in articles])
    finally:
        con.close()
    batch_ids: dict[str, str] = {}
    for art in articles:
        if art.source_uri in seen:
            plan.rejects.append(
                Reject(
                    art.source_uri,
                    "duplicate_source",
                    "this source identity was already read in this run",
                    art.content_sha256,
                )
            )
            continue
        seen.add(art.source_uri)
        owner = by_article.get(art.article_id)
        if (owner is not None and owner != art.source_uri) or art.article_id in batch_ids:
            first = (
                owner
                if owner is not None and owner != art.source_uri
                else batch_ids[art.article_id]
            )
            plan.rejects.append(
                Reject(
                    art.source_uri,
                    "duplicate_body",
                    f"same body as article {art.article_id} from {first}",
                    art.content_sha256,
                )
            )
            continue
        batch_ids[art.article_id] = art.source_uri
        old = by_source.get(art.source_uri)
        if old is None:
            kind = "new"
        elif old[0] != art.article_id or old[1] != art.content_sha256:
            kind = "changed"
        elif full_refresh or old[2] != nlp_version:
            kind = "reprocessed"
        else:
            kind = "unchanged"
        setattr(plan, kind, getattr(plan, kind) + 1)
        if kind != "unchanged":
            plan.kinds[art.source_uri] = kind
            plan.process.append(art)
    return plan


@task(cache_policy=NO_CACHE)
def transform_batch(
    articles: list[Article],
    runner: NlpRunner,
    run_id: str,
    ingested_at: dt.datetime,
    nlp_version: str,
) -> tuple[dict[str, pa.Table], list[Reject]]:
    """One spaCy pass per article → the batch's tables; articles that failed become rejects."""
    result = runner([NlpInput(a.article_id, a.body, a.published_date) for a in articles])
    failed = [
        Reject(a.source_uri, "nlp_error", result.errors[a.article_id], a.content_sha256)
        for a in articles
        if a.article_id in result.errors
    ]
    rows = [
        a.row(run_id=run_id, ingested_at=ingested_at, nlp_version=nlp_version)
        for a in articles
        if a.article_id not in result.errors
    ]
    tables = {"articles": to_table("articles", rows)}
    for table in NLP_TABLES:
        tables[table] = to_table(table, result.tables[table])
    return tables, failed


@task(cache_policy=NO_CACHE)
def write_parquet(
    tables: dict[str, pa.Table], months: dict[str, str], settings: Settings, run_id: str, batch: int
) -> list[tuple[str, str, int]]:
    """Write the batch's Parquet parts (one per table and month)."""
    return lake.write_parts(settings.lake_dir, tables, months, run_id=run_id, batch=batch)


@task(cache_policy=NO_CACHE)
def load_warehouse(
    parts: list[tuple[str, str, int]],
    incoming: list[tuple[str, str]],
    rejects: pa.Table,
    settings: Settings,
    run_id: str,
    batch: int,
) -> int:
    """Load the batch into DuckDB in one transaction; returns old versions replaced."""
    con = warehouse.connect(settings.db_path, read_only=False, timeout=settings.lock_timeout)
    try:
        return warehouse.load_batch(
            con,
            settings.warehouse_dir,
            parts=parts,
            incoming=incoming,
            rejects=rejects,
            run_id=run_id,
            batch=batch,
        )
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def stale_articles(
    settings: Settings,
    nlp_version: str,
    run_id: str,
    full_refresh: bool,
    skip: list[str],
    limit: int,
) -> list[Article]:
    """Loaded articles whose NLP output is stale (older NLP version, or all on a full refresh)."""
    con = warehouse.connect(settings.db_path, read_only=False, timeout=settings.lock_timeout)
    try:
        rows = warehouse.stale_articles(
            con,
            nlp_version=nlp_version,
            run_id=run_id,
            everything=full_refresh,
            skip=skip,
            limit=limit,
        )
    finally:
        con.close()
    return [Article(**row) for row in rows]


@task(cache_policy=NO_CACHE)
def build_models(settings: Settings) -> dict:
    """Run `dbt build` on the warehouse (staging views, marts, tests); fail on a failing test."""
    summary = models.run_models(settings, log_level="warn", if_changed=True)
    get_run_logger().info(models.format_summary(summary))
    return summary


# --------------------------------------------------------------------------- the flow

#: Called after every batch with (entries done, entries total, counts): the CLI's progress bar.
ProgressHook = Callable[[int, int, "Counts"], None]
PROGRESS: ProgressHook | None = None


@dataclass
class Run:
    """The state of one flow run, passed to the stages."""

    settings: Settings
    run_id: str
    ingested_at: dt.datetime
    today: dt.date
    nlp_version: str
    full_refresh: bool
    counts: Counts
    logger: object
    batch: int = 0

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage; the totals are logged and kept in the run summary."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - t0
            self.counts.stage_seconds[name] = round(
                self.counts.stage_seconds.get(name, 0.0) + spent, 3
            )

    def reject_table(self, rejects: list[Reject]) -> pa.Table:
        return to_table(
            "rejects", [r.row(run_id=self.run_id, rejected_at=self.ingested_at) for r in rejects]
        )


@flow(name="news_etl", log_prints=True)
def news_etl(
    sources: list[str] | None = None,
    warehouse_dir: str | None = None,
    batch_size: int | None = None,
    full_refresh: bool = False,
    n_process: int | None = None,
    model: str | None = None,
    backfill: bool = True,
    run_models: bool = True,
) -> dict:
    """Build or update the warehouse from the given sources; returns the run summary.

    Incremental: an article already loaded with the same content and NLP version is not
    processed again. ``full_refresh`` reprocesses every article; ``backfill`` (default)
    reprocesses, from their stored bodies, loaded articles whose NLP version is stale.
    """
    logger = get_run_logger()
    settings = load_settings(warehouse_dir, batch_size=batch_size, n_process=n_process, model=model)
    source_list = [str(s) for s in (sources or ["data/sample"])]
    run = Run(
        settings=settings,
        run_id=new_run_id(),
        ingested_at=warehouse.utcnow(),
        today=dt.datetime.now(dt.UTC).date(),
        nlp_version=current_nlp_version(settings.model),
        full_refresh=full_refresh,
        counts=Counts(),
        logger=logger,
    )
    started = time.monotonic()
    try:
        from prefect.runtime import flow_run

        flow_run_id = str(flow_run.id) if flow_run.id else None
    except Exception:  # pragma: no cover - runtime lookup is best effort
        flow_run_id = None

    with warehouse.writer_lock(settings.lock_path, timeout=settings.lock_timeout):
        _start(run, flow_run_id, source_list)
        error: BaseException | None = None
        try:
            entries = discover_sources(source_list)
            logger.info("discovered %d source file(s) in %s", len(entries), source_list)
            with NlpRunner(settings.model, settings.n_process) as runner:
                _source_batches(run, entries, runner)
                if backfill or full_refresh:
                    _backfill_batches(run, runner)
                run.counts.nlp_articles = runner.articles_processed
            with run.stage("compact"), _connection(settings) as con:
                run.counts.parts_compacted = warehouse.compact_lake(
                    con, settings.warehouse_dir, run_id=run.run_id
                )
            if run_models:
                with run.stage("models"):
                    run.counts.models = build_models(settings)
        except BaseException as exc:
            error = exc
            raise
        finally:
            _finish(run, error, time.monotonic() - started)
    summary = {
        "run_id": run.run_id,
        "warehouse": str(settings.warehouse_dir),
        "seconds": round(time.monotonic() - started, 2),
        **asdict(run.counts),
    }
    logger.info("run %s done: %s", run.run_id, summary)
    return summary


@contextlib.contextmanager
def _connection(settings: Settings):
    con = warehouse.connect(settings.db_path, read_only=False, timeout=settings.lock_timeout)
    try:
        yield con
    finally:
        con.close()


def _start(run: Run, flow_run_id: str | None, source_list: list[str]) -> None:
    with _connection(run.settings) as con:
        warehouse.ensure_schema(con)
        removed = lake.remove_orphans(run.settings.lake_dir, warehouse.registered_parts(con))
        run.counts.orphans_removed = len(removed)
        if removed:
            run.logger.warning("removed %d orphan lake file(s) of an interrupted run", len(removed))
        warehouse.start_run(
            con,
            {
                "run_id": run.run_id,
                "flow_run_id": flow_run_id,
                "started_at": run.ingested_at,
                "finished_at": None,
                "status": "running",
                "sources": source_list,
                "nlp_version": run.nlp_version,
                "full_refresh": run.full_refresh,
                **run.counts.ledger(),
                "seconds": None,
                "error": None,
            },
        )


def _finish(run: Run, error: BaseException | None, seconds: float) -> None:
    """Close the run ledger row (also when the run failed) and publish the summary artifact."""
    status = "completed" if error is None else "failed"
    message = None if error is None else f"{type(error).__name__}: {error}"[:2000]
    with contextlib.suppress(warehouse.WarehouseError), _connection(run.settings) as con:
        warehouse.finish_run(
            con,
            run.run_id,
            {
                **run.counts.ledger(),
                "finished_at": warehouse.utcnow(),
                "status": status,
                "seconds": round(seconds, 3),
                "error": message,
            },
        )
    run.logger.info(
        "time per stage (s): %s",
        ", ".join(f"{k} {v:.2f}" for k, v in run.counts.stage_seconds.items()),
    )
    with contextlib.suppress(Exception):  # the artifact is a courtesy; never fail a run on it
        from prefect.artifacts import create_markdown_artifact

        create_markdown_artifact(
            key="news-etl-run",
            markdown=run_markdown(run, status, message, seconds),
            description=f"newsetl run {run.run_id}",
        )


def run_markdown(run: Run, status: str, error: str | None, seconds: float) -> str:
    """The run summary as Markdown (the Prefect artifact)."""
    c = run.counts
    lines = [
        f"# newsetl run `{run.run_id}` — {status}",
        "",
        f"Warehouse `{run.settings.warehouse_dir}`, NLP version `{run.nlp_version}`, "
        f"{seconds:.1f} s{', full refresh' if run.full_refresh else ''}.",
        "",
        "| articles | count |",
        "|---|---:|",
        f"| records seen | {c.records_seen} |",
        f"| new | {c.articles_new} |",
        f"| changed | {c.articles_changed} |",
        f"| unchanged | {c.articles_unchanged} |",
        f"| reprocessed | {c.articles_reprocessed} |",
        f"| rejected | {c.rejected} |",
        "",
        "| table | rows written |",
        "|---|---:|",
        f"| mentions | {c.mentions_written} |",
        f"| quotes | {c.quotes_written} |",
        f"| events | {c.events_written} |",
    ]
    if c.reject_reasons:
        lines += ["", "| reject reason | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in sorted(c.reject_reasons.items())]
    if c.models:
        lines += ["", models.format_summary(c.models)]
    if c.stage_seconds:
        lines += ["", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in c.stage_seconds.items()]
    if error:
        lines += ["", f"**Error:** `{error}`"]
    return "\n".join(lines)


def _source_batches(run: Run, entries: list[src.Entry], runner: NlpRunner) -> None:
    settings = run.settings
    cursor = src.Cursor()
    seen_sources: set[str] = set()
    while cursor.entry < len(entries):
        window = entries[cursor.entry : cursor.entry + settings.batch_size]
        local = src.Cursor(0, cursor.offset, cursor.line)
        with run.stage("read"):
            items, nxt = read_sources(window, local, settings.batch_size, settings.max_bytes)
        cursor = src.Cursor(cursor.entry + nxt.entry, nxt.offset, nxt.line)
        with run.stage("parse"):
            articles, rejects = parse_items(items, run.today, settings.max_chars)
        uris = {a.source_uri for a in articles}
        with run.stage("plan"):
            plan = plan_batch(
                articles,
                rejects,
                settings,
                sorted(uris & seen_sources),
                run.nlp_version,
                run.full_refresh,
            )
        seen_sources |= uris
        run.counts.records_seen += len(articles) + len(rejects)
        run.counts.articles_unchanged += plan.unchanged
        _process(run, plan, runner)
        if PROGRESS is not None:
            PROGRESS(cursor.entry, len(entries), run.counts)


def _backfill_batches(run: Run, runner: NlpRunner) -> None:
    """Reprocess stale loaded articles from their stored bodies, batch by batch (resumable)."""
    failed: list[str] = []
    while True:
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
            return
        plan = Plan(process=stale, rejects=[], reprocessed=len(stale))
        plan.kinds = {a.source_uri: "reprocessed" for a in stale}
        loaded = _process(run, plan, runner)
        failed += [a.article_id for a in stale if a not in loaded]
        run.logger.info("backfill: %d stale article(s) reprocessed", len(loaded))


def _process(run: Run, plan: Plan, runner: NlpRunner) -> list[Article]:
    """NLP, Parquet and load for one planned batch. Returns the articles loaded."""
    settings = run.settings
    run.batch += 1
    with run.stage("nlp"):
        tables, failed = transform_batch(
            plan.process, runner, run.run_id, run.ingested_at, run.nlp_version
        )
    plan.rejects.extend(failed)
    failed_uris = {f.source_uri for f in failed}
    loaded = [a for a in plan.process if a.source_uri not in failed_uris]
    for uri in failed_uris:
        kind = plan.kinds[uri]
        setattr(plan, kind, getattr(plan, kind) - 1)
    months = {a.article_id: lake.month_of(a.published_date) for a in loaded}
    with run.stage("write"):
        parts = write_parquet(tables, months, settings, run.run_id, run.batch)
    with run.stage("load"):
        load_warehouse(
            parts,
            [(a.article_id, a.source_uri) for a in loaded],
            run.reject_table(plan.rejects),
            settings,
            run.run_id,
            run.batch,
        )
    c = run.counts
    c.batches = run.batch
    c.articles_new += plan.new
    c.articles_changed += plan.changed
    c.articles_reprocessed += plan.reprocessed
    c.rejected += len(plan.rejects)
    c.parts_written += len(parts)
    c.mentions_written += tables["mentions"].num_rows
    c.quotes_written += tables["quotes"].num_rows
    c.events_written += tables["events"].num_rows
    for r in plan.rejects:
        c.reject_reasons[r.reason] = c.reject_reasons.get(r.reason, 0) + 1
    run.logger.info(
        "batch %d: %d new, %d changed, %d reprocessed, %d rejected; %d mentions, %d quotes, "
        "%d events",
        run.batch,
        plan.new,
        plan.changed,
        plan.reprocessed,
        len(plan.rejects),
        tables["mentions"].num_rows,
        tables["quotes"].num_rows,
        tables["events"].num_rows,
    )
    return loaded


if __name__ == "__main__":
    print(news_etl(sys.argv[1:] or None))
