"""What reading bodies unwrapped costs against the spaCy parse, measured in the same run.

    .venv/bin/python bench/bench_unwrap.py ../shared/corpus/reuters21578/reuters.jsonl --limit 500
    .venv/bin/python bench/bench_unwrap.py ../shared/corpus/wikinews/articles

Times (CPU, ``time.process_time``) the three steps :func:`transforms.nlp.parse_docs` takes for a
body (``transforms/unwrap.py``): :func:`~transforms.unwrap.prepare` (the text the model reads:
hard wraps and wire tags out), the pipeline's parse of those texts, and
:func:`~transforms.unwrap.restore` (the Doc over the body with the parse carried over), and
prints each step's share of the parse, with how many bodies were read otherwise than written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import MODEL, load  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--limit", type=int, default=0, help="articles per source (0: all)")
    args = ap.parse_args(argv)

    from transforms.nlp import PIPE_BATCH_SIZE, get_pipeline
    from transforms.unwrap import prepare, restore

    nlp = get_pipeline(MODEL)
    texts = [body for source in args.sources for _, body, _ in load(source, args.limit)]
    list(nlp.pipe(texts[:5]))  # warm-up
    t0 = time.process_time()
    preps = [prepare(text) for text in texts]
    t_prepare = time.process_time() - t0
    t0 = time.process_time()
    read = [p.text if p else t for t, p in zip(texts, preps, strict=True)]
    docs = list(nlp.pipe(read, batch_size=PIPE_BATCH_SIZE))
    t_parse = time.process_time() - t0
    t0 = time.process_time()
    for text, prep, doc in zip(texts, preps, docs, strict=True):
        if prep is not None:
            assert restore(doc, text, prep).text == text
    t_restore = time.process_time() - t0
    changed = sum(p is not None for p in preps)
    print(f"articles: {len(texts)}  read unwrapped or untagged: {changed}")
    print(f"parse: {t_parse:.2f} s CPU")
    print(f"prepare: {t_prepare:.3f} s CPU ({t_prepare / t_parse:.1%} of the parse)")
    print(f"restore: {t_restore:.3f} s CPU ({t_restore / t_parse:.1%} of the parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
