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

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from goldset import attribution_kinds, candidates  # noqa: E402


def main() -> int:
    wiki, reut = candidates(
        "dev3",
        wiki_max=8000,
        reuters_max=2500,
        min_marks=4,
        wiki_keep=attribution_kinds,
        reuters_keep=attribution_kinds,
    )
    rng = random.Random(1313)
    for rec in wiki + rng.sample(reut, 20):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
