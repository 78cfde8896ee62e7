"""Feeds and feed lists: bytes in, entries and URLs out. Pure (feedparser parses the bytes it
is given; it fetches nothing).

* :func:`parse_feed` — RSS 0.9x/1.0/2.0 and Atom, through feedparser, which also copes with
  broken XML, odd encodings and missing fields. Each entry gives its link (made absolute
  against the feed's own URL and ``xml:base``), guid, title, authors, date, and its inline
  content (``content:encoded`` / Atom ``content``) for entries without a link.
* :func:`parse_feed_list` — OPML (every ``outline`` with an ``xmlUrl``) or plain text with one
  URL a line (``#`` starts a comment).
* :func:`sniff` — is a payload a feed, a feed list, or an HTML page?
* :func:`normalize_url` — the identity of a page URL: scheme and host lower-cased, default
  port and fragment dropped, tracking parameters (``utm_*``, ``fbclid``, …) removed.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import warnings
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from transforms.metadata import clean_outlet


@dataclass(frozen=True)
class FeedEntry:
    link: str | None
    guid: str | None
    title: str | None
    authors: tuple[str, ...] = ()
    published: str | None = None  # as the feed wrote it (ISO or RFC 822)
    content_html: str | None = None  # inline full content, when the feed carries it
    fingerprint: str = ""  # changes when the feed says the entry changed


@dataclass
class Feed:
    title: str | None
    link: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None  # set when the payload is not a usable feed


_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ocid|cmpid|ncid|_ga|ref_src|"
    r"at_medium|at_campaign|taid|smid|rss|feed)$",
    re.I,
)


def normalize_url(url: str) -> str:
    """A page URL's identity (tracking parameters, fragment and default port removed)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80 if scheme == "http" else 443) else None
    netloc = host + (f":{port}" if port else "")
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def gunzip_if_needed(data: bytes) -> bytes:
    """Feeds and pages are sometimes served as .gz files without Content-Encoding."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return data
    return data


_FEED_SNIFF_RE = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_OPML_SNIFF_RE = re.compile(rb"<opml\b", re.I)
_HTML_SNIFF_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div)\b", re.I)
_URL_LINE_RE = re.compile(r"^\s*(?:https?|s3|gs|gcs|file|az|abfs)://\S+\s*$")


def sniff(data: bytes, content_type: str | None = None) -> str:
    """'feed', 'opml', 'urls', 'html' or 'unknown', from the Content-Type and the bytes."""
    head = gunzip_if_needed(data[:65536] if data[:2] != b"\x1f\x8b" else data)[:4096]
    ctype = (content_type or "").split(";")[0].strip().lower()
    if _OPML_SNIFF_RE.search(head):
        return "opml"
    if _FEED_SNIFF_RE.search(head) or ctype in (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    ):
        return "feed"
    if ctype in ("text/html", "application/xhtml+xml") or _HTML_SNIFF_RE.search(head):
        return "html"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and all(_URL_LINE_RE.match(ln) for ln in lines[:-1] or lines):
        return "urls"
    return "unknown"


def _entry_authors(entry) -> tuple[str, ...]:
    names: list[str] = []
    for a in entry.get("authors") or []:
        name = a.get("name") or a.get("email")
        if name:
            names.append(name)
    if not names and entry.get("author"):
        names.append(entry["author"])
    return tuple(names)


def _entry_content(entry) -> str | None:
    for c in entry.get("content") or []:
        value = c.get("value")
        if value and len(value) > 200:
            return value
    return None


def parse_feed(data: bytes, url: str | None = None) -> Feed:
    """The feed's title, link and entries (links absolute, in feed order, each link once)."""
    import feedparser

    data = gunzip_if_needed(data)
    with warnings.catch_warnings():
        # feedparser warns when `updated` falls back to `published` (its issue 310)
        warnings.simplefilter("ignore", DeprecationWarning)
        parsed = feedparser.parse(data, response_headers={"content-location": url} if url else None)
        return _feed_of(parsed, url)


def _feed_of(parsed, url: str | None) -> Feed:
    version = parsed.get("version") or ""
    meta = parsed.get("feed") or {}
    if not version and not parsed.entries:
        exc = parsed.get("bozo_exception")
        detail = f": {str(exc).splitlines()[0][:200]}" if exc else ""
        return Feed(None, None, problem=f"not an RSS or Atom feed{detail}")
    base = meta.get("link") or url or ""
    feed = Feed(title=clean_outlet(meta.get("title")), link=meta.get("link"))
    seen: set[str] = set()
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            # Atom entries may give only rel=alternate links; RSS may put the URL in the guid.
            link = next((li.get("href") for li in e.get("links") or [] if li.get("href")), None)
            if not link and e.get("guidislink") is not False:
                guid = e.get("id") or ""
                link = guid if guid.startswith(("http://", "https://")) else None
        if link:
            link = urljoin(url or base, urljoin(base, link.strip()))
            if not link.startswith(("http://", "https://")):
                link = None
        if link:
            key = normalize_url(link)
            if key in seen:
                continue
            seen.add(key)
        published = e.get("published") or e.get("updated") or e.get("created")
        content = _entry_content(e)
        title = " ".join((e.get("title") or "").split()) or None
        stamp = "\x1f".join(
            [
                link or "",
                e.get("id") or "",
                title or "",
                e.get("updated") or "",
                published or "",
                hashlib.sha256((content or e.get("summary") or "").encode()).hexdigest(),
            ]
        )
        feed.entries.append(
            FeedEntry(
                link=link,
                guid=e.get("id"),
                title=title,
                authors=_entry_authors(e),
                published=published,
                content_html=None if link else content,
                fingerprint=hashlib.sha256(stamp.encode()).hexdigest()[:32],
            )
        )
    return feed


def parse_feed_list(data: bytes, base_url: str | None = None) -> list[str]:
    """Feed URLs from OPML or from a text file of URLs (one a line, ``#`` comments)."""
    data = gunzip_if_needed(data)
    if _OPML_SNIFF_RE.search(data[:4096]):
        from lxml import etree

        try:
            root = etree.fromstring(
                data, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
            )
        except etree.XMLSyntaxError:
            return []
        if root is None:
            return []
        urls = [o.get("xmlUrl") or o.get("xmlurl") for o in root.iter("outline")]
        found = [urljoin(base_url or "", u.strip()) for u in urls if u and u.strip()]
    else:
        text = data.decode("utf-8", errors="replace")
        found = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    out: list[str] = []
    for u in found:
        if u not in out:
            out.append(u)
    return out
