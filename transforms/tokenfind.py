"""Finding the few tokens an extractor looks at without making a ``Token`` for every one.

spaCy makes a new ``Token`` object at each ``doc[i]`` and each step of ``for tok in doc``, and
each string attribute (``lower_``, ``lemma_``, ``text``) is a lookup in the string store: a
loop that tests every token of an article for a handful of words spends most of its time
there. :func:`tokens_where` reads the attribute's column once (``Doc.to_array``: hashes of
strings), and remembers its answer for each hash, so that a string is tested once per process,
not once per token; it returns the indices of the tokens that pass, in order: a loop over
those sees exactly the tokens the full loop acted on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Set
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: (attribute, key) -> {string hash: accepted?}, filled as strings are met (a hash is the
#: string's, whatever the vocabulary).
_VERDICTS: dict[tuple[str, Hashable], dict[int, bool]] = {}


def tokens_where(
    doc: Doc, attr: str, accept: Callable[[str], bool], key: Hashable | None = None
) -> list[int]:
    """Indices of the tokens whose ``attr`` (an attribute name of ``Doc.to_array``:
    ``"LOWER"``, ``"LEMMA"``, ``"ORTH"``) has a string that ``accept`` takes, in text order.

    Answers are remembered per ``key`` (by default ``accept`` itself): a key names one test for
    the whole process (a module's function, a constant set), never a closure made per call."""
    if not len(doc):
        return []
    verdicts = _VERDICTS.setdefault((attr, accept if key is None else key), {})
    strings = doc.vocab.strings
    out = []
    for i, value in enumerate(doc.to_array(attr).tolist()):
        ok = verdicts.get(value)
        if ok is None:
            ok = verdicts[value] = bool(accept(strings[value]))
        if ok:
            out.append(i)
    return out


def tokens_with(
    doc: Doc, lowers: Set[str] = frozenset(), lemmas: Set[str] = frozenset()
) -> list[int]:
    """Indices of the tokens whose lower-case form is in ``lowers`` or whose lemma, lower-cased,
    is in ``lemmas`` (both constant sets), in text order."""
    lowers, lemmas = frozenset(lowers), frozenset(lemmas)  # the same sets if frozen already
    found = tokens_where(doc, "LOWER", lowers.__contains__, ("in", lowers)) if lowers else []
    if lemmas:
        by_lemma = tokens_where(doc, "LEMMA", lambda s: s.lower() in lemmas, ("lower in", lemmas))
        found = sorted({*found, *by_lemma}) if found else by_lemma
    return found
