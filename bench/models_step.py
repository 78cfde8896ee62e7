"""The dbt stage alone of a scheduled run: the build after one new article, and a first build.

    nice .venv/bin/python bench/models_step.py WAREHOUSE_DIR ONE.jsonl [--reps 3]
    .venv/bin/python bench/models_step.py WAREHOUSE_DIR ONE.jsonl --src /tmp/base-src  # old code

WAREHOUSE_DIR is a loaded warehouse (``newsetl run … --no-models`` is enough; it is copied,
never changed). In a work folder (``--work``, default a temporary one), with the code of
``--src`` (a checkout of this repository; default this one — compare two commits alternated,
``--src`` of each, on the same prepared warehouse):

1. the copy's models are built in full (``run_models``): the **first build** (no dbt state, no
   saved parse: dbt parses the project; every model and data test); the **first
   build with the parse saved** (the same loaded copy again, the parse its first build saved
   in the work folder's cache: flows/dbt_parse.py; what a user's next new warehouse does);
   a *repeat* (the same state: skipped);
2. ``newsetl run ONE --no-models`` loads the one new article (not timed);
3. **one new**, ``--reps`` times: that state restored to the same path (dbt's saved parse
   belongs to a path, as a user's warehouse keeps its own) and the scheduled build
   (``run_models(if_changed=True)``, what a run's last task calls) timed in a fresh process:
   wall clock, CPU seconds, dbt's own time split (import, ``invoke``), and from dbt's
   ``run_results.json`` the nodes by kind with their summed execution times.

Each measure runs in its own Python process (imports included, as in a run's task). The
machine is shared: alternate the old and the new code, and compare the CPU seconds too.

``--ahead S`` measures the stage as a run has it: a run starts its build process while it
parses (flows/dbt_process.py) — here S seconds before the stage — and the stage is the wait
for that process's build. It prints the stage's wall clock and its CPU seconds (this
process's, and the build process's from the request on), apart from what the build process
did ahead. Code without flows/dbt_process.py imports dbt within the stage, as its runs did.
The totals (``CPU``) count both processes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What one timed process runs: import flows.models, then run_models; prints a JSON line.
CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path

def cpu_of(pid):  # a running process's CPU seconds
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

ahead = float(sys.argv[2])
t0 = time.perf_counter()
from flows import models
from flows.settings import Settings
settings = Settings(warehouse_dir=Path(sys.argv[1]))
started = None
if ahead < 0:
    import dbt.cli.main  # noqa: F401  (dbt's import, as the build's first call pays it)
else:  # a run's: the build process started `ahead` seconds before the stage (if this code has it)
    try:
        from flows import dbt_process
    except ImportError:
        dbt_process = None
    if dbt_process is not None:
        dbt_process.arm(settings)
        dbt_process.prestart()
        started = dbt_process._STATE["process"]
    time.sleep(ahead)
t1 = time.perf_counter()
c1 = time.process_time()
child_ahead = cpu_of(started.proc.pid) if started is not None else 0.0
summary = models.run_models(settings, if_changed=True, log_level="none")
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
ch = resource.getrusage(resource.RUSAGE_CHILDREN)
child_cpu = ch.ru_utime + ch.ru_stime
print(json.dumps({"import_s": t1 - t0, "run_s": t2 - t1, "cpu_s": ru.ru_utime + ru.ru_stime + child_cpu,
                  "stage_cpu_s": time.process_time() - c1 + child_cpu - child_ahead,
                  "ahead_cpu_s": child_ahead, "summary": summary}))
"""


def child(src: Path, wh: Path, ahead: float = -1) -> dict:
    # the saved parses (flows/dbt_parse.py) of this work folder alone
    env = dict(os.environ, PYTHONPATH=str(src), XDG_CACHE_HOME=str(wh.parent / "cache"))
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(wh), str(ahead)],
        env=env,
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(f"the build failed:\n{out.stderr[-3000:]}")
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["wall_s"] = wall
    row["nodes"] = node_times(wh / "dbt" / "target" / "run_results.json")
    return row


def node_times(path: Path) -> dict:
    """From dbt's run_results.json: per kind, the count and summed execution seconds; dbt's
    elapsed time; the slowest nodes."""
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    kinds: dict[str, list[float]] = {}
    for r in results["results"]:
        kind = r["unique_id"].split(".")[0]
        kinds.setdefault(kind, []).append(r["execution_time"])
    slow = sorted(results["results"], key=lambda r: -r["execution_time"])[:5]
    return {
        "elapsed_s": round(results.get("elapsed_time", 0.0), 2),
        "kinds": {k: [len(v), round(sum(v), 2)] for k, v in sorted(kinds.items())},
        "slowest": [[r["unique_id"].split(".")[-1], round(r["execution_time"], 2)] for r in slow],
    }


def show(label: str, row: dict) -> None:
    s = row["summary"]
    what = (
        "skipped"
        if s.get("skipped")
        else (
            f"{s['models']} models, {s['tests']} tests, {s['unit_tests']} unit tests, "
            f"incremental={s.get('incremental')}"
        )
    )
    n = row["nodes"] if not s.get("skipped") else {}
    print(
        f"{label}: wall {row['wall_s']:.2f} s, CPU {row['cpu_s']:.2f} s "
        f"(import {row['import_s']:.2f} s, build {row['run_s']:.2f} s; dbt elapsed "
        f"{n.get('elapsed_s', 0):.2f} s) — {what}",
        flush=True,
    )
    if row.get("ahead_cpu_s") or row.get("stage_cpu_s") is not None:
        print(
            f"    the stage: {row['run_s']:.2f} s, {row['stage_cpu_s']:.2f} CPU-s (the build "
            f"process's {row['ahead_cpu_s']:.2f} CPU-s ahead of it not counted)",
            flush=True,
        )
    if n:
        print(f"    node seconds by kind: {n['kinds']}; slowest {n['slowest']}", flush=True)


def restore(snapshot: Path, wh: Path) -> None:
    shutil.rmtree(wh, ignore_errors=True)
    shutil.copytree(snapshot, wh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path, help="a loaded warehouse folder (copied)")
    parser.add_argument("one", help="a JSONL file of the one new record")
    parser.add_argument("--src", type=Path, default=ROOT, help="the checkout whose code runs")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument(
        "--reuse", action="store_true", help="--work's snapshot of a previous call: one new only"
    )
    parser.add_argument(
        "--ahead",
        type=float,
        default=-1,
        metavar="S",
        help="as a run does: its build process started S seconds before the stage "
        "(flows/dbt_process.py; code without it imports dbt in the stage)",
    )
    args = parser.parse_args(argv)
    src = args.src.resolve()
    with tempfile.TemporaryDirectory(prefix="newsetl-models-step-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        wh, snapshot = work / "wh", work / "snapshot"
        if not (args.reuse and snapshot.exists()):
            prepare(args.warehouse, args.one, src, wh, snapshot, args.ahead)
        for i in range(args.reps):
            restore(snapshot, wh)
            show(f"one new #{i + 1}", child(src, wh, args.ahead))
    return 0


def prepare(
    warehouse: Path, one: str, src: Path, wh: Path, snapshot: Path, ahead: float = -1
) -> None:
    """Steps 1 and 2: the first build and its repeat timed, then the one new article loaded
    and the state saved in ``snapshot``."""
    fresh = wh.parent / "fresh"
    restore(warehouse, fresh)
    shutil.rmtree(fresh / "dbt", ignore_errors=True)
    for schema in ("staging", "intermediate", "marts", "reporting"):
        _drop_schema(fresh, schema)
    shutil.rmtree(wh.parent / "cache", ignore_errors=True)
    restore(fresh, wh)
    show("first build", child(src, wh, ahead))
    restore(fresh, wh)
    show("first build, the parse saved", child(src, wh, ahead))
    shutil.rmtree(fresh)
    show("repeat (nothing changed)", child(src, wh))
    env = dict(os.environ, PYTHONPATH=str(src), NEWSETL_N_PROCESS="1")
    newsetl = str(Path(sys.executable).with_name("newsetl"))
    subprocess.run(
        [newsetl, "run", one, "--warehouse", str(wh), "--no-models", "--no-progress", "-q"],
        env=env, cwd=src, check=True,
    )  # fmt: skip
    restore(wh, snapshot)


def _drop_schema(wh: Path, schema: str) -> None:
    """A first build starts from the loaded tables alone."""
    import duckdb

    con = duckdb.connect(str(wh / "news.duckdb"))
    try:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        con.close()


if __name__ == "__main__":
    raise SystemExit(main())
