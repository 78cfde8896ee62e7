"""Agreement between two codings of the same PLOVER sentences (inter-coder agreement).

    .venv/bin/python bench/plover_agreement.py bench/gold/plover_dev8.jsonl \\
        bench/gold/plover_dev8_second.jsonl            # dev8, first coding against the second
    .venv/bin/python bench/plover_agreement.py bench/gold/plover_dev10.jsonl \\
        bench/gold/plover_dev10_second.jsonl --sample  # a third of dev10, coded again
    .venv/bin/python bench/plover_agreement.py FIRST SECOND --json out.json

Both files are JSON Lines in the format of ``bench/gold/README.md`` ("PLOVER sentences"), the
same sentences (the same ids, each with the same text; anything else is an error), or with
``--sample`` the second codes a sample of the first's sentences and only those are compared.
Figures:

* **event or none**, on every sentence: observed agreement and Cohen's kappa of "coded with a
  type" against "no event";
* **type**, on the sentences both coded with a type: *lenient* agreement (the two ``|``-lists of
  acceptable types share one, as the eval script accepts any) and *strict* agreement and
  Cohen's kappa on the first type listed (each coding's primary reading);
* **mode, actor, recipient**, on the sentences both coded with types that share one (lenient
  agreement): a mode agrees when both are empty or their ``|``-lists share one, and a mode is
  only judged when either coding gives one; an actor (a recipient) agrees when the two lists
  of acceptable answers share one (case, surrounding punctuation and a leading "the" ignored;
  ``null`` and ``-`` both mean no value and agree with each other). When either coding marks
  the event ``reciprocal`` the parties (actor and recipient answers together, no value left
  out) are compared instead, for both roles;
* **confusions**: the type disagreements (first coding's primary type → second's), counted,
  and every disagreeing sentence listed with both codings and their notes.

Cohen's kappa: (p_o - p_e) / (1 - p_e), p_e from each coding's own label shares; 1.0 when
p_e is 1 (one label on both sides, all agreeing).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

NONE = "-"


def load(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec["id"] in out:
                raise SystemExit(f"{path}:{n}: id {rec['id']} twice")
            out[rec["id"]] = rec
    return out


def pair(
    first: dict[str, dict], second: dict[str, dict], sample: bool = False
) -> list[tuple[dict, dict]]:
    """The two codings of each sentence, in the first file's order; the same ids and texts
    (with ``sample``, the second codes a sample of the first's sentences: the first is read
    on those ids only, and an id the first does not hold is still an error)."""
    if sample:
        if set(second) - set(first):
            only = sorted(set(second) - set(first))
            raise SystemExit(f"the second file codes sentences the first does not: {only[0]}")
        first = {sid: rec for sid, rec in first.items() if sid in second}
    if set(first) != set(second):
        only = sorted(set(first) ^ set(second))
        raise SystemExit(f"the files code different sentences: {', '.join(only[:10])}")
    for sid, rec in first.items():
        if rec["text"] != second[sid]["text"]:
            raise SystemExit(f"{sid}: the two files give different texts")
    return [(first[sid], second[sid]) for sid in first]


def kappa(labels: list[tuple[str, str]]) -> float | None:
    if not labels:
        return None
    n = len(labels)
    p_o = sum(a == b for a, b in labels) / n
    ca, cb = Counter(a for a, _ in labels), Counter(b for _, b in labels)
    p_e = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return 1.0 if p_e == 1 else (p_o - p_e) / (1 - p_e)


def options(value: str | None) -> set[str]:
    """The acceptable answers of a role or mode, normalized; no value is ``-``."""
    if value is None:
        return {NONE}
    out = set()
    for answer in value.split("|"):
        a = " ".join(answer.strip(" .,;:'\"").split()).casefold()
        if a.startswith("the "):
            a = a[4:]
        out.add(a or NONE)
    return out


def types(rec: dict) -> list[str]:
    return rec["type"].split("|") if rec.get("type") else []


def parties(rec: dict) -> set[str]:
    return (options(rec["actor"]) | options(rec["recipient"])) - {NONE}


def compare(pairs: list[tuple[dict, dict]]) -> dict:
    event = [(str(bool(a.get("type"))), str(bool(b.get("type")))) for a, b in pairs]
    both = [(a, b) for a, b in pairs if a.get("type") and b.get("type")]
    primary = [(types(a)[0], types(b)[0]) for a, b in both]
    lenient = [(a, b) for a, b in both if set(types(a)) & set(types(b))]
    modes = [(a, b) for a, b in lenient if a.get("mode") or b.get("mode")]
    mode_ok = sum(bool(options(a.get("mode")) & options(b.get("mode"))) for a, b in modes)
    roles = {"actor": 0, "recipient": 0}
    for a, b in lenient:
        if a.get("reciprocal") or b.get("reciprocal"):
            same = bool(parties(a) & parties(b))
            roles["actor"] += same
            roles["recipient"] += same
        else:
            for role in roles:
                roles[role] += bool(options(a[role]) & options(b[role]))
    n = len(pairs)
    out = {
        "sentences": n,
        "coded": [sum(a == "True" for a, _ in event), sum(b == "True" for _, b in event)],
        "event_agreement": sum(a == b for a, b in event) / n if n else None,
        "event_kappa": kappa(event),
        "both_coded": len(both),
        "type_lenient": len(lenient) / len(both) if both else None,
        "type_strict": sum(a == b for a, b in primary) / len(both) if both else None,
        "type_kappa": kappa(primary),
        "mode": [mode_ok, len(modes)],
        "actor": [roles["actor"], len(lenient)],
        "recipient": [roles["recipient"], len(lenient)],
        "confusions": Counter(
            f"{types(a)[0]} -> {types(b)[0]}" for a, b in both if not set(types(a)) & set(types(b))
        ).most_common(),
        "event_only_first": [a["id"] for a, b in pairs if a.get("type") and not b.get("type")],
        "event_only_second": [a["id"] for a, b in pairs if b.get("type") and not a.get("type")],
        "type_disagreements": [a["id"] for a, b in both if not set(types(a)) & set(types(b))],
    }
    return out


def _fig(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def report(out: dict, pairs: list[tuple[dict, dict]]) -> None:
    print(
        f"{out['sentences']} sentences; coded {out['coded'][0]} (first), {out['coded'][1]} (second)"
    )
    print(
        f"event or none      agreement {_fig(out['event_agreement'])}"
        f"  kappa {_fig(out['event_kappa'])}"
    )
    print(
        f"type (both coded, n={out['both_coded']})  lenient {_fig(out['type_lenient'])}"
        f"  strict {_fig(out['type_strict'])}  kappa {_fig(out['type_kappa'])}"
    )
    for key in ("mode", "actor", "recipient"):
        ok, n = out[key]
        print(f"{key:<10} (types share one) {ok}/{n}")
    print(
        "type confusions (first -> second): "
        + (", ".join(f"{k} {v}" for k, v in out["confusions"]) or "none")
    )
    by_id = {a["id"]: (a, b) for a, b in pairs}
    for title, ids in (
        ("event in the first coding only", out["event_only_first"]),
        ("event in the second coding only", out["event_only_second"]),
        ("types that share none", out["type_disagreements"]),
    ):
        print(f"\n{title} ({len(ids)}):")
        for sid in ids:
            a, b = by_id[sid]
            print(f"  {sid} {a['text']}")
            for tag, rec in (("1", a), ("2", b)):
                print(f"     {tag}: {rec.get('type')} | {rec.get('note') or ''}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument(
        "--sample", action="store_true", help="the second file codes a sample of the first's"
    )
    args = ap.parse_args(argv)
    pairs = pair(load(args.first), load(args.second), sample=args.sample)
    out = compare(pairs)
    report(out, pairs)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
