"""A run's dbt build in a process of its own, started while the run still has work to do.

A process's first dbt build pays dbt's fixed costs before its first node: importing dbt
(~1.6 CPU-s), reading the saved parse of the project (flows/dbt_parse.py, ~0.8 CPU-s) and
dbt's serialization code generated on first use — about half of a first build's CPU at 4,000
articles, all of it on the run's serial tail, after the last batch is loaded. A flow run
with its models to build (:func:`arm`) therefore starts, with its first batch that has
articles to parse (:func:`prestart`), a Python process that does all of that at once and
then waits; the models stage hands it the build (:func:`build`: the same ``_build`` call
as in-process, :func:`flows.models.run_models` keeps every check before and after) and reads
its summary back. While the run parses, that process uses a core the run leaves free (a
one-article run parses in its own process) or a share of the busy ones; the build starts
warm.

Only where it helps: a process that has imported dbt already (a long-lived worker, the tests'
own process) builds in-process, as does a DuckLake warehouse (its own target) and a run
without models. Anything wrong with the process before the build is handed over (it failed
to start, died, or is for another warehouse) means an in-process build, as before; a failed
build raises :class:`flows.models.ModelsFailed` as in-process. The process never outlives
the run: it is in a session of its own (Ctrl-C is the run's to handle, as for an in-process
build: the build finishes, then the run stops), ends when the run's process does (a thread
watches its parent), and an unused one is ended by :func:`discard` when the run ends.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Pipe
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The armed run's settings, and its started process (see arm / prestart).
_STATE: dict = {"settings": None, "process": None}
_LOCK = threading.Lock()


class NotStarted(Exception):
    """The process ended before it took the build (nothing of the build ran there)."""


def build(settings, request: dict, in_process, failed: type[Exception]) -> dict:
    """``in_process(**request)`` (flows.models._build) in the run's started process when
    there is one for this warehouse (else, or when it ended before taking it, in this one);
    a failed build raises ``failed`` (flows.models.ModelsFailed) as in-process."""
    proc = take(settings)
    if proc is not None:
        try:
            return proc.build(request, failed)
        except NotStarted:
            pass
        finally:
            proc.close(used=True)
    return in_process(**request)


class BuildProcess:
    """The child: ``python -m flows.dbt_server`` with a pipe each way."""

    def __init__(self) -> None:
        to_child_r, self.requests = Pipe(duplex=False)
        self.results, to_parent_w = Pipe(duplex=False)
        fds = (to_child_r.fileno(), to_parent_w.fileno())
        # the code this process runs (a checkout's, whatever the installed package's)
        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flows.dbt_server", *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
            start_new_session=True,  # the run handles Ctrl-C, not dbt (see the docstring)
        )
        to_child_r.close()
        to_parent_w.close()

    def build(self, request: dict, failed: type[Exception]) -> dict:
        """Hand the build over and return its summary; raises ``failed`` as ``_build``,
        :class:`NotStarted` when the process ended before it could take the build."""
        ready = False
        try:
            self.requests.send(request)
            reply = self.results.recv()
            while reply[0] == "ready":  # it was still starting
                ready = True
                reply = self.results.recv()
        except (EOFError, OSError) as exc:
            code = self.proc.wait()
            if not ready:
                raise NotStarted from None
            raise failed(
                f"dbt build could not run: its process ended (exit code {code}): {exc}"
            ) from None
        if reply[0] == "ok":
            return reply[1]
        raise failed(*reply[1:])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, used: bool = False) -> None:
        """End the process: one that was handed a build ends after it (its DuckDB connection
        closed); an unused one has opened nothing yet, and is ended at once."""
        with contextlib.suppress(OSError):
            self.requests.close()
        with contextlib.suppress(OSError):
            self.results.close()
        if not used:
            self.proc.terminate()  # it ends at once (flows/dbt_server.py)
        try:
            self.proc.wait(timeout=5 if not used else 30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def arm(settings) -> None:
    """A flow run that will build its models: :func:`prestart` may start the process."""
    discard()
    if not settings.catalog and not _dbt_imported():
        _STATE["settings"] = settings


def _dbt_imported() -> bool:
    """Whether this process has dbt already (then its builds start warm here)."""
    return "dbt.cli.main" in sys.modules


def prestart() -> None:
    """Start the armed run's build process, once (the run has articles to parse)."""
    with _LOCK:
        if _STATE["settings"] is None or _STATE["process"] is not None:
            return
        try:
            _STATE["process"] = BuildProcess()
        except OSError:  # built in-process instead
            _STATE["settings"] = None


def take(settings) -> BuildProcess | None:
    """The started process for a build of ``settings``' warehouse, taken (None: in-process)."""
    with _LOCK:
        proc, armed = _STATE["process"], _STATE["settings"]
        _STATE["process"] = _STATE["settings"] = None
    if proc is None:
        return None
    if armed is None or armed.db_path != settings.db_path or not proc.alive():
        proc.close()
        return None
    return proc


def discard() -> None:
    """End an unused process and disarm (a run's end)."""
    with _LOCK:
        proc = _STATE["process"]
        _STATE["process"] = _STATE["settings"] = None
    if proc is not None:
        proc.close()
