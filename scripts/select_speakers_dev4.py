"""Pick the texts of the fourth speaker development set (``bench/gold/speakers_dev4.jsonl``).

    .venv/bin/python scripts/select_speakers_dev4.py      # prints the document lines

Held-out's largest error kind is the quotation whose speaker is introduced by a name (issue
13), which the first three development sets fit (dev 125/126). Candidates are texts in no
gold set of ``bench/gold/`` that hold a quotation attributed by a name, by the patterns below
(a capitalized word right after a closing mark and a verb of saying, a capitalized run before
a verb of saying next to a mark, or "according to" a capitalized word):

* Wikinews articles under 3,000 characters with 4 or more quotation marks (interviews left
  out: their answers are not attributed in the text);
* Reuters stories under 2,000 characters with 4 or more marks (distinct bodies).

A fixed seed (``random.Random(2026)``) draws 16 of each. Deterministic: same corpus, same
picks.
"""

from __future__ import annotations

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
SAY = r"(?:said|says|told|tells|added|adds|stated|explained|wrote|announced)"
CLOSE = r"[\"”]"
NAME = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*"
NAME_RE = re.compile(
    rf"[,.!?]\s*{CLOSE}\s*{SAY}\s+(?:\w+\s+)?{NAME}"  # "…," said (Finance Minister) X
    rf"|[,.!?]\s*{CLOSE}\s*{NAME}\s+{SAY}\b"  # "…," X said
    rf"|\b{NAME}\s+{SAY}[,:]?\s*[\"“]"  # X said: "…
    rf"|\baccording to\s+{NAME}"
)
MARKS = '"“”'


def main() -> int:
    taken = used_elsewhere("speakers_dev4.jsonl")
    wiki, reut, seen = [], [], set()
    for path in sorted((ROOT / WIKINEWS).glob("*.txt")):
        rel = str(WIKINEWS / path.name)
        if rel in taken or "interview" in path.name.lower():
            continue
        try:
            body, _ = load_text({"doc": "x", "path": rel})
        except ParseError:  # a page with no body is no candidate
            continue
        if len(body) < 3000 and sum(body.count(m) for m in MARKS) >= 4 and NAME_RE.search(body):
            wiki.append({"doc": "wn-" + path.name.split("_")[0], "split": "dev4", "path": rel})
    with open(ROOT / REUTERS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if rec["id"] in taken or body in seen or len(body) >= 2000 or body.count('"') < 4:
                continue
            seen.add(body)
            if NAME_RE.search(body):
                reut.append(
                    {"doc": rec["id"], "split": "dev4", "path": str(REUTERS), "record": rec["id"]}
                )
    rng = random.Random(2026)
    for rec in rng.sample(wiki, 16) + rng.sample(reut, 16):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
