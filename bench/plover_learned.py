"""A learned decision over the event lexicon's candidates, scored leave-one-set-out against
the rules (session 18, ``events``; a bench-only experiment, not used by the extractor).

    .venv/bin/python bench/plover_learned.py                 # the leave-one-set-out table
    .venv/bin/python bench/plover_learned.py --no-lemma      # without the lemma features
    .venv/bin/python bench/plover_learned.py --json out.json

**Candidates.** Each sentence of the development sets (dev, dev3-dev10; the held-out set and
the unselected measure are never read here) is parsed alone and analysed as the ETL does
(``transforms.pipeline.extract``'s :class:`~transforms.analysis.Analysis`). Its candidates are
every (token, PLOVER type) that a row of the event lexicon gives the token's lemma (verbs,
event nouns, predicate adjectives), *before* the rows' conditions and strictness flags, plus
every (trigger, type) of the rules' own PLOVER rows (the field dictionary's readings included).

**Features of a candidate** (no feature names a sentence, article or set): its type; its part of
speech, dependency label and depth in the parse; whether it is the root's or a reported
clause's verb; whether a row of that type has conditions that hold, whether the lexicon's first
holding row is this type or a "not an event" row; the rows' flags (strict, light, harm, sym,
theme, recv, swap) and how many conditions they set; whether the rules made a row of this type
at the token and whether it is the rules' top event, with the rules' modality and negation;
negation, modal and future auxiliaries, the tag (tense), passive; whether its subject and its
object are entities (mentions), pronouns or people nouns; whether a verb of saying governs it;
the sentence's candidate and mention counts (binned); optionally the lemma and lemma + type.

**Decision.** A logistic regression (scikit-learn, L2, ``C`` fixed, ``random_state=0``) scores
each candidate (label: the sentence is coded and the candidate's type is one of its gold
types). A sentence's answer is its best-scoring candidate's type when the score passes a
threshold, else no event; the threshold is the one that maximises, on the training sets only,
the sentences answered right (coded: type right; no event: none given).

**Scoring.** For each development set: train on all the others, score it — type accuracy on its
coded sentences and false events on its no-event sentences — beside the rules' figures on the
same set (the rules' answer: their top event, as ``bench/eval_plover.py`` scores it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_plover import PLOVER_TYPES, load, top_event
from goldset import DEFAULT_MODEL

DEV_SPLITS = ("dev", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10")
SAY = frozenset({"say", "tell", "state", "add", "write", "tweet", "announce", "report", "claim"})
MODAL = frozenset({"would", "could", "may", "might", "should", "must", "can"})
FUTURE = frozenset({"will", "shall", "'ll"})
FLAGS = ("strict", "light", "harm", "sym", "theme", "recv", "swap")
C = 0.5
SEED = 0


def _depth(t) -> int:
    d = 0
    while t.head.i != t.i and d < 100:
        t, d = t.head, d + 1
    return d


def _bin(n: int, edges=(0, 1, 2, 3, 5)) -> str:
    for e in reversed(edges):
        if n >= e:
            return f"{e}+"
    return "0+"


def _arg_kind(ctx, t) -> str:
    from transforms.events.kinds import is_agentive

    if t is None:
        return "none"
    if ctx.mention_at(t) is not None:
        return "entity"
    if t.pos_ == "PRON":
        return "pron"
    if is_agentive(t):
        return "people"
    return "other"


def sentence_candidates(doc, art_id: str, published: dt.date | None):
    """(candidates, rules' answer, rules' any-PLOVER flag) of one sentence's doc."""
    from transforms.analysis import Analysis
    from transforms.events.conditions import conds_hold
    from transforms.events.context import EventContext
    from transforms.events.dictionary import dictionary
    from transforms.events.extract import extract_events
    from transforms.events.lexicon import lexicon, lookup
    from transforms.events.syntax import object_of, subject_of

    an = Analysis(doc, art_id)
    events = extract_events(an, published)
    rows = [e.row() for e in events]
    top = top_event(rows, doc)
    rules_answer = top["event_type"] if top is not None else None
    rules_any = any(r.get("event_type") in PLOVER_TYPES for r in rows)
    ctx = EventContext(an, published, lexicon(), dictionary())
    rule_at: dict[tuple[int, str], dict] = {}
    for r in rows:
        if r.get("event_type") not in PLOVER_TYPES:
            continue
        for t in doc:
            if t.idx == r["start_char"]:
                rule_at.setdefault((t.i, r["event_type"]), r)
    cands: dict[tuple[int, str], dict] = {}
    for t in doc:
        pos = {"VERB": "VERB", "AUX": "VERB", "NOUN": "NOUN", "ADJ": "ADJ"}.get(t.pos_)
        if pos is None:
            continue
        entries = ctx.lex.rows(t.lemma_.lower(), "ADJ") if pos == "ADJ" else lookup(ctx.lex, t, pos)
        kind = "noun" if pos == "NOUN" else "verb"
        first_holding = None
        for e in entries:
            try:
                ok = conds_hold(ctx, t, e, kind)
            except Exception:  # a slot the row's kind does not read
                ok = False
            if ok and first_holding is None:
                first_holding = e.type
            if e.type not in PLOVER_TYPES:
                continue
            c = cands.setdefault((t.i, e.type), {"flags": set(), "holds": False, "conds": 0})
            c["flags"] |= set(e.flags)
            c["holds"] |= ok
            c["conds"] = max(c["conds"], len(e.conds))
            c["first"] = first_holding
    for key in rule_at:
        cands.setdefault(key, {"flags": set(), "holds": True, "conds": 0, "first": key[1]})
    n_mentions = len(an.mentions)
    out = []
    for (i, typ), c in cands.items():
        t = doc[i]
        r = rule_at.get((i, typ))
        f = [
            f"type={typ}",
            f"pos={t.pos_}",
            f"dep={t.dep_}",
            f"pos_dep={t.pos_}_{t.dep_}",
            f"depth={min(_depth(t), 4)}",
            f"tag={t.tag_}",
            f"holds={c['holds']}",
            f"type_holds={typ}_{c['holds']}",
            f"first={'self' if c.get('first') == typ else ('none' if c.get('first') is None else ('not' if c.get('first') == '-' else 'other'))}",
            f"conds={min(c['conds'], 3)}",
            f"rule={r is not None}",
            f"type_rule={typ}_{r is not None}",
            f"rule_top={bool(r and r.get('is_top_event'))}",
            f"n_cands={_bin(len(cands))}",
            f"n_mentions={_bin(n_mentions)}",
        ]
        f += [f"flag={x}" for x in FLAGS if x in c["flags"]]
        f += [f"type_flag={typ}_{x}" for x in FLAGS if x in c["flags"]]
        if r is not None:
            f += [f"rule_modality={r.get('modality')}", f"rule_negated={r.get('negated')}"]
        kids = list(t.children)
        head = t.head
        if any(k.dep_ == "neg" for k in kids) or any(k.dep_ == "neg" for k in head.children):
            f.append("neg")
        auxes = {k.lower_ for k in kids if k.dep_ in {"aux", "auxpass"}}
        if auxes & MODAL:
            f.append("modal")
        if auxes & FUTURE:
            f.append("future")
        if any(k.dep_ in {"nsubjpass", "auxpass"} for k in kids):
            f.append("passive")
        if t.dep_ == "xcomp" or (t.dep_ == "pobj" and head.head.pos_ == "VERB"):
            f.append("governed")  # "agreed to meet", "called for talks"
        g = t
        said = False
        for _ in range(4):
            if g.head.i == g.i:
                break
            if g.dep_ in {"ccomp", "parataxis"} and g.head.lemma_.lower() in SAY:
                said = True
                break
            g = g.head
        if said:
            f.append("reported")
        if t.pos_ in {"VERB", "AUX", "ADJ"}:
            f.append(f"subj={_arg_kind(ctx, subject_of(ctx, t))}")
            f.append(f"obj={_arg_kind(ctx, object_of(ctx, t))}")
        else:
            poss = [k for k in kids if k.dep_ in {"poss", "compound", "amod", "nmod"}]
            f.append(f"nmod={'entity' if any(ctx.mention_at(k) for k in poss) else 'none'}")
            f.append(f"head={head.pos_}_{t.dep_}")
            if head.lemma_.lower() in SAY:
                f.append("under_say")
        f += [f"lemma={t.lemma_.lower()}", f"lemma_type={t.lemma_.lower()}_{typ}"]
        out.append((typ, f))
    return out, rules_answer, rules_any


def collect(model: str) -> dict[str, list[dict]]:
    from transforms.nlp import get_pipeline, parse_docs

    nlp = get_pipeline(model)
    data = {}
    for split in DEV_SPLITS:
        gold = load(split)
        sents = []
        docs = parse_docs(nlp, [g["text"] for g in gold])
        for g, doc in zip(gold, docs, strict=True):
            cands, rules, rules_any = sentence_candidates(
                doc, g["id"], dt.date.fromisoformat(g["published"])
            )
            gold_types = set(g["type"].split("|")) if g["type"] else set()
            sents.append(
                {"gold": gold_types, "cands": cands, "rules": rules, "rules_any": rules_any}
            )
        data[split] = sents
        print(f"  {split}: {len(sents)} sentences parsed", file=sys.stderr)
    return data


def _matrix(sents, vocab):
    rows, labels, owner = [], [], []
    for si, s in enumerate(sents):
        for typ, f in s["cands"]:
            x = np.zeros(len(vocab))
            for k in f:
                j = vocab.get(k)
                if j is not None:
                    x[j] = 1.0
            rows.append(x)
            labels.append(int(typ in s["gold"]))
            owner.append(si)
    return np.array(rows), np.array(labels), owner


def _answers(sents, model, vocab):
    X, _, _ = _matrix(sents, vocab)
    best: dict[int, tuple[float, str]] = {}
    if len(X):
        p = model.predict_proba(X)[:, 1]
        k = 0
        for si, s in enumerate(sents):
            for typ, _f in s["cands"]:
                if si not in best or p[k] > best[si][0]:
                    best[si] = (p[k], typ)
                k += 1
    return [best.get(si, (0.0, None)) for si in range(len(sents))]


def _right(s, ans) -> bool:
    return ans in s["gold"] if s["gold"] else ans is None


def decide(sents, scored, th: float, mode: str) -> list[str | None]:
    """The sentences' answers: ``learned`` — the best candidate's type when its score passes
    ``th``; ``rerank`` — where the rules found a PLOVER event, the best candidate's type (the
    rules decide event vs none), elsewhere none (the rules' none kept)."""
    if mode == "gate":
        keep, add = th
        return [
            (s["rules"] if p >= keep else None)
            if s["rules"] is not None
            else (t if p >= add else None)
            for s, (p, t) in zip(sents, scored, strict=True)
        ]
    if mode == "rerank":
        return [
            t if s["rules"] is not None else None for s, (_p, t) in zip(sents, scored, strict=True)
        ]
    return [t if p >= th else None for _s, (p, t) in zip(sents, scored, strict=True)]


def choose_threshold(sents, scored, mode: str, matched: bool = False):
    grid = sorted({round(p, 4) for p, _ in scored} | {0.0, 1.01})
    if mode == "gate":
        qs = sorted({float(np.quantile([p for p, _ in scored], q)) for q in np.linspace(0, 1, 41)})
        qs += [1.01]
        grid = [(k, a) for k in [0.0, *qs] for a in qs]

    def right(th):
        ans = decide(sents, scored, th, mode)
        if matched:  # type right, with no more false events than the rules' top events
            f = figures(sents, ans)
            return f["type_right"] if f["false"] <= rules_false else -1
        return sum(_right(s, a) for s, a in zip(sents, ans, strict=True))

    rules_false = figures(sents, [s["rules"] for s in sents])["false"]

    return max(grid, key=lambda th: (right(th), -np.sum(th)))


def figures(sents, answers) -> dict:
    coded = [(s, a) for s, a in zip(sents, answers, strict=True) if s["gold"]]
    none = [(s, a) for s, a in zip(sents, answers, strict=True) if not s["gold"]]
    return {
        "coded": len(coded),
        "type_right": sum(a in s["gold"] for s, a in coded),
        "no_event": len(none),
        "false": sum(a is not None for _, a in none),
    }


def without_lemma(data):
    return {
        sp: [
            {
                **s,
                "cands": [(t, [k for k in f if not k.startswith("lemma")]) for t, f in s["cands"]],
            }
            for s in sents
        ]
        for sp, sents in data.items()
    }


def loso(data, lemma_tag: str, mode: str = "learned", c: float = C, matched: bool = False) -> dict:
    from sklearn.linear_model import LogisticRegression

    table = {}
    for held in DEV_SPLITS:
        train = [s for sp in DEV_SPLITS if sp != held for s in data[sp]]
        vocab_counts = Counter(k for s in train for _, f in s["cands"] for k in f)
        vocab = {k: j for j, k in enumerate(sorted(k for k, n in vocab_counts.items() if n >= 2))}
        X, y, _ = _matrix(train, vocab)
        model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
        model.fit(X, y)
        th = choose_threshold(train, _answers(train, model, vocab), mode, matched)
        test = data[held]
        learned = decide(test, _answers(test, model, vocab), th, mode)
        rules = [s["rules"] for s in test]
        fl = figures(test, learned)
        fr = figures(test, rules)
        fr["false_top"] = fr["false"]  # a top event found
        fr["false"] = sum(s["rules_any"] for s in test if not s["gold"])  # any PLOVER row
        table[held] = {"rules": fr, "learned": fl, "threshold": th}
        print(
            f"{held:6} coded {fl['coded']:4}  type rules {fr['type_right'] / fr['coded']:.3f}"
            f"  learned {fl['type_right'] / fl['coded']:.3f}   no-event {fl['no_event']:4}"
            f"  false rules {fr['false']:3} (top {fr['false_top']:3})  learned {fl['false']:3}   (threshold {th})"
        )
    tot = {
        k: {
            m: sum(table[s][k][m] for s in DEV_SPLITS)
            for m in ("coded", "type_right", "no_event", "false")
        }
        for k in ("rules", "learned")
    }
    wins = sum(
        table[s]["learned"]["type_right"] > table[s]["rules"]["type_right"] for s in DEV_SPLITS
    )
    losses = sum(
        table[s]["learned"]["type_right"] < table[s]["rules"]["type_right"] for s in DEV_SPLITS
    )
    print(
        f"pooled ({lemma_tag}, {mode}, C={c}{', matched' if matched else ''}): type rules {tot['rules']['type_right']}/{tot['rules']['coded']}"
        f" = {tot['rules']['type_right'] / tot['rules']['coded']:.3f}, learned "
        f"{tot['learned']['type_right']}/{tot['learned']['coded']}"
        f" = {tot['learned']['type_right'] / tot['learned']['coded']:.3f}; false events rules "
        f"{tot['rules']['false']}/{tot['rules']['no_event']}, learned "
        f"{tot['learned']['false']}/{tot['learned']['no_event']}; learned beats the rules on "
        f"{wins} sets, loses on {losses}"
    )
    return {"sets": table, "pooled": tot, "wins": wins, "losses": losses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--no-lemma", action="store_true", help="leave the lemma features out")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--mode", choices=("learned", "rerank", "gate"), default="learned")
    ap.add_argument(
        "--matched",
        action="store_true",
        help="threshold: most types right with no more false events than the rules (training)",
    )
    ap.add_argument("--c", type=float, default=C, help="inverse L2 strength")
    ap.add_argument("--cache", type=Path, help="keep the parsed candidates in this file")
    args = ap.parse_args(argv)
    cache = args.cache
    if cache is not None and cache.exists():
        data = pickle.loads(cache.read_bytes())
    else:
        data = collect(args.model)
        if cache is not None:
            cache.write_bytes(pickle.dumps(data))
    if args.no_lemma:
        data = without_lemma(data)
    res = loso(data, "no lemma" if args.no_lemma else "with lemma", args.mode, args.c, args.matched)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
