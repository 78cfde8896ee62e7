"""The loader's CPU statement by statement, and its closes (DuckDB's checkpoints).

    .venv/bin/python bench/load_statements.py WAREHOUSE
    .venv/bin/python bench/load_statements.py WAREHOUSE --set "SET disabled_compression_methods = 'fsst'"
    .venv/bin/python bench/load_statements.py WAREHOUSE --repeat 2
    .venv/bin/python bench/load_statements.py WAREHOUSE --no-changes   # as a first run loads

``WAREHOUSE``: one made by a first run (``newsetl run … --warehouse WAREHOUSE``). Its batches'
Parquet parts are loaded again, batch after batch, into a fresh warehouse, as a first run
loads them while the workers are busy (``bench/load_threads.py``): a read-only open (the next
batch's early plan), the batch's connection on one thread (and each ``--set`` statement), its
``warehouse.load_batch`` and its close. Prints the CPU seconds of every statement the loader
ran (summed over the batches, by its first 70 characters), of the opens and the closes, the
closes of the first and last four batches, and the file's size. ``--no-changes``: the loads
list nothing in ``_changes``, as a run into a warehouse no build has passed on loads.
``--run-keys yes``: the loads get the run's keys (``flows.unique_keys.RunKeys``), as a run's do
since session 18 (``no``: every batch's keys joined with the whole tables, as before; ``both``: alternated).
``--per-batch``: each statement's CPU batch by batch — its mean over the first and the last
five batches, and the statements whose cost grows with the batch number (what a first run
pays again for every batch already loaded).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import duckdb  # noqa: E402
from load_threads import batches, fresh_warehouse, lake_parts, load  # noqa: E402

from flows import unique_keys, warehouse  # noqa: E402


class _Timed:
    """A connection whose ``execute`` adds its CPU seconds to ``spent`` (by statement)."""

    def __init__(self, con, spent: collections.Counter):
        self._con, self._spent = con, spent

    def execute(self, sql, *args):
        c0 = time.process_time()
        result = self._con.execute(sql, *args)
        self._spent[" ".join(sql.split())[:70]] += time.process_time() - c0
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def replay(
    src: Path,
    dst: Path,
    parts: list,
    sets: list[str],
    record_changes: bool = True,
    run_keys: bool = False,
) -> tuple[collections.Counter, list, list]:
    """Load every batch of ``parts`` into a fresh warehouse at ``dst``: the CPU seconds by
    statement (in all, and per batch), and each batch's close."""
    settings = fresh_warehouse(src, dst)
    spent: collections.Counter = collections.Counter()
    closes, per_batch = [], []
    keys = None
    if run_keys:
        with warehouse.connection(settings, read_only=True) as con:
            keys = unique_keys.RunKeys.of(con)
    for batch, these, ids in batches(dst, parts):
        before = collections.Counter(spent)
        c0 = time.process_time()
        with warehouse.connection(settings, read_only=True) as con:
            con.execute("SELECT 1").fetchone()
        c1 = time.process_time()
        con = duckdb.connect(str(settings.db_path))
        con.execute("SET threads = 1")
        for sql in sets:
            con.execute(sql)
        c2 = time.process_time()
        load(_Timed(con, spent), settings, batch, these, ids, record_changes, keys)
        c3 = time.process_time()
        in_statements = sum((spent - before).values())
        spent["(the load's Python between its statements)"] += c3 - c2 - in_statements
        con.close()
        c4 = time.process_time()
        spent["(open read-only, close)"] += c1 - c0
        spent["(open for writing)"] += c2 - c1
        spent["(close: the checkpoint)"] += c4 - c3
        closes.append(c4 - c3)
        per_batch.append(spent - before)
    return spent, closes, per_batch


def growth(per_batch: list) -> None:
    """Each statement's mean CPU over the first and the last five batches (ms), by the
    growth between them."""
    first, last = per_batch[:5], per_batch[-5:]
    rows = []
    for what in set().union(*per_batch):
        a = 1000 * sum(b[what] for b in first) / len(first)
        z = 1000 * sum(b[what] for b in last) / len(last)
        rows.append((z - a, a, z, what))
    print(f"per batch, ms of CPU: first five batches -> last five ({len(per_batch)} batches)")
    for grown, a, z, what in sorted(rows, reverse=True)[:12]:
        print(f"{a:8.2f} -> {z:8.2f}  ({grown:+8.2f})  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse")
    parser.add_argument("--set", action="append", default=[], help="a statement run on open")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-changes", action="store_true", help="record no _changes")
    parser.add_argument(
        "--run-keys", choices=("no", "yes", "both"), default="no", help="both: alternated"
    )
    parser.add_argument("--per-batch", action="store_true", help="each statement's growth")
    parser.add_argument("--batches", type=int, default=0, help="only the first N batches")
    args = parser.parse_args()
    src = Path(args.warehouse)
    parts = lake_parts(src)
    if args.batches:
        keep = set(sorted({p[4] for p in parts})[: args.batches])
        parts = [p for p in parts if p[4] in keep]
    modes = {"no": [False], "yes": [True], "both": [False, True]}[args.run_keys]
    for _ in range(args.repeat):
        for run_keys in modes:
            with tempfile.TemporaryDirectory(prefix="newsetl-load-statements-") as tmp:
                wh = Path(tmp) / "wh"
                spent, closes, per_batch = replay(
                    src, wh, parts, args.set, not args.no_changes, run_keys
                )
                size = (wh / "news.duckdb").stat().st_size
            total = sum(spent.values())
            print(f"run's keys: {'yes' if run_keys else 'no'}")
            for what, cpu in spent.most_common():
                print(f"{cpu:7.3f} CPU-s {100 * cpu / total:5.1f} %  {what}")
            print(
                f"total {total:.3f} CPU-s for {len(closes)} batches; closes: first four "
                f"{sum(closes[:4]):.3f}, last four {sum(closes[-4:]):.3f}; file {size:,} bytes\n",
                flush=True,
            )
            if args.per_batch:
                growth(per_batch)


if __name__ == "__main__":
    main()
