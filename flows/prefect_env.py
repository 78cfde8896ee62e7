"""Prefect's environment, set before Prefect is imported: project-local home, no telemetry.

Without ``PREFECT_API_URL`` Prefect 3 starts a temporary local server for each run (offline).
With ``newsetl server`` running, point ``PREFECT_API_URL`` at it to see runs in the UI.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The first start of a temporary server migrates its database: allow for a slow machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


configure()


def _api_configured() -> bool:
    from prefect.settings import PREFECT_API_URL

    return bool(os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value())


@contextlib.contextmanager
def temporary_api_server() -> Iterator[None]:
    """Without ``PREFECT_API_URL``, run the flow against a temporary local Prefect server
    started in its own session, so that a Ctrl-C typed in the terminal (sent to the whole
    process group) reaches newsetl only: newsetl winds the run down through the API (the run's
    state, its logs), then stops the server. Prefect's own temporary server would be in the
    terminal's process group and die first, leaving the run to retry a dead API for minutes.
    """
    if _api_configured():
        yield
        return
    import subprocess
    import sys

    import prefect
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    class _SessionServer(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen:
            # Prefect's own command (prefect 3.9), in a new session: no terminal signals.
            return subprocess.Popen(
                args=[
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--app-dir",
                    str(prefect.__module_path__.parent),
                    "--factory",
                    "prefect.server.api.server:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "error",
                    "--lifespan",
                    "on",
                ],
                env={
                    **os.environ,
                    "PREFECT_UI_ENABLED": "0",
                    "PREFECT__SERVER_EPHEMERAL": "1",
                    "PREFECT__SERVER_FINAL": "1",
                    **get_current_settings().to_environment_variables(exclude_unset=True),
                },
                start_new_session=True,
            )

    server = _SessionServer()
    try:
        server.start()
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield
            finally:
                _flush_api_logs()
    finally:
        server.stop()


def _flush_api_logs() -> None:
    """Send the run's last log records to the API before its server stops (else Prefect
    retries a stopped server at exit, for a minute)."""
    with contextlib.suppress(Exception):
        from prefect.logging.handlers import APILogHandler

        APILogHandler().flush()
