"""The flow's tasks: one typed function per stage, each run once per batch (never per article).

Retries only where I/O can fail (reading sources). The logic lives in the modules they call
(:mod:`flows.sources`, :mod:`flows.planning`, :mod:`flows.lake`, :mod:`flows.warehouse`,
:mod:`flows.models`, ``transforms``); a test calls ``task.fn(...)`` to run one alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import duckdb
import pyarrow as pa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import lake, models, near_dups, remote, warehouse
from flows import sources as src
from flows import web as webmod
from flows.languages import NO_NLP_VERSION, expected_version, foreign_rows, model_for
from flows.nlp_runner import OVERTIME, NlpRunner
from flows.planning import Loaded, Plan, plan_articles
from flows.settings import Settings
from transforms.batch import BatchResult, NlpInput
from transforms.nlp import work_bound
from transforms.parse import Article, Reject, SourceItem, parse_item, resolve_language
from transforms.schemas import nlp_tables, to_table


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


@task(cache_policy=NO_CACHE)
def plan_batch(
    articles: list[Article],
    rejects: list[Reject],
    settings: Settings,
    seen_sources: dict[str, int],
    nlp_version: str | None,
    full_refresh: bool,
    con=None,
) -> Plan:
    """Read what the warehouse holds for the batch, and plan it (:mod:`flows.planning`); link
    new and changed articles to the first occurrence of their story (near-duplicates).
    ``con``: an open connection to read it with (else one is opened for the batch)."""
    opened = contextlib.nullcontext(con) if con is not None else None
    with opened or warehouse.connection(settings, read_only=False) as con:
        by_source, by_article = warehouse.existing(
            con, [a.source_uri for a in articles], [a.article_id for a in articles]
        )
        plan = plan_articles(
            articles,
            rejects,
            Loaded(by_source=by_source, by_article=by_article),
            seen_sources,
            nlp_version,
            full_refresh,
            version_of=lambda language: expected_version(language, settings, nlp_version),
        )
        if plan.rejects and not plan.process:  # a batch with nothing new: anything to write?
            rows = [r.row(run_id="", rejected_at=None) for r in plan.rejects]  # as stored
            plan.rejects_recorded = warehouse.rejects_recorded(
                con,
                [(r["source_uri"], r["reason"], r["detail"], r["content_sha256"]) for r in rows],
            )
    # The languages and the near-duplicate links of the articles to load are decided after
    # their NLP (languages detected and band hashes computed by the NLP workers, on every core):
    # see transform_batch. A duplicate's language is detected if it is ever loaded.
    plan.link = bool(plan.process)
    plan.nothing_loaded = not by_source and not by_article and not plan.rejects_recorded
    return plan


@task(cache_policy=NO_CACHE)
def transform_batch(
    articles: list[Article],
    runner: NlpRunner,
    run_id: str,
    ingested_at: dt.datetime,
    nlp_version: str,
    settings: Settings,
    link: bool = False,
    connect: Callable[[], duckdb.DuckDBPyConnection] | None = None,
) -> tuple[dict[str, pa.Table], list[Reject]] | tuple[dict[str, pa.Table], list[Reject], dict]:
    """One spaCy pass per article → the batch's tables; articles that failed become rejects.

    The work per article is bounded before it starts (``transforms.nlp.work_bound``: texts
    that would take the tokenizer super-linear time are rejected ``too_complex``); an article
    whose extraction fails, or whose rows do not fit the table contract, is rejected alone —
    one bad article never sinks its batch. Each article goes to the pipeline of its language
    (:mod:`flows.languages`); articles in other languages are loaded without NLP rows. An
    article whose language is not yet known (``language_pending``) is detected by the NLP
    worker first (:class:`transforms.batch.NlpInput`).

    With ``link`` (a batch of the run's sources), the workers also compute the articles'
    near-duplicate band hashes and, once the NLP is done, each article is linked to the first
    occurrence of its story among what was loaded before it and the articles before it in the
    batch (:func:`flows.near_dups.assign`, in input order, reading the warehouse); the result
    then has a third item, the fingerprints to record once the batch is loaded. ``connect``
    gives the connection to link on (the batch's, opened once its NLP is done and kept for its
    load; else one is opened for the link).
    """
    failed: list[Reject] = []
    todo: list[Article] = []
    for a in articles:
        why = work_bound(a.body)
        if why and a.language_pending:
            resolve_language(a)  # rare: whether it would be parsed decides
        if why and model_for(a.language, settings) is not None:
            failed.append(Reject(a.source_uri, "too_complex", why, a.content_sha256))
        else:
            todo.append(a)
    result = _analyse(todo, runner, settings, bands=link)
    for a in todo:
        if a.language_pending and a.article_id in result.languages:
            a.language, a.language_pending = result.languages[a.article_id], False
        error = result.errors.get(a.article_id)
        if error is not None and error.startswith(OVERTIME):
            failed.append(
                Reject(a.source_uri, "too_complex", error.removeprefix(OVERTIME), a.content_sha256)
            )
        elif error is not None:
            failed.append(Reject(a.source_uri, "nlp_error", error, a.content_sha256))
    fingerprints: dict = {}
    if link:  # every article of the batch in input order, as planned (failed ones included)
        con = connect() if connect is not None else None
        fingerprints = link_near_dups(articles, settings, result.bands, con=con)
    tables, failed = _tables(todo, result, failed, run_id, ingested_at, nlp_version, settings)
    return (tables, failed, fingerprints) if link else (tables, failed)


def link_near_dups(
    articles: list[Article], settings: Settings, bands: dict | None = None, con=None
) -> dict[str, tuple[int, ...]]:
    """Link the batch's articles (in input order) to the first occurrence of their story
    among what is loaded and the articles before them (``duplicate_of``); returns their
    band hashes (their fingerprints), recorded once the batch is loaded. ``bands``: the band hashes the NLP
    workers computed (the others are computed here). A runner whose workers build the rows
    themselves (Dask) calls this in the flow's process before sending the batch out. ``con``:
    an open connection to read the warehouse on (else one is opened)."""
    if con is not None:
        return near_dups.assign(con, articles, bands)
    with warehouse.connection(settings, read_only=False) as con:
        return near_dups.assign(con, articles, bands)


def _tables(
    todo: list[Article],
    result: BatchResult,
    failed: list[Reject],
    run_id: str,
    ingested_at: dt.datetime,
    nlp_version: str,
    settings: Settings,
) -> tuple[dict[str, pa.Table], list[Reject]]:
    """The batch's tables from the articles and their NLP rows; rows that do not fit the
    contract make their article a reject."""
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
    derived: dict[str, dict[str, list[dict]]] = {t: {} for t in nlp_tables()}
    for table in nlp_tables():
        for row in result.tables[table]:
            derived[table].setdefault(row["article_id"], []).append(row)
    whole = _whole_tables(ok, rows, derived)
    if whole is not None:  # every row fits: each table converted once
        return whole, failed
    bad: dict[str, str] = {}
    for table, by_article in (("articles", {k: [v] for k, v in rows.items()}), *derived.items()):
        for article_id, detail in _contract_violations(table, by_article).items():
            bad.setdefault(article_id, detail)
    for a in ok:
        if a.article_id in bad:
            failed.append(Reject(a.source_uri, "nlp_error", bad[a.article_id], a.content_sha256))
    keep = [a.article_id for a in ok if a.article_id not in bad]
    tables = {"articles": to_table("articles", [rows[k] for k in keep])}
    for table in nlp_tables():
        tables[table] = to_table(table, [r for k in keep for r in derived[table].get(k, [])])
    return tables, failed


def _whole_tables(
    ok: list[Article], rows: dict[str, dict], derived: dict[str, dict[str, list[dict]]]
) -> dict[str, pa.Table] | None:
    """The batch's tables when every row of its articles fits its table's contract (the
    usual case): the very tables :func:`_tables` builds, each converted once; None when
    a row does not fit (then the articles responsible are found one by one)."""
    try:
        tables = {"articles": to_table("articles", [rows[a.article_id] for a in ok])}
        for table in nlp_tables():
            by_article = derived[table]
            tables[table] = to_table(
                table, [r for a in ok for r in by_article.get(a.article_id, [])]
            )
    except Exception:  # pyarrow raises several types; _contract_violations finds the rows
        return None
    return tables


def _languages_for(model: str, settings: Settings) -> tuple[str | None, ...]:
    """The languages whose articles ``model`` analyses (:func:`flows.languages.model_for`)."""
    named = [None, "en", *dict(settings.language_models)]
    return tuple(lang for lang in named if model_for(lang, settings) == model)


def nlp_inputs(
    articles: list[Article], settings: Settings, bands: bool = False
) -> dict[str, list[NlpInput]]:
    """What the NLP step is asked per model: an article of a known language goes to its
    language's pipeline (none: no NLP); one whose language is pending to the main model's
    workers, which detect it and parse it only if it is theirs."""
    by_model: dict[str, list[NlpInput]] = {}
    main = _languages_for(settings.model, settings)
    for a in articles:
        if a.language_pending:
            model: str | None = settings.model
            item = NlpInput(
                a.article_id, a.body, a.published_date, True, a.declared_language, main, bands
            )
        else:
            model = model_for(a.language, settings)
            item = NlpInput(a.article_id, a.body, a.published_date, bands=bands)
        if model is not None:
            by_model.setdefault(model, []).append(item)
    return by_model


def _analyse(
    articles: list[Article], runner: NlpRunner, settings: Settings, bands: bool = False
) -> BatchResult:
    """The NLP rows of the articles, each by its language's pipeline (none for a language
    without one). An article whose language is pending goes to the main model's workers,
    which detect it and parse it only if it is theirs; the others then go to their own
    pipeline. With ``bands`` the workers also compute the near-duplicate band hashes."""
    result = BatchResult.empty()
    inputs = nlp_inputs(articles, settings, bands)
    # The main model first: it takes what the runner started ahead (NlpRunner.prefetch).
    by_model = dict(sorted(inputs.items(), key=lambda kv: kv[0] != settings.model))
    rerouted: dict[str, list[NlpInput]] = {}
    while by_model:
        model, group = next(iter(by_model.items()))
        del by_model[model]
        part = runner(group, model=model)
        result.errors.update(part.errors)
        result.languages.update(part.languages)
        result.bands.update(part.bands)
        if model == settings.model:  # article-level NLP columns (tone) are English-only
            result.articles.update(part.articles)
        for table, table_rows in part.tables.items():
            if model != settings.model:
                table_rows = foreign_rows(table, table_rows)
            result.tables[table].extend(table_rows)
        for item in group:  # detected in another language that has its own pipeline
            other = model_for(part.languages.get(item.article_id, "en"), settings)
            if item.detect and other not in (None, model):
                plain = NlpInput(item.article_id, item.body, item.published_date)
                rerouted.setdefault(other, []).append(plain)
        if not by_model:
            by_model, rerouted = rerouted, {}
    return result


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
    fingerprints: dict | None = None,
    con=None,
    record_changes: bool = True,
    keys=None,
) -> int:
    """Load the batch into DuckDB in one transaction, with the near-duplicate band hashes of
    its articles (``fingerprints``: article id -> band hashes); returns old versions replaced. ``con``: an open
    connection to load on (else one is opened). ``record_changes``, ``keys``: see
    :func:`flows.warehouse.load_batch`."""
    opened = contextlib.nullcontext(con) if con is not None else None
    with opened or warehouse.connection(settings, read_only=False) as con:
        return warehouse.load_batch(
            con,
            settings.lake_base,
            parts=parts,
            incoming=incoming,
            rejects=rejects,
            run_id=run_id,
            batch=batch,
            also=near_dups.LoadBands(fingerprints or {}),
            record_changes=record_changes,
            keys=keys,
        )


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
    with warehouse.connection(settings, read_only=False) as con:
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
    return [Article(**row) for row in rows]


@task(cache_policy=NO_CACHE)
def build_models(settings: Settings, everything: bool = False) -> dict:
    """Run `dbt build` on the warehouse (staging views, marts, tests); fail on a failing test.
    Incremental unless ``everything`` (a full refresh) or the SQL changed (flows/models.py)."""
    if settings.catalog:  # a DuckLake warehouse: built on it, always in full
        from flows.ducklake_models import build_live_models

        summary = build_live_models(settings, log_level=models.FLOW_LOG_LEVEL)
    else:
        summary = models.run_models(
            settings, log_level=models.FLOW_LOG_LEVEL, if_changed=True, everything=everything
        )
    get_run_logger().info(models.format_summary(summary))
    return summary
