"""The text spaCy reads: a body's hard wraps and wire markup taken out, offsets kept.

Hard-wrapped copy (wire stories, e-mail, old archives) breaks its lines inside paragraphs
("…said Robin\\nLeigh-Pemberton, governor…"). spaCy makes every line break a token of its
own, and the small model then cuts or mislabels names and sentences there ("Robin" PERSON,
"Leigh-Pemberton" ORG, a sentence starting at "Leigh"). Wire copy also marks companies as
"<Sedio N.V.>", and the model keeps the ">" in the name. So the pipeline reads a *prepared*
text (:func:`prepare`): each line break inside a paragraph of a hard-wrapped document, with
the spaces around it, is one space; a wire tag's brackets are gone (or a space between two
words). Real paragraph breaks stay: blank lines, indented lines, a line that ends a sentence
before the wrap width, list items, table rows, headings in capitals.

The Doc every extractor reads is still over the body itself (:func:`restore`): its tokens
are the prepared Doc's tokens at their places in the body, with the characters the model did
not see (the line break, a bracket) as tokens of their own attached to a neighbour, outside
any entity unless inside one; tags, parse, lemmas, entities and the entities' extension data
are carried over. So every character offset indexes ``articles.body`` and
``body[start:end] == text`` holds for every row; only what the model saw changed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from transforms.wirecase import WireCase

#: A paragraph break in hard-wrapped text: a blank line, or a line break followed by an indent
#: (Reuters-style text starts its paragraphs with spaces; a bare line break is only a wrap).
WRAPPED_BREAK_RE = re.compile(r"\n[ \t]*\n|\n[ \t]{2,}")
_LINE_END_RE = re.compile(r"[.!?…:;\"'”’)\]]\s*$")


def hard_wrapped(text: str) -> bool:
    """Is the text wrapped at a fixed width (most line breaks fall inside sentences)?

    Feeds put one paragraph per line (a line break ends a sentence) or wrap lines at a fixed
    width (a line break is only a space). Wrapped text has consecutive lines no longer than a
    terminal's width (40-80 characters), many of them close to it, most of which do not end a
    sentence. Decided per document.
    """
    lines = text.split("\n")
    inner = [
        line.rstrip() for line, nxt in itertools.pairwise(lines) if line.strip() and nxt.strip()
    ]
    if len(inner) < 5:
        return False
    if sum(bool(_LINE_END_RE.search(line)) for line in inner) >= 0.5 * len(inner):
        return False
    width = max(len(line) for line in inner)
    near_width = sum(len(line) >= 0.75 * width for line in inner)
    return 40 <= width <= 80 and near_width >= 0.2 * len(inner)


# --------------------------------------------------------------------------- line breaks

#: A line break inside a paragraph: the line's trailing blanks, "\n" (or "\r\n"), and the next
#: line's leading blank (at most one: two or more indent a new paragraph), between two
#: non-blank lines.
_BREAK_RE = re.compile(r"(?<=\S)[ \t]*\r?\n[ \t]?(?=\S)")
#: A sentence end: final punctuation, optionally closed by a quote mark or bracket.
_SENTENCE_END_RE = re.compile(r"[.!?…:;][\"'”’)\]]*$")
#: An abbreviation or an initial, whose full stop ends no sentence ("U.S.", "N.V.", "Walter G.").
_ABBREVIATION_RE = re.compile(r"(?:^|\s)(?:\S*\.\S+\.|[A-Z]\.|[A-Z][a-z]{0,3}\.)$")
#: A list item's marker opening a line: a bullet, a dash, "1." / "1)" / "(a)".
_LIST_ITEM_RE = re.compile(
    r"^[ \t]?(?:[-*•·–—]\s|\d{1,3}[.)]\s|\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s)"
)
#: A table row: columns set apart by three blanks or a tab inside the line (two spaces are a
#: typist's slip or sentence end, not a column).
_COLUMNS_RE = re.compile(r"[^\s.!?:;\"'”’)](?: {3,}|\t)\S")


def _ends_sentence(line: str) -> bool:
    line = line.rstrip()
    return bool(_SENTENCE_END_RE.search(line)) and not _ABBREVIATION_RE.search(line)


def _heading(line: str) -> bool:
    """A line in capitals (a heading, a dateline, a sign-off): no lower-case letter."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


def _kept(line: str, nxt: str, width: int, last: bool = False) -> bool:
    """Does the break between two lines of a paragraph end something (kept as a break)?

    A wrap puts the next word on a new line because it did not fit: a line that ends a
    sentence or is a heading, with room left for the next word, was ended by its writer. List
    items and table rows are lines of their own.
    """
    if _LIST_ITEM_RE.match(nxt) or _COLUMNS_RE.search(line.strip()) or _COLUMNS_RE.search(nxt):
        return True
    if _heading(nxt) and (last or _ends_sentence(line)):  # a heading after a sentence, or a
        return True  # sign-off ("REUTER") ending the text: a line of its own, whatever the room
    room = len(line.rstrip()) + 1 + len(nxt.split()[0]) <= width
    return room and (_ends_sentence(line) or _heading(line) or _heading(nxt))


def _wrap_width(text: str) -> int:
    """The width a text is wrapped at, or 0. A story too short for :func:`hard_wrapped` (two to
    four lines followed by another) counts when all those lines fit a terminal's width and
    most do not end a sentence."""
    if hard_wrapped(text):
        return max(len(line.rstrip()) for line in text.split("\n"))
    lines = text.split("\n")
    inner = [
        line.rstrip() for line, nxt in itertools.pairwise(lines) if line.strip() and nxt.strip()
    ]
    if len(inner) < 2 or not 40 <= max(map(len, inner)) <= 80:
        return 0
    if 2 * sum(map(_ends_sentence, inner)) >= len(inner):
        return 0
    return max(len(line.rstrip()) for line in lines)


def line_wraps(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each line break inside a paragraph, with the blanks around it.

    In a hard-wrapped text, every break the width rule (:func:`_kept`) does not keep. In other
    text (a feed's one paragraph per line) a line break is a paragraph break, unless the line
    is the start of a sentence (three words or more, no final punctuation) that the next line
    continues in lower case: a story too short to tell its width, or a stray wrap.
    """
    if "\n" not in text:
        return []
    width = _wrap_width(text)
    out = []
    for m in _BREAK_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start : m.start()]
        next_end = text.find("\n", m.end())
        nxt = text[m.start() : len(text) if next_end < 0 else next_end].lstrip(" \t\r\n")
        if width:
            wrap = not _kept(line, nxt, width, last=next_end < 0 or not text[next_end:].strip())
        else:
            wrap = (
                nxt[:1].islower()
                and len(line.split()) >= 3
                and not _ends_sentence(line)
                and not _kept(line, nxt, 0)
            )
        if wrap:
            out.append((m.start(), m.end()))
    return out


# --------------------------------------------------------------------------- wire tags

#: A wire service's company tag: "<Sedio N.V.>", "<TCB>", "<American Stock Exchange>" — a
#: name-like run (capital or digit first, name characters only, a line break of a wrap
#: allowed) between angle brackets.
_WIRE_TAG_RE = re.compile(r"<([A-Z0-9](?:[A-Za-z0-9&.,'’/ \n-]{0,58}[A-Za-z0-9.])?)>")
#: HTML elements in capitals are markup a parser left, not names.
_HTML_ELEMENTS = frozenset(
    "A B BIG BLOCKQUOTE BODY BR CENTER CODE DIV EM FONT H1 H2 H3 H4 H5 H6 HEAD HR HTML I IMG "
    "LI META OL P PRE S SMALL SPAN STRONG SUB SUP TABLE TD TH TITLE TR TT U UL".split()
)


def wire_tags(text: str) -> list[tuple[int, int, str]]:
    """Each wire tag's brackets: (start, end, what spaCy reads instead: nothing beside a blank
    or the text's end, else a space, so that no token of the model spans a dropped bracket).

    A tag after a name is its ticker ("Hitachi Ltd <HIT.T>"): read in parentheses, as news
    writes a ticker, so that the name ends before it. Any other tag is the name itself: its
    brackets are dropped.
    """
    out = []
    for m in _WIRE_TAG_RE.finditer(text):
        name = m.group(1)
        if name in _HTML_ELEMENTS or "  " in name or "\n\n" in name or name.isdigit():
            continue
        if " " not in name and _PREVIOUS_NAME_RE.search(text, max(m.start() - 80, 0), m.start()):
            out += [(m.start(), m.start() + 1, "("), (m.end() - 1, m.end(), ")")]
            continue
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        out.append((m.start(), m.start() + 1, "" if before.isspace() else " "))
        out.append((m.end() - 1, m.end(), "" if after.isspace() else " "))
    return out


#: A capitalized word ending right before a tag, one blank between: the tag is its ticker.
_PREVIOUS_NAME_RE = re.compile(r"(?:^|\s)[A-Z][\w.&'-]*[ \t]$")


# --------------------------------------------------------------------------- prepare


@dataclass(frozen=True)
class Prepared:
    """The text spaCy reads and where each of its characters is in the body: character k
    stands for ``body[starts[k]:ends[k]]`` (a space may stand for a line break and its
    blanks)."""

    text: str
    starts: list[int]
    ends: list[int]


def prepare(body: str, case: WireCase | None = None) -> Prepared | None:
    """The text spaCy reads for a body, or None when it is the body itself; with ``case``,
    Reuters' capital after "U.S." read in lower case where it is an ordinary word
    (:mod:`transforms.wirecase`)."""
    edits = [(s, e, " ") for s, e in line_wraps(body)] + wire_tags(body)
    if case is not None:
        edits += case.edits(body)
    edits.sort()
    if not edits:
        return None
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:  # a tag's bracket inside a line break's blanks: taken already
            continue
        parts.append(body[pos:start])
        starts.extend(range(pos, start))
        ends.extend(range(pos + 1, start + 1))
        if repl:
            parts.append(repl)
            starts.append(start)
            ends.append(end)
        pos = end
    parts.append(body[pos:])
    starts.extend(range(pos, len(body)))
    ends.extend(range(pos + 1, len(body) + 1))
    return Prepared("".join(parts), starts, ends)


# --------------------------------------------------------------------------- restore

_GAP_RE = re.compile(r"\s+|\S")


def _body_words(doc: Doc, body: str, prep: Prepared) -> tuple[list[str], list[bool], list[int]]:
    """The body's tokens: words, trailing spaces and, for each, the prepared Doc's token it
    is (``-1 - i`` for a character the model did not see, next to that Doc's token i)."""
    from spacy.attrs import IDX, LENGTH

    words: list[str] = []
    spaces: list[bool] = []
    source: list[int] = []
    pos = 0

    def gap(upto: int, nxt: int) -> None:
        for m in _GAP_RE.finditer(body, pos, upto):
            piece = m.group()
            if piece == " " and words and not spaces[-1]:
                spaces[-1] = True
                continue
            if piece[0] == " " and words and not spaces[-1]:  # as spaCy: "  " is " " + " "
                spaces[-1] = True
                piece = piece[1:]
            words.append(piece)
            spaces.append(False)
            source.append(-1 - nxt)

    starts, ends = prep.starts, prep.ends
    # offsets and lengths read as one array: no Token object made per token
    for i, (idx, length) in enumerate(doc.to_array([IDX, LENGTH]).tolist()):
        start = starts[idx]
        end = ends[idx + length - 1]
        if start > pos:
            gap(start, i)
        words.append(body[start:end])
        spaces.append(False)
        source.append(i)
        pos = end
    gap(len(body), len(doc))
    return words, spaces, source


def restore(doc: Doc, body: str, prep: Prepared) -> Doc:
    """The Doc over ``body`` with ``doc``'s analysis (``doc`` parsed ``prep.text``).

    The annotation is copied as arrays (``Doc.to_array``/``from_array``): the model's tokens'
    values moved to their new places, the unseen characters' values filled in."""
    import numpy
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
    from spacy.parts_of_speech import IDS as POS_IDS
    from spacy.tokens import Doc

    words, spaces, source = _body_words(doc, body, prep)
    out = Doc(doc.vocab, words=words, spaces=spaces)
    src = numpy.asarray(source, dtype=numpy.int64)
    seen = numpy.flatnonzero(src >= 0)
    unseen = numpy.flatnonzero(src < 0)
    parsed = doc.has_annotation("DEP")
    attrs = [
        a
        for a, name in ((TAG, "TAG"), (POS, "POS"), (MORPH, "MORPH"), (LEMMA, "LEMMA"))
        if doc.has_annotation(name)
    ]
    if parsed:
        attrs += [DEP, HEAD]
    elif doc.has_annotation("SENT_START"):
        attrs.append(SENT_START)
    if not attrs:
        _carry_ents(out, doc, prep)
        return out
    values = numpy.zeros((len(words), len(attrs)), dtype=numpy.uint64)
    values[seen] = doc.to_array(attrs).reshape(len(doc), -1)[src[seen]]
    strings = doc.vocab.strings
    empty_morph = doc.vocab.morphology.add("")
    for i in unseen.tolist():
        # a character the model did not see: attached to its neighbour in the sentence (an
        # opening bracket to the word after it, anything else to the token before it)
        word = words[i]
        space = word.isspace()
        fill = {
            TAG: strings.add("_SP" if space else ("-LRB-" if word == "<" else "-RRB-")),
            POS: POS_IDS["SPACE" if space else "PUNCT"],
            MORPH: empty_morph,
            LEMMA: strings.add(word),
            DEP: strings.add("dep" if space else "punct"),
            SENT_START: numpy.uint64(-1 % 2**64),
        }
        for col, attr in enumerate(attrs):
            if attr in fill:
                values[i, col] = fill[attr]
    if parsed:
        values[:, -1] = _heads(doc, src, seen, words).astype(numpy.uint64)
    out.from_array(attrs, values)
    _carry_ents(out, doc, prep)
    return out


def _heads(doc: Doc, src, seen, words: list[str]):
    """Each body token's head as an offset (``from_array``'s HEAD): the model's heads moved to
    the new places; an unseen character's head is its neighbour (see :func:`restore`)."""
    import numpy
    from spacy.attrs import HEAD

    n = len(words)
    new_index = numpy.zeros(len(doc), dtype=numpy.int64)
    new_index[src[seen]] = seen
    old_heads = numpy.arange(len(doc)) + doc.to_array(HEAD).astype(numpy.int64)
    heads = numpy.zeros(n, dtype=numpy.int64)
    heads[seen] = new_index[old_heads[src[seen]]]
    for i in numpy.flatnonzero(src < 0).tolist():
        nxt = -1 - int(src[i])
        after = int(new_index[nxt]) if nxt < len(doc) else None
        opening = words[i] == "<" or i == 0
        heads[i] = after if opening and after is not None else max(i - 1, 0)
    return heads - numpy.arange(n)


def _carry_ents(out: Doc, doc: Doc, prep: Prepared) -> None:
    ents = (
        out.char_span(prep.starts[e.start_char], prep.ends[e.end_char - 1], alignment_mode="expand")
        for e in doc.ents
    )
    out.ents = [span for span in map(_without_tag_brackets, ents, doc.ents) if span is not None]
    out.user_data.update(_moved_user_data(doc.user_data, prep))


def _without_tag_brackets(span: Span, ent: Span) -> Span | None:
    """A wire tag's bracket ends a name: an entity the model ran over one ("Inc (CHW" read,
    "Inc <CHW" in the body) keeps its words before it, or else after it."""
    from spacy.tokens import Span

    cut = [t.i for t in span if t.text in "<>"]
    if not cut:
        return Span(span.doc, span.start, span.end, label=ent.label)
    pieces = [(s, e) for s, e in itertools.pairwise([span.start - 1, *cut, span.end]) if e > s + 1]
    if not pieces:
        return None
    start, end = pieces[0]
    return Span(span.doc, start + 1, end, label=ent.label)


def _moved_user_data(data: dict, prep: Prepared) -> dict:
    """Span extension values are kept by character offsets: moved to the body's."""
    out = {}
    for key, value in data.items():
        if isinstance(key, tuple) and len(key) == 4 and key[0] == "._.":
            _, name, start, end = key
            if isinstance(start, int) and isinstance(end, int) and end > start:
                key = ("._.", name, prep.starts[start], prep.ends[end - 1])
        out[key] = value
    return out
