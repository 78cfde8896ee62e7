"""Names in results tables and lists: "Millwall 2 Burnley 1", "BOSTON 69 65 .515 5 1/2",
"5. Leah Pells ( Canada ) 4:09.95".

Sports pages print scores and standings as lines of names and numbers, which the model reads
badly (it glues names to numbers, misses most and takes clubs named after their town for the
town). A line that is nothing but names each followed by numbers is a table row, and its
names are what the table ranks: teams. :func:`table_names` finds them; the component labels
them (a country is its national team, GPE; a person the model recognized stays a person;
anything else is an organisation — a club).

A row is either a result (two names, one number each) or a line of a block of at least
``MIN_BLOCK`` rows of one name and several numbers (standings); a lone line of one name and
numbers is too weak a sign ("Net 1,234 1,456"). A name made only of common words ("Sales",
"Net") is taken only when the model read it as a name ("Boston").

:func:`bracketed_nationals` finds the other form of results lists and rosters: a name followed
by a country in brackets, which is how news lists athletes ("Guy Forget ( France ) beat …").
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy
from spacy.tokens import Doc

#: Standings: at least this many consecutive rows.
MIN_BLOCK = 3
#: What a sports table prints after a name: goals, points, games ("46"), a winning share
#: (".462"), games behind ("14 1/2", "-" for the leader), an innings ("108-3"). Prices and
#: quantities of commodity tables ("1,234.5") are not such numbers.
_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:-\d{1,2})?|\.\d{3}|\d/\d|-)$")
_CONNECTORS = {"of", "de", "&", "St", "St."}
_LINE_RE = re.compile(r"^[ \t]*[A-Z].*\d")


def _is_number(text: str) -> bool:
    return bool(_NUMBER_RE.match(text))


def _is_name_word(text: str) -> bool:
    return (text[:1].isupper() and text.replace("-", "").replace(".", "").isalpha()) or (
        text in _CONNECTORS
    )


def _row(tokens) -> list[tuple[int, int, int]] | None:
    """(start, end, count of numbers) of each name of a table row, or None."""
    names: list[tuple[int, int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        start = i
        while i < n and _is_name_word(tokens[i].text):
            i += 1
        if i == start or tokens[start].text in _CONNECTORS:
            return None
        name_end = i
        if i < n and tokens[i].text == "-":
            return None  # "SOCCER - …": a dash right after a name is no score
        while i < n and _is_number(tokens[i].text):
            i += 1
        if i == name_end:
            return None
        names.append((tokens[start].i, tokens[name_end - 1].i + 1, i - name_end))
    return names or None


def _lines(doc: Doc):
    """The non-space tokens of each line of the document that could be a table row (blank
    lines are skipped: a table may have them between its rows)."""
    pos = 0
    for line in doc.text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if not _LINE_RE.match(line):
            yield None
            continue
        span = doc.char_span(start, start + len(line), alignment_mode="expand")
        yield [t for t in span if not t.is_space] if span is not None else None


def table_names(doc: Doc, common: Callable[[str], bool], named: set[int]) -> list[tuple[int, int]]:
    """Token ranges of the names in the table rows of ``doc``; ``common(word)`` tells a
    common lowercase word of English, ``named`` holds the tokens inside the model's names."""
    rows: list[list[tuple[int, int, int]] | None] = [
        _row(tokens) if tokens else None for tokens in _lines(doc)
    ]
    out: list[tuple[int, int]] = []
    for k, names in enumerate(rows):
        if names is None:
            continue
        result = len(names) == 2 and all(c == 1 for _, _, c in names)
        standing = len(names) == 1 and names[0][2] >= 2 and _in_block(rows, k)
        if not (result or standing):
            continue
        for start, end, _ in names:
            words = range(start, end)
            if not all(common(doc[i].lower_) for i in words) or all(i in named for i in words):
                out.append((start, end))
    return out


def _in_block(rows: list, k: int) -> bool:
    """Is row ``k`` one of at least ``MIN_BLOCK`` consecutive standings rows?"""

    def standing(j: int) -> bool:
        names = rows[j] if 0 <= j < len(rows) else None
        return names is not None and len(names) == 1 and names[0][2] >= 2

    lo = k
    while standing(lo - 1):
        lo -= 1
    hi = k
    while standing(hi + 1):
        hi += 1
    return hi - lo + 1 >= MIN_BLOCK


_PARTICLES = {"de", "van", "der", "den", "del", "da", "dos", "di", "le", "la", "von", "bin"}


def bracketed_nationals(
    doc: Doc, is_country: Callable[[str], bool], is_name: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """Token ranges of the two-to-four-word names right before "( <country> )".

    ``is_country(text)`` tells a country's name; ``is_name(words)`` vetoes names that are
    something else (a company, a club, a known place).
    """
    out: list[tuple[int, int]] = []
    if not len(doc):
        return out
    # the opening brackets found on the Doc's ORTH column, not by a Token for every token
    brackets = numpy.flatnonzero(doc.to_array("ORTH") == doc.vocab.strings["("])
    for tok in map(doc.__getitem__, brackets.tolist()):
        if tok.i < 2:
            continue
        close = next(
            (j for j in range(tok.i + 2, min(tok.i + 5, len(doc))) if doc[j].text == ")"), None
        )
        if close is None or not is_country(doc[tok.i + 1 : close].text):
            continue
        start = tok.i
        while start > 0 and tok.i - start < 4 and _person_word(doc[start - 1]):
            start -= 1
        while start < tok.i and doc[start].text in _PARTICLES:
            start += 1
        if tok.i - start >= 2 and is_name(doc[start : tok.i].text):
            out.append((start, tok.i))
    return out


def _person_word(token) -> bool:
    text = token.text
    if text in _PARTICLES:
        return True
    core = text.replace("-", "").replace("'", "").replace(".", "")
    return text[:1].isupper() and core.isalpha() and not token.is_stop
