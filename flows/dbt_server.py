"""The process a run's dbt build runs in (flows/dbt_process.py starts it): ``python -m
flows.dbt_server REQUESTS_FD RESULTS_FD``. It imports dbt, reads the saved parse of the
project (flows/dbt_parse.py) and does dbt's start once (:func:`_ready`), says it is ready,
then waits for one build (the keyword arguments of :func:`flows.models._build`), runs it and
sends back its summary or its failure. It ends when its run's process does."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path


def _exit(code: int) -> None:
    """End now, without the interpreter's teardown (dbt's modules: ~0.5 CPU-s), dbt's
    semaphores released first (multiprocessing's finalizers; else its resource tracker
    reports them as leaked on the run's stderr)."""
    with contextlib.suppress(Exception):
        from multiprocessing import util

        util._exit_function()
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _watch_parent(parent: int) -> None:
    """End this process when the run's process is gone (killed: no request, no reader)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            _exit(1)


def _ready(key: str):
    """The saved parse of ``key`` (flows/dbt_parse.py), made now when there is none (a new
    checkout, an edited project: dbt parses here, ahead, and saves it), and dbt's start (its
    flags, the project, the profile, the adapter, and the code dbt generates on their first
    use) done once, by a listing of one node (~0.5 CPU-s less on the build). Nothing is
    written but the saved parse; no database is opened."""
    import tempfile

    import dbt.adapters.duckdb
    import dbt.task.build  # noqa: F401
    from dbt.cli.main import dbtRunner

    from flows import dbt_parse
    from flows.models import dbt_args

    manifest = dbt_parse.load(key)
    with tempfile.TemporaryDirectory(prefix="newsetl-dbt-") as tmp:
        # the database's name is the file's stem, as in every warehouse (flows/dbt_parse.py)
        args = dbt_args(tmp, tmp, "none", {"duckdb_path": f"{tmp}/news.duckdb"})
        args += ["--log-level-file", "none", "--quiet", "--no-write-json"]
        if manifest is None and dbtRunner().invoke(["parse", *args]).success:
            dbt_parse.save(key, Path(tmp))
            manifest = dbt_parse.load(key)
        if manifest is not None:
            dbtRunner(manifest=manifest).invoke(["ls", *args, "--select", "stg_runs"])
    if manifest is not None:
        _compile_macros(manifest, dbt_parse.used_macros(key))
    return manifest


def _compile_macros(manifest, names: list[str]) -> None:
    """Compile the Jinja templates of the macros the last builds used (dbt compiles each on
    its first call in a process, ~3 ms each: 83 macros in a build, 0.2 CPU-s)."""
    from dbt_common.clients.jinja import template_cache

    for name in names:
        macro = manifest.macros.get(name)
        if macro is not None:
            with contextlib.suppress(Exception):  # dbt compiles it when it is called
                template_cache.get_node_template(macro)


def _save_used_macros(key: str, manifest) -> None:
    """The macros this build compiled, for the next build process (flows/dbt_parse.py)."""
    from dbt_common.clients.jinja import template_cache

    from flows import dbt_parse

    compiled = template_cache.file_cache
    used = [name for name, m in manifest.macros.items() if m.macro_sql in compiled]
    dbt_parse.save_used_macros(key, used)


def _serve(requests: Connection, results: Connection) -> None:
    """Get ready, then run the one build asked for (none when the pipe closes first)."""
    try:
        import dbt.cli.main  # noqa: F401  (the point: imported before the build is asked)

        from flows import models

        key = models.parse_key(models.project_digest())
        preloaded = (key, _ready(key))
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
        results.send(("failed", f"dbt build could not run: {type(exc).__name__}: {exc}", None))
    else:
        results.send(("ok", summary))
        if preloaded[1] is not None:
            _save_used_macros(*preloaded)


def main(argv: list[str]) -> None:
    # SIGTERM: an unused process ended by its run (flows/dbt_process.py), which has opened
    # nothing; SIGINT is the run's (a session of its own), never sent here.
    signal.signal(signal.SIGTERM, lambda signum, frame: _exit(0))
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    requests = Connection(int(argv[0]), writable=False)
    results = Connection(int(argv[1]), readable=False)
    with contextlib.suppress(EOFError, OSError):  # the run is gone
        _serve(requests, results)
    _exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
