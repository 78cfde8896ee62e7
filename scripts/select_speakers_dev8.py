"""Pick the texts of the eighth speaker development set (``bench/gold/speakers_dev8.jsonl``).

    .venv/bin/python scripts/select_speakers_dev8.py      # prints the document lines

Held-out's weak kinds in proportion are continuations (a run of quote paragraphs with no
attribution of their own), common-noun speakers ("the commissioner said") and documents ("the
statement said"); dev5–dev7 held few of them. This set is drawn for those kinds from texts in
no gold set of ``bench/gold/`` (``goldset.candidates``), by the surface patterns of
``goldset.attribution_kinds``:

* Reuters stories (1987) under 3,500 characters with 4 or more straight quotes (distinct
  bodies), in three strata drawn with a fixed seed (``random.Random(88)``): 8 showing a
  continuation paragraph, 6 a document as the subject of a verb of saying, 6 a common noun —
  a story is drawn once, in the first stratum whose pattern it shows;
* the Wikinews articles left unused under 3,500 characters with 6 or more marks and a
  document or report noun in the body: every one would be taken, but none is left (the corpus
  is used up but for long pieces and articles without quotations), so the set is wire copy.

Deterministic: same corpus, same picks.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from goldset import attribution_kinds, candidates, load_text  # noqa: E402

STRATA = (("continuation", 8), ("document", 6), ("noun", 6))
DOC_RE = re.compile(r"\b(?:study|report|statement|letter|notice|paper|announcement)\b")


def main() -> int:
    wiki, reut = candidates(
        "dev8",
        wiki_max=3500,
        reuters_max=3500,
        min_marks=4,
        wiki_keep=lambda body: (
            sum(body.count(m) for m in '"“”') >= 6 and DOC_RE.search(body) is not None
        ),
        reuters_keep=lambda body: bool(attribution_kinds(body)),
        skip_name=lambda name: "campaign_trail" in name or "discusses" in name,
        # plover_dev3 was drawn in the same session, without this set (they share two
        # Reuters stories, reuters-5786 and reuters-8252)
        concurrent=("plover_dev3.jsonl",),
    )
    rng = random.Random(88)
    kinds = {rec["record"]: attribution_kinds(load_text(rec)[0]) for rec in reut}
    picked: list[dict] = []
    for kind, n in STRATA:
        pool = [r for r in reut if kind in kinds[r["record"]] and r not in picked]
        picked += rng.sample(pool, n)
    for rec in wiki + picked:
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
