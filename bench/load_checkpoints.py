"""The loader's CPU with a checkpoint at every batch's close vs the log left to a later one.

    .venv/bin/python bench/load_checkpoints.py WAREHOUSE [--repeat 3] [--defer-mb 4]
    .venv/bin/python bench/load_checkpoints.py WAREHOUSE --repeat 2 --every 3

``WAREHOUSE``: one made by a first run (``newsetl run … --warehouse WAREHOUSE``), or a lake
alone (``bench/synthetic_lake.py``'s OUT). Its batches' Parquet parts are loaded again, batch
after batch, into a fresh warehouse, as a first run loads them: an open of the file (the next
batch's early plan), then the batch's connection (DuckDB on one thread, as
:class:`flows.batches._BatchConnection` while the workers are busy) with
``warehouse.load_batch`` and its close — once with the close's checkpoint every time (what a
run did before session 13), and, alternated with it, either with ``PRAGMA
disable_checkpoint_on_shutdown`` while DuckDB's write-ahead log is under ``--defer-mb`` (the
log left to a later connection, which replays it; session 10's experiment, not adopted:
docs/performance.md) or, with ``--every N``, one connection held across N batches and closed
after every N-th (flows/held.py, session 13: the early plan read on it, nothing replayed).
Prints the CPU seconds of the opens, the loads and the closes, and the file's last checkpoint.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import duckdb  # noqa: E402
from load_growth import batches_of  # noqa: E402
from load_threads import batches, fresh_warehouse, lake_parts, load  # noqa: E402

from flows import warehouse  # noqa: E402


def load_all(src: Path, dst: Path, parts: list, defer: float) -> list[float]:
    """CPU seconds [reads, loads, closes, last checkpoint] of loading every batch of ``parts``
    into a fresh warehouse at ``dst``."""
    settings = fresh_warehouse(src, dst)
    wal = settings.db_path.with_name(settings.db_path.name + ".wal")
    cpu = [0.0, 0.0, 0.0, 0.0]
    for batch, these, ids in batches(dst, parts):
        c0 = time.process_time()
        with warehouse.connection(settings, read_only=True) as con:
            con.execute("SELECT count(*) FROM articles").fetchone()
        c1 = time.process_time()
        con = duckdb.connect(str(settings.db_path))
        con.execute("SET threads = 1")
        load(con, settings, batch, these, ids)
        c2 = time.process_time()
        if wal.exists() and wal.stat().st_size < defer:
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.close()
        c3 = time.process_time()
        for i, d in enumerate((c1 - c0, c2 - c1, c3 - c2)):
            cpu[i] += d
    c0 = time.process_time()
    with warehouse.connection(settings, read_only=False):
        pass  # what the log still holds: replayed, and checkpointed at the close
    cpu[3] = time.process_time() - c0
    return cpu


def load_held(src: Path, dst: Path, parts: list, every: int) -> list[float]:
    """CPU seconds [reads, loads, closes, last checkpoint] of loading every batch of ``parts``
    into a fresh warehouse at ``dst`` with one connection held across ``every`` batches: the
    next batch's early plan read on it, and closed (the checkpoint) after every ``every``-th
    batch's load; a batch after a close opens the file again (its log empty: nothing to
    replay) and reads the early plan on a read-only connection first, as a run does."""
    settings = fresh_warehouse(src, dst)
    cpu = [0.0, 0.0, 0.0, 0.0]
    con = None
    for i, (batch, these, ids) in enumerate(batches(dst, parts)):
        c0 = time.process_time()
        if con is None:
            with warehouse.connection(settings, read_only=True) as ro:
                ro.execute("SELECT count(*) FROM articles").fetchone()
        else:
            con.execute("SELECT count(*) FROM articles").fetchone()
        c1 = time.process_time()
        if con is None:
            con = duckdb.connect(str(settings.db_path))
            con.execute("SET threads = 1")
        load(con, settings, batch, these, ids)
        c2 = time.process_time()
        if (i + 1) % every == 0:
            con.close()
            con = None
        c3 = time.process_time()
        for k, d in enumerate((c1 - c0, c2 - c1, c3 - c2)):
            cpu[k] += d
    c0 = time.process_time()
    if con is not None:
        con.close()
    cpu[3] = time.process_time() - c0
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--defer-mb", type=float, default=4.0, help="the log left under this")
    parser.add_argument(
        "--every", type=int, default=0, help="instead: one connection held, closed every N batches"
    )
    args = parser.parse_args()
    src = Path(args.warehouse)
    if (src / "news.duckdb").exists():
        parts = lake_parts(src)
    else:  # a lake alone (bench/synthetic_lake.py's)
        parts = [(t, p, n, None, b) for b, these in batches_of(src) for t, p, n in these]
    n = len({p[4] for p in parts})
    with tempfile.TemporaryDirectory(prefix="newsetl-load-checkpoints-") as tmp:
        for _ in range(args.repeat):
            for defer in (0.0, args.defer_mb * 1e6):
                if args.every and defer:
                    cpu = load_held(src, Path(tmp) / "wh", parts, args.every)
                    label = f"held, closed every {args.every} batches"
                else:
                    cpu = load_all(src, Path(tmp) / "wh", parts, defer)
                    label = (
                        f"log left under {args.defer_mb} MB" if defer else "checkpoint every close"
                    )
                print(
                    f"{label}: {sum(cpu):.3f} CPU-s for {n} batches (reads {cpu[0]:.3f}, "
                    f"loads {cpu[1]:.3f}, closes {cpu[2]:.3f}, last {cpu[3]:.3f})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
