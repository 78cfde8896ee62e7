"""Near-duplicate detection: build the development set, measure precision and recall per
threshold, and count what the detector finds in the Reuters-21578 corpus.

    .venv/bin/python bench/eval_near_duplicates.py            # table of thresholds + Reuters
    .venv/bin/python bench/eval_near_duplicates.py --write    # also rewrite the pair list

The development set (``bench/gold/near_duplicates_dev.jsonl``, one pair a line) has:

* **reprints** (positive) — Wikinews articles republished with the edits wire reprints get,
  applied by a seeded script: a new first paragraph (an editor's lead), a paragraph replaced
  by another article's, a trailing note ("(Reporting by …; Editing by …)"), the story cut to
  its first half, a paragraph dropped, typos corrected / introduced, the paragraphs of a
  "RECASTS" update reordered.
* **reuters_update** (positive) — Reuters stories sent twice on the same day under the same
  headline with different bodies (updates, corrections, longer versions).
* **reuters_template** (negative) — Reuters pairs that share most of their words but are
  about different companies (their headlines carry different ``<TICKER>`` codes): dividend
  notices, results tables, price postings.
* **reuters_recurring** (negative) — the same headline on dates at least a week apart
  (the Fed's daily operations, the Bank of England's forecasts, weekly reviews): different
  stories told with the same template.
* **wikinews_related** (negative) — the most similar pairs of distinct Wikinews articles.

Negatives are drawn from the detector's candidate pairs (LSH at a low threshold), so they
are the hard cases, not random pairs.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms import dedup  # noqa: E402
from transforms.ids import article_id_for  # noqa: E402

SHARED = ROOT.parent / "shared"
REUTERS = SHARED / "corpus" / "reuters21578" / "reuters.jsonl"
WIKINEWS = SHARED / "corpus" / "wikinews" / "articles"
DEV = ROOT / "bench" / "gold" / "near_duplicates_dev.jsonl"
TICKER_RE = re.compile(r"<([A-Z.]+)>")
NOTES = [
    "(Reporting by Maria Lopez; Editing by Tom Baker)",
    "This story has been corrected to fix the spelling of a name in the third paragraph.",
    "Additional reporting by staff in London. Our Standards: The Thomson Trust Principles.",
    "(c) 2024 The Associated Press. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
]
LEADS = [
    "Editor's note: this article was first published by our partner agency and is reproduced "
    "with permission.",
    "UPDATED with comment from the ministry in paragraph four.",
]


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def _typos(text: str, rng: random.Random, n: int) -> str:
    words = text.split(" ")
    for _ in range(n):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def reprint(body: str, other: str, edit: str, seed: int) -> str:
    """The body after one of the reprint edits (deterministic for a seed)."""
    rng = random.Random(seed)
    paras = _paragraphs(body)
    if edit == "trailing_note":
        paras.append(rng.choice(NOTES))
    elif edit == "new_lead":
        paras.insert(0, rng.choice(LEADS))
    elif edit == "replaced_paragraph":
        i = rng.randrange(len(paras))
        paras[i] = rng.choice(_paragraphs(other))
    elif edit == "first_half":
        paras = paras[: max(2, (len(paras) + 1) // 2)]
    elif edit == "dropped_paragraph":
        del paras[rng.randrange(1, len(paras))]
    elif edit == "typos":
        paras = [_typos(p, rng, 2) for p in paras]
    elif edit == "reordered":
        head, rest = paras[:1], paras[1:]
        rng.shuffle(rest)
        paras = head + rest
    return "\n\n".join(paras)


EDITS = [
    "trailing_note",
    "new_lead",
    "replaced_paragraph",
    "first_half",
    "dropped_paragraph",
    "typos",
    "reordered",
]


def load_reuters() -> dict[str, dict]:
    out = {}
    with open(REUTERS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out[rec["id"]] = rec
    return out


def load_wikinews() -> dict[str, str]:
    import datetime as _dt

    from transforms.parse import Article, SourceItem, parse_item

    out = {}
    for path in sorted(WIKINEWS.glob("*.txt")):
        for res in parse_item(
            SourceItem(str(path), "text", path.read_bytes()), today=_dt.date(2026, 1, 1)
        ):
            if isinstance(res, Article) and len(_paragraphs(res.body)) >= 4:
                out[path.stem] = res.body
    return out


def candidate_pairs(bodies: dict[str, str]) -> list[tuple[str, str, float]]:
    fps = {k: dedup.fingerprint(b) for k, b in bodies.items()}
    index: dict[int, list[str]] = collections.defaultdict(list)
    pairs: set[tuple[str, str]] = set()
    for key, fp in fps.items():
        for band in fp.bands:
            for other in index[band]:
                pairs.add((other, key))
            index[band].append(key)
    return [(a, b, dedup.similarity(fps[a].shingles, fps[b].shingles)) for a, b in sorted(pairs)]


def norm_title(title: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", (title or "").upper()).split())


def build_set(reuters: dict[str, dict], wikinews: dict[str, str]) -> list[dict]:
    rng = random.Random(15)
    pairs: list[dict] = []
    keys = sorted(wikinews)
    for i, key in enumerate(rng.sample(keys, min(140, len(keys)))):
        edit = EDITS[i % len(EDITS)]
        other = keys[(keys.index(key) + 7) % len(keys)]
        pairs.append(
            {
                "kind": "reprint",
                "a": f"wikinews:{key}",
                "edit": edit,
                "other": f"wikinews:{other}",
                "seed": i,
                "label": 1,
            }
        )
    cands = candidate_pairs({k: r["body"] for k, r in reuters.items()})
    updates, templates, recurring = [], [], []
    for a, b, sim in cands:
        ra, rb = reuters[a], reuters[b]
        if article_id_for(ra["body"]) == article_id_for(rb["body"]) or sim < 0.3:
            continue  # the same body is an exact duplicate (rejected as duplicate_body)
        ta, tb = norm_title(ra["title"]), norm_title(rb["title"])
        da = dt.date.fromisoformat(ra["published"][:10]) if ra.get("published") else None
        db = dt.date.fromisoformat(rb["published"][:10]) if rb.get("published") else None
        tick_a, tick_b = (
            set(TICKER_RE.findall(ra["title"] or "")),
            set(TICKER_RE.findall(rb["title"] or "")),
        )
        if ta == tb and da and da == db:
            updates.append((a, b))
        elif tick_a and tick_b and not tick_a & tick_b:
            templates.append((a, b))
        elif ta == tb and da and db and abs((da - db).days) >= 7:
            recurring.append((a, b))
    for kind, found, n, label in (
        ("reuters_update", updates, 80, 1),
        ("reuters_template", templates, 120, 0),
        ("reuters_recurring", recurring, 60, 0),
    ):
        for a, b in sorted(rng.sample(found, min(n, len(found)))):
            pairs.append({"kind": kind, "a": f"reuters:{a}", "b": f"reuters:{b}", "label": label})
    wk = sorted(candidate_pairs(wikinews), key=lambda t: -t[2])[:40]
    for a, b, _ in wk:
        pairs.append(
            {"kind": "wikinews_related", "a": f"wikinews:{a}", "b": f"wikinews:{b}", "label": 0}
        )
    return pairs


def texts(pair: dict, reuters: dict[str, dict], wikinews: dict[str, str]) -> tuple[str, str]:
    def get(ref: str) -> str:
        corpus, key = ref.split(":", 1)
        return reuters[key]["body"] if corpus == "reuters" else wikinews[key]

    a = get(pair["a"])
    if pair["kind"] == "reprint":
        return a, reprint(a, get(pair["other"]), pair["edit"], pair["seed"])
    return a, get(pair["b"])


def _days_apart(pair: dict, reuters: dict[str, dict]) -> int | None:
    if pair["kind"] == "reprint" or not pair["a"].startswith("reuters:"):
        return 0 if pair["kind"] == "reprint" else None
    da = reuters[pair["a"].split(":", 1)[1]].get("published")
    db = reuters[pair["b"].split(":", 1)[1]].get("published")
    if not (da and db):
        return None
    return (dt.date.fromisoformat(da[:10]) - dt.date.fromisoformat(db[:10])).days


def _linked(fa, fb, days, threshold: float, full_rule: bool) -> bool:
    if not set(fa.bands) & set(fb.bands):
        return False  # never a candidate: LSH did not bring them together
    saved = dedup.THRESHOLD
    dedup.THRESHOLD = threshold
    try:
        if full_rule:
            return dedup.near_duplicate(fa, fb, days) is not None
        return dedup.similarity(fa.shingles, fb.shingles) >= threshold
    finally:
        dedup.THRESHOLD = saved


def evaluate(pairs, reuters, wikinews) -> None:
    scored = []
    for p in pairs:
        a, b = texts(p, reuters, wikinews)
        scored.append((p, dedup.fingerprint(a), dedup.fingerprint(b), _days_apart(p, reuters)))
    counts = collections.Counter(p["kind"] for p in pairs)
    print(f"pairs: {len(pairs)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print("rule: similarity alone, or + figures agree + at most 7 days apart (the detector)")
    print(f"{'threshold':>9} {'rule':>10} {'P':>6} {'R':>6} {'F1':>6}   TP  FP  FN")
    for full in (False, True):
        for th in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            tp = fp = fn = 0
            for p, fa, fb, days in scored:
                pred = _linked(fa, fb, days, th, full)
                tp += pred and p["label"] == 1
                fp += pred and p["label"] == 0
                fn += (not pred) and p["label"] == 1
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            mark = "  <- chosen" if full and th == dedup.THRESHOLD else ""
            rule = "detector" if full else "similarity"
            print(
                f"{th:>9.1f} {rule:>10} {prec:6.3f} {rec:6.3f} {f1:6.3f} {tp:4d} {fp:3d} {fn:3d}{mark}"
            )
    print("\nat the chosen threshold, by kind (pairs linked / pairs):")
    errors = []
    for kind in sorted(counts):
        got = 0
        for p, fa, fb, days in scored:
            if p["kind"] != kind:
                continue
            pred = _linked(fa, fb, days, dedup.THRESHOLD, True)
            got += pred
            if pred != bool(p["label"]):
                sim = dedup.similarity(fa.shingles, fb.shingles)
                errors.append(
                    f"  {kind:<18} {p['a']} {p.get('b') or p.get('edit')}: similarity {sim:.2f}"
                )
        print(f"  {kind:<18} {got}/{counts[kind]}")
    print("errors at the chosen threshold:")
    print("\n".join(errors) or "  none")


def reuters_run(reuters: dict[str, dict]) -> None:
    """What a run over the corpus links: each body against those loaded before it."""
    seen_exact: dict[str, str] = {}
    fps: dict[str, dedup.Fingerprint] = {}
    index: dict[int, list[str]] = collections.defaultdict(list)
    linked: list[tuple[str, str, float]] = []
    exact = 0
    for key, rec in reuters.items():
        body = rec["body"].strip()
        if not body:
            continue
        k = article_id_for(body)
        if k in seen_exact:
            exact += 1
            continue
        seen_exact[k] = key
        fp = dedup.fingerprint(body)
        cands = {o: fps[o] for band in fp.bands for o in index[band]}
        day = dt.date.fromisoformat(rec["published"][:10]) if rec.get("published") else None
        apart = {
            o: (day - dt.date.fromisoformat(reuters[o]["published"][:10])).days
            if day and reuters[o].get("published")
            else None
            for o in cands
        }
        match = dedup.best_match(fp, cands, apart)
        if match:
            linked.append((key, match[0], match[1]))
        else:
            for band in fp.bands:
                index[band].append(key)
        fps[key] = fp
    print(
        f"\nReuters-21578: {len(reuters)} records, {exact} exact repeats of a body "
        f"(duplicate_body), {len(linked)} near-duplicates linked to a first occurrence"
    )
    rng = random.Random(1)
    for key, orig, sim in sorted(rng.sample(linked, min(8, len(linked)))):
        print(
            f"  {key} → {orig} ({sim:.2f}): {reuters[key]['title']!r} / {reuters[orig]['title']!r}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rebuild the pair list")
    args = parser.parse_args()
    reuters = load_reuters()
    wikinews = load_wikinews()
    if args.write or not DEV.exists():
        pairs = build_set(reuters, wikinews)
        DEV.write_text("".join(json.dumps(p, sort_keys=True) + "\n" for p in pairs))
        print(f"wrote {DEV.relative_to(ROOT)}")
    pairs = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    evaluate(pairs, reuters, wikinews)
    reuters_run(reuters)


if __name__ == "__main__":
    main()
