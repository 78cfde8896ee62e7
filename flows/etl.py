"""The ``news_etl`` Prefect flow: discover → read → parse → plan → transform → Parquet → load.

Work is done in batches of ``batch_size`` source items: one task run per stage and batch, never
one per article (:mod:`flows.batches`, :mod:`flows.tasks`). Sources are streamed through a
cursor, so memory stays flat as the corpus grows. The run's ledger row, counts and summary are
:mod:`flows.ledger`'s. Run it with ``newsetl run SOURCE ...`` or directly:
``python -m flows.etl data/sample``.
"""

# No ``from __future__ import annotations`` here: Prefect validates a deployment run's
# parameters against this module's annotations, and string annotations (``Settings``) are not
# resolved when a worker or ``serve`` loads the flow from its entrypoint.
import contextlib
import datetime as dt
import sys
import time
from dataclasses import asdict

from prefect import flow, get_run_logger

from flows import (
    batches,
    compaction,
    dbt_process,
    fetch_state,
    interrupt,
    lake,
    models,
    near_dups,
    nlp_runner,
    runners,
    unique_keys,
    warehouse,
)
from flows import web as webmod
from flows.ledger import (
    Counts,
    ProgressHook,
    Run,
    close_ledger,
    new_run_id,
    nothing_loaded,
    open_ledger,
    web_counts,
)
from flows.settings import Settings, default_sources, load_settings
from flows.tasks import build_models, discover_sources
from transforms.nlp import nlp_version as current_nlp_version


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
    catalog: str | None = None,
    settings: Settings | None = None,
    progress: ProgressHook | None = None,
) -> dict:
    """Build or update the warehouse from the given sources; returns the run summary.

    Incremental: an article already loaded with the same content and NLP version is not
    processed again. ``full_refresh`` reprocesses every article; ``backfill`` (default)
    reprocesses, from their stored bodies, loaded articles whose NLP version is stale.

    ``settings`` are the CLI's, resolved once; a deployment run (scheduled, or started by a
    worker) gives none, and they are resolved here from the environment and the options
    ``warehouse_dir`` … ``lock_timeout`` (which must not be given with ``settings``).
    ``progress`` is called after every batch (the CLI's progress bar).
    """
    options = {
        "batch_size": batch_size,
        "n_process": n_process,
        "model": model,
        "lock_timeout": lock_timeout,
        "runner": runner,
        "dask_address": dask_address,
        "lake_url": lake_url,
        "catalog": catalog,
    }
    if settings is None:
        settings = load_settings(warehouse_dir, **options)
    elif warehouse_dir is not None or any(v is not None for v in options.values()):
        raise ValueError("news_etl: give either settings or the options they hold, not both")
    logger = get_run_logger()
    source_list = [str(s) for s in (sources or default_sources())]
    nlp_runner.start_early(settings, source_list)  # once: newsetl run called it already
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
        progress=progress,
    )
    started = time.monotonic()
    try:
        from prefect.runtime import flow_run

        flow_run_id = str(flow_run.id) if flow_run.id else None
    except Exception:  # pragma: no cover - runtime lookup is best effort
        flow_run_id = None

    # A DuckLake warehouse has many writers: no lock; each batch commits on its own.
    with (
        contextlib.nullcontext()
        if settings.catalog
        else warehouse.writer_lock(settings.lock_path, timeout=settings.lock_timeout)
    ):
        _start(run, flow_run_id, source_list)
        error: BaseException | None = None
        try:
            if run_models:  # its dbt build may start ahead (with the first batch to parse)
                dbt_process.arm(settings)
            entries = discover_sources(source_list, run.web)
            logger.info("discovered %d source file(s) in %s", len(entries), source_list)
            with runners.make_runner(settings) as nlp:
                batches.source_batches(run, entries, nlp)
                if backfill or full_refresh:
                    batches.backfill_batches(run, nlp)
                run.counts.nlp_articles = nlp.articles_processed
            interrupt.checkpoint()
            with run.stage("compact"), warehouse.connection(settings, read_only=False) as con:
                run.counts.parts_compacted = compaction.compact_lake(
                    con, settings.lake_base, run_id=run.run_id, log=run.logger
                )
            if run_models and nothing_loaded(asdict(run.counts)):
                logger.info("dbt build skipped: nothing loaded")
                run.counts.models = {"command": "build", "success": True, "skipped": "nothing"}
            elif run_models:
                interrupt.checkpoint()
                with run.stage("models"):
                    run.counts.models = build_models(settings, everything=full_refresh)
        except BaseException as exc:
            error = exc
            raise
        finally:
            dbt_process.discard()  # unused (nothing loaded, an error)
            run.web.close()
            web_counts(run)
            close_ledger(run, error, time.monotonic() - started)
    summary = {
        "run_id": run.run_id,
        "warehouse": str(settings.warehouse_dir),
        "seconds": round(time.monotonic() - started, 2),
        **asdict(run.counts),
    }
    logger.info("run %s done: %s", run.run_id, summary)
    return summary


def _start(run: Run, flow_run_id: str | None, source_list: list[str]) -> None:
    if run.settings.catalog:
        from flows import ducklake

        # Concurrent first runs both create the tables: one of them retries.
        ducklake.retried_start(lambda: _start_ducklake(run, flow_run_id, source_list))
        return
    with warehouse.connection(run.settings, read_only=False) as con:
        _open_state(con, run)
        run.fresh = not con.execute("SELECT count(*) FROM articles").fetchone()[0]
        # no passing build recorded (flows/models.py): the next build is a full one
        run.track_changes = models.state_path(run.settings).exists()
        run.keys = unique_keys.RunKeys.of(con)
        registered = compaction.registered_parts(con)
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
        open_ledger(con, run, flow_run_id, source_list)


def _open_state(con, run: Run) -> None:
    """What every run's start does first, in either kind of warehouse: the schema, the web
    sources' fetch state, the near-duplicate index."""
    warehouse.ensure_schema(con)
    run.web.state = fetch_state.load_state(con)
    indexed = near_dups.ensure(con)
    if indexed:
        run.logger.info("near-duplicate index: %d loaded article(s) indexed", indexed)


def _start_ducklake(run: Run, flow_run_id: str | None, source_list: list[str]) -> None:
    """_start on a DuckLake warehouse: the parts of this warehouse folder's lake are only
    staged there; those of runs that are over are removed, never another running run's."""
    from flows import ducklake

    with warehouse.connection(run.settings, read_only=False) as con:
        _open_state(con, run)
        removed = ducklake.remove_staged(run.settings, con)
        run.counts.orphans_removed = len(removed)
        if removed:
            run.logger.warning("removed %d staged part(s) of an interrupted run", len(removed))
        open_ledger(con, run, flow_run_id, source_list)


if __name__ == "__main__":
    print(news_etl(sys.argv[1:] or None))
