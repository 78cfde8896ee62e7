"""Throughput of the Dask runner against the default runner, measured in the same run.

    nice .venv/bin/python bench/scale.py                     # 4,000 Reuters stories
    nice .venv/bin/python bench/scale.py --limit 1000 --json /tmp/scale.json

The first ``--limit`` records of the source (JSONL; default the Reuters-21578 stories in
``../shared``) are loaded into a fresh warehouse three times, each by ``newsetl run`` in its own
process (``--no-models``: the dbt build is the same for every runner and not what is measured):

1. ``default``: the local worker pool of ``--n-process`` processes (the baseline);
2. ``dask-N``: ``--runner dask`` on a temporary local cluster of N = ``--n-process`` workers;
3. ``dask-1``: the same cluster with one worker.

For each: the flow time (the ``runs`` ledger: Prefect's server start and Python's imports are
outside it), its NLP stage, the wall clock, articles per second of flow time; then the ratios
dask-N / default (the overhead of Dask on the same cores) and dask-1 / dask-N (what one more
worker gives). All three must load exactly the same rows (checked: every table compared).
The machine's load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import ledger, run_cli  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpus" / "reuters21578" / "reuters.jsonl"


def first_records(source: Path, limit: int, dest: Path) -> int:
    n = 0
    with open(source, "rb") as src, open(dest, "wb") as out:
        for line in src:
            if limit and n >= limit:
                break
            out.write(line)
            n += 1
    return n


def nlp_seconds(output: str) -> float | None:
    m = re.search(r"time per stage \(s\):.*?\bnlp ([\d.]+)", output)
    return float(m.group(1)) if m else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", default=str(REUTERS))
    parser.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--keep", help="build the warehouses in this folder and keep them")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    from tables import tables

    print(f"load average at start: {os.getloadavg()}")
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="newsetl-scale-") as scratch:
        tmp = args.keep or scratch
        Path(tmp).mkdir(parents=True, exist_ok=True)
        src = Path(tmp) / "records.jsonl"
        records = first_records(Path(args.source), args.limit, src)
        env = {
            **os.environ,
            "PREFECT_HOME": str(Path(tmp) / "prefect"),
            "NEWSETL_PREFECT_SERVER": "temporary",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_LOGGING_LEVEL": "INFO",
        }
        configs = {
            "default": ["--n-process", str(args.n_process)],
            f"dask-{args.n_process}": ["--runner", "dask", "--n-process", str(args.n_process)],
            "dask-1": ["--runner", "dask", "--n-process", "1"],
        }
        snapshots = {}
        for name, extra in configs.items():
            wh = Path(tmp) / name
            cmd = [str(ROOT / ".venv/bin/newsetl"), "run", str(src), "--warehouse", str(wh)]
            cmd += ["--no-models", "--no-progress", "-v", *extra]
            wall, rss, out = run_cli(cmd, env)
            row = ledger(wh)[-1]
            flow = float(row["seconds"])
            figures[name] = {
                "flow_s": round(flow, 1),
                "nlp_s": nlp_seconds(out),
                "wall_s": round(wall, 1),
                "articles": row["articles_new"],
                "articles_per_s": round(row["articles_new"] / flow, 2),
                "peak_rss_mb": rss,
            }
            snapshots[name] = tables(wh / "news.duckdb")
            print(name, figures[name], flush=True)
        base, dn, d1 = (figures[k] for k in configs)
        figures["records"] = records
        figures["same_rows"] = all(s == snapshots["default"] for s in snapshots.values())
        for name, snap in snapshots.items():
            for table, rows in snap.items():
                base_rows = snapshots["default"].get(table)
                if rows != base_rows:
                    extra = sorted(set(rows) - set(base_rows or []))[:3]
                    missing = sorted(set(base_rows or []) - set(rows))[:3]
                    print(f"DIFFERS {name} {table}: {len(rows)} vs {len(base_rows or [])} rows; "
                          f"only here {extra}; only in default {missing} "
                          "(bench/compare_warehouses.py on --keep'd warehouses shows the rows)")  # fmt: skip
        figures["dask_over_default_flow"] = round(dn["flow_s"] / base["flow_s"], 3)
        figures["dask1_over_daskN_flow"] = round(d1["flow_s"] / dn["flow_s"], 3)
        if base["nlp_s"] and dn["nlp_s"] and d1["nlp_s"]:
            figures["dask_over_default_nlp"] = round(dn["nlp_s"] / base["nlp_s"], 3)
            figures["dask1_over_daskN_nlp"] = round(d1["nlp_s"] / dn["nlp_s"], 3)
    print(f"load average at end: {os.getloadavg()}")
    for key in ("records", "same_rows", "dask_over_default_flow", "dask1_over_daskN_flow",
                "dask_over_default_nlp", "dask1_over_daskN_nlp"):  # fmt: skip
        print(f"{key}: {figures.get(key)}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0 if figures["same_rows"] else 1


if __name__ == "__main__":
    sys.exit(main())
