"""A scheduled build replayed: the same loaded batch built again and again, each node's time.

    nice .venv/bin/python bench/replay_build.py SNAPSHOT --work /tmp/x --src TREE [--reps 3]

SNAPSHOT is a warehouse folder whose models a passing build made, with new articles loaded
since (``newsetl run NEW.jsonl --no-models --warehouse …`` after a build): what a scheduled
run's build task finds. Each rep restores it to ``--work``/wh (the same path every time: dbt's
saved parse belongs to a path), sets its build state's project digest to the ``--src`` tree's
(the marts are the same rows whichever SQL built them, so that tree builds incrementally, as
after a build of its own), and times ``run_models(if_changed=True)`` in a fresh process with
``--src`` on the path: wall clock, CPU seconds (the process and its children), and every node
of dbt's ``run_results.json`` by its execution time (dbt runs 4 threads: node times overlap).
The first rep of a work folder parses the project (its saved parse, flows/dbt_parse.py, is
then reused): ``--warm`` runs one untimed rep first. Alternate trees (``--src``) on the same
snapshot; the machine is shared: compare CPU seconds and print the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from flows import models
from flows.settings import Settings
wh = Path(sys.argv[1])
state = models.state_path(Settings(warehouse_dir=wh))
record = json.loads(state.read_text())
record["project"] = models.project_digest()
state.write_text(json.dumps(record))
c0, t0 = time.process_time(), time.perf_counter()
summary = models.run_models(Settings(warehouse_dir=wh), if_changed=True, log_level="none")
ch = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"build_s": time.perf_counter() - t0,
                  "build_cpu_s": time.process_time() - c0 + ch.ru_utime + ch.ru_stime,
                  "incremental": summary.get("incremental")}))
"""


def rep(snapshot: Path, work: Path, src: Path) -> dict:
    wh = work / "wh"
    shutil.rmtree(wh, ignore_errors=True)
    shutil.copytree(snapshot, wh)
    env = dict(os.environ, PYTHONPATH=str(src), XDG_CACHE_HOME=str(work / "cache"))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(wh)], env=env, cwd=src, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"the build failed:\n{out.stderr[-3000:]}")
    row = json.loads(out.stdout.strip().splitlines()[-1])
    results = json.loads((wh / "dbt" / "target" / "run_results.json").read_text())["results"]
    row["nodes"] = sorted(
        ([r["unique_id"].split(".")[-1], round(r["execution_time"], 2)] for r in results),
        key=lambda n: -n[1],
    )
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--src", type=Path, required=True, help="the checkout whose code runs")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--warm", action="store_true", help="one untimed rep first")
    parser.add_argument("--nodes", type=int, default=12, help="slowest nodes printed")
    parser.add_argument("--keep", action="store_true", help="leave the last rep's warehouse")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.warm:
        rep(args.snapshot, args.work, args.src.resolve())
    for i in range(args.reps):
        load = os.getloadavg()[0]
        row = rep(args.snapshot, args.work, args.src.resolve())
        print(
            f"{args.src} #{i + 1}: build {row['build_s']:.1f} s, {row['build_cpu_s']:.1f} CPU-s, "
            f"incremental={row['incremental']}, load {load:.1f}-{os.getloadavg()[0]:.1f}; "
            f"slowest: {row['nodes'][: args.nodes]}",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(args.work / "wh", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
