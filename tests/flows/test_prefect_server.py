"""The long-lived background Prefect server: started by the first `newsetl run` without
PREFECT_API_URL, reused by the next runs (runs visible in it), stopped by `newsetl server stop`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLE, VENV_BIN

pytestmark = pytest.mark.slow
NEWSETL = str(VENV_BIN / "newsetl")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (already exited, not yet reaped by init) counts as gone.
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=3) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def background(tmp_path_factory):
    """Two runs and the server commands against one PREFECT_HOME of their own; the server is
    stopped at the end whatever happened."""
    root = tmp_path_factory.mktemp("background-server")
    home = root / "prefect"
    corpus = root / "corpus"
    corpus.mkdir()
    for path in sorted(SAMPLE.glob("*.txt"))[:2]:
        shutil.copy(path, corpus / path.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(home),
        NEWSETL_PREFECT_SERVER="background",
        PREFECT_SERVER_UI_ENABLED="false",
        NEWSETL_N_PROCESS="1",
    )

    def newsetl(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [NEWSETL, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
        )

    out: dict = {"home": home}
    try:
        out["status_before"] = newsetl("server", "status")
        wh = str(root / "wh")
        out["first"] = newsetl(
            "run", str(corpus), "--warehouse", wh, "--no-progress", "--no-models"
        )
        out["state_after_first"] = json.loads((home / "newsetl-server.json").read_text())
        out["status_running"] = newsetl("server", "status")
        out["second"] = newsetl(
            "run", str(corpus), "--warehouse", wh, "--no-progress", "--no-models"
        )
        out["state_after_second"] = json.loads((home / "newsetl-server.json").read_text())
        url = out["state_after_first"]["url"]
        request = urllib.request.Request(
            url + "/flow_runs/filter",
            data=json.dumps({"sort": "START_TIME_ASC"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            out["flow_runs"] = json.loads(resp.read())
        con = duckdb.connect(str(root / "wh" / "news.duckdb"), read_only=True)
        try:
            out["ledger"] = con.execute(
                "SELECT flow_run_id::VARCHAR, status, articles_new, articles_unchanged "
                "FROM runs ORDER BY started_at"
            ).fetchall()
        finally:
            con.close()
        out["stop"] = newsetl("server", "stop")
        out["stop_again"] = newsetl("server", "stop")
        yield out
    finally:
        subprocess.run([NEWSETL, "server", "stop"], env=env, capture_output=True, timeout=120)


def test_first_run_starts_a_server_the_second_reuses(background):
    assert background["status_before"].stdout.strip() == "no server running"
    for key in ("first", "second"):
        assert background[key].returncode == 0, background[key].stderr[-2000:]
    first, second = background["state_after_first"], background["state_after_second"]
    assert first == second  # same process, same URL: reused, not restarted
    assert first["url"].startswith("http://127.0.0.1:") and first["url"].endswith("/api")
    assert background["status_running"].stdout.strip() == (
        f"Prefect server running at {first['url']} (pid {first['pid']}; "
        f"UI: {first['url'].removesuffix('/api')})"
    )
    # the first run says it left a server running, and how to stop it; the second does not
    ui = first["url"].removesuffix("/api")
    assert background["first"].stdout.splitlines()[-1] == (
        f"  Prefect server started in the background (UI: {ui}); later runs reuse it; "
        "`newsetl server stop` stops it"
    )
    assert "Prefect server" not in background["second"].stdout


def test_runs_are_visible_in_the_server(background):
    ledger = background["ledger"]
    assert [(status, new, unchanged) for _, status, new, unchanged in ledger] == [
        ("completed", 2, 0),
        ("completed", 0, 2),
    ]
    runs = background["flow_runs"]
    assert [(r["id"], r["state_type"]) for r in runs] == [
        (flow_run_id, "COMPLETED") for flow_run_id, *_ in ledger
    ]


def test_server_stop_stops_it_and_leaves_nothing(background):
    state = background["state_after_first"]
    assert background["stop"].returncode == 0
    assert background["stop"].stdout.strip() == f"stopped the Prefect server at {state['url']}"
    assert not _alive(state["pid"])
    assert not _healthy(state["url"])
    assert not (background["home"] / "newsetl-server.json").exists()
    assert background["stop_again"].stdout.strip() == "no server running"


def test_a_temporary_server_creates_a_new_nested_prefect_home(tmp_path):
    """NEWSETL_PREFECT_SERVER=temporary with a PREFECT_HOME whose parents do not exist yet (a
    fresh clone's `.prefect/xdist-gw0`): no warning from Prefect's import, the server starts
    and its database is in that home."""
    home = tmp_path / "new" / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_UI_ENABLED="false")
    script = (
        "from flows.prefect_env import temporary_api_server\n"
        "from prefect.settings import PREFECT_API_URL\n"
        "with temporary_api_server():\n"
        "    print(PREFECT_API_URL.value())\n"
    )
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Failed to create the Prefect home" not in done.stderr
    assert done.stdout.strip().startswith("http://127.0.0.1:")
    assert (home / "prefect.db").is_file()
