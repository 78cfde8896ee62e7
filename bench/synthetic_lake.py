"""A larger lake from a first run's: its first batches copied, each copy's ids made distinct.

    .venv/bin/python bench/synthetic_lake.py WAREHOUSE OUT --batches 8 --copies 10

Copies the Parquet parts of ``WAREHOUSE``'s batches 1..``--batches`` ``--copies`` times into
``OUT/lake`` (copy ``r`` as batches ``r * batches + b``; copy 0 as it is), every string column
named ``*_id``, ``source_uri`` or ``duplicate_of`` suffixed with ``#r`` in copy ``r``: a lake of
one run whose articles and rows are all distinct, for ``bench/load_growth.py OUT`` at sizes a
real first run takes long to reach (the same texts, so the rows' sizes are real ones).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

_PART_RE = re.compile(r"part-(?P<run>r[^-]+)-(?P<batch>\d{5})(?P<rest>(?:\.\d+)?\.parquet)$")


def _suffixed(table: pa.Table, copy: int) -> pa.Table:
    if not copy:
        return table
    cols = []
    for name in table.column_names:
        col = table[name]
        if pa.types.is_string(col.type) and (
            name.endswith("_id") or name in ("source_uri", "duplicate_of")
        ):
            col = pc.binary_join_element_wise(col, pa.scalar(f"#{copy}"), "")
        cols.append(col)
    return pa.table(cols, schema=table.schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args(argv)
    n = 0
    for path in sorted(args.warehouse.glob("lake/*/*/*.parquet")):
        m = _PART_RE.search(path.name)
        if not m or int(m["batch"]) > args.batches:
            continue
        table = pq.read_table(path)
        for copy in range(args.copies):
            batch = copy * args.batches + int(m["batch"])
            out = args.out / path.relative_to(args.warehouse).parent
            out.mkdir(parents=True, exist_ok=True)
            pq.write_table(_suffixed(table, copy), out / f"part-{m['run']}-{batch:05d}{m['rest']}")
            n += 1
    print(f"{n} parts written under {args.out / 'lake'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
