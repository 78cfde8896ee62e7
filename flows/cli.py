"""The ``newsetl`` command line.

    newsetl run [SOURCE ...] [--warehouse DIR] [--batch-size N] [--full-refresh]
    newsetl query "SQL" [--warehouse DIR] [--format table|csv|json]
    newsetl server [start|stop|status] [--host 127.0.0.1] [--port 4200]
    newsetl serve [SOURCE ...] (--cron EXPR | --interval SECONDS) [--warehouse DIR]
    newsetl models [--warehouse DIR] [--select SELECTOR ...]
    newsetl report [--warehouse DIR] [--output FILE]
    newsetl check | repair [--warehouse DIR]
    newsetl completion bash|zsh

Every command but ``server`` and ``completion`` takes ``--warehouse DIR`` (default:
``$NEWSETL_WAREHOUSE``, else the checkout's ``warehouse/``). Output is quiet by default (a
progress bar on a terminal, then the summary); ``-v`` adds Prefect's and dbt's logs, ``-q``
prints nothing but errors. Errors print one line on stderr, without a traceback; the exit
codes are ``EXIT_CODES``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import decimal
import errno
import glob
import json
import os
import re
import sys
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NOTHING, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 75, 130
#: Every exit code and what it means (README "Exit codes" shows this table).
EXIT_CODES = {
    EXIT_OK: "done (a run that found nothing new is done too)",
    EXIT_FAIL: "failed: the one line on stderr says why; nothing is half-loaded",
    EXIT_USAGE: "bad command line (unknown option, bad value)",
    EXIT_NOTHING: "`run` loaded nothing: no supported file in the sources, or every input "
    "rejected (the formats are listed; the rejects are in `rejects`; models not built)",
    EXIT_BUSY: "the warehouse is busy: another run holds its lock, or a reader its file, "
    "longer than --lock-timeout; nothing changed, try again later (sysexits EX_TEMPFAIL)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C or SIGTERM); nothing is half-loaded",
}


class UserError(Exception):
    """An error the user can fix; printed as one line, exit code ``code``."""

    code = EXIT_FAIL


class NothingLoaded(UserError):
    """A run that could use none of its input."""

    code = EXIT_NOTHING


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
    from flows.settings import checkout, default_warehouse

    root = checkout()
    parser.add_argument(
        "--warehouse",
        metavar="DIR",
        default=str(default_warehouse()),
        help="warehouse folder (default: "
        f"{_env_default('NEWSETL_WAREHOUSE', str(root / 'warehouse') if root else './warehouse')})",
    )


def _output_args(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """-v / -q, accepted before the command (``newsetl -q run``) and after it."""
    group = parser.add_mutually_exclusive_group()
    extra = {} if top else {"default": argparse.SUPPRESS}
    group.add_argument(
        "-v", "--verbose", action="store_true", help="also print Prefect's and dbt's logs", **extra
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (for cron); the exit code tells the outcome",
        **extra,
    )


def _version() -> str:
    from importlib import metadata

    def v(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return (
        f"newsetl {v('newsetl')} (DuckDB {v('duckdb')}, Prefect {v('prefect')}, "
        f"spaCy {v('spacy')}, dbt {v('dbt-core')})"
    )


def _env_default(name: str, fallback: str) -> str:
    value = os.environ.get(name)
    return f"${name} = {value}" if value else f"${name}, else {fallback}"


def build_parser() -> argparse.ArgumentParser:
    from flows.settings import default_sources

    sample = default_sources()[0]
    parser = _Parser(
        prog="newsetl",
        description="News articles to a DuckDB warehouse (Prefect + spaCy + dbt).",
        epilog="Exit codes: "
        + "; ".join(
            f"{code} {text.split(':')[0].split(' (')[0]}" for code, text in EXIT_CODES.items()
        )
        + " (README: Exit codes).",
    )
    parser.add_argument("--version", action="version", version=_version())
    _output_args(parser, top=True)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    def command(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
        _output_args(p)
        return p

    run = command("run", "run the ETL flow on files, directories or globs")
    run.add_argument("sources", nargs="*", metavar="SOURCE", help=f"default: {sample}")
    _warehouse_arg(run)
    run.add_argument(
        "--batch-size",
        type=_positive_int,
        metavar="N",
        help=f"articles per batch (default: {_env_default('NEWSETL_BATCH_SIZE', '256')})",
    )
    run.add_argument("--full-refresh", action="store_true", help="reprocess every article")
    run.add_argument(
        "--no-backfill",
        dest="backfill",
        action="store_false",
        help="do not reprocess stale articles that are not in SOURCE",
    )
    run.add_argument(
        "--n-process",
        type=_positive_int,
        metavar="N",
        help="NLP worker processes (default: "
        f"{_env_default('NEWSETL_N_PROCESS', f'the number of cores, {os.cpu_count() or 1}')})",
    )
    run.add_argument(
        "--lock-timeout",
        type=_seconds,
        metavar="S",
        help="seconds to wait for another writer or a reader holding the file (default: "
        f"{_env_default('NEWSETL_LOCK_TIMEOUT', '30')})",
    )
    run.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="no progress bar (it is shown only when stderr is a terminal, and not with -q)",
    )
    run.add_argument(
        "--runner",
        choices=("local", "dask"),
        help="where NLP runs: local worker processes or a Dask cluster (default: "
        f"{_env_default('NEWSETL_RUNNER', 'local')})",
    )
    run.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="scheduler of an existing Dask cluster (tcp://host:8786); "
        "default: a temporary local cluster of --n-process workers",
    )
    run.add_argument(
        "--lake-url",
        metavar="URL",
        help="keep the lake's Parquet parts in object storage (s3://bucket/prefix; "
        "credentials from AWS_* variables, NEWSETL_S3_ENDPOINT for MinIO-like stores)",
    )
    run.add_argument("--no-models", action="store_true", help="skip the final dbt build")

    query = command("query", "run read-only SQL against the warehouse")
    query.add_argument("sql", help="the SQL statement; names are looked up in main, marts, staging")
    _warehouse_arg(query)
    query.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="default: %(default)s"
    )
    query.add_argument(
        "--max-width",
        type=_positive_int,
        default=60,
        metavar="N",
        help="clip table cells to N characters (default: %(default)s)",
    )

    server = command(
        "server", "start a Prefect server (UI and scheduler); `stop`/`status`: the background one"
    )
    server.add_argument(
        "action",
        nargs="?",
        choices=("start", "stop", "status"),
        help="start, stop or show the background server `newsetl run` starts on first use "
        "(without ACTION: a server in the foreground)",
    )
    server.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    server.add_argument("--port", type=_positive_int, default=4200, help="default: %(default)s")

    serve = command("serve", "serve the news_etl deployment on a schedule")
    serve.add_argument("sources", nargs="*", metavar="SOURCE", help=f"default: {sample}")
    _warehouse_arg(serve)
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", metavar="EXPR", help='e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=_seconds, metavar="SECONDS")
    serve.add_argument("--name", default="newsetl", help="deployment name (default: %(default)s)")
    serve.add_argument(
        "--api-url", help=f"Prefect API (default: $PREFECT_API_URL, else {DEFAULT_API_URL})"
    )
    serve.add_argument(
        "--batch-size",
        type=_positive_int,
        metavar="N",
        help=f"articles per batch (default: {_env_default('NEWSETL_BATCH_SIZE', '256')})",
    )
    models = command("models", "build and test the SQL models (dbt build)")
    _warehouse_arg(models)
    models.add_argument("--select", nargs="+", metavar="SELECTOR", help="dbt node selection")
    report = command("report", "write the HTML report from the marts")
    _warehouse_arg(report)
    report.add_argument("--output", metavar="FILE", help="default: <warehouse>/report.html")
    check = command(
        "check", "verify the warehouse: DuckDB file readable, lake parts against the tables"
    )
    _warehouse_arg(check)
    repair = command("repair", "rebuild the lake from the tables, or the tables from the lake")
    _warehouse_arg(repair)
    completion = command("completion", "print a shell completion script (bash or zsh)")
    completion.add_argument("shell", choices=("bash", "zsh"))
    return parser


COMMANDS = ("run", "query", "server", "serve", "models", "report", "check", "repair", "completion")


def main(argv: list[str] | None = None) -> int:
    """The CLI entry point: every failure is one line on stderr and a non-zero exit code."""
    from flows import interrupt

    args = build_parser().parse_args(argv)
    configure_output(args)
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
            return _fail(str(exc), exc.code if exc.code != EXIT_FAIL else exit_code(exc))
        return _fail(describe_error(exc), exit_code(exc))


#: The console level of Prefect's log handler, by verbosity (its records still reach the
#: Prefect API, so the UI keeps every INFO line); and dbt's console level.
PREFECT_CONSOLE_LEVEL = {"quiet": "ERROR", "default": "WARNING", "verbose": "INFO"}
DBT_LOG_LEVEL = {"quiet": "none", "default": "warn", "verbose": "info"}


def verbosity(args: argparse.Namespace) -> str:
    if getattr(args, "quiet", False):
        return "quiet"
    return "verbose" if getattr(args, "verbose", False) else "default"


def configure_output(args: argparse.Namespace) -> None:
    """Quiet by default: Prefect's console shows warnings only, dbt's console warnings only;
    -v shows their INFO logs, -q nothing but errors. Set before Prefect is imported (a user's
    own PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL wins over the default)."""
    level = verbosity(args)
    key = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
    if level == "default":
        os.environ.setdefault(key, PREFECT_CONSOLE_LEVEL[level])
    else:
        os.environ[key] = PREFECT_CONSOLE_LEVEL[level]
    if level == "quiet":
        import warnings

        warnings.simplefilter("ignore")
    from flows import models

    models.FLOW_LOG_LEVEL = DBT_LOG_LEVEL[level]


def exit_code(exc: BaseException) -> int:
    """EXIT_BUSY when the warehouse was busy (however wrapped), else EXIT_FAIL."""
    from flows.warehouse import WarehouseBusy

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, WarehouseBusy):
            return EXIT_BUSY
        exc = exc.__cause__ or exc.__context__
    return EXIT_FAIL


def _fail(message: str, code: int = EXIT_FAIL) -> int:
    message = " ".join(message.split()) or "failed"
    with contextlib.suppress(BrokenPipeError, OSError):
        print(f"newsetl: error: {message}", file=sys.stderr, flush=True)
    if os.environ.get("NEWSETL_DEBUG"):
        import traceback

        traceback.print_exc()
    return code


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
            where = "" if os.path.isabs(source) else f" (looked in {os.getcwd()})"
            raise UserError(f"source not found: {source}{where}")


def supported_formats() -> str:
    """The input formats, as the "nothing loaded" error lists them."""
    from flows.sources import FEED_EXTS, HTML_EXTS, JSON_EXTS, JSONL_EXTS, TEXT_EXTS

    def exts(group: set[str]) -> str:
        return "/".join(sorted(group))

    return (
        f"{exts(TEXT_EXTS)} (one article), {exts(JSON_EXTS)} (a record or a list), "
        f"{exts(JSONL_EXTS)} (a record per line), {exts(HTML_EXTS)} (a web page), "
        f"{exts(FEED_EXTS)} (a feed or a feed list), and URLs (feeds, pages, s3://…)"
    )


def nothing_loaded_message(sources: list[str], summary: dict) -> str:
    """Why a run loaded nothing, with the supported formats."""
    reasons = summary.get("reject_reasons", {})
    named = ", ".join(sources)
    if not summary["records_seen"]:
        what = f"no input file in {named}"
    elif set(reasons) == {"unsupported_type"}:
        what = (
            f"no supported file in {named} ({reasons['unsupported_type']:,} file(s) of "
            "other types rejected as unsupported_type)"
        )
    else:
        counts = ", ".join(
            f"{n:,} {r}" for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))
        )
        what = (
            f"every input in {named} was rejected ({counts}; "
            '`newsetl query "select * from rejects"` says why)'
        )
    return f"nothing loaded: {what}; supported formats: {supported_formats()}"


def cmd_run(args: argparse.Namespace) -> int:
    from flows.settings import default_sources

    sources = args.sources or default_sources()
    _check_sources(sources)
    from flows.settings import load_settings

    # Fail fast, before the flow starts: a bad setting, a missing model, another run holding
    # the lock, a warehouse DuckDB cannot open.
    settings = load_settings(
        args.warehouse,
        batch_size=args.batch_size,
        n_process=args.n_process,
        lock_timeout=args.lock_timeout,
        runner=args.runner,
        dask_address=args.dask_address,
        lake_url=args.lake_url,
    )
    from flows import etl, interrupt
    from flows.warehouse import writer_lock
    from transforms.nlp import nlp_version

    nlp_version(settings.model)
    with writer_lock(settings.lock_path, timeout=settings.lock_timeout):
        _check_openable(settings)
    quiet_prefect_console()
    interrupt.checkpoint()
    from flows.prefect_env import api_server

    quiet = verbosity(args) == "quiet"
    with (
        api_server(),
        _progress_bar(enabled=args.progress and not quiet and sys.stderr.isatty()),
    ):
        interrupt.checkpoint()
        summary = etl.news_etl(
            sources=sources,
            warehouse_dir=args.warehouse,
            batch_size=args.batch_size,
            full_refresh=args.full_refresh,
            n_process=args.n_process,
            backfill=args.backfill,
            run_models=not args.no_models,
            lock_timeout=args.lock_timeout,
            runner=args.runner,
            dask_address=args.dask_address,
            lake_url=args.lake_url,
        )
    interrupt.checkpoint()
    if not quiet:
        print(format_summary(summary), flush=True)
    if etl.nothing_loaded(summary):
        raise NothingLoaded(nothing_loaded_message(sources, summary))
    return EXIT_OK


def _check_openable(settings) -> None:
    """The warehouse's DuckDB file opens (or does not exist yet)."""
    from flows.warehouse import connect

    if settings.db_path.exists():
        connect(settings.db_path, read_only=False, timeout=settings.lock_timeout).close()


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
    """A progress bar on stderr for long runs (source files done / total)."""
    if not enabled:
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from flows import etl

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

        etl.PROGRESS = hook
        try:
            yield
        finally:
            etl.PROGRESS = None


def format_summary(summary: dict) -> str:
    """The run's figures, labels aligned left and numbers right, one column for all."""
    rows: list[tuple[str, int]] = [
        ("records seen", summary["records_seen"]),
        ("new", summary["articles_new"]),
        ("changed", summary["articles_changed"]),
        ("unchanged", summary["articles_unchanged"]),
        ("reprocessed", summary["articles_reprocessed"]),
        ("rejected", summary["rejected"]),
    ]
    rows += [(f"  {reason}", n) for reason, n in sorted(summary.get("reject_reasons", {}).items())]
    rows += [
        (label, summary[key])
        for key, label in (
            ("near_duplicates", "reprints"),
            ("nlp_skipped_language", "other language"),
        )
        if summary.get(key)
    ]
    rows += [
        (key.replace("_", " "), summary[key])
        for key in ("mentions_written", "quotes_written", "events_written")
        if summary.get(key)
    ]
    label = max(len(name) for name, _ in rows)
    number = max(len(f"{n:,}") for _, n in rows)
    lines = [f"run {summary['run_id']} → {summary['warehouse']} in {summary['seconds']:.1f}s"]
    lines += [f"  {name:<{label}}  {n:>{number},}" for name, n in rows]
    web = [
        ("fetched", "fetched"),
        ("not_modified", "not modified"),
        ("robots_skipped", "robots.txt"),
        ("fetch_failed", "fetch failed"),
    ]
    if any(summary.get(k) for k, _ in web):
        lines.append("  web: " + ", ".join(f"{label} {summary.get(k, 0):,}" for k, label in web))
    if summary.get("models"):
        from flows.models import format_summary as models_summary

        lines.append("  " + models_summary(summary["models"]))
    totals = summary.get("totals")
    if totals:
        lines.append("  warehouse: " + ", ".join(f"{t} {n:,}" for t, n in totals.items()))
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
    if args.action == "start":
        url = prefect_env.ensure_background_server()
        print(f"Prefect server running at {url} (UI: {url.removesuffix('/api')})")
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
    url = args.api_url or os.environ.get("PREFECT_API_URL") or DEFAULT_API_URL
    if not _api_reachable(url):
        raise UserError(
            f"no Prefect server answers at {url}: start one with `newsetl server` "
            "(or set PREFECT_API_URL / --api-url)"
        )
    os.environ["PREFECT_API_URL"] = url
    sources = [s if "://" in s else os.path.abspath(s) for s in (args.sources or ["data/sample"])]
    _check_sources(sources)
    from flows.etl import news_etl

    parameters = {"sources": sources, "warehouse_dir": os.path.abspath(args.warehouse)}
    if args.batch_size:
        parameters["batch_size"] = args.batch_size
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    if verbosity(args) != "quiet":
        print(serve_banner(args.name, url, schedule), flush=True)
    news_etl.serve(name=args.name, parameters=parameters, print_starting_message=False, **schedule)
    return EXIT_OK


def serve_banner(name: str, url: str, schedule: dict) -> str:
    """What `serve` prints: the schedule, and commands that work from any shell (the
    environment's own `prefect`, which need not be on the PATH)."""
    prefect_bin = Path(sys.executable).with_name("prefect")
    when = (
        f'cron "{schedule["cron"]}"' if "cron" in schedule else f"every {schedule['interval']:g}s"
    )
    return (
        f"serving deployment news_etl/{name} on {url} ({when}); Ctrl-C to stop\n"
        f"run it now:  PREFECT_API_URL={url} {prefect_bin} deployment run 'news_etl/{name}'\n"
        f"runs in the UI: {url.removesuffix('/api')}/runs"
    )


# --------------------------------------------------------------------------- query

#: The query connection's sandbox, set by DuckDB itself and locked: no file outside the
#: warehouse's own tables is read, written or attached (``read_text``, ``COPY``, ``ATTACH``,
#: ``EXPORT``, ``read_parquet`` of the lake…), no extension is installed or loaded from disk,
#: and no ``SET``/``RESET``/``PRAGMA`` can change these settings back.
QUERY_SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "lock_configuration": True,
}
#: Where `newsetl query` looks up a name without a schema: the loaded tables, then the marts,
#: then the staging views (``select * from top_speakers`` is ``marts.top_speakers``).
QUERY_SEARCH_PATH = ("main", "marts", "staging")
#: Rows fetched at a time: results are streamed, never held whole.
FETCH_ROWS = 2048
#: Table output measures column widths on the first rows only, then streams the rest.
TABLE_SAMPLE_ROWS = 1000

# C0 and C1 control characters, DEL, and the bidirectional overrides that reorder a terminal
# line: shown as escapes (\x1b, \u202e) in table output instead of acting on the terminal.
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    if ch == "\n":
        return "⏎"
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """Text with control characters escaped, safe to print on a terminal."""
    return _UNSAFE_RE.sub(_escape_char, text)


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return str(value) if isinstance(value, dt.timedelta) else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)  # UUID, intervals, anything else DuckDB returns


def format_table(names: list[str], rows: list[tuple], max_width: int) -> str:
    """A whole result as an aligned table (control characters escaped)."""
    return "\n".join(table_lines(names, iter(rows), max_width))


def _is_number(value) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def table_lines(names: list[str], rows, max_width: int):
    """Yield the lines of an aligned table; widths come from the first rows, the rest streams.

    Columns whose values are all numbers (in those first rows) are aligned right, the others
    left; lines carry no trailing blanks.
    """
    max_width = max(max_width, 2)
    rows = iter(rows)

    def clip(text: str) -> str:
        text = terminal_safe(text)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    names = [clip(n) for n in names]
    raw: list[tuple] = []
    for row in rows:
        raw.append(row)
        if len(raw) >= TABLE_SAMPLE_ROWS:
            break
    head = [[clip(_cell(v)) for v in row] for row in raw]
    widths = [max([len(n)] + [len(r[i]) for r in head]) for i, n in enumerate(names)]
    right = [
        any(r[i] is not None for r in raw) and all(r[i] is None or _is_number(r[i]) for r in raw)
        for i in range(len(names))
    ]

    def line(cells: list[str]) -> str:
        return " | ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    yield line(names)
    yield "-+-".join("-" * w for w in widths)
    count = 0
    for cells in head:
        count += 1
        yield line(cells)
    for row in rows:
        count += 1
        yield line([clip(_cell(v)) for v in row])
    yield f"({count} row{'s' if count != 1 else ''})"


def _has_statement(sql: str) -> bool:
    """Is there anything but whitespace and comments?"""
    stripped = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.DOTALL)
    return bool(stripped.strip(" \t\r\n;"))


#: Functions that bypass the locked configuration: ``enable_logging`` turns on DuckDB's log
#: storage (to files: refused later by the sandbox, but DuckDB then aborts the whole process
#: instead of raising). Refused before the SQL runs; found with DuckDB's own tokenizer, so
#: the names inside string literals and comments do not count.
REFUSED_FUNCTIONS = frozenset({"enable_logging"})


def _refused_function(sql: str) -> str | None:
    import duckdb

    try:
        tokens = duckdb.tokenize(sql)
    except Exception:  # let DuckDB's parser report the syntax error
        return None
    ends = [pos for pos, _ in tokens[1:]] + [len(sql)]
    for (pos, kind), end in zip(tokens, ends, strict=True):
        if kind == duckdb.token_type.identifier:
            name = sql[pos:end].strip().strip('"').lower()
            if name in REFUSED_FUNCTIONS:
                return name
    return None


def _relations(con) -> str:
    """The warehouse's tables and views by schema, for an error that names a missing one."""
    rows = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
        "AND database_name = current_database() AND NOT starts_with(table_name, '_') "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database() ORDER BY ALL"
    ).fetchall()
    by_schema: dict[str, list[str]] = {}
    for schema, name in rows:
        by_schema.setdefault(schema, []).append(name)
    order = [s for s in QUERY_SEARCH_PATH if s in by_schema] + sorted(
        s for s in by_schema if s not in QUERY_SEARCH_PATH
    )
    return "; ".join(f"{s}: {', '.join(by_schema[s])}" for s in order) or "none (run first)"


def _query_error(exc: Exception, con=None) -> UserError:
    import duckdb

    lines = str(exc).strip().splitlines()
    message = " ".join((lines or [""])[0].split()) or type(exc).__name__
    low = message.lower()
    # DuckDB's suggestion ("Did you mean …", "Candidate bindings: …") is on a later line.
    hints = [
        " ".join(x.split())
        for x in lines[1:]
        if x.lower().startswith(("did you mean", "candidate bindings"))
    ]
    if con is not None and "table with name" in low and "does not exist" in low:
        with contextlib.suppress(duckdb.Error):
            hints.append(f"(tables and views — {_relations(con)})")
    if hints:
        message = " ".join([message, *hints])
        low = message.lower()
    if "read-only" in low or "read only" in low:
        return UserError(f"write refused: `newsetl query` is read-only ({message})")
    if "file system operations are disabled" in low or ("external" in low and "disabled" in low):
        return UserError(
            f"refused: `newsetl query` reads only the warehouse's tables, no other file ({message})"
        )
    if any(w in low for w in ("could not read enough bytes", "corrupt", "checksum")):
        return UserError(
            f"{message} — the warehouse's DuckDB file looks damaged: `newsetl check` tells, "
            "`newsetl repair` rebuilds it from the lake"
        )
    if "configuration has been locked" in low:
        return UserError(f"refused: the query connection's settings are locked ({message})")
    return UserError(message)


@contextlib.contextmanager
def query_cursor(warehouse: str, sql: str, timeout: float = 30.0):
    """Run SQL on a sandboxed read-only connection; yields (column names, row iterator).

    Rows are fetched in chunks as they are consumed, so memory stays flat whatever the size
    of the result.
    """
    import duckdb

    from flows.settings import DB_FILE
    from flows.warehouse import WarehouseError, connect

    if not _has_statement(sql):
        raise UserError('no SQL statement given: newsetl query "SELECT …"')
    refused = _refused_function(sql)
    if refused:
        raise UserError(
            f"refused: `newsetl query` cannot call {refused}() (it changes DuckDB's logging, "
            "outside the locked configuration)"
        )
    try:
        con = connect(
            Path(warehouse) / DB_FILE, read_only=True, timeout=timeout, config=QUERY_SANDBOX
        )
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    with contextlib.ExitStack() as stack:
        stack.callback(con.close)
        stack.enter_context(_interrupts_query(con))
        have = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
        path = [s for s in QUERY_SEARCH_PATH if s in have]  # no marts before the first build
        con.execute(f"SET search_path = '{','.join(path)}'")
        try:
            cur = con.execute(sql)
        except duckdb.Error as exc:
            raise _query_error(exc, con) from None
        names = [d[0] for d in cur.description] if cur.description else []

        def rows():
            if not names:
                return
            while True:
                try:
                    chunk = cur.fetchmany(FETCH_ROWS)
                except duckdb.Error as exc:
                    raise _query_error(exc) from None
                if not chunk:
                    return
                yield from chunk

        yield names, rows()


@contextlib.contextmanager
def _interrupts_query(con):
    """Ctrl-C stops a running query: DuckDB runs it in C++ where Python's signal handler cannot
    run, so a helper thread woken by the signal (``signal.set_wakeup_fd``) interrupts the
    connection; the handler then runs and the CLI prints its one line."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)

    def watch() -> None:
        while True:
            data = os.read(read_fd, 16)
            if not data:
                return
            if {signal.SIGINT, signal.SIGTERM} & set(data):
                with contextlib.suppress(Exception):
                    con.interrupt()

    watcher = threading.Thread(target=watch, name="newsetl-query-interrupt", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        os.close(write_fd)
        watcher.join(timeout=2)
        os.close(read_fd)


def run_query(warehouse: str, sql: str, timeout: float = 30.0) -> tuple[list[str], list[tuple]]:
    """Run SQL on the sandboxed read-only connection; returns (column names, all rows)."""
    with query_cursor(warehouse, sql, timeout) as (names, rows):
        return names, list(rows)


def _json_text(record: dict) -> str:
    # JSON escapes C0 controls itself; C1 controls and bidi overrides are escaped here too.
    return _UNSAFE_RE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(record, ensure_ascii=False)
    )


def cmd_query(args: argparse.Namespace) -> int:
    out = sys.stdout
    with query_cursor(args.warehouse, args.sql) as (names, rows):
        if args.format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(names)
            for r in rows:
                writer.writerow([_cell(v) if v is not None else "" for v in r])
        elif args.format == "json":
            n = 0
            out.write("[")
            for r in rows:
                record = dict(zip(names, map(_jsonable, r), strict=True))
                out.write(("\n " if n == 0 else ",\n ") + _json_text(record))
                n += 1
            out.write("\n]\n" if n else "]\n")
        else:
            for line in table_lines(names, rows, args.max_width):
                out.write(line + "\n")
    out.flush()
    return EXIT_OK


# --------------------------------------------------------------------------- models, report


def cmd_models(args: argparse.Namespace) -> int:
    from flows.models import format_summary, run_models
    from flows.settings import load_settings
    from flows.warehouse import WarehouseError

    level = verbosity(args)
    try:
        summary = run_models(
            load_settings(args.warehouse),
            select=args.select,
            take_lock=True,
            log_level=DBT_LOG_LEVEL[level],
        )
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    if level != "quiet":
        print(format_summary(summary))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from flows.report import write_report
    from flows.settings import load_settings

    if args.output and os.path.isdir(args.output):
        raise UserError(f"--output {args.output} is a directory: give a file name")
    path = write_report(load_settings(args.warehouse), args.output)
    if verbosity(args) != "quiet":
        print(f"report written to {path}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from flows.integrity import check, format_check
    from flows.settings import load_settings

    settings = load_settings(args.warehouse)
    report = check(settings)
    if verbosity(args) != "quiet":
        print(format_check(report, settings), flush=True)
    if not report.ok:
        raise UserError(
            f"check found {len(report.problems)} problem(s) in {settings.warehouse_dir}: "
            f"`newsetl repair --warehouse {settings.warehouse_dir}` rebuilds the damaged side"
        )
    return EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    from flows.integrity import repair
    from flows.settings import load_settings

    for line in repair(load_settings(args.warehouse)):
        if verbosity(args) != "quiet":
            print(line)
    return EXIT_OK


# --------------------------------------------------------------------------- completion


def completion_script(shell: str) -> str:
    """A completion script for bash (or zsh, through bashcompinit), made from the parser:
    commands, each command's options, choices of --format, directories for --warehouse,
    files for SOURCE and --output."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    top = [o for a in parser._actions for o in a.option_strings]
    cases = []
    for name, cmd in sub.choices.items():
        opts = " ".join(o for a in cmd._actions for o in a.option_strings)
        words = [" ".join(a.choices) for a in cmd._actions if a.choices and not a.option_strings]
        if words:  # a positional with choices (completion's shell)
            cases.append(
                f'        {name}) [[ "$cur" == -* ]] || {{ COMPREPLY=($(compgen -W "{words[0]}"'
                f' -- "$cur")); return; }}; opts="{opts}" ;;'
            )
        else:
            cases.append(f'        {name}) opts="{opts}" ;;')
    choices = {
        o: " ".join(a.choices)
        for name, cmd in sub.choices.items()
        for a in cmd._actions
        if a.choices and a.option_strings
        for o in a.option_strings
    }
    choice_cases = "\n".join(
        f'        {o}) COMPREPLY=($(compgen -W "{words}" -- "$cur")); return ;;'
        for o, words in sorted(choices.items())
    )
    body = f"""# newsetl completion ({shell}): eval "$(newsetl completion {shell})"
_newsetl() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local cmd="" opts="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in -*) ;; *) cmd="${{COMP_WORDS[i]}}"; break ;; esac
    done
    case "$prev" in
{choice_cases}
        --warehouse) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    case "$cmd" in
        "") COMPREPLY=($(compgen -W "{" ".join(sub.choices)} {" ".join(top)}" -- "$cur")); return ;;
{chr(10).join(cases)}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _newsetl newsetl
"""
    if shell == "zsh":
        body = "autoload -U +X bashcompinit && bashcompinit\n" + body
    return body


def cmd_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(args.shell))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
