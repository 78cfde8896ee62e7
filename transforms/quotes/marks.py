"""Quotation marks: give each mark a direction and pair them into quoted segments.

Character level, linear in the text, no parse needed (sentence starts, when the parse gives
them, only bound quotes that are never closed). Every double quotation mark (“ ” „ « » " and
the ``''``/````` of some wire feeds) gets a direction from its neighbours (typographic marks
are directional, but a mark stuck to the end of a word closes whatever its shape). Marks are
paired inside each paragraph; marks of the other style inside a quote are a nested quote when
the quote can still close in its own style, else a sloppy closing mark. A paragraph that ends
inside a quote continues it when the next one opens again (the news convention for a
multi-paragraph quote: one segment per paragraph). A quote that is never closed ends with its
paragraph, before the next opening mark (at the last sentence boundary), and after at most
``MAX_ORPHAN_SENTENCES`` sentences; a closing mark with no opening one starts with its
sentence. A straight mark between two letters is an apostrophe (``UAE"s``). Single marks (‘ ’ ') pair only as headline-style quotes outside double ones; inside
a quote they are nested quotes or apostrophes.

:func:`quote_segments` is read once per article by :class:`transforms.document.Document`
(the quoted-text mask, the quotation segments every extractor shares).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

#: An unclosed quote never runs over more sentences than this (nor past its paragraph).
MAX_ORPHAN_SENTENCES = 5

OPEN, CLOSE, EITHER = 1, 2, 3
_MARK_RE = re.compile(r"``|‘‘|’’|'{2,3}|[\"“”„‟«»＂]")
_OPENING_SHAPES = {"“", "„", "‟", "«", "``", "‘‘"}
_CLOSING_SHAPES = {"”", "»", "’’"}
_LEFT_OPENERS = set("([{<—–-/‘'’\u00a0") | {"\u2018"}
_RIGHT_CLOSERS = set(".,;:!?)]}>—–…")
_SINGLE_QUOTES = set("'‘’")
_STRAIGHT = {'"', "''", "＂"}
_TAG_RE = re.compile(r"<[A-Za-z/][^<>\n]{0,400}>")
_PARA_RE = re.compile(r"\n[ \t\u00a0]*\n\s*|\n[ \t\u00a0]+")
#: A token that is a double quotation mark.
QUOTE_TOKEN_RE = re.compile(r"^(?:``|''|'''|[\"“”„‟«»＂])$")


@dataclass
class Segment:
    """One contiguous quoted stretch of text (character offsets of the words, without marks)."""

    start: int
    end: int
    open_at: int | None  # offset of the opening mark (None: the quote was never opened)
    close_at: int | None  # offset of the closing mark (None: never closed, or continued)
    close_end: int | None
    paragraph: int
    continues: bool = False  # goes on in the next paragraph (multi-paragraph quote)
    continued: bool = False  # continues a quote from the previous paragraph

    @property
    def outer_start(self) -> int:
        return self.open_at if self.open_at is not None else self.start

    @property
    def outer_end(self) -> int:
        return self.close_end if self.close_end is not None else self.end


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph: blank lines, and indented lines, separate paragraphs."""
    spans = []
    start = 0
    for m in _PARA_RE.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _marks(text: str, lo: int, hi: int) -> list[tuple[int, int, int, bool]]:
    """(start, end, direction, straight) of the double quotation marks in text[lo:hi]."""
    out = []
    tags = [(m.start(), m.end()) for m in _TAG_RE.finditer(text, lo, hi)]
    tag_starts = [a for a, _ in tags]
    for m in _MARK_RE.finditer(text, lo, hi):
        s, e = m.start(), m.end()
        k = bisect.bisect_left(tag_starts, s) - 1
        if k >= 0 and s < tags[k][1]:
            continue  # an attribute value inside markup: <tweet author="…">
        shape = m.group()
        if shape.startswith("'"):
            if len(shape) == 3:  # '' plus a nested single mark: which end is the double?
                before = text[s - 1] if s > 0 else " "
                if before.isspace() or before in _LEFT_OPENERS:
                    e = s + 2
                else:
                    s = s + 1
            shape = "''"
        prev = text[s - 1] if s > lo else " "
        nxt = text[e] if e < hi else " "
        if shape == '"' and prev.isalpha() and nxt.isalpha():
            continue  # an apostrophe typed as a double mark: UAE"s, I"m (wire copy)
        left_open = prev.isspace() or prev in _LEFT_OPENERS
        right_closed = nxt.isspace() or nxt in _RIGHT_CLOSERS
        if shape in _OPENING_SHAPES:
            direction = CLOSE if right_closed and not left_open else OPEN
        elif shape in _CLOSING_SHAPES:
            direction = OPEN if left_open and not right_closed else CLOSE
        elif left_open and not right_closed:
            direction = OPEN
        elif right_closed and not left_open:
            direction = CLOSE
        else:
            direction = EITHER
        if prev in _SINGLE_QUOTES and nxt in _SINGLE_QUOTES:
            direction = EITHER
        out.append((s, e, direction, shape in _STRAIGHT))
    return out


def _closes_ahead(marks: list[tuple[int, int, int, bool]], k: int, straight: bool) -> int:
    """Closing marks in this style from mark k on, up to the next opening mark."""
    n = 0
    for _, _, direction, style in marks[k:]:
        if style != straight:
            continue
        if direction == OPEN:
            break
        n += direction == CLOSE
    return n


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace, and a trailing comma the attribution put inside the marks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return start, end


def quote_segments(text: str, sent_starts: list[int] | None = None) -> list[Segment]:
    """Pair the quotation marks of a text into quoted segments (see the module docstring).

    ``sent_starts`` are the character offsets where sentences start (from the parse); without
    them, sentence boundaries are found with a simple punctuation rule. Linear in the text.
    """
    if sent_starts is None:
        sent_starts = [0] + [m.end() for m in re.finditer(r"[.!?…][\"'”’)]*\s+(?=\S)", text)]
    pairer = _Pairer(text, sent_starts)
    paragraphs = paragraph_spans(text)
    carry = False  # the previous paragraph ended inside a quote that continues here
    for p, (lo, hi) in enumerate(paragraphs):
        nxt = paragraphs[p + 1] if p + 1 < len(paragraphs) else None
        continues = nxt is not None and _opens_paragraph(text, nxt)
        carry = pairer.paragraph(p, lo, hi, carry, continues)
    pairer.segments.sort(key=lambda g: g.start)
    return pairer.segments


class _Pairer:
    """The state of :func:`quote_segments` across paragraphs: the segments found so far."""

    def __init__(self, text: str, sent_starts: list[int]):
        self.text = text
        self.sent_starts = sent_starts
        self.segments: list[Segment] = []

    def sentence_bound_before(self, lo: int, hi: int) -> int | None:
        """The last sentence start in (lo, hi], if any."""
        i = bisect.bisect_right(self.sent_starts, hi) - 1
        if i >= 0 and self.sent_starts[i] > lo:
            return self.sent_starts[i]
        return None

    def orphan_end(self, lo: int, hi: int) -> int:
        """Where an unclosed quote opened at lo ends, at the latest at hi."""
        i = bisect.bisect_right(self.sent_starts, lo)
        j = i + MAX_ORPHAN_SENTENCES - 1
        if j < len(self.sent_starts) and self.sent_starts[j] < hi:
            return self.sent_starts[j]
        return hi

    def add(self, start: int, end: int, **kw) -> Segment | None:
        s, e = _trimmed(self.text, start, end)
        if e <= s or not any(ch.isalnum() for ch in self.text[s:e]):
            return None
        seg = Segment(start=s, end=e, **kw)
        self.segments.append(seg)
        return seg

    def paragraph(self, p: int, lo: int, hi: int, carry: bool, continues: bool) -> bool:
        """Pair the marks of one paragraph; returns whether a quote runs on into the next."""
        return _Paragraph(self, p, lo, hi, carry, continues).pair()


class _Paragraph:
    """Pairs the marks of one paragraph, left to right (used once)."""

    def __init__(self, out: _Pairer, p: int, lo: int, hi: int, carry: bool, continues: bool):
        self.out = out
        self.text = out.text
        self.p, self.lo, self.hi, self.continues = p, lo, hi, continues
        self.marks = marks = _marks(out.text, lo, hi)
        n = len(marks)
        # later_close[style][k] / later_any[style][k]: a mark at k or after, in that style
        # (straight or typographic), that can close a quote / of any direction
        self.later_close = {True: [False] * (n + 1), False: [False] * (n + 1)}
        self.later_any = {True: [False] * (n + 1), False: [False] * (n + 1)}
        for k in range(n - 1, -1, -1):
            for style in (True, False):
                mine = marks[k][3] == style
                self.later_any[style][k] = self.later_any[style][k + 1] or mine
                self.later_close[style][k] = self.later_close[style][k + 1] or (
                    mine and marks[k][2] in (CLOSE, EITHER)
                )
        self.opened: tuple[int, int, bool] | None = None  # (mark start, mark end, straight)
        self.nested = False  # inside a quote within the quote, in the other style of marks
        self.same_nested = 0  # quotes within the quote in its own style of marks, still open
        self.last_end = lo
        self.first_open = carry
        self.n_before = len(out.segments)
        self.k = 0  # the next mark

    def can_close(self, style: bool, k: int) -> bool:
        """Can a quote in this style, open before mark k, still end in its own style
        (closed in this paragraph, or running on into the next)?"""
        return self.later_close[style][k] or (self.continues and not self.later_any[style][k])

    def pair(self) -> bool:
        while self.k < len(self.marks):
            s, e, direction, straight = self.marks[self.k]
            self.k += 1
            if self.opened is None:
                self.outside(s, e, direction, straight)
            else:
                self.inside(s, e, direction, straight)
        return self.finish()

    def add(self, start: int, end: int, **kw) -> Segment | None:
        """A segment of this paragraph; the first one continues the previous paragraph's
        quote when that one ran on."""
        seg = self.out.add(start, end, paragraph=self.p, **kw)
        if seg is not None and self.first_open:
            seg.continued = True
        self.first_open = False
        return seg

    def outside(self, s: int, e: int, direction: int, straight: bool) -> None:
        """A mark while no quote is open."""
        out, marks, k = self.out, self.marks, self.k
        if direction == CLOSE and k < len(marks) and marks[k][2] == CLOSE:
            direction = OPEN  # two closing marks in a row: the first opens (He says,” …”)
        if direction == CLOSE:
            if self.last_end > self.lo:
                # a stray closing mark after another quote of the paragraph (“…,” she
                # said, citing … . And it goes on.”): where its quote would start is a
                # guess, so it is left alone rather than made a quote of the writer's words
                self.last_end = e
                return
            # a closing mark with no opening one: the quote starts with its sentence
            start = out.sentence_bound_before(self.last_end, s) or self.last_end
            out.add(start, s, open_at=None, close_at=s, close_end=e, paragraph=self.p)
            self.last_end = e
            return
        self.opened = (s, e, straight)
        self.nested = False
        self.same_nested = 0
        if self.can_close(straight, k) or self.later_close[not straight][k]:
            return
        # nothing can close it: an unclosed quote, bounded by the next opening mark, by its
        # paragraph and by MAX_ORPHAN_SENTENCES
        nxt_open = next((m[0] for m in marks[k:] if m[2] in (OPEN, EITHER)), self.hi)
        end = out.orphan_end(e, self.hi)
        if nxt_open < end:
            end = out.sentence_bound_before(e, nxt_open) or _clause_cut(self.text, e, nxt_open)
        self.add(e, end, open_at=s, close_at=None, close_end=None)
        self.opened = None
        self.last_end = end
        while self.k < len(marks) and marks[self.k][0] < end:
            self.k += 1

    def inside(self, s: int, e: int, direction: int, straight: bool) -> None:
        """A mark while a quote is open."""
        opened = self.opened
        assert opened is not None
        if straight != opened[2]:
            # the other style of marks inside a quote: a nested quote ("… “no” …") when the
            # quote can still end in its own style, else a closing mark of the other shape
            # (“… ," — sloppy, but common)
            if self.nested:
                self.nested = direction == OPEN
                return
            if direction in (OPEN, EITHER) and self.can_close(opened[2], self.k):
                self.nested = True
                return
        if direction in (CLOSE, EITHER):
            if self.same_nested:
                self.same_nested -= 1  # closes a quote within the quote, in the same marks
                return
            self.add(opened[1], s, open_at=opened[0], close_at=s, close_end=e)
            self.opened = None
            self.last_end = e
            return
        # an opening mark while a quote is open: a quote within the quote in the same marks
        # when two closing ones follow before any other opening mark (“I'd rather live in
        # what he calls “hell” than …”), else the first one was never closed
        if direction == OPEN and _closes_ahead(self.marks, self.k, opened[2]) >= 2 + (
            self.same_nested
        ):
            self.same_nested += 1
            return
        out = self.out
        cut = out.sentence_bound_before(opened[1], s)
        if cut is None:
            cut = _clause_cut(self.text, opened[1], s)
        cut = min(cut, out.orphan_end(opened[1], s))
        self.add(opened[1], cut, open_at=opened[0], close_at=None, close_end=None)
        self.opened = (s, e, straight)
        self.nested = False
        self.last_end = cut

    def finish(self) -> bool:
        """The quote still open at the end of the paragraph, then headline-style single
        quotes; returns whether a quote runs on into the next paragraph."""
        out, opened = self.out, self.opened
        runs_on = False
        if opened is not None:
            end = self.hi if self.continues else out.orphan_end(opened[1], self.hi)
            seg = out.add(
                opened[1], end, open_at=opened[0], close_at=None, close_end=None, paragraph=self.p
            )
            if seg is not None:
                seg.continues = self.continues
                seg.continued = self.first_open
            runs_on = self.continues
        taken = [(g.outer_start, g.outer_end) for g in out.segments[self.n_before :]]
        for s, e, cs, ce in _single_quoted(self.text, self.lo, self.hi, taken):
            out.add(cs, ce, open_at=s, close_at=ce, close_end=e, paragraph=self.p)
        return runs_on


def _single_quoted(
    text: str, lo: int, hi: int, taken: list[tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """Typographic single quotes ‘…’ outside double ones (headline style): (open, close end,
    content start, content end). Only ‘ after a space and ’ before a non-letter pair up, so
    apostrophes (don’t, Democrats’ plans) never open or close a quote by themselves."""
    out = []
    taken = sorted(taken)
    ends = [b for _, b in taken]

    def overlaps(x: int, y: int) -> bool:
        """Does [x, y] overlap a double quote? (they do not overlap each other)"""
        k = bisect.bisect_right(ends, x)
        return k < len(taken) and taken[k][0] <= y

    i = text.find("‘", lo, hi)
    while i != -1:
        nxt = text.find("‘", i + 1, hi)
        limit = nxt if nxt != -1 else hi
        prev = text[i - 1] if i > lo else " "
        ok_open = (prev.isspace() or prev in "([{—–-:") and i + 1 < hi and not text[i + 1].isspace()
        if ok_open and not overlaps(i, i):
            j = text.find("’", i + 1, limit)
            while j != -1:
                after = text[j + 1] if j + 1 < hi else " "
                if not after.isalnum() and not text[j - 1].isspace():
                    break
                j = text.find("’", j + 1, limit)
            if j != -1 and not overlaps(i, j):
                out.append((i, j + 1, i + 1, j))
                i = text.find("‘", j + 1, hi)
                continue
        i = nxt
    return out


def _opens_paragraph(text: str, para: tuple[int, int]) -> bool:
    lo, hi = para
    marks = _marks(text, lo, min(hi, lo + 4))
    return bool(marks) and marks[0][0] == lo and marks[0][2] in (OPEN, EITHER)


def _clause_cut(text: str, lo: int, hi: int) -> int:
    """Where an unclosed quote ends inside one sentence: before a short attribution clause."""
    for m in re.finditer(r",\s", text[lo:hi]):
        rest = text[lo + m.end() : hi]
        if len(rest.split()) <= 8:
            return lo + m.start()
    return hi
