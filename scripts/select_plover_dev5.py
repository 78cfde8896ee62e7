"""Pick the sentences of the fifth PLOVER development set (``bench/gold/plover_dev5.jsonl``).

    .venv/bin/python scripts/select_plover_dev5.py      # prints one candidate line a sentence

dev4 (session 11) became a development set in session 12, when rules were written on its
errors; this set is the next unselected measure, drawn and coded before the extractor ran on
it. Texts: Reuters stories (1987; distinct bodies; topics ``earn`` and ``acq`` left out) in no
gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``, main 136af29);
Wikinews is used up. A candidate sentence is dev3's (``scripts/select_plover_dev3.py``: 10 to
45 words, no quotation mark, a country, nation or nationality and one more capitalized name;
no word of any event type looked at).

**Stratified by one cheap signal, independent of the extractor**: in dev3 and dev4 one
candidate in four holds a coded event (dev4: 40 of 158), but a candidate naming **two
different states** (countries, nations or nationalities of the gazetteer, told apart by their
ISO code: "U.S." and "American" are one) holds one more than two times in five (dev3 30/72,
dev4 17/38; the others 58/299 and 23/120). A fixed seed (``random.Random(505)``) shuffles the
stories once; going through them in that order, a story with a two-state candidate gives one
of them (stratum ``two-states``) until 110 are drawn, and the first 60 stories whose
candidates name one state give one candidate each (stratum ``one-state``). The strata are
disjoint sets of stories; each line says its ``stratum``. Every drawn sentence goes into the set,
coded or coded as no event; a sentence another PLOVER set holds (a story the wire repeated)
is left out after the draw. Deterministic.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from select_plover_dev3 import (
    GOLD,
    NAME_RE,
    candidate,
    load_text,
    sentences,
    state_at_draw,
    texts,
)

SEED = 505
PER_STRATUM = {"two-states": 110, "one-state": 60}
DRAWN_AGAINST = (
    "events_dev.jsonl",
    "events_heldout.jsonl",
    "near_duplicates_dev.jsonl",
    "plover_dev.jsonl",
    "plover_dev3.jsonl",
    "plover_dev4.jsonl",
    "plover_heldout.jsonl",
    "speakers_dev.jsonl",
    *(f"speakers_dev{n}.jsonl" for n in range(2, 9)),
    "speakers_heldout.jsonl",
)
CODED_IN = ("plover_dev.jsonl", "plover_heldout.jsonl", "plover_dev3.jsonl", "plover_dev4.jsonl")


def states(sentence: str) -> set[str]:
    """The ISO codes (else the canonical names) of the states a sentence names."""
    from transforms.gazetteer import gazetteer

    gaz = gazetteer()
    out = set()
    for name in NAME_RE.findall(sentence):
        words = name.split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                run = " ".join(words[i:j]).rstrip(".")
                place, code = state_at_draw(gaz, run)
                if place is not None:
                    out.add(place.code or place.name)
                if code is not None:
                    out.add(code)
    return out


def main() -> int:
    from transforms.parse import ParseError

    rng = random.Random(SEED)
    _, reut = texts(DRAWN_AGAINST)
    coded_elsewhere = {
        json.loads(line)["text"]
        for f in CODED_IN
        for line in (GOLD / f).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    drawn = dict.fromkeys(PER_STRATUM, 0)
    n = 0
    for rec in rng.sample(reut, len(reut)):
        if drawn == PER_STRATUM:
            break
        try:
            loaded = load_text({**rec, "doc": "x"})
        except ParseError:  # a record with no body
            continue
        if loaded is None or loaded[1] is None:
            continue
        body, published = loaded
        cands = [s for s in sentences(body) if candidate(s)]
        two = [s for s in cands if len(states(s)) >= 2]
        if two and drawn["two-states"] < PER_STRATUM["two-states"]:
            stratum, pool = "two-states", two
        elif not two and cands and drawn["one-state"] < PER_STRATUM["one-state"]:
            stratum, pool = "one-state", cands
        else:
            continue
        drawn[stratum] += 1
        n += 1
        text = rng.choice(pool)
        line = {"id": f"s{n:03d}", "split": "dev5", **rec, "published": str(published)}
        if text not in coded_elsewhere:
            print(json.dumps({**line, "stratum": stratum, "text": text}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
