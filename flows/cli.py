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

This module parses the flags and turns every failure into its line and exit code; the commands
themselves are in ``flows.commands`` (``HANDLERS`` below maps each name to its function).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

# First: its exit hook must be registered before any other's, so that it runs after them all
# (it ends the process without the interpreter's teardown: flows.interrupt).
from flows import interrupt
from flows.commands.options import (
    DBT_LOG_LEVEL,
    PREFECT_CONSOLE_LEVEL,
    settings_of,
    verbosity,
)
from flows.commands.run import cmd_run
from flows.commands.run import start_early as run_start_early
from flows.commands.scheduling import DEFAULT_API_URL, cmd_serve, cmd_server
from flows.commands.tables import (
    cmd_check,
    cmd_models,
    cmd_publish,
    cmd_query,
    cmd_repair,
    cmd_report,
)
from flows.console import format_summary, serve_banner, supported_formats
from flows.errors import (
    EXIT_BUSY,
    EXIT_CODES,
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    describe_error,
    exit_code,
)

__all__ = [
    "DBT_LOG_LEVEL",
    "EXIT_BUSY",
    "EXIT_CODES",
    "EXIT_USAGE",
    "PREFECT_CONSOLE_LEVEL",
    "format_summary",
    "main",
    "serve_banner",
    "settings_of",
    "supported_formats",
    "verbosity",
]


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
    from flows.settings import checkout

    root = checkout()
    # No default here: flows.settings resolves $NEWSETL_WAREHOUSE, once, with the rest.
    parser.add_argument(
        "--warehouse",
        metavar="DIR",
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


class _VersionAction(argparse.Action):
    """``--version``: the versions are looked up when asked for (importlib.metadata scans the
    installed packages: ~0.1 s of every command's start-up when built with the parser)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version())
        parser.exit()


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
    parser.add_argument(
        "--version", action=_VersionAction, nargs=0, help="show the versions and exit"
    )
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
    for flag, meta, text in (
        ("--dask-address", "ADDR", "an existing Dask cluster's scheduler (tcp://host:8786); "
         "default: a temporary local cluster of --n-process workers"),
        ("--lake-url", "URL", "the lake's parts in object storage: s3://bucket/prefix "
         "(credentials: AWS_* variables; NEWSETL_S3_ENDPOINT for MinIO-like stores)"),
        ("--catalog", "CATALOG", "the warehouse as a DuckLake (many runs at once): "
         "postgres:dbname=… host=…, sqlite:PATH or duckdb:PATH (docs/scaling.md)"),
    ):  # fmt: skip
        run.add_argument(flag, metavar=meta, help=text)
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
    _publish_arguments(command("publish", "publish the tables into a shared DuckLake"))
    completion = command("completion", "print a shell completion script (bash or zsh)")
    completion.add_argument("shell", choices=("bash", "zsh"))
    return parser


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    """``newsetl publish``'s options (defined here: flows.ducklake imports DuckDB and pyarrow,
    which the parser of every command does not need)."""
    _warehouse_arg(parser)
    parser.add_argument(
        "--catalog",
        required=True,
        metavar="CATALOG",
        help="the DuckLake catalog: postgres:dbname=news host=… or sqlite:/path/news.sqlite",
    )
    parser.add_argument(
        "--data-path",
        metavar="PATH",
        help="where the DuckLake's data files go (a folder or s3://bucket/prefix); "
        "needed the first time",
    )
    parser.add_argument(
        "--as",
        dest="origin",
        metavar="NAME",
        help="this warehouse's name in the DuckLake (default: host name and warehouse folder)",
    )
    parser.add_argument(
        "--models", action="store_true", help="then build the dbt models on the DuckLake"
    )


COMMANDS = tuple("run query server serve models report check repair publish completion".split())


def main(argv: list[str] | None = None) -> int:
    """The CLI entry point: every failure is one line on stderr and a non-zero exit code."""
    code = _main(argv)
    if argv is None:  # the console script, about to exit (not a caller in a longer process)
        interrupt.exiting(code)
    return code


def _main(argv: list[str] | None) -> int:
    try:
        # A Ctrl-C while the command is still being set up (configure_output imports DuckDB
        # and dbt's settings; seconds on a loaded machine) ends it as a later one would.
        args = build_parser().parse_args(argv)
        if args.command == "run":
            run_start_early(args)  # a first run's workers, before the imports that follow
        configure_output(args)
        handler = HANDLERS[args.command]
        # Commands that write stop at safe points only (flows.interrupt); readers stop at once.
        cooperative = args.command in ("run", "models", "repair")
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


def configure_output(args: argparse.Namespace) -> None:
    """Quiet by default: Prefect's console shows warnings only, dbt's console warnings only;
    -v shows their INFO logs, -q nothing but errors. Set before Prefect is imported (a user's
    own PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL wins over the default)."""
    from flows.prefect_env import set_console_level

    level = verbosity(args)
    set_console_level(PREFECT_CONSOLE_LEVEL[level], override=level != "default")
    if level == "quiet":
        import warnings

        warnings.simplefilter("ignore")
    from flows import models

    models.FLOW_LOG_LEVEL = DBT_LOG_LEVEL[level]


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


# --------------------------------------------------------------------------- completion


def completion_script(shell: str) -> str:
    """The completion script for ``shell`` (bash or zsh), made from this parser."""
    from flows.completion import script

    return script(build_parser(), shell)


def cmd_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(args.shell))
    return EXIT_OK


#: The function that runs each command (``flows.commands`` holds them but this one).
HANDLERS = {
    "run": cmd_run,
    "query": cmd_query,
    "server": cmd_server,
    "serve": cmd_serve,
    "models": cmd_models,
    "report": cmd_report,
    "check": cmd_check,
    "repair": cmd_repair,
    "publish": cmd_publish,
    "completion": cmd_completion,
}


if __name__ == "__main__":
    sys.exit(main())
