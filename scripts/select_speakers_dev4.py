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

from goldset import candidates  # noqa: E402

SAY = r"(?:said|says|told|tells|added|adds|stated|explained|wrote|announced)"
CLOSE = r"[\"”]"
NAME = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*"
NAME_RE = re.compile(
    rf"[,.!?]\s*{CLOSE}\s*{SAY}\s+(?:\w+\s+)?{NAME}"  # "…," said (Finance Minister) X
    rf"|[,.!?]\s*{CLOSE}\s*{NAME}\s+{SAY}\b"  # "…," X said
    rf"|\b{NAME}\s+{SAY}[,:]?\s*[\"“]"  # X said: "…
    rf"|\baccording to\s+{NAME}"
)


def main() -> int:
    def has_name(body: str) -> bool:
        return NAME_RE.search(body) is not None

    wiki, reut = candidates(
        "dev4",
        wiki_max=3000,
        reuters_max=2000,
        min_marks=4,
        wiki_keep=has_name,
        reuters_keep=has_name,
        skip_name=lambda name: "interview" in name.lower(),
    )
    rng = random.Random(2026)
    for rec in rng.sample(wiki, 16) + rng.sample(reut, 16):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
