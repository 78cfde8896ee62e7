"""Pick the sentences of the sixth PLOVER development set (``bench/gold/plover_dev6.jsonl``).

    .venv/bin/python scripts/select_plover_dev6.py      # prints one candidate line a sentence

dev5 (session 12) became a development set in session 13, when rules were written on its
errors; this set is the next unselected measure, drawn and coded before the extractor ran on
it. **The same stratification as dev5** (``scripts/select_plover_dev5.py``), so that the
figures compare: dev3's candidate test (10 to 45 words, no quotation mark, a country, nation
or nationality and one more capitalized name; no word of any event type looked at), and one
extractor-independent signal, a candidate naming two different states (``states``). 110
texts give a two-state candidate (stratum ``two-states``), 60 texts whose candidates name one
state give one of those (``one-state``); the strata are disjoint sets of texts.

Texts, in no gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``, main
f2cb0d4) but one exception:

* **Wikinews (2019-2020), for part of it**: modern text is what an independent check may use,
  and every Wikinews article is in some gold set by now. The 92 articles that only
  ``plover_dev3`` uses gave dev3 one sentence each; their *other* candidate sentences are
  drawn here (dev3's own sentence is never a candidate). ``WIKI_PER_STRATUM`` of them first:
  25 articles have a two-state candidate (all taken), 40 one-state candidates only (15 taken).
* **Reuters (1987)**: stories in no gold set (distinct bodies; topics ``earn`` and ``acq``
  left out) for the rest of each stratum.

A fixed seed (``random.Random(606)``) shuffles the Wikinews articles, then the Reuters
stories, once; going through them in that order, a text fills the stratum its candidates
give until the stratum's quota for that corpus is drawn. A sentence another PLOVER set holds
is no candidate. The first 170 (t001-t170) held 49 coded sentences, under the 55 wanted, so
the Reuters pass goes on in the same order with the same generator for ``EXTRA_PER_STRATUM``
more (20 two-state, 10 one-state: dev5's ratio), leaving t001-t170 as they were: 200
sentences, 130 two-state and 70 one-state. The extension was decided on the count of coded
sentences alone; the extractor had not run on any of them. Every drawn sentence goes into
the set, coded or coded as no event. Deterministic.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from select_plover_dev3 import GOLD, ROOT, WIKINEWS, candidate, load_text, sentences, texts
from select_plover_dev5 import states

SEED = 606
PER_STRATUM = {"two-states": 110, "one-state": 60}
WIKI_PER_STRATUM = {"two-states": 25, "one-state": 15}
#: Drawn after the first 170 (t001-t170), which held 49 coded sentences, fewer than the 55 the
#: set is meant to have: more Reuters texts of the same order, both strata in dev5's ratio.
EXTRA_PER_STRATUM = {"two-states": 20, "one-state": 10}
DRAWN_AGAINST = (
    "events_dev.jsonl",
    "events_heldout.jsonl",
    "near_duplicates_dev.jsonl",
    "plover_dev.jsonl",
    "plover_dev3.jsonl",
    "plover_dev4.jsonl",
    "plover_dev5.jsonl",
    "plover_heldout.jsonl",
    "speakers_dev.jsonl",
    *(f"speakers_dev{n}.jsonl" for n in range(2, 10)),
    "speakers_heldout.jsonl",
)
#: Wikinews articles that only these sets use are drawn from (their sentences in them left out).
WIKI_SHARED = ("plover_dev3.jsonl",)
CODED_IN = (
    "plover_dev.jsonl",
    "plover_heldout.jsonl",
    "plover_dev3.jsonl",
    "plover_dev4.jsonl",
    "plover_dev5.jsonl",
)


def wiki_texts(
    drawn_against: tuple[str, ...] = DRAWN_AGAINST, wiki_shared: tuple[str, ...] = WIKI_SHARED
) -> list[dict]:
    """The Wikinews articles no set of ``drawn_against`` uses but those of ``wiki_shared``."""
    others = [f for f in drawn_against if f not in wiki_shared]
    taken = set()
    for name in others:
        for line in (GOLD / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                taken.add(str(json.loads(line).get("path")))
    return [
        {"path": str(WIKINEWS / p.name)}
        for p in sorted((ROOT / WIKINEWS).glob("*.txt"))
        if str(WIKINEWS / p.name) not in taken
    ]


def draw(
    seed: int = SEED,
    per_stratum: dict[str, int] = PER_STRATUM,
    wiki_per_stratum: dict[str, int] = WIKI_PER_STRATUM,
    extra_per_stratum: dict[str, int] | None = EXTRA_PER_STRATUM,
    drawn_against: tuple[str, ...] = DRAWN_AGAINST,
    wiki_shared: tuple[str, ...] = WIKI_SHARED,
    coded_in: tuple[str, ...] = CODED_IN,
    split: str = "dev6",
    prefix: str = "t",
) -> int:
    """Print the candidate lines of a stratified draw (the module's docstring says how):
    Wikinews articles of ``wiki_texts`` first, then Reuters stories in no set of
    ``drawn_against``, until ``per_stratum`` is drawn (``wiki_per_stratum`` of it from
    Wikinews), then ``extra_per_stratum`` more Reuters texts in the same order; ids
    ``prefix`` + number; a sentence a set of ``coded_in`` holds is no candidate."""
    from transforms.parse import ParseError

    rng = random.Random(seed)
    _, reut = texts(drawn_against)
    wiki = wiki_texts(drawn_against, wiki_shared)
    coded_elsewhere = {
        json.loads(line)["text"]
        for f in coded_in
        for line in (GOLD / f).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    n = 0
    reut_quota = {k: per_stratum[k] - wiki_per_stratum[k] for k in per_stratum}
    for quota, extra, pool in (
        (wiki_per_stratum, None, wiki),
        (reut_quota, extra_per_stratum, reut),
    ):
        here = dict.fromkeys(per_stratum, 0)
        for rec in rng.sample(pool, len(pool)):
            if here == quota:
                if extra is None:
                    break
                # the extension: the same order and generator go on past the first draw
                quota, extra = {k: quota[k] + extra[k] for k in quota}, None
            try:
                loaded = load_text({**rec, "doc": "x"})
            except ParseError:  # a record with no body
                continue
            if loaded is None or loaded[1] is None:
                continue
            body, published = loaded
            cands = [s for s in sentences(body) if candidate(s) and s not in coded_elsewhere]
            two = [s for s in cands if len(states(s)) >= 2]
            if two and here["two-states"] < quota["two-states"]:
                stratum, chosen = "two-states", two
            elif not two and cands and here["one-state"] < quota["one-state"]:
                stratum, chosen = "one-state", cands
            else:
                continue
            here[stratum] += 1
            n += 1
            text = rng.choice(chosen)
            line = {"id": f"{prefix}{n:03d}", "split": split, **rec, "published": str(published)}
            print(json.dumps({**line, "stratum": stratum, "text": text}, ensure_ascii=False))
    return 0


def draw_module(settings, split: str, prefix: str) -> int:
    """``draw`` with the settings a later set's script holds as module constants (``SEED``,
    ``PER_STRATUM``, ``WIKI_PER_STRATUM``, ``EXTRA_PER_STRATUM``, ``DRAWN_AGAINST``,
    ``WIKI_SHARED``, ``CODED_IN``)."""
    names = ("SEED", "PER_STRATUM", "WIKI_PER_STRATUM", "EXTRA_PER_STRATUM", "DRAWN_AGAINST")
    names += ("WIKI_SHARED", "CODED_IN")
    return draw(**{n.lower(): getattr(settings, n) for n in names}, split=split, prefix=prefix)


def main() -> int:
    return draw()


if __name__ == "__main__":
    raise SystemExit(main())
