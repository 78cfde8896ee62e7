"""Pick the sentences of the ninth PLOVER development set (``bench/gold/plover_dev9.jsonl``).

    .venv/bin/python scripts/select_plover_dev9.py      # prints one candidate line a sentence

dev8 (session 15) became a development set in session 16, when rules were written on its
errors; this set is the next unselected measure, drawn and coded before the extractor ran on
it. **The same stratification and candidate test as dev6 to dev8**
(``scripts/select_plover_dev6.py``, whose ``draw`` this script calls), so that the figures
compare: dev3's candidate test (10 to 45 words, no quotation mark, a country, nation or
nationality and one more capitalized name; no word of any event type looked at), and one
extractor-independent signal, a candidate naming two different states (``states`` of
``scripts/select_plover_dev5.py``). 110 texts give a two-state candidate (stratum
``two-states``), 60 texts whose candidates name one state give one of those (``one-state``);
the strata are disjoint sets of texts.

Texts, in no gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``, main
5a9665a) but dev6's to dev8's one exception:

* **Wikinews (2019-2020)**: the articles that only ``plover_dev3`` uses (dev3's own sentence,
  and every sentence of another PLOVER set, is never a candidate); the 10 dev8 drew from are
  in a gold set now and left out. 31 such articles are left and none has a candidate of
  either stratum (dev8 took the 10 that had one), so ``WIKI_PER_STRATUM`` is 0 and 0: the
  Wikinews pass draws nothing (it still shuffles the 31, so the generator's state is that of
  a pass over them).
* **Reuters (1987)**: stories in no gold set (distinct bodies; topics ``earn`` and ``acq``
  left out) for all of each stratum: 110 two-state and 60 one-state.

A fixed seed (``random.Random(909)``) shuffles the Wikinews articles, then the Reuters
stories, once; going through them in that order, a text fills the stratum its candidates
give until the stratum's quota for that corpus is drawn, and one of those candidates is picked
at random. A sentence another PLOVER set holds is no candidate. The rule fixed before coding
(dev6's to dev8's): if the first 170 (w001-w170) hold fewer than 55 coded sentences, the
Reuters pass goes on in the same order with the same generator for ``EXTRA_PER_STRATUM`` more
(20 two-state, 10 one-state: dev5's ratio), leaving w001-w170 as they were; decided on the
count of coded sentences alone. Every drawn sentence goes into the set, coded or coded as no
event. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import select_plover_dev8
from select_plover_dev6 import draw

SEED = 909
PER_STRATUM = {"two-states": 110, "one-state": 60}
WIKI_PER_STRATUM = {"two-states": 0, "one-state": 0}
EXTRA_PER_STRATUM: dict[str, int] | None = None
#: The sets dev8 was drawn against and the two added since (main 5a9665a).
DRAWN_AGAINST = (*select_plover_dev8.DRAWN_AGAINST, "plover_dev8.jsonl", "speakers_dev12.jsonl")
#: Wikinews articles that only these sets use are drawn from (their sentences in them left out).
WIKI_SHARED = ("plover_dev3.jsonl",)
CODED_IN = (*select_plover_dev8.CODED_IN, "plover_dev8.jsonl")


def main() -> int:
    return draw(
        seed=SEED,
        per_stratum=PER_STRATUM,
        wiki_per_stratum=WIKI_PER_STRATUM,
        extra_per_stratum=EXTRA_PER_STRATUM,
        drawn_against=DRAWN_AGAINST,
        wiki_shared=WIKI_SHARED,
        coded_in=CODED_IN,
        split="dev9",
        prefix="w",
    )


if __name__ == "__main__":
    raise SystemExit(main())
