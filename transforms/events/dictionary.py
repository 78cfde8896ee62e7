"""The field's verb dictionary: PETRARCH2's CAMEO verbs and phrase patterns, typed by PLOVER.

Data: ``transforms/data/plover_verbs.tsv``, ``plover_patterns.tsv`` and ``plover_synsets.tsv``
(built by ``scripts/build_event_lexicon.py`` from PETRARCH2's dictionary and the official
CAMEO→PLOVER table; format in ``transforms/data/README.md``). A verb belongs to a block; a
block's patterns describe the verb's clause — its object (``after``), its subject or
auxiliaries (``before``), its prepositional phrases (``preps``) — and give the clause a CAMEO
code, hence a PLOVER type and mode. This module reads them once into :class:`Dictionary`;
:mod:`~transforms.events.fieldmatch` matches them on the dependency parse.

A pattern phrase is a head word with the words that must modify it, head last (``air raid``),
a synonym set (``&MILITARY``: any member's head), or any noun phrase (``$``, ``+``, ``^``).
Patterns whose code is a public statement (CAMEO 01, which PLOVER drops) decide nothing and
are left out; ``---`` patterns say the clause is no event and are kept (they block).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field

from spacy.strings import hash_string

from transforms.wordlists import DATA_DIR

ANY = ("$", "+", "^")


@dataclass(frozen=True)
class Phrase:
    """A noun phrase of a pattern: its head (any of ``heads``), the words that must modify it
    (each position: any of its words), and for a synonym set's members of several words the
    modifiers each needs (``members``: head -> its members' modifier words, "armed force").
    ``any`` is PETRARCH's any noun phrase; a phrase without heads that is not ``any`` (a
    synonym set the dictionary never defines) matches nothing."""

    heads: frozenset[str]
    mods: tuple[frozenset[str], ...] = ()
    members: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    weight: int = 0
    any: bool = False

    def member_mods(self, head: str) -> tuple[tuple[str, ...], ...]:
        for h, mods in self.members:
            if h == head:
                return mods
        return ((),)


@dataclass(frozen=True)
class Reading:
    """What a verb or pattern codes: a PLOVER type (``-``: no event), its mode, the CAMEO code,
    and whether the subject undergoes it (``[:B]`` codes: the object side acts)."""

    type: str
    mode: str
    cameo: str
    reverse: bool = False


@dataclass(frozen=True)
class Pattern:
    before: tuple[Phrase, ...]
    after: tuple[Phrase, ...]
    preps: tuple[tuple[frozenset[str], Phrase | None], ...]
    reading: Reading
    source: str  # where PETRARCH's $ stands: "", before, after, prep:<p>
    target: str
    verbs: frozenset[str]  # the verbs the pattern was written for (its comment)
    weight: int
    order: int
    line: str


@dataclass
class Block:
    patterns: list[Pattern] = field(default_factory=list)
    #: head word -> the patterns one of whose elements needs it (a pattern is tried only when
    #: its anchor word is in the clause); filled for the patterns of one verb
    by_anchor: dict[str, list[Pattern]] = field(default_factory=dict)
    unanchored: list[Pattern] = field(default_factory=list)


@dataclass(frozen=True)
class VerbEntry:
    block: str
    particle: tuple[str, ...]
    reading: Reading | None  # the verb's own code (None: an event only through a pattern)


@dataclass
class Dictionary:
    verbs: dict[str, list[VerbEntry]]
    blocks: dict[str, Block]
    prefixes: frozenset[str] = frozenset()
    _for_verb: dict[tuple[str, str], Block] = field(default_factory=dict)
    _anchors: dict[tuple[str, str], tuple[frozenset[int], bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prefixes = frozenset(v[:4] for v in self.verbs)

    def anchors_for(self, verb: str, blocks: tuple[str, ...]) -> tuple[frozenset[int], bool]:
        """(the string hashes of the anchor words of the verb's patterns in these blocks,
        whether some pattern has none): a clause without any of those words (compared as
        spaCy's ``lemma``/``lower`` hashes: no string is built) and no unanchored pattern
        matches none."""
        key = (verb, "\t".join(blocks))
        got = self._anchors.get(key)
        if got is None:
            words: set[int] = set()
            loose = False
            for b in blocks:
                found = self.patterns_for(verb, b)
                words.update(hash_string(w) for w in found.by_anchor)
                loose = loose or bool(found.unanchored)
            got = self._anchors[key] = (frozenset(words), loose)
        return got

    def patterns_for(self, verb: str, block: str) -> Block:
        """The patterns of a block that apply to a verb — those written for it, or for the
        whole block — indexed by anchor word (built once per verb and block)."""
        key = (verb, block)
        got = self._for_verb.get(key)
        if got is None:
            got = Block()
            for p in self.blocks[block].patterns if block in self.blocks else ():
                if p.verbs and verb not in p.verbs:
                    continue
                got.patterns.append(p)
                anchor = _anchor(p)
                if not anchor:
                    got.unanchored.append(p)
                for word in anchor:
                    got.by_anchor.setdefault(word, []).append(p)
            self._for_verb[key] = got
        return got


def _tsv(name: str) -> list[dict[str, str]]:
    lines = [
        line
        for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]


def _reading(row: dict[str, str], blocks: bool) -> Reading | None:
    """The reading of a row: its active code, else its passive one ([:B]); None when the row
    decides nothing (a public statement, CAMEO 01, or no code). ``---`` is a reading "no
    event" for a pattern (``blocks``), nothing for a verb (an event only through patterns)."""
    if row["mapping"] == "dropped":
        return None
    if row["cameo"] == "---":
        return Reading("-", "", "---") if blocks else None
    if row["plover_type"] != "-":
        return Reading(row["plover_type"], row["plover_mode"], row["cameo"])
    rev = row.get("reverse_plover_type", "-")
    if rev and rev != "-":
        return Reading(rev, row["reverse_plover_mode"], row["reverse_cameo"], reverse=True)
    return None


def _phrase(text: str, synsets: dict[str, list[list[str]]]) -> Phrase:
    words = [w.strip("_") for w in text.split() if w.strip("_")]
    words = [w for w in words if w not in ANY]
    if not words:
        return Phrase(frozenset(), any=True)
    head, mods = words[-1], words[:-1]
    members: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    if head.startswith("&"):
        by_head: dict[str, list[tuple[str, ...]]] = {}
        for member in synsets.get(head, []):
            by_head.setdefault(member[-1], []).append(tuple(member[:-1]))
        heads, weight = frozenset(by_head), 2
        members = tuple((h, tuple(ms)) for h, ms in by_head.items() if () not in ms)
    else:
        heads, weight = frozenset({head}), 3
    mod_sets = tuple(
        frozenset(m[-1] for m in synsets.get(w, [])) if w.startswith("&") else frozenset({w})
        for w in mods
    )
    return Phrase(heads, mod_sets, members, weight + len(mod_sets))


def _comment_verbs(line: str) -> frozenset[str]:
    _, _, comment = line.partition("#")
    return frozenset(w.lower() for w in re.findall(r"[A-Z][A-Z_-]+", comment))


def _pattern(
    row: dict[str, str], order: int, synsets: dict[str, list[list[str]]]
) -> Pattern | None:
    reading = _reading(row, blocks=True)
    if reading is None:
        return None
    before = tuple(_phrase(p, synsets) for p in row["before"].split(" ; ") if p)
    after = tuple(_phrase(p, synsets) for p in row["after"].split(" ; ") if p)
    preps = []
    for item in filter(None, row["preps"].split(" ; ")):
        prep, _, obj = item.partition(":")
        words = frozenset(prep.strip().split("/"))
        preps.append((words, _phrase(obj, synsets) if obj.strip() else None))
    weight = sum(max(p.weight, 1) for p in (*before, *after))
    weight += sum(2 + (p.weight if p else 0) for _, p in preps)
    return Pattern(
        before=before,
        after=after,
        preps=tuple(preps),
        reading=reading,
        source=row["source"],
        target=row["target"],
        verbs=_comment_verbs(row["source_line"]),
        weight=weight,
        order=order,
        line=row["source_line"],
    )


def _anchor(p: Pattern) -> frozenset[str]:
    """The head words one of which the clause must hold for the pattern to be tried."""
    for phrase in (*p.after, *(x for _, x in p.preps if x is not None), *p.before):
        if phrase.heads:
            return phrase.heads
    return frozenset()


def _synsets() -> dict[str, list[list[str]]]:
    sets: dict[str, list[list[str]]] = {}
    for row in _tsv("plover_synsets.tsv"):
        sets.setdefault(row["synset"], []).append(row["member"].split())
    return sets


def pattern_key(line: str) -> str:
    """A pattern's text as PETRARCH2 writes it, without its comment, spaces normalized."""
    return " ".join(line.partition("#")[0].split())


def _overrides() -> dict[tuple[str, str], Reading | None]:
    """(verb, pattern) -> the reading that replaces the pattern's (None: dropped), from
    ``field_patterns_off.tsv``."""
    out: dict[tuple[str, str], Reading | None] = {}
    for row in _tsv("field_patterns_off.tsv"):
        key = (row["verb"].lower(), pattern_key(row["pattern"]))
        out[key] = None if row["type"] == "-" else Reading(row["type"], row["mode"], "")
    return out


def _override(p: Pattern, overrides: dict[tuple[str, str], Reading | None]) -> Pattern | None:
    key = pattern_key(p.line)
    for verb in p.verbs:
        if (verb, key) in overrides:
            new = overrides[(verb, key)]
            if new is None:
                return None
            reading = Reading(new.type, new.mode, p.reading.cameo, p.reading.reverse)
            return dataclasses.replace(p, reading=reading)
    return p


@functools.cache
def dictionary() -> Dictionary:
    """The field's dictionary, read once per process (with our overrides applied)."""
    synsets = _synsets()
    overrides = _overrides()
    blocks: dict[str, Block] = {}
    for order, row in enumerate(_tsv("plover_patterns.tsv")):
        p = _pattern(row, order, synsets)
        if p is not None:
            p = _override(p, overrides)
        if p is None or (not p.after and not p.before and not p.preps):
            continue
        blocks.setdefault(row["block"], Block()).patterns.append(p)
    verbs: dict[str, list[VerbEntry]] = {}
    for row in _tsv("plover_verbs.tsv"):
        entry = VerbEntry(row["block"], tuple(row["particle"].split()), _reading(row, blocks=False))
        verbs.setdefault(row["verb"], []).append(entry)
    for entries in verbs.values():  # particle verbs first ("call off" before "call")
        entries.sort(key=lambda e: -len(e.particle))
    return Dictionary(verbs=verbs, blocks=blocks)
