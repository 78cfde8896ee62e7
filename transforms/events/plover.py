"""The PLOVER ontology as data: each type's quad class and score, each type's modes and theirs.

Read from ``transforms/data/plover_types.tsv`` and ``plover_modes.tsv`` (built from the PLOVER
manual by ``scripts/build_event_lexicon.py``). :func:`quad_class` and :func:`score` give the
columns ``quad_class`` and ``plover_score`` of an event: the manual's conflict–cooperation
score of its mode when the manual scores that mode, else of its type (−10 … +10). The
project's own types (STATEMENT, ELECTION, ACCIDENT, DISASTER) are no PLOVER events: no quad
class, no score, no mode.
"""

from __future__ import annotations

import functools

from transforms.wordlists import DATA_DIR

#: The quad classes, in the manual's order (cooperation to conflict).
QUAD_CLASSES = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)


def _rows(name: str) -> list[dict[str, str]]:
    lines = [
        line
        for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]


@functools.cache
def _types() -> dict[str, tuple[str, float]]:
    return {r["type"]: (r["quad_class"], float(r["score"])) for r in _rows("plover_types.tsv")}


@functools.cache
def _modes() -> dict[tuple[str, str], float | None]:
    return {
        (r["type"], r["mode"]): float(r["score"]) if r.get("score") else None
        for r in _rows("plover_modes.tsv")
    }


@functools.cache
def modes_of(type_: str) -> frozenset[str]:
    """The modes the manual gives a type (empty for types without modes)."""
    return frozenset(mode for t, mode in _modes() if t == type_)


def all_modes() -> tuple[str, ...]:
    """Every mode name of the manual, sorted (the ``plover_modes`` var of the dbt project)."""
    return tuple(sorted({mode for _, mode in _modes()}))


def is_mode(type_: str | None, mode: str | None) -> bool:
    return bool(type_ and mode) and (type_, mode) in _modes()


def quad_class(type_: str | None) -> str | None:
    got = _types().get(type_ or "")
    return got[0] if got else None


def score(type_: str | None, mode: str | None) -> float | None:
    """The manual's conflict–cooperation score: the mode's when scored, else the type's."""
    got = _types().get(type_ or "")
    if got is None:
        return None
    mode_score = _modes().get((type_ or "", mode or ""))
    return mode_score if mode_score is not None else got[1]
