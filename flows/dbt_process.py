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
import time
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The armed run's settings, and its started process (see arm / prestart).
_STATE: dict = {"settings": None, "process": None}
_LOCK = threading.Lock()


class NotStarted(Exception):
    """The process ended before it took the build (nothing of the build ran there)."""


def build(settings, request: dict, in_process) -> dict:
    """``in_process(**request)`` (flows.models._build) in the run's started process when
    there is one for this warehouse (else, or when it ended before taking it, in this one)."""
    proc = take(settings)
    if proc is not None:
        try:
            return proc.build(request)
        except NotStarted:
            pass
        finally:
            proc.close()
    return in_process(**request)


class BuildProcess:
    """The child: ``python -m flows.dbt_process`` with a pipe each way."""

    def __init__(self) -> None:
        to_child_r, self.requests = Pipe(duplex=False)
        self.results, to_parent_w = Pipe(duplex=False)
        fds = (to_child_r.fileno(), to_parent_w.fileno())
        # the code this process runs (a checkout's, whatever the installed package's)
        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flows.dbt_process", *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
            start_new_session=True,  # the run handles Ctrl-C, not dbt (see the docstring)
        )
        to_child_r.close()
        to_parent_w.close()

    def build(self, request: dict) -> dict:
        """Hand the build over and return its summary; raises ModelsFailed as ``_build``,
        :class:`NotStarted` when the process ended before it could take the build."""
        from flows.models import ModelsFailed

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
            raise ModelsFailed(
                f"dbt build could not run: its process ended (exit code {code}): {exc}"
            ) from None
        if reply[0] == "ok":
            return reply[1]
        raise ModelsFailed(reply[1], reply[2] if len(reply) > 2 else None)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """End the process (an unused one exits when its request pipe closes)."""
        with contextlib.suppress(OSError):
            self.requests.close()
        with contextlib.suppress(OSError):
            self.results.close()
        try:
            self.proc.wait(timeout=5)
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


def _watch_parent(parent: int) -> None:
    """End this process when the run's process is gone (killed: no request, no reader)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _warm(manifest) -> None:
    """dbt's start (its flags, the project, the profile, the adapter, and the code dbt
    generates on their first use) done once ahead, by a listing of one node (~0.5 CPU-s
    less on the build; nothing is written, nothing is opened)."""
    import json
    import tempfile

    import dbt.adapters.duckdb
    import dbt.task.build  # noqa: F401
    from dbt.cli.main import dbtRunner

    from flows.models import SQL_DIR

    if manifest is None:
        return
    with tempfile.TemporaryDirectory(prefix="newsetl-dbt-") as tmp:
        dbtRunner(manifest=manifest).invoke(
            [
                "ls", "--project-dir", str(SQL_DIR), "--profiles-dir", str(SQL_DIR),
                "--target-path", tmp, "--log-path", tmp, "--log-level", "none",
                "--log-level-file", "none", "--quiet", "--no-write-json",
                "--no-send-anonymous-usage-stats",
                "--vars", json.dumps({"duckdb_path": f"{tmp}/news.duckdb"}),
                "--select", "stg_runs",
            ]
        )  # fmt: skip


def _serve(requests: Connection, results: Connection) -> None:
    try:
        import dbt.cli.main  # noqa: F401  (the point: imported before the build is asked)

        from flows import dbt_parse, models

        key = models.parse_key(models.project_digest())
        preloaded = (key, dbt_parse.load(key))
        _warm(preloaded[1])
    except Exception:  # the run builds in-process (and reports whatever is wrong)
        return
    results.send(("ready",))
    try:
        request = requests.recv()
    except EOFError:  # not needed after all
        return
    try:
        summary = models._build(**request, preloaded=preloaded)
    except models.ModelsFailed as exc:
        results.send(("failed", str(exc), exc.failures))
    except BaseException as exc:
        results.send(("failed", f"dbt build could not run: {type(exc).__name__}: {exc}"))
    else:
        results.send(("ok", summary))


def main(argv: list[str]) -> None:
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    requests = Connection(int(argv[0]), writable=False)
    results = Connection(int(argv[1]), readable=False)
    with contextlib.suppress(EOFError, OSError):  # the run is gone
        _serve(requests, results)
    with contextlib.suppress(Exception):  # dbt's semaphores (multiprocessing's finalizers)
        from multiprocessing import util

        util._exit_function()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter teardown (dbt's modules: ~0.5 CPU-s)


if __name__ == "__main__":
    main(sys.argv[1:])
