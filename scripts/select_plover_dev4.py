"""Pick the sentences of the fourth PLOVER development set (``bench/gold/plover_dev4.jsonl``).

    .venv/bin/python scripts/select_plover_dev4.py      # prints one candidate line a sentence

dev3 was drawn from unselected news to measure the coder honestly, then rules were tuned on
its errors (session 10): its figures became development figures. This set is a fresh draw of
the same kind, made before the extractor ran on it: the same candidate test and sentence
splitting as ``scripts/select_plover_dev3.py`` (10 to 45 words, no quotation mark, a
country, nation or nationality and one more capitalized name; no word of any event type
looked at), from Wikinews articles and Reuters stories (1987; distinct bodies; topics ``earn``
and ``acq`` left out) in no gold set of ``bench/gold/`` at the time of the draw
(``DRAWN_AGAINST``, main c576fbb). Wikinews is used up: 11 articles are in no set and none
holds a candidate, so the set is wire copy. A fixed seed (``random.Random(404)``) draws 160
Reuters stories that hold a candidate, and one candidate sentence of each.
Every drawn sentence goes into the set, coded or coded as no event; a sentence another PLOVER
set holds (a story the wire repeated) is left out after the draw. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from select_plover_dev3 import draw

DRAWN_AGAINST = (
    "events_dev.jsonl",
    "events_heldout.jsonl",
    "near_duplicates_dev.jsonl",
    "plover_dev.jsonl",
    "plover_dev3.jsonl",
    "plover_heldout.jsonl",
    "speakers_dev.jsonl",
    *(f"speakers_dev{n}.jsonl" for n in range(2, 9)),
    "speakers_heldout.jsonl",
)


def main() -> int:
    return draw(
        seed=404,
        per_corpus={"wiki": 11, "reuters": 160},
        drawn_against=DRAWN_AGAINST,
        split="dev4",
        prefix="r",
        coded_in=("plover_dev.jsonl", "plover_heldout.jsonl", "plover_dev3.jsonl"),
    )


if __name__ == "__main__":
    raise SystemExit(main())
