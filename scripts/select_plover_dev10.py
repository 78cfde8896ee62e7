"""Pick the sentences of the tenth PLOVER development set (``bench/gold/plover_dev10.jsonl``).

    .venv/bin/python scripts/select_plover_dev10.py      # prints one candidate line a sentence

dev9 (session 16) became a development set in session 17, when rules were written on its
errors; this set is the next unselected measure, drawn and coded before the extractor ran on
it, and **larger than dev6 to dev9** (300 sentences, not 170: with about 68 coded sentences a
set's type accuracy has a standard error of about 0.06). **The same stratification and
candidate test as dev6 to dev9** (``scripts/select_plover_dev6.py``, whose ``draw`` this
script calls), so that the figures compare: dev3's candidate test (10 to 45 words, no
quotation mark, a country, nation or nationality and one more capitalized name; no word of any
event type looked at), and one extractor-independent signal, a candidate naming two different
states (``states`` of ``scripts/select_plover_dev5.py``). 194 texts give a two-state candidate
(stratum ``two-states``), 106 texts whose candidates name one state give one of those
(``one-state``): dev6's 110 : 60 ratio scaled to 300; the strata are disjoint sets of texts.

Texts, in no gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``, main
f7a6a09) but dev6's to dev9's one exception:

* **Wikinews (2019-2020)**: the articles that only ``plover_dev3`` uses (dev3's own sentence,
  and every sentence of another PLOVER set, is never a candidate). dev9 drew none, so the same
  31 articles are left and none has a candidate of either stratum: ``WIKI_PER_STRATUM`` is 0
  and 0 and the Wikinews pass draws nothing (it still shuffles the 31, so the generator's
  state is that of a pass over them).
* **Reuters (1987)**: stories in no gold set (distinct bodies; topics ``earn`` and ``acq``
  left out) for all of each stratum: 194 two-state and 106 one-state.

A fixed seed (``random.Random(1010)``) shuffles the Wikinews articles, then the Reuters
stories, once; going through them in that order, a text fills the stratum its candidates
give until the stratum's quota for that corpus is drawn, and one of those candidates is picked
at random. A sentence another PLOVER set holds is no candidate. The rule fixed before coding
(dev6's to dev9's, scaled to the set's size): if the first 300 (x001-x300) hold fewer than 120
coded sentences, the Reuters pass goes on in the same order with the same generator for
``EXTRA_PER_STRATUM`` more (40 two-state, 20 one-state: dev6's 20 : 10 doubled, as the quota
nearly is), leaving x001-x300 as they were; decided on the count of coded sentences alone.
They held 102 coded sentences, so the draw was extended (x301-x360): 360 sentences, 234
two-state and 126 one-state, all from Reuters. Every drawn sentence goes into the set, coded or
coded as no event. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import select_plover_dev9
from select_plover_dev6 import draw

SEED = 1010
PER_STRATUM = {"two-states": 194, "one-state": 106}
WIKI_PER_STRATUM = {"two-states": 0, "one-state": 0}
#: Drawn after the first 300 (x001-x300), which held 102 coded sentences, fewer than the 120 the
#: set is meant to have: more Reuters texts of the same order, both strata in dev5's ratio.
EXTRA_PER_STRATUM: dict[str, int] | None = {"two-states": 40, "one-state": 20}
#: The sets dev9 was drawn against and the three added since (main f7a6a09).
DRAWN_AGAINST = (
    *select_plover_dev9.DRAWN_AGAINST,
    "plover_dev9.jsonl",
    "plover_dev8_second.jsonl",
    "speakers_dev13.jsonl",
)
#: Wikinews articles that only these sets use are drawn from (their sentences in them left out).
WIKI_SHARED = ("plover_dev3.jsonl",)
CODED_IN = (*select_plover_dev9.CODED_IN, "plover_dev9.jsonl")


def main() -> int:
    return draw(
        seed=SEED,
        per_stratum=PER_STRATUM,
        wiki_per_stratum=WIKI_PER_STRATUM,
        extra_per_stratum=EXTRA_PER_STRATUM,
        drawn_against=DRAWN_AGAINST,
        wiki_shared=WIKI_SHARED,
        coded_in=CODED_IN,
        split="dev10",
        prefix="x",
    )


if __name__ == "__main__":
    raise SystemExit(main())
