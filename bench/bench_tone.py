"""Time the tone scorer (``transforms.tone.compound``) of code trees on the same sentences.

    .venv/bin/python bench/bench_tone.py --tree /tmp/base --tree . --repeat 2

The sentences: the Reuters stories' bodies (the first ``--limit`` records) and the Wikinews
articles cut at sentence ends and blank lines, and 100 long texts of 40 of them joined (what a
quote or a long sentence can be). Each tree's ``transforms/tone.py`` is loaded as its own
module; the trees are timed one after the other, ``--repeat`` rounds (CPU seconds of this
process, ``time.process_time``). Every score is compared with the first tree's and with
VADER's own ``polarity_scores`` (on the first 20,000): the counts that differ are printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"


def texts_of(limit: int) -> list[str]:
    texts: list[str] = []
    with open(SHARED / "reuters21578" / "reuters.jsonl", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= limit:
                break
            texts += re.split(r"(?<=[.!?])\s+|\n\s*\n", json.loads(line).get("body") or "")
    for f in sorted((SHARED / "wikinews" / "articles").glob("*.txt")):
        texts += re.split(r"(?<=[.!?])\s+|\n+", f.read_text(encoding="utf-8"))
    return texts + [" ".join(texts[i : i + 40]) for i in range(0, 4000, 40)]


def tone_of(tree: Path, k: int):
    spec = importlib.util.spec_from_file_location(f"tone_{k}", tree / "transforms" / "tone.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree", action="append", help="a checkout (default: this one)")
    ap.add_argument("--limit", type=int, default=7000, help="Reuters records")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    mods = [tone_of(t, k) for k, t in enumerate(trees)]
    texts = texts_of(args.limit)
    first = [mods[0].compound(t) for t in texts]
    vader = mods[0]._analyzer()
    print(f"{len(texts)} texts")
    for tree, mod in zip(trees, mods, strict=True):
        scores = [mod.compound(t) for t in texts]
        differ = sum(a != b for a, b in zip(scores, first, strict=True))
        off = sum(mod.compound(t) != vader.polarity_scores(t)["compound"] for t in texts[:20000])
        print(f"{tree}: {differ} scores differ from the first tree's, {off} from VADER's")
    for rnd in range(args.repeat):
        for tree, mod in zip(trees, mods, strict=True):
            t0 = time.process_time()
            for t in texts:
                mod.compound(t)
            print(f"round {rnd}: {time.process_time() - t0:6.2f} CPU-s  {tree}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
