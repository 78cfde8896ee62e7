"""The ``newsetl`` command line.

    newsetl run [SOURCE ...] [--warehouse DIR] [--batch-size N] [--full-refresh]
    newsetl query "SQL" [--warehouse DIR] [--format table|csv|json]
    newsetl server [--host 127.0.0.1] [--port 4200]
    newsetl serve [SOURCE ...] (--cron EXPR | --interval SECONDS) [--warehouse DIR]
    newsetl models [--warehouse DIR] [--select SELECTOR ...]
    newsetl report [--warehouse DIR] [--output FILE]

Every command takes ``--warehouse DIR`` (default: ``$NEWSETL_WAREHOUSE`` or ``warehouse/``).
User errors print one line on stderr and exit non-zero, without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import glob
import os
import sys
from pathlib import Path

from flows.errors import UserError

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line (``newsetl: error: …``), exit code 2."""

    def error(self, message: str):
        print(
            f"newsetl: error: {' '.join(message.split())} (see `{self.prog} --help`)",
            file=sys.stderr,
        )
        sys.exit(EXIT_USAGE)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds >= 0, got {text}")
    return value


def _warehouse_arg(parser: argparse.ArgumentParser) -> None:
    # No default here: flows.settings resolves $NEWSETL_WAREHOUSE, once, with the rest.
    parser.add_argument(
        "--warehouse",
        metavar="DIR",
        help="warehouse folder (default: $NEWSETL_WAREHOUSE or ./warehouse)",
    )


def settings_of(args: argparse.Namespace):
    """The command's settings, resolved once: the environment, then the flags given."""
    from flows.settings import load_settings

    flags = ("batch_size", "n_process", "lock_timeout")
    return load_settings(args.warehouse, **{f: getattr(args, f, None) for f in flags})


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsetl", description="News articles to a DuckDB warehouse (Prefect + spaCy)."
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    run = sub.add_parser("run", help="run the ETL flow on files, directories or globs")
    run.add_argument("sources", nargs="*", metavar="SOURCE", help="default: data/sample")
    _warehouse_arg(run)
    run.add_argument("--batch-size", type=_positive_int, metavar="N", help="articles per batch")
    run.add_argument("--full-refresh", action="store_true", help="reprocess every article")
    run.add_argument(
        "--no-backfill",
        dest="backfill",
        action="store_false",
        help="do not reprocess stale articles that are not in SOURCE",
    )
    run.add_argument("--n-process", type=_positive_int, metavar="N", help="NLP worker processes")
    run.add_argument("--lock-timeout", type=_seconds, metavar="S", help="wait for another writer")
    run.add_argument("--no-progress", dest="progress", action="store_false")
    run.add_argument("--no-models", action="store_true", help="skip the final dbt build")

    query = sub.add_parser("query", help="run read-only SQL against the warehouse")
    query.add_argument("sql", help="the SQL statement")
    _warehouse_arg(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument(
        "--max-width", type=_positive_int, default=60, help="cell width in table format"
    )

    server = sub.add_parser(
        "server",
        help="start a Prefect server (UI and scheduler); `stop`/`status`: the background one",
    )
    server.add_argument(
        "action",
        nargs="?",
        choices=("stop", "status"),
        help="stop, or show, the background server `newsetl run` starts on first use",
    )
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=_positive_int, default=4200)

    serve = sub.add_parser("serve", help="serve the news_etl deployment on a schedule")
    serve.add_argument("sources", nargs="*", metavar="SOURCE", help="default: data/sample")
    _warehouse_arg(serve)
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", metavar="EXPR", help='e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=_seconds, metavar="SECONDS")
    serve.add_argument("--name", default="newsetl", help="deployment name")
    serve.add_argument("--api-url", help="Prefect API (default: $PREFECT_API_URL or local)")
    serve.add_argument("--batch-size", type=_positive_int, metavar="N")
    models = sub.add_parser("models", help="build and test the SQL models (dbt build)")
    _warehouse_arg(models)
    models.add_argument("--select", nargs="+", metavar="SELECTOR", help="dbt node selection")
    report = sub.add_parser("report", help="write the HTML report from the marts")
    _warehouse_arg(report)
    report.add_argument("--output", metavar="FILE", help="default: <warehouse>/report.html")
    check = sub.add_parser(
        "check", help="verify the warehouse: DuckDB file readable, lake parts against the tables"
    )
    _warehouse_arg(check)
    repair = sub.add_parser(
        "repair", help="rebuild the lake from the tables, or the tables from the lake"
    )
    _warehouse_arg(repair)
    return parser


COMMANDS = ("run", "query", "server", "serve", "models", "report", "check", "repair")


def main(argv: list[str] | None = None) -> int:
    """The CLI entry point: every failure is one line on stderr and a non-zero exit code."""
    from flows import interrupt

    args = build_parser().parse_args(argv)
    handler = globals()[f"cmd_{args.command}"]
    # Commands that write stop at safe points only (flows.interrupt); readers stop at once.
    cooperative = args.command in ("run", "models", "repair")
    try:
        with interrupt.handling(cooperative=cooperative):
            code = handler(args)
        if interrupt.requested():
            raise KeyboardInterrupt
        return code
    except BrokenPipeError:
        # The reader of our output went away (`newsetl query … | head -1`): stop quietly.
        _quiet_stdout()
        return EXIT_OK
    except (KeyboardInterrupt, Exception) as exc:
        if interrupt.requested() or isinstance(exc, KeyboardInterrupt | interrupt.Interrupted):
            _quiet_stdout()
            with contextlib.suppress(OSError):
                print("newsetl: interrupted", file=sys.stderr, flush=True)
            return EXIT_INTERRUPTED
        if isinstance(exc, UserError):
            return _fail(str(exc))
        return _fail(describe_error(exc))


def _fail(message: str) -> int:
    message = " ".join(message.split()) or "failed"
    with contextlib.suppress(BrokenPipeError, OSError):
        print(f"newsetl: error: {message}", file=sys.stderr, flush=True)
    if os.environ.get("NEWSETL_DEBUG"):
        import traceback

        traceback.print_exc()
    return EXIT_FAIL


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def describe_error(exc: BaseException) -> str:
    """One line for any error that reached the top: what failed, in the user's terms."""
    from flows import interrupt
    from flows.prefect_env import ServerError
    from flows.settings import SettingsError
    from flows.warehouse import WarehouseError

    if isinstance(exc, WarehouseError | SettingsError | ServerError | interrupt.Interrupted):
        return str(exc)
    if _disk_full(exc):
        return (
            "disk full: no space left on the device holding the warehouse; free some space "
            "and run again (the warehouse stays consistent and the next run resumes)"
        )
    cause = _root_cause(exc)
    if isinstance(cause, WarehouseError | SettingsError):
        return str(cause)
    if isinstance(cause, PermissionError):
        where = cause.filename or ""
        return f"permission denied: {where}".rstrip(": ")
    if isinstance(cause, OSError) and ("spaCy model" in str(cause) or "[E050]" in str(cause)):
        return str(cause).splitlines()[0]
    if isinstance(cause, OSError) and cause.strerror:
        where = f": {cause.filename}" if cause.filename else ""
        return f"{cause.strerror}{where}"
    try:
        import duckdb

        if isinstance(cause, duckdb.Error):
            return f"DuckDB: {str(cause).splitlines()[0] if str(cause) else type(cause).__name__}"
    except ImportError:  # pragma: no cover
        pass
    text = str(cause).splitlines()[0] if str(cause) else ""
    return (
        f"internal error: {type(cause).__name__}: {text[:300]} (a bug: please report it; "
        "NEWSETL_DEBUG=1 shows the traceback)"
    )


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception a wrapper (Prefect, dbt) raised from."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__
        if inner is None:
            break
        exc = inner
    return exc


# --------------------------------------------------------------------------- run


def _check_sources(sources: list[str]) -> None:
    for source in sources:
        if "://" in source:
            continue  # a URL: feeds, pages and object storage are checked by the run
        if not os.path.lexists(source) and not glob.glob(source, recursive=True):
            raise UserError(f"source not found: {source}")


def cmd_run(args: argparse.Namespace) -> int:
    from flows.settings import DEFAULT_SOURCES

    sources = args.sources or list(DEFAULT_SOURCES)
    _check_sources(sources)
    # Fail fast, before the flow starts: a bad setting, a missing model, another run holding
    # the lock, a warehouse DuckDB cannot open.
    settings = settings_of(args)
    from flows import etl, interrupt
    from flows.warehouse import wait_until_free, writer_lock
    from transforms.nlp import nlp_version

    nlp_version(settings.model)
    with writer_lock(settings.lock_path, timeout=settings.lock_timeout):
        if settings.db_path.exists():
            wait_until_free(settings)
    quiet_prefect_console()
    interrupt.checkpoint()
    from flows.prefect_env import api_server

    with (
        api_server(settings.prefect_server),
        _progress_bar(enabled=args.progress and sys.stderr.isatty()) as progress,
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
    print(format_summary(summary))
    return EXIT_OK


class _NoErrorRecords:
    """A logging filter: Prefect's failure records (tracebacks) stay off the terminal."""

    def filter(self, record) -> bool:
        return record.levelno < 40 and not record.exc_info


def quiet_prefect_console() -> None:
    """Keep Prefect's error logs and tracebacks off stderr: the CLI prints the one line, and
    the full record still goes to the Prefect API (UI) and to the run ledger (``runs.error``)."""
    import logging

    import prefect  # noqa: F401  (configures Prefect's logging)

    names = ["", "prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.engine"]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if (
                isinstance(handler, logging.StreamHandler)
                and not isinstance(handler, logging.FileHandler)
                and not any(isinstance(f, _NoErrorRecords) for f in handler.filters)
            ):
                handler.addFilter(_NoErrorRecords())


def _disk_full(exc: BaseException) -> bool:
    """ENOSPC, however it is wrapped (OSError, pyarrow, DuckDB, Prefect)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if getattr(exc, "errno", None) == errno.ENOSPC or "No space left on device" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextlib.contextmanager
def _progress_bar(enabled: bool):
    """A progress bar on stderr for long runs (source files done / total); yields the hook the
    flow calls after every batch (None when disabled)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("files", total=None)

        def hook(done: int, total: int, counts) -> None:
            bar.update(
                task,
                completed=done,
                total=total,
                description=f"files ({counts.articles_new} new, {counts.rejected} rejected)",
            )

        yield hook


def format_summary(summary: dict) -> str:
    """The run summary printed by ``newsetl run``: one figure per line, aligned."""
    figures = [
        ("records seen", summary["records_seen"]),
        ("new", summary["articles_new"]),
        ("changed", summary["articles_changed"]),
        ("unchanged", summary["articles_unchanged"]),
        ("reprocessed", summary["articles_reprocessed"]),
        ("rejected", summary["rejected"]),
    ]
    reasons = sorted(summary.get("reject_reasons", {}).items())
    more = [
        (label, summary[key])
        for key, label in (
            ("near_duplicates", "reprints"),
            ("nlp_skipped_language", "other language"),
        )
        if summary.get(key)
    ]
    # rows written per table of the registry (flows.ledger.Counts.written), when any
    written = [(f"{t} written", n) for t, n in summary.get("written", {}).items() if n]
    labels = [label for label, _ in figures + more + written] + [f"  {r}" for r, _ in reasons]
    width = max(map(len, labels)) + 2
    lines = [f"run {summary['run_id']} → {summary['warehouse']} in {summary['seconds']:.1f}s"]
    lines += [f"  {label:<{width}}{n:>8,}" for label, n in figures]
    lines += [f"    {reason:<{width - 2}}{n:>8,}" for reason, n in reasons]
    lines += [f"  {label:<{width}}{n:>8,}" for label, n in more]
    web = [
        ("fetched", "fetched"),
        ("not_modified", "not modified"),
        ("robots_skipped", "robots.txt"),
        ("fetch_failed", "fetch failed"),
    ]
    if any(summary.get(k) for k, _ in web):
        lines.append("  web: " + ", ".join(f"{label} {summary.get(k, 0):,}" for k, label in web))
    lines += [f"  {label:<{width}}{n:>8,}" for label, n in written]
    if summary.get("models"):
        from flows.models import format_summary as models_summary

        lines.append("  " + models_summary(summary["models"]))
    return "\n".join(lines)


# --------------------------------------------------------------------------- scheduling

DEFAULT_API_URL = "http://127.0.0.1:4200/api"


def cmd_server(args: argparse.Namespace) -> int:
    """Start `prefect server start` with the project's PREFECT_HOME (runs until stopped), or
    stop / show the background server that `newsetl run` starts and reuses."""
    from flows import prefect_env

    if args.action == "stop":
        state = prefect_env.stop_background_server()
        print(f"stopped the Prefect server at {state['url']}" if state else "no server running")
        return EXIT_OK
    if args.action == "status":
        state = prefect_env.background_server()
        print(
            f"Prefect server running at {state['url']} (pid {state['pid']}; UI: "
            f"{state['url'].removesuffix('/api')})"
            if state
            else "no server running"
        )
        return EXIT_OK

    prefect_bin = Path(sys.executable).with_name("prefect")
    url = f"http://{args.host}:{args.port}/api"
    print(
        f"Prefect server for newsetl on {url} (UI: http://{args.host}:{args.port})\n"
        f"In another shell: export PREFECT_API_URL={url}",
        flush=True,
    )
    os.execv(
        str(prefect_bin),
        [str(prefect_bin), "server", "start", "--host", args.host, "--port", str(args.port)],
    )
    return EXIT_OK  # pragma: no cover - execv does not return


def _api_reachable(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the news_etl deployment on a schedule against a running Prefect server."""
    from flows.settings import DEFAULT_SOURCES

    url = args.api_url or os.environ.get("PREFECT_API_URL") or DEFAULT_API_URL
    if not _api_reachable(url):
        raise UserError(
            f"no Prefect server answers at {url}: start one with `newsetl server` "
            "(or set PREFECT_API_URL / --api-url)"
        )
    sources = [s if "://" in s else os.path.abspath(s) for s in (args.sources or DEFAULT_SOURCES)]
    _check_sources(sources)
    settings = settings_of(args)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.etl import news_etl

    # The deployment's parameters: what each scheduled run resolves its settings from (the
    # serving process's environment applies to the rest).
    parameters = {
        "sources": sources,
        "warehouse_dir": str(settings.warehouse_dir.resolve()),
        "batch_size": args.batch_size,
    }
    parameters = {k: v for k, v in parameters.items() if v is not None}
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    print(
        f"serving deployment news_etl/{args.name} on {url} ({schedule}); Ctrl-C to stop", flush=True
    )
    with temporary_settings(updates={PREFECT_API_URL: url}):
        news_etl.serve(name=args.name, parameters=parameters, **schedule)
    return EXIT_OK


# --------------------------------------------------------------------------- query


def cmd_query(args: argparse.Namespace) -> int:
    from flows.query import write_result

    write_result(settings_of(args), args.sql, args.format, args.max_width, sys.stdout)
    return EXIT_OK


# --------------------------------------------------------------------------- models, report


def cmd_models(args: argparse.Namespace) -> int:
    from flows.models import format_summary, run_models
    from flows.warehouse import WarehouseError

    try:
        summary = run_models(settings_of(args), select=args.select, take_lock=True)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    print(format_summary(summary))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from flows.report import write_report

    if args.output and os.path.isdir(args.output):
        raise UserError(f"--output {args.output} is a directory: give a file name")
    path = write_report(settings_of(args), args.output)
    print(f"report written to {path}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from flows.integrity import check, format_check

    settings = settings_of(args)
    report = check(settings)
    print(format_check(report, settings), flush=True)
    if not report.ok:
        raise UserError(
            f"check found {len(report.problems)} problem(s) in {settings.warehouse_dir}: "
            f"`newsetl repair --warehouse {settings.warehouse_dir}` rebuilds the damaged side"
        )
    return EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    from flows.integrity import repair

    for line in repair(settings_of(args)):
        print(line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
