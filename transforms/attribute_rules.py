"""The model's ``attribute_ruler``, compiled at load: the same writes, one lookup per token.

spaCy's ``AttributeRuler`` runs its ``Matcher`` over every token with all its patterns (179
in en_core_web_sm: the tag → POS/morphology map, exceptions by ``LOWER`` and ``TAG``, a few by
``DEP``, seven two-token ones), then writes each match through a ``Span`` and
``set_token_attrs`` — one Python call per match, and nearly every token has one. Its cost was
about a tenth of the whole model's (``docs/performance.md``).

:func:`compile_rules` reads the loaded ruler's own patterns (``AttributeRuler.patterns``,
``attrs``, ``indices``: nothing of the model's data is copied here) into plain predicates over
the token attributes they test. A token's outcome depends only on those attributes (and, for
a multi-token pattern, its neighbours'), so it is computed once per distinct combination and
kept; a Doc is then its columns read with ``Doc.to_array``, a dictionary lookup per token and
one ``Doc.from_array``. The semantics are spaCy's: every pattern is matched on the Doc as it
was before the ruler, the matches are applied in the order the rules were added (a later rule
overwrites an attribute an earlier one wrote), each on the token its ``index`` points at.

Conditions compiled: exact values, ``IN``, ``NOT_IN`` and ``REGEX`` on the token's forms, tags,
labels and lexeme flags. A ruler with a pattern beyond that (operators, fuzzy or set-relation
predicates, ``MORPH`` tests, extension attributes) or a write other than ``LEMMA``, ``POS``,
``TAG``, ``MORPH`` or ``DEP`` is not compiled: :func:`compile_rules` returns None and spaCy's
component stays. What is kept grows with the tag and label combinations seen and, for a
column a ``REGEX`` searches, with its distinct values (the words), not with the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import DEP, IDS, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

#: Token attributes a pattern may test: read by ``Doc.to_array`` exactly as the Matcher reads
#: them (``get_token_attr``), plus the lexeme's flags (``IS_SPACE``, ``LIKE_NUM`` …).
CONDITION_ATTRS = frozenset(
    ["ORTH", "TEXT", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "TAG", "POS", "DEP", "LEMMA"]
    + [name for name, i in IDS.items() if 0 < i < 64 and name.startswith(("IS_", "LIKE_"))]
)
#: Attributes a rule may write: ``set_token_attrs`` stores them in the token's struct, as
#: ``Doc.from_array`` does (and touches nothing of the lexeme for them).
WRITE_ATTRS = (POS, TAG, MORPH, LEMMA, DEP)
_PREDICATES = frozenset(["IN", "NOT_IN", "REGEX"])
#: Attributes with few values (tags, labels, flags): read as they are. The others (word
#: forms) are brought down to the values the patterns name (:class:`_Column`).
FEW_VALUES = frozenset(
    [IDS["TAG"], IDS["POS"], IDS["DEP"]] + [i for i in IDS.values() if 0 < i < 64]
)


class Unsupported(ValueError):
    """A pattern or a write this compilation does not handle."""


@dataclass(eq=False)
class Condition:
    """A token pattern's test of one attribute, as the Matcher reads it."""

    attr: int
    test: Callable[[int], bool]
    allowed: frozenset[int] | None  # the only values that pass, when a finite set
    mentioned: frozenset[int]  # the values it names (every other value fares alike …)
    regexes: tuple[Callable[[int], bool], ...] = ()  # (… but for these searches)


def _condition(vocab, name, value) -> Condition:
    """One ``ATTR: value`` of a token pattern: a string is its hash, a bool an int;
    ``IN``/``NOT_IN`` compare hashes, ``REGEX`` searches the value's string."""
    if not isinstance(name, str) or name.upper() not in CONDITION_ATTRS:
        raise Unsupported(f"pattern attribute {name!r}")
    attr = IDS["ORTH" if name.upper() == "TEXT" else name.upper()]
    if isinstance(value, bool | int | str):
        wanted = vocab.strings.add(value) if isinstance(value, str) else int(value)
        return Condition(attr, wanted.__eq__, frozenset([wanted]), frozenset([wanted]))
    if not isinstance(value, dict) or not value or not set(value) <= _PREDICATES:
        raise Unsupported(f"{name}: {value!r}")
    tests, mentioned, regexes = [], set(), []
    for op, arg in sorted(value.items()):
        if op == "REGEX":
            regexes.append(_regex(vocab, attr, arg))
            tests.append(regexes[-1])
            continue
        if not isinstance(arg, list | tuple) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in arg
        ):
            raise Unsupported(f"{op} {arg!r}")
        values = frozenset(get_string_id(v) for v in arg)
        mentioned |= values
        tests.append(values.__contains__ if op == "IN" else _not_in(values))
    allowed = frozenset(get_string_id(v) for v in value["IN"]) if "IN" in value else None
    return Condition(
        attr, lambda v: all(t(v) for t in tests), allowed, frozenset(mentioned), tuple(regexes)
    )


def _not_in(values: frozenset[int]) -> Callable[[int], bool]:
    return lambda v: v not in values


def _regex(vocab, attr: int, pattern) -> Callable[[int], bool]:
    if not isinstance(pattern, str) or attr < 64:  # a flag has no string to search
        raise Unsupported(f"REGEX {pattern!r}")
    regex = re.compile(pattern)
    strings = vocab.strings
    return lambda v: bool(regex.search(strings[v]))


class _Column:
    """One attribute the patterns test, its values brought down to the few that differ.

    A value no condition names passes or fails every exact, ``IN`` and ``NOT_IN`` test alike:
    all such values are read as one (the first of them seen with the same ``REGEX``
    verdicts), so the combinations to remember stay few however large the vocabulary.
    """

    def __init__(self, attr: int, conditions: list[Condition]):
        self.attr = attr
        named = sorted(set().union(*(c.mentioned for c in conditions)))
        self.mentioned = np.array(named or [0], dtype=np.uint64)  # never empty: searchsorted
        self.regexes = [r for c in conditions for r in c.regexes]
        self._classes: dict[int, int] = {}  # a value named by no condition → its stand-in
        self._standins: dict[tuple[bool, ...], int] = {}  # REGEX verdicts → stand-in

    def reduce(self, values: np.ndarray) -> np.ndarray:
        if self.attr in FEW_VALUES:
            return values
        where = np.searchsorted(self.mentioned, values)
        other = self.mentioned[np.minimum(where, len(self.mentioned) - 1)] != values
        if not other.any():
            return values
        if not self.regexes:
            standin = self._standins.setdefault((), int(values[other][0]))
            return np.where(other, np.uint64(standin), values)
        classes, learn = self._classes, self._learn
        out = values.copy()
        out[other] = [classes[v] if v in classes else learn(v) for v in values[other].tolist()]
        return out

    def _learn(self, value: int) -> int:
        verdicts = tuple(r(value) for r in self.regexes)
        self._classes[value] = self._standins.setdefault(verdicts, value)
        return self._classes[value]


@dataclass(eq=False)
class _Spec:
    """One token of a pattern: all its conditions hold; ``target`` is its rule (a one-token
    pattern) or its bit (``position``: a position of a multi-token pattern)."""

    conditions: list[Condition]
    target: int
    position: bool = False

    def holds(self, row: dict[int, int]) -> bool:
        return all(c.test(row[c.attr]) for c in self.conditions)

    def anchor(self) -> tuple[int, frozenset[int]] | None:
        """The condition with the fewest values that can pass it, if any has a finite set."""
        finite = [c for c in self.conditions if c.allowed is not None]
        best = min(finite, key=lambda c: len(c.allowed or ())) if finite else None
        return (best.attr, best.allowed) if best and best.allowed is not None else None


@dataclass
class _Multi:
    """A pattern of several tokens: its positions' bits, and the token its rule writes."""

    rule: int
    bits: list[int]
    offset: int


@dataclass
class CompiledRules:
    """The ruler's patterns as predicates over a few token columns, with their outcomes kept.

    A combination of column values seen for the first time is tested against the specs that
    can hold for it (found by their anchor value, :meth:`_Spec.anchor`); what it yields is
    kept: the outcome of its one-token rules, those rules, and the bits of the multi-token
    positions it satisfies.
    """

    columns: list[_Column]  # the attributes read from each Doc
    singles: list[_Spec]  # target: a rule
    positions: list[_Spec]  # target: a bit
    multis: list[_Multi]
    writes: list[dict[int, int]]  # per rule: attribute id → value
    _index: dict[tuple[int, int], list[_Spec]] = field(default_factory=dict)
    _loose: list[_Spec] = field(default_factory=list)  # specs without an anchor
    _seen: dict[tuple, tuple] = field(default_factory=dict)  # key → (outcome, rules, mask)
    _combined: dict[tuple, int] = field(default_factory=dict)  # rules → outcome
    _values: list[list[int]] = field(default_factory=list)  # per outcome: a value per write
    _keeps: list[list[bool]] = field(default_factory=list)  # per outcome: attribute untouched
    _tables: tuple | None = None

    def __post_init__(self) -> None:
        self.attrs = [c.attr for c in self.columns]
        self._first_bits = sum(1 << m.bits[0] for m in self.multis)  # where a match can start
        for spec in self.singles + self.positions:
            anchor = spec.anchor()
            if anchor is None:
                self._loose.append(spec)
                continue
            attr, values = anchor
            for value in values:
                self._index.setdefault((attr, value), []).append(spec)

    def outcome(self, rules: tuple[int, ...]) -> int:
        """The index of what the rules, applied in order, leave written."""
        known = self._combined.get(rules)
        if known is not None:
            return known
        final: dict[int, int] = {}
        for rule in rules:
            final.update(self.writes[rule])
        self._values.append([final.get(a, 0) for a in WRITE_ATTRS])
        self._keeps.append([a not in final for a in WRITE_ATTRS])
        self._tables = None
        self._combined[rules] = len(self._values) - 1
        return self._combined[rules]

    def _learn(self, key: tuple) -> tuple:
        row = dict(zip(self.attrs, key, strict=True))
        candidates = list(self._loose)
        for item in row.items():
            candidates += self._index.get(item, ())
        rules, mask = set(), 0
        for spec in candidates:
            if spec.holds(row):
                if spec.position:
                    mask |= 1 << spec.target
                else:
                    rules.add(spec.target)
        entry = (self.outcome(tuple(sorted(rules))), tuple(sorted(rules)), mask)
        self._seen[key] = entry
        return entry

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        seen, learn = self._seen, self._learn
        read = doc.to_array(self.attrs).reshape(n, len(self.attrs))
        reduced = [c.reduce(read[:, j]).tolist() for j, c in enumerate(self.columns)]
        entries = [seen.get(key) or learn(key) for key in zip(*reduced, strict=True)]
        outcomes = np.fromiter((e[0] for e in entries), dtype=np.intp, count=n)
        if self.multis:
            self._multi_matches(entries, outcomes)
        if self._tables is None:
            self._tables = (
                np.array(self._values, dtype=np.uint64),
                np.array(self._keeps, dtype=bool),
            )
        values, keeps = self._tables
        before = doc.to_array(list(WRITE_ATTRS)).reshape(n, len(WRITE_ATTRS))
        doc.from_array(list(WRITE_ATTRS), np.where(keeps[outcomes], before, values[outcomes]))
        return doc

    def _multi_matches(self, entries: list[tuple], outcomes: np.ndarray) -> None:
        """Where a multi-token pattern matches, its rule joins its target token's rules."""
        n = len(entries)
        masks = [e[2] for e in entries]
        starts = np.fromiter(masks, dtype=np.uint64, count=n) & np.uint64(self._first_bits)
        extra: dict[int, set[int]] = {}
        for start in np.flatnonzero(starts).tolist():
            for multi in self.multis:
                bits = multi.bits
                if start + len(bits) <= n and all(
                    masks[start + k] >> bit & 1 for k, bit in enumerate(bits)
                ):
                    extra.setdefault(start + multi.offset, set()).add(multi.rule)
        for i, rules in extra.items():
            outcomes[i] = self.outcome(tuple(sorted(rules.union(entries[i][1]))))


def _rule_writes(attrs: dict) -> dict[int, int]:
    writes = {}
    for attr, value in attrs.items():
        if attr not in WRITE_ATTRS or not isinstance(value, int):
            raise Unsupported(f"written attribute {attr!r}")
        writes[attr] = value
    return writes


def compile_rules(ruler) -> CompiledRules | None:
    """The ruler's patterns compiled, or None when one of them is beyond this module."""
    singles: list[_Spec] = []
    positions: list[_Spec] = []
    multis: list[_Multi] = []
    writes: list[dict[int, int]] = []
    try:
        for rule, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices, strict=True)):
            writes.append(_rule_writes(attrs))
            for tokens in ruler.matcher.get(str(rule))[1]:
                if not tokens or not all(isinstance(t, dict) for t in tokens):
                    raise Unsupported(f"pattern {tokens!r}")
                if not -len(tokens) <= index < len(tokens):  # spaCy raises E1001 on a match
                    raise Unsupported(f"index {index} of a pattern of {len(tokens)}")
                specs = [[_condition(ruler.vocab, k, v) for k, v in t.items()] for t in tokens]
                if len(specs) == 1:
                    singles.append(_Spec(specs[0], rule))
                    continue
                bits = list(range(len(positions), len(positions) + len(specs)))
                positions += [_Spec(spec, bit, True) for spec, bit in zip(specs, bits, strict=True)]
                multis.append(_Multi(rule, bits, index % len(tokens)))
    except Unsupported:
        return None
    if len(positions) > 64:
        return None  # one bit each in a 64-bit mask
    specs = singles + positions
    tested: dict[int, list[Condition]] = {}
    for spec in specs:
        for condition in spec.conditions:
            tested.setdefault(condition.attr, []).append(condition)
    columns = [_Column(attr, tested[attr]) for attr in sorted(tested)] or [_Column(IDS["ORTH"], [])]
    return CompiledRules(columns, singles, positions, multis, writes)


@Language.factory("newsetl_attribute_rules", default_config={"source": "attribute_ruler"})
def _make_attribute_rules(nlp: Language, name: str, source: str) -> CompiledRules:
    rules = compile_rules(nlp.get_pipe(source))
    if rules is None:
        raise ValueError(f"{source}: a pattern the compiled attribute rules do not handle")
    return rules


def compile_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """The pipeline's attribute ruler replaced by its compiled form, at its place: True; False
    (spaCy's component kept) when it has none or a pattern is beyond :func:`compile_rules`."""
    if name not in nlp.pipe_names or compile_rules(nlp.get_pipe(name)) is None:
        return False
    nlp.add_pipe("newsetl_attribute_rules", after=name, config={"source": name})
    nlp.remove_pipe(name)
    return True
