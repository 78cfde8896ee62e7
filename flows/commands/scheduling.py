"""``newsetl server`` (a Prefect server: foreground, or the background one runs reuse) and
``newsetl serve`` (the news_etl deployment on a schedule)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from flows.commands.options import check_sources, settings_of, verbosity
from flows.console import serve_banner
from flows.errors import EXIT_OK, UserError

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
    from flows.settings import default_sources

    sources = [s if "://" in s else os.path.abspath(s) for s in (args.sources or default_sources())]
    check_sources(sources)
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
    import asyncio

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    with temporary_settings(updates={PREFECT_API_URL: url}):
        # What Flow.serve does, split so that the banner comes after the deployment is on the
        # server: its "run it now" command works the moment it is printed (Flow.serve prints
        # only after registering too, but its message cannot be ours). One run at a time
        # (limit=1): a run that comes due while another is loading waits for it, instead of
        # starting a second process that waits --lock-timeout and then fails busy.
        runner = Runner(name=args.name, limit=1)
        runner.add_flow(news_etl, name=args.name, parameters=parameters, **schedule)
        if verbosity(args) != "quiet":
            print(serve_banner(args.name, url, schedule), flush=True)
        # Ctrl-C or a termination signal ends the runner, which has stopped its runs
        with contextlib.suppress(KeyboardInterrupt, TerminationSignal):
            asyncio.run(runner.start())
    return EXIT_OK
