"""tests/reaper.py: a test process killed without its teardown does not leave its server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.reaper import alive, reap_with

# an "owner" (a stand-in for pytest) that starts a long sleep in its own session, as the
# prefect_server fixture starts the server, prints the sleep's pid and waits to be killed
OWNER = (
    "import subprocess, sys, time\n"
    "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
    "print(p.pid, flush=True)\n"
    "time.sleep(300)\n"
)


def _until(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def _owner_and_server():
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True)
    server = int(owner.stdout.readline())
    return owner, server


def test_group_stopped_when_owner_is_killed():
    owner, server = _owner_and_server()
    watcher = reap_with(owner.pid, server, grace=5)
    try:
        time.sleep(1.5)
        assert alive(server)  # the watcher leaves it alone while the owner lives
        owner.kill()  # SIGKILL: no teardown can run
        owner.wait()
        assert _until(lambda: not alive(server), 15)
        assert watcher.wait(timeout=10) == 0
    finally:
        if alive(server):
            os.kill(server, signal.SIGKILL)
        owner.kill()
        owner.stdout.close()


def test_watcher_ends_when_teardown_stopped_the_group():
    owner, server = _owner_and_server()
    watcher = reap_with(owner.pid, server, grace=5)
    try:
        os.killpg(server, signal.SIGTERM)  # what the fixture's teardown does
        assert watcher.wait(timeout=10) == 0
        assert alive(owner.pid)  # the watcher never touches its owner
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()
