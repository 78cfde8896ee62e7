"""Prefect's environment, set before Prefect is imported: project-local home, no telemetry.

A run reports to ``PREFECT_API_URL`` when it is set; otherwise to this project's long-lived
background server (:func:`ensure_background_server`: started by the first run, reused by the
next ones, stopped by ``newsetl server stop``), or with ``NEWSETL_PREFECT_SERVER=temporary`` to
a temporary server started and stopped by the run (:func:`temporary_api_server`).
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
    # Prefect creates its home without parents (a warning on stderr at import) and its server
    # then cannot open its SQLite database there: create a new nested home first.
    with contextlib.suppress(OSError):
        Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)


configure()


def set_console_level(level: str, override: bool) -> None:
    """The level of Prefect's console log handler, set before Prefect is imported: ``override``
    replaces a user's own ``PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL``, else it is a default."""
    key = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
    if override:
        os.environ[key] = level
    else:
        os.environ.setdefault(key, level)


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


# --------------------------------------------------------------------------- long-lived server

#: Which API a ``newsetl run`` uses when ``PREFECT_API_URL`` is not set: ``background`` (a
#: long-lived local server, started on first use and reused by every later run until
#: ``newsetl server stop``) or ``temporary`` (Prefect's way: a server started and stopped by
#: each run, ~20 s).
SERVER_MODE_ENV = "NEWSETL_PREFECT_SERVER"
SERVER_MODES = ("background", "temporary")
STATE_FILE = "newsetl-server.json"
LOCK_FILE = "newsetl-server.lock"
LOG_FILE = "newsetl-server.log"


class ServerError(RuntimeError):
    """The background Prefect server could not be started (the message says why)."""


@contextlib.contextmanager
def api_server(mode: str = "background") -> Iterator[str | None]:
    """The Prefect API a run reports to: ``PREFECT_API_URL`` when one is configured, else the
    project's long-lived background server (started now if none is running), or with ``mode``
    ``temporary`` (``Settings.prefect_server``, ``NEWSETL_PREFECT_SERVER``) a temporary server
    for this run only.

    Yields the background server's URL when this call started it (the run tells its user a
    server now runs on after it), else None."""
    if mode not in SERVER_MODES:
        raise ServerError(f"{SERVER_MODE_ENV} must be one of {', '.join(SERVER_MODES)}")
    if _api_configured():
        yield None
        return
    if mode == "temporary":
        with temporary_api_server():
            yield None
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url, started = _ensure_background_server()
    with temporary_settings(updates={PREFECT_API_URL: url}):
        try:
            yield url if started else None
        finally:
            _flush_api_logs()


def _home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or DEFAULTS["PREFECT_HOME"]).expanduser()


def _healthy(url: str, timeout: float = 2.0) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def _is_our_server(pid: int) -> bool:
    """The process ``pid`` is alive and is a Prefect server (not a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(pid, 0)  # no /proc (macOS): alive is the best we can tell
        except OSError:
            return False
        return True
    text = b" ".join(cmdline)
    return b"prefect" in text and b"server" in text


def _read_state(home: Path) -> dict | None:
    import json

    try:
        state = json.loads((home / STATE_FILE).read_text())
        return state if isinstance(state.get("pid"), int) and state.get("url") else None
    except (OSError, ValueError, AttributeError):
        return None


def background_server() -> dict | None:
    """The running background server of this ``PREFECT_HOME`` ({pid, url, log}), or None."""
    state = _read_state(_home())
    if state and _is_our_server(state["pid"]) and _healthy(state["url"]):
        return state
    return None


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One process at a time starts or stops the background server (two runs started at once
    share one server)."""
    import fcntl

    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK_FILE, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_background_server(timeout: float | None = None) -> str:
    """The API URL of this project's background Prefect server, started first if needed.

    The server is ``prefect server start`` (API, UI and services: the runs show in the UI at
    the URL without ``/api``) on a free port of 127.0.0.1, in its own session (a Ctrl-C in the
    terminal does not reach it), with its output in ``$PREFECT_HOME/newsetl-server.log``. It
    keeps running after the run: ``newsetl server stop`` stops it.
    """
    return _ensure_background_server(timeout)[0]


def _ensure_background_server(timeout: float | None = None) -> tuple[str, bool]:
    """:func:`ensure_background_server`'s URL, and whether this call started the server."""
    import json
    import subprocess
    import sys
    import time

    home = _home()
    with _locked(home):
        state = background_server()
        if state:
            return state["url"], False
        _stop_state(home)  # a dead or hung server of an earlier session
        if timeout is None:
            timeout = float(DEFAULTS["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        prefect_bin = Path(sys.executable).with_name("prefect")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
        env.update({"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
        with open(home / LOG_FILE, "ab") as log:
            proc = subprocess.Popen(
                [str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=str(home),
            )
        (home / STATE_FILE).write_text(
            json.dumps({"pid": proc.pid, "url": url, "log": str(home / LOG_FILE)})
        )
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop_state(home)
                raise ServerError(
                    f"the background Prefect server did not start on {url} "
                    f"(see {home / LOG_FILE}); or set PREFECT_API_URL to a running server"
                )
            time.sleep(0.25)
        return url, True


def _stop_state(home: Path, timeout: float = 30.0) -> dict | None:
    """Stop the server the state file names (its whole process group); forget it."""
    import signal
    import time

    state = _read_state(home)
    (home / STATE_FILE).unlink(missing_ok=True)
    if not state or not _is_our_server(state["pid"]):
        return None
    pid = state["pid"]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return state
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child (tests)
                    return state
            except ChildProcessError:
                pass
            if not _is_our_server(pid):
                return state
            time.sleep(0.1)
    return state


def stop_background_server() -> dict | None:
    """Stop this ``PREFECT_HOME``'s background server; its state ({pid, url}) or None if none
    was running."""
    home = _home()
    with _locked(home):
        return _stop_state(home)
