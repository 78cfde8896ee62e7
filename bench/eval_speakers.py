"""Direct quotations and their speakers, measured on the hand-annotated speaker sets.

    .venv/bin/python bench/eval_speakers.py                  # dev and held-out figures
    .venv/bin/python bench/eval_speakers.py --errors dev     # list the dev mismatches (speakers,
                                                              # speaker_kind, spans)
    .venv/bin/python bench/eval_speakers.py --json out.json

The gold sets (``bench/gold/speakers_{dev,dev2,…,dev15,heldout}.jsonl``, guideline in
``bench/gold/README.md``) list every double-quoted stretch of 514 news texts (Wikinews,
``data/sample``, the seed, Reuters 1987, and web-news articles invented for dev11–dev15), each as a *full* direct quotation, a *partial* one
(a fragment inside the writer's sentence) or *other* (scare quotes, titles, names, signs), with
its speaker as the text names it and the kind of speaker. The script runs the ETL's own NLP
step on each text and scores the ``quotes`` rows:

* **full direct quotations** — P/R/F1 of rows with ``is_direct`` and not ``is_partial``
  against the gold *full* items;
* **all direct quotations** — every ``is_direct`` row against gold *full* and *partial*
  items, and on the matched pairs how often ``is_partial`` agrees with the gold kind;
* **non-quotes** — how many gold *other* items (scare quotes, titles…) a direct row matches;
* **speaker accuracy** — on gold full quotations with a named speaker (person or
  organisation) that a direct row matches: the row's ``speaker_name`` (its entity) or,
  failing that, its ``speaker_text`` names the gold speaker (see :func:`speaker_ok`); broken
  down by how the text attributes the quote (``attribution``);
* **nominal speakers** — on matched full quotations whose gold speaker is unnamed (a witness,
  a document, "the aide"), how often the row links a person or organisation anyway (a person
  nearby);
* **speaker_kind accuracy** — when the rows have a ``speaker_kind`` column (tolerated absent).

Matching: gold and row spans are trimmed of whitespace, quotation marks and end punctuation;
a pair matches when overlap / union of their characters is at least 0.5, one-to-one, best
pairs first. Held-out errors are not listed (``--errors heldout`` refuses: ``NOT_LISTED``), nor
dev15's (session 18's unselected measure). dev12, session 15's unselected measure, is a
development set since session 16; dev13, session 16's, since session 17; dev14, session 17's,
since session 18.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goldset import (
    DEFAULT_MODEL,
    GOLD,
    load_gold_docs,
    locate_quote,
    pipeline_rows,
    strip_titles,
    surname_is_ambiguous,
)

SPLITS = {
    "dev": GOLD / "speakers_dev.jsonl",
    "dev2": GOLD / "speakers_dev2.jsonl",
    "dev3": GOLD / "speakers_dev3.jsonl",
    "dev4": GOLD / "speakers_dev4.jsonl",
    "dev5": GOLD / "speakers_dev5.jsonl",
    "dev6": GOLD / "speakers_dev6.jsonl",
    "dev7": GOLD / "speakers_dev7.jsonl",
    "dev8": GOLD / "speakers_dev8.jsonl",
    "dev9": GOLD / "speakers_dev9.jsonl",
    "dev10": GOLD / "speakers_dev10.jsonl",
    "dev11": GOLD / "speakers_dev11.jsonl",
    "dev12": GOLD / "speakers_dev12.jsonl",
    "dev13": GOLD / "speakers_dev13.jsonl",
    "dev14": GOLD / "speakers_dev14.jsonl",
    "dev15": GOLD / "speakers_dev15.jsonl",
    "heldout": GOLD / "speakers_heldout.jsonl",
}
#: Splits whose errors are not listed, and why.
NOT_LISTED = {
    "heldout": "the held-out part is not for tuning",
    "dev15": "dev15 is the unselected measure of session 18 (written and annotated before the "
    "extractor ran on it); its errors are not listed this session",
}
KINDS = ("full", "partial", "other")
SPEAKER_KINDS = ("person", "organisation", "nominal", "pronoun", "none")
STRIP = " \t\n\r\u00a0\"'“”„«»‘’`.,;:!?…—–-()[]"
MATCH_IOU = 0.5


def trimmed(body: str, start: int, end: int) -> frozenset[int]:
    """The characters of a span without surrounding whitespace, marks and punctuation."""
    while start < end and body[start] in STRIP:
        start += 1
    while end > start and body[end - 1] in STRIP:
        end -= 1
    return frozenset(range(start, end))


def match(gold: list[frozenset[int]], pred: list[frozenset[int]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs with overlap/union >= 0.5, best first."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            inter = len(g & p)
            if inter and inter / len(g | p) >= MATCH_IOU:
                cands.append((inter / len(g | p), gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(cands, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def speaker_ok(gold: str, kind: str, row: dict, body: str) -> str:
    """Why the row's speaker names the gold speaker ("" when it does not).

    The row's entity name (``speaker_name``) is read first, its text (``speaker_text``) when it
    has none. Names compare case-, accent- and title-blind ("Dr. Priya Raghunathan" = "Priya
    Raghunathan"); a row naming the whole phrase ("Committee chairman Sen. Paul Sarbanes")
    is right when it ends with the gold name; a bare surname is right for a person when no
    two people of the text share it ("Whitfield" for Judge Eleanor Whitfield is not, beside
    Daniel Whitfield). A common noun ("the commissioner") never names anyone.
    """
    cand = row.get("speaker_name") or row.get("speaker_text")
    if not cand:
        return ""
    c = strip_titles(cand).split()
    for alt in gold.split("|"):
        a = strip_titles(alt).split()
        if c == a:
            return "name"
        if len(c) > len(a) and c[-len(a) :] == a:
            return "phrase"
        if (
            kind == "person"
            and len(c) < len(a)
            and a[-len(c) :] == c
            and not surname_is_ambiguous(body, cand.split()[-1])
        ):
            return "surname"
    return ""


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    by_attr: Counter = field(default_factory=Counter)  # (attribution, ok) -> n
    by_kind: Counter = field(default_factory=Counter)  # (speaker_kind, ok) -> n
    why: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def prf(self, name: str) -> tuple[float, float, float]:
        tp, fp, fn = (self.counts[f"{name}_{k}"] for k in ("tp", "fp", "fn"))
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        f = 2 * p * r / (p + r) if tp else 0.0
        return p, r, f

    def ratio(self, ok: str, n: str) -> float:
        return self.counts[ok] / self.counts[n] if self.counts[n] else float("nan")


def _ctx(body: str, s: int, e: int) -> str:
    text = body[s:e]
    if len(text) > 90:
        text = text[:45] + " … " + text[-40:]
    return text.replace("\n", " ")


def score_doc(
    doc: dict, items: list[dict], rows: list[dict], mentions: list[dict], t: Tally
) -> None:
    body = doc["body"]
    entity_label = {m["entity_id"]: m["label"] for m in mentions if m.get("entity_id")}
    gold = []
    for it in items:
        s, e = locate_quote(body, it["quote"], it.get("nth"), f"{doc['doc']}:{it['_line']}")
        gold.append((it, s, e, trimmed(body, s, e)))
    direct = [r for r in rows if r["is_direct"]]
    pchars = [trimmed(body, r["start_char"], r["end_char"]) for r in direct]

    # full direct quotations: full rows against gold full items
    g_full = [g for g in gold if g[0]["kind"] == "full"]
    p_full = [i for i, r in enumerate(direct) if not r["is_partial"]]
    pairs = match([g[3] for g in g_full], [pchars[i] for i in p_full])
    t.counts["full_tp"] += len(pairs)
    t.counts["full_fp"] += len(p_full) - len(pairs)
    t.counts["full_fn"] += len(g_full) - len(pairs)
    matched_g = {gi for gi, _ in pairs}
    matched_p = {p_full[pi] for _, pi in pairs}
    for gi, g in enumerate(g_full):
        if gi not in matched_g:
            t.errors.append(f"  MISS full  {doc['doc']}: {_ctx(body, g[1], g[2])!r}")

    # all direct quotations (full + partial), is_partial agreement, non-quotes
    g_q = [g for g in gold if g[0]["kind"] in ("full", "partial")]
    pairs_q = match([g[3] for g in g_q], pchars)
    t.counts["direct_tp"] += len(pairs_q)
    t.counts["direct_fp"] += len(direct) - len(pairs_q)
    t.counts["direct_fn"] += len(g_q) - len(pairs_q)
    by_gold = {}
    for gi, pi in pairs_q:
        g, r = g_q[gi], direct[pi]
        by_gold[id(g[0])] = r
        t.counts["partial_n"] += 1
        agree = (g[0]["kind"] == "partial") == r["is_partial"]
        t.counts["partial_ok"] += agree
    g_other = [g for g in gold if g[0]["kind"] == "other"]
    for gi, _pi in match([g[3] for g in g_other], pchars):
        t.counts["other_as_quote"] += 1
        g = g_other[gi]
        t.errors.append(
            f"  QUOTE {g[0].get('note', 'other'):8} {doc['doc']}: {_ctx(body, g[1], g[2])!r}"
        )
    t.counts["other_as_full"] += len(match([g[3] for g in g_other], [pchars[i] for i in p_full]))
    t.counts["other_n"] += len(g_other)
    used = {pi for _, pi in pairs_q}
    for pi, r in enumerate(direct):
        if pi not in used and not any(pchars[pi] & g[3] for g in gold):
            t.errors.append(
                f"  FALSE {'partial' if r['is_partial'] else 'full':8} {doc['doc']}: "
                f"{_ctx(body, r['start_char'], r['end_char'])!r}"
            )
    for pi in p_full:
        if pi not in matched_p and any(pchars[pi] & g[3] for g in g_q):
            r = direct[pi]
            t.errors.append(
                f"  FULL≠   {doc['doc']}: {_ctx(body, r['start_char'], r['end_char'])!r} "
                "(a partial quotation, or cut differently)"
            )

    # speakers, on gold full quotations that a direct row matches
    for g in g_full:
        it = g[0]
        r = by_gold.get(id(it))
        if r is None:
            continue
        kind = it["speaker_kind"]
        if "speaker_kind" in r:
            t.counts["kind_n"] += 1
            t.counts["kind_ok"] += r["speaker_kind"] == kind
            if r["speaker_kind"] != kind:
                t.errors.append(
                    f"  KIND    {doc['doc']}: {_ctx(body, g[1], g[2])!r}\n"
                    f"      gold: {kind} ({it['speaker']}, {it['attribution']}); "
                    f"row: {r['speaker_kind']} {r.get('speaker_name')!r} [{r.get('speaker_text')}]"
                )
        if it["speaker"] is None:
            t.counts["unnamed_n"] += 1
            if entity_label.get(r.get("speaker_entity_id")) in ("PERSON", "ORG"):
                t.counts["unnamed_named"] += 1
                t.errors.append(
                    f"  NAMED  {doc['doc']}: {_ctx(body, g[1], g[2])!r}\n"
                    f"      gold: unnamed ({kind}, {it['attribution']}); "
                    f"row: {r['speaker_name']!r} [{r.get('speaker_text')}]"
                )
            continue
        why = speaker_ok(it["speaker"], kind, r, body)
        t.counts["speaker_n"] += 1
        t.counts["speaker_ok"] += bool(why)
        t.why[why or "wrong"] += 1
        t.by_attr[(it["attribution"], bool(why))] += 1
        t.by_kind[(kind, bool(why))] += 1
        if not why:
            t.errors.append(
                f"  SPEAKER {doc['doc']}: {_ctx(body, g[1], g[2])!r}\n"
                f"      gold: {it['speaker']} ({kind}, {it['attribution']}); "
                f"row: {r.get('speaker_name')!r} [{r.get('speaker_text')}] cue {r.get('cue')!r}"
            )


def evaluate(split: str, model: str) -> tuple[Tally, dict]:
    docs, items, skipped = load_gold_docs(SPLITS[split])
    if skipped:
        print(f"{split}: skipped {len(skipped)} documents (../shared absent): {skipped}")
    rows, failed = pipeline_rows({d: (r["body"], r["published"]) for d, r in docs.items()}, model)
    if failed:
        raise SystemExit(f"extraction failed on {failed}")
    t = Tally()
    for d, doc in docs.items():
        mine = [it for it in items if it["doc"] == d]
        score_doc(doc, mine, rows[d]["quotes"], rows[d]["mentions"], t)
    info = {
        "documents": len(docs),
        "gold": dict(Counter(it["kind"] for it in items)),
        "has_speaker_kind": any("speaker_kind" in r for v in rows.values() for r in v["quotes"]),
    }
    return t, info


def report(split: str, t: Tally, info: dict) -> dict:
    out: dict = {"documents": info["documents"], "gold": info["gold"]}
    g = info["gold"]
    print(
        f"\n{split}: {info['documents']} texts; gold {g.get('full', 0)} full, "
        f"{g.get('partial', 0)} partial quotations, {g.get('other', 0)} other quoted stretches"
    )
    print("| measure | P | R | F1 |\n|---|---|---|---|")
    for name, label in (("full", "full direct quotations"), ("direct", "all direct quotations")):
        p, r, f = t.prf(name)
        out[name] = {"p": p, "r": r, "f1": f}
        print(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} |")
    spk = t.ratio("speaker_ok", "speaker_n")
    out["speaker_accuracy"] = spk
    out["speaker_n"] = t.counts["speaker_n"]
    print(
        f"speaker accuracy (full quotations, named gold speaker): {spk:.3f} "
        f"({t.counts['speaker_ok']}/{t.counts['speaker_n']}; "
        + ", ".join(f"{k} {t.why[k]}" for k in ("name", "phrase", "surname", "wrong"))
        + ")"
    )
    parts = []
    for attr in ("name", "noun", "pronoun", "pronoun-far", "continuation", "document"):
        ok, bad = t.by_attr[(attr, True)], t.by_attr[(attr, False)]
        if ok + bad:
            parts.append(f"{attr} {ok}/{ok + bad}")
            out[f"speaker_accuracy_{attr}"] = ok / (ok + bad)
    print("  by attribution: " + ", ".join(parts))
    parts = []
    for kind in ("person", "organisation"):
        ok, bad = t.by_kind[(kind, True)], t.by_kind[(kind, False)]
        if ok + bad:
            parts.append(f"{kind} {ok}/{ok + bad}")
            out[f"speaker_accuracy_{kind}"] = ok / (ok + bad)
    print("  by kind: " + ", ".join(parts))
    out["unnamed_given_a_name"] = t.ratio("unnamed_named", "unnamed_n")
    print(
        f"unnamed gold speakers (witness, document, aide) given a person or organisation: "
        f"{t.counts['unnamed_named']}/{t.counts['unnamed_n']}"
    )
    out["is_partial_agreement"] = t.ratio("partial_ok", "partial_n")
    print(
        f"is_partial agrees with the gold kind on matched quotations: "
        f"{out['is_partial_agreement']:.3f} ({t.counts['partial_ok']}/{t.counts['partial_n']})"
    )
    out["other_as_direct"] = t.counts["other_as_quote"]
    out["other_as_full"] = t.counts["other_as_full"]
    print(
        f"scare quotes, titles, names, signs taken for a direct quotation: "
        f"{t.counts['other_as_quote']}/{t.counts['other_n']} "
        f"(as a full one: {t.counts['other_as_full']})"
    )
    if info["has_speaker_kind"]:
        out["speaker_kind_accuracy"] = t.ratio("kind_ok", "kind_n")
        print(
            f"speaker_kind accuracy (matched full quotations): {out['speaker_kind_accuracy']:.3f}"
            f" ({t.counts['kind_ok']}/{t.counts['kind_n']})"
        )
    else:
        out["speaker_kind_accuracy"] = None
        print("speaker_kind accuracy: the quotes rows have no speaker_kind column yet")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--split", choices=[*SPLITS, "both", "all"], default="all", help="both: dev and held-out"
    )
    ap.add_argument("--errors", choices=list(SPLITS), help="list the mismatches (dev only)")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    if args.errors in NOT_LISTED:
        print(f"{args.errors} errors are not listed: {NOT_LISTED[args.errors]}")
        return 2
    results = {}
    chosen = {"all": list(SPLITS), "both": ["dev", "heldout"]}.get(args.split, [args.split])
    for split in chosen:
        t, info = evaluate(split, args.model)
        results[split] = report(split, t, info)
        if args.errors == split:
            print("\n".join(t.errors))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
