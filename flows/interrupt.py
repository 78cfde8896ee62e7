"""Ctrl-C and SIGTERM for the CLI: always one line (``newsetl: interrupted``), exit code 130, and
nothing half-loaded.

A run is stopped *cooperatively*: the signal handler only records the request, and the flow
checks for it at safe points (:func:`checkpoint`: between batches, between the stages of a
batch, between small groups of articles in the NLP step). An interrupt therefore never lands in
the middle of a DuckDB transaction, a ``COMMIT``, a Parquet rename or a Prefect state change,
where an exception raised at a random bytecode would leave tracebacks or a swallowed interrupt.
The flow fails with :class:`Interrupted`, the run ledger row says ``interrupted``, and the CLI
prints its one line.

A second signal while the run winds down ends the process at once (``os._exit``): that is as
safe as a SIGKILL, which the crash tests cover (uncommitted parts are orphans, removed by the
next run; a ledger row left ``running`` is marked ``aborted``).

Other commands (query, report, models, check, repair) are stopped at once: the first signal
raises ``KeyboardInterrupt`` as usual, and they write nothing that a crash would not clean up.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

_REQUESTED = threading.Event()
_STATE = {"cooperative": False, "signals": 0, "exiting": False}
EXIT_INTERRUPTED = 130


class Interrupted(Exception):
    """Raised at a checkpoint after Ctrl-C / SIGTERM; the CLI turns it into one line."""

    def __init__(self) -> None:
        super().__init__("interrupted (Ctrl-C or SIGTERM)")


def requested() -> bool:
    """Has an interrupt been requested in this process?"""
    return _REQUESTED.is_set()


def checkpoint() -> None:
    """Stop here if an interrupt was requested (call only where stopping is safe)."""
    if _REQUESTED.is_set():
        raise Interrupted()


def _handler(signum, frame) -> None:
    _STATE["signals"] += 1
    _REQUESTED.set()
    if _STATE["signals"] > 1 or not _STATE["cooperative"]:
        if _STATE["cooperative"]:
            # Second signal during a run: end now; as safe as SIGKILL (see module docstring).
            with contextlib.suppress(OSError):
                os.write(2, b"newsetl: interrupted\n")
            os._exit(EXIT_INTERRUPTED)
        raise KeyboardInterrupt


@contextlib.contextmanager
def handling(*, cooperative: bool) -> Iterator[None]:
    """Install the CLI's SIGINT/SIGTERM handlers for the duration of a command."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _STATE.update(cooperative=cooperative, signals=0)
    _REQUESTED.clear()
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig, old in saved.items():
        # A signal ignored when the process started stays ignored (POSIX: a shell without job
        # control starts `newsetl run &` with SIGINT ignored, so that the terminal's Ctrl-C
        # stops the foreground command, not the background jobs).
        if old is not signal.SIG_IGN:
            signal.signal(sig, _handler)
    try:
        yield
    finally:
        for sig, old in saved.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, old)


def exiting(code: int) -> None:
    """The console script's command is over: a Ctrl-C or SIGTERM from here on (Prefect's and
    dbt's exit hooks, the interpreter's teardown) can change nothing, so the process ends at once
    with the command's own exit code instead of dying of the signal (exit status -2, no line)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def _end(signum, frame) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _end)
    _STATE["exiting"] = True
    _STATE["code"] = code


@atexit.register  # registered on import, before Prefect's and dbt's hooks: it runs after them
def _ignore_during_teardown() -> None:
    """After the exit hooks the interpreter resets every Python-level handler to the default
    (the signal would kill the process: exit status -2, no line) and then spends ~0.5 s or more
    collecting garbage and tearing modules down; only an ignored signal stays ignored through
    that, so a console script that is exiting ignores SIGINT/SIGTERM for its last moments.
    Then it skips that teardown (~0.6 s with spaCy and Prefect loaded): every other exit hook
    has run (logging's shutdown flushed the logs), the streams are flushed, and the process
    ends with the command's exit code."""
    if _STATE["exiting"] and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(_STATE["code"])


def ignore_in_worker() -> None:
    """For NLP worker processes: the parent decides when to stop, workers ignore Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
