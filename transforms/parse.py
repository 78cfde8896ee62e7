"""Parse raw source items into articles or rejects. Pure: bytes in, rows out.

Accepted input (see README "Input formats"):

* text files in the seed format: line 1 is ``[ ]date YYYY-MM-DD <title>``, a blank line, then
  paragraphs separated by blank lines. Without the header the first line is the title and the
  publication date is NULL (never invented).
* JSON records with ``id``, ``url``, ``title``, ``published``, and ``body`` or ``text``, one
  per line (``.jsonl``) or as one object / a list of objects (``.json``).

Decoding: UTF-8, UTF-8/16/32 with a BOM, otherwise cp1252 (``encoding = 'cp1252'`` and the
``encoding_fallback`` flag). Every problem with an item becomes a :class:`Reject` with a short
reason code, or a flag on the article when the text is still usable.
"""

from __future__ import annotations

import codecs
import contextvars
import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field

from transforms.ids import article_id_for, sha256_hex
from transforms.language import detect_language
from transforms.metadata import (
    clean_authors,
    clean_outlet,
    find_dateline,
    outlet_from_url,
    parse_timestamp,
)

#: Reject reason codes (the `rejects.reason` column). Documented in docs/reliability.md.
REASONS = {
    "unreadable": "the file could not be read (permissions, I/O error, vanished)",
    "symlink_outside": "a symbolic link pointing outside the source directory the user named",
    "symlink_loop": "a symbolic link loop",
    "unsupported_type": "a file type the pipeline does not read",
    "empty": "the file or record has no bytes or only whitespace",
    "binary": "binary data, not text",
    "malformed_json": "a JSON line or file that does not parse, or is not an object",
    "missing_body": "a JSON record without a `body` or `text` string",
    "empty_body": "a title but no body text",
    "too_large": "the article exceeds the configured maximum size",
    "not_english": "(no longer produced: other languages are loaded with their `language`)",
    "robots_disallowed": "the site's robots.txt does not allow fetching this page",
    "http_error": "the server answered with an error status (after retries for 5xx)",
    "fetch_timeout": "the page did not arrive within the timeout (after retries)",
    "fetch_failed": "the page could not be fetched (connection refused, DNS, TLS, redirects)",
    "not_a_feed": "a feed source whose content is not RSS or Atom",
    "not_article": "a web page with no article text (a list, a form, a media page)",
    "duplicate_body": "the same body (after whitespace normalization) is already an article",
    "duplicate_source": "the same source identity appears twice in one run",
    "nlp_error": "the NLP extraction failed on this article (a bug: please report it)",
    "too_complex": "the text would take the NLP step unbounded time or memory (pathological "
    "token runs, or over the per-article time budget)",
    "parse_error": "parsing failed unexpectedly on this input (a bug: please report it)",
}

#: Article flags (the `articles.flags` column).
FLAGS = {
    "encoding_fallback": "not valid UTF-8; decoded as cp1252",
    "invalid_utf8_replaced": "broken UTF-8 byte sequences, or lone surrogate escapes in JSON "
    "(\\ud800), replaced by U+FFFD",
    "no_header": "no `date YYYY-MM-DD title` line: title is the first line, date is NULL",
    "invalid_date": "the header or record date is not a real date; published_date is NULL",
    "future_date": "the date lies in the future beyond tolerance; published_date is NULL",
    "control_chars_removed": "NUL or other control characters were removed",
    "html_stripped": "HTML markup was removed from the text",
    "no_title": "no title could be found",
}

HEADER_RE = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{1,2}-\d{1,2})\b[ \t]*(.*)$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_TAG_RE = re.compile(
    r"</?(?:html|head|body|p|div|br|span|a|h[1-6]|ul|ol|li|strong|em|b|i|table|tr|td|"
    r"script|style|article|section|header|footer|nav|img|meta|link|title|blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_HTML_DROP_RE = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK_RE = re.compile(
    r"<br\s*/?>|</(?:p|div|h[1-6]|li|tr|blockquote|article|section|title)\s*>", re.IGNORECASE
)
_ANY_TAG_RE = re.compile(r"<!--.*?-->|<[A-Za-z/!][^>]*>", re.DOTALL)
_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
#: Dates later than today + this many days are treated as wrong (a clock or feed error).
FUTURE_TOLERANCE_DAYS = 2
EARLIEST_DATE = dt.date(1800, 1, 1)
#: An "article" beyond a million characters (~170,000 words) is a dump, not news: rejected.
DEFAULT_MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class SourceItem:
    """One unit read from a source: a whole text/JSON file, one JSONL line, or a read error."""

    source_uri: str  # the file's URI
    kind: str  # "text" | "json" | "jsonl" | "html" | "error"
    payload: bytes = b""
    position: str | None = None  # "L<n>" for a JSON line
    reason: str | None = None  # for kind == "error"
    detail: str | None = None
    #: For web pages: ``url`` (after redirects), ``charset`` (HTTP header), ``hints`` (what
    #: the feed entry said: title, authors, published).
    meta: dict | None = field(default=None, compare=False)


@dataclass
class Article:
    article_id: str
    source_uri: str
    source_id: str | None
    url: str | None
    title: str | None
    published_date: dt.date | None
    body: str
    word_count: int
    content_sha256: str
    encoding: str
    flags: list[str] = field(default_factory=list)
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None
    dateline: str | None = None
    language: str | None = None
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    #: Parsed with ``detect_language=False``: ``language`` is only the declared one until
    #: :func:`resolve_language` runs (the flow detects it only for articles it will load).
    language_pending: bool = field(default=False, repr=False, compare=False)
    declared_language: str | None = field(default=None, repr=False, compare=False)

    def row(
        self,
        *,
        run_id: str,
        ingested_at: dt.datetime,
        nlp_version: str | None,
        tone: float | None = None,
    ) -> dict:
        """The row of the ``articles`` table; ``tone`` comes from the NLP step."""
        if self.language_pending:
            raise ValueError(f"article {self.article_id}: language not resolved")
        return {
            "article_id": self.article_id,
            "source_uri": self.source_uri,
            "source_id": self.source_id,
            "url": self.url,
            "title": self.title,
            "published_date": self.published_date,
            "body": self.body,
            "word_count": self.word_count,
            "content_sha256": self.content_sha256,
            "encoding": self.encoding,
            "flags": sorted(set(self.flags)),
            "nlp_version": nlp_version,
            "tone": tone,
            "ingested_at": ingested_at,
            "run_id": run_id,
            "outlet": self.outlet,
            "authors": list(self.authors or []),
            "published_at": self.published_at,
            "dateline": self.dateline,
            "language": self.language,
            "duplicate_of": self.duplicate_of,
            "duplicate_similarity": self.duplicate_similarity,
        }


@dataclass(frozen=True)
class Reject:
    source_uri: str
    reason: str
    detail: str
    content_sha256: str | None = None

    def row(self, *, run_id: str, rejected_at: dt.datetime) -> dict:
        return {
            "source_uri": scrub(self.source_uri)[0],
            "reason": self.reason,
            "detail": scrub(self.detail)[0],
            "content_sha256": self.content_sha256,
            "rejected_at": rejected_at,
            "run_id": run_id,
        }


class ParseError(Exception):
    """Raised inside parsing with a reject reason code and a human detail."""

    def __init__(self, reason: str, detail: str):
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode bytes to text: returns (text, encoding, flags). Raises ParseError for binary."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name, []
            except UnicodeDecodeError as exc:
                raise ParseError("binary", f"{name} BOM but undecodable: {exc.reason}") from exc
    if _looks_binary(data):
        raise ParseError("binary", "binary data (control bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE_RE.search(data):
        # Mostly UTF-8 with a few broken sequences: keep the good characters.
        return data.decode("utf-8", errors="replace"), "utf-8", ["invalid_utf8_replaced"]
    return data.decode("cp1252", errors="replace"), "cp1252", ["encoding_fallback"]


#: The control bytes that mark binary data (tab, newline, form feed, carriage return aside).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    nul = sample.count(0)
    if nul > len(sample) * 0.05:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # not byte by byte
    return controls > len(sample) * 0.10


def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalize newlines, drop control characters and HTML markup. Returns (text, flags)."""
    flags: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("", text)
        flags.append("control_chars_removed")
    if len(_HTML_TAG_RE.findall(text[:200_000])) >= 2:
        text = _HTML_DROP_RE.sub("", text)
        text = _HTML_BREAK_RE.sub("\n\n", text)
        text = html.unescape(_ANY_TAG_RE.sub("", text))
        text = "\n".join(line.strip() for line in text.split("\n"))
        text = _BLANK_LINES_RE.sub("\n\n", text)
        flags.append("html_stripped")
    return text, flags


# --------------------------------------------------------------------------- dates


_TIME_RE = re.compile(
    r"^[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)


def parse_date(value: object, *, today: dt.date) -> tuple[dt.date | None, list[str]]:
    """Parse an ISO date or datetime string; returns (date or None, flags).

    A date with a time part is accepted only when the time is a real time of day too
    (``2024-04-11T25:99:00`` is flagged ``invalid_date``, not read as 2024-04-11).
    """
    if value is None or value == "":
        return None, []
    if not isinstance(value, str):
        return None, ["invalid_date"]
    text = value.strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not m:
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            return None, ["invalid_date"]
    else:
        try:
            parsed = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None, ["invalid_date"]
        rest = text[m.end() :]
        if rest[:1] in ("T", "t") or (rest[:1] == " " and rest[1:2].isdigit()):
            t = _TIME_RE.match(rest)
            if not t or int(t[1]) > 23 or int(t[2]) > 59 or int(t[3] or 0) > 60:
                return None, ["invalid_date"]
    if parsed < EARLIEST_DATE:
        return None, ["invalid_date"]
    if parsed > today + dt.timedelta(days=FUTURE_TOLERANCE_DAYS):
        return None, ["future_date"]
    return parsed, []


# --------------------------------------------------------------------------- articles


def _finish(
    *,
    source_uri: str,
    source_id: str | None,
    url: str | None,
    title: str | None,
    published: dt.date | None,
    body: str,
    sha: str,
    encoding: str,
    flags: list[str],
    max_chars: int,
    outlet: str | None = None,
    authors: list[str] | None = None,
    published_at: dt.datetime | None = None,
    declared_language: str | None = None,
) -> Article:
    body = body.strip()
    if not body:
        raise ParseError("empty_body", f"title {title!r} but no body text")
    if len(body) > max_chars:
        raise ParseError("too_large", f"{len(body):,} characters > limit {max_chars:,}")
    pending = _DEFER_LANGUAGE.get()
    if published_at is not None and published is None:
        published = published_at.date()
    title = " ".join(title.split()) if title else None
    if not title:
        flags = [*flags, "no_title"]
    return Article(
        article_id=article_id_for(body),
        source_uri=source_uri,
        source_id=source_id,
        url=url,
        title=title or None,
        published_date=published,
        body=body,
        word_count=len(body.split()),
        content_sha256=sha,
        encoding=encoding,
        flags=flags,
        outlet=outlet or outlet_from_url(url),
        authors=list(authors or []),
        published_at=published_at,
        dateline=find_dateline(body),
        language=declared_language if pending else _language_of(body, declared_language),
        language_pending=pending,
        declared_language=declared_language,
    )


#: Set by ``parse_item(detect_language=False)`` for the duration of the call.
_DEFER_LANGUAGE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "newsetl_defer_language", default=False
)


def _language_of(body: str, declared: str | None) -> str | None:
    # The text decides; a declared language only speaks for text too short to judge.
    return detect_language(body) or declared


def resolve_language(article: Article) -> Article:
    """Detect the article's language from its body (once): the text decides, a declared
    language only speaks for text too short to judge."""
    if article.language_pending:
        article.language = _language_of(article.body, article.declared_language)
        article.language_pending = False
    return article


def split_header(text: str, *, today: dt.date) -> tuple[str | None, dt.date | None, str, list]:
    """Split a seed-format text into (title, published_date, body, flags)."""
    lines = text.split("\n")
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        return None, None, "", []
    head = lines[first]
    rest = "\n".join(lines[first + 1 :])
    m = HEADER_RE.match(head)
    if m:
        published, flags = parse_date(m[1], today=today)
        return m[2].strip() or None, published, rest, flags
    # No header: the first line is the title when it stands alone as a short line.
    after = lines[first + 1 : first + 2]
    if len(head) <= 300 and (not after or not after[0].strip()) and rest.strip():
        return head.strip(), None, rest, ["no_header"]
    return head.strip()[:300], None, "\n".join(lines[first:]), ["no_header"]


def parse_text(
    source_uri: str, data: bytes, *, today: dt.date, max_chars: int = DEFAULT_MAX_CHARS
) -> Article:
    """Parse a text file in the seed format (header optional)."""
    sha = sha256_hex(data)
    if not data.strip():
        raise ParseError("empty", "no bytes" if not data else "whitespace only")
    text, encoding, flags = decode(data)
    text, more = clean_text(text)
    flags += more
    if not text.strip():
        raise ParseError("empty", "no text after decoding and cleaning")
    title, published, body, hflags = split_header(text, today=today)
    stem = source_uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _finish(
        source_uri=source_uri,
        source_id=stem,
        url=None,
        title=title,
        published=published,
        body=body,
        sha=sha,
        encoding=encoding,
        flags=flags + hflags,
        max_chars=max_chars,
    )


def parse_record(
    source_uri: str,
    record: object,
    *,
    sha: str,
    encoding: str,
    flags: list[str],
    today: dt.date,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """Parse one decoded JSON record. ``source_uri`` is the file; the record's identity is
    added here (see :func:`record_uri`)."""
    if not isinstance(record, dict):
        raise ParseError("malformed_json", f"expected an object, got {_json_type(record)}")
    body = record.get("body")
    if body is None:
        body = record.get("text")
    if not isinstance(body, str):
        raise ParseError("missing_body", "no `body` or `text` string in the record")
    body, more = clean_text(body)
    title = record.get("title")
    title = title if isinstance(title, str) else None
    if title:
        title, _ = clean_text(title)
    stamp = record.get("published")
    published, dflags = parse_date(stamp, today=today)
    published_at = parse_timestamp(stamp) if published is not None else None
    url = record.get("url") if isinstance(record.get("url"), str) else None
    rid = record_id(record)
    raw_authors = next((record[k] for k in ("authors", "author", "byline") if record.get(k)), None)
    if isinstance(raw_authors, list):
        raw_authors = [a.get("name") if isinstance(a, dict) else a for a in raw_authors]
    outlet = next(
        (
            clean_outlet(record[k])
            for k in ("outlet", "publisher", "source", "site_name", "sitename")
            if isinstance(record.get(k), str) and clean_outlet(record[k])
        ),
        None,
    )
    lang = next((record[k] for k in ("language", "lang") if isinstance(record.get(k), str)), None)
    article = _finish(
        source_uri=source_uri,
        source_id=rid,
        url=url,
        title=title,
        published=published,
        body=body,
        sha=sha,
        encoding=encoding,
        flags=flags + more + dflags,
        max_chars=max_chars,
        outlet=outlet,
        authors=clean_authors(raw_authors, outlet=outlet),
        published_at=published_at,
        declared_language=lang.split("-")[0].lower() if lang else None,
    )
    article.source_uri = record_uri(source_uri, record, article.article_id)
    return article


def parse_page(item: SourceItem, *, today: dt.date, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Parse a web page or HTML file: main text and metadata (transforms.pages)."""
    from transforms.pages import decode_html, extract_page

    meta = item.meta or {}
    if not item.payload.strip():
        raise ParseError("empty", "no bytes" if not item.payload else "whitespace only")
    text, encoding = decode_html(item.payload, meta.get("charset"))
    url = meta.get("url")
    page = extract_page(text, url, hints=meta.get("hints"), today=today)
    if not page.body.strip():
        raise ParseError("not_article", "no main text found in the page")
    published, flags = parse_date(
        page.published_date.isoformat() if page.published_date else None, today=today
    )
    return _finish(
        source_uri=item.source_uri,
        source_id=meta.get("source_id"),
        url=page.url,
        title=page.title,
        published=published,
        body=page.body,
        sha=sha256_hex(item.payload),
        encoding=encoding,
        flags=flags,
        max_chars=max_chars,
        outlet=page.outlet,
        authors=page.authors,
        published_at=page.published_at if published is not None else None,
        declared_language=page.declared_language,
    )


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


_ID_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f#]")


def record_id(record: object) -> str | None:
    """The record's own id as text, or None when it has none.

    Strings are taken as they are (control characters and ``#`` escaped), numbers as JSON
    writes them, any other JSON value (an object, a list) as its canonical JSON — never as
    Python's repr. A missing, null or blank id is no id.
    """
    if not isinstance(record, dict):
        return None
    rid = record.get("id")
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        return None
    if isinstance(rid, str):
        text = rid
    elif isinstance(rid, bool | int | float):
        text = json.dumps(rid)
    else:
        text = json.dumps(rid, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _ID_UNSAFE_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def record_uri(path_uri: str, record: object, article_id: str | None = None) -> str:
    """The source identity of a JSON record.

    * ``<file>#<id>`` when the record has an id;
    * otherwise ``<file>#body:<article_id>``: the record is known by its content (the
      whitespace-normalized body), never by its position, so inserting, removing, reordering
      records or blank lines changes no identity, and a run never deletes an article that the
      input still holds. Editing the title or date of such a record replaces it in place;
      editing its body makes it another article (without an id, nothing says it is the same).
    """
    rid = record_id(record)
    if rid is not None:
        return f"{path_uri}#{rid}"
    if article_id is not None:
        return f"{path_uri}#body:{article_id}"
    return path_uri


def content_uri(path_uri: str, raw: bytes) -> str:
    """The identity of a record that could not be parsed: a hash of its bytes."""
    return f"{path_uri}#json:{sha256_hex(raw)[:16]}"


def parse_item(
    item: SourceItem,
    *,
    today: dt.date,
    max_chars: int = DEFAULT_MAX_CHARS,
    detect_language: bool = True,
) -> list[Article | Reject]:
    """Turn one source item into articles and rejects; never raises on bad input.

    With ``detect_language=False`` the articles' language is left to :func:`resolve_language`
    (``language_pending``): a run detects it only for the articles it loads.
    """
    token = _DEFER_LANGUAGE.set(not detect_language)
    try:
        return _parse_item(item, today=today, max_chars=max_chars)
    finally:
        _DEFER_LANGUAGE.reset(token)


def _parse_item(item: SourceItem, *, today: dt.date, max_chars: int) -> list[Article | Reject]:
    if item.kind == "error":
        uri = item.source_uri if item.position is None else f"{item.source_uri}#{item.position}"
        return [Reject(uri, item.reason or "unreadable", item.detail or "")]
    sha = sha256_hex(item.payload)
    uri = item.source_uri
    try:
        if item.kind == "text":
            return [parse_text(item.source_uri, item.payload, today=today, max_chars=max_chars)]
        if item.kind == "jsonl":
            return [_parse_json_record(item, sha=sha, today=today, max_chars=max_chars)]
        if item.kind == "json":
            return _parse_json_file(item, sha=sha, today=today, max_chars=max_chars)
        if item.kind == "html":
            return [parse_page(item, today=today, max_chars=max_chars)]
        raise ValueError(f"unknown item kind {item.kind!r}")
    except ParseError as exc:
        return [Reject(getattr(exc, "uri", uri), exc.reason, exc.detail, sha)]
    except Exception as exc:  # a bug, not bad input: reject this item, keep the batch going
        if item.position is not None:
            uri = content_uri(item.source_uri, item.payload)
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return [Reject(uri, "parse_error", scrub(detail)[0], sha)]


def _where(position: str | None) -> str:
    if not position:
        return ""
    if position.startswith("L"):
        return f"line {position[1:]}: "
    return f"element {position}: "


def _loads(text: str):
    """json.loads, with every way it can fail on bad input turned into a ParseError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError("malformed_json", f"{exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise ParseError("malformed_json", "nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ParseError("malformed_json", str(exc)[:200]) from None


def _parse_json_record(item: SourceItem, *, sha: str, today: dt.date, max_chars: int) -> Article:
    """One JSON record: a JSON-lines line, or an element of a JSON array."""
    where = _where(item.position)
    fallback = content_uri(item.source_uri, item.payload)
    if not item.payload.strip():
        raise _WithUri(fallback, ParseError("empty", f"{where}blank JSON record"))
    try:
        text, encoding, flags = decode(item.payload)
        record, replaced = scrub(_loads(text))
    except ParseError as exc:
        raise _WithUri(fallback, ParseError(exc.reason, where + exc.detail)) from None
    if replaced:
        flags = [*flags, "invalid_utf8_replaced"]
    if not isinstance(record, dict) or record_id(record) is None:
        uri_on_reject = fallback
    else:
        uri_on_reject = record_uri(item.source_uri, record)
    try:
        return parse_record(
            item.source_uri,
            record,
            sha=sha,
            encoding=encoding,
            flags=flags,
            today=today,
            max_chars=max_chars,
        )
    except ParseError as exc:
        raise _WithUri(uri_on_reject, ParseError(exc.reason, where + exc.detail)) from None


class _WithUri(ParseError):
    def __init__(self, uri: str, exc: ParseError):
        super().__init__(exc.reason, exc.detail)
        self.uri = uri


def scrub(value):
    """Replace lone surrogates (``"\\ud800"`` in JSON) by U+FFFD in every string of a decoded
    JSON value; returns (value, whether anything was replaced). Iterative: no recursion limit."""
    changed = False

    def fix_str(text: str) -> str:
        nonlocal changed
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            changed = True
            return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)

    if isinstance(value, str):
        return fix_str(value), changed
    root = [value]
    stack = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, str):
            container[key] = fix_str(item)
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            for k in list(item):
                v = item.pop(k)
                nk = fix_str(k) if isinstance(k, str) else k
                item[nk] = v
                stack.append((item, nk))
    return root[0], changed


def _parse_json_file(
    item: SourceItem, *, sha: str, today: dt.date, max_chars: int
) -> list[Article | Reject]:
    """A whole ``.json`` file holding one record (arrays are streamed by the reader), or JSON
    lines by mistake."""
    if not item.payload.strip():
        raise ParseError("empty", "no bytes" if not item.payload else "whitespace only")
    text, encoding, flags = decode(item.payload)
    try:
        doc = _loads(text)
    except ParseError as exc:
        if "\n" not in text.strip() or exc.detail == "nested too deeply":
            raise
        # A .json file holding JSON lines is common: parse it line by line.
        out: list[Article | Reject] = []
        for lineno, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                sub = SourceItem(item.source_uri, "jsonl", line.encode("utf-8"), f"L{lineno}")
                out.extend(_parse_item(sub, today=today, max_chars=max_chars))
        return out
    doc, replaced = scrub(doc)
    if replaced:
        flags = [*flags, "invalid_utf8_replaced"]
    records = doc if isinstance(doc, list) else [doc]
    out = []
    for i, record in enumerate(records):
        if isinstance(doc, list):
            raw = json.dumps(record, sort_keys=True).encode()
            rsha = sha256_hex(raw)
            path_uri, position = item.source_uri, f"[{i}]"
        else:
            raw, rsha, path_uri, position = item.payload, sha, item.source_uri, None
        try:
            article = parse_record(
                path_uri,
                record,
                sha=rsha,
                encoding=encoding,
                flags=list(flags),
                today=today,
                max_chars=max_chars,
            )
            if not isinstance(doc, list):
                article.source_uri = item.source_uri  # a single-record file is its own identity
            out.append(article)
        except ParseError as exc:
            if not isinstance(doc, list):
                uri = item.source_uri
            elif record_id(record) is not None:
                uri = record_uri(path_uri, record)
            else:
                uri = content_uri(path_uri, raw)
            out.append(Reject(uri, exc.reason, _where(position) + exc.detail, rsha))
    return out
