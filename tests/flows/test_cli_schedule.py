"""Scheduled runs on a real Prefect server; prefect.yaml deployments; concurrent use."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from flows.warehouse import writer_lock
from tests.conftest import ROOT, SAMPLE, VENV_BIN

pytestmark = pytest.mark.slow


def small_corpus(root: Path, names=("001", "002", "003", "007")) -> Path:
    root.mkdir(parents=True)
    for path in sorted(SAMPLE.glob("*.txt")):
        if path.name[:3] in names:
            shutil.copy(path, root / path.name)
    return root


def query(db: Path, sql: str, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def wait_for(predicate, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def test_served_deployment_fires_on_schedule(prefect_server, tmp_path):
    url, env = prefect_server
    corpus = small_corpus(tmp_path / "corpus")
    wh = tmp_path / "wh"
    db = wh / "news.duckdb"
    serve = subprocess.Popen(
        [
            str(VENV_BIN / "newsetl"),
            "serve",
            str(corpus),
            "--interval",
            "8",
            "--warehouse",
            str(wh),
            "--name",
            "test-schedule",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def completed_runs():
        if not db.exists():
            return None
        try:
            rows = query(
                db,
                "SELECT run_id, flow_run_id, status, articles_new, articles_unchanged "
                "FROM runs WHERE status <> 'running' ORDER BY started_at",
            )
        except duckdb.Error:
            return None  # being written right now, or tables not created yet
        return rows if len(rows) >= 2 else None

    banner: list[str] = []  # serve's first lines
    try:
        # The banner's "run it now" command works as printed: from another directory, without
        # PREFECT_API_URL in the environment and without .venv/bin on the PATH.
        for _ in range(100):
            banner.append(serve.stdout.readline().decode(errors="replace"))
            if not banner[-1] or banner[-1].startswith("run it now:"):
                break
        bare = {k: v for k, v in env.items() if not k.startswith("PREFECT_API")}
        asked = subprocess.run(
            ["bash", "-c", banner[-1].removeprefix("run it now:").strip()],
            env=dict(bare, PATH="/usr/bin:/bin"),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # Generous on a loaded machine (each run is a process that imports Prefect), and
        # returns as soon as the second run is recorded.
        runs = wait_for(completed_runs, timeout=900, every=0.5)
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            out = serve.communicate(timeout=120)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            out = serve.communicate()[0].decode(errors="replace")
        out = "".join(banner) + out
    assert banner[0].startswith(f"serving deployment news_etl/test-schedule on {url} "), out
    assert asked.returncode == 0, (banner, asked.stdout, asked.stderr)
    asked_run = get_json(f"{url}/flow_runs/{re.search(r'UUID: ([0-9a-f-]{36})', asked.stdout)[1]}")
    assert get_json(f"{url}/deployments/{asked_run['deployment_id']}")["name"] == "test-schedule"
    assert runs, f"no scheduled run completed; serve output:\n{out[-3000:]}"
    first, second = runs[0], runs[1]
    assert first[2] == "completed" and first[3] == 4
    assert second[2] == "completed" and (second[3], second[4]) == (0, 4)  # incremental
    assert first[1] and second[1] and first[1] != second[1]  # distinct Prefect flow runs
    assert query(db, "SELECT count(*) FROM articles") == [(4,)]

    # The server knows the runs: they belong to the served deployment and completed.
    flow_run = get_json(f"{url}/flow_runs/{first[1]}")
    deployment = get_json(f"{url}/deployments/{flow_run['deployment_id']}")
    assert flow_run["state"]["type"] == "COMPLETED"
    assert deployment["name"] == "test-schedule"


def post_json(url: str, body: dict):
    import json
    import urllib.request

    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def delete(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10):
        pass


def get_json(url: str) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


def checkout_copy(root: Path) -> Path:
    """A stand-in for the user's checkout: the project's code and environment linked, its own
    prefect.yaml, data/sample (two articles) and warehouse/, so that nothing the deployments
    run can touch the repository's warehouse."""
    root.mkdir()
    for name in ("flows", "transforms", "sql", "pyproject.toml", ".venv"):
        (root / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "prefect.yaml", root / "prefect.yaml")
    small_corpus(root / "data" / "sample", names=("001", "002"))
    return root


def test_work_pool_path_of_the_readme_lands_rows(prefect_server, tmp_path):
    """README "Scheduled runs", work pools: create the pool, deploy prefect.yaml, run the
    deployment, and a worker started elsewhere (another directory, no NEWSETL_HOME) runs it."""
    url, env = prefect_server
    home = checkout_copy(tmp_path / "checkout")
    prefect = str(VENV_BIN / "prefect")

    def cli(*args, cwd=home, extra=None):
        done = subprocess.run(
            [prefect, *args],
            env=dict(env, **(extra or {})),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"prefect {args}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
        return done.stdout

    cli("work-pool", "create", "newsetl-pool", "--type", "process")
    cli("--no-prompt", "deploy", "--all", extra={"NEWSETL_HOME": str(home)})
    deployments = post_json(f"{url}/deployments/filter", {})
    by_name = {d["name"]: d for d in deployments}
    assert {"newsetl-scheduled", "newsetl-nightly-full-refresh"} <= set(by_name)
    scheduled = by_name["newsetl-scheduled"]
    assert scheduled["work_pool_name"] == "newsetl-pool"
    assert scheduled["entrypoint"] == "flows/etl.py:news_etl"
    assert [s["schedule"]["cron"] for s in scheduled["schedules"]] == ["*/15 * * * *"]
    assert by_name["newsetl-nightly-full-refresh"]["parameters"]["full_refresh"] is True
    # The job runs this checkout's interpreter in this checkout, whatever the worker's cwd.
    assert scheduled["job_variables"] == {
        "working_dir": str(home),
        "command": f"{home}/.venv/bin/python -m prefect.engine",
    }
    # Only the run asked for below is due when the worker polls: the schedules paused, and any
    # run the scheduler made before that (a */15 boundary passing on a slow machine) deleted.
    for d in (scheduled, by_name["newsetl-nightly-full-refresh"]):
        for s in d["schedules"]:
            cli("deployment", "schedule", "pause", f"news_etl/{d['name']}", s["id"])
    ids = [scheduled["id"], by_name["newsetl-nightly-full-refresh"]["id"]]
    for made in post_json(
        f"{url}/flow_runs/filter", {"flow_runs": {"deployment_id": {"any_": ids}}}
    ):
        delete(f"{url}/flow_runs/{made['id']}")

    out = cli("deployment", "run", "news_etl/newsetl-scheduled")
    flow_run_id = re.search(r"flow-run/([0-9a-f-]{36})", out).group(1)
    worker_env = {k: v for k, v in env.items() if k != "NEWSETL_HOME"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    worker = subprocess.run(
        [prefect, "worker", "start", "--pool", "newsetl-pool", "--run-once"],
        env=worker_env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = worker.stdout[-3000:] + worker.stderr[-3000:]
    assert worker.returncode == 0, log
    flow_run = get_json(f"{url}/flow_runs/{flow_run_id}")
    assert flow_run["state"]["type"] == "COMPLETED", log
    db = home / "warehouse" / "news.duckdb"  # the deployment's relative warehouse_dir
    assert query(db, "SELECT count(*) FROM articles") == [(2,)]
    assert query(db, "SELECT flow_run_id, status, articles_new FROM runs") == [
        (flow_run_id, "completed", 2)
    ]


def test_second_writer_fails_fast_while_reads_go_on(prefect_server, tmp_path):
    _, env = prefect_server
    corpus = small_corpus(tmp_path / "corpus", names=("001",))
    wh = tmp_path / "wh"
    first = subprocess.run(
        [str(VENV_BIN / "newsetl"), "run", str(corpus), "--warehouse", str(wh), "--no-models"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    with writer_lock(wh / ".newsetl.lock", timeout=1):
        t0 = time.monotonic()
        second = subprocess.run(
            [
                str(VENV_BIN / "newsetl"),
                "run",
                str(corpus),
                "--warehouse",
                str(wh),
                "--lock-timeout",
                "2",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        waited = time.monotonic() - t0
        reader = subprocess.run(
            [
                str(VENV_BIN / "newsetl"),
                "query",
                "SELECT count(*) AS n FROM articles",
                "--warehouse",
                str(wh),
                "--format",
                "csv",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    assert second.returncode == 75  # busy: try again later
    last = second.stderr.strip().splitlines()[-1]
    assert last.startswith("newsetl: error: another newsetl run is writing to"), second.stderr[
        -1500:
    ]
    assert "Traceback" not in second.stderr
    assert waited < 60
    assert (reader.returncode, reader.stdout) == (0, "n\n1\n")
