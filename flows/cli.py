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
import csv
import datetime as dt
import decimal
import errno
import glob
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """An error the user can fix; printed as one line."""


def _warehouse_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        metavar="DIR",
        default=os.environ.get("NEWSETL_WAREHOUSE") or "warehouse",
        help="warehouse folder (default: $NEWSETL_WAREHOUSE or ./warehouse)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsetl", description="News articles to a DuckDB warehouse (Prefect + spaCy)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the ETL flow on files, directories or globs")
    run.add_argument("sources", nargs="*", metavar="SOURCE", help="default: data/sample")
    _warehouse_arg(run)
    run.add_argument("--batch-size", type=int, metavar="N", help="articles per batch")
    run.add_argument("--full-refresh", action="store_true", help="reprocess every article")
    run.add_argument(
        "--no-backfill",
        dest="backfill",
        action="store_false",
        help="do not reprocess stale articles that are not in SOURCE",
    )
    run.add_argument("--n-process", type=int, metavar="N", help="NLP worker processes")
    run.add_argument("--lock-timeout", type=float, metavar="S", help="wait for another writer")
    run.add_argument("--no-progress", dest="progress", action="store_false")
    run.add_argument("--no-models", action="store_true", help="skip the final dbt build")

    query = sub.add_parser("query", help="run read-only SQL against the warehouse")
    query.add_argument("sql", help="the SQL statement")
    _warehouse_arg(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--max-width", type=int, default=60, help="cell width in table format")

    server = sub.add_parser("server", help="start a Prefect server (UI and scheduler)")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=4200)

    serve = sub.add_parser("serve", help="serve the news_etl deployment on a schedule")
    serve.add_argument("sources", nargs="*", metavar="SOURCE", help="default: data/sample")
    _warehouse_arg(serve)
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", metavar="EXPR", help='e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=float, metavar="SECONDS")
    serve.add_argument("--name", default="newsetl", help="deployment name")
    serve.add_argument("--api-url", help="Prefect API (default: $PREFECT_API_URL or local)")
    serve.add_argument("--batch-size", type=int, metavar="N")
    models = sub.add_parser("models", help="build and test the SQL models (dbt build)")
    _warehouse_arg(models)
    models.add_argument("--select", nargs="+", metavar="SELECTOR", help="dbt node selection")
    report = sub.add_parser("report", help="write the HTML report from the marts")
    _warehouse_arg(report)
    report.add_argument("--output", metavar="FILE", help="default: <warehouse>/report.html")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "query":
            return cmd_query(args)
        if args.command == "server":
            return cmd_server(args)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "models":
            return cmd_models(args)
        if args.command == "report":
            return cmd_report(args)
    except UserError as exc:
        print(f"newsetl: error: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("newsetl: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE


# --------------------------------------------------------------------------- run


def _check_sources(sources: list[str]) -> None:
    for source in sources:
        if not os.path.lexists(source) and not glob.glob(source, recursive=True):
            raise UserError(f"source not found: {source}")


def cmd_run(args: argparse.Namespace) -> int:
    sources = args.sources or ["data/sample"]
    _check_sources(sources)
    if args.lock_timeout is not None:
        os.environ["NEWSETL_LOCK_TIMEOUT"] = str(int(args.lock_timeout))
    with _user_errors():
        from flows import etl
        from flows.settings import LOCK_FILE, load_settings
        from flows.warehouse import writer_lock
        from transforms.nlp import nlp_version

        # Fail fast, before the flow starts: a missing model, or another run holding the lock.
        settings = load_settings(args.warehouse)
        nlp_version(settings.model)
        with writer_lock(Path(args.warehouse) / LOCK_FILE, timeout=settings.lock_timeout):
            pass

        with _progress_bar(enabled=args.progress and sys.stderr.isatty()):
            summary = etl.news_etl(
                sources=sources,
                warehouse_dir=args.warehouse,
                batch_size=args.batch_size,
                full_refresh=args.full_refresh,
                n_process=args.n_process,
                backfill=args.backfill,
                run_models=not args.no_models,
            )
    print(format_summary(summary))
    return EXIT_OK


@contextlib.contextmanager
def _user_errors():
    """Turn the errors a user can act on into one-line messages."""
    from flows.warehouse import WarehouseError

    try:
        yield
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    except Exception as exc:
        if _disk_full(exc):
            raise UserError(
                "disk full: no space left on the device holding the warehouse; free some space "
                "and run again (the warehouse stays consistent and the next run resumes)"
            ) from None
        if isinstance(exc, OSError) and ("spaCy model" in str(exc) or "[E050]" in str(exc)):
            raise UserError(str(exc).splitlines()[0]) from None
        raise


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
    lines = [
        f"run {summary['run_id']} → {summary['warehouse']} in {summary['seconds']:.1f}s",
        f"  records seen  {summary['records_seen']:>8,}",
        f"  new           {summary['articles_new']:>8,}",
        f"  changed       {summary['articles_changed']:>8,}",
        f"  unchanged     {summary['articles_unchanged']:>8,}",
        f"  reprocessed   {summary['articles_reprocessed']:>8,}",
        f"  rejected      {summary['rejected']:>8,}",
    ]
    for reason, n in sorted(summary.get("reject_reasons", {}).items()):
        lines.append(f"    {reason:<20}{n:>6,}")
    for key in ("mentions_written", "quotes_written", "events_written"):
        if summary.get(key):
            lines.append(f"  {key.replace('_', ' '):<14}{summary[key]:>8,}")
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
    """Start `prefect server start` with the project's PREFECT_HOME (runs until stopped)."""
    import flows  # noqa: F401  (sets PREFECT_HOME and telemetry off)

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
    sources = [os.path.abspath(s) for s in (args.sources or ["data/sample"])]
    _check_sources(sources)
    from flows.etl import news_etl

    parameters = {"sources": sources, "warehouse_dir": os.path.abspath(args.warehouse)}
    if args.batch_size:
        parameters["batch_size"] = args.batch_size
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    print(
        f"serving deployment news_etl/{args.name} on {url} ({schedule}); Ctrl-C to stop", flush=True
    )
    news_etl.serve(name=args.name, parameters=parameters, **schedule)
    return EXIT_OK


# --------------------------------------------------------------------------- query


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def format_table(names: list[str], rows: list[tuple], max_width: int) -> str:
    def clip(text: str) -> str:
        text = text.replace("\n", "⏎")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(_cell(v)) for v in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    sep = "-+-".join("-" * w for w in widths)
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), sep]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def run_query(warehouse: str, sql: str, timeout: float = 30.0) -> tuple[list[str], list[tuple]]:
    """Run SQL on a read-only connection; returns (column names, rows)."""
    import duckdb

    from flows.settings import DB_FILE
    from flows.warehouse import WarehouseError, connect

    try:
        con = connect(Path(warehouse) / DB_FILE, read_only=True, timeout=timeout)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message or "read only" in message:
            raise UserError(f"write refused: `newsetl query` is read-only ({message})") from None
        raise UserError(message) from None
    finally:
        con.close()


def cmd_query(args: argparse.Namespace) -> int:
    names, rows = run_query(args.warehouse, args.sql)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([[_cell(v) if v is not None else "" for v in r] for r in rows])
    elif args.format == "json":
        records = [dict(zip(names, map(_jsonable, r), strict=True)) for r in rows]
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        print(format_table(names, rows, args.max_width))
    return EXIT_OK


# --------------------------------------------------------------------------- models, report


def cmd_models(args: argparse.Namespace) -> int:
    from flows.models import format_summary, run_models
    from flows.settings import load_settings
    from flows.warehouse import WarehouseError

    try:
        summary = run_models(load_settings(args.warehouse), select=args.select, take_lock=True)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    print(format_summary(summary))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from flows.report import write_report
    from flows.settings import load_settings
    from flows.warehouse import WarehouseError

    try:
        path = write_report(load_settings(args.warehouse), args.output)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    print(f"report written to {path}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
