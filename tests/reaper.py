"""Stop a test's background process group when the test process dies without its teardown.

A session fixture starts `prefect server start` in a new session (so its teardown can stop the
whole group, uvicorn included). When pytest is killed (SIGTERM/SIGKILL, a CI timeout, a
helper's ``kill``) the teardown never runs and the server would outlive it. :func:`reap_with`
starts a small watcher, itself in its own session, that polls the test process every second and,
once it is gone, sends SIGTERM to the group (SIGKILL after ``grace`` seconds). The watcher exits
on its own when the group's leader ends first (the normal teardown).

Run as a script by :func:`reap_with`: ``python reaper.py OWNER_PID GROUP_ID [GRACE]``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time


def _stat(pid: str | int) -> list[bytes] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state, ppid, pgrp, …)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            # the command name is in parentheses and may hold spaces or parentheses
            return f.read().rsplit(b")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != b"Z"


def group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process of group ``pgid`` remains."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(entry)
            if fields and fields[0] != b"Z" and int(fields[2]) == pgid:
                return True
    return False


def reap_with(owner: int, pgid: int, grace: float = 20.0) -> subprocess.Popen:
    """Start the watcher: process group ``pgid`` is stopped when process ``owner`` is gone."""
    return subprocess.Popen(
        [sys.executable, __file__, str(owner), str(pgid), str(grace)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def watch(owner: int, pgid: int, grace: float) -> None:
    while alive(owner):
        if not group_alive(pgid):  # the owner's teardown stopped the group
            return
        time.sleep(1.0)
    if not group_alive(pgid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.5)
    if group_alive(pgid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


if __name__ == "__main__":
    watch(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 20.0)
