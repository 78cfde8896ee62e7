"""Cost of language detection and near-duplicate fingerprints, against parsing alone.

    nice .venv/bin/python bench/bench_language_dedup.py [--limit N]

Parses N Reuters-21578 records three ways in the same run and prints seconds and ratios:
the baseline (parse with language detection switched off), parse as the pipeline does it
(lingua on every body), and parse + near-duplicate fingerprint (shingles, MinHash, bands).
Memory: the process's peak RSS before and after the detector is built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms import dedup, parse  # noqa: E402
from transforms.parse import SourceItem, parse_item  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpus" / "reuters21578" / "reuters.jsonl"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=3000)
    args = ap.parse_args()
    lines = REUTERS.read_bytes().splitlines()[: args.limit]
    items = [SourceItem(str(REUTERS), "jsonl", line, f"L{i}") for i, line in enumerate(lines, 1)]
    today = dt.date(2026, 1, 1)

    real = parse.detect_language
    parse.detect_language = lambda _text: None
    t0 = time.perf_counter()
    base = [r for i in items for r in parse_item(i, today=today)]
    baseline = time.perf_counter() - t0
    parse.detect_language = real

    before = rss_mb()
    t0 = time.perf_counter()
    arts = [r for i in items for r in parse_item(i, today=today)]
    with_lang = time.perf_counter() - t0  # includes loading lingua's models (lazily)
    after = rss_mb()
    t0 = time.perf_counter()
    for a in arts:
        if hasattr(a, "body"):
            dedup.fingerprint(a.body)
    fingerprints = time.perf_counter() - t0
    assert len(base) == len(arts)
    langs: dict[str, int] = {}
    for a in arts:
        key = getattr(a, "language", None) or "none"
        langs[key] = langs.get(key, 0) + 1
    print(f"{len(items)} Reuters records ({json.dumps(langs, sort_keys=True)})")
    print(f"parse, no language detection (baseline)  {baseline:7.2f} s   1.00")
    print(
        f"parse with lingua                        {with_lang:7.2f} s   {with_lang / baseline:.2f}"
    )
    print(
        f"near-duplicate fingerprints              {fingerprints:7.2f} s   "
        f"{fingerprints / baseline:.2f}"
    )
    n = len(items)
    print(
        f"per record: parse {1000 * baseline / n:.2f} ms, language "
        f"{1000 * (with_lang - baseline) / n:.2f} ms, fingerprint {1000 * fingerprints / n:.2f} ms"
    )
    print(f"peak RSS: {before:.0f} MB before the detector, {after:.0f} MB after")


if __name__ == "__main__":
    main()
