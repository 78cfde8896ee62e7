"""Pick the sentences of the third PLOVER development set (``bench/gold/plover_dev3.jsonl``).

    .venv/bin/python scripts/select_plover_dev3.py      # prints one candidate line a sentence

The first PLOVER sets were found by keyword searches per type and score well above what
unselected news gives, so this set is drawn the way a coding project picks sentences to code:
a sentence with a political actor, whatever its verb. Texts are Wikinews articles and Reuters
stories (1987) in no gold set of ``bench/gold/`` at the time of the draw (``DRAWN_AGAINST``; Reuters: distinct bodies, corporate results
and takeovers, topics ``earn`` and ``acq``, left out). A candidate sentence:

* 10 to 45 words, opening with a capital letter and closing with ``.``, ``!`` or ``?``, no
  quotation mark (quotations are the quotes table's; a sentence is coded alone);
* names a country, a nation or a nationality (the gazetteer's names, aliases and demonyms) —
  the political actor — and at least one more capitalized name.

No word of any event type is looked at. A fixed seed (``random.Random(303)``) draws 110
Wikinews articles and 110 Reuters stories, then one candidate sentence of each. Every drawn
sentence goes into the set: coded by hand under the guideline when it holds a PLOVER event a
coder can code from the sentence alone, else coded as no event. Deterministic: same corpus,
same picks. A drawn sentence that another PLOVER set already holds (a story the wire repeated
under another id) is left out after the draw, so the draw itself is unchanged.
"""

from __future__ import annotations

import functools
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from goldset import GOLD, REUTERS, WIKINEWS, load_text  # noqa: E402

SEED = 303
PER_CORPUS = {"wiki": 110, "reuters": 280}
SKIP_TOPICS = {"earn", "acq"}
#: A full stop after one of these does not end a sentence ("U.S. officials", "Mr. Baker").
ABBREV_RE = re.compile(
    r"(?:\b[A-Z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Gov|Sen|Rep|Rev|"
    r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Inc|Corp|Co|Ltd|No|vs)\.$"
)
SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
NAME_RE = re.compile(r"\b[A-Z][A-Za-z.'-]+(?:\s+[A-Z][A-Za-z.'-]+)*")


def sentences(body: str) -> list[str]:
    """The body's sentences, whitespace normalized (paragraph by paragraph)."""
    out = []
    for para in re.split(r"\n\s*\n|\n {3,}", body):
        text = " ".join(para.split())
        parts, buf = SPLIT_RE.split(text), ""
        for part in parts:
            buf = f"{buf} {part}" if buf else part
            if not ABBREV_RE.search(buf):
                out.append(buf)
                buf = ""
        if buf:
            out.append(buf)
    return out


def political(sentence: str) -> bool:
    """Names a country, nation or nationality, and one more capitalized name (not the first
    word alone)."""
    from transforms.gazetteer import gazetteer

    gaz = gazetteer()
    names = NAME_RE.findall(sentence)
    state = [n for n in names if _is_state(gaz, n)]
    return bool(state) and len(names) >= 2


#: What the gazetteer learned after the dev3–dev5 draws (session 12: dissolved states by their
#: former ISO codes, and older names of today's states): left out, so that each draw script
#: still draws the sentences it drew.
LATER_CODES = frozenset({"CS", "DD", "SU", "YU"})
LATER_NAMES = frozenset(
    ["West Germany", "West German", "West Germans", "Zaire", "Zairean", "Zaireans"]
)


@functools.cache
def _later_keys() -> frozenset[str]:
    """LATER_NAMES as the gazetteer's keys (once, not for every run of every sentence)."""
    from transforms.gazetteer import name_key

    return frozenset(name_key(n) for n in LATER_NAMES)


def state_at_draw(gaz, run: str) -> tuple[object | None, str | None]:
    """The country or nation ``run`` names (a Place), and the state of ``run`` as a demonym
    (a code), as the gazetteer knew them when the draws were made."""
    from transforms.gazetteer import name_key

    if name_key(run) in _later_keys():
        return None, None
    place, code = gaz.place(run), gaz.country_of_demonym(run)
    if place is not None and (place.code in LATER_CODES or place.kind not in ("country", "nation")):
        place = None
    return place, None if code in LATER_CODES else code


def _is_state(gaz, name: str) -> bool:
    words = name.split()
    for i in range(len(words)):  # any run of the name: "Soviet Union", "French Defense"
        for j in range(i + 1, len(words) + 1):
            run = " ".join(words[i:j]).rstrip(".")
            if state_at_draw(gaz, run) != (None, None):
                return True
    return False


def candidate(sentence: str) -> bool:
    n = len(sentence.split())
    return (
        10 <= n <= 45
        and sentence[0].isupper()
        and sentence[-1] in ".!?"
        and not any(m in sentence for m in "\"“”‘’'`")
        and political(sentence)
    )


#: The gold sets there were when the set was drawn (main 4e764b0): a set added later does not
#: change the draw (speakers_dev8, drawn at the same time, shares two Reuters stories with it).
DRAWN_AGAINST = (
    "events_dev.jsonl",
    "events_heldout.jsonl",
    "near_duplicates_dev.jsonl",
    "plover_dev.jsonl",
    "plover_heldout.jsonl",
    "speakers_dev.jsonl",
    *(f"speakers_dev{n}.jsonl" for n in range(2, 8)),
    "speakers_heldout.jsonl",
)


def taken_texts(drawn_against: tuple[str, ...] = DRAWN_AGAINST) -> set[str]:
    """Paths and record ids of the texts of the sets in ``drawn_against``."""
    out = set()
    for name in drawn_against:
        for line in (GOLD / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out.update(str(rec[k]) for k in ("path", "record") if k in rec)
    return out


def texts(drawn_against: tuple[str, ...] = DRAWN_AGAINST) -> tuple[list[dict], list[dict]]:
    taken = taken_texts(drawn_against)
    wiki = []
    for path in sorted((ROOT / WIKINEWS).glob("*.txt")):
        rel = str(WIKINEWS / path.name)
        if rel not in taken:
            wiki.append({"path": rel})
    reut, seen = [], set()
    with open(ROOT / REUTERS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if rec["id"] in taken or body in seen or SKIP_TOPICS & set(rec.get("topics") or []):
                continue
            seen.add(body)
            reut.append({"path": str(REUTERS), "record": rec["id"]})
    return wiki, reut


def draw(
    seed: int = SEED,
    per_corpus: dict[str, int] = PER_CORPUS,
    drawn_against: tuple[str, ...] = DRAWN_AGAINST,
    split: str = "dev3",
    prefix: str = "q",
    coded_in: tuple[str, ...] = ("plover_dev.jsonl", "plover_heldout.jsonl"),
) -> int:
    """Print the candidate lines of a draw: ``per_corpus`` texts of each corpus in no set of
    ``drawn_against``, one candidate sentence of each, ids ``prefix`` + number; a sentence
    that a set of ``coded_in`` holds is left out after the draw."""
    from transforms.parse import ParseError

    rng = random.Random(seed)
    wiki, reut = texts(drawn_against)
    coded_elsewhere = {
        json.loads(line)["text"]
        for f in coded_in
        for line in (ROOT / "bench" / "gold" / f).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    n = 0
    for corpus, pool in (("wiki", wiki), ("reuters", reut)):
        drawn = 0
        for rec in rng.sample(pool, len(pool)):
            if drawn == per_corpus[corpus]:
                break
            try:
                loaded = load_text({**rec, "doc": "x"})
            except ParseError:  # a page with no body
                continue
            if loaded is None or loaded[1] is None:
                continue
            body, published = loaded
            cands = [s for s in sentences(body) if candidate(s)]
            if not cands:
                continue
            drawn += 1
            n += 1
            line = {"id": f"{prefix}{n:03d}", "split": split, **rec, "published": str(published)}
            text = rng.choice(cands)
            if text not in coded_elsewhere:
                print(json.dumps({**line, "text": text}, ensure_ascii=False))
    return 0


def main() -> int:
    return draw()


if __name__ == "__main__":
    raise SystemExit(main())
