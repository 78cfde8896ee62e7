"""Pick the texts of the third speaker development set (``bench/gold/speakers_dev3.jsonl``).

    .venv/bin/python scripts/select_speakers_dev3.py      # prints the document lines

Candidates: Wikinews articles (under 8,000 characters) and Reuters stories (under 2,500
characters, distinct bodies) that are in no gold set of ``bench/gold/`` and hold at least one
of the attribution kinds the first two development sets hardly contain:

* ``continuation`` — a paragraph opening with a quotation mark and with no verb of saying,
  right after a paragraph holding a quotation;
* ``noun`` — a common noun as the subject of a verb of saying ("the commissioner said",
  "said the company");
* ``document`` — a document as the subject of a verb of saying ("the statement said").

A fixed seed (``random.Random(1313)``) draws 12 Wikinews articles and 8 Reuters stories among
the candidates. Deterministic: same corpus, same picks.
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
OPEN = '"“„«'


def kinds(body: str) -> set[str]:
    """The attribution kinds a body shows, by the patterns above."""
    found = set()
    if NOUN_RE.search(body):
        found.add("noun")
    if DOC_RE.search(body):
        found.add("document")
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n {3,}", body) if p.strip()]
    for prev, para in itertools.pairwise(paras):
        if para[0] in OPEN and any(m in prev for m in OPEN) and not SAY_RE.search(para):
            found.add("continuation")
    return found


def main() -> int:
    taken = used_elsewhere("speakers_dev3.jsonl")
    wiki, reut, seen = [], [], set()
    for path in sorted((ROOT / WIKINEWS).glob("*.txt")):
        rel = str(WIKINEWS / path.name)
        if rel in taken:
            continue
        try:
            body, _ = load_text({"doc": "x", "path": rel})
        except ParseError:  # a page with no body is no candidate
            continue
        if len(body) < 8000 and sum(body.count(m) for m in '"“”') >= 4 and kinds(body):
            doc = "wn-" + path.name.split("_")[0]
            wiki.append({"doc": doc, "split": "dev3", "path": rel})
    with open(ROOT / REUTERS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if rec["id"] in taken or body in seen or len(body) >= 2500 or body.count('"') < 4:
                continue
            seen.add(body)
            if kinds(body) & {"noun", "document", "continuation"}:
                reut.append(
                    {"doc": rec["id"], "split": "dev3", "path": str(REUTERS), "record": rec["id"]}
                )
    rng = random.Random(1313)
    for rec in wiki + rng.sample(reut, 20):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
