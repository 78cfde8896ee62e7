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

from flows import warehouse  # noqa: E402


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
    src: Path, dst: Path, parts: list, sets: list[str], record_changes: bool = True
) -> tuple[collections.Counter, list]:
    """Load every batch of ``parts`` into a fresh warehouse at ``dst``: the CPU seconds by
    statement, and each batch's close."""
    settings = fresh_warehouse(src, dst)
    spent: collections.Counter = collections.Counter()
    closes = []
    for batch, these, ids in batches(dst, parts):
        c0 = time.process_time()
        with warehouse.connection(settings, read_only=True) as con:
            con.execute("SELECT 1").fetchone()
        c1 = time.process_time()
        con = duckdb.connect(str(settings.db_path))
        con.execute("SET threads = 1")
        for sql in sets:
            con.execute(sql)
        c2 = time.process_time()
        load(_Timed(con, spent), settings, batch, these, ids, record_changes)
        c3 = time.process_time()
        con.close()
        c4 = time.process_time()
        spent["(open read-only, close)"] += c1 - c0
        spent["(open for writing)"] += c2 - c1
        spent["(close: the checkpoint)"] += c4 - c3
        closes.append(c4 - c3)
    return spent, closes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse")
    parser.add_argument("--set", action="append", default=[], help="a statement run on open")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-changes", action="store_true", help="record no _changes")
    args = parser.parse_args()
    src = Path(args.warehouse)
    parts = lake_parts(src)
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="newsetl-load-statements-") as tmp:
            spent, closes = replay(src, Path(tmp) / "wh", parts, args.set, not args.no_changes)
            size = (Path(tmp) / "wh" / "news.duckdb").stat().st_size
        total = sum(spent.values())
        for what, cpu in spent.most_common():
            print(f"{cpu:7.3f} CPU-s {100 * cpu / total:5.1f} %  {what}")
        print(
            f"total {total:.3f} CPU-s for {len(closes)} batches; closes: first four "
            f"{sum(closes[:4]):.3f}, last four {sum(closes[-4:]):.3f}; file {size:,} bytes\n",
            flush=True,
        )


if __name__ == "__main__":
    main()
