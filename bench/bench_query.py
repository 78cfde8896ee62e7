"""Memory of `newsetl query` as the result grows: results are streamed, so the peak should not
grow with the number of rows.

    .venv/bin/python bench/bench_query.py [--rows 3000000] [--format csv]

Runs the real CLI on an empty warehouse (made here, in a temporary folder) for a baseline of
100,000 rows and for ``--rows`` rows, and prints each peak resident memory (the child's
``ru_maxrss``) and the ratio to the baseline. A ratio near 1.0 means the output is streamed.
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
NEWSETL = Path(sys.executable).with_name("newsetl")
SQL = "SELECT range AS n, 'row number ' || range AS text, range * 0.5 AS half FROM range({n})"


def peak(warehouse: Path, rows: int, fmt: str) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one `newsetl query` writing to /dev/null."""
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(
            [
                str(NEWSETL),
                "query",
                SQL.format(n=rows),
                "--warehouse",
                str(warehouse),
                "--format",
                fmt,
            ],
            stdout=sink,
            cwd=ROOT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"newsetl query failed for {rows} rows")
    return usage.ru_maxrss / 1024, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="csv")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from flows import warehouse
    from flows.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        wh = Path(tmp)
        with warehouse.connection(load_settings(wh), read_only=False) as con:
            warehouse.ensure_schema(con)
        base_mb, base_s = peak(wh, 100_000, args.format)
        big_mb, big_s = peak(wh, args.rows, args.format)
    print(f"format {args.format}")
    print(f"  100,000 rows: {base_mb:7.1f} MB peak, {base_s:5.1f} s (baseline)")
    print(f"  {args.rows:,} rows: {big_mb:7.1f} MB peak, {big_s:5.1f} s")
    print(f"  memory ratio {big_mb / base_mb:.2f} for {args.rows / 100_000:.0f}x the rows")


if __name__ == "__main__":
    main()
