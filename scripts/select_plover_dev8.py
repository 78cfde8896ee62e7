"""Pick the sentences of the eighth PLOVER development set (``bench/gold/plover_dev8.jsonl``).

    .venv/bin/python scripts/select_plover_dev8.py      # prints one candidate line a sentence

dev7 (session 14) became a development set in session 15, when rules were written on its
errors; this set is the next unselected measure, drawn and coded before the extractor ran on
it. **The same stratification and candidate test as dev6 and dev7**
(``scripts/select_plover_dev6.py``, whose ``draw`` this script calls), so that the figures
compare: dev3's candidate test (10 to 45 words, no quotation mark, a country, nation or
nationality and one more capitalized name; no word of any event type looked at), and one
extractor-independent signal, a candidate naming two different states (``states`` of
``scripts/select_plover_dev5.py``). 110 texts give a two-state candidate (stratum
``two-states``), 60 texts whose candidates name one state give one of those (``one-state``);
the strata are disjoint sets of texts.

Texts, in no gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``, main
334fb00) but dev6's and dev7's one exception:

* **Wikinews (2019-2020), for part of it**: the articles that only ``plover_dev3`` uses (dev3's
  own sentence, and every sentence of another PLOVER set, is never a candidate); the 15 dev7
  drew from are in a gold set now and left out. 41 such articles are left: none has a
  two-state candidate, 10 have one-state candidates, so ``WIKI_PER_STRATUM`` is 0 two-state
  and 10 one-state (all there are; dev6 and dev7 took 15).
* **Reuters (1987)**: stories in no gold set (distinct bodies; topics ``earn`` and ``acq``
  left out) for the rest of each stratum: 110 two-state and 50 one-state.

A fixed seed (``random.Random(808)``) shuffles the Wikinews articles, then the Reuters
stories, once; going through them in that order, a text fills the stratum its candidates
give until the stratum's quota for that corpus is drawn, and one of those candidates is picked
at random. A sentence another PLOVER set holds is no candidate. The rule fixed before coding
(dev6's and dev7's): if the first 170 (v001-v170) hold fewer than 55 coded sentences, the
Reuters pass goes on in the same order with the same generator for ``EXTRA_PER_STRATUM`` more
(20 two-state, 10 one-state: dev5's ratio), leaving v001-v170 as they were; decided on the
count of coded sentences alone. They held 53 coded sentences, so the draw was extended
(v171-v200): 200 sentences, 130 two-state and 70 one-state, 10 from Wikinews and 190 from
Reuters. Every drawn sentence goes into the set, coded or coded as no event. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import select_plover_dev7
from select_plover_dev6 import draw

SEED = 808
PER_STRATUM = {"two-states": 110, "one-state": 60}
WIKI_PER_STRATUM = {"two-states": 0, "one-state": 10}
#: Drawn after the first 170 (v001-v170), which held 53 coded sentences, fewer than the 55 the
#: set is meant to have: more Reuters texts of the same order, both strata in dev5's ratio.
EXTRA_PER_STRATUM: dict[str, int] | None = {"two-states": 20, "one-state": 10}
#: The sets dev7 was drawn against and the two added since (main 334fb00).
DRAWN_AGAINST = (*select_plover_dev7.DRAWN_AGAINST, "plover_dev7.jsonl", "speakers_dev11.jsonl")
#: Wikinews articles that only these sets use are drawn from (their sentences in them left out).
WIKI_SHARED = ("plover_dev3.jsonl",)
CODED_IN = (*select_plover_dev7.CODED_IN, "plover_dev7.jsonl")


def main() -> int:
    return draw(
        seed=SEED,
        per_stratum=PER_STRATUM,
        wiki_per_stratum=WIKI_PER_STRATUM,
        extra_per_stratum=EXTRA_PER_STRATUM,
        drawn_against=DRAWN_AGAINST,
        wiki_shared=WIKI_SHARED,
        coded_in=CODED_IN,
        split="dev8",
        prefix="v",
    )


if __name__ == "__main__":
    raise SystemExit(main())
