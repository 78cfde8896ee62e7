"""The loader's CPU with DuckDB on its default threads vs one thread (flows/batches.py).

    .venv/bin/python bench/load_threads.py WAREHOUSE [--repeat 3]

``WAREHOUSE``: one made by a first run (``newsetl run … --warehouse WAREHOUSE``). Its batches'
Parquet parts are loaded again, batch after batch, into a fresh warehouse with
``warehouse.load_batch`` and each batch's close (the checkpoint), once with DuckDB's default
threads and once after ``SET threads = 1``, alternated; prints the CPU seconds of each.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from flows import warehouse  # noqa: E402
from flows.settings import load_settings  # noqa: E402
from transforms.schemas import to_table  # noqa: E402


def lake_parts(src: Path) -> list:
    """The Parquet parts of the warehouse at ``src``, in batch order:
    (table, path, rows, sha256, batch)."""
    con = duckdb.connect(str(src / "news.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT table_name, path, row_count, sha256, batch FROM _lake_parts ORDER BY batch"
        ).fetchall()
    finally:
        con.close()


def fresh_warehouse(src: Path, dst: Path):
    """A warehouse at ``dst`` with ``src``'s lake and an empty schema; its settings."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src / "lake", dst / "lake")
    settings = load_settings(dst)
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
    return settings


def batches(dst: Path, parts: list):
    """Each batch of ``parts``: (batch, its parts, its articles' ids and sources)."""
    for batch in sorted({p[4] for p in parts}):
        these = [(t, p, n, d) for t, p, n, d, b in parts if b == batch]
        art = next(p for t, p, *_ in these if t == "articles")
        ids = pq.read_table(dst / art, columns=["article_id", "source_uri"]).to_pylist()
        yield batch, these, ids


def load(
    con, settings, batch: int, these: list, ids: list, record_changes: bool = True, keys=None
) -> None:
    """``warehouse.load_batch`` of one batch, as a run's load calls it (``record_changes``: as
    a run into a warehouse with a passing build does; a first run's are not recorded;
    ``keys``: the run's, flows.unique_keys.RunKeys, as a run gives it)."""
    warehouse.load_batch(
        con,
        settings.lake_base,
        parts=these,
        incoming=[(r["article_id"], r["source_uri"]) for r in ids],
        rejects=to_table("rejects", []),
        run_id="r1",
        batch=batch,
        record_changes=record_changes,
        keys=keys,
    )


def load_all(src: Path, dst: Path, parts: list, threads: int | None) -> float:
    """CPU seconds of loading every batch of ``parts`` into a fresh warehouse at ``dst``."""
    settings = fresh_warehouse(src, dst)
    cpu = 0.0
    for batch, these, ids in batches(dst, parts):
        c0 = time.process_time()
        with warehouse.connection(settings, read_only=False) as con:
            if threads:
                con.execute(f"SET threads = {threads}")
            load(con, settings, batch, these, ids)
        cpu += time.process_time() - c0
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    src = Path(args.warehouse)
    parts = lake_parts(src)
    batches = len({p[4] for p in parts})
    with tempfile.TemporaryDirectory(prefix="newsetl-load-threads-") as tmp:
        for _ in range(args.repeat):
            for threads in (None, 1):
                cpu = load_all(src, Path(tmp) / "wh", parts, threads)
                label = "default threads" if threads is None else f"threads = {threads}"
                print(f"{label}: {cpu:.3f} CPU-s for {batches} batches", flush=True)


if __name__ == "__main__":
    main()
