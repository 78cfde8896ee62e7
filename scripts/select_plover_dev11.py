"""Pick the sentences of the eleventh PLOVER development set (``bench/gold/plover_dev11.jsonl``).

    .venv/bin/python scripts/select_plover_dev11.py      # prints one candidate line a sentence

dev10 (session 17) became a development set in session 18, when rules were written on its
errors; this set is the next unselected measure, drawn and coded before the extractor ran on
it, **at least as large as dev10**. **The same stratification and candidate test as dev6 to
dev10** (``scripts/select_plover_dev6.py``, whose ``draw`` this script calls through ``draw_module``) and dev10's
quotas, so that the figures compare: dev3's candidate test (10 to 45 words, no quotation mark,
a country, nation or nationality and one more capitalized name; no word of any event type
looked at), and one extractor-independent signal, a candidate naming two different states
(``states`` of ``scripts/select_plover_dev5.py``). 194 texts give a two-state candidate
(stratum ``two-states``), 106 texts whose candidates name one state give one of those
(``one-state``): dev6's 110 : 60 ratio scaled to 300; the strata are disjoint sets of texts.

Texts, in no gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``, main
02da494) but dev6's to dev10's one exception:

* **Wikinews (2019-2020)**: the articles that only ``plover_dev3`` uses (dev3's own sentence,
  and every sentence of another PLOVER set, is never a candidate). dev9 and dev10 drew none,
  so the same 31 articles are left and none has a candidate of either stratum:
  ``WIKI_PER_STRATUM`` is 0 and 0 and the Wikinews pass draws nothing (it still shuffles the
  31, so the generator's state is that of a pass over them).
* **Reuters (1987)**: stories in no gold set (distinct bodies; topics ``earn`` and ``acq``
  left out) for all of each stratum: 194 two-state and 106 one-state. Every story dev3 to
  dev10 (and every other set) drew from is left out.

The draw, as in dev6 to dev10: a fixed seed (``random.Random(1111)``) shuffles the Wikinews
articles, then the Reuters stories, once; in that order each text fills the stratum its
candidates give until that corpus's quota for the stratum is drawn, and one of those candidates
is picked at random; a sentence another PLOVER set holds is no candidate. dev10's rule, fixed
before coding: should the first 300 (y001-y300) hold fewer than 120 coded sentences, the
Reuters pass goes on in the same order with the same generator for ``EXTRA_PER_STRATUM`` more
texts (40 two-state, 20 one-state), y001-y300 left as they were, decided on the count of coded
sentences alone. They held 105, so the draw was extended (y301-y360): 360 sentences, 234
two-state and 126 one-state, all from Reuters. Every drawn sentence goes into the set, coded or
coded as no event. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import select_plover_dev10
from select_plover_dev6 import draw_module

SEED = 1111
PER_STRATUM = select_plover_dev10.PER_STRATUM
WIKI_PER_STRATUM = select_plover_dev10.WIKI_PER_STRATUM
#: Drawn after the first 300 (y001-y300), which held 105 coded sentences, fewer than the 120 the
#: set is meant to have: more Reuters texts of the same order, dev10's extension.
EXTRA_PER_STRATUM: dict[str, int] | None = select_plover_dev10.EXTRA_PER_STRATUM
#: The sets dev10 was drawn against and the two added since (main 02da494).
DRAWN_AGAINST = (
    *select_plover_dev10.DRAWN_AGAINST,
    "plover_dev10.jsonl",
    "speakers_dev14.jsonl",
)
#: Wikinews articles that only these sets use are drawn from (their sentences in them left out).
WIKI_SHARED = select_plover_dev10.WIKI_SHARED
CODED_IN = (*select_plover_dev10.CODED_IN, "plover_dev10.jsonl")


def main() -> int:
    return draw_module(sys.modules[__name__], split="dev11", prefix="y")


if __name__ == "__main__":
    raise SystemExit(main())
