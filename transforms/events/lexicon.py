"""The event lexicon: which words make events, of which type, under which conditions.

The lexicon is data, ``transforms/data/event_lexicon.tsv`` (its header documents the format;
users extend it): one row per (lemma, part of speech) reading, with its type — one of
``EVENT_TYPES``, ``NULL`` (an event of no category), ``LIGHT`` (a support verb: *held talks*)
or ``-`` (not an event) — and its conditions on the context (``obj=``, ``prt=``, ``ctx=``, …)
and flags. :func:`parse_lexicon` checks every row; :func:`lexicon` reads the packaged file
once; :func:`lookup` finds the rows of a token (lemma, form, simple de-inflections).

The event types and what each implies for roles are declared here too: ``TARGET_PREPS`` (the
prepositions introducing the target), ``OF_ROLE`` (the role of a noun's "of" object), and the
type sets ``SYMMETRIC_TYPES``, ``PARTICIPATORY``, ``SPATIAL_TYPES``, ``THEME_OBJECT_TYPES``.
A new type goes in ``OWN_TYPES`` (or ``PLOVER_TYPES``), these tables, the lexicon rows, and
the ``event_types`` var of ``sql/dbt_project.yml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.tokens import Token

from transforms.events.plover import is_mode
from transforms.wordlists import DATA_DIR

LEXICON_PATH = DATA_DIR / "event_lexicon.tsv"


PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


OWN_TYPES = ("STATEMENT", "ELECTION", "ACCIDENT", "DISASTER")


EVENT_TYPES = PLOVER_TYPES + OWN_TYPES


MODALITIES = ("asserted", "future", "hypothetical", "reported")


#: Condition values that match a mention's family ("subj=%place": "Britain protested").
FAMILY_VALUES = frozenset({"%place", "%person", "%org", "%norp", "%fac"})


FLAGS = frozenset({"sym", "swap", "recv", "harm", "light", "strict", "theme"})


SLOTS = frozenset(
    {
        "prt",
        "prep",
        "obj",
        "subj",
        "theme",
        "pobj",
        "mod",
        "xcomp",
        "ccomp_subj",
        "ccomp_aux",
        "ccomp",
        "mark",
        "gov",
        "oprd",
        "ctx",
    }
)


@dataclass(frozen=True)
class Cond:
    slot: str
    values: frozenset[str]  # lowercase words; "*" any, "-" none
    negate: bool = False


@dataclass(frozen=True)
class Entry:
    lemma: str
    pos: str
    type: str | None  # an event type, None (NULL), "LIGHT" or "-"
    conds: tuple[Cond, ...]
    flags: frozenset[str]
    of_role: str | None
    line: int
    target_preps: tuple[str, ...] = ()
    mode: str = ""  # the PLOVER mode this reading gives (mode=…), "" when it gives none
    origin: str = "own"  # "own" (this lexicon), "pattern" or "verb" (the field's dictionary)


@dataclass
class Lexicon:
    entries: dict[tuple[str, str], list[Entry]]
    classes: dict[str, frozenset[str]]
    prefixes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.prefixes = frozenset(lemma[:4] for lemma, _ in self.entries)

    def rows(self, lemma: str, pos: str) -> list[Entry]:
        return self.entries.get((lemma, pos), [])

    def cls(self, name: str) -> frozenset[str]:
        return self.classes.get(name, frozenset())


class LexiconError(ValueError):
    pass


def parse_lexicon(text: str) -> Lexicon:
    """Parse the TSV lexicon (see its header); raises LexiconError on a malformed row."""
    lines = [
        (n, line.rstrip("\n"))
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines or lines[0][1].split("\t")[:3] != ["lemma", "pos", "type"]:
        raise LexiconError("the first non-comment line must be the header lemma/pos/type/...")
    classes: dict[str, frozenset[str]] = {}
    raw: list[tuple[int, list[str]]] = []
    for n, line in lines[1:]:
        cols = [*line.split("\t"), "", "", ""][:5]
        if cols[1] == "CLASS":
            if not cols[0].startswith("@"):
                raise LexiconError(f"line {n}: a class name starts with @")
            classes[cols[0]] = frozenset(cols[3].lower().split())
        else:
            raw.append((n, cols))
    entries: dict[tuple[str, str], list[Entry]] = {}
    for n, cols in raw:
        entry = _entry(n, cols, classes)
        entries.setdefault((entry.lemma, entry.pos), []).append(entry)
    return Lexicon(entries=entries, classes=classes)


def _entry(n: int, cols: list[str], classes: dict[str, frozenset[str]]) -> Entry:
    """One lexicon row (line ``n``): its type, conditions and flags."""
    lemma, pos, type_, when, _note = cols
    if pos not in {"VERB", "NOUN", "ADJ"}:
        raise LexiconError(f"line {n}: pos must be VERB, NOUN, ADJ or CLASS, not {pos!r}")
    if type_ not in {*EVENT_TYPES, "LIGHT", "-", "NULL"}:
        raise LexiconError(f"line {n}: unknown type {type_!r}")
    conds: list[Cond] = []
    flags: set[str] = set()
    of_role = None
    target_preps: tuple[str, ...] = ()
    mode = ""
    for item in when.split():
        if item in FLAGS:
            flags.add(item)
            continue
        if "=" not in item:
            raise LexiconError(f"line {n}: unknown flag {item!r}")
        slot, _, value = item.partition("=")
        negate = slot.startswith("!")
        slot = slot.lstrip("!")
        if slot == "of":
            if value not in {"actor", "target"}:
                raise LexiconError(f"line {n}: of= takes actor or target")
            of_role = value
        elif slot == "tp":
            target_preps = tuple(v for v in value.lower().split("|") if v)
        elif slot == "mode":
            if not is_mode(type_, value):
                raise LexiconError(f"line {n}: {value!r} is no mode of {type_} (plover_modes.tsv)")
            mode = value
        elif slot not in SLOTS and not (slot.startswith("p:") and len(slot) > 2):
            raise LexiconError(f"line {n}: unknown condition {slot!r}")
        else:
            conds.append(Cond(slot, _values(n, value, classes), negate))
    return Entry(
        lemma=lemma.lower(),
        pos=pos,
        type=None if type_ == "NULL" else type_,
        conds=tuple(conds),
        flags=frozenset(flags),
        of_role=of_role,
        line=n,
        target_preps=target_preps,
        mode=mode,
    )


def _values(n: int, value: str, classes: dict[str, frozenset[str]]) -> frozenset[str]:
    """The words of a condition: ``a|b|@class`` (classes expanded), lowercased."""
    values: set[str] = set()
    for v in value.lower().split("|"):
        if v.startswith("%") and v not in FAMILY_VALUES:
            raise LexiconError(f"line {n}: unknown family {v} (one of {sorted(FAMILY_VALUES)})")
        if v.startswith("@"):
            if v not in classes:
                raise LexiconError(f"line {n}: unknown class {v}")
            values |= classes[v]
        elif v:
            values.add(v)
    return frozenset(values)


@functools.cache
def lexicon() -> Lexicon:
    """The packaged lexicon, read once per process."""
    return parse_lexicon(LEXICON_PATH.read_text(encoding="utf-8"))


def forms(token: Token, pos: str) -> tuple[str, ...]:
    """Lexicon keys to try for a token: its lemma, its form, and simple de-inflections
    (the small model's lemmatizer errs: "staged" → "stag", "bases" → "basis")."""
    return _forms(token.lower_, token.lemma_.lower(), pos)


@functools.lru_cache(maxsize=65536)
def _forms(low: str, lemma: str, pos: str) -> tuple[str, ...]:
    out = [lemma, low] if pos == "VERB" else [low, lemma]
    if pos == "VERB":
        if low.endswith("ied"):
            out.append(low[:-3] + "y")
        if low.endswith("ed"):
            out += [low[:-1], low[:-2]]
            if len(low) > 4 and low[-3] == low[-4]:
                out.append(low[:-3])
        if low.endswith("ing"):
            out += [low[:-3], low[:-3] + "e"]
            if len(low) > 5 and low[-4] == low[-5]:
                out.append(low[:-4])
        if low.endswith("es"):
            out.append(low[:-2])
        if low.endswith("s"):
            out.append(low[:-1])
    else:
        if low.endswith("ies"):
            out.append(low[:-3] + "y")
        if low.endswith("es"):
            out.append(low[:-2])
        if low.endswith("s"):
            out.append(low[:-1])
    return tuple(out)


def lookup(lex: Lexicon, token: Token, pos: str) -> list[Entry]:
    for form in forms(token, pos):
        rows = lex.rows(form, pos)
        if rows:
            return rows
    return []


PARTICIPATORY = frozenset(
    {"CONSULT", "AGREE", "SUPPORT", "PROTEST", "COOPERATE", "STATEMENT", "ELECTION"}
)


SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})


#: Types whose object is the thing moved or given, not the recipient ("deployed troops").
THEME_OBJECT_TYPES = frozenset({"RETREAT", "MOBILIZE"})


#: Events that happen to places and things, whose target may be a place or an object.
SPATIAL_TYPES = frozenset(
    {"RETREAT", "ASSAULT", "COERCE", "MOBILIZE", "ACCIDENT", "DISASTER", "PROTEST"}
)


#: Prepositions introducing the target, by category (after the direct object).
TARGET_PREPS: dict[str | None, tuple[str, ...]] = {
    "AGREE": ("with",),
    "CONSULT": ("with", "to", "between"),
    "SUPPORT": ("with", "for", "to"),
    "CONCEDE": ("to", "for"),
    "COOPERATE": ("with", "to", "from"),
    "AID": ("to", "for"),
    "RETREAT": ("from", "out", "of", "against"),
    "REQUEST": ("to", "on", "upon", "from"),
    "ACCUSE": ("against", "into", "on", "at", "about"),
    "REJECT": (),
    "THREATEN": ("against", "with"),
    "PROTEST": ("against", "to", "outside"),
    "SANCTION": ("on", "against", "from"),
    "MOBILIZE": ("against",),
    "COERCE": ("on", "against"),
    "ASSAULT": ("on", "against", "into", "at", "with"),
    "STATEMENT": (),
    "ELECTION": (),
    "ACCIDENT": ("with", "into"),
    "DISASTER": (),
    None: (),
}


#: Role of a noun's "of" object by category (the lexicon's of= overrides it).
OF_ROLE = {
    "ASSAULT": "target",
    "COERCE": "target",
    "SANCTION": "target",
    "ACCUSE": "target",
    "AID": "target",
    "RETREAT": "target",
    "SUPPORT": "target",
    "REJECT": "target",
}
