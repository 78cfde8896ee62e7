"""Quotations and reported statements, with their speakers: the rows of the ``quotes`` table.

:func:`extract_quotes` reads one parsed article (its ``Doc`` and its resolved mentions) and
returns :class:`Quote` rows, in three steps:

1. **Marks** (:func:`quote_segments`, character level, linear, no parse needed): every double
   quotation mark (“ ” „ « » " and the ``''``/````` of some wire feeds) gets a direction from
   its neighbours (typographic marks are directional, but a mark stuck to the end of a word
   closes whatever its shape). Marks are paired inside each paragraph; marks of the other style
   inside a quote are a nested quote when the quote can still close in its own style, else a
   sloppy closing mark. A paragraph that ends inside a quote continues it when the next one
   opens again (the news convention for a multi-paragraph quote: one row per paragraph, one
   speaker). A quote that is never closed ends with its paragraph, before the next opening mark
   (at the last sentence boundary), and after at most ``MAX_ORPHAN_SENTENCES`` sentences; a
   closing mark with no opening one starts with its sentence. Single marks (‘ ’ ') pair only
   as headline-style quotes outside double ones; inside a quote they are nested quotes or
   apostrophes.
2. **Direct quotes**: each segment is full or partial (:meth:`_Extractor._is_partial`) and finds
   its cue and speaker around it: the reporting verb right after it (“…,” she said / said
   Parly), the verb of saying that governs it (called France an “excellent partner”), the
   reporting verb right before it (Parly tweeted, “…” / Takuba, she said, is a “…”), any verb
   in a tight frame when its subject can speak (“Go back,” Trump barked / Kelly responded:
   “…”), "according to X", or a bare "X: “…”". Quoted words inside a reported statement are the
   reporter's ("Haider said the railway had promised it “by 2027”"). A segment with no cue of
   its own takes the speaker of its multi-paragraph quote, of the nearest attributed quote in
   its paragraph (an interrupted quote), of an introduction ending with a colon, of the
   previous paragraph's last quote, or of a person who speaks in the sentence before. A phrase
   (or one or two words) with no speaker of its own is a scare quote, and a title-case phrase
   is a title, not a quote.
3. **Indirect statements**: a verb of saying with a clausal complement ("stated that …",
   "…, police said"), a parenthetical cue ("Taxes, he said, will rise"), "according to X"
   with the clause it qualifies, and a paragraph opened by a person's name and a colon
   (headlines, transcripts).

Speakers are the subject of the cue (or its inverted subject, or the subject of the verb a
participle hangs on: "she said, adding that …"), written as in the text without appositions
and relative clauses; they link to the entity of the mention they contain, of the person in
apposition ("a Pentagon spokesperson, Anton Semelroth"), of the organisation a spokesman
speaks for, or — for pronouns — of the antecedent found by
:class:`~transforms.coref.PronounResolver` (which ignores names inside quotations).

The lexicons are data: ``transforms/data/reporting_verbs.tsv`` and ``speaker_nouns.txt`` (see
the README there). A quote's ``cue`` is its reporting verb (with a particle), "according to",
or ":"; a quote that inherits its speaker inherits the cue too (so rows of one interrupted or
multi-paragraph quotation share speaker and cue), or has none when the speaker comes from the
sentence before without a verb of saying.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from transforms.coref import PronounResolver, misread_surnames
from transforms.ids import stable_id
from transforms.mentions import SURNAME_PARTICLES, Mention

DATA_DIR = Path(__file__).with_name("data")

#: An unclosed quote never runs over more sentences than this (nor past its paragraph).
MAX_ORPHAN_SENTENCES = 5
#: Reporting-verb classes that may introduce a direct quotation.
DIRECT_CLASSES = frozenset({"speech", "writing", "naming", "quoting"})
#: Reporting-verb classes whose clausal complement is a reported statement.
INDIRECT_CLASSES = frozenset({"speech", "writing"})
#: Verbs whose bare object can be a quoted phrase (said “no”, wrote “…”).
UTTERANCE_LEMMAS = frozenset(
    """say tell write tweet post add ask answer reply respond shout yell scream whisper mutter
    exclaim declare announce promise warn repeat""".split()
)

OPEN, CLOSE, EITHER = 1, 2, 3
_MARK_RE = re.compile(r"``|‘‘|’’|'{2,3}|[\"“”„‟«»＂]")
_OPENING_SHAPES = {"“", "„", "‟", "«", "``", "‘‘"}
_CLOSING_SHAPES = {"”", "»", "’’"}
_LEFT_OPENERS = set("([{<—–-/‘'’\u00a0") | {"\u2018"}
_RIGHT_CLOSERS = set(".,;:!?)]}>—–…")
_SINGLE_QUOTES = set("'‘’")
_STRAIGHT = {'"', "''", "＂"}
_NOMINAL = {"NOUN", "PROPN", "PRON"}
#: Relations the parser gives a name it did not recognize ("said Skelly": an adverb).
_MISTAKEN_NAME_DEPS = {"advmod", "npadvmod", "nmod", "appos", "oprd"}
_PERSONAL_PRONOUNS = {"he", "she", "they", "i", "we", "you"}
_INNER_SENTENCE_RE = re.compile(r"[.!?…][\"'”’)]*\s+\S")
_DATELINE_RE = re.compile(r"[A-Z][A-Z.'’ ]+(?:, [A-Z][\w.'’ ]+)?(?: \([\w .]+\))? ?[—–-]+ ")
_TAG_RE = re.compile(r"<[A-Za-z/][^<>\n]{0,400}>")
_PARA_RE = re.compile(r"\n[ \t\u00a0]*\n\s*|\n[ \t\u00a0]+")
_TERMINAL = set(".!?…")
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_RELATIVE = {"who", "which", "that", "whom"}
_SPEAKER_DROP_DEPS = {"appos", "relcl", "acl", "advcl", "punct", "cc", "conj", "prep", "case"}
_QUOTE_TOKEN_RE = re.compile(r"^(?:``|''|'''|[\"“”„‟«»＂])$")


# --------------------------------------------------------------------------- lexicon


@functools.cache
def reporting_verbs() -> dict[str, str]:
    """lemma -> class, from ``data/reporting_verbs.tsv`` (loaded once per process)."""
    path = DATA_DIR / "reporting_verbs.tsv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["lemma"]: row["class"] for row in csv.DictReader(fh, delimiter="\t")}


@functools.cache
def speaker_nouns() -> frozenset[str]:
    """Nouns for people who speak ("spokesman", "protesters"), from ``data/speaker_nouns.txt``."""
    path = DATA_DIR / "speaker_nouns.txt"
    with open(path, encoding="utf-8") as fh:
        return frozenset(w for line in fh if (w := line.split("#")[0].strip().lower()))


# --------------------------------------------------------------------------- rows


@dataclass
class Quote:
    """One quotation (direct) or reported statement (indirect) with its speaker and cue."""

    article_id: str
    start_char: int
    end_char: int
    text: str
    is_direct: bool
    is_partial: bool
    sentence_index: int
    speaker_text: str | None = None
    speaker_start_char: int | None = None
    speaker_end_char: int | None = None
    speaker_name: str | None = None
    speaker_entity_id: str | None = None
    speaker_mention_id: str | None = None
    cue: str | None = None
    cue_start_char: int | None = None
    cue_end_char: int | None = None

    @property
    def quote_id(self) -> str:
        role = "direct" if self.is_direct else "indirect"
        return stable_id("quote", self.article_id, self.start_char, self.end_char, role)

    def row(self) -> dict:
        return {
            "quote_id": self.quote_id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "text": self.text,
            "is_direct": self.is_direct,
            "is_partial": self.is_partial,
            "speaker_text": self.speaker_text,
            "speaker_start_char": self.speaker_start_char,
            "speaker_end_char": self.speaker_end_char,
            "speaker_name": self.speaker_name,
            "speaker_entity_id": self.speaker_entity_id,
            "speaker_mention_id": self.speaker_mention_id,
            "cue": self.cue,
            "cue_start_char": self.cue_start_char,
            "cue_end_char": self.cue_end_char,
        }


# --------------------------------------------------------------------------- step 1: marks


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
    """The state machine of :func:`quote_segments`, one paragraph at a time."""

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
        text = self.text
        marks = _marks(text, lo, hi)
        n = len(marks)
        # later_close[style][k] / later_any[style][k]: a mark at k or after, in that style
        # (straight or typographic), that can close a quote / of any direction
        later_close = {True: [False] * (n + 1), False: [False] * (n + 1)}
        later_any = {True: [False] * (n + 1), False: [False] * (n + 1)}
        for k in range(n - 1, -1, -1):
            for style in (True, False):
                mine = marks[k][3] == style
                later_any[style][k] = later_any[style][k + 1] or mine
                later_close[style][k] = later_close[style][k + 1] or (
                    mine and marks[k][2] in (CLOSE, EITHER)
                )

        def can_close(style: bool, k: int) -> bool:
            """Can a quote in this style, open before mark k, still end in its own style
            (closed in this paragraph, or running on into the next)?"""
            return later_close[style][k] or (continues and not later_any[style][k])

        opened: tuple[int, int, bool] | None = None  # (mark start, mark end, straight)
        nested = False  # inside a quote within the quote, in the other style of marks
        same_nested = 0  # quotes within the quote in its own style of marks, still open
        last_end = lo
        first_open = carry
        n_before = len(self.segments)
        k = 0
        while k < n:
            s, e, direction, straight = marks[k]
            k += 1
            if opened is None:
                if direction == CLOSE and k < n and marks[k][2] == CLOSE:
                    direction = OPEN  # two closing marks in a row: the first opens (He says,” …”)
                if direction == CLOSE:
                    if last_end > lo:
                        # a stray closing mark after another quote of the paragraph (“…,” she
                        # said, citing … . And it goes on.”): where its quote would start is a
                        # guess, so it is left alone rather than made a quote of the writer's
                        # words
                        last_end = e
                        continue
                    # a closing mark with no opening one: the quote starts with its sentence
                    start = self.sentence_bound_before(last_end, s) or last_end
                    self.add(start, s, open_at=None, close_at=s, close_end=e, paragraph=p)
                    last_end = e
                    continue
                opened = (s, e, straight)
                nested = False
                same_nested = 0
                if can_close(straight, k) or later_close[not straight][k]:
                    continue
                # nothing can close it: an unclosed quote, bounded by the next opening mark,
                # by its paragraph and by MAX_ORPHAN_SENTENCES
                nxt_open = next((m[0] for m in marks[k:] if m[2] in (OPEN, EITHER)), hi)
                end = self.orphan_end(e, hi)
                if nxt_open < end:
                    end = self.sentence_bound_before(e, nxt_open) or _clause_cut(text, e, nxt_open)
                seg = self.add(e, end, open_at=s, close_at=None, close_end=None, paragraph=p)
                if seg is not None and first_open:
                    seg.continued = True
                first_open = False
                opened = None
                last_end = end
                while k < n and marks[k][0] < end:
                    k += 1
                continue
            if straight != opened[2]:
                # the other style of marks inside a quote: a nested quote ("… “no” …") when
                # the quote can still end in its own style, else a closing mark of the other
                # shape (“… ," — sloppy, but common)
                if nested:
                    nested = direction == OPEN
                    continue
                if direction in (OPEN, EITHER) and can_close(opened[2], k):
                    nested = True
                    continue
            if direction in (CLOSE, EITHER):
                if same_nested:
                    same_nested -= 1  # closes a quote within the quote, in the same marks
                    continue
                seg = self.add(
                    opened[1], s, open_at=opened[0], close_at=s, close_end=e, paragraph=p
                )
                if seg is not None and first_open:
                    seg.continued = True
                first_open = False
                opened = None
                last_end = e
                continue
            # an opening mark while a quote is open: a quote within the quote in the same
            # marks when two closing ones follow before any other opening mark (“I'd rather
            # live in what he calls “hell” than …”), else the first one was never closed
            if direction == OPEN and _closes_ahead(marks, k, opened[2]) >= 2 + same_nested:
                same_nested += 1
                continue
            cut = self.sentence_bound_before(opened[1], s)
            if cut is None:
                cut = _clause_cut(text, opened[1], s)
            cut = min(cut, self.orphan_end(opened[1], s))
            seg = self.add(
                opened[1], cut, open_at=opened[0], close_at=None, close_end=None, paragraph=p
            )
            if seg is not None and first_open:
                seg.continued = True
            first_open = False
            opened = (s, e, straight)
            nested = False
            last_end = cut
        runs_on = False
        if opened is not None:
            end = hi if continues else self.orphan_end(opened[1], hi)
            seg = self.add(
                opened[1], end, open_at=opened[0], close_at=None, close_end=None, paragraph=p
            )
            if seg is not None:
                seg.continues = continues
                seg.continued = first_open
            runs_on = continues
        taken = [(g.outer_start, g.outer_end) for g in self.segments[n_before:]]
        for s, e, cs, ce in _single_quoted(text, lo, hi, taken):
            self.add(cs, ce, open_at=s, close_at=ce, close_end=e, paragraph=p)
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


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences; the whole doc when nothing has set sentence boundaries."""
    if len(doc) and (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return list(doc.sents)
    return [doc[:]] if len(doc) else []


def quoted_mask(doc: Doc) -> bytearray:
    """One flag per token: 1 inside a quotation (marks included), else 0."""
    mask = bytearray(len(doc))
    if not len(doc):
        return mask
    starts = [t.idx for t in doc]
    sent_starts = [s.start_char for s in sentences(doc)]
    for seg in quote_segments(doc.text, sent_starts):
        lo = bisect.bisect_left(starts, seg.outer_start)
        hi = bisect.bisect_left(starts, seg.outer_end)
        mask[lo:hi] = b"\x01" * (hi - lo)
    return mask


def _opens_paragraph(text: str, para: tuple[int, int]) -> bool:
    lo, hi = para
    marks = _marks(text, lo, min(hi, lo + 4))
    return bool(marks) and marks[0][0] == lo and marks[0][2] in (OPEN, EITHER)


def _finite(tok: Token) -> bool:
    """A finite verb (the head of a clause of its own, not an infinitive or participle)."""
    return tok.morph.get("VerbForm") == ["Fin"] or tok.tag_ in {"VBD", "VBZ", "VBP", "MD"}


def _clause_cut(text: str, lo: int, hi: int) -> int:
    """Where an unclosed quote ends inside one sentence: before a short attribution clause."""
    for m in re.finditer(r",\s", text[lo:hi]):
        rest = text[lo + m.end() : hi]
        if len(rest.split()) <= 8:
            return lo + m.start()
    return hi


# --------------------------------------------------------------------------- doc helpers


class _DocIndex:
    """Character/token/sentence lookups over one Doc, built once per article."""

    def __init__(self, doc: Doc, mentions: list[Mention]):
        self.doc = doc
        self.tok_starts = [t.idx for t in doc]
        self.sents = sentences(doc)
        self.sent_start_tok = [s.start for s in self.sents]
        self.sent_start_char = [s.start_char for s in self.sents]
        self.mentions = sorted(
            (m for m in mentions if m.entity is not None), key=lambda m: (m.start, -m.end)
        )
        self.mention_starts = [m.start for m in self.mentions]
        self.misread = misread_surnames(self.mentions)
        self.in_quote = bytearray(len(doc))

    def token_at(self, char: int) -> int:
        """Index of the token containing (or starting right after) a character offset."""
        i = bisect.bisect_right(self.tok_starts, char) - 1
        return max(0, i)

    def tokens_in(self, start: int, end: int) -> range:
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_left(self.tok_starts, end)
        return range(lo, hi)

    def sentence_of(self, token_i: int) -> int:
        return max(0, bisect.bisect_right(self.sent_start_tok, token_i) - 1)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions that overlap the token range [start, end)."""
        lo = bisect.bisect_left(self.mention_starts, start - 12)
        out = []
        for m in self.mentions[lo:]:
            if m.start >= end:
                break
            if m.end > start:
                out.append(m)
        return out


# --------------------------------------------------------------------------- speakers


@dataclass
class Attribution:
    """Who said it, and with which cue (token spans; both may be None)."""

    speaker: Span | None = None
    cue: Span | None = None
    mention: Mention | None = None  # the mention that names the speaker (or the antecedent)
    pronoun: bool = False

    @property
    def found(self) -> bool:
        return self.speaker is not None


def _subject_of(verb: Token, skip: bytearray | None = None) -> Token | None:
    """The speaker of a reporting verb: its subject, or the subject of the verb it hangs on.

    "she said, adding that …" (adding → said → she), "X, who said …" (the relative clause's
    noun), "by saying" (the verb the preposition hangs on), "X was quoted as saying", "a
    message reading “…”" (whoever posted the message, else the message).
    """
    v = verb
    fallback: Token | None = None
    if (
        verb.tag_ == "VBN"
        and verb.dep_ in {"advcl", "acl", "conj", "xcomp"}
        and not any(c.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass"} for c in verb.children)
    ):
        return None  # a passive participle: in "Smith said when asked", Smith was asked
    for _ in range(6):
        subj = _own_subject(v, skip, cue=v is verb)
        if subj is not None:
            # a participle hangs on the reporting verb of its sentence if there is one:
            # "Sanders said the process could be “messy,” adding …" → Sanders, not process
            if v is verb or _is_cue_verb(v, DIRECT_CLASSES) or v.dep_ not in _CLIMB:
                return subj
            fallback = fallback or subj
        if v.dep_ == "acl":
            # "a message reading “…”": whoever posted the message, else the message itself;
            # "a show called “…”" names the show, nobody says anything
            noun = v.head
            if v.tag_ != "VBG" or v is not verb:
                return fallback
            if noun.dep_ == "dobj":
                owner = _own_subject(noun.head, skip)
                if owner is not None:
                    return owner
            if noun.lemma_.lower() in _MESSAGE_NOUNS or noun.pos_ == "PROPN":
                return noun
            v = noun
            if v.dep_ not in _CLIMB and v.dep_ not in {"pobj", "dobj"}:
                return fallback
            v = v.head
            continue
        if v.dep_ in _CLIMB and v.head.i != v.i:
            v = v.head
            continue
        break
    return fallback


_CLIMB = {"xcomp", "advcl", "conj", "pcomp", "prep"}
#: Nouns that report a statement, with its owner and a "that" clause: "Trump's claim that …".
_REPORTING_NOUNS = frozenset(
    """claim statement assertion argument warning promise pledge insistence suggestion
    allegation announcement admission contention remark comment accusation prediction vow
    threat denial assurance explanation testimony""".split()
)
#: Nouns for people who speak for an organisation: "a spokesman for CP" links to CP.
_REPRESENTATIVES = frozenset(
    """spokesman spokeswoman spokesperson official representative observer source
    aide adviser advisor lawyer attorney statement""".split()
)
#: How a reported clause hangs on the verb that reports it.
_REPORTED_DEPS = {"ccomp", "xcomp", "advcl", "parataxis"}
#: What may follow a parenthetical cue inside its phrase: ", he said on Tuesday in a statement,"
_CUE_TAIL = {"npadvmod", "prep", "advmod", "dative", "prt", "nsubj", "dobj"}
_MESSAGE_NOUNS = frozenset(
    """statement message email letter tweet post sign banner placard poster note release ad
    advertisement report memo text headline caption petition document video comment remark
    editorial column op-ed blog website page site account""".split()
)


def _own_subject(v: Token, skip: bytearray | None = None, cue: bool = True) -> Token | None:
    """The subject of a verb (a quoted word is never the speaker of its own quote).

    For the cue itself, a passive verb's agent ("was told by X"); for a verb a participle
    hangs on, its passive subject ("X was booed after telling …" → X).
    """
    for child in v.children:
        if skip is not None and skip[child.i]:
            continue
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in _RELATIVE and v.dep_ == "relcl":
                return v.head
            return child
        if child.dep_ == "nsubjpass" and (v.lemma_ == "quote" or not cue):
            return child
    if not cue:
        return None
    prev = v.doc[v.i - 1] if v.i > 0 else None
    if (
        prev is not None
        and (skip is None or not skip[prev.i])
        and not prev.is_stop
        and not prev.is_sent_end
        and (
            (
                prev.head.i == v.i
                and prev.dep_ in {"advmod", "npadvmod", "nmod", "compound"}
                and prev.is_title
            )
            or (prev.pos_ == "PROPN" and prev.dep_ not in {"pobj", "poss", "compound"})
        )
    ):
        # a name the parser did not take for the subject: "Parly tweeted" (an adverb),
        # "screenwriter Cole Haddon wrote" (the object of "screenwriter", a verb)
        return prev
    for child in v.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _speaker_span(head: Token) -> Span:
    """The speaker as written: the subject's phrase without appositions, clauses and commas."""
    doc = head.doc
    keep = [head]
    stack = [c for c in head.children if c.dep_ not in _SPEAKER_DROP_DEPS or c.dep_ == "prep"]
    # prepositional modifiers are kept ("a spokesman for the company") unless after a comma
    while stack:
        t = stack.pop()
        if t.dep_ == "prep" and t.i > head.i and doc[t.i - 1].text == ",":
            continue
        keep.append(t)
        stack.extend(c for c in t.children if c.dep_ not in {"appos", "relcl", "punct", "case"})
    lo = min(t.i for t in keep)
    hi = max(t.i for t in keep) + 1
    # contiguous around the head: stop at a comma on either side
    for i in range(head.i - 1, lo - 1, -1):
        if doc[i].text in {",", ";", "(", ")", "—", "–"} or _QUOTE_TOKEN_RE.match(doc[i].text):
            lo = i + 1
            break
    for i in range(head.i + 1, hi):
        if doc[i].text in {",", ";", "(", ")", "—", "–"} or _QUOTE_TOKEN_RE.match(doc[i].text):
            hi = i
            break
    while hi > lo + 1 and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    while lo < hi - 1 and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return doc[lo:hi]


class _Speakers:
    """Builds attributions (speaker span + linked mention) from cue tokens."""

    def __init__(self, index: _DocIndex, resolver: PronounResolver):
        self.ix = index
        self.resolver = resolver

    def from_cue(self, cue: Span | None, speaker_head: Token | None) -> Attribution:
        if speaker_head is None:
            return Attribution(cue=cue)
        if self.ix.in_quote[speaker_head.i]:
            return Attribution(cue=cue)
        if speaker_head.pos_ == "PRON" or speaker_head.tag_ in {"PRP", "WP"}:
            low = speaker_head.lower_
            if low in {"this", "that", "which", "what", "there", "something", "nothing"}:
                return Attribution(cue=cue)
            span = speaker_head.doc[speaker_head.i : speaker_head.i + 1]
            ante = self.resolver.resolve(speaker_head)
            return Attribution(speaker=span, cue=cue, mention=ante, pronoun=True)
        span = _speaker_span(speaker_head)
        return Attribution(speaker=span, cue=cue, mention=self.link(span, speaker_head))

    def link(self, span: Span, head: Token) -> Mention | None:
        """The mention naming the speaker: one covering the head, else a person in apposition."""
        ms = self.ix.mentions_in(span.start, span.end)
        for m in ms:
            if m.start <= head.i < m.end:
                return self.ix.misread.get(id(m), m)
        person_noun = head.pos_ == "NOUN" and head.lemma_.lower() in speaker_nouns()
        for child in head.children:
            if child.dep_ == "appos":
                for m in self.ix.mentions_in(child.left_edge.i, child.right_edge.i + 1):
                    # "The mayor, Ivo Kranjc," — a name, even one mistaken for an organisation
                    if m.family == "PERSON" or (person_noun and m.start <= child.i < m.end):
                        return m
        for m in self.ix.mentions_in(head.i + 1, head.right_edge.i + 1):
            # "the MP for Bath, Wera Hobhouse": a name set off by a comma in the phrase
            if m.family == "PERSON" and m.start > 0 and head.doc[m.start - 1].text == ",":
                return m
        if head.dep_ == "appos":
            parent = head.head
            for m in self.ix.mentions_in(parent.i, parent.i + 1):
                if m.family == "PERSON":
                    return m
        persons = [m for m in ms if m.family == "PERSON"]
        if len(persons) == 1 and head.pos_ == "PROPN":
            return persons[0]
        if head.pos_ == "PROPN" and not ms:
            return self._by_surname(span)
        if head.lemma_.lower() in _REPRESENTATIVES:
            # "a spokesman for CP", "Pentagon officials": whom they speak for
            for m in self.ix.mentions_in(head.left_edge.i, head.right_edge.i + 1):
                if m.family in {"ORG", "PLACE", "NORP"} and m.start != head.i:
                    return m
        return None

    def _by_surname(self, span: Span, any_case: bool = False) -> Mention | None:
        """A name the entity recognizer missed ("de Ruiter", a transcript's "FALLIN"): the
        latest earlier mention of a person (or name) whose full name ends with these words."""
        words = [
            t.text
            for t in span
            if t.pos_ == "PROPN" or t.lower_ in SURNAME_PARTICLES or (any_case and t.is_alpha)
        ]
        if not words:
            return None
        if any_case:
            words = [w.lower() for w in words]
        k = bisect.bisect_left(self.ix.mention_starts, span.start)
        for m in reversed(self.ix.mentions[:k]):
            name = m.entity.name.split() if m.entity is not None else []
            if any_case:
                name = [w.lower() for w in name]
            fits = m.family in {"PERSON", "ORG"} and len(name) > len(words)
            if fits and name[-len(words) :] == words:
                return m
        return None


def _cue_span(verb: Token) -> Span:
    doc = verb.doc
    end = verb.i + 1
    if end < len(doc) and doc[end].dep_ == "prt" and doc[end].head.i == verb.i:
        end += 1
    return doc[verb.i : end]


def _is_cue_verb(tok: Token, classes: frozenset[str]) -> bool:
    if tok.pos_ not in {"VERB", "AUX"} and tok.tag_ not in {"VBD", "VBZ", "VBP", "VBG", "VBN"}:
        return False
    cls = reporting_verbs().get(tok.lemma_.lower())
    if cls is None and tok.lower_ in {"says", "said"}:
        cls = "speech"
    return cls in classes


def _according_to(tok: Token) -> Token | None:
    """For the token "according" of "according to X", X's head token."""
    if tok.lower_ != "according":
        return None
    doc = tok.doc
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    to = doc[tok.i + 1]
    for child in to.children:
        if child.dep_ == "pobj":
            return child
    if to.i + 1 < len(doc) and doc[to.i + 1].pos_ in {"PROPN", "NOUN", "PRON"}:
        # the parse missed the object: take the noun phrase's head to the right
        t = doc[to.i + 1]
        while t.head.i > t.i and t.head.i - to.i < 8 and t.head.pos_ in {"PROPN", "NOUN"}:
            t = t.head
        return t
    return None


# --------------------------------------------------------------------------- step 2: direct


@dataclass
class _Direct:
    seg: Segment
    span: Span
    sentence: int
    attr: Attribution = field(default_factory=Attribution)
    own: bool = False  # attribution found around the segment itself
    partial: bool = False


class _Extractor:
    def __init__(self, doc: Doc, article_id: str, mentions: list[Mention], resolver):
        self.doc = doc
        self.text = doc.text
        self.article_id = article_id
        self.ix = _DocIndex(doc, mentions)
        self.resolver = resolver or PronounResolver(doc, mentions, quoted=self.ix.in_quote)
        self.speakers = _Speakers(self.ix, self.resolver)

    # -- direct quotes

    def direct(self) -> list[_Direct]:
        doc, ix = self.doc, self.ix
        segs = quote_segments(self.text, ix.sent_start_char)
        items: list[_Direct] = []
        for seg in segs:
            toks = ix.tokens_in(seg.start, seg.end)
            if not len(toks):
                continue
            lo_tok = ix.tokens_in(seg.outer_start, seg.outer_end)
            for i in lo_tok:
                ix.in_quote[i] = 1
            span = doc[toks.start : toks.stop]
            items.append(_Direct(seg=seg, span=span, sentence=ix.sentence_of(toks.start)))
        for item in items:
            item.partial = self._is_partial(item)
            attr = self._own_attribution(item)
            if attr.found:
                item.attr, item.own = attr, True
        self._inherit(items)
        out = []
        for item in items:
            if not item.attr.found:
                continue
            if (item.partial or _n_words(item.span) <= 2) and not item.own:
                continue  # a phrase with no speaker of its own: a scare quote, a word as word
            if _is_title(item.span) and not self._introduced(item):
                continue  # “The Art of the Deal”, his book ''An American Son.''
            out.append(item)
        return out

    def _introduced(self, item: _Direct) -> bool:
        """Is the quote presented as someone's words: after a colon (Kasich: ‘We Will
        Win.’), or right before its attribution (“Thank You Georgia,” Trump tweeted)?"""
        seg = item.seg
        if seg.open_at is not None and self.text[: seg.open_at].rstrip()[-1:] == ":":
            return True
        attr = item.attr
        if not item.own or attr.cue is None or attr.speaker is None:
            return False
        after = [i for i in self._region_after(item) if not self.doc[i].is_punct]
        return bool(after) and self._trailing(attr, after) and self._strong_cue(attr)

    @staticmethod
    def _strong_cue(attr: Attribution) -> bool:
        """A cue that is a verb of saying or writing, or a colon after a name."""
        if attr.cue is None:
            return False
        if attr.cue.text == ":":
            return True
        cls = reporting_verbs().get(attr.cue.root.lemma_.lower())
        return cls in {"speech", "writing"}

    def _region_before(self, item: _Direct) -> range:
        """Tokens between the sentence start (or the previous quote) and the opening mark."""
        ix, doc = self.ix, self.doc
        first = item.span.start
        mark = ix.token_at(item.seg.outer_start) if item.seg.open_at is not None else first
        sent = ix.sentence_of(first)
        lo = ix.sent_start_tok[sent]
        if lo >= mark and sent > 0:  # the parser cut "X said: | “…”"
            prev = mark - 1
            while prev > 0 and doc[prev].is_space and "\n" not in doc[prev].text:
                prev -= 1
            if doc[prev].text in {":", ","}:
                lo = ix.sent_start_tok[ix.sentence_of(prev)]
        lo = min(lo, mark)
        i = mark - 1
        while i >= lo and not ix.in_quote[i] and not (doc[i].is_space and "\n" in doc[i].text):
            i -= 1
        return range(i + 1, mark)

    def _region_after(self, item: _Direct) -> range:
        """Tokens between the closing mark and the end of the sentence (or the next quote)."""
        ix, doc = self.ix, self.doc
        if item.seg.close_end is None:
            return range(0)
        start = bisect.bisect_left(ix.tok_starts, item.seg.close_end)
        while start < len(doc) and doc[start].is_space and "\n" not in doc[start].text:
            start += 1
        if start >= len(doc):
            return range(0)
        sent = ix.sentence_of(start)
        hi = ix.sent_start_tok[sent + 1] if sent + 1 < len(ix.sent_start_tok) else len(doc)
        i = start
        while i < hi and not ix.in_quote[i] and not (doc[i].is_space and "\n" in doc[i].text):
            i += 1
        return range(start, i)

    def _own_attribution(self, item: _Direct) -> Attribution:
        if item.partial:
            return self._governing(item, partial=True) or Attribution()
        doc, text = self.doc, self.text
        after = self._region_after(item)
        before = self._region_before(item)
        last = text[item.seg.start : item.seg.end].rstrip("\"'”’)")[-1:]
        ends = last in _TERMINAL
        new_sentence = ends and bool(after) and doc[after.start].text[:1].isupper()
        words = [i for i in after if not doc[i].is_punct and not doc[i].is_space]

        def trailing() -> Attribution | None:
            """Right after the quote: “…,” she said / said Parly / according to X. After a
            quote that ends its sentence, only a short attribution with no statement of its
            own ("“Who are they?” Trump said of Apple", not "….” The team said it would …")."""
            for k, i in enumerate(after):
                attr = self._attr_from(doc[i], inverted=bool(words) and i == words[0])
                if attr is None:
                    continue
                if not self._trailing(attr, words):
                    continue  # “…”, although they criticised …: not this quote's attribution
                if new_sentence and (k > 6 or _own_complement(doc[i], self.ix.in_quote)):
                    return None
                return attr
            return None

        def leading() -> Attribution | None:
            """Right before the quote: Parly tweeted, “…” / X said: “…” / Takuba, she said,
            is a “…” — a reporting verb close to the mark, or whose clause hangs on the
            quote's ancestors."""
            ancestors = self._ancestors(item)
            mark = before.stop
            for i in reversed(before):
                tok = doc[i]
                near = mark - i <= 8 or mark - tok.right_edge.i <= 2 or tok.head.i in ancestors
                if near and (attr := self._attr_from(tok)) is not None:
                    return attr
            return None

        steps = [
            lambda: trailing() or self._named_then_verb(after),
            lambda: self._governing(item, partial=False),  # X described it as “…”
            leading,
        ]
        if new_sentence:
            # “….” The campaign did not elaborate: the introduction wins
            steps = [steps[1], steps[2], steps[0]]
        for step in steps:
            attr = step()
            if attr is not None:
                return attr
        # any verb in a tight frame: “Go back,” Trump barked / Kelly responded: “…”
        if last in {",", "!", "?", "—", "–"} or (not ends and last != "."):
            attr = self._adjacent_verb(after[:5])
            if attr is not None:
                return attr
        attr = self._introducing_verb(before)
        if attr is not None:
            return attr
        # a bare "X: “…”"
        attr = self._colon_speaker(item, before)
        if attr is not None:
            return attr
        return Attribution()

    def _ancestors(self, item: _Direct) -> set[int]:
        """Token indices above the quote's root, up to its sentence root."""
        out: set[int] = set()
        t = item.span.root
        for _ in range(12):
            if t.head.i == t.i:
                break
            t = t.head
            out.add(t.i)
        return out

    def _adjacent_verb(self, region: range) -> Attribution | None:
        """The first verb right after a quote, when its subject is next to it."""
        doc = self.doc
        for i in region:
            tok = doc[i]
            if tok.is_punct and tok.text not in {",", "—", "–"}:
                return None
            if tok.pos_ != "VERB":
                continue
            subj = _own_subject(tok, self.ix.in_quote)
            if (
                subj is None
                or _own_complement(tok, self.ix.in_quote)
                or not (region.start <= subj.i < region.stop + 6)
            ):
                return None
            attr = self.speakers.from_cue(_cue_span(tok), subj)
            return attr if attr.found else None
        return None

    def _introducing_verb(self, region: range) -> Attribution | None:
        """ "Kelly responded pointedly, with a smile: “…”" / "Hillary shot back, “…”"."""
        doc = self.doc
        toks = [i for i in region if not doc[i].is_space]
        if not toks or doc[toks[-1]].text not in {":", ","}:
            return None
        colon = doc[toks[-1]].text == ":"
        verbs = [i for i in reversed(toks[:-1]) if doc[i].pos_ == "VERB"]
        if colon:
            # the top verb of the introduction first: "Clinton has since apologized for what
            # happened:" is Clinton's apology, not what happened
            inside = set(toks)
            verbs.sort(key=lambda i: doc[i].head.i in inside and doc[i].head.i != i)
        for i in verbs:
            tok = doc[i]
            if not colon and (toks[-1] - i > 3 or tok.dep_ not in {"ROOT", "conj"}):
                return None
            if not colon and any(c.dep_ in {"dobj", "ccomp"} for c in tok.children):
                return None
            subj = _subject_of(tok, self.ix.in_quote)
            if subj is None:
                return None
            attr = self.speakers.from_cue(_cue_span(tok), subj)
            return attr if self._agentive(attr) else None
        return None

    @staticmethod
    def _agentive(attr: Attribution) -> bool:
        """Can this speaker speak? (for verbs outside the lexicon: a person, a group, an
        organisation, a personal pronoun, or a noun for people)."""
        if not attr.found:
            return False
        if attr.pronoun:
            return attr.speaker.root.lower_ in _PERSONAL_PRONOUNS
        if attr.mention is not None:
            return attr.mention.family in {"PERSON", "ORG", "NORP"}
        return attr.speaker.root.lemma_.lower() in speaker_nouns()

    def _attr_from(self, tok: Token, inverted: bool = False) -> Attribution | None:
        """The attribution made by a cue token (a reporting verb or "according to").

        ``inverted``: the verb comes right after the quote, so a noun after it that the parser
        took for its object is its subject (“…,” read the email).
        """
        if self.ix.in_quote[tok.i]:
            return None
        obj = _according_to(tok)
        if obj is not None:
            cue = tok.doc[tok.i : tok.i + 2]
            attr = self.speakers.from_cue(cue, obj)
            return attr if attr.found else None
        if not _is_cue_verb(tok, DIRECT_CLASSES) or any(c.dep_ == "neg" for c in tok.children):
            return None  # "The campaign did not elaborate."
        subj = _subject_of(tok, self.ix.in_quote)
        if subj is None and inverted:
            subj = next(
                (
                    c
                    for c in tok.rights
                    if c.i <= tok.i + 4
                    and not self.ix.in_quote[c.i]
                    and (
                        (c.dep_ in {"dobj", "attr"} and c.pos_ in _NOMINAL)
                        or (c.dep_ in _MISTAKEN_NAME_DEPS and c.is_title and not c.is_stop)
                    )
                ),
                None,
            )
        if subj is None:
            subj = self._name_before(tok)
        if subj is None:
            return None
        attr = self.speakers.from_cue(_cue_span(tok), subj)
        return attr if attr.found else None

    def _name_before(self, verb: Token) -> Token | None:
        """A person named right before a verb the parser left without a subject
        ("her adviser, Jake Sullivan, said": the name hangs on "adviser")."""
        doc, ix = self.doc, self.ix
        i = verb.i - 1
        while i >= 0 and doc[i].text == ",":
            i -= 1
        if i < 0 or ix.in_quote[i]:
            return None
        for m in ix.mentions_in(i, i + 1):
            if m.end == i + 1 and m.family == "PERSON":
                return doc[m.start : m.end].root
        return None

    def _named_then_verb(self, after: range) -> Attribution | None:
        """ "“…,” Mr. Daniloff, now 81 and retired in Cambridge, said by telephone": a person
        named first after the quote, and the first reporting verb that has no subject."""
        doc, ix = self.doc, self.ix
        words = [i for i in after if not doc[i].is_punct and not doc[i].is_space]
        if not words:
            return None
        first = words[0]
        names = [m for m in ix.mentions_in(first, first + 3) if first <= m.start <= first + 1]
        if not names or names[0].family != "PERSON":
            return None  # (a title may come first: "Mr. Daniloff")
        name = names[0]
        for i in words[1:16]:
            tok = doc[i]
            if i < name.end or not _is_cue_verb(tok, DIRECT_CLASSES):
                continue
            if _own_subject(tok, ix.in_quote) is not None:
                return None
            span = doc[name.start : name.end]
            return Attribution(speaker=span, cue=_cue_span(tok), mention=name)
        return None

    def _governing(self, item: _Direct, partial: bool) -> Attribution | None:
        """The reporting verb up the tree from the quote (same sentence), with its speaker.

        For a partial quote the quote must be what is said or what something is called: a
        clausal complement, the predicate of "call"/"describe … as", or the object of an
        utterance verb (said “no”) — never any noun phrase (agreed a new “roadmap”).

        Quoted words inside a reported statement are the words of whoever reports it: in
        "Haider said the OeBB had promised to do it “by 2027”", Haider, not the OeBB — so the
        highest verb of saying on the way up wins; a verb of naming binds at once ("Clinton
        said Trump called her a “nasty woman”" → Trump).
        """
        ix = self.ix
        t = item.span.root
        sent = ix.sentence_of(t.i)
        found: Attribution | None = None
        first = True
        for _ in range(12):
            if t.head.i == t.i:
                break
            child, t = t, t.head
            if ix.in_quote[t.i]:
                continue
            if ix.sentence_of(t.i) != sent:
                break
            if t.lower_ == "to" and t.head.lower_ == "according":
                if partial or found is not None:
                    break
                return self._attr_from(t.head)
            if not _is_cue_verb(t, DIRECT_CLASSES):
                continue
            if first and partial and not _complement_relation(t, child):
                return None
            if not first and child.dep_ not in _REPORTED_DEPS:
                break
            attr = self._attr_from(t)
            if attr is not None:
                found = attr
                if first and reporting_verbs().get(t.lemma_.lower()) == "naming":
                    return found
                if _own_subject(t, ix.in_quote) is None:
                    return found  # "she said, adding that “…”": the same speaker, cue adding
            first = False
        return found

    def _colon_speaker(self, item: _Direct, before: range) -> Attribution | None:
        doc, ix = self.doc, self.ix
        toks = [i for i in before if not doc[i].is_space]
        if not toks or doc[toks[-1]].text != ":":
            return None
        # the name must end right at the colon, in a clause of its own (a headline
        # "Kasich: ‘…’", "- Jeffrey M. Jones: “…”"), not after another quote or a verb
        if toks[0] > 0 and ix.in_quote[toks[0] - 1]:
            return None
        if any(doc[i].pos_ == "VERB" and doc[i].tag_ != "VBG" for i in toks):
            return None
        ms = [m for m in ix.mentions_in(toks[0], toks[-1]) if m.family in {"PERSON", "ORG"}]
        if not ms or ms[-1].end != toks[-1]:
            return None
        m = ms[-1]
        colon = toks[-1]
        return Attribution(speaker=doc[m.start : m.end], cue=doc[colon : colon + 1], mention=m)

    def _is_partial(self, item: _Direct) -> bool:
        """A phrase inside the writer's sentence, not a full quotation.

        Partial when the writer's words surround the quote within its sentence (called France
        an “excellent partner” in the Indo-Pacific), or when the quote follows the writer's
        words and has no verb (called him a “traitor”). A trailing attribution (“…,” she
        wrote) is not the writer's sentence going on; a capitalized quote after a colon or
        comma (X said: “Never.”), and a quote of several sentences, are full quotations.
        """
        text, seg = self.text, item.seg
        if seg.open_at is None or seg.continued or seg.continues:
            return False
        inner = text[seg.start : seg.end]
        if _INNER_SENTENCE_RE.search(inner):
            return False
        if not self._writer_words_before(item):
            return False
        intro = text[: seg.open_at].rstrip()[-1:]
        if intro in {":", ","} and inner[:1].isupper():
            return False
        ends_sentence = inner.rstrip("\"'”’) ")[-1:] in _TERMINAL
        if not ends_sentence and self._writer_words_after(item):
            return True
        return not any(t.pos_ in {"VERB", "AUX"} for t in item.span)

    def reported_partial(self, item: _Direct) -> bool:
        """The ``is_partial`` column: a phrase inside the writer's sentence.

        Wider than :meth:`_is_partial` (which decides how a quote finds its speaker): a
        single-sentence quoted *clause* that continues the writer's words without starting a
        sentence of its own — it opens in lower case after them and has a finite verb — is a
        mixed quotation, reported speech with the speaker's wording kept (said that under
        Obama, “the generals have been reduced to rubble.”), so it is partial too. A quoted
        description with no finite verb that runs to the end of the sentence is a full
        quotation (described the roadmap as “a statement of intent to enhance …”), as is a
        capitalized quote after an attribution (Parly tweeted, “This convention …”) and the
        second half of an interrupted quote.
        """
        if item.partial:
            return True
        if not any(_finite(t) for t in item.span):
            return False  # a quoted description, not a clause (“a statement of intent to …”)
        seg = item.seg
        if seg.open_at is None or seg.continued or seg.continues:
            return False
        inner = self.text[seg.start : seg.end]
        if _INNER_SENTENCE_RE.search(inner) or not inner[:1].islower():
            return False
        region = self._region_before(item)
        if (
            region.start > 0
            and self.ix.in_quote[region.start - 1]
            and (self.ix.sentence_of(region.start - 1) == item.sentence)
        ):
            return False  # the second half of “…,” she said, “…”: the quote goes on
        return self._writer_words_before(item)

    def _writer_words_before(self, item: _Direct) -> bool:
        region = self._region_before(item)
        return any(self.doc[i].is_alpha or self.doc[i].like_num for i in region)

    def _writer_words_after(self, item: _Direct) -> bool:
        """Words of the writer's sentence after the quote (not a trailing attribution)."""
        region = self._region_after(item)
        words = [i for i in region if self.doc[i].is_alpha or self.doc[i].like_num]
        if not words:
            return False
        head = [i for i in region if not self.doc[i].is_punct and not self.doc[i].is_space]
        for i in head[:6]:
            tok = self.doc[i]
            attr = self._attr_from(tok, inverted=i == head[0])
            if attr is not None and self._trailing(attr, head):
                return _own_complement(tok, self.ix.in_quote)
        return True

    @staticmethod
    def _trailing(attr: Attribution, words: list[int]) -> bool:
        """Is this attribution the words right after a quote (", she said", ", said X",
        ", the official, who …, said", ", according to X")?"""
        if not words or attr.cue is None or attr.speaker is None:
            return False
        first = words[0]
        return (
            attr.cue.start == first
            or first <= attr.speaker.start <= first + 2  # "screenwriter Cole Haddon wrote"
            or attr.speaker.root.left_edge.i == first
        )

    def _inherit(self, items: list[_Direct]) -> None:
        """Segments with no cue of their own take the speaker of a neighbouring quote.

        In order: a multi-paragraph quote shares one attribution; a segment takes the nearest
        attributed quote of its paragraph (“…,” she said. “…”); a quote that opens its
        sentence takes an introduction ending with a colon just before it, else the speaker
        of the previous paragraph's last quote, else a person who speaks (or is the subject)
        in the sentence before. Partial quotes never inherit: a phrase with no speaker of its
        own is a scare quote.
        """
        chains: list[list[_Direct]] = []
        for item in items:
            if item.seg.continued and chains:
                chains[-1].append(item)
            else:
                chains.append([item])

        def spread_chains() -> None:
            for ch in chains:
                src = next((it for it in ch if it.own), None) or next(
                    (it for it in ch if it.attr.found), None
                )
                if src is not None and len(ch) > 1:
                    for it in ch:
                        if not it.attr.found:
                            it.attr = src.attr

        by_para: dict[int, list[_Direct]] = {}
        for item in items:
            if not item.partial:
                by_para.setdefault(item.seg.paragraph, []).append(item)

        def spread_paragraphs() -> None:
            for group in by_para.values():
                for k, item in enumerate(group):
                    if item.attr.found:
                        continue
                    prev = next((g for g in reversed(group[:k]) if g.attr.found), None)
                    nxt = next((g for g in group[k + 1 :] if g.own), None)
                    source = prev or nxt
                    if source is not None:
                        item.attr = source.attr

        spread_chains()
        spread_paragraphs()
        last_by_para: dict[int, _Direct] = {}
        for item in items:
            if not item.attr.found and not item.partial and self._opens_sentence(item):
                attr = self._introduction(item)
                if attr is None:
                    prev = last_by_para.get(item.seg.paragraph - 1)
                    if prev is not None and self._opens_paragraph(item):
                        attr = prev.attr
                if attr is None:
                    attr = self._previous_sentence_speaker(item)
                if attr is not None:
                    item.attr = attr
            if item.attr.found and not item.partial:
                last_by_para[item.seg.paragraph] = item
        spread_chains()
        spread_paragraphs()

    def _opens_paragraph(self, item: _Direct) -> bool:
        i = self.ix.token_at(item.seg.outer_start) - 1
        while i >= 0 and self.doc[i].is_space and "\n" not in self.doc[i].text:
            i -= 1
        return i < 0 or "\n" in self.doc[i].text

    def _opens_sentence(self, item: _Direct) -> bool:
        return not any(not self.doc[i].is_space for i in self._region_before(item))

    def _previous_sentence(self, item: _Direct) -> Span | None:
        ix = self.ix
        sent = ix.sentence_of(ix.token_at(item.seg.outer_start))
        while sent > 0:
            sent -= 1
            prev = ix.sents[sent]
            if any(not t.is_space for t in prev):
                return prev
        return None

    def _introduction(self, item: _Direct) -> Attribution | None:
        """ "X released the following statement: ¶ “…”" — a sentence ending with a colon."""
        prev = self._previous_sentence(item)
        if prev is None:
            return None
        toks = [t for t in prev if not t.is_space]
        if not toks or toks[-1].text != ":" or any(self.ix.in_quote[t.i] for t in toks):
            return None
        for t in reversed(toks):
            attr = self._attr_from(t)
            if attr is not None:
                return attr
        root = prev.root
        subj = next((c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
        if subj is None:
            return None
        colon = toks[-1]
        attr = self.speakers.from_cue(self.doc[colon.i : colon.i + 1], subj)
        return attr if attr.found else None

    def _previous_sentence_speaker(self, item: _Direct) -> Attribution | None:
        """A person who speaks (or at least is the subject) in the sentence before."""
        prev = self._previous_sentence(item)
        if prev is None:
            return None
        for tok in reversed(prev):
            if self.ix.in_quote[tok.i] or not _is_cue_verb(tok, DIRECT_CLASSES):
                continue
            attr = self._attr_from(tok)
            if attr is not None and self._is_person(attr):
                return attr
        root = prev.root
        if self.ix.in_quote[root.i]:
            return None
        subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return None
        cue = self.doc[root.i : root.i + 1] if _is_cue_verb(root, DIRECT_CLASSES) else None
        attr = self.speakers.from_cue(cue, subj)
        return attr if self._is_person(attr) else None

    @staticmethod
    def _is_person(attr: Attribution) -> bool:
        """A person speaks: a person's name (or one in apposition), "he"/"she", or a noun
        for people ("the mayor")."""
        if not attr.found:
            return False
        if attr.mention is not None and attr.mention.family == "PERSON":
            return True
        head = attr.speaker.root
        if attr.pronoun:
            return head.lower_ in {"he", "she"}
        return head.pos_ == "NOUN" and head.lemma_.lower() in speaker_nouns()

    # -- indirect statements

    def indirect(self) -> list[tuple[Span, Attribution]]:
        """Reported statements: (content span, attribution); one attribution may have two
        spans, around a parenthetical cue ("Taxes, he said, will rise")."""
        doc, ix = self.doc, self.ix
        out: list[tuple[Span, Attribution]] = self._labelled()
        for tok in doc:
            if ix.in_quote[tok.i]:
                continue
            if tok.lower_ == "according":
                obj = _according_to(tok)
                if obj is None:
                    continue
                pp_hi = max(max(t.i for t in tok.subtree) + 1, obj.right_edge.i + 1, tok.i + 2)
                attr = self.speakers.from_cue(doc[tok.i : tok.i + 2], obj)
                if attr.found:
                    out += [(part, attr) for part in self._around(tok.i, pp_hi)]
                continue
            if tok.pos_ == "NOUN" and tok.lemma_.lower() in _REPORTING_NOUNS:
                found = self._reporting_noun(tok)
                if found is not None:
                    out.append(found)
                continue
            if not _is_cue_verb(tok, INDIRECT_CLASSES):
                continue
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if comp is None:
                parts = self._parenthetical(tok)
                if not parts:
                    continue
            else:
                content = self._clause_span(comp, tok)
                if content is None:
                    continue
                parts = [content]
            subj = _subject_of(tok, self.ix.in_quote)
            if subj is None:
                continue
            attr = self.speakers.from_cue(_cue_span(tok), subj)
            if attr.found:
                out += [(part, attr) for part in parts]
        return out

    def _reporting_noun(self, noun: Token) -> tuple[Span, Attribution] | None:
        """ "Trump's claim that Mexico would pay": a reporting noun, its owner and its "that"
        clause (an owner is needed: in "rejected the claim that …" nobody is named)."""
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        clause = next(
            (
                c
                for c in noun.children
                if c.dep_ in {"acl", "ccomp"}
                and c.i > noun.i
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            ),
            None,
        )
        if owner is None or clause is None or self.ix.in_quote[owner.i]:
            return None
        if owner.lower_ in {"its", "their", "our", "my", "your"}:
            return None
        content = self._clause_span(clause, noun)
        if content is None:
            return None
        attr = self.speakers.from_cue(self.doc[noun.i : noun.i + 1], owner)
        return (content, attr) if attr.found else None

    def _labelled(self) -> list[tuple[Span, Attribution]]:
        """A paragraph that opens with a person's name and a colon: a headline ("Marco
        Rubio: I'm Not Interested In Being Vice President") or a transcript line ("FALLIN:
        Well, I think …"). The rest of the paragraph is the statement (unquoted, so not
        direct)."""
        doc, ix, text = self.doc, self.ix, self.text
        out: list[tuple[Span, Attribution]] = []
        for lo, hi in paragraph_spans(text):
            colon = text.find(":", lo, min(hi, lo + 60))
            if colon < 0 or text[colon + 1 : colon + 2] not in {" ", "\u00a0"}:
                continue
            first = bisect.bisect_left(ix.tok_starts, lo)
            end = bisect.bisect_left(ix.tok_starts, colon)
            if not 0 < end - first <= 5 or ix.in_quote[end]:
                continue
            name = doc[first:end]
            if not all(t.is_title or t.is_upper or t.is_punct for t in name):
                continue
            mention = next(
                (m for m in ix.mentions_in(first, end) if m.start == first and m.end == end), None
            )
            if mention is None and name.text.isupper():
                mention = self.speakers._by_surname(name, any_case=True)
            if mention is None or mention.family != "PERSON":
                continue
            stop = bisect.bisect_left(ix.tok_starts, hi)
            content = self._content(end + 1, stop, min_words=3)
            if content is None or _QUOTE_TOKEN_RE.match(content[0].text):
                continue
            attr = Attribution(speaker=name, cue=doc[end : end + 1], mention=mention)
            out.append((content, attr))
        return out

    def _clause_span(self, comp: Token, verb: Token) -> Span | None:
        """The reported clause: the complement's words, without a leading "that", and
        without a clause that reports someone else's statement ("…, while others said …")."""
        doc = self.doc
        lo, hi = comp.left_edge.i, comp.right_edge.i + 1
        if lo <= verb.i < hi:
            return None
        for t in doc[lo:hi]:
            if (
                t.i > comp.i
                and t.dep_ in {"advcl", "conj"}
                and _is_cue_verb(t, INDIRECT_CLASSES)
                and _own_subject(t) is not None
            ):
                hi = min(hi, t.left_edge.i)
        while lo < hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].lower_ == "that"):
            lo += 1
        return self._content(lo, hi)

    def _content(self, lo: int, hi: int, min_words: int = 2) -> Span | None:
        """Trimmed content tokens, unless too short or mostly a direct quote already."""
        doc, ix = self.doc, self.ix
        while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
            lo += 1
        if lo < hi:  # a dateline is not part of the statement: "WARSAW — Canada and …"
            m = _DATELINE_RE.match(self.text, doc[lo].idx)
            if m is not None:
                lo = max(lo, bisect.bisect_left(ix.tok_starts, m.end()))
        while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
            hi -= 1
        marks = sum(1 for t in doc[lo:hi] if _QUOTE_TOKEN_RE.match(t.text))
        if marks % 2 and hi < len(doc) and _QUOTE_TOKEN_RE.match(doc[hi].text):
            hi += 1  # keep the closing mark of a quote the statement contains
        if sum(1 for t in doc[lo:hi] if t.is_alpha or t.like_num) < min_words:
            return None
        quoted = sum(1 for i in range(lo, hi) if ix.in_quote[i])
        if quoted * 2 > hi - lo:
            return None
        return doc[lo:hi]

    def _around(self, lo: int, hi: int) -> list[Span]:
        """The statement around an attribution phrase doc[lo:hi] inside its sentence.

        Two clauses ("Taxes will rise, he said, and nobody likes it") are two spans of one
        attribution, except that a clause opening with a conjunction is the writer's again
        ("A, according to X, and B": X vouches for A only). A fragment on one side ("The
        talks, she said, will resume") belongs to the statement: one span, cue included.
        """
        ix = self.ix
        sent = ix.sents[ix.sentence_of(lo)]
        sides = [self._content(sent.start, lo, min_words=1), self._content(hi, sent.end, 1)]

        def clause(part: Span | None) -> bool:
            return (
                part is not None
                and sum(1 for t in part if t.is_alpha or t.like_num) >= 3
                and any(t.pos_ in {"VERB", "AUX"} for t in part)
            )

        left, right = sides
        if clause(left) and clause(right):
            return [left] if right[0].pos_ == "CCONJ" else [left, right]
        if clause(left) or clause(right):
            other = right if clause(left) else left
            if other is None or other[0].pos_ == "CCONJ":
                return [left if clause(left) else right]
            whole = self._content(sent.start, sent.end, min_words=3)
            return [whole] if whole is not None else []
        return []

    def _parenthetical(self, verb: Token) -> list[Span]:
        """ "Taxes, he said, will rise." / "… will rise, he said." with no complement parsed:
        the statement is the sentence around the attribution clause."""
        doc = self.doc
        if verb.dep_ not in {"ROOT", "parataxis", "advcl", "conj", "ccomp"}:
            return []
        if any(c.dep_ in {"ccomp", "xcomp", "dobj"} and c.i > verb.i for c in verb.children):
            return []
        subj = _own_subject(verb, self.ix.in_quote)
        if subj is None or subj.i > verb.i + 3 or verb.i - subj.left_edge.i > 8:
            return []
        lo = min(subj.left_edge.i, verb.i)
        hi = verb.i + 1
        while hi < len(doc) and doc[hi].head.i == verb.i and doc[hi].dep_ in _CUE_TAIL:
            hi = doc[hi].right_edge.i + 1
        before = doc[lo - 1].text if lo > 0 else ""
        after = doc[hi].text if hi < len(doc) else ""
        if before not in {",", "—", "–"} or after not in {",", ".", "—", "–", ";"}:
            return []
        return self._around(lo - 1, hi)


def _own_complement(verb: Token, in_quote: bytearray) -> bool:
    """Does the verb report a statement of its own (a clausal complement outside quotes)?"""
    return any(c.dep_ in {"ccomp", "xcomp"} and not in_quote[c.i] for c in verb.children)


def _complement_relation(verb: Token, child: Token) -> bool:
    """Is ``child`` (on the path from a quoted phrase) what the verb says or calls something?"""
    dep = child.dep_
    if dep in {"ccomp", "xcomp", "oprd", "attr", "acomp"}:
        return True
    cls = reporting_verbs().get(verb.lemma_.lower())
    if dep == "dobj":
        return cls == "naming" or verb.lemma_.lower() in UTTERANCE_LEMMAS
    if dep == "prep":
        word = child.lower_
        return word == "as" or (word in {"of", "about"} and cls == "speech")
    return False


def _n_words(span: Span) -> int:
    return sum(1 for t in span if t.is_alpha or t.like_num)


def _is_title(span: Span) -> bool:
    """“The Art of the Deal”: every content word capitalized (a title, not someone's words)."""
    words = [t for t in span if t.is_alpha and not t.is_stop]
    return bool(words) and all(t.text[:1].isupper() for t in words) and len(words) >= 2


# --------------------------------------------------------------------------- entry point


def extract_quotes(
    doc: Doc,
    article_id: str,
    mentions: list[Mention],
    resolver: PronounResolver | None = None,
) -> list[Quote]:
    """Every quotation and reported statement of one article, in text order."""
    if not doc.text.strip() or len(doc) == 0:
        return []
    ex = _Extractor(doc, article_id, mentions, resolver)
    quotes: list[Quote] = []
    seen: set[tuple[int, int, bool]] = set()
    direct = ex.direct()
    for item in direct:
        seg = item.seg
        q = _make(ex, seg.start, seg.end, True, ex.reported_partial(item), item.sentence, item.attr)
        key = (q.start_char, q.end_char, True)
        if key not in seen:
            seen.add(key)
            quotes.append(q)
    for span, attr in ex.indirect():
        sentence = ex.ix.sentence_of(span.start)
        q = _make(ex, span.start_char, span.end_char, False, False, sentence, attr)
        key = (q.start_char, q.end_char, False)
        if key not in seen:
            seen.add(key)
            quotes.append(q)
    quotes.sort(key=lambda q: (q.start_char, q.end_char, not q.is_direct))
    return quotes


def _make(
    ex: _Extractor,
    start: int,
    end: int,
    direct: bool,
    partial: bool,
    sentence: int,
    attr: Attribution,
) -> Quote:
    q = Quote(
        article_id=ex.article_id,
        start_char=start,
        end_char=end,
        text=ex.text[start:end],
        is_direct=direct,
        is_partial=partial,
        sentence_index=sentence,
    )
    if attr.speaker is not None:
        sp = attr.speaker
        q.speaker_text = sp.text
        q.speaker_start_char, q.speaker_end_char = sp.start_char, sp.end_char
    if attr.mention is not None and attr.mention.entity is not None:
        q.speaker_name = attr.mention.canonical_name
        q.speaker_entity_id = attr.mention.entity_id
        q.speaker_mention_id = attr.mention.mention_id
    if attr.cue is not None:
        q.cue = attr.cue.text
        q.cue_start_char, q.cue_end_char = attr.cue.start_char, attr.cue.end_char
    return q
