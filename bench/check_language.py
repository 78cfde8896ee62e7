"""Language detection's first pass (plain English without lingua) against lingua's own answer.

    nice .venv/bin/python bench/check_language.py                  # Reuters, Wikinews, samples
    nice .venv/bin/python bench/check_language.py SOURCE [SOURCE …] --limit 1000

For every body of the sources (parsed by our parser, as the flow does), the language
:func:`transforms.language.detect_language` returns is compared with lingua's answer on the
same words (what it returned before the first pass: :func:`~transforms.language.lingua_language`
after :func:`~transforms.language.prose_words`). Prints, per source, the bodies, how many the
first pass settled (and their share of the text), the disagreements (each listed) and the CPU
seconds of both ways. The answer of the flow must not change: the count must be 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from worker_stages import articles_of  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
DEFAULT = [
    SHARED / "reuters21578" / "reuters.jsonl",
    SHARED / "wikinews" / "articles",
    SHARED / "wikinews" / "articles.jsonl",
    ROOT / "data" / "sample",
]


def check(source: str, limit: int) -> int:
    from transforms.language import detect_language, lingua_language, plainly_english, prose_words

    bodies = [a.body for a in articles_of(source, limit)]
    detect_language(bodies[0] if bodies else "")  # lingua built and warm before the clocks
    t0 = time.process_time()
    new = [detect_language(b) for b in bodies]
    t_new = time.process_time() - t0
    t0 = time.process_time()
    words = [prose_words(b) for b in bodies]
    old = [None if w is None else lingua_language(w) for w in words]
    t_old = time.process_time() - t0
    settled = [w is not None and plainly_english(w) for w in words]
    chars = sum(len(b) for b in bodies) or 1
    settled_chars = sum(len(b) for b, s in zip(bodies, settled, strict=True) if s)
    wrong = [(i, o, n) for i, (o, n) in enumerate(zip(old, new, strict=True)) if o != n]
    print(
        f"{source}: {len(bodies)} bodies {dict(Counter(old).most_common())}; first pass settled "
        f"{sum(settled)} ({settled_chars / chars:.1%} of the text); "
        f"CPU {t_old:.2f} s → {t_new:.2f} s; disagreements: {len(wrong)}"
    )
    for i, o, n in wrong:
        print(f"  body {i}: lingua {o}, now {n}: {bodies[i][:120]!r}")
    return len(wrong)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sources", nargs="*", default=[str(s) for s in DEFAULT])
    ap.add_argument("--limit", type=int, default=10**9)
    args = ap.parse_args(argv)
    wrong = sum(check(s, args.limit) for s in args.sources if Path(s).exists())
    print(f"disagreements in all: {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
