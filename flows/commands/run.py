"""``newsetl run``: the ETL flow on files, directories, globs or URLs, with a summary."""

from __future__ import annotations

import argparse
import sys

from flows.commands.options import check_sources, settings_of, verbosity
from flows.console import (
    format_summary,
    nothing_loaded_message,
    progress_bar,
    quiet_prefect_console,
    server_started_message,
)
from flows.errors import EXIT_OK, NothingLoaded


def start_early(args: argparse.Namespace) -> None:
    """What ``newsetl run`` does before the CLI's output is configured (which imports DuckDB,
    Arrow and dbt's settings: ~0.3 CPU-s): a first run's NLP workers' fork server is started
    (:func:`flows.nlp_runner.start_early`), so that its preload (spaCy, the model, the language
    detector: ~2.9 CPU-s, which the run's first batch waits for) starts that much sooner. The
    sources and settings are checked first, as :func:`cmd_run` does again."""
    from flows.settings import default_sources

    sources = args.sources or default_sources()
    check_sources(sources)
    from flows import nlp_runner

    nlp_runner.start_early(settings_of(args), sources)


def cmd_run(args: argparse.Namespace) -> int:
    from flows.settings import default_sources

    sources = args.sources or default_sources()
    check_sources(sources)
    # Fail fast, before the flow starts: a bad setting, a missing model, another run holding
    # the lock, a warehouse DuckDB cannot open.
    settings = settings_of(args)
    from flows import interrupt, nlp_runner
    from flows.warehouse import wait_until_free, writer_lock
    from transforms.nlp import nlp_version

    nlp_version(settings.model)
    with writer_lock(settings.lock_path, timeout=settings.lock_timeout):
        if settings.db_path.exists():
            wait_until_free(settings)
    nlp_runner.start_early(settings, sources)  # started already (start_early above): kept
    from flows import etl

    quiet_prefect_console()
    interrupt.checkpoint()
    from flows.prefect_env import api_server

    quiet = verbosity(args) == "quiet"
    with (
        api_server(settings.prefect_server) as started_server,
        progress_bar(enabled=args.progress and not quiet and sys.stderr.isatty()) as progress,
    ):
        interrupt.checkpoint()
        summary = etl.news_etl(
            sources=sources,
            settings=settings,
            full_refresh=args.full_refresh,
            backfill=args.backfill,
            run_models=not args.no_models,
            progress=progress,
        )
    interrupt.checkpoint()
    if not quiet:
        print(format_summary(summary), flush=True)
        if started_server:
            print(server_started_message(started_server), flush=True)
    if etl.nothing_loaded(summary):
        raise NothingLoaded(nothing_loaded_message(sources, summary))
    return EXIT_OK
