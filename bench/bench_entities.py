"""What the entity step costs against the spaCy parse it follows, measured in the same run.

    .venv/bin/python bench/bench_entities.py ../shared/corpus/wikinews/articles
    .venv/bin/python bench/bench_entities.py ../shared/corpus/reuters21578/reuters.jsonl --limit 1000

Parses the articles with the pipeline *without* the ``newsetl_entities`` component (the
baseline: tokenizer, tagger, parser, lemmatizer, NER), then runs the component alone on those
Docs (re-cased lines read again by the NER, results tables, gazetteer, repairs) and
:func:`~transforms.mentions.extract.extract_mentions` on its output. Prints CPU seconds
(``time.process_time``, best of ``--repeat`` for the two entity steps) and each step's share of
the parse: the component is part of the NLP stage's throughput, the mentions step part of the
extractors' (``bench_extract.py``).
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
    ap.add_argument("--repeat", type=int, default=3, help="timed passes of the entity steps")
    args = ap.parse_args(argv)

    from spacy.tokens import DocBin

    from transforms.document import Document
    from transforms.mentions.extract import extract_mentions
    from transforms.nlp import get_pipeline, parse_docs

    nlp = get_pipeline(MODEL)
    arts = []
    for source in args.sources:
        arts += load(source, args.limit)
    texts = [body for _, body, _ in arts]
    with nlp.select_pipes(disable=["newsetl_entities"]):
        parse_docs(nlp, texts[:5])  # warm-up
        t0 = time.process_time()
        docs = list(parse_docs(nlp, texts))
        parse = time.process_time() - t0
    fixer = nlp.get_pipe("newsetl_entities")
    frozen = DocBin(docs=docs).to_bytes()  # each pass starts from the model's own entities
    best_fix = best_ext = float("inf")
    for _ in range(max(1, args.repeat)):
        again = list(DocBin().from_bytes(frozen).get_docs(nlp.vocab))
        t0 = time.process_time()
        fixed = [fixer(doc) for doc in again]
        t1 = time.process_time()
        n = sum(len(extract_mentions(doc, str(i), Document(doc))) for i, doc in enumerate(fixed))
        t2 = time.process_time()
        best_fix, best_ext = min(best_fix, t1 - t0), min(best_ext, t2 - t1)
    words = sum(len(t.split()) for t in texts)
    print(f"articles: {len(arts)}  words: {words}  mentions: {n}")
    print(f"parse without the entity component: {parse:.2f} s CPU")
    print(f"entity component: {best_fix:.2f} s CPU ({best_fix / parse:.1%} of the parse)")
    print(f"mentions extraction: {best_ext:.2f} s CPU ({best_ext / parse:.1%} of the parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
