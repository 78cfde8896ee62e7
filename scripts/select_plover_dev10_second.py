"""Pick the dev10 sentences of the second, blind coding (``bench/gold/plover_dev10_second.jsonl``).

    .venv/bin/python scripts/select_plover_dev10_second.py     # one line a sentence, no codes

A random third of ``plover_dev10``'s coded sentences (43 of 128): ``random.Random(1018)``
samples them from the coded ids in file order, and they are printed in file order with only
what the second coder may see (id, split, path, record, published, stratum, text) — never the
first coding's type, mode, roles or note. Which sentences the first coder coded at all is
the one thing the selection reads (the question is agreement on the type where the first
coder saw an event). Deterministic.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV10 = ROOT / "bench/gold/plover_dev10.jsonl"
SEED = 1018
SHOWN = ("id", "split", "path", "record", "published", "stratum", "text")


def main() -> int:
    lines = [json.loads(line) for line in DEV10.read_text(encoding="utf-8").splitlines() if line]
    coded = [g["id"] for g in lines if g["type"] is not None]
    chosen = set(random.Random(SEED).sample(coded, round(len(coded) / 3)))
    for g in lines:
        if g["id"] in chosen:
            print(json.dumps({k: g[k] for k in SHOWN if k in g}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
