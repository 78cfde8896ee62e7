"""Memory of reading sources: a JSON-lines file with one enormous line, and a large ``.json``
array, against a baseline of ordinary JSON lines — records are capped and streamed, so the
peak should not follow the size of a file or of a line.

    .venv/bin/python bench/bench_read.py [--huge-mb 300]

Each case runs in its own process (reading and parsing every record in batches, as a run does,
without the NLP step) and prints its peak resident memory (``ru_maxrss``) and the ratio to the
baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = (
    "The council voted on Tuesday to close the old bridge to traffic after engineers found "
    "cracks in two of its supports. Repairs start next month, officials said. "
) * 8

READER = """
import datetime as dt, sys
sys.path.insert(0, {root!r})
from flows.sources import Cursor, discover, read_batch
from transforms.parse import parse_item
entries = discover([sys.argv[1]])
cursor, seen = Cursor(), {{}}
while cursor.entry < len(entries):
    items, cursor = read_batch(entries, cursor, 256, max_bytes=6_000_000)
    for item in items:
        for result in parse_item(item, today=dt.date(2026, 1, 1)):
            kind = type(result).__name__ + ":" + getattr(result, "reason", "")
            seen[kind] = seen.get(kind, 0) + 1
print(seen)
"""


def run(path: Path) -> tuple[float, float, str]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", READER.format(root=str(ROOT)), str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read().strip()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"reading {path} failed")
    return usage.ru_maxrss / 1024, time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge-mb", type=int, default=300, help="size of the enormous line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        records = [{"id": f"r{i}", "body": f"{i}. {BODY}"} for i in range(4_000)]
        (root / "base.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records[:1000]))
        with open(root / "huge.jsonl", "w") as fh:
            fh.write(json.dumps(records[0]) + "\n")
            fh.write('{"id": "huge", "body": "')
            chunk = "word " * 200_000
            for _ in range(args.huge_mb * 1_000_000 // len(chunk)):
                fh.write(chunk)
            fh.write('"}\n' + json.dumps(records[1]) + "\n")
        (root / "array.json").write_text(json.dumps(records))
        cases = [
            ("1,000 JSON lines (baseline)", root / "base.jsonl"),
            (f"JSONL with a {args.huge_mb} MB line", root / "huge.jsonl"),
            (
                f".json array of 4,000 records ({(root / 'array.json').stat().st_size / 1e6:.1f} MB)",
                root / "array.json",
            ),
        ]
        base = None
        for label, path in cases:
            mb, seconds, seen = run(path)
            base = base or mb
            print(f"{label:<40} {mb:7.1f} MB peak ({mb / base:.2f}x)  {seconds:5.1f} s  {seen}")


if __name__ == "__main__":
    main()
