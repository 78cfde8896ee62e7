"""Web pages to article text and metadata: trafilatura for the text, the page's own metadata
for who, when and where. Pure: HTML in, :class:`Page` out.

Main text: ``trafilatura.bare_extraction`` (boilerplate, navigation, comments and related
links removed); its paragraphs become the body's paragraphs, separated by blank lines.

Metadata, most explicit source first:

* **published_at / published_date** — JSON-LD ``datePublished`` (NewsArticle and kin, also
  inside ``@graph``), then meta tags (``article:published_time``, ``og:published_time``,
  ``itemprop=datePublished``, ``DC.date.issued``, ``parsely-pub-date``, ``sailthru.date``,
  ``pubdate``, ``date``), then a ``<time datetime>`` inside the article, then the feed entry's
  date, then htmldate's search (other meta tags, the URL, the visible text) for the day alone.
  A time without a zone gives the date but no timestamp (it is not an instant).
* **authors** — JSON-LD ``author``, meta ``author`` / ``article:author`` / ``dc.creator`` /
  ``parsely-author`` / ``sailthru.author``, ``rel=author`` and ``itemprop=author`` elements,
  trafilatura's byline, the feed's author, a "By …" line opening the body; cleaned by
  :func:`transforms.metadata.clean_authors`.
* **outlet** — JSON-LD ``publisher.name``, ``og:site_name``, ``application-name``, then the
  URL's registered domain.
* **url** — ``<link rel=canonical>`` (absolute http(s) only), else the URL fetched.
* **language** — declared ``<html lang>`` / ``og:locale`` / ``content-language`` (kept as a
  hint: the detector on the text decides).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from transforms.metadata import (
    byline_from_body,
    clean_authors,
    clean_outlet,
    outlet_from_url,
    parse_day,
    parse_timestamp,
)


@dataclass
class Page:
    """What a page says about itself."""

    body: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None
    published_date: dt.date | None = None
    date_source: str | None = None  # jsonld | meta | time | feed | htmldate | None
    declared_language: str | None = None


# --------------------------------------------------------------------------- decoding

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(data: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, then the HTTP charset, then ``<meta charset>``, then UTF-8,
    then charset-normalizer's guess, then cp1252. Returns (text, encoding)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name.removesuffix("-sig")
    candidates = [_codec(header_charset)]
    m = _META_CHARSET_RE.search(data[:4096])
    candidates.append(_codec(m[1].decode("ascii", "replace")) if m else None)
    for name in candidates:
        if name is None:
            continue
        if name in ("latin-1", "iso8859-1", "ascii"):
            name = "cp1252"  # what browsers do (WHATWG encoding standard)
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("cp1252", errors="replace"), "cp1252"


# --------------------------------------------------------------------------- structured metadata

_JSONLD_RE = re.compile(
    r"<script[^>]+type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "report",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "webpage",
    "liveblogposting",
}


def _jsonld_objects(html: str) -> list[dict]:
    out: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            out.append(node)
            if "@graph" in node:
                walk(node["@graph"])
            if isinstance(node.get("mainEntity"), dict | list):
                walk(node["mainEntity"])

    for m in _JSONLD_RE.finditer(html):
        try:
            walk(json.loads(m[1].strip()))
        except (json.JSONDecodeError, RecursionError):
            continue
    return out


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower() for v in values if v}


def _names(value: object) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object or list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta_tags(html: str) -> dict[str, list[str]]:
    """meta name/property/itemprop → contents (lower-cased keys), in page order."""
    from lxml import html as lxml_html

    tags: dict[str, list[str]] = {}
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError, Exception):  # lxml raises its own ParserError
        return tags
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content:
            tags.setdefault(key.strip().lower(), []).append(content.strip())
    for el in tree.xpath("//*[@itemprop]"):
        key = el.get("itemprop", "").strip().lower()
        if el.tag == "meta":
            continue
        value = el.get("datetime") or el.get("content") or el.text_content()
        if key and value:
            tags.setdefault("itemprop:" + key, []).append(" ".join(value.split()))
    for el in tree.xpath("//a[@rel='author'] | //*[contains(@class,'byline__name')]"):
        text = " ".join(el.text_content().split())
        if text:
            tags.setdefault("rel:author", []).append(text)
    for el in tree.xpath("//article//time[@datetime] | //time[@pubdate][@datetime]"):
        tags.setdefault("time:datetime", []).append(el.get("datetime").strip())
    for el in tree.xpath("//link[@rel='canonical'][@href]"):
        tags.setdefault("link:canonical", []).append(el.get("href").strip())
    root_lang = tree.getroottree().getroot().get("lang")
    if root_lang:
        tags.setdefault("html:lang", []).append(root_lang.strip())
    return tags


_DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "itemprop:datepublished",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "itemprop:author",
    "rel:author",
)
_OUTLET_META = ("og:site_name", "application-name", "publisher", "dc.publisher")


def _first_date(values: list[str]) -> tuple[dt.datetime | None, dt.date | None]:
    for value in values:
        day = parse_day(value)
        if day is not None:
            return parse_timestamp(value), day
    return None, None


# --------------------------------------------------------------------------- extraction


def extract_page(
    html: str,
    url: str | None = None,
    *,
    hints: dict | None = None,
    today: dt.date | None = None,
) -> Page:
    """Main text and metadata of one page. ``hints`` are what a feed entry said (``title``,
    ``authors``, ``published``, ``outlet``); the page's own metadata wins over them."""
    import trafilatura

    hints = hints or {}
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    doc_text = getattr(doc, "text", None) or ""
    doc_title = getattr(doc, "title", None)
    body = "\n\n".join(line.strip() for line in doc_text.split("\n") if line.strip())
    tags = _meta_tags(html)
    articles = [o for o in _jsonld_objects(html) if _types(o) & _ARTICLE_TYPES]
    page = Page(body=body, url=_canonical(tags, url) or url)
    _set_dates(page, articles, tags, hints, html, url, today)
    page.outlet = _outlet(articles, tags) or outlet_from_url(page.url or url)
    page.authors = _authors(articles, tags, getattr(doc, "author", None), hints, page)
    headline = next((o["headline"] for o in articles if isinstance(o.get("headline"), str)), None)
    title = headline or doc_title or hints.get("title")
    page.title = " ".join(title.split()) if title else None
    page.body = _drop_headline(page.body, [page.title, doc_title])
    lang = tags.get("html:lang") or tags.get("og:locale") or tags.get("content-language")
    page.declared_language = (lang or [""])[0].replace("_", "-").split("-")[0].lower() or None
    return page


def _canonical(tags: dict[str, list[str]], url: str | None) -> str | None:
    """The page's ``<link rel=canonical>`` made absolute, when it is an http(s) URL."""
    for href in tags.get("link:canonical", []):
        absolute = urljoin(url or "", href)
        if absolute.startswith(("http://", "https://")):
            return absolute
    return None


def _set_dates(page: Page, articles, tags, hints, html: str, url, today) -> None:
    """published_at/published_date/date_source, from the most explicit source that has one."""
    candidates = [
        ("jsonld", [o[k] for o in articles for k in ("datePublished", "dateCreated", "uploadDate")
                    if isinstance(o.get(k), str)]),
        *(("meta", tags.get(key, [])) for key in _DATE_META),
        ("time", tags.get("time:datetime", [])),
        ("feed", [hints["published"]] if hints.get("published") else []),
    ]  # fmt: skip
    for source, values in candidates:
        at, day = _first_date(values)
        if day is not None:
            page.published_at, page.published_date, page.date_source = at, day, source
            return
    day = _htmldate(html, url, today)
    if day is not None:
        page.published_date, page.date_source = day, "htmldate"


def _outlet(articles, tags) -> str | None:
    """The publisher's name as the page declares it (JSON-LD, then meta tags)."""
    names = [n for o in articles for n in _names(o.get("publisher"))]
    names += [v for k in _OUTLET_META for v in tags.get(k, [])]
    return next((clean_outlet(n) for n in names if clean_outlet(n)), None)


def _authors(articles, tags, byline: str | None, hints, page: Page) -> list[str]:
    """Person names from JSON-LD, meta tags and rel=author, trafilatura's byline, the feed,
    then a byline or credit line in the body — the first source that names anyone."""
    sources = [
        [n for o in articles for n in _names(o.get("author"))],
        [v for k in _AUTHOR_META for v in tags.get(k, []) if "://" not in v],
        byline.split(";") if byline else [],
        list(hints.get("authors") or []),
    ]
    for raw in sources:
        if raw:
            names = clean_authors(raw, outlet=page.outlet)
            if names:
                return names
    return byline_from_body(page.body)


def _drop_headline(body: str, titles: list[str | None]) -> str:
    """Drop a first paragraph that only repeats the headline (the article's <h1>)."""
    first, _, rest = body.partition("\n\n")
    norm = " ".join(first.split()).casefold()
    if rest and any(t and " ".join(t.split()).casefold() == norm for t in titles):
        return rest
    return body


def _htmldate(html: str, url: str | None, today: dt.date | None) -> dt.date | None:
    """htmldate's search (meta tags, URL, visible text) for the original publication day."""
    from htmldate import find_date

    try:
        found = find_date(
            html,
            url=url,
            original_date=True,
            extensive_search=False,  # the full-text search takes "© 2025" for a date
            max_date=(today or dt.date.today()).isoformat(),
        )
    except Exception:  # htmldate parses arbitrary markup; a failure is "no date"
        return None
    return parse_day(found) if found else None
