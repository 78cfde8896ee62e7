"""The ``news_etl`` Prefect flow: discover → read → parse → plan → transform → Parquet → load.

Work is done in batches of ``batch_size`` source items: one task run per stage and batch, never
one per article. Sources are streamed through a cursor, so memory stays flat as the corpus grows.
Run it with ``newsetl run SOURCE ...`` or directly: ``python -m flows.etl data/sample``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import interrupt, lake, models, near_dups, remote, runners, warehouse
from flows import sources as src
from flows import web as webmod
from flows.nlp_runner import OVERTIME, NlpRunner
from flows.settings import Settings, default_sources, load_settings
from transforms.batch import BatchResult, NlpInput
from transforms.nlp import nlp_version as current_nlp_version
from transforms.nlp import work_bound
from transforms.parse import Article, Reject, SourceItem, parse_item, resolve_language
from transforms.schemas import NLP_TABLES, to_table

#: The nlp_version of an article in a language no pipeline is configured for: loaded, no NLP.
NO_NLP_VERSION = "none:language"
#: OntoNotes labels (sql var entity_labels): other pipelines' mentions must use them.
ENTITY_LABELS = {
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
}  # fmt: skip


def model_for(language: str | None, settings: Settings) -> str | None:
    """The spaCy pipeline for an article's language: English (or undetermined) → the main
    model; a language in NEWSETL_LANGUAGE_MODELS → its model; any other → None (no NLP)."""
    if language in (None, "en"):
        return settings.model
    return dict(settings.language_models).get(language)


def expected_version(
    language: str | None, settings: Settings, main_version: str | None
) -> str | None:
    """The nlp_version an up-to-date article in this language carries."""
    model = model_for(language, settings)
    if model is None:
        return NO_NLP_VERSION
    if model == settings.model:
        return main_version
    return current_nlp_version(model)


def _foreign_rows(table: str, rows: list[dict]) -> list[dict]:
    """Rows of another language's pipeline: its entity mentions with OntoNotes labels only
    (quotes and events rely on English lexicons and are not extracted)."""
    if table != "mentions":
        return []
    return [r for r in rows if r["label"] in ENTITY_LABELS]


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
    fetched: int = 0
    not_modified: int = 0
    robots_skipped: int = 0
    fetch_failed: int = 0
    nlp_skipped_language: int = 0
    near_duplicates: int = 0
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
            "fetched",
            "not_modified",
            "robots_skipped",
            "fetch_failed",
            "nlp_skipped_language",
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
    #: Articles rejected as duplicates of a loaded article from another source: if a later
    #: batch of the run replaces that article, they get a second chance (never lost).
    duplicates: list[Article] = field(default_factory=list)
    fingerprints: dict = field(default_factory=dict)  # article_id -> dedup.Fingerprint


def nothing_loaded(counts: dict) -> bool:
    """No input could be used (none found, or every one rejected) and no article was written
    (not even a backfill): the marts cannot have changed, and the CLI exits 3."""
    written = counts["articles_new"] + counts["articles_changed"] + counts["articles_reprocessed"]
    return counts["records_seen"] == counts["rejected"] and written == 0


def new_run_id() -> str:
    return f"r{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}_{secrets.token_hex(3)}"


# --------------------------------------------------------------------------- tasks


@task(cache_policy=NO_CACHE)
def discover_sources(source_list: list[str], web: webmod.WebContext) -> list[src.Entry]:
    """Expand files, directories, globs, URLs and feeds into the ordered entries to read."""
    return remote.discover(source_list, web)


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
        # The language is detected later, for the articles the run loads (plan_batch).
        for result in parse_item(item, today=today, max_chars=max_chars, detect_language=False):
            (articles if isinstance(result, Article) else rejects).append(result)
    return articles, rejects


def _legacy_position(owner: str, uri: str) -> bool:
    """Is ``owner`` the same file's record under an old positional identity (``#L3``, ``#[2]``),
    which content identities replace?"""
    if "#" not in owner or "#" not in uri:
        return False
    owner_file, fragment = owner.rsplit("#", 1)
    return owner_file == uri.rsplit("#", 1)[0] and bool(_POSITIONAL_RE.fullmatch(fragment))


_POSITIONAL_RE = re.compile(r"L\d+|\[\d+\]")


@task(cache_policy=NO_CACHE)
def plan_batch(
    articles: list[Article],
    rejects: list[Reject],
    settings: Settings,
    seen_sources: dict[str, int],
    nlp_version: str | None,
    full_refresh: bool,
) -> Plan:
    """Classify each article as new, changed, unchanged, to reprocess, or a duplicate;
    link new and changed articles to the first occurrence of their story (near-duplicates).

    ``seen_sources`` counts the batch's source identities already read earlier in this run.
    A repeated identity is rejected under ``<identity>~<n>`` (the n-th copy), so that every
    input has its own row. A body already loaded under another source is a duplicate, unless
    that source gives it up in this same batch (its text changed), or it is the same file's
    record under an old positional identity (then it is taken over).
    """
    plan = Plan(process=[], rejects=list(rejects))
    seen = dict(seen_sources)
    con = warehouse.connect(settings.db_path, read_only=False, timeout=settings.lock_timeout)
    try:
        by_source = warehouse.existing_by_source(con, [a.source_uri for a in articles])
        by_article = warehouse.existing_by_article(con, [a.article_id for a in articles])
    finally:
        con.close()
    giving_up = {
        a.source_uri
        for a in articles
        if a.source_uri in by_source and by_source[a.source_uri][0] != a.article_id
    }
    batch_ids: dict[str, str] = {}
    for art in articles:
        copies = seen.get(art.source_uri, 0)
        seen[art.source_uri] = copies + 1
        if copies:
            content = "#body:" in art.source_uri
            plan.rejects.append(
                Reject(
                    f"{art.source_uri}~{copies + 1}",
                    "duplicate_body" if content else "duplicate_source",
                    (
                        f"the same record again (copy {copies + 1}) of {art.source_uri}"
                        if content
                        else f"copy {copies + 1} of the source identity {art.source_uri} "
                        "in this run"
                    ),
                    art.content_sha256,
                )
            )
            continue
        owner = by_article.get(art.article_id)
        takeover = False
        if (
            owner is not None
            and owner != art.source_uri
            and (owner in giving_up or _legacy_position(owner, art.source_uri))
        ):
            takeover, owner = True, None
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
            if owner is not None:
                plan.duplicates.append(art)
            continue
        batch_ids[art.article_id] = art.source_uri
        old = by_source.get(art.source_uri)
        if old is None:
            kind = "changed" if takeover else "new"
        elif old[0] != art.article_id or old[1] != art.content_sha256:
            kind = "changed"
        elif full_refresh or old[2] != expected_version(
            # same body: the language detected when it was loaded (the detector is not asked)
            old[3] if art.language_pending else art.language,
            settings,
            nlp_version,
        ):
            kind = "reprocessed"
        else:
            kind = "unchanged"
        setattr(plan, kind, getattr(plan, kind) + 1)
        if kind != "unchanged":
            plan.kinds[art.source_uri] = kind
            plan.process.append(art)
    for art in (*plan.process, *plan.duplicates):
        resolve_language(art)
    if plan.process:  # only what will be loaded is compared (unchanged articles cost nothing)
        con = warehouse.connect(settings.db_path, read_only=False, timeout=settings.lock_timeout)
        try:
            plan.fingerprints = near_dups.assign(con, plan.process)
        finally:
            con.close()
    return plan


@task(cache_policy=NO_CACHE)
def transform_batch(
    articles: list[Article],
    runner: NlpRunner,
    run_id: str,
    ingested_at: dt.datetime,
    nlp_version: str,
    settings: Settings,
) -> tuple[dict[str, pa.Table], list[Reject]]:
    """One spaCy pass per article → the batch's tables; articles that failed become rejects.

    The work per article is bounded before it starts (``transforms.nlp.work_bound``: texts
    that would take the tokenizer super-linear time are rejected ``too_complex``); an article
    whose extraction fails, or whose rows do not fit the table contract, is rejected alone —
    one bad article never sinks its batch.

    Each article goes to the pipeline of its language (English, or NEWSETL_LANGUAGE_MODELS);
    articles in other languages are loaded without NLP rows.
    """
    failed: list[Reject] = []
    todo: list[Article] = []
    for a in articles:
        why = work_bound(a.body) if model_for(a.language, settings) is not None else None
        if why:
            failed.append(Reject(a.source_uri, "too_complex", why, a.content_sha256))
        else:
            todo.append(a)
    result = BatchResult(tables={t: [] for t in NLP_TABLES}, errors={})
    by_model: dict[str, list[Article]] = {}
    for a in todo:
        model = model_for(a.language, settings)
        if model is not None:
            by_model.setdefault(model, []).append(a)
    for model, group in by_model.items():
        part = runner(
            [NlpInput(a.article_id, a.body, a.published_date) for a in group], model=model
        )
        result.errors.update(part.errors)
        if model == settings.model:  # article-level NLP columns (tone) are English-only
            result.articles.update(part.articles)
        for table, table_rows in part.tables.items():
            if model != settings.model:
                table_rows = _foreign_rows(table, table_rows)
            result.tables[table].extend(table_rows)
    for a in todo:
        error = result.errors.get(a.article_id)
        if error is not None and error.startswith(OVERTIME):
            failed.append(
                Reject(a.source_uri, "too_complex", error.removeprefix(OVERTIME), a.content_sha256)
            )
        elif error is not None:
            failed.append(Reject(a.source_uri, "nlp_error", error, a.content_sha256))
    ok = [a for a in todo if a.article_id not in result.errors]
    rows = {
        a.article_id: a.row(
            run_id=run_id,
            ingested_at=ingested_at,
            nlp_version=expected_version(a.language, settings, nlp_version),
            **result.articles.get(a.article_id, {}),
        )
        for a in ok
    }
    derived: dict[str, dict[str, list[dict]]] = {t: {} for t in NLP_TABLES}
    for table in NLP_TABLES:
        for row in result.tables[table]:
            derived[table].setdefault(row["article_id"], []).append(row)
    bad: dict[str, str] = {}
    for table, by_article in (("articles", {k: [v] for k, v in rows.items()}), *derived.items()):
        for article_id, detail in _contract_violations(table, by_article).items():
            bad.setdefault(article_id, detail)
    for a in ok:
        if a.article_id in bad:
            failed.append(Reject(a.source_uri, "nlp_error", bad[a.article_id], a.content_sha256))
    keep = [a.article_id for a in ok if a.article_id not in bad]
    tables = {"articles": to_table("articles", [rows[k] for k in keep])}
    for table in NLP_TABLES:
        tables[table] = to_table(table, [r for k in keep for r in derived[table].get(k, [])])
    return tables, failed


def _contract_violations(table: str, by_article: dict[str, list[dict]]) -> dict[str, str]:
    """Articles whose rows do not fit the table's schema (checked per article only when the
    whole batch does not fit, so the usual cost is one conversion)."""
    try:
        to_table(table, [r for rows in by_article.values() for r in rows])
        return {}
    except Exception:  # pyarrow raises several types; find the articles responsible
        pass
    bad = {}
    for article_id, rows in by_article.items():
        try:
            to_table(table, rows)
        except Exception as exc:
            bad[article_id] = f"{table} rows do not fit the contract: {type(exc).__name__}: {exc}"[
                :500
            ]
    return bad


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
            settings.lake_base,
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
            by_language={
                lang: expected_version(lang, settings, nlp_version)
                for lang, _ in settings.language_models
            },
            other_languages=NO_NLP_VERSION,
        )
    finally:
        con.close()
    return [Article(**row) for row in rows]


@task(cache_policy=NO_CACHE)
def build_models(settings: Settings) -> dict:
    """Run `dbt build` on the warehouse (staging views, marts, tests); fail on a failing test."""
    summary = models.run_models(settings, log_level=models.FLOW_LOG_LEVEL, if_changed=True)
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
    web: webmod.WebContext | None = None
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
    lock_timeout: float | None = None,
    runner: str | None = None,
    dask_address: str | None = None,
    lake_url: str | None = None,
) -> dict:
    """Build or update the warehouse from the given sources; returns the run summary.

    Incremental: an article already loaded with the same content and NLP version is not
    processed again. ``full_refresh`` reprocesses every article; ``backfill`` (default)
    reprocesses, from their stored bodies, loaded articles whose NLP version is stale.
    """
    logger = get_run_logger()
    settings = load_settings(
        warehouse_dir,
        batch_size=batch_size,
        n_process=n_process,
        model=model,
        lock_timeout=lock_timeout,
        runner=runner,
        dask_address=dask_address,
        lake_url=lake_url,
    )
    source_list = [str(s) for s in (sources or default_sources())]
    run = Run(
        settings=settings,
        run_id=new_run_id(),
        ingested_at=warehouse.utcnow(),
        today=dt.datetime.now(dt.UTC).date(),
        nlp_version=current_nlp_version(settings.model),
        full_refresh=full_refresh,
        counts=Counts(),
        logger=logger,
        web=webmod.context_from_settings(settings),
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
            entries = discover_sources(source_list, run.web)
            logger.info("discovered %d source file(s) in %s", len(entries), source_list)
            with runners.make_runner(settings) as nlp:
                _source_batches(run, entries, nlp)
                if backfill or full_refresh:
                    _backfill_batches(run, nlp)
                run.counts.nlp_articles = nlp.articles_processed
            interrupt.checkpoint()
            with run.stage("compact"), _connection(settings) as con:
                run.counts.parts_compacted = warehouse.compact_lake(
                    con, settings.lake_base, run_id=run.run_id, log=run.logger
                )
            if run_models and nothing_loaded(asdict(run.counts)):
                logger.info("dbt build skipped: nothing loaded")
                run.counts.models = {"command": "build", "success": True, "skipped": "nothing"}
            elif run_models:
                interrupt.checkpoint()
                with run.stage("models"):
                    run.counts.models = build_models(settings)
        except BaseException as exc:
            error = exc
            raise
        finally:
            run.web.close()
            _web_counts(run)
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


def _web_counts(run: Run) -> None:
    c, w = run.counts, run.web.counts
    c.fetched, c.not_modified = w["fetched"], w["not_modified"]
    c.robots_skipped, c.fetch_failed = w["robots_skipped"], w["fetch_failed"]


def _start(run: Run, flow_run_id: str | None, source_list: list[str]) -> None:
    with _connection(run.settings) as con:
        warehouse.ensure_schema(con)
        run.web.state = webmod.load_state(con)
        indexed = near_dups.ensure(con)
        if indexed:
            run.logger.info("near-duplicate index: %d loaded article(s) indexed", indexed)
        registered = warehouse.registered_parts(con)
        if not registered and not con.execute("SELECT count(*) FROM runs").fetchone()[0]:
            parts = sum(1 for p in lake.lake_files(run.settings.lake_dir) if p.suffix == ".parquet")
            if parts:
                # A new news.duckdb beside an existing lake: the old file was deleted or moved.
                # Its parts are not orphans of a killed run; never delete them.
                raise warehouse.WarehouseError(
                    f"{run.settings.db_path} is new but the lake holds {parts} part(s) of an "
                    f"earlier warehouse: `newsetl repair --warehouse "
                    f"{run.settings.warehouse_dir}` rebuilds the tables from them (or move the "
                    "lake/ folder away to start over)"
                )
        removed = lake.remove_orphans(run.settings.lake_dir, registered)
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
    if error is None:
        status = "completed"
    elif isinstance(error, interrupt.Interrupted | KeyboardInterrupt) or interrupt.requested():
        status = "interrupted"
    else:
        status = "failed"
    message = None if error is None else f"{type(error).__name__}: {error}"[:2000]
    # A reader holding the file must not keep a failed run waiting twice: a row left
    # "running" is marked "aborted" by the next run.
    settings = replace(run.settings, lock_timeout=min(run.settings.lock_timeout, 5.0))
    with contextlib.suppress(Exception), _connection(settings) as con:
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
        f"| near-duplicates linked | {c.near_duplicates} |",
        f"| not analysed (language) | {c.nlp_skipped_language} |",
        "",
        "| web | count |",
        "|---|---:|",
        f"| fetched | {c.fetched} |",
        f"| not modified (304) | {c.not_modified} |",
        f"| skipped by robots.txt | {c.robots_skipped} |",
        f"| failed | {c.fetch_failed} |",
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


#: Bodies kept in memory for second chances (see Plan.duplicates), at most.
MAX_DEFERRED_CHARS = 64_000_000


def _source_batches(run: Run, entries: list[src.Entry], runner: NlpRunner) -> None:
    settings = run.settings
    cursor = src.Cursor()
    seen_sources: dict[str, int] = {}
    deferred: list[Article] = []
    deferred_chars = 0
    while cursor.entry < len(entries):
        interrupt.checkpoint()
        window = entries[cursor.entry : cursor.entry + settings.batch_size]
        local = src.Cursor(0, cursor.offset, cursor.line)
        with run.stage("read"):
            items, nxt = read_sources(window, local, settings.batch_size, settings.max_bytes)
        cursor = src.Cursor(cursor.entry + nxt.entry, nxt.offset, nxt.line)
        with run.stage("fetch"):
            items = _fetch(run, items)
        skipped = [i for i in items if i.kind == "skip"]
        items = [i for i in items if i.kind != "skip"]
        run.counts.records_seen += len(skipped)
        run.counts.articles_unchanged += len(skipped)
        with run.stage("parse"):
            articles, rejects = parse_items(items, run.today, settings.max_chars)
        uris = {a.source_uri for a in articles}
        with run.stage("plan"):
            plan = plan_batch(
                articles,
                rejects,
                settings,
                {u: seen_sources[u] for u in uris if u in seen_sources},
                run.nlp_version,
                run.full_refresh,
            )
        for art in articles:
            seen_sources[art.source_uri] = seen_sources.get(art.source_uri, 0) + 1
        for art in plan.duplicates:
            if deferred_chars + len(art.body) <= MAX_DEFERRED_CHARS:
                deferred.append(art)
                deferred_chars += len(art.body)
        run.counts.records_seen += len(articles) + len(rejects)
        run.counts.articles_unchanged += plan.unchanged
        _process(run, plan, runner)
        _save_fetch_state(run, {i.source_uri for i in items} | {i.source_uri for i in skipped})
        if PROGRESS is not None:
            PROGRESS(cursor.entry, len(entries), run.counts)
    if deferred:
        _second_chance(run, deferred, runner)
    _save_fetch_state(run, None)  # feeds and lists: once their entries are all loaded


def _second_chance(run: Run, deferred: list[Article], runner: NlpRunner) -> None:
    """Load the duplicates whose original was replaced later in this run: a run never drops
    an article that its input still holds (a body that moved from one record to another)."""
    interrupt.checkpoint()
    with _connection(run.settings) as con:
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
        _process(run, plan, runner)
    if todo:
        run.logger.info("%d article(s) whose original was replaced in this run loaded", len(todo))


def _fetch(run: Run, items: list[SourceItem]) -> list[SourceItem]:
    """Replace the batch's page placeholders by the fetched pages (or their rejects)."""
    refs = [i.meta["ref"] for i in items if i.kind == "page"]
    if not refs:
        return items
    fetched = iter(webmod.fetch_pages(refs, run.web))
    return [next(fetched) if i.kind == "page" else i for i in items]


def _save_fetch_state(run: Run, urls: set[str] | None) -> None:
    rows = webmod.take_pending(run.web, urls)
    if rows:
        with _connection(run.settings) as con:
            webmod.save_state(con, rows)


def _backfill_batches(run: Run, runner: NlpRunner) -> None:
    """Reprocess stale loaded articles from their stored bodies, batch by batch (resumable)."""
    failed: list[str] = []
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
            return
        plan = Plan(process=stale, rejects=[], reprocessed=len(stale))
        plan.kinds = {a.source_uri: "reprocessed" for a in stale}
        loaded = _process(run, plan, runner)
        failed += [a.article_id for a in stale if a not in loaded]
        run.logger.info("backfill: %d stale article(s) reprocessed", len(loaded))


def _process(run: Run, plan: Plan, runner: NlpRunner) -> list[Article]:
    """NLP, Parquet and load for one planned batch. Returns the articles loaded."""
    settings = run.settings
    interrupt.checkpoint()
    run.batch += 1
    with run.stage("nlp"):
        tables, failed = transform_batch(
            plan.process, runner, run.run_id, run.ingested_at, run.nlp_version, settings
        )
    plan.rejects.extend(failed)
    failed_uris = {f.source_uri for f in failed}
    loaded = [a for a in plan.process if a.source_uri not in failed_uris]
    for uri in failed_uris:
        kind = plan.kinds[uri]
        setattr(plan, kind, getattr(plan, kind) - 1)
    months = {a.article_id: lake.month_of(a.published_date) for a in loaded}
    interrupt.checkpoint()
    with run.stage("write"):
        parts = write_parquet(tables, months, settings, run.run_id, run.batch)
    interrupt.checkpoint()
    with run.stage("load"):
        load_warehouse(
            parts,
            [(a.article_id, a.source_uri) for a in loaded],
            run.reject_table(plan.rejects),
            settings,
            run.run_id,
            run.batch,
        )
    if plan.fingerprints and loaded:
        with _connection(settings) as con:
            near_dups.record(
                con,
                {
                    a.article_id: plan.fingerprints[a.article_id]
                    for a in loaded
                    if a.article_id in plan.fingerprints
                },
            )
    c = run.counts
    c.batches = run.batch
    c.near_duplicates += sum(a.duplicate_of is not None for a in loaded)
    c.nlp_skipped_language += sum(model_for(a.language, settings) is None for a in loaded)
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
