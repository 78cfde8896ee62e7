"""Pick the texts of the seventh speaker development set (``bench/gold/speakers_dev7.jsonl``).

    .venv/bin/python scripts/select_speakers_dev7.py      # prints the document lines

dev5's and dev6's rules fixed their own shapes without moving held-out (0.881), so this set
aims for breadth rather than one set's weak kinds: another decade's wire copy and the Wikinews
articles nobody has annotated, interviews included. Candidates are texts in no gold set of
``bench/gold/``:

* Wikinews articles under 8,000 characters with 6 or more quotation marks (campaign diaries
  and "discusses" pieces left out: long, and their answers are not attributed in the text;
  interviews kept — few Wikinews articles with quotations are left unused, so all of them are
  taken);
* Reuters stories (1987) under 2,500 characters with 4 or more marks (distinct bodies) showing
  the wire's attributions: "said in a statement", "a spokesman for X", officials or sources
  as speakers, or two or more names before a verb of saying (lists of speakers).

Every Wikinews candidate is taken; a fixed seed (``random.Random(77)``) draws 22 Reuters
stories. Deterministic: same corpus, same picks.
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

SKIP_RE = re.compile(r"campaign_trail|discusses", re.I)
WIRE_RE = re.compile(
    r"\bin a (?:written )?statement\b|\bspokes(?:man|woman) for\b"
    r"|\b(?:officials|sources|analysts|economists|dealers|traders) (?:said|say)\b"
)
NAMED_SAY_RE = re.compile(r"\b([A-Z][a-z]+)\s+(?:said|says|told|added)\b")
NOT_NAMES = {"The", "He", "She", "It", "They", "We", "This", "That"}


def wire_attribution(body: str) -> bool:
    """Whether a story shows the 1987 wire's attributions (see the module docstring)."""
    names = set(NAMED_SAY_RE.findall(body)) - NOT_NAMES
    return WIRE_RE.search(body) is not None or len(names) >= 2


def main() -> int:
    wiki, reut = candidates(
        "dev7",
        wiki_max=8000,
        reuters_max=2500,
        min_marks=4,
        wiki_keep=lambda body: sum(body.count(m) for m in '"“”') >= 6,
        reuters_keep=wire_attribution,
        skip_name=lambda name: SKIP_RE.search(name) is not None,
    )
    rng = random.Random(77)
    for rec in wiki + rng.sample(reut, 22):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
