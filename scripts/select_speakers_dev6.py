"""Pick the texts of the sixth speaker development set (``bench/gold/speakers_dev6.jsonl``).

    .venv/bin/python scripts/select_speakers_dev6.py      # prints the document lines

dev…dev5 are fitted (0.93–0.99) while held-out stays at 0.881: new rules need texts nobody
has tuned on, weighted to the kinds held-out still gets wrong (aggregate only: continuation,
common noun, document). Candidates are texts in no gold set of ``bench/gold/``:

* Wikinews articles under 5,000 characters with 6 or more quotation marks (interviews,
  campaign diaries and "discusses"/"talks to" pieces left out: their answers are not
  attributed in the text);
* Reuters stories under 3,000 characters with 6 or more marks (distinct bodies) showing one of
  the weak kinds by the patterns below: a common noun or a document as the subject of a verb
  of saying ("the minister said", "the statement said"), or a paragraph that opens with a
  quotation mark and has no verb of saying, after a paragraph with a quotation (a
  continuation run), or two or more speakers named before "said".

A fixed seed (``random.Random(66)``) draws 15 Wikinews articles and 17 Reuters stories.
Deterministic: same corpus, same picks.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from goldset import load_text, used_elsewhere  # noqa: E402

from transforms.parse import ParseError  # noqa: E402

WIKINEWS = Path("../shared/corpus/wikinews/articles")
REUTERS = Path("../shared/corpus/reuters21578/reuters.jsonl")
SKIP_RE = re.compile(r"interview|campaign_trail|discusses|talks_to|tells_wikinews", re.I)
SAY = r"(?:said|says|say|told|tells|added|adds|stated|states|explained|according)"
NOUNS = (
    r"(?:commissioner|company|ministry|minister|spokesman|spokeswoman|spokesperson|official|"
    r"chairman|president|department|agency|firm|group|court|judge|prosecutor|lawyer|governor|"
    r"mayor|police|bank|union|secretary|director|executive|committee|council|government)"
)
DOCS = r"(?:statement|report|release|letter|decree|ruling|communiqu[eé]|announcement|filing)"
NOUN_RE = re.compile(rf"\b[Tt]he (?:\w+ )?{NOUNS}\s+{SAY}\b|\b{SAY},? the (?:\w+ )?{NOUNS}\b")
DOC_RE = re.compile(rf"\b[Tt]he (?:\w+ )?{DOCS}\s+(?:{SAY}|read|reads)\b")
SAY_RE = re.compile(rf"\b{SAY}\b")
NAMED_SAY_RE = re.compile(r"\b([A-Z][a-z]+)\s+said\b")
OPEN = '"“„«'
MARKS = '"“”'


def weak_kinds(body: str) -> set[str]:
    """The weak attribution kinds a body shows, by the patterns above."""
    found = set()
    if NOUN_RE.search(body):
        found.add("noun")
    if DOC_RE.search(body):
        found.add("document")
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n {3,}", body) if p.strip()]
    for prev, para in itertools.pairwise(paras):
        if para[0] in OPEN and any(m in prev for m in OPEN) and not SAY_RE.search(para):
            found.add("continuation")
    if len(set(NAMED_SAY_RE.findall(body)) - {"The", "He", "She", "It", "They"}) >= 2:
        found.add("several")
    return found


def main() -> int:
    taken = used_elsewhere("speakers_dev6.jsonl")
    wiki, reut, seen = [], [], set()
    for path in sorted((ROOT / WIKINEWS).glob("*.txt")):
        rel = str(WIKINEWS / path.name)
        if rel in taken or SKIP_RE.search(path.name):
            continue
        try:
            body, _ = load_text({"doc": "x", "path": rel})
        except ParseError:  # a page with no body is no candidate
            continue
        if len(body) < 5000 and sum(body.count(m) for m in MARKS) >= 6:
            wiki.append({"doc": "wn-" + path.name.split("_")[0], "split": "dev6", "path": rel})
    with open(ROOT / REUTERS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if rec["id"] in taken or body in seen or len(body) >= 3000 or body.count('"') < 6:
                continue
            seen.add(body)
            if weak_kinds(body):
                reut.append(
                    {"doc": rec["id"], "split": "dev6", "path": str(REUTERS), "record": rec["id"]}
                )
    rng = random.Random(66)
    for rec in rng.sample(wiki, 15) + rng.sample(reut, 17):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
