"""The DuckDB load alone, batch after batch, as a warehouse grows: does a batch's load cost
grow with what is already loaded?

    nice .venv/bin/python bench/load_growth.py WAREHOUSE            # every batch of its lake
    nice .venv/bin/python bench/load_growth.py WAREHOUSE --batches 20 --statements

WAREHOUSE is a warehouse folder whose ``lake/`` holds the Parquet parts of a first run (one
run: ``part-<run>-<batch>.parquet``), e.g. that of ``newsetl run reuters.jsonl``. Its parts
are loaded again, batch by batch in the run's order, into a fresh DuckDB file in a temporary
folder, exactly as a run loads them (:func:`flows.warehouse.load_batch` on a connection opened
for the batch and closed after it, so DuckDB checkpoints as it does in a run), and, after each
batch, the batch's near-duplicate bands as a run records them (synthetic band hashes, 32 per
article). No spaCy, no Prefect: only the load is timed.

Printed: the seconds of each quarter of the batches (load, then the connection's close, which
checkpoints), and the ratio of the last quarter's seconds per article to the first's (1.0: the
load grows with the batch only). ``--statements``: the seconds of each SQL statement kind,
summed over the batches of the first and of the last quarter.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402

from flows import near_dups, warehouse  # noqa: E402

_PART_RE = re.compile(r"part-(?P<run>r[^-]+)-(?P<batch>\d{5})(?:\.\d+)?\.parquet$")


def batches_of(wh: Path) -> list[tuple[int, list[tuple[str, str, int]]]]:
    """The lake's parts grouped by batch, in order: (batch, [(table, relpath, rows)])."""
    found: dict[int, list[tuple[str, str, int]]] = collections.defaultdict(list)
    runs = set()
    for path in sorted((wh / "lake").rglob("*.parquet")):
        m = _PART_RE.search(path.name)
        if not m:
            continue
        runs.add(m["run"])
        table = path.relative_to(wh / "lake").parts[0]
        rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
        found[int(m["batch"])].append((table, str(path.relative_to(wh)), rows))
    if len(runs) != 1:
        raise SystemExit(f"{wh}/lake: expected the parts of one run, found runs {sorted(runs)}")
    return sorted(found.items())


class Timed:
    """A DuckDB connection whose execute() calls are timed by statement kind."""

    def __init__(self, con, seconds: dict[str, float]):
        self._con, self._seconds = con, seconds

    def execute(self, sql, *args):
        t0 = time.perf_counter()
        try:
            return self._con.execute(sql, *args)
        finally:
            key = " ".join(sql.split())[:70]
            self._seconds[key] += time.perf_counter() - t0

    def __getattr__(self, name):
        return getattr(self._con, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--batches", type=int, default=0, help="load only the first N (0: all)")
    parser.add_argument("--statements", action="store_true", help="time each statement kind")
    args = parser.parse_args(argv)
    wh = args.warehouse.resolve()
    todo = batches_of(wh)
    if args.batches:
        todo = todo[: args.batches]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    #: articles, then wall seconds of the load, the bands, the close, then their CPU seconds
    rows: list[tuple[int, float, float, float, float, float, float]] = []
    per_statement: list[dict[str, float]] = []
    cpu0 = time.process_time()
    with tempfile.TemporaryDirectory(prefix="newsetl-load-") as tmp:
        db = Path(tmp) / "news.duckdb"
        con = duckdb.connect(str(db))
        warehouse.ensure_schema(con)
        near_dups.ensure(con)
        con.close()
        for batch, parts in todo:
            arts = [p for p in parts if p[0] == "articles"]
            incoming = []
            for _, rel, _ in arts:
                incoming += duckdb.sql(
                    f"SELECT article_id, source_uri FROM read_parquet('{wh / rel}')"
                ).fetchall()
            seconds: dict[str, float] = collections.defaultdict(float)
            c0, t0 = time.process_time(), time.perf_counter()
            raw = duckdb.connect(str(db))
            con = Timed(raw, seconds) if args.statements else raw
            warehouse.load_batch(
                con,
                wh,
                parts=parts,
                incoming=incoming,
                rejects=pa.Table.from_pylist([], schema=_rejects_schema()),
                run_id="r-replay",
                batch=batch,
            )
            c1, t1 = time.process_time(), time.perf_counter()
            near_dups.record(con, {aid: _bands(aid) for aid, _ in incoming})
            c2, t2 = time.process_time(), time.perf_counter()
            raw.close()
            c3, t3 = time.process_time(), time.perf_counter()
            rows.append((len(incoming), t1 - t0, t2 - t1, t3 - t2, c1 - c0, c2 - c1, c3 - c2))
            per_statement.append(seconds)
        size = db.stat().st_size
    cpu = time.process_time() - cpu0
    q = max(1, len(rows) // 4)
    print(f"{len(rows)} batches, {sum(r[0] for r in rows):,} articles, final file {size >> 20} MB")
    print("quarter  articles  load s  bands s  close s  ms/article  (CPU s: load bands close)")
    quarters = [rows[i : i + q] for i in range(0, len(rows), q)][:4]
    for i, part in enumerate(quarters):
        n = sum(r[0] for r in part)
        sec = [sum(r[k] for r in part) for k in (1, 2, 3)]
        cpu_s = [sum(r[k] for r in part) for k in (4, 5, 6)]
        print(f"{i + 1:>7}  {n:>8}  {sec[0]:>6.2f}  {sec[1]:>7.2f}  {sec[2]:>7.2f}  "
              f"{1000 * sum(sec) / max(n, 1):>10.2f}  "
              f"({cpu_s[0]:.2f} {cpu_s[1]:.2f} {cpu_s[2]:.2f})")  # fmt: skip
    total = [sum(r[k] for r in rows) for k in (1, 2, 3)]
    print(f"total: load {total[0]:.2f} s, bands {total[1]:.2f} s, close {total[2]:.2f} s; "
          f"CPU {cpu:.2f} s")  # fmt: skip
    first, last = quarters[0], quarters[-1]

    def per_article(part, cols):
        return sum(r[k] for r in part for k in cols) / max(1, sum(r[0] for r in part))

    print(f"last quarter / first quarter, per article: wall "
          f"{per_article(last, (1, 2, 3)) / per_article(first, (1, 2, 3)):.2f}, CPU "
          f"{per_article(last, (4, 5, 6)) / per_article(first, (4, 5, 6)):.2f}")  # fmt: skip
    if args.statements:
        for label, part in (("first", per_statement[:q]), ("last", per_statement[-q:])):
            summed: dict[str, float] = collections.defaultdict(float)
            for s in part:
                for k, v in s.items():
                    summed[k] += v
            print(f"\nstatements, {label} quarter (s):")
            for k, v in sorted(summed.items(), key=lambda kv: -kv[1])[:12]:
                print(f"  {v:7.3f}  {k}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _rejects_schema() -> pa.Schema:
    from transforms.schemas import schema_of

    return schema_of("rejects")


def _bands(article_id: str) -> tuple[int, ...]:
    """32 band hashes per article, distinct across articles (as real ones nearly are)."""
    h = hash(article_id) & 0x7FFF_FFFF
    return tuple((h << 5) | i for i in range(32))


if __name__ == "__main__":
    sys.exit(main())
