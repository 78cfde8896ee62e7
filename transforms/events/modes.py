"""The PLOVER mode of an event (``mode``): how it was done, or what it is about.

The mode comes, first that applies, from the lexicon row or the field's pattern that made
the event (``mode=``: "sentenced" → COERCE ``arrest``), then from the words of the event, by
the rules of ``transforms/data/event_modes.tsv``: the trigger itself ("kidnapped" → ASSAULT
``abduct``), an instrument in its clause ("Afghan warplanes killed" → ``aerial``, "attacked
… using a knife" → ``primitive``, "deployed warships" → MOBILIZE ``weapons``), and for
THREATEN, REQUEST and REJECT the content — what is threatened, requested or rejected ("threatened
to retaliate" → ``violence``, "called for talks" → ``meet``). A mode is always one of the
manual's modes of the event's type; NULL when nothing says which, and for types without modes
(AGREE, SUPPORT, CONCEDE, COOPERATE, AID) and the project's own types.
"""

from __future__ import annotations

import functools

from spacy.tokens import Token

from transforms.events.context import EventContext, Trigger
from transforms.events.plover import is_mode
from transforms.events.syntax import NEAR
from transforms.wordlists import DATA_DIR

CUES = ("trigger", "instrument", "content")
#: Children whose subtree is another clause, not the event's own words.
_OTHER_CLAUSE = frozenset({"ccomp", "relcl", "parataxis", "csubj", "acl"})
#: Children that hold what is threatened, requested or rejected.
_CONTENT_DEPS = frozenset({"xcomp", "ccomp", "dobj", "obj", "nsubjpass"})
_CONTENT_PREPS = frozenset({"for", "to", "of", "on", "against"})


@functools.cache
def mode_rules() -> dict[str, list[tuple[str, str, frozenset[str]]]]:
    """type -> [(mode, cue, words)], in file order (``event_modes.tsv``)."""
    rules: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
    text = (DATA_DIR / "event_modes.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    for line in lines[1:]:
        type_, mode, cue, words = line.split("\t")
        if cue not in CUES or not is_mode(type_, mode):
            raise ValueError(f"event_modes.tsv: bad row {line!r}")
        rules.setdefault(type_, []).append((mode, cue, frozenset(words.split())))
    return rules


def _words(tokens) -> set[str]:
    return {w for t in tokens for w in (t.lower_, t.lemma_.lower())}


def _clause_tokens(t: Token) -> list[Token]:
    """The words of an event's own clause: the trigger's subtree without other clauses."""
    out: list[Token] = []
    stack = [t]
    while stack and len(out) < NEAR:
        x = stack.pop()
        out.append(x)
        stack.extend(c for c in x.children if x is not t or c.dep_ not in _OTHER_CLAUSE)
    return out


def _instrument_words(trig: Trigger) -> set[str]:
    toks = _clause_tokens(trig.token)
    if trig.light is not None:  # "Afghan warplanes launched an attack"
        toks += _clause_tokens(trig.light)
    return _words(toks)


def _content_words(ctx: EventContext, t: Token) -> set[str]:
    """What an event is about: its complements' heads (and their own complements), with the
    event types of those that are triggers, in capitals."""
    heads = [c for c in t.children if c.dep_ in _CONTENT_DEPS]
    heads += [
        p
        for c in t.children
        if c.dep_ == "prep" and c.lower_ in _CONTENT_PREPS
        for p in c.children
        if p.dep_ in {"pobj", "pcomp"}
    ]
    heads += [x for h in list(heads) for x in h.children if x.dep_ in {"xcomp", "dobj", "prep"}]
    heads += [x for h in list(heads) if h.dep_ == "prep" for x in h.children if x.dep_ == "pobj"]
    words = _words(heads)
    words |= {ctx.trigger_types[h.i] for h in heads if ctx.trigger_types.get(h.i)}
    return words


def mode_of(ctx: EventContext, trig: Trigger, type_: str | None) -> str | None:
    """The event's PLOVER mode (see the module docstring), or None."""
    if type_ is None:
        return None
    if is_mode(type_, trig.entry.mode):
        return trig.entry.mode
    rules = mode_rules().get(type_)
    if not rules:
        return None
    words: dict[str, set[str]] = {}
    for mode, cue, cue_words in rules:
        if cue not in words:
            words[cue] = _cue_words(ctx, trig, cue)
        found = words[cue]
        if cue_words & found or ("*" in cue_words and found):
            return mode
    return None


def _cue_words(ctx: EventContext, trig: Trigger, cue: str) -> set[str]:
    t = trig.token
    if cue == "trigger":
        return {t.lower_, t.lemma_.lower(), trig.entry.lemma}
    if cue == "instrument":
        return _instrument_words(trig)
    return _content_words(ctx, t)
